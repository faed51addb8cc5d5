//! The MCP server: lists the enabled tools and dispatches calls to them, with the safety every server gets from
//! its tools' access levels: write tools take `dry_run`; destructive tools are confirmed (see `confirm`) and
//! refused on protected objects (see `protect`).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use okta_core::{ClientOptions, OktaClient, OktaConfig, OktaError};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams, GetPromptResponse,
    Implementation, InitializeRequestParams, InitializeResult, JsonObject, ListPromptsResult, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Value, json};

mod confirmation;
mod grant;

use confirmation::Decision;
use grant::missing_scopes;

use crate::approval::PushApproval;
use crate::audit::{AuditSink, Entry};
use crate::auth::caller::{self, Caller};
use crate::catalog::{Access, CONFIRMATION_TOKEN, DRY_RUN, ToolDef};
use crate::confirm::{ConfirmPolicy, Confirmations};
use crate::context::ToolContext;
use crate::error::ToolError;
use crate::okta::{CallState, Changes, Okta};
use crate::output::{ToolOutput, strip_links};
use crate::protect::Protection;
use crate::selection::Selection;

/// Identity of one server binary.
#[derive(Debug, Clone, Copy)]
pub struct ServerSpec {
    /// Binary name, e.g. `okta-mcp-users`.
    pub name: &'static str,
    pub title: &'static str,
    pub version: &'static str,
    /// Sent to the client at initialize: how to use this server's tools well.
    pub instructions: &'static str,
    /// Every tool this binary has (the selection decides which are enabled).
    pub tools: fn() -> Vec<ToolDef>,
    /// The tool calls `demo` shows against the sandbox org.
    pub demo: &'static [DemoStep],
    /// The server's workflow prompts (see `prompts`).
    pub prompts: &'static [crate::prompts::PromptDef],
    /// The Okta product its tools need, asked about at startup (see `license`); None: plain Okta.
    pub license: Option<&'static crate::license::License>,
}

impl ServerSpec {
    /// Every tool the server has: its own, then those the kit gives every server (`okta_get_rate_status`).
    pub fn all_tools(&self) -> Vec<ToolDef> {
        let mut tools = (self.tools)();
        tools.extend(crate::rate_status::tools());
        tools
    }
}

/// One step of a server's demo: a tool and its JSON arguments.
#[derive(Debug, Clone, Copy)]
pub struct DemoStep {
    pub tool: &'static str,
    pub arguments: &'static str,
}

/// The safety settings of a server.
#[derive(Debug)]
pub struct Safety {
    pub confirmations: Confirmations,
    /// Who approves destructive changes with an Okta Verify push (`OKTA_MCP_CONFIRM=push`).
    pub approval: Option<PushApproval>,
    pub protection: Arc<Protection>,
    /// Changes are checked against protected objects (see `protect`). Not in delegated mode: there every call
    /// carries the person's own Okta token and Okta enforces what they may change; the checks, which read admin
    /// roles and users, would run with that person's token (and refuse every change).
    pub protects: bool,
    /// Where write and destructive calls are recorded (None when only read tools are enabled).
    pub audit: Option<AuditSink>,
    /// Who the server acts as, for the audit log.
    pub principal: String,
    /// Over HTTP with inbound auth: every request must come with a caller (see `auth`), who sees and may call
    /// only their role's tools; a request without one sees none.
    pub callers_only: bool,
}

impl Safety {
    pub fn new(policy: ConfirmPolicy, protection: Protection) -> Self {
        Safety {
            confirmations: Confirmations::new(policy),
            approval: None,
            protection: Arc::new(protection),
            protects: true,
            audit: None,
            principal: String::new(),
            callers_only: false,
        }
    }
}

/// What a call came to, for the audit log.
struct Outcome {
    outcome: &'static str,
    detail: String,
    request_ids: Vec<String>,
    /// The call stopped at a change that is destructive by its effect (see `effects`): what it does.
    escalated: Option<&'static str>,
    /// The intent row recorded before the call sent changes (see `audit`).
    intent: Option<i64>,
}

