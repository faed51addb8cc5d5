//! Governance labels (`/governance/api/v1/labels`: a label such as "Risk" and its values "High", "Low") and
//! the label values on resources (`/governance/api/v1/resource-labels`): list, assign, unassign. Resources are
//! named by ORN, as Okta takes them; see `resources` for how app and group ids become ORNs.

use okta_core::Query;
use okta_mcp_kit::lookup::{data_of, str_of};
use okta_mcp_kit::ops;
use okta_mcp_kit::output::list_output;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::resources::{self, orn_arg};
use crate::args::filter_expr;
use okta_mcp_kit::ids::{is_app_id, is_group_id};

/// Okta takes at most ten resources and ten label values a call.
const MAX: usize = 10;

/// Compact fields of a labeled resource (`labels` is made from its labels).
const RESOURCE_FIELDS: &[Field] =
    &[field("name", "profile.name"), field("id", "profile.id"), field("labels", "labelNames"), field("orn", "orn")];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_labels",
                title: "List labels",
                description: "Labels and their values; or one resource's labels, or the resources with a value.",
                access: Access::Read,
                toolset: "labels",
                operations: &[ops::GET_APPLICATION, ops::LIST_LABELS, ops::LIST_LABEL_RESOURCES],
            },
            list_labels,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_assign_label",
                title: "Assign label",
                description: "Put label values (\"Risk: High\" or ids) on apps, groups, collections, bundles or values.",
                access: Access::Write,
                toolset: "labels",
                operations: &[ops::GET_APPLICATION, ops::LIST_LABELS, ops::ASSIGN_RESOURCE_LABELS],
            },
            assign_label,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_unassign_label",
                title: "Unassign label",
                description: "Take label values off resources (metadata only: no access changes).",
                access: Access::Write,
                toolset: "labels",
                operations: &[
                    ops::GET_APPLICATION,
                    ops::LIST_LABELS,
                    ops::LIST_LABEL_RESOURCES,
                    ops::REMOVE_RESOURCE_LABELS,
                ],
            },
            unassign_label,
        ),
    ]
}

/// Every label of the org.
async fn labels(ctx: &ToolContext) -> Result<Vec<Value>, ToolError> {
    let found = ctx.okta.get(&ops::LIST_LABELS, &[], &Query::new()).await?;
    Ok(data_of(&found))
}

/// A label value: its id, and "Label: Value".
#[derive(Debug, Clone, PartialEq, Eq)]
struct LabelValue {
    id: String,
    name: String,
}

/// "Label: Value" (or "Label=Value"), a value id (`lbl…`), or a value name that only one label has.
fn find_value(labels: &[Value], wanted: &str) -> Result<LabelValue, ToolError> {
    let wanted = wanted.trim();
    let all: Vec<(&str, &str, &str)> = labels
        .iter()
        .flat_map(|l| {
            l.get("values")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(move |v| (str_of(l, "name"), str_of(v, "name"), str_of(v, "labelValueId")))
        })
        .collect();
    let split = wanted.split_once(':').or_else(|| wanted.split_once('='));
    let matches: Vec<&(&str, &str, &str)> = all
        .iter()
        .filter(|(label, value, id)| match split {
            _ if *id == wanted => true,
            Some((l, v)) => label.eq_ignore_ascii_case(l.trim()) && value.eq_ignore_ascii_case(v.trim()),
            None => value.eq_ignore_ascii_case(wanted),
        })
        .collect();
    match matches.as_slice() {
        [(label, value, id)] => Ok(LabelValue { id: (*id).to_owned(), name: format!("{label}: {value}") }),
        [] => Err(ToolError::refused(format!(
            "no label value {wanted:?}; the org has: {} (okta_iga_list_labels)",
            all.iter().map(|(l, v, _)| format!("{l}: {v}")).collect::<Vec<_>>().join(", ")
        ))),
        several => Err(ToolError::refused(format!(
            "{wanted:?} is ambiguous: say which, e.g. {}",
            several.iter().map(|(l, v, _)| format!("\"{l}: {v}\"")).collect::<Vec<_>>().join(" or ")
        ))),
    }
}

