//! What the admin endpoints keep besides the org itself: custom admin roles and resource sets, role assignments
//! to groups and custom role assignments to users, devices and their users, event hooks.
//!
//! The store is part of the org (`Org::admin`), seeded with it and rebuilt with it by `/__sandbox/reset`.
//! Custom roles, resource sets and event hooks are Okta's JSON (the org module's rule); role grants and devices
//! are typed, as the sandbox computes with their fields.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::AppState;
use crate::ids::ts;
use crate::lock;
use crate::org::Org;
use crate::org::collection::{Collection, str_of, with_links};

/// A custom admin role (`/api/v1/iam/roles`) or a resource set (`/api/v1/iam/resource-sets`) as Okta's JSON
/// (without `_links`): id, label and description, never changed since it was made. A custom role's permissions are
/// the internal `__permissions` (Okta answers them at `…/permissions`, which the sandbox does not serve).
pub fn labelled(id: &str, label: &str, description: &str, created: &DateTime<Utc>) -> Value {
    json!({"id": id, "label": label, "description": description, "created": ts(created), "lastUpdated": ts(created)})
}

/// A custom role with its permissions.
pub fn custom_role(id: &str, label: &str, description: &str, permissions: &[&str], created: &DateTime<Utc>) -> Value {
    let mut role = labelled(id, label, description, created);
    role["__permissions"] = json!(permissions);
    role
}

/// A custom role as answered.
pub fn custom_role_json(role: &Value, public: &str) -> Value {
    let base = format!("{public}/api/v1/iam/roles/{}", str_of(role, "id"));
    with_links(role, &[("self", base.clone(), None), ("permissions", format!("{base}/permissions"), None)])
}

/// A resource set as answered.
pub fn resource_set_json(set: &Value, public: &str) -> Value {
    let base = format!("{public}/api/v1/iam/resource-sets/{}", str_of(set, "id"));
    with_links(
        set,
        &[
            ("self", base.clone(), None),
            ("resources", format!("{base}/resources"), None),
            ("bindings", format!("{base}/bindings"), None),
        ],
    )
}

/// Standard role labels, as Okta names them.
pub fn standard_label(role_type: &str) -> Option<&'static str> {
    Some(match role_type {
        "SUPER_ADMIN" => "Super Administrator",
        "ORG_ADMIN" => "Organizational Administrator",
        "APP_ADMIN" => "Application Administrator",
        "USER_ADMIN" => "Group Administrator",
        "HELP_DESK_ADMIN" => "Help Desk Administrator",
        "READ_ONLY_ADMIN" => "Read Only Administrator",
        "MOBILE_ADMIN" => return None,
        "API_ACCESS_MANAGEMENT_ADMIN" => "API Access Management Administrator",
        "REPORT_ADMIN" => "Report Administrator",
        "GROUP_MEMBERSHIP_ADMIN" => "Group Membership Administrator",
        "WORKFLOWS_ADMIN" => "Workflows Administrator",
        "ACCESS_CERTIFICATIONS_ADMIN" => "Access Certifications Administrator",
        "ACCESS_REQUESTS_ADMIN" => "Access Requests Administrator",
        _ => return None,
    })
}

/// A role assigned to a group, or a custom role assigned to a user.
#[derive(Debug, Clone)]
pub struct RoleGrant {
    pub id: String,
    pub role_type: String,
    /// Custom roles: the role id and the resource set id.
    pub custom: Option<(String, String)>,
    pub created: DateTime<Utc>,
}

impl RoleGrant {
    /// `assignment_type`: USER or GROUP; `assignee`: the path of the user or group.
    pub fn to_json(&self, store: &AdminStore, public: &str, assignment_type: &str, assignee: &str) -> Value {
        let assignee_link = json!({"href": format!("{public}{assignee}")});
        match &self.custom {
            Some((role, set)) => {
                let label = store.custom_roles.by_id(role).map(|r| str_of(r, "label").to_owned());
                json!({
                    "id": self.id,
                    "label": label.unwrap_or_else(|| role.clone()),
                    "type": "CUSTOM",
                    "status": "ACTIVE",
                    "created": ts(&self.created),
                    "lastUpdated": ts(&self.created),
                    "assignmentType": assignment_type,
                    "role": role,
                    "resource-set": set,
                    "_links": {
                        "assignee": assignee_link,
                        "role": {"href": format!("{public}/api/v1/iam/roles/{role}")},
                        "resource-set": {"href": format!("{public}/api/v1/iam/resource-sets/{set}")},
                        "permissions": {"href": format!("{public}/api/v1/iam/roles/{role}/permissions")},
                    },
                })
            }
            None => json!({
                "id": self.id,
                "label": standard_label(&self.role_type).unwrap_or("Administrator"),
                "type": self.role_type,
                "status": "ACTIVE",
                "created": ts(&self.created),
                "lastUpdated": ts(&self.created),
                "assignmentType": assignment_type,
                // Keeps a standard role from matching the spec's CustomRole branch (as the users handler does).
                "role": null,
                "_links": {"assignee": assignee_link},
            }),
        }
    }
}

