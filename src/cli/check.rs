//! `dbs-lint check`: load policies, load plans, evaluate, report, decide the exit code.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;

use super::exit::{self, ExitCode, FailOn};
use super::output::{Output, WIDTH};
use crate::engine;
use crate::policy::{self, PolicySpec};
use crate::report::{self, Format, Report, TextOptions};
use crate::source::{self, InputSpec, LoadOptions};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Dump files, directories (every *.json inside) or `-` for stdin.
    #[arg(value_name = "INPUT")]
    inputs: Vec<String>,
    /// Policy file or built-in pack name; repeatable. Default: the `recommended` pack.
    #[arg(short, long = "policy", value_name = "PATH")]
    policies: Vec<String>,
    /// Report format.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Lowest finding severity that fails the run (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Check a dump that holds fewer plans than its TotalElements, reporting the gap,
    /// instead of refusing it (exit 3).
    #[arg(long)]
    allow_partial: bool,
}

pub fn run(args: CheckArgs, out: &Output) -> ExitCode {
    let specs: Vec<PolicySpec> = args.policies.iter().map(|p| PolicySpec::parse(p)).collect();
    let rules = match policy::load(&specs) {
        Ok(rules) => rules,
        Err(errors) => {
            out.diagnostics(&errors);
            out.note(&format!("dbs-lint: {} policy error(s); nothing was checked", errors.len()));
            return ExitCode::Usage;
        }
    };
    if args.inputs.is_empty() {
        out.note("dbs-lint: no input: name dump files or directories, or `-` to read stdin");
        return ExitCode::Usage;
    }
    let inputs: Vec<InputSpec> = args.inputs.iter().map(|i| InputSpec::parse(i)).collect();
    let options = LoadOptions {
        allow_partial: args.allow_partial,
        retain: rules.fields(),
    };
    let data = match source::load(&inputs, &options, &mut io::stdin().lock()) {
        Ok(data) => data,
        Err(errors) => {
            out.diagnostics(&errors);
            out.note(&format!("dbs-lint: {} input error(s); nothing was checked", errors.len()));
            return ExitCode::Input;
        }
    };
    let eval = engine::evaluate(&rules.rules, &data.plans);
    let report = Report::new(&rules, &data, &eval);
    let result = match &args.output {
        Some(path) => File::create(path).and_then(|f| {
            let mut w = BufWriter::new(f);
            let text = TextOptions { color: false, width: WIDTH };
            report::render(&report, args.format, text, &mut w)?;
            w.flush()
        }),
        None => {
            let stdout = io::stdout();
            let color = out.color_for(stdout.is_terminal());
            let mut w = BufWriter::new(stdout.lock());
            report::render(&report, args.format, TextOptions { color, width: WIDTH }, &mut w)
                .and_then(|_| w.flush())
        }
    };
    if let Err(e) = result {
        if e.kind() != io::ErrorKind::BrokenPipe {
            let target = args
                .output
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "stdout".into());
            out.note(&format!("dbs-lint: cannot write the report to {target}: {e}"));
            return ExitCode::Usage;
        }
    }
    exit::for_findings(&eval, args.fail_on)
}
