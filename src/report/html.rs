//! A self-contained HTML report for auditors (`-f html`): one file with inline CSS, inline SVG
//! charts and a little vanilla JavaScript (sorting and filtering the findings table). It makes
//! no network request and prints to PDF.
//!
//! Every piece of data goes through [`esc`] (text and attributes) or [`script_json`] (the JSON
//! embedded for the script), so a plan name cannot inject markup or script.

use std::collections::BTreeMap;
use std::io;

use super::{Item, Report};
use crate::engine::{check, Outcome};
use crate::evidence::digest::{input_digest, policy_digests};

/// Plans shown in the per-plan view; the rest are counted.
pub const MAX_PLANS: usize = 2000;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON that is safe inside a `<script>` element: `<`, `>` and `&` become `\u003c`, `\u003e`
/// and `\u0026` (still the same JSON), so neither `</script>` nor `<!--` can appear.
pub fn script_json(value: &serde_json::Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// Counts for one bar: a rule, a region or a control.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    pass: usize,
    fail: usize,
    indeterminate: usize,
    waived: usize,
    not_applicable: usize,
}

impl Tally {
    fn add(&mut self, outcome: Outcome, waived: bool) {
        match outcome {
            _ if waived => self.waived += 1,
            Outcome::Pass => self.pass += 1,
            Outcome::Fail => self.fail += 1,
            Outcome::Indeterminate => self.indeterminate += 1,
            Outcome::NotApplicable => self.not_applicable += 1,
        }
    }
    fn applied(&self) -> usize {
        self.pass + self.fail + self.indeterminate + self.waived
    }
}

/// Every rule's outcome on every plan, and whether the finding is waived.
struct Grid {
    /// `[plan][rule]`.
    cells: Vec<Vec<(Outcome, bool)>>,
}

impl Grid {
    fn new(report: &Report<'_>) -> Grid {
        let rules = &report.rules.rules;
        let mut cells: Vec<Vec<(Outcome, bool)>> = report
            .data
            .plans
            .iter()
            .map(|plan| {
                rules
                    .iter()
                    .map(|rule| (check(rule, plan).0, false))
                    .collect()
            })
            .collect();
        for item in report.items() {
            if item.status.waived.is_some() {
                cells[item.finding.plan][item.finding.rule].1 = true;
            }
        }
        Grid { cells }
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Indeterminate => "indeterminate",
        Outcome::NotApplicable => "n/a",
    }
}

