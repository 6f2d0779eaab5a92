//! The HTML report (`-f html`) without a browser: self-contained, every datum escaped, every
//! section present. `tests/html_browser.rs` drives it in Chromium.

use chrono::NaiveDate;
use dbs_lint::engine::evaluate;
use dbs_lint::engine::waivers;
use dbs_lint::policy;
use dbs_lint::report::triage::TriageOptions;
use dbs_lint::report::{render, Format, Report, RunInfo, TextOptions, Triage};
use dbs_lint::source::{load, InputSpec, LoadOptions, SourceFile};

const EXAMPLE: &str = "examples/dumps/describe-backup-plan-list.json";
const INJECTION: &str = "tests/fixtures/audit/injection.json";
const WAIVERS: &str = "tests/fixtures/audit/waivers.yaml";

fn html(input: &str, with_waivers: bool) -> String {
    let rules = policy::load(&[]).unwrap();
    let options = LoadOptions {
        allow_partial: false,
        retain: rules.fields(),
    };
    let data = load(
        &[InputSpec::Path(input.into())],
        &options,
        &mut std::io::empty(),
    )
    .unwrap();
    let eval = evaluate(&rules.rules, &data.plans);
    let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let waivers = if with_waivers {
        let ids: Vec<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
        let file = SourceFile::new(WAIVERS, std::fs::read_to_string(WAIVERS).unwrap());
        waivers::load_file(&file, &ids).unwrap()
    } else {
        Vec::new()
    };
    let triage = Triage::new(
        &rules,
        &data,
        &eval,
        TriageOptions {
            waivers,
            today: Some(today),
            ignore_waivers: false,
            baseline: None,
        },
    );
    let report = Report::with_triage(&rules, &data, &eval, triage).with_run(RunInfo {
        exit_code: Some(1),
        today: Some(today),
        base_dir: None,
    });
    let mut out = Vec::new();
    let text = TextOptions {
        color: false,
        width: 100,
        explain: false,
        max_findings: 0,
    };
    render(&report, Format::Html, text, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The text of the `<script type="application/json">` element.
fn embedded_json(page: &str) -> serde_json::Value {
    let start_tag = "<script type=\"application/json\" id=\"dbs-lint-data\">";
    let start = page.find(start_tag).expect("data element") + start_tag.len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

#[test]
fn the_report_is_one_self_contained_file() {
    let page = html(EXAMPLE, true);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.trim_end().ends_with("</html>"));
    for external in ["http://", "https://", "src=", "<link", "@import", "url("] {
        assert!(!page.contains(external), "the page references `{external}`");
    }
    // A content security policy forbids any fetch even if something slipped through.
    assert!(page.contains("default-src 'none'"));
    // Exactly two scripts: the data and the inline code.
    assert_eq!(page.matches("<script").count(), 2);
}

#[test]
fn the_header_names_policies_inputs_digests_version_and_day() {
    let page = html(EXAMPLE, false);
    let input_sha = dbs_lint::evidence::sha256_hex(&std::fs::read(EXAMPLE).unwrap());
    assert!(page.contains(&input_sha), "the input's SHA-256 is shown");
    let pack_sha =
        dbs_lint::evidence::sha256_hex(policy::packs::find("recommended").unwrap().as_bytes());
    assert!(page.contains(&pack_sha), "the pack's SHA-256 is shown");
    assert!(page.contains("builtin:recommended"));
    assert!(page.contains(&format!("dbs-lint {}", env!("CARGO_PKG_VERSION"))));
    assert!(page.contains("<b id=\"evaluated\">2026-06-01</b>"));
}

#[test]
fn the_glance_section_draws_bars_per_rule_region_and_control() {
    let page = html(EXAMPLE, false);
    assert!(page.contains("<h3>Per rule</h3>"));
    assert!(page.contains("<h3>Per region</h3>"));
    assert!(page.contains("<h3>Per framework control</h3>"));
    // One bar per rule, region and control: 7 rules, the example's regions, 5 controls.
    let bars = page.matches("<svg ").count();
    assert!(bars >= 7 + 2 + 5, "{bars} bars");
    // full-backup-retention: 4 pass, 1 fail on the example.
    assert!(page.contains("aria-label=\"4 pass, 1 fail, 0 indeterminate, 0 waived\""));
    assert!(page.contains("<b>9</b>findings failing the gate"));
}

#[test]
fn findings_rows_carry_filter_keys_message_expected_and_actual() {
    let page = html(EXAMPLE, false);
    let rows = page.matches("<tr data-rule=").count();
    assert_eq!(rows, 9, "one row per finding");
    assert!(page.contains("data-rule=\"full-backup-retention\" data-severity=\"error\" data-region=\"cn-shanghai\" data-plan=\"prod-payments\""));
    assert!(page.contains("full backups are kept 30 days"));
    assert!(page.contains("<td>≥ 365</td><td>30</td>"));
    let data = embedded_json(&page);
    assert!(data["rules"]
        .as_array()
        .unwrap()
        .contains(&"full-backup-retention".into()));
    assert_eq!(
        data["severities"],
        serde_json::json!(["error", "warning", "note"])
    );
}

#[test]
fn waived_findings_show_reason_owner_and_expiry() {
    let page = html(EXAMPLE, true);
    let section = &page[page.find("<section id=\"waived\">").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains("Encryption rollout &lt;b&gt;tracked&lt;/b&gt; in SEC-42"));
    assert!(section.contains("security-team"));
    assert!(section.contains("2027-03-31"));
    assert!(section.contains("in force"));
    assert!(section.contains("Retention raised in Q1 (OPS-99)"));
    assert!(section.contains("expired: fails again"));
    assert!(page.contains("waived until 2027-03-31"));
}

#[test]
fn the_per_plan_view_has_every_rule_outcome_for_every_plan() {
    let page = html(EXAMPLE, true);
    let section = &page[page.find("<section id=\"plans\">").unwrap()..];
    let body = &section[section.find("<tbody>").unwrap()..section.find("</tbody>").unwrap()];
    assert_eq!(body.matches("<tr>").count(), 5, "one row per plan");
    assert_eq!(
        body.matches("title=\"").count(),
        5 * 7,
        "one cell per rule × plan"
    );
    assert_eq!(body.matches("title=\"waived\"").count(), 1);
    let row = body
        .lines()
        .find(|l| l.contains("prod-payments"))
        .expect("prod-payments row");
    assert!(row.contains("title=\"fail\""), "{row}");
}

#[test]
fn a_script_injection_plan_name_is_inert_everywhere() {
    let page = html(INJECTION, false);
    // No markup from the dump survives: not in text, attributes or the embedded JSON.
    assert!(!page.contains("<script>alert"));
    assert!(!page.contains("<img"));
    assert!(!page.contains("onerror=alert(2)>"));
    assert!(!page.contains("<!--"));
    assert_eq!(page.matches("<script").count(), 2);
    assert_eq!(page.matches("</script>").count(), 2);
    // Text and attributes hold the escaped name.
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("data-plan=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
    assert!(page.contains("data-plan=\"&quot;&gt;&lt;img src=x onerror=alert(2)&gt;\""));
    assert!(page.contains("data-region=\"cn-beijing&#39;&lt;/script&gt;&lt;!--\""));
    // The embedded JSON escapes `<` and still decodes to the literal names.
    assert!(page.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
    let data = embedded_json(&page);
    let plans = data["plans"].as_array().unwrap();
    assert!(plans.contains(&"<script>alert(1)</script>".into()));
    assert!(plans.contains(&"\"><img src=x onerror=alert(2)>".into()));
    let regions = data["regions"].as_array().unwrap();
    assert!(regions.contains(&"cn-beijing'</script><!--".into()));
}

#[test]
fn the_cli_writes_html_with_report_and_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.html");
    let out = assert_cmd::Command::cargo_bin("dbs-lint")
        .unwrap()
        .args(["check", EXAMPLE, "--now", "2026-06-01", "-f", "json"])
        .arg("--report")
        .arg(format!("html={}", path.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let page = std::fs::read_to_string(&path).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("2026-06-01"));
    let stdout = assert_cmd::Command::cargo_bin("dbs-lint")
        .unwrap()
        .args(["check", EXAMPLE, "-f", "html"])
        .output()
        .unwrap()
        .stdout;
    assert!(String::from_utf8(stdout)
        .unwrap()
        .contains("<table id=\"findings\">"));
}
