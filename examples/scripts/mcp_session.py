"""Drive an okta-mcp server over stdio from Python with the official MCP SDK (PyPI `mcp`): list the tools, read a
page of users and the next one with the cursor, see an id refused before it reaches Okta, and preview a change with
a dry run.

Needs the SDK (`pip install mcp==2.3.0`, the version tests/python/requirements.txt pins) and an Okta org in the
environment (OKTA_ORG_URL with OKTA_API_TOKEN, or the service app's variables). A local sandbox org:
`cargo run -p okta-sandbox -- --listen 127.0.0.1:8765` prints them. Then:

    OKTA_ORG_URL=http://127.0.0.1:8765 OKTA_API_TOKEN=sandbox-api-token python3 examples/scripts/mcp_session.py

The server is okta-mcp-users from the PATH, or the binary MCP_SERVER names.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from mcp import Client, StdioServerParameters


def text(result) -> str:
    return "\n".join(c.text for c in result.content if getattr(c, "type", None) == "text")


def ok(result) -> dict:
    """The JSON answer of a call that must succeed."""
    if result.is_error:
        raise SystemExit(f"tool failed: {text(result)}")
    return json.loads(text(result))


async def main() -> None:
    if not os.environ.get("OKTA_ORG_URL"):
        raise SystemExit("set OKTA_ORG_URL (and OKTA_API_TOKEN): see the top of this script")
    # The SDK starts the server with a minimal environment: hand it the Okta connection explicitly.
    env = {k: v for k, v in os.environ.items() if k.startswith("OKTA_")}
    env["OKTA_MCP_LOG"] = "warn"
    params = StdioServerParameters(
        command=os.environ.get("MCP_SERVER", "okta-mcp-users"),
        # Read-write so that a write tool can show a dry run.
        args=["--mode", "read-write", "--toolsets", "users,groups"],
        env=env,
    )
    async with Client(params, read_timeout_seconds=60) as client:
        tools, cursor = [], None
        while True:
            page = await client.list_tools(cursor=cursor)
            tools.extend(page.tools)
            cursor = page.next_cursor
            if not cursor:
                break
        print(f"tools: {len(tools)}")
        for tool in tools:
            print(f"  {tool.name}")

        # A read tool, and the next page: pass next_cursor back as cursor.
        page = ok(await client.call_tool("okta_list_users", {"limit": 5}))
        print(f"page 1: {len(page['rows'])} users")
        if not page.get("next_cursor"):
            raise SystemExit("the first page has no next_cursor")
        page = ok(await client.call_tool("okta_list_users", {"limit": 5, "cursor": page["next_cursor"]}))
        print(f"page 2: {len(page['rows'])} users")

        # An id that cannot be one is refused by the server before anything is sent to Okta: a tool error.
        refused = await client.call_tool("okta_get_user", {"user": "../admin"})
        if not refused.is_error:
            raise SystemExit("../admin was not refused")
        print(f"refused: {text(refused)}")

        # Every write tool takes dry_run: it shows the request it would send, and sends nothing.
        preview = ok(await client.call_tool("okta_create_group", {"name": "mcp-example-group", "dry_run": True}))
        print(f"dry run: {json.dumps(preview)}")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(130)
