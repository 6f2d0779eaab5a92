//! Typed field values, read from the raw JSON of a plan according to the catalogue.

use std::fmt;

use serde::Deserialize;

use super::catalogue::{FieldDef, Kind, Wire};
use super::weekdays::Weekdays;

/// A present, well-formed value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Bool(bool),
    Text(Box<str>),
    /// Minutes after midnight.
    Time(u16),
    Weekdays(Weekdays),
    Objects(Box<[BackupObject]>),
}

/// What a plan holds for a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// The key is absent.
    Missing,
    /// The key is present with `null` (or an empty string where a number is documented).
    Null,
    /// The value is present but cannot be interpreted; rules that read it are indeterminate.
    Unparsable(Box<str>),
    Present(Value),
}

impl Slot {
    pub fn value(&self) -> Option<&Value> {
        match self {
            Slot::Present(v) => Some(v),
            _ => None,
        }
    }
}

/// One entry of `BackupObjects`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BackupObject {
    #[serde(rename = "DBName", default)]
    pub db_name: Option<String>,
    #[serde(default)]
    pub schema_name: Option<String>,
    #[serde(default, deserialize_with = "table_names")]
    pub table_includes: Vec<String>,
    #[serde(default, deserialize_with = "table_names")]
    pub table_excludes: Vec<String>,
}

fn table_names<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct Table {
        #[serde(rename = "TableName")]
        table_name: String,
    }
    let tables: Option<Vec<Table>> = Option::deserialize(d)?;
    Ok(tables
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.table_name)
        .collect())
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Text(s) => f.write_str(s),
            Value::Time(m) => write!(f, "{:02}:{:02}", m / 60, m % 60),
            Value::Weekdays(w) => write!(f, "{w}"),
            Value::Objects(objects) => {
                let names: Vec<&str> = objects
                    .iter()
                    .map(|o| o.db_name.as_deref().unwrap_or("?"))
                    .collect();
                write!(f, "[{}]", names.join(", "))
            }
        }
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Slot::Missing => f.write_str("missing"),
            Slot::Null => f.write_str("null"),
            Slot::Unparsable(why) => write!(f, "unparsable ({why})"),
            Slot::Present(v) => v.fmt(f),
        }
    }
}

/// Why a raw value does not fit its field: the dump is malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError(pub String);

/// A JSON literal, classified without allocating where possible.
enum Literal<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(std::borrow::Cow<'a, str>),
    Array,
    Object,
}

fn classify(raw: &str) -> Result<Literal<'_>, ValueError> {
    let raw = raw.trim();
    match raw.as_bytes().first() {
        Some(b'n') => Ok(Literal::Null),
        Some(b't') => Ok(Literal::Bool(true)),
        Some(b'f') => Ok(Literal::Bool(false)),
        Some(b'[') => Ok(Literal::Array),
        Some(b'{') => Ok(Literal::Object),
        Some(b'"') => {
            let inner = &raw[1..raw.len() - 1];
            if inner.contains('\\') {
                serde_json::from_str::<String>(raw)
                    .map(|s| Literal::String(s.into()))
                    .map_err(|e| ValueError(format!("invalid string: {e}")))
            } else {
                Ok(Literal::String(inner.into()))
            }
        }
        _ => Ok(Literal::Number(raw)),
    }
}

