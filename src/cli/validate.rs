//! `dbs-lint validate`: check policy files (and the configuration) without reading any plan.

use clap::Args;

use super::exit::ExitCode;
use super::output::Output;
use super::policy_args::PolicyArgs;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Policy files or built-in pack names (default: the configuration's policies).
    #[arg(value_name = "POLICY")]
    files: Vec<String>,
    #[command(flatten)]
    policy: PolicyArgs,
}

pub fn run(mut args: ValidateArgs, out: &Output) -> ExitCode {
    args.policy.policies.append(&mut args.files);
    match args.policy.load(chrono::Utc::now().timestamp_millis()) {
        Ok((set, settings)) => {
            if let Some(config) = &settings.path {
                println!("ok: {config} (configuration)");
            }
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
