//! Every tool of okta-mcp-admin, by area.

pub mod audit;
pub mod devices;
pub mod hooks;
pub mod logs;
pub mod roles;

use okta_mcp_kit::ToolDef;

/// The catalog, in the order tools are listed.
pub fn all() -> Vec<ToolDef> {
    let mut tools = roles::tools();
    tools.extend(logs::tools());
    tools.extend(devices::tools());
    tools.extend(hooks::tools());
    tools.extend(audit::tools());
    tools
}
