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
    let tools = spec.all_tools();
    crate::prompts::check(spec.prompts, &tools)?;
    let selection = cli.selection();
    let unknown = selection.unknown_names(&tools);
    if !unknown.is_empty() {
        return Err(format!("unknown {} (see `{} tools`)", unknown.join(", "), spec.name));
    }
    let selection = effective_selection(selection, &tools, cli.http.delegated)?;
    if cli.http.delegated && cli.transport != Transport::Http && matches!(cli.command, Some(Command::Serve) | None) {
        return Err("--delegated needs --transport http (people sign in through the server's HTTP endpoints)".into());
    }
    match cli.command {
        Some(Command::Tools { markdown: true, .. }) => write_stdout(&crate::reference::markdown(&spec, &tools)?),
        Some(Command::Tools { json, .. }) => print_catalog(&tools, &selection, json),
        // Delegated: what the server asks for at each person's sign-in (the OIDC app must be granted these).
        Some(Command::Scopes) if cli.http.delegated => print_lines(signin_scopes(&selection, &tools, true)),
        Some(Command::Scopes) => print_lines(requested_scopes(&selection, &tools, confirm_policy_from_env()?)),
        Some(Command::Doctor) => {
            let http = (cli.transport == Transport::Http
                || cli.http.auth_issuer.is_some()
                || cli.http.sign_in
                || cli.http.delegated)
                .then_some(&cli.http);
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
            // Over stdio one client speaks to the server: one thread does its work with no hand-offs between
            // threads (concurrent Okta requests still overlap); HTTP serves many people on several.
            let runtime = if cli.transport == Transport::Stdio { stdio_runtime()? } else { runtime()? };
            runtime.block_on(serve(spec, selection, &tools, sandbox, cli.transport, &cli.http))
        }
    }
}

fn stdio_runtime() -> Result<tokio::runtime::Runtime, String> {
    start_runtime(&mut tokio::runtime::Builder::new_current_thread())
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    start_runtime(tokio::runtime::Builder::new_multi_thread().worker_threads(2))
}

