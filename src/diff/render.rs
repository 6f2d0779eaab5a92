//! `dbs-lint diff` output: text, JSON and Markdown.

use std::io;

use super::{Drift, OutcomeChange};
use crate::engine::Outcome;
use crate::report::markdown::cell;

/// The formats `diff -f` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
}

pub fn render(drift: &Drift, format: DiffFormat, out: &mut dyn io::Write) -> io::Result<()> {
    match format {
        DiffFormat::Text => text(drift, out),
        DiffFormat::Json => json(drift, out),
        DiffFormat::Markdown => markdown(drift, out),
    }
}

fn outcome(o: Option<Outcome>) -> &'static str {
    match o {
        None => "-",
        Some(Outcome::Pass) => "pass",
        Some(Outcome::Fail) => "fail",
        Some(Outcome::Indeterminate) => "indeterminate",
        Some(Outcome::NotApplicable) => "not applicable",
    }
}

fn value(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(absent)")
}

fn verdict(drift: &Drift) -> String {
    let s = &drift.summary;
    format!(
        "{} plan(s) before, {} after: {} added, {} removed, {} changed; {} regression(s), {} improvement(s)",
        s.plans_before, s.plans_after, s.added, s.removed, s.changed, s.regressions, s.improvements
    )
}

fn failing(outcomes: &[OutcomeChange]) -> Vec<String> {
    outcomes
        .iter()
        .filter_map(|o| {
            let shown = o.after.or(o.before)?;
            (!matches!(shown, Outcome::Pass | Outcome::NotApplicable))
                .then(|| format!("{} {}", o.rule, outcome(Some(shown))))
        })
        .collect()
}

fn text(drift: &Drift, out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(out, "{}", verdict(drift))?;
    for p in &drift.added {
        let f = failing(&p.outcomes);
        writeln!(out, "\n+ added {}", p.plan.label())?;
        if f.is_empty() {
            writeln!(out, "    passes every rule")?;
        } else {
            writeln!(out, "    ! {}", f.join(", "))?;
        }
    }
    for p in &drift.removed {
        writeln!(out, "\n- removed {}", p.plan.label())?;
    }
    for p in &drift.changed {
        writeln!(out, "\n~ changed {}", p.plan.label())?;
        for f in &p.fields {
            writeln!(
                out,
                "    {}: {} → {}",
                f.field,
                value(&f.before),
                value(&f.after)
            )?;
        }
        for o in &p.outcomes {
            let mark = if o.regression { "!" } else { " " };
            writeln!(
                out,
                "  {mark} {}: {} → {}",
                o.rule,
                outcome(o.before),
                outcome(o.after)
            )?;
        }
    }
    Ok(())
}

fn json(drift: &Drift, out: &mut dyn io::Write) -> io::Result<()> {
    let value = serde_json::json!({
        "version": 1,
        "tool": { "name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION") },
        "summary": drift.summary,
        "fields": drift.fields,
        "added": drift.added,
        "removed": drift.removed,
        "changed": drift.changed,
    });
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

fn markdown(drift: &Drift, out: &mut dyn io::Write) -> io::Result<()> {
    let mark = if drift.has_regression() { "❌" } else { "✅" };
    writeln!(out, "## dbs-lint drift\n\n{mark} {}\n", verdict(drift))?;
    if !drift.added.is_empty() {
        writeln!(
            out,
            "### Added plans\n\n| Plan | Region | Failing rules |\n|---|---|---|"
        )?;
        for p in &drift.added {
            let f = failing(&p.outcomes);
            writeln!(
                out,
                "| {} | {} | {} |",
                cell(&p.plan.label()),
                cell(p.plan.region.as_deref().unwrap_or("")),
                if f.is_empty() {
                    "none".to_string()
                } else {
                    cell(&f.join(", "))
                }
            )?;
        }
        writeln!(out)?;
    }
    if !drift.removed.is_empty() {
        writeln!(out, "### Removed plans\n\n| Plan | Region |\n|---|---|")?;
        for p in &drift.removed {
            writeln!(
                out,
                "| {} | {} |",
                cell(&p.plan.label()),
                cell(p.plan.region.as_deref().unwrap_or(""))
            )?;
        }
        writeln!(out)?;
    }
    if !drift.changed.is_empty() {
        writeln!(
            out,
            "### Changed plans\n\n| Plan | Change | Before | After |\n|---|---|---|---|"
        )?;
        for p in &drift.changed {
            let label = cell(&p.plan.label());
            for f in &p.fields {
                writeln!(
                    out,
                    "| {label} | `{}` | {} | {} |",
                    f.field,
                    cell(value(&f.before)),
                    cell(value(&f.after))
                )?;
            }
            for o in &p.outcomes {
                let flag = if o.regression { " ❌" } else { "" };
                writeln!(
                    out,
                    "| {label} | rule `{}`{flag} | {} | {} |",
                    cell(&o.rule),
                    outcome(o.before),
                    outcome(o.after)
                )?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
