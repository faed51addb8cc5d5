#!/usr/bin/env python3
"""The bulk workflow at Okta's rate limit: a 1,000-user CSV applied end to end (okta-mcp-governance, release
build) against a local okta-sandbox with a rate limit on the governance bucket.

Reports, and checks:
- share of the limit reached: governance requests per second during the run against the governor's share of the
  limit (OKTA_RATE_SHARE × limit / window), target >= 90%;
- 429s answered to the server (0), failed users (0), duplicate grants (0);
- a rerun sends no change;
- a run killed with SIGKILL halfway, then resumed, ends in the same state (grants and values per user) with no
  duplicates.

Usage: scripts/bench_bulk.py [--bin-dir target/release] [--users 1000] [--limit 600] [--window 10]
Run through scripts/bench (BENCH_BULK=0 skips it). Exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mcp_stdio import McpProc, Sandbox, tool_text  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TOKEN = "sandbox-api-token"
APP = "0oasalesforce0000001"
FIXTURES = {"alice.active", "bob.active", "olivia.orgadmin", "henry.helpdesk", "carol.finance"}
ROLES = ["Sales Rep", "Account Manager", "Sales Engineer", "Support Agent", "Analyst"]
PERMISSION_SETS = ["Reports Viewer", "Finance Admin", "Payments Approver", "API Enabled"]


def api(url: str, path: str, method: str = "GET") -> tuple[object, object]:
    """An Okta API call to the sandbox, waiting out a 429 (this script's own reads, not the server's)."""
    while True:
        req = urllib.request.Request(url + path, method=method, headers={"Authorization": f"SSWS {TOKEN}",
                                                                            "Accept": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return json.loads(resp.read() or b"null"), resp.headers
        except urllib.error.HTTPError as e:
            if e.code != 429:
                raise
            reset = int(e.headers.get("X-Rate-Limit-Reset", "0"))
            time.sleep(max(0.2, reset - time.time() + 0.2))


def all_pages(url: str, path: str) -> list[dict]:
    items: list[dict] = []
    while path:
        page, headers = api(url, path)
        items.extend(page["data"] if isinstance(page, dict) else page)
        links = ", ".join(headers.get_all("Link") or [])
        nxt = re.search(r'<([^>]+)>;\s*rel="next"', links)
        path = nxt.group(1).replace(url, "") if nxt else ""
    return items


def stats(url: str) -> Counter:
    with urllib.request.urlopen(url + "/__sandbox/stats", timeout=30) as resp:
        return Counter(json.loads(resp.read())["requests"])


def write_csv(url: str, users: int, path: Path) -> int:
    """The benchmark's CSV: `users` ACTIVE users of the sandbox, a role each (some two), a permission set each,
    and a denied row for every tenth user."""
    active = all_pages(url, "/api/v1/users?limit=200&filter=" + urllib.parse.quote('status eq "ACTIVE"'))
    logins = [u["profile"]["login"] for u in active if u["profile"]["login"].split("@")[0] not in FIXTURES]
    if len(logins) < users:
        raise SystemExit(f"the sandbox has {len(logins)} ACTIVE users; start it with more --users")
    lines = ["Email,Role,Permission_Set,Effective_Access"]
    for i, login in enumerate(logins[:users]):
        role = ROLES[i % len(ROLES)] + ("; Analyst" if i % 7 == 0 and i % len(ROLES) != 4 else "")
        lines.append(f"{login},{role},{PERMISSION_SETS[i % len(PERMISSION_SETS)]},Permitted")
        if i % 10 == 0:
            lines.append(f"{login},Administrator,Finance Admin,Denied")
    path.write_text("\n".join(lines) + "\n")
    return users


def server(bin_dir: Path, url: str, work: Path, log: Path) -> McpProc:
    env = {"OKTA_ORG_URL": url, "OKTA_API_TOKEN": TOKEN, "OKTA_MCP_CSV_DIR": str(work / "csv"),
           "OKTA_MCP_AUDIT_DB": str(work / "audit.db"), "OKTA_MCP_LOG": "debug"}
    proc = McpProc([str(bin_dir / "okta-mcp-governance"), "--mode", "read-write"], env=env, stderr_path=log)
    proc.initialize()
    return proc


def call(proc: McpProc, tool: str, args: dict, timeout: float = 900) -> dict:
    result = proc.call_tool(tool, args, timeout=timeout)
    text = tool_text(result)
    if result.get("isError"):
        raise SystemExit(f"{tool} failed: {text[:2000]}")
    return json.loads(text)


def end_state(url: str) -> dict[str, tuple[int, int]]:
    """Per user: the API grants of the app and the values they give."""
    flt = urllib.parse.quote(f'target.externalId eq "{APP}" AND target.type eq "APPLICATION"')
    grants = all_pages(url, f"/governance/api/v1/grants?limit=200&include=full_entitlements&filter={flt}")
    out: dict[str, list[int]] = {}
    for g in grants:
        if g.get("actor") != "API" or g.get("status") != "ACTIVE":
            continue
        user = g["targetPrincipal"]["externalId"]
        values = sum(len(e.get("values", [])) for e in g.get("entitlements", []))
        entry = out.setdefault(user, [0, 0])
        entry[0] += 1
        entry[1] += values
    return {u: (n, v) for u, (n, v) in out.items()}


def governance_requests(before: Counter, after: Counter) -> int:
    return sum(n - before.get(k, 0) for k, n in after.items() if " /governance/" in k)


def changes(before: Counter, after: Counter) -> int:
    return sum(n - before.get(k, 0) for k, n in after.items() if not k.startswith("GET") and "/__sandbox" not in k)


def rate_limited(url: str) -> int:
    """The 429s the sandbox has answered so far (its own count; this script reads nothing during a run)."""
    with urllib.request.urlopen(f"{url}/__sandbox/stats", timeout=10) as resp:
        return int(json.load(resp)["rate_limited"])


def sandbox_args(args: argparse.Namespace) -> list[str]:
    generous = str(100_000)
    return ["--users", str(args.users + 300), "--rate-limit-window-secs", str(args.window),
            "--rate-limit", f"default={args.limit}", "--rate-limit", f"users={generous}",
            "--rate-limit", f"apps={generous}", "--rate-limit", f"roles={generous}"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin-dir", type=Path, default=REPO / "target" / "release")
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--limit", type=int, default=600, help="governance (default family) requests per window")
    ap.add_argument("--window", type=int, default=10, help="rate-limit window, seconds")
    ap.add_argument("--share", type=float, default=0.8, help="the governor's share (OKTA_RATE_SHARE default)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="okta-bench-bulk-"))
    (work / "csv").mkdir()
    checks: list[tuple[str, str, bool]] = []
    file_args = {"file": "access.csv", "app": APP}

    # 1. the whole run, then a rerun
    with Sandbox(args.bin_dir / "okta-sandbox", work / "sandbox1.log", sandbox_args(args)) as sb:
        write_csv(sb.url, args.users, work / "csv" / "access.csv")
        log = work / "server1.log"
        with server(args.bin_dir, sb.url, work, log) as proc:
            prepared = call(proc, "okta_iga_prepare_entitlements", file_args)
            print(f"prepare: created {len(prepared['created'])} entitlement(s), values added to "
                  f"{len(prepared['values_added'])}")
            limited = rate_limited(sb.url)
            before = stats(sb.url)
            t0 = time.monotonic()
            summary = call(proc, "okta_iga_apply_grants", file_args)
            elapsed = time.monotonic() - t0
            after = stats(sb.url)
            rate = governance_requests(before, after) / elapsed
            allowed = args.share * args.limit / args.window
            reached = rate / allowed
            too_many = rate_limited(sb.url) - limited
            print(f"apply: {summary['users']} users in {elapsed:.1f} s, created {summary['created']}, assigned "
                  f"{summary['assigned_to_app']}, failed {summary['failed']}, {summary['requests']} requests, peak "
                  f"{summary['peak_bucket']}")
            print(f"governance requests: {governance_requests(before, after)} = {rate:.1f}/s against "
                  f"{allowed:.1f}/s allowed ({args.share} x {args.limit}/{args.window}s)")
            checks.append(("share of the limit reached >= 90%", f"{reached:.1%}", reached >= 0.9))
            checks.append(("429s", str(too_many), too_many == 0))
            checks.append(("failed users", str(summary["failed"]), summary["failed"] == 0))
            state1 = end_state(sb.url)
            dupes = sum(1 for n, _ in state1.values() if n > 1)
            checks.append(("duplicate grants", str(dupes), dupes == 0))
            checks.append(("users granted", f"{len(state1)}/{args.users}", len(state1) == args.users))
            before = stats(sb.url)
            t0 = time.monotonic()
            rerun = call(proc, "okta_iga_apply_grants", file_args)
            rerun_changes = changes(before, stats(sb.url))
            print(f"rerun: {time.monotonic() - t0:.1f} s, skipped {rerun['skipped_already_present']}, "
                  f"created {rerun['created']}")
            checks.append(("rerun changes", str(rerun_changes), rerun_changes == 0))

    # 2. killed halfway (SIGKILL), then resumed, on a fresh org
    (work / "audit.db").unlink(missing_ok=True)
    for extra in work.glob("audit.*"):
        extra.unlink()
    with Sandbox(args.bin_dir / "okta-sandbox", work / "sandbox2.log", sandbox_args(args)) as sb:
        log = work / "server2.log"
        first = server(args.bin_dir, sb.url, work, log)
        call(first, "okta_iga_prepare_entitlements", file_args)
        first.send({"jsonrpc": "2.0", "id": 999, "method": "tools/call",
                    "params": {"name": "okta_iga_apply_grants", "arguments": file_args}})
        deadline = time.monotonic() + 600
        while stats(sb.url).get("POST /governance/api/v1/grants", 0) < args.users // 2:
            if time.monotonic() > deadline:
                raise SystemExit("the run to kill never got halfway")
            time.sleep(0.05)
        first.kill()
        killed_at = stats(sb.url).get("POST /governance/api/v1/grants", 0)
        print(f"killed with SIGKILL after {killed_at} grants")
        limited = rate_limited(sb.url)
        with server(args.bin_dir, sb.url, work, log) as second:
            resumed = call(second, "okta_iga_apply_grants", file_args)
        print(f"resumed: done before {resumed['done_before_resume']}, found granted "
              f"{resumed['skipped_already_present']}, created {resumed['created']}, failed {resumed['failed']}")
        state2 = end_state(sb.url)
        dupes = sum(1 for n, _ in state2.values() if n > 1)
        checks.append(("resumed: duplicate grants", str(dupes), dupes == 0))
        same = sorted(v for _, v in state1.values()) == sorted(v for _, v in state2.values()) \
            and len(state1) == len(state2)
        checks.append(("resumed: same end state as the whole run", str(same), same))
        resumed_429s = rate_limited(sb.url) - limited
        checks.append(("resumed: 429s", str(resumed_429s), resumed_429s == 0))

    width = max(len(c[0]) for c in checks)
    for name, measured, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name:<{width}}  {measured}")
    print(f"(work files in {work})")
    return 0 if all(ok for _, _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
