//! What every okta-mcp server shares: CLI and environment configuration, the tool catalog (scopes, access
//! level and Okta operations per tool), modes and tool filtering, output shaping, errors, and startup.
//!
//! A server binary declares its tools (`ToolDef`s) and calls [`run::main`] with its [`ServerSpec`].

pub mod approval;
pub mod args;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod cli;
pub mod confirm;
pub mod context;
#[cfg(feature = "sandbox")]
pub mod demo;
pub mod doctor;
pub mod effects;
pub mod error;
pub mod http;
pub mod ids;
pub mod license;
pub mod logging;
pub mod lookup;
pub mod me;
pub mod merge;
pub mod metrics;
pub mod okta;
pub mod orn;
pub mod output;
pub mod progress;
pub mod prompts;
pub mod protect;
pub mod rate_status;
pub mod redact;
pub mod reference;
pub mod resource;
pub mod run;
pub mod schema;
pub mod selection;
pub mod server;

pub use args::ListArgs;
pub use catalog::{Access, ToolDef, ToolMeta};
pub use context::ToolContext;
pub use error::ToolError;
pub use okta_core::{HttpMethod, Operation, ops};
pub use output::{Field, ListView, ToolOutput, field, list_output};
pub use selection::{Mode, Selection};
pub use server::{DemoStep, McpServer, ServerSpec};
