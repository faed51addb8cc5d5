//! HTTP handlers and shared helpers (query parameters, JSON bodies, paginated list responses).

mod admin_roles;
mod apps;
mod control;
mod devices;
mod event_hooks;
mod factors;
mod governance;
mod groups;
mod logs;
mod oauth;
mod policy;
mod routes;
mod sessions;
mod users;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::AppState;
use crate::cursor;
use crate::error::ApiError;

pub(crate) type St = axum::extract::State<Arc<AppState>>;
pub(crate) type ApiResult = Result<Response, ApiError>;

pub(crate) use governance::seed_security_reviews;
pub(crate) use routes::find as route;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    routes::router().fallback(not_found)
}

async fn not_found(uri: axum::http::Uri) -> Response {
    ApiError::new(StatusCode::NOT_FOUND, "E0000007", format!("Not found: Resource not found: {} (Path)", uri.path()))
        .into_response()
}

/// Decoded query parameters, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Self {
        Self(
            raw.map(|q| {
                url::form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
            })
            .unwrap_or_default(),
        )
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn bool(&self, key: &str, default: bool) -> bool {
        match self.get(key) {
            Some(v) if v.eq_ignore_ascii_case("true") => true,
            Some(v) if v.eq_ignore_ascii_case("false") => false,
            _ => default,
        }
    }

    /// `limit` clamped to 1..=max, `default` when absent or not a positive number.
    pub fn limit(&self, default: usize, max: usize) -> usize {
        match self.get("limit").and_then(|v| v.trim().parse::<i64>().ok()) {
            Some(n) if n > 0 => usize::try_from(n).unwrap_or(max).min(max),
            _ => default.min(max),
        }
    }

    /// The decoded `after` cursor, or a 400 when it is not one of ours.
    pub fn after(&self) -> Result<Option<u64>, ApiError> {
        match self.get("after") {
            None | Some("") => Ok(None),
            Some(c) => {
                cursor::decode(c).map(Some).ok_or_else(|| ApiError::validation("after", "after: Invalid cursor value"))
            }
        }
    }
}

/// Parse a JSON request body; malformed → E0000003.
pub(crate) fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(body).map_err(|_| ApiError::malformed_body())
}

pub(crate) fn json_response(status: StatusCode, v: Value) -> Response {
    (status, axum::Json(v)).into_response()
}

pub(crate) fn ok(v: Value) -> ApiResult {
    Ok(json_response(StatusCode::OK, v))
}

pub(crate) fn no_content() -> ApiResult {
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A page cut from `items` (ordered by ascending position) after position `after`.
pub(crate) fn page_after(items: Vec<(u64, Value)>, after: Option<u64>, limit: usize) -> (Vec<Value>, Option<u64>) {
    let mut rest = items.into_iter().filter(|(pos, _)| after.is_none_or(|a| *pos > a)).peekable();
    let mut page = Vec::new();
    let mut last = None;
    while page.len() < limit {
        match rest.next() {
            Some((pos, v)) => {
                last = Some(pos);
                page.push(v);
            }
            None => break,
        }
    }
    let next = if rest.peek().is_some() { last } else { None };
    (page, next)
}

/// A JSON array response with Okta's `link` headers (`self`, and `next` when `next` is set).
pub(crate) fn list_response(
    public: &str,
    path: &str,
    params: &Params,
    limit: usize,
    page: Vec<Value>,
    next: Option<String>,
) -> Response {
    let mut base: Vec<(String, String)> = params.0.iter().filter(|(k, _)| k != "after").cloned().collect();
    if !base.iter().any(|(k, _)| k == "limit") {
        base.push(("limit".into(), limit.to_string()));
    }
    let encode = |pairs: &[(String, String)]| {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        s.finish().replace('+', "%20")
    };
    let mut self_pairs = base.clone();
    if let Some(a) = params.get("after") {
        self_pairs.push(("after".into(), a.to_string()));
    }
    let mut resp = json_response(StatusCode::OK, Value::Array(page));
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("<{public}{path}?{}>; rel=\"self\"", encode(&self_pairs))) {
        h.append(header::LINK, v);
    }
    if let Some(n) = next {
        let mut next_pairs = base;
        next_pairs.push(("after".into(), n));
        if let Ok(v) = HeaderValue::from_str(&format!("<{public}{path}?{}>; rel=\"next\"", encode(&next_pairs))) {
            h.append(header::LINK, v);
        }
    }
    resp
}

/// Parse a filter/search expression, answering E0000031 when malformed.
pub(crate) fn parse_expr(s: &str) -> Result<crate::filter::Expr, ApiError> {
    crate::filter::parse(s).map_err(|_| ApiError::invalid_search())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pages_walk_everything_once() {
        let items: Vec<(u64, Value)> = (1..=7).map(|i| (i * 10, json!(i))).collect();
        let (p1, n1) = page_after(items.clone(), None, 3);
        assert_eq!(p1, vec![json!(1), json!(2), json!(3)]);
        assert_eq!(n1, Some(30));
        let (p2, n2) = page_after(items.clone(), n1, 3);
        assert_eq!(p2.len(), 3);
        let (p3, n3) = page_after(items.clone(), n2, 3);
        assert_eq!(p3, vec![json!(7)]);
        assert_eq!(n3, None);
        let (p4, n4) = page_after(items, None, 7);
        assert_eq!((p4.len(), n4), (7, None));
    }

    #[test]
    fn params_parse() {
        let p = Params::parse(Some("limit=5&filter=status%20eq%20%22ACTIVE%22&activate=false"));
        assert_eq!(p.limit(200, 1000), 5);
        assert_eq!(p.get("filter"), Some("status eq \"ACTIVE\""));
        assert!(!p.bool("activate", true));
        assert!(Params::parse(Some("after=zzz")).after().is_err());
    }
}
