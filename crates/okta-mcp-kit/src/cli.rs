//! Command line and environment: the same flags for every server.

use clap::{Parser, Subcommand};

use crate::selection::{Mode, Selection};

/// Options every okta-mcp server takes. Environment variables mirror the flags.
#[derive(Debug, Parser)]
#[command(after_help = ENV_HELP)]
pub struct Cli {
    /// read-only (default): read tools only; read-write: adds write tools; full: adds destructive tools.
    #[arg(long, env = "OKTA_MCP_MODE", default_value = "read-only", global = true)]
    pub mode: Mode,

    /// Only tools of these toolsets (comma-separated). See `tools` for the toolsets.
    #[arg(long, env = "OKTA_MCP_TOOLSETS", global = true)]
    pub toolsets: Option<String>,

    /// Only these tools (comma-separated names).
    #[arg(long, env = "OKTA_MCP_TOOLS", global = true)]
    pub tools: Option<String>,

    /// How MCP clients reach the server. stdio: the client starts the server and talks over stdin/stdout.
    #[arg(long, env = "OKTA_MCP_TRANSPORT", value_enum, default_value_t = Transport::Stdio, global = true)]
    pub transport: Transport,

    /// Log level or tracing filter for stderr logs (error, warn, info, debug, trace).
    #[arg(long = "log-level", env = "OKTA_MCP_LOG", default_value = "info", global = true)]
    pub log_level: String,

    /// Serve against the embedded sandbox org (a local Okta simulator with demo data) instead of OKTA_ORG_URL.
    #[cfg(feature = "sandbox")]
    #[arg(long, global = true)]
    pub sandbox: bool,

    #[command(flatten)]
    pub http: HttpArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `--transport http`: where to listen, who may connect, and how people sign in.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "HTTP transport (--transport http)")]
pub struct HttpArgs {
    /// Address to listen on. Loopback by default; any other address needs inbound auth (--auth-issuer, --roles).
    #[arg(long, env = "OKTA_MCP_LISTEN", default_value = "127.0.0.1:8080", global = true)]
    pub listen: String,

    /// The URL clients reach /mcp at, when it differs from http(s)://<listen>/mcp (behind a proxy or a load
    /// balancer): the resource URL of the protected-resource metadata and the tokens' audience.
    #[arg(long = "public-url", env = "OKTA_MCP_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// More Host names to answer to (comma-separated), beyond loopback names and the public URL's host.
    #[arg(long = "allowed-hosts", env = "OKTA_MCP_ALLOWED_HOSTS", global = true)]
    pub allowed_hosts: Option<String>,

    /// Browser origins allowed to call (comma-separated, e.g. https://chat.example.com), beyond the public URL's.
    #[arg(long = "allowed-origins", env = "OKTA_MCP_ALLOWED_ORIGINS", global = true)]
    pub allowed_origins: Option<String>,

    /// Serve HTTPS with this PEM certificate chain (with --tls-key); else plain HTTP (e.g. behind a TLS proxy).
    #[arg(long = "tls-cert", env = "OKTA_MCP_TLS_CERT", requires = "tls_key", global = true)]
    pub tls_cert: Option<std::path::PathBuf>,

    /// The PEM private key of --tls-cert.
    #[arg(long = "tls-key", env = "OKTA_MCP_TLS_KEY", requires = "tls_cert", global = true)]
    pub tls_key: Option<std::path::PathBuf>,

    /// Inbound auth: the Okta custom authorization server whose access tokens this server accepts
    /// (https://<org>/oauth2/<authServerId>). Needs --roles.
    #[arg(long = "auth-issuer", env = "OKTA_MCP_AUTH_ISSUER", global = true)]
    pub auth_issuer: Option<String>,

    /// The audience tokens must be issued for (default: the public URL). Set the authorization server's audience
    /// to this.
    #[arg(long = "auth-audience", env = "OKTA_MCP_AUTH_AUDIENCE", global = true)]
    pub auth_audience: Option<String>,

    /// The scope tokens must carry (a custom scope of the authorization server); empty: none required.
    #[arg(long = "auth-scope", env = "OKTA_MCP_AUTH_SCOPE", default_value = "mcp", global = true)]
    pub auth_scope: String,

    /// The roles file (TOML): which Okta groups get which role, and each role's mode and toolsets or tools.
    #[arg(long = "roles", env = "OKTA_MCP_ROLES", global = true)]
    pub roles: Option<std::path::PathBuf>,

    /// Sign-in: this server becomes the OAuth authorization server MCP clients register with (dynamic client
    /// registration, client ID metadata documents) and people sign in at Okta through it (--oidc-issuer,
    /// --oidc-client-id, OKTA_MCP_OIDC_CLIENT_SECRET, OKTA_MCP_STATE_KEY; --roles unless --delegated). Not with
    /// --auth-issuer.
    #[arg(long = "sign-in", env = "OKTA_MCP_SIGN_IN", global = true)]
    pub sign_in: bool,

    /// Sign-in: the Okta authorization server people sign in at: a custom one (https://<org>/oauth2/default)
    /// whose ID token carries the groups claim; with --delegated, default OKTA_ORG_URL (the org's own).
    #[arg(long = "oidc-issuer", env = "OKTA_MCP_OIDC_ISSUER", global = true)]
    pub oidc_issuer: Option<String>,

    /// Sign-in: the client id of this server's Okta OIDC web app (its secret: OKTA_MCP_OIDC_CLIENT_SECRET; its
    /// sign-in redirect URI: <public origin>/oauth/callback).
    #[arg(long = "oidc-client-id", env = "OKTA_MCP_OIDC_CLIENT_ID", global = true)]
    pub oidc_client_id: Option<String>,

