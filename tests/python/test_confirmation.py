"""Confirmation of destructive tools, driven by the official Python MCP SDK in both protocol eras.

* ``legacy`` (handshake era): the server asks through `elicitation/create` while the call is open.
* ``auto`` (2026-07-28): the server answers an input-required result with a sealed request state; the SDK
  calls the same elicitation callback and retries the call with the answer.

Accept runs the tool; decline and cancel change nothing. Under the default policy (OKTA_MCP_CONFIRM=elicit) a
client without an elicitation callback gets no destructive tools at all, and the instructions say why. With
OKTA_MCP_CONFIRM=token (explicit only) it gets a preview and a confirmation token, which says the assistant
can complete it; nothing runs until a call with the token (a token for other arguments or a used one is
refused; expiry is covered by the kit's unit tests). With OKTA_MCP_CONFIRM=push the approver's Okta Verify
push decides (the sandbox's simulated phone approves, rejects or lets it time out), and the SDK's progress
callback shows what is being approved.
"""

from __future__ import annotations

import json
import uuid

import pytest
from mcp import Client
from mcp_types import ElicitResult

from mcp_testing import all_tools, new_active_user, ok_json, sandbox_post, server_client

pytestmark = pytest.mark.anyio
MODES = ["legacy", "auto"]


def full_client(sandbox: str, mode: str, callback=None, env: dict[str, str] | None = None) -> Client:
    audit = {"OKTA_MCP_AUDIT_DB": f"/tmp/okta-mcp-pytest-{uuid.uuid4().hex}.db", **(env or {})}
    return server_client("okta-mcp-users", sandbox, mode, "full", env=audit, elicitation_callback=callback)


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
async def test_without_elicitation_destructive_tools_are_not_offered(sandbox: str, mode: str) -> None:
    async with full_client(sandbox, mode) as c:
        names = {t.name for t in await all_tools(c)}
        assert "okta_unsuspend_user" in names, "write tools stay"
        assert "okta_suspend_user" not in names and "okta_delete_user" not in names, names
        user = await new_active_user(c)
        try:
            result = await c.call_tool("okta_suspend_user", {"user": user["id"]})
            assert result.is_error, result
            assert "not available" in json.dumps([x.text for x in result.content])
        except Exception as error:  # the SDK may raise the JSON-RPC error instead
            assert "not available" in str(error), error
        assert await status_of(c, user["id"]) == "ACTIVE", "nothing may run"
    if mode == "legacy":
        async with full_client(sandbox, mode) as c:
            instructions = c.initialize_result.instructions if hasattr(c, "initialize_result") else None
            if instructions is not None:
                assert "cannot ask you to confirm" in instructions, instructions


@pytest.mark.parametrize("mode", MODES)
async def test_token_policy_needs_a_second_call_and_says_the_assistant_can_make_it(sandbox: str, mode: str) -> None:
    async with full_client(sandbox, mode, env={"OKTA_MCP_CONFIRM": "token"}) as c:
        suspend = next(t for t in await all_tools(c) if t.name == "okta_suspend_user")
        assert "the assistant can complete this confirmation itself" in (suspend.description or "")
        user = await new_active_user(c)
        preview = ok_json(await c.call_tool("okta_suspend_user", {"user": user["id"]}))
        assert preview["confirmation_required"] is True
        assert "the assistant can complete this confirmation itself" in preview["warning"]
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


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("phone", ["approve", "reject", "timeout"])
async def test_push_approval_decides(sandbox: str, mode: str, phone: str) -> None:
    push = {"OKTA_MCP_CONFIRM": "push", "OKTA_MCP_APPROVER": "alice.active@example.com"}
    progress: list[str] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append(message or "")

    sandbox_post(sandbox, "/__sandbox/push", {"answer": phone})
    try:
        async with full_client(sandbox, mode, env=push) as c:
            names = {t.name for t in await all_tools(c)}
            assert "okta_suspend_user" in names, "push works with a client that cannot elicit"
            user = await new_active_user(c)
            body = ok_json(await c.call_tool("okta_suspend_user", {"user": user["id"]}, progress_callback=on_progress))
            text = "\n".join(progress)
            assert "alice.active@example.com" in text and user["login"] in text, text
            if phone == "approve":
                assert body["status_after"] == "SUSPENDED", body
                assert await status_of(c, user["id"]) == "SUSPENDED"
            else:
                assert body["executed"] is False, body
                assert await status_of(c, user["id"]) == "ACTIVE"
    finally:
        sandbox_post(sandbox, "/__sandbox/push", {"answer": "approve"})
