//! Command-line interface: clap definitions, printing and the exit code. The only module that
//! writes to stdout or stderr.

mod check;
mod completions;
mod diff;
mod exit;
mod explain;
mod fetch;
mod fields;
mod init;
pub mod live;
mod output;
mod policy_args;
mod progress;
mod rules;
mod schema;
mod test_cmd;
mod validate;
mod verify;

use std::ffi::OsString;

use clap::{Parser, Subcommand};

pub use exit::ExitCode;

const EXIT_CODES: &str = "\
Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage, policy or configuration error
  3  input error: unreadable, malformed or incomplete dump, or a failed API call";

/// Policy compliance linter for Alibaba Cloud DBS backup plans.
#[derive(Debug, Parser)]
#[command(name = "dbs-lint", version, about, after_help = EXIT_CODES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to use colour: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = output::ColorChoice::Auto)]
    color: output::ColorChoice,
}

// `check` has many options; the enum is built once per process, so its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Check backup plans from saved DescribeBackupPlanList dumps against policies.
    #[command(after_help = EXIT_CODES)]
    Check(check::CheckArgs),
    /// Fetch backup plans from the live DBS API and save them as a dump.
    #[command(after_help = EXIT_CODES)]
    Fetch(fetch::FetchArgs),
    /// Validate policy files without checking any plan.
    #[command(after_help = EXIT_CODES)]
    Validate(validate::ValidateArgs),
    /// List the rules of the given policies (default: the built-in pack).
    Rules(rules::RulesArgs),
    /// List the BackupPlanDetail fields policies can test, with their types.
    Fields(fields::FieldsArgs),
    /// Explain one rule: its policy, rationale, remediation, condition and the fields it reads.
    #[command(after_help = EXIT_CODES)]
    Explain(explain::ExplainArgs),
    /// Run policy unit tests: YAML files of plans and the outcome expected per rule.
    #[command(after_help = test_cmd::AFTER_HELP)]
    Test(test_cmd::TestArgs),
    /// Print the JSON Schema of policy and configuration files, for editor completion.
    Schema(schema::SchemaArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completions(completions::CompletionsArgs),
    /// Write a commented starter configuration file (.dbs-lint.yaml).
    Init(init::InitArgs),
    /// Compare two dumps: plans added and removed, policy-relevant fields changed, compliance
    /// before and after (exit 1 when a change makes a plan non-compliant).
    #[command(after_help = EXIT_CODES)]
    Diff(diff::DiffArgs),
    /// Verify an evidence bundle written by `check --evidence DIR`.
    #[command(after_help = verify::AFTER_HELP)]
    Verify(verify::VerifyArgs),
}

/// Runs the command line and returns the process exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::Usage.code()
            } else {
                ExitCode::Clean.code()
            };
        }
    };
    let out = output::Output::new(cli.color);
    let code = match cli.command {
        Command::Check(args) => check::run(args, &out),
        Command::Fetch(args) => fetch::run(args, &out),
        Command::Validate(args) => validate::run(args, &out),
        Command::Rules(args) => rules::run(args, &out),
        Command::Fields(args) => fields::run(args, &out),
        Command::Explain(args) => explain::run(args, &out),
        Command::Test(args) => test_cmd::run(args, &out),
        Command::Schema(args) => schema::run(args, &out),
        Command::Completions(args) => completions::run(args, &out),
        Command::Init(args) => init::run(args, &out),
        Command::Diff(args) => diff::run(args, &out),
        Command::Verify(args) => verify::run(args, &out),
    };
    code.code()
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
