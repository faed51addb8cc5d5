//! Confirmation of destructive changes, by policy (`OKTA_MCP_CONFIRM`). The rule every policy keeps: the model
//! must never be able to complete the human step itself, unless the operator chose a policy that says so.
//!
//! - `elicit` (default): the client asks the person (2025-era `elicitation/create`, or the 2026-07-28
//!   input-required result whose request state is sealed, so it cannot be forged). A client that cannot elicit
//!   does not get destructive tools at all: they are not listed, and the initialize instructions and a log line
//!   say why and what to change.
//! - `push`: an Okta Verify push to a named approver (`OKTA_MCP_APPROVER`) through Okta's factor verify API;
//!   the change runs only when the person approves on their phone. Works with every client.
//! - `token`: a preview and a confirmation token on the first call; a second call with the token runs. The
//!   assistant can make that second call itself: the client's own tool-approval prompt is the only human check,
//!   and the tool descriptions and previews say so.
//! - `never`: no confirmation (scripts); warned at every start.
//!
//! No policy but `never` switches elicitation off for a client that has it: under `token` such a client is asked
//! (it never gets a token), and under `push` it is asked first, then the approver approves on their phone.
//!
//! Tokens and sealed request states are HMAC-sealed, bound to the tool and the canonical arguments, single use,
//! and expire after five minutes.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rmcp::model::{JsonObject, RequestStateCodec, RequestStateError, SealOptions};
use serde_json::Value;

/// How long a confirmation token or sealed request state is good for.
pub const TOKEN_TTL: Duration = Duration::from_secs(300);

/// `OKTA_MCP_CONFIRM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConfirmPolicy {
    /// The client asks the person (elicitation); clients that cannot do not get destructive tools.
    #[default]
    Elicit,
    /// An Okta Verify push to `OKTA_MCP_APPROVER`.
    Push,
    /// A preview and a token the assistant can send back itself (chosen explicitly only).
    Token,
    /// No confirmation (scripted use).
    Never,
}

impl ConfirmPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfirmPolicy::Elicit => "elicit",
            ConfirmPolicy::Push => "push",
            ConfirmPolicy::Token => "token",
            ConfirmPolicy::Never => "never",
        }
    }
}

impl std::fmt::Display for ConfirmPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ConfirmPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "elicit" => Ok(ConfirmPolicy::Elicit),
            "push" => Ok(ConfirmPolicy::Push),
            "token" => Ok(ConfirmPolicy::Token),
            "never" => Ok(ConfirmPolicy::Never),
            other => Err(format!("OKTA_MCP_CONFIRM=`{other}`: use elicit (default), push, token or never")),
        }
    }
}

/// What the token policy tells the person, in every preview and in the tool descriptions: nothing stops the
/// assistant from sending the token back itself.
pub const TOKEN_WARNING: &str = "OKTA_MCP_CONFIRM=token: the assistant can complete this confirmation itself; your \
    MCP client's own tool-approval prompt is the only human check";

/// Arguments in a canonical form (sorted keys, no whitespace), so equal arguments bind equally.
pub fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let body: Vec<String> =
                keys.into_iter().map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&map[k]))).collect();
            format!("{{{}}}", body.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// What a sealed value confirms: a token for the two-step flow, or the request state of an input-required
/// result. Bound separately, so one cannot stand in for the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Token,
    RequestState,
}

/// What a sealed value is bound to: its purpose, the person it was issued to (over HTTP with inbound auth: their
/// token's subject; empty otherwise), the tool and the canonical arguments.
fn binding(purpose: Purpose, who: &str, tool: &str, args: &JsonObject) -> Vec<u8> {
    format!("{purpose:?}\n{who}\n{tool}\n{}", canonical(&Value::Object(args.clone()))).into_bytes()
}

/// Issues and redeems confirmation tokens and sealed request states (one per server process).
pub struct Confirmations {
    pub policy: ConfirmPolicy,
    ttl: Duration,
    codec: RequestStateCodec,
    used: Mutex<HashSet<Vec<u8>>>,
}

impl std::fmt::Debug for Confirmations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Confirmations").field("policy", &self.policy).finish_non_exhaustive()
    }
}

