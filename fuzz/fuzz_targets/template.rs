//! The message-template parser and renderer, on plans holding every kind of value.
#![no_main]

use std::sync::OnceLock;

use dbs_lint::model::FieldSet;
use dbs_lint::policy::template::Template;
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
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Template::parse(text) {
        Ok(template) => {
            let _ = template.fields().count();
            for plan in &plans().plans {
                let _ = template.render(plan);
            }
        }
        Err(errors) => {
            // Offsets must point inside the text, on a character boundary: the validator
            // slices the policy source with them.
            for e in errors {
                let offset = match e {
                    dbs_lint::policy::template::TemplateError::UnknownField { offset, .. }
                    | dbs_lint::policy::template::TemplateError::Unclosed { offset }
                    | dbs_lint::policy::template::TemplateError::StrayBrace { offset } => offset,
                };
                assert!(offset < text.len() && text.is_char_boundary(offset));
            }
        }
    }
});
