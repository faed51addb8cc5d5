//! Apps: find, read, create, change, activate, deactivate and delete them.

use okta_core::Query;
use okta_mcp_kit::args::{check_id, non_empty, str_field};
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::resource::{Named, Replace, delete_inactive, patch_from, transition};
use okta_mcp_kit::{Access, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use okta_mcp_kit::redact::redact;

use crate::app::{APP_FIELDS, app_name, app_summary, fetch_app};

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_apps",
                title: "List apps",
                description: "List apps as columns+rows; next_cursor when more. q: name/label prefix. filter: \
                    status eq \"INACTIVE\", name eq \"…\", user.id eq \"00u…\", group.id eq \"00g…\".",
                access: Access::Read,
                toolset: "apps",
                operations: &[ops::LIST_APPLICATIONS],
            },
            list_apps,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_app",
                title: "Get app",
                description: "One app: label, status, signOnMode, settings, credentials (secrets hidden).",
                access: Access::Read,
                toolset: "apps",
                operations: &[ops::GET_APPLICATION],
            },
            get_app,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_create_app",
                title: "Create app",
                description: "Create a bookmark (url), saml (sso_acs_url, audience), oidc_web|spa|native \
                    (redirect_uris) or oidc_service app; returns id and status.",
                access: Access::Write,
                toolset: "apps",
                operations: &[ops::CREATE_APPLICATION],
            },
            create_app,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_update_app",
                title: "Update app",
                description: "Change an app's label or settings; all else is kept (reads, merges, sends it \
                    whole). Shows what changed.",
                access: Access::Write,
                toolset: "apps",
                operations: &[ops::GET_APPLICATION, ops::REPLACE_APPLICATION],
            },
            update_app,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_activate_app",
                title: "Activate app",
                description: "Activate an INACTIVE app: assigned users can sign in to it again.",
                access: Access::Write,
                toolset: "apps",
                operations: &[ops::GET_APPLICATION, ops::ACTIVATE_APPLICATION],
            },
            activate_app,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_deactivate_app",
                title: "Deactivate app",
                description: "Deactivate an ACTIVE app: nobody can sign in to it; assignments are kept.",
                access: Access::Destructive,
                toolset: "apps",
                operations: &[ops::GET_APPLICATION, ops::DEACTIVATE_APPLICATION],
            },
            deactivate_app,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_delete_app",
                title: "Delete app",
                description: "Delete an INACTIVE app and its assignments (Okta refuses ACTIVE apps: deactivate \
                    first). Cannot be undone.",
                access: Access::Destructive,
                toolset: "apps",
                operations: &[ops::GET_APPLICATION, ops::DELETE_APPLICATION],
            },
            delete_app,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListAppsArgs {
    /// Name or label prefix.
    q: Option<String>,
    /// Filter expression (see description).
    filter: Option<String>,
    /// user/{userId}, with filter user.id eq it: embeds the app user.
    expand: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_apps(ctx: ToolContext, args: ListAppsArgs) -> Result<ToolOutput, ToolError> {
    let expand = non_empty("expand", args.expand.as_deref())?;
    if let Some(expand) = expand {
        let user = expand.strip_prefix("user/").ok_or_else(|| {
            ToolError::invalid_arguments(format!("expand `{expand}`: Okta only supports user/{{userId}}"))
        })?;
        check_id("expand", user)?;
        if !args.filter.as_deref().is_some_and(|f| f.contains("user.id")) {
            return Err(ToolError::invalid_arguments(format!(
                "expand user/{user} needs filter: user.id eq \"{user}\" (Okta's rule)"
            )));
        }
    }
    let query = Query::new()
        .opt("q", non_empty("q", args.q.as_deref())?)
        .opt("filter", non_empty("filter", args.filter.as_deref())?)
        .opt("expand", expand);
    args.page.list(&ctx, &ops::LIST_APPLICATIONS, &[], query, APP_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AppArg {
    /// App id (0oa…).
    app_id: String,
}

async fn get_app(ctx: ToolContext, args: AppArg) -> Result<ToolOutput, ToolError> {
    Ok(ToolOutput::json(redact(strip_links(fetch_app(&ctx, &args.app_id).await?))))
}

/// The kinds of app `okta_create_app` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppKind {
    Bookmark,
    Saml,
    OidcWeb,
    OidcSpa,
    OidcNative,
    OidcService,
}

/// SAML NameID formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum NameIdFormat {
    Unspecified,
    EmailAddress,
    Persistent,
    Transient,
}

impl NameIdFormat {
    fn urn(self) -> &'static str {
        match self {
            NameIdFormat::Unspecified => "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
            NameIdFormat::EmailAddress => "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
            NameIdFormat::Persistent => "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            NameIdFormat::Transient => "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateAppArgs {
    /// What to create.
    kind: AppKind,
    /// Display name.
    label: String,
    /// URL it opens (bookmark).
    url: Option<String>,
    /// ACS URL (saml).
    sso_acs_url: Option<String>,
    /// Audience / SP entity id (saml).
    audience: Option<String>,
    /// NameID format (saml).
    name_id_format: Option<NameIdFormat>,
    /// Sign-in redirect URIs (oidc).
    redirect_uris: Option<Vec<String>>,
    /// Sign-out redirect URIs (oidc).
    post_logout_redirect_uris: Option<Vec<String>>,
    /// Activate now (default true).
    activate: Option<bool>,
}

fn web_url(name: &str, value: &str) -> Result<(), ToolError> {
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() > 8
        && value.len() <= 1024
        && !value.contains(char::is_whitespace);
    if ok { Ok(()) } else { Err(ToolError::invalid_arguments(format!("{name} must be an http(s) URL, got {value:?}"))) }
}

fn redirect_uri(name: &str, value: &str, native: bool) -> Result<(), ToolError> {
    if native {
        // Native apps may use a private-use scheme (com.example.app:/callback).
        let ok = value.contains(':') && !value.contains(char::is_whitespace) && value.len() <= 1024;
        return if ok { Ok(()) } else { Err(ToolError::invalid_arguments(format!("{name}: {value:?} is not a URI"))) };
    }
    web_url(name, value)
}

/// Check the fields the kind needs (and refuse those it does not take), then build Okta's app object.
pub fn create_body(args: &CreateAppArgs) -> Result<Value, ToolError> {
    let label = args.label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(ToolError::invalid_arguments("label must be 1 to 100 characters"));
    }
    let given: Vec<&str> = [
        ("url", args.url.is_some()),
        ("sso_acs_url", args.sso_acs_url.is_some()),
        ("audience", args.audience.is_some()),
        ("name_id_format", args.name_id_format.is_some()),
        ("redirect_uris", args.redirect_uris.is_some()),
        ("post_logout_redirect_uris", args.post_logout_redirect_uris.is_some()),
    ]
    .into_iter()
    .filter_map(|(n, set)| set.then_some(n))
    .collect();
    let takes: &[&str] = match args.kind {
        AppKind::Bookmark => &["url"],
        AppKind::Saml => &["sso_acs_url", "audience", "name_id_format"],
        AppKind::OidcWeb | AppKind::OidcSpa | AppKind::OidcNative => &["redirect_uris", "post_logout_redirect_uris"],
        AppKind::OidcService => &[],
    };
    if let Some(extra) = given.iter().find(|g| !takes.contains(g)) {
        return Err(ToolError::invalid_arguments(format!(
            "{extra} does not apply to kind {:?}; it takes: {}",
            args.kind,
            if takes.is_empty() { "label only".to_owned() } else { takes.join(", ") }
        )));
    }
    let required = |name: &str, v: &Option<String>| -> Result<String, ToolError> {
        match v.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => Ok(s.to_owned()),
            _ => Err(ToolError::invalid_arguments(format!("kind {:?} needs {name}", args.kind))),
        }
    };
    let body = match args.kind {
        AppKind::Bookmark => {
            let url = required("url", &args.url)?;
            web_url("url", &url)?;
            json!({"name": "bookmark", "label": label, "signOnMode": "BOOKMARK",
                   "settings": {"app": {"url": url, "requestIntegration": false}}})
        }
        AppKind::Saml => {
            let acs = required("sso_acs_url", &args.sso_acs_url)?;
            web_url("sso_acs_url", &acs)?;
            let audience = required("audience", &args.audience)?;
            let format = args.name_id_format.unwrap_or(NameIdFormat::Unspecified).urn();
            json!({"label": label, "signOnMode": "SAML_2_0", "settings": {"signOn": {
                "ssoAcsUrl": acs, "recipient": acs, "destination": acs, "audience": audience,
                "idpIssuer": "http://www.okta.com/${org.externalKey}",
                "subjectNameIdTemplate": "${user.userName}", "subjectNameIdFormat": format,
                "responseSigned": true, "assertionSigned": true, "signatureAlgorithm": "RSA_SHA256",
                "digestAlgorithm": "SHA256", "honorForceAuthn": true,
                "authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
                "requestCompressed": false, "allowMultipleAcsEndpoints": false, "attributeStatements": []
            }}})
        }
        kind => {
            let (app_type, auth, grants, responses): (&str, &str, &[&str], &[&str]) = match kind {
                AppKind::OidcWeb => ("web", "client_secret_basic", &["authorization_code", "refresh_token"], &["code"]),
                AppKind::OidcSpa => ("browser", "none", &["authorization_code"], &["code"]),
                AppKind::OidcNative => ("native", "none", &["authorization_code", "refresh_token"], &["code"]),
                _ => ("service", "client_secret_basic", &["client_credentials"], &["token"]),
            };
            let mut client = json!({"application_type": app_type, "grant_types": grants,
                                    "response_types": responses, "consent_method": "TRUSTED",
                                    "issuer_mode": "ORG_URL"});
            if kind != AppKind::OidcService {
                let uris = args.redirect_uris.clone().unwrap_or_default();
                if uris.is_empty() {
                    return Err(ToolError::invalid_arguments(format!(
                        "kind {kind:?} needs redirect_uris (at least one)"
                    )));
                }
                let native = kind == AppKind::OidcNative;
                for u in &uris {
                    redirect_uri("redirect_uris", u, native)?;
                }
                let logout = args.post_logout_redirect_uris.clone().unwrap_or_default();
                for u in &logout {
                    redirect_uri("post_logout_redirect_uris", u, native)?;
                }
                client["redirect_uris"] = json!(uris);
                if !logout.is_empty() {
                    client["post_logout_redirect_uris"] = json!(logout);
                }
            }
            let mut oauth = json!({"token_endpoint_auth_method": auth});
            if auth == "none" {
                oauth["pkce_required"] = json!(true);
            }
            json!({"name": "oidc_client", "label": label, "signOnMode": "OPENID_CONNECT",
                   "credentials": {"oauthClient": oauth}, "settings": {"oauthClient": client}})
        }
    };
    Ok(body)
}

async fn create_app(ctx: ToolContext, args: CreateAppArgs) -> Result<ToolOutput, ToolError> {
    let body = create_body(&args)?;
    let query = Query::new().push("activate", args.activate.unwrap_or(true));
    let app = ctx.okta.send(&ops::CREATE_APPLICATION, &[], &query, Some(&body)).await?.unwrap_or_default();
    let mut out = json!({ "created": app_summary(&app) });
    if let Some(client_id) = app.pointer("/credentials/oauthClient/client_id") {
        out["created"]["client_id"] = client_id.clone();
    }
    if app.pointer("/credentials/oauthClient/client_secret").is_some_and(|s| !s.is_null()) {
        out["note"] = json!("The client secret is not shown: copy it from the app's General tab in the Admin Console.");
    }
    Ok(ToolOutput::json(out))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateAppArgs {
    /// App id (0oa…).
    app_id: String,
    /// New label.
    label: Option<String>,
    /// Merge patch of the app object, e.g. {"settings":{"app":{"url":"…"}}}; null removes.
    changes: Option<Value>,
}

/// How okta_update_app replaces an app: properties an update cannot set (besides the kit's common ones), and
/// what Okta returns but a PUT does not take.
const APP_REPLACE: Replace = Replace {
    what: "app",
    fixed: &[
        ("name", "is fixed when the app is created"),
        ("signOnMode", "is fixed when the app is created"),
        ("status", "changes with okta_activate_app / okta_deactivate_app"),
        ("features", "is read-only"),
        ("orn", "is read-only"),
    ],
    read_only: &[
        "id",
        "status",
        "created",
        "lastUpdated",
        "features",
        "orn",
        "universalLogout",
        "expressConfiguration",
    ],
    required: &["label"],
};

/// The merge patch of okta_update_app: `changes` with `label` (checked) on top; the OIDC client's id and secret
/// are not changed here.
fn app_patch(label: Option<&str>, changes: Option<&Value>) -> Result<Map<String, Value>, ToolError> {
    if label.is_none() && changes.is_none_or(|c| c.as_object().is_some_and(Map::is_empty)) {
        return Err(ToolError::invalid_arguments("give label and/or changes"));
    }
    if let Some(label) = label
        && (label.trim().is_empty() || label.chars().count() > 100)
    {
        return Err(ToolError::invalid_arguments("label must be 1 to 100 characters"));
    }
    let patch = patch_from(changes, vec![("label", label.map(Value::from))])?;
    if patch
        .get("credentials")
        .and_then(|c| c.get("oauthClient"))
        .is_some_and(|o| o.as_object().is_some_and(|o| o.contains_key("client_id") || o.contains_key("client_secret")))
    {
        return Err(ToolError::invalid_arguments("the OIDC client id and secret cannot be changed here"));
    }
    Ok(patch)
}

async fn update_app(ctx: ToolContext, args: UpdateAppArgs) -> Result<ToolOutput, ToolError> {
    check_id("app_id", &args.app_id)?;
    let before = fetch_app(&ctx, &args.app_id).await?;
    let patch = app_patch(args.label.as_deref(), args.changes.as_ref())?;
    let id = str_field(&before, "id")?.to_owned();
    APP_REPLACE.run(&ctx, before, &ops::REPLACE_APPLICATION, &[&id], &patch, app_summary).await
}

async fn lifecycle(ctx: ToolContext, app_id: &str, activate: bool) -> Result<ToolOutput, ToolError> {
    let app = fetch_app(&ctx, app_id).await?;
    let id = str_field(&app, "id")?;
    let change = if activate { &ops::ACTIVATE_APPLICATION } else { &ops::DEACTIVATE_APPLICATION };
    transition(&ctx, "app", &app, activate, change, &[id], app_summary).await
}

async fn activate_app(ctx: ToolContext, args: AppArg) -> Result<ToolOutput, ToolError> {
    lifecycle(ctx, &args.app_id, true).await
}

async fn deactivate_app(ctx: ToolContext, args: AppArg) -> Result<ToolOutput, ToolError> {
    lifecycle(ctx, &args.app_id, false).await
}

async fn delete_app(ctx: ToolContext, args: AppArg) -> Result<ToolOutput, ToolError> {
    let app = fetch_app(&ctx, &args.app_id).await?;
    let id = str_field(&app, "id")?;
    let what = Named { kind: "app", name: &app_name(&app) };
    let deactivate = ("okta_deactivate_app", "its users lose access");
    delete_inactive(&ctx, what, &app, deactivate, (&ops::DELETE_APPLICATION, &[id]), app_summary).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app object okta_update_app sends: the current one with the patch applied.
    fn updated_app(current: &Value, label: Option<&str>, changes: Option<&Value>) -> Result<Value, ToolError> {
        APP_REPLACE.merged(current, &app_patch(label, changes)?)
    }

    fn put_body(app: &Value) -> Value {
        APP_REPLACE.body(app)
    }

    fn args(kind: AppKind) -> CreateAppArgs {
        CreateAppArgs {
            kind,
            label: "Example".into(),
            url: None,
            sso_acs_url: None,
            audience: None,
            name_id_format: None,
            redirect_uris: None,
            post_logout_redirect_uris: None,
            activate: None,
        }
    }

    fn error(result: Result<Value, ToolError>) -> String {
        result.err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn each_kind_needs_its_fields() {
        assert!(error(create_body(&args(AppKind::Bookmark))).contains("needs url"));
        assert!(error(create_body(&args(AppKind::Saml))).contains("needs sso_acs_url"));
        assert!(error(create_body(&args(AppKind::OidcWeb))).contains("needs redirect_uris"));
        let wrong = CreateAppArgs { url: Some("https://x.example".into()), ..args(AppKind::Saml) };
        assert!(error(create_body(&wrong)).contains("url does not apply"));
        let service = CreateAppArgs { redirect_uris: Some(vec!["https://x".into()]), ..args(AppKind::OidcService) };
        assert!(error(create_body(&service)).contains("does not apply"));
        let bad = CreateAppArgs { url: Some("ftp://x".into()), ..args(AppKind::Bookmark) };
        assert!(error(create_body(&bad)).contains("http(s) URL"));
    }

    #[test]
    fn bodies_follow_oktas_shapes() {
        let saml = CreateAppArgs {
            sso_acs_url: Some("https://sp.example.com/acs".into()),
            audience: Some("urn:sp".into()),
            ..args(AppKind::Saml)
        };
        let body = create_body(&saml).unwrap_or_default();
        assert_eq!(body["signOnMode"], "SAML_2_0");
        assert!(body.get("name").is_none(), "Okta names custom SAML apps");
        assert_eq!(body["settings"]["signOn"]["recipient"], "https://sp.example.com/acs");
        let spa =
            CreateAppArgs { redirect_uris: Some(vec!["https://spa.example.com/cb".into()]), ..args(AppKind::OidcSpa) };
        let body = create_body(&spa).unwrap_or_default();
        assert_eq!(body["settings"]["oauthClient"]["application_type"], "browser");
        assert_eq!(body["credentials"]["oauthClient"]["token_endpoint_auth_method"], "none");
        let native =
            CreateAppArgs { redirect_uris: Some(vec!["com.example.app:/cb".into()]), ..args(AppKind::OidcNative) };
        assert!(create_body(&native).is_ok());
        let body = create_body(&args(AppKind::OidcService)).unwrap_or_default();
        assert_eq!(body["settings"]["oauthClient"]["grant_types"], json!(["client_credentials"]));
    }

    #[test]
    fn update_merges_and_refuses_fixed_fields() {
        let app = json!({"id": "0oa1", "label": "Wiki", "signOnMode": "BOOKMARK", "_links": {},
                         "settings": {"app": {"url": "https://a", "requestIntegration": false}}});
        let next =
            updated_app(&app, None, Some(&json!({"settings": {"app": {"url": "https://b"}}}))).unwrap_or_default();
        assert_eq!(next["settings"]["app"], json!({"url": "https://b", "requestIntegration": false}));
        assert_eq!(next["label"], "Wiki");
        assert!(next.get("_links").is_none());
        assert!(put_body(&next).get("id").is_none());
        assert!(error(updated_app(&app, None, Some(&json!({"status": "INACTIVE"})))).contains("okta_deactivate_app"));
        assert!(error(updated_app(&app, None, None)).contains("give label"));
        assert!(error(updated_app(&app, None, Some(&json!([1])))).contains("JSON object"));
    }

    /// The PUT okta_update_app sends, classified by the kit's effects rules against the app as it was read.
    fn escalates(before: &Value, patch: Value) -> bool {
        let after = updated_app(before, None, Some(&patch)).unwrap_or_default();
        let body = put_body(&after);
        let change = okta_mcp_kit::effects::Change {
            method: "PUT",
            path: "/api/v1/apps/0oa1",
            query: &[],
            body: Some(&body),
            current: Some(before),
        };
        okta_mcp_kit::effects::escalation(&change).is_some()
    }

    #[test]
    fn credential_and_jwks_changes_are_destructive_by_effect() {
        let before = json!({"id": "0oa1", "name": "oidc_client", "label": "A", "status": "ACTIVE",
                            "signOnMode": "OPENID_CONNECT", "_links": {"self": {"href": "x"}},
                            "credentials": {"oauthClient": {"client_id": "0oa1", "token_endpoint_auth_method": "private_key_jwt"}},
                            "settings": {"oauthClient": {"redirect_uris": ["https://a.example/cb"],
                                         "jwks": {"keys": [{"kty": "EC", "kid": "a", "crv": "P-256", "x": "x", "y": "y"}]}}}});
        assert!(!escalates(&before, json!({"label": "B"})));
        assert!(!escalates(&before, json!({"settings": {"oauthClient": {"redirect_uris": ["https://b.example/cb"]}}})));
        assert!(escalates(
            &before,
            json!({"credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_basic"}}})
        ));
        assert!(escalates(&before, json!({"credentials": {"signing": {"kid": "new-kid"}}})));
        assert!(escalates(&before, json!({"settings": {"oauthClient": {"jwks": {"keys": []}}}})));
        assert!(escalates(
            &before,
            json!({"settings": {"oauthClient": {"jwks_uri": "https://attacker.example/jwks"}}})
        ));
    }
}
