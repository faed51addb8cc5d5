//! MFA factors: what a user has enrolled, enrolling, activating, verifying and resetting them.

use okta_core::Query;
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use okta_mcp_kit::lookup::{UserArg, user_id};

const FACTOR_FIELDS: &[Field] = &[
    field("id", "id"),
    field("factorType", "factorType"),
    field("provider", "provider"),
    field("status", "status"),
    field("profile", "profile"),
    field("created", "created"),
    field("lastUpdated", "lastUpdated"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_user_factors",
                title: "List user's factors",
                description: "MFA factors the user has enrolled: type, provider, status, profile.",
                access: Access::Read,
                toolset: "factors",
                operations: &[ops::GET_USER, ops::LIST_FACTORS],
            },
            list_user_factors,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_factor",
                title: "Get factor",
                description: "One enrolled factor of a user.",
                access: Access::Read,
                toolset: "factors",
                operations: &[ops::GET_USER, ops::GET_FACTOR],
            },
            get_factor,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_list_supported_factors",
                title: "List supported factors",
                description: "Factors the user may enroll under the org's policy, and whether each is enrolled.",
                access: Access::Read,
                toolset: "factors",
                operations: &[ops::GET_USER, ops::LIST_SUPPORTED_FACTORS],
            },
            list_supported_factors,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_enroll_factor",
                title: "Enroll factor",
                description: "Enroll a factor for a user (usually PENDING_ACTIVATION until activated with a passcode). \
                    sms/call need phone_number; email needs email. Destructive: the phone, address or app enrolled \
                    can then sign in as the user, so a person confirms it.",
                access: Access::Destructive,
                toolset: "factors",
                operations: &[ops::GET_USER, ops::ENROLL_FACTOR],
            },
            enroll_factor,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_activate_factor",
                title: "Activate factor",
                description: "Finish enrolling a PENDING_ACTIVATION factor with the passcode the user received. \
                    Destructive: the factor then signs in as the user, so a person confirms it.",
                access: Access::Destructive,
                toolset: "factors",
                operations: &[ops::GET_USER, ops::ACTIVATE_FACTOR],
            },
            activate_factor,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_verify_factor",
                title: "Verify factor",
                description: "Challenge a factor: checks pass_code, or sends a push/SMS when none is given. \
                    Returns factorResult (SUCCESS, REJECTED, WAITING, …).",
                access: Access::Write,
                toolset: "factors",
                operations: &[ops::GET_USER, ops::VERIFY_FACTOR],
            },
            verify_factor,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_reset_factor",
                title: "Reset factor",
                description: "Unenroll one factor; the user must enroll it again to use it.",
                access: Access::Destructive,
                toolset: "factors",
                operations: &[ops::GET_USER, ops::UNENROLL_FACTOR],
            },
            reset_factor,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct FactorArg {
    /// User id (00u…) or login.
    user: String,
    /// Factor id.
    factor_id: String,
}

/// Enrollment answers can carry shared secrets (TOTP seeds, QR codes): never pass them on.
fn without_secrets(mut factor: Value) -> Value {
    if let Some(Value::Object(activation)) = factor.pointer_mut("/_embedded/activation") {
        activation.remove("sharedSecret");
        activation.remove("_links");
    }
    strip_links(factor)
}

async fn list_user_factors(ctx: ToolContext, args: UserArg) -> Result<ToolOutput, ToolError> {
    let id = user_id(&ctx, &args.user).await?;
    let factors = ctx.okta.get(&ops::LIST_FACTORS, &[&id], &Query::new()).await?;
    let items: Vec<Value> = factors
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| okta_mcp_kit::output::project(f, FACTOR_FIELDS, &[]))
        .collect();
    Ok(ToolOutput::json(json!({ "user": id, "count": items.len(), "factors": items })))
}

