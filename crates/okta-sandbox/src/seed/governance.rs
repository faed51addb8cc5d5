//! The seeded governance data: campaigns in each status, with review items.
//!
//! | campaign | id | status | reviews |
//! |---|---|---|---|
//! | Q4 certification | `iciqfourcert00000001` | SCHEDULED | created at launch |
//! | Salesforce access review | `icisalesforce0000001` | ACTIVE | Alice APPROVE, Bob UNREVIEWED, Olivia UNREVIEWED |
//! | Q3 certification | `iciqthreecert0000001` | COMPLETED | Bob REVOKE |
//!
//! Salesforce entitlements: Profile (`espsfprofile00000001`, one value: Standard User `entsfstandard0000001`,
//! System Administrator `entsfsysadmin0000001`) and Permission Set (`espsfpermset00000001`, many: Finance Admin
//! `entsffinanceadmin001`, Reports Viewer `entsfreports00000001`, Payments Approver `entsfpayments0000001`).
//! Bob has Standard User by policy (grant `grabobsfpolicy000001`) and Reports Viewer from an admin
//! (`grabobsfreports00001`); Alice has System Administrator from an admin (`graalicesfadmin00001`), and so does
//! Carol (`carol.finance@example.com`, grant `gracarolsfadmin00001`).
//! Bundle Finance Admin (`enbfinanceadmin00001`): Salesforce Finance Admin and Payments Approver.
//!
//! Access requests (v2): catalog entries Salesforce (`censalesforce0000001`, the app) with its child Salesforce:
//! Finance Admin (`censffinanceadmin001`, the Finance Admin bundle), GitHub (`cengithub00000000001`), Zoom
//! (`cenzoom0000000000001`) and Team Calendar (`cencalendar000000001`);
//! Henry's PENDING request for GitHub (`reqhenrygithub000001`) with an OPEN approval task for Alice
//! (`00000000000000000000a001`). Approving a request gives the access: the app (a direct assignment) or the
//! bundle (an ENTITLEMENT-BUNDLE grant, actor ACCESS_REQUEST).
//!
//! Security access reviews (v2), reviewed by Alice, each a snapshot of the user's access when it was made:
//! Bob's ACTIVE review (`sarbobsalesforce0001`: Salesforce through Sales with its entitlements, Expense
//! Tracker directly, the Everyone apps) and Lucy's CLOSED one (`sarlucylocked0000001`). Reviewed by others, for
//! the reviewers' own views (`/governance/api/v2/my/security-access-reviews`): Bob's ACTIVE review by Olivia
//! (`saroliviabob00000001`) and Henry's ACTIVE review by Carol (`sarcarolhenry0000001`).
//!
//! Risk rule `rulfinancesysadmin01` (separation of duties, ACTIVE): Salesforce Finance Admin conflicts with
//! System Administrator, so Alice or Carol (System Administrators) would violate it with the Finance Admin bundle.
//!
//! Resource collections (apps, and some of their entitlement values, that are assigned together):
//!
//! | collection | id | resources | assigned to |
//! |---|---|---|---|
//! | Finance tools | `colfinancetools00001` | Salesforce (Finance Admin, Payments Approver), Expense Tracker | Bob (`assbobfinance0000001`), Olivia until 2099 (`assoliviafinance0001`) |
//! | Engineering essentials | `colengineering000001` | GitHub Enterprise, Internal Dashboard | Alice (`assaliceengineering1`) |
//!
//! Labels: Risk (`lbcrisk0000000000001`: High `lblriskhigh000000001`, Low `lblrisklow0000000001`) and Data
//! classification (`lbcdataclass00000001`: Confidential `lblconfidential00001`, Internal `lblinternal000000001`).
//! On resources: Salesforce has Risk High and Confidential, its Finance Admin value Risk High, the Finance tools
//! collection Confidential, GitHub Enterprise Internal.
//!
//! Resource owners: Alice owns Salesforce; Olivia owns the Finance Admin bundle.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::ids::{fixture_id, ts};
use crate::org::Org;
use crate::org::governance::{GovOrg, app_orn, bundle_orn, user_orn, value_orn};
use crate::org::security_reviews::new_review;

