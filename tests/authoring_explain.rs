//! `dbs-lint explain RULE`: the rule as policy authors and auditors need to see it.

use assert_cmd::Command;
use serde_json::Value;

fn dbs_lint() -> Command {
    let mut cmd = Command::cargo_bin("dbs-lint").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn run(args: &[&str]) -> (i32, String, String) {
    let output = dbs_lint().arg("explain").args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_builtin_rule_in_text() {
    let (code, stdout, stderr) = run(&["log-backup-retention"]);
    assert_eq!(code, 0, "{stderr}");
    for part in [
        "log-backup-retention: Log backups are kept for at least a year",
        "policy      recommended (builtin:recommended)",
        "severity    error",
        "ISO27001:A.8.13",
        "Applies to\n  EnableBackupLog = true",
        "Rationale\n  Log backups are what make point-in-time recovery possible",
        "Remediation\n",
        "LogBackupRetentionPeriod",
        "How long log backups are kept.",
    ] {
        assert!(stdout.contains(part), "missing {part:?} in\n{stdout}");
    }
    // The rule's line in the pack moves as the pack grows; the rest is the snapshot.
    insta::with_settings!({ filters => vec![(r"builtin:recommended:\d+:\d+", "builtin:recommended:[line]:[column]")] }, {
        insta::assert_snapshot!("log_backup_retention", stdout);
    });
}

#[test]
fn nested_conditions_are_outlined() {
    let (code, stdout, stderr) = run(&[
        "prod-retention",
        "-p",
        "tests/fixtures/authoring/policies/team.yaml",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("on_missing  skip"));
    insta::assert_snapshot!("nested", stdout);
}

#[test]
fn json_names_the_fields_with_their_types() {
    let (code, stdout, _) = run(&["full-backup-retention", "--format", "json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["id"], "full-backup-retention");
    assert_eq!(v["policy"], "recommended");
    assert_eq!(v["severity"], "error");
    assert_eq!(v["on_missing"], "fail");
    assert_eq!(v["when"], Value::Null);
    assert_eq!(v["assert"]["field"], "BackupRetentionPeriod");
    assert_eq!(v["assert"]["op"], "gte");
    assert!(v["assert"]["expected"].as_str().unwrap().contains("365"));
    let fields = v["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0]["name"], "BackupRetentionPeriod");
    assert_eq!(fields[0]["type"], "days");
    assert!(fields[0]["operators"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o == "gte"));
    assert!(v["controls"].as_array().unwrap().len() >= 2);
    assert!(v["rationale"].as_str().unwrap().contains("ISO/IEC 27001"));
    assert!(v["location"]
        .as_str()
        .unwrap()
        .starts_with("builtin:recommended:"));
}

#[test]
fn json_of_nested_conditions() {
    let (code, stdout, _) = run(&[
        "prod-retention",
        "-p",
        "tests/fixtures/authoring/policies/team.yaml",
        "-f",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["when"]["op"], "glob");
    let any = v["assert"]["any"].as_array().unwrap();
    assert_eq!(any[0]["field"], "BackupRetentionPeriod");
    assert_eq!(any[1]["all"][1]["not"]["op"], "in");
    let enum_field = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "BackupPlanStatus")
        .unwrap();
    assert!(enum_field["values"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x == "running"));
}

#[test]
fn an_unknown_rule_exits_two_with_a_suggestion() {
    let (code, stdout, stderr) = run(&["full-backup-retension"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(stderr.contains("no rule `full-backup-retension` in recommended"));
    assert!(stderr.contains("did you mean `full-backup-retention`?"));
}

#[test]
fn a_broken_policy_exits_two() {
    let (code, _, stderr) = run(&[
        "broken",
        "-p",
        "tests/fixtures/authoring/policies/broken.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("policy::enum-value"), "{stderr}");
    assert!(stderr.contains("did you mean `running`?"), "{stderr}");
}
