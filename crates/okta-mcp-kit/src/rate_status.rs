//! `okta_get_rate_status`, on every server: what the rate governor knows of each of Okta's rate-limit buckets this
//! server has used (limit, remaining, reset, and the share this server keeps to), and the read cache's counters.
//! It calls no Okta operation: the figures come from the headers of Okta's answers so far.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::args::NoArgs;
use crate::catalog::{Access, ToolDef, ToolMeta};
use crate::context::ToolContext;
use crate::error::ToolError;
use crate::output::ToolOutput;

/// The tool's name (a local tool: no Okta operation, no scope).
pub const TOOL_NAME: &str = "okta_get_rate_status";
/// Buckets listed at most (busiest first).
const MAX_BUCKETS: usize = 50;

/// The tools the kit gives every server.
pub fn tools() -> Vec<ToolDef> {
    vec![ToolDef::new(
        ToolMeta {
            name: TOOL_NAME,
            title: "Get rate-limit status",
            description: "Okta rate-limit buckets this server has used, busiest first: limit, remaining, reset, \
                the share this server keeps to (OKTA_RATE_SHARE) and requests in flight; and the read cache.",
            access: Access::Read,
            toolset: "rate",
            operations: &[],
        },
        rate_status,
    )]
}

async fn rate_status(ctx: ToolContext, _: NoArgs) -> Result<ToolOutput, ToolError> {
    let (buckets, config) = (ctx.okta.rate_status(), ctx.okta.governor_config());
    let (cache, ttl) = ctx.okta.cache_status();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let rows: Vec<Value> = buckets
        .iter()
        .take(MAX_BUCKETS)
        .map(|b| {
            json!([b.method, b.template, b.limit, b.remaining, b.reset.saturating_sub(now), b.allowed, b.in_flight,])
        })
        .collect();
    let mut answer = json!({
        "governor": {
            "share": config.share,
            "concurrency": config.concurrency,
        },
        "columns": ["method", "path", "limit", "remaining", "reset_in_s", "allowed", "in_flight"],
        "rows": rows,
        "cache": {
            "ttl_s": ttl.as_secs(),
            "entries": cache.entries,
            "bytes": cache.bytes,
            "hits": cache.hits,
            "misses": cache.misses,
        },
    });
    if buckets.is_empty() {
        answer["note"] = json!("no Okta answer with rate-limit headers yet: buckets are learnt as requests are made");
    } else if buckets.len() > MAX_BUCKETS {
        answer["more_buckets"] = json!(buckets.len() - MAX_BUCKETS);
    }
    Ok(ToolOutput::json(answer))
}
