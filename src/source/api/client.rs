//! One signed RPC call to the DBS API, sent again on transient failures.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use tokio::sync::Semaphore;

use super::credentials::Credentials;
use super::endpoint::Endpoint;
use super::error::{ApiError, ServiceError};
use super::progress::FetchProgress;
use super::retry::RetryPolicy;
use super::sign::{percent_encode, sign_query};

pub const API_VERSION: &str = "2019-03-06";
const METHOD: &str = "POST";
const REDACTED: &str = "<redacted>";

/// Transport settings of a [`DbsClient`].
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub connect_timeout: Duration,
    /// Limit of one attempt, from sending to the last byte of the body.
    pub request_timeout: Duration,
    /// Requests in flight at once, across all regions and pages (`--concurrency`).
    pub concurrency: usize,
    pub retry: RetryPolicy,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            concurrency: 4,
            retry: RetryPolicy::default(),
        }
    }
}

/// A successful response: HTTP 2xx and not `Success: false`.
#[derive(Debug)]
pub struct RpcResponse {
    pub request_id: Option<String>,
    pub body: String,
    pub attempts: u32,
}

/// A signing HTTP client bound to one set of credentials.
pub struct DbsClient {
    http: reqwest::Client,
    credentials: Credentials,
    retry: RetryPolicy,
    limiter: Arc<Semaphore>,
}

impl std::fmt::Debug for DbsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbsClient")
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Envelope {
    request_id: Option<String>,
    host_id: Option<String>,
    success: Option<bool>,
    code: Option<String>,
    message: Option<String>,
    err_code: Option<String>,
    err_message: Option<String>,
    recommend: Option<String>,
}

impl DbsClient {
    pub fn new(credentials: Credentials, config: &ClientConfig) -> Result<DbsClient, ApiError> {
        if config.concurrency == 0 {
            return Err(ApiError::InvalidOption {
                option: "--concurrency".into(),
                reason: "must be at least 1".into(),
            });
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("dbs-lint/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::HttpClient {
                detail: error_chain(&e.without_url()),
            })?;
        Ok(DbsClient {
            http,
            credentials,
            retry: config.retry.clone(),
            limiter: Arc::new(Semaphore::new(config.concurrency)),
        })
    }

