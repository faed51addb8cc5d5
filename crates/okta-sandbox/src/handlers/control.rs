//! The test control surface under `/__sandbox` (never under `/api`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};

use super::St;
use crate::org::PushAnswer;
use crate::{lock, ratelimit, seed};

pub(crate) async fn reset(State(st): St) -> Response {
    let org = seed::build(st.config.seed, st.config.users, Utc::now());
    *lock(&st.org) = org;
    lock(&st.limiter).reset_counters();
    lock(&st.stats).clear();
    (StatusCode::OK, axum::Json(json!({"reset": true, "seed": st.config.seed, "users": st.config.users})))
        .into_response()
}

pub(crate) async fn stats(State(st): St) -> Response {
    let stats = lock(&st.stats).clone();
    let total: u64 = stats.values().sum();
    let rate_limited = st.rate_limited.load(std::sync::atomic::Ordering::Relaxed);
    (StatusCode::OK, axum::Json(json!({"total": total, "requests": stats, "rate_limited": rate_limited})))
        .into_response()
}

pub(crate) async fn rate_limit(State(st): St, body: Bytes) -> Response {
    let bad = |msg: &str| (StatusCode::BAD_REQUEST, axum::Json(json!({"error": msg}))).into_response();
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return bad("body must be JSON {\"family\": ..., \"limit\": N, \"window_secs\": S}");
    };
    let Some(family) = v.get("family").and_then(Value::as_str) else {
        return bad("missing family");
    };
    if !ratelimit::FAMILIES.contains(&family) {
        return bad("unknown family");
    }
    let Some(limit) = v.get("limit").and_then(Value::as_u64).and_then(|l| u32::try_from(l).ok()) else {
        return bad("missing limit");
    };
    let window = v.get("window_secs").and_then(Value::as_u64);
    lock(&st.limiter).configure(family, limit, window);
    (StatusCode::OK, axum::Json(json!({"family": family, "limit": limit, "window_secs": window}))).into_response()
}

/// `GET /__sandbox/push`: what the simulated phone answers, and every push challenge sent.
pub(crate) async fn push_state(State(st): St) -> Response {
    let org = lock(&st.org);
    let transactions: Vec<Value> = org
        .push
        .transactions
        .iter()
        .map(|(id, t)| json!({"id": id, "userId": t.user_id, "factorId": t.factor_id, "factorResult": t.result}))
        .collect();
    (StatusCode::OK, axum::Json(json!({"answer": org.push.answer.as_str(), "transactions": transactions})))
        .into_response()
}

/// `POST /__sandbox/push` `{"answer": "approve"|"reject"|"timeout"|"wait", "transaction": id?}`: how the phone
/// answers push challenges from now on (those still waiting included), or, with `transaction`, that one now.
pub(crate) async fn push_answer(State(st): St, body: Bytes) -> Response {
    let bad = |msg: &str| (StatusCode::BAD_REQUEST, axum::Json(json!({"error": msg}))).into_response();
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return bad("body must be JSON {\"answer\": \"approve|reject|timeout|wait\", \"transaction\": id?}");
    };
    let Some(answer) = v.get("answer").and_then(Value::as_str).and_then(PushAnswer::parse) else {
        return bad("answer must be approve, reject, timeout or wait");
    };
    let mut org = lock(&st.org);
    match v.get("transaction").and_then(Value::as_str) {
        Some(tx) => match org.push.transactions.get_mut(tx) {
            Some(t) if t.result == "WAITING" => t.result = answer.factor_result().into(),
            Some(_) => return bad("that transaction was already answered"),
            None => return bad("no such transaction"),
        },
        None => org.push.answer = answer,
    }
    (StatusCode::OK, axum::Json(json!({"answer": answer.as_str()}))).into_response()
}

/// `POST /__sandbox/faults` `{"5xx_next": N}`: the next N API requests fail with 503 (tests of retries that
/// start after the server is up).
pub(crate) async fn faults(State(st): St, body: Bytes) -> Response {
    let Some(n) = serde_json::from_slice::<Value>(&body).ok().and_then(|v| v.get("5xx_next").and_then(Value::as_u64))
    else {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "body must be {\"5xx_next\": N}"})))
            .into_response();
    };
    st.fault_next.store(n, std::sync::atomic::Ordering::SeqCst);
    (StatusCode::OK, axum::Json(json!({"5xx_next": n}))).into_response()
}
