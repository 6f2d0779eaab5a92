//! `dbs-lint diff OLD NEW`: drift between two dumps, compliance before and after, exit codes.

use assert_cmd::Command;

const BEFORE: &str = "examples/dumps/describe-backup-plan-list.json";
const REGRESSION: &str = "tests/fixtures/audit/after-regression.json";
const IMPROVEMENT: &str = "tests/fixtures/audit/after-improvement.json";

fn diff(old: &str, new: &str, extra: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("dbs-lint")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["diff", old, new, "--no-config"])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_regression_exits_1_and_lists_added_removed_and_changed_plans() {
    let (code, text, err) = diff(BEFORE, REGRESSION, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(text.contains("+ added new-reporting (dbstooi06k2x9ab)"));
    assert!(text.contains("- removed analytics-warehouse (dbstooi04k2x9ab)"));
    assert!(text.contains("BackupRetentionPeriod: 730 → 30"));
    assert!(text.contains("EnableBackupLog: true → false"));
    assert!(text.contains("StorageEncryptMethod: encrypted → (absent)"));
    assert!(text.contains("! full-backup-retention: pass → fail"));
    insta::assert_snapshot!("diff_text", text);
}

#[test]
fn the_json_drift_has_fields_and_outcomes_before_and_after() {
    let (code, text, _) = diff(BEFORE, REGRESSION, &["-f", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["summary"]["added"], 1);
    assert_eq!(v["summary"]["removed"], 1);
    assert_eq!(v["summary"]["changed"], 1);
    // prod-orders: 3 rules newly failing or indeterminate; new-reporting: 1 failing rule.
    assert_eq!(v["summary"]["regressions"], 4);
    let changed = &v["changed"][0];
    assert_eq!(changed["plan"]["id"], "dbstooi01k2x9ab");
    let retention = changed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "BackupRetentionPeriod")
        .unwrap();
    assert_eq!(retention["before"], "730");
    assert_eq!(retention["after"], "30");
    let encryption = changed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "StorageEncryptMethod")
        .unwrap();
    assert_eq!(encryption["after"], serde_json::Value::Null, "removed");
    let storage = changed["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["rule"] == "storage-encrypted")
        .unwrap();
    assert_eq!(storage["before"], "pass");
    assert_eq!(storage["after"], "indeterminate");
    assert_eq!(storage["regression"], true);
    // Only fields the rules read are compared.
    let fields = v["fields"].as_array().unwrap();
    assert!(fields.contains(&"BackupRetentionPeriod".into()));
    assert!(!fields.contains(&"InstanceClass".into()));
    insta::assert_snapshot!(
        "diff_json",
        text.replace(env!("CARGO_PKG_VERSION"), "[version]")
    );
}

#[test]
fn an_improvement_exits_0() {
    let (code, text, err) = diff(BEFORE, IMPROVEMENT, &["-f", "markdown"]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("1 improvement(s)"));
    assert!(text.contains(
        "| prod-payments (dbstooi02k2x9ab) | rule `full-backup-retention` | fail | pass |"
    ));
    insta::assert_snapshot!("diff_markdown_improvement", text);
}

#[test]
fn the_markdown_drift_of_a_regression() {
    let (code, text, _) = diff(BEFORE, REGRESSION, &["-f", "markdown"]);
    assert_eq!(code, 1);
    assert!(text.starts_with("## dbs-lint drift\n\n❌"));
    insta::assert_snapshot!("diff_markdown", text);
}

#[test]
fn identical_dumps_have_no_drift() {
    let (code, text, _) = diff(BEFORE, BEFORE, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        text.trim(),
        "5 plan(s) before, 5 after: 0 added, 0 removed, 0 changed; 0 regression(s), 0 improvement(s)"
    );
}

#[test]
fn only_fields_the_loaded_rules_read_count_as_changes() {
    // A policy that reads only BackupPlanStatus: the retention drop is not policy-relevant.
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("status.yaml");
    std::fs::write(
        &policy,
        "policy: status-only\nrules:\n  - id: plan-running\n    severity: error\n    assert:\n      BackupPlanStatus: running\n",
    )
    .unwrap();
    let (code, text, err) = diff(BEFORE, IMPROVEMENT, &["-p", policy.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("0 changed"), "{text}");
}

#[test]
fn a_policy_error_exits_2_and_an_input_error_exits_3() {
    let (code, _, _) = diff(BEFORE, REGRESSION, &["-p", "no-such-pack"]);
    assert_eq!(code, 2);
    let (code, _, err) = diff(BEFORE, "tests/fixtures/audit/absent.json", &[]);
    assert_eq!(code, 3, "{err}");
}
