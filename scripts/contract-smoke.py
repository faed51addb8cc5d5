#!/usr/bin/env python3
"""Drive okta-mcp-users or okta-mcp-apps (full mode, chosen by the binary's name) through every tool
once against an org URL (the Prism proxy in scripts/contract-test), so that each Okta operation the server uses is sent at least once
with the server's real requests. Prism judges requests and responses; this script only checks
that the calls that must succeed did.

Usage: contract-smoke.py --server target/debug/okta-mcp-{users,apps} --org-url http://127.0.0.1:PORT
Exit 1 if a call that must succeed failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mcp_stdio import McpProc, tool_text  # noqa: E402


def first(pattern: str, text: str) -> str | None:
    m = re.search(pattern, text)
    return m.group(1) if m else None


def smoke_apps(call, failures: list[str], user: str) -> None:
    """Every okta-mcp-apps tool once (and the error paths the sandbox answers), on apps of our own."""
    salesforce = "0oasalesforce0000001"
    page = call("okta_list_apps", {"limit": 3})
    cursor = json.loads(page).get("next_cursor") if page.startswith("{") else None
    if cursor:
        call("okta_list_apps", {"limit": 3, "cursor": cursor})
    else:
        failures.append("okta_list_apps {limit: 3}: no next_cursor")
    call("okta_list_apps", {"q": "sales", "detail": True})
    call("okta_list_apps", {"filter": 'group.id eq "00gengineering000001"'})
    call("okta_list_apps", {"filter": 'status eq "ACTIVE"', "limit": 200})
    call("okta_get_app", {"app_id": salesforce})
    call("okta_get_app", {"app_id": "0oanope0000000000000"}, must_succeed=False)  # 404
    call("okta_list_app_users", {"app_id": salesforce, "limit": 5})
    call("okta_list_app_groups", {"app_id": salesforce})
    call("okta_list_app_keys", {"app_id": salesforce})
    call("okta_get_app_metadata", {"app_id": salesforce})
    call("okta_get_app_metadata", {"app_id": "0oaexpenses000000001"}, must_succeed=False)  # refused
    call("okta_list_app_grants", {"app_id": "0oamcpservice0000001"})

    tag = uuid.uuid4().hex[:8]
    kinds = [
        {"kind": "saml", "sso_acs_url": "https://sp.example.com/acs", "audience": f"urn:contract:{tag}"},
        {"kind": "oidc_web", "redirect_uris": ["https://web.example.com/cb"]},
        {"kind": "oidc_spa", "redirect_uris": ["https://spa.example.com/cb"]},
        {"kind": "oidc_native", "redirect_uris": ["com.example.app:/cb"]},
        {"kind": "oidc_service"},
    ]
    for k in kinds:
        call("okta_create_app", {"label": f"contract {k['kind']} {tag}", **k})
    created = call("okta_create_app", {"kind": "bookmark", "label": f"contract {tag}",
                                       "url": "https://contract.example.com"})
    app = first(r'"(0oa[A-Za-z0-9]{17})"', created)
    if not app:
        failures.append("okta_create_app: no app id")
        return
    call("okta_update_app", {"app_id": app, "label": f"contract {tag} v2",
                             "changes": {"settings": {"app": {"url": "https://contract.example.com/v2"}}}})
    call("okta_assign_user_to_app", {"app_id": app, "user": user, "profile": {"role": "tester"}})
    call("okta_get_app_user", {"app_id": app, "user": user})
    call("okta_update_app_user", {"app_id": app, "user": user, "user_name": f"contract.{tag}"})
    call("okta_remove_user_from_app", {"app_id": app, "user": user})
    call("okta_assign_group_to_app", {"app_id": app, "group_id": "00gengineering000001", "priority": 0})
    call("okta_get_app_group", {"app_id": app, "group_id": "00gengineering000001"})
    call("okta_remove_group_from_app", {"app_id": app, "group_id": "00gengineering000001"})
    saml = first(r'"(0oa[A-Za-z0-9]{17})"', call("okta_list_apps", {"q": f"contract saml {tag}"}))
    if saml:
        call("okta_generate_app_key", {"app_id": saml, "validity_years": 2})
    call("okta_delete_app", {"app_id": app}, must_succeed=False)  # ACTIVE: refused before the DELETE
    call("okta_deactivate_app", {"app_id": app})
    call("okta_activate_app", {"app_id": app})
    call("okta_deactivate_app", {"app_id": app})
    call("okta_delete_app", {"app_id": app})


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--org-url", required=True)
    ap.add_argument("--token", default=os.environ.get("OKTA_E2E_TOKEN", "sandbox-api-token"))
    ap.add_argument("--log", type=Path, default=None, help="server stderr goes here")
    args = ap.parse_args()

    env = {"OKTA_ORG_URL": args.org_url, "OKTA_API_TOKEN": args.token, "OKTA_MCP_LOG": "warn"}
    apps = Path(args.server).name.startswith("okta-mcp-apps")
    # Destructive tools run at once (no confirmation round trip), so their requests reach Prism.
    env["OKTA_MCP_CONFIRM"] = "never"
    failures: list[str] = []
    calls = 0

    with McpProc([args.server, "--mode", "full"], env, args.log) as mcp:
        mcp.initialize()
        tools = {t["name"] for t in mcp.request("tools/list", {})["tools"]}
        used: set[str] = set()

        def call(name: str, arguments: dict, must_succeed: bool = True) -> str:
            nonlocal calls
            calls += 1
            used.add(name)
            result = mcp.call_tool(name, arguments)
            text = tool_text(result)
            status = "error" if result.get("isError") else "ok"
            print(f"  {status:5} {name} {json.dumps(arguments)[:90]}" + (f"  -> {text.splitlines()[0][:160]}"
                                                                           if status == "error" else ""))
            if must_succeed and result.get("isError"):
                failures.append(f"{name} {json.dumps(arguments)}: {text[:300]}")
            return text

        u = "alice.active@example.com"
        if apps:
            smoke_apps(call, failures, "bob.active@example.com")
            unused = sorted(tools - used)
            print(f"contract smoke: {calls} tool calls, {len(failures)} failed that must succeed")
            if unused:
                print(f"  (tools not exercised: {', '.join(unused)})")
            for f in failures:
                print(f"  FAILED {f}")
            return 1 if failures else 0
        page = call("okta_list_users", {"limit": 3})
        cursor = json.loads(page).get("next_cursor") if page.startswith("{") else None
        if cursor:
            call("okta_list_users", {"limit": 3, "cursor": cursor})
        else:
            failures.append("okta_list_users {limit: 3}: no next_cursor")
        call("okta_list_users", {"filter": 'status eq "ACTIVE"', "limit": 2, "detail": True})
        call("okta_list_users", {"q": "ali", "limit": 3})
        call("okta_list_users", {"search": 'profile.lastName sw "A"', "limit": 3, "sortBy": "profile.lastName",
                                 "sortOrder": "asc"})
        call("okta_list_users", {"limit": 200})
        call("okta_get_user", {"user": u})
        call("okta_get_user", {"user": "nobody@example.invalid"}, must_succeed=False)  # 404 E0000007
        call("okta_get_user_groups", {"user": u})
        call("okta_get_user_apps", {"user": u})
        call("okta_get_user_roles", {"user": u})
        factors = call("okta_list_user_factors", {"user": u})
        factor_id = first(r'"((?:sms|ost|clf|opf|uft|emf|mbf|fuf|chf|ufs|yub|dsf|rsa|sqf|ttf|mfs)[A-Za-z0-9]{17})"',
                          factors) or first(r'"([a-z0-9]{3}[A-Za-z0-9]{17})"', factors)
        if factor_id:
            call("okta_get_factor", {"user": u, "factor_id": factor_id})
        call("okta_list_supported_factors", {"user": u})
        call("okta_list_user_sessions", {"user": u, "limit": 5})
        locked = call("okta_list_users", {"filter": 'status eq "LOCKED_OUT"', "limit": 1})
        locked_id = first(r'"(00u[A-Za-z0-9]{17})"', locked)
        if locked_id:
            call("okta_unlock_user", {"user": locked_id})

        groups = call("okta_list_groups", {"limit": 5})
        call("okta_list_groups", {"q": "a", "limit": 2})
        gid = first(r'"(00g[A-Za-z0-9]{17})"', groups)
        if gid:
            call("okta_get_group", {"group_id": gid})
            call("okta_list_group_users", {"group_id": gid, "limit": 5})
            call("okta_list_group_apps", {"group_id": gid, "limit": 5})

        # writes: a group of our own
        name = f"contract-{uuid.uuid4().hex[:8]}"
        created = call("okta_create_group", {"name": name, "description": "contract smoke"})
        new_gid = first(r'"(00g[A-Za-z0-9]{17})"', created)
        if new_gid:
            call("okta_update_group", {"group_id": new_gid, "description": "contract smoke, updated"})
            # Bob, not Alice: super administrators are protected from removal.
            call("okta_add_user_to_group", {"group_id": new_gid, "user": "bob.active@example.com"})
            call("okta_remove_user_from_group", {"group_id": new_gid, "user": "bob.active@example.com"})
            call("okta_delete_group", {"group_id": new_gid})

        # writes: users of our own. Lifecycle steps depend on the user's status, so only the
        # creates and deletes must succeed; what matters here is what Prism says of each exchange.
        tag = uuid.uuid4().hex[:8]
        staged = call("okta_create_user", {"first_name": "Contract", "last_name": f"Staged{tag}",
                                           "email": f"contract.staged.{tag}@example.com", "activate": False})
        sid = first(r'"(00u[A-Za-z0-9]{17})"', staged)
        if sid:
            call("okta_update_user", {"user": sid, "profile": {"title": "Contract tester"}}, must_succeed=False)
            call("okta_activate_user", {"user": sid, "send_email": False}, must_succeed=False)
            call("okta_deactivate_user", {"user": sid, "send_email": False}, must_succeed=False)
            call("okta_delete_user", {"user": sid})
        active = call("okta_create_user", {"first_name": "Contract", "last_name": f"Active{tag}",
                                           "email": f"contract.active.{tag}@example.com", "activate": True,
                                           "password": f"Sm0ke-{tag}-Pa55!"})
        aid = first(r'"(00u[A-Za-z0-9]{17})"', active)
        if aid:
            call("okta_suspend_user", {"user": aid}, must_succeed=False)
            call("okta_unsuspend_user", {"user": aid}, must_succeed=False)
            call("okta_set_password", {"user": aid, "password": f"Sm0ke-{tag}-Pa55!x"}, must_succeed=False)
            call("okta_expire_password", {"user": aid}, must_succeed=False)
            call("okta_reset_password", {"user": aid, "send_email": False}, must_succeed=False)
            enrolled = call("okta_enroll_factor", {"user": aid, "factor_type": "question",
                                                   "question": "favorite_art_piece", "answer": "the smoke test"},
                            must_succeed=False)
            fid = first(r'"id"\s*:\s*"([A-Za-z0-9]{20})"', enrolled)
            if fid:
                call("okta_activate_factor", {"user": aid, "factor_id": fid, "pass_code": "123456"},
                     must_succeed=False)
                call("okta_verify_factor", {"user": aid, "factor_id": fid, "pass_code": "123456"},
                     must_succeed=False)
                call("okta_reset_factor", {"user": aid, "factor_id": fid}, must_succeed=False)
            call("okta_revoke_user_sessions", {"user": aid, "oauth_tokens": True}, must_succeed=False)
            call("okta_deactivate_user", {"user": aid, "send_email": False}, must_succeed=False)
            call("okta_delete_user", {"user": aid})
        call("okta_revoke_session", {"session_id": "102abcdefghijklmnopqrstu"}, must_succeed=False)  # unknown id

        unused = sorted(tools - used)

    print(f"contract smoke: {calls} tool calls, {len(failures)} failed that must succeed")
    if unused:
        print(f"  (tools not exercised: {', '.join(unused)})")
    for f in failures:
        print(f"  FAILED {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
