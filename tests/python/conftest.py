"""Fixtures of the Python SDK tests: the protocol mode (both of the SDK's), the asyncio backend, and a local
okta-sandbox per test module (port 0, loopback only)."""

from __future__ import annotations

import re
import subprocess
import time

import pytest

from mcp_testing import MODES, SANDBOX_BIN, TOKEN


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory):
    """Start okta-sandbox on a free loopback port; yield its base URL."""
    if not SANDBOX_BIN.is_file():
        pytest.exit(f"{SANDBOX_BIN} is missing: build it first (cargo build --workspace --bins)", returncode=2)
    log = tmp_path_factory.mktemp("sandbox") / "sandbox.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [str(SANDBOX_BIN), "--listen", "127.0.0.1:0", "--api-token", TOKEN],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.exit(f"okta-sandbox exited with {proc.returncode}:\n{log.read_text()}", returncode=2)
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text(errors="replace"))
            if m:
                url = m.group(1)
            else:
                time.sleep(0.05)
        if url is None:
            pytest.exit(f"okta-sandbox did not print its listening line within 30 s:\n{log.read_text()}", returncode=2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

