//! `/api/v1/users/{id}/factors/**`. The sandbox accepts the passcode [`crate::PASSCODE`].

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::handlers::{Acting, ApiResult, Id, Ids, JsonBody, Params, St, json_body, json_response, no_content, ok};
use crate::org::collection::Collection;
use crate::org::{Factor, Org, PushAnswer, PushTransaction};
use crate::seed::api_client;
use crate::{PASSCODE, ids, lock};

const SUPPORTED: [(&str, &str); 7] = [
    ("sms", "OKTA"),
    ("call", "OKTA"),
    ("email", "OKTA"),
    ("token:software:totp", "OKTA"),
    ("token:software:totp", "GOOGLE"),
    ("push", "OKTA"),
    ("question", "OKTA"),
];

fn prefix(factor_type: &str) -> &'static str {
    match factor_type {
        "sms" => "sms",
        "call" => "clf",
        "email" => "emf",
        "token:software:totp" => "ost",
        "push" => "opf",
        _ => "ufs",
    }
}

fn user_id(org: &Org, key: &str) -> Result<String, ApiError> {
    let seq = org.user_or_404(key)?;
    org.users.get(&seq).map(|u| u.id.clone()).ok_or_else(ApiError::internal)
}

fn factor_index(org: &Org, uid: &str, fid: &str) -> Result<usize, ApiError> {
    org.factors.get(uid).and_then(|fs| fs.position_of(fid)).ok_or_else(|| ApiError::not_found(fid, "UserFactor"))
}

pub(crate) async fn list(State(st): St, Path(id): Id) -> ApiResult {
    let org = lock(&st.org);
    let uid = user_id(&org, &id)?;
    let v: Vec<Value> =
        org.factors.get(&uid).map(|fs| fs.iter().map(|f| f.to_json(&st.public)).collect()).unwrap_or_default();
    ok(Value::Array(v))
}

pub(crate) async fn catalog(State(st): St, Path(id): Id) -> ApiResult {
    let org = lock(&st.org);
    let uid = user_id(&org, &id)?;
    let enrolled = org.factors.get(&uid).cloned().unwrap_or_default();
    let base = format!("{}/api/v1/users/{uid}/factors", st.public);
    let v: Vec<Value> = SUPPORTED
        .iter()
        .map(|(t, p)| {
            let status =
                if enrolled.iter().any(|f| f.factor_type == *t && f.provider == *p) { "ACTIVE" } else { "NOT_SETUP" };
            json!({
                "factorType": t,
                "provider": p,
                "vendorName": p,
                "status": status,
                "enrollment": "OPTIONAL",
                "_links": {"enroll": {"href": base, "hints": {"allow": ["POST"]}}}
            })
        })
        .collect();
    ok(Value::Array(v))
}

pub(crate) async fn get_one(State(st): St, Path((id, fid)): Ids) -> ApiResult {
    let org = lock(&st.org);
    let uid = user_id(&org, &id)?;
    let i = factor_index(&org, &uid, &fid)?;
    let v =
        org.factors.get(&uid).and_then(|fs| fs.get(i)).map(|f| f.to_json(&st.public)).ok_or_else(ApiError::internal)?;
    ok(v)
}

fn log_factor(org: &mut Org, actor: &crate::org::Actor, uid: &str, event_type: &str, display: &str) {
    let targets =
        org.find_user(uid).and_then(|s| org.users.get(&s)).map(|u| vec![Org::user_target(u)]).unwrap_or_default();
    org.log(Utc::now(), event_type, display, actor, targets, ("SUCCESS", None), None, &api_client());
}

