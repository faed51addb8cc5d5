//! Scopes and claims of an authorization server.

use okta_core::Query;
use okta_mcp_kit::args::text;
use okta_mcp_kit::args::{non_empty, str_field};
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::objects::{ViewArgs, fetch, is_system, list_all, named};
use okta_mcp_kit::resource::{Replace, patch_from};

const SCOPE_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("system", "system"),
    field("consent", "consent"),
    field("default", "default"),
    field("metadataPublish", "metadataPublish"),
    field("description", "description"),
];

const CLAIM_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("claimType", "claimType"),
    field("valueType", "valueType"),
    field("value", "value"),
    field("scopes", "conditions.scopes"),
    field("status", "status"),
    field("system", "system"),
];

pub fn tools() -> Vec<ToolDef> {
    let meta = |name, title, description, access, operations| ToolMeta {
        name,
        title,
        description,
        access,
        toolset: "scopes-claims",
        operations,
    };
    vec![
        ToolDef::new(
            meta(
                "okta_list_scopes",
                "List scopes",
                "Scopes of an authorization server as columns+rows; q: name contains.",
                Access::Read,
                &[ops::LIST_OAUTH2_SCOPES],
            ),
            list_scopes,
        ),
        ToolDef::new(
            meta(
                "okta_get_scope",
                "Get scope",
                "One scope: consent, default, metadata publishing.",
                Access::Read,
                &[ops::GET_OAUTH2_SCOPE],
            ),
            get_scope,
        ),
        ToolDef::new(
            meta(
                "okta_create_scope",
                "Create scope",
                "Add a custom scope, e.g. orders.read.",
                Access::Write,
                &[ops::CREATE_OAUTH2_SCOPE],
            ),
            create_scope,
        ),
        ToolDef::new(
            meta(
                "okta_update_scope",
                "Update scope",
                "Change a scope; the rest is kept. Shows changes.",
                Access::Write,
                &[ops::GET_OAUTH2_SCOPE, ops::REPLACE_OAUTH2_SCOPE],
            ),
            update_scope,
        ),
        ToolDef::new(
            meta(
                "okta_delete_scope",
                "Delete scope",
                "Delete a custom scope (system scopes cannot be).",
                Access::Destructive,
                &[ops::GET_OAUTH2_SCOPE, ops::DELETE_OAUTH2_SCOPE],
            ),
            delete_scope,
        ),
        ToolDef::new(
            meta(
                "okta_list_claims",
                "List claims",
                "Claims of an authorization server: token, value, scopes.",
                Access::Read,
                &[ops::LIST_OAUTH2_CLAIMS],
            ),
            list_claims,
        ),
        ToolDef::new(
            meta("okta_get_claim", "Get claim", "One claim.", Access::Read, &[ops::GET_OAUTH2_CLAIM]),
            get_claim,
        ),
        ToolDef::new(
            meta(
                "okta_create_claim",
                "Create claim",
                "Add an access (RESOURCE) or ID (IDENTITY) token claim: an expression or groups.",
                Access::Write,
                &[ops::CREATE_OAUTH2_CLAIM],
            ),
            create_claim,
        ),
        ToolDef::new(
            meta(
                "okta_update_claim",
                "Update claim",
                "Change a claim; the rest is kept. Shows changes.",
                Access::Write,
                &[ops::GET_OAUTH2_CLAIM, ops::REPLACE_OAUTH2_CLAIM],
            ),
            update_claim,
        ),
        ToolDef::new(
            meta(
                "okta_delete_claim",
                "Delete claim",
                "Delete a custom claim (not system claims).",
                Access::Destructive,
                &[ops::GET_OAUTH2_CLAIM, ops::DELETE_OAUTH2_CLAIM],
            ),
            delete_claim,
        ),
    ]
}

fn scope_summary(s: &Value) -> Value {
    json!({"id": s.get("id"), "name": s.get("name"), "system": s.get("system"), "consent": s.get("consent"),
           "description": s.get("description")})
}

