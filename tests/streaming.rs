//! Plans stream from the loader through the engine a batch at a time: the findings, counts,
//! de-duplication and errors must be those of reading the whole dump first, whatever the
//! batch boundaries, and a run keeps only the plans its reports need.

use dbs_lint::engine::{self, Evaluation, Evaluator, Keep};
use dbs_lint::policy::{self, RuleSet};
use dbs_lint::source::{self, Dataset, InputError, InputSpec, Limits, LoadOptions};

fn bin() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("dbs-lint").unwrap();
    cmd.env_remove("GITHUB_STEP_SUMMARY")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Plans spanning several batches of the loader (1,024 plans a batch), some of them without
/// findings under the `recommended` pack.
fn plan_json(i: usize) -> String {
    format!(
        r#"{{"BackupPlanId":"p{i:05}","BackupPlanName":"plan {i}","BackupPlanStatus":"running","BackupRetentionPeriod":{},"StorageEncryptMethod":"{}","EnableBackupLog":{},"SourceEndpointRegion":"cn-hangzhou","BackupPlanRegion":"cn-hangzhou","LogBackupRetentionPeriod":400,"SourceEndpointEnableSsl":true,"BackupPeriod":"Monday"}}"#,
        if i % 3 == 0 { 730 } else { (i * 7) % 800 },
        if i % 4 == 0 { "" } else { "encrypted" },
        i % 5 != 0
    )
}

fn response(plans: &[String]) -> String {
    format!(
        r#"{{"Success":true,"TotalElements":{},"Items":{{"BackupPlanDetail":[{}]}}}}"#,
        plans.len(),
        plans.join(",\n")
    )
}

fn recommended() -> RuleSet {
    policy::load(&[]).unwrap()
}

fn load_result(
    text: &str,
    rules: &RuleSet,
    keep: Keep,
) -> Result<(Dataset, Evaluation), Vec<InputError>> {
    let options = LoadOptions {
        allow_partial: false,
        retain: rules.fields(),
    };
    let input = InputSpec::Text {
        name: "many.json".into(),
        text: text.to_string(),
    };
    let mut evaluator = Evaluator::new(&rules.rules, keep);
    let data = source::load_into(
        &[input],
        &options,
        &Limits::default(),
        &mut std::io::empty(),
        &mut evaluator,
    )?;
    Ok((data, evaluator.finish()))
}

fn load_with(text: &str, rules: &RuleSet, keep: Keep) -> (Dataset, Evaluation) {
    load_result(text, rules, keep).unwrap()
}

fn load_errors(text: &str) -> Vec<InputError> {
    load_result(text, &recommended(), Keep::WithFindings).unwrap_err()
}

/// (rule id, plan id, message) of every finding, in report order.
fn findings(rules: &RuleSet, data: &Dataset, eval: &Evaluation) -> Vec<(String, String, String)> {
    eval.findings
        .iter()
        .map(|f| {
            (
                rules.rules[f.rule].id.clone(),
                data.plans[f.plan].id.to_string(),
                f.message.clone(),
            )
        })
        .collect()
}

fn counts(eval: &Evaluation) -> Vec<(usize, usize, usize, usize)> {
    eval.stats
        .iter()
        .map(|s| (s.pass, s.fail, s.indeterminate, s.not_applicable))
        .collect()
}

#[test]
fn streamed_evaluation_matches_evaluating_the_whole_dump() {
    let rules = recommended();
    let plans: Vec<String> = (0..5000).map(plan_json).collect();
    let text = response(&plans);
    // Reference: every plan loaded first, then evaluated.
    let options = LoadOptions {
        allow_partial: false,
        retain: rules.fields(),
    };
    let input = InputSpec::Text {
        name: "many.json".into(),
        text: text.clone(),
    };
    let whole = source::load(&[input], &options, &mut std::io::empty()).unwrap();
    let reference = engine::evaluate(&rules.rules, &whole.plans);
    assert_eq!(whole.plans.len(), 5000);
    assert!(reference.findings.len() > 3000);

    for keep in [Keep::All, Keep::WithFindings] {
        let (data, eval) = load_with(&text, &rules, keep);
        assert_eq!(eval.plans, 5000, "{keep:?}");
        assert_eq!(counts(&eval), counts(&reference), "{keep:?}");
        assert_eq!(
            findings(&rules, &data, &eval),
            findings(&rules, &whole, &reference),
            "{keep:?}"
        );
        assert_eq!(data.inputs[0].plans, 5000);
    }
}

#[test]
fn a_run_that_only_reports_findings_keeps_only_plans_with_findings() {
    let rules = recommended();
    let plans: Vec<String> = (0..5000).map(plan_json).collect();
    let (data, eval) = load_with(&response(&plans), &rules, Keep::WithFindings);
    let mut with_findings: Vec<usize> = eval.findings.iter().map(|f| f.plan).collect();
    with_findings.dedup();
    // Every kept plan has a finding, numbered in order, and nothing else is kept.
    assert_eq!(with_findings, (0..data.plans.len()).collect::<Vec<_>>());
    assert!(data.plans.len() < 5000 && data.plans.len() > 1000);
    // Kept plans hold their identity and origin, not their values.
    let p = &data.plans[0];
    assert!(p.values().is_empty());
    assert!(p.name.is_some() && p.region.is_some());
    let raw = &data.files[0].text()[p.origin.offset as usize..][..p.origin.len as usize];
    assert!(raw.contains(&*p.id));

    let (all, _) = load_with(&response(&plans), &rules, Keep::All);
    assert_eq!(all.plans.len(), 5000);
    assert!(!all.plans[0].values().is_empty());
}

