//! `dbs-lint test PATH...`: policy unit tests. Each test file names the policies under test and
//! a list of cases: a plan (or a dump) and the outcome each named rule must have on it.
//!
//! Exit 0 when every case passes, 1 when a case fails, 2 when a test file is invalid (its
//! structure, its policy, an unknown rule id or a plan that cannot be loaded). An invalid file
//! runs none of its cases.

mod spec;

use std::path::{Path, PathBuf};

use clap::Args;

use super::exit::ExitCode;
use super::output::Output;
use crate::engine::{self, Outcome};
use crate::model::catalogue::suggest;
use crate::model::{FieldSet, Plan};
use crate::policy::error::{ErrorSink, Span};
use crate::policy::node::{Node, NodeValue};
use crate::policy::{self, LoadRequest, PolicyError, RuleSet};
use crate::source::{self, InputError, InputSpec, LoadOptions, SourceFile};
use spec::{outcome_name, CaseInput, TestFile};

pub const AFTER_HELP: &str = "\
A test file (YAML):
  policy: recommended              # pack name or path (relative to the test file), or a list;
                                   # default: the recommended pack
  params: { min_retention_days: 730 }  # optional: parameter values, as --param sets them
  now: 2026-01-31                  # optional: \"now\" for now+30d timestamps (default: the clock)
  cases:
    - name: a year of full backups passes
      plan: { BackupRetentionPeriod: 365 }   # BackupPlanDetail fields; BackupPlanId is optional
      expect: { full-backup-retention: pass } # pass | fail | indeterminate | not_applicable
    - name: a saved dump
      dump: ../dumps/plans.json      # relative to the test file
      plan_id: dbs1a2b3c             # needed when the dump holds several plans
      expect: { plan-running: fail }

A directory stands for every *.yaml and *.yml file inside it.

Exit codes:
  0  every case passed
  1  a case failed
  2  a test file is invalid (nothing of it was run), or a usage error";

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Test files, or directories of them.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
}

/// The result of one expectation of one case.
struct Check {
    rule: String,
    expected: Outcome,
    actual: Outcome,
    message: Option<String>,
}

struct CaseResult {
    name: String,
    checks: Vec<Check>,
}

impl CaseResult {
    fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.expected == c.actual)
    }
}

/// Why a test file was not run.
enum Invalid {
    Unreadable(String),
    Policy(Vec<PolicyError>),
}

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Test files named by `paths`: files as given, directories searched for `*.yaml`/`*.yml`.
fn expand(paths: &[PathBuf], bad: &mut Vec<String>) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out)?;
            } else if path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"))
            {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = out.len();
            match walk(path, &mut out) {
                Ok(()) if out.len() == before => bad.push(format!(
                    "error: {}: the directory holds no *.yaml test file",
                    display(path)
                )),
                Ok(()) => {}
                Err(e) => bad.push(format!("error: cannot read {}: {e}", display(path))),
            }
        } else {
            out.push(path.clone());
        }
    }
    out
}

