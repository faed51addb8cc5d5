//! Custom authorization servers: find, read, create, change, deactivate, delete; signing keys and rotation.

use okta_core::Query;
use okta_mcp_kit::args::text;
use okta_mcp_kit::args::{non_empty, str_field};
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{
    Access, Field, ListArgs, ListView, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, list_output,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::objects::{fetch, named, non_empty_list};
use okta_mcp_kit::resource::{Named, Replace, delete_inactive, patch_from, status, transition};

const SERVER_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("status", "status"),
    field("audiences", "audiences"),
    field("issuer", "issuer"),
    field("description", "description"),
];

const KEY_FIELDS: &[Field] =
    &[field("kid", "kid"), field("status", "status"), field("alg", "alg"), field("kty", "kty"), field("use", "use")];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_auth_servers",
                title: "List auth servers",
                description: "Authorization servers as columns+rows (the org's default: id `default`); q: name prefix.",
                access: Access::Read,
                toolset: "auth-servers",
                operations: &[ops::LIST_AUTHORIZATION_SERVERS],
            },
            list_auth_servers,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_auth_server",
                title: "Get auth server",
                description: "One authorization server: issuer, audiences, status, key rotation.",
                access: Access::Read,
                toolset: "auth-servers",
                operations: &[ops::GET_AUTHORIZATION_SERVER],
            },
            get_auth_server,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_create_auth_server",
                title: "Create auth server",
                description: "Create a custom authorization server (ACTIVE, with OIDC system scopes).",
                access: Access::Write,
                toolset: "auth-servers",
                operations: &[ops::CREATE_AUTHORIZATION_SERVER],
            },
            create_auth_server,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_update_auth_server",
                title: "Update auth server",
                description: "Change name, description, audiences; the rest is kept. Shows changes.",
                access: Access::Write,
                toolset: "auth-servers",
                operations: &[ops::GET_AUTHORIZATION_SERVER, ops::REPLACE_AUTHORIZATION_SERVER],
            },
            update_auth_server,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_deactivate_auth_server",
                title: "Deactivate auth server",
                description: "Deactivate an authorization server: it stops issuing tokens.",
                access: Access::Destructive,
                toolset: "auth-servers",
                operations: &[ops::GET_AUTHORIZATION_SERVER, ops::DEACTIVATE_AUTHORIZATION_SERVER],
            },
            deactivate_auth_server,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_delete_auth_server",
                title: "Delete auth server",
                description: "Delete an INACTIVE authorization server (not `default`) and all it holds.",
                access: Access::Destructive,
                toolset: "auth-servers",
                operations: &[ops::GET_AUTHORIZATION_SERVER, ops::DELETE_AUTHORIZATION_SERVER],
            },
            delete_auth_server,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_rotate_auth_server_keys",
                title: "Rotate auth server keys",
                description: "Rotate signing keys: NEXT becomes ACTIVE, ACTIVE becomes EXPIRED.",
                access: Access::Write,
                toolset: "auth-servers",
                operations: &[ops::LIST_AUTHORIZATION_SERVER_KEYS, ops::ROTATE_AUTHORIZATION_SERVER_KEYS],
            },
            rotate_keys,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_list_auth_server_keys",
                title: "List auth server keys",
                description: "Signing keys (kid, ACTIVE/NEXT/EXPIRED); no key material.",
                access: Access::Read,
                toolset: "auth-servers",
                operations: &[ops::LIST_AUTHORIZATION_SERVER_KEYS],
            },
            list_keys,
        ),
    ]
}

