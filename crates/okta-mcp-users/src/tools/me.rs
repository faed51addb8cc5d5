//! The signed-in person's own account (delegated mode, `--delegated`): read with their own Okta token, so Okta
//! decides what they see. No tool here takes a user argument; Okta resolves `me` from the token.

use okta_core::Query;
use okta_core::ops::end_user::{self, ME};
use okta_mcp_kit::args::NoArgs;
use okta_mcp_kit::catalog::END_USER_TOOLSET;
use okta_mcp_kit::lookup::GROUP_FIELDS;
use okta_mcp_kit::{Access, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, me};
use schemars::JsonSchema;
use serde::Deserialize;

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_my_profile",
                title: "My profile",
                description: "Your own Okta account: status, profile and dates.",
                access: Access::Read,
                toolset: END_USER_TOOLSET,
                operations: &[end_user::GET_USER],
            },
            my_profile,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_my_groups",
                title: "My groups",
                description: "The groups you are a member of.",
                access: Access::Read,
                toolset: END_USER_TOOLSET,
                operations: &[end_user::LIST_USER_GROUPS],
            },
            my_groups,
        ),
    ]
}

async fn my_profile(ctx: ToolContext, _: NoArgs) -> Result<ToolOutput, ToolError> {
    Ok(ToolOutput::json(me::profile(&ctx).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MyGroupsArgs {
    #[serde(flatten)]
    page: ListArgs,
}

async fn my_groups(ctx: ToolContext, args: MyGroupsArgs) -> Result<ToolOutput, ToolError> {
    args.page.list(&ctx, &end_user::LIST_USER_GROUPS, &[ME], Query::new(), GROUP_FIELDS).await
}
