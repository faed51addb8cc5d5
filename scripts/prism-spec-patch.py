#!/usr/bin/env python3
"""Patch the Prism spec (output of ../shared/okta-openapi/prism-spec.py) in place where Okta's
published schemas cannot be validated as written, so Prism judges our traffic and not the spec's defects.

Two patches, each printed with the places it changed:

1. A `oneOf` with a `discriminator` picks its alternative by a property (e.g. a role assignment's `type`:
   CUSTOM -> CustomRole, anything else -> StandardRole). Prism ignores discriminators, and an object that
   fits the named alternative often fits another too ("must match exactly one schema in oneOf"). The
   mapping is written into the alternatives instead: each becomes `allOf: [alternative, {properties:
   {<property>: {enum: [the values that map to it]}}}]`. Validation stays exact.
2. A `oneOf` without a discriminator in which two or more alternatives are objects with no `required`
   property (all properties optional) is unsatisfiable for every body that fits those two, and the empty
   object fits them all: UserFactorActivateRequest lists several `{passCode}` variants, so Okta's own
   documented body {"passCode": "123456"} can never match exactly one. Such a `oneOf` becomes `anyOf`
   (at least one alternative must match), which is what Okta means.

3. The token endpoint (`--oauth-spec ../shared/okta-openapi/oauth-oneOfInheritance.yaml`): prism-spec.py merges
   the Management and Governance specs only, so `POST /oauth2/v1/token`, which OAuth clients call at the org's
   URL, would be a path Okta does not have. The operation is copied from Okta's OAuth spec with the components
   it uses (renamed `oauth_<name>`, example values removed, a discriminator with no oneOf dropped), so token
   requests and answers are validated too.
   Its `security` is left out: it lists client authentication schemes (`http` `basic`, and `postBody` for
   private_key_jwt), and Prism has no handler for `postBody`, so it would refuse every private_key_jwt request;
   the client assertion in the body is what authenticates, and the sandbox checks it.

Usage: prism-spec-patch.py SPEC.json [--oauth-spec OAUTH.yaml]   (the OAuth spec needs PyYAML)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_token_endpoint(spec: dict, oauth_spec: Path) -> list[str]:
    """Copy `POST /oauth2/v1/token` and what it references from Okta's OAuth spec; the names copied."""
    import yaml

    source = yaml.load(oauth_spec.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    prefix = "oauth_"

    def strip_examples(node, parent_key=None):
        if isinstance(node, dict):
            if parent_key != "properties":
                node.pop("example", None)
                node.pop("examples", None)
            for key, value in node.items():
                strip_examples(value, key)
        elif isinstance(node, list):
            for value in node:
                strip_examples(value, parent_key)

    copied: dict[tuple[str, str], dict] = {}

    def rename(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/"):
                _, _, section, name = ref.split("/", 3)
                if (section, name) not in copied:
                    copied[(section, name)] = {}
                    original = source["components"][section][name]
                    strip_examples(original)
                    copied[(section, name)] = rename(original)
                return {**node, "$ref": f"#/components/{section}/{prefix}{name}"}
            # TokenRequestOrgAs names its grant types' schemas in a discriminator mapping without a oneOf to pick
            # from (nothing to validate, and the names are not copied): it goes.
            return {k: rename(v) for k, v in node.items() if not (k == "discriminator" and "oneOf" not in node)}
        if isinstance(node, list):
            return [rename(v) for v in node]
        return node

    operation = dict(source["paths"]["/oauth2/v1/token"]["post"])
    operation.pop("security", None)
    strip_examples(operation)
    spec["paths"]["/oauth2/v1/token"] = {"post": rename(operation)}
    for (section, name), node in copied.items():
        target = spec.setdefault("components", {}).setdefault(section, {})
        if f"{prefix}{name}" in target:
            sys.exit(f"components.{section}.{prefix}{name} is already in the spec")
        target[f"{prefix}{name}"] = node
    return sorted(f"{section}/{prefix}{name}" for section, name in copied)


def main() -> int:
    path = Path(sys.argv[1])
    spec = json.loads(path.read_text())
    oauth_spec = Path(sys.argv[3]) if len(sys.argv) == 4 and sys.argv[2] == "--oauth-spec" else None
    token_components = add_token_endpoint(spec, oauth_spec) if oauth_spec else []
    schemas = spec.get("components", {}).get("schemas", {})

    def resolve(node: dict) -> dict:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            ref = node["$ref"]
            if not ref.startswith("#/components/schemas/"):
                return node
            node = schemas.get(ref.rsplit("/", 1)[-1], {})
            seen += 1
        return node

    def permissive(node, depth: int = 0) -> bool:
        """Accepts any JSON object that fits its (all optional) properties: no `required`, no oneOf/anyOf."""
        r = resolve(node)
        if depth > 10 or not isinstance(r, dict):
            return False
        if r.get("required") or r.get("oneOf") or r.get("anyOf") or r.get("type", "object") != "object":
            return False
        return all(permissive(part, depth + 1) for part in r.get("allOf", []))

    def encode_discriminator(node: dict) -> bool:
        disc = node.get("discriminator") or {}
        prop, mapping = disc.get("propertyName"), disc.get("mapping") or {}
        if not prop:
            return False
        values: dict[str, list[str]] = {}
        for value, ref in mapping.items():
            values.setdefault(ref, []).append(value)
        alternatives = []
        for alt in node["oneOf"]:
            ref = alt.get("$ref") if isinstance(alt, dict) else None
            if ref is None:
                return False
            # Without an explicit mapping, OpenAPI maps the schema's own name.
            names = values.get(ref) or [ref.rsplit("/", 1)[-1]]
            alternatives.append({"allOf": [alt, {"properties": {prop: {"enum": sorted(names)}}}]})
        node["oneOf"] = alternatives
        del node["discriminator"]
        return True

    discriminated: list[str] = []
    relaxed: list[str] = []

    def walk(node, where: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("oneOf"), list):
                if "discriminator" in node:
                    if encode_discriminator(node):
                        discriminated.append(where)
                elif len(node["oneOf"]) >= 2 and sum(1 for alt in node["oneOf"] if permissive(alt)) >= 2:
                    node["anyOf"] = node.pop("oneOf")
                    relaxed.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(spec, "#")
    path.write_text(json.dumps(spec))
    print(f"{path}: {len(discriminated)} discriminated oneOf encoded, {len(relaxed)} undecidable oneOf -> anyOf")
    for where in discriminated:
        print(f"  discriminator: {where}")
    for where in relaxed:
        print(f"  anyOf: {where}")
    if oauth_spec:
        print(f"  POST /oauth2/v1/token from {oauth_spec.name}, without security, with {', '.join(token_components)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