pub fn run(args: TestArgs, out: &Output) -> ExitCode {
    let mut bad = Vec::new();
    let files = expand(&args.paths, &mut bad);
    let mut invalid = bad.len();
    for line in &bad {
        out.note(line);
    }
    let color = out.color_for(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    let (mut passed, mut failed) = (0, 0);
    for path in &files {
        match run_file(path) {
            Ok((test, set, results)) => {
                let policies: Vec<&str> = set.policies.iter().map(|p| p.name.as_str()).collect();
                let mut text = format!("{} ({})\n", test.file.name(), policies.join(", "));
                for result in &results {
                    if result.passed() {
                        passed += 1;
                    } else {
                        failed += 1;
                    }
                    render_case(result, color, &mut text);
                }
                print!("{text}");
            }
            Err(Invalid::Unreadable(line)) => {
                invalid += 1;
                out.note(&line);
            }
            Err(Invalid::Policy(errors)) => {
                invalid += 1;
                out.diagnostics(&errors);
                out.note(&format!(
                    "dbs-lint: {}: invalid test file ({} error(s)); none of its cases ran",
                    display(path),
                    errors.len()
                ));
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if invalid > 0 {
        out.note(&format!("dbs-lint: {invalid} invalid test file(s)"));
        ExitCode::Usage
    } else if failed > 0 {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    }
}

fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn render_case(result: &CaseResult, color: bool, out: &mut String) {
    if result.passed() {
        out.push_str(&format!("  {} {}\n", paint("✓", "32", color), result.name));
        return;
    }
    out.push_str(&format!("  {} {}\n", paint("✗", "31", color), result.name));
    for check in result.checks.iter().filter(|c| c.expected != c.actual) {
        out.push_str(&format!(
            "      {}: expected {}, got {}\n",
            check.rule,
            outcome_name(check.expected),
            outcome_name(check.actual)
        ));
        if let Some(message) = &check.message {
            out.push_str(&format!("        {message}\n"));
        }
    }
}

/// Reads, validates and runs one test file.
fn run_file(path: &Path) -> Result<(TestFile, RuleSet, Vec<CaseResult>), Invalid> {
    let shown = display(path);
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
            Invalid::Unreadable(format!("error: {shown}: the file is not valid UTF-8"))
        })?,
        Err(e) => {
            return Err(Invalid::Unreadable(format!(
                "error: cannot read {shown}: {e}"
            )))
        }
    };
    let file = SourceFile::new(shown, text);
    let dir = path.parent().unwrap_or(Path::new("."));
    let test = spec::parse(&file, dir).map_err(Invalid::Policy)?;
    let request = LoadRequest {
        specs: test.policies.clone(),
        params: test.params.clone(),
        config: None,
        now_ms: test
            .now_ms
            .unwrap_or_else(|| chrono::Utc::now().timestamp_millis()),
    };
    let (set, _) = policy::load_with(&request).map_err(Invalid::Policy)?;
    let mut sink = ErrorSink {
        file: &file,
        errors: Vec::new(),
    };
    let names: Vec<&str> = set.policies.iter().map(|p| p.name.as_str()).collect();
    let names = names.join(", ");
    for case in &test.cases {
        for expect in &case.expect {
            if !set.rules.iter().any(|r| r.id == expect.rule) {
                let suggestion = suggest(&expect.rule, set.rules.iter().map(|r| r.id.as_str()));
                sink.unknown_tested_rule(expect.rule_span, &expect.rule, suggestion, &names);
            }
        }
    }
    let mut plans = Vec::new();
    for case in &test.cases {
        match load_plan(&file, &case.name, &case.input) {
            Ok(plan) => plans.push(plan),
            Err(problems) => {
                for (span, why) in problems {
                    sink.test_case_input(span.unwrap_or(case.span), &case.name, why);
                }
            }
        }
    }
    if !sink.errors.is_empty() {
        return Err(Invalid::Policy(sink.errors));
    }
    let results = test
        .cases
        .iter()
        .zip(&plans)
        .map(|(case, plan)| CaseResult {
            name: case.name.clone(),
            checks: case
                .expect
                .iter()
                .map(|expect| {
                    let rule = set
                        .rules
                        .iter()
                        .find(|r| r.id == expect.rule)
                        .expect("rule ids were checked");
                    let (actual, finding) = engine::check(rule, plan);
                    Check {
                        rule: expect.rule.clone(),
                        expected: expect.outcome,
                        actual,
                        message: finding.map(|f| f.message),
                    }
                })
                .collect(),
        })
        .collect();
    Ok((test, set, results))
}

/// The value node of `key` in a mapping node.
fn value_of<'a>(map: &'a Node, key: &str) -> Option<&'a Node> {
    match &map.value {
        NodeValue::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

/// Loads the case's plan through the dump loader. Problems point into the test file.
fn load_plan(
    file: &SourceFile,
    case: &str,
    input: &CaseInput,
) -> Result<Plan, Vec<(Option<Span>, String)>> {
    let options = LoadOptions {
        allow_partial: false,
        retain: FieldSet::all(),
    };
    let (spec, span, plan_node, plan_id) = match input {
        CaseInput::Plan { json, node } => (
            InputSpec::Text {
                name: format!("{}#{case}", file.name()),
                text: json.clone(),
            },
            Span::from(node),
            Some(node),
            None,
        ),
        CaseInput::Dump {
            path,
            span,
            plan_id,
        } => (InputSpec::Path(path.clone()), *span, None, plan_id.as_ref()),
    };
    let data = source::load(&[spec], &options, &mut std::io::empty()).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| match (&e, plan_node) {
                (InputError::BadValue { field, message, .. }, Some(node)) => (
                    value_of(node, field).map(Span::from).or(Some(span)),
                    format!("{field} {message}"),
                ),
                _ => (Some(span), e.to_string()),
            })
            .collect::<Vec<_>>()
    })?;
    let mut plans = data.plans;
    match (plan_id, plans.len()) {
        (None, 1) => Ok(plans.remove(0)),
        (None, n) => Err(vec![(
            Some(span),
            format!("the dump holds {n} plans; name one with `plan_id`"),
        )]),
        (Some((id, id_span)), _) => match plans.iter().position(|p| &*p.id == id) {
            Some(i) => Ok(plans.swap_remove(i)),
            None => Err(vec![(
                Some(*id_span),
                format!("the dump holds no plan with BackupPlanId \"{id}\""),
            )]),
        },
    }
}
