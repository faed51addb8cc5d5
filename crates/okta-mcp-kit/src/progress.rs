//! MCP progress notifications of one tool call: a long tool (bulk work) reports how far it is, and the rate
//! governor's waits are announced the same way, so a person sees why a call takes time. Nothing is sent when the
//! client asked for no progress (no progress token), but every report is still logged.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use okta_core::governor::{Wait, WaitListener};
use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::service::{Peer, RequestContext, RoleServer};

tokio::task_local! {
    static CURRENT: Progress;
}

/// Where a tool call's progress goes (cheap to clone; a no-op when the client did not ask for progress).
#[derive(Clone, Default)]
pub struct Progress {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    token: ProgressToken,
    /// The last progress value sent: MCP requires each notification's to be greater.
    last: Mutex<f64>,
    /// Notifications go out in order, one task a call, so that none overtakes another or the call's result
    /// ([`Progress::finish`]); `None` once the call has finished.
    queue: Mutex<Option<mpsc::UnboundedSender<ProgressNotificationParam>>>,
    sender: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress").field("reported", &self.inner.is_some()).finish()
    }
}

impl Progress {
    /// The progress of the request `context` belongs to (none without a progress token).
    pub fn of(context: Option<&RequestContext<RoleServer>>) -> Self {
        let inner = context.and_then(|c| {
            c.meta.get_progress_token().map(|token| {
                let (queue, mut next) = mpsc::unbounded_channel::<ProgressNotificationParam>();
                let peer: Peer<RoleServer> = c.peer.clone();
                let sender = tokio::spawn(async move {
                    while let Some(param) = next.recv().await {
                        let _ = peer.notify_progress(param).await;
                    }
                });
                Arc::new(Inner {
                    token,
                    last: Mutex::new(0.0),
                    queue: Mutex::new(Some(queue)),
                    sender: Mutex::new(Some(sender)),
                })
            })
        });
        Progress { inner }
    }

    /// The progress of the tool call running on this task (a no-op outside one).
    pub fn current() -> Self {
        CURRENT.try_with(Clone::clone).unwrap_or_default()
    }

    /// Run `future` as the call whose progress this is.
    pub async fn scope<F: std::future::Future>(self, future: F) -> F::Output {
        CURRENT.scope(self, future).await
    }

    /// Whether the client will see reports.
    pub fn is_reported(&self) -> bool {
        self.inner.is_some()
    }

    /// `done` of `total` (when known), with a line for the person. Values that would not increase are nudged
    /// just above the last one sent, as MCP requires.
    pub fn report(&self, done: f64, total: Option<f64>, message: impl Into<String>) {
        let message = message.into();
        tracing::info!("progress: {message}");
        self.notify(done, total, message);
    }

    /// Send the notification (no log line: the caller logged it).
    fn notify(&self, done: f64, total: Option<f64>, message: String) {
        let Some(inner) = &self.inner else { return };
        let value = {
            let mut last = inner.last.lock().unwrap_or_else(PoisonError::into_inner);
            let value = if done > *last { done } else { *last + 0.001 };
            *last = value;
            value
        };
        let mut param = ProgressNotificationParam::new(inner.token.clone(), value).with_message(message);
        if let Some(total) = total.filter(|t| *t >= value) {
            param = param.with_total(total);
        }
        if let Some(queue) = inner.queue.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            let _ = queue.send(param);
        }
    }

    /// The call is over: every notification reported is sent before this returns (so before the call's result),
    /// and later reports are dropped.
    pub async fn finish(&self) {
        let Some(inner) = &self.inner else { return };
        inner.queue.lock().unwrap_or_else(PoisonError::into_inner).take();
        let sender = inner.sender.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(sender) = sender {
            let _ = sender.await;
        }
    }

    /// A line for the person without moving the count.
    pub fn say(&self, message: impl Into<String>) {
        self.report(self.last(), None, message);
    }

    fn last(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |i| *i.last.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl WaitListener for Progress {
    /// Told to the person only: the governor has logged the wait already.
    fn waiting(&self, wait: &Wait) {
        self.notify(
            self.last(),
            None,
            format!(
                "waiting {:.1} s for Okta's rate limit of {} {} (keeping within this server's share)",
                wait.duration.as_secs_f64(),
                wait.method,
                wait.template
            ),
        );
    }
}