async fn get_factor(ctx: ToolContext, args: FactorArg) -> Result<ToolOutput, ToolError> {
    let id = user_id(&ctx, &args.user).await?;
    let factor = ctx.okta.get(&ops::GET_FACTOR, &[&id, &args.factor_id], &Query::new()).await?;
    Ok(ToolOutput::json(without_secrets(factor)))
}

async fn list_supported_factors(ctx: ToolContext, args: UserArg) -> Result<ToolOutput, ToolError> {
    let id = user_id(&ctx, &args.user).await?;
    let catalog = ctx.okta.get(&ops::LIST_SUPPORTED_FACTORS, &[&id], &Query::new()).await?;
    let fields = [
        field("factorType", "factorType"),
        field("provider", "provider"),
        field("status", "status"),
        field("enrollment", "enrollment"),
    ];
    let items: Vec<Value> =
        catalog.as_array().into_iter().flatten().map(|f| okta_mcp_kit::output::project(f, &fields, &[])).collect();
    Ok(ToolOutput::json(json!({ "user": id, "count": items.len(), "factors": items })))
}

#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
pub enum FactorType {
    #[serde(rename = "sms")]
    Sms,
    #[serde(rename = "call")]
    Call,
    #[serde(rename = "email")]
    Email,
    #[serde(rename = "token:software:totp")]
    Totp,
    #[serde(rename = "push")]
    Push,
    #[serde(rename = "question")]
    Question,
}

impl FactorType {
    fn as_str(self) -> &'static str {
        match self {
            FactorType::Sms => "sms",
            FactorType::Call => "call",
            FactorType::Email => "email",
            FactorType::Totp => "token:software:totp",
            FactorType::Push => "push",
            FactorType::Question => "question",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct EnrollArgs {
    /// User id (00u…) or login.
    user: String,
    /// The kind of factor.
    factor_type: FactorType,
    /// OKTA (default) or GOOGLE (totp).
    provider: Option<String>,
    /// E.164, e.g. +15555550100 (sms, call).
    phone_number: Option<String>,
    /// Address (email factor).
    email: Option<String>,
    /// Question key (question factor).
    question: Option<String>,
    /// Answer (question factor; never shown back).
    answer: Option<String>,
}

fn enroll_body(args: &EnrollArgs) -> Result<Value, ToolError> {
    let provider = args.provider.clone().unwrap_or_else(|| "OKTA".into()).to_ascii_uppercase();
    if !["OKTA", "GOOGLE"].contains(&provider.as_str()) {
        return Err(ToolError::invalid_arguments("provider must be OKTA or GOOGLE"));
    }
    if provider == "GOOGLE" && args.factor_type != FactorType::Totp {
        return Err(ToolError::invalid_arguments("provider GOOGLE is only for token:software:totp"));
    }
    let mut profile = Map::new();
    match args.factor_type {
        FactorType::Sms | FactorType::Call => {
            let phone = args.phone_number.as_deref().unwrap_or("");
            let digits = phone.strip_prefix('+').unwrap_or("");
            if digits.len() < 8 || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ToolError::invalid_arguments(
                    "phone_number is required for sms and call, in E.164 form such as +15555550100",
                ));
            }
            profile.insert("phoneNumber".into(), json!(phone));
        }
        FactorType::Email => {
            let email = args.email.as_deref().unwrap_or("");
            if !email.contains('@') {
                return Err(ToolError::invalid_arguments("email is required for the email factor"));
            }
            profile.insert("email".into(), json!(email));
        }
        FactorType::Question => {
            let (Some(q), Some(a)) = (args.question.as_deref(), args.answer.as_deref()) else {
                return Err(ToolError::invalid_arguments("question and answer are required for the question factor"));
            };
            profile.insert("question".into(), json!(q));
            profile.insert("answer".into(), json!(a));
        }
        FactorType::Totp | FactorType::Push => {}
    }
    let mut body = json!({ "factorType": args.factor_type.as_str(), "provider": provider });
    if !profile.is_empty() {
        body["profile"] = Value::Object(profile);
    }
    Ok(body)
}

