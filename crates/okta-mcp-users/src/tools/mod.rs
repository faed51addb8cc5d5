//! Every tool of okta-mcp-users, by area.

pub mod factors;
pub mod groups;
pub mod lifecycle;
pub mod me;
pub mod sessions;
pub mod users;

use okta_mcp_kit::ToolDef;

/// The catalog, in the order tools are listed.
pub fn all() -> Vec<ToolDef> {
    let mut tools = users::tools();
    tools.extend(lifecycle::tools());
    tools.extend(factors::tools());
    tools.extend(sessions::tools());
    tools.extend(groups::tools());
    tools.extend(me::tools());
    tools
}
