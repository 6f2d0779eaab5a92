//! Reports: one file per format, each writing a [`Report`] to a `&mut dyn Write`.
//!
//! Line and column positions are resolved here, once, from the byte spans the engine recorded
//! for each finding.

pub mod diagnostic;
pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod summary;
pub mod text;
pub mod triage;

use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::engine::{Evaluation, Finding};
use crate::model::Plan;
use crate::policy::{Rule, RuleSet};
use crate::source::file::{LineCol, SourceFile};
use crate::source::Dataset;

pub use fingerprint::{fingerprint, Fingerprint};
pub use summary::Summary;
pub use triage::{Status, Triage};

/// Where a finding points: the offending value, or the plan object when the field is absent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// The input's name, shared by every location in it.
    #[serde(serialize_with = "serialize_path")]
    pub path: Arc<str>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    /// Exclusive.
    pub end_column: usize,
    #[serde(skip)]
    pub offset: usize,
    #[serde(skip)]
    pub len: usize,
}

fn serialize_path<S: serde::Serializer>(path: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(path)
}

/// Facts about the run that are not findings: what CI formats record beside them.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    /// The exit code the run ends with (SARIF records it in its invocation).
    pub exit_code: Option<i32>,
    /// The day the run checked waivers against (`--now`); also SARIF's run id.
    pub today: Option<NaiveDate>,
    /// The directory CI paths are relative to (the working directory).
    pub base_dir: Option<PathBuf>,
}

/// Everything a report format needs about a run.
pub struct Report<'a> {
    pub rules: &'a RuleSet,
    pub data: &'a Dataset,
    pub eval: &'a Evaluation,
    /// One per finding, in the same order.
    pub locations: Vec<Location>,
    /// One per finding: its identity across runs and formats (see [`fingerprint`]).
    pub fingerprints: Vec<Fingerprint>,
    /// Waivers and baseline, applied to the findings.
    pub triage: Triage,
    pub summary: Summary,
    pub run: RunInfo,
}

/// One finding with everything formats print about it.
pub struct Item<'r> {
    pub index: usize,
    pub finding: &'r Finding,
    pub location: &'r Location,
    pub rule: &'r Rule,
    pub plan: &'r Plan,
    pub fingerprint: &'r str,
    pub status: Status<'r>,
}

