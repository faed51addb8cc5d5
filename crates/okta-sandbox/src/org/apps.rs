//! Apps: sign-on modes and default settings, assignments of users and groups, signing keys, scope grants.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::ids::ts;

/// The sign-on modes the sandbox creates apps for (seed and `POST /api/v1/apps` accept any mode Okta's
/// schema lists, these are the ones with default settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOnMode {
    Bookmark,
    Saml2,
    /// OIDC with an `application_type`: `web`, `browser`, `native` or `service`.
    Oidc(&'static str),
}

/// An app's lifecycle status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppStatus {
    Active,
    Inactive,
}

impl AppStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AppStatus::Active => "ACTIVE",
            AppStatus::Inactive => "INACTIVE",
        }
    }
}

/// A directly assigned app user's own data (group-assigned users have none).
#[derive(Debug, Clone)]
pub struct AppUserData {
    pub created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    pub user_name: Option<String>,
    pub profile: Map<String, Value>,
}

/// A group assignment's data (its priority is its position in [`App::groups`]).
#[derive(Debug, Clone)]
pub struct GroupAssignmentData {
    pub last_updated: DateTime<Utc>,
    pub profile: Map<String, Value>,
}

/// A signing key credential of an app (public part only: the sandbox never has private material).
#[derive(Debug, Clone)]
pub struct AppKey {
    pub kid: String,
    pub created: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    /// base64url modulus (random bytes: the sandbox signs nothing).
    pub n: String,
    /// base64 "certificate" (random bytes).
    pub x5c: String,
}

impl AppKey {
    pub fn to_json(&self) -> Value {
        json!({
            "created": ts(&self.created),
            "lastUpdated": ts(&self.created),
            "expiresAt": ts(&self.expires),
            "kid": self.kid,
            "kty": "RSA",
            "use": "sig",
            "e": "AQAB",
            "n": self.n,
            "x5c": [self.x5c],
            "x5t#S256": format!("{}-sbx", &self.kid[..self.kid.len().min(20)]),
        })
    }
}

/// An OAuth 2.0 scope consent grant to an app.
#[derive(Debug, Clone)]
pub struct AppGrant {
    pub id: String,
    pub scope_id: String,
    pub issuer: String,
    pub created: DateTime<Utc>,
    pub created_by: String,
}

#[derive(Debug, Clone)]
pub struct App {
    /// Position in list order (pagination).
    pub seq: u64,
    pub id: String,
    pub name: String,
    pub label: String,
    pub status: AppStatus,
    pub created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    /// The writable part of the app object: `signOnMode`, `accessibility`, `visibility`, `credentials`,
    /// `settings`, `profile` (and whatever else the client sent), kept as given.
    pub config: Map<String, Value>,
    /// Assigned group ids, in priority order.
    pub groups: Vec<String>,
    pub group_data: HashMap<String, GroupAssignmentData>,
    /// Directly assigned user ids.
    pub users: Vec<String>,
    pub user_data: HashMap<String, AppUserData>,
    pub keys: Vec<AppKey>,
    pub grants: Vec<AppGrant>,
}

