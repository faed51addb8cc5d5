//! `doctor`: check the Okta setup without changing anything, one line per check with a fix for
//! each failure. Only GET requests and token requests are sent (the approver check reads the approver and their
//! factors; it never sends a push).

use std::io::Write;

use okta_core::{
    ApiPath, AuthConfig, ClientOptions, OktaClient, OktaConfig, OktaError, Query, Secret, config::ENV_ORG_URL,
};

use crate::approval::PushApproval;
use crate::catalog::ToolDef;
use crate::confirm::ConfirmPolicy;
use crate::selection::Selection;
use crate::server::ServerSpec;

/// Largest clock difference with Okta that passes (Okta refuses proofs more than five minutes old).
const MAX_SKEW_SECS: u64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    /// Works, but the operator should know (not a failure).
    Warn,
    Fail,
    Skip,
}

#[derive(Debug, Default)]
struct Report {
    passed: usize,
    failed: usize,
    warned: usize,
}

impl Report {
    fn line(&mut self, status: Status, check: &str, text: &str) {
        let tag = match status {
            Status::Ok => {
                self.passed += 1;
                "ok  "
            }
            Status::Fail => {
                self.failed += 1;
                "FAIL"
            }
            Status::Warn => {
                self.warned += 1;
                "warn"
            }
            Status::Skip => "skip",
        };
        // One line per check, whatever the message holds.
        let text = text.replace(['\n', '\r'], " ");
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{tag}  {check:<12} {text}");
        let _ = out.flush();
    }
}

/// Run every check; `Err` (exit code 2) when one fails.
/// `http`: the HTTP transport's flags, when it is the transport (its inbound auth is checked too).
pub async fn run(
    spec: ServerSpec,
    selection: &Selection,
    tools: &[ToolDef],
    http: Option<&crate::cli::HttpArgs>,
) -> Result<(), String> {
    let mut report = Report::default();
    let skew = check_org(&mut report).await;
    let policy = crate::run::confirm_policy_from_env();
    let client = check_rest(spec, selection, tools, policy.as_ref().ok().copied(), &mut report).await;
    check_confirmation(&mut report, policy, selection, tools, client.as_ref()).await;
    if let Some(license) = spec.license {
        check_license(&mut report, license, client.as_ref(), selection, tools).await;
    }
    if let Some(http) = http {
        check_http(&mut report, spec, selection, tools, http).await;
    }
    match skew {
        Some(s) if s.unsigned_abs() <= MAX_SKEW_SECS => {
            report.line(Status::Ok, "clock", &format!("within {} s of Okta's clock", s.unsigned_abs()))
        }
        Some(s) => report.line(
            Status::Fail,
            "clock",
            &format!(
                "this machine's clock is {} s {} Okta's (from Okta's Date header); Okta refuses DPoP proofs and client assertions dated too far off. Fix: correct the system time (enable NTP time sync)",
                s.unsigned_abs(),
                if s > 0 { "behind" } else { "ahead of" }
            ),
        ),
        None => report.line(Status::Skip, "clock", "not checked: Okta's Date header is unknown"),
    }
    let total = report.passed + report.failed;
    if report.failed == 0 {
        let warnings = match report.warned {
            0 => String::new(),
            1 => " (1 warning)".to_owned(),
            n => format!(" ({n} warnings)"),
        };
        report.line(Status::Ok, "summary", &format!("all {total} checks passed{warnings}"));
        Ok(())
    } else {
        Err(format!("{} of {total} checks failed", report.failed))
    }
}

/// Whether the org has the product the server's tools need (the same question the server asks at startup).
async fn check_license(
    report: &mut Report,
    license: &crate::license::License,
    client: Option<&OktaClient>,
    selection: &Selection,
    tools: &[ToolDef],
) {
    let needing = tools.iter().filter(|t| selection.enabled(t) && license.needed_by(t)).count();
    let Some(client) = client.filter(|_| needing > 0) else {
        report.line(Status::Skip, "license", "not checked: no Okta client, or no enabled tool needs it");
        return;
    };
    match license.probe(client, client.requested_scopes()).await {
        crate::license::LicenseState::Licensed => {
            report.line(Status::Ok, "license", &format!("the org has {}", license.product))
        }
        crate::license::LicenseState::Missing(why) => report.line(
            Status::Fail,
            "license",
            &format!(
                "{why}: the {needing} enabled tools that need it are not listed. Fix: license {} for the org, or \
                 use the servers that need no add-on",
                license.product
            ),
        ),
        crate::license::LicenseState::Unknown(why) => {
            report.line(Status::Warn, "license", &format!("could not tell: {why}"))
        }
    }
}

