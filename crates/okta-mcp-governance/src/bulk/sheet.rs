//! What a CSV says about access: which column names the user (an email or login), which columns are
//! entitlements (their cells may hold several values split on `;`), and which rows count (an effective-access
//! column such as `Effective_Access` = Permitted/Denied filters the rows). From that, each user's values per
//! entitlement, with what a preflight reports: rows without a user, duplicates, multi-value cells.

use std::collections::{BTreeMap, BTreeSet};

use okta_mcp_kit::ToolError;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::csv::Table;

/// How to read a CSV's columns (every field optional: detected from the header and the values). Rows count when
/// their access column says Permitted, Allowed, Granted, Yes, True, Active or Enabled.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ColumnArgs {
    /// User column (default: detected).
    pub user_column: Option<String>,
    /// Entitlement columns (default: detected).
    pub entitlement_columns: Option<Vec<String>>,
    /// Access column (default: detected).
    pub access_column: Option<String>,
}

/// Values of an access column that make a row count, by default.
const ALLOWED: &[&str] = &["permitted", "allowed", "allow", "granted", "yes", "y", "true", "1", "active", "enabled"];
/// Words of a column name that mark it as an attribute of the row, not an entitlement.
const ATTRIBUTE_WORDS: &[&str] = &[
    "id",
    "date",
    "time",
    "timestamp",
    "action",
    "event",
    "activity",
    "email",
    "mail",
    "login",
    "username",
    "user",
    "first",
    "last",
    "name",
    "department",
    "dept",
    "manager",
    "title",
    "location",
    "status",
    "type",
    "comment",
    "comments",
    "note",
    "notes",
    "reason",
    "ip",
    "effective",
    "access",
    "created",
    "updated",
    "source",
];
/// Rows, users and values listed by name at most (the rest are counted).
pub const SHOWN: usize = 25;

/// `Permission Set`, `permission_set` and `PERMISSION-SET` are one name.
pub fn norm(s: &str) -> String {
    s.trim().to_lowercase().chars().map(|c| if c == ' ' || c == '-' { '_' } else { c }).collect()
}

fn words(name: &str) -> Vec<String> {
    // camelCase and snake_case alike: AccessDate, access_date, Access Date.
    let mut spaced = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_uppercase() && prev_lower {
            spaced.push(' ');
        }
        prev_lower = c.is_lowercase();
        spaced.push(if c.is_alphanumeric() { c.to_ascii_lowercase() } else { ' ' });
    }
    spaced.split_whitespace().map(str::to_owned).collect()
}

fn looks_like_user_column(name: &str) -> bool {
    matches!(
        norm(name).as_str(),
        "email"
            | "e_mail"
            | "mail"
            | "login"
            | "username"
            | "user_name"
            | "user_email"
            | "email_address"
            | "user"
            | "user_login"
            | "upn"
    )
}

fn looks_like_access_column(name: &str) -> bool {
    matches!(
        norm(name).as_str(),
        "effective_access" | "effectiveaccess" | "access" | "access_status" | "effective" | "permitted" | "decision"
    )
}

fn is_date(v: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(v).is_ok() || chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok()
}

/// The columns of a CSV, by role.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub user: usize,
    pub entitlements: Vec<usize>,
    pub access: Option<usize>,
    /// Lower-cased values of the access column that count.
    pub allowed: Vec<String>,
    /// Columns neither user, access nor entitlement.
    pub attributes: Vec<usize>,
}

fn named(table: &Table, arg: &str, name: &str) -> Result<usize, ToolError> {
    table.column(name).ok_or_else(|| {
        ToolError::invalid_arguments(format!(
            "{arg}: the file has no column {name:?} (its columns: {})",
            table.headers.join(", ")
        ))
    })
}

