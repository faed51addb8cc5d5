//! The read cache: repeat reads that bulk work and lookups make (a login → the user's id, an app, a schema, a
//! name → an id) answered from memory for a short time (`OKTA_CACHE_TTL`, seconds; 0 turns it off).
//!
//! Only reads that ask for it are cached ([`OktaClient::get_cached`](crate::OktaClient::get_cached)); every other
//! read goes to Okta. The cache is bounded (entries and bytes, oldest dropped first) and never shared between
//! people: an entry belongs to the identity it was read for ([`as_identity`]: the person of an MCP call over HTTP),
//! and a read made with a person's own Okta token but no identity is not cached at all. Any change this client
//! sends drops, for every identity, what it may have changed: everything in the changed collection (the object,
//! its parts, and searches of the collection) and every entry whose path, or whose answer's own `id`, is an id the
//! change's path names.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Default time an entry is trusted (`OKTA_CACHE_TTL`).
pub const DEFAULT_TTL: Duration = Duration::from_secs(30);
/// Longest TTL accepted: a cache is for repeat reads within a task, not a copy of the org.
pub const MAX_TTL: Duration = Duration::from_secs(600);
/// Entries at most.
const MAX_ENTRIES: usize = 2048;
/// Bytes (of Okta's answers) at most.
const MAX_BYTES: usize = 16 << 20;
/// An answer bigger than this is never cached (a big page is no lookup).
const MAX_ENTRY_BYTES: usize = 256 << 10;

tokio::task_local! {
    static IDENTITY: String;
}

/// Run `future` with its cached reads kept for `identity` alone (e.g. the signed-in person's subject).
pub async fn as_identity<F: std::future::Future>(identity: String, future: F) -> F::Output {
    IDENTITY.scope(identity, future).await
}

/// Whose entries this task reads and writes: the identity it runs as; the service app's (`""`) when none;
/// None (no caching) when it acts with a person's own Okta token and no identity was given.
pub(crate) fn current_identity() -> Option<String> {
    match IDENTITY.try_with(Clone::clone) {
        Ok(identity) => Some(identity),
        Err(_) if crate::auth::end_user::current().is_some() => None,
        Err(_) => Some(String::new()),
    }
}

