//! Hostile input: every case of `CASES` goes through the `dbs-lint` binary, which must refuse
//! it with the right exit code (2 for a policy, 3 for a dump), name the file (and the line and
//! column where one applies), never panic, and finish within a time limit.
//!
//! Small cases live in `tests/fixtures/hostile/{dumps,policies}/`. Big ones (a 50 MB string,
//! 100,000 levels of nesting, 100,000 rules, an alias bomb, …) are generated at test time into
//! a temporary directory, never committed.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

const DUMPS: &str = "tests/fixtures/hostile/dumps";
const POLICIES: &str = "tests/fixtures/hostile/policies";
/// A good dump, for the policy cases (policies are refused before any dump is read).
const GOOD_DUMP: &str = "examples/dumps/describe-backup-plan-list.json";

/// Generous: the binary is a debug build and the machine may be busy. A hang fails the case.
const TIMEOUT: Duration = Duration::from_secs(240);

#[derive(Clone, Copy)]
enum Kind {
    /// `dbs-lint check INPUT`: exit 3.
    Dump,
    /// `dbs-lint check -p POLICY GOOD_DUMP`: exit 2.
    Policy,
}

#[derive(Clone, Copy)]
enum Source {
    /// A committed fixture under the kind's directory.
    Fixture(&'static str),
    /// Generated into the temporary directory under this name.
    Generated(&'static str, fn(&Path)),
    /// A path relative to the temporary directory that is made not to be readable as a file.
    Special(&'static str, fn(&Path)),
}

struct Case {
    kind: Kind,
    source: Source,
    /// Must appear in stderr: the file, and `:line:column` where a position applies.
    expect: &'static [&'static str],
}

use Kind::{Dump, Policy};
use Source::{Fixture, Generated, Special};

/// Every hostile case: dumps first, then policies. `{file}` in `expect` is replaced by the path
/// the case is given as.
#[rustfmt::skip]
const CASES: &[Case] = &[
    // ---- dumps: not JSON, or not whole ----
    Case { kind: Dump, source: Fixture("empty.json"), expect: &["{file}: the file is empty"] },
    Case { kind: Dump, source: Fixture("whitespace-only.json"), expect: &["{file}: the file is empty"] },
    Case { kind: Dump, source: Fixture("not-json.json"), expect: &["{file}:1:1: invalid JSON"] },
    Case { kind: Dump, source: Fixture("truncated.json"), expect: &["{file}:10:25: invalid JSON: EOF while parsing"] },
    Case { kind: Dump, source: Fixture("bom-then-truncated.json"), expect: &["{file}:6:37: invalid JSON: EOF"] },
    Case { kind: Dump, source: Fixture("bom-twice.json"), expect: &["{file}:1:1: invalid JSON"] },
    Case { kind: Dump, source: Fixture("invalid-utf8.json"), expect: &["{file}:6:33: the file is not valid UTF-8"] },
    Case { kind: Dump, source: Fixture("control-character.json"), expect: &["{file}:6:32: invalid JSON: control character"] },
    Case { kind: Dump, source: Fixture("trailing-comma.json"), expect: &["{file}:15:7: invalid JSON"] },
    Case { kind: Dump, source: Fixture("nan.json"), expect: &["{file}:9:34: invalid JSON"] },
    Case { kind: Dump, source: Fixture("garbage-after-document.json"), expect: &["{file}:22:1: invalid JSON"] },
    Case { kind: Dump, source: Fixture("duplicate-response-keys.json"), expect: &["{file}:19:9: invalid JSON: duplicate field `Items`"] },
    Case { kind: Dump, source: Fixture("jsonl-one-bad-line.jsonl"), expect: &["{file}:4:1: invalid JSON: EOF"] },
    Case { kind: Dump, source: Fixture("jsonl-array-line.jsonl"), expect: &["{file}:2:1: each line of a JSON Lines dump must be a response object"] },
    // ---- dumps: wrong shapes ----
    Case { kind: Dump, source: Fixture("top-level-number.json"), expect: &["{file}:1:1: expected a JSON object or array, found a number"] },
    Case { kind: Dump, source: Fixture("top-level-string.json"), expect: &["{file}:1:1: expected a JSON object or array, found a string"] },
    Case { kind: Dump, source: Fixture("top-level-null.json"), expect: &["{file}:1:1: expected a JSON object or array, found null"] },
    Case { kind: Dump, source: Fixture("empty-object.json"), expect: &["{file}:1:1: no Items.BackupPlanDetail"] },
    Case { kind: Dump, source: Fixture("null-items.json"), expect: &["{file}:1:1: the response has no Items.BackupPlanDetail"] },
    Case { kind: Dump, source: Fixture("items-array.json"), expect: &["{file}:2:12: Items must be an object holding BackupPlanDetail, found an array"] },
    Case { kind: Dump, source: Fixture("detail-object.json"), expect: &["{file}:3:25: BackupPlanDetail must be an array of plans, found an object"] },
    Case { kind: Dump, source: Fixture("plans-as-strings.json"), expect: &["{file}:4:7: expected a backup plan object, found a string", "{file}:5:7:"] },
    Case { kind: Dump, source: Fixture("null-plan.json"), expect: &["{file}:4:7: expected a backup plan object, found null"] },
    Case { kind: Dump, source: Fixture("mixed-array.json"), expect: &["{file}:14:3: this array mixes plans and page responses"] },
    Case { kind: Dump, source: Fixture("sdk-body-string.json"), expect: &["{file}:6:11: the SDK envelope's body must be a response object, found a string"] },
    // ---- dumps: fail closed ----
    Case { kind: Dump, source: Fixture("success-false.json"), expect: &["{file}:1:1: the dump holds a failed API call: Forbidden.RAM"] },
    Case { kind: Dump, source: Fixture("success-string-false.json"), expect: &["{file}:1:1: the dump holds a failed API call"] },
    Case { kind: Dump, source: Fixture("success-number.json"), expect: &["{file}:19:14: Success must be true or false, found 1"] },
    Case { kind: Dump, source: Fixture("total-elements-negative.json"), expect: &["{file}:20:20: TotalElements must be a non-negative whole number, found -1"] },
    Case { kind: Dump, source: Fixture("total-elements-huge.json"), expect: &["{file}:20:20: TotalElements must be a non-negative whole number"] },
    Case { kind: Dump, source: Fixture("incomplete.json"), expect: &["{file}: incomplete dump: holds 1 of 30 plans"] },
    Case { kind: Dump, source: Fixture("conflicting-copies.json"), expect: &["{file}:16:7: plan dbs-h1 appears twice with different values"] },
    // ---- dumps: values ----
    Case { kind: Dump, source: Fixture("number-1e400.json"), expect: &["{file}:9:34: plan dbs-h1: BackupRetentionPeriod"] },
    Case { kind: Dump, source: Fixture("huge-integer.json"), expect: &["{file}:9:34: plan dbs-h1: BackupRetentionPeriod"] },
    Case { kind: Dump, source: Fixture("retention-negative.json"), expect: &["{file}:9:34: plan dbs-h1: BackupRetentionPeriod"] },
    Case { kind: Dump, source: Fixture("retention-fractional.json"), expect: &["{file}:9:34: plan dbs-h1:"] },
    Case { kind: Dump, source: Fixture("retention-trailing-space.json"), expect: &["{file}:9:34: plan dbs-h1:"] },
    Case { kind: Dump, source: Fixture("retention-hex.json"), expect: &["{file}:9:34: plan dbs-h1: BackupRetentionPeriod"] },
    Case { kind: Dump, source: Fixture("null-everywhere.json"), expect: &["{file}:4:7: a plan has no BackupPlanId"] },
    Case { kind: Dump, source: Fixture("plan-id-empty.json"), expect: &["{file}:4:7: a plan has no BackupPlanId"] },
    Case { kind: Dump, source: Fixture("plan-id-object.json"), expect: &["{file}:5:25: plan (BackupPlanId is not text): BackupPlanId"] },
    Case { kind: Dump, source: Fixture("duplicate-plan-keys.json"), expect: &["{file}:10:34: plan dbs-h1: key BackupRetentionPeriod appears twice"] },
    Case { kind: Dump, source: Fixture("lone-surrogate.json"), expect: &["{file}:6:27: plan dbs-h1: BackupPlanName"] },
    Case { kind: Dump, source: Fixture("bool-as-number.json"), expect: &["{file}:10:28: plan dbs-h1: EnableBackupLog"] },
    Case { kind: Dump, source: Fixture("period-as-number.json"), expect: &["{file}:14:25: plan dbs-h1: BackupPeriod"] },
    Case { kind: Dump, source: Fixture("status-as-object.json"), expect: &["{file}:8:29: plan dbs-h1: BackupPlanStatus"] },
    Case { kind: Dump, source: Fixture("deep-200.json"), expect: &["{file}:1:71: plan dbs-h1: BackupPeriod"] },
    // ---- dumps: files that are not dumps ----
    Case { kind: Dump, source: Fixture("no-json-dir"), expect: &["{file}: the directory holds no *.json file"] },
    Case { kind: Dump, source: Special("missing.json", |_| {}), expect: &["cannot read {file}: No such file or directory"] },
    // Stands in for unreadable permissions: tests may run as root, which ignores mode bits,
    // but no one can open a path that goes through a file.
    Case { kind: Dump, source: Special("a-file.json/plans.json", make_parent_a_file), expect: &["cannot read {file}: a part of the path is a file, not a directory"] },
    // A FIFO nobody writes to: must not hang the run (reads as empty).
    Case { kind: Dump, source: Special("fifo.json", make_fifo), expect: &["{file}: the file is empty"] },
    // ---- dumps: big, generated ----
    Case { kind: Dump, source: Generated("string-50mb.json", string_50mb), expect: &["{file}:1:81: plan dbs-big: BackupRetentionPeriod"] },
    Case { kind: Dump, source: Generated("nested-arrays-100000.json", nested_arrays), expect: &["{file}:1:2: expected a backup plan object, found an array"] },
    Case { kind: Dump, source: Generated("nested-objects-100000.json", nested_objects), expect: &["{file}:1:1: no Items.BackupPlanDetail"] },
    Case { kind: Dump, source: Generated("nested-values-100000.json", nested_values), expect: &["{file}:1:82: plan dbs-deep: BackupRetentionPeriod"] },
    // ---- policies ----
    Case { kind: Policy, source: Fixture("duplicate-keys.yaml"), expect: &["{file}:5:5: invalid YAML: duplicate key `assert`"] },
    Case { kind: Policy, source: Fixture("tabs.yaml"), expect: &["{file}:3:2: invalid YAML: tabs"] },
    Case { kind: Policy, source: Fixture("regex-backreference.yaml"), expect: &["{file}:5:32: this regex does not compile"] },
    Case { kind: Policy, source: Fixture("regex-huge.yaml"), expect: &["{file}:5:32: this regex does not compile"] },
    Case { kind: Policy, source: Fixture("non-utf8.yaml"), expect: &["{file}", "not valid UTF-8"] },
    Case { kind: Policy, source: Fixture("empty.yaml"), expect: &["{file}:1:1: a policy must be a mapping"] },
    Case { kind: Policy, source: Fixture("scalar.yaml"), expect: &["{file}:1:1: a policy must be a mapping, found an integer"] },
    Case { kind: Policy, source: Fixture("yaml-syntax.yaml"), expect: &["{file}:3:3: invalid YAML"] },
    Case { kind: Policy, source: Fixture("bom-error.yaml"), expect: &["{file}:4:39: unknown operator `gtee`"] },
    Case { kind: Policy, source: Fixture("deep-conditions.yaml"), expect: &["{file}:66:129: invalid YAML: budget breached"] },
    Case { kind: Policy, source: Fixture("huge-number.yaml"), expect: &["{file}:5:37: invalid YAML: non-finite float"] },
    Case { kind: Policy, source: Fixture("merge-key-bomb.yaml"), expect: &["{file}:1:1: unknown key `a` in a policy"] },
    Case { kind: Policy, source: Fixture("template-unclosed.yaml"), expect: &["{file}:5:", "invalid message template"] },
    Case { kind: Policy, source: Generated("alias-bomb.yaml", alias_bomb), expect: &["{file}:7:10: invalid YAML: budget breached"] },
    Case { kind: Policy, source: Generated("nesting-1000.yaml", nesting_1000), expect: &["{file}:2:", "invalid YAML: recursion limit exceeded"] },
    Case { kind: Policy, source: Generated("enormous-glob.yaml", enormous_glob), expect: &["{file}:5:31: this glob does not compile"] },
    Case { kind: Policy, source: Generated("rules-100000.yaml", rules_100000), expect: &["{file}:200002:15: unknown field `StorageEncryptMethd`"] },
    Case { kind: Policy, source: Special("a-directory.yaml", make_directory), expect: &["{file}", "it is a directory"] },
    Case { kind: Policy, source: Special("missing.yaml", |_| {}), expect: &["{file}", "no such file"] },
    // Stands in for unreadable permissions (see the dump case).
    Case { kind: Policy, source: Special("a-file.yaml/policy.yaml", make_parent_a_file), expect: &["{file}"] },
];

fn make_parent_a_file(path: &Path) {
    std::fs::write(path.parent().unwrap(), "{}").unwrap();
}

fn make_directory(path: &Path) {
    std::fs::create_dir_all(path).unwrap();
}

fn make_fifo(path: &Path) {
    #[cfg(unix)]
    {
        let status = std::process::Command::new("mkfifo").arg(path).status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "mkfifo {}",
            path.display()
        );
    }
    #[cfg(not(unix))]
    std::fs::write(path, "").unwrap();
}

/// One line: a 50 MB string where a number of days belongs.
fn string_50mb(path: &Path) {
    let mut text = String::with_capacity(51 << 20);
    text.push_str(
        r#"{"Items":{"BackupPlanDetail":[{"BackupPlanId":"dbs-big","BackupRetentionPeriod":""#,
    );
    text.extend(std::iter::repeat_n('9', 50 << 20));
    text.push_str(r#""}]},"Success":true,"TotalElements":1}"#);
    std::fs::write(path, text).unwrap();
}

fn nested_arrays(path: &Path) {
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    std::fs::write(path, text).unwrap();
}

fn nested_objects(path: &Path) {
    let text = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
    std::fs::write(path, text).unwrap();
}

/// 100,000 levels where the loader expects a number.
fn nested_values(path: &Path) {
    let text = format!(
        r#"{{"Items":{{"BackupPlanDetail":[{{"BackupPlanId":"dbs-deep","BackupRetentionPeriod":{}{}}}]}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(path, text).unwrap();
}

/// The "billion laughs": 9^10 nodes if expanded.
fn alias_bomb(path: &Path) {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text.push_str("policy: bomb\nrules: *a9\n");
    std::fs::write(path, text).unwrap();
}

fn nesting_1000(path: &Path) {
    let text = format!(
        "policy: deep\nrules: {}{}\n",
        "[".repeat(1000),
        "]".repeat(1000)
    );
    std::fs::write(path, text).unwrap();
}

fn enormous_glob(path: &Path) {
    let text = format!(
        "policy: glob\nrules:\n  - id: g\n    assert:\n      BackupPlanName: {{ glob: \"{}\" }}\n",
        "*a".repeat(500_000)
    );
    std::fs::write(path, text).unwrap();
}

/// 100,000 rules; only the last is wrong, and must be pointed at.
fn rules_100000(path: &Path) {
    let mut text = String::from("policy: many\nrules:\n");
    for i in 0..99_999 {
        text.push_str(&format!(
            "  - id: rule-{i}\n    assert: {{ StorageEncryptMethod: encrypted }}\n"
        ));
    }
    text.push_str("  - id: last-rule\n    assert: { StorageEncryptMethd: encrypted }\n");
    std::fs::write(path, text).unwrap();
}

/// The path a case is run with, after making whatever it needs.
fn prepare(case: &Case, tmp: &Path) -> PathBuf {
    let dir = match case.kind {
        Dump => DUMPS,
        Policy => POLICIES,
    };
    match case.source {
        Fixture(name) => Path::new(dir).join(name),
        Generated(name, make) | Special(name, make) => {
            let path = tmp.join(name);
            make(&path);
            path
        }
    }
}

fn run(case: &Case, path: &Path) -> Output {
    let mut cmd = Command::cargo_bin("dbs-lint").unwrap();
    cmd.env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .timeout(TIMEOUT)
        .arg("check");
    match case.kind {
        Dump => cmd.arg(path),
        Policy => cmd.arg("-p").arg(path).arg(GOOD_DUMP),
    };
    cmd.output().unwrap()
}

fn name(case: &Case) -> &'static str {
    match case.source {
        Fixture(n) | Generated(n, _) | Special(n, _) => n,
    }
}

#[test]
fn corpus_has_at_least_40_cases_with_unique_names() {
    assert!(CASES.len() >= 40, "only {} hostile cases", CASES.len());
    let mut names: Vec<(u8, &str)> = CASES
        .iter()
        .map(|c| (matches!(c.kind, Policy) as u8, name(c)))
        .collect();
    names.sort();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate case names");
}

#[test]
fn every_committed_fixture_is_a_case() {
    for (dir, kind) in [(DUMPS, 0u8), (POLICIES, 1)] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let file = entry.unwrap().file_name().into_string().unwrap();
            assert!(
                CASES
                    .iter()
                    .any(|c| matches!(c.source, Fixture(n) if n == file)
                        && matches!(c.kind, Policy) as u8 == kind),
                "{dir}/{file} is not in CASES"
            );
        }
    }
}

