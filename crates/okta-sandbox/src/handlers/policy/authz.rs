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
use crate::org::policy::{AuthServer, PolicyOrg, WithRules, place_by_priority, renumber};
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

fn server<'a>(p: &'a mut PolicyOrg, id: &str) -> Result<&'a mut AuthServer, ApiError> {
    p.auth_servers.or_404_mut(id, "AuthorizationServer")
}

fn server_json(s: &AuthServer, public: &str) -> Value {
    let id = str_of(&s.obj, "id");
    let b = base(public, id);
    let mut v = s.obj.clone();
    v["issuer"] = json!(format!("{public}/oauth2/{id}"));
    let mut links = lifecycle_links(&s.obj, &b);
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
                str_of(&s.obj, "name").to_lowercase().starts_with(q)
                    || str_of(&s.obj, "description").to_lowercase().contains(q)
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
    if p.auth_servers.iter().any(|s| str_of(&s.obj, "name").eq_ignore_ascii_case(name)) {
        return Err(ApiError::validation("name", "name: An authorization server with this name already exists."));
    }
    let id = crate::org::policy::new_id(&mut org.random, "aus");
    let mut s = new_server(&mut org.random, &id, name, str_of(&body, "description"), body["audiences"].clone());
    replace_writable(&mut s.obj, &body, &SERVER_WRITABLE);
    if s.obj.get("issuerMode").is_none() {
        s.obj["issuerMode"] = json!("ORG_URL");
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
    replace_writable(&mut s.obj, &body, &SERVER_WRITABLE);
    if s.obj.get("issuerMode").is_none() {
        s.obj["issuerMode"] = json!("ORG_URL");
    }
    touch(&mut s.obj, false);
    ok(server_json(s, &st.public))
}

pub(crate) async fn delete(State(st): St, Path(id): Id) -> ApiResult {
    let mut guard = lock(&st.org);
    let org = &mut *guard;
    let p = &mut org.policy;
    let s = server(p, &id)?;
    if str_of(&s.obj, "id") == DEFAULT_AS {
        return Err(refused("id", "id: The default authorization server cannot be deleted."));
    }
    if str_of(&s.obj, "status") == "ACTIVE" {
        return Err(refused("status", "status: Deactivate the authorization server before deleting it."));
    }
    p.auth_servers.remove_id(&id);
    no_content()
}

pub(crate) async fn lifecycle(State(st): St, Path((id, op)): Ids) -> ApiResult {
    let target = lifecycle_target(&op)?;
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    set_status(&mut s.obj, target);
    no_content()
}

fn key_json(key: &Value, public: &str, server_id: &str) -> Value {
    let kid = str_of(key, "kid");
    with_links(key, &[("self", format!("{}/credentials/keys/{kid}", base(public, server_id)), Some("GET"))])
}

pub(crate) async fn keys(State(st): St, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    ok(Value::Array(s.keys.iter().map(|k| key_json(k, &st.public, &id)).collect()))
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
    let s = server(p, &id)?;
    s.keys.retain(|k| str_of(k, "status") != "EXPIRED");
    for k in &mut s.keys {
        let next = match str_of(k, "status") {
            "ACTIVE" => "EXPIRED",
            "NEXT" => "ACTIVE",
            other => other,
        }
        .to_owned();
        k["status"] = json!(next);
    }
    s.keys.push(fresh);
    let active = s.keys.iter().find(|k| str_of(k, "status") == "ACTIVE").map(|k| str_of(k, "kid").to_owned());
    if let Some(kid) = active {
        s.obj["credentials"]["signing"]["kid"] = json!(kid);
        s.obj["credentials"]["signing"]["lastRotated"] = json!(now());
    }
    touch(&mut s.obj, false);
    ok(Value::Array(s.keys.iter().map(|k| key_json(k, &st.public, &id)).collect()))
}

// ---------------------------------------------------------------- policies

fn policy_json(p: &WithRules, public: &str, server_id: &str) -> Value {
    let b = format!("{}/policies/{}", base(public, server_id), str_of(&p.obj, "id"));
    let mut links = lifecycle_links(&p.obj, &b);
    links.push(("rules", format!("{b}/rules"), Some("GET")));
    with_links(&p.obj, &links)
}

fn policy<'a>(s: &'a mut AuthServer, id: &str) -> Result<&'a mut WithRules, ApiError> {
    s.policies.or_404_mut(id, "Policy")
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
    let s = server(&mut org.policy, &id)?;
    ok(Value::Array(s.policies.iter().map(|p| policy_json(p, &st.public, &id)).collect()))
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
    let s = server(p, &id)?;
    let mut objs: Vec<Value> = s.policies.iter().map(|p| p.obj.clone()).collect();
    place_by_priority(&mut objs, obj, false);
    let mut rules_by_id: Vec<WithRules> = Vec::new();
    for o in objs {
        let rules = s.policies.iter().find(|p| p.obj["id"] == o["id"]).map(|p| p.rules.clone()).unwrap_or_default();
        rules_by_id.push(WithRules { obj: o, rules });
    }
    s.policies = rules_by_id;
    let created = s.policies.iter().find(|p| p.obj["id"] == json!(pid)).ok_or_else(ApiError::internal)?;
    Ok(json_response(StatusCode::CREATED, policy_json(created, &st.public, &id)))
}

