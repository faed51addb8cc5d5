"""Sign-in helpers for the tests of a server that is its own MCP authorization server (``--sign-in``), with the
person's sign-in delegated to the sandbox's Okta.

``FormBrowser`` walks the plain-HTML pages the way a browser without JavaScript does (it keeps cookies, reads
each page's form, fills the fields it is given and presses a button), so the Python SDK's OAuth client can be
driven end to end without a real browser; the Chromium test does the same in a real one.
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import os
import re
import secrets
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from mcp_testing import PASSWORD, ROLES, server_bin

# The sandbox's seeded OIDC web app for the servers' sign-in, and the one code every seeded factor accepts.
SIGNIN_CLIENT_ID = "0oamcpsignin00000001"
SIGNIN_CLIENT_SECRET = "sandbox-signin-client-secret-0123456789abcdef"
FACTOR_CODE = "123456"
STATE_KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (name, value)


class _FormParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif self.forms and tag == "input" and a.get("type", "text") not in ("submit", "button"):
            if a.get("name"):
                self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif self.forms and (tag == "button" or (tag == "input" and a.get("type") == "submit")):
            key = a.get("id") or a.get("name") or a.get("value") or str(len(self.forms[-1].buttons))
            self.forms[-1].buttons[key] = (a.get("name", ""), a.get("value", ""))


def forms_of(page: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(page)
    return parser.forms


class FormBrowser:
    """A cookie-keeping, redirect-following HTTP client that fills and submits plain HTML forms. It stops at a
    redirect to ``stop_prefix`` (the MCP client's redirect URI) and returns that URL."""

    def __init__(self, stop_prefix: str) -> None:
        self.http = httpx2.Client(follow_redirects=False, timeout=30)
        self.stop_prefix = stop_prefix
        self.pages: list[str] = []

    def _follow(self, response: httpx2.Response) -> httpx2.Response | str:
        for _ in range(20):
            if response.status_code in (301, 302, 303, 307, 308):
                location = urllib.parse.urljoin(str(response.url), response.headers["location"])
                if location.startswith(self.stop_prefix):
                    return location
                response = self.http.get(location)
                continue
            self.pages.append(response.text)
            return response
        raise AssertionError("too many redirects")

    def get(self, url: str) -> httpx2.Response | str:
        return self._follow(self.http.get(url))

    def submit(self, page: httpx2.Response, values: dict[str, str], button: str | None = None) -> httpx2.Response | str:
        forms = forms_of(page.text)
        form = next((f for f in forms if button is None or button in f.buttons), None)
        assert form is not None, f"no form with button {button!r} on {page.url}:\n{page.text[:2000]}"
        data = {**form.fields, **values}
        if button is not None:
            name, value = form.buttons[button]
            if name:
                data[name] = value
        action = urllib.parse.urljoin(str(page.url), form.action or str(page.url))
        if form.method == "post":
            return self._follow(self.http.post(action, data=data))
        return self._follow(self.http.get(action, params=data))

    def close(self) -> None:
        self.http.close()


def button_like(page: str, *words: str) -> str | None:
    """The id of the first button of the page whose id is one of ``words``, else any button."""
    for form in forms_of(page):
        for word in words:
            if word in form.buttons:
                return word
    for form in forms_of(page):
        for key in form.buttons:
            return key
    return None


def sign_in(browser: FormBrowser, authorize_url: str, login: str, allow: bool = True) -> str:
    """From the server's /authorize to the MCP client's redirect URI: consent, then the sandbox's Okta sign-in
    (password, then the factor). Returns the final redirect URL (with ``code`` and ``state``, or ``error``)."""
    step = browser.get(authorize_url)
    for _ in range(8):
        if isinstance(step, str):
            return step
        page = step.text
        names = {n for f in forms_of(page) for n in f.fields}
        if "password" in names:
            step = browser.submit(step, {"username": login, "password": PASSWORD}, button_like(page, "submit"))
        elif "code" in names or "passcode" in names:
            key = "code" if "code" in names else "passcode"
            step = browser.submit(step, {key: FACTOR_CODE}, button_like(page, "submit"))
        elif "allow" in page or "deny" in page:
            step = browser.submit(step, {}, "allow" if allow else "deny")
        else:
            raise AssertionError(f"an unexpected page at {step.url} ({step.status_code}):\n{page[:2000]}")
    raise AssertionError("the sign-in did not end")


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def query_of(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


class SigninServer:
    def __init__(self, proc: subprocess.Popen, url: str, log: Path, audit: str):
        self.proc, self.url, self.log, self.audit = proc, url, log, audit
        self.origin = url.rsplit("/mcp", 1)[0]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_signin_server(sandbox: str, server: str, delegated: bool, *extra: str, port: int | None = None) -> SigninServer:
    """A server that is its own authorization server, on a fixed free loopback port (its public URL must be
    known before it starts: it is the issuer and the tokens' audience)."""
    tmp = Path(tempfile.mkdtemp(prefix="okta-mcp-signin-"))
    log, audit = tmp / "server.log", str(tmp / "audit.db")
    if port is None:
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    public = f"http://127.0.0.1:{port}/mcp"
    env = {**os.environ, "OKTA_ORG_URL": sandbox, "OKTA_MCP_LOG": "info", "OKTA_MCP_AUDIT_DB": audit,
           "OKTA_MCP_STATE_KEY": STATE_KEY, "OKTA_MCP_OIDC_CLIENT_SECRET": SIGNIN_CLIENT_SECRET}
    args = [str(server_bin(server)), "--transport", "http", "--listen", f"127.0.0.1:{port}", "--public-url", public,
            "--sign-in", "--oidc-client-id", SIGNIN_CLIENT_ID]
    if delegated:
        args += ["--delegated", "--mode", "full"]
        env.pop("OKTA_API_TOKEN", None)
    else:
        (tmp / "roles.toml").write_text(ROLES)
        args += ["--mode", "full", "--oidc-issuer", f"{sandbox}/oauth2/default", "--roles", str(tmp / "roles.toml")]
        from mcp_testing import TOKEN
        env["OKTA_API_TOKEN"] = TOKEN
    with open(log, "wb") as err:
        proc = subprocess.Popen([*args, *extra], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if re.search(r"listening on https?://127\.0\.0\.1:\d+/mcp", log.read_text(errors="replace")):
            return SigninServer(proc, public, log, audit)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"the server did not listen:\n{log.read_text()}")


def register(server: SigninServer, redirect_uri: str, name: str = "okta-mcp test client") -> dict[str, Any]:
    """Dynamic client registration (RFC 7591), as an MCP client does it."""
    r = httpx2.post(f"{server.origin}/register", json={
        "client_name": name, "redirect_uris": [redirect_uri], "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"], "token_endpoint_auth_method": "none"}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def authorize_url(server: SigninServer, client_id: str, redirect_uri: str, challenge: str, state: str) -> str:
    return f"{server.origin}/authorize?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "code_challenge": challenge,
        "code_challenge_method": "S256", "state": state, "resource": server.url})


def exchange(server: SigninServer, client_id: str, redirect_uri: str, code: str, verifier: str) -> httpx2.Response:
    return httpx2.post(f"{server.origin}/token", data={
        "grant_type": "authorization_code", "client_id": client_id, "redirect_uri": redirect_uri, "code": code,
        "code_verifier": verifier, "resource": server.url}, timeout=10)
