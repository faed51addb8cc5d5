//! Access-token cache with single-flight renewal.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::error::OktaError;
use crate::secret::Secret;

/// An OAuth access token.
#[derive(Debug)]
pub(crate) struct AccessToken {
    /// `token_type` (`Bearer`, later `DPoP`), used as the Authorization scheme.
    pub(crate) token_type: String,
    pub(crate) value: Secret,
    pub(crate) scope: Option<String>,
    pub(crate) obtained_at: Instant,
    pub(crate) lifetime: Duration,
    /// Increases with every token obtained.
    pub(crate) generation: u64,
}

/// Renew when less than min(60 s, 10 % of the lifetime) remains.
pub(crate) fn renewal_margin(lifetime: Duration) -> Duration {
    Duration::from_secs(60).min(lifetime / 10)
}

impl AccessToken {
    pub(crate) fn needs_renewal(&self, now: Instant) -> bool {
        let expires_at = self.obtained_at + self.lifetime;
        let remaining = expires_at.saturating_duration_since(now);
        remaining <= renewal_margin(self.lifetime)
    }
}

/// Holds at most one token. Callers that find no valid token queue on the mutex, so only
/// the first one fetches and the others reuse its result (single flight).
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    slot: Mutex<Slot>,
}

#[derive(Debug, Default)]
struct Slot {
    token: Option<Arc<AccessToken>>,
    generation: u64,
}

impl TokenCache {
    /// The cached token, or a new one from `fetch(generation)` when missing or expiring.
    pub(crate) async fn get_or_fetch<F, Fut>(&self, fetch: F) -> Result<Arc<AccessToken>, OktaError>
    where
        F: FnOnce(u64) -> Fut,
        Fut: Future<Output = Result<AccessToken, OktaError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(token) = &slot.token
            && !token.needs_renewal(Instant::now())
        {
            return Ok(Arc::clone(token));
        }
        slot.token = None;
        let generation = slot.generation + 1;
        let token = Arc::new(fetch(generation).await?);
        slot.generation = generation;
        slot.token = Some(Arc::clone(&token));
        Ok(token)
    }

    /// Drop the cached token if it is still `generation`.
    pub(crate) async fn invalidate(&self, generation: u64) {
        let mut slot = self.slot.lock().await;
        if slot
            .token
            .as_ref()
            .is_some_and(|t| t.generation == generation)
        {
            slot.token = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(lifetime: Duration, obtained_at: Instant, generation: u64) -> AccessToken {
        AccessToken {
            token_type: "Bearer".into(),
            value: Secret::new(format!("t{generation}")),
            scope: None,
            obtained_at,
            lifetime,
            generation,
        }
    }

    #[test]
    fn renewal_margin_is_min_of_60s_and_10_percent() {
        assert_eq!(
            renewal_margin(Duration::from_secs(3600)),
            Duration::from_secs(60)
        );
        assert_eq!(
            renewal_margin(Duration::from_secs(300)),
            Duration::from_secs(30)
        );
        let now = Instant::now();
        let t = token(Duration::from_secs(3600), now, 1);
        assert!(!t.needs_renewal(now + Duration::from_secs(3539)));
        assert!(t.needs_renewal(now + Duration::from_secs(3541)));
        assert!(t.needs_renewal(now + Duration::from_secs(7200)));
    }

    #[tokio::test]
    async fn caches_and_invalidates() {
        let cache = TokenCache::default();
        let t1 = cache
            .get_or_fetch(
                |g| async move { Ok(token(Duration::from_secs(3600), Instant::now(), g)) },
            )
            .await
            .unwrap();
        let t1b = cache
            .get_or_fetch(|_| async { panic!("must not fetch") })
            .await
            .unwrap();
        assert_eq!(t1.generation, t1b.generation);
        cache.invalidate(t1.generation + 5).await; // stale generation: ignored
        let again = cache
            .get_or_fetch(|_| async { panic!("must not fetch") })
            .await
            .unwrap();
        assert_eq!(again.generation, 1);
        cache.invalidate(1).await;
        let t2 = cache
            .get_or_fetch(
                |g| async move { Ok(token(Duration::from_secs(3600), Instant::now(), g)) },
            )
            .await
            .unwrap();
        assert_eq!(t2.generation, 2);
    }
}
