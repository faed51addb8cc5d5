//! okta-mcp-policy: an MCP server for Okta's policies: authorization servers (their policies, rules, scopes,
//! claims and signing keys), org policies and rules, network zones and inline hooks.

mod objects;
mod prompts;
mod summary;
mod tools;

use std::process::ExitCode;

use okta_mcp_kit::{DemoStep, ServerSpec};

const SPEC: ServerSpec = ServerSpec {
    name: "okta-mcp-policy",
    title: "Okta policies and authorization servers",
    version: env!("CARGO_PKG_VERSION"),
    instructions: "Tools for an Okta org's policies: custom authorization servers (the org's default one has id \
        `default`) with their access policies, rules, scopes, claims and signing keys; org policies by type \
        (OKTA_SIGN_ON, PASSWORD, MFA_ENROLL, ACCESS_POLICY, PROFILE_ENROLLMENT) and their rules; network zones; \
        inline hooks. Policies and rules come back summarized (conditions, actions, priority); detail: true gives \
        Okta's full JSON. Updates read the object, merge your change and show what changed. Changes need --mode \
        read-write, and deactivating or deleting needs --mode full.",
    tools: tools::all,
    demo: &[
        DemoStep { tool: "okta_list_auth_servers", arguments: r#"{}"# },
        DemoStep { tool: "okta_list_policies", arguments: r#"{"type": "ACCESS_POLICY"}"# },
        DemoStep { tool: "okta_list_org_policy_rules", arguments: r#"{"policy_id": "00pfinanceapps000001"}"# },
        DemoStep { tool: "okta_list_network_zones", arguments: r#"{}"# },
        DemoStep { tool: "okta_get_auth_server", arguments: r#"{"auth_server_id": "../default"}"# },
    ],
    prompts: prompts::PROMPTS,
    license: None,
};

fn main() -> ExitCode {
    okta_mcp_kit::run::main(SPEC)
}
