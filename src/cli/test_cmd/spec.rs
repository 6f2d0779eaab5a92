//! Policy test files: YAML → validated cases, every problem reported with its place in the file.
//!
//! ```yaml
//! policy: recommended            # pack name or path (relative to this file); or a list
//! params: { min_days: 2y }       # optional: parameter values, as `--param` gives them
//! now: 2026-01-01                # optional: "now" for `now+30d` (default: the clock)
//! cases:
//!   - name: a year of full backups passes
//!     plan: { BackupRetentionPeriod: 365 }
//!     expect: { full-backup-retention: pass }
//!   - name: a saved dump
//!     dump: ../dumps/one-plan.json   # relative to this file
//!     plan_id: dbs1a2b3c             # needed when the dump holds several plans
//!     expect: { plan-running: fail }
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value as Json};

use crate::engine::Outcome;
use crate::model::catalogue::suggest_field;
use crate::model::FieldId;
use crate::policy::error::{ErrorSink, Span};
use crate::policy::node::{self, entries, Node, NodeValue};
use crate::policy::packs;
use crate::policy::{PolicyError, PolicySpec};
use crate::source::SourceFile;

const FILE_KEYS: &[&str] = &["policy", "description", "params", "now", "cases"];
const CASE_KEYS: &[&str] = &["name", "description", "plan", "dump", "plan_id", "expect"];
pub const OUTCOMES: &[&str] = &["pass", "fail", "indeterminate", "not_applicable"];

/// A parsed test file, before its policy is loaded.
pub struct TestFile {
    pub file: Arc<SourceFile>,
    /// The policies under test; the default pack when the file names none.
    pub policies: Vec<PolicySpec>,
    /// Parameter values, as `--param name=value` would give them.
    pub params: Vec<String>,
    /// "Now" for relative timestamps (`now+30d`), in epoch milliseconds; default: the clock.
    pub now_ms: Option<i64>,
    pub cases: Vec<Case>,
}

pub struct Case {
    pub name: String,
    pub span: Span,
    pub input: CaseInput,
    pub expect: Vec<Expect>,
}

pub enum CaseInput {
    /// A one-plan dump, generated from the case's `plan` map; the map node, for errors.
    Plan { json: String, node: Node },
    Dump {
        path: PathBuf,
        span: Span,
        plan_id: Option<(String, Span)>,
    },
}

pub struct Expect {
    pub rule: String,
    pub rule_span: Span,
    pub outcome: Outcome,
}

pub fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Indeterminate => "indeterminate",
        Outcome::NotApplicable => "not_applicable",
    }
}

fn parse_outcome(s: &str) -> Option<Outcome> {
    match s {
        "pass" => Some(Outcome::Pass),
        "fail" => Some(Outcome::Fail),
        "indeterminate" => Some(Outcome::Indeterminate),
        "not_applicable" => Some(Outcome::NotApplicable),
        _ => None,
    }
}

/// Where a policy named in a test file is: a file relative to the test file, or a pack.
fn policy_spec(name: &str, dir: &Path) -> PolicySpec {
    let path = dir.join(name);
    if !path.exists() && packs::find(name).is_some() {
        PolicySpec::Pack(name.to_string())
    } else {
        PolicySpec::File(path)
    }
}

