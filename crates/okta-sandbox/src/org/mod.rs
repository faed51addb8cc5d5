//! The one org state: everything the sandbox keeps, one module per domain (users with their factors, sessions
//! and roles; groups; apps; the admin objects; policies; governance), with their JSON renderings (shaped
//! after the Management API's response schemas), and the System Log.
//!
//! One way to keep state: an object Okta answers as JSON, and that the sandbox only stores, changes by the
//! request's writable fields and answers, is kept as Okta's JSON (without `_links`, which are added when
//! answering) in a collection (`collection`: found by id with Okta's 404, one lifecycle); its children (an
//! authorization server's policies, scopes, claims and keys; a policy's rules) are kept in a
//! `collection::Children` of their kind by their parent's id, never inside or beside it. A typed struct is kept
//! only where the sandbox computes with the fields (users: status rules, credentials, filters; groups:
//! members; apps: assignments; factors, sessions, role grants, devices). A value Okta never answers is not kept
//! when it is write-only (an inline hook's auth scheme value, an event hook's header value); internal
//! bookkeeping is a `__`-prefixed member of the JSON, removed when answering (`collection::with_links`,
//! `collection::public_fields`: a custom role's permissions, security access reviews' snapshots).

pub mod admin;
pub mod apps;
pub mod collection;
pub mod governance;
pub mod groups;
pub mod policy;
pub mod random;
pub mod security_reviews;
pub mod signin;
pub mod users;

pub use apps::*;
pub use groups::*;
pub use users::*;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::ids::{self, ts};
use crate::org::collection::{Collection, Indexed};

/// Who performed an action, for System Log `actor`.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: String,
    pub kind: String,
    pub alternate_id: String,
    pub display_name: String,
}

/// A System Log entry: its position and the LogEvent JSON.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub seq: u64,
    pub published: DateTime<Utc>,
    pub event: Value,
}

/// The whole simulated org.
#[derive(Debug)]
pub struct Org {
    pub users: Indexed<User>,
    pub groups: Indexed<Group>,
    pub apps: Vec<App>,
    pub factors: BTreeMap<String, Vec<Factor>>,
    pub sessions: BTreeMap<String, Session>,
    pub roles: BTreeMap<String, Vec<RoleAssignment>>,
    pub logs: Vec<LogEntry>,
    pub next_seq: u64,
    pub next_log_seq: u64,
    /// The org's one seeded generator.
    pub random: random::Random,
    /// Id of the admin who owns the SSWS token (the actor for API changes made with it).
    pub admin_id: String,
    /// Authorization servers, org policies, network zones and inline hooks.
    pub policy: policy::PolicyOrg,
    /// Okta Identity Governance: campaigns, reviews.
    pub governance: governance::GovOrg,
    /// Custom admin roles, resource sets, group role assignments, devices, event hooks.
    pub admin: admin::AdminStore,
    /// Okta Verify push challenges and what the simulated phone answers.
    pub push: PushSim,
    /// What authenticates OIDC clients and users at a custom authorization server's token endpoint: the SHA-256 of
    /// each client's secret by `client_id`, and of each user's password by user id (a user without one has the
    /// seeded users' `PASSWORD`). Neither is ever answered.
    pub secrets: Secrets,
    /// Browser sign-ins in progress, authorization codes and refresh tokens (`signin`).
    pub signin: signin::SigninStore,
}

/// Client secrets and user passwords, kept as SHA-256 digests.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub clients: BTreeMap<String, Vec<u8>>,
    pub passwords: BTreeMap<String, Vec<u8>>,
}

impl Secrets {
    pub fn digest(secret: &str) -> Vec<u8> {
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, secret.as_bytes()).as_ref().to_vec()
    }

    /// Does `secret` match the digest kept?
    pub fn matches(kept: &[u8], secret: &str) -> bool {
        aws_lc_rs::constant_time::verify_slices_are_equal(kept, &Self::digest(secret)).is_ok()
    }

    /// Does `password` match the user's (a user never given one has `crate::PASSWORD`)?
    pub fn password_matches(&self, user_id: &str, password: &str) -> bool {
        match self.passwords.get(user_id) {
            Some(kept) => Self::matches(kept, password),
            None => Self::matches(&Self::digest(crate::PASSWORD), password),
        }
    }
}

