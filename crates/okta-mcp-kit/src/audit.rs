//! The audit log: every write and destructive call, confirmed or refused, as rows in SQLite (WAL, shared safely
//! by every server running at once). It shows what happened even when things go wrong.
//!
//! **Intent, then outcome.** A call that will send changes first appends an `intent` row (tool, redacted
//! arguments, principal); if that row cannot be written, nothing is sent (`McpServer::execute`). After the call an
//! outcome row (`executed`, `failed`, …) names the intent in `intent_id`. A server killed between the two leaves
//! an intent with no outcome, which `verify`, `tail` and the admin server's `okta_mcp_audit_log` show as
//! "outcome unknown". Dry runs, previews and refusals send nothing and stay single rows. Rows are append-only:
//! nothing here ever updates or deletes one.
//!
//! **A keyed chain.** Each row holds `hash = "hmac-sha256:" + HMAC-SHA256(key, previous hash ‖ its fields)`, so
//! a row edited, deleted or inserted breaks the chain, and the chain cannot be recomputed without the key. The
//! key is 32 random bytes (hex) in a file outside the database: `OKTA_MCP_AUDIT_KEY`, default `<db>.key` beside
//! it, made on the first write with owner-only permissions (0600). It is published with a hard link, so two
//! servers starting at once agree on one key (the loser reads the winner's), and locked before it is published,
//! so no one writes with it before its first checkpoint exists (anchored on the log's head as it is: empty, or
//! its rows from before keying). From then on a key without a checkpoint means the checkpoint was deleted. A
//! missing key is never replaced while the log has keyed rows or a checkpoint: a new key could not vouch for
//! them, so writes fail closed.
//! Keep the key where whoever can write the database cannot (or back it up): with the key, anything can be
//! rewritten.
//!
//! **A checkpoint of the head.** A chain alone cannot show that its newest rows were deleted or the table
//! emptied. So after each row is committed, the writer records the head (last id and its hash, and how many rows
//! predate keying) in `<db>.head` (0600, temp file + rename), sealed with the key. Writers hold an exclusive
//! lock on the key file from reading the head to writing the checkpoint, so concurrent servers append in turn
//! and the checkpoint never goes back. `verify` fails when the log ends before the checkpoint's row, when that
//! row's hash differs, or when the checkpoint is missing or not sealed by the key while keyed rows exist. A
//! writer checks the same before appending and refuses on a mismatch, so a deletion cannot be papered over by
//! new rows. A server killed between committing a row and writing the checkpoint leaves rows newer than the
//! checkpoint: they are still checked by their MACs, the next write moves the checkpoint on, and `verify` says
//! so without calling it tampering. What a local checkpoint cannot catch: the database and the checkpoint both
//! put back to an older copy, or key, checkpoint and rows all replaced. Copy the checkpoint (or ship the rows)
//! elsewhere to guard against that.
//!
//! **Older logs.** Rows written before keying have an unkeyed SHA-256 chain (`hash` is 64 hex digits). Opening
//! such a log adds the `intent_id` column; the first write anchors the keyed chain on the legacy head (the first
//! keyed row's `prev_hash` is the last legacy hash) and the checkpoint records how many legacy rows there are.
//! `verify` checks legacy rows with the old hash and says how many predate keying; a legacy-form row after that
//! count means the chain was recomputed without the key.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use hmac::{KeyInit, Mac};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::redact::redact;

/// The outcome of an intent row: a call about to send changes.
pub const INTENT: &str = "intent";

/// What an intent with no outcome row is shown as.
pub const OUTCOME_UNKNOWN: &str = "outcome unknown";

/// The prefix of a keyed row's hash (legacy rows have 64 bare hex digits).
const KEYED: &str = "hmac-sha256:";

const GENESIS: &str = "genesis";

/// `OKTA_MCP_AUDIT_DB`, else `<state dir>/okta-mcp/audit.db`.
pub fn default_path() -> Result<PathBuf, String> {
    if let Ok(path) = std::env::var("OKTA_MCP_AUDIT_DB")
        && !path.trim().is_empty()
    {
        return Ok(PathBuf::from(path));
    }
    let base = dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .ok_or("no state directory for the audit log: set OKTA_MCP_AUDIT_DB to a file path")?;
    Ok(base.join("okta-mcp").join("audit.db"))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The key of the log at `db`: `OKTA_MCP_AUDIT_KEY`, else `<db>.key`.
pub fn key_path(db: &Path) -> PathBuf {
    match std::env::var("OKTA_MCP_AUDIT_KEY") {
        Ok(path) if !path.trim().is_empty() => PathBuf::from(path),
        _ => with_suffix(db, ".key"),
    }
}

/// The checkpoint of the log at `db`: `<db>.head`.
pub fn head_path(db: &Path) -> PathBuf {
    with_suffix(db, ".head")
}

/// One call to record.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub server: &'a str,
    pub tool: &'a str,
    pub access: &'a str,
    /// Arguments as the client sent them (secrets are redacted before storing).
    pub arguments: &'a Value,
    /// intent | executed | failed | refused | previewed | declined | cancelled | dry_run
    pub outcome: &'a str,
    /// What happened, in a line (the error, the request sent).
    pub detail: &'a str,
    pub request_ids: &'a [String],
    pub principal: &'a str,
    /// The intent row this outcome completes.
    pub intent_id: Option<i64>,
}