impl Outcome {
    fn new(outcome: &'static str, detail: impl Into<String>) -> Self {
        Outcome { outcome, detail: detail.into(), request_ids: Vec::new(), escalated: None, intent: None }
    }
}

/// A call stopped because its intent could not be recorded: nothing was sent, and no outcome row follows.
const UNRECORDED: &str = "unrecorded";

struct Inner {
    spec: ServerSpec,
    tools: Vec<ToolDef>,
    selection: Selection,
    /// The client built at startup (every requested scope); `ready` may replace it after checking the grant.
    initial: OktaClient,
    config: OktaConfig,
    options: ClientOptions,
    safety: Safety,
    ready: tokio::sync::OnceCell<Ready>,
}

/// The server once it knows what Okta granted.
struct Ready {
    client: OktaClient,
    /// The scopes granted to the service app (None with an API token, or when the grant could not be read).
    granted: Option<BTreeSet<String>>,
    /// The enabled tools as `tools/list` sends them, with their access levels.
    listed: Vec<(Access, Tool)>,
    /// The org lacks the product some tools need (they are not listed), and why.
    unlicensed: Option<(&'static crate::license::License, String)>,
}

/// An MCP server over one Okta org.
#[derive(Clone)]
pub struct McpServer {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for McpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpServer").field("name", &self.inner.spec.name).finish_non_exhaustive()
    }
}

/// The most a tool answer may hold: every tool bounds its own answers well below this; this is the backstop that
/// keeps any answer from flooding the assistant's context.
const MAX_ANSWER_BYTES: usize = 512 << 10;

fn text_result(output: ToolOutput) -> CallToolResult {
    let text = output.into_text();
    if text.len() <= MAX_ANSWER_BYTES {
        return CallToolResult::success(vec![ContentBlock::text(text)]);
    }
    tracing::warn!(bytes = text.len(), "a tool answer over {MAX_ANSWER_BYTES} bytes was not sent");
    let head: String = text.chars().take(2000).collect();
    let note = json!({
        "answer_too_large": {"bytes": text.len(), "limit": MAX_ANSWER_BYTES},
        "note": "the answer was too large to send, so only its beginning is shown: ask for less (a smaller limit, \
                 filters, fewer fields). A change the call made was made: the audit log has it.",
        "beginning": head,
    });
    CallToolResult::success(vec![ContentBlock::text(note.to_string())])
}

