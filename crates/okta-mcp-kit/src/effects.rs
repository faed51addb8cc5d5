//! Changes classified by their effect, not by the tool that sends them or its HTTP verb. Some writes can lock an
//! org out or hand over an account or privilege as surely as a delete: assigning a super-administrator role,
//! blocking every address, changing how an app proves who it is. Such a change is destructive whatever the tool
//! declared: the kit refuses it outside `--mode full` and asks a person first (see `server`).
//!
//! Each rule names the operations it can apply to (Okta's path templates, as the tools declare them), so the
//! tool catalog can say which write tools may escalate, and a predicate over the concrete change.

use serde_json::Value;

use okta_core::{Operation, ops};

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
    pub operations: &'static [Operation],
    /// Whether this concrete change is one.
    pub applies: fn(&Change<'_>) -> bool,
}

fn body_str<'a>(change: &Change<'a>, pointer: &str) -> Option<&'a str> {
    change.body.and_then(|b| b.pointer(pointer)).and_then(Value::as_str)
}

/// A field of the object as it will be: from the body when it names it, else from the object as it is now
/// (an activation sends no body; a full-replace PUT may leave read-only fields out).
fn field<'a>(change: &Change<'a>, pointer: &str) -> Option<&'a Value> {
    change
        .body
        .and_then(|b| b.pointer(pointer))
        .or_else(|| change.current.and_then(|c| c.pointer(pointer)))
        .filter(|v| !v.is_null())
}

fn field_is(change: &Change<'_>, pointer: &str, wanted: &[&str]) -> bool {
    field(change, pointer)
        .and_then(Value::as_str)
        .is_some_and(|v| wanted.iter().any(|w| v.trim().eq_ignore_ascii_case(w)))
}

/// A query parameter, as sent (the last one wins, as Okta reads it).
fn query<'a>(change: &Change<'a>, name: &str) -> Option<&'a str> {
    change.query.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn always(_: &Change<'_>) -> bool {
    true
}

fn assigns_org_wide_admin(change: &Change<'_>) -> bool {
    body_str(change, "/type").is_some_and(|t| {
        let t = t.trim().to_ascii_uppercase();
        t == "SUPER_ADMIN" || t == "ORG_ADMIN"
    })
}

/// An address interval of one family (IPv4 as the low 32 bits).
type Interval = (u128, u128);

/// The interval of an Okta zone address: `a.b.c.d/n` (CIDR), `a-b` (RANGE), or a single address. `None` when
/// it is not an address (Okta refuses it anyway).
fn interval(value: &str) -> Option<(bool, Interval)> {
    use std::net::IpAddr;
    let value = value.trim();
    let to_u128 = |ip: IpAddr| match ip {
        IpAddr::V4(v4) => (false, u128::from(u32::from(v4))),
        IpAddr::V6(v6) => (true, u128::from(v6)),
    };
    if let Some((addr, prefix)) = value.split_once('/') {
        let (v6, start) = to_u128(addr.trim().parse().ok()?);
        let bits: u32 = if v6 { 128 } else { 32 };
        let prefix: u32 = prefix.trim().parse().ok().filter(|p| *p <= bits)?;
        let host_bits = bits - prefix;
        let host_mask = if host_bits == 128 { u128::MAX } else { (1u128 << host_bits) - 1 };
        Some((v6, (start & !host_mask, (start & !host_mask) | host_mask)))
    } else if let Some((a, b)) = value.split_once('-') {
        let (v6a, a) = to_u128(a.trim().parse().ok()?);
        let (v6b, b) = to_u128(b.trim().parse().ok()?);
        (v6a == v6b && a <= b).then_some((v6a, (a, b)))
    } else {
        let (v6, a) = to_u128(value.parse().ok()?);
        Some((v6, (a, a)))
    }
}

/// Do these intervals together cover `0..=max`?
fn covers(mut intervals: Vec<Interval>, max: u128) -> bool {
    intervals.sort_unstable();
    let mut next: u128 = 0; // the lowest address not yet covered
    for (start, end) in intervals {
        if start > next {
            return false;
        }
        if end >= max {
            return true;
        }
        next = next.max(end + 1);
    }
    false
}

