//! Policy errors: every problem found while loading a policy, each pointing into the file.
//!
//! All wording lives in the constructors below, so the checks in `validate` read as logic.

use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, SourceSpan};
use thiserror::Error;

use crate::source::SourceFile;

/// One problem in a policy. Any of them stops the run with exit code 2.
#[derive(Debug, Error)]
#[error("{}{message}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default())]
pub struct PolicyError {
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub file: Option<Arc<SourceFile>>,
    pub labels: Vec<LabeledSpan>,
    /// `path:line:column` of the primary label, for plain output.
    pub location: Option<String>,
}

impl Diagnostic for PolicyError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.file.as_deref().map(|f| f as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

/// A place in a policy file.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl From<&super::node::Node> for Span {
    fn from(n: &super::node::Node) -> Span {
        Span {
            offset: n.offset,
            len: n.len.max(1),
        }
    }
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!("did you mean `{s}`?"))
        .unwrap_or_default()
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| {
            if i.is_empty() {
                "\"\"".to_string()
            } else {
                format!("`{i}`")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Builds errors against one file.
pub struct ErrorSink<'a> {
    pub file: &'a Arc<SourceFile>,
    pub errors: Vec<PolicyError>,
}

impl ErrorSink<'_> {
    fn push(
        &mut self,
        code: &'static str,
        span: Span,
        label: impl Into<String>,
        message: String,
        help: Option<String>,
    ) {
        let location = {
            let pos = self.file.line_col(span.offset);
            format!("{}:{}:{}", self.file.name(), pos.line, pos.column)
        };
        self.errors.push(PolicyError {
            code,
            message,
            help: help.filter(|h| !h.is_empty()),
            file: Some(Arc::clone(self.file)),
            labels: vec![LabeledSpan::new_primary_with_span(
                Some(label.into()),
                SourceSpan::new(span.offset.into(), span.len),
            )],
            location: Some(location),
        });
    }

    pub fn yaml(&mut self, offset: Option<usize>, message: String) {
        let span = Span {
            offset: offset.unwrap_or(0).min(self.file.text().len()),
            len: 1,
        };
        self.push(
            "policy::yaml",
            span,
            "here",
            format!("invalid YAML: {message}"),
            None,
        );
    }

    pub fn unknown_key(&mut self, span: Span, key: &str, within: &str, allowed: &[&str]) {
        let suggestion = crate::model::catalogue::suggest(key, allowed.iter().copied());
        self.push(
            "policy::unknown-key",
            span,
            "unknown key",
            format!("unknown key `{key}` in {within}"),
            Some(
                format!(
                    "{} allowed keys: {}",
                    did_you_mean(suggestion),
                    list(allowed)
                )
                .trim()
                .to_string(),
            ),
        );
    }

    pub fn missing_key(&mut self, span: Span, key: &str, within: &str) {
        self.push(
            "policy::missing-key",
            span,
            format!("needs `{key}`"),
            format!("{within} has no `{key}`"),
            None,
        );
    }

    pub fn wrong_type(&mut self, span: Span, what: &str, expected: &str, found: &str) {
        self.push(
            "policy::wrong-type",
            span,
            format!("expected {expected}"),
            format!("{what} must be {expected}, found {found}"),
            None,
        );
    }

    pub fn unknown_field(&mut self, span: Span, name: &str, suggestion: Option<&str>) {
        self.push(
            "policy::unknown-field",
            span,
            "not a BackupPlanDetail field",
            format!("unknown field `{name}`"),
            Some(
                format!(
                    "{} `dbs-lint fields` lists the fields of DescribeBackupPlanList",
                    did_you_mean(suggestion)
                )
                .trim()
                .to_string(),
            ),
        );
    }

    pub fn unknown_operator(
        &mut self,
        span: Span,
        op: &str,
        suggestion: Option<&str>,
        allowed: &[&str],
    ) {
        self.push(
            "policy::unknown-operator",
            span,
            "unknown operator",
            format!("unknown operator `{op}`"),
            Some(
                format!("{} operators: {}", did_you_mean(suggestion), list(allowed))
                    .trim()
                    .to_string(),
            ),
        );
    }

    pub fn operator_mismatch(
        &mut self,
        span: Span,
        op: &str,
        field: &str,
        kind: &str,
        allowed: &[&str],
    ) {
        self.push(
            "policy::operator-type",
            span,
            format!("`{op}` does not apply to {kind}"),
            format!("operator `{op}` cannot be used on {field}, which is {kind}"),
            Some(format!("operators for {field}: {}", list(allowed))),
        );
    }

    pub fn bad_literal(
        &mut self,
        span: Span,
        field: &str,
        expected: &str,
        found: &str,
        help: Option<String>,
    ) {
        self.push(
            "policy::value-type",
            span,
            format!("expected {expected}"),
            format!("{field} is compared with {found}, but its values are {expected}"),
            help,
        );
    }

    pub fn not_an_enum_value(
        &mut self,
        span: Span,
        value: &str,
        field: &str,
        allowed: &[&str],
        suggestion: Option<&str>,
    ) {
        self.push(
            "policy::enum-value",
            span,
            format!("not a value of {field}"),
            format!("\"{value}\" is not a value {field} can take"),
            Some(
                format!("{} values: {}", did_you_mean(suggestion), list(allowed))
                    .trim()
                    .to_string(),
            ),
        );
    }

    pub fn bad_pattern(&mut self, span: Span, kind: &str, error: String) {
        self.push(
            "policy::pattern",
            span,
            format!("invalid {kind}"),
            format!("this {kind} does not compile: {error}"),
            None,
        );
    }

    pub fn bad_rule_id(&mut self, span: Span, id: &str) {
        self.push(
            "policy::rule-id",
            span,
            "not kebab-case",
            format!(
                "rule id `{id}` must be kebab-case (lower-case letters, digits and single dashes)"
            ),
            Some(format!("for example `{}`", kebab(id))),
        );
    }

    pub fn duplicate_rule(
        &mut self,
        span: Span,
        id: &str,
        first: Option<(&Arc<SourceFile>, Span)>,
    ) {
        let first_here = first.filter(|(f, _)| Arc::ptr_eq(f, self.file));
        let elsewhere = first
            .filter(|(f, _)| !Arc::ptr_eq(f, self.file))
            .map(|(f, s)| {
                let pos = f.line_col(s.offset);
                format!("first defined at {}:{}:{}", f.name(), pos.line, pos.column)
            });
        self.push(
            "policy::duplicate-rule",
            span,
            "defined again here",
            format!("rule id `{id}` is defined more than once"),
            Some(
                elsewhere.unwrap_or_else(|| {
                    "rule ids must be unique across every policy of a run".into()
                }),
            ),
        );
        if let Some((_, s)) = first_here {
            if let Some(e) = self.errors.last_mut() {
                e.labels.push(LabeledSpan::new_with_span(
                    Some("first defined here".into()),
                    SourceSpan::new(s.offset.into(), s.len),
                ));
            }
        }
    }

    pub fn unknown_placeholder(&mut self, span: Span, name: &str, suggestion: Option<&str>) {
        self.push(
            "policy::message-field",
            span,
            "unknown placeholder",
            format!("the message refers to `{{{name}}}`, which is not a field"),
            Some(
                format!(
                "{} placeholders name BackupPlanDetail fields; write `{{{{` for a literal brace",
                did_you_mean(suggestion)
            )
                .trim()
                .to_string(),
            ),
        );
    }

    pub fn bad_template(&mut self, span: Span, why: &str) {
        self.push(
            "policy::message-syntax",
            span,
            why.to_string(),
            format!("invalid message template: {why}"),
            Some("write `{{` and `}}` for literal braces".into()),
        );
    }

    pub fn bad_choice(&mut self, span: Span, what: &str, value: &str, allowed: &[&str]) {
        self.push(
            "policy::invalid-value",
            span,
            format!("not a valid {what}"),
            format!("`{value}` is not a valid {what}"),
            Some(
                format!(
                    "{} choose one of {}",
                    did_you_mean(crate::model::catalogue::suggest(
                        value,
                        allowed.iter().copied()
                    )),
                    list(allowed)
                )
                .trim()
                .to_string(),
            ),
        );
    }

    pub fn empty_condition(&mut self, span: Span, what: &str) {
        self.push(
            "policy::empty-condition",
            span,
            "empty",
            format!("{what} is empty: it would match every plan"),
            Some("name at least one field, or remove it".into()),
        );
    }

    pub fn unknown_param(
        &mut self,
        span: Span,
        name: &str,
        suggestion: Option<&str>,
        declared: &[&str],
    ) {
        let known = if declared.is_empty() {
            "no parameter is declared; declare it under `params:`".to_string()
        } else {
            format!("declared parameters: {}", list(declared))
        };
        self.push(
            "policy::unknown-param",
            span,
            "unknown parameter",
            format!("unknown parameter `${name}`"),
            Some(
                format!("{} {known}", did_you_mean(suggestion))
                    .trim()
                    .to_string(),
            ),
        );
    }

    pub fn bad_param_value(&mut self, span: Span, name: &str, expected: &str, found: &str) {
        self.push(
            "policy::param-type",
            span,
            format!("expected {expected}"),
            format!("parameter `{name}` must be {expected}, found {found}"),
            None,
        );
    }

    pub fn extends_cycle(&mut self, span: Span, chain: &str) {
        self.push(
            "policy::extends-cycle",
            span,
            "extends itself",
            format!("policies extend each other in a cycle: {chain}"),
            Some("remove one of the `extends` entries".into()),
        );
    }

    pub fn unknown_policy(&mut self, span: Span, name: &str, reason: &str) {
        self.push(
            "policy::unknown-policy",
            span,
            "cannot load",
            format!("cannot extend `{name}`: {reason}"),
            Some(format!("built-in packs: {}", list(&super::packs::names()))),
        );
    }

    pub fn unknown_rule(&mut self, span: Span, id: &str, suggestion: Option<&str>) {
        self.push(
            "policy::unknown-rule",
            span,
            "no such rule",
            format!("no loaded policy has a rule `{id}`"),
            Some(
                format!(
                    "{} `dbs-lint rules` lists the loaded rules",
                    did_you_mean(suggestion)
                )
                .trim()
                .to_string(),
            ),
        );
    }

    pub fn no_rules(&mut self, span: Span) {
        self.push(
            "policy::no-rules",
            span,
            "no rules",
            "the policy has no rules: it would pass every plan".into(),
            None,
        );
    }
}

