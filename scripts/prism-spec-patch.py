#!/usr/bin/env python3
"""Patch the Prism spec (output of ../shared/okta-openapi/prism-spec.py) in place where Okta's
published schemas can never validate, so Prism judges our traffic and not the spec's own defects.

The one patch: a `oneOf` without a discriminator in which two or more alternatives are objects with no
`required` property (all properties optional) is unsatisfiable for every body that fits those two, and
the empty object fits them all. For example UserFactorActivateRequest and UserFactorVerifyRequest
list several `{passCode}` variants, so Okta's own documented body {"passCode": "123456"} "must
match exactly one schema in oneOf" and Prism answers 422. Such a `oneOf` becomes `anyOf`
(at least one alternative must match), which is what Okta means.

Usage: prism-spec-patch.py SPEC.json   (prints what it changed)
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

    def undecidable(alts: list) -> bool:
        # Two alternatives that take any object (all properties optional) both match every body that fits
        # them, so "exactly one" can never hold.
        return len(alts) >= 2 and sum(1 for alt in alts if permissive(alt)) >= 2

    patched: list[str] = []

    def walk(node, where: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("oneOf"), list) and "discriminator" not in node and undecidable(node["oneOf"]):
                node["anyOf"] = node.pop("oneOf")
                patched.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(spec, "#")
    path.write_text(json.dumps(spec))
    print(f"{path}: {len(patched)} undecidable oneOf -> anyOf")
    for where in patched:
        print(f"  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
