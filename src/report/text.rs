//! The terminal report: each finding as a miette diagnostic with the offending value
//! underlined in the dump, then a summary.

use std::fmt;
use std::io;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

use super::{Report, TextOptions};
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
    for (finding, location) in report.findings() {
        let plan = &report.data.plans[finding.plan];
        let rule = &report.rules.rules[finding.rule];
        let name = plan
            .name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        let kind = match finding.outcome {
            Outcome::Indeterminate => " [indeterminate]",
            _ => "",
        };
        let diagnostic = FindingDiagnostic {
            headline: format!("plan {}{name}: {}{kind}", plan.id, finding.message),
            rule,
            finding,
            file: report.data.file_of(plan),
            span: SourceSpan::new(location.offset.into(), location.len.min(200)),
            label: finding.reasons.first().cloned().unwrap_or_default(),
        };
        let mut rendered = String::new();
        handler
            .render_report(&mut rendered, &diagnostic)
            .map_err(|e| io::Error::other(e.to_string()))?;
        out.write_all(rendered.as_bytes())?;
        writeln!(out)?;
    }
    summary(report, out)
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
    for input in &report.data.inputs {
        writeln!(
            out,
            "  input {}: {}, {}",
            input.path,
            input.shape.describe(),
            plural(input.plans, "plan", "plans")
        )?;
    }
    for id in &s.rules_without_plans {
        writeln!(out, "  note: rule {id} applied to no plan")?;
    }
    for notice in &s.notices {
        writeln!(out, "  warning: {notice}")?;
    }
    Ok(())
}
