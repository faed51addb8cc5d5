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