/// What the simulated phone does with an Okta Verify push challenge (`/__sandbox/push` sets it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PushAnswer {
    /// The person approves (the default).
    #[default]
    Approve,
    /// The person rejects.
    Reject,
    /// Nobody answers: Okta reports TIMEOUT.
    Timeout,
    /// Nobody has answered yet: WAITING until a test answers the transaction.
    Wait,
}

impl PushAnswer {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "approve" => Some(PushAnswer::Approve),
            "reject" => Some(PushAnswer::Reject),
            "timeout" => Some(PushAnswer::Timeout),
            "wait" => Some(PushAnswer::Wait),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PushAnswer::Approve => "approve",
            PushAnswer::Reject => "reject",
            PushAnswer::Timeout => "timeout",
            PushAnswer::Wait => "wait",
        }
    }

    /// Okta's `factorResult` for a transaction answered this way.
    pub fn factor_result(self) -> &'static str {
        match self {
            PushAnswer::Approve => "SUCCESS",
            PushAnswer::Reject => "REJECTED",
            PushAnswer::Timeout => "TIMEOUT",
            PushAnswer::Wait => "WAITING",
        }
    }
}

/// One push challenge sent by `POST /api/v1/users/{id}/factors/{factorId}/verify`.
#[derive(Debug, Clone)]
pub struct PushTransaction {
    pub user_id: String,
    pub factor_id: String,
    /// WAITING, SUCCESS, REJECTED or TIMEOUT.
    pub result: String,
    pub expires: DateTime<Utc>,
}

/// Push challenges by transaction id, and the answer the phone gives to those still waiting.
#[derive(Debug, Clone, Default)]
pub struct PushSim {
    pub answer: PushAnswer,
    pub transactions: BTreeMap<String, PushTransaction>,
}

impl Org {
    pub fn alloc_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// A fresh id of a directory object.
    pub fn new_id(&mut self, prefix: &str) -> String {
        self.random.id(random::Stream::Ids, prefix)
    }