async fn enroll_factor(ctx: ToolContext, args: EnrollArgs) -> Result<ToolOutput, ToolError> {
    let body = enroll_body(&args)?;
    let id = user_id(&ctx, &args.user).await?;
    let factor = ctx.okta.send(&ops::ENROLL_FACTOR, &[&id], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({ "user": id, "enrolled": factor.map(without_secrets) })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PassCodeArgs {
    /// User id (00u…) or login.
    user: String,
    /// Factor id.
    factor_id: String,
    /// The one-time passcode.
    pass_code: Option<String>,
}

async fn activate_factor(ctx: ToolContext, args: PassCodeArgs) -> Result<ToolOutput, ToolError> {
    let Some(code) = args.pass_code.as_deref().filter(|c| !c.trim().is_empty()) else {
        return Err(ToolError::invalid_arguments("pass_code is required to activate a factor"));
    };
    let id = user_id(&ctx, &args.user).await?;
    let factor = ctx
        .okta
        .send(&ops::ACTIVATE_FACTOR, &[&id, &args.factor_id], &Query::new(), Some(&json!({ "passCode": code })))
        .await?;
    Ok(ToolOutput::json(json!({ "user": id, "activated": factor.map(without_secrets) })))
}

async fn verify_factor(ctx: ToolContext, args: PassCodeArgs) -> Result<ToolOutput, ToolError> {
    let id = user_id(&ctx, &args.user).await?;
    let body = args.pass_code.as_deref().map(|c| json!({ "passCode": c }));
    let answer = ctx
        .okta
        .send(&ops::VERIFY_FACTOR, &[&id, &args.factor_id], &Query::new(), body.as_ref())
        .await?
        .unwrap_or(Value::Null);
    Ok(ToolOutput::json(json!({
        "user": id,
        "factor_id": args.factor_id,
        "factorResult": answer.get("factorResult"),
        "factorResultMessage": answer.get("factorResultMessage"),
        "expiresAt": answer.get("expiresAt"),
    })))
}

async fn reset_factor(ctx: ToolContext, args: FactorArg) -> Result<ToolOutput, ToolError> {
    let id = user_id(&ctx, &args.user).await?;
    ctx.okta.send(&ops::UNENROLL_FACTOR, &[&id, &args.factor_id], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({ "user": id, "factor_id": args.factor_id, "result": "factor reset (unenrolled)" })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(factor_type: FactorType) -> EnrollArgs {
        EnrollArgs {
            user: "u".into(),
            factor_type,
            provider: None,
            phone_number: None,
            email: None,
            question: None,
            answer: None,
        }
    }

    #[test]
    fn enroll_bodies_are_validated() {
        assert!(enroll_body(&args(FactorType::Sms)).is_err());
        let mut sms = args(FactorType::Sms);
        sms.phone_number = Some("+15555550100".into());
        let body = enroll_body(&sms).unwrap_or_default();
        assert_eq!(body, json!({"factorType": "sms", "provider": "OKTA", "profile": {"phoneNumber": "+15555550100"}}));
        let mut google = args(FactorType::Push);
        google.provider = Some("google".into());
        assert!(enroll_body(&google).is_err());
        assert_eq!(enroll_body(&args(FactorType::Totp)).unwrap_or_default()["factorType"], "token:software:totp");
    }

    #[test]
    fn secrets_are_removed() {
        let f = json!({"id": "f", "_embedded": {"activation": {"sharedSecret": "S3CR3T", "timeStep": 30,
                       "_links": {"qrcode": {"href": "x"}}}}, "_links": {}});
        let text = without_secrets(f).to_string();
        assert!(!text.contains("S3CR3T"));
        assert!(!text.contains("qrcode"));
        assert!(text.contains("timeStep"));
    }
}