const CSS: &str = r#"
:root{--pass:#2e7d32;--fail:#c62828;--ind:#ef6c00;--waived:#5c6bc0;--na:#9e9e9e;--ink:#1f2328;--mute:#57606a;--line:#d0d7de}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);margin:0;padding:24px 32px;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
.mute{color:var(--mute)}code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa;white-space:nowrap}th.sortable{cursor:pointer;user-select:none}th.sortable::after{content:" \2195";color:var(--mute)}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:10px 0}.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:22px}.card.pass b{color:var(--pass)}.card.fail b{color:var(--fail)}.card.ind b{color:var(--ind)}.card.waived b{color:var(--waived)}
.bars{display:grid;grid-template-columns:minmax(160px,260px) 1fr 250px;gap:3px 10px;align-items:center}
.bars svg{width:100%;height:16px;display:block}.legend span{display:inline-block;margin-right:14px}
.sw{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.o-pass{color:var(--pass)}.o-fail{color:var(--fail);font-weight:600}.o-indeterminate{color:var(--ind);font-weight:600}.o-waived{color:var(--waived)}.o-na{color:var(--na)}
.sev-error{color:var(--fail)}.sev-warning{color:var(--ind)}.sev-note{color:var(--mute)}
.controls{display:flex;gap:10px;flex-wrap:wrap;margin:8px 0}.controls label{font-size:12px;color:var(--mute)}.controls select,.controls input{display:block;font:inherit;padding:2px 4px}
.matrix td,.matrix th{text-align:center;white-space:nowrap}.matrix th.rule{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:500;font-size:12px}
.matrix td.plan,.matrix th.plan{text-align:left}
.notice{background:#fff8c5;border:1px solid #d4a72c;padding:6px 10px;border-radius:6px;margin:4px 0}
footer{margin-top:30px;font-size:12px;color:var(--mute)}
@media print{body{padding:0;max-width:none;font-size:11px}.controls,.noprint{display:none}tr{break-inside:avoid}h2{break-after:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}tr.hidden{display:table-row!important}}
tr.hidden{display:none}.nowrap{white-space:nowrap}
"#;

const SCRIPT: &str = r#"
(function(){
  'use strict';
  var data = JSON.parse(document.getElementById('dbs-lint-data').textContent);
  var table = document.getElementById('findings');
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filters = {rule: data.rules, severity: data.severities, region: data.regions, plan: data.plans};
  Object.keys(filters).forEach(function(key){
    var select = document.getElementById('filter-' + key);
    filters[key].forEach(function(value){
      var option = document.createElement('option');
      option.value = value; option.textContent = value; select.appendChild(option);
    });
    select.addEventListener('change', apply);
  });
  var search = document.getElementById('filter-text');
  search.addEventListener('input', apply);
  var counter = document.getElementById('shown');
  function apply(){
    var wanted = {};
    Object.keys(filters).forEach(function(key){ wanted[key] = document.getElementById('filter-' + key).value; });
    var text = search.value.toLowerCase();
    var shown = 0;
    rows.forEach(function(row){
      var ok = Object.keys(wanted).every(function(key){ return wanted[key] === '' || row.dataset[key] === wanted[key]; });
      if (ok && text !== '') { ok = row.textContent.toLowerCase().indexOf(text) !== -1; }
      row.classList.toggle('hidden', !ok);
      if (ok) { shown += 1; }
    });
    counter.textContent = String(shown);
  }
  var ths = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(ths, function(th, index){
    th.classList.add('sortable');
    th.addEventListener('click', function(){
      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      Array.prototype.forEach.call(ths, function(o){ o.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      rows.sort(function(a, b){
        var x = a.cells[index].dataset.key || a.cells[index].textContent;
        var y = b.cells[index].dataset.key || b.cells[index].textContent;
        return x.localeCompare(y, undefined, {numeric: true}) * dir;
      });
      rows.forEach(function(row){ body.appendChild(row); });
    });
  });
  apply();
})();
"#;

/// A stacked bar: pass, fail, indeterminate, waived, as an inline SVG.
fn bar(t: &Tally) -> String {
    let total = t.applied().max(1) as f64;
    let mut x = 0.0;
    let mut svg = String::from(
        r#"<svg viewBox="0 0 1000 16" preserveAspectRatio="none" role="img" aria-label=""#,
    );
    svg.push_str(&format!(
        "{} pass, {} fail, {} indeterminate, {} waived\">",
        t.pass, t.fail, t.indeterminate, t.waived
    ));
    if t.applied() == 0 {
        svg.push_str(r##"<rect x="0" y="0" width="1000" height="16" fill="#eaeef2"><title>not applicable</title></rect>"##);
    }
    for (n, color, what) in [
        (t.pass, "var(--pass)", "pass"),
        (t.fail, "var(--fail)", "fail"),
        (t.indeterminate, "var(--ind)", "indeterminate"),
        (t.waived, "var(--waived)", "waived"),
    ] {
        if n == 0 {
            continue;
        }
        let w = n as f64 / total * 1000.0;
        svg.push_str(&format!(
            r#"<rect x="{x:.1}" y="0" width="{w:.1}" height="16" style="fill:{color}"><title>{n} {what}</title></rect>"#
        ));
        x += w;
    }
    svg.push_str("</svg>");
    svg
}

fn bars(out: &mut dyn io::Write, title: &str, rows: &[(String, Tally)]) -> io::Result<()> {
    writeln!(out, "<h3>{}</h3>", esc(title))?;
    writeln!(out, "<div class=\"bars\">")?;
    for (label, t) in rows {
        writeln!(
            out,
            "<div class=\"mono\">{}</div><div>{}</div><div class=\"mute\">{} pass · {} fail · {} indet. · {} waived</div>",
            esc(label),
            bar(t),
            t.pass,
            t.fail,
            t.indeterminate,
            t.waived
        )?;
    }
    writeln!(out, "</div>")
}

fn plan_label(item: &Item<'_>) -> String {
    match &item.plan.name {
        Some(name) => name.to_string(),
        None => item.plan.id.to_string(),
    }
}

pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let rules = &report.rules.rules;
    let plans = &report.data.plans;
    let s = &report.summary;
    let grid = Grid::new(report);

    // Tallies per rule, region and control.
    let mut by_rule = vec![Tally::default(); rules.len()];
    let mut by_region: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_control: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for (p, row) in grid.cells.iter().enumerate() {
        let region = plans[p]
            .region
            .as_deref()
            .unwrap_or("(no region)")
            .to_string();
        for (r, (outcome, waived)) in row.iter().enumerate() {
            by_rule[r].add(*outcome, *waived);
            total.add(*outcome, *waived);
            by_region
                .entry(region.clone())
                .or_default()
                .add(*outcome, *waived);
            for control in &rules[r].controls {
                by_control
                    .entry(control.clone())
                    .or_default()
                    .add(*outcome, *waived);
            }
        }
    }

    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"en\"><head><meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    // No network: everything is inline, and the policy forbids any fetch.
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
    )?;
    writeln!(out, "<title>dbs-lint compliance report</title>")?;
    writeln!(out, "<style>{CSS}</style></head><body>")?;

    // Header.
    let today = report
        .run
        .today
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "not recorded".into());
    writeln!(out, "<header><h1>DBS backup plan compliance report</h1>")?;
    writeln!(
        out,
        "<p class=\"mute\">dbs-lint {} · evaluated as of <b id=\"evaluated\">{}</b> · {} plan(s) · {} rule(s)</p>",
        esc(env!("CARGO_PKG_VERSION")),
        esc(&today),
        s.plans,
        s.rules
    )?;
    writeln!(out, "<h3>Policies</h3><table><thead><tr><th>Policy</th><th>Source</th><th>Rules</th><th>SHA-256 of the source text</th></tr></thead><tbody>")?;
    for p in policy_digests(report.rules) {
        writeln!(
            out,
            "<tr><td>{}</td><td class=\"mono\">{}</td><td>{}</td><td class=\"mono\">{}</td></tr>",
            esc(&p.name),
            esc(&p.source),
            p.rules,
            esc(p.sha256.as_deref().unwrap_or("unavailable"))
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    writeln!(out, "<h3>Inputs</h3><table><thead><tr><th>Input</th><th>Plans</th><th>Completeness</th><th>Provenance</th></tr></thead><tbody>")?;
    for file in &report.data.files {
        let digest = input_digest(file);
        let summary = report.data.inputs.iter().find(|i| i.path == digest.name);
        let provenance = match &digest.provenance {
            Some(p) => {
                let regions: Vec<String> = p
                    .regions
                    .iter()
                    .map(|r| {
                        format!(
                            "{} ({} plans; request ids: {})",
                            esc(&r.region),
                            r.plans,
                            esc(&r.request_ids.join(", "))
                        )
                    })
                    .collect();
                format!(
                    "fetched {} by {} {}<br>regions: {}<br>SHA-256 <span class=\"mono\">{}</span>",
                    esc(&p.fetched_at),
                    esc(&p.tool),
                    esc(&p.version),
                    regions.join("; "),
                    esc(&digest.sha256)
                )
            }
            None => format!(
                "file, {} bytes, SHA-256 <span class=\"mono\">{}</span>",
                digest.size,
                esc(&digest.sha256)
            ),
        };
        let (count, completeness) = match summary {
            Some(i) => (
                i.plans.to_string(),
                match i.completeness {
                    crate::source::Completeness::Complete => "complete".to_string(),
                    crate::source::Completeness::Partial { holds, total } => {
                        format!("partial: {holds} of {total}")
                    }
                    crate::source::Completeness::Unverified => "unverified".to_string(),
                },
            ),
            None => (String::new(), String::new()),
        };
        writeln!(
            out,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&digest.name),
            count,
            esc(&completeness),
            provenance
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    for notice in &s.notices {
        writeln!(out, "<div class=\"notice\">{}</div>", esc(notice))?;
    }
    writeln!(out, "</header>")?;

    // At a glance.
    writeln!(
        out,
        "<section id=\"glance\"><h2>Compliance at a glance</h2>"
    )?;
    writeln!(out, "<div class=\"cards\">")?;
    for (class, n, what) in [
        ("pass", total.pass, "rule × plan checks pass"),
        ("fail", total.fail, "fail"),
        ("ind", total.indeterminate, "indeterminate"),
        ("waived", total.waived, "waived"),
        ("", total.not_applicable, "not applicable"),
        ("fail", s.active, "findings failing the gate"),
    ] {
        writeln!(out, "<div class=\"card {class}\"><b>{n}</b>{what}</div>")?;
    }
    writeln!(out, "</div>")?;
    writeln!(out, "<p class=\"legend\"><span><i class=\"sw\" style=\"background:var(--pass)\"></i>pass</span><span><i class=\"sw\" style=\"background:var(--fail)\"></i>fail</span><span><i class=\"sw\" style=\"background:var(--ind)\"></i>indeterminate</span><span><i class=\"sw\" style=\"background:var(--waived)\"></i>waived</span></p>")?;
    let rule_rows: Vec<(String, Tally)> = rules
        .iter()
        .zip(&by_rule)
        .map(|(r, t)| (r.id.clone(), *t))
        .collect();
    bars(out, "Per rule", &rule_rows)?;
    bars(
        out,
        "Per region",
        &by_region.into_iter().collect::<Vec<_>>(),
    )?;
    if !by_control.is_empty() {
        bars(
            out,
            "Per framework control",
            &by_control.into_iter().collect::<Vec<_>>(),
        )?;
    }
    writeln!(out, "</section>")?;

    // Findings.
    let items: Vec<Item<'_>> = report.items().collect();
    let mut rule_ids: Vec<&str> = Vec::new();
    let mut regions: Vec<&str> = Vec::new();
    let mut plan_names: Vec<String> = Vec::new();
    for item in &items {
        rule_ids.push(&item.rule.id);
        regions.push(item.plan.region.as_deref().unwrap_or(""));
        plan_names.push(plan_label(item));
    }
    for v in [&mut rule_ids, &mut regions] {
        v.sort_unstable();
        v.dedup();
    }
    plan_names.sort_unstable();
    plan_names.dedup();
    let data = serde_json::json!({
        "rules": rule_ids,
        "severities": ["error", "warning", "note"],
        "regions": regions,
        "plans": plan_names,
    });
    writeln!(out, "<section id=\"findings-section\"><h2>Findings</h2>")?;
    writeln!(
        out,
        "<p class=\"mute\"><span id=\"shown\">{}</span> of {} finding(s) shown · {} failing the gate · {} waived</p>",
        items.len(),
        items.len(),
        s.active,
        s.suppressed
    )?;
    writeln!(out, "<div class=\"controls noprint\">")?;
    for (key, label) in [
        ("rule", "Rule"),
        ("severity", "Severity"),
        ("region", "Region"),
        ("plan", "Plan"),
    ] {
        writeln!(
            out,
            "<label>{label}<select id=\"filter-{key}\"><option value=\"\">all</option></select></label>"
        )?;
    }
    writeln!(
        out,
        "<label>Search<input id=\"filter-text\" type=\"search\" placeholder=\"text\"></label></div>"
    )?;
    writeln!(out, "<table id=\"findings\"><thead><tr><th>Rule</th><th>Severity</th><th>Outcome</th><th>Region</th><th>Plan</th><th>Message</th><th>Field</th><th>Expected</th><th>Actual</th><th>Status</th></tr></thead><tbody>")?;
    for item in &items {
        let f = item.finding;
        let severity = f.severity.as_str();
        let region = item.plan.region.as_deref().unwrap_or("");
        let plan = plan_label(item);
        let outcome = outcome_name(f.outcome);
        let status = if let Some(w) = item.status.waived {
            format!(
                "<span class=\"o-waived\">waived until {}</span>",
                esc(&w.expires.to_string())
            )
        } else if let Some(w) = item.status.expired {
            format!(
                "<span class=\"o-fail\">waiver expired {}</span>",
                esc(&w.expires.to_string())
            )
        } else {
            "open".to_string()
        };
        let rank = match severity {
            "error" => "0",
            "warning" => "1",
            _ => "2",
        };
        writeln!(
            out,
            "<tr data-rule=\"{}\" data-severity=\"{}\" data-region=\"{}\" data-plan=\"{}\"><td class=\"mono nowrap\">{}</td><td class=\"sev-{}\" data-key=\"{rank}\">{}</td><td class=\"o-{}\">{}</td><td>{}</td><td>{}<br><span class=\"mono mute\">{}</span></td><td>{}</td><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&item.rule.id),
            esc(severity),
            esc(region),
            esc(&plan),
            esc(&item.rule.id),
            esc(severity),
            esc(severity),
            esc(outcome),
            esc(outcome),
            esc(region),
            esc(item.plan.name.as_deref().unwrap_or("")),
            esc(&item.plan.id),
            esc(&f.message),
            esc(f.field.map(|f| f.name()).unwrap_or("")),
            esc(f.expected.as_deref().unwrap_or("")),
            esc(&f.actual.as_ref().map(|a| a.to_string()).unwrap_or_default()),
            status
        )?;
    }
    writeln!(out, "</tbody></table></section>")?;

    // Waived findings.
    writeln!(out, "<section id=\"waived\"><h2>Waived findings</h2>")?;
    let waived: Vec<&Item<'_>> = items
        .iter()
        .filter(|i| i.status.waived.is_some() || i.status.expired.is_some())
        .collect();
    if waived.is_empty() {
        writeln!(
            out,
            "<p class=\"mute\">No finding is covered by a waiver.</p>"
        )?;
    } else {
        writeln!(out, "<table><thead><tr><th>Rule</th><th>Plan</th><th>Reason</th><th>Owner</th><th>Expires</th><th>State</th><th>Waiver</th></tr></thead><tbody>")?;
        for item in waived {
            let (w, state) = match (item.status.waived, item.status.expired) {
                (Some(w), _) => (w, "in force"),
                (None, Some(w)) => (w, "expired: fails again"),
                (None, None) => continue,
            };
            writeln!(
                out,
                "<tr><td class=\"mono\">{}</td><td>{} <span class=\"mono mute\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td></tr>",
                esc(&item.rule.id),
                esc(item.plan.name.as_deref().unwrap_or("")),
                esc(&item.plan.id),
                esc(&w.reason),
                esc(w.owner.as_deref().unwrap_or("")),
                esc(&w.expires.to_string()),
                esc(state),
                esc(&w.source)
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    writeln!(out, "</section>")?;

    // Per plan.
    writeln!(out, "<section id=\"plans\"><h2>Per plan</h2>")?;
    writeln!(out, "<table class=\"matrix\"><thead><tr><th class=\"plan\">Plan</th><th class=\"plan\">Region</th>")?;
    for rule in rules {
        writeln!(
            out,
            "<th class=\"rule\" title=\"{}\">{}</th>",
            esc(rule.title.as_deref().unwrap_or(&rule.id)),
            esc(&rule.id)
        )?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for (plan, row) in plans.iter().zip(&grid.cells).take(MAX_PLANS) {
        write!(
            out,
            "<tr><td class=\"plan\">{} <span class=\"mono mute\">{}</span></td><td>{}</td>",
            esc(plan.name.as_deref().unwrap_or("")),
            esc(&plan.id),
            esc(plan.region.as_deref().unwrap_or(""))
        )?;
        for (outcome, waived) in row {
            let (class, mark, what) = match (outcome, waived) {
                (_, true) => ("o-waived", "W", "waived"),
                (Outcome::Pass, _) => ("o-pass", "✓", "pass"),
                (Outcome::Fail, _) => ("o-fail", "✗", "fail"),
                (Outcome::Indeterminate, _) => ("o-indeterminate", "?", "indeterminate"),
                (Outcome::NotApplicable, _) => ("o-na", "–", "not applicable"),
            };
            write!(out, "<td class=\"{class}\" title=\"{what}\">{mark}</td>")?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table>")?;
    if plans.len() > MAX_PLANS {
        writeln!(
            out,
            "<p class=\"mute\">{} more plan(s) not shown; see the findings table.</p>",
            plans.len() - MAX_PLANS
        )?;
    }
    writeln!(out, "<p class=\"mute\">✓ pass · ✗ fail · ? indeterminate (a value is missing or unreadable) · W waived · – not applicable</p></section>")?;

    writeln!(
        out,
        "<footer>Generated by dbs-lint {}. This file is self-contained: it loads nothing from the network.</footer>",
        esc(env!("CARGO_PKG_VERSION"))
    )?;
    writeln!(
        out,
        "<script type=\"application/json\" id=\"dbs-lint-data\">{}</script>",
        script_json(&data)
    )?;
    writeln!(out, "<script>{SCRIPT}</script>")?;
    writeln!(out, "</body></html>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let v = serde_json::json!(["</script><!--<script>alert(1)</script>"]);
        let s = script_json(&v);
        assert!(!s.contains("</"), "{s}");
        assert!(!s.contains("<!--"), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
