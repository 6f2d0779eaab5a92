//! Retries: what is retried, how often, how long apart, and that every attempt is re-signed.

mod support;

use std::time::Duration;

use dbs_lint::source::api::ApiError;
use support::mock_dbs::{MockDbs, Scripted};
use support::{fast_config, fetch_regions, fetch_with, options, test_credentials};

#[tokio::test]
async fn throttling_then_success_is_retried_with_a_new_nonce_and_signature() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 10);
    mock.script(
        "cn-hangzhou",
        0,
        vec![Scripted::error(400, "Throttling.User")],
    );

    let (result, progress) = fetch_regions(&mock, &["cn-hangzhou"]).await;
    assert_eq!(result.unwrap().plans.len(), 10);

    let attempts = mock.seen_page("cn-hangzhou", 0);
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].verdict, "scripted-error");
    assert_eq!(attempts[1].verdict, "ok");
    assert_ne!(
        attempts[0].params["SignatureNonce"],
        attempts[1].params["SignatureNonce"]
    );
    assert_ne!(
        attempts[0].params["Signature"],
        attempts[1].params["Signature"]
    );
    let events = progress.events();
    assert!(
        events.iter().any(
            |e| e.starts_with("retry cn-hangzhou DescribeBackupPlanList attempt=1")
                && e.contains("Throttling.User")
        ),
        "{events:?}"
    );
}

#[tokio::test]
async fn server_errors_then_success() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 150);
    mock.script(
        "cn-hangzhou",
        1,
        vec![
            Scripted::error(503, "ServiceUnavailable"),
            Scripted::error(500, "InternalError"),
            Scripted::error(502, "BadGateway"),
        ],
    );
    let (result, _) = fetch_regions(&mock, &["cn-hangzhou"]).await;
    assert_eq!(result.unwrap().plans.len(), 150);
    assert_eq!(mock.seen_page("cn-hangzhou", 1).len(), 4);
    assert_eq!(mock.seen_page("cn-hangzhou", 0).len(), 1);
}

#[tokio::test]
async fn retry_after_header_sets_the_wait() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 1);
    mock.script(
        "cn-hangzhou",
        0,
        vec![Scripted::Error {
            status: 400,
            code: "Throttling.Api".into(),
            message: "Request was denied due to api flow control.".into(),
            retry_after_ms: Some(400),
        }],
    );
    let (result, progress) = fetch_regions(&mock, &["cn-hangzhou"]).await;
    assert!(result.is_ok());
    let attempts = mock.seen_page("cn-hangzhou", 0);
    assert_eq!(attempts.len(), 2);
    let gap = attempts[1].at.duration_since(attempts[0].at);
    // fast_config's own backoff is at most 40 ms; only the header explains 400 ms.
    assert!(gap >= Duration::from_millis(390), "{gap:?}");
    assert!(progress.events().iter().any(|e| e.contains("delay_ms=400")));
}

#[tokio::test]
async fn a_request_that_times_out_is_sent_again() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 5);
    mock.script(
        "cn-hangzhou",
        0,
        vec![Scripted::Delay(Duration::from_secs(3))],
    );
    let mut config = fast_config();
    config.request_timeout = Duration::from_millis(300);
    let (result, progress) = fetch_with(
        &config,
        test_credentials(),
        &options(&mock, &["cn-hangzhou"]),
    )
    .await;
    assert_eq!(result.unwrap().plans.len(), 5);
    assert_eq!(mock.seen_page("cn-hangzhou", 0).len(), 2);
    assert!(progress
        .events()
        .iter()
        .any(|e| e.contains("request timed out")));
}

#[tokio::test]
async fn a_page_that_always_times_out_fails_the_fetch() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 150);
    mock.always("cn-hangzhou", 1, Scripted::Delay(Duration::from_secs(3)));
    let mut config = fast_config();
    config.request_timeout = Duration::from_millis(200);
    config.retry.max_retries = 1;
    let (result, _) = fetch_with(
        &config,
        test_credentials(),
        &options(&mock, &["cn-hangzhou"]),
    )
    .await;
    let err = result.unwrap_err();
    let ApiError::Incomplete(inc) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(inc.missing[0].failed_pages, [1]);
    assert!(matches!(
        inc.causes[0],
        ApiError::Transport {
            timed_out: true,
            attempts: 2,
            ..
        }
    ));
    assert_eq!(mock.seen_page("cn-hangzhou", 1).len(), 2);
}