/// Do a zone's gateways or proxies cover every IPv4 or every IPv6 address (0.0.0.0/0, ::/0, or pieces that
/// add up to it)?
fn covers_every_address(addresses: Option<&Value>) -> bool {
    let mut v4 = Vec::new();
    let mut v6 = Vec::new();
    for item in addresses.and_then(Value::as_array).into_iter().flatten() {
        let value = item.get("value").and_then(Value::as_str).or_else(|| item.as_str());
        match value.and_then(interval) {
            Some((false, i)) => v4.push(i),
            Some((true, i)) => v6.push(i),
            None => {}
        }
    }
    covers(v4, u128::from(u32::MAX)) || covers(v6, u128::MAX)
}

/// A zone created, replaced or activated that blocks addresses, or that takes in every address.
fn zone_blocks_or_covers_everyone(change: &Change<'_>) -> bool {
    field_is(change, "/usage", &["BLOCKLIST"])
        || covers_every_address(field(change, "/gateways"))
        || covers_every_address(field(change, "/proxies"))
}

/// Inline hooks that receive secrets: telephony hooks get every one-time code Okta sends by SMS or voice;
/// password-import hooks get users' passwords in clear and decide whether they are right.
const SECRET_HOOKS: &[&str] = &["com.okta.telephony.provider", "com.okta.user.credential.password.import"];

fn hook_receives_secrets(change: &Change<'_>) -> bool {
    field_is(change, "/type", SECRET_HOOKS)
}

/// An app replaced with other credentials (signing key, client authentication, client id or secret) or another
/// JWKS (the public keys its clients prove themselves with). Without the app as it is now, any of them in the
/// body counts.
fn changes_app_credentials(change: &Change<'_>) -> bool {
    ["/credentials", "/settings/oauthClient/jwks", "/settings/oauthClient/jwks_uri"].iter().any(|pointer| {
        let next = change.body.and_then(|b| b.pointer(pointer)).filter(|v| !v.is_null());
        match change.current {
            Some(current) => next != current.pointer(pointer).filter(|v| !v.is_null()),
            None => next.is_some(),
        }
    })
}

/// Profile attributes that say where Okta sends a user's recovery and activation emails, and the name they
/// sign in with.
const ACCOUNT_ATTRIBUTES: &[&str] = &["login", "email", "secondEmail"];

/// A user update that changes their sign-in name or where their email goes (compared with the user as they
/// are now; case is ignored, as Okta ignores it), or that sets their credentials (password, recovery question,
/// provider).
fn changes_user_account(change: &Change<'_>) -> bool {
    let Some(body) = change.body else { return false };
    if body.get("credentials").is_some_and(|c| !c.is_null()) {
        return true;
    }
    ACCOUNT_ATTRIBUTES.iter().any(|attribute| {
        let pointer = format!("/profile/{attribute}");
        let Some(next) = body.pointer(&pointer) else { return false };
        let now = change.current.and_then(|c| c.pointer(&pointer));
        match (next.as_str(), now.and_then(Value::as_str)) {
            (Some(next), Some(now)) => !next.trim().eq_ignore_ascii_case(now.trim()),
            (None, _) if next.is_null() => now.is_some_and(|n| !n.is_null()),
            _ => true,
        }
    })
}

/// `sendEmail=false`: Okta answers with the link (activation, password reset) instead of emailing it.
fn link_returned(change: &Change<'_>) -> bool {
    query(change, "sendEmail").is_some_and(|v| v.trim().eq_ignore_ascii_case("false"))
}

