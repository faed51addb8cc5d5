//! Access certification campaigns (`/governance/api/v1/campaigns`) and their reviews (`/governance/api/v1/reviews`).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::{conflict, invalid, with_org};
use crate::error::ApiError;
use crate::handlers::{ApiResult, Id, JsonBody, Params, St, json_response, no_content, ok};
use crate::org::collection::{Collection, now, str_of};
use crate::seed::governance::{REVIEWED, review};
use crate::{filter, ids};

const CAMPAIGNS: &str = "/governance/api/v1/campaigns";
const REVIEWS: &str = "/governance/api/v1/reviews";

fn campaign_links(public: &str, id: &str) -> Value {
    let base = format!("{public}{CAMPAIGNS}/{id}");
    json!({
        "self": {"href": base},
        "campaignDetails": {"href": base},
        "launchCampaign": {"href": format!("{base}/launch")},
        "endCampaign": {"href": format!("{base}/end")},
        "reviews": {"href": format!("{public}{REVIEWS}?filter=campaignId%20eq%20%22{id}%22")},
    })
}

fn campaign_json(c: &Value, public: &str) -> Value {
    let mut v = c.clone();
    v["_links"] = campaign_links(public, str_of(c, "id"));
    v
}

/// The sparse form lists answer.
fn campaign_sparse(c: &Value, public: &str) -> Value {
    let start = str_of(&c["scheduleSettings"], "startDate");
    let days = c["scheduleSettings"]["durationInDays"].as_i64().unwrap_or(30);
    let end = chrono::DateTime::parse_from_rfc3339(start)
        .map(|s| (s + chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Millis, false))
        .unwrap_or_else(|_| start.to_owned());
    let mut v = json!({"startDate": start, "endDate": end, "scheduleType": c["scheduleSettings"]["type"],
        "reviewerType": c["reviewerSettings"]["type"]});
    for k in [
        "id",
        "name",
        "description",
        "status",
        "campaignType",
        "created",
        "createdBy",
        "lastUpdated",
        "lastUpdatedBy",
        "launchedDate",
        "endedDate",
    ] {
        if let Some(x) = c.get(k) {
            v[k] = x.clone();
        }
    }
    v["_links"] = campaign_links(public, str_of(c, "id"));
    v
}

fn review_json(r: &Value, public: &str) -> Value {
    let mut v = r.clone();
    v["_links"] = json!({
        "self": {"href": format!("{public}{REVIEWS}/{}", str_of(r, "id"))},
        "reassignReview": {"href": format!("{public}{CAMPAIGNS}/{}/reviews/reassign", str_of(r, "campaignId"))},
    });
    v
}

/// What a review filter sees: the review with Okta's filter aliases.
fn review_view(r: &Value) -> Value {
    let mut v = r.clone();
    v["principalId"] = r["principalProfile"]["id"].clone();
    v["reviewerId"] = r["reviewerProfile"]["id"].clone();
    v
}

fn filtered(items: &[Value], params: &Params, view: impl Fn(&Value) -> Value) -> Result<Vec<(u64, Value)>, ApiError> {
    let expr = params.expr_unless_blank("filter")?;
    Ok(items.listed(|v| expr.as_ref().is_none_or(|e| filter::eval(e, &view(v))), |v| v.clone()))
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let items = with_org(&st, |org| {
        let sparse: Vec<Value> = org.governance.campaigns.iter().map(|c| campaign_sparse(c, &st.public)).collect();
        filtered(&sparse, &params, Value::clone)
    })?;
    Ok(page.data(&st.public, CAMPAIGNS, items, None))
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    let c = with_org(&st, |org| Ok(org.governance.campaigns.or_404(&id, "Campaign")?.clone()))?;
    ok(campaign_json(&c, &st.public))
}

