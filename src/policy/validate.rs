//! From a YAML node tree to validated rules. Every problem is collected with its span; nothing
//! is checked lazily at evaluation time.

use std::collections::HashMap;
use std::sync::Arc;

use globset::GlobBuilder;
use regex::RegexBuilder;

use std::borrow::Cow;

use super::duration::{parse_days, parse_instant};
use super::error::{ErrorSink, Span};
use super::model::{
    Condition, Literal, ObjectPath, OnMissing, Op, Rule, RuleOrigin, Severity, Test,
};
use super::node::{entries, Node, NodeValue};
use super::params::Params;
use super::template::{Template, TemplateError};
use crate::model::catalogue::{suggest, suggest_field};
use crate::model::value::parse_time;
use crate::model::{FieldId, Kind, Weekdays};
use crate::source::SourceFile;

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
    "between",
    "after",
    "before",
];
const MAX_PATTERN_LEN: usize = 1_000;

/// The operators a field of `kind` accepts.
pub fn operators_for(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Integer | Kind::Days => &[
            "eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "exists",
        ],
        Kind::EpochMillis => &[
            "eq", "ne", "lt", "lte", "gt", "gte", "after", "before", "exists",
        ],
        Kind::TimeOfDay => &[
            "eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "between", "exists",
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

/// Validates rules of one file against the catalogue, with the run's parameters.
pub struct Validator<'a> {
    pub sink: ErrorSink<'a>,
    seen: &'a mut SeenIds,
    params: &'a Params,
    /// Parameter values set for the rule being validated (`overrides: {id: {params: …}}`).
    overlay: HashMap<String, Node>,
    now_ms: i64,
}

impl<'a> Validator<'a> {
    pub fn new(
        file: &'a Arc<SourceFile>,
        seen: &'a mut SeenIds,
        params: &'a Params,
        now_ms: i64,
    ) -> Validator<'a> {
        Validator {
            sink: ErrorSink {
                file,
                errors: Vec::new(),
            },
            seen,
            params,
            overlay: HashMap::new(),
            now_ms,
        }
    }

    /// Sets the parameter values of the next rule.
    pub fn with_overlay(&mut self, overlay: HashMap<String, Node>) {
        self.overlay = overlay;
    }

    /// A `$name` reference replaced by the parameter's value, placed at the reference.
    fn resolve<'n>(&mut self, node: &'n Node) -> Option<Cow<'n, Node>> {
        let NodeValue::Str(text) = &node.value else {
            return Some(Cow::Borrowed(node));
        };
        if let Some(escaped) = text.strip_prefix("$$") {
            let mut literal = node.clone();
            literal.value = NodeValue::Str(format!("${escaped}"));
            return Some(Cow::Owned(literal));
        }
        let Some(name) = text.strip_prefix('$') else {
            return Some(Cow::Borrowed(node));
        };
        let value = self
            .overlay
            .get(name)
            .cloned()
            .or_else(|| self.params.get(name).map(|p| p.value.clone()));
        match value {
            Some(mut value) => {
                value.offset = node.offset;
                value.len = node.len;
                Some(Cow::Owned(value))
            }
            None => {
                let names = self.params.names();
                let suggestion = suggest(name, names.iter().copied());
                self.sink
                    .unknown_param(node.into(), name, suggestion, &names);
                None
            }
        }
    }

    pub fn into_errors(self) -> Vec<super::PolicyError> {
        self.sink.errors
    }

    pub fn yaml_error(&mut self, offset: Option<usize>, message: String) {
        self.sink.yaml(offset, message);
    }

    pub fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            NodeValue::Str(s) => Some(s.clone()),
            _ => {
                self.sink
                    .wrong_type(node.into(), what, "a string", node.kind());
                None
            }
        }
    }

    pub fn rule(&mut self, node: &Node, policy: &str) -> Option<Rule> {
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
                other => self
                    .sink
                    .unknown_key(key.into(), other, "a rule", RULE_KEYS),
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

    /// `{$name}` in a message becomes the parameter's value, so messages state the limit in force.
    fn param_placeholders(&mut self, node: &Node, text: &str) -> Option<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{$") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            let reference = Node {
                value: NodeValue::Str(format!("${name}")),
                offset: node.offset,
                len: node.len,
            };
            let value = self.resolve(&reference)?;
            let shown = match &value.value {
                NodeValue::Str(s) => s.clone(),
                other => Node {
                    value: other.clone(),
                    offset: 0,
                    len: 0,
                }
                .display(),
            };
            out.push_str(&shown.replace('{', "{{").replace('}', "}}"));
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Some(out)
    }

    fn template(&mut self, node: &Node) -> Option<Template> {
        let text = self.string(node, "`message`")?;
        let text = self.param_placeholders(node, &text)?;
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
                name => match (FieldId::from_name(name), ObjectPath::parse(name)) {
                    (Some(field), _) => self.matcher(field, None, key, value),
                    (None, Some(path)) => {
                        let objects = FieldId::from_name("BackupObjects").expect("catalogued");
                        self.matcher(objects, Some(path), key, value)
                    }
                    (None, None) => {
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
    fn matcher(
        &mut self,
        field: FieldId,
        path: Option<ObjectPath>,
        key: &Node,
        node: &Node,
    ) -> Option<Condition> {
        let test = |op: Op, span: Span| {
            Condition::Test(Test {
                field,
                path,
                op,
                span,
            })
        };
        let node = self.resolve(node)?;
        let node = node.as_ref();
        let subject = path.map_or(field.name(), ObjectPath::name);
        match &node.value {
            NodeValue::Map(ops) if !is_field_reference(node) => {
                if ops.is_empty() {
                    self.sink
                        .empty_condition(node.into(), &format!("the matcher of {subject}"));
                    return None;
                }
                let mut tests = Vec::new();
                let mut ok = true;
                for (op_key, value) in ops {
                    match self.operator(field, path, op_key, value) {
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
                self.check_allowed(field, path, "in", key_span)?;
                self.literals(field, path, node)
                    .map(|l| test(Op::In(l), key_span))
            }
            NodeValue::Null => {
                self.sink.bad_literal(
                    node.into(),
                    subject,
                    &expected(field.kind()),
                    "null",
                    Some(format!("to require that {subject} is absent or null, write `{subject}: {{ exists: false }}`")),
                );
                None
            }
            _ => {
                let key_span: Span = key.into();
                self.check_allowed(field, path, "eq", key_span)?;
                self.literal(field, path, node)
                    .map(|l| test(Op::Eq(l), key_span))
            }
        }
    }

    fn check_allowed(
        &mut self,
        field: FieldId,
        path: Option<ObjectPath>,
        op: &str,
        span: Span,
    ) -> Option<()> {
        let (allowed, subject, kind) = match path {
            Some(p) => (
                p.operators(),
                p.name(),
                "a part of each backup object".to_string(),
            ),
            None => (
                operators_for(field.kind()),
                field.name(),
                describe(field.kind()),
            ),
        };
        if allowed.contains(&op) {
            Some(())
        } else {
            self.sink
                .operator_mismatch(span, op, subject, &kind, allowed);
            None
        }
    }

    fn operator(
        &mut self,
        field: FieldId,
        path: Option<ObjectPath>,
        key: &Node,
        value: &Node,
    ) -> Option<Op> {
        let Some(op) = key.as_str() else {
            self.sink
                .wrong_type(key.into(), "an operator", "a string", key.kind());
            return None;
        };
        if !OPERATORS.contains(&op) {
            let suggestion = suggest(op, OPERATORS.iter().copied());
            let allowed = path.map_or(operators_for(field.kind()), ObjectPath::operators);
            self.sink
                .unknown_operator(key.into(), op, suggestion, allowed);
            return None;
        }
        self.check_allowed(field, path, op, key.into())?;
        let value = self.resolve(value)?;
        let value = value.as_ref();
        Some(match op {
            "eq" => Op::Eq(self.literal(field, path, value)?),
            "ne" => Op::Ne(self.literal(field, path, value)?),
            "lt" => Op::Lt(self.literal(field, path, value)?),
            "lte" => Op::Lte(self.literal(field, path, value)?),
            "gt" => Op::Gt(self.literal(field, path, value)?),
            "gte" => Op::Gte(self.literal(field, path, value)?),
            "after" => Op::Gt(self.literal(field, path, value)?),
            "before" => Op::Lt(self.literal(field, path, value)?),
            "in" => Op::In(self.literals(field, path, value)?),
            "not_in" => Op::NotIn(self.literals(field, path, value)?),
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
            "between" => self.between(value)?,
            _ => unreachable!("every name in OPERATORS is handled"),
        })
    }

    fn between(&mut self, node: &Node) -> Option<Op> {
        let times: Option<Vec<u16>> = match &node.value {
            NodeValue::Seq(items) if items.len() == 2 => {
                let mut times = Vec::new();
                for item in items {
                    let item = self.resolve(item)?;
                    times.push(item.as_str().and_then(parse_time));
                }
                times.into_iter().collect()
            }
            _ => None,
        };
        match times.as_deref() {
            Some(&[start, end]) if start != end => Some(Op::Between(start, end)),
            _ => {
                self.sink.wrong_type(
                    node.into(),
                    "`between`",
                    "two different times of day, [\"01:00\", \"05:00\"] (a window may cross midnight)",
                    &node.display(),
                );
                None
            }
        }
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

    fn literals(
        &mut self,
        field: FieldId,
        path: Option<ObjectPath>,
        node: &Node,
    ) -> Option<Vec<Literal>> {
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
        let values: Vec<Option<Literal>> = items
            .iter()
            .map(|i| {
                let i = self.resolve(i)?.into_owned();
                self.literal(field, path, &i)
            })
            .collect();
        values.into_iter().collect()
    }

    /// `{ field: Name }`: another field of the plan, of a comparable type.
    fn field_reference(&mut self, field: FieldId, node: &Node) -> Option<Literal> {
        let Some([(key, value)]) = entries(node) else {
            return None;
        };
        debug_assert_eq!(key.as_str(), Some("field"));
        let Some(name) = value.as_str() else {
            self.sink
                .wrong_type(value.into(), "`field`", "a field name", value.kind());
            return None;
        };
        let Some(other) = FieldId::from_name(name) else {
            self.sink
                .unknown_field(value.into(), name, suggest_field(name));
            return None;
        };
        let comparable = |k: Kind| match k {
            Kind::Integer | Kind::Days => 0,
            Kind::EpochMillis => 1,
            Kind::Bool => 2,
            Kind::Enum(_) | Kind::Text => 3,
            Kind::TimeOfDay => 4,
            Kind::Weekdays => 5,
            Kind::BackupObjects => 6,
        };
        if comparable(field.kind()) != comparable(other.kind()) {
            self.sink.bad_literal(
                value.into(),
                field.name(),
                &expected(field.kind()),
                &format!("{name} ({})", describe(other.kind())),
                Some("a field can only be compared with a field of the same kind".into()),
            );
            return None;
        }
        Some(Literal::Field(other))
    }

    /// A value compared with `field`, converted to the field's type.
    fn literal(
        &mut self,
        field: FieldId,
        path: Option<ObjectPath>,
        node: &Node,
    ) -> Option<Literal> {
        if is_field_reference(node) && path.is_none() {
            return self.field_reference(field, node);
        }
        let kind = if path.is_some() {
            Kind::Text
        } else {
            field.kind()
        };
        let name = path.map_or(field.name(), ObjectPath::name);
        let found = node.display();
        let result = match (&node.value, kind) {
            (NodeValue::Int(i), k) if k.is_numeric() => Ok(Literal::Int(*i)),
            (NodeValue::Str(s), k) if k.is_numeric() && s.trim().parse::<i64>().is_ok() => {
                Err(Some(format!("write {} without quotes", s.trim())))
            }
            (NodeValue::Str(s), Kind::Days) => match parse_days(s) {
                Some(days) => Ok(Literal::Int(days)),
                None => Err(Some("write days as a number or a duration: 365, 365d, 52w, 1y".to_string())),
            },
            (NodeValue::Str(s), Kind::EpochMillis) => match parse_instant(s, self.now_ms) {
                Some(ms) => Ok(Literal::Int(ms)),
                None => Err(Some(
                    "write a point in time as now, now+30d, now-1y, a date 2027-03-31 or an RFC 3339 time".to_string(),
                )),
            },
            (NodeValue::Bool(b), Kind::Bool) => Ok(Literal::Bool(*b)),
            (NodeValue::Str(s), Kind::Bool) if s == "true" || s == "false" => Err(Some(format!(
                "write {s} without quotes: string booleans in dumps (\"true\") are read as booleans"
            ))),
            (NodeValue::Str(s), Kind::Enum(values)) => {
                if values.contains(&s.as_str()) {
                    Ok(Literal::Text(s.clone()))
                } else {
                    self.sink.not_an_enum_value(node.into(), s, name, values, suggest(s, values.iter().copied()));
                    return None;
                }
            }
            (NodeValue::Str(s), Kind::Text) => Ok(Literal::Text(s.clone())),
            (NodeValue::Int(i), Kind::Text) => Ok(Literal::Text(i.to_string())),
            (NodeValue::Str(s), Kind::TimeOfDay) => match parse_time(s) {
                Some(m) => Ok(Literal::Time(m)),
                None => Err(Some("write a time of day as \"HH:mm\", for example \"02:30\"".into())),
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

/// `{ field: Name }`, the form of a cross-field comparison.
fn is_field_reference(node: &Node) -> bool {
    matches!(entries(node), Some([(k, _)]) if k.as_str() == Some("field"))
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
