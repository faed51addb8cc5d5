//! The journal of bulk runs: a SQLite file beside the audit log (`audit.db` → `audit.bulk-runs.sqlite`) that
//! records each run (its id, what it applies, who runs it) and each item's state, written as the run goes. A run
//! stopped by a crash, a timeout or a client disconnect is resumed by the next call with the same inputs: items
//! already done are not touched again, and an item whose change may have been sent when the run stopped
//! (`sending`) is checked against Okta before anything is sent for it.
//!
//! One run is applied by one caller at a time: in this process a run in progress is refused to a second call;
//! across processes the run holds a lease (its owner, renewed as it goes) that another process takes over only
//! when it has expired or, on the same host, when the owner's process is gone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, OptionalExtension, params};

/// How long a lease holds without renewal (seconds): well above the longest wait of one request (the rate
/// governor waits at most 60 s for a window), so a live run is not taken for a stalled one.
pub const LEASE_SECS: i64 = 180;

/// An item's state in the journal.
pub const SENDING: &str = "sending";
pub const CREATED: &str = "created";
pub const SKIPPED: &str = "skipped";
pub const FAILED: &str = "failed";

/// The journal beside the audit log.
pub fn default_path() -> Result<PathBuf, String> {
    okta_mcp_kit::audit::default_path().map(|p| p.with_extension("bulk-runs.sqlite"))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn stamp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn hostname() -> String {
    whoami::hostname().unwrap_or_default()
}

/// This process, as a lease owner: `host:pid`.
fn me() -> String {
    format!("{}:{}", hostname(), std::process::id())
}

/// Whether the owner `host:pid` is known to be gone (its host is this one and its process is not running). Only
/// where `/proc` tells (Linux); elsewhere a run left by a crashed process is taken over when its lease expires.
fn owner_gone(owner: &str) -> bool {
    let Some((host, pid)) = owner.rsplit_once(':') else { return false };
    host == hostname() && Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

/// Runs in progress in this process.
static ACTIVE: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// What a run applies, as recorded.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub run_id: String,
    pub org: String,
    pub app: String,
    pub file: String,
    pub total: usize,
}

/// One item as the journal has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub state: String,
    pub user_id: Option<String>,
    pub grant_id: Option<String>,
    pub detail: Option<String>,
}

/// An open run: items are recorded through it; dropping it frees the run for another call of this process.
#[derive(Debug)]
pub struct Run {
    db: Arc<Mutex<Connection>>,
    pub info: RunInfo,
    /// Items recorded by earlier, unfinished calls of this run (user key → item).
    pub earlier: BTreeMap<String, Item>,
    last_renewal: Mutex<i64>,
    pub path: PathBuf,
}

impl Drop for Run {
    fn drop(&mut self) {
        ACTIVE.lock().unwrap_or_else(PoisonError::into_inner).retain(|r| *r != self.info.run_id);
    }
}

fn open(path: &Path) -> Result<Connection, String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    }
    let db = Connection::open(path).map_err(|e| format!("cannot open the bulk journal {}: {e}", path.display()))?;
    db.busy_timeout(std::time::Duration::from_secs(5)).map_err(|e| e.to_string())?;
    db.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         CREATE TABLE IF NOT EXISTS runs (
             run_id TEXT PRIMARY KEY, org TEXT NOT NULL, app TEXT NOT NULL, file TEXT NOT NULL,
             total INTEGER NOT NULL, started TEXT NOT NULL, updated TEXT NOT NULL, finished TEXT,
             passes INTEGER NOT NULL DEFAULT 1, owner TEXT, lease_until INTEGER NOT NULL DEFAULT 0);
         CREATE TABLE IF NOT EXISTS items (
             run_id TEXT NOT NULL, user_key TEXT NOT NULL, state TEXT NOT NULL, user_id TEXT, grant_id TEXT,
             detail TEXT, updated TEXT NOT NULL, PRIMARY KEY (run_id, user_key));",
    )
    .map_err(|e| format!("the bulk journal {} cannot be set up: {e}", path.display()))?;
    Ok(db)
}

