//! Every report format, snapshotted from ONE shared fixture (`tests/fixtures/reports/`): plan
//! names with `::`, `%`, newlines, `|` and Chinese text; a waived finding, a finding whose
//! waiver expired, an unused waiver; findings new and unchanged against a baseline, and fixed
//! ones. Beside each snapshot, the properties each CI consumer requires are checked directly.

use std::collections::HashSet;

use chrono::NaiveDate;
use dbs_lint::engine::baseline::Baseline;
use dbs_lint::engine::{evaluate, waivers, Evaluation};
use dbs_lint::policy::{self, PolicySpec, RuleSet};
use dbs_lint::report::triage::TriageOptions;
use dbs_lint::report::{render, sarif, Format, Report, RunInfo, TextOptions, Triage};
use dbs_lint::source::{load, Dataset, InputSpec, LoadOptions, SourceFile};

const DIR: &str = "tests/fixtures/reports";

struct Run {
    rules: RuleSet,
    data: Dataset,
    eval: Evaluation,
}

fn run_of(inputs: &[InputSpec]) -> Run {
    let rules = policy::load(&[PolicySpec::File(format!("{DIR}/policy.yaml").into())]).unwrap();
    let options = LoadOptions {
        allow_partial: false,
        retain: rules.fields(),
    };
    let data = load(inputs, &options, &mut std::io::empty()).unwrap();
    let eval = evaluate(&rules.rules, &data.plans);
    Run { rules, data, eval }
}

fn fixture() -> Run {
    run_of(&[InputSpec::Path(format!("{DIR}/dump.json").into())])
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

fn report(run: &Run) -> Report<'_> {
    let ids: Vec<&str> = run.rules.rules.iter().map(|r| r.id.as_str()).collect();
    let path = format!("{DIR}/waivers.yaml");
    let file = SourceFile::new(path.clone(), std::fs::read_to_string(&path).unwrap());
    let waivers = waivers::load_file(&file, &ids).unwrap();
    let baseline =
        Baseline::parse(&std::fs::read_to_string(format!("{DIR}/baseline.json")).unwrap()).unwrap();
    let triage = Triage::new(
        &run.rules,
        &run.data,
        &run.eval,
        TriageOptions {
            waivers,
            today: Some(today()),
            ignore_waivers: false,
            baseline: Some(&baseline),
        },
    );
    Report::with_triage(&run.rules, &run.data, &run.eval, triage).with_run(RunInfo {
        exit_code: Some(1),
        today: Some(today()),
        base_dir: None,
    })
}

