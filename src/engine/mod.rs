//! The engine: every rule on every plan → pass, fail, indeterminate or not applicable.
//! Pure and synchronous: no I/O, no printing.

pub mod baseline;
pub mod eval;
pub mod waivers;

use serde::Serialize;

use crate::model::{FieldId, Plan, Slot};
use crate::policy::{OnMissing, Rule, Severity};
use eval::{explain, truth, Leaf, Truth};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    /// A value the rule needs is missing, null or unparsable.
    Indeterminate,
    NotApplicable,
}

/// A rule that did not pass on a plan.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: usize,
    pub plan: usize,
    pub outcome: Outcome,
    pub severity: Severity,
    pub message: String,
    /// The field whose value decided, if one did.
    pub field: Option<FieldId>,
    pub actual: Option<Slot>,
    pub expected: Option<String>,
    /// Each test that decided, described ("X is 30, expected ≥ 365").
    pub reasons: Vec<String>,
    /// Where the value of `field` is in the plan's file (byte offset, length), or the first
    /// byte of the plan's object when the key is absent; `None` when the finding names no
    /// field.
    pub span: Option<(usize, usize)>,
}

/// How one rule fared over all plans.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct RuleStats {
    pub pass: usize,
    pub fail: usize,
    pub indeterminate: usize,
    pub not_applicable: usize,
}

impl RuleStats {
    /// Plans the rule applied to.
    pub fn applied(&self) -> usize {
        self.pass + self.fail + self.indeterminate
    }
}

#[derive(Debug, Default)]
pub struct Evaluation {
    /// In plan order, then rule order.
    pub findings: Vec<Finding>,
    /// One entry per rule, in rule order.
    pub stats: Vec<RuleStats>,
    pub plans: usize,
}

/// Plans evaluated per task when the work is spread over the cores.
const CHUNK: usize = 512;

/// Evaluates every rule on every plan, on every core; the result is the same, in the same
/// order, as evaluating one plan after another.
pub fn evaluate(rules: &[Rule], plans: &[Plan]) -> Evaluation {
    use rayon::prelude::*;
    let parts: Vec<Evaluation> = plans
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(i, chunk)| evaluate_serial(rules, chunk, i * CHUNK))
        .collect();
    let mut out = Evaluation {
        findings: Vec::new(),
        stats: vec![RuleStats::default(); rules.len()],
        plans: plans.len(),
    };
    for part in parts {
        out.findings.extend(part.findings);
        add_stats(&mut out.stats, &part.stats);
    }
    out
}

/// Which plans a run keeps once they are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Every plan, with its values (reports that list every plan, or re-check them).
    All,
    /// Only plans with findings, and only their identity and origin: memory then grows with
    /// the findings, not with the dump.
    WithFindings,
}

/// Evaluates plans as the loader hands them over (a [`PlanSink`]), keeping what `keep` says.
/// The result is the same as [`evaluate`] over the plans kept.
///
/// [`PlanSink`]: crate::source::PlanSink
pub struct Evaluator<'r> {
    rules: &'r [Rule],
    keep: Keep,
    eval: Evaluation,
    /// Plans kept so far: the index the next kept plan gets.
    kept: usize,
}

impl<'r> Evaluator<'r> {
    pub fn new(rules: &'r [Rule], keep: Keep) -> Evaluator<'r> {
        Evaluator {
            rules,
            keep,
            eval: Evaluation {
                findings: Vec::new(),
                stats: vec![RuleStats::default(); rules.len()],
                plans: 0,
            },
            kept: 0,
        }
    }

    /// The evaluation of every plan handed over.
    pub fn finish(self) -> Evaluation {
        self.eval
    }
}

impl crate::source::PlanSink for Evaluator<'_> {
    fn plans(&mut self, plans: &mut Vec<Plan>) {
        let mut part = evaluate(self.rules, plans);
        add_stats(&mut self.eval.stats, &part.stats);
        self.eval.plans += plans.len();
        match self.keep {
            Keep::All => {
                for f in &mut part.findings {
                    f.plan += self.kept;
                }
                self.kept += plans.len();
            }
            Keep::WithFindings => {
                // Findings come in plan order: number the plans that have some, in order.
                let mut index = vec![usize::MAX; plans.len()];
                let mut next = self.kept;
                for f in &mut part.findings {
                    if index[f.plan] == usize::MAX {
                        index[f.plan] = next;
                        next += 1;
                    }
                    f.plan = index[f.plan];
                }
                let mut i = 0;
                plans.retain(|_| {
                    i += 1;
                    index[i - 1] != usize::MAX
                });
                plans.iter_mut().for_each(Plan::forget_values);
                self.kept = next;
            }
        }
        self.eval.findings.append(&mut part.findings);
    }
}

fn add_stats(total: &mut [RuleStats], part: &[RuleStats]) {
    for (total, s) in total.iter_mut().zip(part) {
        total.pass += s.pass;
        total.fail += s.fail;
        total.indeterminate += s.indeterminate;
        total.not_applicable += s.not_applicable;
    }
}