/// Start run `info` in the journal at `path`, or resume it when an earlier call did not finish it. A run that
/// finished starts a new pass (its items are checked against Okta again).
pub fn begin(path: &Path, info: RunInfo) -> Result<Run, String> {
    {
        let mut active = ACTIVE.lock().unwrap_or_else(PoisonError::into_inner);
        if active.contains(&info.run_id) {
            return Err(format!(
                "run {} (the same file and app) is already being applied by another call of this server: wait for \
                 it to finish. Nothing was sent.",
                info.run_id
            ));
        }
        active.push(info.run_id.clone());
    }
    // From here a failure must free the run again: the Run's Drop does it once built.
    let release = |e: String| {
        ACTIVE.lock().unwrap_or_else(PoisonError::into_inner).retain(|r| *r != info.run_id);
        e
    };
    let mut db = open(path).map_err(release)?;
    let earlier = claim(&mut db, &info).map_err(release)?;
    Ok(Run { db: Arc::new(Mutex::new(db)), info, earlier, last_renewal: Mutex::new(now()), path: path.to_owned() })
}

fn claim(db: &mut Connection, info: &RunInfo) -> Result<BTreeMap<String, Item>, String> {
    let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(|e| e.to_string())?;
    let row: Option<(Option<String>, Option<String>, i64)> = tx
        .query_row("SELECT finished, owner, lease_until FROM runs WHERE run_id = ?1", params![info.run_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()
        .map_err(|e| e.to_string())?;
    let me = me();
    let lease = now() + LEASE_SECS;
    let mut earlier = BTreeMap::new();
    match row {
        None => {
            tx.execute(
                "INSERT INTO runs (run_id, org, app, file, total, started, updated, owner, lease_until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8)",
                params![info.run_id, info.org, info.app, info.file, info.total as i64, stamp(), me, lease],
            )
            .map_err(|e| e.to_string())?;
        }
        Some((Some(_), _, _)) => {
            // Finished: a new pass over every item.
            tx.execute("DELETE FROM items WHERE run_id = ?1", params![info.run_id]).map_err(|e| e.to_string())?;
            tx.execute(
                "UPDATE runs SET started = ?2, updated = ?2, finished = NULL, passes = passes + 1, owner = ?3,
                 lease_until = ?4, total = ?5 WHERE run_id = ?1",
                params![info.run_id, stamp(), me, lease, info.total as i64],
            )
            .map_err(|e| e.to_string())?;
        }
        Some((None, owner, until)) => {
            let owner = owner.unwrap_or_default();
            if owner != me && until > now() && !owner_gone(&owner) {
                return Err(format!(
                    "run {} is being applied by {owner} (its lease runs {} s more): wait for it, or for the lease \
                     to expire if that process is gone. Nothing was sent.",
                    info.run_id,
                    until - now()
                ));
            }
            tx.execute(
                "UPDATE runs SET owner = ?2, lease_until = ?3, updated = ?4 WHERE run_id = ?1",
                params![info.run_id, me, lease, stamp()],
            )
            .map_err(|e| e.to_string())?;
            let mut stmt = tx
                .prepare("SELECT user_key, state, user_id, grant_id, detail FROM items WHERE run_id = ?1")
                .map_err(|e| e.to_string())?;
            let rows = stmt
                .query_map(params![info.run_id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        Item { state: r.get(1)?, user_id: r.get(2)?, grant_id: r.get(3)?, detail: r.get(4)? },
                    ))
                })
                .map_err(|e| e.to_string())?;
            for row in rows {
                let (key, item) = row.map_err(|e| e.to_string())?;
                earlier.insert(key, item);
            }
        }
    }
    tx.commit().map_err(|e| e.to_string())?;
    Ok(earlier)
}

