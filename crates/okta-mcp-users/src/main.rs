//! okta-mcp-users: an MCP server for Okta users, groups, MFA factors and sessions.

mod prompts;
mod tools;

use std::process::ExitCode;

use okta_mcp_kit::{DemoStep, ServerSpec};

const SPEC: ServerSpec = ServerSpec {
    name: "okta-mcp-users",
    title: "Okta users and groups",
    version: env!("CARGO_PKG_VERSION"),
    instructions: "Tools for an Okta org's users, groups, MFA factors and sessions. Users are named by id (00u…) or \
        login. Lists answer with columns and rows; pass next_cursor back as cursor for the next page. Changes need \
        --mode read-write, and destructive ones --mode full.",
    tools: tools::all,
    demo: &[
        DemoStep { tool: "okta_list_users", arguments: r#"{"filter": "status eq \"LOCKED_OUT\"", "limit": 5}"# },
        DemoStep { tool: "okta_list_users", arguments: r#"{"q": "ali", "limit": 3}"# },
        DemoStep { tool: "okta_list_groups", arguments: r#"{"limit": 5}"# },
        DemoStep { tool: "okta_get_user", arguments: r#"{"user": "../admin"}"# },
    ],
    prompts: prompts::PROMPTS,
    license: None,
};

fn main() -> ExitCode {
    okta_mcp_kit::run::main(SPEC)
}
