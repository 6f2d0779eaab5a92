//! Reads one plan object into a [`Plan`], checking every catalogued value against its type.

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserializer;
use serde_json::value::RawValue;

use super::error::{At, InputError};
use super::file::SourceFile;
use crate::model::catalogue::well_known;
use crate::model::value::{self, Slot, Value};
use crate::model::{FieldId, FieldSet, Kind, Plan, PlanOrigin, FIELDS};

/// Field names in byte order, for binary search.
fn field_index() -> &'static [(&'static str, FieldId)] {
    static INDEX: OnceLock<Vec<(&'static str, FieldId)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: Vec<_> = FieldId::all().map(|f| (f.name(), f)).collect();
        index.sort_unstable_by_key(|(name, _)| *name);
        index
    })
}

fn lookup(name: &str) -> Option<FieldId> {
    let index = field_index();
    index
        .binary_search_by_key(&name, |(n, _)| n)
        .ok()
        .map(|i| index[i].1)
}

/// A plan object's catalogued keys with their raw values, in document order.
struct RawFields<'a> {
    fields: Vec<(FieldId, &'a RawValue)>,
    duplicate: Option<(FieldId, &'a RawValue)>,
}

/// Looks keys up, guessing first that they come in catalogue order (as the aliyun CLI and the
/// API print them), so that most lookups cost one comparison.
struct KeySeed<'c> {
    next: &'c mut usize,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<FieldId>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<FieldId>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let guess = *self.next;
        let found = match FIELDS.get(guess) {
            Some(def) if def.name == v => Some(FieldId(guess as u8)),
            _ => lookup(v),
        };
        if let Some(f) = found {
            *self.next = f.index() + 1;
        }
        Ok(found)
    }
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = RawFields<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a backup plan object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = FieldSet::default();
        let mut out = RawFields {
            fields: Vec::with_capacity(FIELDS.len()),
            duplicate: None,
        };
        let mut next = 0;
        while let Some(key) = map.next_key_seed(KeySeed { next: &mut next })? {
            match key {
                Some(field) => {
                    let raw: &'de RawValue = map.next_value()?;
                    if seen.contains(field) {
                        out.duplicate.get_or_insert((field, raw));
                    } else {
                        seen.insert(field);
                        out.fields.push((field, raw));
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

fn raw_fields(text: &str) -> Result<RawFields<'_>, serde_json::Error> {
    // serde_json's recursion limit (128) stays on: plans are shallow, and a deeper document is
    // refused with an error instead of exhausting the stack.
    serde_json::Deserializer::from_str(text).deserialize_map(FieldsVisitor)
}

/// Reads the plan whose raw JSON is `raw` (a slice of `file`), keeping the fields in `retain`.
pub fn read_plan(
    file: &Arc<SourceFile>,
    input: u32,
    raw: &RawValue,
    retain: FieldSet,
    errors: &mut Vec<InputError>,
) -> Option<Plan> {
    let text = raw.get();
    let offset = file.offset_of(text);
    if !text.starts_with('{') {
        errors.push(InputError::shape(
            file,
            offset,
            text.len().min(80),
            format!("expected a backup plan object, found {}", json_kind(text)),
            None,
        ));
        return None;
    }
    if u32::try_from(text.len()).is_err() {
        // Positions inside a plan are kept in 32 bits.
        errors.push(InputError::shape(
            file,
            offset,
            1,
            format!(
                "this plan object is {} bytes long; a plan may be at most 4 GiB",
                text.len()
            ),
            None,
        ));
        return None;
    }
    let fields = match raw_fields(text) {
        Ok(f) => f,
        Err(e) => {
            let local = SourceFile::offset_of_line_col(text, e.line(), e.column());
            errors.push(InputError::syntax(file, offset + local, e.to_string()));
            return None;
        }
    };
    let plan_label = |fields: &RawFields<'_>| -> String {
        fields
            .fields
            .iter()
            .find(|(f, _)| *f == well_known::BACKUP_PLAN_ID)
            .map(|(_, raw)| match raw.get().as_bytes()[0] {
                b'"' => raw.get().trim_matches('"').to_string(),
                b'-' | b'0'..=b'9' => raw.get().to_string(),
                b'n' => "(no BackupPlanId)".to_string(),
                _ => "(BackupPlanId is not text)".to_string(),
            })
            .unwrap_or_else(|| "(no BackupPlanId)".to_string())
    };
    let before = errors.len();
    if let Some((field, raw)) = fields.duplicate {
        let at = At::new(file, file.offset_of(raw.get()), raw.get().len().min(80));
        errors.push(InputError::DuplicateKey {
            plan: plan_label(&fields),
            key: field.name().to_string(),
            file: Arc::clone(file),
            span: at.span,
            at,
        });
    }
    let mut values = Vec::with_capacity(retain.len().min(fields.fields.len()));
    let (mut id, mut name, mut region) = (None, None, None);
    for &(field, raw) in &fields.fields {
        let def = field.def();
        // Identity fields are always read (into `Plan::id`, `name`, `region`), but kept among
        // the values only when a rule reads them: a million plans should not hold them twice.
        let keep = retain.contains(field);
        let identity = matches!(
            field,
            well_known::BACKUP_PLAN_ID
                | well_known::BACKUP_PLAN_NAME
                | well_known::BACKUP_PLAN_REGION
        );
        if !keep && !identity && valid_unread(def.kind, raw.get().as_bytes()[0]) {
            continue;
        }
        match value::read(def, raw.get()) {
            Ok(slot) => {
                // Identity fields go to the plan's own fields: moved there, or copied when a
                // rule reads them too.
                let mut slot = Some(slot);
                let own = match (identity, keep, &slot) {
                    (true, true, Some(Slot::Present(Value::Text(t)))) => Some(t.clone()),
                    (true, false, _) => match slot.take() {
                        Some(Slot::Present(Value::Text(t))) => Some(t),
                        _ => None,
                    },
                    _ => None,
                };
                match (own, field) {
                    (Some(t), well_known::BACKUP_PLAN_ID) => id = Some(t),
                    (Some(t), well_known::BACKUP_PLAN_NAME) => name = Some(t),
                    (Some(t), _) => region = Some(t),
                    (None, _) => {}
                }
                if let (true, Some(slot)) = (keep, slot) {
                    values.push((field, slot, span_in(text, raw.get())));
                }
            }
            Err(e) => {
                let at = At::new(file, file.offset_of(raw.get()), raw.get().len().min(80));
                errors.push(InputError::BadValue {
                    plan: plan_label(&fields),
                    field: def.name,
                    message: e.0,
                    help: Some(format!(
                        "{} is {}{}",
                        def.name,
                        describe_kind(def.kind),
                        def.unit.map(|u| format!(" ({u})")).unwrap_or_default()
                    )),
                    file: Arc::clone(file),
                    span: at.span,
                    at,
                });
            }
        }
    }
    let id = match id {
        Some(id) if !id.trim().is_empty() => id,
        _ => {
            let at = At::new(file, offset, 1);
            errors.push(InputError::NoPlanId {
                file: Arc::clone(file),
                span: at.span,
                at,
            });
            return None;
        }
    };
    if errors.len() > before {
        return None;
    }
    Some(Plan::new(
        id,
        name,
        region,
        values,
        PlanOrigin {
            input,
            offset: offset as u64,
            len: text.len() as u64,
        },
    ))
}

/// Whether a value of a field no rule reads is valid judging by its first byte alone, so that
/// it need not be read: any JSON string (or number) is a valid text, any string a valid enum
/// value (unknown values are the rules' business), and `BackupObjects` that cannot be parsed
/// are indeterminate, never an error.
fn valid_unread(kind: Kind, first: u8) -> bool {
    match kind {
        Kind::Text => matches!(first, b'"' | b'-' | b'0'..=b'9' | b'n'),
        Kind::Enum(_) => matches!(first, b'"' | b'n'),
        Kind::BackupObjects => matches!(first, b'"' | b'[' | b'n'),
        _ => false,
    }
}

/// Where `value` (a slice of the plan object `plan`, which is under 4 GiB) lies in it: byte
/// offset and length.
fn span_in(plan: &str, value: &str) -> (u32, u32) {
    let offset = value.as_ptr() as usize - plan.as_ptr() as usize;
    (offset as u32, value.len() as u32)
}

fn describe_kind(kind: Kind) -> String {
    match kind {
        Kind::Enum(values) => format!(
            "one of {}",
            values
                .iter()
                .map(|v| format!("\"{v}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Kind::Days => {
            "a whole, non-negative number of days (a JSON number or a string holding one)".into()
        }
        Kind::EpochMillis => "milliseconds since the Unix epoch".into(),
        Kind::Integer => "a whole number (a JSON number or a string holding one)".into(),
        Kind::Bool => "a boolean (true/false, or the strings \"true\"/\"false\")".into(),
        other => format!("a {}", other.name()),
    }
}

/// What kind of JSON value a raw text is, for messages.
pub fn json_kind(raw: &str) -> &'static str {
    match raw.trim_start().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(_) => "a number",
        None => "nothing",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Skipping the fields no rule reads never changes which values are errors.
    #[test]
    fn unread_fields_are_checked_like_read_ones() {
        let values = [
            "\"text\"",
            "\"a\\\"b\"",
            "\"\"",
            "12",
            "-3",
            "1.5",
            "true",
            "null",
            "[]",
            "[{\"DBName\":\"x\"}]",
            "{}",
            "\"[{oops\"",
            "\"Monday\"",
            "\"01:30\"",
        ];
        for field in FieldId::all().filter(|f| f.derived().is_none()) {
            if field == well_known::BACKUP_PLAN_ID {
                continue;
            }
            for value in values {
                let text = format!(r#"{{"BackupPlanId":"p1","{}":{value}}}"#, field.name());
                let file = SourceFile::new("t.json", text);
                let raw: &RawValue = serde_json::from_str(file.text()).unwrap();
                let outcome = |retain: FieldSet| {
                    let mut errors = Vec::new();
                    let plan = read_plan(&file, 0, raw, retain, &mut errors);
                    (plan.is_some(), errors.len())
                };
                assert_eq!(
                    outcome(FieldSet::default()),
                    outcome(FieldSet::all()),
                    "{} = {value}",
                    field.name()
                );
            }
        }
    }

    #[test]
    fn plans_know_where_their_values_are() {
        let text = "[\n  {\"BackupPlanId\": \"p1\",\n   \"BackupRetentionPeriod\" : \"30\", \"EnableBackupLog\":true}]";
        let file = SourceFile::new("t.json", text.to_string());
        let plans: Vec<&RawValue> = serde_json::from_str(file.text()).unwrap();
        let retention = FieldId::from_name("BackupRetentionPeriod").unwrap();
        let retain: FieldSet = [retention, well_known::BACKUP_PLAN_ID]
            .into_iter()
            .collect();
        let plan = read_plan(&file, 0, plans[0], retain, &mut Vec::new()).unwrap();
        let at = |f: FieldId| plan.span(f).map(|(o, l)| &file.text()[o..o + l]);
        assert_eq!(at(retention), Some("\"30\""));
        assert_eq!(at(well_known::BACKUP_PLAN_ID), Some("\"p1\""));
        // Not retained, or absent: no position.
        assert_eq!(at(FieldId::from_name("EnableBackupLog").unwrap()), None);
        assert_eq!(at(FieldId::from_name("BackupPeriod").unwrap()), None);
    }
}
