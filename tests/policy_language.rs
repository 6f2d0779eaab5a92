//! The policy language beyond single comparisons: parameters, extends, overrides, the
//! configuration file, durations, relative timestamps, time windows, cross-field comparisons,
//! BackupObjects paths and derived values.

use std::path::{Path, PathBuf};

use dbs_lint::engine::{check, Outcome};
use dbs_lint::model::Plan;
use dbs_lint::policy::{self, LoadRequest, PolicyError, PolicySpec, RuleSet};
use dbs_lint::report::diagnostic::render_diagnostic;
use dbs_lint::source::{load, InputSpec, LoadOptions};

/// 2026-06-01T00:00:00Z
const NOW: i64 = 1_780_272_000_000;
const DAY: i64 = 86_400_000;

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().unwrap())
    }
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn request(specs: &[&Path]) -> LoadRequest {
    LoadRequest {
        specs: specs
            .iter()
            .map(|p| PolicySpec::File(p.to_path_buf()))
            .collect(),
        now_ms: NOW,
        ..LoadRequest::default()
    }
}

fn rules(req: &LoadRequest) -> RuleSet {
    match policy::load_with(req) {
        Ok((rules, _)) => rules,
        Err(errors) => panic!("{}", render(&errors)),
    }
}

fn load_errors(req: &LoadRequest) -> Vec<PolicyError> {
    policy::load_with(req).expect_err("the policy should not load")
}

fn render(errors: &[PolicyError]) -> String {
    errors
        .iter()
        .map(|e| render_diagnostic(e, false, 100))
        .collect()
}

fn plans(json: &str) -> Vec<Plan> {
    let input = InputSpec::Text {
        name: "plans.json".into(),
        text: json.into(),
    };
    let options = LoadOptions {
        allow_partial: false,
        retain: dbs_lint::model::FieldSet::all(),
    };
    load(&[input], &options, &mut std::io::empty())
        .unwrap()
        .plans
}

fn outcome(rules: &RuleSet, id: &str, plan_json: &str) -> Outcome {
    let rule = rules
        .rules
        .iter()
        .find(|r| r.id == id)
        .expect("rule loaded");
    let plans = plans(&format!("[{plan_json}]"));
    check(rule, &plans[0]).0
}

#[test]
fn parameters_have_defaults_and_are_overridden_from_every_level() {
    let dir = Dir::new();
    let base = dir.file(
        "base.yaml",
        "params:\n  min_days: { type: days, default: 365 }\nrules:\n  - id: keep\n    assert: { BackupRetentionPeriod: { gte: $min_days } }\n    message: \"kept {BackupRetentionPeriod}, need {$min_days}\"\n",
    );
    let plan = r#"{"BackupPlanId":"p1","BackupRetentionPeriod":400}"#;
    assert_eq!(
        outcome(&rules(&request(&[&base])), "keep", plan),
        Outcome::Pass
    );

    // An extending policy sets the value of a parameter its base declares.
    let team = dir.file(
        "team.yaml",
        "extends: [./base.yaml]\nparams:\n  min_days: 2y\n",
    );
    assert_eq!(
        outcome(&rules(&request(&[&team])), "keep", plan),
        Outcome::Fail
    );

    // --param wins over both.
    let mut req = request(&[&team]);
    req.params = vec!["min_days=52w".into()];
    let set = rules(&req);
    assert_eq!(outcome(&set, "keep", plan), Outcome::Pass);
    let rule = &set.rules[0];
    let plans = plans(r#"[{"BackupPlanId":"p2","BackupRetentionPeriod":30}]"#);
    let finding = check(rule, &plans[0]).1.unwrap();
    assert_eq!(finding.message, "kept 30, need 52w");

    // The configuration file too.
    let config = dir.file(
        ".dbs-lint.yaml",
        "extends: [./team.yaml]\nparams:\n  min_days: 1000\n",
    );
    let set = rules(&LoadRequest {
        config: Some(config),
        now_ms: NOW,
        ..LoadRequest::default()
    });
    assert_eq!(outcome(&set, "keep", plan), Outcome::Fail);
}

#[test]
fn parameter_errors_point_at_the_reference_or_the_value() {
    let dir = Dir::new();
    let p = dir.file(
        "p.yaml",
        "params:\n  min_days: { type: days, default: soon }\n  flag: true\nrules:\n  - id: keep\n    assert: { BackupRetentionPeriod: { gte: $min_dayz } }\n",
    );
    let mut req = request(&[&p]);
    req.params = vec!["flag=maybe".into(), "nothing=1".into()];
    let errors = load_errors(&req);
    let codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        [
            "policy::param-type",
            "policy::param-type",
            "policy::unknown-param",
            "policy::unknown-param"
        ],
        "{}",
        render(&errors)
    );
    // Wide enough that the temporary directory's name never changes the wrapping.
    let wide: String = errors
        .iter()
        .map(|e| render_diagnostic(e, false, 300))
        .collect();
    insta::assert_snapshot!(wide.replace(&dir.0.path().to_string_lossy().into_owned(), "[dir]"));
}

