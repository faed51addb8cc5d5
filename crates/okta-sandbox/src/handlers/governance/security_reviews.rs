//! Security access reviews (v2, `/governance/api/v2/security-access-reviews`): a review of one user's access,
//! taken as a snapshot when the review is made (the apps the user has, directly, through groups or through
//! entitlements; under each app its groups, bundles and entitlement values). Actions make the decision real:
//! REVOKE_ACCESS takes the access away (direct app assignment, OKTA_GROUP membership, the app's grants, a
//! bundle's grants, a DENY grant for a value) and remembers how, so RESTORE_ACCESS (and RESTORE_ALL_ACCESS on the
//! review) can give it back; CLOSE_REVIEW closes the review.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::requests::{assign_directly, mark_revoked, unassign_directly};
use super::{conflict, invalid, positioned, with_org};
use crate::error::ApiError;
use crate::handlers::{ApiResult, Id, Ids, JsonBody, Params, St, json_response, ok};
use crate::ids::ts;
use crate::org::collection::{Collection, now, public_fields, str_of};
use crate::org::security_reviews::{FLAG, FLAG_RESTORE, RESTORE, REVOKE, new_review, profile};
use crate::org::{GroupType, Org};
use crate::seed::governance::grant;

pub(super) const SAR: &str = "/governance/api/v2/security-access-reviews";

/// Who is asking: an admin (every review, links under [`SAR`]) or a reviewer through `/my` (only the reviews they
/// review, links under their `/my` path).
#[derive(Clone, Copy)]
pub(super) struct View<'a> {
    pub reviewer: Option<&'a str>,
    pub base: &'a str,
}

const ADMIN: View<'static> = View { reviewer: None, base: SAR };

/// Is `user` one of the review's reviewers?
fn reviews(r: &Value, user: &str) -> bool {
    r["reviewerSettings"]["userSettings"]["includedUserIds"].as_array().is_some_and(|a| a.iter().any(|x| x == user))
}

fn review_json(r: &Value, public: &str, base: &str) -> Value {
    let id = str_of(r, "id");
    let mut out = public_fields(r);
    out.insert(
        "_links".into(),
        json!({
            "self": {"href": format!("{public}{base}/{id}")},
            "accesses": {"href": format!("{public}{base}/{id}/accesses")},
            "actions": {"href": format!("{public}{base}/{id}/actions")},
            "principal": {"href": format!("{public}{base}/{id}/principal")},
        }),
    );
    Value::Object(out)
}

fn access_json(a: &Value, review: &str, public: &str, base: &str) -> Value {
    let id = str_of(a, "id");
    let mut out = public_fields(a);
    if let Some(info) = out.get_mut("appInfo") {
        info["logoUrl"] = json!(format!("{public}/assets/img/logos/{}.png", str_of(info, "name")));
    }
    let mut links = json!({"self": {"href": format!("{public}{base}/{review}/accesses/{id}")}});
    if a.get("__subAccesses").and_then(Value::as_array).is_some_and(|s| !s.is_empty()) {
        links["subAccesses"] = json!({"href": format!("{public}{base}/{review}/accesses/{id}/sub-accesses")});
    }
    out.insert("_links".into(), links);
    Value::Object(out)
}

/// The review `id` as `view` sees it (a reviewer: only the reviews they review; any other is 404).
fn review_index(org: &Org, id: &str, view: View<'_>) -> Result<usize, ApiError> {
    let i = org.governance.security_reviews.index_or_404(id, "SecurityAccessReview")?;
    match view.reviewer {
        Some(user) if !reviews(&org.governance.security_reviews[i], user) => {
            Err(ApiError::not_found(id, "SecurityAccessReview"))
        }
        _ => Ok(i),
    }
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    list_in(&st, &uri, ADMIN)
}

pub(super) fn list_in(st: &crate::AppState, uri: &Uri, view: View<'_>) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let items = with_org(st, |org| {
        let mine = org.governance.security_reviews.iter().filter(|r| view.reviewer.is_none_or(|u| reviews(r, u)));
        positioned(mine.map(|r| review_json(r, &st.public, view.base)).collect(), &params)
    })?;
    Ok(page.data(&st.public, view.base, items, None))
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    get_in(&st, &id, ADMIN)
}

pub(super) fn get_in(st: &crate::AppState, id: &str, view: View<'_>) -> ApiResult {
    let r = with_org(st, |org| Ok(org.governance.security_reviews[review_index(org, id, view)?].clone()))?;
    ok(review_json(&r, &st.public, view.base))
}

