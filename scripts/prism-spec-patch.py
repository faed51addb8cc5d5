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

Usage: prism-spec-patch.py SPEC.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> int:
    path = Path(sys.argv[1])
    spec = json.loads(path.read_text())
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
