"""The servers over streamable HTTP, driven by the official Python SDK's HTTP client with a bearer token from the
sandbox's custom authorization server (set up through Okta's admin API, as an admin would), in both protocol
eras: ``legacy`` (initialize handshake, 2025-11-25) and ``auto`` (2026-07-28, stateless).

What a person sees is their role's tools (roles from their Okta groups); a destructive call is confirmed by the
person through the client (2026-07-28 input-required, or elicitation on a session with --http-sessions).
"""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPError

from mcp_testing import PASSWORD, ROLES, TOKEN, all_tools, confirm_yes, new_active_user, ok_json, recording_yes, server_bin

pytestmark = pytest.mark.anyio
PUBLIC = "https://okta-mcp.example/mcp"
CLIENT_ID = "0oamcptestclient0001"
CLIENT_SECRET = "sandbox-test-client-secret-0123456789"


def admin(sandbox: str, method: str, path: str, body: dict | None = None):
    req = urllib.request.Request(f"{sandbox}{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"SSWS {TOKEN}", "Content-Type": "application/json",
                                          "Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def token_for(sandbox: str, login: str, scope: str = "mcp") -> str:
    form = urllib.parse.urlencode({"grant_type": "password", "username": login, "password": PASSWORD,
                                   "scope": scope, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    req = urllib.request.Request(f"{sandbox}/oauth2/default/v1/token", data=form.encode(), method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)["access_token"]


@pytest.fixture(scope="module")
def issuer(sandbox: str) -> str:
    server = admin(sandbox, "GET", "/api/v1/authorizationServers/default")
    server["audiences"] = [PUBLIC]
    admin(sandbox, "PUT", "/api/v1/authorizationServers/default", server)
    if not any(s["name"] == "mcp" for s in admin(sandbox, "GET", "/api/v1/authorizationServers/default/scopes")):
        admin(sandbox, "POST", "/api/v1/authorizationServers/default/scopes", {"name": "mcp"})
    return f"{sandbox}/oauth2/default"


class HttpServer:
    def __init__(self, proc: subprocess.Popen, url: str, log: Path, audit: str):
        self.proc, self.url, self.log, self.audit = proc, url, log, audit


def start_http(sandbox: str, issuer: str, *extra: str) -> HttpServer:
    tmp = Path(tempfile.mkdtemp(prefix="okta-mcp-http-"))
    (tmp / "roles.toml").write_text(ROLES)
    log = tmp / "server.log"
    audit = str(tmp / "audit.db")
    env = {**os.environ, "OKTA_ORG_URL": sandbox, "OKTA_API_TOKEN": TOKEN, "OKTA_MCP_LOG": "info",
           "OKTA_MCP_AUDIT_DB": audit}
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [str(server_bin("okta-mcp-users")), "--transport", "http", "--listen", "127.0.0.1:0", "--mode", "full",
             "--public-url", PUBLIC, "--auth-issuer", issuer, "--roles", str(tmp / "roles.toml"), *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        m = re.search(r"listening on https?://(127\.0\.0\.1:\d+/mcp)", log.read_text(errors="replace"))
        if m:
            return HttpServer(proc, f"http://{m.group(1)}", log, audit)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"the server did not listen:\n{log.read_text()}")


@pytest.fixture(scope="module")
def http_server(sandbox: str, issuer: str):
    server = start_http(sandbox, issuer)
    yield server
    server.proc.terminate()
    server.proc.wait(timeout=40)


def client(server: HttpServer, token: str, mode: str, **options) -> Client:
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    return Client(streamable_http_client(server.url, http_client=http), mode=mode, read_timeout_seconds=30,
                  **options)


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_each_person_gets_their_roles_tools(sandbox: str, http_server: HttpServer, mode: str) -> None:
    henry = token_for(sandbox, "henry.helpdesk@example.com")
    async with client(http_server, henry, mode) as c:
        names = {t.name for t in await all_tools(c)}
        assert "okta_list_users" in names and "okta_unlock_user" in names
        assert "okta_list_groups" not in names and "okta_delete_user" not in names
        page = ok_json(await c.call_tool("okta_list_users", {"limit": 2}))
        assert page["count"] == 2 and page["next_cursor"]
        with pytest.raises(MCPError, match=r"your role \(helpdesk\) does not include it"):
            await c.call_tool("okta_list_groups", {})
        # Prompts list only the steps of the person's role.
        offboard = (await c.get_prompt("offboard_user", {"user": "bob.active@example.com"})).messages[0].content.text
        assert "`okta_get_user`" in offboard and "okta_remove_user_from_group" not in offboard
    olivia = token_for(sandbox, "olivia.orgadmin@example.com")
    async with client(http_server, olivia, mode, elicitation_callback=confirm_yes) as c:
        names = {t.name for t in await all_tools(c)}
        assert "okta_list_groups" in names
        # Stateless 2025-era clients cannot be asked to confirm (no session), so they get no destructive tools;
        # 2026-07-28 clients are asked through the input-required flow.
        assert ("okta_delete_user" in names) == (mode == "auto")


async def test_refused_without_a_valid_token(sandbox: str, http_server: HttpServer) -> None:
    for token in ["not-a-token", token_for(sandbox, "olivia.orgadmin@example.com", scope="openid")]:
        with pytest.raises(Exception):
            async with client(http_server, token, "legacy") as c:
                await c.list_tools()
    with pytest.raises(Exception):
        async with client(http_server, token_for(sandbox, "bob.active@example.com"), "legacy") as c:
            await c.list_tools()


async def test_a_person_confirms_a_destructive_change_over_http(sandbox: str, http_server: HttpServer) -> None:
    olivia = token_for(sandbox, "olivia.orgadmin@example.com")
    asked: list[str] = []
    async with client(http_server, olivia, "auto", elicitation_callback=recording_yes(asked)) as c:
        user = (await new_active_user(c))["id"]
        result = await c.call_tool("okta_suspend_user", {"user": user})
        assert asked and "Suspend" in asked[0], result
        assert ok_json(await c.call_tool("okta_get_user", {"user": user}))["status"] == "SUSPENDED"
    # One audit trail, naming the person and their role beside the service app.
    tail = subprocess.run([str(server_bin("okta-mcp-users")), "audit", "tail", "-n", "20"], capture_output=True,
                          text=True, timeout=30, env={**os.environ, "OKTA_MCP_AUDIT_DB": http_server.audit},
                          check=True).stdout
    rows = [json.loads(line) for line in tail.splitlines() if line.strip()]
    suspended = [r for r in rows if r["tool"] == "okta_suspend_user" and r["outcome"] == "executed"]
    assert suspended, rows
    assert suspended[-1]["person"] == "olivia.orgadmin@example.com" and suspended[-1]["role"] == "security"


async def test_sessions_let_2025_clients_confirm(sandbox: str, issuer: str) -> None:
    server = start_http(sandbox, issuer, "--http-sessions")
    try:
        olivia = token_for(sandbox, "olivia.orgadmin@example.com")
        asked: list[str] = []
        async with client(server, olivia, "legacy", elicitation_callback=recording_yes(asked)) as c:
            names = {t.name for t in await all_tools(c)}
            assert "okta_delete_user" in names
            await c.call_tool("okta_suspend_user", {"user": (await new_active_user(c))["id"]})
            assert asked
    finally:
        server.proc.terminate()
        server.proc.wait(timeout=40)


async def test_tls_terminated_by_the_binary(sandbox: str, issuer: str, tmp_path: Path) -> None:
    """--tls-cert/--tls-key: the server speaks HTTPS itself (rustls); the SDK connects with the CA it trusts."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    server = start_http(sandbox, issuer, "--tls-cert", str(cert), "--tls-key", str(key))
    try:
        assert server.url.startswith("http://127.0.0.1:")  # the log line's scheme is checked below
        url = server.url.replace("http://", "https://")
        assert re.search(r"listening on https://", server.log.read_text())
        olivia = token_for(sandbox, "olivia.orgadmin@example.com")
        http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {olivia}"}, verify=ssl.create_default_context(cafile=str(cert)),
                                  timeout=30)
        async with Client(streamable_http_client(url, http_client=http), mode="legacy", read_timeout_seconds=30) as c:
            page = ok_json(await c.call_tool("okta_list_users", {"limit": 1}))
            assert page["count"] == 1
        # Plain HTTP to the TLS port gets nothing.
        with pytest.raises(Exception):
            urllib.request.urlopen(server.url.replace("/mcp", "/healthz"), timeout=5)
    finally:
        server.proc.terminate()
        server.proc.wait(timeout=40)
