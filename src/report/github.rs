//! GitHub Actions workflow commands: one annotation per finding that fails the gate, worst
//! first. GitHub shows at most 10 errors and 10 warnings (and 10 notices) per step, so only that
//! many are printed; the rest are counted in a plain line, and the job summary (Markdown, see
//! `markdown`) lists everything.
//!
//! Every piece of user text is escaped: `%`, CR and LF in messages, and also `:` and `,` in
//! property values, so that no plan name can end a command or start a new one.

use std::io;

use super::{Item, Report};
use crate::policy::Severity;

/// Annotations GitHub shows per type and step.
pub const MAX_PER_KIND: usize = 10;

/// Escapes the message of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

fn annotation(report: &Report<'_>, item: &Item<'_>) -> String {
    let at = report.ci_location(item);
    let plan = item.plan;
    let title = match &item.rule.title {
        Some(t) => format!("{}: {t}", item.rule.id),
        None => item.rule.id.clone(),
    };
    let mut who = format!("plan {}", plan.id);
    if let Some(name) = plan.name.as_deref() {
        who.push_str(&format!(" \"{name}\""));
    }
    if let Some(region) = plan.region.as_deref() {
        who.push_str(&format!(" in {region}"));
    }
    let mut message = format!("{who}: {}", item.finding.message);
    if let Some(w) = item.status.expired {
        message.push_str(&format!(
            " (waiver {} expired on {}: {})",
            w.source, w.expires, w.reason
        ));
    }
    format!(
        "::{} file={},line={},endLine={},col={},endColumn={},title={}::{}",
        command(item.finding.severity),
        escape_property(&at.path),
        at.line,
        at.end_line,
        at.column,
        at.end_column,
        escape_property(&title),
        escape_data(&message)
    )
}

pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let mut shown = [0usize; 3];
    let mut hidden = [0usize; 3];
    let mut quiet = 0;
    for item in report.worst_first() {
        if !item.status.gates() {
            quiet += 1;
            continue;
        }
        let k = item.finding.severity as usize;
        if shown[k] < MAX_PER_KIND {
            shown[k] += 1;
            writeln!(out, "{}", annotation(report, &item))?;
        } else {
            hidden[k] += 1;
        }
    }
    let s = &report.summary;
    let [note, warning, error] = hidden;
    if error + warning + note > 0 {
        writeln!(
            out,
            "dbs-lint: {error} more error(s), {warning} warning(s) and {note} note(s) are not annotated (GitHub shows {MAX_PER_KIND} of each per step): see the job summary or the full report"
        )?;
    }
    if quiet > 0 {
        writeln!(
            out,
            "dbs-lint: {} waived and {} unchanged (baseline) finding(s) are not annotated",
            s.suppressed,
            quiet - s.suppressed
        )?;
    }
    writeln!(
        out,
        "dbs-lint: {} plan(s), {} rule(s): {} finding(s), {} failing the gate",
        s.plans, s.rules, s.findings, s.active
    )?;
    for n in s.notices.iter().chain(&s.unused_waivers) {
        writeln!(out, "dbs-lint: warning: {}", escape_data(n))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_become_a_command() {
        assert_eq!(
            escape_data("::error::x\n::warning::y"),
            "::error::x%0A::warning::y"
        );
        assert_eq!(escape_data("100%\r\n"), "100%25%0D%0A");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
