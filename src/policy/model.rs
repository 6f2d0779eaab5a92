//! A validated policy: rules whose conditions are resolved against the field catalogue.

use std::fmt;
use std::sync::Arc;

use globset::GlobMatcher;
use regex::Regex;
use serde::Serialize;

use super::error::Span;
use super::template::Template;
use crate::model::{FieldId, FieldSet, Weekdays};
use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub const NAMES: &'static [&'static str] = &["error", "warning", "note"];

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "note" => Some(Severity::Note),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule does when a value it needs is missing, null or unparsable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnMissing {
    /// Report the plan as indeterminate; this fails the gate like a violation.
    Fail,
    /// Count the plan as passing.
    Pass,
    /// Treat the rule as not applicable to the plan.
    Skip,
}

impl OnMissing {
    pub const NAMES: &'static [&'static str] = &["fail", "pass", "skip"];
    pub fn parse(s: &str) -> Option<OnMissing> {
        match s {
            "fail" => Some(OnMissing::Fail),
            "pass" => Some(OnMissing::Pass),
            "skip" => Some(OnMissing::Skip),
            _ => None,
        }
    }
}

/// A value written in a policy, already converted to the field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Int(i64),
    Bool(bool),
    Text(String),
    Time(u16),
    /// Another field of the same plan (`{ field: BackupRetentionPeriod }`).
    Field(FieldId),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Text(s) => write!(f, "\"{s}\""),
            Literal::Time(m) => write!(f, "{:02}:{:02}", m / 60, m % 60),
            Literal::Field(field) => write!(f, "{field}"),
        }
    }
}

/// One comparison of a field's value.
#[derive(Debug, Clone)]
pub enum Op {
    Eq(Literal),
    Ne(Literal),
    Lt(Literal),
    Lte(Literal),
    Gt(Literal),
    Gte(Literal),
    In(Vec<Literal>),
    NotIn(Vec<Literal>),
    Glob(String, GlobMatcher),
    Regex(Regex),
    Exists(bool),
    Empty(bool),
    Includes(Weekdays),
    CountGte(u32),
    CountLte(u32),
    /// A time-of-day window `[start, end)` in minutes; crosses midnight when start > end.
    Between(u16, u16),
}

impl Op {
    /// What the operator expects, as a phrase: "≥ 365", "one of ...".
    pub fn expectation(&self) -> String {
        let list = |items: &[Literal]| {
            items
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Op::Eq(l) => format!("= {l}"),
            Op::Ne(l) => format!("≠ {l}"),
            Op::Lt(l) => format!("< {l}"),
            Op::Lte(l) => format!("≤ {l}"),
            Op::Gt(l) => format!("> {l}"),
            Op::Gte(l) => format!("≥ {l}"),
            Op::In(items) => format!("one of [{}]", list(items)),
            Op::NotIn(items) => format!("none of [{}]", list(items)),
            Op::Glob(g, _) => format!("matching glob \"{g}\""),
            Op::Regex(r) => format!("matching regex /{}/", r.as_str()),
            Op::Exists(true) => "present".into(),
            Op::Exists(false) => "absent".into(),
            Op::Empty(true) => "empty".into(),
            Op::Empty(false) => "not empty".into(),
            Op::Includes(days) => format!("including {days}"),
            Op::CountGte(n) => format!("at least {n} day(s)"),
            Op::CountLte(n) => format!("at most {n} day(s)"),
            Op::Between(a, b) => format!(
                "between {:02}:{:02} and {:02}:{:02}",
                a / 60,
                a % 60,
                b / 60,
                b % 60
            ),
        }
    }
}

/// A part of each `BackupObjects` entry (`BackupObjects[].DBName`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectPath {
    DbName,
    SchemaName,
    TableIncludes,
    TableExcludes,
}

