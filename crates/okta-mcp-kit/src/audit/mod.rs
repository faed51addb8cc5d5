//! The audit log: every write and destructive call, confirmed or refused, as rows in SQLite (WAL, shared safely
//! by every server running at once on one machine; the default) or in PostgreSQL (`OKTA_MCP_AUDIT_URL`: one
//! trail for replicas of a server behind a load balancer). It shows what happened even when things go wrong.
//!
//! **Intent, then outcome.** A call that will send changes first appends an `intent` row (tool, redacted
//! arguments, principal); if that row cannot be written, nothing is sent (`McpServer::execute`). After the call an
//! outcome row (`executed`, `failed`, …) names the intent in `intent_id`. A server killed between the two leaves
//! an intent with no outcome, which `verify`, `tail` and the admin server's `okta_mcp_audit_log` show as
//! "outcome unknown". Dry runs, previews and refusals send nothing and stay single rows. Rows are append-only:
//! nothing here ever updates or deletes one.
//!
//! **Who.** `principal` is who the server acts as at Okta (its credentials). `person` and `role` are who called
//! the server over HTTP (subject, login or email from their token) and their role; both are empty over stdio.
//!
//! **A keyed chain.** Each row holds `hash = "hmac-sha256:" + HMAC-SHA256(key, previous hash ‖ its fields)`, so
//! a row edited, deleted or inserted breaks the chain, and the chain cannot be recomputed without the key. A row
//! with neither `person` nor `role` is MAC'd in format v1 (exactly as before these fields existed, so older rows
//! keep verifying); a row with either in format v2, which adds both under another tag (`chain::Row::keyed_hash`).
//! The key is 32 random bytes (hex) in a file outside the database: `OKTA_MCP_AUDIT_KEY`.
//! - SQLite: default `<db>.key` beside it, made on the first write with owner-only permissions (0600). It is
//!   published with a hard link, so two servers starting at once agree on one key (the loser reads the
//!   winner's), and locked before it is published, so no one writes with it before its first checkpoint exists
//!   (anchored on the log's head as it is: empty, or its rows from before keying). From then on a key without a
//!   checkpoint means the checkpoint was deleted. A missing key is never replaced while the log has keyed rows
//!   or a checkpoint: a new key could not vouch for them, so writes fail closed.
//! - PostgreSQL: every replica must use the same key, so there is no default and none is made: a server that
//!   may write refuses to start unless `OKTA_MCP_AUDIT_KEY` names an existing key file (`openssl rand -hex 32`).
//!
//! Keep the key where whoever can write the database cannot (or back it up): with the key, anything can be
//! rewritten.
//!
//! **A checkpoint of the head.** A chain alone cannot show that its newest rows were deleted or the table
//! emptied. So the writer records the head (last id and its hash, and how many rows predate keying), sealed
//! with the key. `verify` fails when the log ends before the checkpoint's row, when that row's hash differs, or
//! when the checkpoint is missing or not sealed by the key while keyed rows exist. A writer checks the same
//! before appending and refuses on a mismatch, so a deletion cannot be papered over by new rows.
//! - SQLite: after each row is committed, in `<db>.head` (0600, temp file + rename). Writers hold an exclusive
//!   lock on the key file from reading the head to writing the checkpoint, so concurrent servers append in turn
//!   and the checkpoint never goes back. A server killed between committing a row and writing the checkpoint
//!   leaves rows newer than the checkpoint: they are still checked by their MACs, the next write moves the
//!   checkpoint on, and `verify` says so without calling it tampering.
//! - PostgreSQL: a row of its own (`okta_mcp_audit_head`), moved in the same transaction as the row it names.
//!   Writers from every replica serialize on a transaction-scoped advisory lock, then read the head row
//!   (`FOR UPDATE`), check it, insert the row and move the head, and commit: one chain, never forked. Rows
//!   after the head can only have been inserted by hand, and `verify` says so.
//!
//! What a checkpoint kept beside the rows cannot catch: the database and the checkpoint both put back to an
//! older copy, or key, checkpoint and rows all replaced (in PostgreSQL: every row and the head row deleted
//! together, which looks like a new log). Ship the rows elsewhere to guard against that, and in PostgreSQL give
//! the servers' role no DELETE or TRUNCATE on the tables (they need SELECT and INSERT on `okta_mcp_audit`,
//! SELECT, INSERT and UPDATE on `okta_mcp_audit_head`, and CREATE once to make them).
//!
//! **Older logs** (SQLite). Rows written before keying have an unkeyed SHA-256 chain (`hash` is 64 hex digits).
//! Opening such a log adds the `intent_id`, `person` and `role` columns (the last two default to ''); the first
//! write anchors the keyed chain on the legacy head (the first keyed row's `prev_hash` is the last legacy hash)
//! and the checkpoint records how many legacy rows there are. `verify` checks legacy rows with the old hash and
//! says how many predate keying; a legacy-form row after that count means the chain was recomputed without the
//! key.

