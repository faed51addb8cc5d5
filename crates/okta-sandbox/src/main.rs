//! `okta-sandbox`: run the local Okta org simulator until killed.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use okta_sandbox::{OAuthClientConfig, SandboxConfig};

/// A local Okta org simulator (loopback only).
#[derive(Debug, Parser)]
#[command(name = "okta-sandbox", version, about)]
struct Cli {
    /// Address to listen on (loopback only; port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8765")]
    listen: SocketAddr,
    /// The SSWS API token accepted (grants every scope).
    #[arg(long, default_value = "sandbox-api-token")]
    api_token: String,
    /// Client id of a private_key_jwt service app.
    #[arg(long, requires = "oauth_client_jwk")]
    oauth_client_id: Option<String>,
    /// File holding the service app's PUBLIC key as a JWK or JWKS.
    #[arg(long, requires = "oauth_client_id")]
    oauth_client_jwk: Option<PathBuf>,
    /// Space-separated scopes granted to the service app.
    #[arg(long, default_value = "")]
    oauth_client_scopes: String,
    /// Base URL used in Link headers, _links and the token audience.
    #[arg(long)]
    public_url: Option<String>,
    /// Seed of the deterministic demo org.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of users in the demo org.
    #[arg(long, default_value_t = 300)]
    users: usize,
    /// FAMILY=N requests per window (families: users, groups, logs, sessions, apps, roles, token, default). Repeatable.
    #[arg(long = "rate-limit", value_name = "FAMILY=N")]
    rate_limit: Vec<String>,
    /// Rate limit window in seconds.
    #[arg(long, default_value_t = 60)]
    rate_limit_window_secs: u64,
    /// Access token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    token_ttl_secs: u64,
    /// Latency added to every response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Probability (0.0..1.0) of a random 500/503 on /api/v1/**.
    #[arg(long = "fault-5xx-rate", default_value_t = 0.0)]
    fault_5xx_rate: f64,
    /// The first N /api/v1 requests answer 503.
    #[arg(long = "fault-5xx-first", default_value_t = 0)]
    fault_5xx_first: u64,
    /// The --oauth-client-id app requires DPoP, like a new Okta API Services app: DPoP proofs with
    /// the nonce dance at the token endpoint, DPoP-bound tokens, and proofs on every API call.
    #[arg(long)]
    require_dpop: bool,
    /// Rotate the DPoP nonces every N seconds (0: never).
    #[arg(long, default_value_t = 86_400)]
    dpop_nonce_ttl_secs: u64,
    /// Run the sandbox clock N seconds ahead of this machine's (negative: behind), e.g. to test clock skew.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    clock_offset_secs: i64,
    /// The org has no Okta Identity Governance license: governance endpoints answer 401 E0000015.
    #[arg(long)]
    no_oig: bool,
}

fn config_from(cli: &Cli) -> Result<SandboxConfig, String> {
    let mut rate_limits = BTreeMap::new();
    for spec in &cli.rate_limit {
        let (family, n) = spec.split_once('=').ok_or_else(|| format!("--rate-limit expects FAMILY=N, got {spec:?}"))?;
        if !okta_sandbox::ratelimit::FAMILIES.contains(&family) {
            return Err(format!(
                "unknown rate-limit family {family:?} (expected one of {:?})",
                okta_sandbox::ratelimit::FAMILIES
            ));
        }
        let n: u32 = n.parse().map_err(|_| format!("--rate-limit {spec:?}: N must be a non-negative integer"))?;
        rate_limits.insert(family.to_string(), n);
    }
    if !(0.0..=1.0).contains(&cli.fault_5xx_rate) {
        return Err("--fault-5xx-rate must be between 0.0 and 1.0".into());
    }
    let mut oauth_clients = Vec::new();
    if let (Some(id), Some(path)) = (&cli.oauth_client_id, &cli.oauth_client_jwk) {
        let client = OAuthClientConfig::from_jwk_file(id.clone(), path, &cli.oauth_client_scopes)
            .map_err(|e| format!("cannot read --oauth-client-jwk {}: {e}", path.display()))?;
        oauth_clients.push(client);
    }
    Ok(SandboxConfig {
        api_token: cli.api_token.clone(),
        oauth_clients,
        public_url: cli.public_url.clone(),
        seed: cli.seed,
        users: cli.users,
        rate_limits,
        rate_limit_window_secs: cli.rate_limit_window_secs,
        token_ttl_secs: cli.token_ttl_secs,
        latency_ms: cli.latency_ms,
        fault_5xx_rate: cli.fault_5xx_rate,
        fault_5xx_first: cli.fault_5xx_first,
        require_dpop: cli.require_dpop,
        dpop_nonce_ttl_secs: cli.dpop_nonce_ttl_secs,
        clock_offset_secs: cli.clock_offset_secs,
        no_oig: cli.no_oig,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    if !cli.listen.ip().is_loopback() {
        eprintln!("okta-sandbox: refusing to listen on {}: only loopback addresses are allowed", cli.listen);
        return ExitCode::from(2);
    }
    let config = match config_from(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("okta-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(cli.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("okta-sandbox: cannot listen on {}: {e}", cli.listen);
            return ExitCode::from(1);
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("okta-sandbox: {e}");
            return ExitCode::from(1);
        }
    };
    let public = config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    eprintln!("listening on http://{addr}");
    eprintln!("Point an Okta client at this sandbox with:");
    eprintln!("  OKTA_ORG_URL={public} OKTA_API_TOKEN={}", config.api_token);
    if let Some(c) = config.oauth_clients.first() {
        eprintln!(
            "  or OAuth: client id {} (private_key_jwt{}), token endpoint {public}/oauth2/v1/token, scopes: {}",
            c.client_id,
            if config.require_dpop { ", DPoP required" } else { "" },
            c.scopes.join(" ")
        );
    }
    eprintln!(
        "Demo org: seed {}, {} users; try alice.active@example.com. Test controls: POST {public}/__sandbox/reset",
        config.seed, config.users
    );
    let serve = okta_sandbox::serve(config, listener);
    tokio::select! {
        r = serve => match r {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("okta-sandbox: {e}");
                ExitCode::from(1)
            }
        },
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}
