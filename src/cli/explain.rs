//! `dbs-lint explain RULE`: everything a policy author or an auditor needs to know about one
//! rule: where it comes from, why it exists, how to fix a finding, what it reads and tests.

use clap::Args;
use serde::Serialize;
use serde_json::{json, Value as Json};

use super::exit::ExitCode;
use super::output::Output;
use crate::model::catalogue::suggest;
use crate::model::{FieldId, Kind};
use crate::policy::validate::operators_for;
use crate::policy::{self, Condition, PolicySpec, Rule, RuleSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, as `dbs-lint rules` lists it.
    #[arg(value_name = "RULE")]
    rule: String,
    /// Policy file or built-in pack name; repeatable. Default: the `recommended` pack.
    #[arg(short, long = "policy", value_name = "PATH")]
    policies: Vec<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
}

pub fn run(args: ExplainArgs, out: &Output) -> ExitCode {
    let specs: Vec<PolicySpec> = args.policies.iter().map(|p| PolicySpec::parse(p)).collect();
    let set = match policy::load(&specs) {
        Ok(set) => set,
        Err(errors) => {
            out.diagnostics(&errors);
            out.note(&format!("dbs-lint: {} policy error(s)", errors.len()));
            return ExitCode::Usage;
        }
    };
    let Some(rule) = set.rules.iter().find(|r| r.id == args.rule) else {
        out.note(&unknown_rule(&args.rule, &set));
        return ExitCode::Usage;
    };
    let text = match args.format {
        ExplainFormat::Text => render_text(rule, &set),
        ExplainFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&to_json(rule, &set)).expect("explanations serialise");
            s.push('\n');
            s
        }
    };
    print!("{text}");
    ExitCode::Clean
}

/// The error for a rule id no loaded policy defines.
fn unknown_rule(id: &str, set: &RuleSet) -> String {
    let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    let hint = match suggest(id, ids.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? "),
        None => String::new(),
    };
    let policies: Vec<&str> = set.policies.iter().map(|p| p.name.as_str()).collect();
    format!(
        "error: no rule `{id}` in {}\n  help: {hint}`dbs-lint rules` lists the rule ids ({})",
        policies.join(", "),
        ids.join(", ")
    )
}

/// Where the rule is written: `file:line:column`.
fn location(rule: &Rule) -> String {
    let pos = rule.origin.file.line_col(rule.origin.span.offset);
    format!("{}:{}:{}", rule.origin.file.name(), pos.line, pos.column)
}

fn source_of<'a>(rule: &Rule, set: &'a RuleSet) -> &'a str {
    set.policies
        .iter()
        .find(|p| p.name == rule.policy)
        .map_or("", |p| p.source.as_str())
}

fn on_missing(rule: &Rule) -> &'static str {
    match rule.on_missing {
        policy::OnMissing::Fail => "fail",
        policy::OnMissing::Pass => "pass",
        policy::OnMissing::Skip => "skip",
    }
}

fn on_missing_meaning(rule: &Rule) -> &'static str {
    match rule.on_missing {
        policy::OnMissing::Fail => {
            "a plan missing a value the rule reads is indeterminate, which fails like a violation"
        }
        policy::OnMissing::Pass => "a plan missing a value the rule reads passes",
        policy::OnMissing::Skip => {
            "a plan missing a value the rule reads is skipped (not applicable)"
        }
    }
}

/// `days (days)`, `enum: running, stop`: a field's type for people.
fn field_type(field: FieldId) -> String {
    let def = field.def();
    let mut s = def.kind.name().to_string();
    if let Some(unit) = def.unit {
        if unit != s {
            s.push_str(&format!(", {unit}"));
        }
    }
    if let Kind::Enum(values) = def.kind {
        s.push_str(&format!(": {}", enum_values(values).join(" | ")));
    }
    s
}

fn enum_values(values: &[&str]) -> Vec<String> {
    values
        .iter()
        .map(|v| {
            if v.is_empty() {
                "\"\"".to_string()
            } else {
                v.to_string()
            }
        })
        .collect()
}

/// A condition as an indented outline, one test a line.
pub fn outline(cond: &Condition, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match cond {
        Condition::Test(t) => {
            out.push_str(&format!("{pad}{} {}\n", t.subject(), t.op.expectation()));
        }
        Condition::All(parts) => {
            out.push_str(&format!("{pad}all of:\n"));
            parts.iter().for_each(|c| outline(c, indent + 2, out));
        }
        Condition::Any(parts) => {
            out.push_str(&format!("{pad}any of:\n"));
            parts.iter().for_each(|c| outline(c, indent + 2, out));
        }
        Condition::Not(inner) => {
            out.push_str(&format!("{pad}not:\n"));
            outline(inner, indent + 2, out);
        }
    }
}