/// A stored row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: i64,
    pub time: String,
    pub server: String,
    pub tool: String,
    pub access: String,
    pub arguments: String,
    pub outcome: String,
    pub detail: String,
    pub request_ids: String,
    pub principal: String,
    pub prev_hash: String,
    pub hash: String,
    pub intent_id: Option<i64>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

/// The chain's key. Never shown.
struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key([redacted])")
    }
}

impl Key {
    fn parse(text: &str) -> Option<Key> {
        unhex(text.trim()).and_then(|bytes| <[u8; 32]>::try_from(bytes).ok()).map(Key)
    }

    /// HMAC-SHA256 over length-prefixed fields, as hex.
    fn mac(&self, fields: &[&str]) -> String {
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

impl Row {
    /// The unkeyed hash of rows written before keying: SHA-256 over the fields and the previous row's hash.
    fn legacy_hash(&self) -> String {
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

    /// The keyed hash: HMAC over the previous row's hash and every field, `intent_id` included.
    fn keyed_hash(&self, key: &Key) -> String {
        let intent = self.intent_id.map(|i| i.to_string()).unwrap_or_default();
        let id = self.id.to_string();
        let mac = key.mac(&[
            "okta-mcp audit row v1",
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
        ]);
        format!("{KEYED}{mac}")
    }

    fn is_keyed(&self) -> bool {
        self.hash.starts_with(KEYED)
    }

    pub fn to_json(&self) -> Value {
        let mut out = json!({
            "id": self.id, "time": self.time, "server": self.server, "tool": self.tool, "access": self.access,
            "arguments": serde_json::from_str::<Value>(&self.arguments).unwrap_or(Value::Null),
            "outcome": self.outcome, "detail": self.detail,
            "request_ids": serde_json::from_str::<Value>(&self.request_ids).unwrap_or(Value::Null),
            "principal": self.principal,
        });
        if let Some(intent) = self.intent_id {
            out["intent_id"] = json!(intent);
        }
        out
    }
}

/// Rows as JSON, oldest first as given, with each intent resolved: `outcome_row` names its outcome row, or
/// `note` says "outcome unknown". (An outcome row always comes after its intent, so the newest rows hold the
/// outcome of every intent among them.)
pub fn rows_json(rows: &[Row]) -> Vec<Value> {
    rows.iter()
        .map(|row| {
            let mut out = row.to_json();
            if row.outcome == INTENT {
                match rows.iter().find(|r| r.intent_id == Some(row.id)) {
                    Some(outcome) => out["outcome_row"] = json!(outcome.id),
                    None => out["note"] = json!(unknown_note()),
                }
            }
            out
        })
        .collect()
}

fn unknown_note() -> String {
    format!(
        "{OUTCOME_UNKNOWN}: no outcome was recorded (the call is still running, or the server stopped during it): \
         check the org"
    )
}

/// The head of the log as last written, kept outside the database and sealed with the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Checkpoint {
    version: u32,
    /// The last row's id and hash.
    id: i64,
    hash: String,
    /// How many rows (the oldest) predate keying.
    legacy: i64,
    seal: String,
}

impl Checkpoint {
    fn new(key: &Key, id: i64, hash: String, legacy: i64) -> Self {
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

    /// The checkpoint at `path`, checked against the key (None: there is none).
    fn read(path: &Path, key: &Key) -> Result<Option<Checkpoint>, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read the audit checkpoint {}: {e}", path.display())),
        };
        let forged = || {
            format!(
                "the audit checkpoint {} is not sealed by the audit key: it was forged or damaged, or the key is not \
                 the one this log was written with (check OKTA_MCP_AUDIT_KEY)",
                path.display()
            )
        };
        let checkpoint: Checkpoint = serde_json::from_str(&text).map_err(|_| forged())?;
        if checkpoint.version != 1 || checkpoint.seal != checkpoint.compute_seal(key) {
            return Err(forged());
        }
        Ok(Some(checkpoint))
    }

    /// Replace the checkpoint at `path` atomically (temp file, fsync, rename), owner-only.
    fn write(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string(self).map_err(|e| e.to_string())? + "\n";
        let temp = temp_beside(path);
        let written = create_private(&temp)
            .and_then(|mut file| file.write_all(text.as_bytes()).and_then(|()| file.sync_all()))
            .and_then(|()| std::fs::rename(&temp, path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(format!("cannot write the audit checkpoint {}: {e}", path.display()));
        }
        sync_dir(path);
        Ok(())
    }
}

fn temp_beside(path: &Path) -> PathBuf {
    with_suffix(path, &format!(".{}-{:016x}.tmp", std::process::id(), rand::random::<u64>()))
}

/// A new file readable and writable by its owner only (fails if it exists).
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Make a rename durable (best effort: not every platform can open a directory).
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = File::open(dir)
    {
        let _ = dir.sync_all();
    }
}

/// The key at `path` (None: there is none).
fn read_key(path: &Path) -> Result<Option<(File, Key)>, String> {
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

/// A new key, written to a temp file beside `path` and locked, not yet published.
fn new_key(path: &Path) -> Result<(File, PathBuf, Key), String> {
    let failed = |e: std::io::Error| format!("cannot create the audit key {}: {e}", path.display());
    let mut bytes = [0u8; 32];
    rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, &mut bytes)
        .map_err(|e| format!("cannot create the audit key {}: no randomness: {e}", path.display()))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let temp = temp_beside(path);
    let made = create_private(&temp).and_then(|mut file| {
        file.write_all(format!("{}\n", hex(&bytes)).as_bytes())?;
        file.sync_all()?;
        lock_file(&file, true)?;
        Ok(file)
    });
    match made {
        Ok(file) => Ok((file, temp, Key(bytes))),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(failed(e))
        }
    }
}

