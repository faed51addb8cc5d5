//! Policies and rules in words: who a rule applies to (people, network zones, grant types, scopes, clients),
//! what it does (allow or deny, factors, sessions, token lifetimes), and its priority.

use serde_json::{Value, json};

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().map(|s| s.as_str().map(str::to_owned).unwrap_or_else(|| s.to_string())).collect())
        .unwrap_or_default()
}

fn list(v: &Value, pointer: &str) -> Vec<String> {
    strings(v.pointer(pointer))
}

fn people(c: &Value) -> Option<String> {
    let mut parts = Vec::new();
    for (what, key) in [("groups", "groups"), ("users", "users")] {
        let include = list(c, &format!("/people/{key}/include"));
        let exclude = list(c, &format!("/people/{key}/exclude"));
        if !include.is_empty() {
            parts.push(format!("{what} {}", include.join(", ")));
        }
        if !exclude.is_empty() {
            parts.push(format!("except {what} {}", exclude.join(", ")));
        }
    }
    (!parts.is_empty()).then(|| format!("people: {}", parts.join("; ")))
}

/// `network: anywhere`, `network: in zones X`, `network: outside zones X`.
pub fn network(c: &Value) -> Option<String> {
    let n = c.get("network")?;
    let include = list(n, "/include");
    let exclude = list(n, "/exclude");
    let connection = n.get("connection").and_then(Value::as_str).unwrap_or("ANYWHERE");
    Some(match (connection, include.is_empty(), exclude.is_empty()) {
        ("ZONE", false, true) => format!("network: in zones {}", include.join(", ")),
        ("ZONE", true, false) => format!("network: outside zones {}", exclude.join(", ")),
        ("ZONE", false, false) => {
            format!("network: in zones {} but not {}", include.join(", "), exclude.join(", "))
        }
        _ => "network: anywhere".to_owned(),
    })
}

/// The conditions of a policy or rule, as one line.
pub fn conditions(v: &Value) -> String {
    let Some(c) = v.get("conditions").filter(|c| c.is_object()) else {
        return "none (applies to everyone)".to_owned();
    };
    let mut parts: Vec<String> = Vec::new();
    parts.extend(people(c));
    parts.extend(network(c));
    let clients = list(c, "/clients/include");
    if !clients.is_empty() {
        parts.push(format!("clients: {}", clients.join(", ")));
    }
    let grants = list(c, "/grantTypes/include");
    if !grants.is_empty() {
        parts.push(format!("grant types: {}", grants.join(", ")));
    }
    let scopes = list(c, "/scopes/include");
    if !scopes.is_empty() {
        parts.push(format!("scopes: {}", scopes.join(", ")));
    }
    if let Some(auth) = c.pointer("/authContext/authType").and_then(Value::as_str) {
        parts.push(format!("auth type: {auth}"));
    }
    if let Some(p) = c.pointer("/authProvider/provider").and_then(Value::as_str) {
        parts.push(format!("auth provider: {p}"));
    }
    if let Some(r) = c.pointer("/riskScore/level").and_then(Value::as_str) {
        parts.push(format!("risk: {r}"));
    }
    if let Some(el) = c.pointer("/elCondition/condition").and_then(Value::as_str) {
        parts.push(format!("expression: {el}"));
    }
    if parts.is_empty() { "none (applies to everyone)".to_owned() } else { parts.join("; ") }
}

fn minutes(v: &Value, pointer: &str) -> Option<u64> {
    v.pointer(pointer).and_then(Value::as_u64)
}

