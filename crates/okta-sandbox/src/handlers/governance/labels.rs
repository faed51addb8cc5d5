//! Governance labels (`/governance/api/v1/labels`) and the label values on resources
//! (`/governance/api/v1/resource-labels`: list by filter, assign, unassign; resources by ORN).

use axum::extract::State;
use axum::http::Uri;
use serde_json::{Value, json};

use super::resources::{self, Resource};
use super::{invalid, with_org};
use crate::error::ApiError;
use crate::filter;
use crate::handlers::{ApiResult, JsonBody, Params, St, no_content, ok, parse_expr};
use crate::org::Org;
use crate::org::collection::{str_of, with_self_link};

const LABELS: &str = "/governance/api/v1/labels";
const RESOURCE_LABELS: &str = "/governance/api/v1/resource-labels";

fn label_json(l: &Value, public: &str) -> Value {
    with_self_link(l, format!("{public}{LABELS}/{}", str_of(l, "labelId")))
}

/// `GET /governance/api/v1/labels`: every label with its values; `filter` on `values.name` (sw, co).
pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let expr = params.expr_unless_blank("filter")?;
    let data: Vec<Value> = with_org(&st, |org| {
        Ok(org
            .governance
            .labels
            .iter()
            .filter(|l| expr.as_ref().is_none_or(|e| filter::eval(e, l)))
            .map(|l| label_json(l, &st.public))
            .collect())
    })?;
    ok(json!({"data": data, "_links": {"self": {"href": format!("{}{LABELS}", st.public)}}}))
}

/// The label a value id belongs to.
fn label_of<'a>(org: &'a Org, value_id: &str) -> Option<&'a Value> {
    org.governance
        .labels
        .iter()
        .find(|l| l["values"].as_array().into_iter().flatten().any(|v| str_of(v, "labelValueId") == value_id))
}

/// A resource with the labels (and only the values) assigned to it.
fn resource_label_json(org: &Org, r: &Resource, public: &str) -> Value {
    let assigned: Vec<&str> = org
        .governance
        .resource_labels
        .iter()
        .filter(|x| Resource::of(x) == *r)
        .map(|x| str_of(x, "labelValueId"))
        .collect();
    let labels: Vec<Value> = org
        .governance
        .labels
        .iter()
        .filter_map(|l| {
            let values: Vec<Value> = l["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|v| assigned.contains(&str_of(v, "labelValueId")))
                .cloned()
                .collect();
            if values.is_empty() {
                return None;
            }
            let mut l = label_json(l, public);
            l["values"] = json!(values);
            Some(l)
        })
        .collect();
    let orn = resources::orn(org, r);
    let self_filter = format!("orn eq \"{orn}\"");
    let href = format!(
        "{public}{RESOURCE_LABELS}?filter={}",
        url::form_urlencoded::byte_serialize(self_filter.as_bytes()).collect::<String>().replace('+', "%20")
    );
    json!({
        "orn": orn,
        "profile": resources::profile(org, r).unwrap_or_else(|| json!({"id": r.id, "name": r.id})),
        "labels": labels,
        "_links": {"self": {"href": href}},
    })
}

/// `GET /governance/api/v1/resource-labels`: labeled resources matching the required `filter` (`orn`,
/// `labelValueId`, `resourceType`; all `eq`).
pub(crate) async fn list_resources(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let Some(f) = params.get("filter").filter(|f| !f.trim().is_empty()) else {
        return Err(ApiError::missing_parameter("filter"));
    };
    let expr = parse_expr(f)?;
    let items: Vec<(u64, Value)> = with_org(&st, |org| {
        let org: &Org = org;
        let mut labeled: Vec<Resource> = Vec::new();
        for x in &org.governance.resource_labels {
            let r = Resource::of(x);
            if !labeled.contains(&r) {
                labeled.push(r);
            }
        }
        Ok(labeled
            .iter()
            .filter(|r| {
                let values: Vec<&str> = org
                    .governance
                    .resource_labels
                    .iter()
                    .filter(|x| Resource::of(x) == **r)
                    .map(|x| str_of(x, "labelValueId"))
                    .collect();
                let probe =
                    json!({"orn": resources::orn_forms(org, r), "labelValueId": values, "resourceType": r.kind});
                filter::eval(&expr, &probe)
            })
            .enumerate()
            .map(|(i, r)| (i as u64 + 1, resource_label_json(org, r, &st.public)))
            .collect())
    })?;
    Ok(page.data(&st.public, RESOURCE_LABELS, items, None))
}

/// The resources and label values of an assign or unassign body (1 to 10 of each, all known).
fn targets(org: &Org, body: &Value) -> Result<(Vec<Resource>, Vec<String>), ApiError> {
    let list = |k: &str| -> Vec<String> {
        body[k].as_array().map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default()
    };
    let (orns, values) = (list("resourceOrns"), list("labelValueIds"));
    let mut causes = Vec::new();
    if orns.is_empty() || orns.len() > 10 {
        causes.push("resourceOrns: give 1 to 10 resource ORNs".to_owned());
    }
    if values.is_empty() || values.len() > 10 {
        causes.push("labelValueIds: give 1 to 10 label value ids".to_owned());
    }
    for v in &values {
        if label_of(org, v).is_none() {
            causes.push(format!("labelValueIds: {v} is not a label value"));
        }
    }
    let mut resources = Vec::new();
    for o in &orns {
        match resources::parse(org, "resourceOrns", o) {
            Ok(r) if r.kind == "users" => causes.push(format!("resourceOrns: {o} cannot be labeled")),
            Ok(r) => resources.push(r),
            Err(cause) => causes.push(cause),
        }
    }
    if !causes.is_empty() {
        return Err(invalid("ResourceLabels", causes));
    }
    Ok((resources, values))
}

/// `POST /governance/api/v1/resource-labels/assign`: every value on every resource; answers the resources with
/// their labels.
pub(crate) async fn assign(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    let data = with_org(&st, |org| {
        let (resources, values) = targets(org, &body)?;
        for r in &resources {
            for v in &values {
                let exists = org
                    .governance
                    .resource_labels
                    .iter()
                    .any(|x| Resource::of(x) == *r && str_of(x, "labelValueId") == v);
                if !exists {
                    org.governance.resource_labels.push(json!({"type": r.kind, "id": r.id, "labelValueId": v}));
                }
            }
        }
        let org: &Org = org;
        Ok(resources.iter().map(|r| resource_label_json(org, r, &st.public)).collect::<Vec<_>>())
    })?;
    ok(json!({"data": data, "_links": {"self": {"href": format!("{}{RESOURCE_LABELS}/assign", st.public)}}}))
}

/// `POST /governance/api/v1/resource-labels/unassign`: 204; values a resource does not have are ignored.
pub(crate) async fn unassign(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    with_org(&st, |org| {
        let (resources, values) = targets(org, &body)?;
        org.governance.resource_labels.retain(|x| {
            !(resources.contains(&Resource::of(x)) && values.iter().any(|v| v == str_of(x, "labelValueId")))
        });
        Ok(())
    })?;
    no_content()
}
