//! Custom authorization servers: the servers, their lifecycle and signing keys, access policies and rules,
//! scopes and claims.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use serde_json::{Value, json};

use super::{refused, required};
use crate::error::ApiError;
use crate::handlers::{ApiResult, Id, Ids, JsonBody, Params, St, json_response, no_content, ok};
use crate::lock;
use crate::org::collection::{
    Collection, Removable, lifecycle_links, lifecycle_target, now, replace_writable, set_status, str_of, touch,
    with_links,
};
use crate::org::policy::{PolicyOrg, place_by_priority, renumber};
use crate::seed::policy::{DEFAULT_AS, new_server};

const SERVER_WRITABLE: [&str; 5] =
    ["name", "description", "audiences", "issuerMode", "accessTokenEncryptedResponseAlgorithm"];
const POLICY_WRITABLE: [&str; 4] = ["name", "description", "conditions", "type"];
const RULE_WRITABLE: [&str; 4] = ["name", "conditions", "actions", "type"];
const SCOPE_WRITABLE: [&str; 7] =
    ["name", "displayName", "description", "consent", "default", "metadataPublish", "optional"];
const CLAIM_WRITABLE: [&str; 8] =
    ["name", "claimType", "valueType", "value", "conditions", "alwaysIncludeInToken", "group_filter_type", "status"];

fn base(public: &str, id: &str) -> String {
    format!("{public}/api/v1/authorizationServers/{id}")
}

fn server<'a>(p: &'a mut PolicyOrg, id: &str) -> Result<&'a mut Value, ApiError> {
    p.auth_servers.or_404_mut(id, "AuthorizationServer")
}

fn server_json(s: &Value, public: &str) -> Value {
    let id = str_of(s, "id");
    let b = base(public, id);
    let mut v = s.clone();
    v["issuer"] = json!(format!("{public}/oauth2/{id}"));
    let mut links = lifecycle_links(s, &b);
    links.push(("claims", format!("{b}/claims"), Some("GET")));
    links.push(("policies", format!("{b}/policies"), Some("GET")));
    links.push(("scopes", format!("{b}/scopes"), Some("GET")));
    links.push(("rotateKey", format!("{b}/credentials/lifecycle/keyRotate"), Some("POST")));
    with_links(&v, &links)
}

// ---------------------------------------------------------------- servers

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let q = params.get("q").filter(|s| !s.is_empty()).map(str::to_lowercase);
    let page = params.page(200, 200)?;
    let org = lock(&st.org);
    let items: Vec<(u64, Value)> = org.policy.auth_servers.listed(
        |s| {
            q.as_deref().is_none_or(|q| {
                str_of(s, "name").to_lowercase().starts_with(q) || str_of(s, "description").to_lowercase().contains(q)
            })
        },
        |s| server_json(s, &st.public),
    );
    drop(org);
    Ok(page.links(&st.public, uri.path(), items))
}

fn check_server_body(body: &Value) -> Result<(), ApiError> {
    required(body, "name")?;
    let audiences = body.get("audiences").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    if audiences.is_empty() || audiences.iter().any(|a| a.as_str().is_none_or(|s| s.trim().is_empty())) {
        return Err(ApiError::validation("audiences", "audiences: The field cannot be left blank"));
    }
    Ok(())
}

pub(crate) async fn create(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    check_server_body(&body)?;
    let mut guard = lock(&st.org);
    let org = &mut *guard;
    let p = &mut org.policy;
    let name = required(&body, "name")?;
    if p.auth_servers.iter().any(|s| str_of(s, "name").eq_ignore_ascii_case(name)) {
        return Err(ApiError::validation("name", "name: An authorization server with this name already exists."));
    }
    let id = crate::org::policy::new_id(&mut org.random, "aus");
    let mut s = new_server(p, &mut org.random, &id, name, str_of(&body, "description"), body["audiences"].clone());
    replace_writable(&mut s, &body, &SERVER_WRITABLE);
    if s.get("issuerMode").is_none() {
        s["issuerMode"] = json!("ORG_URL");
    }
    let out = server_json(&s, &st.public);
    p.auth_servers.push(s);
    Ok(json_response(StatusCode::CREATED, out))
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    ok(server_json(server(&mut org.policy, &id)?, &st.public))
}

