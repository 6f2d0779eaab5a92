//! `dbs-lint test`: the built-in packs' own tests pass and cover every rule; failing cases exit
//! 1 and invalid test files exit 2, with their output as the user sees it.

use std::collections::BTreeMap;

use assert_cmd::Command;
use serde_json::Value;

const FIXTURES: &str = "tests/fixtures/authoring";

fn dbs_lint() -> Command {
    let mut cmd = Command::cargo_bin("dbs-lint").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs `dbs-lint test ARGS` and returns (exit code, stdout, stderr).
fn run_test(args: &[&str]) -> (i32, String, String) {
    let output = dbs_lint().arg("test").args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

#[test]
fn the_builtin_packs_pass_their_own_tests() {
    let (code, stdout, stderr) = run_test(&["rules/tests"]);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let summary = stdout.lines().last().unwrap();
    let (passed, failed) = summary.split_once(" passed, ").unwrap();
    assert_eq!(failed, "0 failed");
    assert!(passed.parse::<usize>().unwrap() >= 30, "{summary}");
    assert!(stdout.contains("rules/tests/recommended.yaml (recommended)"));
    assert!(!stdout.contains('✗'));
}

/// Every rule of every built-in pack has a passing and a failing case in `rules/tests/<pack>.yaml`.
#[test]
fn every_builtin_rule_has_passing_and_failing_cases() {
    for (pack, text) in dbs_lint::policy::packs::PACKS {
        let policy: Value = serde_saphyr::from_str(text).unwrap();
        let path = format!("rules/tests/{pack}.yaml");
        let tests = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("the pack `{pack}` has no tests in {path}: {e}"));
        let tests: Value = serde_saphyr::from_str(&tests).unwrap();
        let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for case in tests["cases"].as_array().unwrap() {
            for (rule, outcome) in case["expect"].as_object().unwrap() {
                seen.entry(rule.clone())
                    .or_default()
                    .push(outcome.as_str().unwrap().to_string());
            }
        }
        for rule in policy["rules"].as_array().unwrap() {
            let id = rule["id"].as_str().unwrap();
            let outcomes = seen.get(id).cloned().unwrap_or_default();
            for wanted in ["pass", "fail"] {
                assert!(
                    outcomes.iter().any(|o| o == wanted),
                    "{path}: rule `{id}` has no case expecting {wanted} (has {outcomes:?})"
                );
            }
        }
    }
}

#[test]
fn relative_policy_paths_dumps_and_plan_ids() {
    let (code, stdout, stderr) = run_test(&[&fixture("tests")]);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    insta::assert_snapshot!("relative_paths", stdout);
}

#[test]
fn failing_cases_exit_one_and_say_what_happened() {
    let (code, stdout, stderr) = run_test(&[&fixture("failing.yaml")]);
    assert_eq!(code, 1, "stderr:\n{stderr}");
    assert_eq!(stderr, "");
    assert!(stdout.lines().any(|l| l == "1 passed, 2 failed"));
    insta::assert_snapshot!("failing", stdout);
}

#[test]
fn an_invalid_structure_exits_two_with_every_problem_placed() {
    let (code, stdout, stderr) = run_test(&[&fixture("invalid-structure.yaml")]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "0 passed, 0 failed\n");
    insta::assert_snapshot!("invalid_structure", stderr);
}

#[test]
fn unknown_rules_and_unloadable_plans_exit_two() {
    let (code, stdout, stderr) = run_test(&[&fixture("invalid-references.yaml")]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "0 passed, 0 failed\n");
    assert!(stderr.contains("did you mean `full-backup-retention`?"));
    insta::assert_snapshot!("invalid_references", stderr);
}

#[test]
fn an_invalid_policy_under_test_exits_two() {
    let (code, _, stderr) = run_test(&[&fixture("invalid-policy.yaml")]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("invalid_policy", stderr);
}

#[test]
fn an_invalid_file_fails_the_run_even_when_other_cases_pass() {
    let (code, stdout, stderr) = run_test(&[
        &fixture("tests/team.yaml"),
        &fixture("invalid-structure.yaml"),
        &fixture("failing.yaml"),
    ]);
    assert_eq!(code, 2);
    assert!(
        stdout.lines().any(|l| l == "9 passed, 2 failed"),
        "{stdout}"
    );
    assert!(stderr.contains("dbs-lint: 1 invalid test file(s)"));
}

#[test]
fn missing_files_and_empty_directories_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().to_string_lossy().into_owned();
    let (code, _, stderr) = run_test(&[&empty]);
    assert_eq!(code, 2);
    assert!(stderr.contains("the directory holds no *.yaml test file"));
    let (code, _, stderr) = run_test(&[&fixture("no-such-test.yaml")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read tests/fixtures/authoring/no-such-test.yaml"));
}

#[test]
fn a_file_without_cases_or_with_yaml_errors_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let (code, _, stderr) = run_test(&[&write("empty.yaml", "cases: []\n")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("the test file has no cases"), "{stderr}");
    let (code, _, stderr) = run_test(&[&write("bad.yaml", "cases:\n  - name: a\n  name: b\n")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid YAML"), "{stderr}");
}

#[test]
fn test_files_set_parameters_and_now() {
    let (code, stdout, stderr) = run_test(&[&fixture("params.yaml")]);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.ends_with("5 passed, 0 failed\n"), "{stdout}");

    // The same cases with the default parameter and a later "now": both decide differently.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::copy(
        fixture("policies/tunable.yaml"),
        dir.path().join("policies/tunable.yaml"),
    )
    .unwrap();
    let text = std::fs::read_to_string(fixture("params.yaml"))
        .unwrap()
        .replace("params: { min_days: 2y }\n", "")
        .replace("now: 2026-01-01", "now: 2026-02-15");
    let path = dir.path().join("params.yaml");
    std::fs::write(&path, text).unwrap();
    let (code, stdout, _) = run_test(&[&path.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("✗ one year fails with the parameter set"),
        "{stdout}"
    );
    assert!(
        stdout.contains("✗ a subscription expiring in 60 days passes"),
        "{stdout}"
    );
    assert!(stdout.ends_with("3 passed, 2 failed\n"), "{stdout}");
}

#[test]
fn bad_parameters_and_now_make_the_file_invalid() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::copy(
        fixture("policies/tunable.yaml"),
        dir.path().join("policies/tunable.yaml"),
    )
    .unwrap();
    let base = std::fs::read_to_string(fixture("params.yaml")).unwrap();
    for (from, to, expected) in [
        (
            "now: 2026-01-01",
            "now: next tuesday",
            "`now` must be a date (YYYY-MM-DD)",
        ),
        ("min_days: 2y", "min_days: lots", "min_days"),
        ("min_days: 2y", "min_dayz: 2y", "min_dayz"),
    ] {
        let path = dir.path().join("params.yaml");
        std::fs::write(&path, base.replace(from, to)).unwrap();
        let (code, _, stderr) = run_test(&[&path.to_string_lossy()]);
        assert_eq!(code, 2, "{to}: {stderr}");
        assert!(stderr.contains(expected), "{to}: {stderr}");
    }
}
