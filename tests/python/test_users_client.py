"""Black-box test of okta-mcp-users with the official Python MCP SDK (PyPI `mcp`).

The server binary is driven over stdio exactly as an MCP host would run it, against
a local okta-sandbox that this module starts itself (port 0, loopback only).

Every test runs in both connection modes of `mcp.Client`:

* ``legacy``: the `initialize` handshake (handshake-era protocol, 2025-11-25 and older);
* ``auto``:   the SDK's default: probe `server/discover` at 2026-07-28 and fall back to
  `initialize` only when the server is not a 2026-era server.

Binaries come from $OKTA_MCP_BIN_DIR (default: <repo>/target/debug).
Run through scripts/test-python-client, which installs the pinned SDK.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from mcp import Client
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, LATEST_MODERN_VERSION

from mcp_testing import (
    confirm_yes,
    all_tools,
    ok_json,
    okta_requests,
    rows_as_dicts,
    server_bin,
    server_catalog,
    server_client,
    text_of,
)

SERVER = "okta-mcp-users"
SERVER_BIN = server_bin(SERVER)

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="session")
def catalog() -> list[dict[str, Any]]:
    """The server's own catalog (`okta-mcp-users tools --json`, all modes)."""
    return server_catalog(SERVER)


def client(sandbox: str, mode: str, server_mode: str = "read-only") -> Client:
    # A client that can ask the person (elicitation): it is offered the destructive tools.
    return server_client(SERVER, sandbox, mode, server_mode, elicitation_callback=confirm_yes)


# --------------------------------------------------------------------------- tests


async def test_initialize_and_read_only_tools(sandbox: str, mode: str, catalog: list[dict[str, Any]]) -> None:
    async with client(sandbox, mode) as c:
        if mode == "legacy":
            assert c.protocol_version in HANDSHAKE_PROTOCOL_VERSIONS
        else:
            assert c.protocol_version == LATEST_MODERN_VERSION, (
                f"auto mode fell back to {c.protocol_version}: the server did not answer server/discover"
            )
        assert c.server_capabilities.tools is not None
        if c.server_info is not None:  # required on handshake connections, optional on 2026-era ones
            assert c.server_info.name == "okta-mcp-users"
        if mode == "legacy":
            assert c.server_info is not None

        tools = await all_tools(c)
        names = {t.name for t in tools}
        read_tools = {t["name"] for t in catalog if t["access"] == "read"}
        assert names == read_tools
        for t in tools:
            assert t.description, t.name
            assert t.input_schema.get("type") == "object", t.name
            assert t.annotations is not None and t.annotations.read_only_hint is True, t.name


async def test_full_mode_lists_every_tool(sandbox: str, mode: str, catalog: list[dict[str, Any]]) -> None:
    async with client(sandbox, mode, "full") as c:
        tools = await all_tools(c)
        names = [t.name for t in tools]
        assert len(names) == len(catalog) == len(set(names))
        assert set(names) == {t["name"] for t in catalog}


async def test_list_users_pages_and_get_user(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        page1 = ok_json(await c.call_tool("okta_list_users", {"limit": 5}))
        assert {"id", "login", "status"} <= set(page1["columns"])
        assert len(page1["rows"]) == page1["count"] == 5
        assert all(len(row) == len(page1["columns"]) for row in page1["rows"])
        cursor = page1.get("next_cursor")
        assert cursor, "a 5-user page of a 300-user org must carry next_cursor"

        page2 = ok_json(await c.call_tool("okta_list_users", {"limit": 5, "cursor": cursor}))
        assert page2["count"] == len(page2["rows"]) > 0
        ids1 = {u["id"] for u in rows_as_dicts(page1)}
        ids2 = {u["id"] for u in rows_as_dicts(page2)}
        assert not ids1 & ids2, "the second page repeats users of the first"

        someone = rows_as_dicts(page2)[0]
        user = ok_json(await c.call_tool("okta_get_user", {"user": someone["login"]}))
        flat = json.dumps(user)
        assert someone["id"] in flat and someone["login"] in flat


async def test_list_groups(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        page = ok_json(await c.call_tool("okta_list_groups", {"limit": 10}))
        assert {"id", "name"} <= set(page["columns"])
        assert 0 < page["count"] == len(page["rows"]) <= 10
        assert all(str(g["id"]).startswith("00g") for g in rows_as_dicts(page))


async def test_unknown_user_is_a_tool_error(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        result = await c.call_tool("okta_get_user", {"user": "nobody@example.invalid"})
        assert result.is_error
        text = text_of(result)
        assert "E0000007" in text
        assert re.search(r"request id: \S+", text), text


async def test_invalid_id_is_rejected_before_okta(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        before = okta_requests(sandbox)
        result = await c.call_tool("okta_get_user", {"user": "../x"})
        assert result.is_error
        assert "E00000" not in text_of(result)
        assert okta_requests(sandbox) == before, "an invalid id reached the org"


async def test_full_mode_creates_and_reads_a_group(sandbox: str, mode: str) -> None:
    name = f"py-sdk-{mode}-{uuid.uuid4().hex[:8]}"
    async with client(sandbox, mode, "full") as c:
        created = ok_json(await c.call_tool("okta_create_group", {"name": name, "description": "python SDK test"}))
        flat = json.dumps(created)
        m = re.search(r'"(00g[A-Za-z0-9]{17})"', flat)
        assert m, f"no group id in {flat}"
        got = ok_json(await c.call_tool("okta_get_group", {"group_id": m.group(1)}))
        assert name in json.dumps(got)
