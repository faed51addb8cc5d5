//! Okta API client shared by the okta-mcp servers.
//!
//! * [`OktaConfig`] reads the `OKTA_*` environment variables (SSWS API token or OAuth 2.0
//!   client credentials with `private_key_jwt`).
//! * [`OktaClient`] is one pooled HTTP client with authentication, retries (429 with
//!   `X-Rate-Limit-Reset`, 5xx for idempotent methods), Link-header pagination (short opaque [`Cursor`]s) and
//!   structured [`OktaError`]s.
//! * [`ops`] states every Okta operation the workspace calls once ([`Operation`]: method, path, scopes).
//! * [`ApiPath`] validates and percent-encodes path parameters; [`Query`] builds query strings.
//!
//! This crate knows nothing about MCP.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod auth;
pub mod cache;
pub mod client;
pub mod config;
pub mod cursor;
pub mod error;
pub mod governor;
pub mod key;
pub mod operation;
pub mod ops;
pub mod pagination;
pub mod path;
mod retry;
pub mod secret;
#[cfg(test)]
mod test_support;

pub use auth::end_user::as_end_user;
pub use client::{Answer, ClientOptions, Collected, Observed, Observer, OktaClient, OrgInfo, TokenInfo};
pub use config::{AuthConfig, ConfigError, DpopMode, OktaConfig, PrivateKeyJwtConfig};
pub use cursor::Cursor;
pub use error::{OktaError, OktaErrorBody, WwwAuthenticate};
pub use key::{KeyError, SigningKey};
pub use operation::{HttpMethod, Operation};
pub use pagination::{Keep, LinkRels, Page, parse_link_header};
pub use path::{ApiPath, Query};
/// HTTP methods, as [`OktaClient::send`] takes them.
pub use reqwest::Method;
pub use secret::Secret;
/// URLs, as [`OktaClient::org_url`] gives them.
pub use url::Url;
