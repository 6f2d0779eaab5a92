//! `dbs-lint fetch`: save the plans of the live DBS API as a dump that `check` reads later.

use std::path::PathBuf;

use clap::Args;

use super::exit::ExitCode;
use super::live::{run_live, LiveArgs};
use super::output::Output;
use super::progress;
use crate::source::api::{to_dump_json, ApiError, ErrorClass, FetchOutcome};

#[derive(Debug, Args)]
pub struct FetchArgs {
    #[command(flatten)]
    live: LiveArgs,
    /// Write the dump to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Save what could be fetched when a page or region fails, listing the gap in the dump's
    /// provenance, instead of failing (exit 3).
    #[arg(long)]
    allow_partial: bool,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
    /// On a signature mismatch, show the StringToSign the server computed.
    #[arg(short, long)]
    verbose: bool,
}

pub fn run(args: FetchArgs, out: &Output) -> ExitCode {
    let outcome = match fetch(
        &args.live,
        args.allow_partial,
        args.quiet,
        args.verbose,
        out,
    ) {
        Ok(outcome) => outcome,
        Err(code) => return code,
    };
    let dump = to_dump_json(&outcome);
    let written = match &args.output {
        Some(path) => std::fs::write(path, dump.as_bytes()),
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(dump.as_bytes())
        }
    };
    if let Err(e) = written {
        out.note(&format!("dbs-lint: cannot write the dump: {e}"));
        return ExitCode::Usage;
    }
    if outcome.is_partial() {
        out.note("dbs-lint: warning: the fetch is incomplete; the dump's provenance lists what is missing");
    }
    ExitCode::Clean
}

/// Runs a live fetch, printing any error; shared by `fetch` and `check --live`.
pub fn fetch(
    live: &LiveArgs,
    allow_partial: bool,
    quiet: bool,
    verbose: bool,
    out: &Output,
) -> Result<FetchOutcome, ExitCode> {
    let progress = progress::for_stderr(quiet);
    let result = run_live(live, allow_partial, progress.as_ref());
    drop(progress);
    result.map_err(|e| report(&e, verbose, out))
}

fn report(error: &ApiError, verbose: bool, out: &Output) -> ExitCode {
    out.diagnostics(std::slice::from_ref(error));
    if let Some(sts) = error.server_string_to_sign() {
        if verbose {
            out.note(&format!("the server's StringToSign:\n{sts}"));
        } else {
            out.note("dbs-lint: run with -v to see the StringToSign the server computed");
        }
    }
    match error.class() {
        ErrorClass::Usage => ExitCode::Usage,
        ErrorClass::Input => ExitCode::Input,
    }
}
