//! Paging, regions, de-duplication, completeness and the dump, against the mock DBS API.

mod support;

use std::time::{Duration, Instant};

use dbs_lint::source::api::{to_dump_json, ApiError, Filters, RegionSelection};
use support::mock_dbs::{plan_json, MockDbs};
use support::{fast_config, fetch_regions, fetch_with, options, plan_ids, test_credentials};

#[tokio::test]
async fn several_pages_from_page_zero_make_a_complete_region() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 250);

    let (result, progress) = fetch_regions(&mock, &["cn-hangzhou"]).await;
    let outcome = result.expect("complete fetch");

    assert_eq!(outcome.plans.len(), 250);
    let ids = plan_ids(&outcome);
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert_eq!(ids[0], "dbshz00000");
    assert_eq!(ids[249], "dbshz00249");

    let seen = mock.seen();
    let mut pages: Vec<String> = seen.iter().map(|s| s.params["PageNum"].clone()).collect();
    pages.sort();
    assert_eq!(pages, ["0", "1", "2"]);
    for s in &seen {
        assert_eq!(s.verdict, "ok");
        assert_eq!(s.method, "POST");
        assert_eq!(s.params["PageSize"], "100");
        assert_eq!(s.params["Region"], "cn-hangzhou");
        assert_eq!(s.params["RegionId"], "cn-hangzhou");
        assert_eq!(s.params["Action"], "DescribeBackupPlanList");
        assert!(!s.params.contains_key("SecurityToken"));
    }
    // Page 0 goes first: the others depend on its TotalElements.
    assert_eq!(seen[0].params["PageNum"], "0");

    let region = &outcome.provenance.regions[0];
    assert_eq!(region.region, "cn-hangzhou");
    assert_eq!(region.total_elements, Some(250));
    assert_eq!(region.plans, 250);
    assert_eq!(region.request_ids.len(), 3);
    assert!(!outcome.is_partial());
    assert!(outcome.provenance.missing.is_empty());

    let events = progress.events();
    assert!(events.contains(&"planned cn-hangzhou pages=3 total=250".to_string()));
    assert!(events.contains(&"page cn-hangzhou 2 plans=50".to_string()));
    assert_eq!(
        events.last().unwrap(),
        "finished cn-hangzhou plans=250 complete=true"
    );
}

#[tokio::test]
async fn several_regions_are_merged_in_region_then_id_order() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 120);
    mock.add_plans("cn-beijing", "dbsbj", 30);
    mock.add_plans("ap-southeast-1", "dbssg", 0);

    let (result, progress) =
        fetch_regions(&mock, &["cn-hangzhou", "cn-beijing", "ap-southeast-1"]).await;
    let outcome = result.unwrap();

    assert_eq!(outcome.plans.len(), 150);
    let regions: Vec<&str> = outcome.plans.iter().map(|p| p.region.as_str()).collect();
    assert_eq!(regions[0], "cn-beijing");
    assert_eq!(regions[149], "cn-hangzhou");
    assert_eq!(plan_ids(&outcome)[30], "dbshz00000");
    let prov: Vec<(&str, Option<u64>, u64)> = outcome
        .provenance
        .regions
        .iter()
        .map(|r| (r.region.as_str(), r.total_elements, r.plans))
        .collect();
    assert_eq!(
        prov,
        [
            ("ap-southeast-1", Some(0), 0),
            ("cn-beijing", Some(30), 30),
            ("cn-hangzhou", Some(120), 120)
        ]
    );
    for s in mock.seen() {
        assert_eq!(s.params["Region"], s.params["RegionId"]);
    }
    assert!(progress
        .events()
        .contains(&"regions ap-southeast-1,cn-beijing,cn-hangzhou".to_string()));
}

#[tokio::test]
async fn duplicate_plan_across_pages_is_kept_once() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 150);
    mock.with_region("cn-hangzhou", |r| {
        // Page 1 repeats a plan of page 0; the server counts distinct plans.
        r.plans[120] = plan_json("dbshz00005", "cn-hangzhou");
        r.total_override = Some(149);
    });

    let (result, _) = fetch_regions(&mock, &["cn-hangzhou"]).await;
    let outcome = result.unwrap();
    let ids = plan_ids(&outcome);
    assert_eq!(ids.len(), 149);
    assert_eq!(ids.iter().filter(|id| *id == "dbshz00005").count(), 1);
    assert!(!ids.contains(&"dbshz00120".to_string()));
}

#[tokio::test]
async fn duplicates_that_leave_a_gap_are_an_error() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 150);
    mock.with_region("cn-hangzhou", |r| {
        r.plans[120] = plan_json("dbshz00005", "cn-hangzhou");
    });
    let (result, _) = fetch_regions(&mock, &["cn-hangzhou"]).await;
    let err = result.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ApiError::Incomplete(_)), "{err:?}");
    assert!(text.contains("cn-hangzhou"), "{text}");
    assert!(text.contains("collected 149 of 150"), "{text}");
    assert!(!err.is_usage_error());
}