#[test]
fn every_hostile_input_is_refused_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in CASES {
        let path = prepare(case, tmp.path());
        let shown = path.to_string_lossy().replace('\\', "/");
        let out = run(case, &path);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // miette wraps long headlines (anywhere, even after a hyphen): compare without
        // whitespace and the gutter.
        let squeeze = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_whitespace() && *c != '│')
                .collect()
        };
        let flat = squeeze(&stderr);
        let want = match case.kind {
            Dump => 3,
            Policy => 2,
        };
        let mut problems = Vec::new();
        match out.status.code() {
            Some(code) if code == want => {}
            Some(101) => problems.push("panicked (exit 101)".to_string()),
            Some(code) => problems.push(format!("exit {code}, expected {want}")),
            None => problems.push("killed: timed out or crashed".to_string()),
        }
        if stderr.contains("panicked") {
            problems.push("stderr mentions a panic".into());
        }
        for expect in case.expect {
            let expect = expect.replace("{file}", &shown);
            if !flat.contains(&squeeze(&expect)) {
                problems.push(format!("stderr lacks `{expect}`"));
            }
        }
        if !problems.is_empty() {
            let head: String = stderr.chars().take(1500).collect();
            failures.push(format!(
                "{}: {}\n--- stderr ---\n{head}",
                name(case),
                problems.join("; ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}

/// Permissions proper, where they apply: a file its reader may not read.
#[cfg(unix)]
#[test]
fn unreadable_file_is_refused_unless_running_as_root() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("locked.json");
    std::fs::write(&path, "{}").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // root reads it anyway; the non-directory case above covers the error path.
        return;
    }
    let case = &Case {
        kind: Dump,
        source: Fixture("unused"),
        expect: &[],
    };
    let out = run(case, &path);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Permission denied"));
}

/// The input size limit (the library side of `--max-input-size`): a file and a stream over it
/// are refused naming the file and the limit, before anything is parsed.
#[test]
fn inputs_over_the_size_limit_are_refused() {
    use dbs_lint::model::FieldSet;
    use dbs_lint::source::{load_with_limits, InputError, InputSpec, Limits, LoadOptions};
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("big.json");
    std::fs::write(&path, format!("[{}]", " ".repeat(4096))).unwrap();
    let options = LoadOptions {
        allow_partial: false,
        retain: FieldSet::all(),
    };
    let limits = Limits {
        max_input_size: 1024,
    };
    let errors = load_with_limits(
        &[InputSpec::Path(path.clone())],
        &options,
        &limits,
        &mut std::io::empty(),
    )
    .unwrap_err();
    assert!(matches!(errors[0], InputError::TooLarge { .. }));
    let message = errors[0].to_string();
    assert!(message.contains("big.json"), "{message}");
    assert!(
        message.contains("4 KiB") && message.contains("1 KiB"),
        "{message}"
    );

    let mut stdin = std::io::Cursor::new(vec![b' '; 4096]);
    let errors = load_with_limits(&[InputSpec::Stdin], &options, &limits, &mut stdin).unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "<stdin>: the input is larger than the limit of 1 KiB"
    );
}

/// A big stdin is spooled to a temporary file and read like a big file.
#[test]
fn big_stdin_is_read() {
    let mut text = String::from(r#"{"Items":{"BackupPlanDetail":["#);
    let plan =
        r#"{"BackupPlanId":"dbs-N","BackupPlanName":"PADDING","StorageEncryptMethod":"encrypted"}"#;
    let padding = "x".repeat(1000);
    for i in 0..20_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(
            &plan
                .replace("dbs-N", &format!("dbs-{i}"))
                .replace("PADDING", &padding),
        );
    }
    text.push_str(r#"]},"Success":true,"TotalElements":20000}"#);
    assert!(text.len() > 16 << 20);
    let out = Command::cargo_bin("dbs-lint")
        .unwrap()
        .args(["check", "-f", "json", "-"])
        .write_stdin(text)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["plans"], 20_000);
}

/// A regex that backtracks catastrophically elsewhere is linear here: it loads and runs.
#[test]
fn catastrophic_regex_runs_in_linear_time() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = tmp.path().join("re.yaml");
    std::fs::write(
        &policy,
        "policy: re\nrules:\n  - id: re\n    assert:\n      BackupPlanName: { regex: \"^(a+)+$\" }\n",
    )
    .unwrap();
    let dump = tmp.path().join("dump.json");
    let name = format!("{}!", "a".repeat(100_000));
    std::fs::write(
        &dump,
        format!(r#"[{{"BackupPlanId":"dbs-re","BackupPlanName":"{name}"}}]"#),
    )
    .unwrap();
    let out = Command::cargo_bin("dbs-lint")
        .unwrap()
        .args(["check", "-f", "json", "-p"])
        .arg(&policy)
        .arg(&dump)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `--max-input-size` through the CLI: a file and stdin over the limit exit 3 naming the input
/// and the limit.
#[test]
fn cli_max_input_size_refuses_bigger_inputs() {
    let out = Command::cargo_bin("dbs-lint")
        .unwrap()
        .args(["check", "--max-input-size", "1KiB", GOOD_DUMP])
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let flat: String = stderr
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect();
    assert!(
        flat.contains(&format!(
            "{GOOD_DUMP}:theinputis10.2KiB,largerthanthelimitof1KiB"
        )),
        "{stderr}"
    );

    let text = std::fs::read_to_string(GOOD_DUMP).unwrap();
    let out = Command::cargo_bin("dbs-lint")
        .unwrap()
        .args(["check", "--max-input-size", "1KiB", "-"])
        .write_stdin(text)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("<stdin>: the input is larger than the limit of 1 KiB"));
}
