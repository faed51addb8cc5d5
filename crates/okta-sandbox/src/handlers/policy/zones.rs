//! Network zones: IP (gateways, proxies) and dynamic (locations, ASNs, proxy type), with lifecycle.

use axum::extract::{Path, State};
use axum::http::Uri;
use serde_json::{Value, json};

use super::{refused, required};
use crate::error::ApiError;
use crate::handlers::{ApiResult, Id, Ids, JsonBody, Params, St, no_content, ok};
use crate::org::collection::{
    Collection, Removable, lifecycle_links, lifecycle_target, replace_writable, set_status, str_of, touch, with_links,
};
use crate::org::policy::PolicyOrg;
use crate::{filter, lock};

const IP_WRITABLE: [&str; 5] = ["name", "usage", "gateways", "proxies", "useAsExemptList"];
const DYNAMIC_WRITABLE: [&str; 5] = ["name", "usage", "locations", "asns", "proxyType"];

fn zone_json(z: &Value, public: &str) -> Value {
    with_links(z, &lifecycle_links(z, &format!("{public}/api/v1/zones/{}", str_of(z, "id"))))
}

fn zone<'a>(p: &'a mut PolicyOrg, id: &str) -> Result<&'a mut Value, ApiError> {
    let i = p.zones.index_or_404(id, "Zone")?;
    p.zones.get_mut(i).ok_or_else(ApiError::internal)
}

/// An IPv4 CIDR (`a.b.c.d/n`) or range (`a.b.c.d-e.f.g.h`).
fn address_ok(kind: &str, value: &str) -> bool {
    let ip = |s: &str| s.parse::<std::net::Ipv4Addr>().is_ok() || s.parse::<std::net::Ipv6Addr>().is_ok();
    match kind {
        "CIDR" => value.split_once('/').is_some_and(|(a, n)| ip(a) && n.parse::<u8>().is_ok_and(|n| n <= 128)),
        "RANGE" => value.split_once('-').is_some_and(|(a, b)| ip(a) && ip(b)),
        _ => false,
    }
}

fn check(body: &Value) -> Result<&'static str, ApiError> {
    let name = required(body, "name")?;
    if name.chars().count() > 128 {
        return Err(ApiError::validation("name", "name: The field is too long"));
    }
    if let Some(u) = body.get("usage")
        && !matches!(u.as_str(), Some("POLICY" | "BLOCKLIST"))
    {
        return Err(ApiError::validation("usage", "usage: Must be POLICY or BLOCKLIST"));
    }
    match body.get("type").and_then(Value::as_str) {
        Some("IP") => {
            let mut any = false;
            for field in ["gateways", "proxies"] {
                for a in body.get(field).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
                    any = true;
                    if !address_ok(str_of(a, "type"), str_of(a, "value")) {
                        return Err(ApiError::validation(
                            field,
                            format!(
                                "{field}: Invalid address {}: use a CIDR (a.b.c.d/n) or a range (a.b.c.d-e.f.g.h)",
                                a
                            ),
                        ));
                    }
                }
            }
            if !any {
                return Err(ApiError::validation(
                    "gateways",
                    "gateways: An IP zone needs at least one gateway or proxy",
                ));
            }
            Ok("IP")
        }
        Some("DYNAMIC") => {
            let locations = body.get("locations").and_then(Value::as_array).map_or(0, Vec::len);
            let asns = body.get("asns").and_then(Value::as_array).map_or(0, Vec::len);
            let proxy = body.get("proxyType").and_then(Value::as_str).is_some_and(|p| p != "null");
            if locations + asns == 0 && !proxy {
                return Err(ApiError::validation(
                    "locations",
                    "locations: A dynamic zone needs locations, ASNs or a proxy type",
                ));
            }
            for l in body.get("locations").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
                if str_of(l, "country").len() != 2 {
                    return Err(ApiError::validation(
                        "locations",
                        "locations: country must be an ISO 3166-1 alpha-2 code",
                    ));
                }
            }
            Ok("DYNAMIC")
        }
        _ => Err(ApiError::validation("type", "type: Must be IP or DYNAMIC")),
    }
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let expr = params.expr("filter")?;
    let page = params.page(200, 200)?;
    let org = lock(&st.org);
    let items: Vec<(u64, Value)> =
        org.policy.zones.listed(|z| expr.as_ref().is_none_or(|e| filter::eval(e, z)), |z| zone_json(z, &st.public));
    drop(org);
    Ok(page.links(&st.public, uri.path(), items))
}

