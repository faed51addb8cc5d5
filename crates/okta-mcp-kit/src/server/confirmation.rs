//! Confirming a destructive call: the preview (the tool run up to its first change), then, by policy, the
//! person's answer (elicitation in either protocol era), their approval of an Okta Verify push, or a
//! confirmation token. See `crate::confirm` for the policies and tokens, `crate::approval` for the push.

use rmcp::RoleServer;
use std::sync::atomic::{AtomicU32, Ordering};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ElicitRequest, ElicitRequestParams, ElicitationSchema,
    InputRequest, InputRequests, InputRequiredResult, JsonObject, ProgressNotificationParam, ProtocolVersion,
};
use rmcp::service::{ElicitationError, RequestContext};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{McpServer, Outcome, describe_target, error_result, text_result};
use crate::approval::PushAnswer;
use crate::catalog::ToolDef;
use crate::confirm::{ConfirmPolicy, Purpose};
use crate::error::ToolError;
use crate::okta::{Changes, PlannedRequest};
use crate::output::{ToolOutput, strip_links};

/// The person's answer to a confirmation question.
#[derive(Debug, Deserialize, JsonSchema)]
struct Confirm {
    /// Proceed with this change?
    confirm: bool,
}
rmcp::elicit_safe!(Confirm);

/// How a destructive call reached its decision.
pub(super) enum Decision {
    Run,
    /// The call ends here: the response and what to audit (boxed: a response is large).
    Stop(Box<(CallToolResponse, Outcome)>),
}

impl Decision {
    fn stop(response: impl Into<CallToolResponse>, outcome: Outcome) -> Self {
        Decision::Stop(Box::new((response.into(), outcome)))
    }
}

impl McpServer {
    /// Run the tool up to its first change and describe what it would do. Err: the call ends here (the tool
    /// refused, failed, or had nothing to change).
    async fn preview(&self, tool: &ToolDef, args: &JsonObject) -> Result<Value, (CallToolResult, Outcome)> {
        let (outcome, state) = self.run(tool, args.clone(), Changes::Hold, false).await;
        match outcome {
            Err(ToolError::Held(planned)) => {
                let targets = state.targets();
                let current = if targets.is_empty() {
                    state.last_read()
                } else {
                    // The tool named what the change really acts on: show that, not what it read last.
                    Some(Value::Array(
                        targets.iter().map(|t| json!({"kind": t.kind, "id": t.id, "name": t.label})).collect(),
                    ))
                };
                Ok(self.describe_change(tool, &planned, current))
            }
            Err(error) => {
                let mut outcome = Outcome::new("refused", error.to_string());
                outcome.request_ids.extend(error.request_id().map(str::to_owned));
                Err((error_result(error.to_string()), outcome))
            }
            // Nothing to change: the tool's own answer is the result.
            Ok(output) => Err((text_result(output), Outcome::new("executed", "nothing to change"))),
        }
    }

    fn describe_change(&self, tool: &ToolDef, planned: &PlannedRequest, current: Option<Value>) -> Value {
        let mut out = json!({
            "action": tool.meta.title,
            "what_it_does": tool.meta.description,
            "request": planned.to_json(),
        });
        match current {
            Some(Value::Array(declared)) => out["target_now"] = Value::Array(declared),
            Some(current) => out["target_now"] = describe_target(&strip_links(current)),
            None => {}
        }
        out
    }

    fn summary_text(preview: &Value) -> String {
        let target = preview.get("target_now").map(|t| format!("\nTarget: {t}")).unwrap_or_default();
        let why = preview["request"]["destructive"].as_str().map(|w| format!("\nThis change {w}.")).unwrap_or_default();
        format!(
            "Confirm: {} — {}{target}\nRequest: {} {}{why}\nThis changes your Okta org and may not be undoable.",
            preview["action"].as_str().unwrap_or_default(),
            preview["what_it_does"].as_str().unwrap_or_default(),
            preview["request"]["method"].as_str().unwrap_or_default(),
            preview["request"]["path"].as_str().unwrap_or_default(),
        )
    }

    /// Who a confirmation is for: the caller's subject over HTTP with inbound auth, else nobody in particular.
    fn who() -> String {
        crate::auth::caller::current().map(|c| c.subject).unwrap_or_default()
    }

