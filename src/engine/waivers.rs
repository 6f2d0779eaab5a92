//! Waivers: governed exceptions. A waiver names rules (ids or globs) and plans (id or name
//! globs), says why and who owns it, and ends on a date. A finding it matches stays in every
//! report, marked suppressed, and no longer fails the gate; after its date it stops waiving.
//!
//! Waivers are written under a top-level `waivers:` key, in a policy file or in a file of their
//! own (`--waivers FILE`), and validated like policies: every problem is reported at once, each
//! pointing at the value.

use std::sync::Arc;

use chrono::NaiveDate;
use globset::{GlobBuilder, GlobMatcher};

use super::Finding;
use crate::model::catalogue::suggest;
use crate::model::Plan;
use crate::policy::error::{ErrorSink, PolicyError};
use crate::policy::node::{self, entries, Node, NodeValue};
use crate::policy::Rule;
use crate::source::SourceFile;

const WAIVER_KEYS: &[&str] = &["rules", "plans", "reason", "owner", "expires"];
const FILE_KEYS: &[&str] = &["waivers"];

/// A rule or plan selector as written: an exact value, or a glob.
#[derive(Debug, Clone)]
pub enum Pattern {
    Exact(String),
    Glob(GlobMatcher),
}

impl Pattern {
    pub fn matches(&self, value: &str) -> bool {
        match self {
            Pattern::Exact(s) => s == value,
            Pattern::Glob(g) => g.is_match(value),
        }
    }
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// One validated waiver.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// Rule ids or globs, as written.
    pub rules: Vec<String>,
    /// Plan id or name globs, as written.
    pub plans: Vec<String>,
    pub reason: String,
    pub owner: Option<String>,
    /// The last day the waiver applies.
    pub expires: NaiveDate,
    /// `path:line` of the waiver, for messages.
    pub source: String,
    rule_patterns: Vec<Pattern>,
    plan_patterns: Vec<Pattern>,
}

impl Waiver {
    /// Whether the waiver has ended on `today` (it still applies on its `expires` day).
    pub fn is_expired(&self, today: NaiveDate) -> bool {
        today > self.expires
    }

    /// Whether the waiver covers this rule on this plan (by plan id or plan name).
    pub fn covers(&self, rule_id: &str, plan: &Plan) -> bool {
        self.rule_patterns.iter().any(|p| p.matches(rule_id))
            && self
                .plan_patterns
                .iter()
                .any(|p| p.matches(&plan.id) || plan.name.as_deref().is_some_and(|n| p.matches(n)))
    }
}

/// How waivers bear on one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiverState {
    /// Waived by this waiver (index into the waivers): suppressed, does not fail the gate.
    Waived(usize),
    /// Only expired waivers cover it (the first one): it fails the gate again.
    Expired(usize),
}

/// Waivers applied to the findings of a run.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// One per finding, in finding order.
    pub states: Vec<Option<WaiverState>>,
    /// One per waiver: how many findings it covers (expired or not).
    pub matches: Vec<usize>,
}

/// Applies waivers to findings on `today`. The first waiver in force that covers a finding
/// waives it; a finding covered only by expired waivers is marked so.
pub fn apply(
    waivers: &[Waiver],
    findings: &[Finding],
    rules: &[Rule],
    plans: &[Plan],
    today: NaiveDate,
) -> Applied {
    let mut matches = vec![0; waivers.len()];
    let states = findings
        .iter()
        .map(|f| {
            let rule = &rules[f.rule].id;
            let plan = &plans[f.plan];
            let mut state = None;
            for (i, w) in waivers.iter().enumerate() {
                if !w.covers(rule, plan) {
                    continue;
                }
                matches[i] += 1;
                state = match state {
                    Some(WaiverState::Waived(_)) => state,
                    _ if !w.is_expired(today) => Some(WaiverState::Waived(i)),
                    None => Some(WaiverState::Expired(i)),
                    expired => expired,
                };
            }
            state
        })
        .collect();
    Applied { states, matches }
}

/// Validates the value of a `waivers:` key (a list of waivers). Problems go to `sink`; the
/// waivers without problems are returned. A rule named exactly (not by a glob) must be one of
/// `known_rule_ids`.
pub fn parse_waivers(
    node: &Node,
    sink: &mut ErrorSink<'_>,
    known_rule_ids: &[&str],
) -> Vec<Waiver> {
    let NodeValue::Seq(items) = &node.value else {
        sink.wrong_type(node.into(), "`waivers`", "a list of waivers", node.kind());
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| parse_one(item, sink, known_rule_ids))
        .collect()
}

