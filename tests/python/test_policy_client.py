"""Black-box test of okta-mcp-policy with the official Python MCP SDK (PyPI `mcp`), in both of the SDK's
connection modes (``legacy``: initialize handshake; ``auto``: server/discover with fallback), against a local
okta-sandbox this module starts itself. Run through scripts/test-python-client.
"""

from __future__ import annotations

import uuid

import pytest
from mcp import Client

from mcp_testing import (
    confirm_yes,
    ok_json,
    rows_as_dicts,
    server_bin,
    server_client,
    text_of,
)

SERVER = "okta-mcp-policy"
SERVER_BIN = server_bin(SERVER)
FINANCE = "00pfinanceapps000001"

pytestmark = pytest.mark.anyio


def client(sandbox: str, mode: str, server_mode: str = "read-only") -> Client:
    # A client that can ask the person (elicitation): it is offered the destructive tools.
    return server_client(SERVER, sandbox, mode, server_mode, elicitation_callback=confirm_yes)


async def test_rules_outside_the_corporate_zone(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        policies = ok_json(await c.call_tool("okta_list_policies", {"type": "ACCESS_POLICY"}))
        assert FINANCE in {p["id"] for p in rows_as_dicts(policies)}
        rules = ok_json(await c.call_tool("okta_list_org_policy_rules", {"policy_id": FINANCE}))
        outside = [r["name"] for r in rows_as_dicts(rules) if "outside zones nzocorporate00000001" in r["conditions"]]
        assert outside == ["Outside corporate network: MFA"]


async def test_groups_claim_and_key_rotation(sandbox: str, mode: str) -> None:
    name = f"groups_{mode}_{uuid.uuid4().hex[:6]}"
    async with client(sandbox, mode, "read-write") as c:
        created = ok_json(await c.call_tool("okta_create_claim", {
            "auth_server_id": "default", "name": name, "claim_type": "RESOURCE", "value_type": "GROUPS",
            "value": ".*", "group_filter_type": "REGEX"}))
        assert created["created"]["valueType"] == "GROUPS"
        rotated = ok_json(await c.call_tool("okta_rotate_auth_server_keys", {"auth_server_id": "ausorders00000000001"}))
        assert rotated["active_kid_now"] != rotated["active_kid_before"]


async def test_delete_of_active_zone_is_refused(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode, "full") as c:
        result = await c.call_tool("okta_delete_network_zone", {"zone_id": "nzocorporate00000001"})
        assert result.is_error and "deactivate it first" in text_of(result)
