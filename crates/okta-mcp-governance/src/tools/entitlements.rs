//! Entitlements of apps and their values (`/governance/api/v1/entitlements`), what a user has in an app and
//! which grant gave it (`principal-entitlements`, `principal-access`), and granting or revoking values through
//! Okta's grants (`/governance/api/v1/grants`).

use std::collections::BTreeMap;

use okta_core::Query;
use okta_mcp_kit::args::{check_id, path};
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, op};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::common::{filter_expr, get, id_from_orn, list, post};

const ENTITLEMENT: &str = "/governance/api/v1/entitlements/{entitlementId}";
const READ: &str = "okta.governance.entitlements.read";
const MANAGE: &str = "okta.governance.entitlements.manage";

/// Compact fields of an entitlement.
const ENTITLEMENT_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("externalValue", "externalValue"),
    field("multiValue", "multiValue"),
    field("required", "required"),
    field("dataType", "dataType"),
    field("appId", "parent.externalId"),
];

/// Compact fields of an entitlement value.
const VALUE_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("externalValue", "externalValue"),
    field("description", "description"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_entitlements",
                title: "List entitlements",
                description: "App entitlements (roles, licenses...) as columns+rows.",
                access: Access::Read,
                toolset: "entitlements",
                scopes: &[READ],
                operations: &[op!(GET, "/governance/api/v1/entitlements")],
            },
            list_entitlements,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_get_entitlement",
                title: "Get entitlement",
                description: "One entitlement with its values.",
                access: Access::Read,
                toolset: "entitlements",
                scopes: &[READ],
                operations: &[op!(GET, ENTITLEMENT)],
            },
            get_entitlement,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_entitlement_values",
                title: "List entitlement values",
                description: "Values of one entitlement as columns+rows.",
                access: Access::Read,
                toolset: "entitlements",
                scopes: &[READ],
                operations: &[op!(GET, "/governance/api/v1/entitlements/{entitlementId}/values")],
            },
            list_entitlement_values,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_user_entitlements",
                title: "List user entitlements",
                description: "A user's entitlement values in an app, and which grants gave them.",
                access: Access::Read,
                toolset: "entitlements",
                scopes: &["okta.users.read", READ],
                operations: &[
                    op!(GET, "/api/v1/users/{id}"),
                    op!(GET, "/governance/api/v1/principal-entitlements"),
                    op!(GET, "/governance/api/v1/principal-access"),
                ],
            },
            list_user_entitlements,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_assign_entitlement",
                title: "Assign entitlement",
                description: "Grant a user entitlement values (CUSTOM grant), optionally expiring.",
                access: Access::Write,
                toolset: "entitlements",
                scopes: &["okta.users.read", READ, MANAGE],
                operations: &[
                    op!(GET, "/api/v1/users/{id}"),
                    op!(GET, ENTITLEMENT),
                    op!(POST, "/governance/api/v1/grants"),
                ],
            },
            assign_entitlement,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_revoke_entitlement",
                title: "Revoke entitlement",
                description: "Take entitlement values from a user (DENY grant).",
                access: Access::Destructive,
                toolset: "entitlements",
                scopes: &["okta.users.read", READ, MANAGE],
                operations: &[
                    op!(GET, "/api/v1/users/{id}"),
                    op!(GET, "/governance/api/v1/principal-entitlements"),
                    op!(POST, "/governance/api/v1/grants"),
                ],
            },
            revoke_entitlement,
        ),
    ]
}

/// An app id, given plainly or as its ORN.
fn app_arg(app: &str) -> Result<String, ToolError> {
    let id = id_from_orn(app.trim());
    check_id("app", id)?;
    if !id.starts_with("0oa") {
        return Err(ToolError::invalid_arguments(format!("{app:?} is not an app id (0oa…) or app ORN")));
    }
    Ok(id.to_owned())
}