fn rendered(report: &Report<'_>, format: Format) -> String {
    let mut out = Vec::new();
    let text = TextOptions {
        color: false,
        width: 100,
        explain: false,
        max_findings: 0,
    };
    render(report, format, text, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn version_free(s: String) -> String {
    s.replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn the_fixture_has_every_kind_of_finding() {
    let run = fixture();
    let report = report(&run);
    let s = &report.summary;
    assert_eq!(s.findings, 6);
    assert_eq!(s.suppressed, 1, "one waived finding");
    assert_eq!(
        s.active, 3,
        "expired-waiver, new storage and indeterminate findings"
    );
    let b = s.baseline.as_ref().unwrap();
    assert_eq!((b.new, b.unchanged, b.fixed), (4, 2, 2));
    assert_eq!(s.unused_waivers.len(), 1);
    assert!(s
        .notices
        .iter()
        .any(|n| n.contains("expired on 2026-01-31")));
    let expired: Vec<_> = report
        .items()
        .filter(|i| i.status.expired.is_some())
        .collect();
    assert_eq!(expired.len(), 1);
    assert!(expired[0].status.gates());
}

#[test]
fn text() {
    let run = fixture();
    insta::assert_snapshot!(rendered(&report(&run), Format::Text));
}

#[test]
fn json() {
    let run = fixture();
    let text = rendered(&report(&run), Format::Json);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let waived: Vec<_> = findings
        .iter()
        .filter(|f| !f["suppressed"].is_null())
        .collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["suppressed"]["expires"], "2027-03-31");
    assert_eq!(
        waived[0]["suppressed"]["reason"],
        "Legacy plan, migration tracked in OPS-123"
    );
    assert_eq!(v["fixed"].as_array().unwrap().len(), 2);
    assert_eq!(v["summary"]["baseline"]["unchanged"], 2);
    insta::assert_snapshot!(version_free(text));
}

#[test]
fn sarif() {
    let run = fixture();
    let report = report(&run);
    let text = rendered(&report, Format::Sarif);
    check_sarif(&text, report.eval.findings.len());
    // The JSON report and SARIF carry the same identities.
    let json: serde_json::Value = serde_json::from_str(&rendered(&report, Format::Json)).unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    let from_json: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    let from_sarif: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(from_json, from_sarif);
    insta::assert_snapshot!(version_free(text));
}

/// What GitHub code scanning requires of a SARIF log; checked through serde-sarif's types.
fn check_sarif(text: &str, findings: usize) {
    use serde_sarif::sarif::Sarif;
    let log: Sarif = serde_json::from_str(text).expect("the log deserializes as SARIF 2.1.0");
    assert_eq!(log.version, "2.1.0");
    assert!(log
        .schema
        .as_deref()
        .is_some_and(|s| s.starts_with("https://")));
    assert_eq!(log.runs.len(), 1, "one run per file");
    let run = &log.runs[0];
    assert_eq!(run.tool.driver.name, "dbs-lint");
    assert!(run.tool.driver.semantic_version.is_some());
    assert_eq!(
        run.column_kind.as_ref().and_then(|c| c.as_str()),
        Some("unicodeCodePoints")
    );
    let id = run
        .automation_details
        .as_ref()
        .and_then(|a| a.id.clone())
        .unwrap();
    assert!(id.starts_with("dbs-lint/"), "{id}");
    let invocation = &run.invocations.as_ref().unwrap()[0];
    assert!(invocation.execution_successful);
    assert!(invocation.exit_code.is_some());
    let rules = run.tool.driver.rules.as_ref().unwrap();
    let ids: HashSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), rules.len(), "rule ids are unique");
    for rule in rules {
        assert!(rule.name.is_some());
        assert!(!rule.short_description.as_ref().unwrap().text.is_empty());
        assert!(!rule.full_description.as_ref().unwrap().text.is_empty());
        let help = rule.help.as_ref().unwrap();
        assert!(!help.text.is_empty() && help.markdown.is_some());
        let level = rule.default_configuration.as_ref().unwrap().level.clone();
        assert!(matches!(
            level.as_ref().and_then(|l| l.as_str()),
            Some("error" | "warning" | "note")
        ));
        let tags = rule.properties.as_ref().unwrap().tags.as_ref().unwrap();
        assert!(!tags.is_empty() && tags.len() <= 20);
    }
    let results = run
        .results
        .as_ref()
        .expect("results is present, even empty");
    assert_eq!(results.len(), findings);
    for r in results {
        assert!(ids.contains(r.rule_id.as_deref().unwrap()));
        assert!(r.message.text.as_deref().is_some_and(|t| !t.is_empty()));
        let locations = r.locations.as_ref().unwrap();
        assert_eq!(locations.len(), 1, "exactly one location");
        let physical = locations[0].physical_location.as_ref().unwrap();
        let uri = physical
            .artifact_location
            .as_ref()
            .unwrap()
            .uri
            .clone()
            .unwrap();
        assert!(
            !uri.is_empty() && !uri.contains("://") && !uri.starts_with('/'),
            "{uri}"
        );
        let region = physical.region.as_ref().unwrap();
        let (sl, sc) = (region.start_line.unwrap(), region.start_column.unwrap());
        let (el, ec) = (region.end_line.unwrap(), region.end_column.unwrap());
        assert!(sl >= 1 && sc >= 1 && el >= sl && ec >= 1, "{region:?}");
        assert!(
            el > sl || ec > sc,
            "the end column is exclusive: {region:?}"
        );
        let logical = locations[0].logical_locations.as_ref().unwrap();
        assert_eq!(logical[0].kind.as_deref(), Some("resource"));
        let hash = &r.partial_fingerprints.as_ref().unwrap()["primaryLocationLineHash"];
        assert_eq!(hash.len(), 32);
    }
    let suppressed: Vec<_> = results
        .iter()
        .filter(|r| r.suppressions.is_some())
        .collect();
    for r in &suppressed {
        let s = &r.suppressions.as_ref().unwrap()[0];
        assert_eq!(s.kind, "external");
        assert!(s.justification.as_deref().is_some_and(|j| !j.is_empty()));
    }
}

