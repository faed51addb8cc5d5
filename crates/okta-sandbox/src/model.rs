//! The in-memory org: users, groups, apps, factors, sessions, role assignments and the System Log,
//! with their JSON renderings (shaped after the Management API's response schemas).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::ids::{self, ts};

/// An Okta user lifecycle status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserStatus {
    Staged,
    Provisioned,
    Active,
    Recovery,
    PasswordExpired,
    LockedOut,
    Suspended,
    Deprovisioned,
}

impl UserStatus {
    pub const ALL: [UserStatus; 8] = [
        UserStatus::Staged,
        UserStatus::Provisioned,
        UserStatus::Active,
        UserStatus::Recovery,
        UserStatus::PasswordExpired,
        UserStatus::LockedOut,
        UserStatus::Suspended,
        UserStatus::Deprovisioned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Staged => "STAGED",
            UserStatus::Provisioned => "PROVISIONED",
            UserStatus::Active => "ACTIVE",
            UserStatus::Recovery => "RECOVERY",
            UserStatus::PasswordExpired => "PASSWORD_EXPIRED",
            UserStatus::LockedOut => "LOCKED_OUT",
            UserStatus::Suspended => "SUSPENDED",
            UserStatus::Deprovisioned => "DEPROVISIONED",
        }
    }
}

/// A user lifecycle operation (`POST /api/v1/users/{id}/lifecycle/{op}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Activate,
    Deactivate,
    Suspend,
    Unsuspend,
    Unlock,
    Reactivate,
    ExpirePassword,
    ResetPassword,
    ResetFactors,
}

impl Lifecycle {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "activate" => Lifecycle::Activate,
            "deactivate" => Lifecycle::Deactivate,
            "suspend" => Lifecycle::Suspend,
            "unsuspend" => Lifecycle::Unsuspend,
            "unlock" => Lifecycle::Unlock,
            "reactivate" => Lifecycle::Reactivate,
            "expire_password" => Lifecycle::ExpirePassword,
            "reset_password" => Lifecycle::ResetPassword,
            "reset_factors" => Lifecycle::ResetFactors,
            _ => return None,
        })
    }

    /// System Log event type and display message for this operation.
    pub fn event(self) -> (&'static str, &'static str) {
        match self {
            Lifecycle::Activate => ("user.lifecycle.activate", "Activate Okta user"),
            Lifecycle::Deactivate => ("user.lifecycle.deactivate", "Deactivate Okta user"),
            Lifecycle::Suspend => ("user.lifecycle.suspend", "Suspend Okta user"),
            Lifecycle::Unsuspend => ("user.lifecycle.unsuspend", "Unsuspend Okta user"),
            Lifecycle::Unlock => ("user.account.unlock", "Unlock user account"),
            Lifecycle::Reactivate => ("user.lifecycle.reactivate", "Reactivate Okta user"),
            Lifecycle::ExpirePassword => ("user.account.expire_password", "Expire user password"),
            Lifecycle::ResetPassword => ("user.account.reset_password", "Reset user password"),
            Lifecycle::ResetFactors => ("user.mfa.factor.reset_all", "Reset all factors for user"),
        }
    }
}

