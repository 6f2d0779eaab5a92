//! `dbs-lint rules`: what a set of policies checks.

use clap::Args;

use super::exit::ExitCode;
use super::output::Output;
use super::policy_args::PolicyArgs;

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    policy: PolicyArgs,
}

pub fn run(args: RulesArgs, out: &Output) -> ExitCode {
    let set = match args.policy.load(chrono::Utc::now().timestamp_millis()) {
        Ok((set, _)) => set,
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
