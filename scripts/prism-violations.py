#!/usr/bin/env python3
"""List the contract violations in a Prism (@stoplight/prism-cli 5) proxy log.

Prism's CLI log has one line per event, e.g.

  [12:39:36 AM] › [HTTP SERVER] get /api/v1/users ℹ  info      Request received
  [12:39:36 AM] ›     [PROXY] ℹ  info      The upstream call to /api/v1/users has returned 401
  [12:39:36 AM] ›     [VALIDATOR] ⚠  warning   Violation: response Unable to match the returned status code ...
  [12:39:36 AM] › [HTTP SERVER] post /api/v1/x ✖  error     Request terminated with error: https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY: Invalid request

A violation is a `[VALIDATOR] ... Violation: <location> <message>` line (a response that breaks the
contract, or a request when Prism lets it through) or a `Request terminated with error:` line (with
--errors, Prism answers a request it judged invalid, or an upstream response with error-level
violations, with a problem document instead; the details go to the client in the problem body and
the `sl-violations` header, not to the log: scripts/prism-detail.cjs, preloaded into Prism, writes
them to the log as `[contract-detail] ...` lines, which are attached here). Each is reported with the request it belongs to
("METHOD PATH -> upstream status"; Prism logs requests one after another, so with parallel
clients the attribution is the latest request seen).

Allowlist: a file of extended regexes, one a line (# comments), matched against the reported line.
Usage: prism-violations.py PRISM_LOG [--allow FILE]; exit 1 when a violation is not allowed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;]*m")
REQUEST = re.compile(r"\[HTTP SERVER\] (\w+) (\S+) .*Request received")
UPSTREAM = re.compile(r"\[PROXY\] .*The upstream call to (\S+) has returned (\d+)")
VIOLATION = re.compile(r"\[VALIDATOR\]\s+\S+\s+(\w+)\s+(Violation: .*)$")
TERMINATED = re.compile(r"\[HTTP SERVER\] (\w+) (\S+) .*Request terminated with error: (.*)$")
# written by scripts/prism-detail.cjs (preloaded into Prism): what the client was told
DETAIL = re.compile(r"^\[contract-detail\] (\w+) (\S+) (\d+) (\{.*\})$")


def load_allowlist(path: Path | None) -> list[re.Pattern[str]]:
    if path is None or not path.is_file():
        return []
    pats = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            pats.append(re.compile(line))
    return pats


def describe(detail: dict) -> str:
    items = detail.get("validation") or detail.get("sl-violations") or []
    if not isinstance(items, list):
        return str(items)[:500]
    return "; ".join(
        f"{'.'.join(map(str, v.get('location', [])))}: {v.get('message')}" for v in items if isinstance(v, dict)
    ) or str(detail.get("detail", ""))


def scan(log: Path) -> list[str]:
    lines = [ANSI.sub("", raw) for raw in log.read_text(errors="replace").splitlines()]
    # details of refused exchanges, queued per "METHOD path" in the order Prism answered them
    details: dict[str, list[str]] = {}
    for line in lines:
        if m := DETAIL.search(line):
            try:
                detail = json.loads(m.group(4))
            except json.JSONDecodeError:
                continue
            if "validation" in detail:
                key = f"{m.group(1).upper()} {m.group(2).split('?', 1)[0]}"
                details.setdefault(key, []).append(describe(detail))
    found = []
    current = "(no request yet)"
    for line in lines:
        if m := REQUEST.search(line):
            current = f"{m.group(1).upper()} {m.group(2)}"
        elif m := UPSTREAM.search(line):
            current = f"{current.split(' -> ')[0]} -> {m.group(2)}"
        elif m := VIOLATION.search(line):
            found.append(f"{current}: [{m.group(1)}] {m.group(2)}")
        elif m := TERMINATED.search(line):
            key = f"{m.group(1).upper()} {m.group(2)}"
            queue = details.get(key) or []
            why = f" -- {queue.pop(0)}" if queue else ""
            found.append(f"{key}: [error] Prism refused: {m.group(3)}{why}")
    return found


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("log", type=Path)
    ap.add_argument("--allow", type=Path, default=None)
    args = ap.parse_args()
    allow = load_allowlist(args.allow)
    found = scan(args.log)
    bad = [v for v in found if not any(p.search(v) for p in allow)]
    allowed = [v for v in found if v not in bad]
    requests = sum(1 for line in args.log.read_text(errors="replace").splitlines() if REQUEST.search(line))
    if allowed:
        print(f"{len(allowed)} allowed violation(s) (known gaps of Okta's spec, see {args.allow}):")
        for v in sorted(set(allowed)):
            print(f"  allowed x{allowed.count(v)}: {v}")
    if bad:
        print(f"{len(bad)} contract violation(s) in {requests} requests through Prism:")
        for v in sorted(set(bad)):
            print(f"  VIOLATION x{bad.count(v)}: {v}")
        return 1
    print(f"no contract violations in {requests} requests through Prism")
    return 0


if __name__ == "__main__":
    sys.exit(main())
