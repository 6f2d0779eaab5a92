//! Benchmark baseline: a plain `serde_json::from_slice` of a dump into structs holding just the
//! fields the `recommended` pack reads. `dbs-lint check` is measured against this.
//!
//! `cargo run --release --example baseline_parse -- dump.json`

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// A number, string or boolean, as the API mixes them.
#[derive(Debug)]
#[allow(dead_code)]
enum Scalar {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    Null,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scalar")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v as i64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Str(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct Plan {
    backup_plan_id: Option<String>,
    backup_plan_name: Option<String>,
    backup_plan_region: Option<String>,
    backup_retention_period: Option<Scalar>,
    storage_encrypt_method: Option<String>,
    enable_backup_log: Option<Scalar>,
    log_backup_retention_period: Option<Scalar>,
    backup_plan_status: Option<String>,
    source_endpoint_enable_ssl: Option<Scalar>,
    source_endpoint_instance_id: Option<String>,
    backup_period: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Items {
    backup_plan_detail: Vec<Plan>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct Response {
    items: Items,
    total_elements: u64,
    success: bool,
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: baseline_parse DUMP");
    let bytes = std::fs::read(path).expect("readable dump");
    let response: Response = serde_json::from_slice(&bytes).expect("valid dump");
    println!("{} plans", response.items.backup_plan_detail.len());
}