    /// Delegated mode (implies --sign-in; needs --transport http): tools call Okta as the signed-in person with
    /// their own token; the server has no Okta credential of its own and serves exactly the `me` toolset.
    #[arg(long = "delegated", env = "OKTA_MCP_DELEGATED", global = true)]
    pub delegated: bool,

    /// Keep sessions for MCP clients of protocol versions before 2026-07-28, so they can be asked to confirm
    /// (elicitation). Needs one replica or sticky sessions; stateless otherwise.
    #[arg(long = "http-sessions", env = "OKTA_MCP_HTTP_SESSIONS", global = true)]
    pub sessions: bool,

    /// Seconds one HTTP request may take to start its answer (above the longest Okta Verify push wait).
    #[arg(long = "request-timeout", env = "OKTA_MCP_REQUEST_TIMEOUT", default_value_t = 360, global = true)]
    pub request_timeout: u64,
}

/// The transport, chosen at startup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Transport {
    /// Newline-delimited JSON-RPC over stdin/stdout (logs go to stderr).
    Stdio,
    /// MCP streamable HTTP at /mcp, with /healthz, /readyz and /metrics (see the HTTP transport options).
    Http,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve MCP over stdio (the default).
    Serve,
    /// Print the tool catalog (name, access, toolset, scopes, Okta operations, enabled) without contacting Okta.
    Tools {
        /// As a JSON array.
        #[arg(long)]
        json: bool,
        /// As a markdown reference page of every tool (whatever the selection) and prompt.
        #[arg(long, conflicts_with = "json")]
        markdown: bool,
    },
    /// Print the OAuth scopes the current selection needs, one a line (grant these to the service app).
    Scopes,
    /// The audit log of write and destructive calls (OKTA_MCP_AUDIT_DB, or OKTA_MCP_AUDIT_URL for PostgreSQL;
    /// its key OKTA_MCP_AUDIT_KEY, default <db>.key; its checkpoint <db>.head or, in PostgreSQL, a head row).
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Check the Okta setup without changing anything (org URL, credentials, token and DPoP, scopes, admin
    /// role, clock), one line per check with a fix for each failure; exit code 0 only when all pass.
    Doctor,
    /// Start the embedded sandbox org and show an MCP session with this server, message by message.
    #[cfg(feature = "sandbox")]
    Demo,
}

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Check the keyed chain against the key and the checkpoint; exits non-zero when a row was edited, deleted
    /// or inserted, the newest rows were deleted or the log emptied, the chain was recomputed, or the checkpoint or
    /// key is missing or forged. Lists calls whose outcome is unknown (an intent row with no outcome).
    Verify,
    /// Print the newest rows as JSON lines (an intent with no outcome row has a note: "outcome unknown").
    Tail {
        /// How many rows.
        #[arg(short = 'n', long, default_value_t = 20)]
        rows: usize,
    },
}

impl Cli {
    /// Parse the process arguments, with the server's own name, title and version in `--help`/`--version`.
    pub fn parse_for(spec: &crate::server::ServerSpec) -> Cli {
        let command = <Cli as clap::CommandFactory>::command()
            .name(spec.name)
            .bin_name(spec.name)
            .about(spec.title)
            .version(spec.version);
        let matches = command.get_matches();
        <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }

    pub fn selection(&self) -> Selection {
        Selection {
            mode: self.mode,
            toolsets: Selection::parse_list(self.toolsets.as_deref()),
            tools: Selection::parse_list(self.tools.as_deref()),
        }
    }
}

const ENV_HELP: &str = "\
Okta connection (environment):
  OKTA_ORG_URL            https://your-org.okta.com (http:// only for loopback, e.g. the sandbox)
  OKTA_API_TOKEN          SSWS API token
  OKTA_CLIENT_ID          OAuth 2.0 service app client id (private_key_jwt); wins over OKTA_API_TOKEN
  OKTA_PRIVATE_KEY        the app's private key: PEM (PKCS#1 or PKCS#8) or the JWK JSON from Okta's console
  OKTA_PRIVATE_KEY_PATH   or a file holding it
  OKTA_KEY_ID             key id (kid), when the key does not carry one
  OKTA_SCOPES             override the requested scopes (default: exactly what the enabled tools need)
  OKTA_DPOP               auto (default): DPoP when the app requires it; always; never
  OKTA_RATE_SHARE         share of each Okta rate-limit bucket this server may use (default 0.8)
  OKTA_CONCURRENCY        Okta requests in flight at most (default 8)
  OKTA_CACHE_TTL          seconds a repeated lookup is answered from memory, per person (default 30; 0: off)

Sign-in (environment; see --sign-in):
  OKTA_MCP_OIDC_CLIENT_SECRET  the secret of --oidc-client-id (client_secret_basic); only from the environment

Safety and audit (environment):
  OKTA_MCP_CONFIRM        elicit (default), push, token or never
  OKTA_MCP_APPROVER       with push: the login of the person who approves destructive changes
  OKTA_MCP_PROTECTED      ids, logins, group names or app labels no tool may change (comma-separated)
  OKTA_MCP_UNPROTECTED    super administrators (or groups holding the role) tools may act on
  OKTA_MCP_STATE_KEY      key sealing confirmation state (32+ bytes, hex or base64): the same on every replica
  OKTA_MCP_AUDIT_DB       the audit log (SQLite file; the default on one machine)
  OKTA_MCP_AUDIT_URL      the audit log in PostgreSQL (postgres://…): one trail for every replica
  OKTA_MCP_AUDIT_KEY      the audit chain's key file (default <db>.key; required, and shared, with PostgreSQL)";
