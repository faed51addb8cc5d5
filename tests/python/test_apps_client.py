"""Black-box test of okta-mcp-apps with the official Python MCP SDK (PyPI `mcp`), in both of the SDK's
connection modes (``legacy``: initialize handshake; ``auto``: server/discover with fallback), against a local
okta-sandbox this module starts itself. Run through scripts/test-python-client.
"""

from __future__ import annotations

import uuid

import pytest
from mcp import Client

from mcp_testing import (
    ok_json,
    rows_as_dicts,
    server_bin,
    server_client,
    text_of,
)

SERVER = "okta-mcp-apps"
SERVER_BIN = server_bin(SERVER)
SALESFORCE = "0oasalesforce0000001"

pytestmark = pytest.mark.anyio


def client(sandbox: str, mode: str, server_mode: str = "read-only") -> Client:
    return server_client(SERVER, sandbox, mode, server_mode)


async def test_list_apps_pages_and_reads(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        page1 = ok_json(await c.call_tool("okta_list_apps", {"limit": 4}))
        assert page1["columns"] == ["id", "name", "label", "status", "signOnMode", "created"]
        assert page1.get("next_cursor"), "4 of 12 apps must carry next_cursor"
        page2 = ok_json(await c.call_tool("okta_list_apps", {"limit": 4, "cursor": page1["next_cursor"]}))
        assert not {a["id"] for a in rows_as_dicts(page1)} & {a["id"] for a in rows_as_dicts(page2)}
        app = ok_json(await c.call_tool("okta_get_app", {"app_id": SALESFORCE}))
        assert app["signOnMode"] == "SAML_2_0"
        groups = ok_json(await c.call_tool("okta_list_app_groups", {"app_id": SALESFORCE}))
        assert "Sales" in {g["name"] for g in rows_as_dicts(groups)}


async def test_saml_metadata_is_xml_text(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        result = await c.call_tool("okta_get_app_metadata", {"app_id": SALESFORCE})
        assert not result.is_error, text_of(result)
        assert text_of(result).startswith("<?xml")
        other = await c.call_tool("okta_get_app_metadata", {"app_id": "0oaexpenses000000001"})
        assert other.is_error and "only SAML_2_0" in text_of(other)


async def test_create_assign_and_update(sandbox: str, mode: str) -> None:
    label = f"py-sdk-{mode}-{uuid.uuid4().hex[:8]}"
    async with client(sandbox, mode, "read-write") as c:
        created = ok_json(await c.call_tool("okta_create_app", {"kind": "bookmark", "label": label,
                                                                "url": "https://py.example.com"}))
        app_id = created["created"]["id"]
        assigned = ok_json(await c.call_tool("okta_assign_user_to_app",
                                             {"app_id": app_id, "user": "carol.finance@example.com"}))
        assert assigned["app_user"]["scope"] == "USER"
        updated = ok_json(await c.call_tool("okta_update_app", {"app_id": app_id, "label": label + " v2"}))
        assert list(updated["changed"]) == ["label"]
        app = ok_json(await c.call_tool("okta_get_app", {"app_id": app_id}))
        assert app["settings"]["app"]["url"] == "https://py.example.com", "a label change kept the URL"
