//! `dbs-lint validate`: check policy files without reading any plan.

use clap::Args;

use super::exit::ExitCode;
use super::output::Output;
use crate::policy::{self, PolicySpec};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Policy files or built-in pack names.
    #[arg(value_name = "POLICY", required = true)]
    policies: Vec<String>,
}

pub fn run(args: ValidateArgs, out: &Output) -> ExitCode {
    let specs: Vec<PolicySpec> = args.policies.iter().map(|p| PolicySpec::parse(p)).collect();
    match policy::load(&specs) {
        Ok(set) => {
            for p in &set.policies {
                println!("ok: {} ({}): {} rule(s)", p.source, p.name, p.rules);
            }
            ExitCode::Clean
        }
        Err(errors) => {
            out.diagnostics(&errors);
            out.note(&format!("dbs-lint: {} policy error(s)", errors.len()));
            ExitCode::Usage
        }
    }
}
