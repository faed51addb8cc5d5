//! What a tool handler gets: the Okta client of this server.

use okta_core::OktaClient;

#[derive(Debug, Clone)]
pub struct ToolContext {
    pub okta: OktaClient,
}

impl ToolContext {
    pub fn new(okta: OktaClient) -> Self {
        ToolContext { okta }
    }
}
