//! The tool catalog: one declaration per tool carries everything about it (name, title, description, input
//! type, access level, toolset, OAuth scopes, Okta operations). MCP annotations, read-only filtering, the scope
//! list and `tools --json` are all derived from it.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use okta_core::{HttpMethod, Operation};
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::context::ToolContext;
use crate::error::ToolError;
use crate::output::ToolOutput;
use crate::schema;

/// What a tool can do to the org. Modes enable tools by access level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Reads only; never changes the org.
    Read,
    /// Creates or changes objects; can be undone.
    Write,
    /// Removes, disables or locks out: hard or impossible to undo.
    Destructive,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Destructive => "destructive",
        }
    }
}

/// Everything about a tool except its input type and handler.
#[derive(Debug, Clone, Copy)]
pub struct ToolMeta {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub access: Access,
    pub toolset: &'static str,
    /// The Okta operations the tool calls (from [`okta_core::ops`]): its requests are built from these, and a
    /// request for any other is refused. Its OAuth scopes are theirs.
    pub operations: &'static [Operation],
}

impl ToolMeta {
    /// OAuth scopes the tool needs: its operations' scopes (Okta's spec), sorted, each once.
    pub fn scopes(&self) -> Vec<&'static str> {
        let mut scopes: Vec<&'static str> = self.operations.iter().flat_map(|o| o.scopes.iter().copied()).collect();
        scopes.sort_unstable();
        scopes.dedup();
        scopes
    }

    /// Idempotent when every operation is (GET, PUT, DELETE): repeating the call changes nothing more.
    pub fn idempotent(&self) -> bool {
        self.operations.iter().all(|o| matches!(o.method, HttpMethod::GET | HttpMethod::PUT | HttpMethod::DELETE))
    }

    /// MCP annotations, derived. Only values that differ from the protocol's defaults are sent
    /// (defaults: readOnlyHint false, destructiveHint true, idempotentHint false, openWorldHint true),
    /// except destructiveHint, which is always explicit for tools that change things.
    pub fn annotations(&self) -> ToolAnnotations {
        let a = ToolAnnotations::new();
        match self.access {
            Access::Read => a.read_only(true),
            Access::Write if self.idempotent() => a.destructive(false).idempotent(true),
            Access::Write => a.destructive(false),
            Access::Destructive if self.idempotent() => a.destructive(true).idempotent(true),
            Access::Destructive => a.destructive(true),
        }
    }
}

/// The toolset of end-user tools (`okta_my_*` and the person's own governance tools). They act as the signed-in
/// person with their own Okta token, take no user argument, and are the only tools of a delegated server
/// (`--delegated`); a server acting with its own admin credential never lists them.
pub const END_USER_TOOLSET: &str = "me";

/// Argument the kit adds to write tools.
pub const DRY_RUN: &str = "dry_run";
/// Argument the kit adds to destructive tools.
pub const CONFIRMATION_TOKEN: &str = "confirmation_token";

pub type ToolFuture = Pin<Box<dyn Future<Output = Result<ToolOutput, ToolError>> + Send>>;
type Handler = Arc<dyn Fn(ToolContext, JsonObject) -> ToolFuture + Send + Sync>;

/// A tool: its declaration, its input schema and its handler.
#[derive(Clone)]
pub struct ToolDef {
    pub meta: ToolMeta,
    schema: fn() -> JsonObject,
    handler: Handler,
}

impl std::fmt::Debug for ToolDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolDef").field("meta", &self.meta).finish_non_exhaustive()
    }
}

