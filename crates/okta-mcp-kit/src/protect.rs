//! Protected objects: users, groups and apps that no destructive tool may change. `OKTA_MCP_PROTECTED` names
//! them (ids, logins, group names, app labels); the service app the server runs as is always protected; super
//! administrators are protected unless `OKTA_MCP_UNPROTECTED` names them.
//!
//! The check sits under every change a destructive tool sends (see `okta`): the path's ids are compared with
//! the protected names and with the ids of objects the call read whose login, name or label is protected, and a
//! change to a user is preceded by a look at the user's admin roles.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, PoisonError};

use okta_core::{ApiPath, OktaClient, OktaError, Query};
use serde_json::Value;

use crate::error::ToolError;

/// The scope the super-administrator check needs.
pub const ROLES_SCOPE: &str = "okta.roles.read";

#[derive(Debug, Default)]
pub struct Protection {
    /// Lower-cased ids and names from the configuration.
    names: BTreeSet<String>,
    /// Super administrators the configuration allows tools to act on (ids or logins, lower-cased).
    unprotected: BTreeSet<String>,
    /// Ids of objects read during calls whose login/name/label is protected (or unprotected).
    seen_protected: Mutex<BTreeSet<String>>,
    /// Every object id observed (so a change's target is looked up at most once).
    seen: Mutex<BTreeSet<String>>,
    seen_unprotected: Mutex<BTreeSet<String>>,
    /// user id → is a super administrator
    super_admins: Mutex<BTreeMap<String, bool>>,
    /// object id → the user it belongs to (sessions, factors read during calls)
    owners: Mutex<BTreeMap<String, String>>,
    /// Ids of the users named by login in the configuration, looked up once.
    resolved: tokio::sync::OnceCell<BTreeSet<String>>,
}