/// The admin who created the seeded objects (Alice, the super admin).
pub const CREATOR: &str = "00ualiceactive000001";
/// The seeded app campaigns review (Salesforce).
pub const SALESFORCE: &str = "0oasalesforce0000001";
const SEEDED_AT: &str = "2026-01-05T09:00:00.000Z";

/// A campaign object as Okta stores it (no `_links`).
pub fn campaign(id: &str, name: &str, status: &str, start: &str, days: u32) -> Value {
    json!({
        "id": id,
        "name": name,
        "description": format!("Review who has access to Salesforce ({name})"),
        "status": status,
        "campaignType": "RESOURCE",
        "created": SEEDED_AT,
        "createdBy": CREATOR,
        "lastUpdated": SEEDED_AT,
        "lastUpdatedBy": CREATOR,
        "scheduleSettings": {
            "type": "ONE_OFF",
            "startDate": start,
            "durationInDays": days,
            "timeZone": "America/Los_Angeles",
        },
        "resourceSettings": {
            "type": "APPLICATION",
            "targetResources": [{"resourceId": SALESFORCE, "resourceType": "APPLICATION"}],
        },
        "principalScopeSettings": {"type": "USERS"},
        "reviewerSettings": {"type": "USER", "reviewerId": CREATOR, "selfReviewDisabled": true},
        "remediationSettings": {"accessApproved": "NO_ACTION", "accessRevoked": "DENY", "noResponse": "NO_ACTION"},
    })
}

/// The users a Salesforce campaign reviews: (id, email, first, last).
pub const REVIEWED: [(&str, &str, &str, &str); 3] = [
    ("00ualiceactive000001", "alice.active@example.com", "Alice", "Active"),
    ("00ubobactive00000001", "bob.active@example.com", "Bob", "Active"),
    ("00uoliviaorgadmin001", "olivia.orgadmin@example.com", "Olivia", "Orgadmin"),
];

/// A review item of `campaign_id` for one reviewed user.
pub fn review(id: &str, campaign_id: &str, user: (&str, &str, &str, &str), decision: &str, at: &str) -> Value {
    let (uid, email, first, last) = user;
    let mut r = json!({
        "id": id,
        "campaignId": campaign_id,
        "resourceId": SALESFORCE,
        "decision": decision,
        "remediationStatus": "NONE",
        "principalProfile": {"id": uid, "email": email, "login": email, "firstName": first, "lastName": last,
            "status": "ACTIVE", "type": "USER"},
        "reviewerProfile": {
            "id": CREATOR, "email": "alice.active@example.com", "login": "alice.active@example.com",
            "firstName": "Alice", "lastName": "Active", "status": "ACTIVE", "type": "USER",
        },
        "reviewerType": "USER",
        "created": at,
        "createdBy": CREATOR,
        "lastUpdated": at,
        "lastUpdatedBy": CREATOR,
    });
    if decision != "UNREVIEWED" {
        r["decided"] = json!(at);
    }
    r
}

pub fn build() -> GovOrg {
    let mut org = GovOrg::default();
    let q4 = fixture_id("ici", "qfourcert", 1);
    let active = fixture_id("ici", "salesforce", 1);
    let done = fixture_id("ici", "qthreecert", 1);
    org.campaigns.push(campaign(&q4, "Q4 certification", "SCHEDULED", "2026-12-01T09:00:00.000-08:00", 30));
    let mut a = campaign(&active, "Salesforce access review", "ACTIVE", "2026-01-05T09:00:00.000-08:00", 365);
    a["launchedDate"] = json!(SEEDED_AT);
    org.campaigns.push(a);
    let mut d = campaign(&done, "Q3 certification", "COMPLETED", "2025-09-01T09:00:00.000-07:00", 30);
    d["launchedDate"] = json!("2025-09-01T16:00:00.000Z");
    d["endedDate"] = json!("2025-10-01T16:00:00.000Z");
    org.campaigns.push(d);
    let [alice, bob, olivia] = REVIEWED;
    org.reviews.push(review(&fixture_id("icr", "alicesf", 1), &active, alice, "APPROVE", SEEDED_AT));
    org.reviews.push(review(&fixture_id("icr", "bobsf", 1), &active, bob, "UNREVIEWED", SEEDED_AT));
    org.reviews.push(review(&fixture_id("icr", "oliviasf", 1), &active, olivia, "UNREVIEWED", SEEDED_AT));
    let mut revoked = review(&fixture_id("icr", "bobqthree", 1), &done, bob, "REVOKE", "2025-09-02T10:00:00.000Z");
    revoked["remediationStatus"] = json!("SUCCESS");
    org.reviews.push(revoked);
    seed_entitlements(&mut org);
    seed_requests(&mut org);
    seed_risk_rules(&mut org);
    seed_collections(&mut org);
    seed_labels(&mut org);
    seed_owners(&mut org);
    org
}

