//! Reports: one file per format, each writing a [`Report`] to a `&mut dyn Write`.
//!
//! Source positions are resolved here, once, and only for plans that have findings.

pub mod diagnostic;
pub mod json;
pub mod summary;
pub mod text;

use std::io;

use crate::engine::{Evaluation, Finding};
use crate::model::FieldId;
use crate::policy::RuleSet;
use crate::source::plan_reader::field_offsets;
use crate::source::Dataset;

pub use summary::Summary;

/// Where a finding points: the offending value, or the plan object when the field is absent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub path: String,
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

/// Everything a report format needs about a run.
pub struct Report<'a> {
    pub rules: &'a RuleSet,
    pub data: &'a Dataset,
    pub eval: &'a Evaluation,
    /// One per finding, in the same order.
    pub locations: Vec<Location>,
    pub summary: Summary,
}

impl<'a> Report<'a> {
    pub fn new(rules: &'a RuleSet, data: &'a Dataset, eval: &'a Evaluation) -> Report<'a> {
        // Findings come plan by plan: read each plan's value positions once.
        let mut cache: Option<(usize, Vec<ValueSpan>)> = None;
        let locations = eval
            .findings
            .iter()
            .map(|f| {
                let plan = &data.plans[f.plan];
                if cache.as_ref().is_none_or(|(p, _)| *p != f.plan) {
                    cache = Some((f.plan, field_offsets(data.file_of(plan), &plan.origin)));
                }
                let offsets = cache
                    .as_ref()
                    .map(|(_, o)| o.as_slice())
                    .unwrap_or_default();
                locate(data, f, offsets)
            })
            .collect();
        let summary = Summary::new(rules, data, eval);
        Report {
            rules,
            data,
            eval,
            locations,
            summary,
        }
    }

    pub fn findings(&self) -> impl Iterator<Item = (&Finding, &Location)> {
        self.eval.findings.iter().zip(&self.locations)
    }
}

/// A field's value in a dump: the field, its byte offset and length.
type ValueSpan = (FieldId, usize, usize);

fn locate(data: &Dataset, finding: &Finding, offsets: &[ValueSpan]) -> Location {
    let plan = &data.plans[finding.plan];
    let file = data.file_of(plan);
    let (offset, len) = finding
        .field
        .and_then(|f| offsets.iter().find(|(id, _, _)| *id == f))
        .map(|(_, o, l)| (*o, *l))
        .unwrap_or((plan.origin.offset as usize, 1));
    let start = file.line_col(offset);
    let value = &file.text()[offset..offset + len];
    let (end_line, end_column) = match value.rfind('\n') {
        None => (start.line, start.column + value.chars().count()),
        Some(i) => (
            start.line + value.matches('\n').count(),
            value[i + 1..].chars().count() + 1,
        ),
    };
    Location {
        path: file.name().to_string(),
        line: start.line,
        column: start.column,
        end_line,
        end_column,
        offset,
        len,
    }
}

/// The formats `-f/--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Options of the text format.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    pub color: bool,
    pub width: usize,
}

pub fn render(
    report: &Report<'_>,
    format: Format,
    text: TextOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, text, out),
        Format::Json => json::render(report, out),
    }
}
