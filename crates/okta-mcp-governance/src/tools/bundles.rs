//! Entitlement bundles (`/governance/api/v1/entitlement-bundles`): list, read, create, update (read-merge-PUT),
//! delete, grant to a user (an ENTITLEMENT-BUNDLE grant) and take away (Okta's
//! `/governance/api/v2/revoke-principal-access`).

use okta_core::Query;
use okta_mcp_kit::args::check_id;
use okta_mcp_kit::args::text;
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::lookup::{items_of, name_of, one_named};
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use okta_mcp_kit::{ops, orn};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::{app_arg, filter_expr};
use crate::tools::entitlements::{AppCatalog, AppValue, app_catalog, grouped, value_specs};

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
                description: "Entitlement bundles (sets of an app's entitlement values).",
                access: Access::Read,
                toolset: "entitlements",
                operations: &[ops::LIST_ENTITLEMENT_BUNDLES],
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
                operations: &[ops::LIST_ENTITLEMENT_BUNDLES, ops::GET_ENTITLEMENT_BUNDLE],
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
                operations: &[
                    ops::GET_USER,
                    ops::LIST_ENTITLEMENT_BUNDLES,
                    ops::GET_ENTITLEMENT_BUNDLE,
                    ops::CREATE_GRANT,
                ],
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
                operations: &[
                    ops::GET_USER,
                    ops::LIST_ENTITLEMENT_BUNDLES,
                    ops::GET_ENTITLEMENT_BUNDLE,
                    ops::LIST_GRANTS,
                    ops::REVOKE_PRINCIPAL_ACCESS,
                ],
            },
            remove_bundle,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_create_bundle",
                title: "Create bundle",
                description: "Create a bundle of an app's entitlement values.",
                access: Access::Write,
                toolset: "entitlements",
                operations: &[ops::LIST_ENTITLEMENTS, ops::LIST_ENTITLEMENT_VALUES, ops::CREATE_ENTITLEMENT_BUNDLE],
            },
            create_bundle,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_update_bundle",
                title: "Update bundle",
                description: "Rename a bundle, describe it, add or remove values (holders get the change).",
                access: Access::Write,
                toolset: "entitlements",
                operations: &[
                    ops::LIST_ENTITLEMENT_BUNDLES,
                    ops::GET_ENTITLEMENT_BUNDLE,
                    ops::LIST_ENTITLEMENTS,
                    ops::LIST_ENTITLEMENT_VALUES,
                    ops::LIST_GRANTS,
                    ops::REPLACE_ENTITLEMENT_BUNDLE,
                ],
            },
            update_bundle,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_delete_bundle",
                title: "Delete bundle",
                description: "Delete a bundle; Okta revokes it from its holders.",
                access: Access::Destructive,
                toolset: "entitlements",
                operations: &[
                    ops::LIST_ENTITLEMENT_BUNDLES,
                    ops::LIST_GRANTS,
                    ops::GET_ENTITLEMENT_BUNDLE,
                    ops::DELETE_ENTITLEMENT_BUNDLE,
                ],
            },
            delete_bundle,
        ),
    ]
}