fn seed_risk_rules(org: &mut GovOrg) {
    let list = |name: &str, esp: &str, esp_name: &str, ent: &str, ent_name: &str| {
        json!({"name": name, "attribute": "principal.effective_grants", "operation": "CONTAINS_ONE",
               "value": {"type": "ENTITLEMENTS", "value": [{"id": esp, "name": esp_name,
                   "values": [{"id": ent, "name": ent_name}]}]}})
    };
    org.risk_rules.push(json!({
        "id": fixture_id("rul", "financesysadmin", 1),
        "name": "Finance Admin and System Administrator",
        "description": "No one both administers Salesforce and its finance data",
        "type": "SEPARATION_OF_DUTIES", "status": "ACTIVE",
        "resources": [{"resourceOrn": app_orn(SALESFORCE)}],
        "conflictCriteria": {"and": [
            list("list1", &fixture_id("esp", "sfpermset", 1), "Permission Set", &fixture_id("ent", "sffinanceadmin", 1),
                 "Finance Admin"),
            list("list2", &fixture_id("esp", "sfprofile", 1), "Profile", &fixture_id("ent", "sfsysadmin", 1),
                 "System Administrator"),
        ]},
        "created": SEEDED_AT, "createdBy": CREATOR, "lastUpdated": SEEDED_AT, "lastUpdatedBy": CREATOR,
    }));
}

/// A v2 access request (no `_links`).
pub fn request(id: &str, entry: &Value, user: &str, by: &str, at: &str) -> Value {
    json!({
        "id": id, "status": "PENDING",
        "requested": {"entryId": entry["id"], "resourceId": entry["resourceId"], "resourceType": "APPLICATION",
                      "accessScopeId": entry["accessScopeId"], "accessScopeType": entry["accessScopeType"]},
        "requestedFor": {"externalId": user, "type": "OKTA_USER"},
        "requestedBy": {"externalId": by, "type": "OKTA_USER"},
        "created": at, "createdBy": by, "lastUpdated": at, "lastUpdatedBy": by,
    })
}

/// The OPEN approval task of a request, assigned to Alice.
pub fn approval_task(id: &str, request_id: &str, at: &str) -> Value {
    json!({
        "id": id, "requestId": request_id, "type": "APPROVAL", "status": "OPEN",
        "label": "Approve access", "assignees": [{"externalId": CREATOR, "type": "OKTA_USER"}],
        "createdAt": at, "updatedAt": at,
    })
}

fn seed_requests(org: &mut GovOrg) {
    let github = "0oagithub00000000001";
    let app_entry = |word: &str, name: &str, description: &str, app: &str| {
        json!({"id": fixture_id("cen", word, 1), "name": name, "description": description, "label": "Application",
               "requestable": true, "resourceId": app, "accessScopeType": "APPLICATION", "accessScopeId": app})
    };
    let salesforce = app_entry("salesforce", "Salesforce", "Salesforce CRM", SALESFORCE);
    let finance = json!({
        "id": fixture_id("cen", "sffinanceadmin", 1), "name": "Salesforce: Finance Admin",
        "description": "Salesforce finance administration (the Finance Admin bundle)", "parent": salesforce["id"],
        "requestable": true, "resourceId": SALESFORCE, "accessScopeType": "ENTITLEMENT_BUNDLE",
        "accessScopeId": fixture_id("enb", "financeadmin", 1),
    });
    org.catalog.push(salesforce);
    org.catalog.push(app_entry("github", "GitHub Enterprise", "GitHub Enterprise Cloud", github));
    org.catalog.push(finance);
    // More requestable apps, so that each person's own catalog (`/my`) has a few top-level entries.
    org.catalog.push(app_entry("zoom", "Zoom", "Zoom video meetings", "0oazoom0000000000001"));
    org.catalog.push(app_entry("calendar", "Team Calendar", "The shared team calendar", "0oacalendar000000001"));
    let henry = "00uhenryhelpdesk0001";
    let id = fixture_id("req", "henrygithub", 1);
    let entry = org.catalog[1].clone();
    org.requests.push(request(&id, &entry, henry, henry, SEEDED_AT));
    org.tasks.push(approval_task("00000000000000000000a001", &id, SEEDED_AT));
}

