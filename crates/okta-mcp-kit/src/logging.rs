//! Logs go to stderr only: in stdio mode stdout is the MCP channel.

use tracing_subscriber::EnvFilter;

/// Install the stderr logger. `level` is a level (`info`) or a full tracing filter (`okta_core=debug,info`).
/// A plain level keeps the MCP SDK's own chatter at warn.
pub fn init(level: &str) {
    let directive =
        if level.contains('=') || level.contains(',') { level.to_owned() } else { format!("{level},rmcp=warn") };
    let filter = EnvFilter::try_new(directive).unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .compact()
        .try_init();
}
