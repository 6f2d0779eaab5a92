//! A backup plan as the engine sees it.

use super::catalogue::FieldId;
use super::value::Slot;

/// A set of catalogued fields (52 fit in a `u64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FieldSet(u64);

impl FieldSet {
    pub fn all() -> FieldSet {
        FieldSet((1u64 << super::FIELDS.len()) - 1)
    }
    pub fn insert(&mut self, field: FieldId) {
        self.0 |= 1 << field.index();
    }
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn contains(self, field: FieldId) -> bool {
        self.0 & (1 << field.index()) != 0
    }
    pub fn iter(self) -> impl Iterator<Item = FieldId> {
        FieldId::all().filter(move |f| self.contains(*f))
    }
}

impl FromIterator<FieldId> for FieldSet {
    fn from_iter<I: IntoIterator<Item = FieldId>>(iter: I) -> Self {
        let mut set = FieldSet::default();
        for f in iter {
            set.insert(f);
        }
        set
    }
}

/// Where a plan was read from: which input, and the byte range of its JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanOrigin {
    pub input: u32,
    pub offset: u64,
    pub len: u64,
}

/// One backup plan: its identity, the values of the fields that were loaded, and its origin.
///
/// Only the fields asked for at load time are kept; the raw JSON of the whole plan (including
/// fields the catalogue does not know) stays available through its origin.
#[derive(Debug, Clone)]
pub struct Plan {
    pub id: Box<str>,
    pub name: Option<Box<str>>,
    pub region: Option<Box<str>>,
    values: Vec<(FieldId, Slot)>,
    /// Where each value is in the plan's object (offset from its start, length), in the order
    /// of `values` (plan objects are under 4 GiB).
    spans: Vec<(u32, u32)>,
    pub origin: PlanOrigin,
}

static MISSING: Slot = Slot::Missing;

impl Plan {
    /// A plan with `values`, each with its span in the plan's object (offset from the start of
    /// the object, length).
    pub fn new(
        id: Box<str>,
        name: Option<Box<str>>,
        region: Option<Box<str>>,
        mut values: Vec<(FieldId, Slot, (u32, u32))>,
        origin: PlanOrigin,
    ) -> Plan {
        values.sort_unstable_by_key(|(f, _, _)| *f);
        let spans = values.iter().map(|(_, _, s)| *s).collect();
        Plan {
            id,
            name,
            region,
            values: values.into_iter().map(|(f, v, _)| (f, v)).collect(),
            spans,
            origin,
        }
    }

    /// Byte offset (in its file) and length of the value of `field`, when it was loaded.
    pub fn span(&self, field: FieldId) -> Option<(usize, usize)> {
        let i = self.values.binary_search_by_key(&field, |(f, _)| *f).ok()?;
        let (offset, len) = *self.spans.get(i)?;
        Some((self.origin.offset as usize + offset as usize, len as usize))
    }

    /// The value of `field`; [`Slot::Missing`] when absent (or not loaded).
    pub fn get(&self, field: FieldId) -> &Slot {
        match self.values.binary_search_by_key(&field, |(f, _)| *f) {
            Ok(i) => &self.values[i].1,
            Err(_) => &MISSING,
        }
    }

    /// The value of a field or derived value, computing derived ones from their sources.
    pub fn value(&self, field: FieldId) -> std::borrow::Cow<'_, Slot> {
        use super::catalogue::Derivation;
        use super::value::Value;
        use std::borrow::Cow;
        let Some(derived) = field.derived() else {
            return Cow::Borrowed(self.get(field));
        };
        let source = |name: &str| FieldId::from_name(name).map_or(&MISSING, |f| self.get(f));
        let computed = match derived.derivation {
            Derivation::DaysBetween(begin, end) => match (source(begin), source(end)) {
                (Slot::Present(Value::Int(b)), Slot::Present(Value::Int(e))) => {
                    Slot::Present(Value::Int((e - b).div_euclid(86_400_000)))
                }
                (Slot::Present(_), other) | (other, _) => other.clone(),
            },
            Derivation::WeekdayCount(days) => match source(days) {
                Slot::Present(Value::Weekdays(w)) => {
                    Slot::Present(Value::Int(i64::from(w.count())))
                }
                other => other.clone(),
            },
        };
        Cow::Owned(computed)
    }

    /// Drops the loaded values, keeping the plan's identity and origin (what reports print of
    /// a plan once its findings are made).
    pub fn forget_values(&mut self) {
        self.values = Vec::new();
        self.spans = Vec::new();
    }

    /// The loaded values, in catalogue order.
    pub fn values(&self) -> &[(FieldId, Slot)] {
        &self.values
    }
}