impl ObjectPath {
    pub const ALL: &'static [(&'static str, ObjectPath)] = &[
        ("BackupObjects[].DBName", ObjectPath::DbName),
        ("BackupObjects[].SchemaName", ObjectPath::SchemaName),
        ("BackupObjects[].TableIncludes", ObjectPath::TableIncludes),
        ("BackupObjects[].TableExcludes", ObjectPath::TableExcludes),
    ];

    pub fn parse(name: &str) -> Option<ObjectPath> {
        ObjectPath::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| *p)
    }

    pub fn name(self) -> &'static str {
        ObjectPath::ALL
            .iter()
            .find(|(_, p)| *p == self)
            .map(|(n, _)| *n)
            .unwrap_or("BackupObjects[]")
    }

    /// The operators a path accepts: text ones for names, emptiness for table lists.
    pub fn operators(self) -> &'static [&'static str] {
        match self {
            ObjectPath::DbName | ObjectPath::SchemaName => &[
                "eq", "ne", "in", "not_in", "glob", "regex", "exists", "empty",
            ],
            ObjectPath::TableIncludes | ObjectPath::TableExcludes => &["empty", "exists"],
        }
    }
}

/// A test of one field (or, with `path`, of every entry of `BackupObjects`).
#[derive(Debug, Clone)]
pub struct Test {
    pub field: FieldId,
    pub path: Option<ObjectPath>,
    pub op: Op,
    pub span: Span,
}

impl Test {
    /// The name the test reads, as written in the policy.
    pub fn subject(&self) -> &'static str {
        match self.path {
            Some(p) => p.name(),
            None => self.field.name(),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Test(Test),
}

impl Condition {
    pub fn fields(&self, set: &mut FieldSet) {
        match self {
            Condition::All(c) | Condition::Any(c) => c.iter().for_each(|c| c.fields(set)),
            Condition::Not(c) => c.fields(set),
            Condition::Test(t) => {
                let mut add = |f: FieldId| match f.derived() {
                    Some(d) => d.sources().into_iter().for_each(|s| set.insert(s)),
                    None => set.insert(f),
                };
                add(t.field);
                let literals: Vec<&Literal> = match &t.op {
                    Op::Eq(l) | Op::Ne(l) | Op::Lt(l) | Op::Lte(l) | Op::Gt(l) | Op::Gte(l) => {
                        vec![l]
                    }
                    Op::In(ls) | Op::NotIn(ls) => ls.iter().collect(),
                    _ => Vec::new(),
                };
                for l in literals {
                    if let Literal::Field(f) = l {
                        add(*f);
                    }
                }
            }
        }
    }
}

/// Where a rule is written.
#[derive(Debug, Clone)]
pub struct RuleOrigin {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub title: Option<String>,
    pub severity: Severity,
    pub when: Option<Condition>,
    pub assert: Condition,
    pub message: Option<Template>,
    pub help: Option<String>,
    pub rationale: Option<String>,
    pub on_missing: OnMissing,
    pub controls: Vec<String>,
    /// Name of the policy (or pack) the rule comes from.
    pub policy: String,
    pub origin: RuleOrigin,
}

impl Rule {
    /// Every field the rule reads, in its conditions and its message.
    pub fn fields(&self) -> FieldSet {
        let mut set = FieldSet::default();
        if let Some(w) = &self.when {
            w.fields(&mut set);
        }
        self.assert.fields(&mut set);
        if let Some(m) = &self.message {
            for f in m.fields() {
                match f.derived() {
                    Some(d) => d.sources().into_iter().for_each(|s| set.insert(s)),
                    None => set.insert(f),
                }
            }
        }
        set
    }
}

/// The rules of a run, from one or more policy files and packs.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub policies: Vec<PolicyInfo>,
    pub rules: Vec<Rule>,
    /// The run's parameters with their effective values.
    pub params: super::params::Params,
    /// Every `waivers:` list of the loaded policies and the configuration, unvalidated.
    pub waivers: Vec<(Arc<SourceFile>, super::node::Node)>,
    /// The longest a waiver may run (`max_waiver_days`, the smallest any policy sets), with the
    /// file that sets it.
    pub max_waiver_days: Option<(i64, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyInfo {
    pub name: String,
    /// The file it was read from, or `builtin:<pack>`.
    pub source: String,
    pub rules: usize,
}

impl RuleSet {
    pub fn fields(&self) -> FieldSet {
        let mut set = FieldSet::default();
        for rule in &self.rules {
            rule.fields().iter().for_each(|f| set.insert(f));
        }
        set
    }
}