#[test]
fn sarif_is_capped_and_says_so() {
    let run = fixture();
    let report = report(&run);
    let mut out = Vec::new();
    sarif::render_capped(&report, 2, &mut out).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    // The worst that fail the gate are kept.
    assert!(results
        .iter()
        .all(|r| r["level"] == "error" && r["suppressions"].is_null()));
    let notes = v["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| n["message"]["text"]
        .as_str()
        .unwrap()
        .contains("6 findings, but SARIF uploads accept at most 2 results")));
}

#[test]
fn sarif_without_findings_has_an_empty_results_array() {
    let run = run_of(&[InputSpec::Text {
        name: "clean.json".into(),
        text: r#"[{"BackupPlanId":"p","BackupRetentionPeriod":400,"StorageEncryptMethod":"encrypted","EnableBackupLog":false,"SourceEndpointEnableSsl":"true"}]"#.into(),
    }]);
    let report = Report::new(&run.rules, &run.data, &run.eval);
    let v: serde_json::Value = serde_json::from_str(&rendered(&report, Format::Sarif)).unwrap();
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn live_findings_point_at_the_rule_in_the_policy() {
    let text = std::fs::read_to_string(format!("{DIR}/dump.json")).unwrap();
    let run = run_of(&[InputSpec::Text {
        name: "live:cn-hangzhou,cn-shanghai".into(),
        text,
    }]);
    let report = Report::new(&run.rules, &run.data, &run.eval);
    let v: serde_json::Value = serde_json::from_str(&rendered(&report, Format::Sarif)).unwrap();
    let policy = std::fs::read_to_string(format!("{DIR}/policy.yaml")).unwrap();
    for r in v["runs"][0]["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], format!("{DIR}/policy.yaml"));
        let line = loc["region"]["startLine"].as_u64().unwrap() as usize;
        let rule = r["ruleId"].as_str().unwrap();
        assert!(
            policy.lines().nth(line - 1).unwrap().contains(rule),
            "line {line} names {rule}"
        );
    }
}

#[test]
fn junit() {
    let run = fixture();
    let text = rendered(&report(&run), Format::Junit);
    let doc = roxmltree::Document::parse(&text).expect("the JUnit report is XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 4, "one testsuite per rule");
    for suite in &suites {
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), 5, "one testcase per plan");
        let names: HashSet<&str> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
        assert_eq!(names.len(), 5, "names are unique within a rule");
        for c in &cases {
            assert_eq!(c.attribute("classname"), suite.attribute("name"));
            assert!(c.attribute("name").unwrap().contains('/'));
        }
    }
    let count = |tag: &str| doc.descendants().filter(|n| n.has_tag_name(tag)).count();
    assert_eq!(count("failure"), 5, "6 findings, one waived");
    // The waived finding, and log-backup-retention on the plan without log backup.
    assert_eq!(count("skipped"), 2);
    insta::assert_snapshot!(text);
}

