#!/usr/bin/env python3
"""Budgets of okta-mcp-users (release build), measured against a local okta-sandbox.

Usage: scripts/bench.py [--bin-dir target/release] [--runs 30] [--page-runs 60]
Run through scripts/bench, which builds the release binaries first.
Exits 1 if any budget fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mcp_stdio import McpProc, Sandbox, tool_text  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TOKEN = "sandbox-api-token"

INIT_MEDIAN_MS = 10.0
RSS_KB = 12 * 1024
BYTES_PER_TOOL = 600
PAGE_BYTES = 40 * 1024
# The server's own share of a 200-user okta_list_users over stdio: (through the server - direct) / direct.
OWN_SHARE = 0.15


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/PID/status")


def undocumented_params(tools: list[dict]) -> list[str]:
    missing = []
    for tool in tools:
        for name, schema in (tool.get("inputSchema") or {}).get("properties", {}).items():
            if not (isinstance(schema, dict) and str(schema.get("description", "")).strip()):
                missing.append(f"{tool['name']}.{name}")
    return missing


def direct_page(conn: http.client.HTTPConnection, path: str) -> bytes:
    """The Okta request itself: one GET on a kept-alive connection, the whole body read."""
    conn.request("GET", path, headers={"Authorization": f"SSWS {TOKEN}", "Accept": "application/json"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
    return body


def server_page(mcp: McpProc, rid: int, arguments: dict) -> bytes:
    """The same page through the server over stdio: one tools/call line out, its response line back (read
    straight from the pipe, so the harness adds as little as it can)."""
    assert mcp.proc.stdin is not None and mcp.proc.stdout is not None
    mcp.proc.stdin.write(json.dumps({"jsonrpc": "2.0", "id": rid, "method": "tools/call",
                                     "params": {"name": "okta_list_users", "arguments": arguments}}).encode() + b"\n")
    mcp.proc.stdin.flush()
    while True:
        line = mcp.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"server closed stdout (exit code {mcp.proc.poll()})")
        if f'"id":{rid},'.encode() in line or f'"id":{rid}}}'.encode() in line:
            return line


def own_share(server: list[str], env: dict[str, str], sandbox_url: str, work: Path, runs: int):
    """Median time of a 200-user page fetched directly and through the server (runs interleaved), and the
    server's own share of it: (server - direct) / direct."""
    host, port = sandbox_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    path = "/api/v1/users?limit=200"
    direct: list[float] = []
    through: list[float] = []
    with McpProc(server, env, work / "server.log") as mcp:
        mcp.initialize()
        for i in range(runs + 5):  # the first 5 of each warm up connections, caches and allocators
            t0 = time.perf_counter()
            body = direct_page(conn, path)
            t1 = time.perf_counter()
            line = server_page(mcp, 1000 + i, {"limit": 200})
            t2 = time.perf_counter()
            if i >= 5:
                direct.append((t1 - t0) * 1000)
                through.append((t2 - t1) * 1000)
        reply = json.loads(line)
        result = reply.get("result") or {}
        if result.get("isError") or "error" in reply:
            raise RuntimeError(f"okta_list_users failed: {line[:300]!r}")
        rows = len(json.loads(tool_text(result)).get("rows", []))
        if rows != 200 or len(json.loads(body)) != 200:
            raise RuntimeError(f"expected 200 users both ways, got {len(json.loads(body))} direct, {rows} rows")
    conn.close()
    return statistics.median(direct), statistics.median(through), len(body), len(line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin-dir", type=Path, default=REPO / "target" / "release")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--page-runs", type=int, default=60, help="runs of the own-share measurement")
    args = ap.parse_args()
    server = [str(args.bin_dir / "okta-mcp-users")]
    work = Path(tempfile.mkdtemp(prefix="okta-bench-"))
    results: list[tuple[str, str, str, bool]] = []  # budget, measured, limit, ok

    # A users rate limit far above what the runs use: the measurement is of the server, not of its governor.
    with Sandbox(args.bin_dir / "okta-sandbox", work / "sandbox.log", ["--rate-limit", "users=1000000"]) as sandbox:
        env = {"OKTA_ORG_URL": sandbox.url, "OKTA_API_TOKEN": TOKEN, "OKTA_MCP_LOG": "warn"}

        # 0. what the harness itself costs: spawn `head -n1` and read one echoed line back
        baseline = []
        for i in range(args.runs + 1):
            t0 = time.perf_counter()
            with McpProc(["head", "-n", "1"], close_fds=False) as echo:
                echo.send({"jsonrpc": "2.0", "id": 1, "method": "ping"})
                echo._readline(time.monotonic() + 10)
                if i:
                    baseline.append((time.perf_counter() - t0) * 1000)
        print(f"(info) harness overhead (spawn `head -n1`, echo one line): median {statistics.median(baseline):.2f} ms")

        # 1. spawn -> initialize response (processes run one at a time, so close_fds=False is safe)
        samples = []
        for i in range(args.runs + 1):
            t0 = time.perf_counter()
            with McpProc(server, env, work / "server.log", close_fds=False) as mcp:
                mcp.request("initialize", {
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "bench", "version": "0"},
                }, timeout=30)
                elapsed = (time.perf_counter() - t0) * 1000
            if i:  # the first run warms the page cache
                samples.append(elapsed)
        median = statistics.median(samples)
        results.append((
            f"spawn -> initialize response, median of {len(samples)}",
            f"{median:.2f} ms (min {min(samples):.2f}, max {max(samples):.2f})",
            f"<= {INIT_MEDIAN_MS:g} ms",
            median <= INIT_MEDIAN_MS,
        ))

        with McpProc([*server, "--mode", "full"], env, work / "server.log") as mcp:
            mcp.initialize()

            # 2. tools/list size and documentation
            listing = mcp.request("tools/list", {})
            line = mcp.last_line
            tools = listing["tools"]
            while listing.get("nextCursor"):
                listing = mcp.request("tools/list", {"cursor": listing["nextCursor"]})
                line += mcp.last_line
                tools += listing["tools"]

            # 3. memory after tools/list
            rss = rss_kb(mcp.proc.pid)
            results.append(("resident memory after tools/list (full mode)", f"{rss / 1024:.2f} MB", "<= 12 MB",
                            rss <= RSS_KB))

            per_tool = len(line) / max(1, len(tools))
            missing = undocumented_params(tools)
            results.append((
                f"tools/list bytes per tool ({len(tools)} tools, {len(line)} bytes)",
                f"{per_tool:.0f} B/tool",
                f"<= {BYTES_PER_TOOL} B/tool",
                per_tool <= BYTES_PER_TOOL,
            ))
            results.append((
                "every inputSchema property has a description",
                f"{len(missing)} undocumented" + (f": {', '.join(missing)}" if missing else ""),
                "0 undocumented",
                not missing,
            ))

            # 4. a 200-user page on the wire
            result = mcp.call_tool("okta_list_users", {"limit": 200})
            wire = len(mcp.last_line)
            ok = not result.get("isError")
            detail = ""
            if ok:
                page = json.loads(tool_text(result))
                ok = page.get("count") == 200 and len(page.get("rows", [])) == 200 and bool(page.get("next_cursor"))
                detail = f", count {page.get('count')}, next_cursor {'present' if page.get('next_cursor') else 'MISSING'}"
            else:
                detail = f", tool error: {tool_text(result)[:200]}"
            results.append((
                "okta_list_users {limit:200} response line",
                f"{wire / 1024:.1f} KB ({wire} bytes{detail})",
                "<= 40 KB, 200 rows + next_cursor",
                ok and wire <= PAGE_BYTES,
            ))
            rss_after = rss_kb(mcp.proc.pid)
            print(f"(info) resident memory after the 200-user page: {rss_after / 1024:.2f} MB")

        # 5. the server's own cost of a 200-user page: direct request vs the same through the server
        direct, through, direct_bytes, line_bytes = own_share(server, env, sandbox.url, work, args.page_runs)
        share = (through - direct) / direct
        print(f"(info) 200-user page: direct {direct:.2f} ms ({direct_bytes} bytes), through the server "
              f"{through:.2f} ms ({line_bytes} bytes), the server's own {through - direct:.2f} ms")
        results.append((
            f"server's own share of a 200-user okta_list_users over stdio, median of {args.page_runs}",
            f"{share * 100:.1f}% (direct {direct:.2f} ms, through the server {through:.2f} ms)",
            f"<= {OWN_SHARE * 100:g}% of the direct request",
            share <= OWN_SHARE,
        ))

    width = max(len(r[0]) for r in results)
    print()
    for name, measured, limit, ok in results:
        print(f"{'PASS' if ok else 'FAIL'}  {name:<{width}}  {measured}  (budget {limit})")
    failed = [r for r in results if not r[3]]
    print()
    print(f"bench: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
