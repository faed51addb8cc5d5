"""Black-box test of okta-mcp-admin with the official Python MCP SDK (PyPI `mcp`), in both of the SDK's
connection modes (``legacy``: initialize handshake; ``auto``: server/discover with fallback), against a local
okta-sandbox this module starts itself. Run through scripts/test-python-client.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from mcp_testing import (
    CALL_TIMEOUT,
    TOKEN,
    confirm_yes,
    ok_json,
    rows_as_dicts,
    server_bin,
    server_client,
    text_of,
)

SERVER = "okta-mcp-admin"
SERVER_BIN = server_bin(SERVER)

pytestmark = pytest.mark.anyio


def client(sandbox: str, mode: str, server_mode: str = "read-only") -> Client:
    return server_client(SERVER, sandbox, mode, server_mode)


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
    async with Client(params, mode=mode, read_timeout_seconds=CALL_TIMEOUT, elicitation_callback=confirm_yes) as c:
        # Not Engineering: the API token's admin is a member, and a group with a protected member takes no
        # destructive change to the whole group (removing its role included).
        group = "Legal"
        assigned = ok_json(await c.call_tool("okta_assign_admin_role_to_group",
                                             {"group": group, "role": "Report Administrator"}))
        assert assigned["assigned"]["type"] == "REPORT_ADMIN"
        removed = ok_json(await c.call_tool("okta_remove_admin_role_from_group", {"group": group, "role": "REPORT_ADMIN"}))
        assert removed["removed"]["type"] == "REPORT_ADMIN"
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
