//! `dbs-lint diff OLD NEW`: drift between two dumps, with compliance before and after.

use std::io::{self, BufWriter, Write};

use clap::Args;

use super::exit::ExitCode;
use super::output::Output;
use super::policy_args::PolicyArgs;
use crate::diff::render::{render, DiffFormat};
use crate::source::{self, Dataset, InputSpec, LoadOptions};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier dump (a file, a directory of *.json, or `-` for stdin).
    #[arg(value_name = "OLD")]
    old: String,
    /// The later dump.
    #[arg(value_name = "NEW")]
    new: String,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Compare dumps that hold fewer plans than their TotalElements.
    #[arg(long)]
    allow_partial: bool,
}

pub fn run(args: DiffArgs, out: &Output) -> ExitCode {
    let now_ms = chrono::Utc::now().timestamp_millis();
    let rules = match args.policy.load(now_ms) {
        Ok((rules, _)) => rules,
        Err(errors) => {
            out.diagnostics(&errors);
            out.note(&format!(
                "dbs-lint: {} policy error(s); nothing was compared",
                errors.len()
            ));
            return ExitCode::Usage;
        }
    };
    let options = LoadOptions {
        allow_partial: args.allow_partial,
        retain: rules.fields(),
    };
    let load = |input: &str| -> Result<Dataset, ExitCode> {
        source::load(
            &[InputSpec::parse(input)],
            &options,
            &mut io::stdin().lock(),
        )
        .map_err(|errors| {
            out.diagnostics(&errors);
            out.note(&format!(
                "dbs-lint: {} input error(s) in {input}; nothing was compared",
                errors.len()
            ));
            ExitCode::Input
        })
    };
    let before = match load(&args.old) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let after = match load(&args.new) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let drift = crate::diff::diff(&rules, &before.plans, &after.plans);
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    if let Err(e) = render(&drift, args.format, &mut w).and_then(|()| w.flush()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            out.note(&format!("dbs-lint: cannot write the drift report: {e}"));
            return ExitCode::Usage;
        }
    }
    if drift.has_regression() {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    }
}