fn start_runtime(builder: &mut tokio::runtime::Builder) -> Result<tokio::runtime::Runtime, String> {
    builder.enable_all().build().map_err(|e| format!("cannot start the async runtime: {e}"))
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

/// The selection actually served, decided here only: with `--delegated`, exactly the tools of the `me` toolset
/// (`END_USER_TOOLSET`), whatever --toolsets/--tools say, capped by --mode; without it, never that toolset (its
/// tools act as the signed-in person and cannot work with the server's own credential).
pub fn effective_selection(selection: Selection, tools: &[ToolDef], delegated: bool) -> Result<Selection, String> {
    use crate::catalog::END_USER_TOOLSET;
    let has_end_user = tools.iter().any(|t| t.meta.toolset == END_USER_TOOLSET);
    if delegated {
        if !has_end_user {
            return Err(format!(
                "--delegated: this server has no tools of the `{END_USER_TOOLSET}` toolset (tools that act as the \
                 signed-in person)"
            ));
        }
        let toolsets = Some([END_USER_TOOLSET.to_owned()].into_iter().collect());
        return Ok(Selection { mode: selection.mode, toolsets, tools: None });
    }
    if !has_end_user {
        return Ok(selection);
    }
    let toolsets: std::collections::BTreeSet<String> = match &selection.toolsets {
        Some(sets) => {
            if sets.iter().all(|s| s == END_USER_TOOLSET) {
                return Err(format!(
                    "the `{END_USER_TOOLSET}` toolset acts as the signed-in person: it needs --delegated (with \
                     --transport http)"
                ));
            }
            sets.iter().filter(|s| *s != END_USER_TOOLSET).cloned().collect()
        }
        None => tools.iter().map(|t| t.meta.toolset).filter(|s| *s != END_USER_TOOLSET).map(str::to_owned).collect(),
    };
    Ok(Selection { toolsets: Some(toolsets), ..selection })
}

/// [`build_server`]; `callers_only`: over HTTP with inbound auth (see `Safety::callers_only`).
pub async fn build_server_for(
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
    let env = |name: &str| std::env::var(name).ok();
    options.governor = okta_core::governor::GovernorConfig::from_lookup(env)?;
    options.cache_ttl = okta_core::cache::ttl_from_lookup(env)?;
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
    let delegated = matches!(config.auth, AuthConfig::EndUser);
    if delegated {
        tracing::info!("delegated: each person's changes are Okta's to allow or refuse (their own token and rights)");
        if protection.configured() > 0 {
            tracing::warn!(
                "OKTA_MCP_PROTECTED is not applied in delegated mode: the server holds no admin credential, and \
                 what each person may change is what Okta allows them"
            );
        }
    } else {
        tracing::info!(
            "protected: {} configured name(s){}, and super administrators",
            protection.configured(),
            if service_app.is_some() { " including this service app" } else { "" }
        );
    }
    let mut safety = Safety::new(policy, protection);
    safety.protects = !delegated;
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

fn http_args_delegated(
    http: &Option<(crate::http::HttpOptions, Option<std::sync::Arc<crate::auth::InboundAuth>>)>,
) -> bool {
    http.as_ref().and_then(|(_, auth)| auth.as_ref()).is_some_and(|auth| auth.source.delegated())
}

/// Delegated mode's Okta configuration: the org, and no credential of the server's own (each call carries the
/// signed-in person's token).
async fn end_user_config(sandbox: bool) -> Result<(OktaConfig, Option<SandboxGuard>), String> {
    let (org_url, guard) = if sandbox {
        let (config, guard) = okta_config(true).await?;
        (config.org_url.to_string(), guard)
    } else {
        let url = std::env::var(okta_core::config::ENV_ORG_URL).unwrap_or_default();
        if url.trim().is_empty() {
            return Err("--delegated needs OKTA_ORG_URL (your Okta org, https://<org>.okta.com)".to_owned());
        }
        (url, None)
    };
    let config = OktaConfig::for_end_users(org_url.trim()).map_err(|e| format!("configuration error: {e}"))?;
    Ok((config, guard))
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
    let (config, _sandbox_guard) =
        if http_args_delegated(&http) { end_user_config(sandbox).await? } else { okta_config(sandbox).await? };
    let callers_only = http.as_ref().is_some_and(|(_, auth)| auth.is_some());
    let server = build_server_for(spec, selection, tools, config, callers_only).await?;
    if let Some((options, auth)) = http {
        return crate::http::serve(server, options, auth).await;
    }
    // Through the IO reactor when stdin and stdout are pipes (as MCP clients launch servers): no hand-off to a
    // blocking thread for every line read and written. Anything else (a terminal, a file) uses the blocking handles.
    let io = rmcp::transport::stdio_pipes();
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
    let sign_in = args.sign_in || args.delegated;
    if sign_in && args.auth_issuer.is_some() {
        return Err(
            "--sign-in (OKTA_MCP_SIGN_IN) and --auth-issuer (OKTA_MCP_AUTH_ISSUER) are exclusive: with sign-in \
                    this server issues the tokens /mcp accepts; without it, an Okta authorization server does. Unset \
                    one"
            .to_owned(),
        );
    }
    if !sign_in && (args.oidc_issuer.is_some() || args.oidc_client_id.is_some()) {
        return Err("--oidc-issuer/--oidc-client-id (OKTA_MCP_OIDC_*) are sign-in settings: add --sign-in \
                    (OKTA_MCP_SIGN_IN=true), or unset them"
            .to_owned());
    }
    if sign_in {
        let resource = resource_url(&options, public_url, args)?;
        let auth = signin_setup(spec, selection, tools, args, resource)?;
        return Ok((options, Some(auth)));
    }
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
                        authorization server (or set --sign-in: people sign in at Okta through this server)"
                .to_owned());
        }
    };
    let roles = crate::auth::roles::Roles::load(roles)?;
    roles.check(tools)?;
    let resource = resource_url(&options, public_url, args)?;
    let audience = args.auth_audience.clone().unwrap_or_else(|| resource.to_string());
    let scope = Some(args.auth_scope.trim()).filter(|s| !s.is_empty());
    let validator = crate::auth::token::TokenValidator::new(issuer, &audience, scope, &roles.claim)?;
    tracing::info!(
        "inbound auth: tokens from {issuer} for audience {audience}{}; roles: {}",
        scope.map(|s| format!(" with scope {s}")).unwrap_or_default(),
        roles.describe()
    );
    let source = crate::auth::TokenSource::Okta(Box::new(validator));
    let auth =
        crate::auth::InboundAuth::new(resource, source, Some(roles), spec.name, tools.to_vec(), selection.clone());
    Ok((options, Some(std::sync::Arc::new(auth))))
}

