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
    let mut stdin = data;
    match source::load(&[InputSpec::Stdin], &options, &mut stdin) {
        Ok(data) => {
            let eval = engine::evaluate(&rules().rules, &data.plans);
            let report = Report::new(rules(), &data, &eval);
            let text = TextOptions {
                color: false,
                width: 100,
                explain: true,
            };
            let mut out = Vec::new();
            report::render(&report, Format::Text, text, &mut out).expect("text report");
            report::render(&report, Format::Json, text, &mut out).expect("json report");
        }
        Err(errors) => {
            for e in &errors {
                let _ = render_diagnostic(e, false, 100);
            }
        }
    }
});
