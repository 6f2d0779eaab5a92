//! `cli::live`: from parsed flags to a fetch on its own runtime, against the mock.

mod support;

use std::collections::HashMap;

use clap::Parser;
use dbs_lint::cli::live::{prepare, run_prepared, LiveArgs};
use dbs_lint::source::api::{to_dump_json, ApiError, NoProgress};
use support::mock_dbs::{MockDbs, Scripted, STS_KEY_ID, STS_SECRET, STS_TOKEN};
use support::RecordingProgress;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    live: LiveArgs,
}

fn args(argv: &[&str]) -> LiveArgs {
    Cli::try_parse_from(std::iter::once("dbs-lint").chain(argv.iter().copied()))
        .unwrap()
        .live
}

fn sts_env() -> impl Fn(&str) -> Option<String> {
    let map: HashMap<&str, &str> = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", STS_KEY_ID),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", STS_SECRET),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", STS_TOKEN),
    ]
    .into_iter()
    .collect();
    move |k| map.get(k).map(|v| v.to_string())
}

fn start_mock() -> (tokio::runtime::Runtime, MockDbs) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mock = rt.block_on(MockDbs::start());
    (rt, mock)
}

#[test]
fn flags_to_dump_end_to_end() {
    let (_rt, mock) = start_mock();
    mock.add_plans("cn-hangzhou", "dbshz", 130);
    mock.add_plans("cn-beijing", "dbsbj", 4);
    let uri = mock.uri();
    let a = args(&[
        "--region",
        "cn-hangzhou,cn-beijing",
        "--endpoint",
        &uri,
        "--concurrency",
        "2",
    ]);
    let prepared = prepare(&a, false, &sts_env(), None).unwrap();
    let progress = RecordingProgress::default();
    let outcome = run_prepared(prepared, &progress).unwrap();
    assert_eq!(outcome.plans.len(), 134);
    let dump: serde_json::Value = serde_json::from_str(&to_dump_json(&outcome)).unwrap();
    assert_eq!(dump["TotalElements"], 134);
    assert!(mock.seen().iter().all(|s| s.verdict == "ok"));
    assert!(mock
        .seen()
        .iter()
        .all(|s| s.params["SecurityToken"] == STS_TOKEN));
    assert!(progress
        .events()
        .contains(&"finished cn-hangzhou plans=130 complete=true".to_string()));
}

#[test]
fn usage_errors_stop_before_any_request() {
    let (_rt, mock) = start_mock();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.json");
    std::fs::write(
        &path,
        r#"{"current":"r","profiles":[{"name":"r","mode":"RamRoleArn","access_key_id":"a","access_key_secret":"b"}]}"#,
    )
    .unwrap();
    let uri = mock.uri();
    let a = args(&["--region", "cn-hangzhou", "--endpoint", &uri]);
    let err = prepare(&a, false, &|_| None, Some(&path)).unwrap_err();
    assert!(err.is_usage_error(), "{err:?}");
    assert!(mock.seen().is_empty());
}

#[test]
fn an_incomplete_fetch_is_an_input_error_unless_partial_is_allowed() {
    let (_rt, mock) = start_mock();
    mock.add_plans("cn-hangzhou", "dbshz", 150);
    mock.always("cn-hangzhou", 1, Scripted::error(403, "Request.Forbidden"));
    let uri = mock.uri();
    let a = args(&["--region", "cn-hangzhou", "--endpoint", &uri]);
    let err = run_prepared(prepare(&a, false, &sts_env(), None).unwrap(), &NoProgress).unwrap_err();
    assert!(matches!(err, ApiError::Incomplete(_)));
    assert!(!err.is_usage_error());
    let outcome = run_prepared(prepare(&a, true, &sts_env(), None).unwrap(), &NoProgress).unwrap();
    assert!(outcome.is_partial());
    assert_eq!(outcome.plans.len(), 100);
}
