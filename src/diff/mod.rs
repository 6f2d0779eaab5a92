//! Drift between two sets of plans (two dumps or two fetches): plans added and removed, the
//! policy-relevant fields that changed per plan, and each rule's outcome before and after.
//!
//! Policy-relevant fields are the fields the loaded rules read ([`RuleSet::fields`]).

pub mod render;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::{check, Outcome};
use crate::model::{Plan, Slot};
use crate::policy::RuleSet;

/// A plan, identified for a reader.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PlanRef {
    pub id: String,
    pub name: Option<String>,
    pub region: Option<String>,
}

impl PlanRef {
    fn of(plan: &Plan) -> PlanRef {
        PlanRef {
            id: plan.id.to_string(),
            name: plan.name.as_deref().map(str::to_string),
            region: plan.region.as_deref().map(str::to_string),
        }
    }

    /// `name (id)`, or the id alone.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.id),
            None => self.id.clone(),
        }
    }
}

/// One field's value before and after; `null` in JSON when the field is absent.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One rule's outcome before and after.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OutcomeChange {
    pub rule: String,
    pub before: Option<Outcome>,
    pub after: Option<Outcome>,
    /// Passing (or not applying) before, failing or indeterminate after.
    pub regression: bool,
}

/// A plan present in both inputs whose relevant fields or outcomes changed.
#[derive(Debug, Clone, Serialize)]
pub struct PlanDrift {
    pub plan: PlanRef,
    pub fields: Vec<FieldChange>,
    /// Rules whose outcome changed.
    pub outcomes: Vec<OutcomeChange>,
}

/// A plan in only one of the inputs, with every rule's outcome there.
#[derive(Debug, Clone, Serialize)]
pub struct PlanOnly {
    pub plan: PlanRef,
    pub outcomes: Vec<OutcomeChange>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DriftSummary {
    pub plans_before: usize,
    pub plans_after: usize,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    /// Rule × plan results that became non-compliant, including new plans that fail.
    pub regressions: usize,
    /// Rule × plan results that became compliant.
    pub improvements: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    pub summary: DriftSummary,
    /// The fields compared: those the rules read.
    pub fields: Vec<&'static str>,
    pub added: Vec<PlanOnly>,
    pub removed: Vec<PlanOnly>,
    pub changed: Vec<PlanDrift>,
}

impl Drift {
    /// Whether a change made a plan non-compliant (the exit-1 condition of `dbs-lint diff`).
    pub fn has_regression(&self) -> bool {
        self.summary.regressions > 0
    }
}

fn shown(slot: &Slot) -> Option<String> {
    match slot {
        Slot::Missing => None,
        other => Some(other.to_string()),
    }
}

fn compliant(o: Outcome) -> bool {
    matches!(o, Outcome::Pass | Outcome::NotApplicable)
}

fn by_id(plans: &[Plan]) -> BTreeMap<&str, &Plan> {
    let mut map = BTreeMap::new();
    for p in plans {
        map.entry(&*p.id).or_insert(p);
    }
    map
}

/// Compares `before` with `after` under `rules`.
pub fn diff(rules: &RuleSet, before: &[Plan], after: &[Plan]) -> Drift {
    let fields = rules.fields();
    let old = by_id(before);
    let new = by_id(after);
    let mut drift = Drift {
        summary: DriftSummary {
            plans_before: old.len(),
            plans_after: new.len(),
            ..DriftSummary::default()
        },
        fields: fields.iter().map(|f| f.name()).collect(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
    };
    let only = |plan: &Plan, added: bool| PlanOnly {
        plan: PlanRef::of(plan),
        outcomes: rules
            .rules
            .iter()
            .map(|r| {
                let o = check(r, plan).0;
                OutcomeChange {
                    rule: r.id.clone(),
                    before: if added { None } else { Some(o) },
                    after: if added { Some(o) } else { None },
                    regression: added && !compliant(o),
                }
            })
            .collect(),
    };
    for (id, plan) in &new {
        match old.get(id) {
            None => drift.added.push(only(plan, true)),
            Some(prev) => {
                let changed_fields: Vec<FieldChange> = fields
                    .iter()
                    .filter(|f| f.derived().is_none())
                    .filter_map(|f| {
                        let (b, a) = (prev.get(f), plan.get(f));
                        (b != a).then(|| FieldChange {
                            field: f.name(),
                            before: shown(b),
                            after: shown(a),
                        })
                    })
                    .collect();
                let outcomes: Vec<OutcomeChange> = rules
                    .rules
                    .iter()
                    .filter_map(|r| {
                        let (b, a) = (check(r, prev).0, check(r, plan).0);
                        (b != a).then(|| OutcomeChange {
                            rule: r.id.clone(),
                            before: Some(b),
                            after: Some(a),
                            regression: compliant(b) && !compliant(a),
                        })
                    })
                    .collect();
                if !changed_fields.is_empty() || !outcomes.is_empty() {
                    drift.summary.improvements += outcomes
                        .iter()
                        .filter(|o| o.before.is_some_and(|b| !compliant(b)))
                        .filter(|o| o.after.is_some_and(compliant))
                        .count();
                    drift.changed.push(PlanDrift {
                        plan: PlanRef::of(plan),
                        fields: changed_fields,
                        outcomes,
                    });
                }
            }
        }
    }
    for (id, plan) in &old {
        if !new.contains_key(id) {
            drift.removed.push(only(plan, false));
        }
    }
    drift.summary.added = drift.added.len();
    drift.summary.removed = drift.removed.len();
    drift.summary.changed = drift.changed.len();
    drift.summary.regressions = drift
        .added
        .iter()
        .flat_map(|p| &p.outcomes)
        .chain(drift.changed.iter().flat_map(|p| &p.outcomes))
        .filter(|o| o.regression)
        .count();
    drift
}
