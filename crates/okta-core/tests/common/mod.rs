//! Shared helpers for the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::OnceLock;
use std::time::Duration;

use okta_core::{AuthConfig, ClientOptions, DpopMode, OktaClient, OktaConfig, PrivateKeyJwtConfig, Secret, SigningKey};
use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};

pub const TOKEN: &str = "00TestApiTokenValue";

pub struct TestKey {
    pub private_pem: String,
    pub public_pem: String,
}

/// One RSA key per test binary (key generation is slow in debug builds).
pub fn test_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        TestKey {
            private_pem: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
            public_pem: key.to_public_key().to_public_key_pem(LineEnding::LF).unwrap(),
        }
    })
}

pub fn fast_options() -> ClientOptions {
    let mut o = ClientOptions::new("test-server", "9.9.9");
    o.timeout = Duration::from_secs(10);
    o.connect_timeout = Duration::from_secs(2);
    o
}

pub fn ssws_client(org: &str) -> OktaClient {
    ssws_client_with(org, fast_options())
}

pub fn ssws_client_with(org: &str, options: ClientOptions) -> OktaClient {
    let config = OktaConfig::new(org, AuthConfig::ApiToken(Secret::new(TOKEN.into()))).unwrap();
    OktaClient::new(config, options).unwrap()
}

pub fn oauth_client(org: &str) -> OktaClient {
    oauth_client_dpop(org, DpopMode::Auto)
}

pub fn oauth_client_dpop(org: &str, dpop: DpopMode) -> OktaClient {
    let key = SigningKey::parse(&test_key().private_pem).unwrap();
    let config = OktaConfig::new(
        org,
        AuthConfig::PrivateKeyJwt(PrivateKeyJwtConfig {
            client_id: "0oaTestClient".into(),
            key,
            key_id: Some("kid-1".into()),
            dpop,
        }),
    )
    .unwrap();
    OktaClient::new(config, fast_options().with_scopes(["okta.users.read", "okta.groups.read"])).unwrap()
}