pub(crate) async fn get_policy(State(st): St, Path((id, pid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    ok(policy_json(policy(s, &pid)?, &st.public, &id))
}

pub(crate) async fn replace_policy(State(st): St, Path((id, pid)): Ids, JsonBody(body): JsonBody) -> ApiResult {
    check_policy_body(&body)?;
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    let p = policy(s, &pid)?;
    replace_writable(&mut p.obj, &body, &POLICY_WRITABLE);
    p.obj["type"] = json!("OAUTH_AUTHORIZATION_POLICY");
    touch(&mut p.obj, false);
    ok(policy_json(p, &st.public, &id))
}

pub(crate) async fn delete_policy(State(st): St, Path((id, pid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    if policy(s, &pid)?.obj["system"] == json!(true) {
        return Err(refused("system", "system: The default policy cannot be deleted."));
    }
    s.policies.remove_id(&pid);
    let mut objs: Vec<Value> = s.policies.iter().map(|p| p.obj.clone()).collect();
    renumber(&mut objs);
    for (p, o) in s.policies.iter_mut().zip(objs) {
        p.obj = o;
    }
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
    let s = server(&mut org.policy, &id)?;
    let p = policy(s, &pid)?;
    ok(Value::Array(p.rules.iter().map(|r| rule_json(r, &st.public, &id, &pid)).collect()))
}

pub(crate) async fn create_rule(State(st): St, Path((id, pid)): Ids, JsonBody(body): JsonBody) -> ApiResult {
    check_rule_body(&body)?;
    let mut org = lock(&st.org);
    let rid = crate::org::policy::new_id(&mut org.random, "0pr");
    let s = server(&mut org.policy, &id)?;
    let p = policy(s, &pid)?;
    let mut obj = json!({"id": rid, "status": "ACTIVE", "system": false});
    replace_writable(&mut obj, &body, &RULE_WRITABLE);
    with_token_defaults(&mut obj);
    obj["priority"] = body.get("priority").cloned().unwrap_or(Value::Null);
    touch(&mut obj, true);
    place_by_priority(&mut p.rules, obj, true);
    let created = p.rules.iter().find(|r| r["id"] == json!(rid)).ok_or_else(ApiError::internal)?;
    Ok(json_response(StatusCode::CREATED, rule_json(created, &st.public, &id, &pid)))
}

fn rule<'a>(p: &'a mut WithRules, id: &str) -> Result<&'a mut Value, ApiError> {
    p.rules.or_404_mut(id, "PolicyRule")
}

pub(crate) async fn get_rule(State(st): St, Path((id, pid, rid)): Path<(String, String, String)>) -> ApiResult {
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    let r = rule(policy(s, &pid)?, &rid)?;
    ok(rule_json(r, &st.public, &id, &pid))
}

pub(crate) async fn replace_rule(
    State(st): St,
    Path((id, pid, rid)): Path<(String, String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    check_rule_body(&body)?;
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    let p = policy(s, &pid)?;
    let r = rule(p, &rid)?;
    replace_writable(r, &body, &RULE_WRITABLE);
    with_token_defaults(r);
    touch(r, false);
    let mut current = r.clone();
    if let Some(priority) = body.get("priority").and_then(Value::as_u64)
        && Some(priority) != current.get("priority").and_then(Value::as_u64)
    {
        p.rules.remove_id(&rid);
        current["priority"] = json!(priority);
        place_by_priority(&mut p.rules, current.clone(), true);
        current = p.rules.by_id(&rid).cloned().unwrap_or(current);
    }
    ok(rule_json(&current, &st.public, &id, &pid))
}

pub(crate) async fn delete_rule(State(st): St, Path((id, pid, rid)): Path<(String, String, String)>) -> ApiResult {
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    let p = policy(s, &pid)?;
    if rule(p, &rid)?["system"] == json!(true) {
        return Err(refused("system", "system: The default rule cannot be deleted."));
    }
    p.rules.remove_id(&rid);
    renumber(&mut p.rules);
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
    let s = server(&mut org.policy, &id)?;
    let items: Vec<(u64, Value)> = s.scopes.listed(
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
    let s = server(&mut org.policy, &id)?;
    let name = required(&body, "name")?;
    if s.scopes.iter().any(|v| str_of(v, "name") == name) {
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
    s.scopes.push(obj.clone());
    Ok(json_response(StatusCode::CREATED, scope_json(&obj, &st.public, &id)))
}

fn scope<'a>(s: &'a mut AuthServer, id: &str) -> Result<&'a mut Value, ApiError> {
    s.scopes.or_404_mut(id, "OAuth2Scope")
}

pub(crate) async fn get_scope(State(st): St, Path((id, sid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    ok(scope_json(scope(s, &sid)?, &st.public, &id))
}

pub(crate) async fn replace_scope(State(st): St, Path((id, sid)): Ids, JsonBody(body): JsonBody) -> ApiResult {
    check_scope_body(&body)?;
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    let name = required(&body, "name")?.to_owned();
    if s.scopes.iter().any(|v| str_of(v, "name") == name && str_of(v, "id") != sid) {
        return Err(ApiError::validation("name", "name: A scope with this name already exists."));
    }
    let v = scope(s, &sid)?;
    if v["system"] == json!(true) && str_of(v, "name") != name {
        return Err(refused("name", "name: A system scope cannot be renamed."));
    }
    replace_writable(v, &body, &SCOPE_WRITABLE);
    ok(scope_json(v, &st.public, &id))
}

pub(crate) async fn delete_scope(State(st): St, Path((id, sid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    if scope(s, &sid)?["system"] == json!(true) {
        return Err(refused("system", "system: A system scope cannot be deleted."));
    }
    s.scopes.remove_id(&sid);
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
    let s = server(&mut org.policy, &id)?;
    ok(Value::Array(s.claims.iter().map(|v| claim_json(v, &st.public, &id)).collect()))
}

fn duplicate_claim(s: &AuthServer, body: &Value, except: Option<&str>) -> bool {
    s.claims.iter().any(|c| {
        str_of(c, "name") == str_of(body, "name")
            && str_of(c, "claimType") == str_of(body, "claimType")
            && except.is_none_or(|e| str_of(c, "id") != e)
    })
}

pub(crate) async fn create_claim(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    check_claim_body(&body)?;
    let mut org = lock(&st.org);
    let cid = crate::org::policy::new_id(&mut org.random, "ocl");
    let s = server(&mut org.policy, &id)?;
    if duplicate_claim(s, &body, None) {
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
    s.claims.push(obj.clone());
    Ok(json_response(StatusCode::CREATED, claim_json(&obj, &st.public, &id)))
}

fn claim<'a>(s: &'a mut AuthServer, id: &str) -> Result<&'a mut Value, ApiError> {
    s.claims.or_404_mut(id, "OAuth2Claim")
}

pub(crate) async fn get_claim(State(st): St, Path((id, cid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    ok(claim_json(claim(s, &cid)?, &st.public, &id))
}

pub(crate) async fn replace_claim(State(st): St, Path((id, cid)): Ids, JsonBody(body): JsonBody) -> ApiResult {
    check_claim_body(&body)?;
    let mut org = lock(&st.org);
    let s = server(&mut org.policy, &id)?;
    if duplicate_claim(s, &body, Some(&cid)) {
        return Err(ApiError::validation("name", "name: A claim with this name and type already exists."));
    }
    let v = claim(s, &cid)?;
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
    let s = server(&mut org.policy, &id)?;
    if claim(s, &cid)?["system"] == json!(true) {
        return Err(refused("system", "system: A system claim cannot be deleted."));
    }
    s.claims.remove_id(&cid);
    no_content()
}
