//! Baselines: findings keyed on (rule id, plan id); only new findings fail the gate.

use assert_cmd::Command;

const DUMP: &str = "tests/fixtures/reports/dump.json";
const POLICY: &str = "tests/fixtures/reports/policy.yaml";

fn check(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("dbs-lint")
        .unwrap()
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_run_with_only_unchanged_findings_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_str().unwrap();
    let (code, _, _) = check(&["-p", POLICY, "--write-baseline", b, "-f", "json", DUMP]);
    assert_eq!(code, 1, "writing a baseline does not change the verdict");
    let (code, stdout, _) = check(&["-p", POLICY, "--baseline", b, DUMP]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("baseline: 0 new, 6 unchanged, 0 fixed"),
        "{stdout}"
    );
}

#[test]
fn the_baseline_ignores_order_and_layout() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_str().unwrap();
    check(&["-p", POLICY, "--write-baseline", b, DUMP]);
    // The same plans, reversed and minified: every line number changes.
    let dump: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(DUMP).unwrap()).unwrap();
    let mut plans = dump["Items"]["BackupPlanDetail"]
        .as_array()
        .unwrap()
        .clone();
    plans.reverse();
    let moved = dir.path().join("moved.json");
    std::fs::write(&moved, serde_json::to_string(&plans).unwrap()).unwrap();
    let (code, stdout, _) = check(&["-p", POLICY, "--baseline", b, moved.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn new_findings_fail_and_fixed_ones_are_counted() {
    let (code, stdout, _) = check(&[
        "-p",
        POLICY,
        "--baseline",
        "tests/fixtures/reports/baseline.json",
        "-f",
        "json",
        DUMP,
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        v["summary"]["baseline"],
        serde_json::json!({"new": 4, "unchanged": 2, "fixed": 2})
    );
    let unchanged: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["baseline"] == "unchanged")
        .map(|f| (f["rule"].as_str().unwrap(), f["plan_id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        unchanged,
        [
            ("source-ssl", "dbs-p2-colons"),
            ("full-backup-retention", "dbs-p4-legacy")
        ]
    );
}

#[test]
fn unchanged_warnings_do_not_fail_fail_on_warning() {
    // source-ssl on dbs-p2-colons is a warning already in the baseline; with only the
    // warning rule, --fail-on warning passes.
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("ssl.yaml");
    std::fs::write(
        &policy,
        "rules:\n  - id: source-ssl\n    severity: warning\n    assert: { SourceEndpointEnableSsl: true }\n",
    )
    .unwrap();
    let p = policy.to_str().unwrap();
    let args = ["-p", p, "--fail-on", "warning"];
    let (code, _, _) = check(&[&args[..], &[DUMP]].concat());
    assert_eq!(code, 1);
    let baseline = "tests/fixtures/reports/baseline.json";
    let (code, _, _) = check(&[&args[..], &["--baseline", baseline, DUMP]].concat());
    assert_eq!(code, 0);
}

#[test]
fn a_baseline_that_is_not_a_report_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[1, 2]").unwrap();
    let (code, _, stderr) = check(&["--baseline", bad.to_str().unwrap(), DUMP]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a dbs-lint JSON report"), "{stderr}");
    let (code, _, stderr) = check(&["--baseline", "missing.json", DUMP]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot use the baseline missing.json"),
        "{stderr}"
    );
}