/// A place for CI systems: a path relative to the working directory, 1-based line and column
/// (Unicode code points), exclusive end column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiLocation {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl<'a> Report<'a> {
    /// A report without waivers or baseline.
    pub fn new(rules: &'a RuleSet, data: &'a Dataset, eval: &'a Evaluation) -> Report<'a> {
        Report::with_triage(rules, data, eval, Triage::none())
    }

    /// A report whose findings are classified by waivers and a baseline.
    pub fn with_triage(
        rules: &'a RuleSet,
        data: &'a Dataset,
        eval: &'a Evaluation,
        triage: Triage,
    ) -> Report<'a> {
        let paths: Vec<Arc<str>> = data.files.iter().map(|f| Arc::from(f.name())).collect();
        let count = eval.findings.len();
        let (mut locations, mut fingerprints) =
            (Vec::with_capacity(count), Vec::with_capacity(count));
        // Findings come plan by plan: each plan's findings are located together (one line and
        // column lookup, carried from value to value), the plans of a window on every core. Windows go front to back,
        // so that the cores read nearby parts of a mapped file and its pages can be released
        // behind them (see `SourceFile::release_before`).
        for window in plan_windows(&eval.findings, LOCATE_WINDOW) {
            let (l, f): (Vec<Location>, Vec<Fingerprint>) = window
                .par_chunk_by(|a, b| a.plan == b.plan)
                .flat_map_iter(|group| {
                    let plan = &data.plans[group[0].plan];
                    let locations = locate_plan(data, &paths[plan.origin.input as usize], group);
                    locations.into_iter().zip(group).map(|(location, f)| {
                        let fingerprint = fingerprint(
                            &rules.rules[f.rule].id,
                            &plan.id,
                            f.field.map(|f| f.name()),
                        );
                        (location, fingerprint)
                    })
                })
                .unzip();
            locations.extend(l);
            fingerprints.extend(f);
        }
        let summary = Summary::new(rules, data, eval, &triage);
        Report {
            rules,
            data,
            eval,
            locations,
            fingerprints,
            triage,
            summary,
            run: RunInfo::default(),
        }
    }

    /// Sets what the run knows beyond its findings (exit code, date, working directory).
    pub fn with_run(mut self, run: RunInfo) -> Report<'a> {
        self.run = run;
        self
    }

    pub fn findings(&self) -> impl Iterator<Item = (&Finding, &Location)> {
        self.eval.findings.iter().zip(&self.locations)
    }

    /// Every finding with its rule, plan, fingerprint and status, in report order.
    pub fn items(&self) -> impl Iterator<Item = Item<'_>> {
        (0..self.eval.findings.len()).map(|i| self.item(i))
    }

    pub fn item(&self, index: usize) -> Item<'_> {
        let finding = &self.eval.findings[index];
        Item {
            index,
            finding,
            location: &self.locations[index],
            rule: &self.rules.rules[finding.rule],
            plan: &self.data.plans[finding.plan],
            fingerprint: self.fingerprints[index].as_str(),
            status: self.triage.status(index),
        }
    }

    /// Findings in the order CI annotations want them: findings that fail the gate before
    /// the others, then by severity (worst first), then in report order.
    pub fn worst_first(&self) -> Vec<Item<'_>> {
        let mut items: Vec<Item<'_>> = self.items().collect();
        items.sort_by_key(|i| (!i.status.gates(), std::cmp::Reverse(i.finding.severity)));
        items
    }

    /// Where CI systems should point for a finding. Findings read from a saved file point at
    /// the value in it; findings without a file (a live fetch not saved with `--save`, or
    /// stdin) point at the rule in its policy file (`rules/NAME.yaml` for built-in packs).
    pub fn ci_location(&self, item: &Item<'_>) -> CiLocation {
        let path: &str = &item.location.path;
        if path.starts_with("live:") || path == "<stdin>" {
            let file = &item.rule.origin.file;
            let name = file.name();
            let shown = match name.strip_prefix("builtin:") {
                Some(pack) => format!("rules/{pack}.yaml"),
                None => self.relative(name),
            };
            let span = item.rule.origin.span;
            let start = file.line_col(span.offset);
            // The rule's first line: its `- id:` entry.
            let line_len = file.text()[span.offset..]
                .split('\n')
                .next()
                .map_or(1, |l| l.trim_end_matches('\r').chars().count().max(1));
            return CiLocation {
                path: shown,
                line: start.line,
                column: start.column,
                end_line: start.line,
                end_column: start.column + line_len,
            };
        }
        let l = item.location;
        CiLocation {
            path: self.relative(path),
            line: l.line.max(1),
            column: l.column.max(1),
            end_line: l.end_line.max(l.line).max(1),
            end_column: if l.end_line > l.line {
                l.end_column.max(1)
            } else {
                l.end_column.max(l.column + 1)
            },
        }
    }

    /// A path as CI systems want it: relative to the working directory, with `/` separators.
    pub fn relative(&self, path: &str) -> String {
        relative_path(path, self.run.base_dir.as_deref())
    }
}

/// `path` relative to `base` (when it is absolute and under `base`), with `/` separators and
/// no leading `./`.
pub fn relative_path(path: &str, base: Option<&Path>) -> String {
    let p = Path::new(path);
    let p = match base {
        Some(base) if p.is_absolute() => p.strip_prefix(base).unwrap_or(p),
        _ => p,
    };
    let parts: Vec<String> = p
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| match c {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    let joined = parts.join("/");
    if p.has_root() && !joined.starts_with('/') {
        format!("/{joined}")
    } else {
        joined.replace('\\', "/")
    }
}

/// Findings located per parallel window: a few megabytes of a dump.
const LOCATE_WINDOW: usize = 4096;

/// `findings` cut into runs of about `size` findings, never inside one plan's findings.
fn plan_windows(findings: &[Finding], size: usize) -> impl Iterator<Item = &[Finding]> {
    let mut rest = findings;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = size.clamp(1, rest.len());
        while end < rest.len() && rest[end].plan == rest[end - 1].plan {
            end += 1;
        }
        let (window, after) = rest.split_at(end);
        rest = after;
        Some(window)
    })
}