mod chain;
mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

pub use postgres::PostgresTarget;
pub use sqlite::SqliteLog;

/// The outcome of an intent row: a call about to send changes.
pub const INTENT: &str = "intent";

/// What an intent with no outcome row is shown as.
pub const OUTCOME_UNKNOWN: &str = "outcome unknown";

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

/// `OKTA_MCP_AUDIT_KEY`, if set.
fn key_from_env() -> Option<PathBuf> {
    std::env::var("OKTA_MCP_AUDIT_KEY").ok().filter(|p| !p.trim().is_empty()).map(PathBuf::from)
}

/// The key of the SQLite log at `db`: `OKTA_MCP_AUDIT_KEY`, else `<db>.key`.
pub fn key_path(db: &Path) -> PathBuf {
    key_from_env().unwrap_or_else(|| with_suffix(db, ".key"))
}

/// The checkpoint of the SQLite log at `db`: `<db>.head`.
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
    /// Who the server acts as at Okta.
    pub principal: &'a str,
    /// Who called over HTTP (subject, login or email from their token); empty over stdio.
    pub person: &'a str,
    /// Their role; empty over stdio.
    pub role: &'a str,
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
    pub person: String,
    pub role: String,
    pub prev_hash: String,
    pub hash: String,
    pub intent_id: Option<i64>,
}