impl ToolDef {
    /// Declare a tool whose arguments deserialize into `I` (its JSON schema is `I`'s schemars schema).
    pub fn new<I, F, Fut>(meta: ToolMeta, handler: F) -> Self
    where
        I: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(ToolContext, I) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<ToolOutput, ToolError>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        // Argument names the schema declares: anything else is refused, here, for every tool (so argument types
        // need no `deny_unknown_fields`, which flattened inputs could not use anyway).
        let known: Arc<OnceLock<Vec<String>>> = Arc::new(OnceLock::new());
        let handler: Handler = Arc::new(move |ctx: ToolContext, args: JsonObject| {
            let known = known.get_or_init(|| {
                let schema = schema::input_schema::<I>();
                schema
                    .get("properties")
                    .and_then(|p| p.as_object())
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default()
            });
            if let Some(unknown) = args.keys().find(|k| !known.contains(k)) {
                let message = format!("unknown argument `{unknown}`; this tool takes: {}", known.join(", "));
                return Box::pin(std::future::ready(Err(ToolError::invalid_arguments(message)))) as ToolFuture;
            }
            let parsed = serde_json::from_value::<I>(serde_json::Value::Object(args));
            match parsed {
                Ok(input) => Box::pin(handler(ctx, input)) as ToolFuture,
                Err(e) => Box::pin(std::future::ready(Err(ToolError::invalid_arguments(e.to_string())))),
            }
        });
        ToolDef { meta, schema: schema::input_schema::<I>, handler }
    }

    pub fn name(&self) -> &'static str {
        self.meta.name
    }

    /// What the tool's changes may do that makes a call destructive by its effect (see `effects`): such a call
    /// of a write tool is confirmed like a destructive tool's, and needs `--mode full`.
    pub fn may_escalate(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.meta.operations.iter().flat_map(crate::effects::may_escalate).collect();
        out.dedup();
        out
    }

    /// Does a call of this tool go through confirmation (always for destructive tools; for write tools, when a
    /// change is destructive by its effect)?
    pub fn confirmable(&self) -> bool {
        self.meta.access == Access::Destructive
            || (self.meta.access == Access::Write && !self.may_escalate().is_empty())
    }

    /// The input schema under the default confirmation policy (as `tools --json` shows it): `dry_run` on
    /// write tools.
    pub fn input_schema(&self) -> JsonObject {
        self.input_schema_for(false)
    }

    /// `token`: the token confirmation policy is on, so tools that confirm take `confirmation_token`.
    pub fn input_schema_for(&self, token: bool) -> JsonObject {
        let mut schema = (self.schema)();
        let mut extra = Vec::new();
        if self.meta.access == Access::Write {
            extra.push((DRY_RUN, "boolean", "Preview only; send nothing."));
        }
        if token && self.confirmable() {
            extra.push((CONFIRMATION_TOKEN, "string", "From the preview; confirms."));
        }
        if let Some(serde_json::Value::Object(props)) = schema.get_mut("properties") {
            for (name, kind, description) in extra {
                props.insert(name.into(), serde_json::json!({ "type": kind, "description": description }));
            }
        }
        schema
    }

    /// The MCP tool definition, as `tools/list` sends it. Under the token policy, a tool that confirms says
    /// plainly that the assistant can complete the confirmation itself.
    pub fn to_mcp(&self, token: bool) -> Tool {
        let description = if token && self.confirmable() {
            format!("{} [{}]", self.meta.description, crate::confirm::TOKEN_WARNING)
        } else {
            self.meta.description.to_owned()
        };
        Tool::new(self.meta.name, description, Arc::new(self.input_schema_for(token)))
            .with_title(self.meta.title)
            .with_annotations(self.meta.annotations())
    }

    /// Run the tool with raw JSON arguments.
    pub fn call(&self, ctx: ToolContext, args: JsonObject) -> ToolFuture {
        (self.handler)(ctx, args)
    }
}

/// One entry of `tools --json`: the declaration, plus what is derived from it.
#[derive(Debug, Serialize)]
pub struct CatalogEntry {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub access: Access,
    pub toolset: &'static str,
    pub scopes: Vec<&'static str>,
    pub operations: &'static [Operation],
    /// Changes of this write tool that are destructive by their effect (confirmed, `--mode full` only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub escalates: Vec<&'static str>,
    pub enabled: bool,
    pub annotations: ToolAnnotations,
    pub input_schema: JsonObject,
}

impl CatalogEntry {
    pub fn new(tool: &ToolDef, enabled: bool) -> Self {
        let meta = tool.meta;
        CatalogEntry {
            name: meta.name,
            title: meta.title,
            description: meta.description,
            access: meta.access,
            toolset: meta.toolset,
            scopes: meta.scopes(),
            operations: meta.operations,
            escalates: if tool.meta.access == Access::Write { tool.may_escalate() } else { Vec::new() },
            enabled,
            annotations: tool.meta.annotations(),
            input_schema: tool.input_schema(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(access: Access, operations: &'static [Operation]) -> ToolMeta {
        ToolMeta { name: "t", title: "T", description: "d", access, toolset: "s", operations }
    }

    const fn op(method: HttpMethod, scopes: &'static [&'static str]) -> Operation {
        Operation { method, path: "/a", id: "a", scopes, oauth_only: false }
    }
    const GET: Operation = op(HttpMethod::GET, &["a.read"]);
    const POST: Operation = op(HttpMethod::POST, &["a.manage"]);
    const PUT: Operation = op(HttpMethod::PUT, &["a.manage"]);
    const DELETE: Operation = op(HttpMethod::DELETE, &["a.manage"]);

    #[test]
    fn scopes_are_the_operations_scopes_once_each() {
        assert_eq!(meta(Access::Write, &[GET, POST, PUT]).scopes(), ["a.manage", "a.read"]);
        assert!(meta(Access::Read, &[]).scopes().is_empty());
    }

    #[test]
    fn annotations_follow_access_and_methods() {
        let read = meta(Access::Read, &[GET]).annotations();
        assert_eq!(read.read_only_hint, Some(true));
        assert_eq!(read.destructive_hint, None);

        let post = meta(Access::Write, &[GET, POST]).annotations();
        assert_eq!(post.destructive_hint, Some(false));
        assert_eq!(post.idempotent_hint, None);

        let put = meta(Access::Write, &[PUT]).annotations();
        assert_eq!(put.idempotent_hint, Some(true));

        let delete = meta(Access::Destructive, &[GET, DELETE]).annotations();
        assert_eq!(delete.destructive_hint, Some(true));
        assert_eq!(delete.idempotent_hint, Some(true));
        assert_eq!(delete.read_only_hint, None);
    }
}
