//! Errors of the live client. Every message names where it happened (region, action) and
//! carries what the service said; none ever holds a secret or a signed URL.

use std::time::Duration;

/// How the CLI should classify an error for its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The user's flags, environment or configuration are wrong (exit 2).
    Usage,
    /// The service, the network or the data failed us (exit 3).
    Input,
}

/// A failure reported by the DBS service: an HTTP 4xx/5xx error body, or HTTP 200 with
/// `Success: false`.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error(
    "{action} failed in region {region}: {code}: {message} (HTTP {http_status}, RequestId {}, after {attempts} attempt(s)){}",
    request_id.as_deref().unwrap_or("none"),
    recommend.as_deref().map(|r| format!("; see {r}")).unwrap_or_default()
)]
#[diagnostic(code(dbs_lint::api::service))]
pub struct ServiceError {
    pub region: String,
    pub action: String,
    pub http_status: u16,
    /// The API `Code` (or `ErrCode` of a `Success: false` body).
    pub code: String,
    /// The API `Message`, without the StringToSign a `SignatureDoesNotMatch` message ends with.
    pub message: String,
    pub request_id: Option<String>,
    pub host_id: Option<String>,
    pub recommend: Option<String>,
    /// For `SignatureDoesNotMatch`: the StringToSign the server computed (any SecurityToken in
    /// it redacted). Shown only in verbose mode.
    pub server_string_to_sign: Option<String>,
    /// `x-acs-retry-after`, when the server sent one.
    pub retry_after: Option<Duration>,
    /// How many attempts were made before giving up.
    pub attempts: u32,
    #[help]
    pub hint: Option<String>,
}

impl ServiceError {
    /// Whether this failure may go away if the same request is sent again.
    pub fn is_retryable(&self) -> bool {
        self.http_status >= 500
            || self.code.starts_with("Throttling")
            || self.code == "ServiceUnavailable"
            || self.code == "InternalError"
    }
}

/// One part of the account that was not collected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MissingPart {
    pub region: String,
    /// 0-based page numbers that failed after retries (empty if none failed).
    pub failed_pages: Vec<u32>,
    /// `TotalElements` of the region, if its first page was read.
    pub expected: Option<u64>,
    /// Distinct plans collected in the region.
    pub collected: u64,
    pub reason: String,
}

impl std::fmt::Display for MissingPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "region {}: ", self.region)?;
        match self.expected {
            Some(expected) => write!(
                f,
                "collected {} of {} plans (TotalElements)",
                self.collected, expected
            )?,
            None => write!(f, "TotalElements unknown, nothing collected")?,
        }
        if !self.failed_pages.is_empty() {
            let pages: Vec<String> = self.failed_pages.iter().map(u32::to_string).collect();
            write!(f, "; failed page(s) PageNum={}", pages.join(","))?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// The fetch did not collect every plan; carries what is missing and why.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("incomplete fetch, the result cannot be trusted:\n{}", list(.missing))]
#[diagnostic(
    code(dbs_lint::api::incomplete),
    help("retry later, narrow --region, or pass --allow-partial to accept an incomplete result")
)]
pub struct IncompleteFetch {
    pub missing: Vec<MissingPart>,
    /// The errors behind the failed pages and regions.
    pub causes: Vec<ApiError>,
}

