"""Black-box test of okta-mcp-apps with the official Python MCP SDK (PyPI `mcp`), in both of the SDK's
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
SERVER_BIN = BIN_DIR / "okta-mcp-apps"
TOKEN = "sandbox-api-token"
TOOL_COUNT = 20
READ_TOOLS = 9
CALL_TIMEOUT = 30.0
SALESFORCE = "0oasalesforce0000001"

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
    log = tmp_path_factory.mktemp("apps-sandbox") / "sandbox.log"
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
            assert c.server_info.name == "okta-mcp-apps"
        tools = await all_tools(c)
        assert len(tools) == READ_TOOLS
        assert all(t.annotations is not None and t.annotations.read_only_hint is True for t in tools)


async def test_full_mode_lists_every_tool(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode, "full") as c:
        names = [t.name for t in await all_tools(c)]
        assert len(names) == TOOL_COUNT == len(set(names))


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
                                             {"app_id": app_id, "user": "alice.active@example.com"}))
        assert assigned["app_user"]["scope"] == "USER"
        updated = ok_json(await c.call_tool("okta_update_app", {"app_id": app_id, "label": label + " v2"}))
        assert list(updated["changed"]) == ["label"]
        app = ok_json(await c.call_tool("okta_get_app", {"app_id": app_id}))
        assert app["settings"]["app"]["url"] == "https://py.example.com", "a label change kept the URL"
