//! Users: their lifecycle statuses and Okta's transition rules, factors, sessions and standard admin role
//! assignments.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::ids::ts;

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
