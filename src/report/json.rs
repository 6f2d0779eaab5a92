//! The JSON report: a stable, documented shape for other tools (see `docs/json-report.md`).

use std::io;

use serde::Serialize;

use super::summary::Summary;
use super::{Location, Report};
use crate::engine::baseline::{BaselineEntry, Change};
use crate::engine::waivers::Waiver;
use crate::engine::Outcome;
use crate::model::{Slot, Value};
use crate::policy::model::PolicyInfo;
use crate::policy::Severity;
use crate::source::InputSummary;

/// Version of the report's shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool,
    summary: &'a Summary,
    policies: &'a [PolicyInfo],
    inputs: &'a [InputSummary],
    rules: Vec<JsonRule<'a>>,
    findings: Vec<JsonFinding<'a>>,
    /// Baseline findings that are gone; only with a baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<Vec<JsonFixed<'a>>>,
}

#[derive(Serialize)]
struct JsonFixed<'a> {
    rule: &'a str,
    plan_id: &'a str,
    plan_name: Option<&'a str>,
    region: Option<&'a str>,
    fingerprint: String,
}

/// A waiver as the JSON report shows it.
#[derive(Serialize)]
pub struct JsonWaiver<'a> {
    kind: &'static str,
    reason: &'a str,
    owner: Option<&'a str>,
    expires: String,
    source: &'a str,
    rules: &'a [String],
    plans: &'a [String],
}

impl<'a> JsonWaiver<'a> {
    pub fn new(w: &'a Waiver) -> JsonWaiver<'a> {
        JsonWaiver {
            kind: "waiver",
            reason: &w.reason,
            owner: w.owner.as_deref(),
            expires: w.expires.to_string(),
            source: &w.source,
            rules: &w.rules,
            plans: &w.plans,
        }
    }
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    id: &'a str,
    title: Option<&'a str>,
    severity: Severity,
    policy: &'a str,
    controls: &'a [String],
    pass: usize,
    fail: usize,
    indeterminate: usize,
    not_applicable: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    outcome: Outcome,
    plan_id: &'a str,
    plan_name: Option<&'a str>,
    region: Option<&'a str>,
    message: &'a str,
    field: Option<&'static str>,
    actual: serde_json::Value,
    expected: Option<&'a str>,
    reasons: &'a [String],
    location: &'a Location,
    /// Stable identity: rule id + plan id + field (see `report::fingerprint`).
    fingerprint: &'a str,
    /// The waiver that suppresses the finding, or null.
    suppressed: Option<JsonWaiver<'a>>,
    /// An expired waiver that covered the finding (it fails again), or null.
    waiver_expired: Option<JsonWaiver<'a>>,
    /// `new` or `unchanged` with a baseline, else null.
    baseline: Option<Change>,
}

/// A value as JSON: numbers, booleans and strings as themselves; absent values as null.
pub fn slot_json(slot: Option<&Slot>) -> serde_json::Value {
    match slot {
        Some(Slot::Present(v)) => match v {
            Value::Int(i) => (*i).into(),
            Value::Bool(b) => (*b).into(),
            other => other.to_string().into(),
        },
        _ => serde_json::Value::Null,
    }
}

pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let rules = report
        .rules
        .rules
        .iter()
        .zip(&report.eval.stats)
        .map(|(r, s)| JsonRule {
            id: &r.id,
            title: r.title.as_deref(),
            severity: r.severity,
            policy: &r.policy,
            controls: &r.controls,
            pass: s.pass,
            fail: s.fail,
            indeterminate: s.indeterminate,
            not_applicable: s.not_applicable,
        })
        .collect();
    let findings = report
        .items()
        .map(|item| {
            let (f, plan, location) = (item.finding, item.plan, item.location);
            JsonFinding {
                rule: &report.rules.rules[f.rule].id,
                severity: f.severity,
                outcome: f.outcome,
                plan_id: &plan.id,
                plan_name: plan.name.as_deref(),
                region: plan.region.as_deref(),
                message: &f.message,
                field: f.field.map(|f| f.name()),
                actual: slot_json(f.actual.as_ref()),
                expected: f.expected.as_deref(),
                reasons: &f.reasons,
                location,
                fingerprint: item.fingerprint,
                suppressed: item.status.waived.map(JsonWaiver::new),
                waiver_expired: item.status.expired.map(JsonWaiver::new),
                baseline: item.status.change,
            }
        })
        .collect();
    let fixed = report.triage.baseline.as_ref().map(|b| {
        b.fixed
            .iter()
            .map(|e: &BaselineEntry| JsonFixed {
                rule: &e.rule,
                plan_id: &e.plan_id,
                plan_name: e.plan_name.as_deref(),
                region: e.region.as_deref(),
                fingerprint: e.fingerprint.clone().unwrap_or_else(|| {
                    super::fingerprint(&e.rule, &e.plan_id, e.field.as_deref()).into()
                }),
            })
            .collect()
    });
    let doc = JsonReport {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: "dbs-lint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: &report.summary,
        policies: &report.rules.policies,
        inputs: &report.data.inputs,
        rules,
        findings,
        fixed,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
