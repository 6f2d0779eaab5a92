//! Baselines: a previous JSON report, against which the findings of a run are classified as
//! new or unchanged (and the baseline's findings that are gone as fixed). A finding is
//! identified by its rule id and plan id, never by a line number, so reordering or reformatting
//! a dump changes nothing. Only new findings fail the gate.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// A finding recorded in a baseline.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct BaselineEntry {
    pub rule: String,
    pub plan_id: String,
    #[serde(default)]
    pub plan_name: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// The findings of a previous run.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub entries: Vec<BaselineEntry>,
}

/// Why a baseline could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaselineError {
    #[error("the baseline is not JSON: {0}")]
    NotJson(String),
    #[error("the baseline is not a dbs-lint JSON report (`-f json` or --write-baseline): {0}")]
    NotAReport(String),
    #[error("the baseline is a version {0} report; this dbs-lint reads version 1")]
    Version(u64),
}

#[derive(Deserialize)]
struct ReportShape {
    version: u64,
    findings: Vec<FindingShape>,
}

#[derive(Deserialize)]
struct FindingShape {
    #[serde(flatten)]
    entry: BaselineEntry,
    /// Findings waived when the baseline was written are not part of it: when their waiver
    /// ends, they are new.
    #[serde(default)]
    suppressed: Option<serde_json::Value>,
}

impl Baseline {
    /// Reads a JSON report written by `-f json` or `--write-baseline`.
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| BaselineError::NotJson(e.to_string()))?;
        if let Some(v) = value.get("version").and_then(|v| v.as_u64()) {
            if v != 1 {
                return Err(BaselineError::Version(v));
            }
        }
        let shape: ReportShape =
            serde_json::from_value(value).map_err(|e| BaselineError::NotAReport(e.to_string()))?;
        debug_assert_eq!(shape.version, 1);
        let entries = shape
            .findings
            .into_iter()
            .filter(|f| f.suppressed.as_ref().is_none_or(|s| s.is_null()))
            .map(|f| f.entry)
            .collect();
        Ok(Baseline { entries })
    }
}

/// A finding relative to the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Not in the baseline: fails the gate.
    New,
    /// In the baseline (same rule, same plan id): reported, does not fail the gate.
    Unchanged,
}

/// The findings of a run classified against a baseline.
#[derive(Debug, Clone, Default)]
pub struct Classified {
    /// One per finding, in finding order.
    pub changes: Vec<Change>,
    /// Baseline findings no longer found, in baseline order.
    pub fixed: Vec<BaselineEntry>,
}

/// Classifies findings, given as (rule id, plan id) in finding order.
pub fn classify<'a>(
    baseline: &Baseline,
    findings: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Classified {
    let known: HashSet<(&str, &str)> = baseline
        .entries
        .iter()
        .map(|e| (e.rule.as_str(), e.plan_id.as_str()))
        .collect();
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    let changes = findings
        .into_iter()
        .map(|key| {
            if known.contains(&key) {
                seen.insert(key);
                Change::Unchanged
            } else {
                Change::New
            }
        })
        .collect();
    let mut listed: HashSet<(&str, &str)> = HashSet::new();
    let fixed = baseline
        .entries
        .iter()
        .filter(|e| {
            let key = (e.rule.as_str(), e.plan_id.as_str());
            !seen.contains(&key) && listed.insert(key)
        })
        .cloned()
        .collect();
    Classified { changes, fixed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_on_rule_and_plan_not_lines() {
        let text = r#"{"version":1,"findings":[
            {"rule":"a","plan_id":"p1","location":{"line":3}},
            {"rule":"b","plan_id":"p1","suppressed":{"reason":"x"}},
            {"rule":"a","plan_id":"p2"}]}"#;
        let baseline = Baseline::parse(text).unwrap();
        assert_eq!(baseline.entries.len(), 2);
        let c = classify(&baseline, [("a", "p1"), ("b", "p1")]);
        assert_eq!(c.changes, vec![Change::Unchanged, Change::New]);
        assert_eq!(c.fixed.len(), 1);
        assert_eq!(c.fixed[0].plan_id, "p2");
    }

    #[test]
    fn refuses_what_is_not_a_report() {
        assert!(matches!(
            Baseline::parse("[]"),
            Err(BaselineError::NotAReport(_))
        ));
        assert!(matches!(
            Baseline::parse("{"),
            Err(BaselineError::NotJson(_))
        ));
        assert_eq!(
            Baseline::parse(r#"{"version":2,"findings":[]}"#).unwrap_err(),
            BaselineError::Version(2)
        );
    }
}
