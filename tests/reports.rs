//! Every report format, snapshotted from the example dump and the built-in pack.

use dbs_lint::engine::evaluate;
use dbs_lint::policy;
use dbs_lint::report::{render, Format, Report, TextOptions};
use dbs_lint::source::{load, InputSpec, LoadOptions};

fn rendered(format: Format) -> String {
    let rules = policy::load(&[]).unwrap();
    let options = LoadOptions {
        allow_partial: false,
        retain: rules.fields(),
    };
    let inputs = [InputSpec::Path(
        "examples/dumps/describe-backup-plan-list.json".into(),
    )];
    let data = load(&inputs, &options, &mut std::io::empty()).unwrap();
    let eval = evaluate(&rules.rules, &data.plans);
    let report = Report::new(&rules, &data, &eval);
    let mut out = Vec::new();
    render(
        &report,
        format,
        TextOptions {
            color: false,
            width: 100,
            explain: false,
            max_findings: 0,
        },
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn text_report() {
    insta::assert_snapshot!(rendered(Format::Text));
}

#[test]
fn json_report() {
    let text = rendered(Format::Json);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["version"], 1);
    insta::assert_snapshot!(text.replace(env!("CARGO_PKG_VERSION"), "[version]"));
}