/// Comma- or newline-separated names (group names and app labels may contain spaces).
fn parse_list(raw: Option<&str>) -> BTreeSet<String> {
    raw.unwrap_or_default().split([',', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase).collect()
}

impl Protection {
    /// From `OKTA_MCP_PROTECTED` and `OKTA_MCP_UNPROTECTED`, plus the service app's own client id.
    pub fn new(protected: Option<&str>, unprotected: Option<&str>, service_app: Option<&str>) -> Self {
        let mut names = parse_list(protected);
        if let Some(id) = service_app {
            names.insert(id.to_lowercase());
        }
        Protection { names, unprotected: parse_list(unprotected), ..Default::default() }
    }

    pub fn from_env(service_app: Option<&str>) -> Self {
        let get = |k: &str| std::env::var(k).ok();
        Self::new(get("OKTA_MCP_PROTECTED").as_deref(), get("OKTA_MCP_UNPROTECTED").as_deref(), service_app)
    }

    /// How many names the configuration protects (for the startup log).
    pub fn configured(&self) -> usize {
        self.names.len()
    }

    /// Note an object a call read: if its id, login, name or label is protected, its id is too.
    pub fn observe(&self, object: &Value) {
        let Some(id) = object.get("id").and_then(Value::as_str) else { return };
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).insert(id.to_lowercase());
        if let Some(owner) = object.get("userId").and_then(Value::as_str) {
            self.owners.lock().unwrap_or_else(PoisonError::into_inner).insert(id.to_lowercase(), owner.to_owned());
        }
        let names: Vec<String> = ["/id", "/profile/login", "/profile/email", "/profile/name", "/label", "/name"]
            .iter()
            .filter_map(|p| object.pointer(p).and_then(Value::as_str))
            .map(str::to_lowercase)
            .collect();
        if names.iter().any(|n| self.names.contains(n)) {
            self.seen_protected.lock().unwrap_or_else(PoisonError::into_inner).insert(id.to_lowercase());
        }
        if names.iter().any(|n| self.unprotected.contains(n)) {
            self.seen_unprotected.lock().unwrap_or_else(PoisonError::into_inner).insert(id.to_lowercase());
        }
    }

    fn is_protected(&self, segment: &str) -> bool {
        let s = segment.to_lowercase();
        self.names.contains(&s) || self.seen_protected.lock().unwrap_or_else(PoisonError::into_inner).contains(&s)
    }

    fn is_unprotected(&self, id: &str) -> bool {
        let s = id.to_lowercase();
        self.unprotected.contains(&s)
            || self.seen_unprotected.lock().unwrap_or_else(PoisonError::into_inner).contains(&s)
    }

    /// The ids of users the configuration names by login (looked up once; a login Okta does not know is
    /// skipped, and still matches when a call reads that user).
    async fn resolved_logins(&self, client: &OktaClient) -> &BTreeSet<String> {
        self.resolved
            .get_or_init(|| async {
                let mut ids = BTreeSet::new();
                for login in self.names.iter().filter(|n| n.contains('@')) {
                    let Ok(path) = ApiPath::new("/api/v1/users/{id}", &[login]) else { continue };
                    if let Ok(user) = client.get(&path, &Query::new()).await
                        && let Some(id) = user.get("id").and_then(Value::as_str)
                    {
                        ids.insert(id.to_lowercase());
                    }
                }
                ids
            })
            .await
    }

    /// Names in the configuration that are not ids (logins, group names, app labels) can only be matched on
    /// the object itself: read the users, groups and apps a change targets that the call has not read yet.
    /// Fails closed when the object cannot be read.
    async fn look_up_targets(&self, client: &OktaClient, segments: &[String]) -> Result<(), ToolError> {
        let by_name =
            self.names.iter().any(|n| !n.starts_with("00u") && !n.starts_with("00g") && !n.starts_with("0oa"));
        if !by_name {
            return Ok(());
        }
        for pair in segments.windows(2) {
            let template = match pair[0].as_str() {
                "users" => "/api/v1/users/{id}",
                "groups" => "/api/v1/groups/{groupId}",
                "apps" => "/api/v1/apps/{appId}",
                _ => continue,
            };
            let id = &pair[1];
            if self.seen.lock().unwrap_or_else(PoisonError::into_inner).contains(&id.to_lowercase()) {
                continue;
            }
            let Ok(path) = ApiPath::new(template, &[id]) else { continue };
            match client.get(&path, &Query::new()).await {
                Ok(object) => self.observe(&object),
                Err(OktaError::Api { status: 404, .. }) => {}
                Err(e) => {
                    return Err(ToolError::refused(format!(
                        "cannot check whether {id} is protected (OKTA_MCP_PROTECTED names objects by name), so \
                         nothing was changed: let the server read it, or name it by id. Okta said: {e}"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Refuse a change whose path or body names a protected object (or an object of a protected user, such as
    /// a session the call read), or a user who is a super administrator.
    pub async fn check(&self, client: &OktaClient, path: &ApiPath, body: Option<&Value>) -> Result<(), ToolError> {
        let resolved = self.resolved_logins(client).await;
        let mut segments: Vec<String> = path.as_str().split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        if let Some(body) = body {
            body_targets(body, &mut segments);
        }
        self.look_up_targets(client, &segments).await?;
        let owners: Vec<String> = {
            let owners = self.owners.lock().unwrap_or_else(PoisonError::into_inner);
            segments.iter().filter_map(|s| owners.get(&s.to_lowercase()).cloned()).collect()
        };
        let mut targets = segments.iter().skip(2).chain(owners.iter());
        if let Some(hit) = targets.find(|s| self.is_protected(s) || resolved.contains(&s.to_lowercase())) {
            return Err(ToolError::refused(format!(
                "{hit} is protected (OKTA_MCP_PROTECTED, or the service app this server runs as): no tool may \
                 deactivate, delete, suspend, reset or revoke it. Nothing was changed."
            )));
        }
        // /api/v1/users/{id}… and /api/v1/groups/{gid}/users/{id}: the user is the segment after "users"; and
        // the owners of objects the call read (a session's user).
        let users = segments
            .iter()
            .enumerate()
            .filter(|(_, s)| *s == "users")
            .filter_map(|(i, _)| segments.get(i + 1))
            .chain(owners.iter());
        for user in users {
            if !self.is_unprotected(user) && self.is_super_admin(client, user).await? {
                return Err(ToolError::refused(format!(
                    "{user} is a super administrator, and super administrators are protected: name them in \
                     OKTA_MCP_UNPROTECTED to allow this. Nothing was changed."
                )));
            }
        }
        Ok(())
    }

    async fn is_super_admin(&self, client: &OktaClient, user: &str) -> Result<bool, ToolError> {
        if let Some(known) = self.super_admins.lock().unwrap_or_else(PoisonError::into_inner).get(user) {
            return Ok(*known);
        }
        let path = ApiPath::new("/api/v1/users/{userId}/roles", &[user])?;
        let roles = match client.get(&path, &Query::new()).await {
            Ok(roles) => roles,
            Err(e @ OktaError::Api { status: 403 | 401, .. }) => {
                return Err(ToolError::refused(format!(
                    "cannot check whether {user} is a super administrator (protected unless named in \
                     OKTA_MCP_UNPROTECTED), so nothing was changed: grant the service app {ROLES_SCOPE}. Okta said: {e}"
                )));
            }
            Err(e) => return Err(e.into()),
        };
        let is_super = roles
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r.get("type").and_then(Value::as_str) == Some("SUPER_ADMIN"));
        self.super_admins.lock().unwrap_or_else(PoisonError::into_inner).insert(user.to_owned(), is_super);
        Ok(is_super)
    }
}

/// The users, groups and apps a change's body names, appended as `kind, id` pairs like a path's: governance
/// changes name their principal and resources there (`targetPrincipal: {externalId, type: OKTA_USER}`,
/// `target: {externalId, type: APPLICATION}`, `principalOrn`, `revokeOrns`).
fn body_targets(body: &Value, out: &mut Vec<String>) {
    match body {
        Value::Object(map) => {
            let id = map.get("externalId").and_then(Value::as_str);
            let kind = match map.get("type").and_then(Value::as_str) {
                Some("OKTA_USER" | "USER") => Some("users"),
                Some("OKTA_GROUP" | "GROUP") => Some("groups"),
                Some("APPLICATION") => Some("apps"),
                _ => None,
            };
            if let (Some(id), Some(kind)) = (id, kind) {
                out.extend([kind.to_owned(), id.to_owned()]);
            }
            map.values().for_each(|v| body_targets(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| body_targets(v, out)),
        // orn:okta:directory:{org}:users:{id}, orn:okta:directory:{org}:groups:{id}, orn:okta:idp:{org}:apps:[{name}:]{id}
        Value::String(orn) if orn.starts_with("orn:okta:") => {
            let parts: Vec<&str> = orn.split(':').collect();
            if let (Some(kind), Some(id)) = (parts.get(4), parts.last())
                && matches!(*kind, "users" | "groups" | "apps")
                && parts.len() >= 6
            {
                out.extend([(*kind).to_owned(), (*id).to_owned()]);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_and_observed_objects_are_protected() {
        let p = Protection::new(Some("ceo@example.com, Admins,Legacy Intranet"), Some("00uadmin"), Some("0oaSERVICE"));
        p.observe(&json!({"id": "0oaLEGACY", "label": "Legacy Intranet"}));
        assert!(p.is_protected("0oalegacy"));
        assert!(p.is_protected("0oaservice"));
        assert!(!p.is_protected("00uceo"));
        p.observe(&json!({"id": "00uCEO", "profile": {"login": "CEO@example.com"}}));
        assert!(p.is_protected("00uceo"));
        p.observe(&json!({"id": "00gADM", "profile": {"name": "admins"}}));
        assert!(p.is_protected("00gADM"));
        assert!(p.is_unprotected("00uADMIN"));
        assert_eq!(p.configured(), 4);
    }

    #[test]
    fn bodies_name_their_principals_and_resources() {
        let mut out = Vec::new();
        body_targets(
            &json!({"grantType": "CUSTOM", "action": "DENY",
                    "target": {"externalId": "0oa1", "type": "APPLICATION"},
                    "targetPrincipal": {"externalId": "00u1", "type": "OKTA_USER"},
                    "entitlements": [{"id": "esp1", "values": [{"id": "ent1"}]}]}),
            &mut out,
        );
        out.sort();
        assert_eq!(out, ["00u1", "0oa1", "apps", "users"]);
        let mut out = Vec::new();
        body_targets(
            &json!({"principalOrn": "orn:okta:directory:00o1:users:00u2",
                    "revokeOrns": ["orn:okta:idp:00o1:apps:salesforce:0oa2",
                                   "orn:okta:governance:00o1:entitlement-bundles:enb1"]}),
            &mut out,
        );
        assert_eq!(out, ["users", "00u2", "apps", "0oa2"]);
    }
}