impl Columns {
    /// The columns as given, else detected.
    pub fn of(table: &Table, args: &ColumnArgs) -> Result<Columns, ToolError> {
        let user = match &args.user_column {
            Some(name) => named(table, "user_column", name)?,
            None => detect_user(table).ok_or_else(|| {
                ToolError::invalid_arguments(format!(
                    "no column of user emails or logins was found (columns: {}): name it with user_column",
                    table.headers.join(", ")
                ))
            })?,
        };
        let access = match &args.access_column {
            Some(name) => Some(named(table, "access_column", name)?),
            None => table.headers.iter().position(|h| looks_like_access_column(h)),
        };
        let allowed: Vec<String> = ALLOWED.iter().map(|v| (*v).to_owned()).collect();
        let entitlements = match &args.entitlement_columns {
            Some(names) if names.is_empty() || names.len() > 50 => {
                return Err(ToolError::invalid_arguments("entitlement_columns: give 1 to 50 columns"));
            }
            Some(names) => {
                let mut out = Vec::new();
                for n in names {
                    let i = named(table, "entitlement_columns", n)?;
                    if i == user || Some(i) == access {
                        return Err(ToolError::invalid_arguments(format!(
                            "entitlement_columns: {n:?} is the user or access column"
                        )));
                    }
                    if !out.contains(&i) {
                        out.push(i);
                    }
                }
                out
            }
            None => detect_entitlements(table, user, access),
        };
        if entitlements.is_empty() {
            return Err(ToolError::invalid_arguments(format!(
                "no entitlement column was found (columns: {}): name them with entitlement_columns",
                table.headers.join(", ")
            )));
        }
        let attributes = (0..table.headers.len())
            .filter(|i| *i != user && Some(*i) != access && !entitlements.contains(i))
            .collect();
        Ok(Columns { user, entitlements, access, allowed, attributes })
    }

    /// Whether a row counts (no access column: every row).
    pub fn counts(&self, row: &[String]) -> bool {
        self.access.is_none_or(|a| row.get(a).is_some_and(|v| self.allowed.contains(&v.trim().to_lowercase())))
    }

    pub fn describe(&self, table: &Table) -> Value {
        let name = |i: usize| table.headers.get(i).cloned().unwrap_or_default();
        json!({
            "user": name(self.user),
            "entitlements": self.entitlements.iter().map(|i| name(*i)).collect::<Vec<_>>(),
            "access": self.access.map(name),
            "access_values_counted": self.access.map(|_| self.allowed.clone()),
            "other": self.attributes.iter().map(|i| name(*i)).collect::<Vec<_>>(),
        })
    }
}

fn detect_user(table: &Table) -> Option<usize> {
    if let Some(i) = table.headers.iter().position(|h| looks_like_user_column(h)) {
        return Some(i);
    }
    (0..table.headers.len()).find(|i| {
        let cells: Vec<&String> =
            table.rows.iter().filter_map(|r| r.get(*i)).filter(|c| !c.trim().is_empty()).collect();
        !cells.is_empty() && cells.iter().filter(|c| c.contains('@')).count() * 10 >= cells.len() * 8
    })
}

fn detect_entitlements(table: &Table, user: usize, access: Option<usize>) -> Vec<usize> {
    (0..table.headers.len())
        .filter(|i| *i != user && Some(*i) != access)
        .filter(|i| {
            let name_words = words(&table.headers[*i]);
            !name_words.iter().any(|w| ATTRIBUTE_WORDS.contains(&w.as_str()))
        })
        .filter(|i| {
            let cells: Vec<&str> =
                table.rows.iter().filter_map(|r| r.get(*i)).map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
            !cells.is_empty() && !cells.iter().all(|c| is_date(c) || c.contains('@'))
        })
        .collect()
}

/// The values of a cell: split on `;`, trimmed, without empties.
pub fn cell_values(cell: &str) -> Vec<&str> {
    cell.split(';').map(str::trim).filter(|v| !v.is_empty()).collect()
}

/// One user's access as the CSV states it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UserAccess {
    /// As written in the file (first row), trimmed.
    pub user: String,
    /// Data row (1-based) where the user first appears.
    pub row: usize,
    /// Counted rows of the user.
    pub rows: usize,
    /// Entitlement column → values (the file's first spelling of each).
    pub values: BTreeMap<usize, BTreeSet<String>>,
}

