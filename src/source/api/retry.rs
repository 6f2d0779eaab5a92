//! When and how long to wait before sending a failed request again.

use std::time::Duration;

use super::error::ApiError;

/// Longest wait honoured from an `x-acs-retry-after` header.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Exponential backoff with jitter. Only transient failures are retried: network errors and
/// timeouts, HTTP 5xx, `Throttling*`, `ServiceUnavailable`, `InternalError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (`--max-retries`).
    pub max_retries: u32,
    /// Delay before the first retry; doubles each time.
    pub base_delay: Duration,
    /// Upper bound of a computed backoff.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            base_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Whether `error`, seen on attempt number `attempt` (1-based), earns another attempt.
    pub fn should_retry(&self, attempt: u32, error: &ApiError) -> bool {
        attempt <= self.max_retries && error.is_retryable()
    }

    /// The wait before retry number `retry` (1-based): the server's `x-acs-retry-after` when
    /// it sent one, else `base × 2^(retry-1)` capped at `max_delay`, jittered to 50–100 %.
    pub fn delay(&self, retry: u32, error: &ApiError) -> Duration {
        if let Some(after) = error.retry_after() {
            return after.min(MAX_RETRY_AFTER);
        }
        let exp = 2u32.saturating_pow(retry.saturating_sub(1).min(20));
        let full = self.base_delay.saturating_mul(exp).min(self.max_delay);
        full.mul_f64(0.5 + fastrand::f64() * 0.5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::api::error::ServiceError;

    fn err(code: &str, status: u16, retry_after: Option<Duration>) -> ApiError {
        ApiError::Service(Box::new(ServiceError {
            region: "r".into(),
            action: "a".into(),
            http_status: status,
            code: code.into(),
            message: String::new(),
            request_id: None,
            host_id: None,
            recommend: None,
            server_string_to_sign: None,
            retry_after,
            attempts: 1,
            hint: None,
        }))
    }

    #[test]
    fn backoff_grows_and_is_capped_with_jitter() {
        let p = RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
        };
        let e = err("Throttling", 400, None);
        for _ in 0..50 {
            let d1 = p.delay(1, &e);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
            let d3 = p.delay(3, &e);
            assert!(d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400));
            let d9 = p.delay(9, &e);
            assert!(d9 >= Duration::from_millis(500) && d9 <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn retry_after_header_wins_and_is_bounded() {
        let p = RetryPolicy::default();
        let e = err("Throttling.User", 400, Some(Duration::from_millis(1234)));
        assert_eq!(p.delay(1, &e), Duration::from_millis(1234));
        let huge = err("Throttling.User", 400, Some(Duration::from_secs(3600)));
        assert_eq!(p.delay(1, &huge), MAX_RETRY_AFTER);
    }

    #[test]
    fn retries_only_transient_errors_and_only_max_times() {
        let p = RetryPolicy {
            max_retries: 2,
            ..RetryPolicy::default()
        };
        let t = err("ServiceUnavailable", 503, None);
        assert!(p.should_retry(1, &t));
        assert!(p.should_retry(2, &t));
        assert!(!p.should_retry(3, &t));
        assert!(!p.should_retry(1, &err("SignatureDoesNotMatch", 400, None)));
        assert!(!p.should_retry(1, &err("InvalidParameter", 400, None)));
    }
}
