"""Black-box test of okta-mcp-governance with the official Python MCP SDK (PyPI `mcp`), in both of the SDK's
connection modes (``legacy``: initialize handshake; ``auto``: server/discover with fallback), against a local
okta-sandbox (conftest.py starts it). Run through scripts/test-python-client.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from mcp import Client

from mcp_testing import (
    confirm_yes,
    ok_json,
    rows_as_dicts,
    server_client,
    text_of,
)

SERVER = "okta-mcp-governance"
SALESFORCE = "0oasalesforce0000001"
ACTIVE_CAMPAIGN = "icisalesforce0000001"

pytestmark = pytest.mark.anyio


def client(sandbox: str, mode: str, server_mode: str = "read-only") -> Client:
    return server_client(SERVER, sandbox, mode, server_mode, elicitation_callback=confirm_yes)


async def test_unreviewed_items_of_the_active_campaign(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        active = ok_json(await c.call_tool("okta_iga_list_campaigns", {"status": "ACTIVE", "limit": 200}))
        assert ACTIVE_CAMPAIGN in {r["id"] for r in rows_as_dicts(active)}
        items = ok_json(await c.call_tool("okta_iga_list_campaign_items", {
            "campaign": "Salesforce access review", "decision": "UNREVIEWED"}))
        principals = {r["principal"] for r in rows_as_dicts(items)}
        assert "bob.active@example.com" in principals


async def test_create_and_launch_a_campaign(sandbox: str, mode: str) -> None:
    start = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=7)).isoformat()
    async with client(sandbox, mode, "read-write") as c:
        created = ok_json(await c.call_tool("okta_iga_create_campaign", {
            "name": f"Py {mode} {uuid.uuid4().hex[:6]}", "resources": [SALESFORCE], "start_date": start,
            "reviewer": "alice.active@example.com", "remediate": True}))
        campaign = created["created"]["id"]
        launched = ok_json(await c.call_tool("okta_iga_launch_campaign", {"campaign": campaign}))
        assert launched["campaign"]["status"] == "ACTIVE"
        assert launched["operation"]["okta_answered"] == "202 Accepted"
        again = await c.call_tool("okta_iga_launch_campaign", {"campaign": campaign})
        assert again.is_error and "already ACTIVE" in text_of(again)


async def test_what_bob_has_in_salesforce(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        out = ok_json(await c.call_tool("okta_iga_list_user_entitlements", {
            "user": "bob.active@example.com", "app": SALESFORCE}))
        values = {v["name"]: v["from"] for e in out["entitlements"] for v in e["values"]}
        assert values["Standard User"][0]["grantType"] == "POLICY"
        assert values["Reports Viewer"][0]["grantMethod"] == "ADMIN"


async def test_revoke_what_the_user_lacks_is_refused(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode, "full") as c:
        result = await c.call_tool("okta_iga_revoke_entitlement", {
            "user": "bob.active@example.com", "app": SALESFORCE, "entitlement_id": "espsfprofile00000001",
            "value_ids": ["entsfsysadmin0000001"]})
        assert result.is_error and "does not have" in text_of(result)


async def test_approve_a_request(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode, "read-write") as c:
        created = ok_json(await c.call_tool("okta_iga_create_access_request", {
            "entry_id": "censalesforce0000001", "user": "henry.helpdesk@example.com"}))
        request_id = created["request"]["id"]
        approved = ok_json(await c.call_tool("okta_iga_approve_access_request", {"request_id": request_id}))
        assert approved["request"]["status"] == "APPROVED"


async def test_bundle_would_violate_separation_of_duties(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode) as c:
        out = ok_json(await c.call_tool("okta_iga_assess_risk", {
            "user": "alice.active@example.com", "bundle_id": "enbfinanceadmin00001"}))
        assert [v["ruleId"] for v in out["violations"]] == ["rulfinancesysadmin01"]


async def test_collections_labels_and_owners(sandbox: str, mode: str) -> None:
    async with client(sandbox, mode, "read-write") as c:
        finance = ok_json(await c.call_tool("okta_iga_list_collection_resources", {"collection": "Finance tools"}))
        values = {r["app"]: r["values"] for r in rows_as_dicts(finance)}
        assert values["Salesforce"] == ["Permission Set: Finance Admin", "Permission Set: Payments Approver"]
        bob = ok_json(await c.call_tool("okta_iga_list_collection_assignments", {"user": "bob.active@example.com"}))
        assert [r["collectionId"] for r in rows_as_dicts(bob)] == ["colfinancetools00001"]

        labeled = ok_json(await c.call_tool("okta_iga_assign_label", {
            "resources": ["0oazoom0000000000001"], "labels": ["Data classification: Internal"]}))
        assert labeled["resources"][0]["labels"] == ["Data classification: Internal"]
        removed = ok_json(await c.call_tool("okta_iga_unassign_label", {
            "resources": ["0oazoom0000000000001"], "labels": ["lblinternal000000001"]}))
        assert len(removed["removed"]) == 1

        owners = ok_json(await c.call_tool("okta_iga_list_resource_owners", {"app": SALESFORCE}))
        salesforce = next(r for r in rows_as_dicts(owners) if r["id"] == SALESFORCE)
        assert salesforce["owners"] == ["Alice Active <alice.active@example.com> (users)"]
        same = ok_json(await c.call_tool("okta_iga_set_resource_owners", {
            "resource": SALESFORCE, "owners": ["alice.active@example.com"]}))
        assert same["result"].startswith("these are already the owners")


async def test_a_new_rule_is_assessed_then_deleted(sandbox: str, mode: str) -> None:
    reports = {"user": "bob.active@example.com", "entitlement_id": "espsfpermset00000001",
               "value_ids": ["entsfreports00000001"]}
    async with client(sandbox, mode, "full") as c:
        created = ok_json(await c.call_tool("okta_iga_create_risk_rule", {
            "name": f"Py {mode} {uuid.uuid4().hex[:6]}", "app": SALESFORCE,
            "list1": ["Permission Set: Reports Viewer"], "list2": ["profile: standard user"]}))
        rule = created["created"]["id"]
        assert created["list2"] == ["Profile: Standard User"]
        assessed = ok_json(await c.call_tool("okta_iga_assess_risk", reports))
        assert [v["ruleId"] for v in assessed["violations"]] == [rule]
        deleted = ok_json(await c.call_tool("okta_iga_delete_risk_rule", {"rule_id": rule}))
        assert deleted["deleted"]["id"] == rule
        assert ok_json(await c.call_tool("okta_iga_assess_risk", reports))["violations"] == []
