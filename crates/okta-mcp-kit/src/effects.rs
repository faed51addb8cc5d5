//! Changes classified by their effect, not by the tool that sends them or its HTTP verb. Some writes can lock an
//! org out or hand over an account or privilege as surely as a delete: assigning a super-administrator role,
//! blocking every address, changing how an app proves who it is. Such a change is destructive whatever the tool
//! declared: the kit refuses it outside `--mode full` and asks a person first (see `server`).
//!
//! Each rule names the operations it can apply to (Okta's path templates, as the tools declare them), so the
//! tool catalog can say which write tools may escalate, and a predicate over the concrete change.

use serde_json::Value;

use crate::catalog::Operation;

/// A change about to be sent, with what the call last read (the target as it is now), when it read one.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub method: &'a str,
    /// The concrete path (`/api/v1/users/00u1/roles`).
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub body: Option<&'a Value>,
    /// The last single object the call read before this change.
    pub current: Option<&'a Value>,
}

/// One kind of change that is destructive by its effect.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// What the change does, as a person reads it ("assigns a super-administrator role").
    pub what: &'static str,
    /// The operations (method, Okta path template) it can apply to.
    pub operations: &'static [(&'static str, &'static str)],
    /// Whether this concrete change is one.
    pub applies: fn(&Change<'_>) -> bool,
}

fn body_str<'a>(change: &Change<'a>, pointer: &str) -> Option<&'a str> {
    change.body.and_then(|b| b.pointer(pointer)).and_then(Value::as_str)
}

fn assigns_org_wide_admin(change: &Change<'_>) -> bool {
    body_str(change, "/type").is_some_and(|t| {
        let t = t.trim().to_ascii_uppercase();
        t == "SUPER_ADMIN" || t == "ORG_ADMIN"
    })
}

/// Every rule.
pub const RULES: &[Rule] = &[Rule {
    what: "assigns the super-administrator or organization-administrator role",
    operations: &[
        ("POST", "/api/v1/users/{userId}/roles"),
        ("POST", "/api/v1/groups/{groupId}/roles"),
        ("POST", "/api/v1/apps/{appId}/roles"),
    ],
    applies: assigns_org_wide_admin,
}];

/// Does a concrete path match an Okta path template (`{name}` matches one segment)?
pub fn path_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| (t.starts_with('{') && t.ends_with('}')) || t == p)
}

/// Why this change is destructive whatever the tool declared (`None`: it is not).
pub fn escalation(change: &Change<'_>) -> Option<&'static str> {
    RULES
        .iter()
        .filter(|r| r.operations.iter().any(|(m, t)| *m == change.method && path_matches(t, change.path)))
        .find(|r| (r.applies)(change))
        .map(|r| r.what)
}

/// What the rules say an operation may do (for the tool catalog: which write tools may escalate).
pub fn may_escalate(op: &Operation) -> Vec<&'static str> {
    RULES
        .iter()
        .filter(|r| r.operations.iter().any(|(m, t)| *m == op.method.as_str() && same_template(t, op.path)))
        .map(|r| r.what)
        .collect()
}

/// Two templates name the same operation when they differ only in parameter names.
fn same_template(a: &str, b: &str) -> bool {
    let param = |s: &str| s.starts_with('{') && s.ends_with('}');
    let a: Vec<&str> = a.trim_matches('/').split('/').collect();
    let b: Vec<&str> = b.trim_matches('/').split('/').collect();
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| (param(x) && param(y)) || x == y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op;
    use serde_json::json;

    fn change<'a>(method: &'a str, path: &'a str, body: Option<&'a Value>) -> Change<'a> {
        Change { method, path, query: &[], body, current: None }
    }

    #[test]
    fn org_wide_admin_roles_escalate() {
        let sa = json!({"type": "SUPER_ADMIN"});
        let help = json!({"type": "HELP_DESK_ADMIN"});
        assert!(escalation(&change("POST", "/api/v1/users/00u1/roles", Some(&sa))).is_some());
        assert!(
            escalation(&change("POST", "/api/v1/groups/00g1/roles", Some(&json!({"type": "org_admin"})))).is_some()
        );
        assert!(escalation(&change("POST", "/api/v1/users/00u1/roles", Some(&help))).is_none());
        assert!(escalation(&change("DELETE", "/api/v1/users/00u1/roles", Some(&sa))).is_none());
        assert!(escalation(&change("POST", "/api/v1/users/00u1/roles/x", Some(&sa))).is_none());
        assert_eq!(may_escalate(&op!(POST, "/api/v1/users/{id}/roles")).len(), 1);
        assert!(may_escalate(&op!(GET, "/api/v1/users/{id}/roles")).is_empty());
    }
}
