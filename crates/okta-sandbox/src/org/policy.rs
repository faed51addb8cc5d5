//! Authorization servers (with their policies, rules, scopes, claims and signing keys), org policies with their
//! rules, network zones and inline hooks. Objects are kept as Okta's JSON (without `_links`, which are added
//! when answering; write-only values, such as an inline hook's auth scheme value, are not kept).

use serde_json::{Value, json};

use crate::ids;
use crate::org::random::{Random, Stream};

/// A custom authorization server and what hangs off it.
#[derive(Debug, Clone)]
pub struct AuthServer {
    pub obj: Value,
    pub policies: Vec<WithRules>,
    pub scopes: Vec<Value>,
    pub claims: Vec<Value>,
    /// Signing keys: public members only (the sandbox never signs with them).
    pub keys: Vec<Value>,
}

/// A policy and its rules (authorization-server policies and org policies).
#[derive(Debug, Clone)]
pub struct WithRules {
    pub obj: Value,
    pub rules: Vec<Value>,
}

/// Everything of this module, hung off the org.
#[derive(Debug, Default)]
pub struct PolicyOrg {
    pub auth_servers: Vec<AuthServer>,
    pub policies: Vec<WithRules>,
    pub zones: Vec<Value>,
    /// Inline hooks. The value of a channel's auth scheme is write-only and the sandbox never calls a hook, so
    /// it is not kept (as for event hooks).
    pub hooks: Vec<Value>,
}

/// A fresh RSA-looking public JWK (random modulus; never used to sign).
pub fn new_key(random: &mut Random, status: &str) -> Value {
    let rng = random.stream(Stream::Policy);
    let kid = ids::base62(rng, 43);
    let n = ids::base62(rng, 342);
    json!({"kid": kid, "kty": "RSA", "alg": "RS256", "use": "sig", "e": "AQAB", "n": n, "status": status})
}

/// A fresh id of a policy object.
pub fn new_id(random: &mut Random, prefix: &str) -> String {
    random.id(Stream::Policy, prefix)
}

/// The priority order: place `item` at `priority` (1-based; none or out of range: last) and renumber.
pub fn place_by_priority(items: &mut Vec<Value>, mut item: Value, system_last: bool) {
    let wanted = item.get("priority").and_then(Value::as_u64).map(|p| p.max(1) as usize);
    // System (default) rules stay last, as in Okta.
    let movable =
        if system_last { items.iter().filter(|r| r.get("system") != Some(&json!(true))).count() } else { items.len() };
    let at = wanted.map(|p| (p - 1).min(movable)).unwrap_or(movable);
    item["priority"] = json!(at + 1);
    items.insert(at, item);
    renumber(items);
}

pub fn renumber(items: &mut [Value]) {
    for (i, r) in items.iter_mut().enumerate() {
        r["priority"] = json!(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::collection::str_of;

    #[test]
    fn priorities_keep_system_rules_last() {
        let mut rules = vec![json!({"id": "a", "priority": 1}), json!({"id": "d", "priority": 2, "system": true})];
        place_by_priority(&mut rules, json!({"id": "b"}), true);
        let ids: Vec<&str> = rules.iter().map(|r| str_of(r, "id")).collect();
        assert_eq!(ids, ["a", "b", "d"]);
        place_by_priority(&mut rules, json!({"id": "c", "priority": 1}), true);
        assert_eq!(str_of(&rules[0], "id"), "c");
        assert_eq!(rules[3]["priority"], 4);
    }
}