impl Run {
    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Record an item's state (and renew the lease now and then).
    pub fn record(&self, user_key: &str, item: &Item) -> Result<(), String> {
        let db = self.db();
        db.execute(
            "INSERT INTO items (run_id, user_key, state, user_id, grant_id, detail, updated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (run_id, user_key) DO UPDATE SET state = ?3, user_id = ?4, grant_id = ?5, detail = ?6,
             updated = ?7",
            params![self.info.run_id, user_key, item.state, item.user_id, item.grant_id, item.detail, stamp()],
        )
        .map_err(|e| format!("the bulk journal {} cannot be written: {e}", self.path.display()))?;
        let mut last = self.last_renewal.lock().unwrap_or_else(PoisonError::into_inner);
        if now() - *last >= LEASE_SECS / 3 {
            *last = now();
            // Only while this process still holds it: a run taken over elsewhere stops here.
            let renewed = db
                .execute(
                    "UPDATE runs SET lease_until = ?2, updated = ?3 WHERE run_id = ?1 AND owner = ?4",
                    params![self.info.run_id, now() + LEASE_SECS, stamp(), me()],
                )
                .map_err(|e| e.to_string())?;
            if renewed == 0 {
                return Err("another process took this run over (this one had stalled past its lease)".into());
            }
        }
        Ok(())
    }

    /// The run is done: the next call with the same inputs starts a new pass.
    pub fn finish(&self) -> Result<(), String> {
        self.db()
            .execute(
                "UPDATE runs SET finished = ?2, updated = ?2, lease_until = 0 WHERE run_id = ?1",
                params![self.info.run_id, stamp()],
            )
            .map(drop)
            .map_err(|e| e.to_string())
    }

    /// The run stopped without finishing (an error): another call may resume it straight away.
    pub fn release(&self) {
        let _ = self.db().execute(
            "UPDATE runs SET lease_until = 0, updated = ?2 WHERE run_id = ?1",
            params![self.info.run_id, stamp()],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(id: &str, total: usize) -> RunInfo {
        RunInfo { run_id: id.into(), org: "o".into(), app: "0oa1".into(), file: "f.csv".into(), total }
    }

    fn item(state: &str) -> Item {
        Item { state: state.into(), user_id: Some("00u1".into()), grant_id: None, detail: None }
    }

    #[test]
    fn unfinished_runs_resume_and_finished_runs_start_over() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = tmp.path().join("audit.bulk-runs.sqlite");
        let run = begin(&path, info("run_a", 2)).unwrap_or_else(|e| panic!("{e}"));
        assert!(run.earlier.is_empty());
        assert!(
            begin(&path, info("run_a", 2)).is_err_and(|e| e.contains("already being applied")),
            "one call at a time"
        );
        run.record("a@x", &item(CREATED)).unwrap_or_else(|e| panic!("{e}"));
        run.record("b@x", &item(SENDING)).unwrap_or_else(|e| panic!("{e}"));
        drop(run);
        let resumed = begin(&path, info("run_a", 2)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resumed.earlier.len(), 2);
        assert_eq!(resumed.earlier["b@x"].state, SENDING);
        resumed.finish().unwrap_or_else(|e| panic!("{e}"));
        drop(resumed);
        let again = begin(&path, info("run_a", 2)).unwrap_or_else(|e| panic!("{e}"));
        assert!(again.earlier.is_empty(), "a finished run starts a new pass");
    }

    #[test]
    fn another_live_owner_holds_the_run() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = tmp.path().join("j.sqlite");
        drop(begin(&path, info("run_b", 1)).unwrap_or_else(|e| panic!("{e}")));
        let db = open(&path).unwrap_or_else(|e| panic!("{e}"));
        // A live process elsewhere (pid 1 of this host is always running).
        let other = format!("{}:1", hostname());
        db.execute("UPDATE runs SET owner = ?1, lease_until = ?2", params![other, now() + 60])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(begin(&path, info("run_b", 1)).is_err_and(|e| e.contains("is being applied by")));
        // Its lease expired: taken over.
        db.execute("UPDATE runs SET lease_until = ?1", params![now() - 1]).unwrap_or_else(|e| panic!("{e}"));
        assert!(begin(&path, info("run_b", 1)).is_ok());
        // A dead process of this host: taken over at once.
        let dead = format!("{}:{}", hostname(), u32::MAX - 7);
        db.execute("UPDATE runs SET owner = ?1, lease_until = ?2", params![dead, now() + 60])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(begin(&path, info("run_b", 1)).is_ok());
    }
}