fn claim_summary(c: &Value) -> Value {
    json!({"id": c.get("id"), "name": c.get("name"), "claimType": c.get("claimType"),
           "valueType": c.get("valueType"), "value": c.get("value"), "group_filter_type": c.get("group_filter_type"),
           "scopes": c.pointer("/conditions/scopes"), "status": c.get("status")})
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListScopesArgs {
    /// Auth server id (aus…, or default).
    auth_server_id: String,
    /// Name contains.
    q: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_scopes(ctx: ToolContext, args: ListScopesArgs) -> Result<ToolOutput, ToolError> {
    let query = Query::new().opt("q", non_empty("q", args.q.as_deref())?);
    args.page.list(&ctx, &ops::LIST_OAUTH2_SCOPES, &[&args.auth_server_id], query, SCOPE_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ScopeArg {
    /// Auth server id.
    auth_server_id: String,
    /// Scope id (scp…).
    scope_id: String,
}

async fn get_scope(ctx: ToolContext, args: ScopeArg) -> Result<ToolOutput, ToolError> {
    Ok(ToolOutput::json(strip_links(
        fetch(&ctx, &ops::GET_OAUTH2_SCOPE, &[&args.auth_server_id, &args.scope_id]).await?,
    )))
}

/// When users are asked to consent to a scope.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Consent {
    Implicit,
    Required,
    Flexible,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateScopeArgs {
    /// Auth server id.
    auth_server_id: String,
    /// e.g. orders.read.
    name: String,
    /// Description.
    description: Option<String>,
    /// Consent screen name.
    display_name: Option<String>,
    /// Consent (default IMPLICIT).
    consent: Option<Consent>,
    /// Granted when none is asked for.
    default: Option<bool>,
    /// In the metadata (default false).
    publish: Option<bool>,
}

fn scope_name(name: &str) -> Result<(), ToolError> {
    text("name", name, 300)?;
    if name.contains(char::is_whitespace) {
        return Err(ToolError::invalid_arguments("a scope name cannot contain spaces"));
    }
    Ok(())
}

async fn create_scope(ctx: ToolContext, args: CreateScopeArgs) -> Result<ToolOutput, ToolError> {
    scope_name(&args.name)?;
    let mut body = json!({"name": args.name, "consent": args.consent.unwrap_or(Consent::Implicit),
        "default": args.default.unwrap_or(false),
        "metadataPublish": if args.publish.unwrap_or(false) { "ALL_CLIENTS" } else { "NO_CLIENTS" }});
    if let Some(d) = non_empty("description", args.description.as_deref())? {
        body["description"] = json!(d);
    }
    if let Some(d) = non_empty("display_name", args.display_name.as_deref())? {
        body["displayName"] = json!(d);
    }
    let created = ctx.okta.send(&ops::CREATE_OAUTH2_SCOPE, &[&args.auth_server_id], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({"created": scope_summary(&created.unwrap_or_default())})))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateScopeArgs {
    /// Auth server id.
    auth_server_id: String,
    /// Scope id (scp…).
    scope_id: String,
    /// New description.
    description: Option<String>,
    /// New display name.
    display_name: Option<String>,
    /// New consent.
    consent: Option<Consent>,
    /// Merge patch; null removes.
    changes: Option<Value>,
}

const SCOPE_REPLACE: Replace = Replace { what: "scope", fixed: &[], read_only: &["id", "system"], required: &["name"] };

async fn update_scope(ctx: ToolContext, args: UpdateScopeArgs) -> Result<ToolOutput, ToolError> {
    let patch = patch_from(
        args.changes.as_ref(),
        vec![
            ("description", args.description.map(Value::from)),
            ("displayName", args.display_name.map(Value::from)),
            ("consent", args.consent.map(|c| json!(c))),
        ],
    )?;
    if let Some(name) = patch.get("name") {
        scope_name(name.as_str().unwrap_or_default())?;
    }
    let current = fetch(&ctx, &ops::GET_OAUTH2_SCOPE, &[&args.auth_server_id, &args.scope_id]).await?;
    if is_system(&current) && patch.get("name").is_some_and(|n| Some(n) != current.get("name")) {
        return Err(ToolError::refused(format!(
            "{} is a system scope: its name cannot change. Nothing was changed.",
            named(&current)
        )));
    }
    let id = str_field(&current, "id")?.to_owned();
    SCOPE_REPLACE
        .run(&ctx, current, &ops::REPLACE_OAUTH2_SCOPE, &[&args.auth_server_id, &id], &patch, scope_summary)
        .await
}

async fn delete_scope(ctx: ToolContext, args: ScopeArg) -> Result<ToolOutput, ToolError> {
    let current = fetch(&ctx, &ops::GET_OAUTH2_SCOPE, &[&args.auth_server_id, &args.scope_id]).await?;
    if is_system(&current) {
        return Err(ToolError::refused(format!(
            "cannot delete scope {}: it is a system scope (OpenID Connect), which Okta keeps. Nothing was changed.",
            named(&current)
        )));
    }
    let id = str_field(&current, "id")?;
    ctx.okta.send(&ops::DELETE_OAUTH2_SCOPE, &[&args.auth_server_id, id], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({"deleted": scope_summary(&current)})))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListClaimsArgs {
    /// Auth server id (aus…, or default).
    auth_server_id: String,
    #[serde(flatten)]
    view: ViewArgs,
}

async fn list_claims(ctx: ToolContext, args: ListClaimsArgs) -> Result<ToolOutput, ToolError> {
    list_all(&ctx, &ops::LIST_OAUTH2_CLAIMS, &[&args.auth_server_id], Query::new(), CLAIM_FIELDS, &args.view).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ClaimArg {
    /// Auth server id.
    auth_server_id: String,
    /// Claim id (ocl…).
    claim_id: String,
}

async fn get_claim(ctx: ToolContext, args: ClaimArg) -> Result<ToolOutput, ToolError> {
    Ok(ToolOutput::json(strip_links(
        fetch(&ctx, &ops::GET_OAUTH2_CLAIM, &[&args.auth_server_id, &args.claim_id]).await?,
    )))
}

/// Which token carries a claim.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClaimType {
    Resource,
    Identity,
}

/// What a claim's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ValueType {
    Expression,
    Groups,
}

/// How GROUPS claims match group names.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GroupFilter {
    StartsWith,
    Equals,
    Contains,
    Regex,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateClaimArgs {
    /// Auth server id.
    auth_server_id: String,
    /// Claim name, e.g. groups.
    name: String,
    /// RESOURCE = access token, IDENTITY = ID token.
    claim_type: ClaimType,
    /// EXPRESSION (Okta Expression Language) or GROUPS.
    value_type: ValueType,
    /// Expression (user.department) or group filter (.* with REGEX).
    value: String,
    /// For GROUPS.
    group_filter_type: Option<GroupFilter>,
    /// Only with these scopes (default any).
    scopes: Option<Vec<String>>,
    /// Default true.
    always_include: Option<bool>,
}

pub fn claim_body(args: &CreateClaimArgs) -> Result<Value, ToolError> {
    text("name", &args.name, 100)?;
    text("value", &args.value, 1024)?;
    let mut body = json!({"name": args.name.trim(), "status": "ACTIVE", "claimType": args.claim_type,
        "valueType": args.value_type, "value": args.value,
        "alwaysIncludeInToken": args.always_include.unwrap_or(true),
        "conditions": {"scopes": args.scopes.clone().unwrap_or_default()}});
    match (args.value_type, args.group_filter_type) {
        (ValueType::Groups, Some(f)) => body["group_filter_type"] = json!(f),
        (ValueType::Groups, None) => {
            return Err(ToolError::invalid_arguments(
                "a GROUPS claim needs group_filter_type (e.g. REGEX with value .* for all groups)",
            ));
        }
        (ValueType::Expression, Some(_)) => {
            return Err(ToolError::invalid_arguments("group_filter_type applies to GROUPS claims only"));
        }
        (ValueType::Expression, None) => {}
    }
    Ok(body)
}

async fn create_claim(ctx: ToolContext, args: CreateClaimArgs) -> Result<ToolOutput, ToolError> {
    let body = claim_body(&args)?;
    let created = ctx.okta.send(&ops::CREATE_OAUTH2_CLAIM, &[&args.auth_server_id], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({"created": claim_summary(&created.unwrap_or_default())})))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateClaimArgs {
    /// Auth server id.
    auth_server_id: String,
    /// Claim id (ocl…).
    claim_id: String,
    /// New value.
    value: Option<String>,
    /// Only with these scopes ([] = any).
    scopes: Option<Vec<String>>,
    /// Merge patch; null removes.
    changes: Option<Value>,
}

const CLAIM_REPLACE: Replace =
    Replace { what: "claim", fixed: &[], read_only: &["id", "system"], required: &["name", "claimType", "value"] };

async fn update_claim(ctx: ToolContext, args: UpdateClaimArgs) -> Result<ToolOutput, ToolError> {
    let patch = patch_from(
        args.changes.as_ref(),
        vec![("value", args.value.map(Value::from)), ("conditions", args.scopes.map(|s| json!({"scopes": s})))],
    )?;
    let current = fetch(&ctx, &ops::GET_OAUTH2_CLAIM, &[&args.auth_server_id, &args.claim_id]).await?;
    if is_system(&current) {
        return Err(ToolError::refused(format!(
            "{} is a system claim, which Okta manages; it cannot be changed. Nothing was changed.",
            named(&current)
        )));
    }
    let id = str_field(&current, "id")?.to_owned();
    CLAIM_REPLACE
        .run(&ctx, current, &ops::REPLACE_OAUTH2_CLAIM, &[&args.auth_server_id, &id], &patch, claim_summary)
        .await
}

async fn delete_claim(ctx: ToolContext, args: ClaimArg) -> Result<ToolOutput, ToolError> {
    let current = fetch(&ctx, &ops::GET_OAUTH2_CLAIM, &[&args.auth_server_id, &args.claim_id]).await?;
    if is_system(&current) {
        return Err(ToolError::refused(format!(
            "cannot delete claim {}: it is a system claim, which Okta keeps. Nothing was changed.",
            named(&current)
        )));
    }
    let id = str_field(&current, "id")?;
    ctx.okta.send(&ops::DELETE_OAUTH2_CLAIM, &[&args.auth_server_id, id], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({"deleted": claim_summary(&current)})))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(value_type: ValueType, filter: Option<GroupFilter>) -> CreateClaimArgs {
        CreateClaimArgs {
            auth_server_id: "default".into(),
            name: "groups".into(),
            claim_type: ClaimType::Resource,
            value_type,
            value: ".*".into(),
            group_filter_type: filter,
            scopes: None,
            always_include: None,
        }
    }

    #[test]
    fn groups_claims_need_a_filter() {
        let body = claim_body(&args(ValueType::Groups, Some(GroupFilter::Regex))).unwrap_or_default();
        assert_eq!(body["valueType"], "GROUPS");
        assert_eq!(body["group_filter_type"], "REGEX");
        assert_eq!(body["claimType"], "RESOURCE");
        assert!(claim_body(&args(ValueType::Groups, None)).is_err());
        assert!(claim_body(&args(ValueType::Expression, Some(GroupFilter::Equals))).is_err());
        assert!(scope_name("a b").is_err());
    }
}