#[test]
fn duplicates_are_found_across_batches_even_when_the_first_copy_was_dropped() {
    // Plan 3 has no finding: kept 730 days, encrypted, with log backup.
    let rules = recommended();
    let (data, eval) = load_with(&response(&[plan_json(3)]), &rules, Keep::WithFindings);
    assert!(eval.findings.is_empty() && data.plans.is_empty());

    let mut plans: Vec<String> = (0..3000).map(plan_json).collect();
    plans.push(plan_json(3)); // an identical copy, three batches later
    let text = format!(
        r#"{{"Success":true,"TotalElements":3000,"Items":{{"BackupPlanDetail":[{}]}}}}"#,
        plans.join(",\n")
    );
    let (data, eval) = load_with(&text, &rules, Keep::WithFindings);
    assert_eq!(eval.plans, 3000);
    assert_eq!(data.inputs[0].merged_duplicates, 1);

    // A copy that differs is an error pointing at both copies.
    let mut changed = plan_json(3).replace("\"plan 3\"", "\"plan three\"");
    changed.insert(1, ' ');
    plans.pop();
    plans.push(changed);
    let text = format!(
        r#"{{"Success":true,"TotalElements":3000,"Items":{{"BackupPlanDetail":[{}]}}}}"#,
        plans.join(",\n")
    );
    let errors = load_errors(&text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let shown = errors[0].to_string();
    assert!(shown.contains("p00003"), "{shown}");
    assert!(shown.contains("many.json:4:"), "{shown}");
}

#[test]
fn errors_of_plans_in_different_batches_come_in_document_order() {
    let mut plans: Vec<String> = (0..4000).map(plan_json).collect();
    plans[10] = plans[10].replace(
        "\"BackupRetentionPeriod\":70",
        "\"BackupRetentionPeriod\":-70",
    );
    plans[2500] = plans[2500].replace(
        "\"BackupRetentionPeriod\":",
        "\"BackupRetentionPeriod\":\"0x\",\"X\":",
    );
    plans[3900] = r#"{"BackupPlanName":"no id"}"#.into();
    // A structural error after the plans: TotalElements that is not a count.
    let text = format!(
        r#"{{"Items":{{"BackupPlanDetail":[{}]}},"TotalElements":-1}}"#,
        plans.join(",\n")
    );
    let errors = load_errors(&text);
    let lines: Vec<usize> = errors
        .iter()
        .map(|e| {
            let shown = e.to_string();
            let at = shown
                .split("many.json:")
                .nth(1)
                .unwrap_or_else(|| panic!("no position in {shown}"));
            at.split(':').next().unwrap().parse().unwrap()
        })
        .collect();
    assert_eq!(lines.len(), 4, "{errors:?}");
    assert_eq!(lines, [11, 2501, 3901, 4000], "{errors:?}");
}

#[test]
fn a_response_that_is_also_an_sdk_envelope_is_refused() {
    let text = r#"{"statusCode":200,"body":{"Success":true,"Items":{"BackupPlanDetail":[]}},"Items":{"BackupPlanDetail":[{"BackupPlanId":"p1"}]}}"#;
    let errors = load_errors(text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].to_string().contains("ambiguous"), "{}", errors[0]);
}

#[test]
fn json_lines_whose_first_line_holds_plans_are_read_once() {
    let first = response(&(0..1500).map(plan_json).collect::<Vec<_>>()).replace('\n', " ");
    let second = response(&(1500..1600).map(plan_json).collect::<Vec<_>>()).replace('\n', " ");
    let text = format!("{first}\n{second}\n");
    let rules = recommended();
    let (data, eval) = load_with(&text, &rules, Keep::All);
    assert_eq!(eval.plans, 1600);
    assert_eq!(data.plans.len(), 1600);
    assert_eq!(data.inputs[0].documents, 2);
    assert_eq!(data.inputs[0].merged_duplicates, 0);
}

/// The CLI keeps only plans with findings for JSON, and every plan for JUnit: both list the
/// same findings.
#[test]
fn cli_reports_the_same_findings_whichever_plans_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("many.json");
    std::fs::write(
        &dump,
        response(&(0..3000).map(plan_json).collect::<Vec<_>>()),
    )
    .unwrap();
    let json_only = bin()
        .args(["check", "--no-config", "-f", "json"])
        .arg(&dump)
        .output()
        .unwrap();
    let junit = dir.path().join("r.xml");
    let with_junit = bin()
        .args(["check", "--no-config", "-f", "json", "--report"])
        .arg(format!("junit={}", junit.display()))
        .arg(&dump)
        .output()
        .unwrap();
    assert_eq!(json_only.status.code(), Some(1));
    assert_eq!(with_junit.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&json_only.stdout),
        String::from_utf8_lossy(&with_junit.stdout)
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    // One test case per plan and rule.
    let rules = recommended().rules.len();
    assert_eq!(xml.matches("<testcase ").count(), 3000 * rules);
}

#[test]
fn a_dump_of_bad_plans_lists_the_first_errors_and_counts_the_rest() {
    let plans: Vec<String> = (0..3000)
        .map(|i| plan_json(i).replace("\"BackupRetentionPeriod\":", "\"BackupRetentionPeriod\":-1"))
        .collect();
    let errors = load_errors(&response(&plans));
    assert_eq!(errors.len(), 51, "{errors:?}");
    assert!(
        matches!(errors[50], InputError::More { count: 2950 }),
        "{}",
        errors[50]
    );
    // The first fifty, in document order.
    assert!(errors[0].to_string().contains("p00000"), "{}", errors[0]);
    assert!(errors[49].to_string().contains("p00049"), "{}", errors[49]);
}
