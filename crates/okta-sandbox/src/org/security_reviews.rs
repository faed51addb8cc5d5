//! A security access review's snapshot of one user's access, taken when the review is made (by `POST
//! /governance/api/v2/security-access-reviews` and by the seed): the apps the user has, directly, through groups
//! or through entitlements; under each app its groups, bundles and entitlement values, each with the actions Okta
//! can take on it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::ids::ts;
use crate::org::collection::{Collection, now, str_of};
use crate::org::governance::{effective, new_id};
use crate::org::{AppStatus, GroupType, Org, UserStatus};

pub(crate) const REVOKE: &str = "REVOKE_ACCESS";
pub(crate) const RESTORE: &str = "RESTORE_ACCESS";
pub(crate) const FLAG: &str = "FLAG_FOR_MANUAL_REMEDIATION";
pub(crate) const FLAG_RESTORE: &str = "FLAG_FOR_MANUAL_RESTORATION";

/// The principal-profile-enriched of a user (`status` is ACTIVE or INACTIVE there).
pub(crate) fn profile(org: &Org, user: &str) -> Option<Value> {
    let u = org.find_user(user).and_then(|s| org.users.get(&s))?;
    let p = |k: &str| u.profile.get(k).cloned().unwrap_or(Value::Null);
    let active = matches!(
        u.status,
        UserStatus::Active | UserStatus::PasswordExpired | UserStatus::LockedOut | UserStatus::Recovery
    );
    Some(json!({
        "id": u.id, "email": p("email"), "firstName": p("firstName"), "lastName": p("lastName"), "login": u.login(),
        "status": if active { "ACTIVE" } else { "INACTIVE" }, "type": "USER",
    }))
}

/// What a sub-access or access can be asked to do, by whether Okta can do it itself.
pub(crate) fn actions(revocable: bool, manual: &str) -> (Value, Option<Value>) {
    if revocable { (json!([REVOKE]), None) } else { (json!([FLAG]), Some(json!([manual]))) }
}

fn item(org: &mut Org, name: &str, kind: &str, resource: &str, revocable: bool, manual: &str) -> Value {
    let (supported, manual) = actions(revocable, manual);
    let mut v = json!({
        "id": new_id(&mut org.random, "sai"), "name": name, "type": kind, "resourceId": resource,
        "severity": "LOW", "supportedActions": supported, "remediationStatus": "NONE",
    });
    if let Some(m) = manual {
        v["manualRemediationTypes"] = m;
    }
    v
}

fn assignment_of(g: &Value) -> &'static str {
    match (str_of(g, "grantType"), str_of(g, "actor")) {
        ("POLICY", _) => "POLICY",
        (_, "ACCESS_REQUEST") => "ACCESS_REQUEST",
        (_, "ADMIN") => "ADMIN",
        _ => "INDIVIDUAL",
    }
}