fn describe(lit: &Literal<'_>) -> String {
    match lit {
        Literal::Null => "null".into(),
        Literal::Bool(b) => b.to_string(),
        Literal::Number(n) => n.to_string(),
        Literal::String(s) => format!("\"{}\"", truncate(s, 40)),
        Literal::Array => "an array".into(),
        Literal::Object => "an object".into(),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// Parses a whole decimal number: optional minus, digits, nothing else.
fn parse_whole(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Reads the raw JSON text of one field's value according to the field's definition.
///
/// `Ok` with [`Slot::Null`] or [`Slot::Unparsable`] leaves the decision to the rules (they
/// become indeterminate); `Err` means the dump contradicts the API's documented types.
pub fn read(def: &FieldDef, raw: &str) -> Result<Slot, ValueError> {
    let lit = classify(raw)?;
    if let Literal::Null = lit {
        return Ok(Slot::Null);
    }
    let found = || describe(&lit);
    match def.kind {
        Kind::Integer | Kind::Days | Kind::EpochMillis => {
            let text = match &lit {
                Literal::Number(n) => *n,
                Literal::String(s) if s.is_empty() && def.wire == Wire::NumericString => {
                    return Ok(Slot::Null)
                }
                Literal::String(s) => s.as_ref(),
                _ => return Err(ValueError(format!("expected a number, found {}", found()))),
            };
            let Some(n) = parse_whole(text) else {
                return Err(ValueError(format!(
                    "expected a whole number, found {}",
                    found()
                )));
            };
            if n < 0 && def.kind != Kind::Integer {
                return Err(ValueError(format!(
                    "must not be negative, found {}",
                    found()
                )));
            }
            Ok(Slot::Present(Value::Int(n)))
        }
        Kind::Bool => match &lit {
            Literal::Bool(b) => Ok(Slot::Present(Value::Bool(*b))),
            Literal::String(s) if s.eq_ignore_ascii_case("true") => {
                Ok(Slot::Present(Value::Bool(true)))
            }
            Literal::String(s) if s.eq_ignore_ascii_case("false") => {
                Ok(Slot::Present(Value::Bool(false)))
            }
            Literal::String(s) if s.is_empty() => Ok(Slot::Null),
            _ => Err(ValueError(format!(
                "expected true or false, found {}",
                found()
            ))),
        },
        Kind::Enum(_) => match lit {
            Literal::String(s) => Ok(Slot::Present(Value::Text(s.into()))),
            _ => Err(ValueError(format!("expected a string, found {}", found()))),
        },
        Kind::Text => match lit {
            Literal::String(s) => Ok(Slot::Present(Value::Text(s.into()))),
            Literal::Number(n) => Ok(Slot::Present(Value::Text(n.into()))),
            _ => Err(ValueError(format!("expected a string, found {}", found()))),
        },
        Kind::TimeOfDay => match &lit {
            Literal::String(s) if s.is_empty() => Ok(Slot::Null),
            Literal::String(s) => parse_time(s)
                .map(|m| Slot::Present(Value::Time(m)))
                .ok_or_else(|| {
                    ValueError(format!("expected a time of day HH:mm, found {}", found()))
                }),
            _ => Err(ValueError(format!(
                "expected a time of day HH:mm, found {}",
                found()
            ))),
        },
        Kind::Weekdays => match &lit {
            Literal::String(s) => Weekdays::parse_list(s)
                .map(|w| Slot::Present(Value::Weekdays(w)))
                .map_err(ValueError),
            _ => Err(ValueError(format!(
                "expected comma-separated weekdays, found {}",
                found()
            ))),
        },
        Kind::BackupObjects => {
            let parsed = match &lit {
                Literal::String(s) if s.trim().is_empty() => return Ok(Slot::Null),
                Literal::String(s) => serde_json::from_str::<Vec<BackupObject>>(s),
                Literal::Array => serde_json::from_str::<Vec<BackupObject>>(raw),
                _ => {
                    return Err(ValueError(format!(
                        "expected a JSON string, found {}",
                        found()
                    )))
                }
            };
            Ok(match parsed {
                Ok(objects) => Slot::Present(Value::Objects(objects.into())),
                Err(e) => {
                    Slot::Unparsable(format!("not a JSON array of backup objects: {e}").into())
                }
            })
        }
    }
}

/// Parses `HH:mm`, also accepting `H:mm`, seconds and a trailing `Z`.
pub fn parse_time(text: &str) -> Option<u16> {
    let text = text.trim().trim_end_matches('Z');
    let mut parts = text.split(':');
    let h: u16 = parts.next()?.parse().ok()?;
    let m_text = parts.next()?;
    if m_text.len() != 2 {
        return None;
    }
    let m: u16 = m_text.parse().ok()?;
    if let Some(s) = parts.next() {
        let s: u16 = s.parse().ok()?;
        if s > 59 {
            return None;
        }
    }
    if parts.next().is_some() || h > 23 || m > 59 {
        return None;
    }
    Some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FieldId;

    fn read_field(name: &str, raw: &str) -> Result<Slot, ValueError> {
        read(FieldId::from_name(name).unwrap().def(), raw)
    }

    #[test]
    fn numbers_and_numeric_strings() {
        assert_eq!(
            read_field("BackupRetentionPeriod", "365"),
            Ok(Slot::Present(Value::Int(365)))
        );
        assert_eq!(
            read_field("BackupRetentionPeriod", "\"365\""),
            Ok(Slot::Present(Value::Int(365)))
        );
        assert_eq!(
            read_field("LogBackupRetentionPeriod", "\"7\""),
            Ok(Slot::Present(Value::Int(7)))
        );
        assert_eq!(
            read_field("LogBackupRetentionPeriod", "7"),
            Ok(Slot::Present(Value::Int(7)))
        );
        assert_eq!(
            read_field("LogBackupRetentionPeriod", "\"\""),
            Ok(Slot::Null)
        );
        assert_eq!(
            read_field("BackupGatewayId", "1234567890123"),
            Ok(Slot::Present(Value::Int(1_234_567_890_123)))
        );
    }

    #[test]
    fn malformed_numbers_are_errors() {
        for raw in [
            "\"365 \"",
            "\"0x16D\"",
            "365.5",
            "1e400",
            "-1",
            "true",
            "{}",
        ] {
            assert!(read_field("BackupRetentionPeriod", raw).is_err(), "{raw}");
        }
        assert!(
            read_field("BackupGatewayId", "-1").is_ok(),
            "plain integers may be negative"
        );
    }

    #[test]
    fn booleans_accept_strings() {
        assert_eq!(
            read_field("SourceEndpointEnableSsl", "\"true\""),
            Ok(Slot::Present(Value::Bool(true)))
        );
        assert_eq!(
            read_field("EnableBackupLog", "false"),
            Ok(Slot::Present(Value::Bool(false)))
        );
        assert_eq!(read_field("EnableBackupLog", "null"), Ok(Slot::Null));
        assert!(read_field("EnableBackupLog", "\"yes\"").is_err());
    }

    #[test]
    fn strings_times_weekdays() {
        assert_eq!(
            read_field("BackupPlanStatus", "\"running\""),
            Ok(Slot::Present(Value::Text("running".into())))
        );
        assert_eq!(
            read_field("BackupPlanName", "\"a\\\"b\""),
            Ok(Slot::Present(Value::Text("a\"b".into())))
        );
        assert_eq!(
            read_field("BackupStartTime", "\"01:30\""),
            Ok(Slot::Present(Value::Time(90)))
        );
        assert_eq!(
            read_field("BackupStartTime", "\"14:22Z\""),
            Ok(Slot::Present(Value::Time(862)))
        );
        assert!(read_field("BackupStartTime", "\"25:00\"").is_err());
        assert!(read_field("BackupPeriod", "\"Monday,Funday\"").is_err());
    }

    #[test]
    fn backup_objects_json_in_a_string() {
        let raw = r#""[{\"DBName\":\"orders\",\"TableExcludes\":[{\"TableName\":\"tmp\"}]}]""#;
        let Ok(Slot::Present(Value::Objects(objects))) = read_field("BackupObjects", raw) else {
            panic!("not parsed");
        };
        assert_eq!(objects[0].db_name.as_deref(), Some("orders"));
        assert_eq!(objects[0].table_excludes, vec!["tmp".to_string()]);
        assert!(matches!(
            read_field("BackupObjects", "\"[{oops\""),
            Ok(Slot::Unparsable(_))
        ));
    }
}
