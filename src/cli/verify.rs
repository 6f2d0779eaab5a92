//! `dbs-lint verify DIR`: recompute every digest of an evidence bundle.

use std::path::PathBuf;

use clap::Args;

use super::exit::ExitCode;
use super::output::Output;
use crate::evidence::verify;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The bundle directory written by `dbs-lint check --evidence DIR`.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

pub const AFTER_HELP: &str = "\
Exit codes:
  0  every file is intact
  1  a file was altered, removed or added
  2  DIR is not an evidence bundle";

pub fn run(args: VerifyArgs, out: &Output) -> ExitCode {
    let result = match verify(&args.dir) {
        Ok(r) => r,
        Err(e) => {
            out.note(&format!("dbs-lint: {e}"));
            return ExitCode::Usage;
        }
    };
    let m = &result.manifest;
    println!(
        "bundle {} (dbs-lint {}, written {}; manifest sha256 {})",
        args.dir.display(),
        m.tool.version,
        m.created_at,
        result.manifest_sha256
    );
    for p in &result.problems {
        println!("  {p}");
    }
    if result.intact() {
        println!("intact: {} file(s) match the manifest", result.checked);
        ExitCode::Clean
    } else {
        println!(
            "NOT intact: {} problem(s) in {} file(s) listed",
            result.problems.len(),
            result.checked
        );
        ExitCode::Findings
    }
}