/// The user's access now, as the access items of a new review.
fn snapshot(org: &mut Org, user: &str) -> Vec<Value> {
    let Some(seq) = org.find_user(user) else { return Vec::new() };
    let mut out = Vec::new();
    let apps: Vec<(String, String, String, DateTime<Utc>)> = org
        .apps
        .iter()
        .filter(|a| a.status == AppStatus::Active)
        .map(|a| (a.id.clone(), a.name.clone(), a.label.clone(), a.created))
        .collect();
    for (app, app_name, label, app_created) in apps {
        let Some(a) = org.apps.by_id(&app) else { continue };
        let direct = a.user_data.get(user).map(|d| d.created).filter(|_| a.users.iter().any(|u| u == user));
        let groups: Vec<(String, String, GroupType, DateTime<Utc>)> = a
            .groups
            .iter()
            .filter_map(|g| org.groups.by_id(g))
            .filter(|g| g.members.contains(&seq))
            .map(|g| (g.id.clone(), g.name.clone(), g.gtype, g.last_membership_updated))
            .collect();
        let gov = &org.governance;
        let values = effective(gov, &app, user);
        let bundle_grants: Vec<Value> = gov
            .grants
            .iter()
            .filter(|g| {
                str_of(&g["target"], "externalId") == app
                    && str_of(&g["targetPrincipal"], "externalId") == user
                    && str_of(g, "status") == "ACTIVE"
                    && g.get("entitlementBundleId").is_some()
            })
            .cloned()
            .collect();
        if direct.is_none() && groups.is_empty() && values.is_empty() {
            continue;
        }
        let by_request = gov.requests.iter().any(|r| {
            str_of(&r["requestedFor"], "externalId") == user
                && str_of(&r["requested"], "accessScopeId") == app
                && str_of(r, "grantStatus") == "GRANTED"
                && r.get("revoked").is_none()
        });
        let from_bundles: BTreeSet<&str> = bundle_grants.iter().filter_map(|g| g["id"].as_str()).collect();
        // entitlement values not given by a bundle: (value, entitlement, grant)
        let mut value_rows: Vec<(Value, Value, Value)> = Vec::new();
        let mut active = Vec::new();
        for e in gov.entitlements.iter().filter(|e| str_of(&e["parent"], "externalId") == app) {
            let mut any = false;
            for v in e["values"].as_array().into_iter().flatten() {
                let Some(grants) = values.get(str_of(v, "id")) else { continue };
                any = true;
                if let Some(g) =
                    grants.iter().filter(|g| !from_bundles.contains(g.as_str())).find_map(|g| gov.grants.by_id(g))
                {
                    value_rows.push((v.clone(), e.clone(), g.clone()));
                }
            }
            if any {
                let mut p = Map::new();
                for k in ["id", "name", "externalValue", "description", "multiValue", "required", "dataType"] {
                    p.insert(k.into(), e[k].clone());
                }
                active.push(Value::Object(p));
            }
        }
        let bundles: Vec<(Value, Value)> = bundle_grants
            .iter()
            .filter_map(|g| {
                gov.bundles.iter().find(|b| b["id"] == g["entitlementBundleId"]).map(|b| (b.clone(), g.clone()))
            })
            .collect();
        let mut subs = Vec::new();
        for (gid, gname, gtype, _) in &groups {
            let manual = if *gtype == GroupType::AppGroup { "APP_GROUP" } else { "UNSUPPORTED_GROUP" };
            subs.push(item(org, gname, "GROUP", gid, *gtype == GroupType::OktaGroup, manual));
        }
        for (b, g) in &bundles {
            let mut s = item(org, str_of(b, "name"), "ENTITLEMENT_BUNDLE", str_of(b, "id"), true, "");
            s["entitlementInfo"] = json!({
                "type": "ENTITLEMENT_BUNDLE", "description": b["description"], "assignmentType": assignment_of(g),
                "assignedDate": g["created"], "collectionsAssigning": [], "entitlements": [],
            });
            subs.push(s);
        }
        for (v, e, g) in &value_rows {
            let name = format!("{}: {}", str_of(e, "name"), str_of(v, "name"));
            let policy = str_of(g, "grantType") == "POLICY";
            let mut s = item(org, &name, "ENTITLEMENT_VALUE", str_of(v, "id"), !policy, "ENTITLEMENT_POLICY");
            s["entitlementInfo"] = json!({
                "type": "ENTITLEMENT_VALUE", "description": v["description"], "entitlementDescription": e["description"],
                "assignmentType": assignment_of(g), "assignedDate": g["created"], "collectionsAssigning": [],
                "entitlements": [],
            });
            s["__entitlementId"] = e["id"].clone();
            subs.push(s);
        }
        let revocable = direct.is_some() || groups.iter().any(|(_, _, t, _)| *t == GroupType::OktaGroup);
        let (assignment, assigned) = match (direct, groups.first()) {
            (Some(at), _) => (if by_request { "ACCESS_REQUEST" } else { "INDIVIDUAL" }, at),
            (None, Some((_, _, _, at))) => ("GROUP", *at),
            (None, None) => ("ENTITLEMENT", app_created),
        };
        let kinds: BTreeSet<&str> = subs.iter().map(|s| str_of(s, "type")).collect();
        let (supported, manual) = actions(revocable, "UNSUPPORTED_GROUP");
        let mut access = json!({
            "id": new_id(&mut org.random, "aim"), "type": "APPLICATION", "name": label, "resourceId": app,
            "severity": if value_rows.is_empty() && bundles.is_empty() { "LOW" } else { "MEDIUM" },
            "supportedActions": supported, "remediationStatus": "NONE",
            "appInfo": {"id": app, "name": app_name, "logoUrl": "", "label": label, "assignedDate": ts(&assigned),
                        "assignmentType": assignment, "activeEntitlements": active},
            "subAccessTypes": kinds.into_iter().collect::<Vec<_>>(),
            "__subAccesses": subs,
        });
        if let Some(m) = manual {
            access["manualRemediationTypes"] = m;
        }
        out.push(access);
    }
    out
}

/// A new review object (no `_links`), with the user's accesses as of now.
pub(crate) fn new_review(org: &mut Org, id: &str, name: &str, user: &str, reviewers: &[String], end: &str) -> Value {
    let admin = org.admin_id.clone();
    let profiles: Vec<Value> = reviewers.iter().filter_map(|r| profile(org, r)).collect();
    let accesses = snapshot(org, user);
    let at = now();
    json!({
        "id": id, "name": name, "status": "ACTIVE", "endTime": end,
        "reviewerSettings": {"type": "USER", "userSettings": {"includedUserIds": reviewers,
                                                              "includedUserProfiles": profiles}},
        "created": at, "createdBy": admin, "lastUpdated": at, "lastUpdatedBy": admin,
        "__principal": user, "__accesses": accesses,
    })
}