/// The HTTP transport: its flags, and with inbound auth the roles file and the issuer's signing keys.
async fn check_http(
    report: &mut Report,
    spec: ServerSpec,
    selection: &Selection,
    tools: &[ToolDef],
    http: &crate::cli::HttpArgs,
) {
    let (options, auth) = match crate::run::http_setup(spec, selection, tools, http) {
        Ok(setup) => setup,
        Err(why) => {
            return report.line(Status::Fail, "http", &format!("{why}. Fix: correct the flag or variable named"));
        }
    };
    let Some(auth) = auth else {
        if options.listen.ip().is_loopback() {
            return report.line(
                Status::Ok,
                "http",
                &format!(
                    "{} (loopback; no inbound auth: set OKTA_MCP_AUTH_ISSUER and OKTA_MCP_ROLES to serve others)",
                    options.listen
                ),
            );
        }
        return report.line(
            Status::Fail,
            "http",
            &format!(
                "{} is not loopback and no inbound auth is configured: the server refuses to start. Fix: set \
                 OKTA_MCP_AUTH_ISSUER and OKTA_MCP_ROLES, or listen on 127.0.0.1",
                options.listen
            ),
        );
    };
    match &auth.roles {
        Some(roles) => report.line(
            Status::Ok,
            "roles",
            &format!("{} role(s): {} (claim `{}`)", roles.roles.len(), roles.describe(), roles.claim),
        ),
        None => report.line(Status::Ok, "roles", "none: every signed-in person gets the delegated tools"),
    }
    match &auth.source {
        crate::auth::TokenSource::Okta(validator) => match validator.ready().await {
            Ok(()) => report.line(
                Status::Ok,
                "inbound",
                &format!(
                    "tokens from {} for {} are checked against its published keys",
                    validator.issuer(),
                    auth.resource
                ),
            ),
            Err(why) => report.line(
                Status::Fail,
                "inbound",
                &format!(
                    "{why}. Fix: OKTA_MCP_AUTH_ISSUER is the issuer of an ACTIVE Okta custom authorization server \
                     (https://<org>/oauth2/<authServerId>), reachable from here"
                ),
            ),
        },
        crate::auth::TokenSource::SignIn(signin) => {
            // http_setup refused to build sign-in without the client id, its secret and the state key.
            report.line(
                Status::Ok,
                "sign-in",
                &format!(
                    "{} is the authorization server for {}{}; client id, client secret (OKTA_MCP_OIDC_CLIENT_SECRET) \
                     and OKTA_MCP_STATE_KEY are set; Okta's sign-in redirect URI must be {}",
                    signin.issuer,
                    auth.resource,
                    if signin.delegated { " (delegated: calls run as the signed-in person)" } else { "" },
                    signin.callback_url()
                ),
            );
            match signin.ready().await {
                Ok(()) => report.line(
                    Status::Ok,
                    "oidc",
                    &format!(
                        "{}: discovery document and signing keys reachable; people are asked for: {}",
                        signin.upstream.issuer,
                        signin.upstream.scopes.join(" ")
                    ),
                ),
                Err(why) => report.line(
                    Status::Fail,
                    "oidc",
                    &format!(
                        "{why}. Fix: OKTA_MCP_OIDC_ISSUER is an Okta authorization server's issuer \
                         (https://<org>/oauth2/default, or the org URL), reachable from here"
                    ),
                ),
            }
        }
    }
}