/// Parses and checks the structure of a test file. Errors carry their place in the file.
pub fn parse(file: &Arc<SourceFile>, dir: &Path) -> Result<TestFile, Vec<PolicyError>> {
    let mut sink = ErrorSink {
        file,
        errors: Vec::new(),
    };
    let root = match node::parse_file(file) {
        Ok(root) => root,
        Err(e) => {
            sink.yaml(e.offset, e.message);
            return Err(sink.errors);
        }
    };
    let mut out = TestFile {
        file: Arc::clone(file),
        policies: Vec::new(),
        params: Vec::new(),
        now_ms: None,
        cases: Vec::new(),
    };
    let Some(top) = entries(&root) else {
        sink.wrong_type(
            (&root).into(),
            "a policy test file",
            "a mapping with `cases`",
            root.kind(),
        );
        return Err(sink.errors);
    };
    let mut cases_node = None;
    for (key, value) in top {
        match key.as_str() {
            Some("policy") => match &value.value {
                NodeValue::Str(s) => out.policies.push(policy_spec(s, dir)),
                NodeValue::Seq(items) if !items.is_empty() => {
                    for item in items {
                        match item.as_str() {
                            Some(s) => out.policies.push(policy_spec(s, dir)),
                            None => sink.wrong_type(
                                item.into(),
                                "a policy",
                                "a pack name or a path",
                                item.kind(),
                            ),
                        }
                    }
                }
                _ => sink.wrong_type(
                    value.into(),
                    "`policy`",
                    "a pack name, a path or a list of them",
                    value.kind(),
                ),
            },
            Some("description") => {
                if value.as_str().is_none() {
                    sink.wrong_type(value.into(), "`description`", "a string", value.kind());
                }
            }
            Some("params") => match entries(value) {
                Some(items) => {
                    for (name, v) in items {
                        match name.as_str() {
                            Some(n) => out.params.push(format!("{n}={}", to_json(v))),
                            None => sink.wrong_type(
                                name.into(),
                                "a parameter name",
                                "a string",
                                name.kind(),
                            ),
                        }
                    }
                }
                None => sink.wrong_type(
                    value.into(),
                    "`params`",
                    "a mapping of parameter names to values",
                    value.kind(),
                ),
            },
            Some("now") => match instant(value) {
                Some(ms) => out.now_ms = Some(ms),
                None => sink.wrong_type(
                    value.into(),
                    "`now`",
                    "a date (YYYY-MM-DD) or milliseconds since the epoch",
                    &value.display(),
                ),
            },
            Some("cases") => cases_node = Some(value),
            Some(other) => sink.unknown_key(key.into(), other, "a policy test file", FILE_KEYS),
            None => sink.wrong_type(key.into(), "a key", "a string", key.kind()),
        }
    }
    match cases_node.map(|n| (n, &n.value)) {
        None => sink.missing_key((&root).into(), "cases", "the test file"),
        Some((node, NodeValue::Seq(items))) => {
            if items.is_empty() {
                sink.no_test_cases(node.into());
            }
            let mut names: Vec<&str> = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let name = entries(item)
                    .and_then(|e| e.iter().find(|(k, _)| k.as_str() == Some("name")))
                    .and_then(|(_, v)| v.as_str().map(|s| (s, v)));
                if let Some((name, node)) = name {
                    if names.contains(&name) {
                        sink.duplicate_test_case(node.into(), name);
                    }
                    names.push(name);
                }
                if let Some(case) = parse_case(&mut sink, item, i, dir) {
                    out.cases.push(case);
                }
            }
        }
        Some((node, _)) => sink.wrong_type(node.into(), "`cases`", "a list of cases", node.kind()),
    }
    if sink.errors.is_empty() {
        Ok(out)
    } else {
        Err(sink.errors)
    }
}

fn parse_case(sink: &mut ErrorSink<'_>, node: &Node, index: usize, dir: &Path) -> Option<Case> {
    let Some(items) = entries(node) else {
        sink.wrong_type(
            node.into(),
            "a test case",
            "a mapping with `name`, `plan` or `dump`, and `expect`",
            node.kind(),
        );
        return None;
    };
    let before = sink.errors.len();
    let mut name = None;
    let mut span: Span = node.into();
    let mut plan = None;
    let mut dump = None;
    let mut plan_id = None;
    let mut expect = None;
    for (key, value) in items {
        let Some(k) = key.as_str() else {
            sink.wrong_type(key.into(), "a key", "a string", key.kind());
            continue;
        };
        match k {
            "name" => match value.as_str() {
                Some(s) if !s.trim().is_empty() => {
                    name = Some(s.to_string());
                    span = value.into();
                }
                _ => sink.wrong_type(
                    value.into(),
                    "`name`",
                    "a non-empty string",
                    &value.display(),
                ),
            },
            "description" => {
                if value.as_str().is_none() {
                    sink.wrong_type(value.into(), "`description`", "a string", value.kind());
                }
            }
            "plan" => plan = plan_json(sink, value, index).map(|json| (json, value.clone())),
            "dump" => match value.as_str() {
                Some(s) => dump = Some((dir.join(s), Span::from(value))),
                None => sink.wrong_type(value.into(), "`dump`", "a path", value.kind()),
            },
            "plan_id" => match &value.value {
                NodeValue::Str(s) => plan_id = Some((s.clone(), value.into())),
                NodeValue::Int(i) => plan_id = Some((i.to_string(), value.into())),
                _ => sink.wrong_type(value.into(), "`plan_id`", "a BackupPlanId", value.kind()),
            },
            "expect" => expect = parse_expect(sink, value),
            other => sink.unknown_key(key.into(), other, "a test case", CASE_KEYS),
        }
    }
    let has = |k: &str| items.iter().any(|(key, _)| key.as_str() == Some(k));
    if !has("name") {
        sink.missing_key(node.into(), "name", "the test case");
    }
    if !has("expect") {
        sink.missing_key(node.into(), "expect", "the test case");
    }
    match (has("plan"), has("dump")) {
        (false, false) => sink.missing_key(node.into(), "plan` or `dump", "the test case"),
        (true, true) => sink.plan_and_dump(node.into()),
        _ => {}
    }
    if has("plan_id") && !has("dump") {
        sink.plan_id_without_dump(node.into());
    }
    if sink.errors.len() > before {
        return None;
    }
    let input = match (plan, dump) {
        (Some((json, node)), None) => CaseInput::Plan { json, node },
        (None, Some((path, span))) => CaseInput::Dump {
            path,
            span,
            plan_id,
        },
        _ => return None,
    };
    Some(Case {
        name: name?,
        span,
        input,
        expect: expect?,
    })
}