#[tokio::test]
async fn total_elements_larger_than_the_pages_is_an_error() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-beijing", "dbsbj", 150);
    mock.with_region("cn-beijing", |r| r.total_override = Some(180));

    let (result, progress) = fetch_regions(&mock, &["cn-beijing"]).await;
    let err = result.unwrap_err();
    let ApiError::Incomplete(inc) = &err else {
        panic!("expected incomplete, got {err:?}")
    };
    assert_eq!(inc.missing.len(), 1);
    let m = &inc.missing[0];
    assert_eq!(
        (m.region.as_str(), m.expected, m.collected),
        ("cn-beijing", Some(180), 150)
    );
    assert!(m.failed_pages.is_empty());
    let text = err.to_string();
    assert!(text.contains("collected 150 of 180 plans"), "{text}");
    assert!(text.contains("TotalElements is 180"), "{text}");
    assert!(progress
        .events()
        .contains(&"finished cn-beijing plans=150 complete=false".to_string()));
}

#[tokio::test]
async fn allow_partial_returns_the_outcome_marked_partial() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-beijing", "dbsbj", 150);
    mock.add_plans("cn-hangzhou", "dbshz", 10);
    mock.with_region("cn-beijing", |r| r.total_override = Some(180));
    let mut opts = options(&mock, &["cn-beijing", "cn-hangzhou"]);
    opts.allow_partial = true;

    let (result, _) = fetch_with(&fast_config(), test_credentials(), &opts).await;
    let outcome = result.unwrap();
    assert!(outcome.is_partial());
    assert_eq!(outcome.plans.len(), 160);
    assert_eq!(outcome.provenance.missing.len(), 1);
    assert_eq!(outcome.provenance.missing[0].region, "cn-beijing");

    let dump: serde_json::Value = serde_json::from_str(&to_dump_json(&outcome)).unwrap();
    assert_eq!(dump["DbsLintProvenance"]["partial"], true);
    assert_eq!(dump["DbsLintProvenance"]["missing"][0]["expected"], 180);
    assert_eq!(dump["DbsLintProvenance"]["missing"][0]["collected"], 150);
    assert_eq!(dump["TotalElements"], 160);
}

#[tokio::test]
async fn a_server_paging_from_one_gets_one_more_page() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 250);
    mock.with_region("cn-hangzhou", |r| r.one_based = true);

    let (result, _) = fetch_regions(&mock, &["cn-hangzhou"]).await;
    let outcome = result.expect("the extra page completes the listing");
    assert_eq!(outcome.plans.len(), 250);
    assert_eq!(mock.seen_page("cn-hangzhou", 3).len(), 1);
}

#[tokio::test]
async fn a_server_with_smaller_pages_is_paged_by_what_it_returns() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 75);
    mock.with_region("cn-hangzhou", |r| r.page_cap = Some(30));

    let (result, _) = fetch_regions(&mock, &["cn-hangzhou"]).await;
    assert_eq!(result.unwrap().plans.len(), 75);
    assert_eq!(mock.seen().len(), 3);
}

#[tokio::test]
async fn filters_are_sent_as_request_parameters() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 20);
    let mut opts = options(&mock, &["cn-hangzhou"]);
    opts.filters = Filters {
        plan_ids: vec!["dbshz00003".into(), "dbshz00007".into()],
        plan_name: Some("nightly full*backup".into()),
        status: Some("running".into()),
        resource_group: Some("rg-acfm2xyz".into()),
    };
    let (result, _) = fetch_with(&fast_config(), test_credentials(), &opts).await;
    let outcome = result.unwrap();
    assert_eq!(plan_ids(&outcome), ["dbshz00003", "dbshz00007"]);

    let seen = mock.seen();
    assert_eq!(seen.len(), 1);
    let p = &seen[0].params;
    assert_eq!(p["BackupPlanId"], "dbshz00003,dbshz00007");
    assert_eq!(p["BackupPlanName"], "nightly full*backup");
    assert_eq!(p["BackupPlanStatus"], "running");
    assert_eq!(p["ResourceGroupId"], "rg-acfm2xyz");
    assert!(seen[0]
        .raw_query
        .contains("BackupPlanName=nightly%20full%2Abackup"));
    assert_eq!(outcome.provenance.filters, opts.filters);
}

#[tokio::test]
async fn region_all_asks_describe_regions() {
    let mock = MockDbs::start().await;
    mock.set_region_codes(&["cn-hangzhou", "cn-beijing"]);
    mock.add_plans("cn-hangzhou", "dbshz", 3);
    mock.add_plans("cn-beijing", "dbsbj", 2);
    let mut opts = options(&mock, &[]);
    opts.regions = RegionSelection::All;

    let (result, _) = fetch_with(&fast_config(), test_credentials(), &opts).await;
    let outcome = result.unwrap();
    assert_eq!(outcome.plans.len(), 5);
    let seen = mock.seen();
    assert_eq!(seen[0].params["Action"], "DescribeRegions");
    assert_eq!(seen[0].verdict, "ok");
    let regions: Vec<&str> = outcome
        .provenance
        .regions
        .iter()
        .map(|r| r.region.as_str())
        .collect();
    assert_eq!(regions, ["cn-beijing", "cn-hangzhou"]);
}

