//! Seeded authorization servers, org policies, network zones and inline hooks.
//!
//! | object | id | notes |
//! |---|---|---|
//! | authorization server `default` | `default` | ACTIVE, audience `api://default`, Default Policy (system; ALL_CLIENTS) + Default Policy Rule (system; client_credentials, authorization_code, device_code, password; any scope; Everyone), system scopes and `mcp.access` (`scpmcpaccess00000001`, published), claims `email` (system), `department` (`user.department`) and `groups` (`oclgroups00000000001`: GROUPS, REGEX `.*`, access token) |
//! | authorization server `Orders API` | `ausorders00000000001` | ACTIVE, policy `Orders clients` with 2 rules (one calls the token inline hook), scopes `orders.read` `orders.write`, claim `tenant` |
//! | authorization server `Legacy Partners API` | `auslegacy00000000001` | INACTIVE |
//! | network zone `Corporate Network` | `nzocorporate00000001` | IP, ACTIVE, used by policy rules |
//! | network zone `Blocked countries` | `nzoblockedgeo0000001` | DYNAMIC, ACTIVE |
//! | network zones `LegacyIpZone`, `BlockedIpZone` | `nzolegacyipzone00001`, `nzoblockedipzone0001` | IP, system |
//! | inline hook `Token enrichment` | `caltokenenrich000001` | com.okta.oauth2.tokens.transform, ACTIVE |
//! | inline hook `Registration screening` | `calregistration00001` | com.okta.user.pre-registration, INACTIVE |
//!
//! Org policies: a system `Default Policy` (with a system default rule) of each type OKTA_SIGN_ON, PASSWORD,
//! MFA_ENROLL, ACCESS_POLICY and PROFILE_ENROLLMENT; plus `Contractors sign-on` (`00pcontractors000001`,
//! OKTA_SIGN_ON) and `Finance apps` (`00pfinanceapps000001`, ACCESS_POLICY), whose rules use the zones.

use serde_json::{Value, json};

use crate::ids::fixture_id;
use crate::org::collection::{now, str_of};
use crate::org::policy::{PolicyOrg, new_id, new_key};
use crate::org::random::Random;

pub const DEFAULT_AS: &str = "default";
pub const EVERYONE: &str = "00geveryone000000001";
pub const ENGINEERING: &str = "00gengineering000001";

fn system_scopes(random: &mut Random) -> Vec<Value> {
    [
        ("openid", "Signals that a request is an OpenID request."),
        ("profile", "Allows access to the end-user's default profile claims."),
        ("email", "Allows access to the end-user's email address."),
        ("address", "Allows access to the end-user's address."),
        ("phone", "Allows access to the end-user's phone number."),
        ("offline_access", "Allows access to request a refresh token."),
        ("device_sso", "Allows device single sign-on."),
    ]
    .into_iter()
    .map(|(name, description)| {
        json!({"id": new_id(random, "scp"), "name": name, "displayName": name, "description": description,
               "system": true, "default": false, "consent": "IMPLICIT", "optional": false,
               "metadataPublish": "ALL_CLIENTS"})
    })
    .collect()
}

pub fn custom_scope(id: String, name: &str, description: &str) -> Value {
    json!({"id": id, "name": name, "displayName": name, "description": description, "system": false,
           "default": false, "consent": "IMPLICIT", "optional": false, "metadataPublish": "NO_CLIENTS"})
}

fn as_policy(id: String, name: &str, description: &str, priority: u64, system: bool, clients: Value) -> Value {
    let ts = now();
    json!({"id": id, "type": "OAUTH_AUTHORIZATION_POLICY", "name": name, "description": description,
           "priority": priority, "status": "ACTIVE", "system": system,
           "conditions": {"clients": {"include": clients}}, "created": ts, "lastUpdated": ts})
}

#[allow(clippy::too_many_arguments)]
fn as_rule(
    id: String,
    name: &str,
    priority: u64,
    system: bool,
    grants: &[&str],
    scopes: &[&str],
    groups: &[&str],
    token: Value,
) -> Value {
    let ts = now();
    json!({"id": id, "type": "RESOURCE_ACCESS", "name": name, "priority": priority, "status": "ACTIVE",
           "system": system,
           "conditions": {"people": {"groups": {"include": groups}}, "grantTypes": {"include": grants},
                          "scopes": {"include": scopes}},
           "actions": {"token": token}, "created": ts, "lastUpdated": ts})
}

