//! Startup: parse flags, answer the offline commands (`tools`, `scopes`), or connect to Okta and serve.

use std::io::Write;
use std::process::ExitCode;

use okta_core::{AuthConfig, ClientOptions, OktaConfig};
use rmcp::ServiceExt;

use crate::approval::PushApproval;
use crate::audit::{AuditLog, AuditTarget};
use crate::catalog::{CatalogEntry, ToolDef};
use crate::cli::{AuditAction, Cli, Command, HttpArgs, Transport};
use crate::confirm::ConfirmPolicy;
use crate::protect::Protection;
use crate::selection::Selection;
use crate::server::{McpServer, Safety, ServerSpec};

/// The `main` of every okta-mcp server binary.
pub fn main(spec: ServerSpec) -> ExitCode {
    let cli = Cli::parse_for(&spec);
    #[cfg(feature = "sandbox")]
    let quiet = matches!(cli.command, Some(Command::Demo)) && cli.log_level == "info";
    #[cfg(not(feature = "sandbox"))]
    let quiet = false;
    // The demo prints the MCP conversation on stdout; routine logs would drown it.
    crate::logging::init(if quiet { "warn" } else { &cli.log_level });
    match run(spec, cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{}: {message}", spec.name);
            ExitCode::from(2)
        }
    }
}