#[tokio::test]
async fn region_all_with_no_regions_is_an_error_not_an_empty_pass() {
    let mock = MockDbs::start().await;
    let mut opts = options(&mock, &[]);
    opts.regions = RegionSelection::All;
    let (result, _) = fetch_with(&fast_config(), test_credentials(), &opts).await;
    let err = result.unwrap_err();
    assert!(matches!(err, ApiError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("DescribeRegions"));
}

#[tokio::test]
async fn dump_has_the_full_response_shape_and_raw_plans() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 101);
    mock.add_plans("cn-beijing", "dbsbj", 2);
    let (result, _) = fetch_regions(&mock, &["cn-hangzhou", "cn-beijing"]).await;
    let outcome = result.unwrap();
    let text = to_dump_json(&outcome);
    assert_eq!(text, to_dump_json(&outcome), "deterministic");

    let dump: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(dump["Success"], true);
    assert_eq!(dump["PageNum"], 0);
    assert_eq!(dump["PageSize"], 103);
    assert_eq!(dump["TotalPages"], 1);
    assert_eq!(dump["TotalElements"], 103);
    assert!(dump["RequestId"].as_str().unwrap().starts_with("MOCK-REQ-"));
    let plans = dump["Items"]["BackupPlanDetail"].as_array().unwrap();
    assert_eq!(plans.len(), 103);
    assert_eq!(plans[0]["BackupPlanId"], "dbsbj00000");
    assert_eq!(plans[2]["BackupPlanId"], "dbshz00000");
    let original: serde_json::Value =
        serde_json::from_str(&plan_json("dbsbj00000", "cn-beijing")).unwrap();
    assert_eq!(plans[0], original);
    // Key order and number spelling are the API's, not serde's.
    let first_plan = &text[text.find("\"BackupPlanId\": \"dbsbj00000\"").unwrap()..];
    assert!(first_plan.find("BackupPlanName").unwrap() < first_plan.find("BackupMethod").unwrap());
    assert!(text.contains("\"BackupGatewayId\": 12345678901234"));
    assert!(text.contains("\"LogBackupRetentionPeriod\": \"7\""));

    let prov = &dump["DbsLintProvenance"];
    assert_eq!(prov["tool"], "dbs-lint");
    assert_eq!(prov["version"], env!("CARGO_PKG_VERSION"));
    assert!(chrono::DateTime::parse_from_rfc3339(prov["fetched_at"].as_str().unwrap()).is_ok());
    assert!(prov["fetched_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(prov["partial"], false);
    assert_eq!(prov["missing"], serde_json::json!([]));
    assert_eq!(prov["regions"][0]["region"], "cn-beijing");
    assert_eq!(prov["regions"][1]["total_elements"], 101);
    assert_eq!(prov["regions"][1]["plans"], 101);
    assert_eq!(
        prov["regions"][1]["request_ids"].as_array().unwrap().len(),
        2
    );
    assert_eq!(prov["regions"][1]["endpoint"], format!("{}/", mock.uri()));
}

#[tokio::test]
async fn a_plan_listed_by_two_regions_is_kept_once() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-beijing", "dbsx", 2);
    mock.add_plans("cn-shanghai", "dbsx", 3);
    let (result, _) = fetch_regions(&mock, &["cn-shanghai", "cn-beijing"]).await;
    let outcome = result.unwrap();
    assert_eq!(plan_ids(&outcome), ["dbsx00000", "dbsx00001", "dbsx00002"]);
    assert_eq!(outcome.plans[0].region, "cn-beijing");
    assert_eq!(outcome.plans[2].region, "cn-shanghai");
    let dump: serde_json::Value = serde_json::from_str(&to_dump_json(&outcome)).unwrap();
    assert_eq!(dump["TotalElements"], 3);
}

#[tokio::test]
async fn remaining_pages_go_out_together_but_within_the_concurrency_bound() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 900);
    mock.set_latency(Duration::from_millis(200));
    let mut config = fast_config();
    config.concurrency = 2;

    let start = Instant::now();
    let (result, _) = fetch_with(
        &config,
        test_credentials(),
        &options(&mock, &["cn-hangzhou"]),
    )
    .await;
    let elapsed = start.elapsed();
    assert_eq!(result.unwrap().plans.len(), 900);
    // Page 0, then 8 pages two at a time: at least 5 round trips of 200 ms.
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    // Pages 1 and 2 are sent together, not one after the other.
    let seen = mock.seen();
    let gap = seen[2].at.duration_since(seen[1].at);
    assert!(gap < Duration::from_millis(150), "{gap:?}");
}
