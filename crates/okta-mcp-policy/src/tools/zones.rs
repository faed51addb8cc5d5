//! Network zones: IP zones (gateway and proxy addresses) and dynamic zones (countries, ASNs).

use okta_core::Query;
use okta_mcp_kit::args::text;
use okta_mcp_kit::args::{non_empty, str_field};
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::objects::{fetch, is_system, named};
use okta_mcp_kit::resource::{Named, Replace, delete_inactive, patch_from, transition};

const ZONE_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("type", "type"),
    field("status", "status"),
    field("usage", "usage"),
    field("system", "system"),
    field("gateways", "gateways"),
    field("locations", "locations"),
];

pub fn tools() -> Vec<ToolDef> {
    let meta = |name, title, description, access, operations| ToolMeta {
        name,
        title,
        description,
        access,
        toolset: "zones",
        operations,
    };
    vec![
        ToolDef::new(
            meta(
                "okta_list_network_zones",
                "List network zones",
                "Network zones as columns+rows. filter: usage eq \"POLICY\", system eq true, id eq \"…\".",
                Access::Read,
                &[ops::LIST_NETWORK_ZONES],
            ),
            list_zones,
        ),
        ToolDef::new(
            meta(
                "okta_get_network_zone",
                "Get network zone",
                "One network zone: addresses, countries, ASNs.",
                Access::Read,
                &[ops::GET_NETWORK_ZONE],
            ),
            get_zone,
        ),
        ToolDef::new(
            meta(
                "okta_create_network_zone",
                "Create network zone",
                "Create an IP zone (CIDRs, ranges) or a DYNAMIC zone (countries, ASNs).",
                Access::Write,
                &[ops::CREATE_NETWORK_ZONE],
            ),
            create_zone,
        ),
        ToolDef::new(
            meta(
                "okta_update_network_zone",
                "Update network zone",
                "Change a zone; the rest is kept. Shows changes.",
                Access::Write,
                &[ops::GET_NETWORK_ZONE, ops::REPLACE_NETWORK_ZONE],
            ),
            update_zone,
        ),
        ToolDef::new(
            meta(
                "okta_activate_network_zone",
                "Activate network zone",
                "Activate an INACTIVE network zone.",
                Access::Write,
                &[ops::GET_NETWORK_ZONE, ops::ACTIVATE_NETWORK_ZONE],
            ),
            activate_zone,
        ),
        ToolDef::new(
            meta(
                "okta_deactivate_network_zone",
                "Deactivate network zone",
                "Deactivate a network zone: policy rules stop matching it.",
                Access::Destructive,
                &[ops::GET_NETWORK_ZONE, ops::DEACTIVATE_NETWORK_ZONE],
            ),
            deactivate_zone,
        ),
        ToolDef::new(
            meta(
                "okta_delete_network_zone",
                "Delete network zone",
                "Delete an INACTIVE zone no policy uses (not system zones).",
                Access::Destructive,
                &[ops::GET_NETWORK_ZONE, ops::DELETE_NETWORK_ZONE],
            ),
            delete_zone,
        ),
    ]
}

