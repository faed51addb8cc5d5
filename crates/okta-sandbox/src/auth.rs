//! The rate-limit family of a request path (the scopes of each route are in the route table,
//! `handlers/routes.rs`).

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
}