#[test]
fn extends_loads_packs_and_files_and_refuses_cycles() {
    let dir = Dir::new();
    let a = dir.file("a.yaml", "extends: [./b.yaml]\nrules: []\n");
    dir.file("b.yaml", "extends: [./a.yaml, recommended]\nrules: []\n");
    let errors = load_errors(&request(&[&a]));
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    assert_eq!(errors[0].code, "policy::extends-cycle");
    assert!(
        errors[0].message.contains("a.yaml → ") && errors[0].message.contains("b.yaml"),
        "{}",
        errors[0].message
    );

    let ok = dir.file("ok.yaml", "extends: [recommended]\nrules:\n  - id: mine\n    assert: { InstanceClass: [large, xlarge] }\n");
    let set = rules(&request(&[&ok]));
    assert_eq!(set.rules.len(), 8);
    assert_eq!(set.rules.last().unwrap().id, "mine");
    let names: Vec<&str> = set.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["recommended", "ok"]);

    let missing = dir.file("missing.yaml", "extends: [recomended]\n");
    let errors = load_errors(&request(&[&missing]));
    assert_eq!(
        errors[0].code,
        "policy::unknown-policy",
        "{}",
        render(&errors)
    );
}

#[test]
fn overrides_change_severity_turn_rules_off_and_set_rule_parameters() {
    let dir = Dir::new();
    let p = dir.file(
        "p.yaml",
        "extends: [recommended]\noverrides:\n  source-ssl: { severity: error }\n  plan-running: { off: true }\n  full-backup-retention: { params: { min_retention_days: 30 } }\n",
    );
    let set = rules(&request(&[&p]));
    let ssl = set.rules.iter().find(|r| r.id == "source-ssl").unwrap();
    assert_eq!(ssl.severity, policy::Severity::Error);
    assert!(set.rules.iter().all(|r| r.id != "plan-running"));
    let plan = r#"{"BackupPlanId":"p1","BackupRetentionPeriod":45,"EnableBackupLog":true,"LogBackupRetentionPeriod":"45"}"#;
    assert_eq!(outcome(&set, "full-backup-retention", plan), Outcome::Pass);
    // The override is per rule: log retention keeps the pack's 365.
    assert_eq!(outcome(&set, "log-backup-retention", plan), Outcome::Fail);

    let bad = dir.file("bad.yaml", "extends: [recommended]\noverrides:\n  storage-encrypt: { off: true }\n  source-ssl: { severity: fatal, of: true }\n");
    let errors = load_errors(&request(&[&bad]));
    let codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        [
            "policy::invalid-value",
            "policy::unknown-key",
            "policy::unknown-rule"
        ],
        "{}",
        render(&errors)
    );
    assert_eq!(
        errors[2].help.as_deref(),
        Some("did you mean `storage-encrypted`? `dbs-lint rules` lists the loaded rules")
    );
}

