//! Out-of-band approval (`OKTA_MCP_CONFIRM=push`): an Okta Verify push to a named approver
//! (`OKTA_MCP_APPROVER`, a login), sent through Okta's factor verify API. The change runs only when the person
//! approves on their phone; a rejection, a timeout or any error runs nothing. Nothing the assistant sends can
//! answer the push.
//!
//! Okta's operations (the server asks for their scopes when this policy is on):
//! - `GET /api/v1/users/{id}`: the approver, by login;
//! - `GET /api/v1/users/{userId}/factors`: their active Okta Verify push factor;
//! - `POST /api/v1/users/{userId}/factors/{factorId}/verify`: send the push (201, `factorResult: WAITING`, a
//!   `poll` link naming the transaction);
//! - `GET /api/v1/users/{userId}/factors/{factorId}/transactions/{transactionId}`: poll until SUCCESS,
//!   REJECTED or TIMEOUT.

use std::time::Duration;

use okta_core::{OktaClient, Query, ops};
use serde_json::Value;

/// The Okta operations push approval calls: read the approver and their factors, send the push, follow it.
pub const OPERATIONS: &[okta_core::Operation] =
    &[ops::GET_USER, ops::LIST_FACTORS, ops::VERIFY_FACTOR, ops::GET_FACTOR_TRANSACTION_STATUS];

/// The scopes push approval needs, whatever the server's tools need: its [`OPERATIONS`]' scopes.
pub const PUSH_SCOPES: &[&str] = &["okta.users.read", "okta.users.manage"];

/// Okta expires a push challenge after five minutes (and reports TIMEOUT); past this, the server stops waiting.
const WAIT_AT_MOST: Duration = Duration::from_secs(330);
const FIRST_POLL: Duration = Duration::from_secs(1);
const POLL_EVERY: Duration = Duration::from_secs(2);

/// The approver's Okta Verify push factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushFactor {
    pub user_id: String,
    pub factor_id: String,
    /// The device, as Okta names it (`iPhone`), when it does.
    pub device: Option<String>,
}

/// How the approver answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushAnswer {
    Approved,
    Rejected,
    TimedOut,
}

/// `OKTA_MCP_APPROVER`: who approves destructive changes on their phone.
#[derive(Debug, Clone)]
pub struct PushApproval {
    pub approver: String,
}

impl PushApproval {
    pub fn new(approver: impl Into<String>) -> Self {
        PushApproval { approver: approver.into() }
    }

