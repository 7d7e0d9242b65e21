//! SigV4 for requests the SDK clients don't send: MCP calls to `AWS_IAM`
//! gateways, which AgentCore authenticates with the caller's AWS
//! credentials (service `bedrock-agentcore`) instead of a token.

use std::time::SystemTime;

use acc_mcp::client::SignRequest;
use aws_sdk_bedrockagentcore::config::{Credentials, ProvideCredentials};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

use crate::connection::{Backend, NO_REGION};
use crate::error::BackendError;

/// The signing name of AgentCore's data plane, gateways included.
const SERVICE: &str = "bedrock-agentcore";

/// Signs each request with one set of credentials, resolved once per client.
pub(crate) struct SigV4Signer {
    credentials: Credentials,
    region: String,
}

impl SignRequest for SigV4Signer {
    fn sign(&self, request: &mut reqwest::Request) -> Result<(), String> {
        let body = request
            .body()
            .and_then(|b| b.as_bytes())
            .ok_or("a streamed body cannot be signed")?
            .to_vec();
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let identity = self.credentials.clone().into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(SERVICE)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let signable = SignableRequest::new(
            request.method().as_str(),
            request.url().as_str(),
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(&body),
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        for (name, value) in instructions.headers() {
            let value = reqwest::header::HeaderValue::from_str(value).map_err(|e| e.to_string())?;
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| e.to_string())?;
            request.headers_mut().insert(name, value);
        }
        Ok(())
    }
}

impl Backend {
    /// A signer with this context's credentials and region, as the SDK
    /// clients resolve them (profile, SSO, environment, or the local
    /// platform's fixed pair).
    pub(crate) async fn sigv4_signer(&self) -> Result<SigV4Signer, BackendError> {
        let config = self.data.config();
        let region = config
            .region()
            .map(|r| r.to_string())
            .ok_or_else(|| BackendError::Config(NO_REGION.into()))?;
        let provider = self.credentials.as_ref().ok_or_else(|| {
            BackendError::Config("no AWS credentials are configured for this context".into())
        })?;
        let credentials = provider.provide_credentials().await.map_err(|e| {
            BackendError::Config(format!(
                "no AWS credentials to sign the gateway request: {}",
                aws_smithy_types::error::display::DisplayErrorContext(e)
            ))
        })?;
        Ok(SigV4Signer {
            credentials,
            region,
        })
    }
}
