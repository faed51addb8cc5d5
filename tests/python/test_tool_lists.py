"""Every server's tool list through the official Python MCP SDK, in both connection modes: read-only lists just
the read tools (each annotated read-only), full mode lists every tool once to a client that can elicit, and the
server names itself.
(okta-mcp-users has its own, catalog-checked version in test_users_client.py.)"""

from __future__ import annotations

import pytest

from mcp_testing import all_tools, confirm_yes, server_catalog, server_client

pytestmark = pytest.mark.anyio

SERVERS = ["okta-mcp-apps", "okta-mcp-policy", "okta-mcp-admin", "okta-mcp-governance"]


@pytest.mark.parametrize("server", SERVERS)
async def test_read_only_lists_read_tools(sandbox: str, mode: str, server: str) -> None:
    read_tools = {t["name"] for t in server_catalog(server) if t["access"] == "read"}
    async with server_client(server, sandbox, mode) as c:
        if c.server_info is not None:  # required on handshake connections, optional on 2026-era ones
            assert c.server_info.name == server
        tools = await all_tools(c)
        assert {t.name for t in tools} == read_tools
        assert all(t.annotations is not None and t.annotations.read_only_hint is True for t in tools)


@pytest.mark.parametrize("server", SERVERS)
async def test_full_mode_lists_every_tool(sandbox: str, mode: str, server: str) -> None:
    all_count = len(server_catalog(server))
    # A client that can ask the person to confirm (elicitation) is offered the destructive tools too.
    async with server_client(server, sandbox, mode, "full", elicitation_callback=confirm_yes) as c:
        names = [t.name for t in await all_tools(c)]
        assert len(names) == all_count == len(set(names))
