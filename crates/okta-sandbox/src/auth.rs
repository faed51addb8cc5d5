//! Route metadata: the rate-limit family of a path and the OAuth scope each operation requires
//! (from Okta's `oauth2_scope_alternatives` in the Management API spec).

/// The rate-limit family of a request path.
pub fn family(path: &str) -> &'static str {
    let p = path.trim_end_matches('/');
    if p == "/oauth2/v1/token" {
        return "token";
    }
    let Some(rest) = p.strip_prefix("/api/v1/") else {
        return "default";
    };
    let segs: Vec<&str> = rest.split('/').collect();
    match segs.first().copied() {
        Some("users") if segs.get(2) == Some(&"roles") => "roles",
        Some("users") => "users",
        Some("groups") if segs.get(2) == Some(&"roles") => "roles",
        Some("groups") => "groups",
        Some("logs") => "logs",
        Some("sessions") => "sessions",
        Some("apps") => "apps",
        Some("iam") => "roles",
        _ => "default",
    }
}

/// The scope a bearer token needs for `method` on the route `template` (axum syntax).
pub fn required_scope(method: &str, template: &str) -> Option<&'static str> {
    let read = method == "GET";
    let scope = match template {
        "/api/v1/users"
        | "/api/v1/users/{id}"
        | "/api/v1/users/{id}/groups"
        | "/api/v1/users/{id}/appLinks"
        | "/api/v1/users/{id}/lifecycle/{op}"
        | "/api/v1/users/{id}/sessions"
        | "/api/v1/users/{id}/factors"
        | "/api/v1/users/{id}/factors/catalog"
        | "/api/v1/users/{id}/factors/{factorId}"
        | "/api/v1/users/{id}/factors/{factorId}/lifecycle/activate"
        | "/api/v1/users/{id}/factors/{factorId}/verify"
        | "/api/v1/users/{id}/factors/{factorId}/transactions/{transactionId}" => {
            if read {
                "okta.users.read"
            } else {
                "okta.users.manage"
            }
        }
        "/api/v1/users/{id}/roles" => {
            if read {
                "okta.roles.read"
            } else {
                "okta.roles.manage"
            }
        }
        "/api/v1/groups"
        | "/api/v1/groups/{groupId}"
        | "/api/v1/groups/{groupId}/users"
        | "/api/v1/groups/{groupId}/users/{userId}"
        | "/api/v1/groups/{groupId}/apps" => {
            if read {
                "okta.groups.read"
            } else {
                "okta.groups.manage"
            }
        }
        "/api/v1/sessions/{sessionId}" => {
            if read {
                "okta.sessions.read"
            } else {
                "okta.sessions.manage"
            }
        }
        "/api/v1/apps"
        | "/api/v1/apps/{appId}"
        | "/api/v1/apps/{appId}/lifecycle/{op}"
        | "/api/v1/apps/{appId}/users"
        | "/api/v1/apps/{appId}/users/{userId}"
        | "/api/v1/apps/{appId}/groups"
        | "/api/v1/apps/{appId}/groups/{groupId}"
        | "/api/v1/apps/{appId}/credentials/keys"
        | "/api/v1/apps/{appId}/credentials/keys/generate"
        | "/api/v1/apps/{appId}/sso/saml/metadata" => {
            if read {
                "okta.apps.read"
            } else {
                "okta.apps.manage"
            }
        }
        "/api/v1/apps/{appId}/grants" => {
            if read {
                "okta.appGrants.read"
            } else {
                "okta.appGrants.manage"
            }
        }
        "/api/v1/logs" => "okta.logs.read",
        "/api/v1/iam/roles"
        | "/api/v1/iam/roles/{roleIdOrLabel}"
        | "/api/v1/iam/resource-sets"
        | "/api/v1/iam/resource-sets/{resourceSetIdOrLabel}"
        | "/api/v1/users/{id}/roles/{roleAssignmentId}"
        | "/api/v1/groups/{groupId}/roles"
        | "/api/v1/groups/{groupId}/roles/{roleAssignmentId}" => {
            if read {
                "okta.roles.read"
            } else {
                "okta.roles.manage"
            }
        }
        "/api/v1/devices"
        | "/api/v1/devices/{deviceId}"
        | "/api/v1/devices/{deviceId}/users"
        | "/api/v1/devices/{deviceId}/lifecycle/{op}" => {
            if read {
                "okta.devices.read"
            } else {
                "okta.devices.manage"
            }
        }
        "/api/v1/eventHooks"
        | "/api/v1/eventHooks/{eventHookId}"
        | "/api/v1/eventHooks/{eventHookId}/lifecycle/{op}" => {
            if read {
                "okta.eventHooks.read"
            } else {
                "okta.eventHooks.manage"
            }
        }
        t if crate::handlers::policy_scope(method, t).is_some() => return crate::handlers::policy_scope(method, t),
        t if t.starts_with("/governance/") => return crate::handlers::governance_scope(method, t),
        _ => return None,
    };
    Some(scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        assert_eq!(family("/api/v1/users"), "users");
        assert_eq!(family("/api/v1/users/00u1/lifecycle/activate"), "users");
        assert_eq!(family("/api/v1/users/00u1/roles"), "roles");
        assert_eq!(family("/api/v1/groups/00g1/users"), "groups");
        assert_eq!(family("/api/v1/logs"), "logs");
        assert_eq!(family("/api/v1/sessions/102x"), "sessions");
        assert_eq!(family("/oauth2/v1/token"), "token");
        assert_eq!(family("/api/v1/apps/0oa1/users/00u1"), "apps");
        assert_eq!(family("/api/v1/meta/schemas"), "default");
    }

    #[test]
    fn scopes_follow_the_spec() {
        assert_eq!(required_scope("GET", "/api/v1/users"), Some("okta.users.read"));
        assert_eq!(required_scope("POST", "/api/v1/users/{id}/lifecycle/{op}"), Some("okta.users.manage"));
        assert_eq!(required_scope("DELETE", "/api/v1/users/{id}/sessions"), Some("okta.users.manage"));
        assert_eq!(required_scope("GET", "/api/v1/users/{id}/roles"), Some("okta.roles.read"));
        assert_eq!(required_scope("PUT", "/api/v1/groups/{groupId}/users/{userId}"), Some("okta.groups.manage"));
        assert_eq!(required_scope("GET", "/api/v1/sessions/{sessionId}"), Some("okta.sessions.read"));
        assert_eq!(required_scope("DELETE", "/api/v1/sessions/{sessionId}"), Some("okta.sessions.manage"));
        assert_eq!(required_scope("GET", "/api/v1/logs"), Some("okta.logs.read"));
        assert_eq!(required_scope("GET", "/api/v1/apps"), Some("okta.apps.read"));
        assert_eq!(required_scope("POST", "/api/v1/apps/{appId}/lifecycle/{op}"), Some("okta.apps.manage"));
        assert_eq!(required_scope("POST", "/api/v1/apps/{appId}/credentials/keys/generate"), Some("okta.apps.manage"));
        assert_eq!(required_scope("GET", "/api/v1/apps/{appId}/sso/saml/metadata"), Some("okta.apps.read"));
        assert_eq!(required_scope("GET", "/api/v1/apps/{appId}/grants"), Some("okta.appGrants.read"));
        assert_eq!(required_scope("GET", "/nope"), None);
    }
}
