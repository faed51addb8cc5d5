//! An app's credentials: signing keys, SAML metadata and the OAuth scopes granted to it.

use okta_core::Query;
use okta_mcp_kit::args::{check_id, str_field};
use okta_mcp_kit::ops;
use okta_mcp_kit::{
    Access, Field, ListView, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, list_output,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::{app_name, fetch_app};

/// Compact fields of a key: public metadata only (never key material).
const KEY_FIELDS: &[Field] = &[
    field("kid", "kid"),
    field("kty", "kty"),
    field("use", "use"),
    field("created", "created"),
    field("expiresAt", "expiresAt"),
];

const GRANT_FIELDS: &[Field] = &[
    field("scopeId", "scopeId"),
    field("status", "status"),
    field("source", "source"),
    field("issuer", "issuer"),
    field("created", "created"),
    field("id", "id"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_app_keys",
                title: "List app keys",
                description: "An app's signing keys (kid, expiry) as columns+rows; in_use marks the key the app \
                    signs with.",
                access: Access::Read,
                toolset: "credentials",
                operations: &[ops::GET_APPLICATION, ops::LIST_APPLICATION_KEYS],
            },
            list_app_keys,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_generate_app_key",
                title: "Generate app key",
                description: "New signing key valid 2-10 years; returns kid and expiry. Used once \
                    credentials.signing.kid is set to it.",
                access: Access::Write,
                toolset: "credentials",
                operations: &[ops::GENERATE_APPLICATION_KEY],
            },
            generate_app_key,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_app_metadata",
                title: "Get SAML metadata",
                description: "SAML IdP metadata XML of a SAML 2.0 app, for the service provider.",
                access: Access::Read,
                toolset: "credentials",
                operations: &[ops::GET_APPLICATION, ops::PREVIEW_SAML_METADATA_FOR_APPLICATION],
            },
            get_app_metadata,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_list_app_grants",
                title: "List app grants",
                description: "OAuth scopes granted to an app (e.g. okta.users.read for a service app), as \
                    columns+rows.",
                access: Access::Read,
                toolset: "credentials",
                operations: &[ops::LIST_SCOPE_CONSENT_GRANTS],
            },
            list_app_grants,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AppArg {
    /// App id (0oa…).
    app_id: String,
}

fn signing_kid(app: &Value) -> Option<&str> {
    app.pointer("/credentials/signing/kid").and_then(Value::as_str)
}

async fn list_app_keys(ctx: ToolContext, args: AppArg) -> Result<ToolOutput, ToolError> {
    let app = fetch_app(&ctx, &args.app_id).await?;
    let id = str_field(&app, "id")?;
    let keys = ctx.okta.get(&ops::LIST_APPLICATION_KEYS, &[id], &Query::new()).await?;
    let in_use = signing_kid(&app).map(str::to_owned);
    let items: Vec<Value> = keys
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut k| {
            let used = in_use.is_some() && k.get("kid").and_then(Value::as_str) == in_use.as_deref();
            k["in_use"] = json!(used);
            k
        })
        .collect();
    let view = ListView { fields: vec!["in_use".into()], detail: false };
    Ok(list_output(items, KEY_FIELDS, &view, None))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GenerateKeyArgs {
    /// App id (0oa…).
    app_id: String,
    /// How long the key is valid, in years (2-10).
    validity_years: u32,
}

async fn generate_app_key(ctx: ToolContext, args: GenerateKeyArgs) -> Result<ToolOutput, ToolError> {
    if !(2..=10).contains(&args.validity_years) {
        return Err(ToolError::invalid_arguments(format!(
            "validity_years must be 2 to 10 (Okta's range), got {}",
            args.validity_years
        )));
    }
    let key = ctx
        .okta
        .send(
            &ops::GENERATE_APPLICATION_KEY,
            &[&args.app_id],
            &Query::new().push("validityYears", args.validity_years),
            None,
        )
        .await?;
    // Only the key's public metadata: never key material, even if an answer carried some.
    let key = key.unwrap_or(Value::Null);
    Ok(ToolOutput::json(json!({
        "app_id": args.app_id,
        "kid": key.get("kid"),
        "created": key.get("created"),
        "expiresAt": key.get("expiresAt"),
        "kty": key.get("kty"),
        "use": key.get("use"),
        "next": "to sign with it, set credentials.signing.kid with okta_update_app",
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MetadataArgs {
    /// App id (0oa…).
    app_id: String,
    /// Key id to sign with (default: the app's current signing key).
    kid: Option<String>,
}

async fn get_app_metadata(ctx: ToolContext, args: MetadataArgs) -> Result<ToolOutput, ToolError> {
    if let Some(kid) = &args.kid {
        check_id("kid", kid)?;
    }
    let app = fetch_app(&ctx, &args.app_id).await?;
    let mode = app.get("signOnMode").and_then(Value::as_str).unwrap_or("unknown");
    if mode != "SAML_2_0" {
        return Err(ToolError::refused(format!(
            "app {} signs users in with {mode}, not SAML 2.0: only SAML_2_0 apps have SAML metadata.{}",
            app_name(&app),
            if mode == "OPENID_CONNECT" {
                " OIDC clients use the org's /.well-known/openid-configuration."
            } else {
                ""
            }
        )));
    }
    let kid = match args.kid.as_deref().or(signing_kid(&app)) {
        Some(kid) => kid.to_owned(),
        None => {
            return Err(ToolError::refused(format!(
                "app {} has no signing key (credentials.signing.kid): generate one with okta_generate_app_key",
                app_name(&app)
            )));
        }
    };
    let id = str_field(&app, "id")?;
    let xml = ctx
        .okta
        .get_text(
            &ops::PREVIEW_SAML_METADATA_FOR_APPLICATION,
            &[id],
            &Query::new().push("kid", &kid),
            "application/xml, text/xml",
        )
        .await?;
    Ok(ToolOutput::json(Value::String(xml)))
}

async fn list_app_grants(ctx: ToolContext, args: AppArg) -> Result<ToolOutput, ToolError> {
    let grants = ctx.okta.get(&ops::LIST_SCOPE_CONSENT_GRANTS, &[&args.app_id], &Query::new()).await?;
    let items = grants.as_array().cloned().unwrap_or_default();
    Ok(list_output(items, GRANT_FIELDS, &ListView::default(), None))
}
