"""Minimal MCP-over-stdio JSON-RPC driver (newline-delimited JSON), standard library only.

Used by scripts/bench and scripts/contract-smoke.py. Not a general MCP client: it speaks the
handshake-era protocol (initialize + notifications/initialized), which every okta-mcp server serves.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

PROTOCOL_VERSION = "2025-06-18"


class McpError(RuntimeError):
    pass


class McpProc:
    """One server process; `request` sends a JSON-RPC request and waits for its response line."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str] | None = None,
        stderr_path: Path | None = None,
        close_fds: bool = True,  # False spawns faster (posix_spawn) but leaks our fds to the child
    ):
        self._stderr = open(stderr_path, "ab") if stderr_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env={**os.environ, **(env or {})},
            close_fds=close_fds,
        )
        self._next_id = 0
        self.last_line = b""  # the raw bytes of the last response line read

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    def request(self, method: str, params: dict[str, Any] | None = None, timeout: float = 60.0) -> dict[str, Any]:
        self._next_id += 1
        rid = self._next_id
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        deadline = time.monotonic() + timeout
        while True:
            line = self._readline(deadline)
            try:
                reply = json.loads(line)
            except json.JSONDecodeError as e:
                raise McpError(f"not JSON on stdout: {line[:200]!r}") from e
            if reply.get("id") != rid:  # a notification or a server->client request: skip it
                continue
            self.last_line = line
            if "error" in reply:
                raise McpError(f"{method}: JSON-RPC error {reply['error']}")
            return reply["result"]

    def _readline(self, deadline: float) -> bytes:
        assert self.proc.stdout is not None
        result: list[bytes] = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(max(0.0, deadline - time.monotonic()))
        if reader.is_alive():
            self.kill()
            raise McpError("timed out waiting for a response")
        if not result or not result[0]:
            raise McpError(f"server closed stdout (exit code {self.proc.poll()})")
        return result[0]

    def initialize(self) -> dict[str, Any]:
        result = self.request(
            "initialize",
            {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "okta-mcp-scripts", "version": "0"},
            },
        )
        self.notify("notifications/initialized")
        return result

    def call_tool(self, name: str, arguments: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
        return self.request("tools/call", {"name": name, "arguments": arguments}, timeout=timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def close(self, timeout: float = 5.0) -> None:
        if self.proc.stdin and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        if self.proc.stdout:
            self.proc.stdout.close()
        if hasattr(self._stderr, "close"):
            self._stderr.close()

    def __enter__(self) -> McpProc:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def tool_text(result: dict[str, Any]) -> str:
    return "\n".join(c.get("text", "") for c in result.get("content", []) if c.get("type") == "text")


class Listening:
    """A binary started with its stderr in `log_path`, ready once the log matches `pattern` (its match is kept
    in `self.match`); stopped on exit."""

    def __init__(self, argv: list[str], log_path: Path, pattern: str, failure: str,
                 env: dict[str, str] | None = None, timeout: float = 30.0):
        self.log_path = log_path
        with open(log_path, "wb") as err:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                         env=env)
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, log_path.read_text(errors="replace"))
            if m:
                self.match = m
                return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{failure}:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.05)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Sandbox(Listening):
    """okta-sandbox on a free loopback port (it prints `listening on http://127.0.0.1:PORT`)."""

    def __init__(self, binary: Path, log_path: Path, extra_args: list[str] | None = None, timeout: float = 30.0):
        super().__init__([str(binary), "--listen", "127.0.0.1:0", *(extra_args or [])], log_path,
                         r"listening on (http://127\.0\.0\.1:\d+)", "okta-sandbox did not start", timeout=timeout)
        self.url = self.match.group(1)
