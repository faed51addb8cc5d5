//! Entitlement bundles (`/governance/api/v1/entitlement-bundles`): list, read, grant to a user (an
//! ENTITLEMENT-BUNDLE grant) and take away (Okta's `/governance/api/v2/revoke-principal-access`).

use okta_core::Query;
use okta_mcp_kit::args::{check_id, path};
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, op};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::common::{filter_expr, get, id_from_orn, list, post};

const BUNDLE: &str = "/governance/api/v1/entitlement-bundles/{entitlementBundleId}";
const READ: &str = "okta.governance.entitlements.read";
const MANAGE: &str = "okta.governance.entitlements.manage";

/// Compact fields of a bundle.
const BUNDLE_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("status", "status"),
    field("appId", "target.externalId"),
    field("description", "description"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_bundles",
                title: "List bundles",
                description: "Entitlement bundles (sets of an app's entitlement values) as columns+rows.",
                access: Access::Read,
                toolset: "entitlements",
                scopes: &[READ],
                operations: &[op!(GET, "/governance/api/v1/entitlement-bundles")],
            },
            list_bundles,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_get_bundle",
                title: "Get bundle",
                description: "One bundle with its app and entitlement values.",
                access: Access::Read,
                toolset: "entitlements",
                scopes: &[READ],
                operations: &[op!(GET, BUNDLE)],
            },
            get_bundle,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_assign_bundle_to_user",
                title: "Assign bundle to user",
                description: "Grant a user an ACTIVE bundle (ENTITLEMENT-BUNDLE grant), optionally expiring.",
                access: Access::Write,
                toolset: "entitlements",
                scopes: &["okta.users.read", READ, MANAGE],
                operations: &[op!(GET, "/api/v1/users/{id}"), op!(GET, BUNDLE), op!(POST, "/governance/api/v1/grants")],
            },
            assign_bundle,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_remove_bundle_from_user",
                title: "Remove bundle from user",
                description: "Revoke a bundle a user was granted (Okta's revoke-principal-access).",
                access: Access::Destructive,
                toolset: "entitlements",
                scopes: &["okta.users.read", READ, MANAGE],
                operations: &[
                    op!(GET, "/api/v1/users/{id}"),
                    op!(GET, BUNDLE),
                    op!(GET, "/governance/api/v1/grants"),
                    op!(POST, "/governance/api/v2/revoke-principal-access"),
                ],
            },
            remove_bundle,
        ),
    ]
}

fn bundle_arg(bundle: &str) -> Result<String, ToolError> {
    let id = id_from_orn(bundle.trim());
    check_id("bundle_id", id)?;
    Ok(id.to_owned())
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListBundlesArgs {
    /// App id or ORN.
    app: Option<String>,
    /// Exact name.
    name: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_bundles(ctx: ToolContext, args: ListBundlesArgs) -> Result<ToolOutput, ToolError> {
    let app = args.app.as_deref().map(|a| id_from_orn(a.trim()).to_owned());
    if let Some(a) = &app {
        check_id("app", a)?;
    }
    let filter = filter_expr(&[("target.externalId", app.as_deref()), ("name", args.name.as_deref())])?;
    let p = path("/governance/api/v1/entitlement-bundles", &[])?;
    list(&ctx, &args.page, &p, Query::new().opt("filter", filter.as_deref()), BUNDLE_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleArg {
    /// Bundle id or ORN.
    bundle_id: String,
}

async fn fetch_bundle(ctx: &ToolContext, id: &str) -> Result<Value, ToolError> {
    get(ctx, &path(BUNDLE, &[id])?, &Query::new().push("include", "full_entitlements")).await
}

async fn get_bundle(ctx: ToolContext, args: BundleArg) -> Result<ToolOutput, ToolError> {
    let id = bundle_arg(&args.bundle_id)?;
    Ok(ToolOutput::json(strip_links(fetch_bundle(&ctx, &id).await?)))
}

fn bundle_summary(b: &Value) -> Value {
    json!({"id": b.get("id"), "name": b.get("name"), "appId": b.pointer("/target/externalId")})
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBundleArgs {
    /// Bundle id or ORN.
    bundle_id: String,
    /// User id or login.
    user: String,
    /// Expiry (RFC 3339).
    expires: Option<String>,
}

async fn assign_bundle(ctx: ToolContext, args: AssignBundleArgs) -> Result<ToolOutput, ToolError> {
    let id = bundle_arg(&args.bundle_id)?;
    let expires = args.expires.as_deref().map(crate::common::future_time).transpose()?;
    let uid = user_id(&ctx, &args.user).await?;
    let bundle = fetch_bundle(&ctx, &id).await?;
    if bundle.get("status").and_then(Value::as_str) != Some("ACTIVE") {
        return Err(ToolError::refused(format!(
            "bundle {id} is {}: only an ACTIVE bundle can be granted. Nothing was changed.",
            bundle.get("status").and_then(Value::as_str).unwrap_or("?")
        )));
    }
    let mut body = json!({
        "grantType": "ENTITLEMENT-BUNDLE",
        "entitlementBundleId": id,
        "actor": "API",
        "targetPrincipal": {"externalId": uid, "type": "OKTA_USER"},
    });
    if let Some(t) = &expires {
        body["scheduleSettings"] = json!({"expirationDate": t});
    }
    let saved = post(&ctx, &path("/governance/api/v1/grants", &[])?, Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "user_id": uid,
        "bundle": bundle_summary(&bundle),
        "grant": saved.as_ref().map(|g| json!({"id": g.get("id"), "status": g.get("status"),
            "expires": g.pointer("/scheduleSettings/expirationDate")})),
        "result": "bundle granted",
    })))
}

async fn remove_bundle(ctx: ToolContext, args: BundleUserArgs) -> Result<ToolOutput, ToolError> {
    let id = bundle_arg(&args.bundle_id)?;
    let uid = user_id(&ctx, &args.user).await?;
    let bundle = fetch_bundle(&ctx, &id).await?;
    let filter = filter_expr(&[
        ("entitlementBundleId", Some(&id)),
        ("targetPrincipal.externalId", Some(&uid)),
        ("targetPrincipal.type", Some("OKTA_USER")),
    ])?;
    let grants =
        get(&ctx, &path("/governance/api/v1/grants", &[])?, &Query::new().opt("filter", filter.as_deref())).await?;
    let active: Vec<&Value> = grants
        .get("data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|g| g.get("status").and_then(Value::as_str) == Some("ACTIVE"))
        .collect();
    let Some(first) = active.first() else {
        return Err(ToolError::refused(format!(
            "user {uid} has no active grant of bundle {id}: nothing to remove (see okta_iga_list_user_entitlements)"
        )));
    };
    let principal = first.get("targetPrincipalOrn").and_then(Value::as_str).unwrap_or_default();
    let orn = bundle.get("orn").and_then(Value::as_str).unwrap_or_default();
    if principal.is_empty() || orn.is_empty() {
        return Err(ToolError::refused("Okta's answer lacks the user's or the bundle's ORN; nothing was changed"));
    }
    let body = json!({"principalOrn": principal, "actor": "API", "revokeOrns": [orn]});
    post(&ctx, &path("/governance/api/v2/revoke-principal-access", &[])?, Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "user_id": uid,
        "bundle": bundle_summary(&bundle),
        "grants_ended": active.iter().map(|g| g.get("id")).collect::<Vec<_>>(),
        "result": "bundle removed",
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleUserArgs {
    /// Bundle id or ORN.
    bundle_id: String,
    /// User id or login.
    user: String,
}
