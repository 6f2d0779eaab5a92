//! The JSON report: a stable, documented shape for other tools (see `docs/json-report.md`).

use std::io;

use rayon::prelude::*;
use serde::{Serialize, Serializer};

use super::{Item, Location, Report};
use crate::engine::baseline::{BaselineEntry, Change};
use crate::engine::waivers::Waiver;
use crate::engine::Outcome;
use crate::model::{Slot, Value};
use crate::policy::Severity;

/// Version of the report's shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Findings serialised by one task: a few hundred kilobytes of report.
const CHUNK: usize = 1024;

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
    actual: JsonSlot<'a>,
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

/// A value as JSON, as [`slot_json`] makes it, serialised without building it.
struct JsonSlot<'a>(Option<&'a Slot>);

impl Serialize for JsonSlot<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(Slot::Present(v)) => match v {
                Value::Int(i) => serializer.serialize_i64(*i),
                Value::Bool(b) => serializer.serialize_bool(*b),
                other => serializer.collect_str(other),
            },
            _ => serializer.serialize_unit(),
        }
    }
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

/// Writes the report: the object serde_json's pretty printer makes of the fields below, with
/// the findings serialised a chunk at a time on every core and written in order, so that the
/// report is never held whole.
pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    render_in_chunks(report, out, CHUNK)
}

fn render_in_chunks(report: &Report<'_>, out: &mut dyn io::Write, chunk: usize) -> io::Result<()> {
    let mut doc = PrettyObject::new(out)?;
    doc.field("version", &SCHEMA_VERSION)?;
    doc.field(
        "tool",
        &Tool {
            name: "dbs-lint",
            version: env!("CARGO_PKG_VERSION"),
        },
    )?;
    doc.field("summary", &report.summary)?;
    doc.field("policies", &report.rules.policies)?;
    doc.field("inputs", &report.data.inputs)?;
    doc.field("rules", &json_rules(report))?;
    write_findings(report, doc.key("findings")?, chunk)?;
    // Baseline findings that are gone; only with a baseline.
    if let Some(fixed) = &json_fixed(report) {
        doc.field("fixed", fixed)?;
    }
    doc.end()?;
    writeln!(out)
}

fn json_rules<'a>(report: &'a Report<'_>) -> Vec<JsonRule<'a>> {
    report
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
        .collect()
}

fn json_fixed<'a>(report: &'a Report<'_>) -> Option<Vec<JsonFixed<'a>>> {
    report.triage.baseline.as_ref().map(|b| {
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
    })
}

fn json_finding<'a>(report: &'a Report<'_>, item: Item<'a>) -> JsonFinding<'a> {
    let (f, plan) = (item.finding, item.plan);
    JsonFinding {
        rule: &report.rules.rules[f.rule].id,
        severity: f.severity,
        outcome: f.outcome,
        plan_id: &plan.id,
        plan_name: plan.name.as_deref(),
        region: plan.region.as_deref(),
        message: &f.message,
        field: f.field.map(|f| f.name()),
        actual: JsonSlot(f.actual.as_ref()),
        expected: f.expected.as_deref(),
        reasons: &f.reasons,
        location: item.location,
        fingerprint: item.fingerprint,
        suppressed: item.status.waived.map(JsonWaiver::new),
        waiver_expired: item.status.expired.map(JsonWaiver::new),
        baseline: item.status.change,
    }
}

/// Indentation of the members of the findings array (depth 2).
const FINDING_INDENT: &[u8] = b"    ";

/// The findings array as the value of a top-level field: `[]`, or each finding pretty-printed
/// on its own and indented to its depth. Chunks of `chunk` findings are serialised in parallel,
/// a few per core at a time, and written in order.
fn write_findings(report: &Report<'_>, out: &mut dyn io::Write, chunk: usize) -> io::Result<()> {
    let count = report.eval.findings.len();
    if count == 0 {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let chunk = chunk.max(1);
    let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); 2 * rayon::current_num_threads()];
    let batch = chunk * buffers.len();
    for first in (0..count).step_by(batch) {
        buffers
            .par_iter_mut()
            .enumerate()
            .try_for_each(|(k, buffer)| {
                buffer.clear();
                let from = (first + k * chunk).min(count);
                let to = (from + chunk).min(count);
                let mut scratch = Vec::new();
                for index in from..to {
                    buffer.extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
                    buffer.extend_from_slice(FINDING_INDENT);
                    scratch.clear();
                    let finding = json_finding(report, report.item(index));
                    serde_json::to_writer_pretty(&mut scratch, &finding)?;
                    indent(&scratch, FINDING_INDENT, buffer);
                }
                Ok::<_, io::Error>(())
            })?;
        for buffer in &buffers {
            out.write_all(buffer)?;
        }
    }
    out.write_all(b"\n  ]")
}

/// Appends pretty-printed JSON to `out`, each line after the first indented by `by`. JSON
/// text holds line breaks only between tokens (never raw inside a string), so this is the
/// same text pretty-printed at a deeper level.
fn indent(json: &[u8], by: &[u8], out: &mut Vec<u8>) {
    let mut start = 0;
    for newline in memchr::memchr_iter(b'\n', json) {
        out.extend_from_slice(&json[start..=newline]);
        out.extend_from_slice(by);
        start = newline + 1;
    }
    out.extend_from_slice(&json[start..]);
}

/// A top-level JSON object written field by field as `serde_json::to_writer_pretty` writes a
/// struct: a field per line, indented by two spaces, values pretty-printed one level deep.
struct PrettyObject<'w> {
    out: &'w mut dyn io::Write,
    empty: bool,
}

