//! `dbs-lint init`: writes a commented starter configuration file.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::exit::ExitCode;
use super::output::Output;

/// The starter `.dbs-lint.yaml`: every key it sets is one the configuration loader accepts.
pub const STARTER: &str = "\
# dbs-lint configuration. dbs-lint finds this file in the working directory or the nearest
# parent directory (or reads the one named with --config FILE).
# Every key is described in schema/dbs-lint.schema.json (`dbs-lint schema`), so an editor with
# a YAML language server completes them.

# Built-in packs by name, and policy files by path (relative to this file).
extends:
  - recommended
  # - strict
  # - ./policies/team.yaml

# Values for the parameters the policies declare. `dbs-lint explain RULE` shows a rule.
params: {}
  # min_retention_days: 730

# Per rule id: change its severity, turn it off, or set its parameters.
overrides: {}
  # source-ssl:
  #   severity: error
  # weekly-full-backup:
  #   off: true

# Findings at or above this severity fail the run (exit 1): error, warning, note or never.
fail_on: error
";

/// The file `init` writes when not told otherwise.
pub const DEFAULT_PATH: &str = ".dbs-lint.yaml";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the configuration file.
    #[arg(short, long, value_name = "FILE", default_value = DEFAULT_PATH)]
    output: PathBuf,
    /// Overwrite the file if it exists.
    #[arg(long)]
    force: bool,
}

pub fn run(args: InitArgs, out: &Output) -> ExitCode {
    let shown = args.output.to_string_lossy().replace('\\', "/");
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let result = options
        .open(&args.output)
        .and_then(|mut file| file.write_all(STARTER.as_bytes()));
    match result {
        Ok(()) => {
            println!("wrote {shown}: edit it, then run `dbs-lint check`");
            ExitCode::Clean
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            out.note(&format!(
                "error: {shown} already exists; not overwriting it\n  help: pass --force to replace it"
            ));
            ExitCode::Usage
        }
        Err(e) => {
            out.note(&format!("error: cannot write {shown}: {e}"));
            ExitCode::Usage
        }
    }
}