fn check_campaign(body: &Value) -> Result<(), ApiError> {
    let mut causes = Vec::new();
    let name = str_of(body, "name").trim();
    if name.is_empty() || name.chars().count() > 255 {
        causes.push("name: must be 1 to 255 characters".to_owned());
    }
    let schedule = &body["scheduleSettings"];
    if !schedule.is_object() {
        causes.push("scheduleSettings: is required".to_owned());
    } else {
        if !matches!(str_of(schedule, "type"), "ONE_OFF" | "RECURRING") {
            causes.push("scheduleSettings.type: must be ONE_OFF or RECURRING".to_owned());
        }
        match chrono::DateTime::parse_from_rfc3339(str_of(schedule, "startDate")) {
            Ok(t) if t < chrono::Utc::now() => {
                causes.push("Campaign template start date must be a future date".to_owned())
            }
            Ok(_) => {}
            Err(_) => causes.push("scheduleSettings.startDate: format is invalid".to_owned()),
        }
        if !schedule["durationInDays"].as_f64().is_some_and(|d| d >= 1.0) {
            causes.push("scheduleSettings.durationInDays: must be a positive number".to_owned());
        }
        if str_of(schedule, "timeZone").is_empty() {
            causes.push("scheduleSettings.timeZone: is required".to_owned());
        }
        if str_of(schedule, "type") == "RECURRING" {
            let days = schedule["durationInDays"].as_f64().unwrap_or(0.0);
            match recurrence_days(str_of(&schedule["recurrence"], "interval")) {
                None => causes.push(
                    "scheduleSettings.recurrence.interval: must be an ISO 8601 duration of days, weeks, months or \
                     years, at most P182D, P26W, P24M or P2Y"
                        .to_owned(),
                ),
                Some(every) if f64::from(every) < days => causes.push(
                    "scheduleSettings.recurrence.interval: conflicts with durationInDays (the campaign would still \
                     be running at its next recurrence)"
                        .to_owned(),
                ),
                Some(_) => {}
            }
        }
    }
    let resources = &body["resourceSettings"];
    if !resources.is_object() {
        causes.push("resourceSettings: is required".to_owned());
    } else if resources["targetResources"].as_array().is_none_or(Vec::is_empty) {
        causes.push("resourceSettings.targetResources: at least one resource is required".to_owned());
    }
    if str_of(&body["reviewerSettings"], "type").is_empty() {
        causes.push("reviewerSettings.type: is required".to_owned());
    }
    let remediation = &body["remediationSettings"];
    for k in ["accessApproved", "accessRevoked", "noResponse"] {
        if str_of(remediation, k).is_empty() {
            causes.push(format!("remediationSettings.{k}: is required"));
        }
    }
    if causes.is_empty() { Ok(()) } else { Err(invalid("Campaign", causes)) }
}

/// The shortest span, in days, of a recurrence interval Okta accepts (`P25D`, `P4W`, `P3M`, `P2Y`).
fn recurrence_days(interval: &str) -> Option<u32> {
    let rest = interval.strip_prefix('P')?;
    let unit = rest.chars().last()?;
    let n: u32 = rest[..rest.len() - 1].parse().ok().filter(|n| *n >= 1)?;
    match unit {
        'D' if n <= 182 => Some(n),
        'W' if n <= 26 => Some(n * 7),
        'M' if n <= 24 => Some(n * 28),
        'Y' if n <= 2 => Some(n * 365),
        _ => None,
    }
}

pub(crate) async fn create(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    let c = with_org(&st, |org| {
        check_campaign(&body)?;
        let mut c = json!({});
        for k in [
            "name",
            "description",
            "campaignType",
            "scheduleSettings",
            "resourceSettings",
            "principalScopeSettings",
            "reviewerSettings",
            "notificationSettings",
            "remediationSettings",
        ] {
            if let Some(v) = body.get(k).filter(|v| !v.is_null()) {
                c[k] = v.clone();
            }
        }
        let ts = now();
        c["id"] = json!(crate::org::governance::new_id(&mut org.random, "ici"));
        c["status"] = json!("SCHEDULED");
        c["created"] = json!(ts);
        c["lastUpdated"] = json!(ts);
        c["createdBy"] = json!(org.admin_id);
        c["lastUpdatedBy"] = json!(org.admin_id);
        org.governance.campaigns.push(c.clone());
        Ok(c)
    })?;
    Ok(json_response(StatusCode::CREATED, campaign_json(&c, &st.public)))
}