/// A bundle named by id (`enb…`), ORN, or exact name (looked up; an unknown or shared name is an error).
pub async fn bundle_id(ctx: &ToolContext, bundle: &str) -> Result<String, ToolError> {
    let value = bundle.trim();
    let id = orn::id_of(value);
    if value.starts_with("orn:") || (id.starts_with("enb") && !id.contains(char::is_whitespace)) {
        check_id("bundle_id", id)?;
        return Ok(id.to_owned());
    }
    if !value.contains(char::is_whitespace) {
        // one word: a name only if it could also be an id (no `/`, `..`, `?`…)
        check_id("bundle_id", value)?;
    }
    let filter = filter_expr(&[("name", Some(value))])?;
    let query = Query::new().opt("filter", filter.as_deref()).push("limit", 2);
    let found = ctx.okta.get(&ops::LIST_ENTITLEMENT_BUNDLES, &[], &query).await?;
    let named = items_of(&found);
    let bundle = one_named("bundle", value, &named, &[], "okta_iga_list_bundles", name_of)?;
    okta_mcp_kit::args::str_field(bundle, "id").map(str::to_owned)
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
    let app = args.app.as_deref().map(app_arg).transpose()?;
    let filter = filter_expr(&[("target.externalId", app.as_deref()), ("name", args.name.as_deref())])?;
    args.page
        .list(&ctx, &ops::LIST_ENTITLEMENT_BUNDLES, &[], Query::new().opt("filter", filter.as_deref()), BUNDLE_FIELDS)
        .await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct BundleArg {
    /// Bundle id, ORN or name.
    bundle_id: String,
}

async fn fetch_bundle(ctx: &ToolContext, id: &str) -> Result<Value, ToolError> {
    ctx.okta.get(&ops::GET_ENTITLEMENT_BUNDLE, &[id], &Query::new().push("include", "full_entitlements")).await
}

async fn get_bundle(ctx: ToolContext, args: BundleArg) -> Result<ToolOutput, ToolError> {
    let id = bundle_id(&ctx, &args.bundle_id).await?;
    Ok(ToolOutput::json(strip_links(fetch_bundle(&ctx, &id).await?)))
}

fn bundle_summary(b: &Value) -> Value {
    json!({"id": b.get("id"), "name": b.get("name"), "appId": b.pointer("/target/externalId")})
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AssignBundleArgs {
    /// Bundle id, ORN or name.
    bundle_id: String,
    /// User id or login.
    user: String,
    /// Expiry (RFC 3339).
    expires: Option<String>,
}

async fn assign_bundle(ctx: ToolContext, args: AssignBundleArgs) -> Result<ToolOutput, ToolError> {
    let id = bundle_id(&ctx, &args.bundle_id).await?;
    let expires = args.expires.as_deref().map(crate::args::future_time).transpose()?;
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
    let saved = ctx.okta.send(&ops::CREATE_GRANT, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "user_id": uid,
        "bundle": bundle_summary(&bundle),
        "grant": saved.as_ref().map(|g| json!({"id": g.get("id"), "status": g.get("status"),
            "expires": g.pointer("/scheduleSettings/expirationDate")})),
        "result": "bundle granted",
    })))
}

