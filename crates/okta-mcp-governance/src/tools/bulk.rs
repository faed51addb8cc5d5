//! The bulk toolset: CSV files of access (from `OKTA_MCP_CSV_DIR`, or S3 in builds with S3 support) turned into
//! an app's entitlements and its users' grants, in three calls: analyze, prepare the entitlements, apply the
//! grants; with a preflight, paged reading, and batch tools for the same steps on explicit lists. The work is in
//! `crate::bulk`.

use futures::StreamExt;
use okta_mcp_kit::{Access, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::app_arg;
use crate::bulk::apply::{apply, resolve_user};
use crate::bulk::batch::{assign_users, create_grants, find_users};
use crate::bulk::csv::Table;
use crate::bulk::meter::{Meter, concurrency};
use crate::bulk::prepare::prepare;
use crate::bulk::sheet::SHOWN;
use crate::bulk::target::match_app;
use crate::bulk::{FileArgs, MAX_ROWS, load, read_text, source};
use crate::tools::entitlements::app_catalog;

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_csv_files",
                title: "List CSV files",
                description: "CSV files the server may read.",
                access: Access::Read,
                toolset: "bulk",
                operations: &[],
            },
            list_csv_files,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_read_csv",
                title: "Read CSV",
                description: "Rows of a CSV file, a page at a time.",
                access: Access::Read,
                toolset: "bulk",
                operations: &[],
            },
            read_csv,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_validate_csv",
                title: "Validate CSV",
                description: "Preflight of an access CSV: columns, users in Okta or not, duplicates, \
                    multi-value cells, rows the access column filters out.",
                access: Access::Read,
                toolset: "bulk",
                operations: &[ops::GET_USER],
            },
            validate_csv,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_analyze_csv",
                title: "Analyze CSV",
                description: "An access CSV's entitlement columns, values and users per value, against \
                    the app's.",
                access: Access::Read,
                toolset: "bulk",
                operations: &[ops::LIST_ENTITLEMENTS, ops::LIST_ENTITLEMENT_VALUES],
            },
            analyze_csv,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_prepare_entitlements",
                title: "Prepare entitlements",
                description: "Create the entitlements and values of an access CSV the app lacks; dry_run \
                    shows them.",
                access: Access::Write,
                toolset: "bulk",
                operations: &[
                    ops::LIST_ENTITLEMENTS,
                    ops::LIST_ENTITLEMENT_VALUES,
                    ops::CREATE_ENTITLEMENT,
                    ops::UPDATE_ENTITLEMENT,
                ],
            },
            prepare,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_apply_grants",
                title: "Apply grants",
                description: "Assign an access CSV's users to the app and grant the values each lacks \
                    (idempotent; an interrupted run resumes when called again).",
                access: Access::Write,
                toolset: "bulk",
                operations: &[
                    ops::GET_USER,
                    ops::LIST_ENTITLEMENTS,
                    ops::LIST_ENTITLEMENT_VALUES,
                    ops::LIST_APPLICATION_USERS,
                    ops::GET_APPLICATION_USER,
                    ops::ASSIGN_USER_TO_APPLICATION,
                    ops::GET_PRINCIPAL_ENTITLEMENTS,
                    ops::LIST_GRANTS,
                    ops::CREATE_GRANT,
                ],
            },
            apply,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_batch_find_users",
                title: "Batch find users",
                description: "Find users by id or login, one answer each.",
                access: Access::Read,
                toolset: "bulk",
                operations: &[ops::GET_USER],
            },
            find_users,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_batch_assign_users",
                title: "Batch assign users",
                description: "Assign users to an app, one answer each.",
                access: Access::Write,
                toolset: "bulk",
                operations: &[ops::GET_USER, ops::GET_APPLICATION_USER, ops::ASSIGN_USER_TO_APPLICATION],
            },
            assign_users,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_batch_create_grants",
                title: "Batch create grants",
                description: "Grant users entitlement values of an app, one answer each.",
                access: Access::Write,
                toolset: "bulk",
                operations: &[
                    ops::GET_USER,
                    ops::LIST_ENTITLEMENTS,
                    ops::LIST_ENTITLEMENT_VALUES,
                    ops::GET_PRINCIPAL_ENTITLEMENTS,
                    ops::CREATE_GRANT,
                ],
            },
            create_grants,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListFilesArgs {
    /// Subfolder, or an s3:// prefix.
    under: Option<String>,
    /// Files (1-500, default 200).
    limit: Option<u32>,
}

