//! The dump loader on arbitrary bytes (read as stdin), then the whole report path: every
//! input error rendered with its snippet, or every plan evaluated and located.
#![no_main]

use std::sync::OnceLock;

use dbs_lint::engine;
use dbs_lint::policy::{self, RuleSet};
use dbs_lint::report::diagnostic::render_diagnostic;
use dbs_lint::report::{self, Format, Report, TextOptions};
use dbs_lint::source::{self, InputSpec, LoadOptions};
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| policy::load(&[]).expect("the recommended pack loads"))
}

fuzz_target!(|data: &[u8]| {
    let options = LoadOptions {
        retain: rules().fields(),
        ..LoadOptions::default()
    };
    // As `check` reads a dump for the JSON report: plans streamed through the engine, only
    // those with findings kept.
    let mut evaluator = engine::Evaluator::new(&rules().rules, engine::Keep::WithFindings);
    let mut stdin = data;
    let streamed = source::load_into(
        &[InputSpec::Stdin],
        &options,
        &source::Limits::default(),
        &mut stdin,
        &mut evaluator,
    );
    // The same dump loaded whole, then evaluated: the same findings, or the same errors.
    let mut stdin = data;
    let whole = source::load(&[InputSpec::Stdin], &options, &mut stdin);
    match (streamed, whole) {
        (Ok(data), Ok(all)) => {
            let eval = evaluator.finish();
            let reference = engine::evaluate(&rules().rules, &all.plans);
            let key = |d: &source::Dataset, e: &engine::Evaluation| -> Vec<(usize, String, String)> {
                e.findings
                    .iter()
                    .map(|f| (f.rule, d.plans[f.plan].id.to_string(), f.message.clone()))
                    .collect()
            };
            assert_eq!(key(&data, &eval), key(&all, &reference));
            assert_eq!(eval.plans, reference.plans);
            let report = Report::new(rules(), &data, &eval);
            let text = TextOptions {
                color: false,
                width: 100,
                explain: true,
                max_findings: 0,
            };
            let mut out = Vec::new();
            report::render(&report, Format::Text, text, &mut out).expect("text report");
            report::render(&report, Format::Json, text, &mut out).expect("json report");
        }
        (Err(errors), Err(same)) => {
            assert_eq!(errors.len(), same.len());
            for e in &errors {
                let _ = render_diagnostic(e, false, 100);
            }
        }
        (a, b) => panic!(
            "streamed and whole loads disagree: {} vs {}",
            a.is_ok(),
            b.is_ok()
        ),
    }
});