/// Default settings Okta fills in for an app of `mode` pointing at `url`.
pub fn default_config(
    mode: SignOnMode,
    label: &str,
    url: &str,
    client_id: &str,
    kid: Option<&str>,
) -> Map<String, Value> {
    let signing = match kid {
        Some(k) => json!({"kid": k}),
        None => json!({}),
    };
    let mut v = json!({
        "label": label,
        "accessibility": {"selfService": false},
        "visibility": {"autoSubmitToolbar": false, "autoLaunch": false, "hide": {"iOS": false, "web": false}, "appLinks": {"login": true}},
        "credentials": {"userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"}, "signing": signing},
    });
    let extra = match mode {
        SignOnMode::Bookmark => json!({
            "signOnMode": "BOOKMARK",
            "settings": {"app": {"url": url, "requestIntegration": false}, "implicitAssignment": false,
                         "notes": {"admin": null, "enduser": null}}
        }),
        SignOnMode::Saml2 => json!({
            "signOnMode": "SAML_2_0",
            "settings": {"app": {}, "implicitAssignment": false, "notes": {"admin": null, "enduser": null}, "signOn": {
                "defaultRelayState": null,
                "ssoAcsUrl": format!("{url}/saml/acs"),
                "idpIssuer": "http://www.okta.com/${org.externalKey}",
                "audience": format!("{url}/saml/metadata"),
                "recipient": format!("{url}/saml/acs"),
                "destination": format!("{url}/saml/acs"),
                "subjectNameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                "subjectNameIdTemplate": "${user.userName}",
                "responseSigned": true,
                "assertionSigned": true,
                "signatureAlgorithm": "RSA_SHA256",
                "digestAlgorithm": "SHA256",
                "honorForceAuthn": true,
                "authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
                "requestCompressed": false,
                "allowMultipleAcsEndpoints": false,
                "acsEndpoints": [],
                "attributeStatements": []
            }}
        }),
        SignOnMode::Oidc(app_type) => {
            let (grants, responses, auth, redirects): (&[&str], &[&str], &str, Vec<String>) = match app_type {
                "service" => (&["client_credentials"], &["token"], "client_secret_basic", vec![]),
                "browser" | "native" => {
                    (&["authorization_code"], &["code"], "none", vec![format!("{url}/login/callback")])
                }
                _ => (
                    &["authorization_code", "refresh_token"],
                    &["code"],
                    "client_secret_basic",
                    vec![format!("{url}/authorization-code/callback")],
                ),
            };
            let mut client = json!({
                "client_uri": url,
                "response_types": responses,
                "grant_types": grants,
                "application_type": app_type,
                "consent_method": "TRUSTED",
                "issuer_mode": "ORG_URL",
                "wildcard_redirect": "DISABLED",
                "dpop_bound_access_tokens": false
            });
            if app_type != "service"
                && let Some(obj) = client.as_object_mut()
            {
                obj.insert("redirect_uris".into(), json!(redirects));
                obj.insert("post_logout_redirect_uris".into(), json!([url]));
            }
            json!({
                "signOnMode": "OPENID_CONNECT",
                "credentials": {
                    "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
                    "signing": signing,
                    "oauthClient": {"client_id": client_id, "autoKeyRotation": true,
                                    "token_endpoint_auth_method": auth, "pkce_required": auth == "none"}
                },
                "settings": {"app": {}, "implicitAssignment": false, "notes": {"admin": null, "enduser": null},
                             "oauthClient": client}
            })
        }
    };
    let mut out = match v.take() {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if let Value::Object(extra) = extra {
        out.extend(extra);
    }
    out
}

impl App {
    pub fn sign_on_mode(&self) -> &str {
        self.config.get("signOnMode").and_then(Value::as_str).unwrap_or("BOOKMARK")
    }

    /// The kid of the key the app signs with (`credentials.signing.kid`).
    pub fn signing_kid(&self) -> Option<&str> {
        self.config.get("credentials").and_then(|c| c.pointer("/signing/kid")).and_then(Value::as_str)
    }

    pub fn to_json(&self, public: &str) -> Value {
        let base = format!("{public}/api/v1/apps/{}", self.id);
        let lifecycle = match self.status {
            AppStatus::Active => "deactivate",
            AppStatus::Inactive => "activate",
        };
        let mut links = json!({
            "self": {"href": base},
            "users": {"href": format!("{base}/users")},
            "groups": {"href": format!("{base}/groups")},
            "appLinks": [{"name": "login", "href": self.link_url(public), "type": "text/html"}],
            "logo": [{"name": "medium", "href": format!("{public}/img/logos/apps/{}.png", self.name), "type": "image/png"}],
            "uploadLogo": {"href": format!("{base}/logo"), "hints": {"allow": ["POST"]}},
        });
        if let Some(obj) = links.as_object_mut() {
            obj.insert(lifecycle.into(), json!({"href": format!("{base}/lifecycle/{lifecycle}")}));
            if self.sign_on_mode() == "SAML_2_0"
                && let Some(kid) = self.signing_kid()
            {
                obj.insert(
                    "metadata".into(),
                    json!({"href": format!("{base}/sso/saml/metadata?kid={kid}"),
                                                     "type": "application/xml"}),
                );
            }
        }
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        out.insert("name".into(), json!(self.name));
        out.insert("status".into(), json!(self.status.as_str()));
        out.insert("created".into(), json!(ts(&self.created)));
        out.insert("lastUpdated".into(), json!(ts(&self.last_updated)));
        out.insert("features".into(), json!([]));
        for (k, v) in &self.config {
            out.insert(k.clone(), v.clone());
        }
        out.insert("label".into(), json!(self.label));
        out.insert("orn".into(), json!(crate::org::governance::named_app_orn(&self.name, &self.id)));
        out.insert("_links".into(), links);
        Value::Object(out)
    }

    pub fn link_url(&self, public: &str) -> String {
        format!("{public}/home/{}/{}/login", self.name, self.id)
    }
}