#[tokio::test]
async fn a_page_that_never_succeeds_fails_the_fetch_naming_it() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 250);
    mock.always("cn-hangzhou", 2, Scripted::error(503, "ServiceUnavailable"));
    let mut config = fast_config();
    config.retry.max_retries = 2;
    let (result, _) = fetch_with(
        &config,
        test_credentials(),
        &options(&mock, &["cn-hangzhou"]),
    )
    .await;
    let err = result.unwrap_err();
    assert!(!err.is_usage_error());
    let text = err.to_string();
    for part in [
        "incomplete fetch",
        "region cn-hangzhou",
        "collected 200 of 250",
        "PageNum=2",
        "ServiceUnavailable",
        "after 3 attempt(s)",
    ] {
        assert!(text.contains(part), "{part:?} not in {text}");
    }
    assert_eq!(mock.seen_page("cn-hangzhou", 2).len(), 3);
}

#[tokio::test]
async fn a_region_whose_first_page_fails_is_missing_entirely() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 5);
    mock.add_plans("cn-beijing", "dbsbj", 5);
    mock.always("cn-beijing", 0, Scripted::error(400, "Throttling"));
    let mut config = fast_config();
    config.retry.max_retries = 1;
    let mut opts = options(&mock, &["cn-hangzhou", "cn-beijing"]);
    opts.allow_partial = true;
    let (result, _) = fetch_with(&config, test_credentials(), &opts).await;
    let outcome = result.unwrap();
    assert!(outcome.is_partial());
    assert_eq!(outcome.plans.len(), 5);
    let missing = &outcome.provenance.missing[0];
    assert_eq!(missing.region, "cn-beijing");
    assert_eq!(missing.expected, None);
    assert_eq!(missing.failed_pages, [0]);
    let beijing = &outcome.provenance.regions[0];
    assert_eq!(
        (beijing.region.as_str(), beijing.total_elements),
        ("cn-beijing", None)
    );
}

#[tokio::test]
async fn permission_and_parameter_errors_are_not_retried() {
    for code in ["Request.Forbidden", "InvalidParameter", "Forbidden.RAM"] {
        let mock = MockDbs::start().await;
        mock.add_plans("cn-hangzhou", "dbshz", 5);
        mock.always("cn-hangzhou", 0, Scripted::error(403, code));
        let (result, _) = fetch_regions(&mock, &["cn-hangzhou"]).await;
        assert!(result.is_err());
        assert_eq!(mock.seen_page("cn-hangzhou", 0).len(), 1, "{code}");
    }
}

#[tokio::test]
async fn max_retries_zero_means_one_attempt() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 5);
    mock.script(
        "cn-hangzhou",
        0,
        vec![Scripted::error(503, "ServiceUnavailable")],
    );
    let mut config = fast_config();
    config.retry.max_retries = 0;
    let (result, _) = fetch_with(
        &config,
        test_credentials(),
        &options(&mock, &["cn-hangzhou"]),
    )
    .await;
    assert!(result.is_err());
    assert_eq!(mock.seen().len(), 1);
}

#[tokio::test]
async fn the_whole_run_timeout_stops_the_fetch() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 5);
    mock.set_latency(Duration::from_secs(2));
    let mut opts = options(&mock, &["cn-hangzhou"]);
    opts.overall_timeout = Some(Duration::from_millis(300));
    let (result, _) = fetch_with(&fast_config(), test_credentials(), &opts).await;
    let err = result.unwrap_err();
    assert!(matches!(err, ApiError::RunTimeout { .. }), "{err:?}");
    assert!(err.to_string().contains("--timeout"));
}