/// A user linked to a device.
#[derive(Debug, Clone)]
pub struct DeviceUser {
    pub user_id: String,
    pub created: DateTime<Utc>,
    pub managed: bool,
    pub screen_lock: &'static str,
}

/// A device (`/api/v1/devices`).
#[derive(Debug, Clone)]
pub struct Device {
    pub id: String,
    /// ACTIVE, SUSPENDED or DEACTIVATED.
    pub status: &'static str,
    pub created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    pub display_name: String,
    pub platform: &'static str,
    pub manufacturer: &'static str,
    pub model: &'static str,
    pub os_version: &'static str,
    pub serial: String,
    pub registered: bool,
    pub managed: bool,
    pub users: Vec<DeviceUser>,
}

impl Device {
    pub fn to_json(&self, public: &str) -> Value {
        let base = format!("{public}/api/v1/devices/{}", self.id);
        let mut links = json!({
            "self": {"href": base, "hints": {"allow": ["GET", "PUT", "DELETE"]}},
            "users": {"href": format!("{base}/users"), "hints": {"allow": ["GET"]}},
        });
        let mut lifecycle = |rel: &str, op: &str| {
            links[rel] = json!({"href": format!("{base}/lifecycle/{op}"), "hints": {"allow": ["POST"]}});
        };
        match self.status {
            "ACTIVE" => {
                lifecycle("suspend", "suspend");
                lifecycle("deactivate", "deactivate");
            }
            "SUSPENDED" => {
                lifecycle("unsuspend", "unsuspend");
                lifecycle("deactivate", "deactivate");
            }
            _ => lifecycle("activate", "activate"),
        }
        let mut profile = json!({
            "displayName": self.display_name,
            "platform": self.platform,
            "manufacturer": self.manufacturer,
            "model": self.model,
            "osVersion": self.os_version,
            "serialNumber": self.serial,
            "registered": self.registered,
            "managed": self.managed,
            "secureHardwarePresent": true,
        });
        if self.platform == "WINDOWS" {
            profile["sid"] = json!(format!("S-1-5-21-{}", &self.id[3..13]));
        }
        json!({
            "id": self.id,
            "status": self.status,
            "created": ts(&self.created),
            "lastUpdated": ts(&self.last_updated),
            "profile": profile,
            "resourceType": "UDDevice",
            "resourceDisplayName": {"value": self.display_name, "sensitive": false},
            "resourceId": self.id,
            "_links": links,
        })
    }
}

/// What a POST or PUT of an event hook sets (`/api/v1/eventHooks`).
#[derive(Debug, Clone)]
pub struct HookParts {
    pub name: String,
    pub description: Option<String>,
    pub events: Vec<String>,
    pub uri: String,
    pub headers: Vec<(String, String)>,
    /// The auth header's name (its value is write-only: not kept).
    pub auth_key: Option<String>,
}

/// An event hook as Okta's JSON (without `_links`): `status` ACTIVE or INACTIVE, `verification` VERIFIED or
/// UNVERIFIED, its parts set by [`set_hook_parts`].
pub fn event_hook(
    id: &str,
    status: &str,
    verification: &str,
    parts: HookParts,
    created: &DateTime<Utc>,
    created_by: &str,
    last_updated: &DateTime<Utc>,
) -> Value {
    let mut hook = json!({"id": id, "status": status, "verificationStatus": verification, "created": ts(created),
                          "createdBy": created_by, "lastUpdated": ts(last_updated)});
    set_hook_parts(&mut hook, parts);
    hook
}

/// Give an event hook the parts a body sets.
pub fn set_hook_parts(hook: &mut Value, parts: HookParts) {
    let headers: Vec<Value> = parts.headers.iter().map(|(k, v)| json!({"key": k, "value": v})).collect();
    let mut config = json!({"uri": parts.uri, "headers": headers, "method": "POST"});
    if let Some(key) = &parts.auth_key {
        config["authScheme"] = json!({"type": "HEADER", "key": key});
    }
    hook["name"] = json!(parts.name);
    hook["description"] = json!(parts.description);
    hook["events"] = json!({"type": "EVENT_TYPE", "items": parts.events, "filter": null});
    hook["channel"] = json!({"type": "HTTP", "version": "1.0.0", "config": config});
}

/// The URI an event hook sends to.
pub fn hook_uri(hook: &Value) -> &str {
    hook.pointer("/channel/config/uri").and_then(Value::as_str).unwrap_or_default()
}

/// An event hook as answered.
pub fn event_hook_json(hook: &Value, public: &str) -> Value {
    let base = format!("{public}/api/v1/eventHooks/{}", str_of(hook, "id"));
    let mut links = vec![("self", base.clone(), None), ("verify", format!("{base}/lifecycle/verify"), Some("POST"))];
    if str_of(hook, "status") == "ACTIVE" {
        links.push(("deactivate", format!("{base}/lifecycle/deactivate"), Some("POST")));
    }
    with_links(hook, &links)
}

