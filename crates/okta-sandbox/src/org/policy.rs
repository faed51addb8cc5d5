//! Authorization servers (with their policies, rules, scopes, claims and signing keys), org policies with their
//! rules, network zones and inline hooks. Objects are kept as Okta's JSON (without `_links`, which are added
//! when answering; write-only values, such as an inline hook's auth scheme value, are not kept).

use serde_json::{Value, json};

use crate::ids;
use crate::org::collection::{Children, Removable, str_of};
use crate::org::random::{Random, Stream};

/// Everything of this module, hung off the org: every object is Okta's JSON, the children of an object in a
/// collection of their kind by the id of their parent.
#[derive(Debug, Default)]
pub struct PolicyOrg {
    /// Custom authorization servers.
    pub auth_servers: Vec<Value>,
    /// The access policies of each authorization server.
    pub server_policies: Children,
    /// The rules of each authorization-server policy (by the policy's id).
    pub server_rules: Children,
    /// The scopes of each authorization server.
    pub scopes: Children,
    /// The claims of each authorization server.
    pub claims: Children,
    /// The signing keys of each authorization server (`kid`, `status`; the modulus kept is a placeholder: the real
    /// key behind a `kid` is `crate::signing`'s, made on first need, which answers and signs with it).
    pub keys: Children,
    /// Org policies.
    pub policies: Vec<Value>,
    /// The rules of each org policy.
    pub policy_rules: Children,
    pub zones: Vec<Value>,
    /// Inline hooks. The value of a channel's auth scheme is write-only and the sandbox never calls a hook, so
    /// it is not kept (as for event hooks).
    pub hooks: Vec<Value>,
}

impl PolicyOrg {
    /// Remove an authorization server and everything of it.
    pub fn remove_server(&mut self, id: &str) {
        self.auth_servers.remove_id(id);
        for policy in self.server_policies.remove(id) {
            self.server_rules.remove(str_of(&policy, "id"));
        }
        self.scopes.remove(id);
        self.claims.remove(id);
        self.keys.remove(id);
    }

    /// Remove an authorization-server policy and its rules (the others are renumbered).
    pub fn remove_server_policy(&mut self, server: &str, policy: &str) {
        let policies = self.server_policies.of_mut(server);
        policies.remove_id(policy);
        renumber(policies);
        self.server_rules.remove(policy);
    }
}

/// A fresh key of an authorization server: its `kid` and status (the random modulus is a placeholder, replaced by
/// the real public key of the `kid` whenever a key is answered: `crate::signing`).
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
