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
    );";

const COLUMNS: &str = "id, time, server, tool, access, arguments, outcome, detail, request_ids, principal, prev_hash, hash, intent_id, \
     person, role";

/// A PostgreSQL audit log's address and key, parsed from `OKTA_MCP_AUDIT_URL` and `OKTA_MCP_AUDIT_KEY`.
#[derive(Clone)]
pub struct PostgresTarget {
    config: Config,
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
        Ok(PostgresTarget { config, shown, secrets, key })
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