pub(crate) async fn principal(State(st): St, Path(id): Id) -> ApiResult {
    principal_in(&st, &id, ADMIN)
}

pub(super) fn principal_in(st: &crate::AppState, id: &str, view: View<'_>) -> ApiResult {
    let p = with_org(st, |org| {
        let user = str_of(&org.governance.security_reviews[review_index(org, id, view)?], "__principal").to_owned();
        let mut p = profile(org, &user).ok_or_else(|| ApiError::not_found(&user, "User"))?;
        if let Some(u) = org.find_user(&user).and_then(|s| org.users.get(&s)) {
            for (k, from) in [("department", "department"), ("role", "title")] {
                if let Some(v) = u.profile.get(from).filter(|v| v.as_str().is_some_and(|s| !s.is_empty())) {
                    p[k] = v.clone();
                }
            }
        }
        let roles: Vec<Value> = org
            .roles
            .get(&user)
            .into_iter()
            .flatten()
            .map(|r| json!({"roleId": r.id, "roleName": r.role_type}))
            .collect();
        p["oktaAdminRoles"] = json!(roles);
        Ok(p)
    })?;
    ok(p)
}

pub(crate) async fn accesses(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    accesses_in(&st, &id, &uri, ADMIN)
}

pub(super) fn accesses_in(st: &crate::AppState, id: &str, uri: &Uri, view: View<'_>) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let items = with_org(st, |org| {
        let r = &org.governance.security_reviews[review_index(org, id, view)?];
        let all = r["__accesses"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| access_json(a, id, &st.public, view.base))
            .collect();
        positioned(all, &params)
    })?;
    let path = format!("{}/{id}/accesses", view.base);
    Ok(page.data(&st.public, &path, items, None))
}

pub(crate) async fn sub_accesses(State(st): St, Path((id, access)): Ids, uri: Uri) -> ApiResult {
    sub_accesses_in(&st, &id, &access, &uri, ADMIN)
}

pub(super) fn sub_accesses_in(st: &crate::AppState, id: &str, access: &str, uri: &Uri, view: View<'_>) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let items = with_org(st, |org| {
        let r = &org.governance.security_reviews[review_index(org, id, view)?];
        let a = r["__accesses"]
            .as_array()
            .and_then(|all| all.by_id(access))
            .ok_or_else(|| ApiError::not_found(access, "SecurityAccessReviewAccess"))?;
        let subs = a["__subAccesses"].as_array().into_iter().flatten().map(|s| Value::Object(public_fields(s)));
        positioned(subs.collect(), &params)
    })?;
    let path = format!("{}/{id}/accesses/{access}/sub-accesses", view.base);
    Ok(page.data(&st.public, &path, items, None))
}

/// Where an access or sub-access sits in a review: (access index, sub-access index).
fn locate(review: &Value, target: &str) -> Option<(usize, Option<usize>)> {
    for (i, a) in review["__accesses"].as_array()?.iter().enumerate() {
        if str_of(a, "id") == target {
            return Some((i, None));
        }
        if let Some(j) = a["__subAccesses"].as_array().and_then(|s| s.position_of(target)) {
            return Some((i, Some(j)));
        }
    }
    None
}

fn target_mut(review: &mut Value, (i, j): (usize, Option<usize>)) -> &mut Value {
    let a = &mut review["__accesses"][i];
    match j {
        Some(j) => &mut a["__subAccesses"][j],
        None => a,
    }
}