pub(crate) async fn replace(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    check_server_body(&body)?;
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    replace_writable(s, &body, &SERVER_WRITABLE);
    if s.get("issuerMode").is_none() {
        s["issuerMode"] = json!("ORG_URL");
    }
    touch(s, false);
    ok(server_json(s, &st.public))
}

pub(crate) async fn delete(State(st): St, Path(id): Id) -> ApiResult {
    let mut guard = lock(&st.org);
    let org = &mut *guard;
    let p = &mut org.policy;
    let s = server(p, &id)?;
    if str_of(s, "id") == DEFAULT_AS {
        return Err(refused("id", "id: The default authorization server cannot be deleted."));
    }
    if str_of(s, "status") == "ACTIVE" {
        return Err(refused("status", "status: Deactivate the authorization server before deleting it."));
    }
    p.remove_server(&id);
    no_content()
}

pub(crate) async fn lifecycle(State(st): St, Path((id, op)): Ids) -> ApiResult {
    let target = lifecycle_target(&op)?;
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    set_status(s, target);
    no_content()
}

/// The answer of the keys of a server: each with the real public key of its `kid` (`signing`: made on first need,
/// so this runs outside the org's lock).
fn keys_json(keys: &[Value], public: &str, server_id: &str) -> ApiResult {
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let key = crate::signing::with_public_key(key).ok_or_else(ApiError::internal)?;
        let kid = str_of(&key, "kid");
        out.push(with_links(
            &key,
            &[("self", format!("{}/credentials/keys/{kid}", base(public, server_id)), Some("GET"))],
        ));
    }
    ok(Value::Array(out))
}

pub(crate) async fn keys(State(st): St, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    server(&mut org.policy, &id)?;
    let keys = org.policy.keys.of(&id).to_vec();
    drop(org);
    keys_json(&keys, &st.public, &id)
}

/// `keyRotate` with `{"use": "sig"}`: ACTIVE → EXPIRED, NEXT → ACTIVE, a new NEXT; older EXPIRED keys go.
pub(crate) async fn rotate(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    let mut guard = lock(&st.org);
    let org = &mut *guard;
    let p = &mut org.policy;
    server(p, &id)?;
    if body.get("use").and_then(Value::as_str) != Some("sig") {
        return Err(ApiError::validation("use", "use: The only supported value is 'sig'."));
    }
    let fresh = crate::org::policy::new_key(&mut org.random, "NEXT");
    let keys = p.keys.of_mut(&id);
    keys.retain(|k| str_of(k, "status") != "EXPIRED");
    for k in keys.iter_mut() {
        let next = match str_of(k, "status") {
            "ACTIVE" => "EXPIRED",
            "NEXT" => "ACTIVE",
            other => other,
        }
        .to_owned();
        k["status"] = json!(next);
    }
    keys.push(fresh);
    let active = keys.iter().find(|k| str_of(k, "status") == "ACTIVE").map(|k| str_of(k, "kid").to_owned());
    let answer = keys.clone();
    let s = server(p, &id)?;
    if let Some(kid) = active {
        s["credentials"]["signing"]["kid"] = json!(kid);
        s["credentials"]["signing"]["lastRotated"] = json!(now());
    }
    touch(s, false);
    drop(guard);
    keys_json(&answer, &st.public, &id)
}

// ---------------------------------------------------------------- policies

fn policy_json(p: &Value, public: &str, server_id: &str) -> Value {
    let b = format!("{}/policies/{}", base(public, server_id), str_of(p, "id"));
    let mut links = lifecycle_links(p, &b);
    links.push(("rules", format!("{b}/rules"), Some("GET")));
    with_links(p, &links)
}

/// The policy `id` of the server `server_id` (the server's 404 first).
fn policy<'a>(p: &'a mut PolicyOrg, server_id: &str, id: &str) -> Result<&'a mut Value, ApiError> {
    server(p, server_id)?;
    p.server_policies.of_mut(server_id).or_404_mut(id, "Policy")
}