/// Evaluates `plans`, whose first has index `first` among all plans, one after another.
pub fn evaluate_serial(rules: &[Rule], plans: &[Plan], first: usize) -> Evaluation {
    let mut out = Evaluation {
        findings: Vec::new(),
        stats: vec![RuleStats::default(); rules.len()],
        plans: plans.len(),
    };
    for (p, plan) in plans.iter().enumerate() {
        for (r, rule) in rules.iter().enumerate() {
            let (outcome, finding) = check(rule, plan);
            let stats = &mut out.stats[r];
            match outcome {
                Outcome::Pass => stats.pass += 1,
                Outcome::Fail => stats.fail += 1,
                Outcome::Indeterminate => stats.indeterminate += 1,
                Outcome::NotApplicable => stats.not_applicable += 1,
            }
            if let Some(mut f) = finding {
                f.rule = r;
                f.plan = first + p;
                out.findings.push(f);
            }
        }
    }
    out
}

/// One rule on one plan.
pub fn check(rule: &Rule, plan: &Plan) -> (Outcome, Option<Finding>) {
    if let Some(when) = &rule.when {
        match truth(when, plan) {
            Truth::False => return (Outcome::NotApplicable, None),
            Truth::Unknown => return missing(rule, plan, explain(when, plan), true),
            Truth::True => {}
        }
    }
    match truth(&rule.assert, plan) {
        Truth::True => (Outcome::Pass, None),
        Truth::Unknown => missing(rule, plan, explain(&rule.assert, plan), false),
        Truth::False => {
            let leaves: Vec<Leaf<'_>> = explain(&rule.assert, plan)
                .into_iter()
                .filter(|l| l.truth == if l.negated { Truth::True } else { Truth::False })
                .collect();
            let reasons: Vec<String> = leaves.iter().map(Leaf::describe).collect();
            let message = match &rule.message {
                Some(t) => t.render(plan),
                None => reasons.join("; "),
            };
            let finding = finding(rule, plan, Outcome::Fail, message, leaves.first(), reasons);
            (Outcome::Fail, Some(finding))
        }
    }
}

/// A finding of `rule` on `plan`, pointing at the value of the test that decided it first.
/// `evaluate` fills in the rule and plan indexes.
fn finding(
    rule: &Rule,
    plan: &Plan,
    outcome: Outcome,
    message: String,
    first: Option<&Leaf<'_>>,
    reasons: Vec<String>,
) -> Finding {
    Finding {
        rule: 0,
        plan: 0,
        outcome,
        severity: rule.severity,
        message,
        field: first.map(|l| in_dump(l.test.field)),
        actual: first.map(|l| plan.value(in_dump(l.test.field)).into_owned()),
        expected: first.map(expectation),
        reasons,
        span: first.and_then(|l| {
            let field = in_dump(l.test.field);
            match plan.get(field) {
                Slot::Missing => Some((plan.origin.offset as usize, 1)),
                _ => plan.span(field),
            }
        }),
    }
}

/// The field whose value a finding points at: a derived value points at the field it is
/// computed from last (`FullBackupsPerWeek` at `BackupPeriod`).
fn in_dump(field: FieldId) -> FieldId {
    field
        .derived()
        .and_then(|d| d.sources().last().copied())
        .unwrap_or(field)
}

fn expectation(leaf: &Leaf<'_>) -> String {
    if leaf.negated {
        format!("not {}", leaf.test.op.expectation())
    } else {
        leaf.test.op.expectation()
    }
}

/// A rule that could not be decided because a value is missing, null or unparsable.
fn missing(
    rule: &Rule,
    plan: &Plan,
    leaves: Vec<Leaf<'_>>,
    in_when: bool,
) -> (Outcome, Option<Finding>) {
    match rule.on_missing {
        OnMissing::Pass => return (Outcome::Pass, None),
        OnMissing::Skip => return (Outcome::NotApplicable, None),
        OnMissing::Fail => {}
    }
    let unknown: Vec<&Leaf<'_>> = leaves
        .iter()
        .filter(|l| l.truth == Truth::Unknown)
        .collect();
    let what: Vec<String> = unknown
        .iter()
        .map(|l| match l.actual.as_ref() {
            Slot::Null => format!("{} is null", l.test.subject()),
            Slot::Unparsable(why) => format!("{} cannot be read: {why}", l.test.subject()),
            _ => format!("{} is missing", l.test.subject()),
        })
        .collect();
    let message = if in_when {
        format!("cannot tell whether the rule applies: {}", what.join(", "))
    } else {
        format!("cannot verify: {}", what.join(", "))
    };
    let reasons = unknown.iter().map(|l| l.describe()).collect();
    let finding = finding(
        rule,
        plan,
        Outcome::Indeterminate,
        message,
        unknown.first().copied(),
        reasons,
    );
    (Outcome::Indeterminate, Some(finding))
}
