//! The PostgreSQL backend (`OKTA_MCP_AUDIT_URL`): one trail for every replica. Rows in `okta_mcp_audit`, the
//! sealed head in the one row of `okta_mcp_audit_head`, both made on first use; appends serialized across every
//! connection by a transaction-scoped advisory lock (see the module docs of `audit`). The URL's password is
//! never shown: `describe` redacts it, and every error is scrubbed of it.

use std::error::Error as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use tokio_postgres::{Client, Config, IsolationLevel};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::chain::{Checkpoint, GENESIS, Head, KEY_MISSING, Key, check, read_key};
use super::{Entry, Row, Verified};

/// The advisory lock every writer takes for its transaction ("oktaaudt").
const LOCK: i64 = 0x6f6b_7461_6175_6474;
/// The advisory lock of the used-confirmations table (not the writers' lock: spending never waits for appends).
const SPENT_LOCK: i64 = 0x6f6b_7461_7370_6e74;

const HEAD_AT: &str = "the row of okta_mcp_audit_head";

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS okta_mcp_audit (
        id BIGINT PRIMARY KEY,
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
        intent_id BIGINT,
        person TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE IF NOT EXISTS okta_mcp_audit_head (
        one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
        version BIGINT NOT NULL,
        id BIGINT NOT NULL,
        hash TEXT NOT NULL,
        legacy BIGINT NOT NULL,
        seal TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS okta_mcp_spent_confirmations (id TEXT PRIMARY KEY, expires BIGINT NOT NULL);";

const COLUMNS: &str = "id, time, server, tool, access, arguments, outcome, detail, request_ids, principal, prev_hash, hash, intent_id, \
     person, role";

/// A PostgreSQL audit log's address and key, parsed from `OKTA_MCP_AUDIT_URL` and `OKTA_MCP_AUDIT_KEY`.
#[derive(Clone)]
pub struct PostgresTarget {
    config: Box<Config>,
    /// The URL with its password redacted.
    shown: String,
    /// What must never be shown: the password as written in the URL and as decoded.
    secrets: Vec<String>,
    key: Option<PathBuf>,
}

impl std::fmt::Debug for PostgresTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresTarget").field("url", &self.shown).field("key", &self.key).finish()
    }
}

impl PostgresTarget {
    /// A `postgres://` (or `postgresql://`) URL, tokio-postgres's parameters (`sslmode=disable|prefer|require`,
    /// …) in its query; `key` the key file every replica shares.
    pub fn parse(url: &str, key: Option<PathBuf>) -> Result<Self, String> {
        let url = url.trim();
        let (shown, mut secrets) = redact_url(url);
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(format!("OKTA_MCP_AUDIT_URL must be a postgres:// URL, not {shown}"));
        }
        let mut config = Config::from_str(url).map_err(|e| {
            scrub(&format!("OKTA_MCP_AUDIT_URL {shown} is not a PostgreSQL URL: {}", describe_error(&e)), &secrets)
        })?;
        if let Some(password) = config.get_password().and_then(|p| std::str::from_utf8(p).ok())
            && !password.is_empty()
        {
            secrets.push(password.to_owned());
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("okta-mcp audit");
        }
        Ok(PostgresTarget { config: Box::new(config), shown, secrets, key })
    }

    /// The URL with its password redacted.
    pub fn describe(&self) -> &str {
        &self.shown
    }

    pub fn key_path(&self) -> Option<&Path> {
        self.key.as_deref()
    }

    /// The key to write with: named explicitly and present (replicas cannot share a default key file, and a
    /// key made by one replica would not be the others').
    pub(super) fn key_for_writing(&self) -> Result<Key, String> {
        let path = self.key.as_ref().ok_or_else(|| {
            format!(
                "the audit log is in PostgreSQL ({}) but OKTA_MCP_AUDIT_KEY is not set: every replica must write \
                 with the same key, so there is no default. Make one once (`openssl rand -hex 32 > audit.key; chmod \
                 600 audit.key`), give every replica the same file, and set OKTA_MCP_AUDIT_KEY to its path",
                self.shown
            )
        })?;
        match read_key(path)? {
            Some((_, key)) => Ok(key),
            None => Err(format!(
                "the audit key {} (OKTA_MCP_AUDIT_KEY) does not exist: for a PostgreSQL audit log it is never made \
                 by a server; make it once (`openssl rand -hex 32`) and give every replica the same file",
                path.display()
            )),
        }
    }

    /// The key to verify with, if there is one.
    fn key_for_reading(&self) -> Result<Option<Key>, String> {
        match &self.key {
            Some(path) => Ok(read_key(path)?.map(|(_, key)| key)),
            None => Ok(None),
        }
    }

    fn key_missing(&self) -> String {
        match &self.key {
            Some(path) => format!(
                "the audit key {} is missing, so the keyed rows and the sealed head cannot be checked: restore it",
                path.display()
            ),
            None => "the audit log has keyed rows and a sealed head, but OKTA_MCP_AUDIT_KEY is not set: point it \
                     at the key the servers write with"
                .to_owned(),
        }
    }
}