/// `OKTA_CACHE_TTL` read through `get`: seconds, 0 turns the cache off.
pub fn ttl_from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Duration, String> {
    let Some(value) = get("OKTA_CACHE_TTL").filter(|v| !v.trim().is_empty()) else { return Ok(DEFAULT_TTL) };
    value.trim().parse::<u64>().ok().map(Duration::from_secs).filter(|ttl| *ttl <= MAX_TTL).ok_or_else(|| {
        format!(
            "OKTA_CACHE_TTL `{value}`: seconds a repeated read is answered from memory, 0 (off) to {}",
            MAX_TTL.as_secs()
        )
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    identity: String,
    /// The request's path and query, as sent.
    target: String,
}

#[derive(Debug)]
struct Entry {
    value: Value,
    stored: Instant,
    bytes: usize,
    /// The path's segments (no query), to match changes against.
    segments: Vec<String>,
}

#[derive(Debug, Default)]
struct State {
    entries: HashMap<Key, Entry>,
    /// Insertion order, oldest first (keys may repeat or be gone: checked on eviction).
    order: VecDeque<(Key, Instant)>,
    bytes: usize,
}

/// Counters, for the rate status tool and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: usize,
    pub bytes: usize,
    pub hits: u64,
    pub misses: u64,
}

/// A bounded cache of read answers (see the module docs).
#[derive(Debug)]
pub struct ReadCache {
    ttl: Duration,
    state: Mutex<State>,
    hits: std::sync::atomic::AtomicU64,
    misses: std::sync::atomic::AtomicU64,
    /// Changes seen so far: an answer read while a change went out is not kept (it may predate the change).
    generation: std::sync::atomic::AtomicU64,
}

impl ReadCache {
    pub fn new(ttl: Duration) -> Self {
        ReadCache {
            ttl: ttl.min(MAX_TTL),
            state: Mutex::default(),
            hits: Default::default(),
            misses: Default::default(),
            generation: Default::default(),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The fresh entry for `target` read by `identity`.
    pub(crate) fn get(&self, identity: &str, target: &str, now: Instant) -> Option<Value> {
        use std::sync::atomic::Ordering::Relaxed;
        let key = Key { identity: identity.to_owned(), target: target.to_owned() };
        let mut state = self.state();
        let fresh = match state.entries.get(&key) {
            Some(entry) if now.saturating_duration_since(entry.stored) < self.ttl => Some(entry.value.clone()),
            Some(_) => {
                if let Some(stale) = state.entries.remove(&key) {
                    state.bytes -= stale.bytes;
                }
                None
            }
            None => None,
        };
        drop(state);
        if fresh.is_some() { &self.hits } else { &self.misses }.fetch_add(1, Relaxed);
        fresh
    }

    /// The count of changes so far (see [`ReadCache::put`]).
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Keep `value` (Okta's answer of `bytes` bytes to `target`) for `identity`, unless a change went out since
    /// the read began (`generation`: [`ReadCache::generation`] then).
    pub(crate) fn put(&self, identity: &str, target: &str, value: &Value, bytes: usize, now: Instant, generation: u64) {
        if !self.enabled() || bytes > MAX_ENTRY_BYTES {
            return;
        }
        let key = Key { identity: identity.to_owned(), target: target.to_owned() };
        // The answer's own id counts as named by it: a login's lookup goes with any change naming the user's id.
        let mut segments = segments(target);
        if let Some(id) = value.get("id").and_then(Value::as_str) {
            segments.push(id.to_owned());
        }
        let mut state = self.state();
        // Checked under the lock that invalidation takes too: a change counted after this point drops the entry.
        if self.generation() != generation {
            return;
        }
        if let Some(old) =
            state.entries.insert(key.clone(), Entry { value: value.clone(), stored: now, bytes, segments })
        {
            state.bytes -= old.bytes;
        }
        state.bytes += bytes;
        state.order.push_back((key, now));
        // Oldest first, until within bounds (an order record whose entry was replaced later is skipped).
        while state.entries.len() > MAX_ENTRIES || state.bytes > MAX_BYTES || state.order.len() > 4 * MAX_ENTRIES {
            let Some((key, stored)) = state.order.pop_front() else { break };
            if state.entries.get(&key).is_some_and(|e| e.stored == stored)
                && let Some(gone) = state.entries.remove(&key)
            {
                state.bytes -= gone.bytes;
            }
        }
    }

    /// A change was sent to `path` (rendered, no query) of `template`: drop every entry it may have changed.
    pub(crate) fn invalidate(&self, path: &str, template: &str) {
        let changed = segments(path);
        let shape: Vec<&str> = template.trim_start_matches('/').split('/').collect();
        // The collection: the path up to its first parameter (e.g. /api/v1/users of /api/v1/users/{id}/…).
        let first_param = shape.iter().position(|s| s.starts_with('{')).unwrap_or(shape.len());
        let collection = &changed[..first_param.min(changed.len())];
        // The ids the change names.
        let ids: Vec<&String> =
            shape.iter().zip(&changed).filter(|(s, _)| s.starts_with('{')).map(|(_, id)| id).collect();
        let mut state = self.state();
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let before = state.entries.len();
        let mut freed = 0;
        state.entries.retain(|_, entry| {
            let hit = entry.segments.starts_with(collection) || entry.segments.iter().any(|s| ids.contains(&s));
            if hit {
                freed += entry.bytes;
            }
            !hit
        });
        state.bytes -= freed;
        if state.entries.len() < before {
            tracing::debug!(path, dropped = before - state.entries.len(), "read cache: entries dropped by a change");
        }
    }

    pub fn stats(&self) -> CacheStats {
        use std::sync::atomic::Ordering::Relaxed;
        let state = self.state();
        CacheStats {
            entries: state.entries.len(),
            bytes: state.bytes,
            hits: self.hits.load(Relaxed),
            misses: self.misses.load(Relaxed),
        }
    }
}

/// The segments of a path (the query, if any, left out).
fn segments(target: &str) -> Vec<String> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    path.trim_start_matches('/').split('/').map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const USER: &str = "/api/v1/users/00u1";
    const SEARCH: &str = "/api/v1/users?search=profile.login%20eq%20%22a%40b.c%22";

    fn cache() -> (ReadCache, Instant) {
        (ReadCache::new(Duration::from_secs(30)), Instant::now())
    }

    #[test]
    fn entries_are_fresh_for_the_ttl_only() {
        let (c, t0) = cache();
        c.put("", USER, &json!({"id": "00u1"}), 20, t0, c.generation());
        assert_eq!(c.get("", USER, t0 + Duration::from_secs(29)), Some(json!({"id": "00u1"})));
        assert_eq!(c.get("", USER, t0 + Duration::from_secs(30)), None);
        assert_eq!(c.stats().entries, 0, "a stale entry is dropped when met");
        assert_eq!((c.stats().hits, c.stats().misses), (1, 1));
    }

    #[test]
    fn never_shared_between_identities() {
        let (c, t0) = cache();
        c.put("alice", USER, &json!({"id": "00u1"}), 20, t0, c.generation());
        assert!(c.get("bob", USER, t0).is_none());
        assert!(c.get("", USER, t0).is_none());
        assert!(c.get("alice", USER, t0).is_some());
    }

    #[test]
    fn a_zero_ttl_caches_nothing() {
        let c = ReadCache::new(Duration::ZERO);
        let t0 = Instant::now();
        c.put("", USER, &json!({}), 2, t0, c.generation());
        assert!(c.get("", USER, t0).is_none());
        assert_eq!(c.stats().entries, 0);
    }

    #[test]
    fn a_change_drops_its_collection_and_every_path_naming_its_ids() {
        let (c, t0) = cache();
        for (target, identity) in [
            (USER, "alice"),
            (SEARCH, ""),
            ("/api/v1/apps/0oa1", ""),
            ("/api/v1/apps/0oa1/users/00u1", ""),
            ("/api/v1/groups/00g1", ""),
            ("/api/v1/meta/schemas/user/default", ""),
        ] {
            c.put(identity, target, &json!({}), 2, t0, c.generation());
        }
        c.invalidate("/api/v1/users/00u1/lifecycle/deactivate", "/api/v1/users/{id}/lifecycle/deactivate");
        assert!(c.get("alice", USER, t0).is_none(), "the object, for every identity");
        assert!(c.get("", SEARCH, t0).is_none(), "searches of its collection");
        assert!(c.get("", "/api/v1/apps/0oa1/users/00u1", t0).is_none(), "paths naming its id");
        assert!(c.get("", "/api/v1/apps/0oa1", t0).is_some());
        assert!(c.get("", "/api/v1/groups/00g1", t0).is_some());
        assert!(c.get("", "/api/v1/meta/schemas/user/default", t0).is_some());
        assert_eq!(c.stats().bytes, 6);

        // A lookup by login goes with a change naming the id it answered.
        c.put("", "/api/v1/users/a%40b.c", &json!({"id": "00u2"}), 2, t0, c.generation());
        c.invalidate("/api/v1/apps/0oa9/users/00u2", "/api/v1/apps/{appId}/users/{userId}");
        assert!(c.get("", "/api/v1/users/a%40b.c", t0).is_none());

        // A creation in a collection (no id in the path) drops that collection's entries.
        c.invalidate("/api/v1/apps", "/api/v1/apps");
        assert!(c.get("", "/api/v1/apps/0oa1", t0).is_none());
        assert!(c.get("", "/api/v1/groups/00g1", t0).is_some());
    }

    #[test]
    fn bounded_oldest_first_and_big_answers_are_not_kept() {
        let (c, t0) = cache();
        c.put("", "/big", &json!({}), MAX_ENTRY_BYTES + 1, t0, c.generation());
        assert_eq!(c.stats().entries, 0);
        for i in 0..MAX_ENTRIES + 10 {
            c.put(
                "",
                &format!("/api/v1/users/00u{i}"),
                &json!({}),
                1,
                t0 + Duration::from_millis(i as u64),
                c.generation(),
            );
        }
        assert_eq!(c.stats().entries, MAX_ENTRIES);
        assert!(c.get("", "/api/v1/users/00u0", t0).is_none(), "the oldest went first");
        assert!(c.get("", &format!("/api/v1/users/00u{}", MAX_ENTRIES + 9), t0).is_some());
        // The same target put again replaces, and its bytes are counted once.
        let (c, t0) = cache();
        c.put("", USER, &json!({}), 100, t0, c.generation());
        c.put("", USER, &json!({}), 50, t0, c.generation());
        assert_eq!((c.stats().entries, c.stats().bytes), (1, 50));
    }

    #[test]
    fn an_answer_read_while_a_change_went_out_is_not_kept() {
        let (c, t0) = cache();
        let began = c.generation();
        c.invalidate("/api/v1/users/00u1", "/api/v1/users/{id}");
        c.put("", USER, &json!({"id": "00u1"}), 20, t0, began);
        assert!(c.get("", USER, t0).is_none());
        c.put("", USER, &json!({"id": "00u1"}), 20, t0, c.generation());
        assert!(c.get("", USER, t0).is_some());
    }

    #[test]
    fn ttl_setting() {
        let env = |v: &'static str| move |k: &str| (k == "OKTA_CACHE_TTL").then(|| v.to_owned());
        assert_eq!(ttl_from_lookup(|_| None), Ok(DEFAULT_TTL));
        assert_eq!(ttl_from_lookup(env("0")), Ok(Duration::ZERO));
        assert_eq!(ttl_from_lookup(env(" 5 ")), Ok(Duration::from_secs(5)));
        assert!(ttl_from_lookup(env("-1")).is_err());
        assert!(ttl_from_lookup(env("601")).is_err());
        assert!(ttl_from_lookup(env("soon")).is_err());
    }

    #[tokio::test]
    async fn identity_rides_with_the_task_and_a_persons_token_without_one_is_not_cached() {
        assert_eq!(current_identity().as_deref(), Some(""));
        assert_eq!(as_identity("alice".into(), async { current_identity() }).await.as_deref(), Some("alice"));
        let token = crate::secret::Secret::new("t".into());
        assert_eq!(crate::as_end_user(token.clone(), async { current_identity() }).await, None);
        let both = crate::as_end_user(token, as_identity("alice".into(), async { current_identity() })).await;
        assert_eq!(both.as_deref(), Some("alice"));
    }
}