fn list(missing: &[MissingPart]) -> String {
    missing
        .iter()
        .map(|m| format!("  - {m}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
pub enum ApiError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Service(Box<ServiceError>),

    #[error("{action} in region {region}: {}: {detail} (after {attempts} attempt(s))",
        if *timed_out { "request timed out" } else { "network error" })]
    #[diagnostic(
        code(dbs_lint::api::network),
        help("check connectivity to the endpoint, or raise --connect-timeout / --request-timeout")
    )]
    Transport {
        region: String,
        action: String,
        detail: String,
        timed_out: bool,
        attempts: u32,
    },

    #[error("{action} in region {region}: unexpected response (HTTP {http_status}, RequestId {}): {detail}",
        request_id.as_deref().unwrap_or("none"))]
    #[diagnostic(code(dbs_lint::api::malformed_response))]
    Malformed {
        region: String,
        action: String,
        http_status: u16,
        request_id: Option<String>,
        detail: String,
    },

    #[error(transparent)]
    #[diagnostic(transparent)]
    Incomplete(Box<IncompleteFetch>),

    #[error("the fetch did not finish within {}s (--timeout)", limit.as_secs_f64())]
    #[diagnostic(code(dbs_lint::api::run_timeout))]
    RunTimeout { limit: Duration },

    #[error("invalid DBS endpoint {url:?}: {reason}")]
    #[diagnostic(
        code(dbs_lint::api::invalid_endpoint),
        help("give a URL such as https://dbs-api.cn-hangzhou.aliyuncs.com")
    )]
    InvalidEndpoint { url: String, reason: String },

    #[error("refusing plain http endpoint {url:?}: http is allowed only for loopback hosts")]
    #[diagnostic(
        code(dbs_lint::api::insecure_endpoint),
        help("use https://, or http://127.0.0.1:PORT for a local mock")
    )]
    InsecureEndpoint { url: String },

    #[error("invalid region id {region:?}")]
    #[diagnostic(
        code(dbs_lint::api::invalid_region),
        help(
            "region ids look like cn-hangzhou or ap-southeast-1; use --region all for every region"
        )
    )]
    InvalidRegion { region: String },

    #[error("no region given")]
    #[diagnostic(
        code(dbs_lint::api::no_region),
        help("pass --region, set ALIBABA_CLOUD_REGION_ID, or set region_id in the aliyun CLI profile")
    )]
    NoRegion,

    #[error("no Alibaba Cloud credentials found (looked at {searched})")]
    #[diagnostic(
        code(dbs_lint::api::no_credentials),
        help("set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure a profile with `aliyun configure`")
    )]
    NoCredentials { searched: String },

    #[error("{present} is set but {missing} is not")]
    #[diagnostic(code(dbs_lint::api::partial_credentials))]
    PartialEnvCredentials { present: String, missing: String },

    #[error("profile {profile:?} not found in {path}")]
    #[diagnostic(code(dbs_lint::api::profile_not_found))]
    ProfileNotFound { profile: String, path: String },

    #[error("cannot read the aliyun CLI configuration {path}: {detail}")]
    #[diagnostic(code(dbs_lint::api::config_unreadable))]
    ConfigUnreadable { path: String, detail: String },

    #[error("profile {profile:?} uses mode {mode:?}, which dbs-lint does not support")]
    #[diagnostic(
        code(dbs_lint::api::unsupported_profile_mode),
        help("supported modes are AK and StsToken; or export ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN")
    )]
    UnsupportedProfileMode { profile: String, mode: String },

    #[error("profile {profile:?} (mode {mode}) has no {field}")]
    #[diagnostic(code(dbs_lint::api::incomplete_profile))]
    IncompleteProfile {
        profile: String,
        mode: String,
        field: String,
    },

    #[error("invalid {option}: {reason}")]
    #[diagnostic(code(dbs_lint::api::invalid_option))]
    InvalidOption { option: String, reason: String },

    #[error("cannot set up the HTTP client: {detail}")]
    #[diagnostic(code(dbs_lint::api::http_client))]
    HttpClient { detail: String },
}

impl ApiError {
    /// Usage/configuration problems map to exit 2; service, network and data problems to 3.
    pub fn class(&self) -> ErrorClass {
        match self {
            ApiError::Service(_)
            | ApiError::Transport { .. }
            | ApiError::Malformed { .. }
            | ApiError::Incomplete(_)
            | ApiError::RunTimeout { .. }
            | ApiError::HttpClient { .. } => ErrorClass::Input,
            ApiError::InvalidEndpoint { .. }
            | ApiError::InsecureEndpoint { .. }
            | ApiError::InvalidRegion { .. }
            | ApiError::NoRegion
            | ApiError::NoCredentials { .. }
            | ApiError::PartialEnvCredentials { .. }
            | ApiError::ProfileNotFound { .. }
            | ApiError::ConfigUnreadable { .. }
            | ApiError::UnsupportedProfileMode { .. }
            | ApiError::IncompleteProfile { .. }
            | ApiError::InvalidOption { .. } => ErrorClass::Usage,
        }
    }