impl<'w> PrettyObject<'w> {
    fn new(out: &'w mut dyn io::Write) -> io::Result<PrettyObject<'w>> {
        out.write_all(b"{")?;
        Ok(PrettyObject { out, empty: true })
    }

    /// Writes the key of the next field; its value is to be written, at depth 1, to the
    /// writer returned.
    fn key(&mut self, key: &str) -> io::Result<&mut dyn io::Write> {
        self.out
            .write_all(if self.empty { b"\n  " } else { b",\n  " })?;
        self.empty = false;
        serde_json::to_writer(&mut *self.out, key)?;
        self.out.write_all(b": ")?;
        Ok(&mut *self.out)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> io::Result<()> {
        let mut json = Vec::new();
        serde_json::to_writer_pretty(&mut json, value)?;
        let mut indented = Vec::with_capacity(json.len());
        indent(&json, b"  ", &mut indented);
        self.key(key)?.write_all(&indented)
    }

    fn end(self) -> io::Result<()> {
        self.out.write_all(if self.empty { b"}" } else { b"\n}" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::baseline::Baseline;
    use crate::engine::{evaluate, waivers};
    use crate::policy::model::PolicyInfo;
    use crate::policy::{self, PolicySpec};
    use crate::report::summary::Summary;
    use crate::report::triage::{Triage, TriageOptions};
    use crate::source::{load, Dataset, InputSpec, InputSummary, LoadOptions, SourceFile};

    const DIR: &str = "tests/fixtures/reports";

    /// The report as one struct, serialised whole: what `render` must write, byte for byte.
    #[derive(Serialize)]
    struct Whole<'a> {
        version: u32,
        tool: Tool,
        summary: &'a Summary,
        policies: &'a [PolicyInfo],
        inputs: &'a [InputSummary],
        rules: Vec<JsonRule<'a>>,
        findings: Vec<JsonFinding<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        fixed: Option<Vec<JsonFixed<'a>>>,
    }

    fn whole(report: &Report<'_>) -> Vec<u8> {
        let doc = Whole {
            version: SCHEMA_VERSION,
            tool: Tool {
                name: "dbs-lint",
                version: env!("CARGO_PKG_VERSION"),
            },
            summary: &report.summary,
            policies: &report.rules.policies,
            inputs: &report.data.inputs,
            rules: json_rules(report),
            findings: report.items().map(|i| json_finding(report, i)).collect(),
            fixed: json_fixed(report),
        };
        let mut out = serde_json::to_vec_pretty(&doc).unwrap();
        out.push(b'\n');
        out
    }

    fn assert_same_in_any_chunks(report: &Report<'_>) {
        let expected = whole(report);
        for chunk in [1, 2, 3, 1000, CHUNK] {
            let mut out = Vec::new();
            render_in_chunks(report, &mut out, chunk).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(expected.clone()).unwrap(),
                "chunks of {chunk}"
            );
        }
    }

    #[test]
    fn values_serialise_as_slot_json_makes_them() {
        use crate::model::value::BackupObject;
        use crate::model::weekdays::Weekdays;
        let object = BackupObject {
            db_name: Some("库 \"a\"".into()),
            schema_name: None,
            table_includes: Vec::new(),
            table_excludes: Vec::new(),
        };
        let slots = [
            Slot::Missing,
            Slot::Null,
            Slot::Unparsable("x".into()),
            Slot::Present(Value::Int(-3)),
            Slot::Present(Value::Int(i64::MAX)),
            Slot::Present(Value::Bool(false)),
            Slot::Present(Value::Text("计划 \"q\" \\ \n \u{1} end".into())),
            Slot::Present(Value::Time(125)),
            Slot::Present(Value::Weekdays(Weekdays(0b101))),
            Slot::Present(Value::Objects(vec![object].into())),
        ];
        for slot in slots.iter().map(Some).chain([None]) {
            assert_eq!(
                serde_json::to_string_pretty(&JsonSlot(slot)).unwrap(),
                serde_json::to_string_pretty(&slot_json(slot)).unwrap(),
                "{slot:?}"
            );
        }
    }

    #[test]
    fn written_in_chunks_as_serialised_whole() {
        let rules = policy::load(&[PolicySpec::File(format!("{DIR}/policy.yaml").into())]).unwrap();
        let options = LoadOptions {
            allow_partial: false,
            retain: rules.fields(),
        };
        let dump = InputSpec::Path(format!("{DIR}/dump.json").into());
        let data = load(&[dump], &options, &mut std::io::empty()).unwrap();
        let eval = evaluate(&rules.rules, &data.plans);
        assert!(eval.findings.len() > 3);

        // Waivers and a baseline: statuses, and fixed findings after the findings.
        let ids: Vec<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
        let path = format!("{DIR}/waivers.yaml");
        let file = SourceFile::new(path.clone(), std::fs::read_to_string(&path).unwrap());
        let text = std::fs::read_to_string(format!("{DIR}/baseline.json")).unwrap();
        let baseline = Baseline::parse(&text).unwrap();
        let options = TriageOptions {
            waivers: waivers::load_file(&file, &ids).unwrap(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 6, 1),
            ignore_waivers: false,
            baseline: Some(&baseline),
        };
        let triage = Triage::new(&rules, &data, &eval, options);
        assert!(!triage.fixed().is_empty());
        assert_same_in_any_chunks(&Report::with_triage(&rules, &data, &eval, triage));

        // Neither: no `fixed` field.
        assert_same_in_any_chunks(&Report::new(&rules, &data, &eval));

        // No plans: an empty findings array.
        let empty = Dataset {
            files: Vec::new(),
            inputs: Vec::new(),
            plans: Vec::new(),
        };
        let eval = evaluate(&rules.rules, &empty.plans);
        assert_same_in_any_chunks(&Report::new(&rules, &empty, &eval));
    }
}
