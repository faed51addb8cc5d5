"""A server as its own MCP authorization server (``--sign-in``), driven by the official Python SDK's OAuth client:
discovery (RFC 9728, then RFC 8414), dynamic client registration, authorization code with PKCE, the person's
sign-in at the sandbox's Okta (password and factor), then tools for that person.

Admin mode: a person's Okta groups give their role's tools (the server calls Okta with its own credential).
Delegated mode (``--delegated``): the server has no credential of its own; each person's calls carry their own
Okta token, so they see only their own access, requests and reviews, and two people at once never see each
other's.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

from mcp_testing import all_tools, confirm_yes, ok_json, okta_requests, recording_yes, server_bin
from signin import FormBrowser, SigninServer, query_of, sign_in, start_signin_server

pytestmark = pytest.mark.anyio
REDIRECT = "http://127.0.0.1:9/callback"


class MemoryStorage:
    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


def oauth_client(server: SigninServer, login: str, mode: str = "auto", **options) -> Client:
    """The SDK's OAuth client; its "browser" signs ``login`` in through the plain-HTML pages."""
    landed: dict[str, str] = {}

    async def redirect_handler(url: str) -> None:
        browser = FormBrowser(REDIRECT)
        try:
            landed.update(query_of(sign_in(browser, url, login)))
        finally:
            browser.close()

    async def callback_handler() -> AuthorizationCodeResult:
        assert "code" in landed, f"no code came back: {landed}"
        return AuthorizationCodeResult(code=landed["code"], state=landed.get("state"), iss=landed.get("iss"))

    auth = OAuthClientProvider(
        server.url,
        OAuthClientMetadata(client_name=f"pytest for {login}", redirect_uris=[REDIRECT],
                            grant_types=["authorization_code", "refresh_token"], response_types=["code"],
                            token_endpoint_auth_method="none"),
        MemoryStorage(), redirect_handler=redirect_handler, callback_handler=callback_handler)
    http = create_mcp_http_client(auth=auth)
    return Client(streamable_http_client(server.url, http_client=http), mode=mode, read_timeout_seconds=30,
                  **options)


@pytest.fixture(scope="module")
def admin_server(sandbox: str):
    server = start_signin_server(sandbox, "okta-mcp-users", delegated=False)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def delegated_server(sandbox: str):
    server = start_signin_server(sandbox, "okta-mcp-governance", delegated=True)
    yield server
    server.stop()


async def test_the_sdk_signs_in_and_gets_its_roles_tools(admin_server: SigninServer) -> None:
    async with oauth_client(admin_server, "henry.helpdesk@example.com") as c:
        names = {t.name for t in await all_tools(c)}
        assert "okta_list_users" in names and "okta_unlock_user" in names
        assert "okta_list_groups" not in names and "okta_delete_user" not in names
        assert not any(n.startswith("okta_my_") for n in names)
        page = ok_json(await c.call_tool("okta_list_users", {"limit": 2}))
        assert page["count"] == 2


async def test_delegated_people_see_only_their_own(sandbox: str, delegated_server: SigninServer) -> None:
    async with oauth_client(delegated_server, "olivia.orgadmin@example.com", elicitation_callback=confirm_yes) as olivia, \
            oauth_client(delegated_server, "bob.active@example.com") as bob:
        names = {t.name for t in await all_tools(olivia)}
        assert names == {"okta_iga_my_access", "okta_iga_browse_catalog", "okta_iga_request_access",
                         "okta_iga_my_requests", "okta_iga_my_pending_reviews",
                         "okta_iga_submit_review_decision"}, names
        mine = ok_json(await olivia.call_tool("okta_iga_my_access", {}))
        theirs = ok_json(await bob.call_tool("okta_iga_my_access", {}))
        assert mine["profile"]["profile"]["login"] == "olivia.orgadmin@example.com"
        assert theirs["profile"]["profile"]["login"] == "bob.active@example.com"
        reviews = ok_json(await olivia.call_tool("okta_iga_my_pending_reviews", {}))
        assert reviews["count"] >= 1, reviews
        assert ok_json(await bob.call_tool("okta_iga_my_pending_reviews", {}))["count"] == 0
        # No tool takes a person: naming one, in any argument, is refused before anything is sent to Okta.
        before = okta_requests(sandbox)
        for tool, args in [("okta_iga_my_access", {"user": "bob.active@example.com"}),
                           ("okta_iga_my_pending_reviews", {"user_id": "00ubob"}),
                           ("okta_iga_request_access", {"entry_id": "cenzoom0000000000001",
                                                        "requestedFor": "bob.active@example.com"})]:
            refused = await olivia.call_tool(tool, args)
            assert refused.is_error, (tool, refused)
        assert okta_requests(sandbox) == before


async def test_a_delegated_person_requests_access_for_themselves(delegated_server: SigninServer) -> None:
    async with oauth_client(delegated_server, "bob.active@example.com") as bob:
        entries = ok_json(await bob.call_tool("okta_iga_browse_catalog", {}))
        rows = [dict(zip(entries["columns"], r)) for r in entries["rows"]] if "rows" in entries else entries["items"]
        requestable = next(r for r in rows if r.get("requestable"))
        entry = ok_json(await bob.call_tool("okta_iga_browse_catalog", {"entry_id": requestable["id"]}))
        fields = {f["id"]: "for the quarterly close" for f in entry["requestFields"]
                  if f.get("required") and f.get("type") == "TEXT"}
        made = ok_json(await bob.call_tool("okta_iga_request_access", {"entry_id": requestable["id"],
                                                                       "fields": fields}))
        request_id = made["request"]["id"]
        status = ok_json(await bob.call_tool("okta_iga_my_requests", {"entry_id": requestable["id"],
                                                                       "request_id": request_id}))
        assert status["id"] == request_id
        foreign = await bob.call_tool("okta_iga_request_access", {"entry_id": requestable["id"],
                                                                  "fields": {"OKTA_REQUESTED_FOR": "00u0000000000000000"}})
        assert foreign.is_error and "only for yourself" in str(foreign.content)


async def test_a_reviewer_decides_their_own_review_item(delegated_server: SigninServer) -> None:
    asked: list[str] = []
    async with oauth_client(delegated_server, "olivia.orgadmin@example.com",
                            elicitation_callback=recording_yes(asked)) as olivia:
        review = ok_json(await olivia.call_tool("okta_iga_my_pending_reviews", {}))["reviews"][0]
        item = next(i for i in review["items"] if "REVOKE_ACCESS" in (i.get("supportedActions") or []))
        result = await olivia.call_tool("okta_iga_submit_review_decision", {
            "review_id": review["id"], "access_id": item["id"], "decision": "revoke",
            "justification": "no longer needed after the team move"})
        assert asked, "a destructive decision is confirmed by the person"
        decided = ok_json(result)
        assert decided["decision"] == "REVOKE_ACCESS"
    tail = subprocess.run([str(server_bin("okta-mcp-governance")), "audit", "tail", "-n", "20"], capture_output=True,
                          text=True, timeout=30, env={**os.environ, "OKTA_MCP_AUDIT_DB": delegated_server.audit},
                          check=True).stdout
    rows = [json.loads(line) for line in tail.splitlines() if line.strip()]
    decided_rows = [r for r in rows if r["tool"] == "okta_iga_submit_review_decision" and r["outcome"] == "executed"]
    assert decided_rows and decided_rows[-1]["person"] == "olivia.orgadmin@example.com", rows