/// Org URL reachable and an Okta org; returns Okta's clock minus ours.
async fn check_org(report: &mut Report) -> Option<i64> {
    let Some(url) = std::env::var(ENV_ORG_URL).ok().filter(|v| !v.trim().is_empty()) else {
        report.line(
            Status::Fail,
            "org",
            &format!("{ENV_ORG_URL} is not set. Fix: set it to your Okta org URL, e.g. https://dev-123456.okta.com"),
        );
        return None;
    };
    // Credentials are not needed for the public well-known document.
    let probe = OktaConfig::new(&url, AuthConfig::ApiToken(Secret::new("doctor-probe".into())))
        .map_err(|e| e.to_string())
        .and_then(|c| {
            OktaClient::new(c, ClientOptions::new("doctor", env!("CARGO_PKG_VERSION"))).map_err(|e| e.to_string())
        });
    let client = match probe {
        Ok(c) => c,
        Err(e) => {
            report.line(Status::Fail, "org", &format!("{e}. Fix: set {ENV_ORG_URL} to https://<your-org>.okta.com"));
            return None;
        }
    };
    match client.org_info().await {
        Ok(info) => {
            report.line(
                Status::Ok,
                "org",
                &format!(
                    "{} is an Okta org (id {}, {})",
                    client.org_url(),
                    info.id.as_deref().unwrap_or("?"),
                    match info.pipeline.as_deref() {
                        Some("idx") => "Identity Engine",
                        Some("v1") => "Classic Engine",
                        _ => "engine unknown",
                    }
                ),
            );
            info.clock_skew_secs
        }
        Err(OktaError::Transport { message, .. }) => {
            report.line(
                Status::Fail,
                "org",
                &format!(
                    "{url} cannot be reached ({message}). Fix: check {ENV_ORG_URL}, DNS, proxy and network access"
                ),
            );
            None
        }
        Err(e) => {
            report.line(
                Status::Fail,
                "org",
                &format!(
                    "{url} does not look like an Okta org ({e}). Fix: set {ENV_ORG_URL} to the org's Okta URL (https://<your-org>.okta.com, not an app or admin-console link)"
                ),
            );
            None
        }
    }
}

/// Credentials, token, scopes, read calls; returns the client the reads used (None: no usable credentials).
async fn check_rest(
    spec: ServerSpec,
    selection: &Selection,
    tools: &[ToolDef],
    policy: Option<ConfirmPolicy>,
    report: &mut Report,
) -> Option<OktaClient> {
    // What the server would request: the tools' scopes, plus push approval's when it is on.
    let needed = crate::run::requested_scopes(selection, tools, policy.unwrap_or_default());
    let config = match OktaConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            report.line(Status::Fail, "credentials", &format!("{e}"));
            for check in ["token", "scopes", "read calls"] {
                report.line(Status::Skip, check, "not checked: no usable credentials");
            }
            return None;
        }
    };
    report.line(Status::Ok, "credentials", &config.auth_description());
    let oauth = matches!(config.auth, AuthConfig::PrivateKeyJwt(_));
    let options = ClientOptions::new(spec.name, spec.version).with_scopes(needed.clone());
    let client = match OktaClient::new(config.clone(), options.clone()) {
        Ok(c) => c,
        Err(e) => {
            report.line(Status::Fail, "token", &e.to_string());
            return None;
        }
    };
    let requested: Vec<String> = client.requested_scopes().to_vec();

    // Token, scopes.
    let (client, granted) = if !oauth {
        report.line(Status::Ok, "token", "SSWS API token: no OAuth token needed (the token's admin decides access)");
        report.line(Status::Skip, "scopes", "not applicable to an SSWS API token");
        (client, needed.clone())
    } else {
        match client.token_info().await {
            Ok(Some(info)) => {
                report.line(
                    Status::Ok,
                    "token",
                    &if info.token_type == "DPoP" {
                        format!(
                            "obtained a DPoP-bound token (the app requires DPoP; OKTA_DPOP={}), expires in {} s",
                            info.dpop_mode.as_str(),
                            info.expires_in.as_secs()
                        )
                    } else {
                        format!(
                            "obtained a Bearer token (the app does not require DPoP; OKTA_DPOP={}), expires in {} s",
                            info.dpop_mode.as_str(),
                            info.expires_in.as_secs()
                        )
                    },
                );
                let granted = info.scopes;
                scope_line(report, &needed, &requested, &granted);
                (client, granted)
            }
            Ok(None) => (client, needed.clone()),
            Err(e) if e.error_code() == Some("invalid_scope") => {
                // Find out which of the requested scopes the app has, one token request each.
                let mut granted = Vec::new();
                let mut refused = Vec::new();
                for scope in &requested {
                    let mut one = config.clone();
                    one.scopes_override = Some(vec![scope.clone()]);
                    let ok = match OktaClient::new(one, options.clone()) {
                        Ok(c) => c.token_info().await.is_ok(),
                        Err(_) => false,
                    };
                    if ok { granted.push(scope.clone()) } else { refused.push(scope.clone()) }
                }
                report.line(
                    Status::Fail,
                    "token",
                    &format!(
                        "Okta refused the token request: the app is not granted {}. Fix: grant them (Admin Console > Applications > the app > Okta API Scopes), or narrow the tools (--mode/--toolsets) or OKTA_SCOPES",
                        refused.join(", ")
                    ),
                );
                scope_line(report, &needed, &requested, &granted);
                if granted.is_empty() {
                    report.line(Status::Skip, "read calls", "not checked: no token");
                    return None;
                }
                let mut narrowed = config.clone();
                narrowed.scopes_override = Some(granted.clone());
                match OktaClient::new(narrowed, options) {
                    Ok(c) => (c, granted),
                    Err(_) => return None,
                }
            }
            Err(e) => {
                report.line(Status::Fail, "token", &e.to_string());
                report.line(Status::Skip, "scopes", "not checked: no token");
                report.line(Status::Skip, "read calls", "not checked: no token");
                return None;
            }
        }
    };
    read_calls(report, &client, tools, &granted).await;
    Some(client)
}

