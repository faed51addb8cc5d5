#!/usr/bin/env python3
"""Judge the MCP conformance runs of scripts/test-conformance against tests/conformance/not-applicable.txt.

Usage: conformance-report.py NOT_APPLICABLE_FILE RUN_DIR...

Each RUN_DIR is one `conformance server` run against one server at one protocol version; it holds
  scenarios.txt   the scenarios the suite lists for that version (one a line), what the run must have run
  results/server-<scenario>-<timestamp>/checks.json   the suite's checks of each scenario
and its name is <server>.<config>.<version>.

A check whose status is FAILURE fails the run unless the list excuses it (`scenario:check-id`, or `scenario` for
the scenario's own checks; `wire-schema-*` checks are never excused by a whole-scenario entry). A listed entry
that does not fail in some run where it ran (it applies now), or that ran in no run at all (the suite renamed or
dropped it), fails too, so the list stays true. Prints one table row per run and exits 1 on any problem.
"""

import json
import os
import re
import sys
from collections import defaultdict

NEVER_EXCUSED_BY_SCENARIO = ("wire-schema-valid", "wire-schema-harness-error")
DIR_RE = re.compile(r"^server-(.+)-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d+Z$")


def load_list(path):
    entries = {}
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) < 2 or not parts[1].strip():
            sys.exit(f"{path}:{n}: an entry needs a reason: {line!r}")
        if parts[0] in entries:
            sys.exit(f"{path}:{n}: {parts[0]} is listed twice")
        entries[parts[0]] = parts[1].strip()
    for key in entries:
        if ":" in key and key.split(":", 1)[0] in entries:
            sys.exit(f"{path}: {key} is listed beside its whole scenario {key.split(':', 1)[0]}")
    return entries


def load_run(run_dir):
    """{scenario: [check, ...]} of one run, plus the scenarios it should have run."""
    want = [s.strip() for s in open(os.path.join(run_dir, "scenarios.txt")) if s.strip()]
    got = {}
    results = os.path.join(run_dir, "results")
    for d in sorted(os.listdir(results)) if os.path.isdir(results) else []:
        m = DIR_RE.match(d)
        f = os.path.join(results, d, "checks.json")
        if not m or not os.path.isfile(f):
            continue
        with open(f, encoding="utf-8") as fh:
            got[m.group(1)] = json.load(fh)
    return want, got


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    entries = load_list(sys.argv[1])
    problems = []
    rows = []
    # entry -> {"ran": runs where it ran, "failed": runs where it failed, "passed": runs where it did not fail}
    seen = defaultdict(lambda: {"ran": 0, "failed": 0, "passed": []})
    scenario_runs = defaultdict(int)
    for run_dir in sys.argv[2:]:
        name = os.path.basename(run_dir.rstrip("/"))
        want, got = load_run(run_dir)
        applicable = passed = na = warnings = 0
        failed = []
        for scenario in want:
            if scenario not in got:
                problems.append(f"{name}: scenario {scenario} produced no results (the run crashed or timed out?)")
                failed.append(scenario)
                continue
        for scenario, checks in got.items():
            scenario_runs[scenario] += 1
            whole = scenario in entries
            unexcused = []
            own_failed = False
            per_check = defaultdict(list)
            for c in checks:
                cid, status = c.get("id", "?"), c.get("status", "?")
                per_check[cid].append(status)
                if status == "WARNING":
                    warnings += 1
                if status != "FAILURE":
                    continue
                if f"{scenario}:{cid}" in entries:
                    continue
                if whole and cid not in NEVER_EXCUSED_BY_SCENARIO:
                    own_failed = True
                    continue
                msg = (c.get("errorMessage") or c.get("description") or "").replace("\n", " ")
                unexcused.append(f"{cid}: {msg[:300]}")
            # listed single checks of this scenario
            for key in entries:
                if not key.startswith(scenario + ":"):
                    continue
                cid = key.split(":", 1)[1]
                statuses = per_check.get(cid, [])
                if not statuses or all(s == "SKIPPED" for s in statuses):
                    continue  # the scenario stopped before it: tolerated
                seen[key]["ran"] += 1
                if "FAILURE" in statuses:
                    seen[key]["failed"] += 1
                else:
                    seen[key]["passed"].append(f"{name} ({'/'.join(sorted(set(statuses)))})")
            if whole:
                seen[scenario]["ran"] += 1
                if own_failed:
                    seen[scenario]["failed"] += 1
                else:
                    seen[scenario]["passed"].append(name)
            if unexcused:
                failed.append(scenario)
                for u in unexcused:
                    problems.append(f"{name}: {scenario}: {u}")
            elif whole:
                na += 1
            else:
                applicable += 1
                passed += 1
        rows.append((name, len(want), applicable + len(failed), passed, na, warnings, failed))

    # the list stays true
    for key, reason in entries.items():
        s = seen.get(key)
        if key.split(":", 1)[0] not in scenario_runs or s is None or s["ran"] == 0:
            problems.append(f"listed {key} ran in no run: the suite dropped or renamed it; fix {sys.argv[1]}")
        elif s["passed"]:
            problems.append(
                f"listed {key} did not fail in {', '.join(s['passed'][:4])}"
                f"{' …' if len(s['passed']) > 4 else ''}: it applies now; remove it from {sys.argv[1]}"
            )

    w = max(len(r[0]) for r in rows) if rows else 10
    print(f"\n{'run (server.config.version)':<{w}}  scenarios  applicable  passed  not-applicable  warnings  failed")
    for name, total, appl, passed, na, warnings, failed in rows:
        print(f"{name:<{w}}  {total:>9}  {appl:>10}  {passed:>6}  {na:>14}  {warnings:>8}  {len(failed):>6}"
              + (f"  {' '.join(failed)}" if failed else ""))
    tot = [sum(r[i] for r in rows) for i in (2, 3, 4)]
    print(f"{'total':<{w}}  {'':>9}  {tot[0]:>10}  {tot[1]:>6}  {tot[2]:>14}")
    if not any(p.startswith("listed ") for p in problems):
        print(f"\nnot applicable: the {len(entries)} entries of {sys.argv[1]} each failed as listed wherever they ran")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print(f"  - {p}")
        return 1
    print("conformance: every applicable scenario passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