/// The URL with the password of its user info and any `password=` parameter replaced by `***`, and those
/// passwords as written.
fn redact_url(url: &str) -> (String, Vec<String>) {
    let mut secrets = Vec::new();
    let mut shown = url.to_owned();
    if let Some(scheme_end) = url.find("://") {
        let start = scheme_end + 3;
        let rest = &url[start..];
        let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        if let Some(at) = authority.rfind('@')
            && let Some(colon) = authority[..at].find(':')
            && colon + 1 < at
        {
            secrets.push(authority[colon + 1..at].to_owned());
            shown = format!("{}{}:***{}", &url[..start], &authority[..colon], &url[start + at..]);
        }
    }
    if let Some(q) = shown.find('?') {
        let (base, query) = shown.split_at(q + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) if name.eq_ignore_ascii_case("password") && !value.is_empty() => {
                    secrets.push(value.to_owned());
                    format!("{name}=***")
                }
                _ => pair.to_owned(),
            })
            .collect();
        shown = format!("{base}{}", query.join("&"));
    }
    (shown, secrets)
}

fn scrub(message: &str, secrets: &[String]) -> String {
    secrets.iter().filter(|s| !s.is_empty()).fold(message.to_owned(), |m, s| m.replace(s.as_str(), "***"))
}

/// An error with its causes (tokio-postgres shows only its kind at the top: "db error").
fn describe_error(e: &tokio_postgres::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// TLS for `sslmode=prefer|require`: the platform's roots, rustls with aws-lc-rs (as reqwest uses).
fn tls() -> Result<MakeRustlsConnect, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS for the audit log: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// An open PostgreSQL audit log: one connection, made on first use and again after it drops.
pub(super) struct PostgresLog {
    target: PostgresTarget,
    tls: MakeRustlsConnect,
    client: tokio::sync::Mutex<Option<Client>>,
}

impl std::fmt::Debug for PostgresLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresLog").field("target", &self.target).finish_non_exhaustive()
    }
}

fn to_row(r: &tokio_postgres::Row) -> Result<Row, tokio_postgres::Error> {
    Ok(Row {
        id: r.try_get(0)?,
        time: r.try_get(1)?,
        server: r.try_get(2)?,
        tool: r.try_get(3)?,
        access: r.try_get(4)?,
        arguments: r.try_get(5)?,
        outcome: r.try_get(6)?,
        detail: r.try_get(7)?,
        request_ids: r.try_get(8)?,
        principal: r.try_get(9)?,
        prev_hash: r.try_get(10)?,
        hash: r.try_get(11)?,
        intent_id: r.try_get(12)?,
        person: r.try_get(13)?,
        role: r.try_get(14)?,
    })
}

fn to_checkpoint(r: &tokio_postgres::Row) -> Result<Checkpoint, tokio_postgres::Error> {
    Ok(Checkpoint {
        // A version that does not fit is no version this code sealed.
        version: u32::try_from(r.try_get::<_, i64>(0)?).unwrap_or(0),
        id: r.try_get(1)?,
        hash: r.try_get(2)?,
        legacy: r.try_get(3)?,
        seal: r.try_get(4)?,
    })
}

impl PostgresLog {
    pub(super) fn new(target: PostgresTarget) -> Result<Self, String> {
        Ok(PostgresLog { target, tls: tls()?, client: tokio::sync::Mutex::new(None) })
    }

    pub(super) fn target(&self) -> &PostgresTarget {
        &self.target
    }

    fn error(&self, doing: &str, e: &tokio_postgres::Error) -> String {
        scrub(&format!("audit log {}: {doing}: {}", self.target.shown, describe_error(e)), &self.target.secrets)
    }

    fn forged(&self) -> String {
        format!(
            "the sealed head of the audit log ({HEAD_AT} in {}) is not sealed by the audit key: it was forged, or \
             the key is not the one this log was written with (every replica needs the same OKTA_MCP_AUDIT_KEY)",
            self.target.shown
        )
    }