/// What a CSV says, read with its columns, and what a preflight notes.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// Users in file order (keyed by lower-cased user).
    pub users: Vec<UserAccess>,
    pub rows: usize,
    /// Rows the access column filtered out, by its value.
    pub filtered: BTreeMap<String, usize>,
    /// Data rows with no user.
    pub no_user: Vec<usize>,
    /// Data rows whose user is not an email or login (spaces, no `@`).
    pub bad_user: Vec<usize>,
    /// Data rows that repeat an earlier row (same user, same entitlement cells).
    pub duplicates: Vec<usize>,
    /// Cells holding several values.
    pub multi_value_cells: usize,
    /// Counted rows with no entitlement value.
    pub empty_rows: Vec<usize>,
}

impl Sheet {
    pub fn read(table: &Table, columns: &Columns) -> Sheet {
        let mut sheet = Sheet { rows: table.rows.len(), ..Sheet::default() };
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        // One spelling per value of a column: the file's first.
        let mut spelling: BTreeMap<(usize, String), String> = BTreeMap::new();
        let mut seen_rows: BTreeSet<(String, Vec<String>)> = BTreeSet::new();
        for (i, row) in table.rows.iter().enumerate() {
            let n = i + 1;
            if !columns.counts(row) {
                let v = columns.access.and_then(|a| row.get(a)).map(|v| v.trim()).unwrap_or_default();
                // Counted by value, a few values shown (a column of free text must not fill the answer).
                let key = match v {
                    "" => "(empty)".to_owned(),
                    v if sheet.filtered.len() >= 20 && !sheet.filtered.contains_key(v) => "(other values)".to_owned(),
                    v => v.chars().take(100).collect(),
                };
                *sheet.filtered.entry(key).or_default() += 1;
                continue;
            }
            let user = row.get(columns.user).map(|u| u.trim()).unwrap_or_default();
            if user.is_empty() {
                sheet.no_user.push(n);
                continue;
            }
            if user.chars().any(char::is_whitespace) || user.len() > 320 {
                sheet.bad_user.push(n);
                continue;
            }
            let key = user.to_lowercase();
            let cells: Vec<String> = columns
                .entitlements
                .iter()
                .map(|c| cell_values(row.get(*c).map(String::as_str).unwrap_or("")).join(";").to_lowercase())
                .collect();
            if !seen_rows.insert((key.clone(), cells)) {
                sheet.duplicates.push(n);
                continue;
            }
            let at = *index.entry(key).or_insert_with(|| {
                sheet.users.push(UserAccess { user: user.to_owned(), row: n, rows: 0, values: BTreeMap::new() });
                sheet.users.len() - 1
            });
            let mut any = false;
            if let Some(u) = sheet.users.get_mut(at) {
                u.rows += 1;
            }
            for c in &columns.entitlements {
                let values = cell_values(row.get(*c).map(String::as_str).unwrap_or(""));
                if values.len() > 1 {
                    sheet.multi_value_cells += 1;
                }
                for v in values {
                    any = true;
                    let v = spelling.entry((*c, v.to_lowercase())).or_insert_with(|| v.to_owned()).clone();
                    if let Some(u) = sheet.users.get_mut(at) {
                        u.values.entry(*c).or_default().insert(v);
                    }
                }
            }
            if !any {
                sheet.empty_rows.push(n);
            }
        }
        sheet
    }

    /// Entitlement column → value → users who get it.
    pub fn value_counts(&self) -> BTreeMap<usize, BTreeMap<String, usize>> {
        let mut out: BTreeMap<usize, BTreeMap<String, usize>> = BTreeMap::new();
        for u in &self.users {
            for (c, values) in &u.values {
                for v in values {
                    *out.entry(*c).or_default().entry(v.clone()).or_default() += 1;
                }
            }
        }
        out
    }

    /// Whether some user gets several values of the column (the entitlement is multi-valued).
    pub fn multi_valued(&self, column: usize) -> bool {
        self.users.iter().any(|u| u.values.get(&column).is_some_and(|v| v.len() > 1))
    }

