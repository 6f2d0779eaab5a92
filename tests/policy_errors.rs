//! Policy load errors: one fixture per error in `tests/fixtures/policies/invalid/`, each loaded
//! through the library and its rendered diagnostics snapshotted exactly as users see them.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use dbs_lint::policy::{self, PolicyError, PolicySpec};
use dbs_lint::report::diagnostic::render_diagnostic;

const INVALID: &str = "tests/fixtures/policies/invalid";

fn fixture(name: &str) -> PathBuf {
    Path::new(INVALID).join(name)
}

fn shown(name: &str) -> String {
    format!("{INVALID}/{name}")
}

fn load_errors(names: &[&str]) -> Vec<PolicyError> {
    let specs: Vec<PolicySpec> = names.iter().map(|n| PolicySpec::File(fixture(n))).collect();
    match policy::load(&specs) {
        Ok(set) => panic!(
            "{names:?} should be refused, loaded {} rule(s)",
            set.rules.len()
        ),
        Err(errors) => errors,
    }
}

fn render(errors: &[PolicyError]) -> String {
    errors
        .iter()
        .map(|e| render_diagnostic(e, false, 100))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Loads one fixture, checks its errors' codes and locations, and snapshots the rendering.
fn check(name: &str, expected: &[(&str, &str)]) -> Vec<PolicyError> {
    let errors = load_errors(&[name]);
    let got: Vec<(&str, String)> = errors
        .iter()
        .map(|e| (e.code, e.location.clone().unwrap_or_default()))
        .collect();
    let want: Vec<(&str, String)> = expected
        .iter()
        .map(|(code, at)| (*code, format!("{}:{at}", shown(name))))
        .collect();
    assert_eq!(got, want, "{name}:\n{}", render(&errors));
    for e in &errors {
        let text = e.to_string();
        assert!(
            text.starts_with(&format!("{}:", shown(name))),
            "{name}: {text}"
        );
    }
    let snapshot = name.trim_end_matches(".yaml").replace('-', "_");
    insta::assert_snapshot!(snapshot, render(&errors));
    errors
}

#[test]
fn unknown_field_suggests_the_closest() {
    let errors = check("unknown-field.yaml", &[("policy::unknown-field", "5:7")]);
    assert_eq!(errors[0].message, "unknown field `BackupRetentionPeriods`");
    assert!(errors[0]
        .help
        .as_deref()
        .unwrap()
        .contains("did you mean `BackupRetentionPeriod`?"));
}

#[test]
fn unknown_operator_suggests_the_closest() {
    let errors = check(
        "unknown-operator.yaml",
        &[("policy::unknown-operator", "4:32")],
    );
    assert_eq!(errors[0].message, "unknown operator `gteq`");
    assert!(errors[0]
        .help
        .as_deref()
        .unwrap()
        .contains("did you mean `gte`?"));
}

#[test]
fn unknown_rule_key_suggests_the_closest() {
    let errors = check("unknown-rule-key.yaml", &[("policy::unknown-key", "3:5")]);
    assert_eq!(errors[0].message, "unknown key `severty` in a rule");
    assert!(errors[0]
        .help
        .as_deref()
        .unwrap()
        .contains("did you mean `severity`?"));
}

#[test]
fn unknown_top_level_key_suggests_the_closest() {
    let errors = check(
        "unknown-top-level-key.yaml",
        &[
            ("policy::unknown-key", "2:1"),
            ("policy::missing-key", "1:1"),
        ],
    );
    assert_eq!(errors[0].message, "unknown key `rule` in a policy");
    assert!(errors[0]
        .help
        .as_deref()
        .unwrap()
        .contains("did you mean `rules`?"));
    assert_eq!(errors[1].message, "the policy has no `rules`");
}

#[test]
fn operator_that_does_not_fit_the_field_type() {
    let errors = check(
        "operator-type-mismatch.yaml",
        &[("policy::operator-type", "4:27")],
    );
    assert_eq!(
        errors[0].message,
        "operator `gte` cannot be used on BackupPlanStatus, which is an enum"
    );
}

#[test]
fn enum_value_the_field_cannot_take() {
    let errors = check("enum-value.yaml", &[("policy::enum-value", "4:25")]);
    assert_eq!(
        errors[0].message,
        "\"runing\" is not a value BackupPlanStatus can take"
    );
    assert!(errors[0]
        .help
        .as_deref()
        .unwrap()
        .contains("did you mean `running`?"));
}

#[test]
fn glob_that_does_not_compile() {
    let errors = check("bad-glob.yaml", &[("policy::pattern", "4:31")]);
    assert!(
        errors[0].message.starts_with("this glob does not compile"),
        "{}",
        errors[0].message
    );
}

#[test]
fn regex_that_does_not_compile() {
    let errors = check("bad-regex.yaml", &[("policy::pattern", "4:32")]);
    assert!(
        errors[0].message.starts_with("this regex does not compile"),
        "{}",
        errors[0].message
    );
}

#[test]
fn duplicate_rule_id_in_one_file_points_at_both() {
    let errors = check("duplicate-id.yaml", &[("policy::duplicate-rule", "6:9")]);
    assert_eq!(
        errors[0].message,
        "rule id `storage-encrypted` is defined more than once"
    );
    let labels: Vec<Option<&str>> = errors[0].labels.iter().map(|l| l.label()).collect();
    assert_eq!(
        labels,
        [Some("defined again here"), Some("first defined here")]
    );
}

#[test]
fn duplicate_rule_id_across_two_files() {
    // Each file is valid on its own.
    for name in ["duplicate-id-across-a.yaml", "duplicate-id-across-b.yaml"] {
        let set = policy::load(&[PolicySpec::File(fixture(name))])
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(!set.rules.is_empty());
    }
    let errors = load_errors(&["duplicate-id-across-a.yaml", "duplicate-id-across-b.yaml"]);
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert_eq!(errors[0].code, "policy::duplicate-rule");
    assert_eq!(
        errors[0].location.as_deref(),
        Some(format!("{}:5:9", shown("duplicate-id-across-b.yaml")).as_str())
    );
    assert_eq!(
        errors[0].help.as_deref(),
        Some(
            format!(
                "first defined at {}:3:9",
                shown("duplicate-id-across-a.yaml")
            )
            .as_str()
        )
    );
    insta::assert_snapshot!("duplicate_id_across_files", render(&errors));
}

#[test]
fn message_placeholder_that_is_not_a_field() {
    let errors = check(
        "message-unknown-field.yaml",
        &[("policy::message-field", "5:37")],
    );
    assert!(
        errors[0].message.contains("`{BackupRetention}`"),
        "{}",
        errors[0].message
    );
    assert!(errors[0]
        .help
        .as_deref()
        .unwrap()
        .contains("did you mean `BackupRetentionPeriod`?"));
}

#[test]
fn rule_id_that_is_not_kebab_case() {
    let errors = check("id-not-kebab-case.yaml", &[("policy::rule-id", "2:9")]);
    assert_eq!(
        errors[0].help.as_deref(),
        Some("for example `full-backup-retention`")
    );
}

#[test]
fn rule_without_assert() {
    let errors = check("missing-assert.yaml", &[("policy::missing-key", "2:5")]);
    assert_eq!(errors[0].message, "the rule has no `assert`");
}

#[test]
fn rule_without_id() {
    let errors = check("missing-id.yaml", &[("policy::missing-key", "2:5")]);
    assert_eq!(errors[0].message, "the rule has no `id`");
}

#[test]
fn severity_that_does_not_exist() {
    let errors = check("wrong-severity.yaml", &[("policy::invalid-value", "3:15")]);
    assert_eq!(errors[0].message, "`critical` is not a valid severity");
}

#[test]
fn on_missing_that_does_not_exist() {
    let errors = check(
        "wrong-on-missing.yaml",
        &[("policy::invalid-value", "3:17")],
    );
    assert_eq!(errors[0].message, "`ignore` is not a valid on_missing");
}

#[test]
fn quoted_true_for_a_boolean_field() {
    let errors = check("string-boolean.yaml", &[("policy::value-type", "4:24")]);
    assert!(errors[0]
        .help
        .as_deref()
        .unwrap()
        .starts_with("write true without quotes"));
}

#[test]
fn quoted_number_for_a_numeric_field() {
    let errors = check("quoted-number.yaml", &[("policy::value-type", "4:37")]);
    assert_eq!(errors[0].help.as_deref(), Some("write 365 without quotes"));
}

#[test]
fn empty_rules() {
    let errors = check("empty-rules.yaml", &[("policy::no-rules", "2:8")]);
    assert_eq!(
        errors[0].message,
        "the policy has no rules: it would pass every plan"
    );
}

#[test]
fn yaml_syntax_error() {
    let errors = load_errors(&["yaml-syntax.yaml"]);
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert_eq!(errors[0].code, "policy::yaml");
    assert!(
        errors[0].message.starts_with("invalid YAML: "),
        "{}",
        errors[0].message
    );
    insta::assert_snapshot!("yaml_syntax", render(&errors));
}

/// The parser says where the flow mapping breaks ("at line 4, column 7"); the diagnostic's
/// label and location must point there too, not at the top of the file.
#[test]
fn yaml_syntax_error_points_at_the_problem() {
    let errors = load_errors(&["yaml-syntax.yaml"]);
    let location = errors[0].location.clone().unwrap_or_default();
    assert!(
        location.starts_with(&format!("{}:4:", shown("yaml-syntax.yaml"))),
        "located at {location}: {}",
        errors[0].message
    );
}

#[test]
fn yaml_duplicate_key() {
    let errors = check("yaml-duplicate-key.yaml", &[("policy::yaml", "6:5")]);
    assert!(
        errors[0].message.contains("duplicate key `severity`"),
        "{}",
        errors[0].message
    );
}

/// "set DuplicateKeyPolicy in Options" is advice to the YAML library's caller, which the user of
/// dbs-lint cannot follow.
#[test]
fn yaml_duplicate_key_message_speaks_to_the_user() {
    let errors = load_errors(&["yaml-duplicate-key.yaml"]);
    assert!(
        !errors[0].message.contains("DuplicateKeyPolicy"),
        "leaks the parser's API: {}",
        errors[0].message
    );
}

#[test]
fn several_errors_in_one_file_are_all_reported() {
    let errors = check(
        "several-errors.yaml",
        &[
            ("policy::invalid-value", "4:15"),
            ("policy::unknown-field", "6:7"),
            ("policy::rule-id", "3:9"),
            ("policy::enum-value", "9:41"),
            ("policy::message-field", "10:25"),
            ("policy::pattern", "13:32"),
            ("policy::operator-type", "15:24"),
            ("policy::missing-key", "16:5"),
            ("policy::missing-key", "16:5"),
        ],
    );
    assert_eq!(errors.len(), 9);
}

#[test]
fn every_fixture_is_refused() {
    let mut names: Vec<String> = std::fs::read_dir(INVALID)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") && !n.starts_with("duplicate-id-across-"))
        .collect();
    names.sort();
    assert!(names.len() >= 20, "{names:?}");
    for name in names {
        let errors = load_errors(&[&name]);
        assert!(!errors.is_empty(), "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

fn dbs_lint() -> Command {
    let mut cmd = Command::cargo_bin("dbs-lint").unwrap();
    cmd.arg("--color").arg("never");
    cmd
}

#[test]
fn cli_validate_bad_policy_exits_2() {
    for name in [
        "unknown-field.yaml",
        "yaml-syntax.yaml",
        "several-errors.yaml",
        "empty-rules.yaml",
    ] {
        let output = dbs_lint()
            .arg("validate")
            .arg(fixture(name))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(&shown(name)), "{name}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&output.stdout).contains("ok:"),
            "{name}"
        );
    }
    let output = dbs_lint()
        .arg("validate")
        .arg(fixture("several-errors.yaml"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("9 policy error(s)"));
}

#[test]
fn cli_validate_duplicate_across_files_exits_2() {
    let output = dbs_lint()
        .arg("validate")
        .arg(fixture("duplicate-id-across-a.yaml"))
        .arg(fixture("duplicate-id-across-b.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("storage-encrypted"));
}

#[test]
fn cli_check_with_bad_policy_exits_2_before_reading_dumps() {
    let good = Path::new("tests/fixtures/dumps/response.json");
    assert!(good.is_file());
    let output = dbs_lint()
        .args(["check", "-p"])
        .arg(fixture("enum-value.yaml"))
        .arg(good)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());

    // A dump that does not exist would be exit 3 if it were read: the policy error comes first.
    let output = dbs_lint()
        .args(["check", "-p"])
        .arg(fixture("enum-value.yaml"))
        .arg("tests/fixtures/dumps/no-such-dump.json")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&shown("enum-value.yaml")), "{stderr}");
    assert!(
        !stderr.contains("no-such-dump.json"),
        "the dump was looked at: {stderr}"
    );
}
