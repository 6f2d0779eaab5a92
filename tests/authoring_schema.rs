//! `dbs-lint schema`: a valid JSON Schema (draft 2020-12), identical to the committed copy, that
//! accepts the built-in packs and the starter configuration and rejects typical mistakes.

use assert_cmd::Command;
use serde_json::{json, Value};

const COMMITTED: &str = "schema/dbs-lint.schema.json";

fn generated() -> String {
    let output = Command::cargo_bin("dbs-lint")
        .unwrap()
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    String::from_utf8(output.stdout).unwrap()
}

fn schema() -> Value {
    serde_json::from_str(&generated()).unwrap()
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("the schema compiles")
}

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).unwrap()
}

/// The first few validation errors, for assertion messages.
fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).take(5).map(|e| e.to_string()).collect()
}

#[test]
fn the_committed_copy_matches_the_command() {
    let committed = std::fs::read_to_string(COMMITTED).unwrap();
    assert!(
        committed == generated(),
        "{COMMITTED} is stale: run `cargo run -- schema > {COMMITTED}`"
    );
}

#[test]
fn it_is_a_valid_draft_2020_12_schema() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::meta::validate(&s).expect("valid against the 2020-12 meta-schema");
}

#[test]
fn the_builtin_packs_are_valid_documents() {
    let v = validator();
    for (name, text) in dbs_lint::policy::packs::PACKS {
        let doc = yaml(text);
        assert!(v.is_valid(&doc), "{name}: {:?}", errors(&v, &doc));
    }
}

#[test]
fn the_fixture_policies_are_valid_documents() {
    let v = validator();
    for path in [
        "tests/fixtures/authoring/policies/team.yaml",
        "examples/dumps/../../rules/recommended.yaml",
    ] {
        let doc = yaml(&std::fs::read_to_string(path).unwrap());
        assert!(v.is_valid(&doc), "{path}: {:?}", errors(&v, &doc));
    }
}

#[test]
fn a_configuration_file_is_a_valid_document() {
    let v = validator();
    let doc = json!({
        "extends": ["recommended", "./team.yaml"],
        "params": { "min_retention_days": 730 },
        "overrides": { "source-ssl": { "severity": "error" }, "plan-running": { "off": true } },
        "fail_on": "warning",
        "formats": ["text", "json"]
    });
    assert!(v.is_valid(&doc), "{:?}", errors(&v, &doc));
}

#[test]
fn typical_mistakes_are_rejected() {
    let v = validator();
    let cases = [
        (
            "unknown rule key",
            "rules:\n  - id: a\n    sevrity: error\n    assert: { EnableBackupLog: true }\n",
        ),
        (
            "enum value",
            "rules:\n  - id: a\n    assert: { BackupPlanStatus: runing }\n",
        ),
        (
            "unknown field",
            "rules:\n  - id: a\n    assert: { BackupRetentionPeriods: { gte: 365 } }\n",
        ),
        (
            "operator on the wrong type",
            "rules:\n  - id: a\n    assert: { BackupPlanStatus: { gte: 3 } }\n",
        ),
        (
            "quoted boolean",
            "rules:\n  - id: a\n    assert: { EnableBackupLog: \"true\" }\n",
        ),
        ("rule without assert", "rules:\n  - id: a\n"),
        (
            "not kebab-case",
            "rules:\n  - id: My_Rule\n    assert: { EnableBackupLog: true }\n",
        ),
        ("bad fail_on", "fail_on: sometimes\n"),
        ("unknown top-level key", "rule: []\n"),
    ];
    for (what, text) in cases {
        assert!(!v.is_valid(&yaml(text)), "accepted: {what}");
    }
}

#[test]
fn editors_get_field_docs_operators_and_values() {
    let s = schema();
    let status = &s["$defs"]["condition"]["properties"]["BackupPlanStatus"];
    assert!(status["description"]
        .as_str()
        .unwrap()
        .contains("Plan state"));
    let days = &s["$defs"]["condition"]["properties"]["BackupRetentionPeriod"];
    assert!(days["description"]
        .as_str()
        .unwrap()
        .contains("full backups"));
    assert_eq!(days["$ref"], "#/$defs/matcher-days");
    let ops = s["$defs"]["matcher-days"]["anyOf"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["properties"]
        .as_object()
        .unwrap();
    assert!(ops.contains_key("gte"));
    assert!(!ops.contains_key("glob"));
}