fn entitlement(id: &str, name: &str, multi: bool, values: &[(&str, &str, &str)]) -> Value {
    let values: Vec<Value> = values
        .iter()
        .map(|(vid, vname, external)| {
            json!({
                "id": vid, "name": vname, "externalValue": external, "description": format!("Salesforce {vname}"),
                "entitlementId": id, "orn": value_orn(vid), "parentResourceOrn": app_orn(SALESFORCE),
                "parent": {"externalId": SALESFORCE, "type": "APPLICATION"},
                "created": SEEDED_AT, "createdBy": CREATOR, "lastUpdated": SEEDED_AT, "lastUpdatedBy": CREATOR,
            })
        })
        .collect();
    json!({
        "id": id, "name": name, "externalValue": name.replace(' ', ""), "description": format!("Salesforce {name}"),
        "multiValue": multi, "required": !multi, "dataType": "string",
        "parentResourceOrn": app_orn(SALESFORCE), "parent": {"externalId": SALESFORCE, "type": "APPLICATION"},
        "created": SEEDED_AT, "createdBy": CREATOR, "lastUpdated": SEEDED_AT, "lastUpdatedBy": CREATOR,
        "values": values,
    })
}

/// A grant object (no `_links`).
pub fn grant(
    id: &str,
    grant_type: &str,
    action: &str,
    actor: &str,
    (app, user): (&str, &str),
    entitlements: Value,
    at: &str,
) -> Value {
    json!({
        "id": id, "grantType": grant_type, "action": action, "actor": actor,
        "targetResourceOrn": app_orn(app), "target": {"externalId": app, "type": "APPLICATION"},
        "targetPrincipalOrn": user_orn(user), "targetPrincipal": {"externalId": user, "type": "OKTA_USER"},
        "entitlements": entitlements, "status": "ACTIVE",
        "created": at, "createdBy": CREATOR, "lastUpdated": at, "lastUpdatedBy": CREATOR,
    })
}

fn seed_entitlements(org: &mut GovOrg) {
    let profile = fixture_id("esp", "sfprofile", 1);
    let permset = fixture_id("esp", "sfpermset", 1);
    let standard = fixture_id("ent", "sfstandard", 1);
    let sysadmin = fixture_id("ent", "sfsysadmin", 1);
    let finance = fixture_id("ent", "sffinanceadmin", 1);
    let reports = fixture_id("ent", "sfreports", 1);
    let payments = fixture_id("ent", "sfpayments", 1);
    org.entitlements.push(entitlement(
        &profile,
        "Profile",
        false,
        &[(&standard, "Standard User", "standard"), (&sysadmin, "System Administrator", "sysadmin")],
    ));
    org.entitlements.push(entitlement(
        &permset,
        "Permission Set",
        true,
        &[
            (&finance, "Finance Admin", "finance_admin"),
            (&reports, "Reports Viewer", "reports_viewer"),
            (&payments, "Payments Approver", "payments_approver"),
        ],
    ));
    let bundle = fixture_id("enb", "financeadmin", 1);
    org.bundles.push(json!({
        "id": bundle, "name": "Finance Admin", "description": "Salesforce finance administration",
        "orn": bundle_orn(&bundle), "status": "ACTIVE",
        "targetResourceOrn": app_orn(SALESFORCE), "target": {"externalId": SALESFORCE, "type": "APPLICATION"},
        "entitlements": [{"id": permset, "values": [{"id": finance}, {"id": payments}]}],
        "created": SEEDED_AT, "createdBy": CREATOR, "lastUpdated": SEEDED_AT, "lastUpdatedBy": CREATOR,
    }));
    let bob = "00ubobactive00000001";
    let alice = "00ualiceactive000001";
    let one = |esp: &str, ent: &str| json!([{"id": esp, "values": [{"id": ent}]}]);
    let grants = [
        ("bobsfpolicy", "POLICY", "NONE", bob, one(&profile, &standard), SEEDED_AT),
        ("bobsfreports", "CUSTOM", "ADMIN", bob, one(&permset, &reports), "2026-02-01T10:00:00.000Z"),
        ("carolsfadmin", "CUSTOM", "ADMIN", "00ucarolfinance00001", one(&profile, &sysadmin), SEEDED_AT),
        ("alicesfadmin", "CUSTOM", "ADMIN", alice, one(&profile, &sysadmin), SEEDED_AT),
    ];
    for (word, kind, by, user, entitlements, at) in grants {
        org.grants.push(grant(&fixture_id("gra", word, 1), kind, "ALLOW", by, (SALESFORCE, user), entitlements, at));
    }
}