/// Okta's preconditions for a lifecycle operation: the status after it, or the error Okta answers.
pub fn transition(status: UserStatus, op: Lifecycle, has_password: bool) -> Result<UserStatus, ApiError> {
    use UserStatus::*;
    match op {
        Lifecycle::Activate => match status {
            Staged | Deprovisioned => Ok(if has_password { Active } else { Provisioned }),
            Active => Err(ApiError::already_active()),
            _ => Err(ApiError::wrong_status()),
        },
        Lifecycle::Reactivate => match status {
            Provisioned => Ok(Provisioned),
            _ => Err(ApiError::wrong_status()),
        },
        Lifecycle::Deactivate => match status {
            Deprovisioned => Err(ApiError::wrong_status()),
            _ => Ok(Deprovisioned),
        },
        Lifecycle::Suspend => match status {
            Active => Ok(Suspended),
            _ => Err(ApiError::validation(
                "Cannot suspend a user that is not active",
                "Cannot suspend a user that is not active",
            )),
        },
        Lifecycle::Unsuspend => match status {
            Suspended => Ok(Active),
            _ => Err(ApiError::validation(
                "Cannot unsuspend a user that is not suspended",
                "Cannot unsuspend a user that is not suspended",
            )),
        },
        Lifecycle::Unlock => match status {
            LockedOut => Ok(Active),
            _ => Err(ApiError::unlock_forbidden()),
        },
        Lifecycle::ExpirePassword => match status {
            Active | Recovery | PasswordExpired | LockedOut => Ok(PasswordExpired),
            _ => Err(ApiError::wrong_status()),
        },
        Lifecycle::ResetPassword => match status {
            Active | Recovery | PasswordExpired | LockedOut | Provisioned => Ok(Recovery),
            _ => Err(ApiError::wrong_status()),
        },
        Lifecycle::ResetFactors => match status {
            Staged | Deprovisioned => Err(ApiError::wrong_status()),
            other => Ok(other),
        },
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub seq: u64,
    pub id: String,
    pub status: UserStatus,
    pub created: DateTime<Utc>,
    pub activated: Option<DateTime<Utc>>,
    pub status_changed: Option<DateTime<Utc>>,
    pub last_login: Option<DateTime<Utc>>,
    pub last_updated: DateTime<Utc>,
    pub password_changed: Option<DateTime<Utc>>,
    pub profile: Map<String, Value>,
    pub provider: String,
    pub has_password: bool,
    pub recovery_question: Option<String>,
}

impl User {
    pub fn login(&self) -> String {
        self.profile.get("login").and_then(Value::as_str).unwrap_or_default().to_string()
    }

    pub fn display_name(&self) -> String {
        let f = self.profile.get("firstName").and_then(Value::as_str).unwrap_or("");
        let l = self.profile.get("lastName").and_then(Value::as_str).unwrap_or("");
        format!("{f} {l}").trim().to_string()
    }

    pub fn to_json(&self, public: &str) -> Value {
        let base = format!("{public}/api/v1/users/{}", self.id);
        let mut links = Map::new();
        links.insert("self".into(), json!({ "href": base }));
        let lc = |op: &str| json!({ "href": format!("{base}/lifecycle/{op}"), "hints": {"allow": ["POST"]} });
        let names: &[(&str, &str)] = match self.status {
            UserStatus::Staged => &[("activate", "activate"), ("deactivate", "deactivate")],
            UserStatus::Provisioned => {
                &[("reactivate", "reactivate"), ("resetPassword", "reset_password"), ("deactivate", "deactivate")]
            }
            UserStatus::Active => &[
                ("suspend", "suspend"),
                ("resetPassword", "reset_password"),
                ("expirePassword", "expire_password"),
                ("resetFactors", "reset_factors"),
                ("deactivate", "deactivate"),
            ],
            UserStatus::Recovery | UserStatus::PasswordExpired => &[
                ("resetPassword", "reset_password"),
                ("expirePassword", "expire_password"),
                ("resetFactors", "reset_factors"),
                ("deactivate", "deactivate"),
            ],
            UserStatus::LockedOut => &[
                ("unlock", "unlock"),
                ("resetPassword", "reset_password"),
                ("expirePassword", "expire_password"),
                ("deactivate", "deactivate"),
            ],
            UserStatus::Suspended => &[("unsuspend", "unsuspend"), ("deactivate", "deactivate")],
            UserStatus::Deprovisioned => &[("activate", "activate")],
        };
        for (name, op) in names {
            links.insert((*name).into(), lc(op));
        }
        let mut creds = Map::new();
        if self.has_password {
            creds.insert("password".into(), json!({}));
        }
        if let Some(q) = &self.recovery_question {
            creds.insert("recovery_question".into(), json!({ "question": q }));
        }
        creds.insert("provider".into(), json!({ "type": self.provider, "name": self.provider }));
        json!({
            "id": self.id,
            "status": self.status.as_str(),
            "created": ts(&self.created),
            "activated": self.activated.as_ref().map(ts),
            "statusChanged": self.status_changed.as_ref().map(ts),
            "lastLogin": self.last_login.as_ref().map(ts),
            "lastUpdated": ts(&self.last_updated),
            "passwordChanged": self.password_changed.as_ref().map(ts),
            "type": { "id": "oty1sandboxdefault01" },
            "profile": self.profile,
            "credentials": creds,
            "_links": links,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupType {
    OktaGroup,
    BuiltIn,
    AppGroup,
}

impl GroupType {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupType::OktaGroup => "OKTA_GROUP",
            GroupType::BuiltIn => "BUILT_IN",
            GroupType::AppGroup => "APP_GROUP",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub seq: u64,
    pub id: String,
    pub gtype: GroupType,
    pub name: String,
    pub description: String,
    pub created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    pub last_membership_updated: DateTime<Utc>,
    /// Member user seqs.
    pub members: BTreeSet<u64>,
    /// For APP_GROUP groups: the app that sources the group.
    pub source_app: Option<String>,
}

impl Group {
    pub fn to_json(&self, public: &str) -> Value {
        let base = format!("{public}/api/v1/groups/{}", self.id);
        let (object_class, profile) = match self.gtype {
            GroupType::AppGroup => (
                "okta:windows_security_principal",
                json!({
                    "name": self.name,
                    "description": self.description,
                    "samAccountName": self.name.replace(' ', ""),
                    "externalId": format!("{}==", self.id),
                }),
            ),
            _ => ("okta:user_group", json!({ "name": self.name, "description": self.description })),
        };
        let mut links = json!({
            "logo": [
                {"name": "medium", "href": format!("{public}/img/logos/groups/okta-medium.png"), "type": "image/png"},
                {"name": "large", "href": format!("{public}/img/logos/groups/okta-large.png"), "type": "image/png"}
            ],
            "users": {"href": format!("{base}/users")},
            "apps": {"href": format!("{base}/apps")},
        });
        if let (Some(app), Some(obj)) = (&self.source_app, links.as_object_mut()) {
            obj.insert("source".into(), json!({"href": format!("{public}/api/v1/apps/{app}")}));
        }
        json!({
            "id": self.id,
            "created": ts(&self.created),
            "lastUpdated": ts(&self.last_updated),
            "lastMembershipUpdated": ts(&self.last_membership_updated),
            "objectClass": [object_class],
            "type": self.gtype.as_str(),
            "profile": profile,
            "_links": links,
        })
    }
}

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
        out.insert("orn".into(), json!(crate::governance_model::named_app_orn(&self.name, &self.id)));
        out.insert("_links".into(), links);
        Value::Object(out)
    }

    pub fn link_url(&self, public: &str) -> String {
        format!("{public}/home/{}/{}/login", self.name, self.id)
    }
}

#[derive(Debug, Clone)]
pub struct Factor {
    pub id: String,
    pub user_id: String,
    pub factor_type: String,
    pub provider: String,
    pub status: String,
    pub created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    pub profile: Value,
}

impl Factor {
    pub fn to_json(&self, public: &str) -> Value {
        let base = format!("{public}/api/v1/users/{}/factors/{}", self.user_id, self.id);
        let mut links = Map::new();
        links.insert("self".into(), json!({"href": base, "hints": {"allow": ["GET", "DELETE"]}}));
        links.insert(
            "user".into(),
            json!({"href": format!("{public}/api/v1/users/{}", self.user_id), "hints": {"allow": ["GET"]}}),
        );
        let mut v = json!({
            "id": self.id,
            "factorType": self.factor_type,
            "provider": self.provider,
            "vendorName": self.provider,
            "status": self.status,
            "created": ts(&self.created),
            "lastUpdated": ts(&self.last_updated),
            "profile": self.profile,
        });
        if self.status == "PENDING_ACTIVATION" {
            links.insert(
                "activate".into(),
                json!({"href": format!("{base}/lifecycle/activate"), "hints": {"allow": ["POST"]}}),
            );
            let activation = match self.factor_type.as_str() {
                "token:software:totp" => Some(json!({
                    "timeStep": 30,
                    "sharedSecret": "JBSWY3DPEHPK3PXP",
                    "encoding": "base32",
                    "keyLength": 6,
                    "_links": {"qrcode": {"href": format!("{base}/qr/sandbox"), "type": "image/png"}}
                })),
                "push" => Some(json!({
                    "expiresAt": ts(&(self.last_updated + chrono::Duration::minutes(5))),
                    "factorResult": "WAITING",
                    "_links": {"qrcode": {"href": format!("{base}/qr/sandbox"), "type": "image/png"}}
                })),
                "sms" | "call" | "email" => Some(json!({
                    "expiresAt": ts(&(self.last_updated + chrono::Duration::minutes(5))),
                    "factorResult": "CHALLENGE",
                    "_links": {"resend": {"href": format!("{base}/resend"), "hints": {"allow": ["POST"]}}}
                })),
                _ => None,
            };
            if let (Some(a), Some(obj)) = (activation, v.as_object_mut()) {
                obj.insert("_embedded".into(), json!({ "activation": a }));
            }
        } else if self.status == "ACTIVE" {
            links.insert("verify".into(), json!({"href": format!("{base}/verify"), "hints": {"allow": ["POST"]}}));
        }
        if let Some(obj) = v.as_object_mut() {
            obj.insert("_links".into(), Value::Object(links));
        }
        v
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub login: String,
    pub created: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub mfa: bool,
}

impl Session {
    pub fn to_json(&self, public: &str) -> Value {
        let amr = if self.mfa { json!(["pwd", "mfa"]) } else { json!(["pwd"]) };
        let mut v = json!({
            "id": self.id,
            "userId": self.user_id,
            "login": self.login,
            "createdAt": ts(&self.created),
            "expiresAt": ts(&self.expires),
            "status": "ACTIVE",
            "lastPasswordVerification": ts(&self.created),
            "amr": amr,
            "idp": {"id": "00o1sandboxidp000001", "type": "OKTA"},
            "_links": {"self": {"href": format!("{public}/api/v1/sessions/{}", self.id), "hints": {"allow": ["GET", "DELETE"]}}}
        });
        if self.mfa
            && let Some(obj) = v.as_object_mut()
        {
            obj.insert("lastFactorVerification".into(), json!(ts(&self.created)));
        }
        v
    }
}

#[derive(Debug, Clone)]
pub struct RoleAssignment {
    pub id: String,
    pub role_type: String,
    pub created: DateTime<Utc>,
}

impl RoleAssignment {
    pub fn label(&self) -> &'static str {
        match self.role_type.as_str() {
            "SUPER_ADMIN" => "Super Administrator",
            "ORG_ADMIN" => "Organizational Administrator",
            "HELP_DESK_ADMIN" => "Help Desk Administrator",
            "READ_ONLY_ADMIN" => "Read Only Administrator",
            "USER_ADMIN" => "Group Administrator",
            "APP_ADMIN" => "Application Administrator",
            _ => "Administrator",
        }
    }

    pub fn to_json(&self, public: &str, user_id: &str) -> Value {
        json!({
            "id": self.id,
            "label": self.label(),
            "type": self.role_type,
            "status": "ACTIVE",
            "created": ts(&self.created),
            "lastUpdated": ts(&self.created),
            "assignmentType": "USER",
            // Standard roles carry no custom `role` id; the explicit null also keeps the object
            // from matching the spec's CustomRole branch of the StandardRole|CustomRole oneOf.
            "role": null,
            "_links": {"assignee": {"href": format!("{public}/api/v1/users/{user_id}")}}
        })
    }
}

/// Who performed an action, for System Log `actor`.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: String,
    pub kind: String,
    pub alternate_id: String,
    pub display_name: String,
}

/// A System Log entry: its position and the LogEvent JSON.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub seq: u64,
    pub published: DateTime<Utc>,
    pub event: Value,
}

/// The whole simulated org.
#[derive(Debug)]
pub struct Org {
    pub users: BTreeMap<u64, User>,
    pub user_index: HashMap<String, u64>,
    pub groups: BTreeMap<u64, Group>,
    pub group_index: HashMap<String, u64>,
    pub apps: Vec<App>,
    pub factors: BTreeMap<String, Vec<Factor>>,
    pub sessions: BTreeMap<String, Session>,
    pub roles: BTreeMap<String, Vec<RoleAssignment>>,
    pub logs: Vec<LogEntry>,
    pub next_seq: u64,
    pub next_log_seq: u64,
    pub rng: ChaCha8Rng,
    /// Id of the admin who owns the SSWS token (the actor for API changes made with it).
    pub admin_id: String,
    /// Authorization servers, org policies, network zones and inline hooks.
    pub policy: crate::policy_model::PolicyOrg,
    /// Okta Identity Governance: campaigns, reviews.
    pub governance: crate::governance_model::GovOrg,
    /// Okta Verify push challenges and what the simulated phone answers.
    pub push: PushSim,
}

/// What the simulated phone does with an Okta Verify push challenge (`/__sandbox/push` sets it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PushAnswer {
    /// The person approves (the default).
    #[default]
    Approve,
    /// The person rejects.
    Reject,
    /// Nobody answers: Okta reports TIMEOUT.
    Timeout,
    /// Nobody has answered yet: WAITING until a test answers the transaction.
    Wait,
}

