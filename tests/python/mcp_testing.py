"""What every Python SDK test shares: where the binaries are, a client for a server, result helpers.

Fixtures (the sandbox, the protocol mode) are in conftest.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters
from mcp_types import ElicitResult

REPO = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("OKTA_MCP_BIN_DIR", REPO / "target" / "debug"))
SANDBOX_BIN = BIN_DIR / "okta-sandbox"
TOKEN = "sandbox-api-token"
# Every seeded person's password at the sandbox's sign-in and password grant.
PASSWORD = "Sandbox-Passw0rd!"
# The roles file the HTTP tests give the servers: the help desk (Support) reads users and unlocks them; security
# (IT) has everything.
ROLES = """
[roles.helpdesk]
groups = ["Support"]
toolsets = ["users"]
tools = ["okta_unlock_user"]

[roles.security]
groups = ["IT"]
mode = "full"
"""
MODES = ["legacy", "auto"]
CALL_TIMEOUT = 30.0


def server_bin(server: str) -> Path:
    return BIN_DIR / server


def server_catalog(server: str) -> list[dict[str, Any]]:
    """The server's own catalog (`<server> --mode full tools --json`): every tool with its access level, but the
    end-user tools (toolset `me`), which only a delegated server lists. Tests compare tool lists with it instead
    of keeping counts by hand."""
    out = subprocess.run(
        [str(server_bin(server)), "--mode", "full", "tools", "--json"],
        check=True,
        capture_output=True,
        timeout=30,
        env={**os.environ, "OKTA_MCP_LOG": "error"},
    ).stdout
    return [t for t in json.loads(out) if t["toolset"] != "me"]


def server_client(server: str, sandbox: str, mode: str, server_mode: str = "read-only",
                  env: dict[str, str] | None = None, **client_options: Any) -> Client:
    """An SDK client driving `server` over stdio against the sandbox org, in the SDK's connection `mode`."""
    params = StdioServerParameters(
        command=str(server_bin(server)),
        args=["--mode", server_mode],
        env={"OKTA_ORG_URL": sandbox, "OKTA_API_TOKEN": TOKEN, "OKTA_MCP_LOG": "warn", **(env or {})},
    )
    return Client(params, mode=mode, read_timeout_seconds=CALL_TIMEOUT, **client_options)


async def confirm_yes(context, params) -> ElicitResult:
    """An elicitation callback: the person answers yes to the server's confirmation question."""
    return ElicitResult(action="accept", content={"confirm": True})


async def new_active_user(c: Client) -> dict[str, Any]:
    """Create an ACTIVE user (with a password) through the server; the created user's summary."""
    name = f"py{uuid.uuid4().hex[:10]}"
    created = ok_json(await c.call_tool("okta_create_user", {
        "first_name": "Py", "last_name": name, "email": f"{name}@example.org",
        "password": "Sandbox!Passw0rd-8", "activate": True,
    }))
    return created["created"]


def recording_yes(asked: list[str]):
    """An elicitation callback that answers yes and records each question in `asked`."""
    async def callback(context, params) -> ElicitResult:
        asked.append(params.message)
        return await confirm_yes(context, params)
    return callback


def sandbox_post(sandbox: str, path: str, body: dict[str, Any]) -> Any:
    """POST to a sandbox control endpoint (e.g. /__sandbox/push)."""
    req = urllib.request.Request(f"{sandbox}{path}", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def okta_requests(sandbox: str) -> int:
    """Number of non-control requests the sandbox has served (from /__sandbox/stats)."""
    with urllib.request.urlopen(f"{sandbox}/__sandbox/stats", timeout=10) as resp:
        stats = json.load(resp)
    return sum(n for key, n in stats["requests"].items() if "/__sandbox/" not in key)


def text_of(result) -> str:
    texts = [c.text for c in result.content if getattr(c, "type", None) == "text"]
    assert texts, f"no text content in {result!r}"
    return "\n".join(texts)


def ok_json(result) -> Any:
    assert not result.is_error, f"tool failed: {text_of(result)}"
    return json.loads(text_of(result))


def rows_as_dicts(page: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(zip(page["columns"], row, strict=True)) for row in page["rows"]]


async def all_tools(c: Client) -> list:
    tools, cursor = [], None
    for _ in range(20):
        page = await c.list_tools(cursor=cursor)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if not cursor:
            return tools
    raise AssertionError("tools/list never ended")
