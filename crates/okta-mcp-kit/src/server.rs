//! The MCP server: lists the enabled tools and dispatches calls to them, with the safety every server gets from
//! its tools' access levels: write tools take `dry_run`; destructive tools are confirmed (see `confirm`) and
//! refused on protected objects (see `protect`).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use okta_core::{ClientOptions, OktaClient, OktaConfig, OktaError};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ElicitRequest, ElicitRequestParams,
    ElicitationSchema, Implementation, InputRequest, InputRequests, InputRequiredResult, JsonObject, ListToolsResult,
    PaginatedRequestParams, ProtocolVersion, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{ElicitationError, RequestContext};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::audit::{AuditLog, Entry};
use crate::catalog::{Access, CONFIRMATION_TOKEN, DRY_RUN, ToolDef};
use crate::confirm::{ConfirmPolicy, Confirmations, Purpose};
use crate::context::ToolContext;
use crate::error::ToolError;
use crate::okta::{CallState, Changes, Okta, PlannedRequest};
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
    pub protection: Arc<Protection>,
    /// Where write and destructive calls are recorded (None when only read tools are enabled).
    pub audit: Option<Arc<AuditLog>>,
    /// Who the server acts as, for the audit log.
    pub principal: String,
}

impl Safety {
    pub fn new(policy: ConfirmPolicy, protection: Protection) -> Self {
        Safety {
            confirmations: Confirmations::new(policy),
            protection: Arc::new(protection),
            audit: None,
            principal: String::new(),
        }
    }
}

/// What a call came to, for the audit log.
struct Outcome {
    outcome: &'static str,
    detail: String,
    request_ids: Vec<String>,
}

impl Outcome {
    fn new(outcome: &'static str, detail: impl Into<String>) -> Self {
        Outcome { outcome, detail: detail.into(), request_ids: Vec::new() }
    }
}

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
    listed: Vec<Tool>,
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

/// The person's answer to a confirmation question.
#[derive(Debug, Deserialize, JsonSchema)]
struct Confirm {
    /// Proceed with this change?
    confirm: bool,
}
rmcp::elicit_safe!(Confirm);

/// How a destructive call reached its decision.
enum Decision {
    Run,
    Stop(CallToolResponse, Outcome),
}

fn text_result(output: &ToolOutput) -> CallToolResult {
    CallToolResult::success(vec![ContentBlock::text(output.to_text())])
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

/// The scopes a tool needs that were not granted.
fn missing_scopes(tool: &ToolDef, granted: Option<&BTreeSet<String>>) -> Vec<&'static str> {
    match granted {
        None => Vec::new(),
        Some(granted) => tool.meta.scopes.iter().copied().filter(|s| !granted.contains(*s)).collect(),
    }
}

impl McpServer {
    pub fn new(
        spec: ServerSpec,
        selection: Selection,
        config: OktaConfig,
        options: ClientOptions,
        safety: Safety,
    ) -> Result<Self, OktaError> {
        let tools = (spec.tools)();
        let initial = OktaClient::new(config.clone(), options.clone())?;
        let ready = tokio::sync::OnceCell::new();
        let inner = Inner { spec, tools, selection, initial, config, options, safety, ready };
        Ok(McpServer { inner: Arc::new(inner) })
    }