#[test]
fn configuration_file_is_found_upward_and_validated() {
    let dir = Dir::new();
    let nested = dir.0.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    let config = dir.file(
        ".dbs-lint.yaml",
        "extends: [strict]\nfail_on: warning\nformats: [json]\n",
    );
    assert_eq!(policy::discover_config(&nested), Some(config.clone()));
    let (set, settings) = policy::load_with(&LoadRequest {
        config: Some(config),
        now_ms: NOW,
        ..LoadRequest::default()
    })
    .unwrap();
    assert_eq!(settings.fail_on.as_deref(), Some("warning"));
    assert_eq!(settings.formats, ["json"]);
    assert!(set.rules.iter().any(|r| r.id == "restore-window"));

    let bad = dir.file(
        "bad.yaml",
        "extend: [strict]\nfail_on: sometimes\nparams:\n  undeclared: 3\n",
    );
    let errors = load_errors(&LoadRequest {
        config: Some(bad),
        now_ms: NOW,
        ..LoadRequest::default()
    });
    let codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        [
            "policy::unknown-key",
            "policy::invalid-value",
            "policy::unknown-param"
        ],
        "{}",
        render(&errors)
    );
}

#[test]
fn durations_on_day_fields_including_string_numbers() {
    let dir = Dir::new();
    let p = dir.file(
        "p.yaml",
        "rules:\n  - id: y\n    assert: { LogBackupRetentionPeriod: { gte: 1y } }\n  - id: w\n    assert: { BackupRetentionPeriod: { gte: 52w } }\n",
    );
    let set = rules(&request(&[&p]));
    assert_eq!(
        outcome(
            &set,
            "y",
            r#"{"BackupPlanId":"a","LogBackupRetentionPeriod":"365"}"#
        ),
        Outcome::Pass
    );
    assert_eq!(
        outcome(
            &set,
            "y",
            r#"{"BackupPlanId":"a","LogBackupRetentionPeriod":"364"}"#
        ),
        Outcome::Fail
    );
    assert_eq!(
        outcome(
            &set,
            "w",
            r#"{"BackupPlanId":"a","BackupRetentionPeriod":364}"#
        ),
        Outcome::Pass
    );
    assert_eq!(
        outcome(
            &set,
            "w",
            r#"{"BackupPlanId":"a","BackupRetentionPeriod":363}"#
        ),
        Outcome::Fail
    );
}

#[test]
fn timestamps_relative_to_now() {
    let dir = Dir::new();
    let p = dir.file(
        "p.yaml",
        "rules:\n  - id: exp\n    assert: { InstanceExpiredTimestamp: { after: now+30d } }\n  - id: date\n    assert: { BackupPlanCreateTime: { before: 2026-01-01 } }\n",
    );
    let set = rules(&request(&[&p]));
    let plan = |ms: i64| {
        format!(
            r#"{{"BackupPlanId":"a","InstanceExpiredTimestamp":{ms},"BackupPlanCreateTime":{ms}}}"#
        )
    };
    assert_eq!(outcome(&set, "exp", &plan(NOW + 31 * DAY)), Outcome::Pass);
    assert_eq!(outcome(&set, "exp", &plan(NOW + 29 * DAY)), Outcome::Fail);
    assert_eq!(
        outcome(&set, "date", &plan(1_767_225_600_000 - 1)),
        Outcome::Pass
    );
    assert_eq!(
        outcome(&set, "date", &plan(1_767_225_600_000)),
        Outcome::Fail
    );
    // --now moves "now".
    let mut req = request(&[&p]);
    req.now_ms = NOW + 10 * DAY;
    assert_eq!(
        outcome(&rules(&req), "exp", &plan(NOW + 31 * DAY)),
        Outcome::Fail
    );
}

