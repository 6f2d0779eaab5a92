//! `dbs-lint completions` and `dbs-lint init`.

use assert_cmd::Command;

fn dbs_lint() -> Command {
    let mut cmd = Command::cargo_bin("dbs-lint").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

#[test]
fn completions_for_every_shell_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let output = dbs_lint().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.len() > 500, "{shell}: {script}");
        for word in ["check", "explain", "fail-on"] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
    }
}

#[test]
fn completions_for_an_unknown_shell_is_a_usage_error() {
    dbs_lint().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn init_writes_a_commented_starter_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    dbs_lint()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(0);
    let path = dir.path().join(".dbs-lint.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            >= 5
    );
    let doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(doc["extends"], serde_json::json!(["recommended"]));
    assert_eq!(doc["fail_on"], "error");
    assert!(doc["params"].is_object());
    assert!(doc["overrides"].is_object());

    std::fs::write(&path, "fail_on: never\n").unwrap();
    let output = dbs_lint()
        .current_dir(dir.path())
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr)
        .unwrap()
        .contains(".dbs-lint.yaml already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "fail_on: never\n");

    dbs_lint()
        .current_dir(dir.path())
        .args(["init", "--force"])
        .assert()
        .code(0);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn init_writes_where_it_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ci.yaml");
    dbs_lint()
        .args(["init", "--output"])
        .arg(&path)
        .assert()
        .code(0);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("extends:\n  - recommended"));
}

#[test]
fn the_starter_is_valid_against_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    dbs_lint()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(0);
    let text = std::fs::read_to_string(dir.path().join(".dbs-lint.yaml")).unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("schema/dbs-lint.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    assert!(validator.is_valid(&doc));
}

#[test]
fn the_starter_is_accepted_by_the_configuration_loader() {
    let dir = tempfile::tempdir().unwrap();
    dbs_lint()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(0);
    let path = dir.path().join(".dbs-lint.yaml");
    assert_eq!(
        dbs_lint::policy::discover_config(dir.path()).as_deref(),
        Some(path.as_path())
    );
    let request = dbs_lint::policy::LoadRequest {
        config: Some(path),
        ..Default::default()
    };
    let (rules, settings) = match dbs_lint::policy::load_with(&request) {
        Ok(loaded) => loaded,
        Err(errors) => panic!("{errors:?}"),
    };
    assert_eq!(settings.fail_on.as_deref(), Some("error"));
    assert!(rules.rules.iter().any(|r| r.id == "full-backup-retention"));
    assert_eq!(rules.policies[0].name, "recommended");
}
