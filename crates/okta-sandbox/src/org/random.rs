//! The org's one seeded generator: every random choice the org makes (seed data, the ids of objects made while
//! it runs, injected faults) comes from it, so a seed reproduces the org.
//!
//! It hands out one stream per use, each derived from the seed and the use's salt, so that drawing more in one
//! (another seeded user, a new kind of object) leaves the others as they were. Secrets and per-request values
//! (access tokens, DPoP nonces, request ids, `errorId`s) are deliberately not drawn from it: a seed must not
//! predict a credential.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::ids;

/// What a stream is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stream {
    /// Seed data of the directory: users, groups, factors, sessions, roles, their System Log.
    Directory,
    /// Seed data of the apps after the first eight (keys, grants).
    Apps,
    /// Ids, keys and log event ids of directory objects made while the sandbox runs.
    Ids,
    /// Seed data of the admin objects: custom roles, resource sets, devices, event hooks.
    AdminSeed,
    /// The seeded System Log history of admin actions and sign-ins.
    AdminLog,
    /// Ids of admin objects made while the sandbox runs.
    Admin,
    /// Authorization servers, policies, zones, inline hooks: seed data and new ids.
    Policy,
    /// Okta Identity Governance: seed data and new ids.
    Governance,
    /// Injected 5xx faults (`--fault-5xx-rate`).
    Faults,
}

impl Stream {
    /// The salt of the stream: the seed of a stream is the org's seed XOR this.
    const fn salt(self) -> u64 {
        match self {
            Stream::Directory => 0,
            Stream::Apps => 0xa995_5eed,
            Stream::Ids => 0x5eed_0c7a,
            Stream::AdminSeed => 0xad_317,
            Stream::AdminLog => 0x10_9e5,
            Stream::Admin => 0x005e_edad,
            Stream::Policy => 0x0a75_e2e2,
            Stream::Governance => 0x0019_a0a0,
            Stream::Faults => 0xfa17,
        }
    }
}

/// The seeded generator of an org.
#[derive(Debug, Clone)]
pub struct Random {
    seed: u64,
    streams: BTreeMap<Stream, ChaCha8Rng>,
}

impl Random {
    pub fn new(seed: u64) -> Self {
        Self { seed, streams: BTreeMap::new() }
    }

    /// The seed the org was made from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// A stream, where it left off.
    pub fn stream(&mut self, stream: Stream) -> &mut ChaCha8Rng {
        let seed = self.seed;
        self.streams.entry(stream).or_insert_with(|| ChaCha8Rng::seed_from_u64(seed ^ stream.salt()))
    }

    /// A stream from its start, owned by the caller (seeding, which draws from several at once).
    pub fn fork(&self, stream: Stream) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(self.seed ^ stream.salt())
    }

    /// A fresh Okta id with `prefix`, from `stream`.
    pub fn id(&mut self, stream: Stream, prefix: &str) -> String {
        ids::okta_id(self.stream(stream), prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_reproduces_every_stream() {
        let (mut a, mut b) = (Random::new(42), Random::new(42));
        for s in [Stream::Ids, Stream::Policy, Stream::Governance, Stream::Admin] {
            assert_eq!(a.id(s, "00u"), b.id(s, "00u"));
        }
        assert_ne!(a.id(Stream::Ids, "00u"), Random::new(7).id(Stream::Ids, "00u"));
        assert_ne!(Random::new(42).id(Stream::Ids, "00u"), Random::new(42).id(Stream::Policy, "00u"));
    }

    #[test]
    fn forks_start_where_streams_start() {
        let mut r = Random::new(5);
        let mut fork = r.fork(Stream::Governance);
        assert_eq!(ids::okta_id(&mut fork, "gra"), r.id(Stream::Governance, "gra"));
    }
}
