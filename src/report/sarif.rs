//! SARIF 2.1.0, for GitHub code scanning and other SARIF consumers, built from typed structs
//! (`serde-sarif`).
//!
//! One run; every rule in `tool.driver.rules`; each result with exactly one physical location
//! (a path relative to the working directory, 1-based line and column counted in Unicode code
//! points, exclusive end column), a logical location naming region and plan, a stable
//! `primaryLocationLineHash`, waivers as `suppressions` and the baseline as `baselineState`.

use std::collections::BTreeMap;
use std::io;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, Run, RunAutomationDetails, Sarif, Suppression,
    Tool, ToolComponent,
};

use super::json::slot_json;
use super::{Item, Report};
use crate::engine::baseline::Change;
use crate::engine::Outcome;
use crate::policy::{Rule, Severity};

/// Results GitHub accepts in one run; past this the upload fails, so the log is capped.
pub const MAX_RESULTS: usize = 25_000;
/// Tags GitHub accepts per rule.
const MAX_TAGS: usize = 20;
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Characters escaped in URIs: controls, space and the delimiters RFC 3986 reserves outside
/// paths. Non-ASCII characters are always percent-encoded.
const URI: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    render_capped(report, MAX_RESULTS, out)
}

/// Renders at most `max_results` results (the worst first when some must go).
pub fn render_capped(
    report: &Report<'_>,
    max_results: usize,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let log = build(report, max_results);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// `full-backup-retention` → `FullBackupRetention`.
fn pascal(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

fn rule_descriptor(rule: &Rule) -> ReportingDescriptor {
    let title = rule.title.clone().unwrap_or_else(|| rule.id.clone());
    let help = rule
        .help
        .clone()
        .unwrap_or_else(|| format!("Change the plan so that it meets: {title}."));
    let full = rule.rationale.clone().unwrap_or_else(|| title.clone());
    let mut markdown = format!("**{title}**\n\n{help}");
    if let Some(r) = &rule.rationale {
        markdown.push_str(&format!("\n\n*Why:* {r}"));
    }
    if !rule.controls.is_empty() {
        let controls: Vec<String> = rule.controls.iter().map(|c| format!("`{c}`")).collect();
        markdown.push_str(&format!("\n\n*Controls:* {}", controls.join(", ")));
    }
    markdown.push_str(&format!("\n\nPolicy: `{}`.", rule.policy));
    let mut tags = vec!["compliance".to_string(), "backup".to_string()];
    tags.extend(rule.controls.iter().cloned());
    tags.truncate(MAX_TAGS);
    let mut props = BTreeMap::new();
    props.insert("policy".to_string(), json!(rule.policy));
    ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(pascal(&rule.id))
        .short_description(text(title))
        .full_description(text(full))
        .help(
            MultiformatMessageString::builder()
                .text(help)
                .markdown(markdown)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level(rule.severity)))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(props)
                .build(),
        )
        .build()
}

/// The result's message: the finding first (its first sentence is the alert title), then the
/// plan it is about.
fn message(item: &Item<'_>) -> String {
    let plan = item.plan;
    let mut who = format!("Plan {}", plan.id);
    if let Some(name) = plan.name.as_deref() {
        who.push_str(&format!(" \"{name}\""));
    }
    if let Some(region) = plan.region.as_deref() {
        who.push_str(&format!(" in {region}"));
    }
    let mut text = format!("{}. {who}.", item.finding.message.trim_end_matches('.'));
    if let Some(w) = item.status.expired {
        text.push_str(&format!(
            " Its waiver ({}, {}) expired on {}.",
            w.reason, w.source, w.expires
        ));
    }
    text
}