/// `OKTA_MCP_STATE_KEY`: the key that seals tokens and request states, shared by every replica of a deployment so
/// that any of them can finish a confirmation another started. 32 bytes or more, as hex or base64. Unset: a fresh
/// random key per process (one replica; tokens do not outlive it).
pub fn state_key_from_env() -> Result<Option<Vec<u8>>, String> {
    let Ok(raw) = std::env::var("OKTA_MCP_STATE_KEY") else { return Ok(None) };
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let hex = (raw.len() % 2 == 0 && raw.bytes().all(|b| b.is_ascii_hexdigit())).then(|| {
        (0..raw.len()).step_by(2).filter_map(|i| u8::from_str_radix(&raw[i..i + 2], 16).ok()).collect::<Vec<u8>>()
    });
    let key = match hex {
        Some(bytes) => bytes,
        None => {
            use base64::Engine as _;
            let engines = [base64::engine::general_purpose::STANDARD, base64::engine::general_purpose::URL_SAFE];
            engines
                .iter()
                .find_map(|e| e.decode(raw.trim_end_matches('=')).ok().or_else(|| e.decode(raw).ok()))
                .ok_or("OKTA_MCP_STATE_KEY is neither hex nor base64 (make one with: openssl rand -hex 32)")?
        }
    };
    if key.len() < 32 {
        return Err(format!(
            "OKTA_MCP_STATE_KEY holds {} bytes; it needs 32 or more (make one with: openssl rand -hex 32)",
            key.len()
        ));
    }
    Ok(Some(key))
}

impl Confirmations {
    pub fn new(policy: ConfirmPolicy) -> Self {
        // A fresh random key per process: tokens do not outlive the server.
        let key: Vec<u8> = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()].iter().flat_map(|u| *u.as_bytes()).collect();
        Confirmations::keyed(policy, key)
    }

    /// Sealed with this key (`OKTA_MCP_STATE_KEY`): every replica given the same key redeems what another issued.
    /// Single use is remembered per replica.
    pub fn keyed(policy: ConfirmPolicy, key: Vec<u8>) -> Self {
        Confirmations { policy, ttl: TOKEN_TTL, codec: RequestStateCodec::new_unchecked(key), used: Mutex::default() }
    }

    /// Tokens that expire sooner (tests).
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// A single-use token for exactly this tool and these arguments, for one person (`who`: their subject over
    /// HTTP with inbound auth, empty otherwise): nobody else can redeem it.
    pub fn issue(&self, purpose: Purpose, who: &str, tool: &str, args: &JsonObject) -> String {
        let nonce = uuid::Uuid::new_v4().to_string();
        let bound = binding(purpose, who, tool, args);
        self.codec.seal_with(nonce.as_bytes(), &SealOptions::new().associated_data(&bound).ttl(self.ttl))
    }

    /// Check a token for this tool and these arguments, and use it up (in this process); the id to mark it used
    /// where every replica sees it (see `spent_id`).
    pub fn redeem(
        &self,
        purpose: Purpose,
        who: &str,
        token: &str,
        tool: &str,
        args: &JsonObject,
    ) -> Result<String, String> {
        let nonce = self.codec.open_with(token, &binding(purpose, who, tool, args)).map_err(|e| match e {
            RequestStateError::Expired => {
                "the confirmation token has expired (tokens last 5 minutes): call the tool again without it for a \
                 new preview and token"
                    .to_owned()
            }
            _ => "the confirmation token does not match this tool and these exact arguments (or was issued to \
                  someone else, or altered): call the tool again without it for a new preview and token"
                .to_owned(),
        })?;
        let id = spent_id(&nonce);
        if !self.used.lock().unwrap_or_else(PoisonError::into_inner).insert(nonce) {
            return Err(ALREADY_USED.to_owned());
        }
        Ok(id)
    }

    /// When a confirmation issued now stops being redeemable (Unix seconds).
    pub fn expiry(&self) -> i64 {
        chrono::Utc::now().timestamp() + i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX / 2) + 60
    }
}

/// What a second use of one confirmation is told.
pub const ALREADY_USED: &str = "this confirmation was already used: each confirms one call";