/// Take the access of `target` (an access or sub-access item of the review of `user`) away; the steps to undo.
fn revoke(org: &mut Org, user: &str, target: &Value, app: &str) -> Vec<Value> {
    let admin = org.admin_id.clone();
    let seq = org.find_user(user);
    let mut undo = Vec::new();
    let resource = str_of(target, "resourceId");
    let leave = |org: &mut Org, group: &str| -> Option<Value> {
        let g = org.groups.by_id_mut(group)?;
        if g.gtype != GroupType::OktaGroup || !g.members.remove(&seq?) {
            return None;
        }
        g.last_membership_updated = Utc::now();
        Some(json!({"op": "join", "group": group}))
    };
    match str_of(target, "type") {
        "APPLICATION" => {
            let groups: Vec<String> = org.apps.by_id(app).map(|a| a.groups.clone()).unwrap_or_default();
            for g in &groups {
                undo.extend(leave(org, g));
            }
            if org.apps.by_id_mut(app).is_some_and(|a| unassign_directly(a, user)) {
                undo.push(json!({"op": "assign", "app": app}));
                mark_revoked(&mut org.governance, user, "APPLICATION", app);
            }
            for g in org.governance.grants.iter_mut().filter(|g| {
                str_of(&g["target"], "externalId") == app
                    && str_of(&g["targetPrincipal"], "externalId") == user
                    && str_of(g, "status") == "ACTIVE"
                    && str_of(g, "action") == "ALLOW"
            }) {
                g["status"] = json!("INACTIVE");
                undo.push(json!({"op": "reactivate", "grant": g["id"]}));
            }
        }
        "GROUP" => undo.extend(leave(org, resource)),
        "ENTITLEMENT_BUNDLE" => {
            for g in org.governance.grants.iter_mut().filter(|g| {
                str_of(g, "entitlementBundleId") == resource
                    && str_of(&g["targetPrincipal"], "externalId") == user
                    && str_of(g, "status") == "ACTIVE"
            }) {
                g["status"] = json!("INACTIVE");
                undo.push(json!({"op": "reactivate", "grant": g["id"]}));
            }
            mark_revoked(&mut org.governance, user, "ENTITLEMENT_BUNDLE", resource);
        }
        _ => {
            let gid = crate::org::governance::new_id(&mut org.random, "gra");
            let entitlements = json!([{"id": target["__entitlementId"], "values": [{"id": resource}]}]);
            let mut g = grant(&gid, "CUSTOM", "DENY", "ADMIN", (app, user), entitlements, &now());
            g["createdBy"] = json!(admin);
            g["lastUpdatedBy"] = json!(admin);
            org.governance.grants.push(g);
            undo.push(json!({"op": "lift", "grant": gid}));
        }
    }
    undo
}

/// Undo what `revoke` did.
fn restore(org: &mut Org, user: &str, undo: &[Value]) {
    let seq = org.find_user(user);
    for step in undo {
        match str_of(step, "op") {
            "join" => {
                if let (Some(g), Some(s)) = (org.groups.by_id_mut(str_of(step, "group")), seq) {
                    g.members.insert(s);
                    g.last_membership_updated = Utc::now();
                }
            }
            "assign" => {
                if let Some(a) = org.apps.by_id_mut(str_of(step, "app")) {
                    assign_directly(a, user);
                }
            }
            op => {
                let status = if op == "lift" { "INACTIVE" } else { "ACTIVE" };
                if let Some(g) = org.governance.grants.iter_mut().find(|g| g["id"] == step["grant"]) {
                    g["status"] = json!(status);
                    g["lastUpdated"] = json!(now());
                }
            }
        }
    }
}

fn active_review(org: &Org, id: &str, view: View<'_>) -> Result<usize, ApiError> {
    let i = review_index(org, id, view)?;
    let status = str_of(&org.governance.security_reviews[i], "status");
    if status != "ACTIVE" {
        return Err(conflict("SecurityAccessReview", format!("The security access review is {status}, not ACTIVE")));
    }
    Ok(i)
}

/// Run one action on one item; the item after.
fn act(org: &mut Org, i: usize, at: (usize, Option<usize>), action: &str) -> Result<(), ApiError> {
    let review = &org.governance.security_reviews[i];
    let user = str_of(review, "__principal").to_owned();
    let app = str_of(&review["__accesses"][at.0], "resourceId").to_owned();
    let mut copy = review.clone();
    let target = target_mut(&mut copy, at).clone();
    let supported = target["supportedActions"].as_array().is_some_and(|a| a.iter().any(|x| x == action));
    if !supported {
        return Err(invalid(
            "SecurityAccessReviewAction",
            vec![format!("type: {action} is not a supported action of {}", str_of(&target, "id"))],
        ));
    }
    let (status, next, undo) = match action {
        REVOKE => ("REMEDIATED", json!([RESTORE]), Some(revoke(org, &user, &target, &app))),
        RESTORE => {
            let undo: Vec<Value> = target["__undo"].as_array().cloned().unwrap_or_default();
            restore(org, &user, &undo);
            ("NONE", json!([REVOKE]), None)
        }
        FLAG => ("PENDING_MANUAL_REMEDIATION", json!([FLAG_RESTORE]), None),
        _ => ("PENDING_MANUAL_RESTORATION", json!([FLAG]), None),
    };
    let review = &mut org.governance.security_reviews[i];
    let t = target_mut(review, at);
    t["remediationStatus"] = json!(status);
    t["supportedActions"] = next;
    match undo {
        Some(u) => t["__undo"] = json!(u),
        None => {
            if let Value::Object(o) = t {
                o.remove("__undo");
            }
        }
    }
    review["lastUpdated"] = json!(now());
    Ok(())
}