fn error_result(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

/// A short description of an Okta object: who or what it is, and its status.
fn describe_target(object: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for (key, pointer) in [
        ("id", "/id"),
        ("login", "/profile/login"),
        ("name", "/profile/name"),
        ("label", "/label"),
        ("type", "/type"),
        ("status", "/status"),
    ] {
        if let Some(v) = object.pointer(pointer).filter(|v| !v.is_null()) {
            out.insert(key.into(), v.clone());
        }
    }
    Value::Object(out)
}

impl McpServer {
    pub fn new(
        spec: ServerSpec,
        selection: Selection,
        config: OktaConfig,
        options: ClientOptions,
        safety: Safety,
    ) -> Result<Self, OktaError> {
        let tools = spec.all_tools();
        let initial = OktaClient::new(config.clone(), options.clone())?;
        let ready = tokio::sync::OnceCell::new();
        let inner = Inner { spec, tools, selection, initial, config, options, safety, ready };
        Ok(McpServer { inner: Arc::new(inner) })
    }

    fn policy(&self) -> ConfirmPolicy {
        self.inner.safety.confirmations.policy
    }

    /// Tools that confirm take `confirmation_token` (and say the assistant can complete it).
    fn token_policy(&self) -> bool {
        self.policy() == ConfirmPolicy::Token
    }

    /// Under the default policy, a client that cannot ask the person (no elicitation) gets no destructive tools.
    fn hides_destructive(&self, can_elicit: bool) -> bool {
        self.policy() == ConfirmPolicy::Elicit && !can_elicit
    }

    /// Why destructive tools are hidden from this client, and what to change (initialize instructions, log).
    fn hidden_note(&self) -> String {
        let hidden = self
            .inner
            .tools
            .iter()
            .filter(|t| self.inner.selection.enabled(t) && t.meta.access == Access::Destructive)
            .count();
        format!(
            "{hidden} destructive tool(s) are not available to this client: it cannot ask you to confirm a change \
             (MCP elicitation), and OKTA_MCP_CONFIRM=elicit (the default) never lets the assistant confirm its \
             own changes. To use them: connect with a client that supports elicitation, or set \
             OKTA_MCP_CONFIRM=push with OKTA_MCP_APPROVER=<login> (approval with Okta Verify on a phone). Write \
             calls that turn out destructive (e.g. granting a super-administrator role) are refused for the same \
             reason."
        )
    }

    /// Over HTTP with inbound auth, the person's roles decide; elsewhere everyone may call every enabled tool.
    fn caller_may_call(&self, name: &str, context: Option<&RequestContext<RoleServer>>) -> Result<(), String> {
        if !self.inner.safety.callers_only {
            return Ok(());
        }
        match context.and_then(Caller::of) {
            None => Err("this server needs a signed-in caller".to_owned()),
            Some(caller) if caller.may_call(name) => Ok(()),
            Some(caller) => Err(format!("your role ({}) does not include it", caller.role())),
        }
    }

    /// Can the server serve: Okta reachable, and a token obtainable (OAuth). For `/readyz`.
    pub async fn readiness(&self) -> Result<(), String> {
        let client = &self.inner.initial;
        client.org_info().await.map_err(|e| format!("Okta is not reachable: {e}"))?;
        client.token_info().await.map_err(|e| format!("no Okta access token: {e}"))?;
        Ok(())
    }

    /// The tools `tools/list` shows this caller: enabled, granted, allowed by their role, and destructive ones
    /// only to clients that can confirm.
    async fn visible_tools(&self, context: &RequestContext<RoleServer>) -> Vec<Tool> {
        let hide = self.hides_destructive(Self::can_elicit(Some(context)));
        self.ready()
            .await
            .listed
            .iter()
            .filter(|(access, _)| !(hide && *access == Access::Destructive))
            .filter(|(_, tool)| self.caller_may_call(&tool.name, Some(context)).is_ok())
            .map(|(_, tool)| tool.clone())
            .collect()
    }

    fn can_elicit(context: Option<&RequestContext<RoleServer>>) -> bool {
        context.and_then(|c| c.client_capabilities()).is_some_and(|caps| caps.elicitation.is_some())
    }

    /// Learn what Okta granted (once): with OAuth, tools whose scopes were not granted are hidden, and the log
    /// says which scope hides which tools.
    async fn ready(&self) -> &Ready {
        self.inner.ready.get_or_init(|| self.check_grant()).await
    }

    /// Start learning the grant in the background, so the log speaks early and the first list is quick.
    pub fn prepare(&self) {
        let server = self.clone();
        tokio::spawn(async move {
            server.ready().await;
        });
    }

    async fn find(&self, name: &str, context: Option<&RequestContext<RoleServer>>) -> Result<&ToolDef, McpError> {
        let inner = &self.inner;
        let Some(tool) = inner.tools.iter().find(|t| t.name() == name) else {
            return Err(McpError::invalid_params(format!("unknown tool `{name}`"), None));
        };
        if let Err(why) = inner.selection.check(tool) {
            return Err(McpError::invalid_params(format!("tool `{name}` is not enabled: {why}"), None));
        }
        if let Err(why) = self.caller_may_call(name, context) {
            return Err(McpError::invalid_params(format!("tool `{name}` is not available to you: {why}"), None));
        }
        if tool.meta.access == Access::Destructive && self.hides_destructive(Self::can_elicit(context)) {
            return Err(McpError::invalid_params(
                format!("tool `{name}` is not available: {}", self.hidden_note()),
                None,
            ));
        }
        if let Some((license, why)) = &self.ready().await.unlicensed
            && license.needed_by(tool)
        {
            return Err(McpError::invalid_params(format!("tool `{name}` is not available: {why}"), None));
        }
        let missing = missing_scopes(tool, self.ready().await.granted.as_ref());
        if !missing.is_empty() {
            return Err(McpError::invalid_params(
                format!("tool `{name}` is hidden: the service app was not granted {}", missing.join(", ")),
                None,
            ));
        }
        Ok(tool)
    }

    /// Run a tool once with the given handling of changes. `confirmed`: a person confirmed the call (or no
    /// confirmation is asked for), so changes that are destructive by their effect may be sent.
    async fn run(
        &self,
        tool: &ToolDef,
        args: JsonObject,
        changes: Changes,
        confirmed: bool,
    ) -> (Result<ToolOutput, ToolError>, Arc<CallState>) {
        // Every change is checked against protected objects, whatever the tool's access level.
        let protection = (tool.meta.access != Access::Read && self.inner.safety.protects)
            .then(|| self.inner.safety.protection.clone());
        let mut state = CallState::new(changes, protection, tool.meta.operations);
        if tool.meta.access == Access::Destructive {
            state = state.destructive();
        }
        if confirmed {
            state = state.allowing_escalation();
        }
        let state = Arc::new(state);
        let client = self.ready().await.client.clone();
        let ctx = ToolContext::new(Okta::new(client, state.clone()));
        // The rate governor's waits reach the person as progress of this call.
        let listener: Arc<dyn okta_core::governor::WaitListener> = Arc::new(ctx.progress.clone());
        (okta_core::governor::with_wait_listener(listener, tool.call(ctx, args)).await, state)
    }

    /// Run a tool by name, as `tools/call` does: Ok for tool outcomes (including tool errors), Err for requests
    /// that cannot be routed (unknown or disabled tool).
    pub async fn call(
        &self,
        request: CallToolRequestParams,
        context: Option<&RequestContext<RoleServer>>,
    ) -> Result<CallToolResponse, McpError> {
        let tool = self.find(&request.name, context).await?;
        // Fail closed: no change runs unless it can be recorded.
        if tool.meta.access != Access::Read
            && let Some(Err(why)) = self.inner.safety.audit.as_ref().map(AuditSink::log)
        {
            return Ok(error_result(format!("not executed: the audit log cannot be written ({why})")).into());
        }
        let arguments = request.arguments.clone().unwrap_or_default();
        let mut args = arguments.clone();
        let started = Instant::now();
        // Under the token policy, tools that confirm take the token (any other policy: an unknown argument).
        let token = if self.token_policy() && tool.confirmable() {
            match args.remove(CONFIRMATION_TOKEN) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(t)) => Ok(Some(t)),
                Some(_) => Err("invalid arguments: confirmation_token must be a string"),
            }
        } else {
            Ok(None)
        };
        let (response, outcome) = match (tool.meta.access, token) {
            (_, Err(message)) => (error_result(message).into(), Outcome::new("refused", message)),
            (Access::Read, _) => self.execute(tool, args, Changes::Send, false).await,
            (Access::Write, Ok(token)) => match args.remove(DRY_RUN) {
                Some(Value::Bool(true)) => self.execute(tool, args, Changes::Hold, false).await,
                None | Some(Value::Null) | Some(Value::Bool(false)) => {
                    self.write(tool, args, token.as_deref(), &request, context).await
                }
                Some(_) => {
                    let message = "invalid arguments: dry_run must be true or false";
                    (error_result(message).into(), Outcome::new("refused", message))
                }
            },
            (Access::Destructive, Ok(token)) => {
                match self.confirm(tool, &args, token.as_deref(), &request, context).await {
                    Decision::Run => self.execute(tool, args, Changes::Send, true).await,
                    Decision::Stop(stop) => *stop,
                }
            }
        };
        let elapsed_ms = started.elapsed().as_millis();
        crate::metrics::tool_call(tool.meta.name, outcome.outcome, started.elapsed());
        tracing::info!(tool = tool.meta.name, elapsed_ms, outcome = outcome.outcome, "tool call");
        if tool.meta.access != Access::Read {
            self.audit(tool, &arguments, &outcome).await?;
        }
        Ok(response)
    }

    /// Record a write or destructive call (the outcome of its intent, if it had one). Failing to record fails the
    /// call (closed), loudly.
    async fn audit(&self, tool: &ToolDef, arguments: &JsonObject, outcome: &Outcome) -> Result<(), McpError> {
        let Some(sink) = &self.inner.safety.audit else { return Ok(()) };
        if outcome.outcome == UNRECORDED {
            return Ok(());
        }
        let log = sink.log().map_err(|e| McpError::internal_error(format!("audit log: {e}"), None))?;
        let caller = caller::current();
        let person = caller.as_ref().map(|c| c.name.clone()).unwrap_or_default();
        let role = caller.as_ref().map(Caller::role).unwrap_or_default();
        let entry = Entry {
            server: self.inner.spec.name,
            tool: tool.meta.name,
            access: tool.meta.access.as_str(),
            arguments: &Value::Object(arguments.clone()),
            outcome: outcome.outcome,
            detail: &outcome.detail,
            request_ids: &outcome.request_ids,
            principal: &self.inner.safety.principal,
            person: &person,
            role: &role,
            intent_id: outcome.intent,
        };
        log.record(&entry).await.map(drop).map_err(|e| {
            tracing::error!("{e}");
            McpError::internal_error(format!("the call was made but could not be audited: {e}"), None)
        })
    }

    /// A write call: it runs straight away unless one of its changes is destructive by its effect (see
    /// `effects`); then that change was not sent, and the call needs `--mode full` and a confirmation like a
    /// destructive tool's.
    async fn write(
        &self,
        tool: &ToolDef,
        args: JsonObject,
        token: Option<&str>,
        request: &CallToolRequestParams,
        context: Option<&RequestContext<RoleServer>>,
    ) -> (CallToolResponse, Outcome) {
        // A token comes back only for a change the first call found destructive.
        if token.is_none() {
            let (response, outcome) = self.execute(tool, args.clone(), Changes::Send, false).await;
            let Some(what) = outcome.escalated else { return (response, outcome) };
            let refusal = if !self.inner.selection.mode.allows(Access::Destructive) {
                Some(format!(
                    "not executed: this change {what}, which is destructive: it is allowed only in --mode full \
                     (currently {}), and a person confirms it there. {}",
                    self.inner.selection.mode, outcome.detail
                ))
            } else if self.policy() != ConfirmPolicy::Never && self.hides_destructive(Self::can_elicit(context)) {
                Some(format!("not executed: this change {what}. {}", self.hidden_note()))
            } else {
                None
            };
            if let Some(message) = refusal {
                let mut refused = Outcome::new("refused", message.clone());
                refused.intent = outcome.intent;
                refused.request_ids = outcome.request_ids;
                return (error_result(message).into(), refused);
            }
            // The first run stopped before the destructive change: its intent gets its outcome now, and the
            // confirmed run records its own.
            let mut stopped = Outcome::new(
                "escalated",
                format!("stopped before a change that {what}; asking for confirmation. {}", outcome.detail),
            );
            stopped.intent = outcome.intent;
            stopped.request_ids = outcome.request_ids;
            if let Err(e) = self.audit(tool, &args, &stopped).await {
                return (error_result(e.message.to_string()).into(), Outcome::new(UNRECORDED, e.message.to_string()));
            }
        }
        match self.confirm(tool, &args, token, request, context).await {
            Decision::Run => self.execute(tool, args, Changes::Send, true).await,
            Decision::Stop(stop) => *stop,
        }
    }

    /// Record that a call is about to send changes, before it runs (None: it sends none, or nothing is audited).
    async fn intent(&self, tool: &ToolDef, args: &JsonObject, changes: Changes) -> Result<Option<i64>, String> {
        let Some(sink) = &self.inner.safety.audit else { return Ok(None) };
        if tool.meta.access == Access::Read || changes == Changes::Hold {
            return Ok(None);
        }
        let caller = caller::current();
        let person = caller.as_ref().map(|c| c.name.clone()).unwrap_or_default();
        let role = caller.as_ref().map(Caller::role).unwrap_or_default();
        let entry = Entry {
            server: self.inner.spec.name,
            tool: tool.meta.name,
            access: tool.meta.access.as_str(),
            arguments: &Value::Object(args.clone()),
            outcome: crate::audit::INTENT,
            detail: "about to send changes",
            request_ids: &[],
            principal: &self.inner.safety.principal,
            person: &person,
            role: &role,
            intent_id: None,
        };
        sink.log()?.record(&entry).await.map(Some)
    }

    async fn execute(
        &self,
        tool: &ToolDef,
        args: JsonObject,
        changes: Changes,
        confirmed: bool,
    ) -> (CallToolResponse, Outcome) {
        // No change is sent unless its intent is on record first.
        let intent = match self.intent(tool, &args, changes).await {
            Ok(intent) => intent,
            Err(why) => {
                tracing::error!("{why}");
                let message = format!("not executed: the audit log cannot be written ({why})");
                return (error_result(message.clone()).into(), Outcome::new(UNRECORDED, message));
            }
        };
        let (result, state) = self.run(tool, args, changes, confirmed).await;
        let (result, outcome) = match result {
            Ok(output) => {
                let sent = state.sent();
                let detail = sent.iter().map(|r| format!("{} {}", r.method, r.path)).collect::<Vec<_>>().join("; ");
                // A tool that shows its whole plan under a dry run answers Ok with nothing sent.
                let mut outcome = Outcome::new(if changes == Changes::Hold { "dry_run" } else { "executed" }, detail);
                outcome.request_ids = sent.into_iter().filter_map(|r| r.request_id).collect();
                (text_result(output), outcome)
            }
            Err(ToolError::Held(planned)) => {
                let detail = format!("{} {}", planned.method, planned.path);
                let out = json!({
                    "dry_run": true,
                    "would_send": planned.to_json(),
                    "target_now": state.last_read().map(|v| describe_target(&strip_links(v))),
                });
                (text_result(ToolOutput::json(out)), Outcome::new("dry_run", detail))
            }
            Err(ToolError::Escalated(planned)) => {
                let sent = state.sent();
                let detail = if sent.is_empty() {
                    "Nothing was changed.".to_owned()
                } else {
                    let done: Vec<String> = sent.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
                    format!("Already sent by this call: {}.", done.join("; "))
                };
                let mut outcome = Outcome::new("refused", detail.clone());
                outcome.escalated = Some(planned.escalation.unwrap_or("is destructive by its effect"));
                outcome.request_ids = sent.into_iter().filter_map(|r| r.request_id).collect();
                (error_result(format!("not executed: {} {}. {detail}", planned.method, planned.path)), outcome)
            }
            Err(error) => {
                let mut outcome = Outcome::new("failed", error.to_string());
                // Changes that went through before the failure, then the failed request itself.
                outcome.request_ids = state.sent().into_iter().filter_map(|r| r.request_id).collect();
                outcome.request_ids.extend(error.request_id().map(str::to_owned));
                (error_result(error.to_string()), outcome)
            }
        };
        (result.into(), Outcome { intent, ..outcome })
    }
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        let spec = &self.inner.spec;
        let confirmation = match self.policy() {
            ConfirmPolicy::Elicit => String::new(),
            ConfirmPolicy::Push => format!(
                "\n\nDestructive changes wait for {} to approve an Okta Verify push on their phone \
                 (OKTA_MCP_CONFIRM=push): tell the person to expect it. Nothing you send can approve it.",
                self.inner.safety.approval.as_ref().map_or("the approver", |a| a.approver.as_str())
            ),
            ConfirmPolicy::Token => format!("\n\nDestructive changes: {}.", crate::confirm::TOKEN_WARNING),
            ConfirmPolicy::Never => {
                "\n\nOKTA_MCP_CONFIRM=never: destructive tools run without any confirmation.".to_owned()
            }
        };
        let capabilities = if spec.prompts.is_empty() {
            ServerCapabilities::builder().enable_tools().build()
        } else {
            ServerCapabilities::builder().enable_tools().enable_prompts().build()
        };
        ServerConfig::new(capabilities)
            .with_server_info(Implementation::new(spec.name, spec.version).with_title(spec.title))
            .with_instructions(format!("{}{confirmation}", spec.instructions))
    }

    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, McpError> {
        context.peer.set_peer_info(request.clone());
        let mut result = self.negotiate_initialize(&request)?;
        let destructive = self.inner.tools.iter().any(|t| self.inner.selection.enabled(t) && t.confirmable());
        if destructive && self.hides_destructive(request.capabilities.elicitation.is_some()) {
            let note = self.hidden_note();
            tracing::warn!("client {} cannot elicit: {note}", request.client_info.name);
            let text = result.instructions.take().unwrap_or_default();
            result.instructions = Some(format!("{text}\n\n{note}"));
        }
        Ok(result)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.visible_tools(&context).await))
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        let visible = self.visible_tools(&context).await;
        let callable = |name: &str| visible.iter().any(|t| t.name == name);
        let prompts = self
            .inner
            .spec
            .prompts
            .iter()
            .filter(|p| crate::prompts::offered(p, &callable))
            .map(crate::prompts::listed)
            .collect();
        Ok(ListPromptsResult::with_all_items(prompts))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        let visible = self.visible_tools(&context).await;
        let callable = |name: &str| visible.iter().any(|t| t.name == name);
        let prompt = self.inner.spec.prompts.iter().find(|p| p.name == request.name);
        let Some(prompt) = prompt.filter(|p| crate::prompts::offered(p, &callable)) else {
            return Err(McpError::invalid_params(format!("unknown prompt `{}`", request.name), None));
        };
        crate::prompts::render(prompt, request.arguments.as_ref(), &self.inner.tools, &callable)
            .map(Into::into)
            .map_err(|why| McpError::invalid_params(why, None))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        // The audit log names the person (over HTTP with inbound auth); in delegated mode every Okta request of
        // the call carries their own Okta token.
        let caller = Caller::of(&context).cloned();
        let okta_token = caller.as_ref().and_then(|c| c.okta_token.clone());
        let progress = crate::progress::Progress::of(Some(&context));
        // Cached reads belong to the person who made them (the service app's own over stdio).
        let identity = caller.as_ref().map(|c| c.subject.clone()).unwrap_or_default();
        let finished = progress.clone();
        let call = progress.scope(okta_core::cache::as_identity(identity, self.call(request, Some(&context))));
        let call = caller::CURRENT.scope(caller, call);
        let result = match okta_token {
            Some(token) => okta_core::as_end_user(token, call).await,
            None => call.await,
        };
        // The call's progress notifications are all out before its result.
        finished.finish().await;
        result
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.inner.ready.get().and_then(|r| r.listed.iter().find(|(_, t)| t.name == name).map(|(_, t)| t.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(result: &CallToolResult) -> String {
        let value = serde_json::to_value(result).unwrap_or_default();
        value["content"][0]["text"].as_str().unwrap_or_default().to_owned()
    }

    #[test]
    fn no_answer_floods_the_context() {
        let small = text_result(ToolOutput::json(json!({"rows": ["a"]})));
        assert_eq!(text_of(&small), r#"{"rows":["a"]}"#);
        let rows: Vec<String> = (0..100_000).map(|i| format!("row {i}")).collect();
        let big = text_of(&text_result(ToolOutput::json(json!({ "rows": rows }))));
        assert!(big.len() < 4000, "{} bytes", big.len());
        let parsed: Value = serde_json::from_str(&big).unwrap_or_default();
        assert_eq!(parsed["answer_too_large"]["limit"], MAX_ANSWER_BYTES);
        assert!(parsed["beginning"].as_str().is_some_and(|b| b.starts_with("{\"rows\":[\"row 0\"")), "{big}");
    }
}
