//! Every operator and combinator of the policy language, evaluated on small plans loaded from
//! inline JSON dumps and inline policies, through the library.

use dbs_lint::engine::{self, Finding, Outcome};
use dbs_lint::model::{FieldSet, Plan, Slot, Value};
use dbs_lint::policy::{self, PolicySpec, Rule};
use dbs_lint::source::{self, InputSpec, LoadOptions};

/// Plans read from a bare JSON array of plan objects.
fn load_plans(plans_json: &str) -> Vec<Plan> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plans.json");
    std::fs::write(&path, plans_json).unwrap();
    let options = LoadOptions {
        allow_partial: false,
        retain: FieldSet::all(),
    };
    match source::load(&[InputSpec::Path(path)], &options, &mut std::io::empty()) {
        Ok(data) => data.plans,
        Err(errors) => panic!("{plans_json}: {errors:?}"),
    }
}

/// One plan with id `p1` and the given JSON members (`"Field": value, ...`).
fn one_plan(fields: &str) -> Plan {
    let sep = if fields.trim().is_empty() { "" } else { ", " };
    let mut plans = load_plans(&format!("[{{\"BackupPlanId\": \"p1\"{sep}{fields}}}]"));
    assert_eq!(plans.len(), 1);
    plans.pop().unwrap()
}