/// `tempPassword=true` on expire_password: Okta answers with a temporary password.
fn temp_password_returned(change: &Change<'_>) -> bool {
    query(change, "tempPassword").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// Every rule.
pub const RULES: &[Rule] = &[
    Rule {
        what: "assigns the super-administrator or organization-administrator role",
        operations: &[ops::ASSIGN_ROLE_TO_USER, ops::ASSIGN_ROLE_TO_GROUP, ops::ASSIGN_ROLE_TO_CLIENT],
        applies: assigns_org_wide_admin,
    },
    Rule {
        what: "makes a blocklist network zone, or a zone that covers every address, take effect",
        operations: &[ops::CREATE_NETWORK_ZONE, ops::REPLACE_NETWORK_ZONE, ops::ACTIVATE_NETWORK_ZONE],
        applies: zone_blocks_or_covers_everyone,
    },
    Rule {
        what: "sets up a telephony or password-import inline hook, which receives users' one-time codes or \
               passwords",
        operations: &[ops::CREATE_INLINE_HOOK, ops::REPLACE_INLINE_HOOK, ops::ACTIVATE_INLINE_HOOK],
        applies: hook_receives_secrets,
    },
    Rule {
        what: "changes how an app proves who it is (its credentials or JWKS)",
        operations: &[ops::REPLACE_APPLICATION],
        applies: changes_app_credentials,
    },
    Rule {
        what: "adds or activates an app credential (a client secret, a JWKS key, a published or cloned key)",
        operations: &[
            ops::CREATE_OAUTH2_CLIENT_SECRET,
            ops::ACTIVATE_OAUTH2_CLIENT_SECRET,
            ops::ADD_JWK,
            ops::ACTIVATE_OAUTH2_CLIENT_JSON_WEB_KEY,
            ops::CLONE_APPLICATION_KEY,
            ops::PUBLISH_CSR_FROM_APPLICATION,
        ],
        applies: always,
    },
    Rule {
        what: "changes a user's sign-in name, email or credentials (who can take over the account)",
        operations: &[ops::UPDATE_USER, ops::REPLACE_USER],
        applies: changes_user_account,
    },
    Rule {
        what: "enrolls or activates an MFA factor for a user",
        operations: &[ops::ENROLL_FACTOR, ops::ACTIVATE_FACTOR],
        applies: always,
    },
    Rule {
        what: "returns an activation or password-reset link (it signs in as the user) instead of emailing it",
        operations: &[ops::ACTIVATE_USER, ops::REACTIVATE_USER, ops::RESET_PASSWORD, ops::FORGOT_PASSWORD],
        applies: link_returned,
    },
    Rule {
        what: "returns a temporary password for the user",
        operations: &[ops::EXPIRE_PASSWORD_WITH_TEMP_PASSWORD],
        applies: always,
    },
    Rule {
        what: "returns a temporary password for the user",
        operations: &[ops::EXPIRE_PASSWORD],
        applies: temp_password_returned,
    },
];

/// Why this change is destructive whatever the tool declared (`None`: it is not).
pub fn escalation(change: &Change<'_>) -> Option<&'static str> {
    RULES
        .iter()
        .filter(|r| r.operations.iter().any(|o| o.method.as_str() == change.method && o.matches_path(change.path)))
        .find(|r| (r.applies)(change))
        .map(|r| r.what)
}

/// What the rules say an operation may do (for the tool catalog: which write tools may escalate).
pub fn may_escalate(op: &Operation) -> Vec<&'static str> {
    RULES.iter().filter(|r| r.operations.iter().any(|o| o.same(op))).map(|r| r.what).collect()
}

/// `../shared/okta-openapi` beside the checkout; absent → skip with a message, except under `CI=true`.
#[cfg(test)]
pub(crate) fn spec_file(name: &str) -> Option<std::path::PathBuf> {
    let file = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/okta-openapi").join(name);
    if file.exists() {
        return Some(file);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is missing, and CI=true forbids skipping",
        file.display()
    );
    eprintln!("SKIPPED: ../shared/okta-openapi/{name} is absent, so this is not checked against Okta's spec");
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change<'a>(method: &'a str, path: &'a str, body: Option<&'a Value>) -> Change<'a> {
        Change { method, path, query: &[], body, current: None }
    }

    fn with<'a>(
        method: &'a str,
        path: &'a str,
        query: &'a [(String, String)],
        body: Option<&'a Value>,
        current: Option<&'a Value>,
    ) -> Change<'a> {
        Change { method, path, query, body, current }
    }

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
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
        assert_eq!(may_escalate(&ops::ASSIGN_ROLE_TO_USER).len(), 1);
        assert!(may_escalate(&ops::LIST_ASSIGNED_ROLES_FOR_USER).is_empty());
    }

    #[test]
    fn client_roles_too() {
        let sa = json!({"type": "SUPER_ADMIN"});
        assert!(escalation(&change("POST", "/oauth2/v1/clients/0oa1/roles", Some(&sa))).is_some());
    }

    /// The body okta_create_network_zone sends (zone_body), and the zone as okta_update/activate read it.
    fn zone(usage: &str, gateways: &[&str]) -> Value {
        let gateways: Vec<Value> = gateways
            .iter()
            .map(|g| json!({"type": if g.contains('-') { "RANGE" } else { "CIDR" }, "value": g}))
            .collect();
        json!({"type": "IP", "name": "z", "usage": usage, "gateways": gateways, "proxies": null})
    }

    #[test]
    fn blocklist_zones_and_zones_of_every_address_escalate() {
        let create = |z: &Value| escalation(&change("POST", "/api/v1/zones", Some(z))).is_some();
        assert!(create(&zone("BLOCKLIST", &["203.0.113.0/24"])));
        assert!(!create(&zone("POLICY", &["203.0.113.0/24", "10.0.0.0/8"])));
        assert!(create(&zone("POLICY", &["0.0.0.0/0"])));
        assert!(create(&zone("POLICY", &["::/0"])));
        assert!(create(&zone("POLICY", &["0.0.0.0/1", "128.0.0.0/1"])));
        assert!(create(&zone("POLICY", &["0.0.0.0-127.255.255.255", "128.0.0.0/2", "192.0.0.0/2"])));
        assert!(create(&zone("POLICY", &["0.0.0.0-255.255.255.255"])));
        assert!(!create(&zone("POLICY", &["0.0.0.0/1", "128.0.0.0/2"])), "a gap is not every address");
        assert!(!create(&zone("POLICY", &["0.0.0.0/1", "::/1", "8000::/2"])));
        let mut proxies = zone("POLICY", &["10.0.0.0/8"]);
        proxies["proxies"] = json!([{"type": "CIDR", "value": "0.0.0.0/0"}]);
        assert!(create(&proxies));
        let dynamic = json!({"type": "DYNAMIC", "name": "d", "usage": "BLOCKLIST", "locations": [{"country": "US"}]});
        assert!(create(&dynamic));

        // Update: a full-replace PUT of the merged zone; activation: no body, the zone as it is now.
        let now = zone("POLICY", &["10.0.0.0/8"]);
        let mut next = now.clone();
        next["gateways"] = json!([{"type": "CIDR", "value": "0.0.0.0/0"}]);
        assert!(escalation(&with("PUT", "/api/v1/zones/nzo1", &[], Some(&next), Some(&now))).is_some());
        assert!(escalation(&with("PUT", "/api/v1/zones/nzo1", &[], Some(&now), Some(&now))).is_none());
        let blocklist = zone("BLOCKLIST", &["198.51.100.7/32"]);
        let activate = "/api/v1/zones/nzo1/lifecycle/activate";
        assert!(escalation(&with("POST", activate, &[], None, Some(&blocklist))).is_some());
        assert!(escalation(&with("POST", activate, &[], None, Some(&now))).is_none());
        assert!(
            escalation(&with("POST", "/api/v1/zones/nzo1/lifecycle/deactivate", &[], None, Some(&blocklist))).is_none()
        );
    }

    #[test]
    fn telephony_and_password_import_hooks_escalate() {
        let hook = |kind: &str| {
            json!({"name": "h", "type": kind, "version": "1.0.0",
                   "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": "https://h.example", "method": "POST", "headers": []}}})
        };
        for kind in SECRET_HOOKS {
            assert!(escalation(&change("POST", "/api/v1/inlineHooks", Some(&hook(kind)))).is_some(), "{kind}");
        }
        assert!(
            escalation(&change("POST", "/api/v1/inlineHooks", Some(&hook("com.okta.oauth2.tokens.transform"))))
                .is_none()
        );
        // okta_update_inline_hook leaves `type` out of the PUT: the hook as it is now says what it is.
        let now = hook("com.okta.telephony.provider");
        let mut body = now.clone();
        body.as_object_mut().map(|m| m.remove("type"));
        body["name"] = json!("renamed");
        assert!(escalation(&with("PUT", "/api/v1/inlineHooks/cal1", &[], Some(&body), Some(&now))).is_some());
        let activate = "/api/v1/inlineHooks/cal1/lifecycle/activate";
        assert!(escalation(&with("POST", activate, &[], None, Some(&now))).is_some());
        let token = hook("com.okta.oauth2.tokens.transform");
        assert!(escalation(&with("POST", activate, &[], None, Some(&token))).is_none());
    }

    #[test]
    fn app_credentials_and_jwks_escalate() {
        let app = json!({"id": "0oa1", "label": "A", "credentials": {"signing": {"kid": "k1"},
                         "oauthClient": {"client_id": "0oa1", "token_endpoint_auth_method": "private_key_jwt"}},
                         "settings": {"oauthClient": {"redirect_uris": ["https://a.example/cb"],
                                      "jwks": {"keys": [{"kty": "EC", "kid": "a"}]}}}});
        let put = |body: &Value| escalation(&with("PUT", "/api/v1/apps/0oa1", &[], Some(body), Some(&app))).is_some();
        let mut label = app.clone();
        label["label"] = json!("B");
        assert!(!put(&label), "a label change is not a credential change");
        let mut kid = app.clone();
        kid["credentials"]["signing"]["kid"] = json!("k2");
        assert!(put(&kid));
        let mut method = app.clone();
        method["credentials"]["oauthClient"]["token_endpoint_auth_method"] = json!("client_secret_basic");
        assert!(put(&method));
        let mut jwks = app.clone();
        jwks["settings"]["oauthClient"]["jwks"]["keys"][0]["kid"] = json!("b");
        assert!(put(&jwks));
        let mut uri = app.clone();
        uri["settings"]["oauthClient"]["jwks_uri"] = json!("https://attacker.example/jwks");
        assert!(put(&uri));
        let mut removed = app.clone();
        removed.as_object_mut().map(|m| m.remove("credentials"));
        assert!(put(&removed));
        for path in ["/api/v1/apps/0oa1/credentials/secrets", "/api/v1/apps/0oa1/credentials/jwks/k/lifecycle/activate"]
        {
            assert!(escalation(&change("POST", path, None)).is_some(), "{path}");
        }
        assert!(escalation(&change("POST", "/api/v1/apps/0oa1/credentials/keys/generate", None)).is_none());
    }

    #[test]
    fn changing_login_email_or_credentials_escalates() {
        let user = json!({"id": "00u1", "profile": {"login": "a@example.com", "email": "a@example.com", "title": "x"}});
        let post =
            |body: Value| escalation(&with("POST", "/api/v1/users/00u1", &[], Some(&body), Some(&user))).is_some();
        assert!(!post(json!({"profile": {"title": "CTO"}})));
        assert!(!post(json!({"profile": {"login": "A@example.com"}})), "case only: the same login");
        assert!(post(json!({"profile": {"login": "b@example.com"}})));
        assert!(post(json!({"profile": {"email": "attacker@example.net"}})));
        assert!(post(json!({"profile": {"secondEmail": "attacker@example.net"}})));
        assert!(post(json!({"profile": {"email": null}})));
        assert!(!post(json!({"profile": {"secondEmail": null}})), "clearing what is not set changes nothing");
        assert!(post(json!({"credentials": {"password": {"value": "x"}}})));
        let unread = json!({"profile": {"email": "a@example.com"}});
        assert!(escalation(&change("POST", "/api/v1/users/00u1", Some(&unread))).is_some(), "unknown now: counts");
        assert!(escalation(&change("POST", "/api/v1/users", Some(&unread))).is_none(), "creating is not changing");
    }

    #[test]
    fn factor_enrolment_and_activation_escalate() {
        let body = json!({"factorType": "sms", "provider": "OKTA", "profile": {"phoneNumber": "+15555550100"}});
        assert!(escalation(&change("POST", "/api/v1/users/00u1/factors", Some(&body))).is_some());
        let code = json!({"passCode": "123456"});
        assert!(escalation(&change("POST", "/api/v1/users/00u1/factors/f1/lifecycle/activate", Some(&code))).is_some());
        assert!(escalation(&change("POST", "/api/v1/users/00u1/factors/f1/verify", Some(&code))).is_none());
    }

    #[test]
    fn links_and_temporary_passwords_handed_back_escalate() {
        let no_email = q(&[("sendEmail", "false")]);
        let email = q(&[("sendEmail", "true")]);
        for path in [
            "/api/v1/users/00u1/lifecycle/activate",
            "/api/v1/users/00u1/lifecycle/reactivate",
            "/api/v1/users/00u1/lifecycle/reset_password",
            "/api/v1/users/00u1/credentials/forgot_password",
        ] {
            assert!(escalation(&with("POST", path, &no_email, None, None)).is_some(), "{path}");
            assert!(escalation(&with("POST", path, &email, None, None)).is_none(), "{path}");
            assert!(escalation(&with("POST", path, &[], None, None)).is_none(), "{path}: Okta emails by default");
        }
        let temp = "/api/v1/users/00u1/lifecycle/expire_password_with_temp_password";
        assert!(escalation(&change("POST", temp, None)).is_some());
        let expire = "/api/v1/users/00u1/lifecycle/expire_password";
        assert!(escalation(&with("POST", expire, &q(&[("tempPassword", "true")]), None, None)).is_some());
        assert!(escalation(&change("POST", expire, None)).is_none());
        assert!(!may_escalate(&ops::ACTIVATE_USER).is_empty());
    }
}
