//! Arguments every server's tools share: paging arguments of list tools, ids validated as path parameters,
//! small argument checks.

use okta_core::{ApiPath, Cursor, Keep, OktaError, Operation, Page, Query};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::context::ToolContext;
use crate::error::ToolError;
use crate::output::{Field, ListView, ToolOutput, columns, list_output, table_output};

/// The arguments of a tool that takes none.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct NoArgs {}

/// Paging and shape arguments of every list tool.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ListArgs {
    /// Page size (max 200).
    pub limit: Option<u32>,
    /// next_cursor from the previous answer.
    pub cursor: Option<String>,
    /// Extra fields (dot paths).
    pub fields: Option<Vec<String>>,
    /// Full objects.
    pub detail: Option<bool>,
}

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;
pub const MAX_DETAIL_LIMIT: u32 = 50;

impl ListArgs {
    /// The largest page this call may ask for (smaller with `detail`).
    pub fn max_limit(&self) -> u32 {
        if self.detail() { MAX_DETAIL_LIMIT } else { MAX_LIMIT }
    }

    pub fn limit(&self) -> Result<u32, ToolError> {
        let max = self.max_limit();
        match self.limit {
            None => Ok(DEFAULT_LIMIT.min(max)),
            Some(0) => Err(ToolError::invalid_arguments("limit must be at least 1")),
            Some(n) if n > max => Err(ToolError::invalid_arguments(format!(
                "limit {n} is above the maximum of {max}{}; page with next_cursor instead",
                if self.detail() { " with detail" } else { "" }
            ))),
            Some(n) => Ok(n),
        }
    }

    pub fn detail(&self) -> bool {
        self.detail.unwrap_or(false)
    }

    pub fn view(&self) -> Result<ListView, ToolError> {
        let fields = self.fields.clone().unwrap_or_default();
        if let Some(bad) = fields.iter().find(|f| f.is_empty() || f.len() > 100 || f.contains(char::is_whitespace)) {
            return Err(ToolError::invalid_arguments(format!("invalid field path `{bad}`")));
        }
        if fields.len() > 20 {
            return Err(ToolError::invalid_arguments("at most 20 extra fields"));
        }
        Ok(ListView { fields, detail: self.detail() })
    }

    /// Fetch one page of the list `op`: from the cursor when given (it must be one of this list's; its page size
    /// is held to this call's cap, see [`resume`]), else the first page.
    pub async fn page(
        &self,
        ctx: &ToolContext,
        op: &Operation,
        params: &[&str],
        query: Query,
    ) -> Result<Page<Value>, ToolError> {
        self.page_of(ctx, op, params, query, None).await
    }

    /// [`ListArgs::page`], with each item as its row of `keep`'s columns when given.
    async fn page_of(
        &self,
        ctx: &ToolContext,
        op: &Operation,
        params: &[&str],
        query: Query,
        keep: Option<&Keep>,
    ) -> Result<Page<Value>, ToolError> {
        let limit = self.limit()?;
        match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(cursor) => {
                let path = ctx.okta.list_path(op, params)?;
                let cursor = resume(cursor, &path, self.limit.map(|_| limit), self.max_limit())?;
                match keep {
                    Some(keep) => ctx.okta.get_page_at_rows(&cursor.encode(), op, params, keep).await,
                    None => ctx.okta.get_page_at(&cursor.encode(), op, params).await,
                }
            }
            None => {
                let query = query.push("limit", limit);
                match keep {
                    Some(keep) => ctx.okta.get_page_rows(op, params, &query, keep).await,
                    None => ctx.okta.get_page(op, params, &query).await,
                }
            }
        }
    }

    /// Fetch a page and shape it with the compact fields.
    pub async fn list(
        &self,
        ctx: &ToolContext,
        op: &Operation,
        params: &[&str],
        query: Query,
        fields: &[Field],
    ) -> Result<ToolOutput, ToolError> {
        let view = self.view()?;
        if view.detail {
            let page = self.page_of(ctx, op, params, query, None).await?;
            return Ok(list_output(page.items, fields, &view, page.next));
        }
        // Columns read only their fields: each item is decoded straight into its row, the rest never built.
        let paths = columns(fields, &view);
        let keep = Keep::columns(paths.iter().copied());
        let page = self.page_of(ctx, op, params, query, Some(&keep)).await?;
        Ok(table_output(fields, &view, page.items, page.next))
    }
}