fn run(spec: ServerSpec, cli: Cli) -> Result<(), String> {
    let tools = (spec.tools)();
    let selection = cli.selection();
    let unknown = selection.unknown_names(&tools);
    if !unknown.is_empty() {
        return Err(format!("unknown {} (see `{} tools`)", unknown.join(", "), spec.name));
    }
    match cli.command {
        Some(Command::Tools { json }) => print_catalog(&tools, &selection, json),
        Some(Command::Scopes) => print_lines(requested_scopes(&selection, &tools, confirm_policy_from_env()?)),
        Some(Command::Doctor) => {
            let http = (cli.transport == Transport::Http || cli.http.auth_issuer.is_some()).then_some(&cli.http);
            runtime()?.block_on(crate::doctor::run(spec, &selection, &tools, http))
        }
        Some(Command::Audit { action }) => audit_command(&action),
        #[cfg(feature = "sandbox")]
        Some(Command::Demo) => runtime()?.block_on(crate::demo::run(spec, selection)),
        Some(Command::Serve) | None => {
            #[cfg(feature = "sandbox")]
            let sandbox = cli.sandbox;
            #[cfg(not(feature = "sandbox"))]
            let sandbox = false;
            runtime()?.block_on(serve(spec, selection, &tools, sandbox, cli.transport, &cli.http))
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

fn write_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| format!("cannot write to stdout: {e}"))
}

fn print_lines(lines: Vec<String>) -> Result<(), String> {
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    write_stdout(&text)
}

fn print_catalog(tools: &[ToolDef], selection: &Selection, json: bool) -> Result<(), String> {
    if json {
        let entries: Vec<CatalogEntry> = tools.iter().map(|t| CatalogEntry::new(t, selection.enabled(t))).collect();
        let text = serde_json::to_string_pretty(&entries).map_err(|e| e.to_string())?;
        return write_stdout(&(text + "\n"));
    }
    let mut lines = vec![format!("{:<34} {:<11} {:<12} {:<8} scopes", "tool", "access", "toolset", "enabled")];
    for t in tools {
        lines.push(format!(
            "{:<34} {:<11} {:<12} {:<8} {}",
            t.meta.name,
            t.meta.access.as_str(),
            t.meta.toolset,
            if selection.enabled(t) { "yes" } else { "no" },
            t.meta.scopes().join(" ")
        ));
    }
    print_lines(lines)
}

/// `audit verify` and `audit tail`, against the SQLite file or, with OKTA_MCP_AUDIT_URL, PostgreSQL.
fn audit_command(action: &AuditAction) -> Result<(), String> {
    let target = AuditTarget::from_env()?;
    let shown = target.describe();
    if !target.exists() {
        return Err(format!("no audit log at {shown} (nothing has been recorded yet)"));
    }
    let log = AuditLog::open(&target)?;
    let runtime = runtime()?;
    match action {
        AuditAction::Verify => {
            let verified = runtime.block_on(log.verify()).map_err(|e| format!("audit log {shown} is broken: {e}"))?;
            write_stdout(&format!("audit log {shown}: {}\n", verified.report()))
        }
        AuditAction::Tail { rows } => {
            let rows = runtime.block_on(log.tail(*rows))?;
            print_lines(crate::audit::rows_json(&rows).iter().map(|r| r.to_string()).collect())
        }
    }
}

/// Connect to Okta (or the embedded sandbox) and build the server for the current selection.
pub async fn build_server(
    spec: ServerSpec,
    selection: Selection,
    tools: &[ToolDef],
    config: OktaConfig,
) -> Result<McpServer, String> {
    build_server_for(spec, selection, tools, config, false).await
}

/// [`build_server`]; `callers_only`: over HTTP with inbound auth (see `Safety::callers_only`).
async fn build_server_for(
    spec: ServerSpec,
    selection: Selection,
    tools: &[ToolDef],
    config: OktaConfig,
    callers_only: bool,
) -> Result<McpServer, String> {
    for notice in config.notices() {
        tracing::warn!("{notice}");
    }
    let mut options = ClientOptions::new(spec.name, spec.version);
    options.observer = Some(std::sync::Arc::new(crate::metrics::OktaObserver));
    options.scopes = requested_scopes(&selection, tools, confirm_policy_from_env()?);
    let enabled = tools.iter().filter(|t| selection.enabled(t)).count();
    if enabled == 0 {
        tracing::warn!("no tool is enabled under the current --mode/--toolsets/--tools");
    }
    tracing::info!(
        "{} {}: mode {}, {enabled} of {} tools enabled, org {}, auth {}",
        spec.name,
        spec.version,
        selection.mode,
        tools.len(),
        config.org_url,
        config.auth_description()
    );
    let mut safety = safety_from_env(&config)?;
    if tools.iter().any(|t| selection.enabled(t) && t.meta.access != crate::catalog::Access::Read) {
        let target = AuditTarget::from_env()?;
        // A PostgreSQL log without its shared key could never be written: refuse now, not at the first change.
        target.check_writable()?;
        tracing::info!("audit log: {}", target.describe());
        safety.audit = Some(crate::audit::AuditSink::new(target));
    }
    safety.principal = config.auth_description();
    safety.callers_only = callers_only;
    let server = McpServer::new(spec, selection, config, options, safety).map_err(|e| e.to_string())?;
    server.prepare();
    Ok(server)
}

/// `OKTA_MCP_CONFIRM`.
pub fn confirm_policy_from_env() -> Result<ConfirmPolicy, String> {
    std::env::var("OKTA_MCP_CONFIRM").unwrap_or_default().parse()
}

/// The OAuth scopes to request: what the enabled tools need, plus what push approval needs.
pub fn requested_scopes(selection: &Selection, tools: &[ToolDef], policy: ConfirmPolicy) -> Vec<String> {
    let mut scopes = selection.requested_scopes(tools);
    let confirms = tools.iter().any(|t| selection.enabled(t) && t.confirmable());
    if policy == ConfirmPolicy::Push && confirms {
        for scope in crate::approval::PUSH_SCOPES {
            if !scopes.iter().any(|s| s == scope) {
                scopes.push((*scope).to_owned());
            }
        }
        scopes.sort();
    }
    scopes
}

/// `OKTA_MCP_CONFIRM`, `OKTA_MCP_APPROVER`, `OKTA_MCP_PROTECTED`, `OKTA_MCP_UNPROTECTED`.
fn safety_from_env(config: &OktaConfig) -> Result<Safety, String> {
    let policy = confirm_policy_from_env()?;
    let approval = match policy {
        ConfirmPolicy::Push => Some(PushApproval::from_env()?),
        _ => None,
    };
    match policy {
        ConfirmPolicy::Elicit => {
            tracing::info!("confirmation: elicit (clients that cannot ask the person get no destructive tools)")
        }
        ConfirmPolicy::Push => tracing::info!(
            "confirmation: Okta Verify push to {} (OKTA_MCP_APPROVER)",
            approval.as_ref().map_or("", |a| a.approver.as_str())
        ),
        ConfirmPolicy::Token => tracing::warn!(
            "OKTA_MCP_CONFIRM=token: the assistant can confirm destructive changes itself; the MCP client's \
             tool-approval prompt is the only human check"
        ),
        ConfirmPolicy::Never => {
            tracing::warn!("OKTA_MCP_CONFIRM=never: destructive tools run WITHOUT confirmation")
        }
    }
    let service_app = match &config.auth {
        AuthConfig::PrivateKeyJwt(app) => Some(app.client_id.as_str()),
        AuthConfig::ApiToken(_) | AuthConfig::EndUser => None,
    };
    let mut protection = Protection::from_env(service_app);
    if matches!(config.auth, AuthConfig::ApiToken(_)) {
        protection = protection.with_api_token_admin();
    }
    if let Some(approval) = &approval {
        protection = protection.with_name(&approval.approver);
    }
    if let Ok(audit) = crate::audit::default_path() {
        protection = protection.remembering(crate::protect::memory_path(&audit), config.org_url.as_str());
    }
    tracing::info!(
        "protected: {} configured name(s){}, and super administrators",
        protection.configured(),
        if service_app.is_some() { " including this service app" } else { "" }
    );
    let mut safety = Safety::new(policy, protection);
    if let Some(key) = crate::confirm::state_key_from_env()? {
        safety.confirmations = crate::confirm::Confirmations::keyed(policy, key);
        if matches!(crate::audit::AuditTarget::from_env(), Ok(crate::audit::AuditTarget::Sqlite(_))) {
            tracing::warn!(
                "OKTA_MCP_STATE_KEY is set but the audit log is a SQLite file: a confirmation is single-use only \
                 among servers sharing that file. Give replicas on several machines OKTA_MCP_AUDIT_URL (PostgreSQL)"
            );
        }
    }
    safety.approval = approval;
    Ok(safety)
}

#[cfg(feature = "sandbox")]
type SandboxGuard = crate::demo::SandboxGuard;
#[cfg(not(feature = "sandbox"))]
type SandboxGuard = ();

/// The Okta configuration to serve with: the embedded sandbox's, or the environment's.
async fn okta_config(sandbox: bool) -> Result<(OktaConfig, Option<SandboxGuard>), String> {
    if sandbox {
        #[cfg(feature = "sandbox")]
        {
            let (config, guard) = crate::demo::start_sandbox().await?;
            return Ok((config, Some(guard)));
        }
        #[cfg(not(feature = "sandbox"))]
        return Err("this build has no embedded sandbox".into());
    }
    let config = OktaConfig::from_env().map_err(|e| format!("configuration error: {e}"))?;
    Ok((config, None))
}

async fn serve(
    spec: ServerSpec,
    selection: Selection,
    tools: &[ToolDef],
    sandbox: bool,
    transport: Transport,
    http: &HttpArgs,
) -> Result<(), String> {
    // Checked before connecting to Okta: a bad flag fails fast.
    let http = match transport {
        Transport::Http => Some(http_setup(spec, &selection, tools, http)?),
        Transport::Stdio => None,
    };
    // The guard keeps the embedded sandbox alive while serving.
    let (config, _sandbox_guard) = okta_config(sandbox).await?;
    let callers_only = http.as_ref().is_some_and(|(_, auth)| auth.is_some());
    let server = build_server_for(spec, selection, tools, config, callers_only).await?;
    if let Some((options, auth)) = http {
        return crate::http::serve(server, options, auth).await;
    }
    let io = rmcp::transport::stdio();
    let running = server.serve(io).await.map_err(|e| format!("MCP initialization failed: {e}"))?;
    let reason = running.waiting().await.map_err(|e| format!("server task failed: {e}"))?;
    tracing::debug!(?reason, "MCP session ended");
    Ok(())
}

/// The HTTP transport's options and inbound auth, from the flags.
pub(crate) fn http_setup(
    spec: ServerSpec,
    selection: &Selection,
    tools: &[ToolDef],
    args: &HttpArgs,
) -> Result<(crate::http::HttpOptions, Option<std::sync::Arc<crate::auth::InboundAuth>>), String> {
    let listen: std::net::SocketAddr = args.listen.parse().map_err(|_| {
        format!("--listen `{}`: give an IP address and port, e.g. 127.0.0.1:8080 or 0.0.0.0:8080", args.listen)
    })?;
    let public_url = args
        .public_url
        .as_deref()
        .map(|u| url::Url::parse(u).map_err(|e| format!("--public-url `{u}`: {e}")))
        .transpose()?;
    let list = |raw: &Option<String>| -> Vec<String> {
        Selection::parse_list(raw.as_deref()).map(|s| s.into_iter().collect()).unwrap_or_default()
    };
    let options = crate::http::HttpOptions {
        listen,
        public_url: public_url.clone(),
        allowed_hosts: list(&args.allowed_hosts),
        allowed_origins: list(&args.allowed_origins),
        tls: args.tls_cert.clone().zip(args.tls_key.clone()),
        sessions: args.sessions,
        request_timeout: std::time::Duration::from_secs(args.request_timeout.max(1)),
    };
    let (issuer, roles) = match (&args.auth_issuer, &args.roles) {
        (Some(issuer), Some(roles)) => (issuer, roles),
        (None, None) => return Ok((options, None)),
        (Some(_), None) => {
            return Err(
                "OKTA_MCP_AUTH_ISSUER is set but OKTA_MCP_ROLES is not: inbound auth needs a roles file (which \
                        Okta groups get which tools)"
                    .to_owned(),
            );
        }
        (None, Some(_)) => {
            return Err("OKTA_MCP_ROLES is set but OKTA_MCP_AUTH_ISSUER is not: roles come from tokens of an Okta \
                        authorization server"
                .to_owned());
        }
    };
    let roles = crate::auth::roles::Roles::load(roles)?;
    roles.check(tools)?;
    let resource = match public_url {
        Some(url) => url,
        None => crate::http::default_public_url(listen, options.tls.is_some())?,
    };
    if listen.port() == 0 && args.public_url.is_none() {
        return Err("--listen with port 0 and inbound auth needs --public-url (the tokens' audience)".to_owned());
    }
    if !listen.ip().is_loopback() && options.tls.is_none() && resource.scheme() != "https" {
        tracing::warn!(
            "listening on {listen} without TLS and with an http:// public URL: bearer tokens would cross the network \
             in plain text. Put a TLS proxy in front (and set --public-url https://…) or give --tls-cert/--tls-key"
        );
    }
    let audience = args.auth_audience.clone().unwrap_or_else(|| resource.to_string());
    let scope = Some(args.auth_scope.trim()).filter(|s| !s.is_empty());
    let validator = crate::auth::token::TokenValidator::new(issuer, &audience, scope, &roles.claim)?;
    tracing::info!(
        "inbound auth: tokens from {issuer} for audience {audience}{}; roles: {}",
        scope.map(|s| format!(" with scope {s}")).unwrap_or_default(),
        roles.describe()
    );
    let auth = crate::auth::InboundAuth::new(resource, validator, roles, spec.name, tools.to_vec(), selection.clone());
    Ok((options, Some(std::sync::Arc::new(auth))))
}