pub(crate) async fn create(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    let kind = check(&body)?;
    let mut org = lock(&st.org);
    let id = crate::org::policy::new_id(&mut org.random, "nzo");
    let mut z = json!({"id": id, "type": kind, "status": "ACTIVE", "usage": "POLICY", "system": false});
    let writable: &[&str] = if kind == "IP" { &IP_WRITABLE } else { &DYNAMIC_WRITABLE };
    replace_writable(&mut z, &body, writable);
    if z.get("usage").is_none() {
        z["usage"] = json!("POLICY");
    }
    touch(&mut z, true);
    org.policy.zones.push(z.clone());
    ok(zone_json(&z, &st.public))
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    ok(zone_json(zone(&mut org.policy, &id)?, &st.public))
}

pub(crate) async fn replace(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    let kind = check(&body)?;
    let mut org = lock(&st.org);
    let z = zone(&mut org.policy, &id)?;
    if str_of(z, "type") != kind {
        return Err(ApiError::validation("type", "type: The type of a zone cannot be changed"));
    }
    let writable: &[&str] = if kind == "IP" { &IP_WRITABLE } else { &DYNAMIC_WRITABLE };
    replace_writable(z, &body, writable);
    if z.get("usage").is_none() {
        z["usage"] = json!("POLICY");
    }
    touch(z, false);
    ok(zone_json(z, &st.public))
}

/// Policy rules that name the zone in their network condition.
fn used_by(p: &PolicyOrg, id: &str) -> Vec<String> {
    let names = |v: Option<&Value>| v.and_then(Value::as_array).is_some_and(|a| a.iter().any(|z| z == id));
    p.policies
        .iter()
        .flat_map(|pol| p.policy_rules.of(str_of(pol, "id")).iter().map(move |r| (pol, r)))
        .filter(|(_, r)| {
            let n = r.pointer("/conditions/network");
            names(n.and_then(|n| n.get("include"))) || names(n.and_then(|n| n.get("exclude")))
        })
        .map(|(pol, r)| format!("{} / {}", str_of(pol, "name"), str_of(r, "name")))
        .collect()
}

pub(crate) async fn delete(State(st): St, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    let z = zone(&mut org.policy, &id)?;
    if z["system"] == json!(true) {
        return Err(refused("system", "system: A system zone cannot be deleted."));
    }
    if str_of(z, "status") == "ACTIVE" {
        return Err(refused("status", "status: Deactivate the zone before deleting it."));
    }
    let users = used_by(&org.policy, &id);
    if !users.is_empty() {
        return Err(refused("zone", format!("zone: The zone is used by policy rules: {}", users.join(", "))));
    }
    org.policy.zones.remove_id(&id);
    no_content()
}

pub(crate) async fn lifecycle(State(st): St, Path((id, op)): Ids) -> ApiResult {
    let target = lifecycle_target(&op)?;
    let mut org = lock(&st.org);
    let z = zone(&mut org.policy, &id)?;
    if z["system"] == json!(true) && target == "INACTIVE" && str_of(z, "usage") == "BLOCKLIST" {
        return Err(refused("system", "system: The BlockedIpZone cannot be deactivated."));
    }
    set_status(z, target);
    ok(zone_json(z, &st.public))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert!(address_ok("CIDR", "10.0.0.0/8"));
        assert!(address_ok("RANGE", "10.0.0.1-10.0.0.9"));
        assert!(!address_ok("CIDR", "10.0.0.0"));
        assert!(!address_ok("CIDR", "nope/8"));
    }
}
