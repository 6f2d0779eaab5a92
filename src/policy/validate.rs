//! From a YAML node tree to validated rules. Every problem is collected with its span; nothing
//! is checked lazily at evaluation time.

use std::collections::HashMap;
use std::sync::Arc;

use globset::GlobBuilder;
use regex::RegexBuilder;

use super::error::{ErrorSink, Span};
use super::model::{
    Condition, Literal, OnMissing, Op, PolicyInfo, Rule, RuleOrigin, RuleSet, Severity, Test,
};
use super::node::{Node, NodeValue};
use super::template::{Template, TemplateError};
use crate::model::catalogue::{suggest, suggest_field};
use crate::model::value::parse_time;
use crate::model::{FieldId, Kind, Weekdays};
use crate::source::SourceFile;

const POLICY_KEYS: &[&str] = &["policy", "description", "rules"];
const RULE_KEYS: &[&str] = &[
    "id",
    "title",
    "severity",
    "when",
    "assert",
    "message",
    "help",
    "rationale",
    "on_missing",
    "controls",
];
pub const OPERATORS: &[&str] = &[
    "eq",
    "ne",
    "lt",
    "lte",
    "gt",
    "gte",
    "in",
    "not_in",
    "glob",
    "regex",
    "exists",
    "empty",
    "includes",
    "count_gte",
    "count_lte",
];
const MAX_PATTERN_LEN: usize = 1_000;

/// The operators a field of `kind` accepts.
pub fn operators_for(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Integer | Kind::Days | Kind::EpochMillis | Kind::TimeOfDay => &[
            "eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "exists",
        ],
        Kind::Bool => &["eq", "ne", "exists"],
        Kind::Enum(_) | Kind::Text => &[
            "eq", "ne", "in", "not_in", "glob", "regex", "exists", "empty",
        ],
        Kind::Weekdays => &["includes", "count_gte", "count_lte", "empty", "exists"],
        Kind::BackupObjects => &["exists", "empty"],
    }
}

/// Rule ids seen so far in a run, with where each was defined.
pub type SeenIds = HashMap<String, (Arc<SourceFile>, Span)>;

pub struct Validator<'a> {
    sink: ErrorSink<'a>,
    seen: &'a mut SeenIds,
}

fn entries(node: &Node) -> Option<&[(Node, Node)]> {
    match &node.value {
        NodeValue::Map(e) => Some(e),
        _ => None,
    }
}

