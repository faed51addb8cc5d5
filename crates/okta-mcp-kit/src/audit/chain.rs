//! The chain both backends keep: the key, a row's hash (legacy SHA-256, keyed HMAC v1 and v2), the sealed
//! checkpoint of the head, and the check of a whole log against them.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{Entry, INTENT, Row, Verified};
use crate::redact::redact;

/// The prefix of a keyed row's hash (legacy rows have 64 bare hex digits).
pub(super) const KEYED: &str = "hmac-sha256:";

pub(super) const GENESIS: &str = "genesis";

/// What `check` answers when keyed rows exist but no key was given (the caller says where the key should be).
pub(super) const KEY_MISSING: &str = "key missing";

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

/// The chain's key. Never shown.
#[derive(Clone)]
pub(super) struct Key(pub(super) [u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key([redacted])")
    }
}

impl Key {
    pub(super) fn parse(text: &str) -> Option<Key> {
        unhex(text.trim()).and_then(|bytes| <[u8; 32]>::try_from(bytes).ok()).map(Key)
    }

    /// HMAC-SHA256 over length-prefixed fields, as hex.
    pub(super) fn mac(&self, fields: &[&str]) -> String {
        let mut mac = match hmac::Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            // HMAC takes keys of any length; this is unreachable, and an empty MAC never verifies.
            Err(_) => return String::new(),
        };
        for field in fields {
            mac.update(&(field.len() as u64).to_be_bytes());
            mac.update(field.as_bytes());
        }
        hex(&mac.finalize().into_bytes())
    }
}

/// The key at `path` (None: there is none), with its file open (the SQLite backend locks it).
pub(super) fn read_key(path: &Path) -> Result<Option<(File, Key)>, String> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read the audit key {}: {e}", path.display())),
    };
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(|e| format!("cannot read the audit key {}: {e}", path.display()))?;
    let key = Key::parse(&text)
        .ok_or_else(|| format!("the audit key {} is damaged (it should hold 64 hex digits)", path.display()))?;
    #[cfg(unix)]
    if let Ok(meta) = file.metadata()
        && std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o077 != 0
    {
        tracing::warn!("the audit key {} is readable by others: chmod 600 it", path.display());
    }
    Ok(Some((file, key)))
}

impl Row {
    /// A new row for `entry`, chained to `prev_hash` and keyed: arguments and detail redacted, the time now.
    pub(super) fn new(entry: &Entry<'_>, id: i64, prev_hash: String, key: &Key) -> Row {
        let mut row = Row {
            id,
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            server: entry.server.to_owned(),
            tool: entry.tool.to_owned(),
            access: entry.access.to_owned(),
            arguments: redact(entry.arguments.clone()).to_string(),
            outcome: entry.outcome.to_owned(),
            detail: crate::redact::redact_text(entry.detail).chars().take(2000).collect(),
            request_ids: json!(entry.request_ids).to_string(),
            principal: entry.principal.to_owned(),
            person: entry.person.to_owned(),
            role: entry.role.to_owned(),
            prev_hash,
            hash: String::new(),
            intent_id: entry.intent_id,
        };
        row.hash = row.keyed_hash(key);
        row
    }

    /// The unkeyed hash of rows written before keying: SHA-256 over the fields and the previous row's hash.
    pub(super) fn legacy_hash(&self) -> String {
        let mut hasher = Sha256::new();
        for field in [
            &self.prev_hash,
            &self.id.to_string(),
            &self.time,
            &self.server,
            &self.tool,
            &self.access,
            &self.arguments,
            &self.outcome,
            &self.detail,
            &self.request_ids,
            &self.principal,
        ] {
            hasher.update((field.len() as u64).to_be_bytes());
            hasher.update(field.as_bytes());
        }
        hex(&hasher.finalize())
    }

    /// The keyed hash: HMAC over the previous row's hash and every field, `intent_id` included. A row with a
    /// `person` or a `role` (a call over HTTP) is format v2: v1's fields, then `person` and `role`, under the
    /// v2 tag. A row with neither (stdio, and every row written before the fields existed) is format v1,
    /// byte for byte as before, so older rows keep verifying. Emptying a v2 row's person and role, or giving
    /// a v1 row either, changes the format and so breaks the MAC.
    pub(super) fn keyed_hash(&self, key: &Key) -> String {
        let intent = self.intent_id.map(|i| i.to_string()).unwrap_or_default();
        let id = self.id.to_string();
        let v2 = !self.person.is_empty() || !self.role.is_empty();
        let mut fields = vec![
            if v2 { "okta-mcp audit row v2" } else { "okta-mcp audit row v1" },
            &self.prev_hash,
            &id,
            &self.time,
            &self.server,
            &self.tool,
            &self.access,
            &self.arguments,
            &self.outcome,
            &self.detail,
            &self.request_ids,
            &self.principal,
            &intent,
        ];
        if v2 {
            fields.extend([self.person.as_str(), self.role.as_str()]);
        }
        format!("{KEYED}{}", key.mac(&fields))
    }

