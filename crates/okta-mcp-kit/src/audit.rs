//! The audit log: every write and destructive call, confirmed or refused, as a row in SQLite (WAL, shared
//! safely by every server running at once). Each row carries the hash of the previous row, so a row edited or
//! deleted by hand breaks the chain: `audit verify` finds it.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::redact::redact;

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

/// One call to record.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub server: &'a str,
    pub tool: &'a str,
    pub access: &'a str,
    /// Arguments as the client sent them (secrets are redacted before storing).
    pub arguments: &'a Value,
    /// executed | failed | refused | previewed | declined | cancelled | dry_run
    pub outcome: &'a str,
    /// What happened, in a line (the error, the request sent).
    pub detail: &'a str,
    pub request_ids: &'a [String],
    pub principal: &'a str,
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
}

impl Row {
    /// The hash of this row's content chained to the previous row's hash.
    fn compute_hash(&self) -> String {
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
        hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id, "time": self.time, "server": self.server, "tool": self.tool, "access": self.access,
            "arguments": serde_json::from_str::<Value>(&self.arguments).unwrap_or(Value::Null),
            "outcome": self.outcome, "detail": self.detail,
            "request_ids": serde_json::from_str::<Value>(&self.request_ids).unwrap_or(Value::Null),
            "principal": self.principal,
        })
    }
}

const GENESIS: &str = "genesis";

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
    conn: Mutex<Connection>,
}

fn sql_error(e: rusqlite::Error) -> String {
    format!("audit log: {e}")
}

impl AuditLog {
    pub fn open(path: &Path) -> Result<Self, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create the audit log folder {}: {e}", dir.display()))?;
        }
        let conn = Connection::open(path).map_err(|e| format!("cannot open the audit log {}: {e}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(sql_error)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(sql_error)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(sql_error)?;
        conn.execute_batch(
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
                hash TEXT NOT NULL
            );",
        )
        .map_err(sql_error)?;
        Ok(AuditLog { path: path.to_owned(), conn: Mutex::new(conn) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append a row, chained to the last one. One immediate transaction, so servers writing at the same time
    /// queue rather than fork the chain; a crash mid-call loses no committed row.
    pub fn record(&self, entry: &Entry<'_>) -> Result<i64, String> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sql_error)?;
        let last: Option<(i64, String)> = tx
            .query_row("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(sql_error)?;
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
            detail: entry.detail.chars().take(2000).collect(),
            request_ids: json!(entry.request_ids).to_string(),
            principal: entry.principal.to_owned(),
            prev_hash,
            hash: String::new(),
        };
        row.hash = row.compute_hash();
        tx.execute(
            "INSERT INTO audit (id, time, server, tool, access, arguments, outcome, detail, request_ids, principal,
                                prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
        .map_err(sql_error)?;
        tx.commit().map_err(sql_error)?;
        Ok(id)
    }

    fn rows(&self, sql: &str, limit: i64) -> Result<Vec<Row>, String> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let mut stmt = conn.prepare(sql).map_err(sql_error)?;
        let rows = stmt
            .query_map(params![limit], |r| {
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
                })
            })
            .map_err(sql_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql_error)?;
        Ok(rows)
    }

    const COLUMNS: &'static str =
        "id, time, server, tool, access, arguments, outcome, detail, request_ids, principal, prev_hash, hash";

    /// The newest `n` rows, oldest first.
    pub fn tail(&self, n: usize) -> Result<Vec<Row>, String> {
        let sql = format!("SELECT {} FROM audit ORDER BY id DESC LIMIT ?1", Self::COLUMNS);
        let mut rows = self.rows(&sql, i64::try_from(n).unwrap_or(i64::MAX))?;
        rows.reverse();
        Ok(rows)
    }

    /// Check the whole chain: Ok(number of rows) or the first break, described.
    pub fn verify(&self) -> Result<usize, String> {
        let sql = format!("SELECT {} FROM audit WHERE ?1 ORDER BY id", Self::COLUMNS);
        let rows = self.rows(&sql, 1)?;
        let mut prev = GENESIS.to_owned();
        for (expected_id, row) in (1..).zip(rows.iter()) {
            if row.id != expected_id {
                return Err(format!("row {expected_id} is missing (the next row is {}): rows were deleted", row.id));
            }
            if row.prev_hash != prev {
                return Err(format!("row {} does not follow row {}: the chain was altered", row.id, row.id - 1));
            }
            if row.compute_hash() != row.hash {
                return Err(format!(
                    "row {} ({} {} at {}) was edited after it was written",
                    row.id, row.tool, row.outcome, row.time
                ));
            }
            prev = row.hash.clone();
        }
        Ok(rows.len())
    }
}

#[cfg(test)]
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
        }
    }

    #[test]
    fn rows_chain_and_tampering_is_detected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.db");
        let log = AuditLog::open(&path).expect("open");
        let args = json!({"user": "00u1", "password": "hunter2"});
        for tool in ["okta_suspend_user", "okta_unsuspend_user", "okta_delete_user"] {
            log.record(&entry(tool, &args)).expect("record");
        }
        assert_eq!(log.verify(), Ok(3));
        let tail = log.tail(2).expect("tail");
        assert_eq!(tail.len(), 2);
        assert_eq!(tail[1].tool, "okta_delete_user");
        assert!(!tail[0].arguments.contains("hunter2"), "a secret was stored");

        // A second process appending to the same file continues the chain.
        let other = AuditLog::open(&path).expect("open again");
        other.record(&entry("okta_reset_factor", &args)).expect("record");
        assert_eq!(log.verify(), Ok(4));

        let conn = Connection::open(&path).expect("raw");
        conn.execute("UPDATE audit SET outcome = 'refused' WHERE id = 2", []).expect("tamper");
        let error = log.verify().expect_err("edited row");
        assert!(error.contains("row 2"), "{error}");
        conn.execute("UPDATE audit SET outcome = 'executed' WHERE id = 2", []).expect("undo");
        assert_eq!(log.verify(), Ok(4));
        conn.execute("DELETE FROM audit WHERE id = 3", []).expect("delete");
        let error = log.verify().expect_err("deleted row");
        assert!(error.contains("row 3 is missing"), "{error}");
    }
}
