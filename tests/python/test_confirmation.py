"""Confirmation of destructive tools, driven by the official Python MCP SDK in both protocol eras.

* ``legacy`` (handshake era): the server asks through `elicitation/create` while the call is open.
* ``auto`` (2026-07-28): the server answers an input-required result with a sealed request state; the SDK
  calls the same elicitation callback and retries the call with the answer.

Accept runs the tool; decline and cancel change nothing. A client without an elicitation callback gets a
preview and a confirmation token instead, and nothing runs until it calls again with the token (a token
for other arguments or a used one is refused; expiry is covered by the kit's unit tests).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from mcp import Client
from mcp_types import ElicitResult

from mcp_testing import ok_json, server_client

pytestmark = pytest.mark.anyio
MODES = ["legacy", "auto"]


def full_client(sandbox: str, mode: str, callback=None) -> Client:
    audit = {"OKTA_MCP_AUDIT_DB": f"/tmp/okta-mcp-pytest-{uuid.uuid4().hex}.db"}
    return server_client("okta-mcp-users", sandbox, mode, "full", env=audit, elicitation_callback=callback)


async def new_active_user(c: Client) -> dict[str, Any]:
    name = f"py{uuid.uuid4().hex[:10]}"
    created = ok_json(await c.call_tool("okta_create_user", {
        "first_name": "Py", "last_name": name, "email": f"{name}@example.org",
        "password": "Sandbox!Passw0rd-8", "activate": True,
    }))
    return created["created"]


async def status_of(c: Client, user_id: str) -> str:
    return ok_json(await c.call_tool("okta_get_user", {"user": user_id}))["status"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("answer", ["accept", "decline", "cancel"])
async def test_elicitation_decides(sandbox: str, mode: str, answer: str) -> None:
    asked: list[str] = []

    async def callback(context, params) -> ElicitResult:
        asked.append(params.message)
        if answer == "accept":
            return ElicitResult(action="accept", content={"confirm": True})
        return ElicitResult(action=answer)

    async with full_client(sandbox, mode, callback) as c:
        user = await new_active_user(c)
        result = await c.call_tool("okta_suspend_user", {"user": user["id"]})
        assert len(asked) == 1, "the person must be asked exactly once"
        assert user["login"] in asked[0] and "/lifecycle/suspend" in asked[0], asked[0]
        body = ok_json(result)
        if answer == "accept":
            assert body["status_after"] == "SUSPENDED"
            assert await status_of(c, user["id"]) == "SUSPENDED"
        else:
            assert body["executed"] is False, body
            assert await status_of(c, user["id"]) == "ACTIVE"


@pytest.mark.parametrize("mode", MODES)
async def test_accept_without_confirm_changes_nothing(sandbox: str, mode: str) -> None:
    async def callback(context, params) -> ElicitResult:
        return ElicitResult(action="accept", content={"confirm": False})

    async with full_client(sandbox, mode, callback) as c:
        user = await new_active_user(c)
        body = ok_json(await c.call_tool("okta_suspend_user", {"user": user["id"]}))
        assert body["executed"] is False
        assert await status_of(c, user["id"]) == "ACTIVE"


@pytest.mark.parametrize("mode", MODES)
async def test_without_elicitation_a_token_is_required(sandbox: str, mode: str) -> None:
    async with full_client(sandbox, mode) as c:
        user = await new_active_user(c)
        preview = ok_json(await c.call_tool("okta_suspend_user", {"user": user["id"]}))
        assert preview["confirmation_required"] is True
        assert await status_of(c, user["id"]) == "ACTIVE", "the first call must not run"
        token = preview["confirmation_token"]
        other = await new_active_user(c)
        wrong = await c.call_tool("okta_suspend_user", {"user": other["id"], "confirmation_token": token})
        assert wrong.is_error and "does not match" in wrong.content[0].text
        assert await status_of(c, other["id"]) == "ACTIVE"
        done = ok_json(await c.call_tool("okta_suspend_user", {"user": user["id"], "confirmation_token": token}))
        assert done["status_after"] == "SUSPENDED"
        again = await c.call_tool("okta_suspend_user", {"user": user["id"], "confirmation_token": token})
        assert again.is_error and "already used" in json.dumps([x.text for x in again.content])
