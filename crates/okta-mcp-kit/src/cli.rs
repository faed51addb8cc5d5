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

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The transport, chosen at startup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Transport {
    /// Newline-delimited JSON-RPC over stdin/stdout (logs go to stderr).
    Stdio,
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
    },
    /// Print the OAuth scopes the current selection needs, one a line (grant these to the service app).
    Scopes,
    /// The audit log of write and destructive calls (OKTA_MCP_AUDIT_DB; its key OKTA_MCP_AUDIT_KEY, default
    /// <db>.key; its checkpoint <db>.head).
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
  OKTA_DPOP               auto (default): DPoP when the app requires it; always; never";
