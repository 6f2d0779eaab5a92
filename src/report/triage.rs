//! How each finding stands once waivers and a baseline are applied: waived (suppressed),
//! covered only by an expired waiver, new or unchanged. Findings are never removed; the exit
//! code (`cli::exit`) and every format read the classification from here.

use chrono::NaiveDate;

use crate::engine::baseline::{classify, Baseline, BaselineEntry, Change, Classified};
use crate::engine::waivers::{apply, Waiver, WaiverState};
use crate::engine::Evaluation;
use crate::policy::RuleSet;
use crate::source::Dataset;

/// What to classify findings with.
#[derive(Debug, Clone, Default)]
pub struct TriageOptions<'b> {
    pub waivers: Vec<Waiver>,
    /// The day waivers are checked against.
    pub today: Option<NaiveDate>,
    /// `--no-waivers`: report every finding as if no waiver existed (audit mode).
    pub ignore_waivers: bool,
    pub baseline: Option<&'b Baseline>,
}

/// The classification of a run's findings.
#[derive(Debug, Clone, Default)]
pub struct Triage {
    pub waivers: Vec<Waiver>,
    /// One per finding (empty when waivers are ignored or absent).
    pub waiver_states: Vec<Option<WaiverState>>,
    /// One per waiver: findings it covers.
    pub waiver_matches: Vec<usize>,
    pub waivers_ignored: bool,
    pub today: Option<NaiveDate>,
    pub baseline: Option<Classified>,
}

/// One finding's standing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Status<'t> {
    /// The waiver that suppresses the finding.
    pub waived: Option<&'t Waiver>,
    /// An expired waiver that would have covered it: the finding fails again.
    pub expired: Option<&'t Waiver>,
    /// New or unchanged, with a baseline.
    pub change: Option<Change>,
}

impl Status<'_> {
    /// Whether the finding can fail the gate: not waived, and not already in the baseline.
    pub fn gates(&self) -> bool {
        self.waived.is_none() && self.change != Some(Change::Unchanged)
    }
}

impl Triage {
    /// No waivers, no baseline: every finding stands.
    pub fn none() -> Triage {
        Triage::default()
    }

    pub fn new(
        rules: &RuleSet,
        data: &Dataset,
        eval: &Evaluation,
        options: TriageOptions<'_>,
    ) -> Triage {
        let today = options.today;
        let (waiver_states, waiver_matches) = match today {
            Some(today) if !options.ignore_waivers && !options.waivers.is_empty() => {
                let applied = apply(
                    &options.waivers,
                    &eval.findings,
                    &rules.rules,
                    &data.plans,
                    today,
                );
                (applied.states, applied.matches)
            }
            _ => (Vec::new(), Vec::new()),
        };
        let baseline = options.baseline.map(|b| {
            classify(
                b,
                eval.findings
                    .iter()
                    .map(|f| (rules.rules[f.rule].id.as_str(), &*data.plans[f.plan].id)),
            )
        });
        Triage {
            waivers: options.waivers,
            waiver_states,
            waiver_matches,
            waivers_ignored: options.ignore_waivers,
            today,
            baseline,
        }
    }

    pub fn status(&self, finding: usize) -> Status<'_> {
        let state = self.waiver_states.get(finding).copied().flatten();
        Status {
            waived: match state {
                Some(WaiverState::Waived(w)) => Some(&self.waivers[w]),
                _ => None,
            },
            expired: match state {
                Some(WaiverState::Expired(w)) => Some(&self.waivers[w]),
                _ => None,
            },
            change: self
                .baseline
                .as_ref()
                .and_then(|b| b.changes.get(finding).copied()),
        }
    }

    /// Whether a finding can fail the gate (see [`Status::gates`]).
    pub fn gates(&self, finding: usize) -> bool {
        self.status(finding).gates()
    }

    /// Findings of the baseline that are gone.
    pub fn fixed(&self) -> &[BaselineEntry] {
        self.baseline.as_ref().map_or(&[], |b| &b.fixed)
    }

    /// Waivers that were applied and have ended, with the number of findings they covered.
    pub fn expired_waivers(&self) -> impl Iterator<Item = (&Waiver, usize)> {
        let applied = !self.waivers_ignored;
        self.waivers
            .iter()
            .zip(self.waiver_matches.iter().copied())
            .filter(move |(w, _)| applied && self.today.is_some_and(|t| w.is_expired(t)))
    }

    /// Waivers in force that covered no finding.
    pub fn unused_waivers(&self) -> impl Iterator<Item = &Waiver> {
        self.waivers
            .iter()
            .zip(self.waiver_matches.iter().copied())
            .filter(|(w, n)| *n == 0 && !self.today.is_some_and(|t| w.is_expired(t)))
            .map(|(w, _)| w)
    }
}
