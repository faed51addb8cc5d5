//! Okta's lists, for every domain: the query (`limit`, the opaque `after` cursor, filter expressions), the page cut
//! after the cursor, and the two answers Okta gives: a JSON array with `Link` headers (`/api/v1`), or a
//! `{data, _links}` object with a `Link` header for the next page (`/governance/api`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::json_response;
use crate::cursor;
use crate::error::ApiError;
use crate::filter::{self, Expr};

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

impl Params {
    /// The page a list request asks for: `limit` clamped to 1..=max (`default` when absent), and the `after`
    /// cursor (400 when it is not one of ours).
    pub fn page(&self, default: usize, max: usize) -> Result<Page<'_>, ApiError> {
        let limit = self.limit(default, max);
        Ok(Page { params: self, limit, after: self.after()? })
    }

    /// The filter expression in parameter `key` (`filter`, `search`), none when absent or empty, E0000031 when
    /// malformed.
    pub fn expr(&self, key: &str) -> Result<Option<Expr>, ApiError> {
        self.get(key).filter(|s| !s.is_empty()).map(parse_expr).transpose()
    }

    /// Like [`Params::expr`], and a blank expression is none too (the governance APIs).
    pub fn expr_unless_blank(&self, key: &str) -> Result<Option<Expr>, ApiError> {
        self.get(key).filter(|s| !s.trim().is_empty()).map(parse_expr).transpose()
    }

    /// The query of a `Link`: the parameters but `after` (and `limit`, when `limit_last`), then `limit`
    /// (when `limit_last` or absent), then `after` when given.
    fn link_query(&self, limit: usize, limit_last: bool, after: Option<&str>) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.0.iter().filter(|(k, _)| k != "after" && (k != "limit" || !limit_last)) {
            s.append_pair(k, v);
        }
        if limit_last || self.get("limit").is_none() {
            s.append_pair("limit", &limit.to_string());
        }
        if let Some(a) = after {
            s.append_pair("after", a);
        }
        s.finish().replace('+', "%20")
    }
}

/// Parse a filter/search expression, answering E0000031 when malformed.
pub(crate) fn parse_expr(s: &str) -> Result<Expr, ApiError> {
    filter::parse(s).map_err(|_| ApiError::invalid_search())
}

/// The page a list request asks for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page<'a> {
    pub params: &'a Params,
    pub limit: usize,
    /// The position the page starts after.
    pub after: Option<u64>,
}

impl Page<'_> {
    /// Okta's `/api/v1` answer: the page of `items` (ascending positions) as a JSON array, with `Link` headers.
    pub fn links(&self, public: &str, path: &str, items: Vec<(u64, Value)>) -> Response {
        let (page, next) = self.cut(items);
        list_response(public, path, self.params, self.limit, page, next.map(cursor::encode))
    }

    /// The governance APIs' answer: the page of `items` as `{data, _links}` (and `metadata.total` where Okta
    /// sends it), with `_links.next` and a `Link` header when there is more.
    pub fn data(&self, public: &str, path: &str, items: Vec<(u64, Value)>, total: Option<usize>) -> Response {
        self.data_cut(public, path, self.cut(items), total)
    }

    /// The page of `items` (ascending positions), and the position of its last item when more follow.
    pub fn cut(&self, items: Vec<(u64, Value)>) -> (Vec<Value>, Option<u64>) {
        page_after(items, self.after, self.limit)
    }

    /// [`Page::data`] of a page already cut (and rendered).
    pub fn data_cut(
        &self,
        public: &str,
        path: &str,
        (page, next): (Vec<Value>, Option<u64>),
        total: Option<usize>,
    ) -> Response {
        let mut body = json!({"data": page});
        if let Some(total) = total {
            body["metadata"] = json!({"total": total});
        }
        self.data_body(public, path, body, next)
    }

    /// `body` with the `_links` of this page (`next` after position `next`), and the `Link` header of the next page.
    pub fn data_body(&self, public: &str, path: &str, mut body: Value, next: Option<u64>) -> Response {
        let href = |after: Option<&str>| format!("{public}{path}?{}", self.params.link_query(self.limit, true, after));
        let mut links = json!({"self": {"href": href(self.params.get("after"))}});
        let next_href = next.map(|n| href(Some(&cursor::encode(n))));
        if let Some(n) = &next_href {
            links["next"] = json!({"href": n});
        }
        body["_links"] = links;
        let mut resp = json_response(StatusCode::OK, body);
        if let Some(v) = next_href.and_then(|n| HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")).ok()) {
            resp.headers_mut().append(header::LINK, v);
        }
        resp
    }
}

/// Items matching `expr`, each with its 1-based position in `items` (the cursor of the page that ends there).
pub(crate) fn positioned(items: Vec<Value>, expr: Option<&Expr>) -> Vec<(u64, Value)> {
    items
        .into_iter()
        .enumerate()
        .filter(|(_, v)| expr.is_none_or(|e| filter::eval(e, v)))
        .map(|(i, v)| (i as u64 + 1, v))
        .collect()
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
    let mut resp = json_response(StatusCode::OK, Value::Array(page));
    let h = resp.headers_mut();
    let self_link = format!("<{public}{path}?{}>; rel=\"self\"", params.link_query(limit, false, params.get("after")));
    if let Ok(v) = HeaderValue::from_str(&self_link) {
        h.append(header::LINK, v);
    }
    if let Some(n) = next {
        let next_link = format!("<{public}{path}?{}>; rel=\"next\"", params.link_query(limit, false, Some(&n)));
        if let Ok(v) = HeaderValue::from_str(&next_link) {
            h.append(header::LINK, v);
        }
    }
    resp
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