/// How many errors were left out of the list.
pub fn more(count: usize) -> PolicyError {
    PolicyError {
        code: "policy::more",
        message: format!("{count} more policy errors not shown"),
        help: Some("fix the errors above and run again to see the rest".into()),
        file: None,
        labels: Vec::new(),
        location: None,
    }
}

/// A policy file that could not be read at all.
pub fn unreadable(path: &str, reason: String) -> PolicyError {
    PolicyError {
        code: "policy::unreadable",
        message: format!("cannot read policy {path}: {reason}"),
        help: None,
        file: None,
        labels: Vec::new(),
        location: None,
    }
}

fn kebab(id: &str) -> String {
    let mut out = String::new();
    for (i, c) in id.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && !out.ends_with('-') {
            out.push('-');
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Problems in waivers (`waivers:` in a policy or a `--waivers` file).
impl ErrorSink<'_> {
    pub fn unknown_waived_rule(&mut self, span: Span, id: &str, suggestion: Option<&str>) {
        self.push(
            "waiver::unknown-rule",
            span,
            "no rule has this id",
            format!("the waiver names rule `{id}`, which no policy of this run defines"),
            Some(
                format!(
                    "{} write a glob (`{id}*`) to waive rules that a run may not load",
                    did_you_mean(suggestion)
                )
                .trim()
                .to_string(),
            ),
        );
    }

    pub fn bad_waiver_date(&mut self, span: Span, found: &str) {
        self.push(
            "waiver::expires",
            span,
            "expected YYYY-MM-DD",
            format!("`expires` must be a calendar date written YYYY-MM-DD, found {found}"),
            Some("every waiver ends: for example `expires: 2027-03-31`".into()),
        );
    }

    pub fn empty_waiver_value(&mut self, span: Span, key: &str) {
        self.push(
            "waiver::empty",
            span,
            "empty",
            format!("the waiver's `{key}` is empty"),
            Some(match key {
                "reason" => "say why the finding is accepted, for example a ticket".into(),
                _ => format!("name at least one entry in `{key}`, or use \"*\" for all"),
            }),
        );
    }
}

/// A waivers file that could not be read at all.
pub fn unreadable_waivers(path: &str, reason: String) -> PolicyError {
    PolicyError {
        code: "waiver::unreadable",
        message: format!("cannot read waivers {path}: {reason}"),
        help: None,
        file: None,
        labels: Vec::new(),
        location: None,
    }
}

/// Problems in policy test files (`dbs-lint test`).
impl ErrorSink<'_> {
    pub fn no_test_cases(&mut self, span: Span) {
        self.push(
            "policy-test::no-cases",
            span,
            "no cases",
            "the test file has no cases: it would test nothing".into(),
            None,
        );
    }

    pub fn duplicate_test_case(&mut self, span: Span, name: &str) {
        self.push(
            "policy-test::duplicate-case",
            span,
            "named again here",
            format!("two cases are named \"{name}\""),
            Some(
                "case names must be unique within a test file, so results can be told apart".into(),
            ),
        );
    }

    pub fn no_expectations(&mut self, span: Span) {
        self.push(
            "policy-test::no-expectations",
            span,
            "expects nothing",
            "the case expects no outcome: it would pass whatever the rules do".into(),
            Some(
                "name at least one rule id with pass, fail, indeterminate or not_applicable".into(),
            ),
        );
    }

    pub fn plan_and_dump(&mut self, span: Span) {
        self.push(
            "policy-test::plan-and-dump",
            span,
            "both `plan` and `dump`",
            "the case has both `plan` and `dump`; it must have exactly one".into(),
            None,
        );
    }

    pub fn plan_id_without_dump(&mut self, span: Span) {
        self.push(
            "policy-test::plan-id",
            span,
            "`plan_id` without `dump`",
            "`plan_id` picks a plan of a `dump`; this case has none".into(),
            None,
        );
    }

    pub fn derived_in_plan(&mut self, span: Span, name: &str) {
        self.push(
            "policy-test::derived-field",
            span,
            "a derived value",
            format!("{name} is derived from other fields; a plan cannot set it"),
            Some("set the fields it is computed from (`dbs-lint fields`)".into()),
        );
    }

    pub fn unknown_tested_rule(
        &mut self,
        span: Span,
        id: &str,
        suggestion: Option<&str>,
        policies: &str,
    ) {
        self.push(
            "policy-test::unknown-rule",
            span,
            "no rule has this id",
            format!("the case expects an outcome of rule `{id}`, which {policies} does not define"),
            Some(
                format!(
                    "{} `dbs-lint rules` lists the rule ids",
                    did_you_mean(suggestion)
                )
                .trim()
                .to_string(),
            ),
        );
    }

    pub fn test_case_input(&mut self, span: Span, case: &str, why: String) {
        self.push(
            "policy-test::input",
            span,
            "cannot be loaded",
            format!("the plan of case \"{case}\" cannot be loaded: {why}"),
            None,
        );
    }
}
