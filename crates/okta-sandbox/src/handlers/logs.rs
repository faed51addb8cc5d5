//! `GET /api/v1/logs`: the System Log with Okta's polling semantics.

use axum::extract::State;
use axum::http::Uri;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::{ApiResult, Params, St, list_response};
use crate::error::ApiError;
use crate::{cursor, filter, lock};

fn parse_time(params: &Params, key: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    match params.get(key).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| ApiError::validation(key, format!("{key}: The date format is invalid. Use ISO 8601 format."))),
    }
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let until = parse_time(&params, "until")?;
    let since = parse_time(&params, "since")?;
    let now = Utc::now();
    let until_t = until.unwrap_or(now + Duration::seconds(1));
    let since_t = since.unwrap_or(until_t - Duration::days(7));
    let expr = params.expr("filter")?;
    let keywords: Vec<String> =
        params.get("q").map(|q| q.split_whitespace().map(str::to_lowercase).collect()).unwrap_or_default();
    let descending = match params.get("sortOrder") {
        None | Some("") => false,
        Some(s) if s.eq_ignore_ascii_case("ASCENDING") => false,
        Some(s) if s.eq_ignore_ascii_case("DESCENDING") => true,
        Some(_) => {
            return Err(ApiError::validation("sortOrder", "sortOrder: must be ASCENDING or DESCENDING"));
        }
    };
    let page = params.page(100, 1000)?;
    let (limit, after) = (page.limit, page.after);
    let org = lock(&st.org);
    let max_seq = org.next_log_seq;
    let mut matched = org.logs.iter().filter(|e| {
        e.published >= since_t
            && e.published < until_t
            && match (after, descending) {
                (Some(a), false) => e.seq > a,
                (Some(a), true) => e.seq < a,
                (None, _) => true,
            }
            && expr.as_ref().is_none_or(|x| filter::eval(x, &e.event))
            && (keywords.is_empty() || {
                let text = e.event.to_string().to_lowercase();
                keywords.iter().all(|k| text.contains(k.as_str()))
            })
    });
    let mut selected: Vec<(u64, Value)> = Vec::new();
    let more;
    if descending {
        let all: Vec<_> = matched.collect();
        more = all.len() > limit;
        selected = all.into_iter().rev().take(limit).map(|e| (e.seq, e.event.clone())).collect();
    } else {
        for e in matched.by_ref().take(limit) {
            selected.push((e.seq, e.event.clone()));
        }
        more = matched.next().is_some();
    }
    drop(org);
    let last = selected.last().map(|(s, _)| *s);
    let polling = !descending && until.is_none();
    let next = if polling {
        Some(last.or(after).unwrap_or(max_seq))
    } else if more {
        last
    } else {
        None
    };
    let page = selected.into_iter().map(|(_, v)| v).collect();
    Ok(list_response(&st.public, uri.path(), &params, limit, page, next.map(cursor::encode)))
}
