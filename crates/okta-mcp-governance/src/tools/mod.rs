//! Every tool of okta-mcp-governance, by area.

pub mod bulk;
pub mod bundles;
pub mod campaigns;
pub mod catalog;
pub mod collections;
pub mod entitlements;
pub mod grants;
pub mod insight;
pub mod labels;
pub mod me;
pub mod owners;
pub mod requests;
pub mod resources;
pub mod risk;
pub mod security_reviews;

use okta_mcp_kit::ToolDef;

/// The catalog, in the order tools are listed.
pub fn all() -> Vec<ToolDef> {
    let mut tools = campaigns::tools();
    tools.extend(entitlements::tools());
    tools.extend(bundles::tools());
    tools.extend(grants::tools());
    tools.extend(requests::tools());
    tools.extend(catalog::tools());
    tools.extend(risk::tools());
    tools.extend(collections::tools());
    tools.extend(labels::tools());
    tools.extend(owners::tools());
    tools.extend(security_reviews::tools());
    tools.extend(bulk::tools());
    tools.extend(me::tools());
    tools.extend(insight::tools());
    tools
}