    /// `OKTA_MCP_APPROVER`, required by the push policy.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("OKTA_MCP_APPROVER") {
            Ok(login) if !login.trim().is_empty() => Ok(PushApproval::new(login.trim())),
            _ => Err("OKTA_MCP_CONFIRM=push needs OKTA_MCP_APPROVER: the login of the person who approves \
                      destructive changes with Okta Verify (yourself, or a second admin for four-eyes)"
                .to_owned()),
        }
    }

    /// The approver's active Okta Verify push factor, or why there is none.
    pub async fn factor(&self, client: &OktaClient) -> Result<PushFactor, String> {
        let who = &self.approver;
        let path = ops::GET_USER.path(&[who]).map_err(|e| format!("OKTA_MCP_APPROVER `{who}`: {e}"))?;
        let user =
            client.get(&path, &Query::new()).await.map_err(|e| format!("cannot read the approver {who}: {e}"))?;
        let user_id = user.get("id").and_then(Value::as_str).ok_or(format!("Okta returned no id for {who}"))?;
        let status = user.get("status").and_then(Value::as_str).unwrap_or_default();
        if status != "ACTIVE" {
            return Err(format!("the approver {who} is {status}, not ACTIVE: they cannot approve anything"));
        }
        let path = ops::LIST_FACTORS.path(&[user_id]).map_err(|e| e.to_string())?;
        let factors = client
            .get(&path, &Query::new())
            .await
            .map_err(|e| format!("cannot read the approver {who}'s factors: {e}"))?;
        let push = factors.as_array().into_iter().flatten().find(|f| {
            f.get("factorType").and_then(Value::as_str) == Some("push")
                && f.get("provider").and_then(Value::as_str) == Some("OKTA")
                && f.get("status").and_then(Value::as_str) == Some("ACTIVE")
        });
        let Some(push) = push else {
            return Err(format!(
                "the approver {who} has no active Okta Verify push factor: enrol Okta Verify for them (or name \
                 another approver in OKTA_MCP_APPROVER)"
            ));
        };
        let factor_id = push.get("id").and_then(Value::as_str).ok_or("Okta returned a factor without an id")?;
        let device = push.pointer("/profile/name").and_then(Value::as_str).map(str::to_owned);
        Ok(PushFactor { user_id: user_id.to_owned(), factor_id: factor_id.to_owned(), device })
    }

    /// Send a push and wait for the answer. `progress` is told what is happening (the person sees it in the
    /// client's progress display). Err: the push could not be sent or followed (nothing may run).
    pub async fn ask(
        &self,
        client: &OktaClient,
        progress: &(dyn Fn(String) + Send + Sync),
    ) -> Result<PushAnswer, String> {
        let factor = self.factor(client).await?;
        let verify = ops::VERIFY_FACTOR.path(&[&factor.user_id, &factor.factor_id]).map_err(|e| e.to_string())?;
        let sent = client
            .send(ops::VERIFY_FACTOR.method.to_reqwest(), &verify, &Query::new(), None)
            .await
            .map_err(|e| format!("cannot send the Okta Verify push to {}: {e}", self.approver))?;
        let body = sent.body.unwrap_or(Value::Null);
        if let Some(done) = answer_of(&body) {
            return Ok(done);
        }
        let transaction = transaction_id(&body, &factor)
            .ok_or("Okta's answer to the push named no transaction to follow, so nothing was approved")?;
        let poll = ops::GET_FACTOR_TRANSACTION_STATUS
            .path(&[&factor.user_id, &factor.factor_id, &transaction])
            .map_err(|e| e.to_string())?;
        let device = factor.device.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
        progress(format!("Okta Verify push sent to {}{device}: waiting for their approval", self.approver));
        let started = tokio::time::Instant::now();
        tokio::time::sleep(FIRST_POLL).await;
        loop {
            let status = client
                .get(&poll, &Query::new())
                .await
                .map_err(|e| format!("cannot follow the Okta Verify push to {}: {e}", self.approver))?;
            if let Some(done) = answer_of(&status) {
                return Ok(done);
            }
            if started.elapsed() >= WAIT_AT_MOST {
                return Ok(PushAnswer::TimedOut);
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }
}

/// SUCCESS, REJECTED or TIMEOUT; None while WAITING. Anything else Okta may say (CANCELLED, ERROR…) is not an
/// approval.
fn answer_of(body: &Value) -> Option<PushAnswer> {
    match body.get("factorResult").and_then(Value::as_str) {
        Some("WAITING") => None,
        Some("SUCCESS") => Some(PushAnswer::Approved),
        Some("REJECTED") => Some(PushAnswer::Rejected),
        Some("TIMEOUT") => Some(PushAnswer::TimedOut),
        _ => Some(PushAnswer::Rejected),
    }
}

/// The transaction id from the `poll` link, which must be this factor's own transactions path.
fn transaction_id(body: &Value, factor: &PushFactor) -> Option<String> {
    let href = body.pointer("/_links/poll/href").and_then(Value::as_str)?;
    let path = href.split(['?', '#']).next()?;
    let marker = format!("/api/v1/users/{}/factors/{}/transactions/", factor.user_id, factor.factor_id);
    let at = path.find(&marker)?;
    let id = &path[at + marker.len()..];
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric())).then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_push_scopes_are_its_operations_scopes() {
        let mut from_ops: Vec<&str> = OPERATIONS.iter().flat_map(|o| o.scopes.iter().copied()).collect();
        from_ops.sort_unstable();
        from_ops.dedup();
        let mut declared = PUSH_SCOPES.to_vec();
        declared.sort_unstable();
        assert_eq!(declared, from_ops);
    }

    fn factor() -> PushFactor {
        PushFactor { user_id: "00u1".into(), factor_id: "opf1".into(), device: None }
    }

    #[test]
    fn only_success_approves() {
        assert_eq!(answer_of(&json!({"factorResult": "SUCCESS"})), Some(PushAnswer::Approved));
        assert_eq!(answer_of(&json!({"factorResult": "WAITING"})), None);
        assert_eq!(answer_of(&json!({"factorResult": "REJECTED"})), Some(PushAnswer::Rejected));
        assert_eq!(answer_of(&json!({"factorResult": "TIMEOUT"})), Some(PushAnswer::TimedOut));
        assert_eq!(answer_of(&json!({"factorResult": "CANCELLED"})), Some(PushAnswer::Rejected));
        assert_eq!(answer_of(&json!({})), Some(PushAnswer::Rejected));
    }

    #[test]
    fn the_poll_link_must_be_this_factors() {
        let ok = json!({"_links": {"poll": {"href": "https://x.okta.com/api/v1/users/00u1/factors/opf1/transactions/v2mABC"}}});
        assert_eq!(transaction_id(&ok, &factor()).as_deref(), Some("v2mABC"));
        let other = json!({"_links": {"poll": {"href": "https://x.okta.com/api/v1/users/00u2/factors/opf1/transactions/v2mABC"}}});
        assert_eq!(transaction_id(&other, &factor()), None);
        let odd = json!({"_links": {"poll": {"href": "https://x.okta.com/api/v1/users/00u1/factors/opf1/transactions/a/../b"}}});
        assert_eq!(transaction_id(&odd, &factor()), None);
        assert_eq!(transaction_id(&json!({}), &factor()), None);
    }
}
