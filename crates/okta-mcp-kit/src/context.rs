//! What a tool handler gets: the Okta client of this call (see `okta`: changes may be held back or refused).

use crate::okta::Okta;

#[derive(Debug, Clone)]
pub struct ToolContext {
    pub okta: Okta,
}

impl ToolContext {
    pub fn new(okta: Okta) -> Self {
        ToolContext { okta }
    }
}
