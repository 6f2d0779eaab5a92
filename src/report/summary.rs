//! Counts over a run, shared by every format.

use std::collections::BTreeMap;

use serde::Serialize;

use super::triage::Triage;
use crate::engine::baseline::Change;
use crate::engine::Evaluation;
use crate::policy::{RuleSet, Severity};
use crate::source::{Completeness, Dataset};

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct BySeverity {
    pub error: usize,
    pub warning: usize,
    pub note: usize,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ByOutcome {
    pub pass: usize,
    pub fail: usize,
    pub indeterminate: usize,
    pub not_applicable: usize,
}

/// Results of the rules tagged with one control.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ControlSummary {
    pub rules: usize,
    pub pass: usize,
    pub fail: usize,
    pub indeterminate: usize,
}

/// Findings relative to a baseline.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct BaselineCounts {
    pub new: usize,
    pub unchanged: usize,
    pub fixed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub plans: usize,
    pub rules: usize,
    pub findings: usize,
    pub by_severity: BySeverity,
    /// Rule × plan results.
    pub outcomes: ByOutcome,
    pub by_control: BTreeMap<String, ControlSummary>,
    /// Rules that applied to no plan: a selector that matched nothing, or no plans at all.
    pub rules_without_plans: Vec<String>,
    /// Things the reader must know: partial inputs, unverifiable completeness, an empty run,
    /// expired waivers, waivers ignored with `--no-waivers`.
    pub notices: Vec<String>,
    /// Findings waived: reported, but they do not fail the gate.
    pub suppressed: usize,
    /// Findings that can fail the gate: neither waived nor already in the baseline.
    pub active: usize,
    /// New, unchanged and fixed findings; null without `--baseline`.
    pub baseline: Option<BaselineCounts>,
    /// Waivers in force that matched no finding (warnings).
    pub unused_waivers: Vec<String>,
}

impl Summary {
    pub fn new(rules: &RuleSet, data: &Dataset, eval: &Evaluation, triage: &Triage) -> Summary {
        let mut by_severity = BySeverity::default();
        for f in &eval.findings {
            match f.severity {
                Severity::Error => by_severity.error += 1,
                Severity::Warning => by_severity.warning += 1,
                Severity::Note => by_severity.note += 1,
            }
        }
        let mut outcomes = ByOutcome::default();
        let mut by_control: BTreeMap<String, ControlSummary> = BTreeMap::new();
        for (rule, stats) in rules.rules.iter().zip(&eval.stats) {
            outcomes.pass += stats.pass;
            outcomes.fail += stats.fail;
            outcomes.indeterminate += stats.indeterminate;
            outcomes.not_applicable += stats.not_applicable;
            for control in &rule.controls {
                let c = by_control.entry(control.clone()).or_default();
                c.rules += 1;
                c.pass += stats.pass;
                c.fail += stats.fail;
                c.indeterminate += stats.indeterminate;
            }
        }
        let rules_without_plans = rules
            .rules
            .iter()
            .zip(&eval.stats)
            .filter(|(_, s)| s.applied() == 0)
            .map(|(r, _)| r.id.clone())
            .collect();
        let mut notices = Vec::new();
        if eval.plans == 0 {
            notices.push("no plan was evaluated: the inputs hold no backup plans".to_string());
        }
        for input in &data.inputs {
            match input.completeness {
                Completeness::Partial { holds, total } => notices.push(format!(
                    "{} is incomplete: holds {holds} of {total} plans (checked with --allow-partial)",
                    input.path
                )),
                Completeness::Unverified => notices.push(format!(
                    "{}: completeness cannot be verified ({} without TotalElements)",
                    input.path,
                    input.shape.describe()
                )),
                Completeness::Complete => {}
            }
        }
        if triage.waivers_ignored && !triage.waivers.is_empty() {
            notices.push(format!(
                "--no-waivers: {} waiver(s) ignored, every finding is shown as it stands",
                triage.waivers.len()
            ));
        }
        for (w, covered) in triage.expired_waivers() {
            notices.push(format!(
                "waiver at {} ({}) expired on {}: {covered} finding(s) it covered fail the gate again",
                w.source, w.reason, w.expires
            ));
        }
        let unused_waivers = triage
            .unused_waivers()
            .map(|w| {
                format!(
                    "waiver at {} ({}) matched no finding: remove it or correct its `rules` and `plans`",
                    w.source, w.reason
                )
            })
            .collect();
        let (mut suppressed, mut active) = (0, 0);
        for i in 0..eval.findings.len() {
            let status = triage.status(i);
            suppressed += usize::from(status.waived.is_some());
            active += usize::from(status.gates());
        }
        let baseline = triage.baseline.as_ref().map(|b| BaselineCounts {
            new: b.changes.iter().filter(|c| **c == Change::New).count(),
            unchanged: b
                .changes
                .iter()
                .filter(|c| **c == Change::Unchanged)
                .count(),
            fixed: b.fixed.len(),
        });
        Summary {
            suppressed,
            active,
            baseline,
            unused_waivers,
            plans: eval.plans,
            rules: rules.rules.len(),
            findings: eval.findings.len(),
            by_severity,
            outcomes,
            by_control,
            rules_without_plans,
            notices,
        }
    }
}
