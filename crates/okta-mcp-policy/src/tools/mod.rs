//! Every tool of okta-mcp-policy, by area.

pub mod auth_servers;
pub mod hooks;
pub mod org_policies;
pub mod rules;
pub mod scopes_claims;
pub mod zones;

use okta_mcp_kit::ToolDef;

/// The catalog, in the order tools are listed.
pub fn all() -> Vec<ToolDef> {
    let mut tools = auth_servers::tools();
    tools.extend(rules::tools());
    tools.extend(scopes_claims::tools());
    tools.extend(org_policies::tools());
    tools.extend(zones::tools());
    tools.extend(hooks::tools());
    tools
}
