//! Every tool of okta-mcp-apps, by area.

pub mod apps;
pub mod assignments;
pub mod credentials;
pub mod me;

use okta_mcp_kit::ToolDef;

/// The catalog, in the order tools are listed.
pub fn all() -> Vec<ToolDef> {
    let mut tools = apps::tools();
    tools.extend(assignments::tools());
    tools.extend(credentials::tools());
    tools.extend(me::tools());
    tools
}
