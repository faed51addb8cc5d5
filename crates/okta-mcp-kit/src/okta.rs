//! The Okta client as tools see it. Every call a tool makes goes through here, so the kit can, without the
//! tool's help:
//! - stop at the first change in a dry run or a confirmation preview, and show the request it would send;
//! - refuse a change to a protected object (see `protect`);
//! - stop a change that is destructive by its effect (see `effects`) unless the call was confirmed;
//! - remember what the call read (the preview shows the target as it is now) and what it sent, with Okta's
//!   request ids (the audit log).
//!
//! Reads always go to Okta; only changes (POST, PUT, PATCH, DELETE) are held back.

use std::sync::{Arc, Mutex, PoisonError};

use okta_core::{Answer, ApiPath, Keep, OktaClient, OktaError, Operation, Page, Query};
use serde_json::{Value, json};

use crate::error::ToolError;
use crate::protect::{Protection, Target};
use crate::redact::redact;

/// What Okta answers on governance endpoints when the org has no Okta Identity Governance license.
pub const NO_LICENSE_CODE: &str = "E0000015";

/// What happens to a change a tool asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Changes {
    /// Send it.
    #[default]
    Send,
    /// Hold it back and report it (dry run, confirmation preview).
    Hold,
}

/// A change request, as it would be (or was) sent; `to_json` redacts the body's secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRequest {
    pub method: &'static str,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    /// Okta's request id, once Okta answered.
    pub request_id: Option<String>,
    /// Why the change is destructive by its effect, when it is (see `effects`).
    pub escalation: Option<&'static str>,
}

impl PlannedRequest {
    pub fn to_json(&self) -> Value {
        let mut out = json!({ "method": self.method, "path": self.path });
        if !self.query.is_empty() {
            out["query"] = self.query.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        }
        if let Some(body) = &self.body {
            out["body"] = redact(body.clone());
        }
        if let Some(what) = self.escalation {
            out["destructive"] = Value::String(what.to_owned());
        }
        out
    }
}

#[derive(Debug, Default)]
struct Record {
    /// Objects read (GET results that are single objects), newest last.
    reads: Vec<Value>,
    /// What the call's changes act on when neither path nor body names it (see [`Okta::acts_on`]).
    targets: Vec<Target>,
    /// Changes sent, with their request ids when Okta answered.
    sent: Vec<PlannedRequest>,
}

/// The state of one tool call.
#[derive(Debug, Default)]
pub struct CallState {
    changes: Changes,
    protection: Option<Arc<Protection>>,
    /// A person confirmed this call (or the tool is destructive and was): changes destructive by their effect
    /// may be sent. Otherwise such a change stops the call with [`ToolError::Escalated`].
    escalation_allowed: bool,
    /// The tool is destructive (protection also checks the groups its changes act on).
    destructive: bool,
    /// The calling tool's declared operations: a request for any other is refused.
    declared: &'static [Operation],
    record: Mutex<Record>,
}

impl CallState {
    /// The state of a call of a tool that declared `declared`: only those operations may be called.
    pub fn new(changes: Changes, protection: Option<Arc<Protection>>, declared: &'static [Operation]) -> Self {
        CallState {
            changes,
            protection,
            escalation_allowed: false,
            destructive: false,
            declared,
            record: Mutex::default(),
        }
    }

    /// The call is of a destructive tool.
    pub fn destructive(mut self) -> Self {
        self.destructive = true;
        self
    }

    /// The call was confirmed: changes that are destructive by their effect may be sent.
    pub fn allowing_escalation(mut self) -> Self {
        self.escalation_allowed = true;
        self
    }

    fn record(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The last single object the call read: the target as it is now.
    pub fn last_read(&self) -> Option<Value> {
        self.record().reads.last().cloned()
    }

    /// The targets the tool declared (see [`Okta::acts_on`]).
    pub fn targets(&self) -> Vec<Target> {
        self.record().targets.clone()
    }

    /// The changes that were sent.
    pub fn sent(&self) -> Vec<PlannedRequest> {
        self.record().sent.clone()
    }
}

/// The client handed to tools (cheap to clone; one per call).
#[derive(Debug, Clone)]
pub struct Okta {
    client: OktaClient,
    call: Arc<CallState>,
}

impl Okta {
    pub fn new(client: OktaClient, call: Arc<CallState>) -> Self {
        Okta { client, call }
    }

