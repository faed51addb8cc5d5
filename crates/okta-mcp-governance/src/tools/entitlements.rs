//! Entitlements of apps and their values (`/governance/api/v1/entitlements`): read, create, update (Okta's PATCH,
//! which touches only the named values) and delete; what a user has in an app and which grant gave it
//! (`principal-entitlements`, `principal-access`); granting or revoking values through Okta's grants
//! (`/governance/api/v1/grants`). `AppCatalog` resolves "Entitlement: Value" names for the bundle, grant and risk
//! tools.

use okta_mcp_kit::args::text;
use okta_mcp_kit::{ops, orn};
use std::collections::BTreeMap;

use okta_core::Query;
use okta_mcp_kit::args::check_id;
use okta_mcp_kit::lookup::{data_of, str_of, user_id};
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::grants::grant_summary;
use crate::args::{app_arg, entitlement_arg, filter_expr};

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
                description: "App entitlements (roles, licenses...).",
                access: Access::Read,
                toolset: "entitlements",
                operations: &[ops::LIST_ENTITLEMENTS],
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
                operations: &[ops::GET_ENTITLEMENT],
            },
            get_entitlement,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_entitlement_values",
                title: "List entitlement values",
                description: "Values of one entitlement.",
                access: Access::Read,
                toolset: "entitlements",
                operations: &[ops::LIST_ENTITLEMENT_VALUES],
            },
            list_entitlement_values,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_user_entitlements",
                title: "List user entitlements",
                description: "A user's entitlement values in an app and where each came from (grant, bundle, \
                    policy, expiry).",
                access: Access::Read,
                toolset: "entitlements",
                operations: &[ops::GET_USER, ops::GET_PRINCIPAL_ENTITLEMENTS, ops::GET_PRINCIPAL_ACCESS],
            },
            list_user_entitlements,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_assign_entitlement",
                title: "Assign entitlement",
                description: "Grant a user entitlement values (additive ENTITLEMENT grant: what they hold stays), optionally \
                    expiring.",
                access: Access::Write,
                toolset: "entitlements",
                operations: &[ops::GET_USER, ops::GET_ENTITLEMENT, ops::CREATE_GRANT],
            },
            assign_entitlement,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_revoke_entitlement",
                title: "Revoke entitlement",
                description: "Take entitlement values from a user (additive ENTITLEMENT DENY grant).",
                access: Access::Destructive,
                toolset: "entitlements",
                operations: &[ops::GET_USER, ops::GET_PRINCIPAL_ENTITLEMENTS, ops::CREATE_GRANT],
            },
            revoke_entitlement,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_create_entitlement",
                title: "Create entitlement",
                description: "Create an app entitlement (role, license...) with its values.",
                access: Access::Write,
                toolset: "entitlements",
                operations: &[ops::CREATE_ENTITLEMENT],
            },
            create_entitlement,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_update_entitlement",
                title: "Update entitlement",
                description: "Rename an entitlement or its values, set its description, add values.",
                access: Access::Write,
                toolset: "entitlements",
                operations: &[ops::GET_ENTITLEMENT, ops::LIST_ENTITLEMENT_VALUES, ops::UPDATE_ENTITLEMENT],
            },
            update_entitlement,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_delete_entitlement",
                title: "Delete entitlement",
                description: "Delete an entitlement: holders lose its values; bundles drop it.",
                access: Access::Destructive,
                toolset: "entitlements",
                operations: &[ops::GET_ENTITLEMENT, ops::LIST_ENTITLEMENT_BUNDLES, ops::DELETE_ENTITLEMENT],
            },
            delete_entitlement,
        ),
    ]
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
    args.page
        .list(&ctx, &ops::LIST_ENTITLEMENTS, &[], Query::new().opt("filter", filter.as_deref()), ENTITLEMENT_FIELDS)
        .await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct EntitlementArg {
    /// Entitlement id or ORN.
    entitlement_id: String,
}