fn check_policy_body(body: &Value) -> Result<(), ApiError> {
    let name = required(body, "name")?;
    if name.chars().count() > 100 {
        return Err(ApiError::validation("name", "name: The field is too long"));
    }
    required(body, "description")?;
    if body.get("type").and_then(Value::as_str).is_some_and(|t| t != "OAUTH_AUTHORIZATION_POLICY") {
        return Err(ApiError::validation("type", "type: Must be OAUTH_AUTHORIZATION_POLICY"));
    }
    let clients = body.pointer("/conditions/clients/include").and_then(Value::as_array);
    if clients.is_none_or(Vec::is_empty) {
        return Err(ApiError::validation("conditions", "conditions.clients.include: The field cannot be left blank"));
    }
    Ok(())
}

pub(crate) async fn list_policies(State(st): St, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    server(&mut org.policy, &id)?;
    ok(Value::Array(org.policy.server_policies.of(&id).iter().map(|p| policy_json(p, &st.public, &id)).collect()))
}

pub(crate) async fn create_policy(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    check_policy_body(&body)?;
    let mut guard = lock(&st.org);
    let org = &mut *guard;
    let p = &mut org.policy;
    server(p, &id)?;
    let pid = crate::org::policy::new_id(&mut org.random, "00p");
    let mut obj = json!({"id": pid, "type": "OAUTH_AUTHORIZATION_POLICY", "status": "ACTIVE", "system": false});
    replace_writable(&mut obj, &body, &POLICY_WRITABLE);
    obj["type"] = json!("OAUTH_AUTHORIZATION_POLICY");
    if body.get("status").and_then(Value::as_str) == Some("INACTIVE") {
        obj["status"] = json!("INACTIVE");
    }
    obj["priority"] = body.get("priority").cloned().unwrap_or(Value::Null);
    touch(&mut obj, true);
    let policies = p.server_policies.of_mut(&id);
    place_by_priority(policies, obj, false);
    let created = policies.iter().find(|p| p["id"] == json!(pid)).ok_or_else(ApiError::internal)?;
    Ok(json_response(StatusCode::CREATED, policy_json(created, &st.public, &id)))
}