    /// The org's URL (tools never get the client itself: every request they make goes through a declared
    /// operation).
    pub fn org_url(&self) -> &okta_core::Url {
        self.client.org_url()
    }

    /// What the org's `/.well-known/okta-organization` says (no credentials, no scope).
    pub async fn org_info(&self) -> Result<okta_core::OrgInfo, ToolError> {
        Ok(self.client.org_info().await?)
    }

    pub fn call_state(&self) -> &Arc<CallState> {
        &self.call
    }

    /// Changes are held back (a dry run or a confirmation preview): a tool that plans many changes shows its
    /// whole plan instead of stopping at the first.
    pub fn holds_changes(&self) -> bool {
        self.call.changes == Changes::Hold
    }

    /// What the rate governor knows of Okta's buckets now (bulk tools report their peak use).
    pub fn rate_status(&self) -> Vec<okta_core::governor::BucketStatus> {
        self.client.rate_status()
    }

    /// The rate governor's settings (bulk tools run as many items at once as its concurrency cap).
    pub fn governor_config(&self) -> okta_core::governor::GovernorConfig {
        self.client.governor_config()
    }

    /// Declare what the call's changes act on when neither their path nor their body names it (a review action
    /// acts on the review's principal and an access's resource): protection checks it before any change is
    /// sent, and previews show it as the target.
    pub fn acts_on(&self, kind: &'static str, id: &str, label: &str) {
        let target = Target { kind, id: id.to_owned(), label: label.to_owned() };
        let mut record = self.call.record();
        if !record.targets.contains(&target) {
            record.targets.push(target);
        }
    }

    /// The request path of `op` for this call: `op` must be one of the calling tool's declared operations (so
    /// the scopes and operations the catalog shows are all the tool can use) and of the kind the caller expects
    /// (a read or a change); a rejected parameter is an argument error. Nothing is sent otherwise.
    fn request(&self, op: &Operation, params: &[&str], read: bool) -> Result<ApiPath, ToolError> {
        if op.method.is_read() != read {
            return Err(ToolError::refused(format!(
                "internal error: {op} was called as a {}; nothing was sent. Please report this.",
                if read { "read" } else { "change" }
            )));
        }
        if !self.call.declared.iter().any(|d| d.same(op)) {
            return Err(ToolError::refused(format!(
                "internal error: the tool called {op}, which its declaration does not list; nothing was sent. \
                 Please report this."
            )));
        }
        crate::args::path(op.path, params)
    }

    /// Read one object (or a list answer as it comes) with `op` (a GET).
    pub async fn get(&self, op: &Operation, params: &[&str], query: &Query) -> Result<Value, ToolError> {
        let path = self.request(op, params, true)?;
        let value = self.client.get(&path, query).await.map_err(|e| self.explain(op, e))?;
        Ok(self.read(value))
    }

    /// Like [`Okta::get`], through the read cache (`OKTA_CACHE_TTL`, per person): for lookups that bulk work and
    /// name resolution repeat (a login's user, an app, a schema, a name's id), not for showing an object as it is.
    pub async fn get_cached(&self, op: &Operation, params: &[&str], query: &Query) -> Result<Value, ToolError> {
        let path = self.request(op, params, true)?;
        let value = self.client.get_cached(&path, query).await.map_err(|e| self.explain(op, e))?;
        Ok(self.read(value))
    }

    /// The read cache's counters and TTL.
    pub fn cache_status(&self) -> (okta_core::cache::CacheStats, std::time::Duration) {
        self.client.cache_status()
    }

    /// Note a read answer: a single object (with an id) is the target as it is now; a list wrapper ({data: […]})
    /// is not.
    fn read(&self, value: Value) -> Value {
        if value.get("id").is_some_and(Value::is_string) {
            if let Some(protection) = &self.call.protection {
                protection.observe(&value);
            }
            self.call.record().reads.push(value.clone());
        }
        value
    }

