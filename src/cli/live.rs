//! Command-line options of the live fetch, and turning them into a fetch.
//!
//! No option accepts a secret: credentials come from the environment or an aliyun CLI profile
//! (see `source::api::credentials` for the order).

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ArgAction;

use crate::source::api::credentials::{default_config_path, resolve_credentials, EnvLookup};
use crate::source::api::regions::resolve_regions;
use crate::source::api::{
    fetch, ApiError, ClientConfig, DbsClient, Endpoint, FetchOptions, FetchOutcome, FetchProgress,
    Filters, ResolvedCredentials, RetryPolicy,
};

/// Options shared by `fetch` and `check --live`.
#[derive(Debug, Clone, clap::Args)]
pub struct LiveArgs {
    /// Region to fetch; repeat it or separate with commas; `all` for every DBS region.
    /// Default: ALIBABA_CLOUD_REGION_ID (or ALICLOUD_REGION_ID, REGION), then the profile's
    /// region_id
    #[arg(long = "region", value_name = "REGION", action = ArgAction::Append, value_delimiter = ',')]
    pub regions: Vec<String>,

    /// aliyun CLI profile (~/.aliyun/config.json) to take credentials from; modes AK and
    /// StsToken
    #[arg(long, value_name = "NAME", env = "ALIBABA_CLOUD_PROFILE")]
    pub profile: Option<String>,

    /// DBS API endpoint for every region, a URL or a host such as
    /// dbs-api-vpc.cn-shanghai.aliyuncs.com (https implied); plain http only for loopback hosts
    #[arg(long, value_name = "URL", env = "ALIBABA_CLOUD_ENDPOINT_DBS")]
    pub endpoint: Option<String>,

    /// Only this backup plan id; repeat it or separate with commas
    #[arg(long = "plan-id", value_name = "ID", action = ArgAction::Append, value_delimiter = ',')]
    pub plan_ids: Vec<String>,

    /// Only plans with this name (BackupPlanName)
    #[arg(long, value_name = "NAME")]
    pub plan_name: Option<String>,

    /// Only plans in this status (BackupPlanStatus)
    #[arg(long, value_name = "STATUS", value_parser = ["wait", "init", "running", "stop", "pause", "locked", "check_pass"])]
    pub status: Option<String>,

    /// Only plans of this resource group (ResourceGroupId)
    #[arg(long, value_name = "ID")]
    pub resource_group: Option<String>,

    /// Requests in flight at once, across regions and pages
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// Retries of a throttled, failed or timed-out request
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub max_retries: u32,

    /// Time allowed to connect, e.g. 10s, 500ms
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub connect_timeout: Duration,

    /// Time allowed for each request
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub request_timeout: Duration,

    /// Time allowed for the whole fetch (default: no limit beyond retries and request timeouts)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

/// Parses `250ms`, `10s`, `2m`, `1h`, or a bare number of seconds (`1.5`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 30s or 500ms"))?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        other => return Err(format!("unknown unit {other:?} (use ms, s, m or h)")),
    };
    if !(seconds > 0.0 && seconds.is_finite()) {
        return Err(format!("{text:?} must be greater than zero"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// A fetch with everything resolved, before any request is sent.
#[derive(Debug, Clone)]
pub struct PreparedFetch {
    pub credentials: ResolvedCredentials,
    pub client: ClientConfig,
    pub options: FetchOptions,
}

/// Resolves credentials, regions, endpoint and filters from `args` and an environment.
/// Problems here are usage errors (exit 2), found before any network call.
pub fn prepare(
    args: &LiveArgs,
    allow_partial: bool,
    env: EnvLookup<'_>,
    config_path: Option<&Path>,
) -> Result<PreparedFetch, ApiError> {
    let endpoint_text = args
        .endpoint
        .clone()
        .filter(|e| !e.trim().is_empty())
        .or_else(|| env("ALIBABA_CLOUD_ENDPOINT_DBS").filter(|e| !e.trim().is_empty()));
    let endpoint_override = endpoint_text
        .as_deref()
        .map(Endpoint::parse_override)
        .transpose()?;
    let credentials = resolve_credentials(env, config_path, args.profile.as_deref())?;
    let regions = resolve_regions(&args.regions, env, credentials.profile_region.as_deref())?;
    let filters = Filters {
        plan_ids: args
            .plan_ids
            .iter()
            .map(|id| id.trim().to_string())
            .filter(|id| !id.is_empty())
            .collect(),
        plan_name: args.plan_name.clone(),
        status: args.status.clone(),
        resource_group: args.resource_group.clone(),
    };
    let client = ClientConfig {
        connect_timeout: args.connect_timeout,
        request_timeout: args.request_timeout,
        concurrency: usize::from(args.concurrency),
        retry: RetryPolicy {
            max_retries: args.max_retries,
            ..RetryPolicy::default()
        },
    };
    Ok(PreparedFetch {
        credentials,
        client,
        options: FetchOptions {
            regions,
            endpoint_override,
            filters,
            allow_partial,
            overall_timeout: args.timeout,
        },
    })
}

/// Runs a prepared fetch on a runtime of its own and returns the library result.
pub fn run_prepared(
    prepared: PreparedFetch,
    progress: &dyn FetchProgress,
) -> Result<FetchOutcome, ApiError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::HttpClient {
            detail: format!("cannot start the async runtime: {e}"),
        })?;
    runtime.block_on(async {
        let client = DbsClient::new(prepared.credentials.credentials, &prepared.client)?;
        fetch(&client, &prepared.options, progress).await
    })
}

/// Resolves from the process environment and `~/.aliyun/config.json`, then fetches.
pub fn run_live(
    args: &LiveArgs,
    allow_partial: bool,
    progress: &dyn FetchProgress,
) -> Result<FetchOutcome, ApiError> {
    let env = |name: &str| std::env::var(name).ok();
    let config_path: Option<PathBuf> = default_config_path(&env);
    let prepared = prepare(args, allow_partial, &env, config_path.as_deref())?;
    run_prepared(prepared, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("1.5").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("1h").unwrap(), Duration::from_secs(3600));
        for bad in ["", "s", "0", "-1s", "5 days", "1e3"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
