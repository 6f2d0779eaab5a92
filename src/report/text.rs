//! The terminal report: each finding as a miette diagnostic with the offending value
//! underlined in the dump, then a summary.

use std::fmt;
use std::io;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

use super::{Report, Status, TextOptions};
use crate::engine::baseline::Change;
use crate::engine::{Finding, Outcome};
use crate::policy::{Rule, Severity};
use crate::source::SourceFile;

struct FindingDiagnostic<'a> {
    headline: String,
    rule: &'a Rule,
    finding: &'a Finding,
    file: &'a Arc<SourceFile>,
    span: SourceSpan,
    label: String,
    /// Waived findings are shown as advice: reported, not failing the gate.
    waived: bool,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.rule.id))
    }
    fn severity(&self) -> Option<miette::Severity> {
        if self.waived {
            return Some(miette::Severity::Advice);
        }
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.rule
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.file.as_ref())
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.label.clone()), self.span),
        )))
    }
}

pub fn render(
    report: &Report<'_>,
    options: TextOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_context_lines(1)
        .with_links(false);
    let mut hidden: std::collections::BTreeMap<(&str, &str), usize> =
        std::collections::BTreeMap::new();
    for (shown, item) in report.items().enumerate() {
        let (finding, location, plan, rule) = (item.finding, item.location, item.plan, item.rule);
        if options.max_findings > 0 && shown >= options.max_findings {
            *hidden
                .entry((rule.id.as_str(), finding.severity.as_str()))
                .or_default() += 1;
            continue;
        }
        let name = plan
            .name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        let kind = match finding.outcome {
            Outcome::Indeterminate => " [indeterminate]",
            _ => "",
        };
        let status = status_tag(&item.status);
        let diagnostic = FindingDiagnostic {
            headline: format!("plan {}{name}: {}{kind}{status}", plan.id, finding.message),
            rule,
            finding,
            file: report.data.file_of(plan),
            span: SourceSpan::new(location.offset.into(), location.len.min(200)),
            label: finding.reasons.first().cloned().unwrap_or_default(),
            waived: item.status.waived.is_some(),
        };
        let mut rendered = String::new();
        handler
            .render_report(&mut rendered, &diagnostic)
            .map_err(|e| io::Error::other(e.to_string()))?;
        out.write_all(rendered.as_bytes())?;
        if options.explain {
            writeln!(out, "  decided by:")?;
            for reason in &finding.reasons {
                writeln!(out, "    - {reason}")?;
            }
        }
        writeln!(out)?;
    }
    if !hidden.is_empty() {
        let total: usize = hidden.values().sum();
        writeln!(
            out,
            "{total} more finding(s) not shown in full (--max-text-findings {}); every finding is in the machine reports (-f json, sarif, …):",
            options.max_findings
        )?;
        for ((rule, severity), n) in &hidden {
            writeln!(out, "  {rule} ({severity}): {n}")?;
        }
        writeln!(out)?;
    }
    summary(report, out)
}

/// How waivers and the baseline classify a finding, as a suffix of its headline.
pub fn status_tag(status: &Status<'_>) -> String {
    let mut tag = String::new();
    if let Some(w) = status.waived {
        tag.push_str(&format!(
            " [waived until {}: {}{}]",
            w.expires,
            w.reason,
            w.owner
                .as_deref()
                .map(|o| format!(" ({o})"))
                .unwrap_or_default()
        ));
    }
    if let Some(w) = status.expired {
        tag.push_str(&format!(
            " [waiver expired on {} ({}): fails the gate again]",
            w.expires, w.source
        ));
    }
    match status.change {
        Some(Change::New) => tag.push_str(" [new]"),
        Some(Change::Unchanged) => tag.push_str(" [unchanged: in the baseline]"),
        None => {}
    }
    tag
}

fn summary(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let s = &report.summary;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    writeln!(
        out,
        "{} checked against {}: {} ({} error, {} warning, {} note; {} indeterminate)",
        plural(s.plans, "plan", "plans"),
        plural(s.rules, "rule", "rules"),
        plural(s.findings, "finding", "findings"),
        s.by_severity.error,
        s.by_severity.warning,
        s.by_severity.note,
        s.outcomes.indeterminate,
    )?;
    if s.suppressed > 0 || !report.triage.waivers.is_empty() {
        writeln!(
            out,
            "  waivers: {} finding(s) waived (reported, not failing the gate)",
            s.suppressed
        )?;
    }
    if let Some(b) = &s.baseline {
        writeln!(
            out,
            "  baseline: {} new, {} unchanged, {} fixed",
            b.new, b.unchanged, b.fixed
        )?;
    }
    for input in &report.data.inputs {
        writeln!(
            out,
            "  input {}: {}, {}",
            input.path,
            input.shape.describe(),
            plural(input.plans, "plan", "plans")
        )?;
    }
    for (control, c) in &s.by_control {
        writeln!(
            out,
            "  control {control}: {} rule(s), {} pass, {} fail, {} indeterminate",
            c.rules, c.pass, c.fail, c.indeterminate
        )?;
    }
    for id in &s.rules_without_plans {
        writeln!(out, "  note: rule {id} applied to no plan")?;
    }
    for notice in &s.notices {
        writeln!(out, "  warning: {notice}")?;
    }
    for unused in &s.unused_waivers {
        writeln!(out, "  warning: {unused}")?;
    }
    Ok(())
}