/// A resource argument, checked before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ResourceArg {
    App(String),
    Group(String),
    Orn(String),
}

fn resource_arg(value: &str) -> Result<ResourceArg, ToolError> {
    let v = value.trim();
    if v.starts_with("orn:") {
        return Ok(ResourceArg::Orn(orn_arg("resources", v)?));
    }
    if is_app_id(v) {
        return Ok(ResourceArg::App(v.to_owned()));
    }
    if is_group_id(v) {
        return Ok(ResourceArg::Group(v.to_owned()));
    }
    Err(ToolError::invalid_arguments(format!(
        "{value:?} is not an app id (0oa…), a group id (00g…) or an ORN (collections, bundles and entitlement values \
         show theirs as orn)"
    )))
}

/// Resource arguments as ORNs: app ids through the app's own ORN, group ids on the directory prefix.
async fn resource_orns(ctx: &ToolContext, args: &[ResourceArg]) -> Result<Vec<String>, ToolError> {
    let mut known: Vec<Option<String>> = Vec::new();
    for a in args {
        known.push(match a {
            ResourceArg::App(id) => Some(resources::app(ctx, id).await?.0),
            ResourceArg::Orn(o) => Some(o.clone()),
            ResourceArg::Group(_) => None,
        });
    }
    let mut directory = None;
    let mut out = Vec::new();
    for (a, k) in args.iter().zip(&known) {
        match (a, k) {
            (ResourceArg::Group(id), _) => {
                if directory.is_none() {
                    let at_hand: Vec<&str> = known.iter().flatten().map(String::as_str).collect();
                    directory = Some(resources::directory(ctx, &at_hand).await?);
                }
                out.push(directory.as_ref().map(|d| d.orn("groups", id)).unwrap_or_default());
            }
            (_, Some(orn)) => out.push(orn.clone()),
            (_, None) => {}
        }
    }
    if out.iter().any(String::is_empty) {
        return Err(ToolError::refused("a resource's ORN could not be made; pass ORNs instead"));
    }
    Ok(out)
}

/// A resource with its labels in short: `{orn, name, labels: ["Risk: High", ...]}`.
fn names_of(resource: &Value) -> Vec<String> {
    resource
        .get("labels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|l| {
            let label = str_of(l, "name");
            l.get("values")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(move |v| format!("{label}: {}", str_of(v, "name")))
        })
        .collect()
}

fn labeled(resource: &Value) -> Value {
    json!({"orn": resource.get("orn"), "name": resource.pointer("/profile/name"), "labels": names_of(resource)})
}

fn values_of(values: &[String]) -> Result<(), ToolError> {
    if values.is_empty() || values.len() > MAX {
        return Err(ToolError::invalid_arguments(format!("labels: give 1 to {MAX} label values")));
    }
    if values.iter().any(|v| v.trim().is_empty()) {
        return Err(ToolError::invalid_arguments("labels: a label value is empty"));
    }
    Ok(())
}

fn resources_of(resources: &[String]) -> Result<Vec<ResourceArg>, ToolError> {
    if resources.is_empty() || resources.len() > MAX {
        return Err(ToolError::invalid_arguments(format!("resources: give 1 to {MAX} resources")));
    }
    let mut out: Vec<ResourceArg> = Vec::new();
    for r in resources {
        let a = resource_arg(r)?;
        if !out.contains(&a) {
            out.push(a);
        }
    }
    Ok(out)
}

