//! Grants (`/governance/api/v1/grants`): the records of who was given what in an app, and how (policy, admin,
//! API, access request, bundle); ALLOW gives, DENY takes away.

use okta_core::Query;
use okta_mcp_kit::args::{check_id, path};
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, op};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::common::{filter_expr, get, id_from_orn, list};

const READ: &str = "okta.governance.entitlements.read";

/// Compact fields of a grant.
const GRANT_FIELDS: &[Field] = &[
    field("id", "id"),
    field("grantType", "grantType"),
    field("action", "action"),
    field("actor", "actor"),
    field("status", "status"),
    field("userId", "targetPrincipal.externalId"),
    field("appId", "target.externalId"),
    field("bundleId", "entitlementBundleId"),
    field("created", "created"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_grants",
                title: "List grants",
                description: "Grants of a user and/or app as columns+rows (type, ALLOW/DENY, actor, status).",
                access: Access::Read,
                toolset: "grants",
                scopes: &["okta.users.read", READ],
                operations: &[op!(GET, "/api/v1/users/{id}"), op!(GET, "/governance/api/v1/grants")],
            },
            list_grants,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_get_grant",
                title: "Get grant",
                description: "One grant: type, ALLOW/DENY, actor, app, user, schedule.",
                access: Access::Read,
                toolset: "grants",
                scopes: &[READ],
                operations: &[op!(GET, "/governance/api/v1/grants/{grantId}")],
            },
            get_grant,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListGrantsArgs {
    /// User id or login.
    user: Option<String>,
    /// App id or ORN.
    app: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_grants(ctx: ToolContext, args: ListGrantsArgs) -> Result<ToolOutput, ToolError> {
    let p = path("/governance/api/v1/grants", &[])?;
    if args.page.cursor.as_deref().is_some_and(|c| !c.is_empty()) {
        return list(&ctx, &args.page, &p, Query::new(), GRANT_FIELDS).await;
    }
    let app = args.app.as_deref().map(|a| id_from_orn(a.trim()).to_owned());
    if let Some(a) = &app {
        check_id("app", a)?;
    }
    if app.is_none() && args.user.is_none() {
        return Err(ToolError::invalid_arguments("give user and/or app (Okta requires a filter)"));
    }
    let uid = match args.user.as_deref() {
        Some(u) => Some(user_id(&ctx, u).await?),
        None => None,
    };
    let filter = filter_expr(&[
        ("target.externalId", app.as_deref()),
        ("target.type", app.as_ref().map(|_| "APPLICATION")),
        ("targetPrincipal.externalId", uid.as_deref()),
        ("targetPrincipal.type", uid.as_ref().map(|_| "OKTA_USER")),
    ])?;
    list(&ctx, &args.page, &p, Query::new().opt("filter", filter.as_deref()), GRANT_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantArg {
    /// Grant id.
    grant_id: String,
}

async fn get_grant(ctx: ToolContext, args: GrantArg) -> Result<ToolOutput, ToolError> {
    let g = get(&ctx, &path("/governance/api/v1/grants/{grantId}", &[&args.grant_id])?, &Query::new()).await?;
    Ok(ToolOutput::json(strip_links(g)))
}