impl PushAnswer {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "approve" => Some(PushAnswer::Approve),
            "reject" => Some(PushAnswer::Reject),
            "timeout" => Some(PushAnswer::Timeout),
            "wait" => Some(PushAnswer::Wait),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PushAnswer::Approve => "approve",
            PushAnswer::Reject => "reject",
            PushAnswer::Timeout => "timeout",
            PushAnswer::Wait => "wait",
        }
    }

    /// Okta's `factorResult` for a transaction answered this way.
    pub fn factor_result(self) -> &'static str {
        match self {
            PushAnswer::Approve => "SUCCESS",
            PushAnswer::Reject => "REJECTED",
            PushAnswer::Timeout => "TIMEOUT",
            PushAnswer::Wait => "WAITING",
        }
    }
}

/// One push challenge sent by `POST /api/v1/users/{id}/factors/{factorId}/verify`.
#[derive(Debug, Clone)]
pub struct PushTransaction {
    pub user_id: String,
    pub factor_id: String,
    /// WAITING, SUCCESS, REJECTED or TIMEOUT.
    pub result: String,
    pub expires: DateTime<Utc>,
}

/// Push challenges by transaction id, and the answer the phone gives to those still waiting.
#[derive(Debug, Clone, Default)]
pub struct PushSim {
    pub answer: PushAnswer,
    pub transactions: BTreeMap<String, PushTransaction>,
}

