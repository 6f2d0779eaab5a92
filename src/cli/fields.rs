//! `dbs-lint fields`: the field catalogue, for policy authors.

use clap::Args;

use super::exit::ExitCode;
use super::output::Output;
use crate::model::{Kind, FIELDS};
use crate::policy::validate::operators_for;

#[derive(Debug, Args)]
pub struct FieldsArgs {}

pub fn run(_args: FieldsArgs, _out: &Output) -> ExitCode {
    for f in FIELDS.iter() {
        let values = match f.kind {
            Kind::Enum(values) => format!(
                " values: {}.",
                values
                    .iter()
                    .map(|v| if v.is_empty() { "\"\"" } else { v })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => String::new(),
        };
        let unit = f.unit.map(|u| format!(" ({u})")).unwrap_or_default();
        println!("{}: {}{unit}. {}{values}", f.name, f.kind, f.doc);
        println!("    operators: {}", operators_for(f.kind).join(", "));
    }
    ExitCode::Clean
}
