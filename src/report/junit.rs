//! JUnit XML (`quick-junit`), for CI test views such as GitLab's `artifacts:reports:junit`.
//!
//! One testsuite per rule, one testcase per plan: a failure for a violation or an indeterminate
//! result, skipped when the rule does not apply or the finding is waived, passed otherwise.
//! `classname` is the rule id and `name` is `region/plan-id`, unique within a rule.

use std::io;

use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use super::Report;
use crate::engine::baseline::Change;
use crate::engine::{check, Outcome};

pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let mut junit = JunitReport::new("dbs-lint");
    // Findings by (rule, plan): the engine lists them plan by plan.
    let mut by_rule: Vec<Vec<Option<usize>>> =
        vec![vec![None; report.data.plans.len()]; report.rules.rules.len()];
    for (i, f) in report.eval.findings.iter().enumerate() {
        by_rule[f.rule][f.plan] = Some(i);
    }
    for (r, rule) in report.rules.rules.iter().enumerate() {
        let mut suite = TestSuite::new(rule.id.as_str());
        for (p, plan) in report.data.plans.iter().enumerate() {
            let name = format!(
                "{}/{}",
                plan.region.as_deref().unwrap_or("unknown-region"),
                plan.id
            );
            let status = match by_rule[r][p] {
                Some(i) => {
                    let item = report.item(i);
                    let at = report.ci_location(&item);
                    let plan_name = plan
                        .name
                        .as_deref()
                        .map(|n| format!(" \"{n}\""))
                        .unwrap_or_default();
                    let mut detail = format!(
                        "plan {}{plan_name}\n{}:{}:{}\n{}",
                        plan.id,
                        at.path,
                        at.line,
                        at.column,
                        item.finding.reasons.join("\n")
                    );
                    if let Some(w) = item.status.expired {
                        detail.push_str(&format!(
                            "\nwaiver expired on {} ({}): {}",
                            w.expires, w.source, w.reason
                        ));
                    }
                    if let Some(help) = &rule.help {
                        detail.push_str(&format!("\nhelp: {help}"));
                    }
                    if let Some(w) = item.status.waived {
                        let mut s = TestCaseStatus::skipped();
                        s.set_message(format!("waived until {}: {}", w.expires, w.reason));
                        s.set_type("waived");
                        s.set_description(detail);
                        s
                    } else {
                        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                        let known = match item.status.change {
                            Some(Change::Unchanged) => " (unchanged: in the baseline)",
                            _ => "",
                        };
                        s.set_message(format!("{}{known}", item.finding.message));
                        s.set_type(match item.finding.outcome {
                            Outcome::Indeterminate => "indeterminate",
                            _ => item.finding.severity.as_str(),
                        });
                        s.set_description(detail);
                        s
                    }
                }
                None => match check(rule, plan).0 {
                    Outcome::NotApplicable => {
                        let mut s = TestCaseStatus::skipped();
                        s.set_message("the rule does not apply to this plan");
                        s
                    }
                    _ => TestCaseStatus::success(),
                },
            };
            let mut case = TestCase::new(name, status);
            case.set_classname(rule.id.as_str());
            if let Some(i) = by_rule[r][p] {
                let at = report.ci_location(&report.item(i));
                case.extra.insert("file".into(), at.path.into());
            }
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    junit.serialize(&mut *out).map_err(io::Error::other)?;
    writeln!(out)
}
