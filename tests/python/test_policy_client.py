"""Black-box test of okta-mcp-policy with the official Python MCP SDK (PyPI `mcp`), in both of the SDK's
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
SERVER_BIN = BIN_DIR / "okta-mcp-policy"
TOKEN = "sandbox-api-token"
TOOL_COUNT = 47
READ_TOOLS = 17
CALL_TIMEOUT = 30.0
FINANCE = "00pfinanceapps000001"

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
    log = tmp_path_factory.mktemp("policy-sandbox") / "sandbox.log"
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
            assert c.server_info.name == "okta-mcp-policy"
        tools = await all_tools(c)
        assert len(tools) == READ_TOOLS
        assert all(t.annotations is not None and t.annotations.read_only_hint is True for t in tools)


async def test_full_mode_lists_every_tool(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode, "full") as c:
        names = [t.name for t in await all_tools(c)]
        assert len(names) == TOOL_COUNT == len(set(names))


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
