//! A Markdown summary for pull-request comments and GitHub job summaries: counts by severity,
//! rule and region, waivers and baseline, then the findings table (the worst first, at most
//! [`MAX_ROWS`] rows so the comment stays within GitHub's size limits).

use std::collections::BTreeMap;
use std::io;

use super::{Item, Report};
use crate::engine::baseline::Change;
use crate::engine::Outcome;

/// Findings listed in the table; the rest are counted.
pub const MAX_ROWS: usize = 100;

/// Escapes text for a table cell: no pipe, newline or HTML can break the table or the page.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn status(item: &Item<'_>) -> String {
    let mut parts = Vec::new();
    if let Some(w) = item.status.waived {
        parts.push(format!("waived until {}: {}", w.expires, cell(&w.reason)));
    }
    if let Some(w) = item.status.expired {
        parts.push(format!("waiver expired {}", w.expires));
    }
    match item.status.change {
        Some(Change::New) => parts.push("new".into()),
        Some(Change::Unchanged) => parts.push("unchanged".into()),
        None => {}
    }
    if item.finding.outcome == Outcome::Indeterminate {
        parts.push("indeterminate".into());
    }
    if parts.is_empty() {
        "open".into()
    } else {
        parts.join("; ")
    }
}

pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let s = &report.summary;
    writeln!(out, "## dbs-lint report\n")?;
    let verdict = if s.active == 0 { "✅" } else { "❌" };
    writeln!(
        out,
        "{verdict} **{} finding(s)** in {} plan(s) checked against {} rule(s): **{} failing the gate**, {} waived{}.\n",
        s.findings,
        s.plans,
        s.rules,
        s.active,
        s.suppressed,
        s.baseline
            .as_ref()
            .map(|b| format!(", {} unchanged since the baseline", b.unchanged))
            .unwrap_or_default()
    )?;

    writeln!(out, "| severity | findings |\n|---|---:|")?;
    writeln!(out, "| error | {} |", s.by_severity.error)?;
    writeln!(out, "| warning | {} |", s.by_severity.warning)?;
    writeln!(out, "| note | {} |\n", s.by_severity.note)?;

    if let Some(b) = &s.baseline {
        writeln!(out, "| baseline | findings |\n|---|---:|")?;
        writeln!(out, "| new | {} |", b.new)?;
        writeln!(out, "| unchanged | {} |", b.unchanged)?;
        writeln!(out, "| fixed | {} |\n", b.fixed)?;
    }

    let mut by_rule: Vec<usize> = vec![0; report.rules.rules.len()];
    let mut by_region: BTreeMap<&str, usize> = BTreeMap::new();
    for item in report.items() {
        by_rule[item.finding.rule] += 1;
        *by_region
            .entry(item.plan.region.as_deref().unwrap_or("(no region)"))
            .or_default() += 1;
    }
    writeln!(
        out,
        "### By rule\n\n| rule | severity | title | findings |\n|---|---|---|---:|"
    )?;
    for (rule, n) in report.rules.rules.iter().zip(&by_rule) {
        writeln!(
            out,
            "| `{}` | {} | {} | {n} |",
            rule.id,
            rule.severity,
            cell(rule.title.as_deref().unwrap_or(""))
        )?;
    }
    writeln!(out)?;
    if !by_region.is_empty() {
        writeln!(out, "### By region\n\n| region | findings |\n|---|---:|")?;
        for (region, n) in &by_region {
            writeln!(out, "| {} | {n} |", cell(region))?;
        }
        writeln!(out)?;
    }

    if !s.notices.is_empty() || !s.unused_waivers.is_empty() {
        writeln!(out, "### Notices\n")?;
        for n in &s.notices {
            writeln!(out, "- {}", cell(n))?;
        }
        for n in &s.unused_waivers {
            writeln!(out, "- ⚠️ {}", cell(n))?;
        }
        writeln!(out)?;
    }

    if s.findings > 0 {
        writeln!(out, "### Findings\n")?;
        writeln!(
            out,
            "| severity | rule | plan | region | message | location | status |\n|---|---|---|---|---|---|---|"
        )?;
        let items = report.worst_first();
        for item in items.iter().take(MAX_ROWS) {
            let plan = item.plan;
            let name = match plan.name.as_deref() {
                Some(n) => format!("{} ({})", cell(&plan.id), cell(n)),
                None => cell(&plan.id),
            };
            let at = report.ci_location(item);
            writeln!(
                out,
                "| {} | `{}` | {name} | {} | {} | {}:{} | {} |",
                item.finding.severity,
                item.rule.id,
                cell(plan.region.as_deref().unwrap_or("")),
                cell(&item.finding.message),
                cell(&at.path),
                at.line,
                status(item)
            )?;
        }
        if items.len() > MAX_ROWS {
            writeln!(
                out,
                "\n… and {} more finding(s): see the full report.",
                items.len() - MAX_ROWS
            )?;
        }
        writeln!(out)?;
    }

    let fixed = report.triage.fixed();
    if !fixed.is_empty() {
        writeln!(out, "### Fixed since the baseline\n")?;
        writeln!(out, "| rule | plan | region |\n|---|---|---|")?;
        for e in fixed.iter().take(MAX_ROWS) {
            let name = match e.plan_name.as_deref() {
                Some(n) => format!("{} ({})", cell(&e.plan_id), cell(n)),
                None => cell(&e.plan_id),
            };
            writeln!(
                out,
                "| `{}` | {name} | {} |",
                cell(&e.rule),
                cell(e.region.as_deref().unwrap_or(""))
            )?;
        }
        if fixed.len() > MAX_ROWS {
            writeln!(out, "\n… and {} more.", fixed.len() - MAX_ROWS)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc\r\nd"), "a\\|b<br>c<br>d");
        assert_eq!(cell("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(cell("*x*_y_`z`"), "\\*x\\*\\_y\\_\\`z\\`");
    }
}
