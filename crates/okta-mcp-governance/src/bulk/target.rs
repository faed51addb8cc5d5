//! A CSV's entitlement columns against what an app has: each column is an entitlement of the app when its
//! header is the entitlement's name or external value (`Permission_Set` = `Permission Set`), and each value in
//! the file is a value of that entitlement when it is the value's name or external value (case-insensitive).

use serde_json::{Value, json};

use super::Loaded;
use super::sheet::norm;
use crate::tools::entitlements::{AppCatalog, AppValue};

/// Values listed per column at most (the rest are counted).
const VALUES_SHOWN: usize = 100;

/// An app entitlement a column stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    pub id: String,
    pub name: String,
    pub multi: bool,
}

/// One value of a column: as the file writes it, how many users get it, and the app's value when there is one.
#[derive(Debug, Clone)]
pub struct ColumnValue {
    pub value: String,
    pub users: usize,
    pub in_app: Option<AppValue>,
}

/// One entitlement column against the app.
#[derive(Debug, Clone)]
pub struct ColumnTarget {
    pub column: usize,
    pub header: String,
    pub entitlement: Option<Existing>,
    /// Some user gets several values of the column.
    pub multi_in_csv: bool,
    /// Most users first.
    pub values: Vec<ColumnValue>,
}

impl ColumnTarget {
    pub fn missing(&self) -> impl Iterator<Item = &ColumnValue> {
        self.values.iter().filter(|v| v.in_app.is_none())
    }

    /// The app's value for `value` of this column.
    pub fn app_value(&self, value: &str) -> Option<&AppValue> {
        self.values.iter().find(|v| v.value == value).and_then(|v| v.in_app.as_ref())
    }

    pub fn to_json(&self) -> Value {
        let missing = self.missing().count();
        let shown: Vec<Value> = self
            .values
            .iter()
            .take(VALUES_SHOWN)
            .map(|v| json!({"value": v.value, "users": v.users, "in_app": v.in_app.as_ref().map(|a| &a.id)}))
            .collect();
        let mut out = json!({
            "column": self.header,
            "entitlement": self.entitlement.as_ref().map(|e| json!({"id": e.id, "name": e.name, "multiValue": e.multi})),
            "multi_value_in_csv": self.multi_in_csv,
            "distinct_values": self.values.len(),
            "values_in_app": self.values.len() - missing,
            "values_missing": missing,
            "values": shown,
        });
        if self.values.len() > VALUES_SHOWN {
            out["values_not_shown"] = json!(self.values.len() - VALUES_SHOWN);
        }
        if let Some(e) = &self.entitlement
            && !e.multi
            && self.multi_in_csv
        {
            out["warning"] = json!(format!(
                "{} is single-valued in the app, but some users get several values in the file: only users with one \
                 value can be granted",
                e.name
            ));
        }
        out
    }
}

/// The loaded file's entitlement columns against `catalog`.
pub fn match_app(loaded: &Loaded, catalog: &AppCatalog) -> Vec<ColumnTarget> {
    let counts = loaded.sheet.value_counts();
    loaded
        .columns
        .entitlements
        .iter()
        .map(|c| {
            let header = loaded.header(*c).to_owned();
            let entitlement = catalog
                .entitlements
                .iter()
                .find(|e| {
                    let s = |k: &str| e.get(k).and_then(Value::as_str).map(norm);
                    s("name").as_deref() == Some(&norm(&header))
                        || s("externalValue").as_deref() == Some(&norm(&header))
                })
                .map(|e| Existing {
                    id: e.get("id").and_then(Value::as_str).unwrap_or_default().to_owned(),
                    name: e.get("name").and_then(Value::as_str).unwrap_or_default().to_owned(),
                    multi: e.get("multiValue") == Some(&Value::Bool(true)),
                });
            let mut values: Vec<ColumnValue> = counts
                .get(c)
                .into_iter()
                .flatten()
                .map(|(value, users)| {
                    let in_app = entitlement.as_ref().and_then(|e| {
                        catalog
                            .values
                            .iter()
                            .find(|v| {
                                v.entitlement_id == e.id
                                    && (v.name.eq_ignore_ascii_case(value) || v.external.eq_ignore_ascii_case(value))
                            })
                            .cloned()
                    });
                    ColumnValue { value: value.clone(), users: *users, in_app }
                })
                .collect();
            values.sort_by(|a, b| b.users.cmp(&a.users).then_with(|| a.value.cmp(&b.value)));
            ColumnTarget { column: *c, header, entitlement, multi_in_csv: loaded.sheet.multi_valued(*c), values }
        })
        .collect()
}
