"""Black-box test of okta-mcp-admin with the official Python MCP SDK (PyPI `mcp`), in both of the SDK's
connection modes (``legacy``: initialize handshake; ``auto``: server/discover with fallback), against a local
okta-sandbox this module starts itself. Run through scripts/test-python-client.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

REPO = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("OKTA_MCP_BIN_DIR", REPO / "target" / "debug"))
SANDBOX_BIN = BIN_DIR / "okta-sandbox"
SERVER_BIN = BIN_DIR / "okta-mcp-admin"
TOKEN = "sandbox-api-token"
TOOL_COUNT = 28
READ_TOOLS = 14
CALL_TIMEOUT = 30.0

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["legacy", "auto"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory):
    for binary in (SANDBOX_BIN, SERVER_BIN):
        if not binary.is_file():
            pytest.exit(f"{binary} is missing: build it first (cargo build --workspace --bins)", returncode=2)
    log = tmp_path_factory.mktemp("admin-sandbox") / "sandbox.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([str(SANDBOX_BIN), "--listen", "127.0.0.1:0", "--api-token", TOKEN],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    try:
        url, deadline = None, time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.exit(f"okta-sandbox exited with {proc.returncode}:\n{log.read_text()}", returncode=2)
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text(errors="replace"))
            if m:
                url = m.group(1)
            else:
                time.sleep(0.05)
        if url is None:
            pytest.exit(f"okta-sandbox did not start:\n{log.read_text()}", returncode=2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def client(sandbox: str, mode: str, server_mode: str = "read-only") -> Client:
    params = StdioServerParameters(
        command=str(SERVER_BIN),
        args=["--mode", server_mode],
        env={"OKTA_ORG_URL": sandbox, "OKTA_API_TOKEN": TOKEN, "OKTA_MCP_LOG": "warn"},
    )
    return Client(params, mode=mode, read_timeout_seconds=CALL_TIMEOUT)


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


async def test_read_only_lists_read_tools(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        if c.server_info is not None:
            assert c.server_info.name == "okta-mcp-admin"
        tools = await all_tools(c)
        assert len(tools) == READ_TOOLS
        assert all(t.annotations is not None and t.annotations.read_only_hint is True for t in tools)


async def test_full_mode_lists_every_tool(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode, "full") as c:
        names = [t.name for t in await all_tools(c)]
        assert len(names) == TOOL_COUNT == len(set(names))
        assert "okta_mcp_audit_log" in names


async def test_failed_sign_ins_report_their_window(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        out = ok_json(await c.call_tool("okta_get_system_log_failed_logins", {"since": "24h"}))
        assert out["window"]["until"] == out["window"]["now"]
        assert out["by_user"][0]["user"] == "bob.active@example.com"
        assert any(r["reason"] == "INVALID_CREDENTIALS" for r in out["by_reason"])
        page = ok_json(await c.call_tool("okta_get_system_log_admin_actions", {"since": "yesterday", "limit": 5}))
        assert page["count"] == 5 and page.get("next_cursor")
        assert page["window"]["since"].endswith("T00:00:00.000Z")


async def test_roles_devices_and_hooks_read(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        roles = ok_json(await c.call_tool("okta_list_roles", {}))
        assert "HELP_DESK_ADMIN" in {r[0] for r in roles["standard"]["rows"]}
        olivia = ok_json(await c.call_tool("okta_list_user_admin_roles", {"user": "olivia.orgadmin@example.com"}))
        assert rows_as_dicts(olivia["roles"])[0]["type"] == "ORG_ADMIN"
        devices = ok_json(await c.call_tool("okta_list_devices", {"limit": 5}))
        assert devices["count"] == 5 and devices.get("next_cursor")
        hooks = ok_json(await c.call_tool("okta_list_event_hooks", {}))
        assert "SIEM forwarder" in {h["name"] for h in rows_as_dicts(hooks)}
        bad = await c.call_tool("okta_get_system_log", {"since": "last tuesday"})
        assert bad.is_error and "neither ISO 8601" in text_of(bad)


async def test_group_role_and_event_hook_changes(sandbox: str, mode: str, tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=str(SERVER_BIN),
        args=["--mode", "full"],
        env={"OKTA_ORG_URL": sandbox, "OKTA_API_TOKEN": TOKEN, "OKTA_MCP_LOG": "warn",
             "OKTA_MCP_AUDIT_DB": str(tmp_path / "audit.db")},
    )
    async with Client(params, mode=mode, read_timeout_seconds=CALL_TIMEOUT) as c:
        group = "Engineering"
        assigned = ok_json(await c.call_tool("okta_assign_admin_role_to_group",
                                             {"group": group, "role": "Report Administrator"}))
        assert assigned["assigned"]["type"] == "REPORT_ADMIN"
        first = ok_json(await c.call_tool("okta_remove_admin_role_from_group", {"group": group, "role": "REPORT_ADMIN"}))
        if first.get("confirmation_required"):
            first = ok_json(await c.call_tool("okta_remove_admin_role_from_group",
                                              {"group": group, "role": "REPORT_ADMIN",
                                               "confirmation_token": first["confirmation_token"]}))
        assert first["removed"]["type"] == "REPORT_ADMIN"
        name = f"py-sdk-{mode}-{uuid.uuid4().hex[:8]}"
        created = ok_json(await c.call_tool("okta_create_event_hook",
                                            {"name": name, "url": "https://py.example.com/hook",
                                             "events": ["user.lifecycle.create"], "auth_secret": "py-secret-1"}))
        assert "py-secret-1" not in json.dumps(created)
        hook_id = created["created"]["id"]
        verified = ok_json(await c.call_tool("okta_verify_event_hook", {"event_hook_id": hook_id}))
        assert verified["verificationStatus"] == "VERIFIED"
        refused = await c.call_tool("okta_create_event_hook", {"name": "x", "url": "http://py.example.com",
                                                               "events": ["user.lifecycle.create"]})
        assert refused.is_error and "https" in text_of(refused)
        audit = ok_json(await c.call_tool("okta_mcp_audit_log", {"limit": 10}))
        assert audit["chain"]["intact"] is True
        assert "okta_verify_event_hook" in {r["tool"] for r in audit["rows"]}
        assert "py-secret-1" not in json.dumps(audit)