    /// Redeem a confirmation here and, through the audit log that every replica writes, everywhere: one
    /// confirmation runs one call whichever replica it reaches. Fails closed when the log cannot say.
    async fn redeem(&self, purpose: Purpose, sealed: &str, tool: &str, args: &JsonObject) -> Result<(), String> {
        let confirmations = &self.inner.safety.confirmations;
        let id = confirmations.redeem(purpose, &Self::who(), sealed, tool, args)?;
        let Some(sink) = &self.inner.safety.audit else { return Ok(()) };
        let log = sink.log().map_err(|e| format!("the audit log cannot say whether it was used ({e})"))?;
        match log.spend(&id, confirmations.expiry()).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(crate::confirm::ALREADY_USED.to_owned()),
            Err(e) => Err(format!("the audit log cannot say whether this confirmation was used ({e})")),
        }
    }

    fn refused(why: String) -> Decision {
        let message = format!("not executed: {why}");
        Decision::stop(error_result(message.clone()), Outcome::new("refused", message))
    }

    /// Decide whether a call that needs confirmation may run, by the confirmation policy.
    pub(super) async fn confirm(
        &self,
        tool: &ToolDef,
        args: &JsonObject,
        token: Option<&str>,
        request: &CallToolRequestParams,
        context: Option<&RequestContext<RoleServer>>,
    ) -> Decision {
        // No policy but `never` switches elicitation off for a client that has it: under `token` such a client
        // is asked instead of handed a token, and under `push` it is asked first, then the approver's phone.
        let asks = Self::can_elicit(context) || request.request_state.is_some();
        match self.policy() {
            ConfirmPolicy::Never => Decision::Run,
            ConfirmPolicy::Elicit => self.confirm_by_elicitation(tool, args, request, context).await,
            ConfirmPolicy::Token if asks => self.confirm_by_elicitation(tool, args, request, context).await,
            ConfirmPolicy::Token => self.confirm_by_token(tool, args, token).await,
            ConfirmPolicy::Push if asks => match self.confirm_by_elicitation(tool, args, request, context).await {
                Decision::Run => self.confirm_by_push(tool, args, context).await,
                stop => stop,
            },
            ConfirmPolicy::Push => self.confirm_by_push(tool, args, context).await,
        }
    }

    /// The preview, or the end of the call (the tool refused, failed, or had nothing to change); with the
    /// request in a line for the audit log.
    async fn preview_line(&self, tool: &ToolDef, args: &JsonObject) -> Result<(Value, String), Decision> {
        let preview = self.preview(tool, args).await.map_err(|(result, outcome)| Decision::stop(result, outcome))?;
        let planned = format!(
            "{} {}",
            preview["request"]["method"].as_str().unwrap_or(""),
            preview["request"]["path"].as_str().unwrap_or("")
        );
        Ok((preview, planned))
    }

    /// `elicit`: the client asks the person. A client that cannot is refused (its destructive tools are not
    /// even listed).
    async fn confirm_by_elicitation(
        &self,
        tool: &ToolDef,
        args: &JsonObject,
        request: &CallToolRequestParams,
        context: Option<&RequestContext<RoleServer>>,
    ) -> Decision {
        let confirmations = &self.inner.safety.confirmations;
        let name = tool.meta.name;
        let new_era = context.and_then(|c| c.protocol_version()).is_some_and(|v| v >= ProtocolVersion::V_2026_07_28);
        let can_elicit = Self::can_elicit(context);

        // 2026-07-28: the answer comes back with the retried call, beside our sealed request state.
        if new_era && let Some(state) = &request.request_state {
            if let Err(why) = self.redeem(Purpose::RequestState, state, name, args).await {
                return Self::refused(why);
            }
            let answer = request.input_responses.as_ref().and_then(|r| r.get("confirm")).cloned();
            let action = answer.as_ref().and_then(|a| a.get("action")).and_then(Value::as_str).unwrap_or("cancel");
            let confirmed =
                answer.as_ref().and_then(|a| a.pointer("/content/confirm")).and_then(Value::as_bool).unwrap_or(false);
            return if action == "accept" && confirmed {
                crate::metrics::confirmation("accepted");
                Decision::Run
            } else {
                self.not_executed(tool, action)
            };
        }
        if !can_elicit {
            return Self::refused(self.hidden_note());
        }
        let (preview, planned) = match self.preview_line(tool, args).await {
            Ok(p) => p,
            Err(stop) => return stop,
        };
        if new_era {
            let schema = match ElicitationSchema::from_type::<Confirm>() {
                Ok(schema) => schema,
                Err(e) => return Self::refused(format!("cannot build the confirmation question: {e}")),
            };
            let elicit = ElicitRequest::new(ElicitRequestParams::FormElicitationParams {
                meta: None,
                message: Self::summary_text(&preview),
                requested_schema: schema,
            });
            let requests: InputRequests = [("confirm".to_owned(), InputRequest::Elicitation(elicit))].into();
            let state = confirmations.issue(Purpose::RequestState, &Self::who(), name, args);
            crate::metrics::confirmation("asked");
            let response = CallToolResponse::InputRequired(InputRequiredResult::new(Some(requests), Some(state)));
            return Decision::stop(response, Outcome::new("previewed", format!("asked the person: {planned}")));
        }
        let Some(context) = context else { return Self::refused(self.hidden_note()) };
        crate::metrics::confirmation("asked");
        match context.peer.elicit::<Confirm>(Self::summary_text(&preview)).await {
            Ok(Some(Confirm { confirm: true })) => {
                crate::metrics::confirmation("accepted");
                Decision::Run
            }
            Ok(_) | Err(ElicitationError::UserDeclined) => self.not_executed(tool, "decline"),
            Err(ElicitationError::UserCancelled) => self.not_executed(tool, "cancel"),
            Err(e) => Self::refused(format!("the confirmation question failed ({e})")),
        }
    }

    /// `push`: an Okta Verify push to the approver; only SUCCESS runs the change.
    async fn confirm_by_push(
        &self,
        tool: &ToolDef,
        args: &JsonObject,
        context: Option<&RequestContext<RoleServer>>,
    ) -> Decision {
        let Some(approval) = &self.inner.safety.approval else {
            return Self::refused("OKTA_MCP_CONFIRM=push but no OKTA_MCP_APPROVER is set".to_owned());
        };
        let (preview, planned) = match self.preview_line(tool, args).await {
            Ok(p) => p,
            Err(stop) => return stop,
        };
        let summary = Self::summary_text(&preview);
        let step = AtomicU32::new(0);
        let progress = |message: String| {
            tracing::info!("{}: {message}", tool.meta.name);
            let Some(context) = context else { return };
            let Some(token) = context.meta.get_progress_token() else { return };
            let n = step.fetch_add(1, Ordering::Relaxed) + 1;
            let peer = context.peer.clone();
            let param = ProgressNotificationParam::new(token, f64::from(n)).with_message(message);
            tokio::spawn(async move {
                let _ = peer.notify_progress(param).await;
            });
        };
        progress(format!("Asking {} to approve with Okta Verify.\n{summary}", approval.approver));
        crate::metrics::confirmation("asked");
        let client = self.ready().await.client.clone();
        match approval.ask(&client, &progress).await {
            Ok(PushAnswer::Approved) => {
                tracing::info!("{}: approved by {} (Okta Verify push): {planned}", tool.meta.name, approval.approver);
                crate::metrics::confirmation("approved");
                Decision::Run
            }
            Ok(PushAnswer::Rejected) => self.not_executed(tool, "reject"),
            Ok(PushAnswer::TimedOut) => self.not_executed(tool, "timeout"),
            Err(why) => Self::refused(format!("no approval, so nothing was changed: {why}")),
        }
    }

    /// `token`: a preview and a token; a second call with the token runs. The assistant can make that call
    /// itself, and every preview says so.
    async fn confirm_by_token(&self, tool: &ToolDef, args: &JsonObject, token: Option<&str>) -> Decision {
        let confirmations = &self.inner.safety.confirmations;
        let name = tool.meta.name;
        if let Some(token) = token {
            return match self.redeem(Purpose::Token, token, name, args).await {
                Ok(()) => {
                    crate::metrics::confirmation("token_redeemed");
                    Decision::Run
                }
                Err(why) => Self::refused(why),
            };
        }
        let (preview, planned) = match self.preview_line(tool, args).await {
            Ok(p) => p,
            Err(stop) => return stop,
        };
        let token = confirmations.issue(Purpose::Token, &Self::who(), name, args);
        crate::metrics::confirmation("asked");
        let out = json!({
            "confirmation_required": true,
            "preview": preview,
            "confirmation_token": token,
            "expires_in_seconds": crate::confirm::TOKEN_TTL.as_secs(),
            "warning": crate::confirm::TOKEN_WARNING,
            "next": format!("nothing was changed. Show this to the person; if they agree, call {name} again with \
                             the same arguments plus confirmation_token"),
        });
        Decision::stop(
            text_result(ToolOutput::json(out)),
            Outcome::new("previewed", format!("token issued: {planned}")),
        )
    }

    fn not_executed(&self, tool: &ToolDef, action: &str) -> Decision {
        let (outcome, how) = match action {
            "decline" => ("declined", "declined"),
            "reject" => ("rejected", "rejected on Okta Verify"),
            "timeout" => ("timed_out", "not approved in time (the Okta Verify push timed out)"),
            _ => ("cancelled", "cancelled"),
        };
        crate::metrics::confirmation(outcome);
        let message = format!("{} was {how}: nothing was changed", tool.meta.name);
        let result = text_result(ToolOutput::json(json!({ "executed": false, "result": message })));
        Decision::stop(result, Outcome::new(outcome, message))
    }
}
