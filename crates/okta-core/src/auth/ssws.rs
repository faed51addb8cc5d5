//! `Authorization: SSWS <api token>`.

use reqwest::header::{AUTHORIZATION, HeaderValue};

use super::{AuthHeaders, sensitive_value};
use crate::config::ENV_API_TOKEN;
use crate::error::OktaError;
use crate::secret::Secret;

/// Static API-token authorization.
#[derive(Debug)]
pub(crate) struct SswsAuth {
    value: HeaderValue,
}

impl SswsAuth {
    pub(crate) fn new(token: Secret) -> Result<Self, OktaError> {
        let value = sensitive_value(&format!("SSWS {}", token.expose())).map_err(|_| {
            OktaError::Config(crate::ConfigError::Invalid {
                var: ENV_API_TOKEN,
                reason: "contains characters that are not allowed in an HTTP header".into(),
            })
        })?;
        Ok(Self { value })
    }

    pub(crate) fn headers(&self) -> AuthHeaders {
        AuthHeaders { headers: vec![(AUTHORIZATION, self.value.clone())], token_generation: None, dpop: false }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_ssws_and_sensitive() {
        let auth = SswsAuth::new(Secret::new("00tok".into())).unwrap();
        let h = auth.headers();
        assert_eq!(h.headers[0].0, AUTHORIZATION);
        assert_eq!(h.headers[0].1.to_str().unwrap(), "SSWS 00tok");
        assert!(h.headers[0].1.is_sensitive());
        assert!(!format!("{auth:?} {h:?}").contains("00tok"));
    }
}