pub(crate) async fn delete(State(st): St, Path(id): Id) -> ApiResult {
    with_org(&st, |org| {
        let i = org.governance.campaigns.index_or_404(&id, "Campaign")?;
        if str_of(&org.governance.campaigns[i], "status") != "SCHEDULED" {
            return Err(conflict("Campaign", "Only a SCHEDULED campaign can be deleted"));
        }
        org.governance.campaigns.remove(i);
        Ok(())
    })?;
    no_content()
}

fn accepted(public: &str, id: &str) -> ApiResult {
    // No body (as Okta's spec says); not labelled JSON, so clients and proxies do not parse an empty body.
    let mut resp = StatusCode::ACCEPTED.into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("{public}{CAMPAIGNS}/{id}")) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// Launch: a one-off campaign becomes ACTIVE; a recurring one stays SCHEDULED and its next occurrence is
/// launched as a campaign of its own, which `Location` names (as Okta's spec says).
pub(crate) async fn launch(State(st): St, Path(id): Id) -> ApiResult {
    let launched = with_org(&st, |org| {
        let admin = org.admin_id.clone();
        let gov = &mut org.governance;
        let i = gov.campaigns.index_or_404(&id, "Campaign")?;
        match str_of(&gov.campaigns[i], "status") {
            "SCHEDULED" => {}
            "ACTIVE" | "LAUNCHING" => return Err(conflict("Campaign", "Campaign is already launched")),
            _ => return Err(conflict("Campaign", "Campaign must be scheduled before it can be started")),
        }
        let ts = now();
        let recurring = str_of(&gov.campaigns[i]["scheduleSettings"], "type") == "RECURRING";
        let (target, at) = if recurring {
            let occurrence_id = crate::org::governance::new_id(&mut org.random, "ici");
            let mut occurrence = gov.campaigns[i].clone();
            occurrence["id"] = json!(occurrence_id);
            occurrence["created"] = json!(ts);
            occurrence["createdBy"] = json!(admin);
            gov.campaigns.push(occurrence);
            (occurrence_id, gov.campaigns.len() - 1)
        } else {
            (id.clone(), i)
        };
        let resource = gov.campaigns[at]["resourceSettings"]["targetResources"][0]["resourceId"].clone();
        for user in REVIEWED {
            let rid = crate::org::governance::new_id(&mut org.random, "icr");
            let mut r = review(&rid, &target, user, "UNREVIEWED", &ts);
            r["resourceId"] = resource.clone();
            gov.reviews.push(r);
        }
        let c = &mut gov.campaigns[at];
        c["status"] = json!("ACTIVE");
        c["launchedDate"] = json!(ts);
        c["lastUpdated"] = json!(ts);
        c["lastUpdatedBy"] = json!(admin);
        Ok(target)
    })?;
    accepted(&st.public, &launched)
}

pub(crate) async fn end(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    if body.get("skipRemediation").is_some_and(|v| !v.is_boolean()) {
        return Err(invalid("Campaign", vec!["skipRemediation: must be a boolean".to_owned()]));
    }
    with_org(&st, |org| {
        let admin = org.admin_id.clone();
        let gov = &mut org.governance;
        let i = gov.campaigns.index_or_404(&id, "Campaign")?;
        if str_of(&gov.campaigns[i], "status") != "ACTIVE" {
            return Err(conflict("Campaign", "Only an ACTIVE campaign can be ended"));
        }
        let ts = now();
        let c = &mut gov.campaigns[i];
        c["status"] = json!("COMPLETED");
        c["endedDate"] = json!(ts);
        c["lastUpdated"] = json!(ts);
        c["lastUpdatedBy"] = json!(admin);
        Ok(())
    })?;
    accepted(&st.public, &id)
}

