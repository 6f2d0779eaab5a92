//! `dbs-lint check`: load policies, load plans, evaluate, report, decide the exit code.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;

use super::exit::{self, ExitCode, FailOn};
use super::fetch::fetch;
use super::live::LiveArgs;
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
    /// Check plans fetched from the live DBS API instead of dumps.
    #[arg(long, conflicts_with = "inputs")]
    live: bool,
    /// With --live: save the fetched dump to FILE; findings then point into it.
    #[arg(long, value_name = "FILE", requires = "live")]
    save: Option<PathBuf>,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
    /// On a signature mismatch, show the StringToSign the server computed.
    #[arg(short, long)]
    verbose: bool,
    #[command(flatten, next_help_heading = "Live fetch (with --live)")]
    live_args: LiveArgs,
}

pub fn run(args: CheckArgs, out: &Output) -> ExitCode {
    let specs: Vec<PolicySpec> = args.policies.iter().map(|p| PolicySpec::parse(p)).collect();
    let rules = match policy::load(&specs) {
        Ok(rules) => rules,
        Err(errors) => {
            out.diagnostics(&errors);
            out.note(&format!(
                "dbs-lint: {} policy error(s); nothing was checked",
                errors.len()
            ));
            return ExitCode::Usage;
        }
    };
    let inputs: Vec<InputSpec> = if args.live {
        match live_input(&args, out) {
            Ok(input) => vec![input],
            Err(code) => return code,
        }
    } else if args.inputs.is_empty() {
        out.note(
            "dbs-lint: no input: name dump files or directories, `-` to read stdin, or --live",
        );
        return ExitCode::Usage;
    } else {
        args.inputs.iter().map(|i| InputSpec::parse(i)).collect()
    };
    let options = LoadOptions {
        allow_partial: args.allow_partial,
        retain: rules.fields(),
    };
    let data = match source::load(&inputs, &options, &mut io::stdin().lock()) {
        Ok(data) => data,
        Err(errors) => {
            out.diagnostics(&errors);
            out.note(&format!(
                "dbs-lint: {} input error(s); nothing was checked",
                errors.len()
            ));
            return ExitCode::Input;
        }
    };
    let eval = engine::evaluate(&rules.rules, &data.plans);
    let report = Report::new(&rules, &data, &eval);
    let result = match &args.output {
        Some(path) => File::create(path).and_then(|f| {
            let mut w = BufWriter::new(f);
            let text = TextOptions {
                color: false,
                width: WIDTH,
            };
            report::render(&report, args.format, text, &mut w)?;
            w.flush()
        }),
        None => {
            let stdout = io::stdout();
            let color = out.color_for(stdout.is_terminal());
            let mut w = BufWriter::new(stdout.lock());
            report::render(
                &report,
                args.format,
                TextOptions {
                    color,
                    width: WIDTH,
                },
                &mut w,
            )
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
            out.note(&format!(
                "dbs-lint: cannot write the report to {target}: {e}"
            ));
            return ExitCode::Usage;
        }
    }
    exit::for_findings(&eval, args.fail_on)
}

/// Fetches plans live; the dump is saved with --save (and read back from there, so findings
/// point into the file), or kept in memory under a name that says where it came from.
fn live_input(args: &CheckArgs, out: &Output) -> Result<InputSpec, ExitCode> {
    let outcome = fetch(
        &args.live_args,
        args.allow_partial,
        args.quiet,
        args.verbose,
        out,
    )?;
    let dump = crate::source::api::to_dump_json(&outcome);
    match &args.save {
        Some(path) => {
            if let Err(e) = std::fs::write(path, dump.as_bytes()) {
                out.note(&format!(
                    "dbs-lint: cannot save the dump to {}: {e}",
                    path.display()
                ));
                return Err(ExitCode::Usage);
            }
            Ok(InputSpec::Path(path.clone()))
        }
        None => {
            let regions: Vec<&str> = outcome
                .provenance
                .regions
                .iter()
                .map(|r| r.region.as_str())
                .collect();
            Ok(InputSpec::Text {
                name: format!("live:{}", regions.join(",")),
                text: dump,
            })
        }
    }
}
