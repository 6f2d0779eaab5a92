//! `fetch` and `check --live` through the binary, against the mock DBS API on 127.0.0.1.

mod support;

use assert_cmd::Command;
use support::mock_dbs::{MockDbs, Scripted, TEST_KEY_ID, TEST_SECRET};

fn start_mock() -> (tokio::runtime::Runtime, MockDbs) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mock = rt.block_on(MockDbs::start());
    (rt, mock)
}

fn dbs_lint(home: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("dbs-lint").unwrap();
    for (key, _) in std::env::vars() {
        if key.starts_with("ALIBABA") || key.starts_with("ALICLOUD") || key == "REGION" {
            cmd.env_remove(key);
        }
    }
    cmd.env("HOME", home.path())
        .env("NO_COLOR", "1")
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET);
    cmd
}

fn findings(report: &[u8]) -> Vec<(String, String, String)> {
    let v: serde_json::Value = serde_json::from_slice(report).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["plan_id"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn fetch_then_check_gives_the_same_findings_as_check_live() {
    let (_rt, mock) = start_mock();
    mock.add_plans("cn-hangzhou", "dbshz", 120);
    mock.add_plans("cn-beijing", "dbsbj", 3);
    let home = tempfile::tempdir().unwrap();
    let dump = home.path().join("dump.json");
    let uri = mock.uri();
    let regions = ["--region", "cn-hangzhou,cn-beijing", "--endpoint", &uri];

    let fetched = dbs_lint(&home)
        .arg("fetch")
        .args(regions)
        .arg("-o")
        .arg(&dump)
        .assert()
        .code(0)
        .get_output()
        .clone();
    let offline = dbs_lint(&home)
        .args(["check", "-f", "json", "--fail-on", "never"])
        .arg(&dump)
        .output()
        .unwrap();
    let live = dbs_lint(&home)
        .args(["check", "--live", "-f", "json", "--fail-on", "never"])
        .args(regions)
        .output()
        .unwrap();
    assert_eq!(offline.status.code(), Some(0));
    assert_eq!(live.status.code(), Some(0));
    let (a, b) = (findings(&offline.stdout), findings(&live.stdout));
    assert!(!a.is_empty(), "the mock plans should have findings");
    assert_eq!(a, b);
    let report: serde_json::Value = serde_json::from_slice(&live.stdout).unwrap();
    assert_eq!(report["summary"]["plans"], 123);
    assert_eq!(report["inputs"][0]["path"], "live:cn-beijing,cn-hangzhou");

    for output in [&fetched, &offline, &live] {
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains(TEST_SECRET), "the secret leaked");
        }
    }
}

#[test]
fn check_live_with_save_points_into_the_saved_file() {
    let (_rt, mock) = start_mock();
    mock.add_plans("cn-hangzhou", "dbshz", 5);
    let home = tempfile::tempdir().unwrap();
    let saved = home.path().join("saved.json");
    let uri = mock.uri();
    let out = dbs_lint(&home)
        .args([
            "check",
            "--live",
            "-f",
            "json",
            "--region",
            "cn-hangzhou",
            "--endpoint",
            &uri,
            "--save",
        ])
        .arg(&saved)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["inputs"][0]["path"],
        saved.to_string_lossy().as_ref()
    );
    assert!(saved.exists());
}

#[test]
fn a_forbidden_call_exits_three_naming_code_and_request_id() {
    let (_rt, mock) = start_mock();
    mock.add_plans("cn-hangzhou", "dbshz", 5);
    mock.always("cn-hangzhou", 0, Scripted::error(403, "Request.Forbidden"));
    let home = tempfile::tempdir().unwrap();
    let uri = mock.uri();
    let out = dbs_lint(&home)
        .args([
            "check",
            "--live",
            "--region",
            "cn-hangzhou",
            "--endpoint",
            &uri,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Request.Forbidden"), "{stderr}");
    assert!(stderr.contains("RequestId"), "{stderr}");
    assert!(!stderr.contains(TEST_SECRET));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_plain_http_endpoint_elsewhere_than_loopback_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    dbs_lint(&home)
        .args([
            "fetch",
            "--region",
            "cn-hangzhou",
            "--endpoint",
            "http://example.com",
        ])
        .assert()
        .code(2);
}