    /// Calls `action` in `region` with `params` (besides the common ones), retrying transient
    /// failures. Each attempt gets a new nonce, timestamp and signature, and holds one of the
    /// `concurrency` slots only while it is in flight.
    pub async fn call(
        &self,
        endpoint: &Endpoint,
        region: &str,
        action: &str,
        params: &[(&str, String)],
        progress: &dyn FetchProgress,
    ) -> Result<RpcResponse, ApiError> {
        let mut attempt = 1;
        loop {
            let result = {
                let _slot = self
                    .limiter
                    .acquire()
                    .await
                    .expect("the limiter is never closed");
                self.attempt(endpoint, region, action, params).await
            };
            match result {
                Ok(mut response) => {
                    response.attempts = attempt;
                    return Ok(response);
                }
                Err(error) if self.retry.should_retry(attempt, &error) => {
                    let delay = self.retry.delay(attempt, &error);
                    progress.retrying(region, action, attempt, delay, &error);
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(mut error) => {
                    error.set_attempts(attempt);
                    return Err(error);
                }
            }
        }
    }

    fn signed_url(
        &self,
        endpoint: &Endpoint,
        region: &str,
        action: &str,
        params: &[(&str, String)],
    ) -> (Url, String) {
        let mut all: Vec<(String, String)> = vec![
            ("Action".into(), action.into()),
            ("Version".into(), API_VERSION.into()),
            ("Format".into(), "JSON".into()),
            ("AccessKeyId".into(), self.credentials.access_key_id.clone()),
            ("SignatureMethod".into(), "HMAC-SHA1".into()),
            ("SignatureVersion".into(), "1.0".into()),
            ("SignatureNonce".into(), uuid::Uuid::new_v4().to_string()),
            (
                "Timestamp".into(),
                chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            ),
            ("RegionId".into(), region.into()),
        ];
        if let Some(token) = &self.credentials.security_token {
            all.push(("SecurityToken".into(), token.expose().to_string()));
        }
        all.extend(params.iter().map(|(k, v)| (k.to_string(), v.clone())));
        let signed = sign_query(METHOD, &all, self.credentials.access_key_secret.expose());
        let url = Url::parse(&format!("{}?{}", endpoint.url(), signed.query))
            .expect("an endpoint URL followed by an encoded query is a valid URL");
        (url, signed.signature)
    }

    async fn attempt(
        &self,
        endpoint: &Endpoint,
        region: &str,
        action: &str,
        params: &[(&str, String)],
    ) -> Result<RpcResponse, ApiError> {
        let (url, signature) = self.signed_url(endpoint, region, action, params);
        let scrub = |text: &str| self.scrub(text, &signature);
        let transport = |e: reqwest::Error| ApiError::Transport {
            region: region.to_string(),
            action: action.to_string(),
            timed_out: e.is_timeout(),
            // Without the URL: it holds the signature and any SecurityToken.
            detail: scrub(&error_chain(&e.without_url())),
            attempts: 1,
        };
        let response = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("x-acs-retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis);
        let header_request_id = response
            .headers()
            .get("x-acs-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response.text().await.map_err(transport)?;
        let parsed = serde_json::from_str::<Envelope>(&body);
        let request_id = parsed
            .as_ref()
            .ok()
            .and_then(|e| e.request_id.clone())
            .or(header_request_id);

        let envelope = match parsed {
            Ok(envelope) => envelope,
            Err(e) if (200..300).contains(&status) => {
                return Err(ApiError::Malformed {
                    region: region.to_string(),
                    action: action.to_string(),
                    http_status: status,
                    request_id,
                    detail: format!("the body is not a JSON object: {e}"),
                })
            }
            // A gateway page instead of an API error body: keep the status, so 5xx retry.
            Err(_) => Envelope::default(),
        };
        let failed = !(200..300).contains(&status) || envelope.success == Some(false);
        if !failed {
            return Ok(RpcResponse {
                request_id,
                body,
                attempts: 1,
            });
        }
        let code = envelope
            .code
            .or(envelope.err_code)
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| {
                if (200..300).contains(&status) {
                    "Success=false".to_string()
                } else {
                    format!("HTTP{status}")
                }
            });
        let raw_message = envelope
            .message
            .or(envelope.err_message)
            .unwrap_or_else(|| "(no message)".into());
        let (message, server_sts) = split_string_to_sign(&raw_message);
        let hint = match code.as_str() {
            "SignatureDoesNotMatch" => Some(
                "check the AccessKeySecret; run with -v to see the StringToSign the server computed"
                    .to_string(),
            ),
            c if c.starts_with("Forbidden") || c == "Request.Forbidden" => Some(
                "the RAM user or role needs dbs:DescribeBackupPlanList (e.g. AliyunDBSReadOnlyAccess)"
                    .to_string(),
            ),
            _ => None,
        };
        Err(ApiError::Service(Box::new(ServiceError {
            region: region.to_string(),
            action: action.to_string(),
            http_status: status,
            code: scrub(&code),
            message: scrub(&message),
            request_id: request_id.map(|r| scrub(&r)),
            host_id: envelope.host_id.map(|h| scrub(&h)),
            recommend: envelope.recommend.map(|r| scrub(&r)),
            server_string_to_sign: server_sts.map(|s| redact_token_param(&scrub(&s))),
            retry_after,
            attempts: 1,
            hint,
        })))
    }

    /// Removes the secret, the token and this attempt's signature, raw or percent-encoded
    /// once or twice, from text the server sent back.
    fn scrub(&self, text: &str, signature: &str) -> String {
        let mut out = text.to_string();
        let mut needles = vec![self.credentials.access_key_secret.expose(), signature];
        if let Some(token) = &self.credentials.security_token {
            needles.push(token.expose());
        }
        for needle in needles.into_iter().filter(|n| !n.is_empty()) {
            let once = percent_encode(needle);
            let twice = percent_encode(&once);
            for form in [twice, once, needle.to_string()] {
                out = out.replace(&form, REDACTED);
            }
        }
        out
    }
}

/// Splits a `SignatureDoesNotMatch` message into its prose and the server's StringToSign.
fn split_string_to_sign(message: &str) -> (String, Option<String>) {
    let lower = message.to_ascii_lowercase();
    match lower.find("string to sign is:") {
        Some(at) => {
            let sts = message[at + "string to sign is:".len()..]
                .trim()
                .to_string();
            let prose = message[..at]
                .trim_end()
                .trim_end_matches("server")
                .trim_end()
                .to_string();
            (prose, Some(sts))
        }
        None => (message.to_string(), None),
    }
}

/// Replaces the value of `SecurityToken` in a StringToSign, whatever its encoding.
fn redact_token_param(sts: &str) -> String {
    const KEY: &str = "SecurityToken%3D";
    match sts.find(KEY) {
        Some(at) => {
            let start = at + KEY.len();
            let end = sts[start..]
                .find("%26")
                .map(|i| start + i)
                .unwrap_or(sts.len());
            format!("{}{REDACTED}{}", &sts[..start], &sts[end..])
        }
        None => sts.to_string(),
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_server_string_to_sign_off_the_message() {
        let (msg, sts) = split_string_to_sign(
            "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&A%3Db",
        );
        assert_eq!(
            msg,
            "Specified signature is not matched with our calculation."
        );
        assert_eq!(sts.as_deref(), Some("POST&%2F&A%3Db"));
        let (msg, sts) = split_string_to_sign("plain");
        assert_eq!((msg.as_str(), sts), ("plain", None));
    }

    #[test]
    fn redacts_security_token_in_string_to_sign() {
        assert_eq!(
            redact_token_param("POST&%2F&A%3D1%26SecurityToken%3DCAIS%252Bx%26T%3D2"),
            "POST&%2F&A%3D1%26SecurityToken%3D<redacted>%26T%3D2"
        );
        assert_eq!(
            redact_token_param("POST&%2F&SecurityToken%3Dabc"),
            "POST&%2F&SecurityToken%3D<redacted>"
        );
    }

    #[test]
    fn scrub_removes_every_encoding_of_secrets() {
        let client = DbsClient::new(
            Credentials::new("id", "se/cr+et", Some("to+k/en=".into())),
            &ClientConfig::default(),
        )
        .unwrap();
        let text = "se/cr+et se%2Fcr%2Bet to%252Bk%252Fen%253D sig/=";
        let out = client.scrub(text, "sig/=");
        for bad in ["se/cr", "cr%2Bet", "to%252B", "sig/"] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
    }

    #[test]
    fn signed_url_carries_common_params_and_token() {
        let client = DbsClient::new(
            Credentials::new("AKID", "s", Some("tok".into())),
            &ClientConfig::default(),
        )
        .unwrap();
        let ep = Endpoint::for_region("cn-hangzhou");
        let (url, _) = client.signed_url(&ep, "cn-hangzhou", "DescribeRegions", &[]);
        let pairs: std::collections::HashMap<String, String> =
            url.query_pairs().into_owned().collect();
        for (k, v) in [
            ("Action", "DescribeRegions"),
            ("Version", "2019-03-06"),
            ("Format", "JSON"),
            ("AccessKeyId", "AKID"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("RegionId", "cn-hangzhou"),
            ("SecurityToken", "tok"),
        ] {
            assert_eq!(pairs.get(k).map(String::as_str), Some(v), "{k}");
        }
        assert!(pairs.contains_key("Signature"));
        let (url2, _) = client.signed_url(&ep, "cn-hangzhou", "DescribeRegions", &[]);
        let nonce = |u: &Url| {
            u.query_pairs()
                .find(|(k, _)| k == "SignatureNonce")
                .map(|(_, v)| v.into_owned())
        };
        assert_ne!(nonce(&url), nonce(&url2));
    }
}