    /// Read a non-JSON answer (e.g. SAML metadata) with `op` (a GET).
    pub async fn get_text(
        &self,
        op: &Operation,
        params: &[&str],
        query: &Query,
        accept: &str,
    ) -> Result<String, ToolError> {
        let path = self.request(op, params, true)?;
        self.client.get_text(&path, query, accept).await.map_err(|e| self.explain(op, e))
    }

    /// The first page of the list `op` (a GET).
    pub async fn get_page(&self, op: &Operation, params: &[&str], query: &Query) -> Result<Page<Value>, ToolError> {
        let path = self.request(op, params, true)?;
        self.client.get_page(&path, query).await.map_err(|e| self.explain(op, e))
    }

    /// [`Okta::get_page`] with each item as its row of `keep`'s columns (for a caller that reads only those).
    pub async fn get_page_rows(
        &self,
        op: &Operation,
        params: &[&str],
        query: &Query,
        keep: &Keep,
    ) -> Result<Page<Value>, ToolError> {
        let path = self.request(op, params, true)?;
        self.client.get_page_rows(&path, query, keep).await.map_err(|e| self.explain(op, e))
    }

    /// [`Okta::get_page_at`] with each item as its row of `keep`'s columns.
    pub async fn get_page_at_rows(
        &self,
        cursor: &str,
        op: &Operation,
        params: &[&str],
        keep: &Keep,
    ) -> Result<Page<Value>, ToolError> {
        let path = self.request(op, params, true)?;
        self.client.get_page_at_rows(cursor, &path, keep).await.map_err(|e| self.explain(op, e))
    }

    /// The page a cursor of the list `op` names (a cursor of any other list is refused before anything is sent).
    pub async fn get_page_at(&self, cursor: &str, op: &Operation, params: &[&str]) -> Result<Page<Value>, ToolError> {
        let path = self.request(op, params, true)?;
        self.client.get_page_at(cursor, &path).await.map_err(|e| self.explain(op, e))
    }

    /// Every item of the list `op`, page after page (Okta's largest page, 200), up to `cap` items.
    pub async fn get_all(
        &self,
        op: &Operation,
        params: &[&str],
        query: Query,
        cap: usize,
    ) -> Result<Vec<Value>, ToolError> {
        let path = self.request(op, params, true)?;
        // The largest page most lists allow, unless the caller asked for another size (one `limit`, never two).
        let query = if query.pairs().iter().any(|(k, _)| k == "limit") { query } else { query.push("limit", 200) };
        let first = self.client.get_page(&path, &query).await.map_err(|e| self.explain(op, e))?;
        let (items, _) = self.client.collect(first, &path, cap).await.map_err(|e| self.explain(op, e))?;
        Ok(items)
    }

    /// The request path of the list `op`, to check a caller's cursor against before anything is sent.
    pub fn list_path(&self, op: &Operation, params: &[&str]) -> Result<ApiPath, ToolError> {
        self.request(op, params, true)
    }

    /// A change (`op` is a POST, PUT, PATCH or DELETE): Okta's answer body, if any.
    pub async fn send(
        &self,
        op: &Operation,
        params: &[&str],
        query: &Query,
        body: Option<&Value>,
    ) -> Result<Option<Value>, ToolError> {
        Ok(self.send_answer(op, params, query, body).await?.body)
    }

    /// A change whose whole answer matters (an asynchronous 202 names its result in `Location`).
    pub async fn send_answer(
        &self,
        op: &Operation,
        params: &[&str],
        query: &Query,
        body: Option<&Value>,
    ) -> Result<Answer, ToolError> {
        let path = self.request(op, params, false)?;
        self.change(op, &path, query, body).await.map_err(|e| match e {
            ToolError::Okta(e) => self.explain(op, e),
            other => other,
        })
    }