/// What a rule does, as one line.
pub fn actions(v: &Value) -> String {
    let Some(a) = v.get("actions").filter(|a| a.is_object()) else { return "none".to_owned() };
    let mut parts: Vec<String> = Vec::new();
    if let Some(t) = a.get("token") {
        if let Some(m) = minutes(t, "/accessTokenLifetimeMinutes") {
            parts.push(format!("access token {m} min"));
        }
        match (minutes(t, "/refreshTokenLifetimeMinutes"), minutes(t, "/refreshTokenWindowMinutes")) {
            (Some(0) | None, Some(w)) => parts.push(format!("refresh token unlimited, expires if unused {w} min")),
            (Some(l), Some(w)) => parts.push(format!("refresh token {l} min, expires if unused {w} min")),
            _ => {}
        }
        if let Some(h) = t.pointer("/inlineHook/id").and_then(Value::as_str) {
            parts.push(format!("token inline hook {h}"));
        }
    }
    if let Some(s) = a.get("signon") {
        let access = s.get("access").and_then(Value::as_str).unwrap_or("?");
        parts.push(access.to_owned());
        if s.get("requireFactor") == Some(&json!(true)) {
            let mode = s.get("factorPromptMode").and_then(Value::as_str).unwrap_or("ALWAYS");
            parts.push(format!("MFA required ({mode})"));
        } else if access == "ALLOW" {
            parts.push("no MFA".to_owned());
        }
        if let Some(idle) = minutes(s, "/session/maxSessionIdleMinutes") {
            parts.push(format!("session idle {idle} min"));
        }
        if let Some(life) = minutes(s, "/session/maxSessionLifetimeMinutes").filter(|m| *m > 0) {
            parts.push(format!("session lifetime {life} min"));
        }
    }
    if let Some(s) = a.get("appSignOn") {
        parts.push(s.get("access").and_then(Value::as_str).unwrap_or("?").to_owned());
        if let Some(m) = s.pointer("/verificationMethod/factorMode").and_then(Value::as_str) {
            parts.push(m.to_owned());
        }
        if let Some(r) = s.pointer("/verificationMethod/reauthenticateIn").and_then(Value::as_str) {
            parts.push(format!("re-authenticate every {r}"));
        }
    }
    for (key, what) in [
        ("passwordChange", "password change"),
        ("selfServicePasswordReset", "self-service reset"),
        ("selfServiceUnlock", "self-service unlock"),
    ] {
        if let Some(access) = a.pointer(&format!("/{key}/access")).and_then(Value::as_str) {
            parts.push(format!("{what} {access}"));
        }
    }
    if let Some(e) = a.pointer("/enroll/self").and_then(Value::as_str) {
        parts.push(format!("enroll authenticators: {e}"));
    }
    if let Some(p) = a.get("profileEnrollment") {
        parts.push(p.get("access").and_then(Value::as_str).unwrap_or("?").to_owned());
        if let Some(u) = p.get("unknownUserAction").and_then(Value::as_str) {
            parts.push(format!("unknown users: {u}"));
        }
    }
    if parts.is_empty() { a.to_string() } else { parts.join("; ") }
}

/// A rule in words.
pub fn rule(r: &Value) -> Value {
    json!({
        "id": r.get("id"),
        "name": r.get("name"),
        "status": r.get("status"),
        "priority": r.get("priority"),
        "system": r.get("system"),
        "conditions": conditions(r),
        "actions": actions(r),
    })
}

/// A policy in words (settings of password and enrollment policies as they are).
pub fn policy(p: &Value) -> Value {
    let mut out = json!({
        "id": p.get("id"),
        "name": p.get("name"),
        "type": p.get("type"),
        "status": p.get("status"),
        "priority": p.get("priority"),
        "system": p.get("system"),
        "description": p.get("description"),
        "conditions": conditions(p),
    });
    if let Some(settings) = p.get("settings").filter(|s| !s.is_null()) {
        out["settings"] = settings.clone();
    }
    out
}

/// Copies of `items` with the summary lines added under `summary_conditions` / `summary_actions` (for columns).
pub fn with_summary_columns(items: Vec<Value>) -> Vec<Value> {
    items
        .into_iter()
        .map(|mut v| {
            let c = conditions(&v);
            let a = actions(&v);
            if let Value::Object(map) = &mut v {
                map.insert("summary_conditions".into(), json!(c));
                map.insert("summary_actions".into(), json!(a));
            }
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_on_rule_outside_a_zone() {
        let r = json!({"id": "0pr1", "name": "MFA off network", "priority": 2, "status": "ACTIVE",
            "conditions": {"people": {"users": {"exclude": []}}, "network": {"connection": "ZONE", "exclude": ["nzo1"]}},
            "actions": {"signon": {"access": "ALLOW", "requireFactor": true, "factorPromptMode": "ALWAYS",
                        "session": {"maxSessionIdleMinutes": 60, "maxSessionLifetimeMinutes": 0}}}});
        let s = rule(&r);
        assert_eq!(s["conditions"], "network: outside zones nzo1");
        assert_eq!(s["actions"], "ALLOW; MFA required (ALWAYS); session idle 60 min");
        assert_eq!(s["priority"], 2);
    }

    #[test]
    fn auth_server_rule_and_policy() {
        let r = json!({"conditions": {"people": {"groups": {"include": ["EVERYONE"]}},
                                      "grantTypes": {"include": ["client_credentials"]}, "scopes": {"include": ["*"]}},
                       "actions": {"token": {"accessTokenLifetimeMinutes": 60, "refreshTokenLifetimeMinutes": 0,
                                             "refreshTokenWindowMinutes": 10080, "inlineHook": {"id": "cal1"}}}});
        assert_eq!(conditions(&r), "people: groups EVERYONE; grant types: client_credentials; scopes: *");
        assert!(actions(&r).starts_with("access token 60 min; refresh token unlimited"));
        assert!(actions(&r).ends_with("token inline hook cal1"));
        let p = policy(&json!({"id": "00p1", "conditions": null, "settings": {"x": 1}}));
        assert_eq!(p["conditions"], "none (applies to everyone)");
        assert_eq!(p["settings"], json!({"x": 1}));
        let app = json!({"actions": {"appSignOn": {"access": "ALLOW", "verificationMethod": {"factorMode": "2FA", "reauthenticateIn": "PT2H"}}},
                         "conditions": {"network": {"connection": "ANYWHERE"}}});
        assert_eq!(actions(&app), "ALLOW; 2FA; re-authenticate every PT2H");
        assert_eq!(conditions(&app), "network: anywhere");
    }
}