/// The outcome of checking the whole log.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// Rows checked.
    pub rows: usize,
    /// The oldest of them were written before keying (an unkeyed chain).
    pub legacy: usize,
    /// Intents with no outcome row: the call was in flight, or the server stopped during it.
    pub unknown: Vec<Row>,
    /// What is worth knowing but is not tampering.
    pub notes: Vec<String>,
}

impl Verified {
    /// For people: the state of the chain, then one line per intent with an unknown outcome, then the notes.
    pub fn report(&self) -> String {
        let mut lines = vec![format!("{} rows, chain intact", self.rows)];
        for row in &self.unknown {
            lines.push(format!(
                "row {}: {OUTCOME_UNKNOWN}: {} ({}) at {} by {} has an intent but no outcome: the call is still \
                 running, or the server stopped during it; check the org",
                row.id, row.tool, row.server, row.time, row.principal
            ));
        }
        lines.extend(self.notes.iter().map(|n| format!("note: {n}")));
        lines.join("\n")
    }

    pub fn to_json(&self) -> Value {
        json!({
            "intact": true,
            "rows": self.rows,
            "legacy_rows": self.legacy,
            "outcome_unknown": self.unknown.iter().map(|r| json!({"id": r.id, "tool": r.tool, "time": r.time}))
                .collect::<Vec<_>>(),
            "notes": self.notes,
        })
    }
}

/// The audit log of a server, opened on the first write or destructive call (a read-only session never
/// touches the file, and startup stays quick).
#[derive(Debug)]
pub struct AuditSink {
    path: PathBuf,
    log: std::sync::OnceLock<Result<AuditLog, String>>,
}

impl AuditSink {
    pub fn new(path: PathBuf) -> Self {
        AuditSink { path, log: std::sync::OnceLock::new() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The open log, or why it cannot be opened (then no change may run: calls fail closed).
    pub fn log(&self) -> Result<&AuditLog, String> {
        self.log.get_or_init(|| AuditLog::open(&self.path)).as_ref().map_err(Clone::clone)
    }
}

/// The open audit log.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    key_path: PathBuf,
    head_path: PathBuf,
    conn: Mutex<Connection>,
}

fn sql_error(e: rusqlite::Error) -> String {
    format!("audit log: {e}")
}

/// Rows from a query selecting `AuditLog::COLUMNS`.
fn read_rows(stmt: &mut rusqlite::Statement<'_>, params: impl rusqlite::Params) -> Result<Vec<Row>, String> {
    stmt.query_map(params, |r| {
        Ok(Row {
            id: r.get(0)?,
            time: r.get(1)?,
            server: r.get(2)?,
            tool: r.get(3)?,
            access: r.get(4)?,
            arguments: r.get(5)?,
            outcome: r.get(6)?,
            detail: r.get(7)?,
            request_ids: r.get(8)?,
            principal: r.get(9)?,
            prev_hash: r.get(10)?,
            hash: r.get(11)?,
            intent_id: r.get(12)?,
        })
    })
    .map_err(sql_error)?
    .collect::<Result<Vec<_>, _>>()
    .map_err(sql_error)
}

impl AuditLog {
    /// The log at `path`, its key where `key_path` says.
    pub fn open(path: &Path) -> Result<Self, String> {
        Self::open_with_key(path, &key_path(path))
    }