/// 202 with no body (as Okta's spec says), not labelled JSON.
fn accepted() -> ApiResult {
    let mut resp = StatusCode::ACCEPTED.into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    Ok(resp)
}

pub(crate) async fn access_action(State(st): St, Path((id, target)): Ids, JsonBody(body): JsonBody) -> ApiResult {
    access_action_in(&st, &id, &target, &body, ADMIN)
}

pub(super) fn access_action_in(
    st: &crate::AppState,
    id: &str,
    target: &str,
    body: &Value,
    view: View<'_>,
) -> ApiResult {
    let action = str_of(body, "type").to_owned();
    if ![REVOKE, RESTORE, FLAG, FLAG_RESTORE].contains(&action.as_str()) {
        return Err(invalid("SecurityAccessReviewAction", vec![format!("type: {action:?} is not an access action")]));
    }
    with_org(st, |org| {
        let i = active_review(org, id, view)?;
        let at = locate(&org.governance.security_reviews[i], target)
            .ok_or_else(|| ApiError::not_found(target, "SecurityAccessReviewAccess"))?;
        act(org, i, at, &action)?;
        let name = str_of(target_mut(&mut org.governance.security_reviews[i].clone(), at), "name").to_owned();
        record(org, i, view, &format!("{action} on {name}"));
        Ok(())
    })?;
    accepted()
}

/// The review actions available now: none once CLOSED; RESTORE_ALL_ACCESS while something is revoked.
fn available(review: &Value) -> Vec<&'static str> {
    if str_of(review, "status") != "ACTIVE" {
        return Vec::new();
    }
    let revoked = review["__accesses"].as_array().into_iter().flatten().any(|a| {
        std::iter::once(a)
            .chain(a["__subAccesses"].as_array().into_iter().flatten())
            .any(|x| str_of(x, "remediationStatus") == "REMEDIATED")
    });
    if revoked { vec!["CLOSE_REVIEW", "RESTORE_ALL_ACCESS"] } else { vec!["CLOSE_REVIEW"] }
}

pub(crate) async fn list_actions(State(st): St, Path(id): Id) -> ApiResult {
    list_actions_in(&st, &id, ADMIN)
}

pub(super) fn list_actions_in(st: &crate::AppState, id: &str, view: View<'_>) -> ApiResult {
    let list = with_org(st, |org| Ok(available(&org.governance.security_reviews[review_index(org, id, view)?])))?;
    ok(json!({"data": list.iter().map(|a| json!({"actionType": a})).collect::<Vec<_>>()}))
}

pub(crate) async fn review_action(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    review_action_in(&st, &id, &body, ADMIN)
}

pub(super) fn review_action_in(st: &crate::AppState, id: &str, body: &Value, view: View<'_>) -> ApiResult {
    let action = str_of(body, "actionType").to_owned();
    with_org(st, |org| {
        let i = active_review(org, id, view)?;
        if !available(&org.governance.security_reviews[i]).contains(&action.as_str()) {
            return Err(invalid(
                "SecurityAccessReviewAction",
                vec![format!("actionType: {action:?} is not available for this review")],
            ));
        }
        if action == "CLOSE_REVIEW" {
            let admin = view.reviewer.map_or_else(|| org.admin_id.clone(), str::to_owned);
            let r = &mut org.governance.security_reviews[i];
            r["status"] = json!("CLOSED");
            r["lastUpdated"] = json!(now());
            r["lastUpdatedBy"] = json!(admin);
            return Ok(());
        }
        let review = org.governance.security_reviews[i].clone();
        for (a, access) in review["__accesses"].as_array().into_iter().flatten().enumerate() {
            if str_of(access, "remediationStatus") == "REMEDIATED" {
                act(org, i, (a, None), RESTORE)?;
            }
            for (s, sub) in access["__subAccesses"].as_array().into_iter().flatten().enumerate() {
                if str_of(sub, "remediationStatus") == "REMEDIATED" {
                    act(org, i, (a, Some(s)), RESTORE)?;
                }
            }
        }
        Ok(())
    })?;
    accepted()
}