/// Which authorization server, in one line of JSON.
pub fn server_summary(s: &Value) -> Value {
    json!({"id": s.get("id"), "name": s.get("name"), "status": s.get("status"), "audiences": s.get("audiences"),
           "issuer": s.get("issuer")})
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListServersArgs {
    /// Name prefix.
    q: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_auth_servers(ctx: ToolContext, args: ListServersArgs) -> Result<ToolOutput, ToolError> {
    let query = Query::new().opt("q", non_empty("q", args.q.as_deref())?);
    args.page.list(&ctx, &ops::LIST_AUTHORIZATION_SERVERS, &[], query, SERVER_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ServerArg {
    /// Auth server id (aus…, or default).
    auth_server_id: String,
}

async fn get_auth_server(ctx: ToolContext, args: ServerArg) -> Result<ToolOutput, ToolError> {
    Ok(ToolOutput::json(strip_links(fetch(&ctx, &ops::GET_AUTHORIZATION_SERVER, &[&args.auth_server_id]).await?)))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateServerArgs {
    /// Name.
    name: String,
    /// e.g. ["api://orders"].
    audiences: Vec<String>,
    /// Description.
    description: Option<String>,
}

async fn create_auth_server(ctx: ToolContext, args: CreateServerArgs) -> Result<ToolOutput, ToolError> {
    text("name", &args.name, 100)?;
    non_empty_list("audiences", &args.audiences)?;
    let mut body = json!({"name": args.name.trim(), "audiences": args.audiences});
    if let Some(d) = non_empty("description", args.description.as_deref())? {
        body["description"] = json!(d);
    }
    let created = ctx.okta.send(&ops::CREATE_AUTHORIZATION_SERVER, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({"created": server_summary(&created.unwrap_or_default())})))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateServerArgs {
    /// Auth server id.
    auth_server_id: String,
    /// New name.
    name: Option<String>,
    /// New description.
    description: Option<String>,
    /// New audiences.
    audiences: Option<Vec<String>>,
    /// Merge patch; null removes.
    changes: Option<Value>,
}

const SERVER_REPLACE: Replace = Replace {
    what: "auth_server",
    fixed: &[
        ("status", "changes with okta_deactivate_auth_server"),
        ("issuer", "is derived from issuerMode"),
        ("credentials", "changes with okta_rotate_auth_server_keys"),
    ],
    read_only: &["id", "status", "created", "lastUpdated", "issuer", "credentials", "jwks", "jwks_uri"],
    required: &["name", "audiences"],
};

async fn update_auth_server(ctx: ToolContext, args: UpdateServerArgs) -> Result<ToolOutput, ToolError> {
    if let Some(a) = &args.audiences {
        non_empty_list("audiences", a)?;
    }
    let patch = patch_from(
        args.changes.as_ref(),
        vec![
            ("name", args.name.map(Value::from)),
            ("description", args.description.map(Value::from)),
            ("audiences", args.audiences.map(|a| json!(a))),
        ],
    )?;
    let current = fetch(&ctx, &ops::GET_AUTHORIZATION_SERVER, &[&args.auth_server_id]).await?;
    let id = str_field(&current, "id")?.to_owned();
    SERVER_REPLACE.run(&ctx, current, &ops::REPLACE_AUTHORIZATION_SERVER, &[&id], &patch, server_summary).await
}

async fn deactivate_auth_server(ctx: ToolContext, args: ServerArg) -> Result<ToolOutput, ToolError> {
    let current = fetch(&ctx, &ops::GET_AUTHORIZATION_SERVER, &[&args.auth_server_id]).await?;
    let id = str_field(&current, "id")?;
    transition(&ctx, "object", &current, false, &ops::DEACTIVATE_AUTHORIZATION_SERVER, &[id], server_summary).await
}

async fn delete_auth_server(ctx: ToolContext, args: ServerArg) -> Result<ToolOutput, ToolError> {
    let current = fetch(&ctx, &ops::GET_AUTHORIZATION_SERVER, &[&args.auth_server_id]).await?;
    let id = str_field(&current, "id")?;
    if id == "default" {
        return Err(ToolError::refused(format!(
            "cannot delete {}: it is the org's default authorization server, which Okta keeps. Deactivate it \
             with okta_deactivate_auth_server if no app should get tokens from it. Nothing was changed.",
            named(&current)
        )));
    }
    let what = Named { kind: "authorization server", name: &named(&current) };
    let deactivate = ("okta_deactivate_auth_server", "apps using it stop getting tokens");
    let delete = (&ops::DELETE_AUTHORIZATION_SERVER, &[id][..]);
    delete_inactive(&ctx, what, &current, deactivate, delete, server_summary).await
}

fn kid_with(keys: &Value, wanted: &str) -> Option<String> {
    keys.as_array()?
        .iter()
        .find(|k| status(k) == wanted)
        .and_then(|k| k.get("kid"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

async fn rotate_keys(ctx: ToolContext, args: ServerArg) -> Result<ToolOutput, ToolError> {
    let before = ctx.okta.get(&ops::LIST_AUTHORIZATION_SERVER_KEYS, &[&args.auth_server_id], &Query::new()).await?;
    let rotate = &ops::ROTATE_AUTHORIZATION_SERVER_KEYS;
    let after = ctx.okta.send(rotate, &[&args.auth_server_id], &Query::new(), Some(&json!({"use": "sig"}))).await?;
    let after = after.unwrap_or_default();
    let keys: Vec<Value> = after
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|k| json!({"kid": k.get("kid"), "status": k.get("status")}))
        .collect();
    Ok(ToolOutput::json(json!({
        "auth_server_id": args.auth_server_id,
        "active_kid_before": kid_with(&before, "ACTIVE"),
        "active_kid_now": kid_with(&after, "ACTIVE"),
        "keys": keys,
        "note": "tokens are now signed with the new ACTIVE key; clients that cache the JWKS must fetch it again",
    })))
}

async fn list_keys(ctx: ToolContext, args: ServerArg) -> Result<ToolOutput, ToolError> {
    let keys = ctx.okta.get(&ops::LIST_AUTHORIZATION_SERVER_KEYS, &[&args.auth_server_id], &Query::new()).await?;
    Ok(list_output(keys.as_array().cloned().unwrap_or_default(), KEY_FIELDS, &ListView::default(), None))
}
