"""The scripts of examples/scripts/ do what their documentation says, run as it says, against a sandbox org:
the shell one (the server binary and jq only) and the Python one (the official SDK, this venv's). The Rust one is
crates/okta-e2e/tests/rust_example.rs.

Each must list the tools of its selection, read two pages of users with the cursor, have `../admin` refused as a
tool error, and preview a change with dry_run, sending no change to the org.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request

import pytest

from mcp_testing import REPO, TOKEN, server_bin

SCRIPTS = REPO / "examples" / "scripts"
SERVER = "okta-mcp-users"
# The selection every script starts its server with.
SELECTION = ["--mode", "read-write", "--toolsets", "users,groups"]


def changes(sandbox: str) -> int:
    """Changes (anything but GET) the sandbox has answered."""
    with urllib.request.urlopen(f"{sandbox}/__sandbox/stats", timeout=10) as resp:
        stats = json.load(resp)
    return sum(n for key, n in stats["requests"].items() if not key.startswith("GET") and "/__sandbox/" not in key)


def enabled_tools() -> list[str]:
    out = subprocess.run([str(server_bin(SERVER)), *SELECTION, "tools", "--json"], check=True, capture_output=True,
                         timeout=30, env={"PATH": os.environ.get("PATH", "")}).stdout
    return sorted(t["name"] for t in json.loads(out) if t["enabled"])


def run_script(command: list[str], sandbox: str) -> str:
    # As documented: the org in the environment, the server named by MCP_SERVER; nothing else of ours.
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKTA_")}
    env.update(OKTA_ORG_URL=sandbox, OKTA_API_TOKEN=TOKEN, MCP_SERVER=str(server_bin(SERVER)))
    before = changes(sandbox)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    assert changes(sandbox) == before, "a script sent a change to the org"
    return done.stdout


def check_session(out: str) -> None:
    listed = re.search(r"^tools: (\d+)$", out, re.M)
    assert listed, out
    names = sorted(re.findall(r"^  (okta_[a-z_]+)$", out, re.M))
    assert names == enabled_tools() and int(listed.group(1)) == len(names), out
    assert re.search(r"^page 1: 5 users$", out, re.M), out
    assert re.search(r"^page 2: 5 users$", out, re.M), out
    refused = re.search(r"^refused: (.*)$", out, re.M)
    assert refused and "../admin" in refused.group(1), out
    preview = re.search(r"^dry run: (.*)$", out, re.M)
    assert preview, out
    answer = json.loads(preview.group(1))
    assert answer.get("dry_run") is True, answer


def test_shell_script(sandbox: str) -> None:
    if shutil.which("jq") is None:
        pytest.fail("jq is missing (scripts/test-python-client installs it)")
    check_session(run_script(["bash", str(SCRIPTS / "mcp-session.sh")], sandbox))


def test_python_script(sandbox: str) -> None:
    check_session(run_script([sys.executable, str(SCRIPTS / "mcp_session.py")], sandbox))