/// A caller's `cursor` for the list `path`, validated before anything is sent (a cursor of another list, a URL or
/// anything malformed is an argument error) and held to the tool's page cap: a `limit` given with it (already
/// checked against `cap`) replaces the cursor's, and a cursor asking for more than `cap` gets `cap`.
pub fn resume(cursor: &str, path: &ApiPath, limit: Option<u32>, cap: u32) -> Result<Cursor, ToolError> {
    let cursor = Cursor::decode(cursor, path).map_err(|e| match e {
        OktaError::CursorRejected { reason } => ToolError::invalid_arguments(format!("cursor: {reason}")),
        other => ToolError::Okta(other),
    })?;
    Ok(match limit {
        Some(n) => cursor.with_limit(n.min(cap)),
        None => cursor.capped(cap),
    })
}

/// Build an API path, turning a rejected id into an argument error (nothing is sent).
pub(crate) fn path(template: &'static str, params: &[&str]) -> Result<ApiPath, ToolError> {
    ApiPath::new(template, params).map_err(|e| match e {
        OktaError::InvalidInput { field, reason } => {
            let value = params.iter().find(|p| ApiPath::new("/{id}", &[p]).is_err()).copied().unwrap_or_default();
            ToolError::invalid_arguments(format!("{value:?} cannot be used as {field}: {reason}"))
        }
        other => ToolError::Okta(other),
    })
}

/// Validate an id argument on its own (before any request), with the same rules as path parameters.
pub fn check_id(name: &str, value: &str) -> Result<(), ToolError> {
    ApiPath::new("/{id}", &[value]).map(drop).map_err(|e| match e {
        OktaError::InvalidInput { reason, .. } => {
            ToolError::invalid_arguments(format!("{value:?} cannot be used as {name}: {reason}"))
        }
        other => ToolError::Okta(other),
    })
}

/// A text argument (a name, a description): 1 to `max` printable characters once trimmed; the trimmed text.
pub fn text<'a>(arg: &str, value: &'a str, max: usize) -> Result<&'a str, ToolError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(ToolError::invalid_arguments(format!("{arg} must be 1 to {max} printable characters")));
    }
    Ok(v)
}

/// An optional, non-empty string argument.
pub fn non_empty<'a>(name: &str, value: Option<&'a str>) -> Result<Option<&'a str>, ToolError> {
    match value {
        Some(v) if v.trim().is_empty() => Err(ToolError::invalid_arguments(format!("{name} must not be empty"))),
        other => Ok(other),
    }
}

/// A string field of an Okta object, or an error naming it.
pub fn str_field<'a>(value: &'a Value, key: &str) -> Result<&'a str, ToolError> {
    value.get(key).and_then(Value::as_str).ok_or_else(|| ToolError::refused(format!("Okta's answer has no `{key}`")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!(ListArgs::default().limit().ok(), Some(50));
        assert!(ListArgs { limit: Some(0), ..Default::default() }.limit().is_err());
        assert!(ListArgs { limit: Some(201), ..Default::default() }.limit().is_err());
        assert_eq!(ListArgs { limit: Some(200), ..Default::default() }.limit().ok(), Some(200));
        assert!(ListArgs { limit: Some(60), detail: Some(true), ..Default::default() }.limit().is_err());
    }

    #[test]
    fn cursors_are_held_to_the_cap() {
        let users = okta_core::ApiPath::new("/api/v1/users", &[]).unwrap_or_else(|e| panic!("{e}"));
        let big = Cursor::new(&users, Query::new().push("after", "00u1").push("limit", 200)).encode();
        let limit = |c: Result<Cursor, ToolError>| c.ok().and_then(|c| c.limit());
        assert_eq!(limit(resume(&big, &users, None, 50)), Some(50));
        assert_eq!(limit(resume(&big, &users, None, 200)), Some(200));
        assert_eq!(limit(resume(&big, &users, Some(10), 50)), Some(10));
        let groups = okta_core::ApiPath::new("/api/v1/groups", &[]).unwrap_or_else(|e| panic!("{e}"));
        let err = resume(&big, &groups, None, 200).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("invalid arguments: cursor"), "{err}");
        assert!(resume("https://foo.okta.com/api/v1/users?after=1", &users, None, 200).is_err());
    }

    #[test]
    fn bad_ids_name_the_argument_and_value() {
        let error = check_id("group_id", "../x").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("\"../x\" cannot be used as group_id"), "{error}");
        assert!(path("/api/v1/users/{id}", &["a/b"]).is_err());
        assert_eq!(text("name", "  Finance  ", 10).ok(), Some("Finance"));
        assert!(text("name", " ", 10).is_err() && text("name", "a\nb", 10).is_err() && text("name", "abc", 2).is_err());
        assert!(path("/api/v1/users/{id}", &["alice@example.com"]).is_ok());
    }
}
