#!/usr/bin/env bash
# Drive an okta-mcp server over stdio from a shell script, with nothing but the server binary and jq: list the
# tools, read a page of users and the next one with the cursor, see an id refused before it reaches Okta, and
# preview a change with a dry run. One JSON-RPC message per line each way (MCP's stdio transport); the server's
# logs go to stderr.
#
# Needs an Okta org in the environment (OKTA_ORG_URL with OKTA_API_TOKEN, or the service app's variables). A local
# sandbox org: `cargo run -p okta-sandbox -- --listen 127.0.0.1:8765` prints them. Then:
#
#   OKTA_ORG_URL=http://127.0.0.1:8765 OKTA_API_TOKEN=sandbox-api-token examples/scripts/mcp-session.sh
#
# The server is okta-mcp-users from the PATH, or the binary MCP_SERVER names.
set -euo pipefail

: "${OKTA_ORG_URL:?set OKTA_ORG_URL (and OKTA_API_TOKEN): see the top of this script}"
command -v jq >/dev/null || { echo "this script needs jq" >&2; exit 1; }
server="${MCP_SERVER:-okta-mcp-users}"

# The server as a coprocess: ${MCP[1]} is its stdin, ${MCP[0]} its stdout. Read-write so that a write tool can
# show a dry run.
coproc MCP { OKTA_MCP_LOG=warn exec "$server" --mode read-write --toolsets users,groups; }
trap 'kill "$MCP_PID" 2>/dev/null || true' EXIT

id=0
# rpc METHOD PARAMS: send a request, print its result (exit on a JSON-RPC error). Notifications the server sends
# meanwhile (progress, logs) are skipped.
rpc() {
  id=$((id + 1))
  jq -cn --arg method "$1" --argjson params "$2" --argjson id "$id" \
    '{jsonrpc: "2.0", id: $id, method: $method, params: $params}' >&"${MCP[1]}"
  local line
  while IFS= read -r -t 60 line <&"${MCP[0]}"; do
    if jq -e --argjson id "$id" '.id == $id and (has("method") | not)' <<<"$line" >/dev/null; then
      if jq -e 'has("error")' <<<"$line" >/dev/null; then
        echo "$1 failed: $(jq -c .error <<<"$line")" >&2
        exit 1
      fi
      jq -c .result <<<"$line"
      return 0
    fi
  done
  echo "no answer to $1 (the server stopped or took over 60 s)" >&2
  exit 1
}
notify() { jq -cn --arg method "$1" '{jsonrpc: "2.0", method: $method}' >&"${MCP[1]}"; }
# call TOOL ARGUMENTS: the tools/call result ({content, isError}).
call() { rpc tools/call "$(jq -cn --arg name "$1" --argjson arguments "$2" '{name: $name, arguments: $arguments}')"; }
# The JSON a tool answered (its text content).
answer() { jq -r '.content[0].text' <<<"$1"; }

init=$(rpc initialize '{"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "mcp-session.sh", "version": "1"}}')
notify notifications/initialized
echo "server: $(jq -r '.serverInfo.name + " " + .serverInfo.version' <<<"$init")"

tools=$(rpc tools/list '{}')
echo "tools: $(jq '.tools | length' <<<"$tools")"
jq -r '.tools[].name | "  " + .' <<<"$tools"

# A read tool, and the next page: pass next_cursor back as cursor.
page=$(answer "$(call okta_list_users '{"limit": 5}')")
echo "page 1: $(jq '.rows | length' <<<"$page") users"
cursor=$(jq -r '.next_cursor // empty' <<<"$page")
[[ -n "$cursor" ]] || { echo "the first page has no next_cursor" >&2; exit 1; }
page=$(answer "$(call okta_list_users "$(jq -cn --arg cursor "$cursor" '{limit: 5, cursor: $cursor}')")")
echo "page 2: $(jq '.rows | length' <<<"$page") users"

# An id that cannot be one is refused by the server before anything is sent to Okta: a tool error (isError).
refused=$(call okta_get_user '{"user": "../admin"}')
[[ $(jq '.isError' <<<"$refused") == true ]] || { echo "../admin was not refused" >&2; exit 1; }
echo "refused: $(answer "$refused")"

# Every write tool takes dry_run: it shows the request it would send, and sends nothing.
preview=$(call okta_create_group '{"name": "mcp-example-group", "dry_run": true}')
[[ $(jq '.isError // false' <<<"$preview") == false ]] || { echo "dry run failed: $(answer "$preview")" >&2; exit 1; }
echo "dry run: $(answer "$preview" | jq -c .)"