    fn confirming(&self) -> bool {
        self.inner.safety.confirmations.policy == ConfirmPolicy::Ask
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

    async fn check_grant(&self) -> Ready {
        let inner = &self.inner;
        let requested = inner.initial.requested_scopes().to_vec();
        let (client, granted) = match inner.initial.granted_scopes().await {
            Ok(None) => (inner.initial.clone(), None),
            Ok(Some(granted)) => (inner.initial.clone(), Some(granted.into_iter().collect::<BTreeSet<_>>())),
            // Okta refuses the whole token request when one scope is not granted: ask for each alone.
            Err(e) if e.error_code() == Some("invalid_scope") => {
                let mut granted = BTreeSet::new();
                for scope in &requested {
                    let options = inner.options.clone().with_scopes([scope.clone()]);
                    if let Ok(probe) = OktaClient::new(inner.config.clone(), options)
                        && probe.granted_scopes().await.is_ok()
                    {
                        granted.insert(scope.clone());
                    }
                }
                let options = inner.options.clone().with_scopes(granted.iter().cloned());
                let client = match OktaClient::new(inner.config.clone(), options) {
                    Ok(client) if !granted.is_empty() => client,
                    _ => inner.initial.clone(),
                };
                (client, Some(granted))
            }
            Err(e) => {
                tracing::warn!("could not check which scopes Okta granted (tools stay listed): {e}");
                (inner.initial.clone(), None)
            }
        };
        if let Some(granted) = &granted {
            for scope in requested.iter().filter(|s| !granted.contains(*s)) {
                let hidden: Vec<&str> = inner
                    .tools
                    .iter()
                    .filter(|t| inner.selection.enabled(t) && t.meta.scopes.contains(&scope.as_str()))
                    .map(|t| t.meta.name)
                    .collect();
                let effect = if !hidden.is_empty() {
                    format!("hides {}", hidden.join(", "))
                } else if scope == crate::protect::ROLES_SCOPE {
                    "destructive tools refuse to act on users (super administrators cannot be told apart)".to_owned()
                } else {
                    "no enabled tool needs it by itself".to_owned()
                };
                tracing::warn!(
                    "scope {scope} is not granted to the service app: {effect}. Grant it in the Admin Console \
                     (Applications → the app → Okta API Scopes)"
                );
            }
        }
        let confirming = self.confirming();
        let listed = inner
            .tools
            .iter()
            .filter(|t| inner.selection.enabled(t) && missing_scopes(t, granted.as_ref()).is_empty())
            .map(|t| t.to_mcp(confirming))
            .collect();
        Ready { client, granted, listed }
    }

    async fn find(&self, name: &str) -> Result<&ToolDef, McpError> {
        let inner = &self.inner;
        let Some(tool) = inner.tools.iter().find(|t| t.name() == name) else {
            return Err(McpError::invalid_params(format!("unknown tool `{name}`"), None));
        };
        if let Err(why) = inner.selection.check(tool) {
            return Err(McpError::invalid_params(format!("tool `{name}` is not enabled: {why}"), None));
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

    /// Run a tool once with the given handling of changes.
    async fn run(
        &self,
        tool: &ToolDef,
        args: JsonObject,
        changes: Changes,
    ) -> (Result<ToolOutput, ToolError>, Arc<CallState>) {
        let protection = (tool.meta.access == Access::Destructive).then(|| self.inner.safety.protection.clone());
        let state = Arc::new(CallState::new(changes, protection));
        let client = self.ready().await.client.clone();
        let ctx = ToolContext::new(Okta::new(client, state.clone()));
        (tool.call(ctx, args).await, state)
    }

    /// Run the tool up to its first change and describe what it would do. Err: the call ends here (the tool
    /// refused, failed, or had nothing to change).
    async fn preview(&self, tool: &ToolDef, args: &JsonObject) -> Result<Value, (CallToolResult, Outcome)> {
        let (outcome, state) = self.run(tool, args.clone(), Changes::Hold).await;
        match outcome {
            Err(ToolError::Held(planned)) => Ok(self.describe_change(tool, &planned, state.last_read())),
            Err(error) => {
                let mut outcome = Outcome::new("refused", error.to_string());
                outcome.request_ids.extend(error.request_id().map(str::to_owned));
                Err((error_result(error.to_string()), outcome))
            }
            // Nothing to change: the tool's own answer is the result.
            Ok(output) => Err((text_result(&output), Outcome::new("executed", "nothing to change"))),
        }
    }

    fn describe_change(&self, tool: &ToolDef, planned: &PlannedRequest, current: Option<Value>) -> Value {
        let mut out = json!({
            "action": tool.meta.title,
            "what_it_does": tool.meta.description,
            "request": planned.to_json(),
        });
        if let Some(current) = current {
            out["target_now"] = describe_target(&strip_links(current));
        }
        out
    }

    fn summary_text(preview: &Value) -> String {
        let target = preview.get("target_now").map(|t| format!("\nTarget: {t}")).unwrap_or_default();
        format!(
            "Confirm: {} — {}{target}\nRequest: {} {}\nThis changes your Okta org and may not be undoable.",
            preview["action"].as_str().unwrap_or_default(),
            preview["what_it_does"].as_str().unwrap_or_default(),
            preview["request"]["method"].as_str().unwrap_or_default(),
            preview["request"]["path"].as_str().unwrap_or_default(),
        )
    }

    fn refused(why: String) -> Decision {
        let message = format!("not executed: {why}");
        Decision::Stop(error_result(message.clone()).into(), Outcome::new("refused", message))
    }

    /// Decide whether a destructive call may run: ask the person, or require a confirmation token.
    async fn confirm(
        &self,
        tool: &ToolDef,
        args: &JsonObject,
        token: Option<&str>,
        request: &CallToolRequestParams,
        context: Option<&RequestContext<RoleServer>>,
    ) -> Decision {
        let confirmations = &self.inner.safety.confirmations;
        let name = tool.meta.name;
        let new_era = context.and_then(|c| c.protocol_version()).is_some_and(|v| v >= ProtocolVersion::V_2026_07_28);
        let can_elicit = context.and_then(|c| c.client_capabilities()).is_some_and(|caps| caps.elicitation.is_some());

        // 2026-07-28: the answer comes back with the retried call, beside our sealed request state.
        if new_era && let Some(state) = &request.request_state {
            if let Err(why) = confirmations.redeem(Purpose::RequestState, state, name, args) {
                return Self::refused(why);
            }
            let answer = request.input_responses.as_ref().and_then(|r| r.get("confirm")).cloned();
            let action = answer.as_ref().and_then(|a| a.get("action")).and_then(Value::as_str).unwrap_or("cancel");
            let confirmed =
                answer.as_ref().and_then(|a| a.pointer("/content/confirm")).and_then(Value::as_bool).unwrap_or(false);
            return if action == "accept" && confirmed { Decision::Run } else { self.not_executed(tool, action) };
        }
        if let Some(token) = token {
            return match confirmations.redeem(Purpose::Token, token, name, args) {
                Ok(()) => Decision::Run,
                Err(why) => Self::refused(why),
            };
        }
        let preview = match self.preview(tool, args).await {
            Ok(preview) => preview,
            Err((result, outcome)) => return Decision::Stop(result.into(), outcome),
        };
        let planned = format!(
            "{} {}",
            preview["request"]["method"].as_str().unwrap_or(""),
            preview["request"]["path"].as_str().unwrap_or("")
        );
        if can_elicit && new_era {
            let schema = match ElicitationSchema::from_type::<Confirm>() {
                Ok(schema) => schema,
                Err(e) => return Self::refused(format!("cannot build the confirmation question: {e}")),
            };
            let elicit = ElicitRequest::new(ElicitRequestParams::FormElicitationParams {
                meta: None,
                message: Self::summary_text(&preview),
                requested_schema: schema,
            });
            let requests: InputRequests = [("confirm".to_owned(), InputRequest::Elicitation(elicit))].into();
            let state = confirmations.issue(Purpose::RequestState, name, args);
            let response = CallToolResponse::InputRequired(InputRequiredResult::new(Some(requests), Some(state)));
            return Decision::Stop(response, Outcome::new("previewed", format!("asked the person: {planned}")));
        }
        if can_elicit && let Some(context) = context {
            return match context.peer.elicit::<Confirm>(Self::summary_text(&preview)).await {
                Ok(Some(Confirm { confirm: true })) => Decision::Run,
                Ok(_) | Err(ElicitationError::UserDeclined) => self.not_executed(tool, "decline"),
                Err(ElicitationError::UserCancelled) => self.not_executed(tool, "cancel"),
                Err(e) => Self::refused(format!("the confirmation question failed ({e})")),
            };
        }
        // No way to ask: a preview and a token; only a second call with the token runs.
        let token = confirmations.issue(Purpose::Token, name, args);
        let out = json!({
            "confirmation_required": true,
            "preview": preview,
            "confirmation_token": token,
            "expires_in_seconds": crate::confirm::TOKEN_TTL.as_secs(),
            "next": format!("nothing was changed. Show this to the person; if they agree, call {name} again with \
                             the same arguments plus confirmation_token"),
        });
        Decision::Stop(
            text_result(&ToolOutput::json(out)).into(),
            Outcome::new("previewed", format!("token issued: {planned}")),
        )
    }

    fn not_executed(&self, tool: &ToolDef, action: &str) -> Decision {
        let (outcome, how) = if action == "decline" { ("declined", "declined") } else { ("cancelled", "cancelled") };
        let message = format!("{} was {how}: nothing was changed", tool.meta.name);
        let result = text_result(&ToolOutput::json(json!({ "executed": false, "result": message })));
        Decision::Stop(result.into(), Outcome::new(outcome, message))
    }

    /// Run a tool by name, as `tools/call` does: Ok for tool outcomes (including tool errors), Err for requests
    /// that cannot be routed (unknown or disabled tool).
    pub async fn call(
        &self,
        request: CallToolRequestParams,
        context: Option<&RequestContext<RoleServer>>,
    ) -> Result<CallToolResponse, McpError> {
        let tool = self.find(&request.name).await?;
        let arguments = request.arguments.clone().unwrap_or_default();
        let mut args = arguments.clone();
        let started = Instant::now();
        let (response, outcome) = match tool.meta.access {
            Access::Read => self.execute(tool, args, Changes::Send).await,
            Access::Write => match args.remove(DRY_RUN) {
                None | Some(Value::Null) | Some(Value::Bool(false)) => self.execute(tool, args, Changes::Send).await,
                Some(Value::Bool(true)) => self.execute(tool, args, Changes::Hold).await,
                Some(_) => {
                    let message = "invalid arguments: dry_run must be true or false";
                    (error_result(message).into(), Outcome::new("refused", message))
                }
            },
            Access::Destructive => {
                let token = match args.remove(CONFIRMATION_TOKEN) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(t)) => Ok(Some(t)),
                    Some(_) => Err("invalid arguments: confirmation_token must be a string"),
                };
                match token {
                    Err(message) => (error_result(message).into(), Outcome::new("refused", message)),
                    Ok(_) if !self.confirming() => self.execute(tool, args, Changes::Send).await,
                    Ok(token) => match self.confirm(tool, &args, token.as_deref(), &request, context).await {
                        Decision::Run => self.execute(tool, args, Changes::Send).await,
                        Decision::Stop(response, outcome) => (response, outcome),
                    },
                }
            }
        };
        let elapsed_ms = started.elapsed().as_millis();
        tracing::info!(tool = tool.meta.name, elapsed_ms, outcome = outcome.outcome, "tool call");
        if tool.meta.access != Access::Read {
            self.audit(tool, &arguments, &outcome)?;
        }
        Ok(response)
    }

    /// Record a write or destructive call. Failing to record fails the call (closed), loudly.
    fn audit(&self, tool: &ToolDef, arguments: &JsonObject, outcome: &Outcome) -> Result<(), McpError> {
        let Some(log) = &self.inner.safety.audit else { return Ok(()) };
        let entry = Entry {
            server: self.inner.spec.name,
            tool: tool.meta.name,
            access: tool.meta.access.as_str(),
            arguments: &Value::Object(arguments.clone()),
            outcome: outcome.outcome,
            detail: &outcome.detail,
            request_ids: &outcome.request_ids,
            principal: &self.inner.safety.principal,
        };
        log.record(&entry).map(drop).map_err(|e| {
            tracing::error!("{e}");
            McpError::internal_error(format!("the call was made but could not be audited: {e}"), None)
        })
    }

    async fn execute(&self, tool: &ToolDef, args: JsonObject, changes: Changes) -> (CallToolResponse, Outcome) {
        let (result, state) = self.run(tool, args, changes).await;
        let sent = || state.sent().iter().map(|r| format!("{} {}", r.method, r.path)).collect::<Vec<_>>().join("; ");
        let (result, outcome) = match result {
            Ok(output) => (text_result(&output), Outcome::new("executed", sent())),
            Err(ToolError::Held(planned)) => {
                let detail = format!("{} {}", planned.method, planned.path);
                let out = json!({
                    "dry_run": true,
                    "would_send": planned.to_json(),
                    "target_now": state.last_read().map(|v| describe_target(&strip_links(v))),
                });
                (text_result(&ToolOutput::json(out)), Outcome::new("dry_run", detail))
            }
            Err(error) => {
                let mut outcome = Outcome::new("failed", error.to_string());
                outcome.request_ids.extend(error.request_id().map(str::to_owned));
                (error_result(error.to_string()), outcome)
            }
        };
        (result.into(), outcome)
    }
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        let spec = &self.inner.spec;
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(spec.name, spec.version).with_title(spec.title))
            .with_instructions(spec.instructions)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.ready().await.listed.clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        self.call(request, Some(&context)).await
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.inner.ready.get().and_then(|r| r.listed.iter().find(|t| t.name == name).cloned())
    }
}