/// Wraps prose at about 90 columns, each line indented.
fn wrap(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > 90 - indent {
            out.push_str(&format!("{pad}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("{pad}{line}\n"));
    }
    out
}

fn render_text(rule: &Rule, set: &RuleSet) -> String {
    let mut s = String::new();
    match &rule.title {
        Some(title) => s.push_str(&format!("{}: {title}\n\n", rule.id)),
        None => s.push_str(&format!("{}\n\n", rule.id)),
    }
    s.push_str(&format!(
        "  policy      {} ({})\n",
        rule.policy,
        source_of(rule, set)
    ));
    s.push_str(&format!("  defined at  {}\n", location(rule)));
    s.push_str(&format!("  severity    {}\n", rule.severity));
    s.push_str(&format!(
        "  on_missing  {}: {}\n",
        on_missing(rule),
        on_missing_meaning(rule)
    ));
    if !rule.controls.is_empty() {
        s.push_str(&format!("  controls    {}\n", rule.controls.join(", ")));
    }
    s.push_str("\nApplies to\n");
    match &rule.when {
        Some(when) => outline(when, 2, &mut s),
        None => s.push_str("  every plan\n"),
    }
    s.push_str("\nAsserts\n");
    outline(&rule.assert, 2, &mut s);
    if let Some(rationale) = &rule.rationale {
        s.push_str("\nRationale\n");
        s.push_str(&wrap(rationale, 2));
    }
    if let Some(help) = &rule.help {
        s.push_str("\nRemediation\n");
        s.push_str(&wrap(help, 2));
    }
    s.push_str("\nFields read\n");
    let fields: Vec<FieldId> = rule.fields().iter().collect();
    let width = fields.iter().map(|f| f.name().len()).max().unwrap_or(0);
    for field in fields {
        s.push_str(&format!(
            "  {:<width$}  {}\n  {:<width$}  {}\n",
            field.name(),
            field_type(field),
            "",
            field.def().doc
        ));
    }
    s
}

#[derive(Serialize)]
struct FieldJson {
    name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    unit: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    values: Option<&'static [&'static str]>,
    operators: &'static [&'static str],
    doc: &'static str,
}

/// The snake-case name of an operator, from its variant (`CountGte` → `count_gte`).
fn op_name(op: &policy::Op) -> String {
    let debug = format!("{op:?}");
    let variant = debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default();
    let mut name = String::new();
    for (i, c) in variant.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        } else {
            name.push(c);
        }
    }
    name
}

/// A condition as JSON: `{"all": [...]}`, `{"any": [...]}`, `{"not": ...}` or a test.
pub fn condition_json(cond: &Condition) -> Json {
    match cond {
        Condition::Test(t) => json!({
            "field": t.subject(),
            "op": op_name(&t.op),
            "expected": t.op.expectation(),
        }),
        Condition::All(parts) => {
            json!({ "all": parts.iter().map(condition_json).collect::<Vec<_>>() })
        }
        Condition::Any(parts) => {
            json!({ "any": parts.iter().map(condition_json).collect::<Vec<_>>() })
        }
        Condition::Not(inner) => json!({ "not": condition_json(inner) }),
    }
}

fn to_json(rule: &Rule, set: &RuleSet) -> Json {
    let fields: Vec<FieldJson> = rule
        .fields()
        .iter()
        .map(|f| {
            let def = f.def();
            FieldJson {
                name: def.name,
                kind: def.kind.name(),
                unit: def.unit,
                values: match def.kind {
                    Kind::Enum(v) => Some(v),
                    _ => None,
                },
                operators: operators_for(def.kind),
                doc: def.doc,
            }
        })
        .collect();
    json!({
        "id": rule.id,
        "title": rule.title,
        "policy": rule.policy,
        "source": source_of(rule, set),
        "location": location(rule),
        "severity": rule.severity,
        "on_missing": rule.on_missing,
        "controls": rule.controls,
        "rationale": rule.rationale,
        "help": rule.help,
        "when": rule.when.as_ref().map(condition_json),
        "assert": condition_json(&rule.assert),
        "fields": fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names_are_snake_case() {
        assert_eq!(op_name(&policy::Op::CountGte(2)), "count_gte");
        assert_eq!(op_name(&policy::Op::Exists(true)), "exists");
        assert_eq!(op_name(&policy::Op::NotIn(Vec::new())), "not_in");
    }

    #[test]
    fn prose_wraps_under_the_limit() {
        let text = "word ".repeat(60);
        let wrapped = wrap(&text, 2);
        assert!(wrapped.lines().count() > 1);
        assert!(wrapped
            .lines()
            .all(|l| l.len() <= 90 && l.starts_with("  ")));
    }
}
