//! The MCP server: lists the enabled tools and dispatches calls to them. Transport-agnostic (see `transport`).

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};

use crate::catalog::ToolDef;
use crate::context::ToolContext;
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

struct Inner {
    spec: ServerSpec,
    tools: Vec<ToolDef>,
    selection: Selection,
    ctx: ToolContext,
    listed: OnceLock<Vec<Tool>>,
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

impl McpServer {
    pub fn new(spec: ServerSpec, selection: Selection, ctx: ToolContext) -> Self {
        let tools = (spec.tools)();
        McpServer { inner: Arc::new(Inner { spec, tools, selection, ctx, listed: OnceLock::new() }) }
    }

    fn listed(&self) -> &[Tool] {
        self.inner.listed.get_or_init(|| {
            self.inner.tools.iter().filter(|t| self.inner.selection.enabled(t)).map(ToolDef::to_mcp).collect()
        })
    }

    /// Run a tool by name, as `tools/call` does: Ok(result) for tool outcomes (including tool errors), Err for
    /// requests that cannot be routed (unknown or disabled tool).
    pub async fn call(&self, name: &str, args: Option<rmcp::model::JsonObject>) -> Result<CallToolResult, McpError> {
        let inner = &self.inner;
        let Some(tool) = inner.tools.iter().find(|t| t.name() == name) else {
            return Err(McpError::invalid_params(format!("unknown tool `{name}`"), None));
        };
        if let Err(why) = inner.selection.check(tool) {
            return Err(McpError::invalid_params(format!("tool `{name}` is not enabled: {why}"), None));
        }
        let started = Instant::now();
        let outcome = tool.call(inner.ctx.clone(), args.unwrap_or_default()).await;
        let elapsed_ms = started.elapsed().as_millis();
        Ok(match outcome {
            Ok(output) => {
                tracing::info!(tool = name, elapsed_ms, "tool call succeeded");
                CallToolResult::success(vec![ContentBlock::text(output.to_text())])
            }
            Err(error) => {
                tracing::info!(tool = name, elapsed_ms, code = error.okta_error_code(), "tool call failed");
                CallToolResult::error(vec![ContentBlock::text(error.to_string())])
            }
        })
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
        Ok(ListToolsResult::with_all_items(self.listed().to_vec()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        self.call(&request.name, request.arguments).await.map(CallToolResponse::from)
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.listed().iter().find(|t| t.name == name).cloned()
    }
}