/// Locations of consecutive findings of one plan, in their order: the value each finding is
/// about, or the plan object when the field is absent (or the finding names no field).
fn locate_plan(data: &Dataset, path: &Arc<str>, findings: &[Finding]) -> Vec<Location> {
    let plan = &data.plans[findings[0].plan];
    let file = data.file_of(plan);
    let origin = plan.origin.offset as usize;
    // Plans come front to back: a mapped file may release what lies well before.
    file.release_before(origin);
    // The engine recorded where each deciding value is.
    let spans: Vec<(usize, usize)> = findings
        .iter()
        .map(|f| f.span.unwrap_or((origin, 1)))
        .collect();
    // Start positions in file order: one lookup, then a scan from each to the next.
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans[i].0);
    let mut starts = vec![LineCol { line: 0, column: 0 }; spans.len()];
    let mut last: Option<(usize, LineCol)> = None;
    for i in order {
        let offset = spans[i].0;
        let start = last
            .and_then(|(at, pos)| Some(advance(pos, text_between(file, at, offset)?)))
            .unwrap_or_else(|| file.line_col(offset));
        starts[i] = start;
        last = Some((offset, start));
    }
    spans
        .iter()
        .zip(starts)
        .map(|(&(offset, len), start)| {
            let end = advance(start, &file.text()[offset..offset + len]);
            Location {
                path: Arc::clone(path),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                offset,
                len,
            }
        })
        .collect()
}

/// The text from `from` to `to`, when a position at `from` can be carried to `to` by
/// [`advance`]: both character boundaries, in order, after the byte order mark.
fn text_between(file: &SourceFile, from: usize, to: usize) -> Option<&str> {
    if from < file.body().1 {
        return None;
    }
    file.text().get(from..to)
}

/// The position after `text`, which starts at `from`; columns count characters.
fn advance(from: LineCol, text: &str) -> LineCol {
    match memchr::memrchr(b'\n', text.as_bytes()) {
        None => LineCol {
            line: from.line,
            column: from.column + text.chars().count(),
        },
        Some(last) => LineCol {
            line: from.line + memchr::memchr_iter(b'\n', text.as_bytes()).count(),
            column: text[last + 1..].chars().count() + 1,
        },
    }
}

/// The formats `-f/--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
    Gitlab,
    Markdown,
    /// A self-contained HTML page for auditors.
    Html,
}

/// Options of the text format.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    pub color: bool,
    pub width: usize,
    /// List every test that decided each finding (`check --explain`).
    pub explain: bool,
    /// Most findings shown in full; the rest are summarised by rule. 0 shows all.
    pub max_findings: usize,
}

/// The default of [`TextOptions::max_findings`].
pub const DEFAULT_MAX_TEXT_FINDINGS: usize = 200;

pub fn render(
    report: &Report<'_>,
    format: Format,
    text: TextOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, text, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Junit => junit::render(report, out),
        Format::Github => github::render(report, out),
        Format::Gitlab => gitlab::render(report, out),
        Format::Markdown => markdown::render(report, out),
        Format::Html => html::render(report, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_a_position_agrees_with_looking_it_up() {
        let file = SourceFile::new(
            "a.json",
            "\u{feff}{\"计划\": [\n\t\"x\",\r\n  \"é\"\n], \"b\": 1}\n",
        );
        let text = file.text();
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &from in &bounds {
            for &to in bounds.iter().filter(|&&to| to >= from) {
                let Some(between) = text_between(&file, from, to) else {
                    assert!(from < 3, "only the byte order mark is not carried over");
                    continue;
                };
                assert_eq!(
                    advance(file.line_col(from), between),
                    file.line_col(to),
                    "{from}..{to}"
                );
            }
        }
    }
}