impl Org {
    pub fn alloc_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    pub fn new_id(&mut self, prefix: &str) -> String {
        ids::okta_id(&mut self.rng, prefix)
    }

    /// Find a user by id or login (case-insensitive login).
    pub fn find_user(&self, key: &str) -> Option<u64> {
        if let Some(s) = self.user_index.get(key) {
            return Some(*s);
        }
        self.users.values().find(|u| u.login().eq_ignore_ascii_case(key)).map(|u| u.seq)
    }

    pub fn user_or_404(&self, key: &str) -> Result<u64, ApiError> {
        self.find_user(key).ok_or_else(|| ApiError::not_found(key, "User"))
    }

    pub fn find_group(&self, id: &str) -> Option<u64> {
        self.group_index.get(id).copied()
    }

    pub fn group_or_404(&self, id: &str) -> Result<u64, ApiError> {
        self.find_group(id).ok_or_else(|| ApiError::not_found(id, "UserGroup"))
    }

    pub fn login_taken(&self, login: &str, except: Option<u64>) -> bool {
        self.users.values().any(|u| Some(u.seq) != except && u.login().eq_ignore_ascii_case(login))
    }

    pub fn insert_user(&mut self, user: User) {
        self.user_index.insert(user.id.clone(), user.seq);
        self.users.insert(user.seq, user);
    }