impl Row {
    pub fn to_json(&self) -> Value {
        let mut out = json!({
            "id": self.id, "time": self.time, "server": self.server, "tool": self.tool, "access": self.access,
            "arguments": serde_json::from_str::<Value>(&self.arguments).unwrap_or(Value::Null),
            "outcome": self.outcome, "detail": self.detail,
            "request_ids": serde_json::from_str::<Value>(&self.request_ids).unwrap_or(Value::Null),
            "principal": self.principal, "person": self.person, "role": self.role,
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

/// Where the audit log is: a SQLite file (the default) or a PostgreSQL database (`OKTA_MCP_AUDIT_URL`).
#[derive(Debug, Clone)]
pub enum AuditTarget {
    Sqlite(PathBuf),
    Postgres(PostgresTarget),
}

impl AuditTarget {
    /// `OKTA_MCP_AUDIT_URL` (postgres://… or postgresql://…) if set, else the SQLite file of `default_path`.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("OKTA_MCP_AUDIT_URL") {
            Ok(url) if !url.trim().is_empty() => {
                Ok(AuditTarget::Postgres(PostgresTarget::parse(&url, key_from_env())?))
            }
            _ => Ok(AuditTarget::Sqlite(default_path()?)),
        }
    }

    /// For people and logs: the file, or the URL with its password redacted.
    pub fn describe(&self) -> String {
        match self {
            AuditTarget::Sqlite(path) => path.display().to_string(),
            AuditTarget::Postgres(pg) => pg.describe().to_owned(),
        }
    }

    /// Whether there may be rows to read (a SQLite file not yet made has none; a database is asked).
    pub fn exists(&self) -> bool {
        match self {
            AuditTarget::Sqlite(path) => path.exists(),
            AuditTarget::Postgres(_) => true,
        }
    }

    /// Refuse early what could never be written: a PostgreSQL log without an explicit, readable key.
    pub fn check_writable(&self) -> Result<(), String> {
        match self {
            AuditTarget::Sqlite(_) => Ok(()),
            AuditTarget::Postgres(pg) => pg.key_for_writing().map(drop),
        }
    }
}

/// The audit log of a server, opened on the first write or destructive call (a read-only session never
/// touches it, and startup stays quick).
#[derive(Debug)]
pub struct AuditSink {
    target: AuditTarget,
    log: std::sync::OnceLock<Result<AuditLog, String>>,
}

impl AuditSink {
    pub fn new(target: AuditTarget) -> Self {
        AuditSink { target, log: std::sync::OnceLock::new() }
    }

    pub fn target(&self) -> &AuditTarget {
        &self.target
    }

    /// The open log, or why it cannot be written (then no change may run: calls fail closed).
    pub fn log(&self) -> Result<&AuditLog, String> {
        self.log
            .get_or_init(|| self.target.check_writable().and_then(|()| AuditLog::open(&self.target)))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The open audit log, whichever the backend.
#[derive(Debug)]
pub struct AuditLog {
    backend: Backend,
}

#[derive(Debug)]
enum Backend {
    Sqlite(std::sync::Arc<SqliteLog>),
    Postgres(Box<postgres::PostgresLog>),
}

impl AuditLog {
    /// Open the log at `target` (SQLite: the file and its table are made, older logs migrated; PostgreSQL: the
    /// connection and the tables are made on first use).
    pub fn open(target: &AuditTarget) -> Result<Self, String> {
        let backend = match target {
            AuditTarget::Sqlite(path) => Backend::Sqlite(std::sync::Arc::new(SqliteLog::open(path)?)),
            AuditTarget::Postgres(pg) => Backend::Postgres(Box::new(postgres::PostgresLog::new(pg.clone())?)),
        };
        Ok(AuditLog { backend })
    }

    /// For people and logs: the file, or the URL with its password redacted.
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Sqlite(log) => log.path().display().to_string(),
            Backend::Postgres(log) => log.target().describe().to_owned(),
        }
    }

    /// Append a row chained to the last one and move the sealed head to it; its id. Fails closed: an error means
    /// the row may not be on record.
    pub async fn record(&self, entry: &Entry<'_>) -> Result<i64, String> {
        match &self.backend {
            Backend::Sqlite(log) => log.record(entry),
            Backend::Postgres(log) => log.record(entry).await,
        }
    }

    /// Mark a confirmation as used, for every process writing this log (replicas share it): false when one
    /// already did. `id` is a digest of the confirmation, `expires` when it could no longer be redeemed anyway.
    pub async fn spend(&self, id: &str, expires: i64) -> Result<bool, String> {
        match &self.backend {
            Backend::Sqlite(log) => {
                let (log, id) = (log.clone(), id.to_owned());
                blocking(move || log.spend(&id, expires)).await
            }
            Backend::Postgres(log) => log.spend(id, expires).await,
        }
    }

    /// Whether `id` is marked as used (and not yet past its expiry), by any process writing this log (read-only).
    /// Sign-in's revoked grants are checked with it.
    pub async fn is_spent(&self, id: &str) -> Result<bool, String> {
        match &self.backend {
            Backend::Sqlite(log) => {
                let (log, id) = (log.clone(), id.to_owned());
                blocking(move || log.is_spent(&id)).await
            }
            Backend::Postgres(log) => log.is_spent(id).await,
        }
    }

    /// The newest `n` rows, oldest first.
    pub async fn tail(&self, n: usize) -> Result<Vec<Row>, String> {
        match &self.backend {
            Backend::Sqlite(log) => {
                let log = log.clone();
                blocking(move || log.tail(n)).await
            }
            Backend::Postgres(log) => log.tail(n).await,
        }
    }

    /// Check the whole log against its key and its sealed head (see the module docs).
    pub async fn verify(&self) -> Result<Verified, String> {
        match &self.backend {
            Backend::Sqlite(log) => {
                let log = log.clone();
                blocking(move || log.verify()).await
            }
            Backend::Postgres(log) => log.verify().await,
        }
    }
}

/// Reading and hashing a whole SQLite log runs off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, String> + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(f).await.map_err(|e| format!("reading the audit log failed: {e}"))?
}

/// The entry the backends' tests record (a confirmed suspension).
#[cfg(test)]
pub(crate) fn test_entry<'a>(tool: &'a str, args: &'a Value) -> Entry<'a> {
    Entry {
        server: "okta-mcp-test",
        tool,
        access: "destructive",
        arguments: args,
        outcome: "executed",
        detail: "POST /api/v1/users/00u1/lifecycle/suspend",
        request_ids: &[],
        principal: "SSWS API token",
        person: "",
        role: "",
        intent_id: None,
    }
}
