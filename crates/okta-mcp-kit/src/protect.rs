//! Protected objects: users, groups and apps that no tool may change. `OKTA_MCP_PROTECTED` names them (ids,
//! logins, group names, app labels); the server's own identity is always protected (the service app it runs as,
//! whatever its client id looks like, or the admin who owns its API token, from `/api/v1/users/me`), and so is
//! the push approver; super administrators are protected unless `OKTA_MCP_UNPROTECTED` names them.
//!
//! The check sits under every change a write or destructive tool sends (see `okta`): the path's and body's ids,
//! and the targets a tool declares when neither names them (a review's principal and resource), are compared
//! with the protected names and with the ids of objects whose login, name or label is protected; a change to a
//! user is preceded by a look at the user's admin roles. A destructive change to a group is refused when the
//! group holds a super-administrator role or contains a protected user.
//!
//! Names are resolved to ids when first seen and remembered by id in a file beside the audit log (one entry per
//! org), so renaming a protected object does not unprotect it in a later process; each resolution is logged.
//! A login that cannot be resolved is tried again at the next change, never cached as absent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use okta_core::{ApiPath, OktaClient, OktaError, Query, ops};
use serde_json::Value;

use crate::error::ToolError;

/// The scope the super-administrator check needs.
pub const ROLES_SCOPE: &str = "okta.roles.read";

/// The admin-role reads protection makes before a change (the scope it requests for them is [`ROLES_SCOPE`]).
pub const ROLE_READS: &[okta_core::Operation] = &[ops::LIST_ASSIGNED_ROLES_FOR_USER, ops::LIST_GROUP_ASSIGNED_ROLES];

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What a change acts on when neither its path nor its body names it, declared by the tool (see
/// `Okta::acts_on`): `kind` is `users`, `groups` or `apps`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: &'static str,
    pub id: String,
    /// How a person recognises it (login, name, label).
    pub label: String,
}

#[derive(Debug, Default)]
pub struct Protection {
    /// Lower-cased ids and names from the configuration.
    names: BTreeSet<String>,
    /// Super administrators the configuration allows tools to act on (ids or logins, lower-cased).
    unprotected: BTreeSet<String>,
    /// With an API token: its admin is protected (`/api/v1/users/me`, resolved at the first change).
    api_token_admin: bool,
    /// Ids of protected objects (resolved from names, or remembered from earlier processes).
    protected_ids: Mutex<BTreeSet<String>>,
    /// Every object id observed (so a change's target is looked up at most once).
    seen: Mutex<BTreeSet<String>>,
    seen_unprotected: Mutex<BTreeSet<String>>,
    /// Users known to be super administrators (a "no" is never kept: the next call may make them one).
    super_admins: Mutex<BTreeSet<String>>,
    /// object id → the user it belongs to (sessions, factors read during calls)
    owners: Mutex<BTreeMap<String, String>>,
    /// Logins resolved to ids (a login not resolved yet is tried again at the next change).
    resolved: Mutex<BTreeMap<String, String>>,
    /// The API token's admin, once read.
    identity: Mutex<Option<String>>,
    /// Where resolved ids are remembered, and for which org.
    memory: Option<(PathBuf, String)>,
}