/// The confirmation policy in one line; under `push`, the approver (`OKTA_MCP_APPROVER`): an ACTIVE user with an
/// active Okta Verify push factor. Reads only: no push is sent.
async fn check_confirmation(
    report: &mut Report,
    policy: Result<ConfirmPolicy, String>,
    selection: &Selection,
    tools: &[ToolDef],
    client: Option<&OktaClient>,
) {
    let policy = match policy {
        Ok(p) => p,
        Err(e) => {
            report.line(
                Status::Fail,
                "confirm",
                &format!("{e}. Fix: set OKTA_MCP_CONFIRM to one of them, or unset it"),
            );
            return;
        }
    };
    let confirms = tools.iter().any(|t| selection.enabled(t) && t.confirmable());
    match policy {
        ConfirmPolicy::Elicit => report.line(
            Status::Ok,
            "confirm",
            "elicit: the client asks the person before destructive changes (clients that cannot ask get no \
             destructive tools; OKTA_MCP_CONFIRM=push works with every client)",
        ),
        ConfirmPolicy::Token => report.line(
            Status::Warn,
            "confirm",
            "OKTA_MCP_CONFIRM=token: the assistant can confirm destructive changes itself; the MCP client's \
             tool-approval prompt is the only human check (elicit or push keep a person in the loop)",
        ),
        ConfirmPolicy::Never => report.line(
            Status::Warn,
            "confirm",
            "OKTA_MCP_CONFIRM=never: destructive tools run WITHOUT confirmation (for scripts only)",
        ),
        ConfirmPolicy::Push => {
            let approval = match PushApproval::from_env() {
                Ok(a) => a,
                Err(e) => {
                    report.line(
                        Status::Fail,
                        "approver",
                        &format!("{e}. Fix: set OKTA_MCP_APPROVER=<login> of an ACTIVE user enrolled in Okta Verify"),
                    );
                    return;
                }
            };
            if !confirms {
                report.line(
                    Status::Skip,
                    "approver",
                    &format!("{} not checked: no enabled tool needs confirmation", approval.approver),
                );
                return;
            }
            let Some(client) = client else {
                report.line(Status::Skip, "approver", "not checked: no usable credentials");
                return;
            };
            match approval.factor(client).await {
                Ok(factor) => report.line(
                    Status::Ok,
                    "approver",
                    &format!(
                        "{} (user {}) approves destructive changes with Okta Verify push on {} (factor {}; no push \
                         sent)",
                        approval.approver,
                        factor.user_id,
                        factor.device.as_deref().unwrap_or("their device"),
                        factor.factor_id
                    ),
                ),
                // That message names its own fix.
                Err(why) if why.contains("no active Okta Verify push factor") => {
                    report.line(Status::Fail, "approver", &why)
                }
                Err(why) => report.line(
                    Status::Fail,
                    "approver",
                    &format!(
                        "{why}. Fix: set OKTA_MCP_APPROVER to the login of an ACTIVE user with an active Okta Verify \
                         push factor"
                    ),
                ),
            }
        }
    }
}

