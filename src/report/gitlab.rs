//! GitLab Code Quality (`artifacts:reports:codequality`): a JSON array of issues with
//! `description`, `check_name`, `fingerprint`, `severity` and `location.path` /
//! `location.lines.begin`. Fingerprints are the findings' stable identities, so GitLab tracks
//! each finding across pipelines. Waived findings stay, as `info`, saying they are waived.

use std::io;

use serde::{Serialize, Serializer};

use super::{Item, Report};
use crate::policy::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: &'a str,
    severity: &'static str,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}

/// Every finding as an issue, each made as it is serialised.
struct Issues<'r, 'a>(&'r Report<'a>);

impl Serialize for Issues<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        serializer.collect_seq(report.items().map(|item| issue(report, item)))
    }
}

fn issue<'r>(report: &Report<'_>, item: Item<'r>) -> Issue<'r> {
    let at = report.ci_location(&item);
    let plan = item.plan;
    let mut description = format!("{}: plan {}", item.rule.id, plan.id);
    if let Some(name) = plan.name.as_deref() {
        description.push_str(&format!(" \"{name}\""));
    }
    if let Some(region) = plan.region.as_deref() {
        description.push_str(&format!(" in {region}"));
    }
    description.push_str(&format!(": {}", item.finding.message));
    if let Some(w) = item.status.waived {
        description = format!("[waived until {}: {}] {description}", w.expires, w.reason);
    }
    if let Some(w) = item.status.expired {
        description.push_str(&format!(" (waiver expired on {})", w.expires));
    }
    Issue {
        description,
        check_name: &item.rule.id,
        fingerprint: item.fingerprint,
        severity: if item.status.waived.is_some() {
            "info"
        } else {
            severity(item.finding.severity)
        },
        location: IssueLocation {
            path: at.path,
            lines: Lines { begin: at.line },
        },
    }
}

pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Issues(report))?;
    writeln!(out)
}
