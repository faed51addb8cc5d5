//! okta-mcp-admin: an MCP server for Okta administration: admin roles, System Log investigation, devices and
//! event hooks, and the local audit log of changes made through these servers.

mod group;
mod log_window;
mod prompts;
mod tools;

use std::process::ExitCode;

use okta_mcp_kit::{DemoStep, ServerSpec};

const SPEC: ServerSpec = ServerSpec {
    name: "okta-mcp-admin",
    title: "Okta administration",
    version: env!("CARGO_PKG_VERSION"),
    instructions: "Tools for an Okta org's admin roles, System Log, devices and event hooks. Users are named by id \
        (00u…) or login, groups by id (00g…) or exact name. System Log tools take since/until as ISO 8601 or \
        relative (15m, 24h, 7d, yesterday) and report the window they used and the current time. Lists answer \
        with columns and rows; pass next_cursor back as cursor for more. Changes need --mode read-write, and \
        destructive ones --mode full.",
    tools: tools::all,
    demo: &[
        DemoStep { tool: "okta_get_system_log_failed_logins", arguments: r#"{"since": "24h"}"# },
        DemoStep { tool: "okta_get_system_log_admin_actions", arguments: r#"{"since": "yesterday", "limit": 5}"# },
        DemoStep { tool: "okta_list_user_admin_roles", arguments: r#"{"user": "olivia.orgadmin@example.com"}"# },
        DemoStep { tool: "okta_get_device", arguments: r#"{"device_id": "../x"}"# },
    ],
    prompts: prompts::PROMPTS,
    license: None,
};

fn main() -> ExitCode {
    okta_mcp_kit::run::main(SPEC)
}
