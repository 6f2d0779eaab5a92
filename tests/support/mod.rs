//! Shared helpers of the live-client tests.

#![allow(dead_code)]

pub mod mock_dbs;

use std::sync::Mutex;
use std::time::Duration;

use dbs_lint::source::api::{
    fetch, ApiError, ClientConfig, Credentials, DbsClient, Endpoint, FetchOptions, FetchOutcome,
    FetchProgress, Filters, RegionSelection, RetryPolicy,
};

use mock_dbs::{MockDbs, TEST_KEY_ID, TEST_SECRET};

pub fn test_credentials() -> Credentials {
    Credentials::new(TEST_KEY_ID, TEST_SECRET, None)
}

/// Client settings with millisecond backoff so retry tests stay fast.
pub fn fast_config() -> ClientConfig {
    ClientConfig {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(5),
        concurrency: 4,
        retry: RetryPolicy {
            max_retries: 4,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(40),
        },
    }
}

pub fn options(mock: &MockDbs, regions: &[&str]) -> FetchOptions {
    FetchOptions {
        regions: RegionSelection::List(regions.iter().map(|r| r.to_string()).collect()),
        endpoint_override: Some(Endpoint::parse_override(&mock.uri()).unwrap()),
        filters: Filters::default(),
        allow_partial: false,
        overall_timeout: None,
    }
}

pub async fn fetch_with(
    config: &ClientConfig,
    credentials: Credentials,
    options: &FetchOptions,
) -> (Result<FetchOutcome, ApiError>, RecordingProgress) {
    let client = DbsClient::new(credentials, config).unwrap();
    let progress = RecordingProgress::default();
    let result = fetch(&client, options, &progress).await;
    (result, progress)
}

pub async fn fetch_regions(
    mock: &MockDbs,
    regions: &[&str],
) -> (Result<FetchOutcome, ApiError>, RecordingProgress) {
    fetch_with(&fast_config(), test_credentials(), &options(mock, regions)).await
}

/// Records every progress event as text.
#[derive(Default)]
pub struct RecordingProgress {
    pub events: Mutex<Vec<String>>,
}

impl RecordingProgress {
    pub fn events(&self) -> Vec<String> {
        self.events.lock().unwrap().clone()
    }
}

impl FetchProgress for RecordingProgress {
    fn regions_resolved(&self, regions: &[String]) {
        self.events
            .lock()
            .unwrap()
            .push(format!("regions {}", regions.join(",")));
    }
    fn region_planned(&self, region: &str, pages: u32, total: u64) {
        self.events
            .lock()
            .unwrap()
            .push(format!("planned {region} pages={pages} total={total}"));
    }
    fn page_fetched(&self, region: &str, page: u32, plans: usize) {
        self.events
            .lock()
            .unwrap()
            .push(format!("page {region} {page} plans={plans}"));
    }
    fn retrying(
        &self,
        region: &str,
        action: &str,
        attempt: u32,
        delay: Duration,
        error: &ApiError,
    ) {
        self.events.lock().unwrap().push(format!(
            "retry {region} {action} attempt={attempt} delay_ms={} {error}",
            delay.as_millis()
        ));
    }
    fn region_finished(&self, region: &str, plans: u64, complete: bool) {
        self.events.lock().unwrap().push(format!(
            "finished {region} plans={plans} complete={complete}"
        ));
    }
}

/// Plan ids of an outcome, in order.
pub fn plan_ids(outcome: &FetchOutcome) -> Vec<String> {
    outcome
        .plans
        .iter()
        .map(|p| p.backup_plan_id.clone().unwrap_or_default())
        .collect()
}