async fn list_csv_files(_ctx: ToolContext, args: ListFilesArgs) -> Result<ToolOutput, ToolError> {
    let limit = args.limit.unwrap_or(200);
    if !(1..=500).contains(&limit) {
        return Err(ToolError::invalid_arguments("limit must be 1 to 500"));
    }
    let (files, more) = source::list(args.under.as_deref(), limit as usize).await?;
    Ok(ToolOutput::json(json!({
        "locations": source::locations(),
        "count": files.len(),
        "more": more,
        "files": files.iter().map(source::Entry::to_json).collect::<Vec<_>>(),
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReadArgs {
    /// CSV in OKTA_MCP_CSV_DIR, or s3://bucket/key.
    file: String,
    /// Rows (1-200, default 50).
    limit: Option<u32>,
    /// next_cursor of the previous page.
    cursor: Option<String>,
}

/// Characters of one cell shown at most.
const CELL_SHOWN: usize = 200;
/// A page stops growing past this many characters.
const PAGE_CHARS: usize = 64 * 1024;

/// A cursor: the next row and the file it belongs to (its digest's start), so a changed file is noticed.
fn cursor_of(row: usize, digest: &str) -> String {
    format!("{row}.{}", &digest[..12.min(digest.len())])
}

fn parse_cursor(cursor: &str, digest: &str) -> Result<usize, ToolError> {
    let (row, of) = cursor
        .split_once('.')
        .ok_or_else(|| ToolError::invalid_arguments("cursor: pass next_cursor back as it came"))?;
    let row: usize =
        row.parse().map_err(|_| ToolError::invalid_arguments("cursor: pass next_cursor back as it came"))?;
    if !digest.starts_with(of) || of.is_empty() {
        return Err(ToolError::refused("the file changed since that cursor was made: read it again from the start"));
    }
    Ok(row)
}

async fn read_csv(_ctx: ToolContext, args: ReadArgs) -> Result<ToolOutput, ToolError> {
    let limit = args.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ToolError::invalid_arguments("limit must be 1 to 200"));
    }
    let text = read_text(&args.file).await?;
    let digest = crate::bulk::hex(&<sha2::Sha256 as sha2::Digest>::digest(text.as_bytes()));
    let start = match args.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => parse_cursor(c, &digest)?,
        None => 0,
    };
    let table = Table::parse(&text, MAX_ROWS).map_err(|e| ToolError::refused(format!("{:?}: {e}", args.file)))?;
    let mut rows = Vec::new();
    let mut chars = 0usize;
    let mut next = start;
    for row in table.rows.iter().skip(start).take(limit as usize) {
        let shown: Vec<String> = row
            .iter()
            .map(|c| {
                if c.chars().count() > CELL_SHOWN {
                    format!("{}…", c.chars().take(CELL_SHOWN).collect::<String>())
                } else {
                    c.clone()
                }
            })
            .collect();
        chars += shown.iter().map(String::len).sum::<usize>();
        rows.push(shown);
        next += 1;
        if chars > PAGE_CHARS {
            break;
        }
    }
    let mut out = json!({
        "file": args.file.trim(),
        "columns": table.headers,
        "first_row": start + 1,
        "rows": rows,
        "total_rows": table.rows.len(),
    });
    if next < table.rows.len() {
        out["next_cursor"] = json!(cursor_of(next, &digest));
    }
    Ok(ToolOutput::json(out))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ValidateArgs {
    #[serde(flatten)]
    file: FileArgs,
    /// Look the users up in Okta (default true).
    check_users: Option<bool>,
}

/// Users looked up by a preflight at most.
const MAX_CHECKED: usize = 20_000;

/// A user looked up: id and user, or why not.
type Lookup = Result<(String, Value), String>;

async fn check_user(ctx: &ToolContext, row: usize, user: String, meter: &Meter) -> (usize, Lookup) {
    (row, resolve_user(ctx, &user, meter).await)
}

async fn validate_csv(ctx: ToolContext, args: ValidateArgs) -> Result<ToolOutput, ToolError> {
    let loaded = load(&args.file).await?;
    let mut out = json!({
        "file": loaded.file,
        "columns": loaded.columns.describe(&loaded.table),
        "checks": loaded.sheet.notes(),
    });
    let s = &loaded.sheet;
    let mut problems = s.no_user.len() + s.bad_user.len();
    if args.check_users.unwrap_or(true) {
        if s.users.len() > MAX_CHECKED {
            return Err(ToolError::refused(format!(
                "{} users: at most {MAX_CHECKED} are looked up; pass check_users false",
                s.users.len()
            )));
        }
        let meter = Meter::new();
        let found: Vec<(usize, Lookup)> = futures::stream::iter(
            s.users
                .iter()
                .map(|u| (u.row, u.user.clone()))
                .collect::<Vec<_>>()
                .into_iter()
                .map(|(row, user)| check_user(&ctx, row, user, &meter)),
        )
        .buffered(concurrency(&ctx.okta))
        .collect()
        .await;
        let mut missing = Vec::new();
        let mut inactive = Vec::new();
        let mut ok = 0usize;
        for ((row, result), u) in found.iter().zip(s.users.iter()) {
            match result {
                Ok((id, user)) => {
                    ok += 1;
                    let status = user.get("status").and_then(Value::as_str).unwrap_or("ACTIVE");
                    if status != "ACTIVE" {
                        inactive.push(json!({"user": u.user, "row": row, "id": id, "status": status}));
                    }
                }
                Err(reason) => missing.push(json!({"user": u.user, "row": row, "reason": reason})),
            }
        }
        problems += missing.len();
        out["okta_users"] = json!({
            "found": ok,
            "not_found": {"count": missing.len(), "users": missing.iter().take(SHOWN).collect::<Vec<_>>()},
            "not_active": {"count": inactive.len(), "users": inactive.iter().take(SHOWN).collect::<Vec<_>>()},
        });
        out["requests"] = json!(meter.requests());
    }
    out["ready"] = json!(problems == 0 && !s.users.is_empty());
    Ok(ToolOutput::json(out))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AnalyzeArgs {
    #[serde(flatten)]
    file: FileArgs,
    /// App id or ORN to compare with.
    app: Option<String>,
}

async fn analyze_csv(ctx: ToolContext, args: AnalyzeArgs) -> Result<ToolOutput, ToolError> {
    let app = args.app.as_deref().map(app_arg).transpose()?;
    let loaded = load(&args.file).await?;
    let mut out = json!({
        "file": loaded.file,
        "columns": loaded.columns.describe(&loaded.table),
        "users": loaded.sheet.users.len(),
        "rows": loaded.sheet.rows,
        "rows_filtered_out": loaded.sheet.filtered,
    });
    match app {
        Some(app) => {
            let catalog = app_catalog(&ctx, &app).await?;
            let targets = match_app(&loaded, &catalog);
            let to_create = targets.iter().filter(|t| t.entitlement.is_none()).count();
            let values_missing: usize = targets.iter().map(|t| t.missing().count()).sum();
            out["app"] = json!(app);
            out["entitlements"] = targets.iter().map(|t| t.to_json()).collect();
            out["next"] = json!(if to_create + values_missing == 0 {
                "the app has every entitlement and value: okta_iga_apply_grants grants them".to_owned()
            } else {
                format!(
                    "{to_create} entitlement(s) and {values_missing} value(s) are missing in the app: \
                     okta_iga_prepare_entitlements creates them (dry_run first)"
                )
            });
        }
        None => {
            let counts = loaded.sheet.value_counts();
            let columns: Vec<Value> = loaded
                .columns
                .entitlements
                .iter()
                .map(|c| {
                    let mut values: Vec<(&String, &usize)> = counts.get(c).into_iter().flatten().collect();
                    values.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
                    json!({
                        "column": loaded.header(*c),
                        "multi_value_in_csv": loaded.sheet.multi_valued(*c),
                        "distinct_values": values.len(),
                        "values": values.iter().take(100).map(|(v, n)| json!({"value": v, "users": n})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            out["entitlements"] = json!(columns);
            out["next"] = json!("give app to compare with what the app already has");
        }
    }
    Ok(ToolOutput::json(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_name_their_file() {
        let c = cursor_of(50, "abcdef0123456789");
        assert_eq!(parse_cursor(&c, "abcdef0123456789ffff").ok(), Some(50));
        assert!(parse_cursor(&c, "0000").is_err_and(|e| e.to_string().contains("changed")));
        assert!(parse_cursor("x", "abc").is_err());
        assert!(parse_cursor("5.", "abc").is_err());
    }
}