/// A new authorization server object (without sub-objects).
pub fn server_obj(id: &str, name: &str, description: &str, audiences: Value, status: &str, kid: &str) -> Value {
    let ts = now();
    json!({"id": id, "name": name, "description": description, "audiences": audiences, "issuerMode": "ORG_URL",
           "status": status, "created": ts, "lastUpdated": ts,
           "credentials": {"signing": {"rotationMode": "AUTO", "use": "sig", "kid": kid, "lastRotated": ts,
                                       "nextRotation": ts}}})
}

/// A new authorization server object (for the caller to add), whose system scopes and fresh ACTIVE and NEXT keys
/// go into `org`.
pub fn new_server(
    org: &mut PolicyOrg,
    random: &mut Random,
    id: &str,
    name: &str,
    description: &str,
    audiences: Value,
) -> Value {
    let active = new_key(random, "ACTIVE");
    let next = new_key(random, "NEXT");
    let kid = active["kid"].as_str().unwrap_or_default().to_owned();
    let obj = server_obj(id, name, description, audiences, "ACTIVE", &kid);
    *org.scopes.of_mut(id) = system_scopes(random);
    *org.keys.of_mut(id) = vec![active, next];
    obj
}

fn claim(
    id: String,
    name: &str,
    claim_type: &str,
    value_type: &str,
    value: &str,
    scopes: &[&str],
    system: bool,
) -> Value {
    json!({"id": id, "name": name, "status": "ACTIVE", "claimType": claim_type, "valueType": value_type,
           "value": value, "conditions": {"scopes": scopes}, "system": system, "alwaysIncludeInToken": true})
}

fn org_policy(id: String, kind: &str, name: &str, priority: u64, system: bool, extra: Value) -> Value {
    let ts = now();
    let mut p = json!({"id": id, "type": kind, "name": name, "description": format!("{name} ({kind})"),
                       "priority": priority, "status": "ACTIVE", "system": system, "created": ts,
                       "lastUpdated": ts});
    if let (Value::Object(p), Value::Object(extra)) = (&mut p, extra) {
        p.extend(extra);
    }
    p
}

fn org_rule(
    id: String,
    kind: &str,
    name: &str,
    priority: u64,
    system: bool,
    conditions: Value,
    actions: Value,
) -> Value {
    let ts = now();
    json!({"id": id, "type": kind, "name": name, "priority": priority, "status": "ACTIVE", "system": system,
           "conditions": conditions, "actions": actions, "created": ts, "lastUpdated": ts})
}

fn anywhere() -> Value {
    json!({"people": {"users": {"exclude": []}}, "network": {"connection": "ANYWHERE"}})
}

fn zone_ip(id: String, name: &str, usage: &str, system: bool, gateways: Value) -> Value {
    let ts = now();
    json!({"id": id, "type": "IP", "name": name, "status": "ACTIVE", "usage": usage, "system": system,
           "gateways": gateways, "proxies": null, "created": ts, "lastUpdated": ts})
}