    /// The log at `path` with its key at `key`. Creates the table, or adds `intent_id` to a log written before
    /// intents existed; the key is read (or made) on the first write only.
    pub fn open_with_key(path: &Path, key: &Path) -> Result<Self, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create the audit log folder {}: {e}", dir.display()))?;
        }
        let mut conn =
            Connection::open(path).map_err(|e| format!("cannot open the audit log {}: {e}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(sql_error)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(sql_error)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(sql_error)?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sql_error)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS audit (
                id INTEGER PRIMARY KEY,
                time TEXT NOT NULL,
                server TEXT NOT NULL,
                tool TEXT NOT NULL,
                access TEXT NOT NULL,
                arguments TEXT NOT NULL,
                outcome TEXT NOT NULL,
                detail TEXT NOT NULL,
                request_ids TEXT NOT NULL,
                principal TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL,
                intent_id INTEGER
            );",
        )
        .map_err(sql_error)?;
        let has_intent: bool = tx
            .query_row("SELECT COUNT(*) FROM pragma_table_info('audit') WHERE name = 'intent_id'", [], |r| r.get(0))
            .map_err(sql_error)?;
        if !has_intent {
            tx.execute_batch("ALTER TABLE audit ADD COLUMN intent_id INTEGER").map_err(sql_error)?;
        }
        tx.commit().map_err(sql_error)?;
        Ok(AuditLog {
            path: path.to_owned(),
            key_path: key.to_owned(),
            head_path: head_path(path),
            conn: Mutex::new(conn),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn key_path(&self) -> &Path {
        &self.key_path
    }

    pub fn head_path(&self) -> &Path {
        &self.head_path
    }

    const COLUMNS: &'static str = "id, time, server, tool, access, arguments, outcome, detail, request_ids, \
                                   principal, prev_hash, hash, intent_id";

    /// The key for writing, with its file locked (exclusive): read, or made on first use. Never made anew while
    /// the log has keyed rows or a checkpoint.
    fn key_for_writing(&self, conn: &Connection) -> Result<(File, Key), String> {
        let locked = |(file, key): (File, Key)| {
            lock_file(&file, true)
                .map(|()| (file, key))
                .map_err(|e| format!("cannot lock the audit key {}: {e}", self.key_path.display()))
        };
        if let Some(found) = read_key(&self.key_path)? {
            return locked(found);
        }
        let keyed: bool = conn
            .query_row("SELECT EXISTS (SELECT 1 FROM audit WHERE hash LIKE 'hmac-sha256:%')", [], |r| r.get(0))
            .map_err(sql_error)?;
        if keyed || self.head_path.exists() {
            // Another server may have just made it and written since.
            let found = read_key(&self.key_path)?.ok_or_else(|| {
                format!(
                    "the audit key {} is missing, but the log has rows or a checkpoint made with a key: restore \
                     the key (or point OKTA_MCP_AUDIT_KEY at it); a new key cannot vouch for the rows already \
                     written",
                    self.key_path.display()
                )
            })?;
            return locked(found);
        }
        // Published with a hard link, which fails if another server published first (then its key is used), and
        // locked before it is published: no writer uses it before its first checkpoint, anchored on the head of
        // the log as it is (empty, or written before keying), exists.
        let (file, temp, key) = new_key(&self.key_path)?;
        let published = std::fs::hard_link(&temp, &self.key_path);
        let _ = std::fs::remove_file(&temp);
        match published {
            Ok(()) => {
                sync_dir(&self.key_path);
                tracing::info!("audit log: made the audit key {}", self.key_path.display());
                let head: Option<(i64, String)> = conn
                    .query_row("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()
                    .map_err(sql_error)?;
                let (id, hash) = head.unwrap_or((0, GENESIS.to_owned()));
                if let Err(e) = Checkpoint::new(&key, id, hash, id).write(&self.head_path) {
                    // No one has written with the key yet: take it back, so the next write starts again.
                    let _ = std::fs::remove_file(&self.key_path);
                    return Err(e);
                }
                Ok((file, key))
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                drop(file);
                let found = read_key(&self.key_path)?
                    .ok_or_else(|| format!("the audit key {} vanished", self.key_path.display()))?;
                locked(found)
            }
            Err(e) => Err(format!("cannot create the audit key {}: {e}", self.key_path.display())),
        }
    }

    /// Append a row, chained to the last one, and move the checkpoint to it. Writers queue on an exclusive lock
    /// of the key file, then an immediate transaction; a writer whose log does not match its checkpoint refuses
    /// (see the module docs). A crash mid-call loses no committed row.
    pub fn record(&self, entry: &Entry<'_>) -> Result<i64, String> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let (lock, key) = self.key_for_writing(&conn)?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sql_error)?;
        let last: Option<(i64, String)> = tx
            .query_row("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(sql_error)?;
        let checkpoint = Checkpoint::read(&self.head_path, &key)?.ok_or_else(|| {
            format!("the audit checkpoint {} is missing: run `audit verify`", self.head_path.display())
        })?;
        if checkpoint.id > 0 {
            let at: Option<String> = tx
                .query_row("SELECT hash FROM audit WHERE id = ?1", params![checkpoint.id], |r| r.get(0))
                .optional()
                .map_err(sql_error)?;
            if at.as_deref() != Some(checkpoint.hash.as_str()) {
                return Err(format!(
                    "the audit log no longer matches its checkpoint (row {} was deleted or rewritten): run `audit \
                     verify`",
                    checkpoint.id
                ));
            }
        }
        let legacy = checkpoint.legacy;
        let (id, prev_hash) = match last {
            Some((id, hash)) => (id + 1, hash),
            None => (1, GENESIS.to_owned()),
        };
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
            prev_hash,
            hash: String::new(),
            intent_id: entry.intent_id,
        };
        row.hash = row.keyed_hash(&key);
        tx.execute(
            "INSERT INTO audit (id, time, server, tool, access, arguments, outcome, detail, request_ids, principal,
                                prev_hash, hash, intent_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                row.id,
                row.time,
                row.server,
                row.tool,
                row.access,
                row.arguments,
                row.outcome,
                row.detail,
                row.request_ids,
                row.principal,
                row.prev_hash,
                row.hash,
                row.intent_id
            ],
        )
        .map_err(sql_error)?;
        tx.commit().map_err(sql_error)?;
        Checkpoint::new(&key, id, row.hash, legacy)
            .write(&self.head_path)
            .map_err(|e| format!("row {id} was written, but {e}"))?;
        drop(lock);
        Ok(id)
    }

    /// The newest `n` rows, oldest first.
    pub fn tail(&self, n: usize) -> Result<Vec<Row>, String> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let sql = format!("SELECT {} FROM audit ORDER BY id DESC LIMIT ?1", Self::COLUMNS);
        let mut stmt = conn.prepare(&sql).map_err(sql_error)?;
        let mut rows = read_rows(&mut stmt, params![i64::try_from(n).unwrap_or(i64::MAX)])?;
        rows.reverse();
        Ok(rows)
    }

    /// Check the whole log against its key and checkpoint: what was found, or the first sign of tampering,
    /// described with what to check. Reads only: never makes a key or a checkpoint. Rows and checkpoint are read
    /// under a shared lock of the key file, so a writer is never caught between its commit and its checkpoint.
    pub fn verify(&self) -> Result<Verified, String> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let key = read_key(&self.key_path)?;
        if let Some((file, _)) = &key {
            lock_file(file, false)
                .map_err(|e| format!("cannot lock the audit key {}: {e}", self.key_path.display()))?;
        }
        let mut stmt = conn.prepare(&format!("SELECT {} FROM audit ORDER BY id", Self::COLUMNS)).map_err(sql_error)?;
        let rows = read_rows(&mut stmt, [])?;
        let key = key.as_ref().map(|(_, key)| key);
        let checkpoint = match key {
            Some(key) => Checkpoint::read(&self.head_path, key)?,
            None if self.head_path.exists() => return Err(self.key_missing()),
            None => None,
        };
        check(&rows, key, checkpoint.as_ref(), &self.head_path)
            .map_err(|e| if e == KEY_MISSING { self.key_missing() } else { e })
    }