fn zone_summary(z: &Value) -> Value {
    json!({"id": z.get("id"), "name": z.get("name"), "type": z.get("type"), "status": z.get("status"),
           "usage": z.get("usage")})
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListZonesArgs {
    /// Filter expression (see description).
    filter: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_zones(ctx: ToolContext, args: ListZonesArgs) -> Result<ToolOutput, ToolError> {
    let query = Query::new().opt("filter", non_empty("filter", args.filter.as_deref())?);
    args.page.list(&ctx, &ops::LIST_NETWORK_ZONES, &[], query, ZONE_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ZoneArg {
    /// Zone id (nzo…).
    zone_id: String,
}

async fn get_zone(ctx: ToolContext, args: ZoneArg) -> Result<ToolOutput, ToolError> {
    Ok(ToolOutput::json(strip_links(fetch(&ctx, &ops::GET_NETWORK_ZONE, &[&args.zone_id]).await?)))
}

/// Zone kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ZoneType {
    Ip,
    Dynamic,
}

/// What a zone is for.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Usage {
    Policy,
    Blocklist,
}

/// Okta's address objects from "a.b.c.d/n" (CIDR) or "a.b.c.d-e.f.g.h" (range).
pub fn addresses(name: &str, values: &[String]) -> Result<Value, ToolError> {
    let ip = |s: &str| s.parse::<std::net::IpAddr>().is_ok();
    let mut out = Vec::new();
    for v in values {
        let v = v.trim();
        let kind = if let Some((a, n)) = v.split_once('/') {
            (ip(a) && n.parse::<u8>().is_ok_and(|n| n <= 128)).then_some("CIDR")
        } else if let Some((a, b)) = v.split_once('-') {
            (ip(a.trim()) && ip(b.trim())).then_some("RANGE")
        } else {
            ip(v).then_some("CIDR")
        };
        let Some(kind) = kind else {
            return Err(ToolError::invalid_arguments(format!(
                "{name}: {v:?} is not an IP address, CIDR (a.b.c.d/n) or range (a.b.c.d-e.f.g.h)"
            )));
        };
        // A single address is a /32 (or /128) CIDR.
        let value = if kind == "CIDR" && !v.contains('/') {
            format!("{v}/{}", if v.contains(':') { 128 } else { 32 })
        } else {
            v.to_owned()
        };
        out.push(json!({"type": kind, "value": value}));
    }
    Ok(Value::Array(out))
}

/// Okta's locations from "US" or "US-CA".
pub fn locations(values: &[String]) -> Result<Value, ToolError> {
    let mut out = Vec::new();
    for v in values {
        let (country, region) = match v.trim().split_once('-') {
            Some((c, _)) => (c, Some(v.trim())),
            None => (v.trim(), None),
        };
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(ToolError::invalid_arguments(format!(
                "locations: {v:?} is not an ISO country code like US or a region like US-CA"
            )));
        }
        let mut l = json!({"country": country});
        if let Some(r) = region {
            l["region"] = json!(r);
        }
        out.push(l);
    }
    Ok(Value::Array(out))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateZoneArgs {
    /// IP or DYNAMIC.
    r#type: ZoneType,
    /// Name (≤128).
    name: String,
    /// IP: CIDRs or ranges a-b.
    gateways: Option<Vec<String>>,
    /// IP: proxy addresses.
    proxies: Option<Vec<String>>,
    /// DYNAMIC: e.g. ["US", "CA-QC"].
    locations: Option<Vec<String>>,
    /// DYNAMIC: AS numbers.
    asns: Option<Vec<String>>,
    /// POLICY (default) or BLOCKLIST.
    usage: Option<Usage>,
}

pub fn zone_body(args: &CreateZoneArgs) -> Result<Value, ToolError> {
    text("name", &args.name, 128)?;
    let mut body = json!({"type": args.r#type, "name": args.name.trim(), "usage": args.usage.unwrap_or(Usage::Policy)});
    match args.r#type {
        ZoneType::Ip => {
            if args.locations.is_some() || args.asns.is_some() {
                return Err(ToolError::invalid_arguments("locations and asns apply to DYNAMIC zones only"));
            }
            let gateways = args.gateways.clone().unwrap_or_default();
            let proxies = args.proxies.clone().unwrap_or_default();
            if gateways.is_empty() && proxies.is_empty() {
                return Err(ToolError::invalid_arguments("an IP zone needs gateways (or proxies)"));
            }
            body["gateways"] = addresses("gateways", &gateways)?;
            body["proxies"] = if proxies.is_empty() { Value::Null } else { addresses("proxies", &proxies)? };
        }
        ZoneType::Dynamic => {
            if args.gateways.is_some() || args.proxies.is_some() {
                return Err(ToolError::invalid_arguments("gateways and proxies apply to IP zones only"));
            }
            let locs = args.locations.clone().unwrap_or_default();
            let asns = args.asns.clone().unwrap_or_default();
            if locs.is_empty() && asns.is_empty() {
                return Err(ToolError::invalid_arguments("a DYNAMIC zone needs locations or asns"));
            }
            if let Some(bad) = asns.iter().find(|a| a.is_empty() || !a.chars().all(|c| c.is_ascii_digit())) {
                return Err(ToolError::invalid_arguments(format!("asns: {bad:?} is not an AS number")));
            }
            body["locations"] = locations(&locs)?;
            body["asns"] = json!(asns);
        }
    }
    Ok(body)
}

async fn create_zone(ctx: ToolContext, args: CreateZoneArgs) -> Result<ToolOutput, ToolError> {
    let body = zone_body(&args)?;
    let created = ctx.okta.send(&ops::CREATE_NETWORK_ZONE, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({"created": zone_summary(&created.unwrap_or_default())})))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateZoneArgs {
    /// Zone id (nzo…).
    zone_id: String,
    /// New name.
    name: Option<String>,
    /// IP: new gateways.
    gateways: Option<Vec<String>>,
    /// DYNAMIC: new locations.
    locations: Option<Vec<String>>,
    /// Merge patch; null removes.
    changes: Option<Value>,
}

const ZONE_REPLACE: Replace = Replace {
    what: "zone",
    fixed: &[("type", "is fixed when the zone is created"), ("status", "changes with the activate/deactivate tools")],
    read_only: &["id", "status", "created", "lastUpdated", "system"],
    required: &["name", "type"],
};

async fn update_zone(ctx: ToolContext, args: UpdateZoneArgs) -> Result<ToolOutput, ToolError> {
    let gateways = args.gateways.as_deref().map(|g| addresses("gateways", g)).transpose()?;
    let locs = args.locations.as_deref().map(locations).transpose()?;
    let patch = patch_from(
        args.changes.as_ref(),
        vec![("name", args.name.map(Value::from)), ("gateways", gateways), ("locations", locs)],
    )?;
    let current = fetch(&ctx, &ops::GET_NETWORK_ZONE, &[&args.zone_id]).await?;
    let kind = current.get("type").and_then(Value::as_str).unwrap_or("");
    if kind == "IP" && patch.contains_key("locations") || kind == "DYNAMIC" && patch.contains_key("gateways") {
        return Err(ToolError::invalid_arguments(format!(
            "{} is a {kind} zone: gateways belong to IP zones, locations to DYNAMIC ones",
            named(&current)
        )));
    }
    let id = str_field(&current, "id")?.to_owned();
    ZONE_REPLACE.run(&ctx, current, &ops::REPLACE_NETWORK_ZONE, &[&id], &patch, zone_summary).await
}

async fn activate_zone(ctx: ToolContext, args: ZoneArg) -> Result<ToolOutput, ToolError> {
    let z = fetch(&ctx, &ops::GET_NETWORK_ZONE, &[&args.zone_id]).await?;
    let id = str_field(&z, "id")?;
    transition(&ctx, "object", &z, true, &ops::ACTIVATE_NETWORK_ZONE, &[id], zone_summary).await
}

async fn deactivate_zone(ctx: ToolContext, args: ZoneArg) -> Result<ToolOutput, ToolError> {
    let z = fetch(&ctx, &ops::GET_NETWORK_ZONE, &[&args.zone_id]).await?;
    let id = str_field(&z, "id")?;
    transition(&ctx, "object", &z, false, &ops::DEACTIVATE_NETWORK_ZONE, &[id], zone_summary).await
}

async fn delete_zone(ctx: ToolContext, args: ZoneArg) -> Result<ToolOutput, ToolError> {
    let z = fetch(&ctx, &ops::GET_NETWORK_ZONE, &[&args.zone_id]).await?;
    if is_system(&z) {
        return Err(ToolError::refused(format!(
            "cannot delete zone {}: it is a system zone, which Okta keeps. Nothing was changed.",
            named(&z)
        )));
    }
    let id = str_field(&z, "id")?;
    let what = Named { kind: "zone", name: &named(&z) };
    let delete = (&ops::DELETE_NETWORK_ZONE, &[id][..]);
    delete_inactive(&ctx, what, &z, ("okta_deactivate_network_zone", ""), delete, zone_summary).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_locations() {
        let a = addresses("gateways", &["10.0.0.0/8".into(), "1.2.3.4".into(), "1.1.1.1-1.1.1.9".into()]);
        assert_eq!(
            a.unwrap_or_default(),
            json!([{"type": "CIDR", "value": "10.0.0.0/8"}, {"type": "CIDR", "value": "1.2.3.4/32"},
                   {"type": "RANGE", "value": "1.1.1.1-1.1.1.9"}])
        );
        assert!(addresses("gateways", &["example.com".into()]).is_err());
        assert_eq!(locations(&["CA-QC".into()]).unwrap_or_default(), json!([{"country": "CA", "region": "CA-QC"}]));
        assert!(locations(&["usa".into()]).is_err());
    }

    fn ip_zone(usage: Option<Usage>, gateways: &[&str]) -> Value {
        let args = CreateZoneArgs {
            r#type: ZoneType::Ip,
            name: "z".into(),
            gateways: Some(gateways.iter().map(|g| (*g).to_owned()).collect()),
            proxies: None,
            locations: None,
            asns: None,
            usage,
        };
        zone_body(&args).unwrap_or_default()
    }

    /// The body okta_create_network_zone sends, classified by the kit's effects rules.
    fn escalates(body: &Value) -> bool {
        let change = okta_mcp_kit::effects::Change {
            method: "POST",
            path: "/api/v1/zones",
            query: &[],
            body: Some(body),
            current: None,
        };
        okta_mcp_kit::effects::escalation(&change).is_some()
    }

    #[test]
    fn blocklists_and_zones_of_every_address_are_destructive_by_effect() {
        assert!(escalates(&ip_zone(Some(Usage::Blocklist), &["203.0.113.7"])));
        assert!(escalates(&ip_zone(None, &["0.0.0.0/0"])));
        assert!(escalates(&ip_zone(None, &["0.0.0.0-255.255.255.255"])));
        assert!(escalates(&ip_zone(None, &["::/0"])));
        assert!(!escalates(&ip_zone(None, &["10.0.0.0/8", "203.0.113.7"])));
    }
}
