//! Where output goes, and whether it is coloured.

use std::io::{self, IsTerminal, Write};

use miette::Diagnostic;

use crate::report::diagnostic::render_diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Width used to lay out diagnostics.
pub const WIDTH: usize = 100;

pub struct Output {
    choice: ColorChoice,
}

impl Output {
    pub fn new(choice: ColorChoice) -> Output {
        Output { choice }
    }

    /// Whether to colour what goes to a stream that is (or is not) a terminal, following
    /// NO_COLOR, CLICOLOR_FORCE and CLICOLOR.
    pub fn color_for(&self, is_terminal: bool) -> bool {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        match self.choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                if env("NO_COLOR").is_some() {
                    false
                } else if env("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                    true
                } else if env("CLICOLOR").is_some_and(|v| v == "0") {
                    false
                } else {
                    is_terminal
                }
            }
        }
    }

    pub fn stderr_color(&self) -> bool {
        self.color_for(io::stderr().is_terminal())
    }

    /// Prints diagnostics to stderr.
    pub fn diagnostics<D: Diagnostic>(&self, diagnostics: &[D]) {
        let color = self.stderr_color();
        let mut stderr = io::stderr().lock();
        for d in diagnostics {
            let _ = stderr.write_all(render_diagnostic(d, color, WIDTH).as_bytes());
        }
    }

    /// Prints one line to stderr.
    pub fn note(&self, line: &str) {
        let _ = writeln!(io::stderr().lock(), "{line}");
    }
}