#[test]
fn time_windows_including_across_midnight() {
    let dir = Dir::new();
    let p = dir.file(
        "p.yaml",
        "rules:\n  - id: night\n    assert: { BackupStartTime: { between: [\"22:00\", \"04:00\"] } }\n  - id: early\n    assert: { BackupStartTime: { between: [\"01:00\", \"05:00\"] } }\n",
    );
    let set = rules(&request(&[&p]));
    let at = |t: &str| format!(r#"{{"BackupPlanId":"a","BackupStartTime":"{t}"}}"#);
    assert_eq!(outcome(&set, "night", &at("23:30")), Outcome::Pass);
    assert_eq!(outcome(&set, "night", &at("03:59")), Outcome::Pass);
    assert_eq!(outcome(&set, "night", &at("04:00")), Outcome::Fail);
    assert_eq!(outcome(&set, "night", &at("12:00")), Outcome::Fail);
    assert_eq!(outcome(&set, "early", &at("01:00")), Outcome::Pass);
    assert_eq!(outcome(&set, "early", &at("00:59")), Outcome::Fail);
}

#[test]
fn weekday_sets_are_case_insensitive_comma_lists() {
    let dir = Dir::new();
    let p = dir.file(
        "p.yaml",
        "rules:\n  - id: sunday\n    assert: { BackupPeriod: { includes: sunday } }\n  - id: twice\n    assert: { BackupPeriod: { count_gte: 2 } }\n",
    );
    let set = rules(&request(&[&p]));
    let period = |p: &str| format!(r#"{{"BackupPlanId":"a","BackupPeriod":"{p}"}}"#);
    assert_eq!(
        outcome(&set, "sunday", &period("MONDAY,SUNDAY")),
        Outcome::Pass
    );
    assert_eq!(outcome(&set, "sunday", &period("Monday")), Outcome::Fail);
    assert_eq!(
        outcome(&set, "twice", &period("Monday, Friday")),
        Outcome::Pass
    );
    assert_eq!(outcome(&set, "twice", &period("Friday")), Outcome::Fail);
}

#[test]
fn cross_field_comparisons() {
    let dir = Dir::new();
    let p = dir.file(
        "p.yaml",
        "rules:\n  - id: archive\n    assert: { DuplicationArchivePeriod: { lte: { field: BackupRetentionPeriod } } }\n",
    );
    let set = rules(&request(&[&p]));
    assert_eq!(
        outcome(
            &set,
            "archive",
            r#"{"BackupPlanId":"a","DuplicationArchivePeriod":300,"BackupRetentionPeriod":365}"#
        ),
        Outcome::Pass
    );
    assert_eq!(
        outcome(
            &set,
            "archive",
            r#"{"BackupPlanId":"a","DuplicationArchivePeriod":400,"BackupRetentionPeriod":365}"#
        ),
        Outcome::Fail
    );
    assert_eq!(
        outcome(
            &set,
            "archive",
            r#"{"BackupPlanId":"a","DuplicationArchivePeriod":400}"#
        ),
        Outcome::Indeterminate
    );

    let bad = dir.file(
        "bad.yaml",
        "rules:\n  - id: x\n    assert: { BackupRetentionPeriod: { gte: { field: BackupPlanStatus } } }\n  - id: y\n    assert: { BackupRetentionPeriod: { gte: { field: Retention } } }\n",
    );
    let errors = load_errors(&request(&[&bad]));
    let codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        ["policy::value-type", "policy::unknown-field"],
        "{}",
        render(&errors)
    );
}

#[test]
fn backup_object_paths_test_every_entry() {
    let dir = Dir::new();
    let p = dir.file(
        "p.yaml",
        "rules:\n  - id: dbs\n    assert: { \"BackupObjects[].DBName\": { in: [orders, billing] } }\n  - id: no-excludes\n    assert: { \"BackupObjects[].TableExcludes\": { empty: true } }\n",
    );
    let set = rules(&request(&[&p]));
    let objects = |json: &str| {
        format!(
            r#"{{"BackupPlanId":"a","BackupObjects":{}}}"#,
            serde_json::to_string(json).unwrap()
        )
    };
    let good = objects(r#"[{"DBName":"orders"},{"DBName":"billing","TableExcludes":[]}]"#);
    let bad =
        objects(r#"[{"DBName":"orders"},{"DBName":"tmp","TableExcludes":[{"TableName":"t"}]}]"#);
    assert_eq!(outcome(&set, "dbs", &good), Outcome::Pass);
    assert_eq!(outcome(&set, "dbs", &bad), Outcome::Fail);
    assert_eq!(outcome(&set, "no-excludes", &good), Outcome::Pass);
    assert_eq!(outcome(&set, "no-excludes", &bad), Outcome::Fail);
    assert_eq!(
        outcome(&set, "dbs", &objects("[{oops")),
        Outcome::Indeterminate
    );

    let wrong = dir.file(
        "w.yaml",
        "rules:\n  - id: x\n    assert: { \"BackupObjects[].TableExcludes\": { glob: \"t*\" } }\n",
    );
    assert_eq!(
        load_errors(&request(&[&wrong]))[0].code,
        "policy::operator-type"
    );
}

#[test]
fn derived_values_restore_window_and_backups_per_week() {
    let dir = Dir::new();
    let p = dir.file(
        "p.yaml",
        "rules:\n  - id: window\n    assert: { RestoreWindowDays: { gte: 7 } }\n  - id: weekly\n    assert: { FullBackupsPerWeek: { gte: 2 } }\n",
    );
    let set = rules(&request(&[&p]));
    let window = |days: i64| {
        format!(
            r#"{{"BackupPlanId":"a","BeginTimestampForRestore":{},"EndTimestampForRestore":{}}}"#,
            NOW - days * DAY,
            NOW
        )
    };
    assert_eq!(outcome(&set, "window", &window(7)), Outcome::Pass);
    assert_eq!(outcome(&set, "window", &window(6)), Outcome::Fail);
    assert_eq!(
        outcome(
            &set,
            "window",
            r#"{"BackupPlanId":"a","EndTimestampForRestore":1}"#
        ),
        Outcome::Indeterminate
    );
    assert_eq!(
        outcome(
            &set,
            "weekly",
            r#"{"BackupPlanId":"a","BackupPeriod":"Monday,Thursday"}"#
        ),
        Outcome::Pass
    );
    let plans = plans(r#"[{"BackupPlanId":"a","BackupPeriod":"Monday"}]"#);
    let rule = set.rules.iter().find(|r| r.id == "weekly").unwrap();
    let finding = check(rule, &plans[0]).1.unwrap();
    // The finding points at the dump's field the value is computed from.
    assert_eq!(finding.field.map(|f| f.name()), Some("BackupPeriod"));
    assert_eq!(finding.reasons, ["FullBackupsPerWeek is 1, expected ≥ 2"]);
}

#[test]
fn built_in_packs_load_and_strict_tightens_recommended() {
    let strict = policy::load(&[PolicySpec::Pack("strict".into())]).unwrap();
    assert!(strict.rules.len() > 7);
    let plan = r#"{"BackupPlanId":"a","BackupRetentionPeriod":400}"#;
    let recommended = policy::load(&[]).unwrap();
    assert_eq!(
        outcome(&recommended, "full-backup-retention", plan),
        Outcome::Pass
    );
    assert_eq!(
        outcome(&strict, "full-backup-retention", plan),
        Outcome::Fail
    );
    for rule in strict.rules.iter().chain(&recommended.rules) {
        assert!(!rule.controls.is_empty(), "{} has no control tags", rule.id);
        assert!(
            rule.help.is_some() && rule.rationale.is_some() && rule.title.is_some(),
            "{}",
            rule.id
        );
    }
}

#[test]
fn a_flood_of_policy_errors_is_capped_and_counted() {
    let dir = Dir::new();
    let mut text = String::from("rules:\n");
    for i in 0..120 {
        text.push_str(&format!(
            "  - id: r{i}\n    assert: {{ NoSuchField{i}: 1 }}\n"
        ));
    }
    let p = dir.file("many.yaml", &text);
    let errors = load_errors(&request(&[&p]));
    assert_eq!(errors.len(), 51);
    assert_eq!(errors[50].message, "70 more policy errors not shown");
}

#[cfg(unix)]
#[test]
fn a_policy_that_is_not_a_regular_file_is_refused_without_blocking() {
    let dir = Dir::new();
    let fifo = dir.0.path().join("policy.fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let errors = load_errors(&request(&[&fifo]));
    assert!(
        errors[0].message.contains("not a regular file"),
        "{}",
        errors[0].message
    );
}
