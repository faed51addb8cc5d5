#!/usr/bin/env python3
"""The end-user (delegated) operations through Prism: a person signs in at the sandbox's Okta (the org
authorization server, authorization code with PKCE, password and factor through the plain-HTML pages), and
their own access token then calls, through `prism proxy --errors`, every Okta operation the delegated tools make
(`/api/v1/users/me…`, the `/my` catalog and requests, their security access reviews, and the admin lists Okta
refuses them), with the bodies the tools send. Prism checks each request and the sandbox's answer against Okta's
spec; scripts/contract-test scans its log afterwards.

Usage: contract-end-user.py --sandbox URL --prism URL
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "python"))

import httpx2  # noqa: E402

from signin import SIGNIN_CLIENT_ID, SIGNIN_CLIENT_SECRET, FormBrowser, pkce, query_of, sign_in  # noqa: E402

REDIRECT = "http://127.0.0.1:9/oauth/callback"
SCOPES = ("openid profile email offline_access okta.users.read.self okta.accessRequests.catalog.read "
          "okta.accessRequests.request.read okta.accessRequests.request.manage okta.governance.entitlements.read "
          "okta.governance.securityAccessReviews.endUser.read okta.governance.securityAccessReviews.endUser.manage")


def person_token(sandbox: str, login: str) -> str:
    verifier, challenge = pkce()
    url = f"{sandbox}/oauth2/v1/authorize?" + urllib.parse.urlencode({
        "client_id": SIGNIN_CLIENT_ID, "response_type": "code", "redirect_uri": REDIRECT, "scope": SCOPES,
        "state": "contract", "nonce": "contract-nonce", "code_challenge": challenge,
        "code_challenge_method": "S256"})
    browser = FormBrowser(REDIRECT)
    try:
        landed = query_of(sign_in(browser, url, login))
    finally:
        browser.close()
    assert "code" in landed, f"the sign-in gave no code: {landed}"
    answer = httpx2.post(f"{sandbox}/oauth2/v1/token", auth=(SIGNIN_CLIENT_ID, SIGNIN_CLIENT_SECRET), data={
        "grant_type": "authorization_code", "code": landed["code"], "redirect_uri": REDIRECT,
        "code_verifier": verifier}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--prism", required=True)
    args = parser.parse_args()
    problems: list[str] = []

    def call(token: str, method: str, path: str, body: dict | None = None, expect: tuple[int, ...] = (200,)):
        response = httpx2.request(method, f"{args.prism}{path}", json=body, timeout=30,
                                  headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        if response.status_code not in expect:
            problems.append(f"{method} {path}: {response.status_code} {response.text[:300]}")
        print(f"  {method} {path} -> {response.status_code}")
        try:
            return response.json()
        except ValueError:
            return None

    olivia = person_token(args.sandbox, "olivia.orgadmin@example.com")
    me = call(olivia, "GET", "/api/v1/users/me") or {}
    call(olivia, "GET", "/api/v1/users/me/groups?limit=100")
    call(olivia, "GET", "/api/v1/users/me/appLinks")
    # What Okta keeps to admins: refused (403), as the tools expect.
    filter_grants = urllib.parse.quote(f'targetPrincipal.externalId eq "{me.get("id", "")}" AND '
                                       'targetPrincipal.type eq "OKTA_USER"')
    call(olivia, "GET", f"/governance/api/v1/grants?filter={filter_grants}&limit=200", expect=(403,))
    filter_requests = urllib.parse.quote(f'requestedFor eq "{me.get("id", "")}"')
    call(olivia, "GET", f"/governance/api/v2/requests?filter={filter_requests}&limit=50", expect=(403,))

    bob = person_token(args.sandbox, "bob.active@example.com")
    top = urllib.parse.quote("not(parent pr)")
    entries = (call(bob, "GET", f"/governance/api/v2/my/catalogs/default/entries?filter={top}&limit=20") or {})
    entry = next((e for e in entries.get("data", []) if e.get("requestable")), None)
    if entry is None:
        problems.append(f"no requestable entry for bob: {json.dumps(entries)[:300]}")
    else:
        base = f"/governance/api/v2/my/catalogs/default/entries/{entry['id']}"
        call(bob, "GET", base)
        fields = (call(bob, "GET", f"{base}/request-fields") or {}).get("data", [])
        values = [{"id": f["id"], "value": "for the quarterly close"} for f in fields
                  if f.get("required") and f.get("type") == "TEXT"]
        made = call(bob, "POST", f"{base}/requests", {"requesterFieldValues": values} if values else {},
                    expect=(202,)) or {}
        if made.get("id"):
            call(bob, "GET", f"{base}/requests/{made['id']}")

    active = urllib.parse.quote('status eq "ACTIVE"')
    reviews = (call(olivia, "GET", f"/governance/api/v2/my/security-access-reviews?filter={active}&limit=20")
               or {}).get("data", [])
    if not reviews:
        problems.append("olivia has no active security access review")
    for review in reviews[:1]:
        base = f"/governance/api/v2/my/security-access-reviews/{review['id']}"
        call(olivia, "GET", f"{base}/principal")
        items = (call(olivia, "GET", f"{base}/accesses?limit=20") or {}).get("data", [])
        item = next((i for i in items if "REVOKE_ACCESS" in (i.get("supportedActions") or [])), None)
        if item is None:
            problems.append(f"no revocable item in review {review['id']}")
        else:
            call(olivia, "POST", f"{base}/accesses/{item['id']}/actions", {"type": "REVOKE_ACCESS"}, expect=(202,))
            call(olivia, "POST", f"{base}/comment", {"comment": f"REVOKE_ACCESS {item.get('name')}: contract run"},
                 expect=(204,))
    # Another person's review is not theirs.
    if reviews:
        call(bob, "GET", f"/governance/api/v2/my/security-access-reviews/{reviews[0]['id']}", expect=(404,))

    if problems:
        print("end-user operations through prism: unexpected answers:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
