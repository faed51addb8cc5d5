//! Access-token cache with single-flight renewal.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
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
/// the first one fetches and the others reuse its result (single flight). When the fetch
/// fails, the callers that were already waiting get the same error instead of each
/// trying again.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    slot: Mutex<Slot>,
    /// Number of fetches started (read without the lock).
    fetches: AtomicU64,
}

#[derive(Debug, Default)]
struct Slot {
    token: Option<Arc<AccessToken>>,
    generation: u64,
    /// The last failed fetch: (fetch number, error).
    failure: Option<(u64, OktaError)>,
}

impl TokenCache {
    /// The cached token, or a new one from `fetch(generation)` when missing or expiring.
    pub(crate) async fn get_or_fetch<F, Fut>(&self, fetch: F) -> Result<Arc<AccessToken>, OktaError>
    where
        F: FnOnce(u64) -> Fut,
        Fut: Future<Output = Result<AccessToken, OktaError>>,
    {
        let seen = self.fetches.load(Ordering::SeqCst);
        let mut slot = self.slot.lock().await;
        if let Some(token) = &slot.token
            && !token.needs_renewal(Instant::now())
        {
            return Ok(Arc::clone(token));
        }
        if let Some((number, error)) = &slot.failure
            && *number > seen
        {
            // A fetch failed while this caller was waiting: share its error.
            return Err(error.clone());
        }
        slot.token = None;
        let number = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        let generation = slot.generation + 1;
        match fetch(generation).await {
            Ok(token) => {
                let token = Arc::new(token);
                slot.generation = generation;
                slot.token = Some(Arc::clone(&token));
                slot.failure = None;
                Ok(token)
            }
            Err(error) => {
                slot.failure = Some((number, error.clone()));
                Err(error)
            }
        }
    }

    /// Drop the cached token if it is still `generation`.
    pub(crate) async fn invalidate(&self, generation: u64) {
        let mut slot = self.slot.lock().await;
        if slot.token.as_ref().is_some_and(|t| t.generation == generation) {
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
        assert_eq!(renewal_margin(Duration::from_secs(3600)), Duration::from_secs(60));
        assert_eq!(renewal_margin(Duration::from_secs(300)), Duration::from_secs(30));
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
            .get_or_fetch(|g| async move { Ok(token(Duration::from_secs(3600), Instant::now(), g)) })
            .await
            .unwrap();
        let t1b = cache.get_or_fetch(|_| async { panic!("must not fetch") }).await.unwrap();
        assert_eq!(t1.generation, t1b.generation);
        cache.invalidate(t1.generation + 5).await; // stale generation: ignored
        let again = cache.get_or_fetch(|_| async { panic!("must not fetch") }).await.unwrap();
        assert_eq!(again.generation, 1);
        cache.invalidate(1).await;
        let t2 = cache
            .get_or_fetch(|g| async move { Ok(token(Duration::from_secs(3600), Instant::now(), g)) })
            .await
            .unwrap();
        assert_eq!(t2.generation, 2);
    }

    #[tokio::test]
    async fn waiters_share_a_failure_but_later_callers_retry() {
        let cache = Arc::new(TokenCache::default());
        let calls = Arc::new(AtomicU64::new(0));
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let cache = Arc::clone(&cache);
            let calls = Arc::clone(&calls);
            set.spawn(async move {
                cache
                    .get_or_fetch(|_| async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        Err::<AccessToken, _>(OktaError::Auth {
                            status: 401,
                            error: "invalid_client".into(),
                            description: None,
                            clock_skew_secs: None,
                            request_id: None,
                        })
                    })
                    .await
            });
        }
        while let Some(r) = set.join_next().await {
            assert!(r.unwrap().is_err());
        }
        // Tasks may start after the first failure was recorded; most must have shared it.
        assert!(calls.load(Ordering::SeqCst) < 10);
        // A new caller tries again.
        let t = cache
            .get_or_fetch(|g| async move { Ok(token(Duration::from_secs(3600), Instant::now(), g)) })
            .await
            .unwrap();
        assert_eq!(t.generation, 1);
    }
}