/// An entitlement id (esp…), given plainly or as its ORN.
fn entitlement_arg(entitlement: &str) -> Result<String, ToolError> {
    let id = id_from_orn(entitlement.trim());
    check_id("entitlement_id", id)?;
    Ok(id.to_owned())
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListEntitlementsArgs {
    /// App id or ORN.
    app: Option<String>,
    /// Exact name.
    name: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_entitlements(ctx: ToolContext, args: ListEntitlementsArgs) -> Result<ToolOutput, ToolError> {
    let app = args.app.as_deref().map(app_arg).transpose()?;
    let filter = filter_expr(&[
        ("parent.externalId", app.as_deref()),
        ("parent.type", app.as_ref().map(|_| "APPLICATION")),
        ("name", args.name.as_deref()),
    ])?;
    let p = path("/governance/api/v1/entitlements", &[])?;
    list(&ctx, &args.page, &p, Query::new().opt("filter", filter.as_deref()), ENTITLEMENT_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntitlementArg {
    /// Entitlement id or ORN.
    entitlement_id: String,
}

async fn get_entitlement(ctx: ToolContext, args: EntitlementArg) -> Result<ToolOutput, ToolError> {
    let id = entitlement_arg(&args.entitlement_id)?;
    let e = get(&ctx, &path(ENTITLEMENT, &[&id])?, &Query::new()).await?;
    let mut e = strip_links(e);
    if let Some(values) = e.get_mut("values") {
        *values = strip_links(values.take());
    }
    Ok(ToolOutput::json(e))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ValuesArgs {
    /// Entitlement id or ORN.
    entitlement_id: String,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_entitlement_values(ctx: ToolContext, args: ValuesArgs) -> Result<ToolOutput, ToolError> {
    let id = entitlement_arg(&args.entitlement_id)?;
    let p = path("/governance/api/v1/entitlements/{entitlementId}/values", &[&id])?;
    list(&ctx, &args.page, &p, Query::new(), VALUE_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserAppArgs {
    /// User id or login.
    user: String,
    /// App id or ORN.
    app: String,
}

/// The filter Okta requires on principal endpoints.
fn principal_filter(app: &str, user: &str) -> Result<String, ToolError> {
    filter_expr(&[
        ("parent.externalId", Some(app)),
        ("parent.type", Some("APPLICATION")),
        ("targetPrincipal.externalId", Some(user)),
        ("targetPrincipal.type", Some("OKTA_USER")),
    ])?
    .ok_or_else(|| ToolError::invalid_arguments("user and app are required"))
}

async fn principal_entitlements(ctx: &ToolContext, app: &str, user: &str) -> Result<Vec<Value>, ToolError> {
    let query = Query::new().push("filter", principal_filter(app, user)?);
    let found = get(ctx, &path("/governance/api/v1/principal-entitlements", &[])?, &query).await?;
    Ok(found.get("data").and_then(Value::as_array).cloned().unwrap_or_default())
}

/// Value id → where it came from, from principal access (base: the policy; additional: other grants).
fn sources(access: &Value) -> BTreeMap<String, Vec<Value>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let grants =
        access.get("base").into_iter().chain(access.get("additional").and_then(Value::as_array).into_iter().flatten());
    for g in grants {
        let mut source = json!({
            "grantType": g.get("grantType"),
            "grantMethod": g.get("grantMethod"),
            "grantId": g.pointer("/grant/id"),
        });
        if let Some(b) = g.get("bundle") {
            source["bundle"] = json!({"id": b.get("id"), "name": b.get("name")});
        }
        if let Some(t) = g.get("expirationTime") {
            source["expires"] = t.clone();
        }
        for e in g.get("entitlements").and_then(Value::as_array).into_iter().flatten() {
            for v in e.get("values").and_then(Value::as_array).into_iter().flatten() {
                if let Some(id) = v.get("id").and_then(Value::as_str) {
                    out.entry(id.to_owned()).or_default().push(source.clone());
                }
            }
        }
    }
    out
}

async fn list_user_entitlements(ctx: ToolContext, args: UserAppArgs) -> Result<ToolOutput, ToolError> {
    let app = app_arg(&args.app)?;
    let uid = user_id(&ctx, &args.user).await?;
    let held = principal_entitlements(&ctx, &app, &uid).await?;
    let query = Query::new().push("filter", principal_filter(&app, &uid)?);
    let access = get(&ctx, &path("/governance/api/v1/principal-access", &[])?, &query).await?;
    let from = sources(&access);
    let entitlements: Vec<Value> = held
        .iter()
        .map(|e| {
            let values: Vec<Value> = e
                .get("values")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|v| {
                    let id = v.get("id").and_then(Value::as_str).unwrap_or_default();
                    json!({"id": id, "name": v.get("name"), "externalValue": v.get("externalValue"),
                           "from": from.get(id).cloned().unwrap_or_default()})
                })
                .collect();
            json!({"id": e.get("id"), "name": e.get("name"), "multiValue": e.get("multiValue"), "values": values})
        })
        .collect();
    Ok(ToolOutput::json(json!({
        "user_id": uid,
        "app_id": app,
        "count": entitlements.len(),
        "entitlements": entitlements,
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantArgs {
    /// User id or login.
    user: String,
    /// App id or ORN.
    app: String,
    /// Entitlement id or ORN.
    entitlement_id: String,
    /// Value ids or ORNs (1-20).
    value_ids: Vec<String>,
    /// Expiry (RFC 3339).
    expires: Option<String>,
}

fn value_args(value_ids: &[String]) -> Result<Vec<String>, ToolError> {
    if value_ids.is_empty() || value_ids.len() > 20 {
        return Err(ToolError::invalid_arguments("value_ids: give 1 to 20 value ids"));
    }
    let mut out = Vec::new();
    for v in value_ids {
        let id = id_from_orn(v.trim());
        check_id("value_ids", id)?;
        if !out.iter().any(|o| o == id) {
            out.push(id.to_owned());
        }
    }
    Ok(out)
}

fn grant_summary(g: &Value) -> Value {
    json!({
        "id": g.get("id"),
        "grantType": g.get("grantType"),
        "action": g.get("action"),
        "status": g.get("status"),
        "expires": g.pointer("/scheduleSettings/expirationDate"),
    })
}

fn grant_body(app: &str, user: &str, entitlement: &str, values: &[String], action: &str) -> Value {
    json!({
        "grantType": "CUSTOM",
        "action": action,
        "actor": "API",
        "target": {"externalId": app, "type": "APPLICATION"},
        "targetPrincipal": {"externalId": user, "type": "OKTA_USER"},
        "entitlements": [{"id": entitlement, "values": values.iter().map(|v| json!({"id": v})).collect::<Vec<_>>()}],
    })
}

async fn assign_entitlement(ctx: ToolContext, args: GrantArgs) -> Result<ToolOutput, ToolError> {
    let app = app_arg(&args.app)?;
    let entitlement = entitlement_arg(&args.entitlement_id)?;
    let values = value_args(&args.value_ids)?;
    let expires = args.expires.as_deref().map(crate::common::future_time).transpose()?;
    let uid = user_id(&ctx, &args.user).await?;
    // Check the values against the entitlement first: Okta's own answer names ids only.
    let e = get(&ctx, &path(ENTITLEMENT, &[&entitlement])?, &Query::new()).await?;
    let parent = e.pointer("/parent/externalId").and_then(Value::as_str).unwrap_or_default();
    if parent != app {
        return Err(ToolError::refused(format!(
            "entitlement {entitlement} belongs to app {parent}, not {app}: list {app}'s with okta_iga_list_entitlements"
        )));
    }
    let known: Vec<&Value> = e.get("values").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    let mut names = Vec::new();
    for v in &values {
        match known.iter().find(|k| k.get("id").and_then(Value::as_str) == Some(v)) {
            Some(k) => names.push(k.get("name").cloned().unwrap_or(Value::Null)),
            None => {
                return Err(ToolError::refused(format!(
                    "{v} is not a value of entitlement {entitlement}: see okta_iga_list_entitlement_values"
                )));
            }
        }
    }
    if values.len() > 1 && e.get("multiValue") != Some(&Value::Bool(true)) {
        return Err(ToolError::refused(format!(
            "entitlement {entitlement} takes a single value; give one of value_ids"
        )));
    }
    let mut body = grant_body(&app, &uid, &entitlement, &values, "ALLOW");
    if let Some(t) = &expires {
        body["scheduleSettings"] = json!({"expirationDate": t});
    }
    let saved = post(&ctx, &path("/governance/api/v1/grants", &[])?, Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "user_id": uid,
        "app_id": app,
        "entitlement": {"id": entitlement, "name": e.get("name")},
        "values": names,
        "grant": saved.as_ref().map(grant_summary),
        "result": "entitlement values granted",
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeArgs {
    /// User id or login.
    user: String,
    /// App id or ORN.
    app: String,
    /// Entitlement id or ORN.
    entitlement_id: String,
    /// Value ids or ORNs (1-20).
    value_ids: Vec<String>,
}

async fn revoke_entitlement(ctx: ToolContext, args: RevokeArgs) -> Result<ToolOutput, ToolError> {
    let app = app_arg(&args.app)?;
    let entitlement = entitlement_arg(&args.entitlement_id)?;
    let values = value_args(&args.value_ids)?;
    let uid = user_id(&ctx, &args.user).await?;
    let held = principal_entitlements(&ctx, &app, &uid).await?;
    let has: Vec<&str> = held
        .iter()
        .filter(|e| e.get("id").and_then(Value::as_str) == Some(&entitlement))
        .flat_map(|e| e.get("values").and_then(Value::as_array).into_iter().flatten())
        .filter_map(|v| v.get("id").and_then(Value::as_str))
        .collect();
    let missing: Vec<&String> = values.iter().filter(|v| !has.contains(&v.as_str())).collect();
    if !missing.is_empty() {
        return Err(ToolError::refused(format!(
            "user {uid} does not have {} of entitlement {entitlement} in app {app} (see \
             okta_iga_list_user_entitlements). Nothing was changed.",
            missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        )));
    }
    let body = grant_body(&app, &uid, &entitlement, &values, "DENY");
    let saved = post(&ctx, &path("/governance/api/v1/grants", &[])?, Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "user_id": uid,
        "app_id": app,
        "entitlement_id": entitlement,
        "revoked_values": values,
        "grant": saved.as_ref().map(grant_summary),
        "result": "entitlement values revoked",
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apps_and_values_take_ids_or_orns() {
        assert_eq!(app_arg("orn:okta:idp:00o1:apps:salesforce:0oa1").ok().as_deref(), Some("0oa1"));
        assert!(app_arg("00u1").is_err());
        assert!(app_arg("../0oa").is_err());
        let v = value_args(&["orn:okta:governance:00o1:entitlement-values:ent1".into(), "ent1".into()]);
        assert_eq!(v.ok(), Some(vec!["ent1".to_owned()]));
        assert!(value_args(&[]).is_err());
    }

    #[test]
    fn sources_come_from_base_and_additional_grants() {
        let access = json!({
            "base": {"grantType": "POLICY", "grantMethod": "POLICY", "grant": {"id": "gra1"},
                     "entitlements": [{"id": "esp1", "values": [{"id": "ent1"}]}]},
            "additional": [{"grantType": "ENTITLEMENT-BUNDLE", "grantMethod": "ACCESS_REQUEST", "grant": {"id": "gra2"},
                            "bundle": {"id": "enb1", "name": "B"},
                            "entitlements": [{"id": "esp1", "values": [{"id": "ent1"}, {"id": "ent2"}]}]}],
        });
        let s = sources(&access);
        assert_eq!(s["ent1"].len(), 2);
        assert_eq!(s["ent2"][0]["bundle"]["name"], "B");
    }
}
