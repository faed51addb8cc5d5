//! Acting as a signed-in person: `Authorization: Bearer <their access token>`.
//!
//! In delegated (end-user) mode the server holds no admin credential. Each request carries the access token the
//! person got when they signed in (Okta's org authorization server, end-user scopes), so Okta decides what they
//! may see and do. The token rides with the task that runs their tool call ([`as_end_user`]); a request made
//! outside one fails closed instead of going out unauthenticated.

use std::future::Future;

use reqwest::header::AUTHORIZATION;

use super::{AuthHeaders, sensitive_value};
use crate::error::OktaError;
use crate::secret::Secret;

tokio::task_local! {
    static TOKEN: Secret;
}

/// Run `future` with every Okta request it makes authorized by `token` (a person's access token).
pub async fn as_end_user<F: Future>(token: Secret, future: F) -> F::Output {
    TOKEN.scope(token, future).await
}

/// The signed-in person's token on this task, if any.
pub(crate) fn current() -> Option<Secret> {
    TOKEN.try_with(Clone::clone).ok()
}

/// `Authorization: Bearer <token>`.
pub(crate) fn headers(token: &Secret) -> Result<AuthHeaders, OktaError> {
    let value = sensitive_value(&format!("Bearer {}", token.expose()))?;
    Ok(AuthHeaders { headers: vec![(AUTHORIZATION, value)], token_generation: None, dpop: false })
}

/// The request came from no signed-in person's call.
pub(crate) fn missing() -> OktaError {
    OktaError::Config(crate::ConfigError::Invalid {
        var: "OKTA_MCP_DELEGATED",
        reason: "this server acts only as signed-in people, and this request came from nobody's call".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_token_rides_with_the_task_only() {
        assert!(current().is_none());
        let seen = as_end_user(Secret::new("person-token".into()), async { current() }).await;
        assert_eq!(seen.map(|s| s.expose().to_owned()).as_deref(), Some("person-token"));
        assert!(current().is_none());
        let h = headers(&Secret::new("abc".into())).expect("headers");
        assert_eq!(h.headers[0].1.to_str().ok(), Some("Bearer abc"));
        assert!(h.headers[0].1.is_sensitive());
    }
}
