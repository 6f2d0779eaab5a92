//! Counts over a run, shared by every format.

use std::collections::BTreeMap;

use serde::Serialize;

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
    /// Things the reader must know: partial inputs, unverifiable completeness, an empty run.
    pub notices: Vec<String>,
}

impl Summary {
    pub fn new(rules: &RuleSet, data: &Dataset, eval: &Evaluation) -> Summary {
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
        Summary {
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
