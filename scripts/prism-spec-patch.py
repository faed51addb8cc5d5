#!/usr/bin/env python3
"""Patch the Prism spec (output of ../shared/okta-openapi/prism-spec.py) in place where Okta's
published schemas can never validate, so Prism judges our traffic and not the spec's own defects.

The one patch: a `oneOf` without a discriminator whose alternatives are all objects with no
`required` property is unsatisfiable for any body that fits more than one alternative, and the
empty object fits all of them. For example UserFactorActivateRequest and UserFactorVerifyRequest
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

    def undecidable(alts: list) -> bool:
        if len(alts) < 2:
            return False
        for alt in alts:
            r = resolve(alt)
            if not isinstance(r, dict) or r.get("required") or r.get("allOf") or r.get("oneOf") or r.get("anyOf"):
                return False
            if r.get("type", "object") != "object":
                return False
        return True

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