impl<'a> Validator<'a> {
    pub fn new(file: &'a Arc<SourceFile>, seen: &'a mut SeenIds) -> Validator<'a> {
        Validator {
            sink: ErrorSink {
                file,
                errors: Vec::new(),
            },
            seen,
        }
    }

    pub fn into_errors(self) -> Vec<super::PolicyError> {
        self.sink.errors
    }

    pub fn yaml_error(&mut self, offset: Option<usize>, message: String) {
        self.sink.yaml(offset, message);
    }

    /// Validates a whole policy document; rules are appended to `out`.
    pub fn policy(&mut self, root: &Node, default_name: &str, source: &str, out: &mut RuleSet) {
        let Some(top) = entries(root) else {
            self.sink.wrong_type(
                root.into(),
                "a policy",
                "a mapping with `rules`",
                root.kind(),
            );
            return;
        };
        let mut name = default_name.to_string();
        let mut rules_node = None;
        for (key, value) in top {
            match key.as_str() {
                Some("policy") => {
                    if let Some(n) = self.string(value, "`policy`") {
                        name = n;
                    }
                }
                Some("description") => {
                    self.string(value, "`description`");
                }
                Some("rules") => rules_node = Some(value),
                Some(other) => self.sink.unknown_key(
                    key.into(),
                    other,
                    "a policy",
                    POLICY_KEYS,
                    suggest(other, POLICY_KEYS.iter().copied()),
                ),
                None => self
                    .sink
                    .wrong_type(key.into(), "a key", "a string", key.kind()),
            }
        }
        let Some(rules_node) = rules_node else {
            self.sink.missing_key(root.into(), "rules", "the policy");
            return;
        };
        let NodeValue::Seq(rules) = &rules_node.value else {
            self.sink.wrong_type(
                rules_node.into(),
                "`rules`",
                "a list of rules",
                rules_node.kind(),
            );
            return;
        };
        if rules.is_empty() {
            self.sink.no_rules(rules_node.into());
        }
        let before = out.rules.len();
        for rule in rules {
            if let Some(rule) = self.rule(rule, &name) {
                out.rules.push(rule);
            }
        }
        out.policies.push(PolicyInfo {
            name,
            source: source.to_string(),
            rules: out.rules.len() - before,
        });
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            NodeValue::Str(s) => Some(s.clone()),
            _ => {
                self.sink
                    .wrong_type(node.into(), what, "a string", node.kind());
                None
            }
        }
    }

    fn rule(&mut self, node: &Node, policy: &str) -> Option<Rule> {
        let Some(fields) = entries(node) else {
            self.sink.wrong_type(
                node.into(),
                "a rule",
                "a mapping with `id` and `assert`",
                node.kind(),
            );
            return None;
        };
        let errors_before = self.sink.errors.len();
        let mut id = None;
        let mut title = None;
        let mut severity = Severity::Error;
        let mut when = None;
        let mut assert = None;
        let mut message_node = None;
        let mut help = None;
        let mut rationale = None;
        let mut on_missing = OnMissing::Fail;
        let mut controls = Vec::new();
        let mut id_span: Span = node.into();
        for (key, value) in fields {
            let Some(k) = key.as_str() else {
                self.sink
                    .wrong_type(key.into(), "a key", "a string", key.kind());
                continue;
            };
            match k {
                "id" => {
                    id_span = value.into();
                    id = self.string(value, "`id`");
                }
                "title" => title = self.string(value, "`title`"),
                "help" => help = self.string(value, "`help`"),
                "rationale" => rationale = self.string(value, "`rationale`"),
                "message" => message_node = Some(value),
                "severity" => {
                    if let Some(s) = self.string(value, "`severity`") {
                        match Severity::parse(&s) {
                            Some(s) => severity = s,
                            None => {
                                self.sink
                                    .bad_choice(value.into(), "severity", &s, Severity::NAMES)
                            }
                        }
                    }
                }
                "on_missing" => {
                    if let Some(s) = self.string(value, "`on_missing`") {
                        match OnMissing::parse(&s) {
                            Some(m) => on_missing = m,
                            None => self.sink.bad_choice(
                                value.into(),
                                "on_missing",
                                &s,
                                OnMissing::NAMES,
                            ),
                        }
                    }
                }
                "controls" => match &value.value {
                    NodeValue::Seq(items) => {
                        for item in items {
                            if let Some(s) = self.string(item, "a control") {
                                controls.push(s);
                            }
                        }
                    }
                    _ => self.sink.wrong_type(
                        value.into(),
                        "`controls`",
                        "a list of strings",
                        value.kind(),
                    ),
                },
                "when" => when = self.condition(value, "`when`"),
                "assert" => assert = self.condition(value, "`assert`"),
                other => self.sink.unknown_key(
                    key.into(),
                    other,
                    "a rule",
                    RULE_KEYS,
                    suggest(other, RULE_KEYS.iter().copied()),
                ),
            }
        }
        let message = message_node.and_then(|m| self.template(m));
        match &id {
            None if !fields.iter().any(|(k, _)| k.as_str() == Some("id")) => {
                self.sink.missing_key(node.into(), "id", "the rule")
            }
            Some(id) if !is_kebab(id) => self.sink.bad_rule_id(id_span, id),
            Some(id) => {
                if let Some((file, first)) = self.seen.get(id) {
                    let file = Arc::clone(file);
                    self.sink.duplicate_rule(id_span, id, Some((&file, *first)));
                } else {
                    self.seen
                        .insert(id.clone(), (Arc::clone(self.sink.file), id_span));
                }
            }
            None => {}
        }
        if !fields.iter().any(|(k, _)| k.as_str() == Some("assert")) {
            self.sink.missing_key(node.into(), "assert", "the rule");
        }
        if self.sink.errors.len() > errors_before {
            return None;
        }
        Some(Rule {
            id: id?,
            title,
            severity,
            when,
            assert: assert?,
            message,
            help,
            rationale,
            on_missing,
            controls,
            policy: policy.to_string(),
            origin: RuleOrigin {
                file: Arc::clone(self.sink.file),
                span: id_span,
            },
        })
    }

    fn template(&mut self, node: &Node) -> Option<Template> {
        let text = self.string(node, "`message`")?;
        match Template::parse(&text) {
            Ok(t) => Some(t),
            Err(errors) => {
                // Point inside the scalar when it is written on one line (plain or quoted).
                let source = self.sink.file.text();
                let quoted = matches!(source.as_bytes().get(node.offset), Some(b'"' | b'\''));
                let inline = !matches!(source.as_bytes().get(node.offset), Some(b'|' | b'>'));
                let at = |offset: usize, len: usize| -> Span {
                    if inline {
                        Span {
                            offset: node.offset + usize::from(quoted) + offset,
                            len,
                        }
                    } else {
                        node.into()
                    }
                };
                for e in errors {
                    match e {
                        TemplateError::UnknownField { name, offset } => {
                            let len = name.len() + 2;
                            self.sink.unknown_placeholder(
                                at(offset, len),
                                &name,
                                suggest_field(&name),
                            )
                        }
                        TemplateError::Unclosed { offset } => {
                            self.sink.bad_template(at(offset, 1), "unclosed `{`")
                        }
                        TemplateError::StrayBrace { offset } => {
                            self.sink.bad_template(at(offset, 1), "unmatched `}`")
                        }
                    }
                }
                None
            }
        }
    }

    fn condition(&mut self, node: &Node, what: &str) -> Option<Condition> {
        let Some(items) = entries(node) else {
            self.sink.wrong_type(
                node.into(),
                what,
                "a mapping of fields to matchers (or all/any/not)",
                node.kind(),
            );
            return None;
        };
        if items.is_empty() {
            self.sink.empty_condition(node.into(), what);
            return None;
        }
        let mut parts = Vec::new();
        let mut ok = true;
        for (key, value) in items {
            let Some(k) = key.as_str() else {
                self.sink.wrong_type(
                    key.into(),
                    "a condition key",
                    "a field name or all/any/not",
                    key.kind(),
                );
                ok = false;
                continue;
            };
            let part = match k {
                "all" | "any" => self.combination(k, value),
                "not" => self
                    .condition(value, "`not`")
                    .map(|c| Condition::Not(Box::new(c))),
                name => match FieldId::from_name(name) {
                    Some(field) => self.matcher(field, key, value),
                    None => {
                        self.sink
                            .unknown_field(key.into(), name, suggest_field(name));
                        None
                    }
                },
            };
            match part {
                Some(p) => parts.push(p),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        Some(if parts.len() == 1 {
            parts.pop().expect("one")
        } else {
            Condition::All(parts)
        })
    }

    fn combination(&mut self, which: &str, node: &Node) -> Option<Condition> {
        let what = format!("`{which}`");
        let NodeValue::Seq(items) = &node.value else {
            self.sink
                .wrong_type(node.into(), &what, "a list of conditions", node.kind());
            return None;
        };
        if items.is_empty() {
            self.sink.empty_condition(node.into(), &what);
            return None;
        }
        let parts: Vec<Option<Condition>> =
            items.iter().map(|i| self.condition(i, &what)).collect();
        let parts: Option<Vec<Condition>> = parts.into_iter().collect();
        let parts = parts?;
        Some(if which == "all" {
            Condition::All(parts)
        } else {
            Condition::Any(parts)
        })
    }

    /// The matcher of one field: a scalar (eq), a list (in) or a map of operators.
    fn matcher(&mut self, field: FieldId, key: &Node, node: &Node) -> Option<Condition> {
        let test = |op: Op, span: Span| Condition::Test(Test { field, op, span });
        match &node.value {
            NodeValue::Map(ops) => {
                if ops.is_empty() {
                    self.sink
                        .empty_condition(node.into(), &format!("the matcher of {field}"));
                    return None;
                }
                let mut tests = Vec::new();
                let mut ok = true;
                for (op_key, value) in ops {
                    match self.operator(field, op_key, value) {
                        Some(op) => tests.push(test(op, op_key.into())),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Some(if tests.len() == 1 {
                    tests.pop().expect("one")
                } else {
                    Condition::All(tests)
                })
            }
            NodeValue::Seq(_) => {
                let key_span: Span = key.into();
                self.check_allowed(field, "in", key_span)?;
                self.literals(field, node)
                    .map(|l| test(Op::In(l), key_span))
            }
            NodeValue::Null => {
                self.sink.bad_literal(
                    node.into(),
                    field.name(),
                    &expected(field.kind()),
                    "null",
                    Some(format!("to require that {field} is absent or null, write `{field}: {{ exists: false }}`")),
                );
                None
            }
            _ => {
                let key_span: Span = key.into();
                self.check_allowed(field, "eq", key_span)?;
                self.literal(field, node).map(|l| test(Op::Eq(l), key_span))
            }
        }
    }

    fn check_allowed(&mut self, field: FieldId, op: &str, span: Span) -> Option<()> {
        let allowed = operators_for(field.kind());
        if allowed.contains(&op) {
            Some(())
        } else {
            self.sink
                .operator_mismatch(span, op, field.name(), &describe(field.kind()), allowed);
            None
        }
    }

    fn operator(&mut self, field: FieldId, key: &Node, value: &Node) -> Option<Op> {
        let Some(op) = key.as_str() else {
            self.sink
                .wrong_type(key.into(), "an operator", "a string", key.kind());
            return None;
        };
        if !OPERATORS.contains(&op) {
            let suggestion = suggest(op, OPERATORS.iter().copied());
            self.sink
                .unknown_operator(key.into(), op, suggestion, operators_for(field.kind()));
            return None;
        }
        self.check_allowed(field, op, key.into())?;
        Some(match op {
            "eq" => Op::Eq(self.literal(field, value)?),
            "ne" => Op::Ne(self.literal(field, value)?),
            "lt" => Op::Lt(self.literal(field, value)?),
            "lte" => Op::Lte(self.literal(field, value)?),
            "gt" => Op::Gt(self.literal(field, value)?),
            "gte" => Op::Gte(self.literal(field, value)?),
            "in" => Op::In(self.literals(field, value)?),
            "not_in" => Op::NotIn(self.literals(field, value)?),
            "exists" => Op::Exists(self.boolean(value, "`exists`")?),
            "empty" => Op::Empty(self.boolean(value, "`empty`")?),
            "glob" => {
                let pattern = self.pattern(value, "glob")?;
                match GlobBuilder::new(&pattern).build() {
                    Ok(g) => Op::Glob(pattern, g.compile_matcher()),
                    Err(e) => {
                        self.sink
                            .bad_pattern(value.into(), "glob", e.kind().to_string());
                        return None;
                    }
                }
            }
            "regex" => {
                let pattern = self.pattern(value, "regex")?;
                match RegexBuilder::new(&pattern).size_limit(1 << 20).build() {
                    Ok(r) => Op::Regex(r),
                    Err(e) => {
                        self.sink.bad_pattern(value.into(), "regex", e.to_string());
                        return None;
                    }
                }
            }
            "includes" => Op::Includes(self.weekdays(value)?),
            "count_gte" => Op::CountGte(self.day_count(value)?),
            "count_lte" => Op::CountLte(self.day_count(value)?),
            _ => unreachable!("every name in OPERATORS is handled"),
        })
    }

    fn pattern(&mut self, node: &Node, kind: &str) -> Option<String> {
        let pattern = self.string(node, &format!("a {kind}"))?;
        if pattern.len() > MAX_PATTERN_LEN {
            self.sink.bad_pattern(
                node.into(),
                kind,
                format!(
                    "it is {} bytes long; the limit is {MAX_PATTERN_LEN}",
                    pattern.len()
                ),
            );
            return None;
        }
        Some(pattern)
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.value {
            NodeValue::Bool(b) => Some(b),
            _ => {
                self.sink
                    .wrong_type(node.into(), what, "true or false", &node.display());
                None
            }
        }
    }

    fn weekdays(&mut self, node: &Node) -> Option<Weekdays> {
        let mut set = Weekdays::default();
        let items: Vec<&Node> = match &node.value {
            NodeValue::Seq(items) => items.iter().collect(),
            _ => vec![node],
        };
        for item in items {
            let parsed = item.as_str().map(Weekdays::parse_list);
            match parsed {
                Some(Ok(days)) if !days.is_empty() => set.0 |= days.0,
                _ => {
                    let found = item.display();
                    self.sink.bad_literal(
                        item.into(),
                        "BackupPeriod",
                        "weekday names (Monday … Sunday)",
                        &found,
                        None,
                    );
                    return None;
                }
            }
        }
        Some(set)
    }

    fn day_count(&mut self, node: &Node) -> Option<u32> {
        match node.value {
            NodeValue::Int(n) if (0..=7).contains(&n) => Some(n as u32),
            _ => {
                self.sink.wrong_type(
                    node.into(),
                    "a number of days",
                    "a whole number from 0 to 7",
                    &node.display(),
                );
                None
            }
        }
    }

    fn literals(&mut self, field: FieldId, node: &Node) -> Option<Vec<Literal>> {
        let NodeValue::Seq(items) = &node.value else {
            self.sink.wrong_type(
                node.into(),
                "a list matcher",
                "a list of values",
                node.kind(),
            );
            return None;
        };
        if items.is_empty() {
            self.sink.empty_condition(node.into(), "the list of values");
            return None;
        }
        let values: Vec<Option<Literal>> = items.iter().map(|i| self.literal(field, i)).collect();
        values.into_iter().collect()
    }

    /// A value compared with `field`, converted to the field's type.
    fn literal(&mut self, field: FieldId, node: &Node) -> Option<Literal> {
        let kind = field.kind();
        let name = field.name();
        let found = node.display();
        let result = match (&node.value, kind) {
            (NodeValue::Int(i), k) if k.is_numeric() => Ok(Literal::Int(*i)),
            (NodeValue::Str(s), k) if k.is_numeric() && s.trim().parse::<i64>().is_ok() => {
                Err(Some(format!("write {} without quotes", s.trim())))
            }
            (NodeValue::Bool(b), Kind::Bool) => Ok(Literal::Bool(*b)),
            (NodeValue::Str(s), Kind::Bool) if s == "true" || s == "false" => Err(Some(format!(
                "write {s} without quotes: string booleans in dumps (\"true\") are read as booleans"
            ))),
            (NodeValue::Str(s), Kind::Enum(values)) => {
                if values.contains(&s.as_str()) {
                    Ok(Literal::Text(s.clone()))
                } else {
                    self.sink.not_an_enum_value(
                        node.into(),
                        s,
                        name,
                        values,
                        suggest(s, values.iter().copied()),
                    );
                    return None;
                }
            }
            (NodeValue::Str(s), Kind::Text) => Ok(Literal::Text(s.clone())),
            (NodeValue::Int(i), Kind::Text) => Ok(Literal::Text(i.to_string())),
            (NodeValue::Str(s), Kind::TimeOfDay) => match parse_time(s) {
                Some(m) => Ok(Literal::Time(m)),
                None => Err(Some(
                    "write a time of day as \"HH:mm\", for example \"02:30\"".into(),
                )),
            },
            _ => Err(None),
        };
        match result {
            Ok(l) => Some(l),
            Err(help) => {
                self.sink
                    .bad_literal(node.into(), name, &expected(kind), &found, help);
                None
            }
        }
    }
}

fn expected(kind: Kind) -> String {
    match kind {
        Kind::Integer => "whole numbers".into(),
        Kind::Days => "whole numbers of days".into(),
        Kind::EpochMillis => "milliseconds since the epoch".into(),
        Kind::Bool => "booleans".into(),
        Kind::Enum(_) => "strings from a fixed set".into(),
        Kind::Text => "strings".into(),
        Kind::TimeOfDay => "times of day (\"HH:mm\")".into(),
        Kind::Weekdays => "weekday sets".into(),
        Kind::BackupObjects => "lists of backup objects".into(),
    }
}

fn describe(kind: Kind) -> String {
    match kind {
        Kind::Enum(_) => "an enum".into(),
        Kind::Integer => "an integer".into(),
        Kind::Days => "a number of days".into(),
        Kind::EpochMillis => "a timestamp".into(),
        Kind::Bool => "a boolean".into(),
        Kind::Text => "a string".into(),
        Kind::TimeOfDay => "a time of day".into(),
        Kind::Weekdays => "a weekday set".into(),
        Kind::BackupObjects => "a list of backup objects".into(),
    }
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}
