//! `dbs-lint completions SHELL`: a shell completion script, generated from the clap definitions
//! so it never lags behind the commands and options.

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell as Generator;

use super::exit::ExitCode;
use super::output::Output;
use super::Cli;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl Shell {
    fn generator(self) -> Generator {
        match self {
            Shell::Bash => Generator::Bash,
            Shell::Zsh => Generator::Zsh,
            Shell::Fish => Generator::Fish,
            Shell::Powershell => Generator::PowerShell,
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "\
Install, for example:
  bash        dbs-lint completions bash > ~/.local/share/bash-completion/completions/dbs-lint
  zsh         dbs-lint completions zsh > ~/.zfunc/_dbs-lint   (with ~/.zfunc in $fpath)
  fish        dbs-lint completions fish > ~/.config/fish/completions/dbs-lint.fish
  powershell  dbs-lint completions powershell | Out-String | Invoke-Expression")]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum, value_name = "SHELL")]
    shell: Shell,
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut command = Cli::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell.generator(), &mut command, "dbs-lint", &mut bytes);
    bytes
}

pub fn run(args: CompletionsArgs, out: &Output) -> ExitCode {
    let bytes = script(args.shell);
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(&bytes).and_then(|_| stdout.flush()) {
        out.note(&format!(
            "dbs-lint: cannot write the completion script: {e}"
        ));
        return ExitCode::Usage;
    }
    ExitCode::Clean
}
