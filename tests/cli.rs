//! The command line as users and CI pipelines run it: exit codes, formats, outputs.

use assert_cmd::Command;
use predicates::prelude::*;

const EXAMPLE: &str = "examples/dumps/describe-backup-plan-list.json";

fn dbs_lint() -> Command {
    let mut cmd = Command::cargo_bin("dbs-lint").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn example_dump_with_the_builtin_pack_fails_the_gate() {
    dbs_lint()
        .args(["check", EXAMPLE])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("full-backup-retention"))
        .stdout(predicate::str::contains(
            "5 plans checked against 7 rules: 9 findings",
        ));
}

#[test]
fn clean_plans_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        &dir,
        "p.yaml",
        "rules:\n  - id: has-id\n    assert: { BackupPlanId: { exists: true } }\n",
    );
    dbs_lint()
        .args(["check", "-p", &policy, EXAMPLE])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 findings"));
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        &dir,
        "p.yaml",
        "rules:\n  - id: ssl\n    severity: warning\n    assert: { SourceEndpointEnableSsl: true }\n",
    );
    dbs_lint()
        .args(["check", "-p", &policy, EXAMPLE])
        .assert()
        .code(0);
    dbs_lint()
        .args(["check", "-p", &policy, "--fail-on", "warning", EXAMPLE])
        .assert()
        .code(1);
    dbs_lint()
        .args(["check", "-p", &policy, "--fail-on", "note", EXAMPLE])
        .assert()
        .code(1);
    dbs_lint()
        .args(["check", "--fail-on", "never", EXAMPLE])
        .assert()
        .code(0);
}

#[test]
fn usage_errors_exit_two() {
    dbs_lint()
        .args(["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no input"));
    dbs_lint()
        .args(["check", "--format", "xml", EXAMPLE])
        .assert()
        .code(2);
    dbs_lint().args(["frobnicate"]).assert().code(2);
    dbs_lint()
        .args(["check", "-p", "no-such-policy.yaml", EXAMPLE])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-policy.yaml"));
}

#[test]
fn help_and_version_exit_zero_and_document_exit_codes() {
    dbs_lint()
        .args(["check", "--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("3  input error"));
    dbs_lint().arg("--version").assert().code(0);
}

#[test]
fn input_errors_exit_three() {
    dbs_lint()
        .args(["check", "no-such-dump.json"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no-such-dump.json"));
    let dir = tempfile::tempdir().unwrap();
    let bad = write(&dir, "bad.json", "{\"Items\": {\"BackupPlanDetail\": [");
    dbs_lint()
        .args(["check", &bad])
        .assert()
        .code(3)
        .stdout(predicate::str::is_empty());
}

#[test]
fn json_report_to_a_file_with_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    dbs_lint()
        .args(["check", "-f", "json", "-o"])
        .arg(&out)
        .arg(EXAMPLE)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(report["summary"]["plans"], 5);
    assert_eq!(report["summary"]["findings"], 9);
    assert_eq!(report["summary"]["by_severity"]["error"], 8);
    let first = &report["findings"][0];
    for key in [
        "rule",
        "severity",
        "plan_id",
        "plan_name",
        "region",
        "message",
        "field",
        "actual",
        "location",
    ] {
        assert!(first.get(key).is_some(), "finding lacks {key}: {first}");
    }
    assert_eq!(first["rule"], "full-backup-retention");
    assert_eq!(first["actual"], 30);
    assert_eq!(first["location"]["path"], EXAMPLE);
    assert_eq!(first["location"]["line"], 70);
    assert_eq!(first["location"]["column"], 30);
}

#[test]
fn stdin_is_read_with_a_dash() {
    dbs_lint()
        .args(["check", "-f", "json", "-"])
        .write_stdin(std::fs::read(EXAMPLE).unwrap())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"path\": \"<stdin>\""));
}

#[test]
fn validate_and_rules_and_fields() {
    dbs_lint()
        .args(["validate", "recommended"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("7 rule(s)"));
    dbs_lint().args(["rules"]).assert().code(0).stdout(
        predicate::str::contains("log-backup-retention")
            .and(predicate::str::contains("LogBackupRetentionPeriod")),
    );
    dbs_lint().args(["fields"]).assert().code(0).stdout(
        predicate::str::contains("BackupPlanStatus: enum.")
            .and(predicate::str::contains("check_pass")),
    );
}

#[test]
fn a_policy_error_stops_before_any_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        &dir,
        "p.yaml",
        "rules:\n  - id: x\n    assert: { BackupPlanStatus: runing }\n",
    );
    dbs_lint()
        .args(["check", "-p", &policy, "no-such-dump.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `running`?"))
        .stderr(predicate::str::contains("no-such-dump.json").not());
}

