//! Logs go to stderr only: in stdio mode stdout is the MCP channel.
//!
//! Whatever the filter says (`OKTA_MCP_LOG` / `--log-level`: `trace`, or `rmcp=trace,hyper=trace`), the
//! dependencies whose debug and trace output prints what they carry stay at `info` at most: the MCP SDK
//! (`rmcp` logs every request with its arguments and every result at debug), the HTTP stack (`hyper`,
//! `hyper_util`, `h2`, `reqwest`: frames, headers with the Okta credentials, bodies read) and TLS (`rustls`).
//! Our own crates log methods, path templates, statuses, request ids and timings, never arguments, bodies or
//! credentials, so their debug output stays available.

use tracing::Subscriber;
use tracing_subscriber::filter::{EnvFilter, FilterExt, LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::prelude::*;

/// Dependencies held at `info` at most, and why: their debug or trace output prints what they carry.
pub const CLAMPED: &[(&str, &str)] = &[
    ("rmcp", "MCP requests with their arguments, and results"),
    ("hyper", "HTTP messages"),
    ("hyper_util", "HTTP connections and messages"),
    ("h2", "HTTP/2 frames, headers included"),
    ("reqwest", "requests and the bytes read"),
    ("rustls", "TLS sessions"),
    ("tower", "requests"),
    ("tower_http", "requests and responses"),
];

/// The ceiling on the dependencies of [`CLAMPED`]: everything else is left to the user's filter.
fn clamp() -> Targets {
    Targets::new().with_default(LevelFilter::TRACE).with_targets(CLAMPED.iter().map(|(t, _)| (*t, LevelFilter::INFO)))
}

/// The user's filter: a level (`info`) or a full tracing filter (`okta_core=debug,info`). A plain level keeps
/// the MCP SDK's own chatter at warn.
fn user_filter(level: &str) -> EnvFilter {
    let directive =
        if level.contains('=') || level.contains(',') { level.to_owned() } else { format!("{level},rmcp=warn") };
    EnvFilter::try_new(directive).unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn"))
}

/// The logger: the user's filter, under the ceiling of [`CLAMPED`], written to `writer`.
pub fn subscriber<W>(level: &str, writer: W) -> impl Subscriber + Send + Sync + 'static
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false)
        .compact()
        .with_filter(user_filter(level).and(clamp()));
    tracing_subscriber::registry().with(layer)
}

/// Install the stderr logger. `level` is a level (`info`) or a full tracing filter (`okta_core=debug,info`).
pub fn init(level: &str) {
    let _ = subscriber(level, std::io::stderr).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex, PoisonError};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'w self) -> Buffer {
            self.clone()
        }
    }

    fn logged(level: &str) -> String {
        let buffer = Buffer::default();
        tracing::subscriber::with_default(subscriber(level, buffer.clone()), || {
            tracing::debug!(target: "rmcp::service", "received request arguments-s3cret");
            tracing::trace!(target: "h2::codec::framed_write", "send headers-s3cret");
            tracing::trace!(target: "hyper_util::client", "read body-s3cret");
            tracing::debug!(target: "reqwest::connect", "read bytes-s3cret");
            tracing::info!(target: "rmcp::service", "Service initialized");
            tracing::debug!(target: "okta_core::client", "Okta request (ours)");
        });
        let bytes = buffer.0.lock().unwrap_or_else(PoisonError::into_inner).clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn no_filter_turns_on_dependency_output_that_prints_what_it_carries() {
        for filter in ["trace", "rmcp=trace,hyper=trace,h2=trace,reqwest=trace,hyper_util=trace,trace", "debug"] {
            let text = logged(filter);
            assert!(!text.contains("s3cret"), "{filter}: {text}");
            assert!(text.contains("Okta request (ours)"), "{filter}: our own debug output stays: {text}");
        }
        let text = logged("rmcp=trace,info");
        assert!(text.contains("Service initialized"), "rmcp's info stays: {text}");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(!logged("info").contains("Okta request"), "a plain level still filters");
    }
}