pub fn build(random: &mut Random) -> PolicyOrg {
    let mut org = PolicyOrg::default();
    let corp = fixture_id("nzo", "corporate", 1);
    let geo = fixture_id("nzo", "blockedgeo", 1);
    let token_hook = fixture_id("cal", "tokenenrich", 1);

    // ---- authorization servers
    let default = new_server(
        &mut org,
        random,
        DEFAULT_AS,
        "default",
        "Default Authorization Server for your Applications",
        json!(["api://default"]),
    );
    let p = as_policy(
        fixture_id("00p", "asdefault", 1),
        "Default Policy",
        "Default policy",
        1,
        true,
        json!(["ALL_CLIENTS"]),
    );
    let r = as_rule(
        fixture_id("0pr", "asdefault", 1),
        "Default Policy Rule",
        1,
        true,
        &["client_credentials", "authorization_code", "urn:ietf:params:oauth:grant-type:device_code", "password"],
        &["*"],
        &["EVERYONE"],
        json!({"accessTokenLifetimeMinutes": 60, "refreshTokenLifetimeMinutes": 0, "refreshTokenWindowMinutes": 10080}),
    );
    org.server_rules.of_mut(str_of(&p, "id")).push(r);
    org.server_policies.of_mut(DEFAULT_AS).push(p);
    let claims = org.claims.of_mut(DEFAULT_AS);
    claims.push(claim(new_id(random, "ocl"), "email", "IDENTITY", "SYSTEM", "user.email", &["email"], true));
    claims.push(claim(new_id(random, "ocl"), "department", "RESOURCE", "EXPRESSION", "user.department", &[], false));
    // Fixture ids (no draw from the stream), so that everything seeded after stays what it was.
    let mut groups = claim(fixture_id("ocl", "groups", 1), "groups", "RESOURCE", "GROUPS", ".*", &[], false);
    groups["group_filter_type"] = json!("REGEX");
    claims.push(groups);
    // The same groups in ID tokens, as admins set it up for apps that sign people in (the MCP servers' sign-in).
    let mut id_groups = claim(fixture_id("ocl", "groupsid", 1), "groups", "IDENTITY", "GROUPS", ".*", &[], true);
    id_groups["group_filter_type"] = json!("REGEX");
    claims.push(id_groups);
    let mut mcp = custom_scope(fixture_id("scp", "mcpaccess", 1), "mcp.access", "Use the MCP servers");
    mcp["metadataPublish"] = json!("ALL_CLIENTS");
    org.scopes.of_mut(DEFAULT_AS).push(mcp);
    org.auth_servers.push(default);

    let orders_id = fixture_id("aus", "orders", 1);
    let orders = new_server(
        &mut org,
        random,
        &orders_id,
        "Orders API",
        "Tokens for the orders service",
        json!(["api://orders"]),
    );
    let scopes = org.scopes.of_mut(&orders_id);
    scopes.push(custom_scope(fixture_id("scp", "ordersread", 1), "orders.read", "Read orders"));
    scopes.push(custom_scope(fixture_id("scp", "orderswrite", 1), "orders.write", "Create and change orders"));
    org.claims.of_mut(&orders_id).push(claim(
        new_id(random, "ocl"),
        "tenant",
        "RESOURCE",
        "EXPRESSION",
        "\"acme\"",
        &[],
        false,
    ));
    let p = as_policy(
        fixture_id("00p", "ordersclients", 1),
        "Orders clients",
        "Who may get orders tokens",
        1,
        false,
        json!(["ALL_CLIENTS"]),
    );
    let partners = as_rule(
        fixture_id("0pr", "orderspartners", 1),
        "Partners: client credentials",
        1,
        false,
        &["client_credentials"],
        &["orders.read"],
        &["EVERYONE"],
        json!({"accessTokenLifetimeMinutes": 30, "refreshTokenLifetimeMinutes": 0, "refreshTokenWindowMinutes": 10080}),
    );
    let employees = as_rule(
        fixture_id("0pr", "ordersemployees", 1),
        "Employees",
        2,
        false,
        &["authorization_code"],
        &["openid", "orders.read", "orders.write"],
        &[ENGINEERING],
        json!({"accessTokenLifetimeMinutes": 60, "refreshTokenLifetimeMinutes": 0, "refreshTokenWindowMinutes": 10080,
               "inlineHook": {"id": token_hook}}),
    );
    *org.server_rules.of_mut(str_of(&p, "id")) = vec![partners, employees];
    org.server_policies.of_mut(&orders_id).push(p);
    org.auth_servers.push(orders);

    let legacy_id = fixture_id("aus", "legacy", 1);
    let mut legacy =
        new_server(&mut org, random, &legacy_id, "Legacy Partners API", "Retired partner API", json!(["api://legacy"]));
    legacy["status"] = json!("INACTIVE");
    org.auth_servers.push(legacy);

    // ---- network zones
    org.zones.push(zone_ip(fixture_id("nzo", "legacyipzone", 1), "LegacyIpZone", "POLICY", true, json!([])));
    org.zones.push(zone_ip(fixture_id("nzo", "blockedipzone", 1), "BlockedIpZone", "BLOCKLIST", true, json!([])));
    org.zones.push(zone_ip(
        corp.clone(),
        "Corporate Network",
        "POLICY",
        false,
        json!([{"type": "CIDR", "value": "198.51.100.0/24"}, {"type": "RANGE", "value": "203.0.113.10-203.0.113.20"}]),
    ));
    let ts = now();
    org.zones.push(json!({"id": geo, "type": "DYNAMIC", "name": "Blocked countries", "status": "ACTIVE",
        "usage": "POLICY", "system": false, "locations": [{"country": "KP"}, {"country": "IR"}], "asns": [],
        "created": ts, "lastUpdated": ts}));

    // ---- org policies: a system default of each type
    let everyone = json!({"people": {"groups": {"include": [EVERYONE]}}});
    let defaults: [(&str, &str, &str, Value, Value, Value); 5] = [
        (
            "OKTA_SIGN_ON",
            "SIGN_ON",
            "signon",
            json!({"conditions": everyone}),
            json!({"people": {"users": {"exclude": []}}, "network": {"connection": "ANYWHERE"}, "authContext": {"authType": "ANY"}}),
            json!({"signon": {"access": "ALLOW", "requireFactor": false, "primaryFactor": "PASSWORD_IDP_ANY_FACTOR",
                           "rememberDeviceByDefault": false,
                           "session": {"usePersistentCookie": false, "maxSessionIdleMinutes": 120, "maxSessionLifetimeMinutes": 0}}}),
        ),
        (
            "PASSWORD",
            "PASSWORD",
            "password",
            json!({"conditions": {"people": {"groups": {"include": [EVERYONE]}}, "authProvider": {"provider": "OKTA"}},
                "settings": {"password": {
                    "complexity": {"minLength": 8, "minLowerCase": 1, "minUpperCase": 1, "minNumber": 1, "minSymbol": 0,
                                   "excludeUsername": true, "excludeAttributes": []},
                    "age": {"maxAgeDays": 0, "expireWarnDays": 0, "minAgeMinutes": 0, "historyCount": 4},
                    "lockout": {"maxAttempts": 10, "autoUnlockMinutes": 0, "showLockoutFailures": false}}}}),
            anywhere(),
            json!({"passwordChange": {"access": "ALLOW"}, "selfServicePasswordReset": {"access": "ALLOW"},
                "selfServiceUnlock": {"access": "DENY"}}),
        ),
        (
            "MFA_ENROLL",
            "MFA_ENROLL",
            "mfaenroll",
            json!({"conditions": everyone, "settings": {"type": "AUTHENTICATORS", "authenticators": [
             {"key": "okta_password", "enroll": {"self": "REQUIRED"}},
             {"key": "okta_verify", "enroll": {"self": "REQUIRED"}},
             {"key": "phone_number", "enroll": {"self": "OPTIONAL"}}]}}),
            anywhere(),
            json!({"enroll": {"self": "CHALLENGE"}}),
        ),
        (
            "ACCESS_POLICY",
            "ACCESS_POLICY",
            "access",
            json!({"conditions": null}),
            json!({"network": {"connection": "ANYWHERE"}}),
            json!({"appSignOn": {"access": "ALLOW", "verificationMethod": {"type": "ASSURANCE", "factorMode": "2FA",
                "constraints": [], "reauthenticateIn": "PT12H"}}}),
        ),
        (
            "PROFILE_ENROLLMENT",
            "PROFILE_ENROLLMENT",
            "profile",
            json!({"conditions": null}),
            Value::Null,
            json!({"profileEnrollment": {"access": "ALLOW", "unknownUserAction": "DENY", "targetGroupIds": [],
                "activationRequirements": {"emailVerification": true},
                "profileAttributes": [{"name": "email", "label": "Email", "required": true}]}}),
        ),
    ];
    for (kind, rule_kind, word, extra, conditions, actions) in defaults {
        let policy = org_policy(fixture_id("00p", &format!("{word}dflt"), 1), kind, "Default Policy", 1, true, extra);
        let rule_name =
            if matches!(kind, "ACCESS_POLICY" | "PROFILE_ENROLLMENT") { "Catch-all Rule" } else { "Default Rule" };
        let rule =
            org_rule(fixture_id("0pr", &format!("{word}dflt"), 1), rule_kind, rule_name, 1, true, conditions, actions);
        org.policy_rules.of_mut(str_of(&policy, "id")).push(rule);
        org.policies.push(policy);
    }

    // Contractors: MFA off the corporate network, no sign-in from blocked countries.
    let contractors = org_policy(
        fixture_id("00p", "contractors", 1),
        "OKTA_SIGN_ON",
        "Contractors sign-on",
        1,
        false,
        json!({"conditions": {"people": {"groups": {"include": [ENGINEERING]}}}}),
    );
    let deny_geo = org_rule(
        fixture_id("0pr", "contractgeo", 1),
        "SIGN_ON",
        "Deny blocked countries",
        1,
        false,
        json!({"people": {"users": {"exclude": []}}, "network": {"connection": "ZONE", "include": [geo]},
               "authContext": {"authType": "ANY"}}),
        json!({"signon": {"access": "DENY", "requireFactor": false}}),
    );
    let mfa_outside = org_rule(
        fixture_id("0pr", "contractoffnet", 1),
        "SIGN_ON",
        "MFA off the corporate network",
        2,
        false,
        json!({"people": {"users": {"exclude": []}}, "network": {"connection": "ZONE", "exclude": [corp]},
               "authContext": {"authType": "ANY"}}),
        json!({"signon": {"access": "ALLOW", "requireFactor": true, "factorPromptMode": "ALWAYS",
                          "primaryFactor": "PASSWORD_IDP_ANY_FACTOR", "rememberDeviceByDefault": false,
                          "session": {"usePersistentCookie": false, "maxSessionIdleMinutes": 60, "maxSessionLifetimeMinutes": 480}}}),
    );
    *org.policy_rules.of_mut(str_of(&contractors, "id")) = vec![deny_geo, mfa_outside];
    org.policies.insert(0, contractors);
    // Renumber OKTA_SIGN_ON priorities: the custom policy comes first, the default last.
    if let Some(d) = org.policies.iter_mut().find(|p| p["type"] == "OKTA_SIGN_ON" && p["system"] == true) {
        d["priority"] = json!(2);
    }

    let finance = org_policy(
        fixture_id("00p", "financeapps", 1),
        "ACCESS_POLICY",
        "Finance apps",
        1,
        false,
        json!({"conditions": null}),
    );
    let on_net = org_rule(
        fixture_id("0pr", "financeonnet", 1),
        "ACCESS_POLICY",
        "Corporate network: password",
        1,
        false,
        json!({"network": {"connection": "ZONE", "include": [corp]}, "people": {"groups": {"include": [EVERYONE]}}}),
        json!({"appSignOn": {"access": "ALLOW", "verificationMethod": {"type": "ASSURANCE", "factorMode": "1FA",
               "constraints": [], "reauthenticateIn": "PT8H"}}}),
    );
    let off_net = org_rule(
        fixture_id("0pr", "financeoffnet", 1),
        "ACCESS_POLICY",
        "Outside corporate network: MFA",
        2,
        false,
        json!({"network": {"connection": "ZONE", "exclude": [corp]}, "people": {"groups": {"include": [EVERYONE]}}}),
        json!({"appSignOn": {"access": "ALLOW", "verificationMethod": {"type": "ASSURANCE", "factorMode": "2FA",
               "constraints": [], "reauthenticateIn": "PT2H"}}}),
    );
    *org.policy_rules.of_mut(str_of(&finance, "id")) = vec![on_net, off_net];
    org.policies.push(finance);
    if let Some(d) = org.policies.iter_mut().find(|p| p["type"] == "ACCESS_POLICY" && p["system"] == true) {
        d["priority"] = json!(2);
    }

    // ---- inline hooks
    let ts = now();
    let hook = |id: String, name: &str, kind: &str, status: &str, uri: &str| {
        json!({"id": id, "name": name, "type": kind, "status": status, "version": "1.0.0", "created": ts,
               "lastUpdated": ts,
               "channel": {"type": "HTTP", "version": "1.0.0",
                           "config": {"uri": uri, "method": "POST", "headers": [],
                                      "authScheme": {"type": "HEADER", "key": "Authorization"}}}})
    };
    org.hooks.push(hook(
        token_hook,
        "Token enrichment",
        "com.okta.oauth2.tokens.transform",
        "ACTIVE",
        "https://hooks.example.com/okta/token",
    ));
    org.hooks.push(hook(
        fixture_id("cal", "registration", 1),
        "Registration screening",
        "com.okta.user.pre-registration",
        "INACTIVE",
        "https://hooks.example.com/okta/registration",
    ));
    org
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_every_kind() {
        let org = build(&mut Random::new(42));
        assert_eq!(org.auth_servers.len(), 3);
        assert_eq!(org.auth_servers[0]["id"], DEFAULT_AS);
        assert!(org.scopes.of(DEFAULT_AS).iter().any(|s| s["name"] == "openid" && s["system"] == true));
        for kind in ["OKTA_SIGN_ON", "PASSWORD", "MFA_ENROLL", "ACCESS_POLICY", "PROFILE_ENROLLMENT"] {
            assert!(
                org.policies.iter().any(|p| p["type"] == kind && !org.policy_rules.of(str_of(p, "id")).is_empty()),
                "{kind}"
            );
        }
        assert!(org.zones.iter().any(|z| z["type"] == "DYNAMIC"));
        assert_eq!(fixture_id("aus", "orders", 1), "ausorders00000000001");
        assert_eq!(fixture_id("cal", "tokenenrich", 1), "caltokenenrich000001");
    }
}
