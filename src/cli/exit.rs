//! The exit code: decided here and nowhere else.

use crate::engine::Evaluation;
use crate::policy::Severity;
use crate::report::Triage;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Nothing at or above the gate's threshold.
    Clean,
    /// Findings at or above the threshold.
    Findings,
    /// Usage, policy or configuration error.
    Usage,
    /// Unreadable, malformed or incomplete input, or a failed API call.
    Input,
}

impl ExitCode {
    pub fn code(self) -> i32 {
        match self {
            ExitCode::Clean => 0,
            ExitCode::Findings => 1,
            ExitCode::Usage => 2,
            ExitCode::Input => 3,
        }
    }
}

/// The lowest severity that fails the gate (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    /// Never fail because of findings (errors in policies or inputs still do).
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }
    }
}

/// The verdict of a completed check. Waived findings and findings already in the baseline are
/// reported but do not fail the gate; a finding whose waiver expired does.
pub fn for_findings(eval: &Evaluation, triage: &Triage, fail_on: FailOn) -> ExitCode {
    let Some(threshold) = fail_on.threshold() else {
        return ExitCode::Clean;
    };
    if eval
        .findings
        .iter()
        .enumerate()
        .any(|(i, f)| f.severity >= threshold && triage.gates(i))
    {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    }
}