fn result(report: &Report<'_>, rule_index: usize, item: &Item<'_>) -> SarifResult {
    let at = report.ci_location(item);
    let plan = item.plan;
    let region = Region::builder()
        .start_line(at.line as i64)
        .start_column(at.column as i64)
        .end_line(at.end_line as i64)
        .end_column(at.end_column as i64)
        .build();
    let physical = PhysicalLocation::builder()
        .artifact_location(
            ArtifactLocation::builder()
                .uri(utf8_percent_encode(&at.path, URI).to_string())
                .build(),
        )
        .region(region)
        .build();
    let region_name = plan.region.as_deref().unwrap_or("unknown-region");
    let logical = LogicalLocation::builder()
        .name(plan.id.to_string())
        .fully_qualified_name(format!("{region_name}/{}", plan.id))
        .kind("resource")
        .build();
    let location = Location::builder()
        .physical_location(physical)
        .logical_locations(vec![logical])
        .build();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(
        "primaryLocationLineHash".to_string(),
        item.fingerprint.to_string(),
    );
    let f = item.finding;
    let mut props = BTreeMap::new();
    props.insert("planId".into(), json!(plan.id.as_ref()));
    props.insert("planName".into(), json!(plan.name.as_deref()));
    props.insert("region".into(), json!(plan.region.as_deref()));
    props.insert(
        "outcome".into(),
        json!(match f.outcome {
            Outcome::Indeterminate => "indeterminate",
            _ => "fail",
        }),
    );
    props.insert("field".into(), json!(f.field.map(|f| f.name())));
    props.insert("actual".into(), slot_json(f.actual.as_ref()));
    props.insert("expected".into(), json!(f.expected));
    if let Some(w) = item.status.expired {
        props.insert(
            "waiverExpired".into(),
            json!({ "reason": w.reason, "expires": w.expires.to_string(), "source": w.source }),
        );
    }
    let builder = SarifResult::builder()
        .rule_id(item.rule.id.clone())
        .rule_index(rule_index as i64)
        .level(match f.severity {
            Severity::Error => serde_sarif::sarif::ResultLevel::Error,
            Severity::Warning => serde_sarif::sarif::ResultLevel::Warning,
            Severity::Note => serde_sarif::sarif::ResultLevel::Note,
        })
        .message(Message::builder().text(message(item)).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(PropertyBag::builder().additional_properties(props).build());
    let mut result = builder.build();
    if let Some(w) = item.status.waived {
        let mut wp = BTreeMap::new();
        wp.insert("expires".to_string(), json!(w.expires.to_string()));
        wp.insert("owner".to_string(), json!(w.owner));
        wp.insert("source".to_string(), json!(w.source));
        result.suppressions = Some(vec![Suppression::builder()
            .kind(json!("external"))
            .status(json!("accepted"))
            .justification(w.reason.clone())
            .properties(PropertyBag::builder().additional_properties(wp).build())
            .build()]);
    }
    result.baseline_state = item.status.change.map(|c| match c {
        Change::New => json!("new"),
        Change::Unchanged => json!("unchanged"),
    });
    result
}

fn notification(level: &str, text: String) -> Notification {
    Notification::builder()
        .level(json!(level))
        .message(Message::builder().text(text).build())
        .build()
}

/// The SARIF log of a report.
pub fn build(report: &Report<'_>, max_results: usize) -> Sarif {
    let rules: Vec<ReportingDescriptor> = report.rules.rules.iter().map(rule_descriptor).collect();
    let total = report.eval.findings.len();
    let mut chosen: Vec<usize> = (0..total).collect();
    if total > max_results {
        // Keep what matters most: findings that fail the gate, the most severe first.
        let worst: Vec<usize> = report
            .worst_first()
            .iter()
            .take(max_results)
            .map(|i| i.index)
            .collect();
        chosen = worst;
        chosen.sort_unstable();
    }
    let results: Vec<SarifResult> = chosen
        .iter()
        .map(|&i| {
            let item = report.item(i);
            result(report, report.eval.findings[i].rule, &item)
        })
        .collect();

    let mut notes: Vec<Notification> = Vec::new();
    if total > max_results {
        notes.push(notification(
            "warning",
            format!(
                "{total} findings, but SARIF uploads accept at most {max_results} results per run: \
                 {} less severe findings are left out of this file (the JSON report has them all)",
                total - max_results
            ),
        ));
    }
    for n in &report.summary.notices {
        notes.push(notification("warning", n.clone()));
    }
    for n in &report.summary.unused_waivers {
        notes.push(notification("warning", n.clone()));
    }
    let mut invocation = Invocation::builder()
        .execution_successful(true)
        .tool_execution_notifications(notes)
        .build();
    invocation.exit_code = report.run.exit_code.map(i64::from);

    let driver = ToolComponent::builder()
        .name("dbs-lint")
        .full_name(format!("dbs-lint {}", env!("CARGO_PKG_VERSION")))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let automation_id = format!(
        "dbs-lint/{}",
        report.run.today.map(|d| d.to_string()).unwrap_or_default()
    );
    let mut run_props = BTreeMap::new();
    run_props.insert("findings".to_string(), json!(total));
    run_props.insert("suppressed".to_string(), json!(report.summary.suppressed));
    if let Some(b) = &report.summary.baseline {
        run_props.insert("baseline".to_string(), json!(b));
    }
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .column_kind(json!("unicodeCodePoints"))
        .automation_details(RunAutomationDetails::builder().id(automation_id).build())
        .invocations(vec![invocation])
        .properties(
            PropertyBag::builder()
                .additional_properties(run_props)
                .build(),
        )
        .build();
    Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

#[cfg(test)]
mod tests {
    use super::pascal;

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal("full-backup-retention"), "FullBackupRetention");
        assert_eq!(pascal("ssl-1"), "Ssl1");
    }
}
