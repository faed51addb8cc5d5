//! The SQLite backend: a file shared by every server on one machine (WAL), the key and the sealed checkpoint in
//! files beside it (see the module docs of `audit`).

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::chain::{Checkpoint, GENESIS, Head, KEY_MISSING, Key, check, hex, read_key};
use super::{Entry, Row, Verified, head_path, key_path, with_suffix};

impl Checkpoint {
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
        if !checkpoint.sealed_by(key) {
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

/// An open SQLite audit log.
#[derive(Debug)]
pub struct SqliteLog {
    path: PathBuf,
    key_path: PathBuf,
    head_path: PathBuf,
    conn: Mutex<Connection>,
}

fn sql_error(e: rusqlite::Error) -> String {
    format!("audit log: {e}")
}

/// Rows from a query selecting `SqliteLog::COLUMNS`.
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
            person: r.get(13)?,
            role: r.get(14)?,
        })
    })
    .map_err(sql_error)?
    .collect::<Result<Vec<_>, _>>()
    .map_err(sql_error)
}

impl SqliteLog {
    /// The log at `path`, its key where `key_path` says.
    pub fn open(path: &Path) -> Result<Self, String> {
        Self::open_with_key(path, &key_path(path))
    }

    /// The log at `path` with its key at `key`. Creates the table, or adds `intent_id`, `person` and `role` to a
    /// log written before they existed; the key is read (or made) on the first write only.
    pub fn open_with_key(path: &Path, key: &Path) -> Result<Self, String> {
        /// Retry `step` while SQLite says the database is busy or locked, for up to 10 s.
        fn while_busy<T>(mut step: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            loop {
                match step() {
                    Err(rusqlite::Error::SqliteFailure(e, _))
                        if matches!(
                            e.code,
                            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                        ) && std::time::Instant::now() < deadline =>
                    {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    other => return other,
                }
            }
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create the audit log folder {}: {e}", dir.display()))?;
        }
        let mut conn =
            Connection::open(path).map_err(|e| format!("cannot open the audit log {}: {e}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(sql_error)?;
        // Switching a new file to WAL while another server does the same can answer "database is locked" at
        // once (SQLite skips the busy handler where waiting could deadlock), so that step waits itself.
        while_busy(|| conn.pragma_update(None, "journal_mode", "WAL")).map_err(sql_error)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(sql_error)?;
        // BEGIN IMMEDIATE waits for the busy handler like any write.
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
                intent_id INTEGER,
                person TEXT NOT NULL DEFAULT '',
                role TEXT NOT NULL DEFAULT ''
            );
            CREATE TABLE IF NOT EXISTS spent_confirmations (id TEXT PRIMARY KEY, expires INTEGER NOT NULL);",
        )
        .map_err(sql_error)?;
        // Logs written before intents, or before person and role, get the columns they lack.
        for (column, definition) in
            [("intent_id", "INTEGER"), ("person", "TEXT NOT NULL DEFAULT ''"), ("role", "TEXT NOT NULL DEFAULT ''")]
        {
            let has: bool = tx
                .query_row("SELECT COUNT(*) FROM pragma_table_info('audit') WHERE name = ?1", [column], |r| r.get(0))
                .map_err(sql_error)?;
            if !has {
                tx.execute_batch(&format!("ALTER TABLE audit ADD COLUMN {column} {definition}")).map_err(sql_error)?;
            }
        }
        tx.commit().map_err(sql_error)?;
        Ok(SqliteLog {
            path: path.to_owned(),
            key_path: key.to_owned(),
            head_path: head_path(path),
            conn: Mutex::new(conn),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Mark a confirmation as used (its id: a digest, never the confirmation itself) until `expires` (Unix
    /// seconds); false when it already was, by this process or another sharing the file.
    pub fn spend(&self, id: &str, expires: i64) -> Result<bool, String> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let now = chrono::Utc::now().timestamp();
        conn.execute("DELETE FROM spent_confirmations WHERE expires < ?1", params![now]).map_err(sql_error)?;
        let added = conn
            .execute("INSERT OR IGNORE INTO spent_confirmations (id, expires) VALUES (?1, ?2)", params![id, expires])
            .map_err(sql_error)?;
        Ok(added == 1)
    }

    /// Whether `id` is marked as used and not yet expired.
    pub fn is_spent(&self, id: &str) -> Result<bool, String> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let now = chrono::Utc::now().timestamp();
        let found: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM spent_confirmations WHERE id = ?1 AND expires >= ?2",
                params![id, now],
                |row| row.get(0),
            )
            .map_err(sql_error)?;
        Ok(found > 0)
    }

    pub fn key_path(&self) -> &Path {
        &self.key_path
    }

    pub fn head_path(&self) -> &Path {
        &self.head_path
    }

    const COLUMNS: &'static str = "id, time, server, tool, access, arguments, outcome, detail, request_ids, \
                                   principal, prev_hash, hash, intent_id, person, role";

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
        let row = Row::new(entry, id, prev_hash, &key);
        tx.execute(
            "INSERT INTO audit (id, time, server, tool, access, arguments, outcome, detail, request_ids, principal,
                                prev_hash, hash, intent_id, person, role)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
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
                row.intent_id,
                row.person,
                row.role
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
        let head = self.head_path.display().to_string();
        check(&rows, key, checkpoint.as_ref(), Head { at: &head, in_db: false })
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

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::super::chain::Key;
    use super::super::{INTENT, rows_json};
    use super::*;
    use serde_json::json;

    use super::super::test_entry as entry;

    /// A log of `n` rows in a fresh folder.
    fn log_with(n: usize) -> (tempfile::TempDir, PathBuf, SqliteLog) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.db");
        let log = SqliteLog::open_with_key(&path, &dir.path().join("audit.db.key")).expect("open");
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
    fn recompute(log: &SqliteLog, hash: impl Fn(&Row) -> String) {
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
        let other = SqliteLog::open_with_key(&path, log.key_path()).expect("open again");
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
                    let log = SqliteLog::open_with_key(&path, &key).expect("open");
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
        let log = SqliteLog::open_with_key(&path, &key).expect("open");
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
                person: String::new(),
                role: String::new(),
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
        let log = SqliteLog::open_with_key(&path, &dir.path().join("audit.db.key")).expect("open migrates");
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
            "INSERT INTO audit (id, time, server, tool, access, arguments, outcome, detail, request_ids, principal, \
             prev_hash, hash) SELECT 4, time, server, tool, access, arguments, outcome, detail, request_ids, \
             principal, ?1, ?2 FROM audit WHERE id = 3",
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

    #[test]
    fn person_and_role_are_stored_keyed_and_added_to_older_logs() {
        // A keyed log written before person and role existed.
        let (_dir, path, log) = log_with(2);
        drop(log);
        raw(&path)
            .execute_batch("ALTER TABLE audit DROP COLUMN person; ALTER TABLE audit DROP COLUMN role")
            .expect("old");
        let log = SqliteLog::open_with_key(&path, &with_suffix(&path, ".key")).expect("open migrates");
        assert_eq!(log.verify().map(|v| v.rows), Ok(2), "older keyed rows verify after the migration");
        let args = json!({});
        let http = Entry { person: "alice@example.com", role: "helpdesk", ..entry("okta_suspend_user", &args) };
        log.record(&http).expect("record");
        log.record(&entry("okta_unsuspend_user", &json!({}))).expect("record");
        assert_eq!(log.verify().map(|v| v.rows), Ok(4));
        let rows = log.tail(2).expect("rows");
        assert_eq!((rows[0].person.as_str(), rows[0].role.as_str()), ("alice@example.com", "helpdesk"));
        assert_eq!((rows[1].person.as_str(), rows[1].role.as_str()), ("", ""));
        let shown = rows_json(&rows);
        assert_eq!(
            (shown[0]["person"].clone(), shown[0]["role"].clone()),
            (json!("alice@example.com"), json!("helpdesk"))
        );
        assert_eq!(shown[1]["person"], "");

        let conn = raw(&path);
        for (column, value, id) in [("person", "mallory@example.com", 3), ("role", "", 3), ("person", "bob", 4)] {
            let before: String =
                conn.query_row(&format!("SELECT {column} FROM audit WHERE id = ?1"), [id], |r| r.get(0)).expect("read");
            conn.execute(&format!("UPDATE audit SET {column} = ?1 WHERE id = ?2"), params![value, id]).expect("edit");
            let error = log.verify().expect_err("edited person or role");
            assert!(error.contains(&format!("row {id}")) && error.contains("edited"), "{error}");
            conn.execute(&format!("UPDATE audit SET {column} = ?1 WHERE id = ?2"), params![before, id]).expect("undo");
        }
        assert_eq!(log.verify().map(|v| v.rows), Ok(4));
    }
}