    pub fn insert_group(&mut self, group: Group) {
        self.group_index.insert(group.id.clone(), group.seq);
        self.groups.insert(group.seq, group);
    }

    /// Groups a user belongs to, in group order.
    pub fn groups_of(&self, user_seq: u64) -> Vec<&Group> {
        self.groups.values().filter(|g| g.members.contains(&user_seq)).collect()
    }

    /// Remove a user and everything hanging off it.
    pub fn delete_user(&mut self, seq: u64) {
        if let Some(u) = self.users.remove(&seq) {
            self.user_index.remove(&u.id);
            for g in self.groups.values_mut() {
                g.members.remove(&seq);
            }
            self.factors.remove(&u.id);
            self.roles.remove(&u.id);
            self.sessions.retain(|_, s| s.user_id != u.id);
            for a in &mut self.apps {
                a.users.retain(|x| x != &u.id);
                a.user_data.remove(&u.id);
            }
        }
    }

    pub fn actor_for_user(&self, seq: u64) -> Option<Actor> {
        self.users.get(&seq).map(|u| Actor {
            id: u.id.clone(),
            kind: "User".into(),
            alternate_id: u.login(),
            display_name: u.display_name(),
        })
    }

    pub fn user_target(u: &User) -> Value {
        json!({"id": u.id, "type": "User", "alternateId": u.login(), "displayName": u.display_name()})
    }

