//! Evidence bundles: `check --evidence DIR` writes them, `verify DIR` catches every edit.

use std::path::Path;

use assert_cmd::Command;
use dbs_lint::evidence::sha256_hex;

const EXAMPLE: &str = "examples/dumps/describe-backup-plan-list.json";
const INPUT: &str = "inputs/01-describe-backup-plan-list.json";

fn dbs_lint() -> Command {
    let mut cmd = Command::cargo_bin("dbs-lint").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Writes a bundle of the example dump into `dir/bundle` and returns its path.
fn bundle(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("bundle");
    let out = dbs_lint()
        .args([
            "check",
            EXAMPLE,
            "--now",
            "2026-06-01",
            "--param",
            "min_retention_days=365",
            "-f",
            "json",
        ])
        .arg("--evidence")
        .arg(&path)
        .output()
        .unwrap();
    // The findings still decide the exit code; the bundle is written either way.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("evidence bundle written"));
    path
}

fn verify(dir: &Path) -> (i32, String) {
    let out = dbs_lint().arg("verify").arg(dir).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    (out.status.code().unwrap(), text)
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn the_bundle_holds_inputs_policy_reports_and_a_manifest_of_digests() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bundle(tmp.path());
    let m = manifest(&dir);
    assert_eq!(m["format"], "dbs-lint-evidence");
    assert_eq!(m["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["evaluated_as_of"], "2026-06-01");
    assert_eq!(m["exit_code"], 1);
    let command: Vec<&str> = m["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        command.contains(&"--evidence") && command.contains(&EXAMPLE),
        "{command:?}"
    );
    // The input copy is byte-identical and its digest is the original file's.
    let original = std::fs::read(EXAMPLE).unwrap();
    assert_eq!(std::fs::read(dir.join(INPUT)).unwrap(), original);
    assert_eq!(m["inputs"][0]["sha256"], sha256_hex(&original));
    assert_eq!(m["inputs"][0]["source"], EXAMPLE);
    // The policy text is the built-in pack's.
    assert_eq!(m["policies"][0]["source"], "builtin:recommended");
    let pack = dbs_lint::policy::packs::find("recommended").unwrap();
    let policy_file = m["policies"][0]["file"].as_str().unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join(policy_file)).unwrap(),
        pack
    );
    assert_eq!(m["policies"][0]["sha256"], sha256_hex(pack.as_bytes()));
    // The effective parameters, with the value set on the command line.
    let params: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("policy/parameters.json")).unwrap())
            .unwrap();
    assert!(
        params["min_retention_days"]["value"]
            .as_str()
            .unwrap()
            .contains("365"),
        "{params}"
    );
    // Reports: JSON and HTML at least.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("reports/report.json")).unwrap())
            .unwrap();
    assert_eq!(json["summary"]["findings"], 9);
    assert!(std::fs::read_to_string(dir.join("reports/report.html"))
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    // Every file but the manifest is listed with its digest and size.
    for f in m["files"].as_array().unwrap() {
        let bytes = std::fs::read(dir.join(f["path"].as_str().unwrap())).unwrap();
        assert_eq!(f["sha256"], sha256_hex(&bytes));
        assert_eq!(f["size"], bytes.len());
    }
    assert_eq!(m["files"].as_array().unwrap().len(), 6);
}

#[test]
fn an_intact_bundle_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bundle(tmp.path());
    let (code, text) = verify(&dir);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("intact: 6 file(s) match the manifest"),
        "{text}"
    );
    let manifest_sha = sha256_hex(&std::fs::read(dir.join("manifest.json")).unwrap());
    assert!(
        text.contains(&manifest_sha),
        "the manifest's own digest is printed"
    );
}

#[test]
fn an_edited_file_is_caught_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bundle(tmp.path());
    let path = dir.join(INPUT);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("730", "731");
    std::fs::write(&path, text).unwrap();
    let (code, out) = verify(&dir);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("altered: {INPUT}")), "{out}");
    assert!(out.contains("NOT intact: 1 problem(s)"), "{out}");
}

#[test]
fn a_deleted_file_is_caught_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bundle(tmp.path());
    std::fs::remove_file(dir.join("reports/report.html")).unwrap();
    let (code, out) = verify(&dir);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("missing: reports/report.html"), "{out}");
    assert!(out.contains("NOT intact: 1 problem(s)"), "{out}");
}

#[test]
fn an_added_file_is_caught_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bundle(tmp.path());
    std::fs::write(dir.join("policy/extra.yaml"), "rules: []\n").unwrap();
    let (code, out) = verify(&dir);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("extra: policy/extra.yaml"), "{out}");
}

#[test]
fn a_rewritten_policy_digest_in_the_manifest_is_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bundle(tmp.path());
    let path = dir.join("manifest.json");
    let mut m = manifest(&dir);
    m["files"][1]["sha256"] = "0".repeat(64).into();
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let (code, out) = verify(&dir);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("altered: policy/01-builtin-recommended.yaml"),
        "{out}"
    );
}

#[test]
fn a_directory_that_is_not_a_bundle_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out) = verify(tmp.path());
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("is not an evidence bundle"), "{out}");
    std::fs::write(tmp.path().join("manifest.json"), "{\"format\": \"other\"}").unwrap();
    let (code, _) = verify(tmp.path());
    assert_eq!(code, 2);
    let (code, _) = verify(&tmp.path().join("absent"));
    assert_eq!(code, 2);
}

#[test]
fn a_manifest_path_outside_the_bundle_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bundle(tmp.path());
    let mut m = manifest(&dir);
    m["files"][0]["path"] = "../outside.json".into();
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_string(&m).unwrap(),
    )
    .unwrap();
    let (code, out) = verify(&dir);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("outside the bundle"), "{out}");
}

#[test]
fn waivers_files_are_kept_in_the_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bundle");
    let waivers = "tests/fixtures/audit/waivers.yaml";
    let out = dbs_lint()
        .args([
            "check",
            EXAMPLE,
            "--no-config",
            "--now",
            "2026-06-01",
            "--waivers",
            waivers,
        ])
        .arg("--evidence")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let copy = dir.join("policy/extra-01-waivers.yaml");
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(waivers).unwrap()
    );
    let html = std::fs::read_to_string(dir.join("reports/report.html")).unwrap();
    assert!(
        html.contains("security-team"),
        "the waived finding is in the HTML report"
    );
    assert_eq!(verify(&dir).0, 0);
}

#[test]
fn a_non_empty_evidence_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("old.txt"), "x").unwrap();
    let out = dbs_lint()
        .args(["check", EXAMPLE])
        .arg("--evidence")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
}