/// Comma- or newline-separated names (group names and app labels may contain spaces).
fn parse_list(raw: Option<&str>) -> BTreeSet<String> {
    raw.unwrap_or_default().split([',', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase).collect()
}

impl Protection {
    /// From `OKTA_MCP_PROTECTED` and `OKTA_MCP_UNPROTECTED`, plus the service app's own client id.
    pub fn new(protected: Option<&str>, unprotected: Option<&str>, service_app: Option<&str>) -> Self {
        let mut names = parse_list(protected);
        // The service app's client id: matched on an app's id and on its OAuth client id, whatever it looks like.
        if let Some(id) = service_app {
            names.insert(id.to_lowercase());
        }
        Protection { names, unprotected: parse_list(unprotected), ..Default::default() }
    }

    pub fn from_env(service_app: Option<&str>) -> Self {
        let get = |k: &str| std::env::var(k).ok();
        Self::new(get("OKTA_MCP_PROTECTED").as_deref(), get("OKTA_MCP_UNPROTECTED").as_deref(), service_app)
    }

    /// With an API token, protect the admin who owns it (read from `/api/v1/users/me` at the first change).
    pub fn with_api_token_admin(mut self) -> Self {
        self.api_token_admin = true;
        self
    }

    /// Protect one more name (the push approver).
    pub fn with_name(mut self, name: &str) -> Self {
        self.names.insert(name.trim().to_lowercase());
        self
    }

    /// Remember resolved ids for `org` in `path` (and load what earlier processes resolved there).
    pub fn remembering(mut self, path: PathBuf, org: &str) -> Self {
        let remembered = load_memory(&path, org);
        let mut ids = locked(&self.protected_ids);
        for (name, id) in &remembered {
            if self.names.contains(name) {
                ids.insert(id.clone());
            }
        }
        drop(ids);
        if !remembered.is_empty() {
            tracing::info!(
                "protected by id from earlier runs: {}",
                remembered
                    .iter()
                    .filter(|(n, _)| self.names.contains(*n))
                    .map(|(n, id)| format!("{n} = {id}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        self.memory = Some((path, org.to_owned()));
        self
    }

    /// How many names the configuration protects (for the startup log).
    pub fn configured(&self) -> usize {
        self.names.len()
    }

    /// A protected name resolved to an id: protected by id from now on, remembered, and logged.
    fn resolve(&self, name: &str, id: &str) {
        if !locked(&self.protected_ids).insert(id.to_lowercase()) {
            return;
        }
        tracing::info!("protected: {name} is {id} (protected by id from now on, also after a rename)");
        if let Some((path, org)) = &self.memory
            && let Err(e) = remember(path, org, name, &id.to_lowercase())
        {
            tracing::warn!("cannot remember that {name} is {id} in {}: {e}", path.display());
        }
    }

    /// Note an object a call read: if its id, login, name or label is protected, its id is too.
    pub fn observe(&self, object: &Value) {
        let Some(id) = object.get("id").and_then(Value::as_str) else { return };
        locked(&self.seen).insert(id.to_lowercase());
        if let Some(owner) = object.get("userId").and_then(Value::as_str) {
            locked(&self.owners).insert(id.to_lowercase(), owner.to_owned());
        }
        let names: Vec<String> = [
            "/id",
            "/profile/login",
            "/profile/email",
            "/profile/name",
            "/label",
            "/name",
            "/credentials/oauthClient/client_id",
        ]
        .iter()
        .filter_map(|p| object.pointer(p).and_then(Value::as_str))
        .map(str::to_lowercase)
        .collect();
        if let Some(name) = names.iter().find(|n| self.names.contains(*n)) {
            self.resolve(name, id);
        }
        if names.iter().any(|n| self.unprotected.contains(n)) {
            locked(&self.seen_unprotected).insert(id.to_lowercase());
        }
    }

    /// Named in the configuration, or resolved from a name (the server's identity is checked on its own, after
    /// super administrators, so each refusal gives its own reason).
    fn is_named(&self, segment: &str) -> bool {
        let s = segment.to_lowercase();
        self.names.contains(&s) || locked(&self.protected_ids).contains(&s)
    }

    #[cfg(test)]
    fn is_protected(&self, segment: &str) -> bool {
        self.is_named(segment) || self.is_identity(segment)
    }

    /// The admin who owns the server's API token.
    fn is_identity(&self, id: &str) -> bool {
        locked(&self.identity).as_deref().is_some_and(|me| me.eq_ignore_ascii_case(id))
    }

    fn is_unprotected(&self, id: &str) -> bool {
        let s = id.to_lowercase();
        self.unprotected.contains(&s) || locked(&self.seen_unprotected).contains(&s)
    }

    /// Resolve what is not resolved yet: logins the configuration names, and the API token's admin. A login
    /// Okta does not know (404) is skipped for now and tried again at the next change; any other failure
    /// refuses the change (fail closed).
    pub async fn resolve_names(&self, client: &OktaClient) -> Result<(), ToolError> {
        if self.api_token_admin && locked(&self.identity).is_none() {
            let path = ops::GET_USER.path(&["me"])?;
            let me = client.get(&path, &Query::new()).await.map_err(|e| {
                ToolError::refused(format!(
                    "cannot tell who owns the API token (GET /api/v1/users/me), so nothing was changed: that \
                     admin is protected. Okta said: {e}"
                ))
            })?;
            if let Some(id) = me.get("id").and_then(Value::as_str) {
                let login = me.pointer("/profile/login").and_then(Value::as_str).unwrap_or(id);
                tracing::info!("protected: {login} ({id}), the admin who owns the API token");
                *locked(&self.identity) = Some(id.to_lowercase());
            }
        }
        let pending: Vec<String> = {
            let resolved = locked(&self.resolved);
            self.names.iter().filter(|n| n.contains('@') && !resolved.contains_key(*n)).cloned().collect()
        };
        for login in pending {
            let Ok(path) = ops::GET_USER.path(&[&login]) else { continue };
            match client.get(&path, &Query::new()).await {
                Ok(user) => {
                    if let Some(id) = user.get("id").and_then(Value::as_str) {
                        locked(&self.resolved).insert(login.clone(), id.to_lowercase());
                        self.resolve(&login, id);
                    }
                }
                Err(OktaError::Api { status: 404, .. }) => {}
                Err(e) => {
                    return Err(ToolError::refused(format!(
                        "cannot resolve the protected login {login} (OKTA_MCP_PROTECTED), so nothing was changed. \
                         Okta said: {e}"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Names in the configuration that are not ids (logins, group names, app labels, a client id that is not
    /// an app id) can only be matched on the object itself: read the users, groups and apps a change targets
    /// that the call has not read yet. Fails closed when the object cannot be read.
    async fn look_up_targets(&self, client: &OktaClient, segments: &[String]) -> Result<(), ToolError> {
        if self.names.iter().all(|n| crate::ids::is_directory_id(n)) {
            return Ok(());
        }
        for pair in segments.windows(2) {
            let read = match pair[0].as_str() {
                "users" => ops::GET_USER,
                "groups" => ops::GET_GROUP,
                "apps" => ops::GET_APPLICATION,
                _ => continue,
            };
            let id = &pair[1];
            if locked(&self.seen).contains(&id.to_lowercase()) {
                continue;
            }
            let Ok(path) = read.path(&[id]) else { continue };
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

    /// Refuse a change whose path, body or declared targets name a protected object (or an object of a
    /// protected user, such as a session the call read), or a user who is a super administrator; and a
    /// destructive change to a group that holds a super-administrator role or contains a protected user.
    pub async fn check(
        &self,
        client: &OktaClient,
        path: &ApiPath,
        body: Option<&Value>,
        declared: &[Target],
        destructive: bool,
    ) -> Result<(), ToolError> {
        self.resolve_names(client).await?;
        let mut segments: Vec<String> = path.as_str().split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        if let Some(body) = body {
            // An empty segment ends the path's, so a path that ends in a collection (`…/apps/{id}/users`) does not
            // take the body's first word for an id.
            segments.push(String::new());
            body_targets(body, &mut segments);
        }
        for t in declared {
            segments.extend([t.kind.to_owned(), t.id.clone()]);
        }
        self.look_up_targets(client, &segments).await?;
        let owners: Vec<String> = {
            let owners = locked(&self.owners);
            segments.iter().filter_map(|s| owners.get(&s.to_lowercase()).cloned()).collect()
        };
        // The path's own ids start after /api/v1.
        let mut targets = segments.iter().skip(2).chain(owners.iter());
        if let Some(hit) = targets.find(|s| self.is_named(s)) {
            let label = declared.iter().find(|t| t.id.eq_ignore_ascii_case(hit)).map(|t| format!(" ({})", t.label));
            return Err(ToolError::refused(format!(
                "{hit}{} is protected (OKTA_MCP_PROTECTED, the service app this server runs as, or the push \
                 approver): no tool may change it. Nothing was changed.",
                label.unwrap_or_default()
            )));
        }
        // /api/v1/users/{id}… and /api/v1/groups/{gid}/users/{id}: the user is the segment after "users"; and
        // the owners of objects the call read (a session's user).
        let users: Vec<String> = segments
            .iter()
            .enumerate()
            .filter(|(_, s)| *s == "users")
            .filter_map(|(i, _)| segments.get(i + 1).filter(|s| !s.is_empty()).cloned())
            .chain(owners.iter().cloned())
            .collect();
        for user in &users {
            if !self.is_unprotected(user) && self.is_super_admin(client, user).await? {
                return Err(ToolError::refused(format!(
                    "{user} is a super administrator, and super administrators are protected: name them in \
                     OKTA_MCP_UNPROTECTED to allow this. Nothing was changed."
                )));
            }
        }
        if let Some(me) = segments.iter().skip(2).chain(owners.iter()).find(|s| self.is_identity(s)) {
            return Err(ToolError::refused(format!(
                "{me} is the admin who owns this server's API token: it is protected (whatever \
                 OKTA_MCP_UNPROTECTED says), so the server cannot lock itself out or raise its own access. \
                 Nothing was changed."
            )));
        }
        // A destructive change to a group itself (/api/v1/groups/{gid}…, or a group the tool declared). A change
        // to one member (…/groups/{gid}/users/{uid}) acts on that member, checked above, and on the group's
        // role; any other acts on the whole group and so on everyone in it.
        if destructive {
            let mut groups: Vec<(String, bool)> = Vec::new();
            if segments.get(2).map(String::as_str) == Some("groups")
                && let Some(group) = segments.get(3)
            {
                groups.push((group.clone(), segments.get(4).map(String::as_str) != Some("users")));
            }
            groups.extend(declared.iter().filter(|t| t.kind == "groups").map(|t| (t.id.clone(), true)));
            for (group, whole_group) in groups {
                self.check_group(client, &group, whole_group).await?;
            }
        }
        Ok(())
    }

    /// A group that holds a super-administrator role takes no destructive change (removing a member demotes
    /// them); a group that contains a protected user takes no destructive change to the whole group.
    async fn check_group(&self, client: &OktaClient, group: &str, whole_group: bool) -> Result<(), ToolError> {
        if self.is_unprotected(group) {
            return Ok(());
        }
        let path = ops::LIST_GROUP_ASSIGNED_ROLES.path(&[group])?;
        let roles = match client.get(&path, &Query::new()).await {
            Ok(roles) => roles,
            Err(OktaError::Api { status: 404, .. }) => return Ok(()),
            Err(e) => {
                return Err(ToolError::refused(format!(
                    "cannot check whether group {group} holds a super-administrator role (such groups are \
                     protected), so nothing was changed: grant the service app {ROLES_SCOPE}. Okta said: {e}"
                )));
            }
        };
        if holds_super_admin(&roles) {
            return Err(ToolError::refused(format!(
                "group {group} holds the super-administrator role, so it is protected like a super administrator: \
                 name it in OKTA_MCP_UNPROTECTED to allow this. Nothing was changed."
            )));
        }
        if !whole_group {
            return Ok(());
        }
        let mut users: BTreeSet<String> =
            locked(&self.protected_ids).iter().filter(|i| i.starts_with("00u")).cloned().collect();
        users.extend(self.names.iter().filter(|n| n.starts_with("00u") && crate::ids::is_directory_id(n)).cloned());
        users.extend(locked(&self.identity).clone());
        for user in users {
            let path = ops::LIST_USER_GROUPS.path(&[&user])?;
            let member_of = match client.get(&path, &Query::new()).await {
                Ok(groups) => groups,
                Err(OktaError::Api { status: 404, .. }) => continue,
                Err(e) => {
                    return Err(ToolError::refused(format!(
                        "cannot check whether group {group} contains the protected user {user}, so nothing was \
                         changed. Okta said: {e}"
                    )));
                }
            };
            if member_of
                .as_array()
                .into_iter()
                .flatten()
                .any(|g| g.get("id").and_then(Value::as_str).is_some_and(|id| id.eq_ignore_ascii_case(group)))
            {
                return Err(ToolError::refused(format!(
                    "group {group} contains the protected user {user}: no destructive change to the whole group \
                     (delete, role removal…). Nothing was changed."
                )));
            }
        }
        Ok(())
    }

    async fn is_super_admin(&self, client: &OktaClient, user: &str) -> Result<bool, ToolError> {
        if locked(&self.super_admins).contains(user) {
            return Ok(true);
        }
        let path = ops::LIST_ASSIGNED_ROLES_FOR_USER.path(&[user])?;
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
        let is_super = holds_super_admin(&roles);
        if is_super {
            locked(&self.super_admins).insert(user.to_owned());
        }
        Ok(is_super)
    }
}

/// Does a list of role assignments (a user's or a group's) include the super-administrator role?
fn holds_super_admin(roles: &Value) -> bool {
    roles.as_array().into_iter().flatten().any(|r| r.get("type").and_then(Value::as_str) == Some("SUPER_ADMIN"))
}

/// Where resolved ids are remembered: beside the audit log (`audit.db` → `audit.protected-ids.json`).
pub fn memory_path(audit_db: &std::path::Path) -> PathBuf {
    audit_db.with_extension("protected-ids.json")
}

/// `{org: {name: id}}`.
fn load_memory(path: &std::path::Path, org: &str) -> BTreeMap<String, String> {
    let Ok(text) = std::fs::read_to_string(path) else { return BTreeMap::new() };
    let Ok(all) = serde_json::from_str::<BTreeMap<String, BTreeMap<String, String>>>(&text) else {
        tracing::warn!("{} is not a protected-ids file; ignoring it", path.display());
        return BTreeMap::new();
    };
    all.get(org).cloned().unwrap_or_default()
}

fn remember(path: &std::path::Path, org: &str, name: &str, id: &str) -> Result<(), String> {
    let mut all: BTreeMap<String, BTreeMap<String, String>> =
        std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    all.entry(org.to_owned()).or_default().insert(name.to_owned(), id.to_owned());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let text = serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| e.to_string())
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
            // An app assignment (`POST /api/v1/apps/{appId}/users`) names its user as `{id, scope: USER}`.
            if map.get("scope").and_then(Value::as_str) == Some("USER")
                && let Some(user) = map.get("id").and_then(Value::as_str)
            {
                out.extend(["users".to_owned(), user.to_owned()]);
            }
            map.values().for_each(|v| body_targets(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| body_targets(v, out)),
        // orn:<partition>:directory:{org}:users:{id}, …:groups:{id}, orn:<partition>:idp:{org}:apps:[{name}:]{id}
        Value::String(s) => {
            if let Some((kind, id)) = crate::orn::names(s)
                && matches!(kind, "users" | "groups" | "apps")
            {
                out.extend([kind.to_owned(), id.to_owned()]);
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
    fn the_roles_scope_is_the_role_reads_scope() {
        assert!(ROLE_READS.iter().all(|o| o.scopes == [ROLES_SCOPE]));
    }

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
    fn the_service_app_is_protected_whatever_its_client_id_looks_like() {
        let p = Protection::new(None, None, Some("my-custom-client"));
        assert!(!p.is_protected("0oaSVC"));
        p.observe(
            &json!({"id": "0oaSVC", "label": "MCP", "credentials": {"oauthClient": {"client_id": "my-custom-client"}}}),
        );
        assert!(p.is_protected("0oasvc"));
        assert!(
            !p.names.iter().all(|n| crate::ids::is_directory_id(n)),
            "a client id that is not an app id is looked up on the app"
        );
    }

    #[test]
    fn a_resolved_name_stays_protected_by_id_in_a_later_process() {
        let dir = tempfile::tempdir().expect("tempdir");
        let memory = dir.path().join("protected-ids.json");
        let first =
            Protection::new(Some("Finance Admins"), None, None).remembering(memory.clone(), "https://a.okta.com");
        first.observe(&json!({"id": "00gFIN", "profile": {"name": "Finance Admins"}}));
        assert!(first.is_protected("00gfin"));
        // Later, renamed in Okta: the name no longer matches, the remembered id does.
        let later =
            Protection::new(Some("Finance Admins"), None, None).remembering(memory.clone(), "https://a.okta.com");
        later.observe(&json!({"id": "00gFIN", "profile": {"name": "Finance (renamed)"}}));
        assert!(later.is_protected("00gfin"));
        // Another org's memory is its own; a name no longer configured protects nothing.
        assert!(
            !Protection::new(Some("Finance Admins"), None, None)
                .remembering(memory.clone(), "https://b.okta.com")
                .is_protected("00gfin")
        );
        assert!(
            !Protection::new(Some("Others"), None, None)
                .remembering(memory, "https://a.okta.com")
                .is_protected("00gfin")
        );
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
        let mut out = Vec::new();
        body_targets(&json!({"id": "00u3", "scope": "USER", "credentials": {"userName": "x"}}), &mut out);
        assert_eq!(out, ["users", "00u3"], "an app assignment names its user");
    }
}