    pub(super) fn is_keyed(&self) -> bool {
        self.hash.starts_with(KEYED)
    }
}

/// The head of the log as last written, sealed with the key: a file beside the SQLite database, a row of its
/// own in PostgreSQL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Checkpoint {
    pub(super) version: u32,
    /// The last row's id and hash.
    pub(super) id: i64,
    pub(super) hash: String,
    /// How many rows (the oldest) predate keying.
    pub(super) legacy: i64,
    pub(super) seal: String,
}

impl Checkpoint {
    pub(super) fn new(key: &Key, id: i64, hash: String, legacy: i64) -> Self {
        let mut checkpoint = Checkpoint { version: 1, id, hash, legacy, seal: String::new() };
        checkpoint.seal = checkpoint.compute_seal(key);
        checkpoint
    }

    fn compute_seal(&self, key: &Key) -> String {
        key.mac(&[
            "okta-mcp audit checkpoint v1",
            &self.version.to_string(),
            &self.id.to_string(),
            &self.hash,
            &self.legacy.to_string(),
        ])
    }

    /// Whether the key sealed it.
    pub(super) fn sealed_by(&self, key: &Key) -> bool {
        self.version == 1 && self.seal == self.compute_seal(key)
    }
}

/// Where a log keeps its checkpoint, for `check`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Head<'a> {
    /// Where it is, for messages (a file, or a table).
    pub(super) at: &'a str,
    /// In the database, moved in the same transaction as each row (PostgreSQL): rows after it were inserted
    /// by hand, and its absence is tampering whenever keyed rows exist. Else a file written after the row's
    /// commit (SQLite), made together with the key: a key without it means it was deleted.
    pub(super) in_db: bool,
}

