//! okta-mcp-apps: an MCP server for Okta applications: apps, user and group assignments, signing keys,
//! SAML metadata and OAuth scope grants.

mod app;
mod prompts;
mod tools;

use std::process::ExitCode;

use okta_mcp_kit::{DemoStep, ServerSpec};

const SPEC: ServerSpec = ServerSpec {
    name: "okta-mcp-apps",
    title: "Okta applications",
    version: env!("CARGO_PKG_VERSION"),
    instructions: "Tools for an Okta org's applications: apps, who is assigned to them (users by id or login, \
        groups by id), signing keys, SAML metadata and OAuth scope grants. Apps are named by id (0oa…); find one \
        with okta_list_apps q (name or label prefix). Lists answer with columns and rows; pass next_cursor back as \
        cursor for the next page. Changes need --mode read-write, and destructive ones --mode full.",
    tools: tools::all,
    demo: &[
        DemoStep { tool: "okta_list_apps", arguments: r#"{"limit": 5}"# },
        DemoStep { tool: "okta_list_apps", arguments: r#"{"filter": "group.id eq \"00gengineering000001\""}"# },
        DemoStep { tool: "okta_list_app_groups", arguments: r#"{"app_id": "0oasalesforce0000001"}"# },
        DemoStep { tool: "okta_get_app", arguments: r#"{"app_id": "../0oa"}"# },
    ],
    prompts: prompts::PROMPTS,
    license: None,
};

fn main() -> ExitCode {
    okta_mcp_kit::run::main(SPEC)
}