/// The id a used confirmation is remembered by across replicas (a digest: the confirmation itself is not kept).
pub fn spent_id(nonce: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(nonce).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(v: Value) -> JsonObject {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn canonical_sorts_keys() {
        assert_eq!(
            canonical(&json!({"b": 1, "a": [true, {"d": null, "c": "x"}]})),
            r#"{"a":[true,{"c":"x","d":null}],"b":1}"#
        );
    }

    #[test]
    fn tokens_are_bound_and_single_use() {
        let c = Confirmations::new(ConfirmPolicy::Token);
        let a = args(json!({"user": "u1"}));
        let token = c.issue(Purpose::Token, "", "okta_delete_user", &a);
        assert!(c.redeem(Purpose::Token, "", &token, "okta_delete_user", &args(json!({"user": "u2"}))).is_err());
        assert!(c.redeem(Purpose::Token, "", &token, "okta_suspend_user", &a).is_err());
        assert!(c.redeem(Purpose::Token, "", "garbage", "okta_delete_user", &a).is_err());
        assert!(c.redeem(Purpose::Token, "", &token, "okta_delete_user", &args(json!({"user": "u1"}))).is_ok());
        let again = c.redeem(Purpose::Token, "", &token, "okta_delete_user", &a).err().unwrap_or_default();
        assert!(again.contains("already used"), "{again}");
        let state = c.issue(Purpose::RequestState, "", "okta_delete_user", &a);
        assert!(c.redeem(Purpose::Token, "", &state, "okta_delete_user", &a).is_err(), "a request state is no token");
        let other = Confirmations::new(ConfirmPolicy::Token);
        assert!(
            other.redeem(Purpose::Token, "", &c.issue(Purpose::Token, "", "t", &a), "t", &a).is_err(),
            "another process's token"
        );
    }

    #[test]
    fn replicas_with_one_key_redeem_each_others_tokens() {
        let key = vec![7u8; 32];
        let a = Confirmations::keyed(ConfirmPolicy::Elicit, key.clone());
        let b = Confirmations::keyed(ConfirmPolicy::Elicit, key);
        let arguments = args(json!({"user": "u1"}));
        let state = a.issue(Purpose::RequestState, "", "okta_delete_user", &arguments);
        assert!(b.redeem(Purpose::RequestState, "", &state, "okta_delete_user", &arguments).is_ok());
        let by_b = b.issue(Purpose::RequestState, "bob@example.com", "okta_delete_user", &arguments);
        assert!(
            a.redeem(Purpose::RequestState, "carol@example.com", &by_b, "okta_delete_user", &arguments).is_err(),
            "issued to another person"
        );
        assert!(a.redeem(Purpose::RequestState, "bob@example.com", &by_b, "okta_delete_user", &arguments).is_ok());
        let other = Confirmations::keyed(ConfirmPolicy::Elicit, vec![8u8; 32]);
        assert!(
            other
                .redeem(
                    Purpose::RequestState,
                    "",
                    &a.issue(Purpose::RequestState, "", "t", &arguments),
                    "t",
                    &arguments
                )
                .is_err()
        );
    }

    #[test]
    fn tokens_expire() {
        let c = Confirmations::new(ConfirmPolicy::Token).with_ttl(Duration::from_secs(1));
        let a = args(json!({"user": "u1"}));
        let token = c.issue(Purpose::Token, "", "t", &a);
        std::thread::sleep(Duration::from_millis(2100));
        let error = c.redeem(Purpose::Token, "", &token, "t", &a).err().unwrap_or_default();
        assert!(error.contains("expired"), "{error}");
    }

    #[test]
    fn policy_parses() {
        assert_eq!("never".parse::<ConfirmPolicy>(), Ok(ConfirmPolicy::Never));
        assert_eq!("".parse::<ConfirmPolicy>(), Ok(ConfirmPolicy::Elicit));
        assert_eq!("Push".parse::<ConfirmPolicy>(), Ok(ConfirmPolicy::Push));
        assert_eq!("token".parse::<ConfirmPolicy>(), Ok(ConfirmPolicy::Token));
        // The old fallback name is refused: it meant "a token when the client cannot ask", which is gone.
        assert!("ask".parse::<ConfirmPolicy>().is_err());
        assert!("sometimes".parse::<ConfirmPolicy>().is_err());
    }
}
