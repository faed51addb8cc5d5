//! Browser sign-in at an authorization server's `/authorize` (authorization code + PKCE): the transactions in
//! progress (sign-in page, then factor page), the authorization codes issued and the refresh tokens, all kept
//! server-side with their expiry. Every item is single-use: a code or refresh token is removed when redeemed.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long a sign-in transaction (from `/authorize` to the factor) stays usable.
pub const TRANSACTION_TTL: Duration = Duration::from_secs(600);
/// How long an authorization code stays redeemable (Okta: 60 seconds).
pub const CODE_TTL: Duration = Duration::from_secs(60);
/// How long a refresh token stays usable (the sandbox's default refresh token lifetime).
pub const REFRESH_TTL: Duration = Duration::from_secs(90 * 86_400);

/// Which authorization server: the org's (`None`) or a custom one (its id).
pub type ServerId = Option<String>;

/// What `/authorize` was asked, once checked.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    pub server: ServerId,
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    /// The S256 code challenge (none: a confidential client that sent none).
    pub code_challenge: Option<String>,
}

/// Where a sign-in transaction is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for the username and password.
    Password,
    /// The password was right; waiting for the verification code of this user (id).
    Factor(String),
}

#[derive(Debug, Clone)]
pub struct Transaction {
    pub request: AuthRequest,
    pub stage: Stage,
    pub expires: Instant,
}

/// An authorization code: the request it answers, the user who signed in, and when.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    pub request: AuthRequest,
    pub user_id: String,
    /// Seconds since the epoch (the ID token's `auth_time`).
    pub auth_time: i64,
    pub expires: Instant,
}

/// A refresh token: who, for which client at which server, with which scopes.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub server: ServerId,
    pub client_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub auth_time: i64,
    pub expires: Instant,
}

#[derive(Debug, Default)]
pub struct SigninStore {
    pub transactions: HashMap<String, Transaction>,
    pub codes: HashMap<String, CodeGrant>,
    pub refresh: HashMap<String, RefreshGrant>,
}

impl SigninStore {
    /// Forget everything expired.
    pub fn sweep(&mut self, now: Instant) {
        self.transactions.retain(|_, t| t.expires > now);
        self.codes.retain(|_, c| c.expires > now);
        self.refresh.retain(|_, r| r.expires > now);
    }

    /// A live transaction.
    pub fn transaction(&self, id: &str) -> Option<&Transaction> {
        self.transactions.get(id).filter(|t| t.expires > Instant::now())
    }

    /// Take a code (single use): it is gone whatever the caller does next.
    pub fn take_code(&mut self, code: &str) -> Option<CodeGrant> {
        self.codes.remove(code).filter(|c| c.expires > Instant::now())
    }

    /// Take a refresh token (it rotates: the caller issues a new one).
    pub fn take_refresh(&mut self, token: &str) -> Option<RefreshGrant> {
        self.refresh.remove(token).filter(|r| r.expires > Instant::now())
    }
}