    /// The connection, made (with the tables) if there is none or it dropped.
    async fn client(&self) -> Result<tokio::sync::MutexGuard<'_, Option<Client>>, String> {
        let mut guard = self.client.lock().await;
        if guard.as_ref().is_none_or(Client::is_closed) {
            *guard = None;
            let (mut client, connection) =
                self.target.config.connect(self.tls.clone()).await.map_err(|e| self.error("cannot connect", &e))?;
            let (shown, secrets) = (self.target.shown.clone(), self.target.secrets.clone());
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::warn!(
                        "{}",
                        scrub(&format!("audit log {shown}: connection lost: {}", describe_error(&e)), &secrets)
                    );
                }
            });
            // A writer waits its turn for at most as long as a SQLite writer does.
            client.batch_execute("SET lock_timeout = '10s'").await.map_err(|e| self.error("cannot set up", &e))?;
            let exists: bool = client
                .query_one(
                    "SELECT to_regclass('okta_mcp_audit') IS NOT NULL AND to_regclass('okta_mcp_audit_head') IS NOT NULL",
                    &[],
                )
                .await
                .and_then(|r| r.try_get(0))
                .map_err(|e| self.error("cannot read the schema", &e))?;
            if !exists {
                let tx = client.transaction().await.map_err(|e| self.error("cannot create the tables", &e))?;
                tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])
                    .await
                    .map_err(|e| self.error("cannot create the tables", &e))?;
                tx.batch_execute(SCHEMA).await.map_err(|e| self.error("cannot create the tables", &e))?;
                tx.commit().await.map_err(|e| self.error("cannot create the tables", &e))?;
            }
            *guard = Some(client);
        }
        Ok(guard)
    }

    /// Mark a confirmation as used (its id: a digest) until `expires` (Unix seconds); false when a replica
    /// already did.
    pub(super) async fn spend(&self, id: &str, expires: i64) -> Result<bool, String> {
        let mut guard = self.client().await?;
        let Some(client) = guard.as_mut() else {
            return Err(format!("audit log {}: not connected", self.target.shown));
        };
        let failed = |e: tokio_postgres::Error| self.error("cannot record a used confirmation", &e);
        let tx = client.transaction().await.map_err(failed)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SPENT_LOCK]).await.map_err(failed)?;
        let now = chrono::Utc::now().timestamp();
        tx.execute("DELETE FROM okta_mcp_spent_confirmations WHERE expires < $1", &[&now]).await.map_err(failed)?;
        let added = tx
            .execute(
                "INSERT INTO okta_mcp_spent_confirmations (id, expires) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
                &[&id, &expires],
            )
            .await
            .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(added == 1)
    }

    /// Whether `id` is marked as used and not yet expired.
    pub(super) async fn is_spent(&self, id: &str) -> Result<bool, String> {
        let mut guard = self.client().await?;
        let Some(client) = guard.as_mut() else {
            return Err(format!("audit log {}: not connected", self.target.shown));
        };
        let failed = |e: tokio_postgres::Error| self.error("cannot read the used confirmations", &e);
        let now = chrono::Utc::now().timestamp();
        let row = client
            .query_opt("SELECT 1 FROM okta_mcp_spent_confirmations WHERE id = $1 AND expires >= $2", &[&id, &now])
            .await
            .map_err(failed)?;
        Ok(row.is_some())
    }

    /// Append a row and move the sealed head to it, in one transaction under the writers' advisory lock.
    pub(super) async fn record(&self, entry: &Entry<'_>) -> Result<i64, String> {
        let key = self.target.key_for_writing()?;
        let mut guard = self.client().await?;
        let Some(client) = guard.as_mut() else {
            return Err(format!("audit log {}: not connected", self.target.shown));
        };
        let appended = self.append(client, entry, &key).await;
        if appended.is_err() && client.is_closed() {
            *guard = None;
        }
        appended
    }

    async fn append(&self, client: &mut Client, entry: &Entry<'_>, key: &Key) -> Result<i64, String> {
        let failed = |e: tokio_postgres::Error| self.error("cannot append", &e);
        let tx =
            client.build_transaction().isolation_level(IsolationLevel::ReadCommitted).start().await.map_err(failed)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK]).await.map_err(failed)?;
        let head = tx
            .query_opt("SELECT version, id, hash, legacy, seal FROM okta_mcp_audit_head WHERE one FOR UPDATE", &[])
            .await
            .map_err(failed)?
            .map(|r| to_checkpoint(&r))
            .transpose()
            .map_err(failed)?;
        let last: Option<(i64, String)> = tx
            .query_opt("SELECT id, hash FROM okta_mcp_audit ORDER BY id DESC LIMIT 1", &[])
            .await
            .map_err(failed)?
            .map(|r| Ok::<_, tokio_postgres::Error>((r.try_get(0)?, r.try_get(1)?)))
            .transpose()
            .map_err(failed)?;
        let legacy = match (&head, &last) {
            (None, None) => 0,
            (None, Some(_)) => {
                return Err(format!(
                    "the sealed head of the audit log ({HEAD_AT} in {}) is missing, but the log has rows: it was \
                     deleted; run `audit verify`",
                    self.target.shown
                ));
            }
            (Some(head), last) => {
                if !head.sealed_by(key) {
                    return Err(self.forged());
                }
                if head.id > 0 {
                    let at: Option<String> = tx
                        .query_opt("SELECT hash FROM okta_mcp_audit WHERE id = $1", &[&head.id])
                        .await
                        .map_err(failed)?
                        .map(|r| r.try_get(0))
                        .transpose()
                        .map_err(failed)?;
                    if at.as_deref() != Some(head.hash.as_str()) {
                        return Err(format!(
                            "the audit log no longer matches its checkpoint (row {} was deleted or rewritten): run \
                             `audit verify`",
                            head.id
                        ));
                    }
                }
                let last_id = last.as_ref().map_or(0, |(id, _)| *id);
                if last_id != head.id {
                    return Err(format!(
                        "the audit log has rows after its sealed head (row {}): they were inserted outside the \
                         audit log's writers; run `audit verify`",
                        head.id
                    ));
                }
                head.legacy
            }
        };
        let (id, prev_hash) = match last {
            Some((id, hash)) => (id.checked_add(1).ok_or("the audit log is full")?, hash),
            None => (1, GENESIS.to_owned()),
        };
        let row = Row::new(entry, id, prev_hash, key);
        tx.execute(
            &format!(
                "INSERT INTO okta_mcp_audit ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
                 $13, $14, $15)"
            ),
            &[
                &row.id,
                &row.time,
                &row.server,
                &row.tool,
                &row.access,
                &row.arguments,
                &row.outcome,
                &row.detail,
                &row.request_ids,
                &row.principal,
                &row.prev_hash,
                &row.hash,
                &row.intent_id,
                &row.person,
                &row.role,
            ],
        )
        .await
        .map_err(failed)?;
        let head = Checkpoint::new(key, id, row.hash, legacy);
        tx.execute(
            "INSERT INTO okta_mcp_audit_head (one, version, id, hash, legacy, seal) VALUES (TRUE, $1, $2, $3, $4, $5)
             ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version, id = EXCLUDED.id, hash = EXCLUDED.hash,
                 legacy = EXCLUDED.legacy, seal = EXCLUDED.seal",
            &[&i64::from(head.version), &head.id, &head.hash, &head.legacy, &head.seal],
        )
        .await
        .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(id)
    }

    /// The newest `n` rows, oldest first.
    pub(super) async fn tail(&self, n: usize) -> Result<Vec<Row>, String> {
        let mut guard = self.client().await?;
        let Some(client) = guard.as_mut() else {
            return Err(format!("audit log {}: not connected", self.target.shown));
        };
        let limit = i64::try_from(n).unwrap_or(i64::MAX);
        let read = client
            .query(&format!("SELECT {COLUMNS} FROM okta_mcp_audit ORDER BY id DESC LIMIT $1"), &[&limit])
            .await
            .and_then(|rows| rows.iter().map(to_row).collect::<Result<Vec<_>, _>>());
        let mut rows = match read {
            Ok(rows) => rows,
            Err(e) => {
                if client.is_closed() {
                    *guard = None;
                }
                return Err(self.error("cannot read", &e));
            }
        };
        rows.reverse();
        Ok(rows)
    }

    /// Every row and the head, read in one snapshot, checked against the key.
    pub(super) async fn verify(&self) -> Result<Verified, String> {
        let key = self.target.key_for_reading()?;
        let mut guard = self.client().await?;
        let Some(client) = guard.as_mut() else {
            return Err(format!("audit log {}: not connected", self.target.shown));
        };
        let read = async {
            let tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await?;
            let rows = tx.query(&format!("SELECT {COLUMNS} FROM okta_mcp_audit ORDER BY id"), &[]).await?;
            let rows = rows.iter().map(to_row).collect::<Result<Vec<_>, _>>()?;
            let head =
                tx.query_opt("SELECT version, id, hash, legacy, seal FROM okta_mcp_audit_head WHERE one", &[]).await?;
            let head = head.map(|r| to_checkpoint(&r)).transpose()?;
            tx.commit().await?;
            Ok::<_, tokio_postgres::Error>((rows, head))
        }
        .await;
        let (rows, head) = match read {
            Ok(read) => read,
            Err(e) => {
                if client.is_closed() {
                    *guard = None;
                }
                return Err(self.error("cannot read", &e));
            }
        };
        drop(guard);
        let checkpoint = match (head, &key) {
            (Some(head), Some(key)) if head.sealed_by(key) => Some(head),
            (Some(_), Some(_)) => return Err(self.forged()),
            (Some(_), None) => return Err(self.target.key_missing()),
            (None, _) => None,
        };
        let at = format!("{HEAD_AT} in {}", self.target.shown);
        check(&rows, key.as_ref(), checkpoint.as_ref(), Head { at: &at, in_db: true })
            .map_err(|e| if e == KEY_MISSING { self.target.key_missing() } else { e })
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::super::{AuditLog, AuditSink, AuditTarget, rows_json};
    use super::*;
    use serde_json::json;
    use tokio_postgres::NoTls;

    /// The test server (`scripts/postgres` starts one and sets it). Unset: the test is skipped, except under
    /// CI=true, where it fails.
    fn url() -> Option<String> {
        match std::env::var("OKTA_MCP_TEST_POSTGRES_URL") {
            Ok(url) if !url.trim().is_empty() => Some(url),
            _ if std::env::var("CI").as_deref() == Ok("true") => panic!(
                "OKTA_MCP_TEST_POSTGRES_URL is not set under CI=true: scripts/test runs the tests under \
                 scripts/postgres, which starts PostgreSQL and sets it"
            ),
            _ => {
                eprintln!(
                    "skipped: OKTA_MCP_TEST_POSTGRES_URL is not set (`scripts/postgres cargo test -p okta-mcp-kit` \
                     starts a PostgreSQL server for the audit log's PostgreSQL tests)"
                );
                None
            }
        }
    }

    /// A schema of its own on the test server and a key file.
    struct Fixture {
        _dir: tempfile::TempDir,
        target: PostgresTarget,
        raw: Client,
        schema: String,
    }

    async fn connect(config: &Config) -> Client {
        let (client, connection) = config.connect(NoTls).await.expect("connect");
        tokio::spawn(connection);
        client
    }

    async fn fixture() -> Option<Fixture> {
        let url = url()?;
        let schema = format!("audit_test_{:016x}", rand::random::<u64>());
        let admin = connect(&PostgresTarget::parse(&url, None).expect("url").config).await;
        admin.batch_execute(&format!("CREATE SCHEMA {schema}")).await.expect("schema");
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("audit.key");
        std::fs::write(&key, format!("{}\n", super::super::chain::hex(&rand::random::<[u8; 32]>()))).expect("key");
        let mut target = PostgresTarget::parse(&url, Some(key)).expect("url");
        target.config.options(format!("-c search_path={schema}"));
        let raw = connect(&target.config).await;
        Some(Fixture { _dir: dir, target, raw, schema })
    }

    impl Fixture {
        fn log(&self) -> PostgresLog {
            PostgresLog::new(self.target.clone()).expect("log")
        }

        async fn log_with(&self, n: usize) -> PostgresLog {
            let log = self.log();
            let args = json!({"user": "00u1", "password": "hunter2"});
            for i in 0..n {
                let tool = ["okta_suspend_user", "okta_unsuspend_user", "okta_delete_user"][i % 3];
                log.record(&entry(tool, &args)).await.expect("record");
            }
            log
        }

        async fn sql(&self, sql: &str) {
            self.raw.batch_execute(sql).await.expect(sql);
        }

        async fn done(self) {
            self.raw.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.schema)).await.expect("drop schema");
        }
    }

    use super::super::test_entry as entry;

    async fn rows(f: &Fixture) -> usize {
        f.log().verify().await.map(|v| v.rows).expect("verify")
    }

    #[tokio::test]
    async fn rows_chain_and_tampering_is_detected() {
        let Some(f) = fixture().await else { return };
        let log = f.log_with(3).await;
        assert_eq!(log.verify().await.map(|v| (v.rows, v.notes.len())), Ok((3, 0)));
        let tail = log.tail(2).await.expect("tail");
        assert_eq!(tail.len(), 2);
        assert_eq!(tail[1].tool, "okta_delete_user");
        assert!(!tail[0].arguments.contains("hunter2"), "a secret was stored");
        assert!(tail.iter().all(Row::is_keyed));
        // Another replica (its own connection) continues the chain.
        f.log().record(&entry("okta_reset_factor", &json!({}))).await.expect("record");
        assert_eq!(rows(&f).await, 4);

        f.sql("UPDATE okta_mcp_audit SET outcome = 'refused' WHERE id = 2").await;
        let error = log.verify().await.expect_err("edited row");
        assert!(error.contains("row 2") && error.contains("edited"), "{error}");
        f.sql("UPDATE okta_mcp_audit SET outcome = 'executed' WHERE id = 2").await;
        assert_eq!(rows(&f).await, 4);
        f.sql("UPDATE okta_mcp_audit SET intent_id = 1 WHERE id = 3").await;
        assert!(log.verify().await.expect_err("edited intent_id").contains("row 3"));
        f.sql("UPDATE okta_mcp_audit SET intent_id = NULL WHERE id = 3").await;

        // A row inserted after the head, even with a valid MAC (someone with the key, bypassing the writers).
        let key = f.target.key_for_writing().expect("key");
        let last = log.tail(1).await.expect("tail").remove(0);
        let forged = Row::new(&entry("okta_delete_user", &json!({})), 5, last.hash, &key);
        f.raw
            .execute(
                "INSERT INTO okta_mcp_audit (id, time, server, tool, access, arguments, outcome, detail, request_ids, \
                 principal, prev_hash, hash) VALUES (5, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                &[
                    &forged.time,
                    &forged.server,
                    &forged.tool,
                    &forged.access,
                    &forged.arguments,
                    &forged.outcome,
                    &forged.detail,
                    &forged.request_ids,
                    &forged.principal,
                    &forged.prev_hash,
                    &forged.hash,
                ],
            )
            .await
            .expect("insert");
        let error = log.verify().await.expect_err("inserted row");
        assert!(error.contains("rows 5..5 come after the sealed head"), "{error}");
        let error = log.record(&entry("okta_delete_user", &json!({}))).await.expect_err("appended");
        assert!(error.contains("rows after its sealed head"), "{error}");
        f.sql("UPDATE okta_mcp_audit SET hash = 'hmac-sha256:00' WHERE id = 5").await;
        assert!(log.verify().await.expect_err("inserted row, bad MAC").contains("row 5"));
        f.sql("DELETE FROM okta_mcp_audit WHERE id = 5").await;
        assert_eq!(rows(&f).await, 4);

        f.sql("DELETE FROM okta_mcp_audit WHERE id = 3").await;
        let error = log.verify().await.expect_err("deleted row");
        assert!(error.contains("row 3 is missing"), "{error}");
        f.done().await;
    }

    #[tokio::test]
    async fn deleting_the_newest_rows_or_all_is_detected_and_not_papered_over() {
        for deleted in [1i64, 2] {
            let Some(f) = fixture().await else { return };
            let log = f.log_with(4).await;
            f.sql(&format!("DELETE FROM okta_mcp_audit WHERE id > {}", 4 - deleted)).await;
            let error = log.verify().await.expect_err("deleted newest rows");
            assert!(error.contains(&format!("ends at row {}", 4 - deleted)), "{error}");
            assert!(error.contains("records row 4") && error.contains("newest rows were deleted"), "{error}");
            let error = log.record(&entry("okta_delete_user", &json!({}))).await.expect_err("appended");
            assert!(error.contains("no longer matches its checkpoint"), "{error}");
            assert_eq!(log.tail(10).await.expect("rows").len(), usize::try_from(4 - deleted).expect("n"));
            f.done().await;
        }
        let Some(f) = fixture().await else { return };
        let log = f.log_with(3).await;
        f.sql("DELETE FROM okta_mcp_audit").await;
        let error = log.verify().await.expect_err("truncated");
        assert!(error.contains("the table was truncated"), "{error}");
        assert!(log.record(&entry("okta_delete_user", &json!({}))).await.is_err(), "appended to a truncated log");
        // Rows and head deleted together look like a new log: the documented limit of a head kept beside the rows.
        f.sql("DELETE FROM okta_mcp_audit_head").await;
        assert_eq!(log.verify().await.map(|v| v.rows), Ok(0));
        f.done().await;
    }

    #[tokio::test]
    async fn a_missing_or_forged_head_is_detected() {
        let Some(f) = fixture().await else { return };
        let log = f.log_with(2).await;
        f.sql("CREATE TABLE saved AS SELECT * FROM okta_mcp_audit_head").await;
        f.sql("DELETE FROM okta_mcp_audit_head").await;
        let error = log.verify().await.expect_err("no head");
        assert!(error.contains("sealed head") && error.contains("is missing"), "{error}");
        let error = log.record(&entry("okta_delete_user", &json!({}))).await.expect_err("appended without a head");
        assert!(error.contains("is missing, but the log has rows"), "{error}");

        // Edited by hand (pointing at an older row, so deleting the newest would pass).
        f.sql("INSERT INTO okta_mcp_audit_head SELECT * FROM saved").await;
        assert_eq!(rows(&f).await, 2);
        f.sql("UPDATE okta_mcp_audit_head SET id = 1, hash = (SELECT hash FROM okta_mcp_audit WHERE id = 1)").await;
        f.sql("DELETE FROM okta_mcp_audit WHERE id = 2").await;
        let error = log.verify().await.expect_err("forged head");
        assert!(error.contains("not sealed by the audit key"), "{error}");
        assert!(log.record(&entry("okta_delete_user", &json!({}))).await.expect_err("forged").contains("not sealed"));
        // Sealed with another key.
        let other = Checkpoint::new(&Key([7; 32]), 1, log.tail(1).await.expect("row").remove(0).hash, 0);
        f.raw.execute("UPDATE okta_mcp_audit_head SET seal = $1", &[&other.seal]).await.expect("reseal");
        assert!(log.verify().await.expect_err("sealed by another key").contains("not sealed"));
        f.done().await;
    }

    #[tokio::test]
    async fn a_chain_recomputed_without_the_key_is_detected() {
        for with_key in [true, false] {
            let Some(f) = fixture().await else { return };
            let log = f.log_with(3).await;
            let wrong = Key([7; 32]);
            let mut prev = GENESIS.to_owned();
            for mut row in log.tail(10).await.expect("rows") {
                row.prev_hash = prev;
                row.hash = if with_key { row.keyed_hash(&wrong) } else { row.legacy_hash() };
                f.raw
                    .execute(
                        "UPDATE okta_mcp_audit SET prev_hash = $1, hash = $2 WHERE id = $3",
                        &[&row.prev_hash, &row.hash, &row.id],
                    )
                    .await
                    .expect("rewrite");
                prev = row.hash;
            }
            let error = log.verify().await.expect_err("recomputed");
            if with_key {
                assert!(error.contains("row 1") && error.contains("without the audit key"), "{error}");
            } else {
                assert!(error.contains("row 1") && error.contains("unkeyed hash"), "{error}");
            }
            f.done().await;
        }
    }

    #[tokio::test]
    async fn writing_needs_an_explicit_shared_key() {
        let Some(f) = fixture().await else { return };
        let mut keyless = f.target.clone();
        keyless.key = None;
        let sink = AuditSink::new(AuditTarget::Postgres(keyless.clone()));
        let error = sink.log().expect_err("opened for writing without a key");
        assert!(error.contains("OKTA_MCP_AUDIT_KEY is not set") && error.contains("every replica"), "{error}");
        assert!(AuditTarget::Postgres(keyless.clone()).check_writable().is_err());
        let error = PostgresLog::new(keyless.clone())
            .expect("log")
            .record(&entry("okta_delete_user", &json!({})))
            .await
            .expect_err("wrote without a key");
        assert!(error.contains("OKTA_MCP_AUDIT_KEY"), "{error}");
        let mut absent = f.target.clone();
        absent.key = Some(f._dir.path().join("no-such.key"));
        assert!(AuditTarget::Postgres(absent).check_writable().expect_err("no key file").contains("does not exist"));

        // Reading a keyed log without the key says which key is missing.
        let _ = f.log_with(1).await;
        let error = PostgresLog::new(keyless).expect("log").verify().await.expect_err("no key");
        assert!(error.contains("OKTA_MCP_AUDIT_KEY is not set"), "{error}");
        assert!(AuditSink::new(AuditTarget::Postgres(f.target.clone())).log().is_ok());
        f.done().await;
    }

    #[tokio::test]
    async fn person_and_role_are_stored_shown_and_keyed() {
        let Some(f) = fixture().await else { return };
        let log = AuditLog::open(&AuditTarget::Postgres(f.target.clone())).expect("open");
        let args = json!({"user": "00u1"});
        let intent = Entry {
            outcome: super::super::INTENT,
            person: "alice@example.com",
            role: "helpdesk",
            ..entry("okta_suspend_user", &args)
        };
        let id = log.record(&intent).await.expect("intent");
        log.record(&Entry { intent_id: Some(id), outcome: "executed", ..intent.clone() }).await.expect("outcome");
        log.record(&entry("okta_unsuspend_user", &args)).await.expect("stdio row");
        let verified = log.verify().await.expect("verify");
        assert_eq!((verified.rows, verified.unknown.len()), (3, 0));
        let shown = rows_json(&log.tail(10).await.expect("rows"));
        assert_eq!(
            (shown[0]["person"].clone(), shown[0]["role"].clone()),
            (json!("alice@example.com"), json!("helpdesk"))
        );
        assert_eq!(shown[0]["outcome_row"], 2);
        assert_eq!((shown[2]["person"].clone(), shown[2]["role"].clone()), (json!(""), json!("")));
        for edit in ["person = 'mallory'", "role = ''", "person = '', role = ''"] {
            f.sql(&format!("UPDATE okta_mcp_audit SET {edit} WHERE id = 2")).await;
            assert!(log.verify().await.expect_err(edit).contains("row 2"));
            f.sql("UPDATE okta_mcp_audit SET person = 'alice@example.com', role = 'helpdesk' WHERE id = 2").await;
        }
        f.sql("UPDATE okta_mcp_audit SET role = 'admin' WHERE id = 3").await;
        assert!(log.verify().await.expect_err("role given to a stdio row").contains("row 3"));
        f.done().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writers_keep_one_chain() {
        let Some(f) = fixture().await else { return };
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let target = AuditTarget::Postgres(f.target.clone());
                tokio::spawn(async move {
                    // Each writer its own connection, as separate replicas have.
                    let log = AuditLog::open(&target).expect("open");
                    let tool = format!("tool_{w}");
                    let args = json!({});
                    let mut ids = Vec::new();
                    for _ in 0..50 {
                        ids.push(log.record(&entry(&tool, &args)).await.expect("record"));
                    }
                    ids
                })
            })
            .collect();
        let mut ids = Vec::new();
        for writer in writers {
            ids.extend(writer.await.expect("writer"));
        }
        ids.sort_unstable();
        assert_eq!(ids, (1..=200).collect::<Vec<i64>>(), "every row its own id, no gaps");
        let log = f.log();
        let verified = log.verify().await.expect("one intact chain");
        assert_eq!((verified.rows, verified.notes.len()), (200, 0), "{verified:?}");
        let rows = log.tail(1000).await.expect("rows");
        for w in 0..4 {
            assert_eq!(rows.iter().filter(|r| r.tool == format!("tool_{w}")).count(), 50);
        }
        f.done().await;
    }

    #[test]
    fn the_password_is_never_shown() {
        let (shown, secrets) =
            redact_url("postgres://audit:s3cr%40t@db.example.com:5432/okta?sslmode=require&password=other");
        assert_eq!(shown, "postgres://audit:***@db.example.com:5432/okta?sslmode=require&password=***");
        assert_eq!(secrets, ["s3cr%40t", "other"]);
        let target = PostgresTarget::parse("postgresql://audit:s3cr%40t@db.example.com/okta", None).expect("url");
        assert_eq!(target.describe(), "postgresql://audit:***@db.example.com/okta");
        let debug = format!("{target:?} {:?}", AuditTarget::Postgres(target.clone()));
        assert!(!debug.contains("s3cr") && debug.contains("***"), "{debug}");
        assert_eq!(redact_url("postgres://db.example.com/okta").0, "postgres://db.example.com/okta");
        let error = PostgresTarget::parse("mysql://root:hunter2@h/db", None).expect_err("not postgres");
        assert!(!error.contains("hunter2"), "{error}");
        let error = PostgresTarget::parse("postgres://root:hunter2@h/db?sslmode=sometimes", None).expect_err("bad");
        assert!(!error.contains("hunter2") && error.contains("root:***@h"), "{error}");
    }

    #[tokio::test]
    async fn a_wrong_password_is_not_shown_in_errors() {
        let Some(url) = url() else { return };
        let mut target = PostgresTarget::parse(&url, None).expect("url");
        target.config.password("wrong-Pa55word-xyz");
        target.secrets.push("wrong-Pa55word-xyz".to_owned());
        let error = PostgresLog::new(target).expect("log").tail(1).await.expect_err("authenticated");
        assert!(error.contains("password authentication failed") && !error.contains("Pa55word"), "{error}");
        assert!(!url.contains("Pa55word"));
    }
}