/// The rules of a policy given as YAML text.
fn load_rules(yaml: &str) -> Vec<Rule> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.yaml");
    std::fs::write(&path, yaml).unwrap();
    match policy::load(&[PolicySpec::File(path)]) {
        Ok(set) => set.rules,
        Err(errors) => panic!(
            "{yaml}\n{}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// One rule whose `assert` is `assert` (flow YAML), with extra rule lines (`when: ...`).
fn rule(assert: &str, extra: &[&str]) -> Rule {
    let mut yaml = format!("rules:\n  - id: r\n    assert: {assert}\n");
    for line in extra {
        yaml.push_str(&format!("    {line}\n"));
    }
    let mut rules = load_rules(&yaml);
    assert_eq!(rules.len(), 1);
    rules.pop().unwrap()
}

fn run(assert: &str, extra: &[&str], plan_fields: &str) -> (Outcome, Option<Finding>) {
    engine::check(&rule(assert, extra), &one_plan(plan_fields))
}

fn outcome(assert: &str, plan_fields: &str) -> Outcome {
    let (outcome, finding) = run(assert, &[], plan_fields);
    // A finding is produced exactly for failing and indeterminate outcomes.
    assert_eq!(
        finding.is_some(),
        matches!(outcome, Outcome::Fail | Outcome::Indeterminate),
        "{assert} on {{{plan_fields}}}: {outcome:?} with {finding:?}"
    );
    outcome
}

use Outcome::{Fail, Indeterminate, NotApplicable, Pass};

fn expect(assert: &str, cases: &[(&str, Outcome)]) {
    for (plan_fields, want) in cases {
        assert_eq!(
            outcome(assert, plan_fields),
            *want,
            "{assert} on {{{plan_fields}}}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------------------------

#[test]
fn eq() {
    expect(
        "{ BackupPlanStatus: { eq: running } }",
        &[
            (r#""BackupPlanStatus": "running""#, Pass),
            (r#""BackupPlanStatus": "pause""#, Fail),
            ("", Indeterminate),
            (r#""BackupPlanStatus": null"#, Indeterminate),
        ],
    );
    expect(
        "{ BackupRetentionPeriod: { eq: 365 } }",
        &[
            (r#""BackupRetentionPeriod": 365"#, Pass),
            (r#""BackupRetentionPeriod": "365""#, Pass),
            (r#""BackupRetentionPeriod": 366"#, Fail),
        ],
    );
    expect(
        "{ SourceEndpointEnableSsl: { eq: true } }",
        &[
            (r#""SourceEndpointEnableSsl": "true""#, Pass),
            (r#""SourceEndpointEnableSsl": true"#, Pass),
            (r#""SourceEndpointEnableSsl": "false""#, Fail),
        ],
    );
    expect(
        "{ BackupStartTime: { eq: \"02:00\" } }",
        &[
            (r#""BackupStartTime": "02:00""#, Pass),
            (r#""BackupStartTime": "2:01""#, Fail),
        ],
    );
}

#[test]
fn ne() {
    expect(
        "{ BackupPlanStatus: { ne: pause } }",
        &[
            (r#""BackupPlanStatus": "running""#, Pass),
            (r#""BackupPlanStatus": "pause""#, Fail),
            ("", Indeterminate),
        ],
    );
    expect(
        "{ EnableBackupLog: { ne: false } }",
        &[
            (r#""EnableBackupLog": true"#, Pass),
            (r#""EnableBackupLog": "false""#, Fail),
        ],
    );
}

#[test]
fn ordered_comparisons_on_numbers() {
    let at = |n: &str| format!("\"BackupRetentionPeriod\": {n}");
    let (p364, p365, p366) = (at("364"), at("\"365\""), at("366"));
    for (op, want) in [
        ("lt", [Pass, Fail, Fail]),
        ("lte", [Pass, Pass, Fail]),
        ("gt", [Fail, Fail, Pass]),
        ("gte", [Fail, Pass, Pass]),
    ] {
        let assert = format!("{{ BackupRetentionPeriod: {{ {op}: 365 }} }}");
        expect(
            &assert,
            &[
                (&p364, want[0]),
                (&p365, want[1]),
                (&p366, want[2]),
                ("", Indeterminate),
            ],
        );
    }
    // Numeric strings as documented for log retention, and epoch milliseconds.
    expect(
        "{ LogBackupRetentionPeriod: { gte: 365 } }",
        &[
            (r#""LogBackupRetentionPeriod": "730""#, Pass),
            (r#""LogBackupRetentionPeriod": "7""#, Fail),
            (r#""LogBackupRetentionPeriod": """#, Indeterminate),
        ],
    );
    expect(
        "{ InstanceExpiredTimestamp: { gt: 1767225600000 } }",
        &[
            (r#""InstanceExpiredTimestamp": 1798761600000"#, Pass),
            (r#""InstanceExpiredTimestamp": 1735689600000"#, Fail),
        ],
    );
}

#[test]
fn ordered_comparisons_on_times_of_day() {
    expect(
        "{ BackupStartTime: { lt: \"06:00\" } }",
        &[
            (r#""BackupStartTime": "02:00""#, Pass),
            (r#""BackupStartTime": "06:00""#, Fail),
            (r#""BackupStartTime": "23:30""#, Fail),
        ],
    );
    expect(
        "{ BackupStartTime: { gte: \"22:00\", lte: \"23:59\" } }",
        &[
            (r#""BackupStartTime": "22:00""#, Pass),
            (r#""BackupStartTime": "21:59""#, Fail),
        ],
    );
}

#[test]
fn several_operators_on_one_field_must_all_hold() {
    expect(
        "{ BackupRetentionPeriod: { gte: 365, lte: 1095 } }",
        &[
            (r#""BackupRetentionPeriod": 730"#, Pass),
            (r#""BackupRetentionPeriod": 30"#, Fail),
            (r#""BackupRetentionPeriod": 1825"#, Fail),
        ],
    );
}

#[test]
fn in_and_not_in() {
    expect(
        "{ InstanceClass: { in: [large, xlarge] } }",
        &[
            (r#""InstanceClass": "large""#, Pass),
            (r#""InstanceClass": "xlarge""#, Pass),
            (r#""InstanceClass": "small""#, Fail),
            ("", Indeterminate),
        ],
    );
    expect(
        "{ BackupPlanStatus: { not_in: [pause, stop, locked] } }",
        &[
            (r#""BackupPlanStatus": "running""#, Pass),
            (r#""BackupPlanStatus": "stop""#, Fail),
            ("", Indeterminate),
        ],
    );
    expect(
        "{ BackupRetentionPeriod: { in: [365, 730] } }",
        &[
            (r#""BackupRetentionPeriod": "730""#, Pass),
            (r#""BackupRetentionPeriod": 731"#, Fail),
        ],
    );
}

#[test]
fn glob() {
    expect(
        "{ BackupPlanName: { glob: \"prod-*\" } }",
        &[
            (r#""BackupPlanName": "prod-orders""#, Pass),
            (r#""BackupPlanName": "staging-prod-orders""#, Fail),
            (r#""BackupPlanName": "Prod-orders""#, Fail),
            ("", Indeterminate),
        ],
    );
    expect(
        "{ BackupPlanRegion: { glob: \"cn-?????hou\" } }",
        &[
            (r#""BackupPlanRegion": "cn-hangzhou""#, Pass),
            (r#""BackupPlanRegion": "cn-shanghai""#, Fail),
        ],
    );
}

#[test]
fn regex() {
    expect(
        "{ BackupPlanName: { regex: \"^prod-[a-z]+$\" } }",
        &[
            (r#""BackupPlanName": "prod-orders""#, Pass),
            (r#""BackupPlanName": "prod-orders-2""#, Fail),
            (r#""BackupPlanName": "staging""#, Fail),
            ("", Indeterminate),
        ],
    );
    expect(
        "{ SourceEndpointInstanceType: { regex: \"^(rds|dds)$\" } }",
        &[
            (r#""SourceEndpointInstanceType": "dds""#, Pass),
            (r#""SourceEndpointInstanceType": "ecs""#, Fail),
        ],
    );
}

#[test]
fn exists() {
    expect(
        "{ CrossRoleName: { exists: true } }",
        &[
            (r#""CrossRoleName": "AliyunDBSRole""#, Pass),
            (r#""CrossRoleName": """#, Pass),
            ("", Fail),
            (r#""CrossRoleName": null"#, Fail),
        ],
    );
    expect(
        "{ CrossRoleName: { exists: false } }",
        &[
            (r#""CrossRoleName": "AliyunDBSRole""#, Fail),
            ("", Pass),
            (r#""CrossRoleName": null"#, Pass),
        ],
    );
}

#[test]
fn empty() {
    expect(
        "{ StorageEncryptMethod: { empty: true } }",
        &[
            (r#""StorageEncryptMethod": """#, Pass),
            (r#""StorageEncryptMethod": "encrypted""#, Fail),
            ("", Indeterminate),
        ],
    );
    expect(
        "{ OSSBucketName: { empty: false } }",
        &[
            (r#""OSSBucketName": "corp-backups""#, Pass),
            (r#""OSSBucketName": """#, Fail),
        ],
    );
    expect(
        "{ BackupPeriod: { empty: true } }",
        &[
            (r#""BackupPeriod": """#, Pass),
            (r#""BackupPeriod": "Monday""#, Fail),
        ],
    );
    expect(
        "{ BackupObjects: { empty: false } }",
        &[
            (r#""BackupObjects": "[{\"DBName\":\"orders\"}]""#, Pass),
            (r#""BackupObjects": "[]""#, Fail),
            (r#""BackupObjects": "[{oops""#, Indeterminate),
        ],
    );
}

#[test]
fn includes() {
    expect(
        "{ BackupPeriod: { includes: Monday } }",
        &[
            (r#""BackupPeriod": "Monday,Thursday""#, Pass),
            (r#""BackupPeriod": "MONDAY""#, Pass),
            (r#""BackupPeriod": "Tuesday""#, Fail),
            ("", Indeterminate),
        ],
    );
    expect(
        "{ BackupPeriod: { includes: [Saturday, Sunday] } }",
        &[
            (r#""BackupPeriod": "Sunday,Saturday,Monday""#, Pass),
            (r#""BackupPeriod": "Saturday""#, Fail),
        ],
    );
}

#[test]
fn count_gte_and_count_lte() {
    expect(
        "{ BackupPeriod: { count_gte: 2 } }",
        &[
            (r#""BackupPeriod": "Monday,Thursday""#, Pass),
            (r#""BackupPeriod": "Monday""#, Fail),
            (r#""BackupPeriod": """#, Fail),
            ("", Indeterminate),
        ],
    );
    expect(
        "{ BackupPeriod: { count_lte: 1 } }",
        &[
            (r#""BackupPeriod": "Sunday""#, Pass),
            (r#""BackupPeriod": """#, Pass),
            (r#""BackupPeriod": "Monday,Thursday""#, Fail),
        ],
    );
}

#[test]
fn scalar_is_eq() {
    expect(
        "{ StorageEncryptMethod: encrypted }",
        &[
            (r#""StorageEncryptMethod": "encrypted""#, Pass),
            (r#""StorageEncryptMethod": """#, Fail),
            ("", Indeterminate),
        ],
    );
    expect(
        "{ EnableBackupLog: true }",
        &[
            (r#""EnableBackupLog": "true""#, Pass),
            (r#""EnableBackupLog": false"#, Fail),
        ],
    );
    expect(
        "{ BackupRetentionPeriod: 365 }",
        &[
            (r#""BackupRetentionPeriod": "365""#, Pass),
            (r#""BackupRetentionPeriod": 30"#, Fail),
        ],
    );
}

#[test]
fn list_is_in() {
    expect(
        "{ InstanceClass: [large, xlarge] }",
        &[
            (r#""InstanceClass": "large""#, Pass),
            (r#""InstanceClass": "medium""#, Fail),
            ("", Indeterminate),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Combinators and three-valued logic
// ---------------------------------------------------------------------------------------------

const RETAINED: &str = "{ BackupRetentionPeriod: { gte: 365 } }";
const RUNNING: &str = "{ BackupPlanStatus: running }";

fn any() -> String {
    format!("{{ any: [ {RETAINED}, {RUNNING} ] }}")
}

fn all() -> String {
    format!("{{ all: [ {RETAINED}, {RUNNING} ] }}")
}

#[test]
fn all_needs_every_condition() {
    expect(
        &all(),
        &[
            (
                r#""BackupRetentionPeriod": 730, "BackupPlanStatus": "running""#,
                Pass,
            ),
            (
                r#""BackupRetentionPeriod": 30, "BackupPlanStatus": "running""#,
                Fail,
            ),
            (
                r#""BackupRetentionPeriod": 730, "BackupPlanStatus": "pause""#,
                Fail,
            ),
        ],
    );
    // Several fields in one map are an implicit `all`.
    expect(
        "{ BackupRetentionPeriod: { gte: 365 }, BackupPlanStatus: running }",
        &[
            (
                r#""BackupRetentionPeriod": 730, "BackupPlanStatus": "running""#,
                Pass,
            ),
            (
                r#""BackupRetentionPeriod": 730, "BackupPlanStatus": "pause""#,
                Fail,
            ),
            (r#""BackupRetentionPeriod": 30"#, Fail),
            (r#""BackupRetentionPeriod": 730"#, Indeterminate),
        ],
    );
}

#[test]
fn any_needs_one_condition() {
    expect(
        &any(),
        &[
            (
                r#""BackupRetentionPeriod": 30, "BackupPlanStatus": "running""#,
                Pass,
            ),
            (
                r#""BackupRetentionPeriod": 730, "BackupPlanStatus": "pause""#,
                Pass,
            ),
            (
                r#""BackupRetentionPeriod": 30, "BackupPlanStatus": "pause""#,
                Fail,
            ),
        ],
    );
}

#[test]
fn not_negates() {
    expect(
        "{ not: { BackupPlanStatus: pause } }",
        &[
            (r#""BackupPlanStatus": "running""#, Pass),
            (r#""BackupPlanStatus": "pause""#, Fail),
        ],
    );
    expect(
        "{ not: { any: [ { BackupPlanStatus: pause }, { BackupPlanStatus: stop } ] } }",
        &[
            (r#""BackupPlanStatus": "running""#, Pass),
            (r#""BackupPlanStatus": "stop""#, Fail),
        ],
    );
}

#[test]
fn any_with_one_true_and_one_missing_passes() {
    assert_eq!(outcome(&any(), r#""BackupRetentionPeriod": 730"#), Pass);
    assert_eq!(outcome(&any(), r#""BackupPlanStatus": "running""#), Pass);
}

#[test]
fn any_with_one_false_and_one_missing_is_indeterminate() {
    assert_eq!(
        outcome(&any(), r#""BackupRetentionPeriod": 30"#),
        Indeterminate
    );
}

#[test]
fn all_with_one_false_and_one_missing_fails() {
    assert_eq!(outcome(&all(), r#""BackupRetentionPeriod": 30"#), Fail);
    assert_eq!(outcome(&all(), r#""BackupPlanStatus": "pause""#), Fail);
}

#[test]
fn all_with_one_true_and_one_missing_is_indeterminate() {
    assert_eq!(
        outcome(&all(), r#""BackupRetentionPeriod": 730"#),
        Indeterminate
    );
}

#[test]
fn not_of_missing_is_indeterminate() {
    assert_eq!(
        outcome("{ not: { BackupPlanStatus: pause } }", ""),
        Indeterminate
    );
    assert_eq!(
        outcome(
            "{ not: { BackupPlanStatus: pause } }",
            r#""BackupPlanStatus": null"#
        ),
        Indeterminate
    );
}

#[test]
fn failing_finding_names_the_value_that_decided() {
    let (outcome, finding) = run(
        &all(),
        &["message: \"kept {BackupRetentionPeriod} days, status {BackupPlanStatus}\""],
        r#""BackupRetentionPeriod": 30, "BackupPlanStatus": "running""#,
    );
    assert_eq!(outcome, Fail);
    let f = finding.unwrap();
    assert_eq!(f.outcome, Fail);
    assert_eq!(f.message, "kept 30 days, status running");
    assert_eq!(f.field.map(|f| f.name()), Some("BackupRetentionPeriod"));
    assert_eq!(f.actual, Some(Slot::Present(Value::Int(30))));
    assert_eq!(f.expected.as_deref(), Some("≥ 365"));
    assert_eq!(f.reasons, ["BackupRetentionPeriod is 30, expected ≥ 365"]);
}

#[test]
fn failing_finding_without_message_explains_itself() {
    let (_, finding) = run(
        "{ not: { BackupPlanStatus: pause } }",
        &[],
        r#""BackupPlanStatus": "pause""#,
    );
    let f = finding.unwrap();
    assert_eq!(
        f.message,
        "BackupPlanStatus is \"pause\", expected not = \"pause\""
    );
    assert_eq!(f.expected.as_deref(), Some("not = \"pause\""));
}

// ---------------------------------------------------------------------------------------------
// when and on_missing
// ---------------------------------------------------------------------------------------------

const LOG_RULE: &str = "{ LogBackupRetentionPeriod: { gte: 365 } }";
const WHEN_LOG_ON: &str = "when: { EnableBackupLog: true }";

#[test]
fn when_selects_the_plans_a_rule_applies_to() {
    let cases = [
        (
            r#""EnableBackupLog": false, "LogBackupRetentionPeriod": "7""#,
            NotApplicable,
        ),
        (
            r#""EnableBackupLog": "true", "LogBackupRetentionPeriod": "730""#,
            Pass,
        ),
        (
            r#""EnableBackupLog": true, "LogBackupRetentionPeriod": "7""#,
            Fail,
        ),
        (r#""EnableBackupLog": true"#, Indeterminate),
    ];
    for (plan, want) in cases {
        let (got, finding) = run(LOG_RULE, &[WHEN_LOG_ON], plan);
        assert_eq!(got, want, "{plan}");
        assert_eq!(
            finding.is_some(),
            matches!(want, Fail | Indeterminate),
            "{plan}"
        );
    }
}

#[test]
fn when_that_cannot_be_decided_is_indeterminate() {
    let (got, finding) = run(
        LOG_RULE,
        &[WHEN_LOG_ON],
        r#""LogBackupRetentionPeriod": "7""#,
    );
    assert_eq!(got, Indeterminate);
    assert_eq!(
        finding.unwrap().message,
        "cannot tell whether the rule applies: EnableBackupLog is missing"
    );
    let (got, _) = run(
        LOG_RULE,
        &[WHEN_LOG_ON, "on_missing: skip"],
        r#""LogBackupRetentionPeriod": "7""#,
    );
    assert_eq!(got, NotApplicable);
}

#[test]
fn when_with_glob_selects_by_name() {
    let assert = "{ InstanceClass: [large, xlarge] }";
    let when = "when: { BackupPlanName: { glob: \"prod-*\" } }";
    assert_eq!(
        run(
            assert,
            &[when],
            r#""BackupPlanName": "dev-x", "InstanceClass": "small""#
        )
        .0,
        NotApplicable
    );
    assert_eq!(
        run(
            assert,
            &[when],
            r#""BackupPlanName": "prod-x", "InstanceClass": "small""#
        )
        .0,
        Fail
    );
    assert_eq!(
        run(
            assert,
            &[when],
            r#""BackupPlanName": "prod-x", "InstanceClass": "large""#
        )
        .0,
        Pass
    );
}

#[test]
fn on_missing_fail_is_the_default_and_reports_what_is_missing() {
    for extra in [&[][..], &["on_missing: fail"][..]] {
        let (got, finding) = run("{ EnableBackupLog: true }", extra, "");
        assert_eq!(got, Indeterminate, "{extra:?}");
        let f = finding.expect("indeterminate is a finding");
        assert_eq!(f.outcome, Indeterminate);
        assert_eq!(f.message, "cannot verify: EnableBackupLog is missing");
        assert_eq!(f.field.map(|f| f.name()), Some("EnableBackupLog"));
        assert_eq!(f.actual, Some(Slot::Missing));
    }
    let (_, finding) = run(
        "{ EnableBackupLog: true }",
        &[],
        r#""EnableBackupLog": null"#,
    );
    assert_eq!(
        finding.unwrap().message,
        "cannot verify: EnableBackupLog is null"
    );
}

#[test]
fn on_missing_pass_counts_the_plan_as_passing() {
    let extra = ["on_missing: pass"];
    let (got, finding) = run("{ EnableBackupLog: true }", &extra, "");
    assert_eq!(got, Pass);
    assert!(finding.is_none());
    // It changes nothing when the value is there.
    assert_eq!(
        run(
            "{ EnableBackupLog: true }",
            &extra,
            r#""EnableBackupLog": false"#
        )
        .0,
        Fail
    );
}

#[test]
fn on_missing_skip_makes_the_rule_not_applicable() {
    let extra = ["on_missing: skip"];
    let (got, finding) = run("{ EnableBackupLog: true }", &extra, "");
    assert_eq!(got, NotApplicable);
    assert!(finding.is_none());
    assert_eq!(
        run(
            "{ EnableBackupLog: true }",
            &extra,
            r#""EnableBackupLog": true"#
        )
        .0,
        Pass
    );
}

// ---------------------------------------------------------------------------------------------
// evaluate
// ---------------------------------------------------------------------------------------------

#[test]
fn evaluate_counts_every_rule_on_every_plan() {
    let plans = load_plans(
        r#"[
  {"BackupPlanId": "a", "BackupRetentionPeriod": 730, "EnableBackupLog": true, "LogBackupRetentionPeriod": "730"},
  {"BackupPlanId": "b", "BackupRetentionPeriod": 30, "EnableBackupLog": false},
  {"BackupPlanId": "c", "EnableBackupLog": true}
]"#,
    );
    let rules = load_rules(
        "rules:
  - id: retention
    severity: warning
    assert: { BackupRetentionPeriod: { gte: 365 } }
  - id: log-retention
    when: { EnableBackupLog: true }
    assert: { LogBackupRetentionPeriod: { gte: 365 } }
  - id: only-paused
    when: { BackupPlanStatus: pause }
    on_missing: skip
    assert: { BackupRetentionPeriod: { gte: 1 } }
",
    );
    let eval = engine::evaluate(&rules, &plans);
    assert_eq!(eval.plans, 3);
    let stats: Vec<(usize, usize, usize, usize)> = eval
        .stats
        .iter()
        .map(|s| (s.pass, s.fail, s.indeterminate, s.not_applicable))
        .collect();
    assert_eq!(stats, [(1, 1, 1, 0), (1, 0, 1, 1), (0, 0, 0, 3)]);
    assert_eq!(eval.stats[2].applied(), 0);
    // Findings in plan order, then rule order, with their rule and plan indexes.
    let findings: Vec<(usize, usize, Outcome)> = eval
        .findings
        .iter()
        .map(|f| (f.plan, f.rule, f.outcome))
        .collect();
    assert_eq!(
        findings,
        [(1, 0, Fail), (2, 0, Indeterminate), (2, 1, Indeterminate)]
    );
    assert_eq!(eval.findings[0].severity, policy::Severity::Warning);
    assert_eq!(eval.findings[2].severity, policy::Severity::Error);
}

/// Evaluation spread over the cores gives the findings and counts of a plain serial pass, in the
/// same order.
#[test]
fn parallel_evaluation_matches_serial_order() {
    let rules = dbs_lint::policy::load(&[]).unwrap();
    let mut plans_json = Vec::new();
    for i in 0..3000 {
        plans_json.push(format!(
            r#"{{"BackupPlanId":"p{i:05}","BackupRetentionPeriod":{},"StorageEncryptMethod":"{}","EnableBackupLog":{}}}"#,
            (i * 7) % 800,
            if i % 3 == 0 { "" } else { "encrypted" },
            i % 5 != 0
        ));
    }
    let text = format!("[{}]", plans_json.join(","));
    let options = dbs_lint::source::LoadOptions {
        allow_partial: false,
        retain: rules.fields(),
    };
    let input = dbs_lint::source::InputSpec::Text {
        name: "many.json".into(),
        text,
    };
    let data = dbs_lint::source::load(&[input], &options, &mut std::io::empty()).unwrap();
    let parallel = dbs_lint::engine::evaluate(&rules.rules, &data.plans);
    let serial = dbs_lint::engine::evaluate_serial(&rules.rules, &data.plans, 0);
    let key = |e: &dbs_lint::engine::Evaluation| -> Vec<(usize, usize, String)> {
        e.findings
            .iter()
            .map(|f| (f.plan, f.rule, f.message.clone()))
            .collect()
    };
    assert!(parallel.findings.len() > 1000);
    assert_eq!(key(&parallel), key(&serial));
    let counts = |e: &dbs_lint::engine::Evaluation| -> Vec<(usize, usize, usize, usize)> {
        e.stats
            .iter()
            .map(|s| (s.pass, s.fail, s.indeterminate, s.not_applicable))
            .collect()
    };
    assert_eq!(counts(&parallel), counts(&serial));
}
