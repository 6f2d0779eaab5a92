//! The CI files in `examples/ci/` run exactly the dbs-lint commands this test runs: the commands
//! are read out of the files, run on a copy of the committed example dump, and the reports they
//! name are checked as their consumers would read them.

use std::path::Path;

use assert_cmd::Command;

const DUMP: &str = "examples/dumps/describe-backup-plan-list.json";

/// Every `dbs-lint check …` command of a CI file, split into arguments (the files use no quotes).
fn commands(file: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.find("dbs-lint check").map(|i| &l[i..]))
        .map(|cmd| {
            assert!(
                !cmd.contains(['"', '\'', '$', '\\']),
                "keep commands literal: {cmd}"
            );
            cmd.split_whitespace().skip(1).map(String::from).collect()
        })
        .collect()
}

/// Runs a command in a fresh directory holding the example dump; returns the directory and
/// the exit code.
fn run(args: &[String], summary: Option<&Path>) -> (tempfile::TempDir, i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let dumps = dir.path().join("examples/dumps");
    std::fs::create_dir_all(&dumps).unwrap();
    std::fs::copy(DUMP, dir.path().join(DUMP)).unwrap();
    let mut cmd = Command::cargo_bin("dbs-lint").unwrap();
    cmd.current_dir(dir.path()).args(args);
    cmd.env_remove("GITHUB_STEP_SUMMARY");
    if let Some(s) = summary {
        cmd.env("GITHUB_STEP_SUMMARY", s);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (dir, out.status.code().unwrap(), stdout)
}

#[test]
fn the_github_workflow_gates_annotates_and_writes_sarif_and_a_summary() {
    let cmds = commands("examples/ci/github-actions.yml");
    assert_eq!(cmds.len(), 1);
    assert!(std::fs::read_to_string("examples/ci/github-actions.yml")
        .unwrap()
        .contains("uses: github/codeql-action/upload-sarif@v3"));
    let summary_dir = tempfile::tempdir().unwrap();
    let summary = summary_dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let (dir, code, stdout) = run(&cmds[0], Some(&summary));
    assert_eq!(code, 1, "the example dump has findings: the gate fails");
    assert!(stdout
        .lines()
        .any(|l| l.starts_with("::error file=examples/dumps/")));
    let sarif = std::fs::read_to_string(dir.path().join("dbs-lint.sarif")).unwrap();
    let log: serde_sarif::sarif::Sarif = serde_json::from_str(&sarif).unwrap();
    let run = &log.runs[0];
    assert_eq!(run.results.as_ref().unwrap().len(), 9);
    assert_eq!(run.invocations.as_ref().unwrap()[0].exit_code, Some(1));
    for r in run.results.as_ref().unwrap() {
        let loc = r.locations.as_ref().unwrap()[0]
            .physical_location
            .as_ref()
            .unwrap();
        assert_eq!(
            loc.artifact_location.as_ref().unwrap().uri.as_deref(),
            Some(DUMP)
        );
    }
    let md = std::fs::read_to_string(dir.path().join("dbs-lint.md")).unwrap();
    assert!(md.starts_with("## dbs-lint report"));
    let appended = std::fs::read_to_string(&summary).unwrap();
    assert!(
        appended.starts_with("earlier step\n## dbs-lint report"),
        "appended, not replaced"
    );
}

#[test]
fn the_gitlab_job_writes_code_quality_and_junit() {
    let cmds = commands("examples/ci/gitlab-ci.yml");
    assert_eq!(cmds.len(), 1);
    let ci = std::fs::read_to_string("examples/ci/gitlab-ci.yml").unwrap();
    let (dir, code, _) = run(&cmds[0], None);
    assert_eq!(code, 1);
    for artifact in ["gl-code-quality-report.json", "dbs-lint-junit.xml"] {
        assert!(
            ci.contains(&format!(": {artifact}")),
            "{artifact} is a report artifact"
        );
    }
    let cq: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("gl-code-quality-report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(cq.as_array().unwrap().len(), 9);
    let junit = std::fs::read_to_string(dir.path().join("dbs-lint-junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count(),
        9
    );
    assert!(dir.path().join("dbs-lint.md").exists());
}