pub(crate) async fn enroll(State(st): St, Acting(actor): Acting, Path(id): Id, uri: Uri, body: Bytes) -> ApiResult {
    let params = Params::parse(uri.query());
    let body = json_body(&body)?;
    let factor_type = body.get("factorType").and_then(Value::as_str).unwrap_or("").to_string();
    let provider = body.get("provider").and_then(Value::as_str).unwrap_or("OKTA").to_string();
    if !SUPPORTED.iter().any(|(t, p)| *t == factor_type && *p == provider) {
        return Err(ApiError::validation("factorType", "factorType: Invalid factor type or provider"));
    }
    let mut profile = body.get("profile").cloned().unwrap_or(json!({}));
    if !profile.is_object() {
        return Err(ApiError::malformed_body());
    }
    let mut org = lock(&st.org);
    let uid = user_id(&org, &id)?;
    let login = org.find_user(&uid).and_then(|s| org.users.get(&s)).map(|u| u.login()).unwrap_or_default();
    if org.factors.get(&uid).is_some_and(|fs| fs.iter().any(|f| f.factor_type == factor_type && f.provider == provider))
    {
        return Err(ApiError::validation("factorEnrollRequest", "A factor of this type is already set up."));
    }
    let obj = profile.as_object_mut().ok_or_else(ApiError::malformed_body)?;
    match factor_type.as_str() {
        "sms" | "call" => {
            let phone = obj.get("phoneNumber").and_then(Value::as_str).unwrap_or("");
            let valid = phone.starts_with('+')
                && phone.len() >= 3
                && phone.len() <= 16
                && phone[1..].chars().all(|c| c.is_ascii_digit());
            if !valid {
                return Err(ApiError::validation("phoneNumber", "phoneNumber: Invalid Phone Number."));
            }
        }
        "question" => {
            let q = obj.get("question").and_then(Value::as_str).unwrap_or("");
            let a = obj.get("answer").and_then(Value::as_str).unwrap_or("");
            if q.is_empty() {
                return Err(ApiError::validation("question", "question: The field cannot be left blank"));
            }
            if a.chars().count() < 4 {
                return Err(ApiError::validation(
                    "answer",
                    "answer: The security question answer must be at least 4 characters in length",
                ));
            }
            obj.remove("answer");
            obj.insert("questionText".into(), json!("Security question"));
        }
        "email" if !obj.contains_key("email") => {
            obj.insert("email".into(), json!(login));
        }
        "token:software:totp" | "push" => {
            obj.insert("credentialId".into(), json!(login));
        }
        _ => {}
    }
    let status = if factor_type == "question" || (params.bool("activate", false) && factor_type == "email") {
        "ACTIVE"
    } else {
        "PENDING_ACTIVATION"
    };
    let now = Utc::now();
    let fid = ids::okta_id(org.rng(), prefix(&factor_type));
    let f = Factor {
        id: fid,
        user_id: uid.clone(),
        factor_type,
        provider,
        status: status.into(),
        created: now,
        last_updated: now,
        profile,
    };
    let v = f.to_json(&st.public);
    org.factors.entry(uid.clone()).or_default().push(f);
    log_factor(&mut org, &actor, &uid, "user.mfa.factor.update", "Enroll factor");
    ok(v)
}