fn parse_one(node: &Node, sink: &mut ErrorSink<'_>, known: &[&str]) -> Option<Waiver> {
    let Some(map) = entries(node) else {
        sink.wrong_type(
            node.into(),
            "a waiver",
            "a mapping with `rules`, `plans`, `reason` and `expires`",
            node.kind(),
        );
        return None;
    };
    let before = sink.errors.len();
    let (mut rules, mut plans, mut reason, mut owner, mut expires) = (None, None, None, None, None);
    for (key, value) in map {
        match key.as_str() {
            Some("rules") => rules = patterns(value, "rules", sink, Some(known)),
            Some("plans") => plans = patterns(value, "plans", sink, None),
            Some("reason") => reason = text(value, "reason", sink),
            Some("owner") => owner = text(value, "owner", sink),
            Some("expires") => expires = date(value, sink),
            Some(other) => sink.unknown_key(key.into(), other, "a waiver", WAIVER_KEYS),
            None => sink.wrong_type(key.into(), "a key", "a string", key.kind()),
        }
    }
    let has = |k: &str| map.iter().any(|(key, _)| key.as_str() == Some(k));
    for key in ["rules", "plans", "reason", "expires"] {
        if !has(key) {
            sink.missing_key(node.into(), key, "the waiver");
        }
    }
    if sink.errors.len() > before {
        return None;
    }
    let (rules, rule_patterns) = rules?;
    let (plans, plan_patterns) = plans?;
    let line = sink.file.line_col(node.offset).line;
    Some(Waiver {
        rules,
        plans,
        reason: reason?,
        owner,
        expires: expires?,
        source: format!("{}:{line}", sink.file.name()),
        rule_patterns,
        plan_patterns,
    })
}

fn text(node: &Node, key: &str, sink: &mut ErrorSink<'_>) -> Option<String> {
    match node.as_str() {
        Some(s) if s.trim().is_empty() => {
            sink.empty_waiver_value(node.into(), key);
            None
        }
        Some(s) => Some(s.trim().to_string()),
        None => {
            sink.wrong_type(node.into(), &format!("`{key}`"), "a string", node.kind());
            None
        }
    }
}

fn date(node: &Node, sink: &mut ErrorSink<'_>) -> Option<NaiveDate> {
    let parsed = node.as_str().and_then(|s| {
        let well_formed = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        well_formed
            .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .flatten()
    });
    if parsed.is_none() {
        sink.bad_waiver_date(node.into(), &node.display());
    }
    parsed
}

/// A string or a list of strings, each an exact value or a glob.
fn patterns(
    node: &Node,
    key: &str,
    sink: &mut ErrorSink<'_>,
    known_rules: Option<&[&str]>,
) -> Option<(Vec<String>, Vec<Pattern>)> {
    let items: Vec<&Node> = match &node.value {
        NodeValue::Seq(items) => items.iter().collect(),
        NodeValue::Str(_) => vec![node],
        _ => {
            let expected = "a string or a list of strings";
            sink.wrong_type(node.into(), &format!("`{key}`"), expected, node.kind());
            return None;
        }
    };
    if items.is_empty() {
        sink.empty_waiver_value(node.into(), key);
        return None;
    }
    let mut written = Vec::new();
    let mut compiled = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(s) = item.as_str() else {
            sink.wrong_type(
                item.into(),
                &format!("an entry of `{key}`"),
                "a string",
                item.kind(),
            );
            ok = false;
            continue;
        };
        if s.is_empty() {
            sink.empty_waiver_value(item.into(), key);
            ok = false;
            continue;
        }
        let pattern = if is_glob(s) {
            match GlobBuilder::new(s).literal_separator(false).build() {
                Ok(g) => Pattern::Glob(g.compile_matcher()),
                Err(e) => {
                    sink.bad_pattern(item.into(), "glob", e.kind().to_string());
                    ok = false;
                    continue;
                }
            }
        } else {
            if let Some(known) = known_rules {
                if !known.contains(&s) {
                    sink.unknown_waived_rule(item.into(), s, suggest(s, known.iter().copied()));
                    ok = false;
                    continue;
                }
            }
            Pattern::Exact(s.to_string())
        };
        written.push(s.to_string());
        compiled.push(pattern);
    }
    ok.then_some((written, compiled))
}

/// Reads a waivers file: a YAML document with a single top-level key, `waivers`.
pub fn load_file(
    file: &Arc<SourceFile>,
    known_rule_ids: &[&str],
) -> Result<Vec<Waiver>, Vec<PolicyError>> {
    let mut sink = ErrorSink {
        file,
        errors: Vec::new(),
    };
    let waivers = match node::parse_file(file) {
        Err(e) => {
            sink.yaml(e.offset, e.message);
            Vec::new()
        }
        Ok(root) => match entries(&root) {
            None => {
                let expected = "a mapping with `waivers`";
                sink.wrong_type((&root).into(), "a waivers file", expected, root.kind());
                Vec::new()
            }
            Some(top) => {
                let mut out = Vec::new();
                let mut found = false;
                for (key, value) in top {
                    match key.as_str() {
                        Some("waivers") => {
                            found = true;
                            out = parse_waivers(value, &mut sink, known_rule_ids);
                        }
                        Some(other) => {
                            sink.unknown_key(key.into(), other, "a waivers file", FILE_KEYS)
                        }
                        None => sink.wrong_type(key.into(), "a key", "a string", key.kind()),
                    }
                }
                if !found {
                    sink.missing_key((&root).into(), "waivers", "the waivers file");
                }
                out
            }
        },
    };
    if sink.errors.is_empty() {
        Ok(waivers)
    } else {
        Err(sink.errors)
    }
}