async fn remove_bundle(ctx: ToolContext, args: BundleUserArgs) -> Result<ToolOutput, ToolError> {
    let id = bundle_id(&ctx, &args.bundle_id).await?;
    let uid = user_id(&ctx, &args.user).await?;
    let bundle = fetch_bundle(&ctx, &id).await?;
    let filter = filter_expr(&[
        ("entitlementBundleId", Some(&id)),
        ("targetPrincipal.externalId", Some(&uid)),
        ("targetPrincipal.type", Some("OKTA_USER")),
    ])?;
    let grants = ctx.okta.get(&ops::LIST_GRANTS, &[], &Query::new().opt("filter", filter.as_deref())).await?;
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
    ctx.okta.send(&ops::REVOKE_PRINCIPAL_ACCESS, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "user_id": uid,
        "bundle": bundle_summary(&bundle),
        "grants_ended": active.iter().map(|g| g.get("id")).collect::<Vec<_>>(),
        "result": "bundle removed",
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct BundleUserArgs {
    /// Bundle id, ORN or name.
    bundle_id: String,
    /// User id or login.
    user: String,
}

// ---- create, update, delete

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateBundleArgs {
    /// Unique name.
    name: String,
    /// Description.
    description: Option<String>,
    /// App id or ORN.
    app: String,
    /// Values: ids, ORNs or "Entitlement: Value" (1-100).
    values: Vec<String>,
}

fn labels(values: &[AppValue]) -> Vec<String> {
    values.iter().map(AppValue::label).collect()
}

async fn create_bundle(ctx: ToolContext, args: CreateBundleArgs) -> Result<ToolOutput, ToolError> {
    let name = text("name", &args.name, 255)?;
    let description = args.description.as_deref().map(|d| text("description", d, 1000)).transpose()?;
    let app = app_arg(&args.app)?;
    value_specs("values", &args.values, 100)?;
    let catalog = app_catalog(&ctx, &app).await?;
    let values = catalog.resolve_all("values", &args.values)?;
    let mut body = json!({
        "name": name,
        "target": {"externalId": app, "type": "APPLICATION"},
        "entitlements": grouped(&values),
    });
    if let Some(d) = description {
        body["description"] = json!(d);
    }
    let created = ctx.okta.send(&ops::CREATE_ENTITLEMENT_BUNDLE, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "created": created.as_ref().map(|b| json!({"id": b.get("id"), "name": b.get("name"), "status": b.get("status"),
            "appId": b.pointer("/target/externalId"), "orn": b.get("orn")})),
        "values": labels(&values),
        "result": "bundle created; grant it with okta_iga_assign_bundle_to_user",
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateBundleArgs {
    /// Bundle id, ORN or name.
    bundle_id: String,
    /// New name.
    name: Option<String>,
    /// New description.
    description: Option<String>,
    /// Ids, ORNs or "Entitlement: Value".
    add_values: Option<Vec<String>>,
    /// Same forms.
    remove_values: Option<Vec<String>>,
}

/// The value ids a bundle holds, by entitlement: `[(entitlement id, [value ids])]`.
fn bundle_values(bundle: &Value) -> Vec<(String, Vec<String>)> {
    let id = |v: &Value| v.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
    bundle
        .get("entitlements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| {
            // `values` is a list, or `{data: [...]}` in some of Okta's answers.
            let values = e.get("values").map(|v| v.get("data").unwrap_or(v));
            (id(e), values.and_then(Value::as_array).into_iter().flatten().map(id).collect())
        })
        .collect()
}

/// The bundle's values as catalog entries (ids Okta no longer lists keep their ids as names).
fn held(catalog: &AppCatalog, bundle: &Value) -> Vec<AppValue> {
    bundle_values(bundle)
        .into_iter()
        .flat_map(|(e, vs)| vs.into_iter().map(move |v| (e.clone(), v)))
        .map(|(e, v)| {
            catalog.values.iter().find(|x| x.id == v).cloned().unwrap_or(AppValue {
                entitlement_id: e.clone(),
                entitlement: e,
                multi: true,
                id: v.clone(),
                name: v.clone(),
                external: v,
            })
        })
        .collect()
}

async fn active_grants(ctx: &ToolContext, bundle: &str) -> Result<Vec<Value>, ToolError> {
    let filter = filter_expr(&[("entitlementBundleId", Some(bundle))])?.unwrap_or_default();
    let items = ctx.okta.get_all(&ops::LIST_GRANTS, &[], Query::new().push("filter", filter), 2000).await?;
    Ok(items.into_iter().filter(|g| g.get("status").and_then(Value::as_str) == Some("ACTIVE")).collect())
}

async fn update_bundle(ctx: ToolContext, args: UpdateBundleArgs) -> Result<ToolOutput, ToolError> {
    let id = bundle_id(&ctx, &args.bundle_id).await?;
    let name = args.name.as_deref().map(|n| text("name", n, 255)).transpose()?;
    let description = args.description.as_deref().map(|d| text("description", d, 1000)).transpose()?;
    let add = args.add_values.as_deref().unwrap_or_default();
    let remove = args.remove_values.as_deref().unwrap_or_default();
    if !add.is_empty() {
        value_specs("add_values", add, 100)?;
    }
    if !remove.is_empty() {
        value_specs("remove_values", remove, 100)?;
    }
    if name.is_none() && description.is_none() && add.is_empty() && remove.is_empty() {
        return Err(ToolError::invalid_arguments("give name, description, add_values and/or remove_values"));
    }
    let bundle = fetch_bundle(&ctx, &id).await?;
    if bundle.get("status").and_then(Value::as_str) == Some("DELETED") {
        return Err(ToolError::refused(format!("bundle {id} is DELETED and cannot be changed. Nothing was changed.")));
    }
    let app = bundle.pointer("/target/externalId").and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut changed = serde_json::Map::new();
    let mut entitlements = None;
    if !add.is_empty() || !remove.is_empty() {
        check_id("app", &app)?;
        let catalog = app_catalog(&ctx, &app).await?;
        let before = held(&catalog, &bundle);
        let adding = catalog.resolve_all("add_values", add)?;
        let mut removing = Vec::new();
        for spec in remove {
            let v = catalog
                .resolve("remove_values", spec)
                .ok()
                .filter(|v| before.iter().any(|b| b.id == v.id))
                .or_else(|| before.iter().find(|b| b.id == orn::id_of(spec.trim())))
                .ok_or_else(|| {
                    ToolError::refused(format!(
                        "remove_values: {spec:?} is not in bundle {id} ({}). Nothing was changed.",
                        labels(&before).join("; ")
                    ))
                })?;
            removing.push(v.id.clone());
        }
        if let Some(both) = adding.iter().find(|a| removing.contains(&a.id)) {
            return Err(ToolError::invalid_arguments(format!("{} is both added and removed", both.label())));
        }
        let mut after: Vec<AppValue> = before.iter().filter(|b| !removing.contains(&b.id)).cloned().collect();
        let added: Vec<AppValue> = adding.into_iter().filter(|a| !before.iter().any(|b| b.id == a.id)).collect();
        after.extend(added.iter().cloned());
        if after.is_empty() {
            return Err(ToolError::refused(
                "a bundle needs at least one value; delete it with okta_iga_delete_bundle instead. Nothing was changed.",
            ));
        }
        let removed: Vec<&AppValue> = before.iter().filter(|b| removing.contains(&b.id)).collect();
        if !added.is_empty() || !removed.is_empty() {
            changed.insert(
                "values".into(),
                json!({"added": labels(&added), "removed": removed.iter().map(|v| v.label()).collect::<Vec<_>>()}),
            );
            entitlements = Some(grouped(&after));
        }
    }
    let was = |key: &str| bundle.get(key).and_then(Value::as_str).map(str::to_owned);
    if let Some(n) = name.filter(|n| was("name").as_deref() != Some(*n)) {
        changed.insert("name".into(), json!({"from": was("name"), "to": n}));
    }
    if let Some(d) = description.filter(|d| was("description").as_deref() != Some(*d)) {
        changed.insert("description".into(), json!({"from": was("description"), "to": d}));
    }
    if changed.is_empty() {
        return Ok(ToolOutput::json(json!({
            "bundle": bundle_summary(&bundle), "changed": {},
            "result": "the bundle already has these values; nothing sent",
        })));
    }
    let grants = if changed.contains_key("values") { Some(active_grants(&ctx, &id).await?.len()) } else { None };
    // The whole bundle goes back (PUT replaces it): what was there, with the changes.
    let mut body = json!({
        "id": id,
        "name": name.map(str::to_owned).or_else(|| was("name")),
        "targetResourceOrn": bundle.get("targetResourceOrn"),
        "target": bundle.get("target"),
        "status": bundle.get("status"),
        "entitlements": entitlements.unwrap_or_else(|| {
            Value::Array(bundle_values(&bundle).into_iter().map(|(e, vs)| {
                json!({"id": e, "values": vs.iter().map(|v| json!({"id": v})).collect::<Vec<_>>()})
            }).collect())
        }),
    });
    if let Some(d) = description.map(str::to_owned).or_else(|| was("description")) {
        body["description"] = json!(d);
    }
    let saved = ctx.okta.send(&ops::REPLACE_ENTITLEMENT_BUNDLE, &[&id], &Query::new(), Some(&body)).await?;
    let mut out = json!({"bundle": bundle_summary(saved.as_ref().unwrap_or(&body)), "changed": changed});
    if let Some(n) = grants {
        out["active_grants_updated"] = json!(n);
    }
    Ok(ToolOutput::json(out))
}

async fn delete_bundle(ctx: ToolContext, args: BundleArg) -> Result<ToolOutput, ToolError> {
    let id = bundle_id(&ctx, &args.bundle_id).await?;
    let grants = active_grants(&ctx, &id).await?;
    // Read last: the confirmation preview shows the bundle as it is now.
    let bundle = fetch_bundle(&ctx, &id).await?;
    if bundle.get("status").and_then(Value::as_str) == Some("DELETED") {
        return Err(ToolError::refused(format!("bundle {id} is already DELETED. Nothing was changed.")));
    }
    ctx.okta.send(&ops::DELETE_ENTITLEMENT_BUNDLE, &[&id], &Query::new(), None).await?;
    let users: Vec<Value> = grants.iter().filter_map(|g| g.pointer("/targetPrincipal/externalId").cloned()).collect();
    Ok(ToolOutput::json(json!({
        "deleted": bundle_summary(&bundle),
        "revoked_from": users,
        "result": format!("bundle deleted; Okta revoked it from {} user(s) who held it", users.len()),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_values_by_entitlement() {
        let b = json!({"entitlements": [{"id": "esp1", "values": [{"id": "ent1"}, {"id": "ent2"}]},
                                         {"id": "esp2", "values": {"data": [{"id": "ent3"}]}}]});
        assert_eq!(
            bundle_values(&b),
            [
                ("esp1".to_owned(), vec!["ent1".to_owned(), "ent2".to_owned()]),
                ("esp2".to_owned(), vec!["ent3".to_owned()])
            ]
        );
    }
}