pub(crate) async fn reassign(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    let reviewer = str_of(&body, "reviewerId").to_owned();
    let review_ids: Vec<String> = body["reviewIds"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let note = str_of(&body, "note").to_owned();
    let mut causes = Vec::new();
    if reviewer.is_empty() {
        causes.push("reviewerId: is required".to_owned());
    }
    if review_ids.is_empty() {
        causes.push("reviewIds: at least one review is required".to_owned());
    }
    if note.trim().is_empty() {
        causes.push("note: is required".to_owned());
    }
    if !causes.is_empty() {
        return Err(invalid("Review", causes));
    }
    let changed = with_org(&st, |org| {
        let profile = {
            let u =
                org.users.values().find(|u| u.id == reviewer).ok_or_else(|| ApiError::not_found(&reviewer, "User"))?;
            json!({"id": u.id, "email": u.profile.get("email"), "login": u.profile.get("login"),
                "firstName": u.profile.get("firstName"), "lastName": u.profile.get("lastName"),
                "status": u.status.as_str(), "type": "USER"})
        };
        let admin = org.admin_id.clone();
        let gov = &mut org.governance;
        let c = gov.campaigns.index_or_404(&id, "Campaign")?;
        if str_of(&gov.campaigns[c], "status") != "ACTIVE" {
            return Err(conflict("Campaign", "Reviews can be reassigned only in an ACTIVE campaign"));
        }
        let mut out = Vec::new();
        for rid in &review_ids {
            let r = gov
                .reviews
                .iter_mut()
                .find(|r| str_of(r, "id") == rid && str_of(r, "campaignId") == id)
                .ok_or_else(|| ApiError::not_found(rid, "Review"))?;
            r["reviewerProfile"] = profile.clone();
            r["lastUpdated"] = json!(now());
            r["lastUpdatedBy"] = json!(admin);
            let note_id = ids::base62(org.random.stream(crate::org::random::Stream::Governance), 9);
            r["note"] = json!({"id": note_id, "note": note});
            out.push(r.clone());
        }
        Ok(out)
    })?;
    let data: Vec<Value> = changed.iter().map(|r| review_json(r, &st.public)).collect();
    let public = &st.public;
    ok(json!({"data": data, "_links": {
        "self": {"href": format!("{public}{CAMPAIGNS}/{id}/reviews/reassign")},
        "reviews": {"href": format!("{public}{REVIEWS}?filter=campaignId%20eq%20%22{id}%22")},
    }}))
}

pub(crate) async fn list_reviews(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let items = with_org(&st, |org| filtered(&org.governance.reviews, &params, review_view))?;
    let (items, next) = page.cut(items);
    let data = items.iter().map(|r| review_json(r, &st.public)).collect();
    Ok(page.data_cut(&st.public, REVIEWS, (data, next), None))
}

pub(crate) async fn get_review(State(st): St, Path(id): Id) -> ApiResult {
    let r = with_org(&st, |org| Ok(org.governance.reviews.or_404(&id, "Review")?.clone()))?;
    ok(review_json(&r, &st.public))
}

#[cfg(test)]
mod tests {
    use super::recurrence_days;

    #[test]
    fn recurrence_intervals_within_oktas_limits() {
        assert_eq!(recurrence_days("P25D"), Some(25));
        assert_eq!(recurrence_days("P4W"), Some(28));
        assert_eq!(recurrence_days("P3M"), Some(84));
        assert_eq!(recurrence_days("P2Y"), Some(730));
        for bad in ["P183D", "P27W", "P25M", "P3Y", "P0D", "3M", "P", "PXM", "P1H", ""] {
            assert_eq!(recurrence_days(bad), None, "{bad}");
        }
    }
}