/// Everything the admin endpoints keep.
#[derive(Debug, Default)]
pub struct AdminStore {
    /// Custom roles ([`labelled`]).
    pub custom_roles: Vec<Value>,
    /// Resource sets ([`labelled`]).
    pub resource_sets: Vec<Value>,
    /// group id → roles assigned to the group
    pub group_roles: BTreeMap<String, Vec<RoleGrant>>,
    /// user id → custom roles assigned to the user (standard ones are in `Org::roles`)
    pub user_custom_roles: BTreeMap<String, Vec<RoleGrant>>,
    pub devices: Vec<Device>,
    /// Event hooks ([`event_hook`]).
    pub hooks: Vec<Value>,
}

impl AdminStore {
    /// A custom role by id or label.
    pub fn custom_role(&self, key: &str) -> Option<&Value> {
        by_id_or_label(&self.custom_roles, key)
    }

    /// A resource set by id or label.
    pub fn resource_set(&self, key: &str) -> Option<&Value> {
        by_id_or_label(&self.resource_sets, key)
    }

    pub fn device_index(&self, id: &str) -> Option<usize> {
        self.devices.iter().position(|d| d.id == id)
    }

    pub fn hook_index(&self, id: &str) -> Option<usize> {
        self.hooks.position_of(id)
    }
}

/// The object whose id is `key`, or whose label is `key` in any case.
fn by_id_or_label<'a>(objects: &'a [Value], key: &str) -> Option<&'a Value> {
    objects.iter().find(|r| str_of(r, "id") == key || str_of(r, "label").eq_ignore_ascii_case(key))
}

/// Run `f` with the org and its admin store (taken out of the org for the call, so both can change).
pub(crate) fn with_admin<R>(st: &AppState, f: impl FnOnce(&mut Org, &mut AdminStore) -> R) -> R {
    let mut org = lock(&st.org);
    let mut store = std::mem::take(&mut org.admin);
    let out = f(&mut org, &mut store);
    org.admin = store;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kept as JSON, answered as before: Okta's fields and `_links`, never the internal permissions.
    #[test]
    fn roles_and_resource_sets_answer_okta_fields_only() {
        let at = Utc::now();
        let p = "http://sb";
        let role = custom_role("cr0x", "Role X", "does x", &["okta.users.read"], &at);
        assert_eq!(
            custom_role_json(&role, p),
            json!({"id": "cr0x", "label": "Role X", "description": "does x", "created": ts(&at),
                   "lastUpdated": ts(&at), "_links": {"self": {"href": "http://sb/api/v1/iam/roles/cr0x"},
                   "permissions": {"href": "http://sb/api/v1/iam/roles/cr0x/permissions"}}})
        );
        let set = labelled("iamx", "Set X", "all x", &at);
        assert_eq!(
            resource_set_json(&set, p),
            json!({"id": "iamx", "label": "Set X", "description": "all x", "created": ts(&at),
                   "lastUpdated": ts(&at), "_links": {"self": {"href": "http://sb/api/v1/iam/resource-sets/iamx"},
                   "resources": {"href": "http://sb/api/v1/iam/resource-sets/iamx/resources"},
                   "bindings": {"href": "http://sb/api/v1/iam/resource-sets/iamx/bindings"}}})
        );
    }

    #[test]
    fn event_hooks_answer_as_before() {
        let at = Utc::now();
        let parts = HookParts {
            name: "H".into(),
            description: None,
            events: vec!["user.session.start".into()],
            uri: "https://h.example.com/x".into(),
            headers: vec![("X-K".into(), "v".into())],
            auth_key: Some("Authorization".into()),
        };
        let hook = event_hook("whox", "ACTIVE", "UNVERIFIED", parts, &at, "00ux", &at);
        assert_eq!(hook_uri(&hook), "https://h.example.com/x");
        let b = "http://sb/api/v1/eventHooks/whox";
        assert_eq!(
            event_hook_json(&hook, "http://sb"),
            json!({
                "id": "whox", "status": "ACTIVE", "verificationStatus": "UNVERIFIED", "name": "H", "description": null,
                "created": ts(&at), "createdBy": "00ux", "lastUpdated": ts(&at),
                "events": {"type": "EVENT_TYPE", "items": ["user.session.start"], "filter": null},
                "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": "https://h.example.com/x",
                    "headers": [{"key": "X-K", "value": "v"}], "method": "POST",
                    "authScheme": {"type": "HEADER", "key": "Authorization"}}},
                "_links": {"self": {"href": b},
                           "verify": {"href": format!("{b}/lifecycle/verify"), "hints": {"allow": ["POST"]}},
                           "deactivate": {"href": format!("{b}/lifecycle/deactivate"), "hints": {"allow": ["POST"]}}},
            })
        );
    }
}
