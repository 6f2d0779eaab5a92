//! `dbs-lint rules`: what a set of policies checks.

use clap::Args;

use super::exit::ExitCode;
use super::output::Output;
use crate::policy::{self, PolicySpec};

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Policy file or built-in pack name; repeatable. Default: the `recommended` pack.
    #[arg(short, long = "policy", value_name = "PATH")]
    policies: Vec<String>,
}

pub fn run(args: RulesArgs, out: &Output) -> ExitCode {
    let specs: Vec<PolicySpec> = args.policies.iter().map(|p| PolicySpec::parse(p)).collect();
    let set = match policy::load(&specs) {
        Ok(set) => set,
        Err(errors) => {
            out.diagnostics(&errors);
            return ExitCode::Usage;
        }
    };
    let width = set.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for rule in &set.rules {
        let fields: Vec<&str> = rule.fields().iter().map(|f| f.name()).collect();
        println!(
            "{:<width$}  {:<7}  {}  [{}; reads {}]",
            rule.id,
            rule.severity.as_str(),
            rule.title.as_deref().unwrap_or(""),
            rule.policy,
            fields.join(", ")
        );
    }
    ExitCode::Clean
}