fn seed_collections(org: &mut GovOrg) {
    let finance = fixture_id("col", "financetools", 1);
    let engineering = fixture_id("col", "engineering", 1);
    let collection = |id: &str, name: &str, description: &str| {
        json!({"id": id, "name": name, "description": description,
               "created": SEEDED_AT, "createdBy": CREATOR, "lastUpdated": SEEDED_AT, "lastUpdatedBy": CREATOR})
    };
    org.collections.push(collection(&finance, "Finance tools", "What the finance team works with"));
    org.collections.push(collection(&engineering, "Engineering essentials", "Birthright access for engineers"));
    let permset = fixture_id("esp", "sfpermset", 1);
    let values = json!([{"id": permset, "values": [{"id": fixture_id("ent", "sffinanceadmin", 1)},
                                                     {"id": fixture_id("ent", "sfpayments", 1)}]}]);
    for (cid, app, entitlements) in [
        (&finance, SALESFORCE.to_owned(), values),
        (&finance, fixture_id("0oa", "expenses", 1), json!([])),
        (&engineering, fixture_id("0oa", "github", 1), json!([])),
        (&engineering, fixture_id("0oa", "dashboard", 1), json!([])),
    ] {
        org.collection_resources.push(json!({"collectionId": cid, "appId": app, "entitlements": entitlements}));
    }
    let assignment = |id: &str, cid: &str, user: &str, actor: &str| {
        json!({"id": id, "collectionId": cid, "actor": actor, "assignmentType": "INDIVIDUAL",
               "principal": {"externalId": user, "type": "OKTA_USER"}})
    };
    org.collection_assignments.push(assignment(
        &fixture_id("ass", "aliceengineering", 1),
        &engineering,
        "00ualiceactive000001",
        "ADMIN",
    ));
    org.collection_assignments.push(assignment(
        &fixture_id("ass", "bobfinance", 1),
        &finance,
        "00ubobactive00000001",
        "ADMIN",
    ));
    let mut olivia =
        assignment(&fixture_id("ass", "oliviafinance", 1), &finance, "00uoliviaorgadmin001", "ACCESS_REQUEST");
    olivia["expirationTime"] = json!("2099-12-31T23:59:59Z");
    olivia["timeZone"] = json!("America/Los_Angeles");
    org.collection_assignments.push(olivia);
}

