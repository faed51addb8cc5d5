//! `/api/v1/sessions/{sessionId}`.

use axum::extract::{Path, State};
use chrono::Utc;

use crate::error::ApiError;
use crate::handlers::{Acting, ApiResult, Id, St, no_content, ok};
use crate::lock;
use crate::seed::api_client;

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    let org = lock(&st.org);
    let s = org.sessions.get(&id).ok_or_else(|| ApiError::not_found(&id, "Session"))?;
    ok(s.to_json(&st.public))
}

pub(crate) async fn delete(State(st): St, Acting(actor): Acting, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    let s = org.sessions.remove(&id).ok_or_else(|| ApiError::not_found(&id, "Session"))?;
    let targets = org
        .find_user(&s.user_id)
        .and_then(|seq| org.users.get(&seq))
        .map(|u| vec![crate::org::Org::user_target(u)])
        .unwrap_or_default();
    org.log(
        Utc::now(),
        "user.session.end",
        "User logout from Okta",
        &actor,
        targets,
        ("SUCCESS", None),
        Some(&id),
        &api_client(),
    );
    no_content()
}
