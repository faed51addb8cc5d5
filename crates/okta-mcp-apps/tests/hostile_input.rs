//! No input crashes the server: every tool called with arguments generated from its own input schema plus hostile
//! values (okta_e2e::hostile), in full and read-only mode; every call is answered and the server stays up.
#![allow(clippy::unwrap_used, clippy::expect_used)]

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-apps");

#[test]
fn every_tool_answers_hostile_arguments_in_full_mode() {
    okta_e2e::hostile::check(BIN, "full", 16);
}

#[test]
fn every_tool_answers_hostile_arguments_in_read_only_mode() {
    okta_e2e::hostile::check(BIN, "read-only", 8);
}