    /// The stream of the directory's objects made while the sandbox runs.
    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        self.random.stream(random::Stream::Ids)
    }

    /// Find a user by id or login (case-insensitive login).
    pub fn find_user(&self, key: &str) -> Option<u64> {
        if let Some(s) = self.users.seq_of(key) {
            return Some(s);
        }
        self.users.values().find(|u| u.login().eq_ignore_ascii_case(key)).map(|u| u.seq)
    }

    pub fn user_or_404(&self, key: &str) -> Result<u64, ApiError> {
        self.find_user(key).ok_or_else(|| ApiError::not_found(key, "User"))
    }

    pub fn find_group(&self, id: &str) -> Option<u64> {
        self.groups.seq_of(id)
    }

    pub fn group_or_404(&self, id: &str) -> Result<u64, ApiError> {
        self.find_group(id).ok_or_else(|| ApiError::not_found(id, "UserGroup"))
    }

    pub fn login_taken(&self, login: &str, except: Option<u64>) -> bool {
        self.users.values().any(|u| Some(u.seq) != except && u.login().eq_ignore_ascii_case(login))
    }

    pub fn insert_user(&mut self, user: User) {
        self.users.insert(user.seq, user);
    }

    pub fn insert_group(&mut self, group: Group) {
        self.groups.insert(group.seq, group);
    }

    /// Groups a user belongs to, in group order.
    pub fn groups_of(&self, user_seq: u64) -> Vec<&Group> {
        self.groups.values().filter(|g| g.members.contains(&user_seq)).collect()
    }

    /// Remove a user and everything hanging off it.
    pub fn delete_user(&mut self, seq: u64) {
        if let Some(u) = self.users.remove(&seq) {
            for g in self.groups.values_mut() {
                g.members.remove(&seq);
            }
            self.factors.remove(&u.id);
            self.secrets.passwords.remove(&u.id);
            self.roles.remove(&u.id);
            self.sessions.retain(|_, s| s.user_id != u.id);
            for a in &mut self.apps {
                a.users.retain(|x| x != &u.id);
                a.user_data.remove(&u.id);
            }
        }
    }

    pub fn actor_for_user(&self, seq: u64) -> Option<Actor> {
        self.users.get(&seq).map(|u| Actor {
            id: u.id.clone(),
            kind: "User".into(),
            alternate_id: u.login(),
            display_name: u.display_name(),
        })
    }

    pub fn user_target(u: &User) -> Value {
        json!({"id": u.id, "type": "User", "alternateId": u.login(), "displayName": u.display_name()})
    }

    pub fn find_app(&self, id: &str) -> Option<usize> {
        self.apps.position_of(id)
    }

    pub fn app_or_404(&self, id: &str) -> Result<usize, ApiError> {
        self.apps.index_or_404(id, "AppInstance")
    }

    pub fn app_target(a: &App) -> Value {
        json!({"id": a.id, "type": "AppInstance", "alternateId": a.label, "displayName": a.label})
    }

    pub fn group_target(g: &Group) -> Value {
        json!({"id": g.id, "type": "UserGroup", "alternateId": "unknown", "displayName": g.name})
    }

    /// Append a System Log event.
    #[allow(clippy::too_many_arguments)]
    pub fn log(
        &mut self,
        at: DateTime<Utc>,
        event_type: &str,
        display: &str,
        actor: &Actor,
        targets: Vec<Value>,
        outcome: (&str, Option<&str>),
        session_id: Option<&str>,
        client: &Value,
    ) {
        self.next_log_seq += 1;
        let seq = self.next_log_seq;
        let mut bytes = [0u8; 16];
        rand::RngCore::fill_bytes(self.rng(), &mut bytes);
        let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
        let mut outcome_v = json!({"result": outcome.0});
        if let (Some(r), Some(obj)) = (outcome.1, outcome_v.as_object_mut()) {
            obj.insert("reason".into(), json!(r));
        }
        let severity = if outcome.0 == "FAILURE" { "WARN" } else { "INFO" };
        let legacy = match event_type {
            "user.session.start" if outcome.0 == "SUCCESS" => "core.user_auth.login_success",
            "user.session.start" => "core.user_auth.login_failed",
            "user.session.end" => "core.user_auth.logout_success",
            other => other,
        };
        let transaction_id = ids::base62(self.rng(), 27);
        let geo = client.get("geographicalContext").cloned().unwrap_or(json!({}));
        let ip = client.get("ipAddress").cloned().unwrap_or(json!("127.0.0.1"));
        let mut auth_ctx = json!({"authenticationStep": 0});
        if let (Some(sid), Some(obj)) = (session_id, auth_ctx.as_object_mut()) {
            obj.insert("externalSessionId".into(), json!(sid));
        } else if let Some(obj) = auth_ctx.as_object_mut() {
            obj.insert("externalSessionId".into(), json!("unknown"));
        }
        let event = json!({
            "uuid": uuid.to_string(),
            "published": ts(&at),
            "eventType": event_type,
            "version": "0",
            "severity": severity,
            "legacyEventType": legacy,
            "displayMessage": display,
            "actor": {
                "id": actor.id,
                "type": actor.kind,
                "alternateId": actor.alternate_id,
                "displayName": actor.display_name,
            },
            "client": client,
            "authenticationContext": auth_ctx,
            "outcome": outcome_v,
            "target": targets,
            "transaction": {"type": "WEB", "id": transaction_id, "detail": {}},
            "debugContext": {"debugData": {"requestId": transaction_id}},
            "securityContext": {"asNumber": null, "asOrg": null, "isp": null, "domain": null, "isProxy": null},
            "request": {"ipChain": [{"ip": ip, "geographicalContext": geo, "version": "V4"}]},
        });
        self.logs.push(LogEntry { seq, published: at, event });
    }
}
