//! What a tool handler gets: the Okta client of this call (see `okta`: changes may be held back or refused) and
//! where its progress goes.

use crate::okta::Okta;
use crate::progress::Progress;

#[derive(Debug, Clone)]
pub struct ToolContext {
    pub okta: Okta,
    /// MCP progress of this call (see [`Progress::report`]); a no-op when the client asked for none.
    pub progress: Progress,
}

impl ToolContext {
    /// A context whose progress goes to the call running on this task, if any.
    pub fn new(okta: Okta) -> Self {
        ToolContext { okta, progress: Progress::current() }
    }
}