    pub fn find_app(&self, id: &str) -> Option<usize> {
        self.apps.iter().position(|a| a.id == id)
    }

    pub fn app_or_404(&self, id: &str) -> Result<usize, ApiError> {
        self.find_app(id).ok_or_else(|| ApiError::not_found(id, "AppInstance"))
    }

    pub fn app_target(a: &App) -> Value {
        json!({"id": a.id, "type": "AppInstance", "alternateId": a.label, "displayName": a.label})
    }

    pub fn group_target(g: &Group) -> Value {
        json!({"id": g.id, "type": "UserGroup", "alternateId": "unknown", "displayName": g.name})
    }

    /// Append a System Log event.
    #[allow(clippy::too_many_arguments)]
    pub fn log(
        &mut self,
        at: DateTime<Utc>,
        event_type: &str,
        display: &str,
        actor: &Actor,
        targets: Vec<Value>,
        outcome: (&str, Option<&str>),
        session_id: Option<&str>,
        client: &Value,
    ) {
        self.next_log_seq += 1;
        let seq = self.next_log_seq;
        let mut bytes = [0u8; 16];
        rand::RngCore::fill_bytes(&mut self.rng, &mut bytes);
        let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
        let mut outcome_v = json!({"result": outcome.0});
        if let (Some(r), Some(obj)) = (outcome.1, outcome_v.as_object_mut()) {
            obj.insert("reason".into(), json!(r));
        }
        let severity = if outcome.0 == "FAILURE" { "WARN" } else { "INFO" };
        let legacy = match event_type {
            "user.session.start" if outcome.0 == "SUCCESS" => "core.user_auth.login_success",
            "user.session.start" => "core.user_auth.login_failed",
            "user.session.end" => "core.user_auth.logout_success",
            other => other,
        };
        let transaction_id = ids::base62(&mut self.rng, 27);
        let geo = client.get("geographicalContext").cloned().unwrap_or(json!({}));
        let ip = client.get("ipAddress").cloned().unwrap_or(json!("127.0.0.1"));
        let mut auth_ctx = json!({"authenticationStep": 0});
        if let (Some(sid), Some(obj)) = (session_id, auth_ctx.as_object_mut()) {
            obj.insert("externalSessionId".into(), json!(sid));
        } else if let Some(obj) = auth_ctx.as_object_mut() {
            obj.insert("externalSessionId".into(), json!("unknown"));
        }
        let event = json!({
            "uuid": uuid.to_string(),
            "published": ts(&at),
            "eventType": event_type,
            "version": "0",
            "severity": severity,
            "legacyEventType": legacy,
            "displayMessage": display,
            "actor": {
                "id": actor.id,
                "type": actor.kind,
                "alternateId": actor.alternate_id,
                "displayName": actor.display_name,
            },
            "client": client,
            "authenticationContext": auth_ctx,
            "outcome": outcome_v,
            "target": targets,
            "transaction": {"type": "WEB", "id": transaction_id, "detail": {}},
            "debugContext": {"debugData": {"requestId": transaction_id}},
            "securityContext": {"asNumber": null, "asOrg": null, "isp": null, "domain": null, "isProxy": null},
            "request": {"ipChain": [{"ip": ip, "geographicalContext": geo, "version": "V4"}]},
        });
        self.logs.push(LogEntry { seq, published: at, event });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use UserStatus::*;

    fn ok(s: UserStatus, op: Lifecycle) -> Option<UserStatus> {
        transition(s, op, true).ok()
    }

    fn code(s: UserStatus, op: Lifecycle) -> Option<&'static str> {
        transition(s, op, true).err().map(|e| e.code)
    }