    fn key_missing(&self) -> String {
        format!(
            "the audit key {} is missing, so the keyed rows and the checkpoint cannot be checked: restore the key, \
             or point OKTA_MCP_AUDIT_KEY at it",
            self.key_path.display()
        )
    }
}

/// Lock a file, exclusive or shared, waiting up to 10 s (as long as SQLite waits for a busy database).
fn lock_file(file: &File, exclusive: bool) -> std::io::Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let tried = if exclusive { file.try_lock() } else { file.try_lock_shared() };
        match tried {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() >= deadline => {
                return Err(std::io::Error::new(ErrorKind::TimedOut, "another server held it for 10 s"));
            }
            Err(std::fs::TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

const KEY_MISSING: &str = "key missing";

/// Check rows (all of them, by id) against the key and the checkpoint.
fn check(rows: &[Row], key: Option<&Key>, checkpoint: Option<&Checkpoint>, head: &Path) -> Result<Verified, String> {
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
            if row.legacy_hash() != row.hash {
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
            if last > c.id {
                notes.push(format!(
                    "rows {}..{last} are newer than the checkpoint (a server stopped between writing a row and the \
                     checkpoint; the next write moves it): their MACs check, but their deletion would not be noticed",
                    c.id + 1
                ));
            }
        }
        None if key.is_some() => {
            return Err(format!(
                "the audit checkpoint {} is missing, but the audit key exists: the checkpoint was deleted, perhaps \
                 with the newest rows (restore it from a backup, or keep this log as evidence and start a new one). \
                 Only if a server was stopped in the instant it made the key is this harmless: then the log is \
                 empty or as old as before keying, and removing the key lets the next write start again",
                head.display()
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

    fn entry<'a>(tool: &'a str, args: &'a Value) -> Entry<'a> {
        Entry {
            server: "okta-mcp-test",
            tool,
            access: "destructive",
            arguments: args,
            outcome: "executed",
            detail: "POST /api/v1/users/00u1/lifecycle/suspend",
            request_ids: &[],
            principal: "SSWS API token",
            intent_id: None,
        }
    }

    /// A log of `n` rows in a fresh folder.
    fn log_with(n: usize) -> (tempfile::TempDir, PathBuf, AuditLog) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.db");
        let log = AuditLog::open_with_key(&path, &dir.path().join("audit.db.key")).expect("open");
        let args = json!({"user": "00u1", "password": "hunter2"});
        for i in 0..n {
            log.record(&entry(["okta_suspend_user", "okta_unsuspend_user", "okta_delete_user"][i % 3], &args))
                .expect("record");
        }
        (dir, path, log)
    }

    fn raw(path: &Path) -> Connection {
        Connection::open(path).expect("raw")
    }

    /// Rewrite every row's `prev_hash` and `hash` with `hash`, as someone editing the file would.
    fn recompute(log: &AuditLog, hash: impl Fn(&Row) -> String) {
        let conn = raw(log.path());
        let mut prev = GENESIS.to_owned();
        for mut row in log.tail(usize::MAX).expect("rows") {
            row.prev_hash = prev;
            row.hash = hash(&row);
            conn.execute(
                "UPDATE audit SET prev_hash = ?1, hash = ?2 WHERE id = ?3",
                params![row.prev_hash, row.hash, row.id],
            )
            .expect("rewrite");
            prev = row.hash;
        }
    }

    #[test]
    fn rows_chain_and_tampering_is_detected() {
        let (_dir, path, log) = log_with(3);
        assert_eq!(log.verify().map(|v| v.rows), Ok(3));
        let tail = log.tail(2).expect("tail");
        assert_eq!(tail.len(), 2);
        assert_eq!(tail[1].tool, "okta_delete_user");
        assert!(!tail[0].arguments.contains("hunter2"), "a secret was stored");
        assert!(tail.iter().all(Row::is_keyed));

        // A second process appending to the same file continues the chain.
        let other = AuditLog::open_with_key(&path, log.key_path()).expect("open again");
        other.record(&entry("okta_reset_factor", &json!({}))).expect("record");
        assert_eq!(log.verify().map(|v| v.rows), Ok(4));

        let conn = raw(&path);
        conn.execute("UPDATE audit SET outcome = 'refused' WHERE id = 2", []).expect("tamper");
        let error = log.verify().expect_err("edited row");
        assert!(error.contains("row 2") && error.contains("edited"), "{error}");
        conn.execute("UPDATE audit SET outcome = 'executed' WHERE id = 2", []).expect("undo");
        assert_eq!(log.verify().map(|v| v.rows), Ok(4));
        conn.execute("UPDATE audit SET intent_id = 1 WHERE id = 3", []).expect("tamper");
        let error = log.verify().expect_err("edited intent_id");
        assert!(error.contains("row 3"), "{error}");
        conn.execute("UPDATE audit SET intent_id = NULL WHERE id = 3", []).expect("undo");
        conn.execute("DELETE FROM audit WHERE id = 3", []).expect("delete");
        let error = log.verify().expect_err("deleted row");
        assert!(error.contains("row 3 is missing"), "{error}");
    }

    #[test]
    fn deleting_the_newest_rows_is_detected_and_not_papered_over() {
        for deleted in [1usize, 2] {
            let (_dir, path, log) = log_with(4);
            raw(&path).execute("DELETE FROM audit WHERE id > ?1", params![4 - deleted as i64]).expect("delete");
            let error = log.verify().expect_err("deleted newest rows");
            assert!(error.contains(&format!("ends at row {}", 4 - deleted)), "{error}");
            assert!(
                error.contains("checkpoint records row 4") && error.contains("newest rows were deleted"),
                "{error}"
            );
            // A writer refuses to append to it (new rows would hide the gap).
            let error = log.record(&entry("okta_delete_user", &json!({}))).expect_err("appended");
            assert!(error.contains("no longer matches its checkpoint"), "{error}");
            assert_eq!(log.tail(10).expect("rows").len(), 4 - deleted);
        }
    }

    #[test]
    fn truncating_the_table_is_detected() {
        let (_dir, path, log) = log_with(3);
        raw(&path).execute("DELETE FROM audit", []).expect("truncate");
        let error = log.verify().expect_err("truncated");
        assert!(error.contains("the table was truncated"), "{error}");
        assert!(log.record(&entry("okta_delete_user", &json!({}))).is_err(), "appended to a truncated log");
        // Removing the checkpoint too does not help: the key says the log was keyed.
        std::fs::remove_file(log.head_path()).expect("rm checkpoint");
        let error = log.verify().expect_err("truncated, checkpoint deleted");
        assert!(error.contains("checkpoint") && error.contains("is missing"), "{error}");
        assert!(log.record(&entry("okta_delete_user", &json!({}))).is_err(), "appended to a truncated log");
    }

    #[test]
    fn a_chain_recomputed_without_the_key_is_detected() {
        // With plain SHA-256 (the old, unkeyed chain).
        let (_dir, path, log) = log_with(3);
        recompute(&log, Row::legacy_hash);
        let error = log.verify().expect_err("recomputed with SHA-256");
        assert!(error.contains("unkeyed hash") && error.contains("recomputed"), "{error}");
        // …even when the checkpoint is deleted as well.
        std::fs::remove_file(log.head_path()).expect("rm checkpoint");
        let error = log.verify().expect_err("recomputed, checkpoint deleted");
        assert!(error.contains("checkpoint") && error.contains("missing"), "{error}");

        // With a key of one's own, checkpoint and all.
        let (_dir, _path, log) = log_with(3);
        let wrong = Key([7; 32]);
        recompute(&log, |row| row.keyed_hash(&wrong));
        let error = log.verify().expect_err("recomputed with another key");
        assert!(error.contains("row 1") && error.contains("without the audit key"), "{error}");
        let last = log.tail(1).expect("rows").remove(0);
        Checkpoint::new(&wrong, last.id, last.hash, 0).write(log.head_path()).expect("forge");
        let error = log.verify().expect_err("forged checkpoint");
        assert!(error.contains("not sealed by the audit key"), "{error}");

        // Deleting the newest row and recomputing the chain from there on.
        let (_dir, path2, log) = log_with(3);
        raw(&path2).execute("DELETE FROM audit WHERE id = 3", []).expect("delete");
        recompute(&log, Row::legacy_hash);
        assert!(log.verify().is_err());
        drop(path);
    }

    #[test]
    fn a_missing_or_forged_checkpoint_is_detected() {
        let (_dir, _path, log) = log_with(2);
        let saved = std::fs::read_to_string(log.head_path()).expect("checkpoint");
        std::fs::remove_file(log.head_path()).expect("rm");
        let error = log.verify().expect_err("no checkpoint");
        assert!(error.contains("checkpoint") && error.contains("is missing"), "{error}");
        assert!(log.record(&entry("okta_delete_user", &json!({}))).is_err(), "appended without a checkpoint");

        // Edited by hand (pointing at an older row, so deleting the newest would pass).
        let forged = saved.replace("\"id\":2", "\"id\":1");
        assert_ne!(forged, saved);
        std::fs::write(log.head_path(), forged).expect("forge");
        let error = log.verify().expect_err("forged checkpoint");
        assert!(error.contains("not sealed by the audit key"), "{error}");
        std::fs::write(log.head_path(), "garbage").expect("damage");
        assert!(log.verify().expect_err("damaged").contains("not sealed"));
        std::fs::write(log.head_path(), &saved).expect("restore");
        assert_eq!(log.verify().map(|v| v.rows), Ok(2));
    }

    #[test]
    fn a_missing_key_fails_closed_and_is_not_replaced() {
        let (_dir, _path, log) = log_with(2);
        #[cfg(unix)]
        {
            let mode = std::fs::metadata(log.key_path()).expect("key").permissions();
            assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777, 0o600);
            let mode = std::fs::metadata(log.head_path()).expect("checkpoint").permissions();
            assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777, 0o600);
        }
        let key = std::fs::read_to_string(log.key_path()).expect("key");
        std::fs::remove_file(log.key_path()).expect("rm key");
        let error = log.verify().expect_err("no key");
        assert!(error.contains("audit key") && error.contains("is missing"), "{error}");
        let error = log.record(&entry("okta_delete_user", &json!({}))).expect_err("wrote without the key");
        assert!(error.contains("is missing"), "{error}");
        assert!(!log.key_path().exists(), "a new key replaced the lost one");
        std::fs::write(log.key_path(), "not a key").expect("damage");
        assert!(log.verify().expect_err("damaged key").contains("damaged"));
        std::fs::write(log.key_path(), key).expect("restore");
        assert_eq!(log.verify().map(|v| v.rows), Ok(2));
    }

    #[test]
    fn a_writer_stopped_before_its_checkpoint_is_not_tampering() {
        let (_dir, _path, log) = log_with(2);
        let before = std::fs::read_to_string(log.head_path()).expect("checkpoint");
        log.record(&entry("okta_delete_user", &json!({}))).expect("record");
        // As if the writer was killed between its commit and its checkpoint.
        std::fs::write(log.head_path(), before).expect("old checkpoint");
        let verified = log.verify().expect("a lagging checkpoint is not tampering");
        assert_eq!(verified.rows, 3);
        assert!(verified.notes.iter().any(|n| n.contains("rows 3..3 are newer than the checkpoint")), "{verified:?}");
        log.record(&entry("okta_delete_user", &json!({}))).expect("the next write moves the checkpoint on");
        let verified = log.verify().expect("verify");
        assert_eq!((verified.rows, verified.notes.len()), (4, 0), "{verified:?}");
    }

    #[test]
    fn concurrent_writers_share_one_key_and_one_chain() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.db");
        let key = dir.path().join("audit.db.key");
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let (path, key) = (path.clone(), key.clone());
                std::thread::spawn(move || {
                    // Each thread its own connection and file handles, as separate servers have.
                    let log = AuditLog::open_with_key(&path, &key).expect("open");
                    let tool = format!("tool_{t}");
                    for _ in 0..10 {
                        log.record(&entry(&tool, &json!({}))).expect("record");
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("writer");
        }
        let log = AuditLog::open_with_key(&path, &key).expect("open");
        let verified = log.verify().expect("one intact chain");
        assert_eq!((verified.rows, verified.notes.len()), (40, 0), "{verified:?}");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    /// A log as the previous version wrote it: no `intent_id`, an unkeyed SHA-256 chain.
    fn legacy_log(path: &Path, n: i64) {
        let conn = raw(path);
        conn.execute_batch(
            "CREATE TABLE audit (id INTEGER PRIMARY KEY, time TEXT NOT NULL, server TEXT NOT NULL, tool TEXT NOT NULL,
                access TEXT NOT NULL, arguments TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL,
                request_ids TEXT NOT NULL, principal TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);",
        )
        .expect("old schema");
        let mut prev = GENESIS.to_owned();
        for id in 1..=n {
            let mut row = Row {
                id,
                time: "2025-01-01T00:00:00.000Z".into(),
                server: "okta-mcp-users".into(),
                tool: "okta_suspend_user".into(),
                access: "destructive".into(),
                arguments: "{}".into(),
                outcome: "executed".into(),
                detail: String::new(),
                request_ids: "[]".into(),
                principal: "SSWS API token".into(),
                prev_hash: prev,
                hash: String::new(),
                intent_id: None,
            };
            row.hash = row.legacy_hash();
            conn.execute(
                "INSERT INTO audit VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    row.id,
                    row.time,
                    row.server,
                    row.tool,
                    row.access,
                    row.arguments,
                    row.outcome,
                    row.detail,
                    row.request_ids,
                    row.principal,
                    row.prev_hash,
                    row.hash
                ],
            )
            .expect("old row");
            prev = row.hash;
        }
    }

    #[test]
    fn a_log_written_before_keying_is_kept_and_keyed_from_its_head() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.db");
        legacy_log(&path, 3);
        let log = AuditLog::open_with_key(&path, &dir.path().join("audit.db.key")).expect("open migrates");
        let verified = log.verify().expect("an old log verifies");
        assert_eq!((verified.rows, verified.legacy), (3, 3));
        assert!(verified.notes[0].contains("written before keying"), "{verified:?}");
        assert!(!log.key_path().exists(), "verify made a key");

        log.record(&entry("okta_delete_user", &json!({}))).expect("record");
        let rows = log.tail(10).expect("rows");
        assert_eq!(rows[3].prev_hash, rows[2].hash, "the keyed chain is anchored on the old head");
        let verified = log.verify().expect("verify");
        assert_eq!((verified.rows, verified.legacy), (4, 3));

        // The newest keyed row deleted; or turned into an unkeyed one; or the old rows truncated.
        let conn = raw(&path);
        let keyed = rows[3].clone();
        conn.execute("DELETE FROM audit WHERE id = 4", []).expect("delete");
        assert!(log.verify().expect_err("deleted").contains("newest rows were deleted"));
        let mut unkeyed = keyed.clone();
        unkeyed.hash = unkeyed.legacy_hash();
        conn.execute(
            "INSERT INTO audit SELECT 4, time, server, tool, access, arguments, outcome, detail, request_ids, \
             principal, ?1, ?2, NULL FROM audit WHERE id = 3",
            params![unkeyed.prev_hash, unkeyed.hash],
        )
        .expect("reinsert");
        assert!(log.verify().is_err());
        conn.execute("DELETE FROM audit", []).expect("truncate");
        assert!(log.verify().expect_err("truncated").contains("truncated"));
    }

    #[test]
    fn an_intent_without_an_outcome_is_shown_as_outcome_unknown() {
        let (_dir, _path, log) = log_with(0);
        let args = json!({"name": "Contractors"});
        let intent = Entry { outcome: INTENT, ..entry("okta_create_group", &args) };
        let first = log.record(&intent).expect("intent");
        log.record(&Entry { intent_id: Some(first), ..entry("okta_create_group", &args) }).expect("outcome");
        let second = log.record(&intent).expect("intent");
        let verified = log.verify().expect("intact");
        assert_eq!(verified.unknown.iter().map(|r| r.id).collect::<Vec<_>>(), [second]);
        assert!(verified.report().contains(&format!("row {second}: outcome unknown: okta_create_group")));
        let rows = rows_json(&log.tail(10).expect("rows"));
        assert_eq!(rows[0]["outcome_row"], 2);
        assert_eq!(rows[1]["intent_id"], 1);
        assert!(rows[2]["note"].as_str().expect("note").starts_with("outcome unknown"), "{}", rows[2]);
    }
}