    /// The preflight's notes on the rows, bounded.
    pub fn notes(&self) -> Value {
        let rows = |v: &[usize]| json!({"count": v.len(), "rows": v.iter().take(SHOWN).collect::<Vec<_>>()});
        json!({
            "rows": self.rows,
            "rows_filtered_out": self.filtered,
            "rows_without_user": rows(&self.no_user),
            "rows_with_bad_user": rows(&self.bad_user),
            "duplicate_rows": rows(&self.duplicates),
            "rows_without_values": rows(&self.empty_rows),
            "multi_value_cells": self.multi_value_cells,
            "users": self.users.len(),
            "users_with_several_rows": self.several_rows(),
        })
    }

    fn several_rows(&self) -> usize {
        self.users.iter().filter(|u| u.rows > 1).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "Email,User_ID,Access_Date,Action_Type,Role,Permission_Set,Effective_Access\n\
        a@x.com,U1,2025-01-10T09:00:00Z,LOGIN,Admin,SYSTEM_ADMIN,Permitted\n\
        A@x.com,U1,2025-01-12T09:00:00Z,DELETE,Admin; Manager,DATA_DELETE,Permitted\n\
        a@x.com,U1,2025-01-12T09:00:00Z,DELETE,admin;manager,data_delete,Permitted\n\
        b@x.com,U2,2025-01-10T09:00:00Z,READ,,CONTENT_EDIT,Denied\n\
        b@x.com,U2,2025-01-10T09:00:00Z,READ,Viewer,READ_ONLY,permitted\n\
        ,U3,2025-01-10T09:00:00Z,READ,Viewer,READ_ONLY,Permitted\n";

    fn sheet() -> (Table, Columns, Sheet) {
        let table = Table::parse(CSV, 100).unwrap_or_else(|e| panic!("{e}"));
        let columns = Columns::of(&table, &ColumnArgs::default()).unwrap_or_else(|e| panic!("{e}"));
        let sheet = Sheet::read(&table, &columns);
        (table, columns, sheet)
    }

    #[test]
    fn columns_are_detected() {
        let (table, columns, _) = sheet();
        assert_eq!(
            columns.describe(&table),
            json!({"user": "Email", "entitlements": ["Role", "Permission_Set"], "access": "Effective_Access",
                   "access_values_counted": ALLOWED, "other": ["User_ID", "Access_Date", "Action_Type"]})
        );
        let named = ColumnArgs { entitlement_columns: Some(vec!["role".into()]), ..ColumnArgs::default() };
        assert_eq!(Columns::of(&table, &named).map(|c| c.entitlements).ok(), Some(vec![4]));
        let wrong = ColumnArgs { user_column: Some("Mail".into()), ..ColumnArgs::default() };
        assert!(Columns::of(&table, &wrong).is_err_and(|e| e.to_string().contains("no column \"Mail\"")));
        let same = ColumnArgs { entitlement_columns: Some(vec!["Email".into()]), ..ColumnArgs::default() };
        assert!(Columns::of(&table, &same).is_err());
    }

    #[test]
    fn users_get_the_values_of_counted_rows() {
        let (_, _, sheet) = sheet();
        assert_eq!(sheet.users.len(), 2);
        let a = &sheet.users[0];
        assert_eq!(a.user, "a@x.com");
        assert_eq!(a.values[&4].iter().collect::<Vec<_>>(), ["Admin", "Manager"], "split on ; and one spelling");
        assert_eq!(a.values[&5].iter().collect::<Vec<_>>(), ["DATA_DELETE", "SYSTEM_ADMIN"]);
        assert_eq!(sheet.users[1].values[&5].iter().collect::<Vec<_>>(), ["READ_ONLY"], "the denied row is out");
        assert_eq!(sheet.filtered.get("Denied"), Some(&1));
        assert_eq!(sheet.duplicates, [3]);
        assert_eq!(sheet.no_user, [6]);
        assert_eq!(sheet.multi_value_cells, 1);
        assert!(sheet.multi_valued(4));
        assert_eq!(sheet.value_counts()[&5]["READ_ONLY"], 1);
    }

    #[test]
    fn names_normalise_and_split_into_words() {
        assert_eq!(norm(" Permission Set"), norm("permission_set"));
        assert_eq!(words("AccessDate"), ["access", "date"]);
        assert_eq!(words("Permission_Set"), ["permission", "set"]);
        assert_eq!(cell_values(" a ;; b;"), ["a", "b"]);
    }
}
