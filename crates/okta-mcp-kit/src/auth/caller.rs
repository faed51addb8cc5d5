//! Who is calling over HTTP: the person their token names, and what their roles grant. The inbound auth layer
//! puts a [`Caller`] in the HTTP request's extensions; the MCP server reads it from the request context.

use std::collections::BTreeSet;
use std::sync::Arc;

use rmcp::RoleServer;
use rmcp::service::RequestContext;

/// A person (or client) reaching the server with a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's `sub`.
    pub subject: String,
    /// Their email or login, for people reading the audit log.
    pub name: String,
    /// The client the token was issued to (`cid`).
    pub client_id: Option<String>,
    /// Their roles on this server (may be empty: no tools).
    pub roles: Vec<String>,
    /// The tools their roles grant (within the server's own selection).
    pub tools: Arc<BTreeSet<&'static str>>,
    /// Delegated sign-in (`--delegated`): the person's own Okta access token; their tool calls run as them
    /// (`okta_core::as_end_user`). None otherwise. Prints `[redacted]`.
    pub okta_token: Option<okta_core::Secret>,
}

impl Caller {
    /// The roles as one label (`helpdesk+security`), for the audit log and metrics.
    pub fn role(&self) -> String {
        self.roles.join("+")
    }

    pub fn may_call(&self, tool: &str) -> bool {
        self.tools.contains(tool)
    }

    /// The caller of an MCP request that came over HTTP with a valid token.
    pub fn of(context: &RequestContext<RoleServer>) -> Option<&Caller> {
        context.extensions.get::<axum::http::request::Parts>().and_then(|parts| parts.extensions.get::<Caller>())
    }
}

tokio::task_local! {
    /// The caller of the tool call being run (the audit log names them).
    pub static CURRENT: Option<Caller>;
}

/// The caller of the tool call being run on this task, if it came over HTTP with a token.
pub fn current() -> Option<Caller> {
    CURRENT.try_with(Clone::clone).ok().flatten()
}
