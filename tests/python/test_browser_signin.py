"""The whole sign-in in a real browser: headless Chromium (Debian's chromium and chromium-driver, driven over
WebDriver by Selenium). An MCP client registers itself with the server, sends the person's browser to the
server's /authorize, the person allows the client on the consent page, signs in at the sandbox's Okta (password,
then a factor) and lands back at the client with a code; the client exchanges it (PKCE) and sees the tools of
that person's role, or in delegated mode only their own.
"""

from __future__ import annotations

import http.server
import os
import shutil
import threading
import urllib.parse

import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from mcp_testing import PASSWORD, all_tools, confirm_yes
from signin import FACTOR_CODE, authorize_url, exchange, pkce, register, start_signin_server

pytestmark = pytest.mark.anyio
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def _browser_or_skip():
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        assert os.environ.get("CI") != "true", "CI=true: Chromium and ChromeDriver must be installed (scripts/test-browser)"
        pytest.skip("SKIPPED: Debian's chromium and chromium-driver are not installed (scripts/test-browser installs them)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        assert os.environ.get("CI") != "true", "CI=true: selenium must be installed (tests/python/requirements.txt)"
        pytest.skip("SKIPPED: selenium is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


class _Landing(http.server.BaseHTTPRequestHandler):
    """The MCP client's redirect URI: remembers what came back."""
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _Landing.seen.append(self.path)
        body = b"<html><body><p id=done>signed in</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def landing():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Landing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Landing.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}/callback"
    server.shutdown()


def browser_sign_in(driver, url: str, login: str, landing: str) -> dict[str, str]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from selenium.common.exceptions import TimeoutException

    class Wait:
        """WebDriverWait that says where the browser was when it gave up."""

        def __init__(self) -> None:
            self.inner = WebDriverWait(driver, 20)

        def until(self, condition):
            try:
                return self.inner.until(condition)
            except TimeoutException:
                raise AssertionError(f"stuck at {driver.current_url}:\n{driver.page_source[:3000]}") from None

    wait = Wait()
    driver.get(url)
    wait.until(ec.element_to_be_clickable((By.ID, "allow"))).click()  # the server's consent page
    wait.until(ec.presence_of_element_located((By.NAME, "username"))).send_keys(login)  # the sandbox's Okta
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "submit").click()
    wait.until(ec.presence_of_element_located((By.NAME, "code"))).send_keys(FACTOR_CODE)
    driver.find_element(By.ID, "submit").click()
    wait.until(lambda d: d.current_url.startswith(landing))
    wait.until(ec.presence_of_element_located((By.ID, "done")))
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(driver.current_url).query))


@pytest.mark.parametrize("delegated", [False, True], ids=["admin", "delegated"])
async def test_a_person_signs_in_with_a_real_browser(sandbox: str, landing: str, delegated: bool) -> None:
    driver = _browser_or_skip()
    server = start_signin_server(sandbox, "okta-mcp-governance" if delegated else "okta-mcp-users", delegated)
    try:
        client = register(server, landing, "Chromium test client")
        verifier, challenge = pkce()
        url = authorize_url(server, client["client_id"], landing, challenge, "st-123")
        login = "olivia.orgadmin@example.com"
        back = browser_sign_in(driver, url, login, landing)
        assert back.get("state") == "st-123" and back.get("code"), back
        token = exchange(server, client["client_id"], landing, back["code"], verifier)
        assert token.status_code == 200, token.text
        access = token.json()["access_token"]
        http = create_mcp_http_client(headers={"Authorization": f"Bearer {access}"})
        async with Client(streamable_http_client(server.url, http_client=http), mode="auto",
                          read_timeout_seconds=30, elicitation_callback=confirm_yes) as c:
            names = {t.name for t in await all_tools(c)}
        if delegated:
            assert names and all(n.startswith("okta_iga_") for n in names), names
            assert "okta_iga_my_pending_reviews" in names and "okta_iga_list_campaigns" not in names
        else:
            # Olivia is in IT: the security role, the server's full selection (no end-user tools).
            assert "okta_delete_user" in names and "okta_list_groups" in names
            assert not any(n.startswith("okta_my_") for n in names)
        # The code is single-use.
        assert exchange(server, client["client_id"], landing, back["code"], verifier).status_code == 400
    finally:
        driver.quit()
        server.stop()
        shutil.rmtree(server.log.parent, ignore_errors=True)