async fn get_entitlement(ctx: ToolContext, args: EntitlementArg) -> Result<ToolOutput, ToolError> {
    let id = entitlement_arg(&args.entitlement_id)?;
    let e = ctx.okta.get(&ops::GET_ENTITLEMENT, &[&id], &Query::new()).await?;
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
    args.page.list(&ctx, &ops::LIST_ENTITLEMENT_VALUES, &[&id], Query::new(), VALUE_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
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

/// The entitlements (with the values) a user holds in an app now.
pub(crate) async fn principal_entitlements(ctx: &ToolContext, app: &str, user: &str) -> Result<Vec<Value>, ToolError> {
    let query = Query::new().push("filter", principal_filter(app, user)?);
    let found = ctx.okta.get(&ops::GET_PRINCIPAL_ENTITLEMENTS, &[], &query).await?;
    Ok(data_of(&found))
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

/// The entitlements a user holds in an app now, each value with where it came from (the grants behind it):
/// what `okta_iga_list_user_entitlements` answers, and the investigation reuses.
pub(crate) async fn user_app_entitlements(ctx: &ToolContext, app: &str, user: &str) -> Result<Vec<Value>, ToolError> {
    let held = principal_entitlements(ctx, app, user).await?;
    let query = Query::new().push("filter", principal_filter(app, user)?);
    let access = ctx.okta.get(&ops::GET_PRINCIPAL_ACCESS, &[], &query).await?;
    let from = sources(&access);
    Ok(held
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
        .collect())
}

async fn list_user_entitlements(ctx: ToolContext, args: UserAppArgs) -> Result<ToolOutput, ToolError> {
    let app = app_arg(&args.app)?;
    let uid = user_id(&ctx, &args.user).await?;
    let entitlements = user_app_entitlements(&ctx, &app, &uid).await?;
    Ok(ToolOutput::json(json!({
        "user_id": uid,
        "app_id": app,
        "count": entitlements.len(),
        "entitlements": entitlements,
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
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
        let id = orn::id_of(v.trim());
        check_id("value_ids", id)?;
        if !out.iter().any(|o| o == id) {
            out.push(id.to_owned());
        }
    }
    Ok(out)
}

/// An additive `ENTITLEMENT` grant: a base grant (`CUSTOM`, `POLICY`) "replaces all other existing grants" of the
/// user in the app (Okta's Grants reference), so giving or taking a few values must not be one.
fn grant_body(app: &str, user: &str, entitlement: &str, values: &[String], action: &str) -> Value {
    json!({
        "grantType": "ENTITLEMENT",
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
    let expires = args.expires.as_deref().map(crate::args::future_time).transpose()?;
    let uid = user_id(&ctx, &args.user).await?;
    // Check the values against the entitlement first: Okta's own answer names ids only.
    let e = ctx.okta.get(&ops::GET_ENTITLEMENT, &[&entitlement], &Query::new()).await?;
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
    let saved = ctx.okta.send(&ops::CREATE_GRANT, &[], &Query::new(), Some(&body)).await?;
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
    let saved = ctx.okta.send(&ops::CREATE_GRANT, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "user_id": uid,
        "app_id": app,
        "entitlement_id": entitlement,
        "revoked_values": values,
        "grant": saved.as_ref().map(grant_summary),
        "result": "entitlement values revoked",
    })))
}

// ---- app catalog: "Entitlement: Value" names for bundles, grants and risk rules

/// Up to this many entitlements of an app, and values of one entitlement, are read to resolve names.
const CATALOG_CAP: usize = 2000;

/// The values of one entitlement, every page.
async fn entitlement_values(ctx: &ToolContext, id: &str) -> Result<Vec<Value>, ToolError> {
    ctx.okta.get_all(&ops::LIST_ENTITLEMENT_VALUES, &[id], Query::new(), CATALOG_CAP).await
}

/// One entitlement value of an app, with the entitlement it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AppValue {
    pub entitlement_id: String,
    pub entitlement: String,
    pub multi: bool,
    pub id: String,
    pub name: String,
    /// The value in the app (`externalValue`).
    pub external: String,
}

impl AppValue {
    /// `Entitlement: Value`.
    pub fn label(&self) -> String {
        format!("{}: {}", self.entitlement, self.name)
    }
}

/// An app's entitlements and their values, as Okta has them now.
#[derive(Debug)]
pub(crate) struct AppCatalog {
    pub app: String,
    /// The app's ORN as Okta writes it (the entitlements' `parentResourceOrn`).
    pub app_orn: Option<String>,
    pub values: Vec<AppValue>,
    /// The app's entitlements as Okta answered them (also those without values).
    pub entitlements: Vec<Value>,
}

/// Read an app's entitlements and their values.
pub(crate) async fn app_catalog(ctx: &ToolContext, app: &str) -> Result<AppCatalog, ToolError> {
    let filter =
        filter_expr(&[("parent.externalId", Some(app)), ("parent.type", Some("APPLICATION"))])?.unwrap_or_default();
    let entitlements =
        ctx.okta.get_all(&ops::LIST_ENTITLEMENTS, &[], Query::new().push("filter", filter), CATALOG_CAP).await?;
    let mut values = Vec::new();
    let mut app_orn = None;
    for e in &entitlements {
        let id = str_of(e, "id").to_owned();
        check_id("entitlement id", &id)?;
        if app_orn.is_none() {
            app_orn = e.get("parentResourceOrn").and_then(Value::as_str).map(str::to_owned);
        }
        for v in entitlement_values(ctx, &id).await? {
            values.push(AppValue {
                entitlement_id: id.clone(),
                entitlement: str_of(e, "name").to_owned(),
                multi: e.get("multiValue") == Some(&Value::Bool(true)),
                id: str_of(&v, "id").to_owned(),
                name: str_of(&v, "name").to_owned(),
                external: str_of(&v, "externalValue").to_owned(),
            });
        }
    }
    Ok(AppCatalog { app: app.to_owned(), app_orn, values, entitlements })
}

/// A value argument before anything is read: non-empty, short, printable.
pub(crate) fn value_specs(arg: &str, specs: &[String], max: usize) -> Result<(), ToolError> {
    if specs.is_empty() || specs.len() > max {
        return Err(ToolError::invalid_arguments(format!("{arg}: give 1 to {max} values")));
    }
    for s in specs {
        if s.trim().is_empty() || s.len() > 600 || s.chars().any(char::is_control) {
            return Err(ToolError::invalid_arguments(format!(
                "{arg}: {s:?} is not a value id, ORN or \"Entitlement: Value\" name"
            )));
        }
    }
    Ok(())
}

impl AppCatalog {
    /// One value by id, ORN, `Entitlement: Value` or (when unique) value name; names are case-insensitive.
    pub fn resolve(&self, arg: &str, spec: &str) -> Result<&AppValue, ToolError> {
        let s = spec.trim();
        let id = orn::id_of(s);
        if let Some(v) = self.values.iter().find(|v| v.id == id) {
            return Ok(v);
        }
        // `Entitlement: Value`, split at each colon in turn (a name may hold one).
        let mut named: Vec<&AppValue> = Vec::new();
        for (i, _) in s.match_indices(':') {
            let (e, v) = (s[..i].trim(), s[i + 1..].trim());
            for x in &self.values {
                if x.entitlement.eq_ignore_ascii_case(e) && x.name.eq_ignore_ascii_case(v) && !named.contains(&x) {
                    named.push(x);
                }
            }
        }
        if named.is_empty() {
            named = self.values.iter().filter(|x| x.name.eq_ignore_ascii_case(s)).collect();
        }
        if let [one] = named.as_slice() {
            return Ok(one);
        }
        if !named.is_empty() {
            let exact: Vec<&&AppValue> = named.iter().filter(|x| x.label() == s || x.name == s).collect();
            if let [one] = exact.as_slice() {
                return Ok(one);
            }
            let labels: Vec<String> = named.iter().map(|x| format!("{} ({})", x.label(), x.id)).collect();
            return Err(ToolError::refused(format!(
                "{arg}: {spec:?} matches several values of app {}: {}. Give one by id or as \"Entitlement: Value\".",
                self.app,
                labels.join(", ")
            )));
        }
        if self.values.is_empty() {
            return Err(ToolError::refused(format!(
                "app {} has no entitlement values (see okta_iga_list_entitlements). Nothing was changed.",
                self.app
            )));
        }
        let mut known: Vec<String> = self.values.iter().take(15).map(AppValue::label).collect();
        if self.values.len() > 15 {
            known.push(format!("… {} more", self.values.len() - 15));
        }
        Err(ToolError::refused(format!(
            "{arg}: {spec:?} is not a value of app {}'s entitlements ({}). Give a value id, ORN or \
             \"Entitlement: Value\". Nothing was changed.",
            self.app,
            known.join("; ")
        )))
    }

    /// Several values, each once, in the order given.
    pub fn resolve_all(&self, arg: &str, specs: &[String]) -> Result<Vec<AppValue>, ToolError> {
        let mut out: Vec<AppValue> = Vec::new();
        for s in specs {
            let v = self.resolve(arg, s)?;
            if !out.iter().any(|o| o.id == v.id) {
                out.push(v.clone());
            }
        }
        Ok(out)
    }
}

/// Okta's `[{id, values: [{id}]}]` for values, grouped by entitlement in the order first named.
pub(crate) fn grouped(values: &[AppValue]) -> Value {
    let mut out: Vec<(String, Vec<Value>)> = Vec::new();
    for v in values {
        match out.iter_mut().find(|(e, _)| *e == v.entitlement_id) {
            Some((_, vs)) => vs.push(json!({"id": v.id})),
            None => out.push((v.entitlement_id.clone(), vec![json!({"id": v.id})])),
        }
    }
    Value::Array(out.into_iter().map(|(id, values)| json!({"id": id, "values": values})).collect())
}

/// Refuse two or more values of a single-valued entitlement (a user holds one).
pub(crate) fn one_value_each(values: &[AppValue]) -> Result<(), ToolError> {
    for v in values.iter().filter(|v| !v.multi) {
        let same: Vec<String> =
            values.iter().filter(|o| o.entitlement_id == v.entitlement_id).map(AppValue::label).collect();
        if same.len() > 1 {
            return Err(ToolError::refused(format!(
                "entitlement {} takes a single value, but {} were given: {}. Nothing was changed.",
                v.entitlement,
                same.len(),
                same.join(", ")
            )));
        }
    }
    Ok(())
}

// ---- create, update, delete

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateEntitlementArgs {
    /// App id or ORN.
    app: String,
    /// Name.
    name: String,
    /// Attribute in the app.
    external_value: String,
    /// Description.
    description: Option<String>,
    /// Users hold several values.
    multi_value: Option<bool>,
    /// "Name=value in the app" (1-100).
    values: Vec<String>,
}

/// A new value, `Name=value in the app`: Okta's `{name, externalValue}`.
fn new_value_body(v: &str) -> Result<Value, ToolError> {
    let Some((name, external)) = v.split_once('=') else {
        return Err(ToolError::invalid_arguments(format!(
            "value {v:?}: write \"Name=value in the app\", e.g. \"Read only=read_only\""
        )));
    };
    Ok(json!({
        "name": text("value name", name, 255)?,
        "externalValue": text("value in the app", external, 2000)?,
    }))
}

/// Refuse two new values (or a new and an existing one) with the same name or external value.
fn distinct_values(new: &[Value], existing: &[Value]) -> Result<(), ToolError> {
    for (i, v) in new.iter().enumerate() {
        for key in ["name", "externalValue"] {
            let this = v.get(key).and_then(Value::as_str).unwrap_or_default();
            let clash = new[..i]
                .iter()
                .chain(existing)
                .find(|o| o.get(key).and_then(Value::as_str).is_some_and(|s| s.eq_ignore_ascii_case(this)));
            if let Some(o) = clash {
                let id = o.get("id").and_then(Value::as_str).map(|i| format!(" ({i})")).unwrap_or_default();
                return Err(ToolError::refused(format!(
                    "a value with {key} {this:?} is already there{id}: names and external values are unique. \
                     Nothing was changed."
                )));
            }
        }
    }
    Ok(())
}

fn entitlement_summary(e: &Value) -> Value {
    let values: Vec<Value> = e
        .get("values")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| json!({"id": v.get("id"), "name": v.get("name"), "externalValue": v.get("externalValue")}))
        .collect();
    json!({
        "id": e.get("id"), "name": e.get("name"), "externalValue": e.get("externalValue"),
        "multiValue": e.get("multiValue"), "appId": e.pointer("/parent/externalId"), "values": values,
    })
}

async fn create_entitlement(ctx: ToolContext, args: CreateEntitlementArgs) -> Result<ToolOutput, ToolError> {
    let app = app_arg(&args.app)?;
    let name = text("name", &args.name, 255)?;
    let external = text("external_value", &args.external_value, 255)?;
    if args.values.is_empty() || args.values.len() > 100 {
        return Err(ToolError::invalid_arguments("values: give 1 to 100 values"));
    }
    let values = args.values.iter().map(|v| new_value_body(v)).collect::<Result<Vec<_>, _>>()?;
    distinct_values(&values, &[])?;
    let multi = args.multi_value.unwrap_or(false);
    let mut body = json!({
        "name": name,
        "externalValue": external,
        "multiValue": multi,
        // Okta: a multi-valued entitlement has the `array` data type.
        "dataType": if multi { "array" } else { "string" },
        "parent": {"externalId": app, "type": "APPLICATION"},
        "values": values,
    });
    if let Some(d) = &args.description {
        body["description"] = json!(text("description", d, 1000)?);
    }
    let created = ctx.okta.send(&ops::CREATE_ENTITLEMENT, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "created": created.as_ref().map(entitlement_summary),
        "result": "entitlement created",
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateEntitlementArgs {
    /// Entitlement id or ORN.
    entitlement_id: String,
    /// New name.
    name: Option<String>,
    /// New description.
    description: Option<String>,
    /// "Name=value in the app" to add.
    add_values: Option<Vec<String>>,
    /// Value id, ORN or name → new name.
    rename_values: Option<BTreeMap<String, String>>,
}

/// An existing value by id, ORN or name (case-insensitive when unique).
fn find_value<'a>(values: &'a [Value], spec: &str) -> Result<&'a Value, ToolError> {
    let s = spec.trim();
    let id = orn::id_of(s);
    if let Some(v) = values.iter().find(|v| v.get("id").and_then(Value::as_str) == Some(id)) {
        return Ok(v);
    }
    let by_name = |exact: bool| -> Vec<&'a Value> {
        values
            .iter()
            .filter(|v| {
                v.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| if exact { n == s } else { n.eq_ignore_ascii_case(s) })
            })
            .collect()
    };
    match (by_name(true).as_slice(), by_name(false).as_slice()) {
        ([one], _) | ([], [one]) => Ok(one),
        ([], []) => Err(ToolError::refused(format!(
            "rename_values: {spec:?} is not a value of this entitlement (see okta_iga_list_entitlement_values). \
             Nothing was changed."
        ))),
        _ => Err(ToolError::refused(format!("rename_values: several values are named {spec:?}; give the value id"))),
    }
}

async fn update_entitlement(ctx: ToolContext, args: UpdateEntitlementArgs) -> Result<ToolOutput, ToolError> {
    let id = entitlement_arg(&args.entitlement_id)?;
    let name = args.name.as_deref().map(|n| text("name", n, 255)).transpose()?;
    let description = args.description.as_deref().map(|d| text("description", d, 1000)).transpose()?;
    let added = args.add_values.as_deref().unwrap_or_default();
    let renamed: Vec<(&String, &str)> = match &args.rename_values {
        None => Vec::new(),
        Some(map) => map
            .iter()
            .map(|(value, to)| Ok((value, text("rename_values (new name)", to, 255)?)))
            .collect::<Result<_, ToolError>>()?,
    };
    let new_values = added.iter().map(|v| new_value_body(v)).collect::<Result<Vec<_>, _>>()?;
    if name.is_none() && description.is_none() && added.is_empty() && renamed.is_empty() {
        return Err(ToolError::invalid_arguments("give name, description, add_values and/or rename_values"));
    }
    if added.len() + renamed.len() > 98 {
        return Err(ToolError::invalid_arguments("at most 98 value changes in one call"));
    }
    let current = ctx.okta.get(&ops::GET_ENTITLEMENT, &[&id], &Query::new()).await?;
    let values = entitlement_values(&ctx, &id).await?;
    let mut ops = Vec::new();
    let mut changed = serde_json::Map::new();
    let was = |key: &str| current.get(key).and_then(Value::as_str).map(str::to_owned);
    if let Some(n) = name.filter(|n| was("name").as_deref() != Some(*n)) {
        ops.push(json!({"op": "REPLACE", "path": "/name", "refType": "ENTITLEMENT", "value": n}));
        changed.insert("name".into(), json!({"from": was("name"), "to": n}));
    }
    if let Some(d) = description.filter(|d| was("description").as_deref() != Some(*d)) {
        let op = if was("description").is_some() { "REPLACE" } else { "ADD" };
        ops.push(json!({"op": op, "path": "/description", "refType": "ENTITLEMENT", "value": d}));
        changed.insert("description".into(), json!({"from": was("description"), "to": d}));
    }
    // Renames first, so an added value may take a name a rename gives up.
    let mut after: Vec<Value> = values.clone();
    let mut renames = Vec::new();
    for (spec, to) in renamed {
        let v = find_value(&values, spec)?;
        let vid = v.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        check_id("rename_values", &vid)?;
        let from = v.get("name").and_then(Value::as_str);
        if from == Some(to) {
            continue;
        }
        let others: Vec<Value> =
            after.iter().filter(|o| o.get("id").and_then(Value::as_str) != Some(&vid)).cloned().collect();
        distinct_values(&[json!({"name": to})], &others)?;
        if let Some(a) = after.iter_mut().find(|o| o.get("id").and_then(Value::as_str) == Some(&vid)) {
            a["name"] = json!(to);
        }
        ops.push(json!({"op": "REPLACE", "path": format!("/values/{vid}"), "refType": "ENTITLEMENT-VALUE",
                        "value": {"name": to}}));
        renames.push(json!({"id": vid, "from": from, "to": to}));
    }
    distinct_values(&new_values, &after)?;
    for v in &new_values {
        ops.push(json!({"op": "ADD", "path": "/values/-", "refType": "ENTITLEMENT-VALUE", "value": v}));
    }
    if !renames.is_empty() {
        changed.insert("values_renamed".into(), Value::Array(renames));
    }
    let summary = json!({"id": id, "name": current.get("name"), "appId": current.pointer("/parent/externalId")});
    if ops.is_empty() {
        return Ok(ToolOutput::json(json!({
            "entitlement": summary, "changed": {},
            "result": "the entitlement already has these values; nothing sent",
        })));
    }
    let saved = ctx.okta.send(&ops::UPDATE_ENTITLEMENT, &[&id], &Query::new(), Some(&Value::Array(ops))).await?;
    if !new_values.is_empty() {
        // Okta answers with the values the PATCH added or replaced: the new ones carry their ids.
        let answered: Vec<Value> =
            saved.as_ref().and_then(|s| s.get("values")).and_then(Value::as_array).cloned().unwrap_or_default();
        let shown: Vec<Value> = new_values
            .iter()
            .map(|v| {
                let id = answered
                    .iter()
                    .find(|a| a.get("externalValue") == v.get("externalValue"))
                    .and_then(|a| a.get("id"));
                json!({"id": id, "name": v.get("name"), "externalValue": v.get("externalValue")})
            })
            .collect();
        changed.insert("values_added".into(), Value::Array(shown));
    }
    let mut entitlement = summary;
    if let Some(n) = saved.as_ref().and_then(|s| s.get("name")) {
        entitlement["name"] = n.clone();
    }
    Ok(ToolOutput::json(json!({"entitlement": entitlement, "changed": changed})))
}

async fn delete_entitlement(ctx: ToolContext, args: EntitlementArg) -> Result<ToolOutput, ToolError> {
    let id = entitlement_arg(&args.entitlement_id)?;
    let e = ctx.okta.get(&ops::GET_ENTITLEMENT, &[&id], &Query::new()).await?;
    let app = e.pointer("/parent/externalId").and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut bundles = Vec::new();
    if !app.is_empty() {
        let filter = filter_expr(&[("target.externalId", Some(&app))])?.unwrap_or_default();
        let query = Query::new().push("filter", filter).push("include", "full_entitlements");
        for b in ctx.okta.get_all(&ops::LIST_ENTITLEMENT_BUNDLES, &[], query, CATALOG_CAP).await? {
            let uses = b
                .get("entitlements")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|x| x.get("id").and_then(Value::as_str) == Some(&id));
            if uses && b.get("status").and_then(Value::as_str) != Some("DELETED") {
                bundles.push(json!({"id": b.get("id"), "name": b.get("name")}));
            }
        }
    }
    ctx.okta.send(&ops::DELETE_ENTITLEMENT, &[&id], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({
        "deleted": entitlement_summary(&e),
        "bundles_affected": bundles,
        "result": "entitlement deleted: users who had its values lose them, and bundles no longer include it",
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

    fn catalog() -> AppCatalog {
        let v = |e: &str, en: &str, multi: bool, id: &str, name: &str| AppValue {
            entitlement_id: e.into(),
            entitlement: en.into(),
            multi,
            id: id.into(),
            name: name.into(),
            external: name.to_lowercase(),
        };
        AppCatalog {
            app: "0oa1".into(),
            app_orn: None,
            values: vec![
                v("esp1", "Profile", false, "ent1", "Standard User"),
                v("esp1", "Profile", false, "ent2", "Admin"),
                v("esp2", "Permission Set", true, "ent3", "Admin"),
                v("esp2", "Permission Set", true, "ent4", "Reports: Viewer"),
            ],
            entitlements: Vec::new(),
        }
    }

    #[test]
    fn values_resolve_by_id_orn_and_names() {
        let c = catalog();
        let id = |s: &str| c.resolve("values", s).map(|v| v.id.clone()).map_err(|e| e.to_string());
        assert_eq!(id("ent2").as_deref(), Ok("ent2"));
        assert_eq!(id("orn:okta:governance:00o1:entitlement-values:ent3").as_deref(), Ok("ent3"));
        assert_eq!(id("permission set: admin").as_deref(), Ok("ent3"));
        assert_eq!(id("Profile:Admin").as_deref(), Ok("ent2"));
        assert_eq!(id("standard user").as_deref(), Ok("ent1"), "a unique value name is enough");
        assert_eq!(id("Permission Set: Reports: Viewer").as_deref(), Ok("ent4"), "names may hold a colon");
        let ambiguous = id("Admin").err().unwrap_or_default();
        assert!(
            ambiguous.contains("Profile: Admin (ent2)") && ambiguous.contains("Permission Set: Admin"),
            "{ambiguous}"
        );
        let unknown = id("Profile: Janitor").err().unwrap_or_default();
        assert!(
            unknown.contains("is not a value of app 0oa1") && unknown.contains("Profile: Standard User"),
            "{unknown}"
        );
        let twice = c.resolve_all("values", &["ent1".into(), "Profile: Standard User".into()]);
        assert_eq!(twice.map(|v| v.len()).ok(), Some(1));
    }

    #[test]
    fn values_group_by_entitlement_and_single_values_are_checked() {
        let c = catalog();
        let picked = c.resolve_all("values", &["ent3".into(), "ent1".into(), "ent4".into()]).unwrap_or_default();
        assert_eq!(
            grouped(&picked),
            json!([{"id": "esp2", "values": [{"id": "ent3"}, {"id": "ent4"}]}, {"id": "esp1", "values": [{"id": "ent1"}]}])
        );
        assert!(one_value_each(&picked).is_ok());
        let two = c.resolve_all("values", &["ent1".into(), "ent2".into()]).unwrap_or_default();
        assert!(one_value_each(&two).is_err_and(|e| e.to_string().contains("Profile takes a single value")));
    }

    #[test]
    fn new_values_are_name_equals_value_and_distinct() {
        assert_eq!(
            new_value_body("Read only=read_only=x").ok(),
            Some(json!({"name": "Read only", "externalValue": "read_only=x"}))
        );
        assert!(new_value_body("Gold").is_err());
        assert!(new_value_body("=gold").is_err());
        let existing = [json!({"id": "ent1", "name": "Gold", "externalValue": "gold"})];
        assert!(distinct_values(&[json!({"name": "GOLD", "externalValue": "g2"})], &existing).is_err());
        assert!(distinct_values(&[json!({"name": "Silver", "externalValue": "gold"})], &existing).is_err());
        assert!(distinct_values(&[json!({"name": "Silver", "externalValue": "silver"})], &existing).is_ok());
        let values = [json!({"id": "ent1", "name": "Gold"}), json!({"id": "ent2", "name": "gold"})];
        assert_eq!(find_value(&values, "gold").ok().map(|v| v["id"].clone()), Some(json!("ent2")), "exact case first");
        assert!(find_value(&values, "GOLD").is_err(), "two case-insensitive matches");
    }
}