pub(crate) async fn delete(State(st): St, Acting(actor): Acting, Path((id, fid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    let uid = user_id(&org, &id)?;
    let i = factor_index(&org, &uid, &fid)?;
    if let Some(fs) = org.factors.get_mut(&uid) {
        fs.remove(i);
    }
    log_factor(&mut org, &actor, &uid, "user.mfa.factor.deactivate", "Reset factor for user");
    no_content()
}

fn passcode(body: &Value) -> Option<&str> {
    body.get("passCode").or_else(|| body.get("answer")).and_then(Value::as_str)
}

pub(crate) async fn activate(
    State(st): St,
    Acting(actor): Acting,
    Path((id, fid)): Ids,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut org = lock(&st.org);
    let uid = user_id(&org, &id)?;
    let i = factor_index(&org, &uid, &fid)?;
    let f = org.factors.get_mut(&uid).and_then(|fs| fs.get_mut(i)).ok_or_else(ApiError::internal)?;
    if f.status != "PENDING_ACTIVATION" {
        return Err(ApiError::validation("factor", "Factor is not pending activation"));
    }
    if f.factor_type != "push" && passcode(&body) != Some(PASSCODE) {
        return Err(ApiError::invalid_passcode());
    }
    f.status = "ACTIVE".into();
    f.last_updated = Utc::now();
    let v = f.to_json(&st.public);
    log_factor(&mut org, &actor, &uid, "user.mfa.factor.activate", "Activate factor for user");
    ok(v)
}

pub(crate) async fn verify(State(st): St, Path((id, fid)): Ids, JsonBody(body): JsonBody) -> ApiResult {
    let mut org = lock(&st.org);
    let uid = user_id(&org, &id)?;
    let i = factor_index(&org, &uid, &fid)?;
    let f = org.factors.get(&uid).and_then(|fs| fs.get(i)).cloned().ok_or_else(ApiError::internal)?;
    if f.status != "ACTIVE" {
        return Err(ApiError::validation("factor", "Factor is not active"));
    }
    let base = format!("{}/api/v1/users/{uid}/factors/{fid}", st.public);
    let expires = ids::ts(&(Utc::now() + Duration::minutes(5)));
    match f.factor_type.as_str() {
        "push" => {
            let tx = format!("v2m{}", ids::base62(org.rng(), 17));
            let pending = PushTransaction {
                user_id: uid.clone(),
                factor_id: fid.clone(),
                result: "WAITING".into(),
                expires: Utc::now() + Duration::minutes(5),
            };
            org.push.transactions.insert(tx.clone(), pending);
            Ok(json_response(
                StatusCode::CREATED,
                json!({
                    "factorResult": "WAITING",
                    "expiresAt": expires,
                    "profile": {},
                    "_links": {
                        "poll": {"href": format!("{base}/transactions/{tx}"), "hints": {"allow": ["GET"]}},
                        "cancel": {"href": format!("{base}/transactions/{tx}"), "hints": {"allow": ["DELETE"]}}
                    }
                }),
            ))
        }
        kind => match passcode(&body) {
            None if matches!(kind, "sms" | "call" | "email") => ok(json!({
                "factorResult": "CHALLENGE",
                "expiresAt": expires,
                "profile": f.profile,
                "_links": {
                    "verify": {"href": format!("{base}/verify"), "hints": {"allow": ["POST"]}},
                    "factor": {"href": base, "hints": {"allow": ["GET", "DELETE"]}}
                }
            })),
            Some(code) if code == PASSCODE => ok(json!({"factorResult": "SUCCESS"})),
            _ => Err(ApiError::invalid_passcode()),
        },
    }
}

pub(crate) async fn transaction(State(st): St, Path((id, fid, tx)): Path<(String, String, String)>) -> ApiResult {
    let mut org = lock(&st.org);
    let uid = user_id(&org, &id)?;
    let _ = factor_index(&org, &uid, &fid)?;
    let answer = org.push.answer;
    let Some(t) = org.push.transactions.get_mut(&tx).filter(|t| t.user_id == uid && t.factor_id == fid) else {
        return Err(ApiError::not_found(&tx, "Transaction"));
    };
    // The simulated phone answers on the first poll (unless told to wait); a challenge nobody answers in
    // five minutes times out, as Okta's do.
    if t.result == "WAITING" {
        if Utc::now() >= t.expires {
            t.result = "TIMEOUT".into();
        } else if answer != PushAnswer::Wait {
            t.result = answer.factor_result().into();
        }
    }
    if t.result != "WAITING" {
        return ok(json!({"factorResult": t.result}));
    }
    let base = format!("{}/api/v1/users/{uid}/factors/{fid}", st.public);
    ok(json!({
        "factorResult": "WAITING",
        "expiresAt": ids::ts(&t.expires),
        "_links": {
            "poll": {"href": format!("{base}/transactions/{tx}"), "hints": {"allow": ["GET"]}},
            "cancel": {"href": format!("{base}/transactions/{tx}"), "hints": {"allow": ["DELETE"]}}
        }
    }))
}