fn scope_line(report: &mut Report, needed: &[String], requested: &[String], granted: &[String]) {
    let missing: Vec<&str> = needed.iter().filter(|s| !granted.contains(s)).map(String::as_str).collect();
    if missing.is_empty() {
        report.line(Status::Ok, "scopes", &format!("granted all {} needed: {}", needed.len(), needed.join(" ")));
    } else {
        let how =
            if requested != needed { " (OKTA_SCOPES overrides what the tools need: unset it or add them)" } else { "" };
        report.line(
            Status::Fail,
            "scopes",
            &format!(
                "the enabled tools need {} which the token lacks{how}. Fix: grant them to the service app (Admin Console > Applications > the app > Okta API Scopes) or narrow --mode/--toolsets",
                missing.join(", ")
            ),
        );
    }
}

/// One read call per granted `okta.<family>.read|manage` scope: proves the admin role covers it.
async fn read_calls(report: &mut Report, client: &OktaClient, tools: &[ToolDef], granted: &[String]) {
    let mut families: Vec<String> = granted
        .iter()
        .filter_map(|s| s.strip_prefix("okta.").and_then(|r| r.rsplit_once('.')).map(|(f, _)| f.to_string()))
        .collect();
    // users first: its list gives a user id for per-user reads (roles, factors).
    families.sort_by_key(|f| (f != "users", f.clone()));
    families.dedup();
    let mut user_id: Option<String> = None;
    for family in families {
        let read_scope = format!("okta.{family}.read");
        let manage_scope = format!("okta.{family}.manage");
        let check = format!("read {family}");
        // GET operations whose tools need this family's scope; parameterless first.
        let mut ops: Vec<&'static str> = tools
            .iter()
            .filter(|t| t.meta.scopes().iter().any(|s| *s == read_scope || *s == manage_scope))
            .flat_map(|t| t.meta.operations.iter())
            .filter(|o| o.method.is_read())
            .map(|o| o.path)
            .collect();
        let own = format!("/api/v1/{family}");
        ops.sort_by_key(|p| {
            (!p.starts_with(&own) && !p.ends_with(&format!("/{family}")), p.matches('{').count(), p.len())
        });
        ops.dedup();
        let op = ops.iter().find(|p| !p.contains('{')).or_else(|| {
            ops.iter().find(|p| p.starts_with("/api/v1/users/{") && p.matches('{').count() == 1 && user_id.is_some())
        });
        let Some(template) = op.copied() else {
            report.line(Status::Skip, &check, &format!("no read call without an object id for {read_scope}"));
            continue;
        };
        let params: Vec<&str> =
            if template.contains('{') { user_id.iter().map(String::as_str).collect() } else { Vec::new() };
        let path = match ApiPath::new(template, &params) {
            Ok(p) => p,
            Err(e) => {
                report.line(Status::Skip, &check, &e.to_string());
                continue;
            }
        };
        let query = if template.contains('{') { Query::new() } else { Query::new().push("limit", 1) };
        match client.get(&path, &query).await {
            Ok(value) => {
                if template == "/api/v1/users"
                    && let Some(id) = value.get(0).and_then(|u| u.get("id")).and_then(|v| v.as_str())
                {
                    user_id = Some(id.to_string());
                }
                report.line(Status::Ok, &check, &format!("GET {template} succeeded"));
            }
            Err(e) => {
                let fix = if e.missing_scope().is_some() {
                    format!("Fix: grant {read_scope} to the service app (Okta API Scopes)")
                } else if e.status() == Some(403) {
                    "Fix: the app's admin role does not cover this: assign one that does (Admin Console > Applications > the app > Admin roles, e.g. Read-only Administrator)".into()
                } else {
                    String::new()
                };
                report.line(Status::Fail, &check, &format!("GET {template}: {e} {fix}"));
            }
        }
    }
}