    /// Okta's error in the words an admin can act on, where the operation tells more than Okta said:
    /// - a governance operation answered E0000015: the org has no Okta Identity Governance license;
    /// - an OAuth-only operation refused an API token (401): it needs the server to run as a service app.
    fn explain(&self, op: &Operation, error: OktaError) -> ToolError {
        let request = error.request_id().map(|id| format!(" (Okta request id {id})")).unwrap_or_default();
        if op.path.starts_with("/governance/") && error.error_code() == Some(NO_LICENSE_CODE) {
            return ToolError::refused(format!(
                "This Okta org has no Okta Identity Governance (OIG) license: Okta answered the governance API with \
                 {NO_LICENSE_CODE} \"feature not enabled\"{request}. OIG is a separately licensed add-on; ask your \
                 Okta account team to enable it. Nothing was changed."
            ));
        }
        if let OktaError::Api { method, path, status: 401, body, .. } = &error
            && op.oauth_only
            && self.client.auth_description().starts_with("SSWS")
        {
            let code = body.error_code.as_deref().map(|c| format!(" {c}")).unwrap_or_default();
            return ToolError::refused(format!(
                "needs OAuth: Okta serves {method} {path} to OAuth 2.0 access tokens only and refused the API token \
                 (401{code}){request}. Run the server as a service app (OKTA_CLIENT_ID with OKTA_PRIVATE_KEY, \
                 private_key_jwt) granted {}. Nothing was changed.",
                op.scopes.join(" ")
            ));
        }
        ToolError::Okta(error)
    }

    /// Every change goes through here: protection first, then held back (dry run, preview) or sent, and
    /// recorded with Okta's request id for the audit log.
    async fn change(
        &self,
        op: &Operation,
        path: &ApiPath,
        query: &Query,
        body: Option<&Value>,
    ) -> Result<Answer, ToolError> {
        let current = self.call.last_read();
        let escalation = crate::effects::escalation(&crate::effects::Change {
            method: op.method.as_str(),
            path: path.as_str(),
            query: query.pairs(),
            body,
            current: current.as_ref(),
        });
        if let Some(protection) = &self.call.protection {
            let targets = self.call.targets();
            let destructive = self.call.destructive || escalation.is_some();
            protection.check(&self.client, path, body, &targets, destructive).await?;
        }
        let mut planned = PlannedRequest {
            method: op.method.as_str(),
            path: path.as_str().to_owned(),
            query: query.pairs().to_vec(),
            body: body.cloned(),
            request_id: None,
            escalation,
        };
        if self.call.changes == Changes::Hold {
            return Err(ToolError::Held(Box::new(planned)));
        }
        if escalation.is_some() && !self.call.escalation_allowed {
            return Err(ToolError::Escalated(Box::new(planned)));
        }
        let answer = self.client.send(op.method.to_reqwest(), path, query, body).await?;
        planned.request_id = answer.request_id.clone();
        self.call.record().sent.push(planned);
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use okta_core::{AuthConfig, ClientOptions, OktaConfig, Secret, ops};

    use super::*;

    /// A client of an org nobody answers at: these tests must be decided before anything is sent.
    fn okta(declared: &'static [Operation]) -> Okta {
        let config = OktaConfig::new("http://127.0.0.1:9", AuthConfig::ApiToken(Secret::new("t".into())));
        let client = OktaClient::new(config.unwrap_or_else(|e| panic!("{e}")), ClientOptions::new("t", "0"));
        let state = CallState::new(Changes::Send, None, declared);
        Okta::new(client.unwrap_or_else(|e| panic!("{e}")), Arc::new(state))
    }

    #[tokio::test]
    async fn only_the_tools_declared_operations_are_sent() {
        let okta = okta(&[ops::GET_GROUP]);
        let undeclared = okta.get(&ops::GET_USER, &["00u1"], &Query::new()).await.err().map(|e| e.to_string());
        assert!(undeclared.is_some_and(|e| e.contains("GET /api/v1/users/{id}") && e.contains("does not list")));
        let wrong_kind = okta.send(&ops::GET_GROUP, &["00g1"], &Query::new(), None).await.err().map(|e| e.to_string());
        assert!(wrong_kind.is_some_and(|e| e.contains("called as a change")));
        let bad_id = okta.get(&ops::GET_GROUP, &["../x"], &Query::new()).await.err();
        assert!(matches!(bad_id, Some(ToolError::InvalidArguments(_))), "{bad_id:?}");
    }
}
