//! The policy loader: YAML text → node tree → validated rule set, every error rendered, and the
//! rules (when valid) evaluated on a few plans.
#![no_main]

use std::io::Write;
use std::sync::OnceLock;

use dbs_lint::engine;
use dbs_lint::model::FieldSet;
use dbs_lint::policy::{self, PolicySpec};
use dbs_lint::report::diagnostic::render_diagnostic;
use dbs_lint::source::{self, Dataset, InputSpec, LoadOptions};
use libfuzzer_sys::fuzz_target;

fn plans() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| {
        let text = include_str!("../../examples/dumps/describe-backup-plan-list.json");
        let spec = InputSpec::Text {
            name: "example.json".into(),
            text: text.into(),
        };
        let options = LoadOptions {
            retain: FieldSet::all(),
            ..LoadOptions::default()
        };
        source::load(&[spec], &options, &mut std::io::empty()).expect("the example dump loads")
    })
}

fuzz_target!(|data: &[u8]| {
    // The real entry point reads a file: write the input to one.
    let mut file = tempfile::Builder::new()
        .suffix(".yaml")
        .tempfile()
        .expect("temp file");
    file.write_all(data).expect("write");
    let spec = PolicySpec::File(file.path().to_path_buf());
    match policy::load(&[spec]) {
        Ok(rules) => {
            let eval = engine::evaluate(&rules.rules, &plans().plans);
            let _ = dbs_lint::report::Report::new(&rules, plans(), &eval);
        }
        Err(errors) => {
            for e in &errors {
                let _ = render_diagnostic(e, false, 100);
            }
        }
    }
});
