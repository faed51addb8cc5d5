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

use okta_core::{Answer, ApiPath, Method, OktaClient, Page, Query};
use serde_json::{Value, json};

use crate::error::ToolError;
use crate::protect::Protection;
use crate::redact::redact;

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
    record: Mutex<Record>,
}

impl CallState {
    pub fn new(changes: Changes, protection: Option<Arc<Protection>>) -> Self {
        CallState { changes, protection, escalation_allowed: false, record: Mutex::default() }
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

    /// The underlying client (for what tools never need: scopes, org URL).
    pub fn client(&self) -> &OktaClient {
        &self.client
    }

    pub fn call_state(&self) -> &Arc<CallState> {
        &self.call
    }

    pub async fn get(&self, path: &ApiPath, query: &Query) -> Result<Value, ToolError> {
        let value = self.client.get(path, query).await?;
        if value.is_object() {
            if let Some(protection) = &self.call.protection {
                protection.observe(&value);
            }
            self.call.record().reads.push(value.clone());
        }
        Ok(value)
    }

    pub async fn get_text(&self, path: &ApiPath, query: &Query, accept: &str) -> Result<String, ToolError> {
        Ok(self.client.get_text(path, query, accept).await?)
    }

    pub async fn get_page(&self, path: &ApiPath, query: &Query) -> Result<Page<Value>, ToolError> {
        Ok(self.client.get_page(path, query).await?)
    }

    pub async fn get_page_at(&self, cursor: &str, expected: &ApiPath) -> Result<Page<Value>, ToolError> {
        Ok(self.client.get_page_at(cursor, expected).await?)
    }

    pub async fn post(&self, path: &ApiPath, query: &Query, body: Option<&Value>) -> Result<Option<Value>, ToolError> {
        Ok(self.change(Method::POST, "POST", path, query, body).await?.body)
    }

    /// A POST whose whole answer matters (an asynchronous 202 names its result in `Location`).
    pub async fn post_answer(&self, path: &ApiPath, query: &Query, body: Option<&Value>) -> Result<Answer, ToolError> {
        self.change(Method::POST, "POST", path, query, body).await
    }

    pub async fn put(&self, path: &ApiPath, query: &Query, body: Option<&Value>) -> Result<Option<Value>, ToolError> {
        Ok(self.change(Method::PUT, "PUT", path, query, body).await?.body)
    }

    pub async fn delete(&self, path: &ApiPath, query: &Query) -> Result<Option<Value>, ToolError> {
        Ok(self.change(Method::DELETE, "DELETE", path, query, None).await?.body)
    }

    pub async fn patch(&self, path: &ApiPath, query: &Query, body: Option<&Value>) -> Result<Option<Value>, ToolError> {
        Ok(self.change(Method::PATCH, "PATCH", path, query, body).await?.body)
    }

    /// Every change goes through here: protection first, then held back (dry run, preview) or sent, and
    /// recorded with Okta's request id for the audit log.
    async fn change(
        &self,
        method: Method,
        name: &'static str,
        path: &ApiPath,
        query: &Query,
        body: Option<&Value>,
    ) -> Result<Answer, ToolError> {
        if let Some(protection) = &self.call.protection {
            protection.check(&self.client, path, body).await?;
        }
        let current = self.call.last_read();
        let escalation = crate::effects::escalation(&crate::effects::Change {
            method: name,
            path: path.as_str(),
            query: query.pairs(),
            body,
            current: current.as_ref(),
        });
        let mut planned = PlannedRequest {
            method: name,
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
        let answer = self.client.send(method, path, query, body).await?;
        planned.request_id = answer.request_id.clone();
        self.call.record().sent.push(planned);
        Ok(answer)
    }
}