#[test]
fn github() {
    let run = fixture();
    let text = rendered(&report(&run), Format::Github);
    for line in text.lines() {
        if let Some(command) = line.strip_prefix("::") {
            let (props, _) = command.split_once("::").expect("a command with a message");
            let (kind, rest) = props.split_once(' ').unwrap();
            assert!(matches!(kind, "error" | "warning" | "notice"), "{line}");
            assert!(
                rest.starts_with("file=tests/fixtures/reports/dump.json,line="),
                "{line}"
            );
        } else {
            assert!(line.starts_with("dbs-lint: "), "{line}");
        }
    }
    assert!(text.contains("line one%0Aline two"));
    assert!(text.contains("100%25 done"));
    insta::assert_snapshot!(text);
}

#[test]
fn github_prints_ten_of_each_kind_and_counts_the_rest() {
    let plans: Vec<String> = (0..13)
        .map(|i| format!(r#"{{"BackupPlanId":"p{i:02}","BackupRetentionPeriod":1,"StorageEncryptMethod":"encrypted","EnableBackupLog":false,"SourceEndpointEnableSsl":"false"}}"#))
        .collect();
    let run = run_of(&[InputSpec::Text {
        name: "many.json".into(),
        text: format!("[{}]", plans.join(",")),
    }]);
    let report = Report::new(&run.rules, &run.data, &run.eval);
    let text = rendered(&report, Format::Github);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::error ")).count(),
        10
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::warning ")).count(),
        10
    );
    assert!(text.contains("3 more error(s), 3 warning(s) and 0 note(s) are not annotated"));
}

#[test]
fn gitlab() {
    let run = fixture();
    let text = rendered(&report(&run), Format::Gitlab);
    assert!(!text.starts_with('\u{feff}'));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let issues = v.as_array().unwrap();
    assert_eq!(issues.len(), 6);
    let fingerprints: HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(
        fingerprints.len(),
        6,
        "identical fingerprints would collapse"
    );
    for i in issues {
        assert!(!i["description"].as_str().unwrap().is_empty());
        assert!(!i["check_name"].as_str().unwrap().is_empty());
        assert!(matches!(
            i["severity"].as_str().unwrap(),
            "info" | "minor" | "major" | "critical" | "blocker"
        ));
        assert!(!i["location"]["path"].as_str().unwrap().is_empty());
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    insta::assert_snapshot!(text);
}

#[test]
fn markdown() {
    let run = fixture();
    let text = rendered(&report(&run), Format::Markdown);
    // Every row of a table has as many cells as its header: no pipe or newline escapes.
    let mut columns = None;
    for line in text.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let cells = line.replace("\\|", "").matches('|').count();
        match columns {
            None => columns = Some(cells),
            Some(n) => assert_eq!(cells, n, "{line}"),
        }
    }
    assert!(text.contains("line one<br>line two \\| pipe"));
    insta::assert_snapshot!(text);
}

#[test]
fn fingerprints_do_not_depend_on_layout() {
    let run = fixture();
    let a = rendered(&Report::new(&run.rules, &run.data, &run.eval), Format::Json);
    // The same plans, reversed and on single lines: other lines and columns.
    let dump: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/dump.json")).unwrap())
            .unwrap();
    let mut plans = dump["Items"]["BackupPlanDetail"]
        .as_array()
        .unwrap()
        .clone();
    plans.reverse();
    let other = run_of(&[InputSpec::Text {
        name: "reordered.json".into(),
        text: serde_json::to_string(&plans).unwrap(),
    }]);
    let b = rendered(
        &Report::new(&other.rules, &other.data, &other.eval),
        Format::Json,
    );
    let prints = |s: &str| -> HashSet<(String, String)> {
        let v: serde_json::Value = serde_json::from_str(s).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["plan_id"].as_str().unwrap().to_string(),
                    f["fingerprint"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(prints(&a), prints(&b));
}