    #[test]
    fn activation() {
        assert_eq!(ok(Staged, Lifecycle::Activate), Some(Active));
        assert_eq!(transition(Staged, Lifecycle::Activate, false).ok(), Some(Provisioned));
        assert_eq!(ok(Deprovisioned, Lifecycle::Activate), Some(Active));
        assert_eq!(code(Active, Lifecycle::Activate), Some("E0000016"));
        assert_eq!(code(Suspended, Lifecycle::Activate), Some("E0000038"));
        assert_eq!(ok(Provisioned, Lifecycle::Reactivate), Some(Provisioned));
        assert_eq!(code(Active, Lifecycle::Reactivate), Some("E0000038"));
    }

    #[test]
    fn suspend_unsuspend_unlock() {
        assert_eq!(ok(Active, Lifecycle::Suspend), Some(Suspended));
        assert_eq!(code(Staged, Lifecycle::Suspend), Some("E0000001"));
        assert_eq!(ok(Suspended, Lifecycle::Unsuspend), Some(Active));
        assert_eq!(code(Active, Lifecycle::Unsuspend), Some("E0000001"));
        assert_eq!(ok(LockedOut, Lifecycle::Unlock), Some(Active));
        assert_eq!(code(Active, Lifecycle::Unlock), Some("E0000032"));
    }

    #[test]
    fn deactivate_and_passwords() {
        for s in UserStatus::ALL {
            if s == Deprovisioned {
                assert_eq!(code(s, Lifecycle::Deactivate), Some("E0000038"));
            } else {
                assert_eq!(ok(s, Lifecycle::Deactivate), Some(Deprovisioned));
            }
        }
        assert_eq!(ok(Active, Lifecycle::ExpirePassword), Some(PasswordExpired));
        assert_eq!(code(Staged, Lifecycle::ExpirePassword), Some("E0000038"));
        assert_eq!(ok(Active, Lifecycle::ResetPassword), Some(Recovery));
        assert_eq!(code(Suspended, Lifecycle::ResetPassword), Some("E0000038"));
        assert_eq!(ok(Active, Lifecycle::ResetFactors), Some(Active));
        assert_eq!(code(Staged, Lifecycle::ResetFactors), Some("E0000038"));
    }
}