/// The resource URL (the tokens' audience) with inbound auth or sign-in.
fn resource_url(
    options: &crate::http::HttpOptions,
    public_url: Option<url::Url>,
    args: &HttpArgs,
) -> Result<url::Url, String> {
    let listen = options.listen;
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
    Ok(resource)
}

/// Scopes asked for at Okta's sign-in: who the person is and their groups (admin mode), or who they are and
/// what the delegated tools need, with a refresh token (delegated mode).
pub fn signin_scopes(selection: &Selection, tools: &[ToolDef], delegated: bool) -> Vec<String> {
    let mut scopes: Vec<String> = if delegated {
        ["openid", "profile", "email", "offline_access"].map(str::to_owned).to_vec()
    } else {
        // Groups come in the ID token's groups claim, as the authorization server's claims set it up (a custom
        // authorization server has no `groups` scope unless an admin made one); offline_access so that every
        // refresh asks Okta again whether the person is still active and what their groups are now.
        ["openid", "profile", "email", "offline_access"].map(str::to_owned).to_vec()
    };
    if delegated {
        for scope in selection.scopes(tools) {
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
    }
    scopes
}

/// `--sign-in`: the server as its own authorization server, people signing in at Okta.
fn signin_setup(
    spec: ServerSpec,
    selection: &Selection,
    tools: &[ToolDef],
    args: &HttpArgs,
    resource: url::Url,
) -> Result<std::sync::Arc<crate::auth::InboundAuth>, String> {
    let nonempty = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let delegated = args.delegated;
    let issuer = nonempty(args.oidc_issuer.clone())
        .or_else(|| if delegated { nonempty(std::env::var(okta_core::config::ENV_ORG_URL).ok()) } else { None });
    let client_id = nonempty(args.oidc_client_id.clone());
    let secret = nonempty(std::env::var("OKTA_MCP_OIDC_CLIENT_SECRET").ok());
    let state_key = crate::confirm::state_key_from_env()?;
    let mut missing = Vec::new();
    if issuer.is_none() {
        missing.push(if delegated {
            "--oidc-issuer (OKTA_MCP_OIDC_ISSUER) or OKTA_ORG_URL"
        } else {
            "--oidc-issuer (OKTA_MCP_OIDC_ISSUER: the Okta authorization server people sign in at)"
        });
    }
    if client_id.is_none() {
        missing.push("--oidc-client-id (OKTA_MCP_OIDC_CLIENT_ID)");
    }
    if secret.is_none() {
        missing.push("OKTA_MCP_OIDC_CLIENT_SECRET");
    }
    if state_key.is_none() {
        missing.push("OKTA_MCP_STATE_KEY (32+ bytes, e.g. openssl rand -hex 32; the same on every replica)");
    }
    if !delegated && args.roles.is_none() {
        missing.push("--roles (OKTA_MCP_ROLES: which Okta groups get which tools)");
    }
    let (Some(issuer), Some(client_id), Some(secret), Some(state_key), true) =
        (issuer, client_id, secret, state_key, missing.is_empty())
    else {
        return Err(format!("--sign-in needs {}", missing.join(", ")));
    };
    let roles = match &args.roles {
        Some(path) => {
            let roles = crate::auth::roles::Roles::load(path)?;
            roles.check(tools)?;
            Some(roles)
        }
        None => None,
    };
    let groups_claim = roles.as_ref().map_or_else(|| "groups".to_owned(), |r| r.claim.clone());
    let enabled: Vec<&str> = tools.iter().filter(|t| selection.enabled(t)).map(|t| t.meta.name).collect();
    let scopes = signin_scopes(selection, tools, delegated);
    let abilities = if delegated {
        vec![
            format!("act in Okta as you, with the permissions: {}", selection.scopes(tools).join(", ")),
            format!("use {} tool(s) of {} ({} mode): {}", enabled.len(), spec.name, selection.mode, enabled.join(", ")),
        ]
    } else {
        vec![
            format!(
                "use the tools of {} that your Okta groups give you a role for ({} mode; at most {} tools)",
                spec.name,
                selection.mode,
                enabled.len()
            ),
            "make those calls to Okta with this server's own credentials, on your behalf".to_owned(),
        ]
    };
    let target = AuditTarget::from_env()?;
    if matches!(target, AuditTarget::Sqlite(_)) {
        tracing::warn!(
            "sign-in with a SQLite audit log: single-use codes, refresh-token reuse detection and revocations hold \
             only among servers sharing that file. Give replicas on several machines OKTA_MCP_AUDIT_URL (PostgreSQL)"
        );
    }
    let spent = crate::auth::signin::Spent::new(target);
    let config = crate::auth::signin::SignInConfig {
        resource: resource.clone(),
        server: spec.name,
        delegated,
        oidc_issuer: issuer.clone(),
        oidc_client_id: client_id,
        oidc_client_secret: okta_core::Secret::new(secret),
        oidc_scopes: scopes.clone(),
        groups_claim,
        state_key,
        spent: std::sync::Arc::new(spent),
        abilities,
    };
    let signin = crate::auth::signin::SignIn::new(config)?;
    tracing::info!(
        "sign-in: this server ({}) is the authorization server for {resource}; people sign in at {issuer} \
         (scopes {}); {}",
        signin.issuer,
        scopes.join(" "),
        match &roles {
            Some(roles) => format!("roles: {}", roles.describe()),
            None => "every signed-in person gets the delegated tools".to_owned(),
        }
    );
    let source = crate::auth::TokenSource::SignIn(std::sync::Arc::new(signin));
    let auth = crate::auth::InboundAuth::new(resource, source, roles, spec.name, tools.to_vec(), selection.clone());
    Ok(std::sync::Arc::new(auth))
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    fn spec() -> ServerSpec {
        ServerSpec {
            name: "okta-mcp-test",
            title: "t",
            version: "0",
            instructions: "",
            tools: Vec::new,
            demo: &[],
            prompts: &[],
            license: None,
        }
    }

    fn setup(args: &[&str]) -> Result<(), String> {
        let mut all = vec!["okta-mcp-test", "--transport", "http"];
        all.extend_from_slice(args);
        let cli = Cli::try_parse_from(all).map_err(|e| e.to_string())?;
        http_setup(spec(), &Selection::default(), &[], &cli.http).map(drop)
    }

    #[test]
    fn half_configured_sign_in_is_refused_at_startup() {
        // (Only when the environment does not set these: CI does not.)
        if std::env::var_os("OKTA_MCP_OIDC_CLIENT_SECRET").is_some() || std::env::var_os("OKTA_MCP_STATE_KEY").is_some()
        {
            return;
        }
        let error = setup(&["--sign-in"]).err().unwrap_or_default();
        for missing in
            ["--oidc-issuer", "--oidc-client-id", "OKTA_MCP_OIDC_CLIENT_SECRET", "OKTA_MCP_STATE_KEY", "--roles"]
        {
            assert!(error.contains(missing), "{missing}: {error}");
        }
        let error = setup(&["--sign-in", "--auth-issuer", "https://example.okta.com/oauth2/default"]).err();
        assert!(error.unwrap_or_default().contains("exclusive"));
        let error = setup(&["--oidc-client-id", "0oa1"]).err();
        assert!(error.unwrap_or_default().contains("add --sign-in"));
        let error = setup(&["--delegated", "--oidc-issuer", "https://example.okta.com"]).err().unwrap_or_default();
        assert!(!error.contains("--roles"), "roles are optional when delegated: {error}");
    }
}