pub(crate) async fn create(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    let r = with_org(&st, |org| {
        let mut causes = Vec::new();
        let principal = str_of(&body, "principalId").to_owned();
        let user = org.find_user(&principal).and_then(|s| org.users.get(&s)).map(|u| u.id.clone());
        if user.is_none() {
            causes.push(format!("principalId: no user {principal:?}"));
        }
        let name = str_of(&body, "name").trim().to_owned();
        if name.is_empty() || name.chars().count() > 255 {
            causes.push("name: give 1 to 255 characters".to_owned());
        }
        let settings = &body["reviewerSettings"];
        if str_of(settings, "type") != "USER" {
            causes.push("reviewerSettings.type: must be USER".to_owned());
        }
        let reviewers: Vec<String> = settings["userSettings"]["includedUserIds"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        if reviewers.is_empty() || reviewers.len() > 10 {
            causes.push("reviewerSettings.userSettings.includedUserIds: give 1 to 10 reviewers".to_owned());
        }
        for r in reviewers.iter().filter(|r| org.find_user(r).is_none()) {
            causes.push(format!("reviewerSettings.userSettings.includedUserIds: no user {r:?}"));
        }
        let created = Utc::now();
        let end = match body.get("endTime").and_then(Value::as_str) {
            None => created + Duration::days(7),
            Some(t) => match DateTime::parse_from_rfc3339(t) {
                Ok(t) => t.with_timezone(&Utc),
                Err(_) => {
                    causes.push(format!("endTime: {t:?} is not a date-time"));
                    created
                }
            },
        };
        if causes.is_empty() && (end < created + Duration::days(1) || end >= created + Duration::days(183)) {
            causes.push("endTime: must be at least one day and less than six months after creation".to_owned());
        }
        let Some(user) = user.filter(|_| causes.is_empty()) else {
            return Err(invalid("SecurityAccessReview", causes));
        };
        let id = crate::org::governance::new_id(&mut org.random, "sar");
        let review = new_review(org, &id, &name, &user, &reviewers, &ts(&end));
        org.governance.security_reviews.push(review.clone());
        Ok(review)
    })?;
    // Accepted while Okta gathers the user's access (PENDING); it is ACTIVE from then on.
    let mut answer = review_json(&r, &st.public, SAR);
    answer["status"] = json!("PENDING");
    Ok(json_response(StatusCode::ACCEPTED, answer))
}

/// `POST …/my/security-access-reviews/{id}/comment`: a reviewer's comment (`comment`, required), kept with the
/// review; 204.
pub(super) fn comment_in(st: &crate::AppState, id: &str, body: &Value, view: View<'_>) -> ApiResult {
    let comment = str_of(body, "comment").trim().to_owned();
    if comment.is_empty() {
        return Err(invalid("SecurityAccessReviewComment", vec!["comment: a comment is required".to_owned()]));
    }
    with_org(st, |org| {
        let i = review_index(org, id, view)?;
        record(org, i, view, &comment);
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Add an event by the caller (a reviewer, or the API token's admin) to the review's history.
fn record(org: &mut Org, i: usize, view: View<'_>, message: &str) {
    let by = view.reviewer.map_or_else(|| org.admin_id.clone(), str::to_owned);
    let mut item = json!({
        "id": crate::org::governance::new_id(&mut org.random, "sah"),
        "systemGenerated": false,
        "timestamp": now(),
        "message": message.chars().take(1000).collect::<String>(),
    });
    if let Some(p) = profile(org, &by) {
        item["principalProfile"] = p;
    }
    let r = &mut org.governance.security_reviews[i];
    match r.get_mut("__history").and_then(Value::as_array_mut) {
        Some(list) => list.push(item),
        None => r["__history"] = json!([item]),
    }
}

/// `GET …/{id}/history`: the review's creation (by Okta), then its comments and access actions, oldest first.
pub(super) fn history_in(st: &crate::AppState, id: &str, uri: &Uri, view: View<'_>) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let items = with_org(st, |org| {
        let r = &org.governance.security_reviews[review_index(org, id, view)?];
        let created = json!({
            "id": format!("sah{}", id.get(3..).unwrap_or_default()),
            "systemGenerated": true,
            "timestamp": r["created"],
            "message": "Security access review created",
        });
        let mut all = vec![created];
        all.extend(r["__history"].as_array().into_iter().flatten().cloned());
        Ok(all.into_iter().enumerate().map(|(n, v)| (n as u64 + 1, v)).collect::<Vec<_>>())
    })?;
    Ok(page.data(&st.public, &format!("{}/{id}/history", view.base), items, None))
}