/// Check rows (all of them, by id) against the key and the checkpoint.
pub(super) fn check(
    rows: &[Row],
    key: Option<&Key>,
    checkpoint: Option<&Checkpoint>,
    head: Head<'_>,
) -> Result<Verified, String> {
    let mut notes = Vec::new();
    let mut prev = GENESIS.to_owned();
    let mut legacy = 0usize;
    let mut first_keyed: Option<i64> = None;
    for (expected_id, row) in (1..).zip(rows.iter()) {
        if row.id != expected_id {
            return Err(format!("row {expected_id} is missing (the next row is {}): rows were deleted", row.id));
        }
        if row.prev_hash != prev {
            return Err(format!("row {} does not follow row {}: the chain was altered", row.id, row.id - 1));
        }
        let edited = || {
            format!(
                "row {} ({} {} at {}) was edited after it was written, or the chain was recomputed without the \
                 audit key",
                row.id, row.tool, row.outcome, row.time
            )
        };
        if row.is_keyed() {
            let key = key.ok_or(KEY_MISSING)?;
            if checkpoint.is_some_and(|c| row.id <= c.legacy) {
                return Err(format!(
                    "row {} has a keyed hash, but the checkpoint says it was written before keying: the chain was \
                     rewritten",
                    row.id
                ));
            }
            if row.keyed_hash(key) != row.hash {
                return Err(edited());
            }
            first_keyed.get_or_insert(row.id);
        } else {
            let keyed_from = checkpoint.map(|c| c.legacy + 1).filter(|from| row.id >= *from).or(first_keyed);
            if let Some(from) = keyed_from {
                return Err(format!(
                    "row {} has an unkeyed hash, but the log is keyed from row {from} on: the chain was recomputed \
                     without the audit key",
                    row.id
                ));
            }
            if !row.person.is_empty() || !row.role.is_empty() || row.legacy_hash() != row.hash {
                return Err(edited());
            }
            legacy += 1;
        }
        prev = row.hash.clone();
    }
    let last = rows.last().map_or(0, |r| r.id);
    match checkpoint {
        Some(c) => {
            if last < c.id {
                return Err(if last == 0 {
                    format!("the log is empty but its checkpoint records {} rows: the table was truncated", c.id)
                } else {
                    format!(
                        "the log ends at row {last}, but its checkpoint records row {}: the newest rows were deleted \
                         (or the table truncated)",
                        c.id
                    )
                });
            }
            if c.id > 0 && rows.get(usize::try_from(c.id - 1).unwrap_or(usize::MAX)).map(|r| &r.hash) != Some(&c.hash) {
                return Err(format!("row {} is not the row the checkpoint recorded: the chain was rewritten", c.id));
            }
            if last > c.id && head.in_db {
                return Err(format!(
                    "rows {}..{last} come after the sealed head ({}), which every write moves in the same \
                     transaction: they were inserted outside the audit log's writers",
                    c.id + 1,
                    head.at
                ));
            }
            if last > c.id {
                notes.push(format!(
                    "rows {}..{last} are newer than the checkpoint (a server stopped between writing a row and the \
                     checkpoint; the next write moves it): their MACs check, but their deletion would not be noticed",
                    c.id + 1
                ));
            }
        }
        None if head.in_db && key.is_some() && legacy < rows.len() => {
            return Err(format!(
                "the sealed head of the audit log ({}) is missing, but the log has keyed rows: it was deleted, \
                 perhaps with the newest rows (keep this log as evidence and start a new one)",
                head.at
            ));
        }
        None if !head.in_db && key.is_some() => {
            return Err(format!(
                "the audit checkpoint {} is missing, but the audit key exists: the checkpoint was deleted, perhaps \
                 with the newest rows (restore it from a backup, or keep this log as evidence and start a new one). \
                 Only if a server was stopped in the instant it made the key is this harmless: then the log is \
                 empty or as old as before keying, and removing the key lets the next write start again",
                head.at
            ));
        }
        None if legacy < rows.len() => return Err(KEY_MISSING.to_owned()),
        None => {}
    }
    if legacy > 0 {
        notes.push(format!(
            "rows 1..{legacy} were written before keying (an unkeyed SHA-256 chain): edits to them are found, {}",
            if checkpoint.is_some() {
                "and the checkpoint made when keying began vouches for how many there were"
            } else {
                "but deleting the newest of them would not be until the log is keyed (by its next write)"
            }
        ));
    }
    let unknown = rows
        .iter()
        .filter(|r| r.outcome == INTENT && !rows.iter().any(|o| o.intent_id == Some(r.id)))
        .cloned()
        .collect();
    Ok(Verified { rows: rows.len(), legacy, unknown, notes })
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn row(person: &str, role: &str) -> Row {
        let args = json!({"user": "00u1"});
        let entry = Entry {
            server: "okta-mcp-test",
            tool: "okta_suspend_user",
            access: "destructive",
            arguments: &args,
            outcome: "executed",
            detail: "",
            request_ids: &[],
            principal: "SSWS API token",
            person,
            role,
            intent_id: None,
        };
        Row::new(&entry, 1, GENESIS.to_owned(), &Key([1; 32]))
    }

    #[test]
    fn person_and_role_are_keyed_only_in_v2_rows() {
        let key = Key([1; 32]);
        // A stdio row hashes exactly as rows did before person and role existed.
        let stdio = row("", "");
        let mut v1 = stdio.clone();
        v1.hash = format!(
            "{KEYED}{}",
            key.mac(&[
                "okta-mcp audit row v1",
                &v1.prev_hash,
                "1",
                &v1.time,
                &v1.server,
                &v1.tool,
                &v1.access,
                &v1.arguments,
                &v1.outcome,
                &v1.detail,
                &v1.request_ids,
                &v1.principal,
                "",
            ])
        );
        assert_eq!(stdio.hash, v1.hash);
        // An HTTP row's person and role are covered: editing, emptying or adding either breaks the MAC.
        let http = row("alice@example.com", "auditor");
        assert_eq!(http.keyed_hash(&key), http.hash);
        for (person, role) in [("mallory@example.com", "auditor"), ("alice@example.com", ""), ("", "")] {
            let edited = Row { person: person.into(), role: role.into(), ..http.clone() };
            assert_ne!(edited.keyed_hash(&key), http.hash, "{person}/{role}");
        }
        let given = Row { role: "admin".into(), ..stdio.clone() };
        assert_ne!(given.keyed_hash(&key), stdio.hash);
    }
}