    /// Shorthand for `class() == ErrorClass::Usage`.
    pub fn is_usage_error(&self) -> bool {
        self.class() == ErrorClass::Usage
    }

    /// The StringToSign the server computed, when a request failed with
    /// `SignatureDoesNotMatch` (also looked up inside an incomplete-fetch error).
    pub fn server_string_to_sign(&self) -> Option<&str> {
        match self {
            ApiError::Service(e) => e.server_string_to_sign.as_deref(),
            ApiError::Incomplete(inc) => inc.causes.iter().find_map(|c| c.server_string_to_sign()),
            _ => None,
        }
    }

    /// The API error code, for service errors.
    pub fn api_code(&self) -> Option<&str> {
        match self {
            ApiError::Service(e) => Some(&e.code),
            _ => None,
        }
    }

    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            ApiError::Service(e) => e.is_retryable(),
            ApiError::Transport { .. } => true,
            _ => false,
        }
    }

    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Service(e) => e.retry_after,
            _ => None,
        }
    }

    pub(crate) fn set_attempts(&mut self, n: u32) {
        match self {
            ApiError::Service(e) => e.attempts = n,
            ApiError::Transport { attempts, .. } => *attempts = n,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str, status: u16) -> ServiceError {
        ServiceError {
            region: "cn-hangzhou".into(),
            action: "DescribeBackupPlanList".into(),
            http_status: status,
            code: code.into(),
            message: "msg".into(),
            request_id: Some("RID-1".into()),
            host_id: None,
            recommend: Some("https://api.aliyun.com/troubleshoot?q=x".into()),
            server_string_to_sign: None,
            retry_after: None,
            attempts: 1,
            hint: None,
        }
    }

    #[test]
    fn service_error_names_region_action_code_request_id_and_recommend() {
        let text = ApiError::Service(Box::new(service("Request.Forbidden", 403))).to_string();
        for part in [
            "cn-hangzhou",
            "DescribeBackupPlanList",
            "Request.Forbidden",
            "msg",
            "RID-1",
            "HTTP 403",
            "https://api.aliyun.com/troubleshoot?q=x",
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
    }

    #[test]
    fn retryable_codes() {
        for (code, status) in [
            ("Throttling", 400),
            ("Throttling.User", 400),
            ("Throttling.Api", 400),
            ("ServiceUnavailable", 503),
            ("InternalError", 500),
            ("Whatever", 502),
        ] {
            assert!(service(code, status).is_retryable(), "{code}");
        }
        for (code, status) in [
            ("SignatureDoesNotMatch", 400),
            ("Request.Forbidden", 403),
            ("InvalidParameter", 400),
            ("InvalidAccessKeyId.NotFound", 404),
            ("Forbidden.RAM", 403),
        ] {
            assert!(!service(code, status).is_retryable(), "{code}");
        }
    }

    #[test]
    fn classes_split_usage_from_input() {
        assert_eq!(
            ApiError::InsecureEndpoint {
                url: "http://x".into()
            }
            .class(),
            ErrorClass::Usage
        );
        assert!(ApiError::UnsupportedProfileMode {
            profile: "p".into(),
            mode: "RamRoleArn".into()
        }
        .is_usage_error());
        assert_eq!(
            ApiError::Service(Box::new(service("Request.Forbidden", 403))).class(),
            ErrorClass::Input
        );
        assert_eq!(
            ApiError::Incomplete(Box::new(IncompleteFetch {
                missing: vec![],
                causes: vec![]
            }))
            .class(),
            ErrorClass::Input
        );
    }

    #[test]
    fn missing_part_lists_pages_and_counts() {
        let m = MissingPart {
            region: "cn-beijing".into(),
            failed_pages: vec![3, 7],
            expected: Some(500),
            collected: 300,
            reason: "boom".into(),
        };
        assert_eq!(
            m.to_string(),
            "region cn-beijing: collected 300 of 500 plans (TotalElements); failed page(s) PageNum=3,7: boom"
        );
    }
}