#[test]
fn an_empty_dump_is_reported_not_silently_green() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(&dir, "empty.json", "[]");
    dbs_lint()
        .args(["check", &empty])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no plan was evaluated"))
        .stdout(predicate::str::contains("applied to no plan"));
}

#[test]
fn a_policy_can_limit_how_long_waivers_run() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        &dir,
        "p.yaml",
        "extends: [recommended]\nmax_waiver_days: 90\n",
    );
    let waivers = write(
        &dir,
        "w.yaml",
        "waivers:\n  - rules: [storage-encrypted]\n    plans: [\"dbstooi02*\"]\n    reason: migration OPS-1\n    expires: 2027-06-30\n",
    );
    dbs_lint()
        .args([
            "check",
            "--no-config",
            "--now",
            "2026-11-29",
            "-p",
            &policy,
            "--waivers",
            &waivers,
            EXAMPLE,
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("waiver::too-long").and(predicate::str::contains("90 days")),
        );
    dbs_lint()
        .args([
            "check",
            "--no-config",
            "--now",
            "2027-05-01",
            "-p",
            &policy,
            "--waivers",
            &waivers,
            EXAMPLE,
        ])
        .assert()
        .code(1);
}

#[test]
fn configuration_file_sets_policies_params_and_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    let dump = std::fs::canonicalize(EXAMPLE).unwrap();
    write(
        &dir,
        ".dbs-lint.yaml",
        "extends: [recommended]\nparams:\n  min_retention_days: 10\noverrides:\n  plan-running: { off: true }\n  storage-encrypted: { off: true }\n  log-backup-enabled: { off: true }\n  log-backup-retention: { off: true }\n  weekly-full-backup: { off: true }\nfail_on: warning\n",
    );
    // Retention 30 passes with min 10; the SSL warning fails the gate because of fail_on.
    dbs_lint()
        .current_dir(dir.path())
        .arg("check")
        .arg(&dump)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("1 finding").and(predicate::str::contains("source-ssl")));
    dbs_lint()
        .current_dir(dir.path())
        .args(["check", "--fail-on", "error"])
        .arg(&dump)
        .assert()
        .code(0);
    dbs_lint()
        .current_dir(dir.path())
        .args(["check", "--no-config"])
        .arg(&dump)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("9 findings"));
    dbs_lint()
        .current_dir(dir.path())
        .arg("validate")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(".dbs-lint.yaml (configuration)"));
}

#[test]
fn the_text_report_shows_a_bounded_number_of_findings_in_full() {
    let out = dbs_lint()
        .args(["check", "--no-config", "--max-text-findings", "2", EXAMPLE])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("help:").count(), 2, "{text}");
    assert!(
        text.contains("7 more finding(s) not shown in full (--max-text-findings 2)"),
        "{text}"
    );
    assert!(text.contains("  plan-running (error): 2"), "{text}");
    assert!(text.contains("9 findings"), "{text}");
}

#[test]
fn inputs_over_the_size_limit_are_refused() {
    dbs_lint()
        .args(["check", "--no-config", "--max-input-size", "1KiB", EXAMPLE])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("input::too_large").and(predicate::str::contains("10.2 KiB")),
        );
    dbs_lint()
        .args(["check", "--max-input-size", "lots", EXAMPLE])
        .assert()
        .code(2);
}

#[test]
fn a_starter_configuration_from_init_validates() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".dbs-lint.yaml");
    dbs_lint()
        .arg("init")
        .arg("--output")
        .arg(&config)
        .assert()
        .code(0);
    dbs_lint()
        .arg("validate")
        .arg("--config")
        .arg(&config)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("(configuration)"));
}