pub(crate) async fn get_policy(State(st): St, Path((id, pid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    ok(policy_json(policy(&mut org.policy, &id, &pid)?, &st.public, &id))
}

pub(crate) async fn replace_policy(State(st): St, Path((id, pid)): Ids, JsonBody(body): JsonBody) -> ApiResult {
    check_policy_body(&body)?;
    let mut org = lock(&st.org);
    let p = policy(&mut org.policy, &id, &pid)?;
    replace_writable(p, &body, &POLICY_WRITABLE);
    p["type"] = json!("OAUTH_AUTHORIZATION_POLICY");
    touch(p, false);
    ok(policy_json(p, &st.public, &id))
}

pub(crate) async fn delete_policy(State(st): St, Path((id, pid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    if policy(&mut org.policy, &id, &pid)?["system"] == json!(true) {
        return Err(refused("system", "system: The default policy cannot be deleted."));
    }
    org.policy.remove_server_policy(&id, &pid);
    no_content()
}

// ---------------------------------------------------------------- rules

fn rule_json(r: &Value, public: &str, server_id: &str, policy_id: &str) -> Value {
    let b = format!("{}/policies/{policy_id}/rules/{}", base(public, server_id), str_of(r, "id"));
    with_links(r, &lifecycle_links(r, &b))
}

fn check_rule_body(body: &Value) -> Result<(), ApiError> {
    required(body, "name")?;
    if body.get("type").and_then(Value::as_str) != Some("RESOURCE_ACCESS") {
        return Err(ApiError::validation("type", "type: Must be RESOURCE_ACCESS"));
    }
    for (field, pointer) in [("grantTypes", "/conditions/grantTypes/include"), ("scopes", "/conditions/scopes/include")]
    {
        if body.pointer(pointer).and_then(Value::as_array).is_none_or(Vec::is_empty) {
            return Err(ApiError::validation(
                field,
                format!("conditions.{field}.include: The field cannot be left blank"),
            ));
        }
    }
    let people = body.pointer("/conditions/people");
    let named = |k: &str| people.and_then(|p| p.pointer(&format!("/{k}/include"))).and_then(Value::as_array);
    if named("groups").is_none_or(Vec::is_empty) && named("users").is_none_or(Vec::is_empty) {
        return Err(ApiError::validation("people", "conditions.people: Include at least one group or user"));
    }
    if let Some(m) = body.pointer("/actions/token/accessTokenLifetimeMinutes")
        && m.as_u64().is_none_or(|m| !(5..=1440).contains(&m))
    {
        return Err(ApiError::validation(
            "accessTokenLifetimeMinutes",
            "accessTokenLifetimeMinutes: Must be between 5 and 1440 minutes",
        ));
    }
    Ok(())
}

fn with_token_defaults(obj: &mut Value) {
    let token = &mut obj["actions"]["token"];
    for (k, v) in
        [("accessTokenLifetimeMinutes", 60), ("refreshTokenLifetimeMinutes", 0), ("refreshTokenWindowMinutes", 10080)]
    {
        if token.get(k).is_none() {
            token[k] = json!(v);
        }
    }
}

pub(crate) async fn list_rules(State(st): St, Path((id, pid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    policy(&mut org.policy, &id, &pid)?;
    ok(Value::Array(org.policy.server_rules.of(&pid).iter().map(|r| rule_json(r, &st.public, &id, &pid)).collect()))
}

pub(crate) async fn create_rule(State(st): St, Path((id, pid)): Ids, JsonBody(body): JsonBody) -> ApiResult {
    check_rule_body(&body)?;
    let mut org = lock(&st.org);
    let rid = crate::org::policy::new_id(&mut org.random, "0pr");
    policy(&mut org.policy, &id, &pid)?;
    let rules = org.policy.server_rules.of_mut(&pid);
    let mut obj = json!({"id": rid, "status": "ACTIVE", "system": false});
    replace_writable(&mut obj, &body, &RULE_WRITABLE);
    with_token_defaults(&mut obj);
    obj["priority"] = body.get("priority").cloned().unwrap_or(Value::Null);
    touch(&mut obj, true);
    place_by_priority(rules, obj, true);
    let created = rules.iter().find(|r| r["id"] == json!(rid)).ok_or_else(ApiError::internal)?;
    Ok(json_response(StatusCode::CREATED, rule_json(created, &st.public, &id, &pid)))
}

/// The rules of the policy `pid` of the server `id` (the server's and the policy's 404 first).
fn rules<'a>(p: &'a mut PolicyOrg, id: &str, pid: &str) -> Result<&'a mut Vec<Value>, ApiError> {
    policy(p, id, pid)?;
    Ok(p.server_rules.of_mut(pid))
}

pub(crate) async fn get_rule(State(st): St, Path((id, pid, rid)): Path<(String, String, String)>) -> ApiResult {
    let mut org = lock(&st.org);
    let r = rules(&mut org.policy, &id, &pid)?.or_404(&rid, "PolicyRule")?;
    ok(rule_json(r, &st.public, &id, &pid))
}

pub(crate) async fn replace_rule(
    State(st): St,
    Path((id, pid, rid)): Path<(String, String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    check_rule_body(&body)?;
    let mut org = lock(&st.org);
    let rules = rules(&mut org.policy, &id, &pid)?;
    let r = rules.or_404_mut(&rid, "PolicyRule")?;
    replace_writable(r, &body, &RULE_WRITABLE);
    with_token_defaults(r);
    touch(r, false);
    let mut current = r.clone();
    if let Some(priority) = body.get("priority").and_then(Value::as_u64)
        && Some(priority) != current.get("priority").and_then(Value::as_u64)
    {
        rules.remove_id(&rid);
        current["priority"] = json!(priority);
        place_by_priority(rules, current.clone(), true);
        current = rules.by_id(&rid).cloned().unwrap_or(current);
    }
    ok(rule_json(&current, &st.public, &id, &pid))
}

pub(crate) async fn delete_rule(State(st): St, Path((id, pid, rid)): Path<(String, String, String)>) -> ApiResult {
    let mut org = lock(&st.org);
    let rules = rules(&mut org.policy, &id, &pid)?;
    if rules.or_404(&rid, "PolicyRule")?["system"] == json!(true) {
        return Err(refused("system", "system: The default rule cannot be deleted."));
    }
    rules.remove_id(&rid);
    renumber(rules);
    no_content()
}

// ---------------------------------------------------------------- scopes

fn scope_json(v: &Value, public: &str, server_id: &str) -> Value {
    with_links(v, &[("self", format!("{}/scopes/{}", base(public, server_id), str_of(v, "id")), Some("GET"))])
}

fn check_scope_body(body: &Value) -> Result<(), ApiError> {
    let name = required(body, "name")?;
    if name.contains(char::is_whitespace) || name.len() > 300 {
        return Err(ApiError::validation("name", "name: A scope name cannot contain whitespace"));
    }
    for (field, allowed) in [
        ("consent", &["FLEXIBLE", "IMPLICIT", "REQUIRED"][..]),
        ("metadataPublish", &["ALL_CLIENTS", "NO_CLIENTS"][..]),
    ] {
        if let Some(v) = body.get(field)
            && !v.as_str().is_some_and(|s| allowed.contains(&s))
        {
            return Err(ApiError::validation(field, format!("{field}: Must be one of {}", allowed.join(", "))));
        }
    }
    Ok(())
}

pub(crate) async fn list_scopes(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let q = params.get("q").filter(|s| !s.is_empty()).map(str::to_lowercase);
    let page = params.page(200, 200)?;
    let mut org = lock(&st.org);
    server(&mut org.policy, &id)?;
    let items: Vec<(u64, Value)> = org.policy.scopes.of(&id).listed(
        |v| q.as_deref().is_none_or(|q| str_of(v, "name").to_lowercase().contains(q)),
        |v| scope_json(v, &st.public, &id),
    );
    drop(org);
    Ok(page.links(&st.public, uri.path(), items))
}

pub(crate) async fn create_scope(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    check_scope_body(&body)?;
    let mut org = lock(&st.org);
    let sid = crate::org::policy::new_id(&mut org.random, "scp");
    server(&mut org.policy, &id)?;
    let scopes = org.policy.scopes.of_mut(&id);
    let name = required(&body, "name")?;
    if scopes.iter().any(|v| str_of(v, "name") == name) {
        return Err(ApiError::validation("name", "name: A scope with this name already exists."));
    }
    let mut obj = json!({"id": sid, "system": false, "default": false, "consent": "IMPLICIT", "optional": false,
                         "metadataPublish": "NO_CLIENTS"});
    if let (Value::Object(o), Value::Object(b)) = (&mut obj, &body) {
        for k in SCOPE_WRITABLE {
            if let Some(v) = b.get(k) {
                o.insert(k.into(), v.clone());
            }
        }
    }
    scopes.push(obj.clone());
    Ok(json_response(StatusCode::CREATED, scope_json(&obj, &st.public, &id)))
}

/// The scopes of the server `id` (its 404 first).
fn scopes<'a>(p: &'a mut PolicyOrg, id: &str) -> Result<&'a mut Vec<Value>, ApiError> {
    server(p, id)?;
    Ok(p.scopes.of_mut(id))
}

pub(crate) async fn get_scope(State(st): St, Path((id, sid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    ok(scope_json(scopes(&mut org.policy, &id)?.or_404(&sid, "OAuth2Scope")?, &st.public, &id))
}

pub(crate) async fn replace_scope(State(st): St, Path((id, sid)): Ids, JsonBody(body): JsonBody) -> ApiResult {
    check_scope_body(&body)?;
    let mut org = lock(&st.org);
    let scopes = scopes(&mut org.policy, &id)?;
    let name = required(&body, "name")?.to_owned();
    if scopes.iter().any(|v| str_of(v, "name") == name && str_of(v, "id") != sid) {
        return Err(ApiError::validation("name", "name: A scope with this name already exists."));
    }
    let v = scopes.or_404_mut(&sid, "OAuth2Scope")?;
    if v["system"] == json!(true) && str_of(v, "name") != name {
        return Err(refused("name", "name: A system scope cannot be renamed."));
    }
    replace_writable(v, &body, &SCOPE_WRITABLE);
    ok(scope_json(v, &st.public, &id))
}

pub(crate) async fn delete_scope(State(st): St, Path((id, sid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    let scopes = scopes(&mut org.policy, &id)?;
    if scopes.or_404(&sid, "OAuth2Scope")?["system"] == json!(true) {
        return Err(refused("system", "system: A system scope cannot be deleted."));
    }
    scopes.remove_id(&sid);
    no_content()
}

// ---------------------------------------------------------------- claims

fn claim_json(v: &Value, public: &str, server_id: &str) -> Value {
    with_links(v, &[("self", format!("{}/claims/{}", base(public, server_id), str_of(v, "id")), Some("GET"))])
}

fn check_claim_body(body: &Value) -> Result<(), ApiError> {
    required(body, "name")?;
    let claim_type = required(body, "claimType")?;
    if !matches!(claim_type, "IDENTITY" | "RESOURCE") {
        return Err(ApiError::validation("claimType", "claimType: Must be IDENTITY or RESOURCE"));
    }
    let value_type = body.get("valueType").and_then(Value::as_str).unwrap_or("EXPRESSION");
    if !matches!(value_type, "EXPRESSION" | "GROUPS" | "SYSTEM") {
        return Err(ApiError::validation("valueType", "valueType: Must be EXPRESSION, GROUPS or SYSTEM"));
    }
    required(body, "value")?;
    if value_type == "GROUPS" {
        let filter = body.get("group_filter_type").and_then(Value::as_str);
        if !filter.is_some_and(|f| matches!(f, "CONTAINS" | "EQUALS" | "REGEX" | "STARTS_WITH")) {
            return Err(ApiError::validation(
                "group_filter_type",
                "group_filter_type: Required for GROUPS claims: STARTS_WITH, EQUALS, CONTAINS or REGEX",
            ));
        }
    }
    Ok(())
}

pub(crate) async fn list_claims(State(st): St, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    server(&mut org.policy, &id)?;
    ok(Value::Array(org.policy.claims.of(&id).iter().map(|v| claim_json(v, &st.public, &id)).collect()))
}

fn duplicate_claim(claims: &[Value], body: &Value, except: Option<&str>) -> bool {
    claims.iter().any(|c| {
        str_of(c, "name") == str_of(body, "name")
            && str_of(c, "claimType") == str_of(body, "claimType")
            && except.is_none_or(|e| str_of(c, "id") != e)
    })
}

pub(crate) async fn create_claim(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    check_claim_body(&body)?;
    let mut org = lock(&st.org);
    let cid = crate::org::policy::new_id(&mut org.random, "ocl");
    let claims = claims(&mut org.policy, &id)?;
    if duplicate_claim(claims, &body, None) {
        return Err(ApiError::validation("name", "name: A claim with this name and type already exists."));
    }
    let mut obj = json!({"id": cid, "status": "ACTIVE", "system": false, "valueType": "EXPRESSION",
                         "alwaysIncludeInToken": true, "conditions": {"scopes": []}});
    replace_writable(&mut obj, &body, &CLAIM_WRITABLE);
    for (k, v) in
        [("status", json!("ACTIVE")), ("valueType", json!("EXPRESSION")), ("conditions", json!({"scopes": []}))]
    {
        if obj.get(k).is_none() {
            obj[k] = v;
        }
    }
    claims.push(obj.clone());
    Ok(json_response(StatusCode::CREATED, claim_json(&obj, &st.public, &id)))
}

/// The claims of the server `id` (its 404 first).
fn claims<'a>(p: &'a mut PolicyOrg, id: &str) -> Result<&'a mut Vec<Value>, ApiError> {
    server(p, id)?;
    Ok(p.claims.of_mut(id))
}

pub(crate) async fn get_claim(State(st): St, Path((id, cid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    ok(claim_json(claims(&mut org.policy, &id)?.or_404(&cid, "OAuth2Claim")?, &st.public, &id))
}

pub(crate) async fn replace_claim(State(st): St, Path((id, cid)): Ids, JsonBody(body): JsonBody) -> ApiResult {
    check_claim_body(&body)?;
    let mut org = lock(&st.org);
    let claims = claims(&mut org.policy, &id)?;
    if duplicate_claim(claims, &body, Some(&cid)) {
        return Err(ApiError::validation("name", "name: A claim with this name and type already exists."));
    }
    let v = claims.or_404_mut(&cid, "OAuth2Claim")?;
    if v["system"] == json!(true) {
        return Err(refused("system", "system: A system claim cannot be changed."));
    }
    replace_writable(v, &body, &CLAIM_WRITABLE);
    if v.get("status").is_none() {
        v["status"] = json!("ACTIVE");
    }
    ok(claim_json(v, &st.public, &id))
}

pub(crate) async fn delete_claim(State(st): St, Path((id, cid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    let claims = claims(&mut org.policy, &id)?;
    if claims.or_404(&cid, "OAuth2Claim")?["system"] == json!(true) {
        return Err(refused("system", "system: A system claim cannot be deleted."));
    }
    claims.remove_id(&cid);
    no_content()
}
