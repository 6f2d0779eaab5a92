//! Measures a live fetch of 5,000 plans (50 pages) from a local mock that answers each request
//! (wiremock on 127.0.0.1) after 50 ms, at concurrency 4 and 8, against the bound `(50 / c + 2) × 50 ms × 1.5`.
//!
//! Run: `cargo run --release --example bench_live_fetch`

use std::time::{Duration, Instant};

use wiremock::{matchers::any, Mock, MockServer, Request, ResponseTemplate};

use dbs_lint::source::api::{
    fetch, ClientConfig, Credentials, DbsClient, Endpoint, FetchOptions, Filters, NoProgress,
    RegionSelection,
};

const PLANS: usize = 5_000;
const LATENCY: Duration = Duration::from_millis(50);

fn page_body(page: usize) -> String {
    let plans: Vec<String> = (page * 100..((page + 1) * 100).min(PLANS))
        .map(|i| {
            format!(
                "{{\"BackupPlanId\":\"dbs{i:06}\",\"BackupPlanStatus\":\"running\",\"BackupRetentionPeriod\":30,\"BackupMethod\":\"logical\"}}"
            )
        })
        .collect();
    format!(
        "{{\"RequestId\":\"bench-{page}\",\"Success\":true,\"PageNum\":{page},\"PageSize\":100,\"TotalElements\":{PLANS},\"Items\":{{\"BackupPlanDetail\":[{}]}}}}",
        plans.join(",")
    )
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // The benchmark measures the client; the tests check signatures.
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(|request: &Request| {
                let page: usize = request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == "PageNum")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                ResponseTemplate::new(200)
                    .set_body_raw(page_body(page), "application/json")
                    .set_delay(LATENCY)
            })
            .mount(&server)
            .await;
        for concurrency in [4usize, 8] {
            let client = DbsClient::new(
                Credentials::new("bench-id", "bench-secret", None),
                &ClientConfig {
                    concurrency,
                    ..ClientConfig::default()
                },
            )
            .unwrap();
            let options = FetchOptions {
                regions: RegionSelection::List(vec!["cn-hangzhou".into()]),
                endpoint_override: Some(Endpoint::parse_override(&server.uri()).unwrap()),
                filters: Filters::default(),
                allow_partial: false,
                overall_timeout: None,
            };
            let mut times = Vec::new();
            for _ in 0..5 {
                let start = Instant::now();
                let outcome = fetch(&client, &options, &NoProgress).await.unwrap();
                times.push(start.elapsed());
                assert_eq!(outcome.plans.len(), PLANS);
            }
            times.sort();
            let bound = (50.0 / concurrency as f64 + 2.0) * 50.0 * 1.5;
            println!(
                "concurrency {concurrency}: median {:.0} ms, min {:.0} ms, max {:.0} ms over 5 runs (bound {bound:.0} ms)",
                times[2].as_secs_f64() * 1000.0,
                times[0].as_secs_f64() * 1000.0,
                times[4].as_secs_f64() * 1000.0,
            );
        }
    });
}