/// The label values named, resolved against the org's labels (each once).
async fn chosen_values(ctx: &ToolContext, wanted: &[String]) -> Result<Vec<LabelValue>, ToolError> {
    let all = labels(ctx).await?;
    let mut out: Vec<LabelValue> = Vec::new();
    for w in wanted {
        let v = find_value(&all, w)?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListLabelsArgs {
    /// Its labels: app or group id, or ORN.
    resource: Option<String>,
    /// Only resources carrying this value ("Risk: High" or value id).
    label_value: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_labels(ctx: ToolContext, args: ListLabelsArgs) -> Result<ToolOutput, ToolError> {
    let view = args.page.view()?;
    if args.page.cursor.as_deref().is_some_and(|c| !c.is_empty()) {
        let page = args.page.page(&ctx, &ops::LIST_LABEL_RESOURCES, &[], Query::new()).await?;
        return Ok(list_output(with_names(page.items), RESOURCE_FIELDS, &view, page.next));
    }
    let resource = args.resource.as_deref().map(resource_arg).transpose()?;
    okta_mcp_kit::args::non_empty("label_value", args.label_value.as_deref())?;
    if resource.is_none() && args.label_value.is_none() {
        let all = labels(&ctx).await?;
        let out: Vec<Value> = all
            .iter()
            .map(|l| {
                let values: Vec<Value> = l
                    .get("values")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|v| {
                        json!({"id": v.get("labelValueId"), "name": v.get("name"),
                               "color": v.pointer("/metadata/additionalProperties/backgroundColor")})
                    })
                    .collect();
                json!({"id": l.get("labelId"), "name": l.get("name"), "values": values})
            })
            .collect();
        return Ok(ToolOutput::json(json!({"count": out.len(), "labels": out})));
    }
    let value = match &args.label_value {
        Some(v) => Some(chosen_values(&ctx, std::slice::from_ref(v)).await?.remove(0)),
        None => None,
    };
    let orn = match &resource {
        Some(r) => resource_orns(&ctx, std::slice::from_ref(r)).await?.pop(),
        None => None,
    };
    let filter = filter_expr(&[("orn", orn.as_deref()), ("labelValueId", value.as_ref().map(|v| v.id.as_str()))])?;
    let page =
        args.page.page(&ctx, &ops::LIST_LABEL_RESOURCES, &[], Query::new().opt("filter", filter.as_deref())).await?;
    if let (Some(orn), [], None) = (&orn, page.items.as_slice(), &value) {
        return Ok(ToolOutput::json(json!({"orn": orn, "labels": [], "result": "the resource has no labels"})));
    }
    Ok(list_output(with_names(page.items), RESOURCE_FIELDS, &view, page.next))
}

fn with_names(items: Vec<Value>) -> Vec<Value> {
    items
        .into_iter()
        .map(|mut r| {
            r["labelNames"] = json!(names_of(&r));
            r
        })
        .collect()
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct LabelArgs {
    /// Up to 10: app ids (0oa…), group ids (00g…) or ORNs (collections, bundles, entitlement values).
    resources: Vec<String>,
    /// Up to 10 label values: "Label: Value" or value ids (lbl…).
    labels: Vec<String>,
}

async fn assign_label(ctx: ToolContext, args: LabelArgs) -> Result<ToolOutput, ToolError> {
    values_of(&args.labels)?;
    let targets = resources_of(&args.resources)?;
    let values = chosen_values(&ctx, &args.labels).await?;
    let orns = resource_orns(&ctx, &targets).await?;
    let body = json!({"resourceOrns": orns, "labelValueIds": values.iter().map(|v| &v.id).collect::<Vec<_>>()});
    let saved = ctx.okta.send(&ops::ASSIGN_RESOURCE_LABELS, &[], &Query::new(), Some(&body)).await?;
    let now: Vec<Value> = saved
        .as_ref()
        .and_then(|s| s.get("data"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(labeled)
        .collect();
    Ok(ToolOutput::json(json!({
        "assigned": values.iter().map(|v| &v.name).collect::<Vec<_>>(),
        "resources": if now.is_empty() { json!(orns) } else { json!(now) },
        "result": "label values assigned",
    })))
}

async fn unassign_label(ctx: ToolContext, args: LabelArgs) -> Result<ToolOutput, ToolError> {
    values_of(&args.labels)?;
    let targets = resources_of(&args.resources)?;
    let values = chosen_values(&ctx, &args.labels).await?;
    let orns = resource_orns(&ctx, &targets).await?;
    // What each resource has now: Okta answers 204 whether or not there was anything to take off.
    let mut removed = Vec::new();
    let mut absent = Vec::new();
    for orn in &orns {
        let filter = filter_expr(&[("orn", Some(orn))])?;
        let found =
            ctx.okta.get(&ops::LIST_LABEL_RESOURCES, &[], &Query::new().opt("filter", filter.as_deref())).await?;
        let has: Vec<&str> = found
            .get("data")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|r| r.get("labels").and_then(Value::as_array).into_iter().flatten())
            .flat_map(|l| l.get("values").and_then(Value::as_array).into_iter().flatten())
            .map(|v| str_of(v, "labelValueId"))
            .collect();
        for v in &values {
            let pair = json!({"orn": orn, "label": v.name});
            if has.contains(&v.id.as_str()) { removed.push(pair) } else { absent.push(pair) }
        }
    }
    if removed.is_empty() {
        return Err(ToolError::refused(format!(
            "none of the resources has {}: nothing to unassign (see okta_iga_list_labels with resource)",
            values.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ")
        )));
    }
    let body = json!({"resourceOrns": orns, "labelValueIds": values.iter().map(|v| &v.id).collect::<Vec<_>>()});
    ctx.okta.send(&ops::REMOVE_RESOURCE_LABELS, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "removed": removed,
        "not_assigned": absent,
        "result": "label values unassigned",
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org_labels() -> Vec<Value> {
        vec![
            json!({"labelId": "lbc1", "name": "Risk", "values": [{"labelValueId": "lblhigh", "name": "High"},
                                                                 {"labelValueId": "lbllow", "name": "Low"}]}),
            json!({"labelId": "lbc2", "name": "Impact", "values": [{"labelValueId": "lblimp", "name": "High"}]}),
            json!({"labelId": "lbc3", "name": "Data classification",
                   "values": [{"labelValueId": "lblconf", "name": "Confidential"}]}),
        ]
    }

    #[test]
    fn label_values_by_name_or_id() {
        let l = org_labels();
        assert_eq!(find_value(&l, "risk: high").ok().map(|v| v.id), Some("lblhigh".into()));
        assert_eq!(find_value(&l, "Impact=High").ok().map(|v| v.name), Some("Impact: High".into()));
        assert_eq!(find_value(&l, "lbllow").ok().map(|v| v.name), Some("Risk: Low".into()));
        assert_eq!(find_value(&l, "Confidential").ok().map(|v| v.id), Some("lblconf".into()));
        let ambiguous = find_value(&l, "High").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(ambiguous.contains("\"Risk: High\" or \"Impact: High\""), "{ambiguous}");
        let unknown = find_value(&l, "Risk: Medium").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(unknown.contains("Risk: Low"), "{unknown}");
    }

    #[test]
    fn resources_are_apps_groups_or_orns() {
        assert_eq!(resource_arg("0oasalesforce0000001").ok(), Some(ResourceArg::App("0oasalesforce0000001".into())));
        assert_eq!(resource_arg("00gengineering000001").ok(), Some(ResourceArg::Group("00gengineering000001".into())));
        assert!(matches!(resource_arg("orn:okta:governance:00o1:collections:col1"), Ok(ResourceArg::Orn(_))));
        assert!(resource_arg("Salesforce").is_err());
        assert!(resources_of(&[]).is_err());
        assert_eq!(
            resources_of(&["0oasalesforce0000001".into(), " 0oasalesforce0000001".into()]).ok().map(|v| v.len()),
            Some(1)
        );
    }
}