fn seed_labels(org: &mut GovOrg) {
    let label = |id: &str, name: &str, values: &[(&str, &str, &str)]| {
        let values: Vec<Value> = values
            .iter()
            .map(|(vid, vname, color)| {
                json!({"labelValueId": vid, "name": vname, "metadata": {"additionalProperties": {"backgroundColor": color}}})
            })
            .collect();
        json!({"labelId": id, "name": name, "values": values})
    };
    let (high, low) = (fixture_id("lbl", "riskhigh", 1), fixture_id("lbl", "risklow", 1));
    let (confidential, internal) = (fixture_id("lbl", "confidential", 1), fixture_id("lbl", "internal", 1));
    org.labels.push(label(&fixture_id("lbc", "risk", 1), "Risk", &[(&high, "High", "red"), (&low, "Low", "green")]));
    org.labels.push(label(
        &fixture_id("lbc", "dataclass", 1),
        "Data classification",
        &[(&confidential, "Confidential", "orange"), (&internal, "Internal", "blue")],
    ));
    for (kind, id, value) in [
        ("apps", SALESFORCE.to_owned(), &high),
        ("apps", SALESFORCE.to_owned(), &confidential),
        ("entitlement-values", fixture_id("ent", "sffinanceadmin", 1), &high),
        ("collections", fixture_id("col", "financetools", 1), &confidential),
        ("apps", fixture_id("0oa", "github", 1), &internal),
    ] {
        org.resource_labels.push(json!({"type": kind, "id": id, "labelValueId": value}));
    }
}

fn seed_owners(org: &mut GovOrg) {
    org.resource_owners
        .push(json!({"type": "apps", "id": SALESFORCE, "principals": [{"type": "users", "id": CREATOR}]}));
    org.resource_owners.push(json!({"type": "entitlement-bundles", "id": fixture_id("enb", "financeadmin", 1),
        "principals": [{"type": "users", "id": "00uoliviaorgadmin001"}]}));
}

/// The seeded security access reviews: Bob's ACTIVE one, Lucy's CLOSED one.
pub(crate) fn security_reviews(org: &mut Org) {
    let alice = vec![org.admin_id.clone()];
    let end = ts(&(Utc::now() + Duration::days(7)));
    let bob = new_review(
        org,
        &fixture_id("sar", "bobsalesforce", 1),
        "Bob Active: unusual Salesforce report exports",
        "00ubobactive00000001",
        &alice,
        &end,
    );
    org.governance.security_reviews.push(bob);
    let mut lucy = new_review(
        org,
        &fixture_id("sar", "lucylocked", 1),
        "Lucy Locked: repeated failed sign-ins",
        "00ulucylocked0000001",
        &alice,
        &ts(&(Utc::now() - Duration::days(1))),
    );
    lucy["status"] = json!("CLOSED");
    org.governance.security_reviews.push(lucy);
    // Reviews of people reviewed by others than the admin, for the reviewers' own views (`/my`).
    let olivia = new_review(
        org,
        &fixture_id("sar", "oliviabob", 1),
        "Bob Active: access check requested by IT",
        "00ubobactive00000001",
        &["00uoliviaorgadmin001".to_owned()],
        &end,
    );
    org.governance.security_reviews.push(olivia);
    let carol = new_review(
        org,
        &fixture_id("sar", "carolhenry", 1),
        "Henry Helpdesk: access check requested by Finance",
        "00uhenryhelpdesk0001",
        &["00ucarolfinance00001".to_owned()],
        &end,
    );
    org.governance.security_reviews.push(carol);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_are_okta_sized() {
        let org = build();
        for v in org.campaigns.iter().chain(&org.reviews) {
            assert_eq!(v["id"].as_str().map(str::len), Some(20), "{v}");
        }
        assert_eq!(org.campaigns.len(), 3);
        for v in org.entitlements.iter().chain(&org.grants) {
            assert_eq!(v["id"].as_str().map(str::len), Some(20), "{v}");
        }
        for v in org.entitlements.iter().flat_map(|e| e["values"].as_array().into_iter().flatten()) {
            assert_eq!(v["id"].as_str().map(str::len), Some(20), "{v}");
        }
        for v in org.collections.iter().chain(&org.collection_assignments) {
            assert_eq!(v["id"].as_str().map(str::len), Some(20), "{v}");
        }
        for l in &org.labels {
            assert_eq!(l["labelId"].as_str().map(str::len), Some(20), "{l}");
            for v in l["values"].as_array().into_iter().flatten() {
                assert_eq!(v["labelValueId"].as_str().map(str::len), Some(20), "{v}");
            }
        }
    }
}
