//! The signed-in person's own apps (delegated mode, `--delegated`): their dashboard, read with their own Okta
//! token. No user argument; Okta resolves `me` from the token.

use okta_core::ops::end_user;
use okta_mcp_kit::args::NoArgs;
use okta_mcp_kit::catalog::END_USER_TOOLSET;
use okta_mcp_kit::{Access, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, me};
use serde_json::json;

pub fn tools() -> Vec<ToolDef> {
    vec![ToolDef::new(
        ToolMeta {
            name: "okta_my_apps",
            title: "My apps",
            description: "The apps assigned to you (your Okta dashboard).",
            access: Access::Read,
            toolset: END_USER_TOOLSET,
            operations: &[end_user::LIST_APP_LINKS],
        },
        my_apps,
    )]
}

async fn my_apps(ctx: ToolContext, _: NoArgs) -> Result<ToolOutput, ToolError> {
    let apps = me::apps(&ctx).await?;
    Ok(ToolOutput::json(json!({ "count": apps.len(), "apps": apps })))
}