fn parse_expect(sink: &mut ErrorSink<'_>, node: &Node) -> Option<Vec<Expect>> {
    let Some(items) = entries(node) else {
        sink.wrong_type(
            node.into(),
            "`expect`",
            "a mapping of rule id to pass, fail, indeterminate or not_applicable",
            node.kind(),
        );
        return None;
    };
    if items.is_empty() {
        sink.no_expectations(node.into());
        return None;
    }
    let mut out = Vec::new();
    for (key, value) in items {
        let Some(rule) = key.as_str() else {
            sink.wrong_type(key.into(), "a rule id", "a string", key.kind());
            continue;
        };
        let Some(text) = value.as_str() else {
            sink.wrong_type(
                value.into(),
                "an expected outcome",
                "pass, fail, indeterminate or not_applicable",
                &value.display(),
            );
            continue;
        };
        match parse_outcome(text) {
            Some(outcome) => out.push(Expect {
                rule: rule.to_string(),
                rule_span: key.into(),
                outcome,
            }),
            None => sink.bad_choice(value.into(), "outcome", text, OUTCOMES),
        }
    }
    Some(out)
}

/// The case's plan as a one-plan `DescribeBackupPlanList` response, so it is read by the same
/// loader as any dump. Keys must be catalogued fields; `BackupObjects` may be written as YAML.
fn plan_json(sink: &mut ErrorSink<'_>, node: &Node, index: usize) -> Option<String> {
    let Some(items) = entries(node) else {
        sink.wrong_type(
            node.into(),
            "`plan`",
            "a mapping of BackupPlanDetail fields to values",
            node.kind(),
        );
        return None;
    };
    let before = sink.errors.len();
    let mut plan = Map::new();
    for (key, value) in items {
        let Some(name) = key.as_str() else {
            sink.wrong_type(key.into(), "a field name", "a string", key.kind());
            continue;
        };
        let Some(field) = FieldId::all().find(|f| f.name() == name) else {
            match FieldId::from_name(name) {
                Some(_) => sink.derived_in_plan(key.into(), name),
                None => sink.unknown_field(key.into(), name, suggest_field(name)),
            }
            continue;
        };
        let json = to_json(value);
        let json = match (field.name(), json) {
            ("BackupObjects", v @ (Json::Array(_) | Json::Object(_))) => {
                Json::String(v.to_string())
            }
            (_, v) => v,
        };
        plan.insert(name.to_string(), json);
    }
    if sink.errors.len() > before {
        return None;
    }
    plan.entry("BackupPlanId")
        .or_insert_with(|| Json::String(format!("case-{}", index + 1)));
    let dump = serde_json::json!({
        "Success": true,
        "TotalElements": 1,
        "Items": { "BackupPlanDetail": [Json::Object(plan)] },
    });
    Some(serde_json::to_string_pretty(&dump).expect("a plan serialises"))
}

/// `now:` as epoch milliseconds: a date (midnight UTC) or a number of milliseconds.
fn instant(node: &Node) -> Option<i64> {
    match &node.value {
        NodeValue::Int(ms) => Some(*ms),
        NodeValue::Str(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp_millis()),
        _ => None,
    }
}

fn to_json(node: &Node) -> Json {
    match &node.value {
        NodeValue::Null => Json::Null,
        NodeValue::Bool(b) => Json::Bool(*b),
        NodeValue::Int(i) => Json::from(*i),
        NodeValue::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        NodeValue::Str(s) => Json::String(s.clone()),
        NodeValue::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        NodeValue::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = match &k.value {
                        NodeValue::Str(s) => s.clone(),
                        _ => k.display(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
    }
}
