// LEAD NOTE (remove this line when you commit): read /work/wt/LEAD-NOTE.md now: rules, checks, what not to edit, the report I need.
//! Every tool of okta-mcp-governance, by area.

pub mod bundles;
pub mod campaigns;
pub mod entitlements;
pub mod grants;
pub mod requests;
pub mod risk;

use okta_mcp_kit::ToolDef;

/// The catalog, in the order tools are listed.
pub fn all() -> Vec<ToolDef> {
    let mut tools = campaigns::tools();
    tools.extend(entitlements::tools());
    tools.extend(bundles::tools());
    tools.extend(grants::tools());
    tools.extend(requests::tools());
    tools.extend(risk::tools());
    tools
}
