//! No input crashes the server: every tool called with arguments generated from its own input schema plus hostile
//! values (okta_e2e::hostile), in full and read-only mode; every call is answered and the server stays up.
#![allow(clippy::unwrap_used, clippy::expect_used)]

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");

okta_e2e::hostile_tests!(BIN);
