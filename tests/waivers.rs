//! Waivers: validation with spans, expiry against `--now`, suppression without deleting, and
//! the exit code (a waived-only run passes; an expired waiver fails again).

use assert_cmd::Command;
use dbs_lint::engine::waivers::load_file;
use dbs_lint::report::diagnostic::render_diagnostic;
use dbs_lint::source::SourceFile;

const DUMP: &str = "tests/fixtures/reports/dump.json";
const POLICY: &str = "tests/fixtures/reports/policy.yaml";
const IDS: &[&str] = &[
    "full-backup-retention",
    "storage-encrypted",
    "log-backup-retention",
    "source-ssl",
];

/// A policy with only `storage-encrypted`, failing on dbs-p3-multiline and dbs-p4-legacy.
fn storage_policy(dir: &std::path::Path) -> String {
    let path = dir.join("storage.yaml");
    std::fs::write(
        &path,
        "rules:\n  - id: storage-encrypted\n    assert: { StorageEncryptMethod: encrypted }\n",
    )
    .unwrap();
    path.to_string_lossy().into_owned()
}

fn waivers(dir: &std::path::Path, expires: &str) -> String {
    let path = dir.join("waivers.yaml");
    std::fs::write(
        &path,
        format!(
            "waivers:\n  - rules: [storage-encrypted]\n    plans: [\"legacy-*\", dbs-p3-multiline]\n    reason: OPS-123\n    owner: dba-team\n    expires: {expires}\n"
        ),
    )
    .unwrap();
    path.to_string_lossy().into_owned()
}

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
fn a_waived_only_run_exits_0_and_still_reports_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let (p, w) = (
        storage_policy(dir.path()),
        waivers(dir.path(), "2027-03-31"),
    );
    let args = [
        "-p",
        &p,
        "--waivers",
        &w,
        "--now",
        "2026-06-01",
        "-f",
        "json",
        DUMP,
    ];
    let (code, stdout, _) = check(&args);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "waived findings stay in the report");
    for f in findings {
        assert_eq!(f["suppressed"]["reason"], "OPS-123");
        assert_eq!(f["suppressed"]["owner"], "dba-team");
    }
    assert_eq!(v["summary"]["suppressed"], 2);
}

#[test]
fn a_waiver_applies_on_its_last_day() {
    let dir = tempfile::tempdir().unwrap();
    let (p, w) = (
        storage_policy(dir.path()),
        waivers(dir.path(), "2026-06-01"),
    );
    let (code, _, _) = check(&["-p", &p, "--waivers", &w, "--now", "2026-06-01", DUMP]);
    assert_eq!(code, 0);
}

#[test]
fn an_expired_waiver_exits_1_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (p, w) = (
        storage_policy(dir.path()),
        waivers(dir.path(), "2026-05-31"),
    );
    let (code, stdout, _) = check(&["-p", &p, "--waivers", &w, "--now", "2026-06-01", DUMP]);
    assert_eq!(code, 1);
    assert!(stdout.contains("[waiver expired on 2026-05-31"), "{stdout}");
    assert!(stdout.contains("expired on 2026-05-31: 2 finding(s) it covered fail the gate again"));
}

#[test]
fn no_waivers_shows_everything_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (p, w) = (
        storage_policy(dir.path()),
        waivers(dir.path(), "2027-03-31"),
    );
    let args = [
        "-p",
        &p,
        "--waivers",
        &w,
        "--no-waivers",
        "--now",
        "2026-06-01",
        "-f",
        "json",
        DUMP,
    ];
    let (code, stdout, _) = check(&args);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["suppressed"].is_null()));
    assert!(v["summary"]["notices"][0]
        .as_str()
        .unwrap()
        .starts_with("--no-waivers: 1 waiver(s) ignored"));
}

#[test]
fn an_unused_waiver_is_a_warning() {
    let (code, stdout, _) = check(&[
        "-p",
        POLICY,
        "--waivers",
        "tests/fixtures/reports/waivers.yaml",
        "--now",
        "2026-06-01",
        "-f",
        "json",
        DUMP,
    ]);
    assert_eq!(code, 1, "the expired waiver's finding fails the gate");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let unused = v["summary"]["unused_waivers"].as_array().unwrap();
    assert_eq!(unused.len(), 1);
    assert!(unused[0]
        .as_str()
        .unwrap()
        .contains("waivers.yaml:16 (Old plans) matched no finding"));
}

#[test]
fn a_bad_waivers_file_exits_2_before_reading_plans() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.yaml");
    std::fs::write(&path, "waivers:\n  - rules: [storage-encrypted]\n").unwrap();
    let (code, _, stderr) = check(&[
        "-p",
        POLICY,
        "--waivers",
        path.to_str().unwrap(),
        "no-such-dump.json",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("the waiver has no `plans`"), "{stderr}");
    assert!(stderr.contains("nothing was checked"));
    let (code, _, stderr) = check(&["--waivers", "no-such-waivers.yaml", DUMP]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read waivers no-such-waivers.yaml"),
        "{stderr}"
    );
}

fn errors(text: &str) -> String {
    let file = SourceFile::new("waivers.yaml", text);
    let errors = load_file(&file, IDS).expect_err("the waivers are invalid");
    errors
        .iter()
        .map(|e| render_diagnostic(e, false, 100))
        .collect()
}

#[test]
fn every_waiver_error_is_reported_with_its_place() {
    let text = "\
waivers:
  - rules: [storage-encrpyted, \"full-*\"]
    plans: []
    reason: \"  \"
    expires: 2027-02-30
    ownr: me
  - rules: storage-encrypted
    plans: \"legacy-[\"
    reason: r
    expires: \"31/03/2027\"
  - plans: [x]
";
    insta::assert_snapshot!(errors(text));
}

#[test]
fn a_waivers_file_holds_only_waivers() {
    insta::assert_snapshot!(errors("rules: []\nwaiver: []\n"));
}

#[test]
fn globs_and_names_need_no_known_rule() {
    let text = "waivers:\n  - rules: [\"not-loaded-*\"]\n    plans: \"*\"\n    reason: r\n    expires: 2027-01-01\n";
    let file = SourceFile::new("w.yaml", text);
    let waivers = load_file(&file, IDS).unwrap();
    assert_eq!(waivers.len(), 1);
    assert_eq!(waivers[0].source, "w.yaml:2");
    assert_eq!(waivers[0].expires.to_string(), "2027-01-01");
}

#[test]
fn waivers_in_a_policy_file_apply_and_are_validated() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    let body = "rules:\n  - id: storage-encrypted\n    assert: { StorageEncryptMethod: encrypted }\nwaivers:\n  - rules: [storage-encrypted]\n    plans: [\"*\"]\n    reason: OPS-7\n    expires: 2027-01-01\n";
    std::fs::write(&policy, body).unwrap();
    let p = policy.to_str().unwrap();
    let (code, stdout, _) = check(&["-p", p, "--now", "2026-06-01", "-f", "json", DUMP]);
    assert_eq!(code, 0, "{stdout}");
    let (code, _, _) = check(&["-p", p, "--now", "2027-01-02", DUMP]);
    assert_eq!(code, 1, "expired");
    std::fs::write(
        &policy,
        body.replace("[storage-encrypted]\n    plans", "[storage]\n    plans"),
    )
    .unwrap();
    let (code, _, stderr) = check(&["-p", p, DUMP]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the waiver names rule `storage`"),
        "{stderr}"
    );
}
