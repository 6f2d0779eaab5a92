//! Dump loading: every accepted shape, every fail-closed case, through the library and the CLI.
//!
//! Fixtures live in `tests/fixtures/dumps/`; paths are given relative to the crate root so that
//! messages and snapshots name them the way a user would.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use dbs_lint::engine::{self, Outcome};
use dbs_lint::model::{FieldId, FieldSet, Plan, Slot, Value, Weekdays};
use dbs_lint::policy::{self, PolicySpec};
use dbs_lint::report::diagnostic::render_diagnostic;
use dbs_lint::source::{self, Completeness, Dataset, InputError, InputSpec, LoadOptions, Shape};

const DUMPS: &str = "tests/fixtures/dumps";

fn fixture(name: &str) -> PathBuf {
    Path::new(DUMPS).join(name)
}

/// The name a fixture is reported under.
fn shown(name: &str) -> String {
    format!("{DUMPS}/{name}")
}

fn load_paths(paths: &[PathBuf], allow_partial: bool) -> Result<Dataset, Vec<InputError>> {
    let specs: Vec<InputSpec> = paths.iter().cloned().map(InputSpec::Path).collect();
    let options = LoadOptions {
        allow_partial,
        retain: FieldSet::all(),
    };
    source::load(&specs, &options, &mut std::io::empty())
}

fn load_ok(name: &str) -> Dataset {
    match load_paths(&[fixture(name)], false) {
        Ok(data) => data,
        Err(errors) => panic!(
            "{name} should load, got: {}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn load_err(name: &str) -> Vec<InputError> {
    match load_paths(&[fixture(name)], false) {
        Ok(data) => panic!(
            "{name} should be refused, loaded {} plan(s)",
            data.plans.len()
        ),
        Err(errors) => errors,
    }
}

/// The errors of a fixture that explain it, leaving out a follow-on "incomplete dump" error
/// (see `refused_plans_do_not_make_a_dump_incomplete`).
fn primary_errors(name: &str) -> Vec<InputError> {
    let errors = load_err(name);
    if name == "incomplete.json" {
        return errors;
    }
    errors
        .into_iter()
        .filter(|e| !matches!(e, InputError::Incomplete { .. }))
        .collect()
}

/// The single error a fixture produces.
fn only_error(name: &str) -> InputError {
    let mut errors = primary_errors(name);
    assert_eq!(
        errors.len(),
        1,
        "{name}: expected one error, got: {:#?}",
        errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
    );
    errors.pop().unwrap()
}

fn ids(data: &Dataset) -> Vec<&str> {
    data.plans.iter().map(|p| p.id.as_ref()).collect()
}

fn field(name: &str) -> FieldId {
    FieldId::from_name(name).unwrap_or_else(|| panic!("{name} is not catalogued"))
}

fn get<'a>(plan: &'a Plan, name: &str) -> &'a Slot {
    plan.get(field(name))
}

fn plan<'a>(data: &'a Dataset, id: &str) -> &'a Plan {
    data.plans
        .iter()
        .find(|p| p.id.as_ref() == id)
        .unwrap_or_else(|| panic!("no plan {id} in {:?}", ids(data)))
}

fn int(n: i64) -> Slot {
    Slot::Present(Value::Int(n))
}

fn text(s: &str) -> Slot {
    Slot::Present(Value::Text(s.into()))
}

fn render_all(errors: &[InputError]) -> String {
    errors
        .iter()
        .map(|e| render_diagnostic(e, false, 100))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Line and column of a plan's object in its file.
fn plan_position(data: &Dataset, plan: &Plan) -> (usize, usize) {
    let pos = data.file_of(plan).line_col(plan.origin.offset as usize);
    (pos.line, pos.column)
}

// ---------------------------------------------------------------------------------------------
// Accepted shapes
// ---------------------------------------------------------------------------------------------

#[test]
fn full_response_is_complete() {
    let data = load_ok("response.json");
    assert_eq!(ids(&data), ["dbs-a-orders", "dbs-b-billing"]);
    let input = &data.inputs[0];
    assert_eq!(input.path, shown("response.json"));
    assert_eq!(input.shape, Shape::Response);
    assert_eq!(input.documents, 1);
    assert_eq!(input.plans, 2);
    assert_eq!(input.total_elements, Some(2));
    assert_eq!(input.completeness, Completeness::Complete);
    assert_eq!(input.merged_duplicates, 0);
    let b = plan(&data, "dbs-b-billing");
    assert_eq!(b.name.as_deref(), Some("prod-billing"));
    assert_eq!(b.region.as_deref(), Some("cn-hangzhou"));
    assert_eq!(get(b, "BackupRetentionPeriod"), &int(30));
    assert_eq!(get(b, "BackupPlanStatus"), &text("running"));
}

#[test]
fn aliyun_cli_output_with_bom_and_tabs_is_a_response() {
    let data = load_ok("aliyun-cli-bom-tabs.json");
    assert_eq!(
        ids(&data),
        ["dbs-a-orders", "dbs-b-billing", "dbs-c-staging"]
    );
    let input = &data.inputs[0];
    assert_eq!(input.shape, Shape::Response);
    assert_eq!(input.plans, 3);
    assert_eq!(input.total_elements, Some(3));
    assert_eq!(input.completeness, Completeness::Complete);
    // The BOM is not a column: the first plan's `{` follows three tabs on line 7.
    assert_eq!(plan_position(&data, &data.plans[0]), (7, 4));
    let c = plan(&data, "dbs-c-staging");
    assert_eq!(get(c, "BackupPlanStatus"), &text("pause"));
}

#[test]
fn pager_output_is_unverified() {
    let data = load_ok("pager.json");
    assert_eq!(
        ids(&data),
        ["dbs-a-orders", "dbs-b-billing", "dbs-c-staging"]
    );
    let input = &data.inputs[0];
    assert_eq!(input.shape, Shape::Pager);
    assert_eq!(input.total_elements, None);
    assert_eq!(input.completeness, Completeness::Unverified);
}

#[test]
fn bare_array_of_plans_is_unverified() {
    let data = load_ok("plan-array.json");
    assert_eq!(ids(&data), ["dbs-a-orders", "dbs-b-billing"]);
    let input = &data.inputs[0];
    assert_eq!(input.shape, Shape::PlanArray);
    assert_eq!(input.total_elements, None);
    assert_eq!(input.completeness, Completeness::Unverified);
    // Line 2, column 3: the first element of the array.
    assert_eq!(plan_position(&data, &data.plans[0]), (2, 3));
}

#[test]
fn array_of_page_responses_is_complete_across_pages() {
    let data = load_ok("page-array.json");
    assert_eq!(
        ids(&data),
        ["dbs-a-orders", "dbs-b-billing", "dbs-c-staging"]
    );
    let input = &data.inputs[0];
    assert_eq!(input.shape, Shape::PageArray);
    assert_eq!(input.documents, 1);
    assert_eq!(input.plans, 3);
    assert_eq!(input.total_elements, Some(3));
    assert_eq!(input.completeness, Completeness::Complete);
}

#[test]
fn json_lines_of_responses_are_complete_across_lines() {
    let data = load_ok("responses.jsonl");
    assert_eq!(
        ids(&data),
        ["dbs-a-orders", "dbs-b-billing", "dbs-c-staging"]
    );
    let input = &data.inputs[0];
    assert_eq!(input.shape, Shape::JsonLines);
    assert_eq!(input.documents, 2);
    assert_eq!(input.plans, 3);
    assert_eq!(input.total_elements, Some(3));
    assert_eq!(input.completeness, Completeness::Complete);
    // The third plan is on the second line.
    assert_eq!(plan_position(&data, plan(&data, "dbs-c-staging")).0, 2);
}

#[test]
fn python_sdk_envelope_is_unwrapped() {
    let data = load_ok("sdk-envelope.json");
    assert_eq!(ids(&data), ["dbs-a-orders", "dbs-b-billing"]);
    let input = &data.inputs[0];
    assert_eq!(input.shape, Shape::SdkEnvelope);
    assert_eq!(input.total_elements, Some(2));
    assert_eq!(input.completeness, Completeness::Complete);
}

#[test]
fn every_shape_reads_the_same_values() {
    for name in [
        "response.json",
        "aliyun-cli-bom-tabs.json",
        "pager.json",
        "plan-array.json",
        "page-array.json",
        "responses.jsonl",
        "sdk-envelope.json",
    ] {
        let data = load_ok(name);
        let b = plan(&data, "dbs-b-billing");
        assert_eq!(get(b, "BackupRetentionPeriod"), &int(30), "{name}");
        // Documented as a string holding a number.
        assert_eq!(get(b, "LogBackupRetentionPeriod"), &int(730), "{name}");
        // Documented as a string holding a boolean.
        assert_eq!(
            get(b, "SourceEndpointEnableSsl"),
            &Slot::Present(Value::Bool(true)),
            "{name}"
        );
        assert_eq!(
            get(b, "EnableBackupLog"),
            &Slot::Present(Value::Bool(true)),
            "{name}"
        );
        assert_eq!(get(b, "StorageEncryptMethod"), &text("encrypted"), "{name}");
        assert_eq!(get(b, "BackupPlanCreateTime"), &Slot::Missing, "{name}");
    }
}

#[test]
fn numbers_as_strings_and_string_booleans_are_accepted() {
    let data = load_ok("lenient-values.json");
    let p = plan(&data, "dbs-lenient");
    assert_eq!(
        get(p, "BackupRetentionPeriod"),
        &int(365),
        "\"365\" where a number is documented"
    );
    assert_eq!(
        get(p, "LogBackupRetentionPeriod"),
        &int(400),
        "400 where a string is documented"
    );
    assert_eq!(
        get(p, "IncrementBackupRetentionPeriod"),
        &Slot::Null,
        "\"\" numeric string is null"
    );
    assert_eq!(get(p, "EnableBackupLog"), &Slot::Present(Value::Bool(true)));
    assert_eq!(
        get(p, "OpenBackupSetAutoDownload"),
        &Slot::Present(Value::Bool(false))
    );
    assert_eq!(
        get(p, "SourceEndpointEnableSsl"),
        &Slot::Present(Value::Bool(true))
    );
    assert_eq!(get(p, "SourceEndpointPort"), &int(3306));
    assert_eq!(
        get(p, "BackupGatewayId"),
        &int(4_294_967_297),
        "beyond 2^32"
    );
    assert_eq!(get(p, "CrossAliyunId"), &text("1234567890123456"));
    assert_eq!(
        get(p, "BackupStartTime"),
        &Slot::Present(Value::Time(14 * 60 + 22))
    );
    let days = Weekdays::parse_list("Monday,Wednesday").unwrap();
    assert_eq!(
        get(p, "BackupPeriod"),
        &Slot::Present(Value::Weekdays(days))
    );
    assert_eq!(get(p, "ErrMessage"), &Slot::Null);
    let Slot::Present(Value::Objects(objects)) = get(p, "BackupObjects") else {
        panic!("BackupObjects not parsed: {:?}", get(p, "BackupObjects"));
    };
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0].db_name.as_deref(), Some("orders"));
    assert_eq!(objects[0].table_includes, ["t1"]);
}

#[test]
fn unknown_fields_are_kept_without_error() {
    let data = load_ok("lenient-values.json");
    let p = plan(&data, "dbs-lenient");
    let start = p.origin.offset as usize;
    let raw = &data.file_of(p).text()[start..start + p.origin.len as usize];
    assert!(raw.starts_with('{') && raw.ends_with('}'), "{raw}");
    assert!(
        raw.contains("\"FutureField\""),
        "the raw plan keeps unknown fields: {raw}"
    );
    assert!(raw.contains("\"deep\": true"), "{raw}");
    assert_eq!(data.inputs[0].completeness, Completeness::Complete);
}

#[test]
fn unparsable_backup_objects_load_and_make_rules_indeterminate() {
    let data = load_ok("backup-objects-invalid.json");
    let p = plan(&data, "dbs-objects");
    assert!(
        matches!(get(p, "BackupObjects"), Slot::Unparsable(_)),
        "{:?}",
        get(p, "BackupObjects")
    );
    // Other fields of the plan are read as usual.
    assert_eq!(get(p, "BackupRetentionPeriod"), &int(730));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("objects.yaml");
    std::fs::write(
        &path,
        "rules:\n  - id: objects-listed\n    assert: { BackupObjects: { empty: false } }\n  - id: retention\n    assert: { BackupRetentionPeriod: { gte: 365 } }\n",
    )
    .unwrap();
    let rules = policy::load(&[PolicySpec::File(path)]).unwrap_or_else(|e| panic!("{e:?}"));
    let (outcome, finding) = engine::check(&rules.rules[0], p);
    assert_eq!(outcome, Outcome::Indeterminate);
    let finding = finding.expect("an indeterminate rule is a finding");
    assert!(
        finding
            .message
            .starts_with("cannot verify: BackupObjects cannot be read"),
        "{}",
        finding.message
    );
    assert_eq!(engine::check(&rules.rules[1], p).0, Outcome::Pass);
}

#[test]
fn identical_copies_across_pages_are_merged() {
    let data = load_ok("duplicate-identical.json");
    assert_eq!(ids(&data), ["dbs-a-orders", "dbs-b-billing"]);
    let input = &data.inputs[0];
    assert_eq!(input.plans, 2);
    assert_eq!(input.merged_duplicates, 1);
    assert_eq!(input.completeness, Completeness::Complete);
}

#[test]
fn identical_copies_across_files_are_merged() {
    let data = load_paths(
        &[fixture("plan-array.json"), fixture("response.json")],
        false,
    )
    .unwrap_or_else(|e| panic!("{}", render_all(&e)));
    assert_eq!(ids(&data), ["dbs-a-orders", "dbs-b-billing"]);
    assert_eq!(data.inputs.len(), 2);
    assert_eq!(data.inputs[0].merged_duplicates, 0);
    assert_eq!(data.inputs[1].merged_duplicates, 2);
    // The second file still holds every plan it announces.
    assert_eq!(data.inputs[1].plans, 2);
    assert_eq!(data.inputs[1].completeness, Completeness::Complete);
    // Plans keep the origin of their first copy.
    assert_eq!(
        data.file_of(&data.plans[0]).name(),
        shown("plan-array.json")
    );
}

#[test]
fn directory_loads_every_json_file_sorted() {
    let data =
        load_paths(&[fixture("dir")], false).unwrap_or_else(|e| panic!("{}", render_all(&e)));
    let paths: Vec<&str> = data.inputs.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        [shown("dir/a-first.json"), shown("dir/b-second.json")]
    );
    assert_eq!(
        ids(&data),
        ["dbs-a-orders", "dbs-b-billing", "dbs-c-staging"]
    );
}

#[test]
fn stdin_is_read_when_asked() {
    let bytes = std::fs::read(fixture("aliyun-cli-bom-tabs.json")).unwrap();
    let options = LoadOptions {
        allow_partial: false,
        retain: FieldSet::all(),
    };
    let data = source::load(&[InputSpec::Stdin], &options, &mut bytes.as_slice()).unwrap();
    assert_eq!(data.inputs[0].path, "<stdin>");
    assert_eq!(data.inputs[0].shape, Shape::Response);
    assert_eq!(data.plans.len(), 3);
    assert_eq!(InputSpec::parse("-"), InputSpec::Stdin);
}

// ---------------------------------------------------------------------------------------------
// Fail closed
// ---------------------------------------------------------------------------------------------

#[test]
fn success_false_is_an_api_failure() {
    let err = only_error("api-failure.json");
    let InputError::ApiFailure {
        code,
        message,
        request_id,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(code, "Forbidden.RAM");
    assert_eq!(
        message,
        "User not authorized to operate on the specified resource."
    );
    assert_eq!(
        request_id.as_deref(),
        Some("5E3F2C1A-0000-4000-8000-00000000dead")
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{}:1:1: the dump holds a failed API call: Forbidden.RAM: User not authorized to operate \
             on the specified resource. (RequestId 5E3F2C1A-0000-4000-8000-00000000dead)",
            shown("api-failure.json")
        )
    );
}

#[test]
fn error_body_is_an_api_failure() {
    let err = only_error("error-body.json");
    let InputError::ApiFailure { code, message, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(code, "InvalidAccessKeyId.NotFound");
    assert_eq!(message, "Specified access key is not found.");
    let shown_err = err.to_string();
    assert!(
        shown_err.starts_with(&format!("{}:1:1: ", shown("error-body.json"))),
        "{shown_err}"
    );
    assert!(shown_err.contains("InvalidAccessKeyId.NotFound: Specified access key is not found."));
}

#[test]
fn success_as_the_string_false_is_an_api_failure() {
    let err = only_error("success-string-false.json");
    let InputError::ApiFailure { code, message, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(code, "Throttling.User");
    assert_eq!(message, "Request was denied due to user flow control.");
    assert!(err
        .to_string()
        .starts_with(&format!("{}:1:1:", shown("success-string-false.json"))));
}

#[test]
fn fewer_plans_than_total_elements_is_incomplete() {
    let err = only_error("incomplete.json");
    let InputError::Incomplete { holds, total, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!((*holds, *total), (30, 100));
    assert_eq!(
        err.to_string(),
        format!(
            "{}: incomplete dump: holds 30 of 100 plans",
            shown("incomplete.json")
        )
    );
}

#[test]
fn allow_partial_checks_an_incomplete_dump_and_says_so() {
    let data = load_paths(&[fixture("incomplete.json")], true)
        .unwrap_or_else(|e| panic!("{}", render_all(&e)));
    assert_eq!(data.plans.len(), 30);
    assert_eq!(
        data.inputs[0].completeness,
        Completeness::Partial {
            holds: 30,
            total: 100
        }
    );
    assert_eq!(data.inputs[0].total_elements, Some(100));
}

#[test]
fn differing_copies_of_a_plan_are_an_error() {
    let err = only_error("duplicate-conflicting.json");
    let InputError::ConflictingCopies { plan, first, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(plan, "dbs-b-billing");
    assert_eq!(
        first,
        &format!("{}:20:9", shown("duplicate-conflicting.json"))
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{0}:47:9: plan dbs-b-billing appears twice with different values (first copy at {0}:20:9)",
            shown("duplicate-conflicting.json")
        )
    );
}

#[test]
fn differing_copies_across_files_are_an_error() {
    // page-array.json keeps dbs-b-billing for 30 days; the conflicting page says 365.
    let errors = load_paths(
        &[
            fixture("page-array.json"),
            fixture("duplicate-conflicting.json"),
        ],
        false,
    )
    .expect_err("the inputs disagree about dbs-b-billing");
    let conflicts: Vec<String> = errors
        .iter()
        .filter(|e| matches!(e, InputError::ConflictingCopies { .. }))
        .map(|e| e.to_string())
        .collect();
    assert!(
        conflicts
            .iter()
            .any(|c| c.contains(&format!("first copy at {}:", shown("page-array.json")))),
        "{conflicts:#?}"
    );
}

fn assert_bad_retention(name: &str, plan_id: &str, found: &str) {
    let err = only_error(name);
    let InputError::BadValue {
        plan,
        field,
        message,
        ..
    } = &err
    else {
        panic!("{name}: {err:?}");
    };
    assert_eq!(plan, plan_id);
    assert_eq!(*field, "BackupRetentionPeriod");
    assert!(
        message.ends_with(&format!("found {found}")),
        "{name}: {message}"
    );
    let shown_err = err.to_string();
    assert!(
        shown_err.starts_with(&format!(
            "{}:12:34: plan {plan_id}: BackupRetentionPeriod ",
            shown(name)
        )),
        "{shown_err}"
    );
}

#[test]
fn numeric_string_with_a_trailing_space_is_refused() {
    assert_bad_retention("retention-trailing-space.json", "dbs-space", "\"365 \"");
}

#[test]
fn hexadecimal_numeric_string_is_refused() {
    assert_bad_retention("retention-hex.json", "dbs-hex", "\"0x16D\"");
}

#[test]
fn negative_retention_is_refused() {
    assert_bad_retention("retention-negative.json", "dbs-negative", "-30");
    let err = only_error("retention-negative.json");
    assert!(err.to_string().contains("must not be negative"), "{err}");
}

#[test]
fn fractional_retention_is_refused() {
    assert_bad_retention("retention-fractional.json", "dbs-fraction", "365.5");
    let err = only_error("retention-fractional.json");
    assert!(err.to_string().contains("expected a whole number"), "{err}");
}

#[test]
fn negative_total_elements_is_refused() {
    let err = only_error("total-elements-negative.json");
    assert!(matches!(err, InputError::Shape { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}:25:20: TotalElements must be a non-negative whole number, found -1",
            shown("total-elements-negative.json")
        )
    );
}

#[test]
fn plans_that_are_strings_are_refused() {
    let errors = primary_errors("plans-as-strings.json");
    let shapes: Vec<String> = errors
        .iter()
        .filter(|e| matches!(e, InputError::Shape { .. }))
        .map(|e| e.to_string())
        .collect();
    let name = shown("plans-as-strings.json");
    assert_eq!(
        shapes,
        [
            format!("{name}:7:7: expected a backup plan object, found a string"),
            format!("{name}:8:7: expected a backup plan object, found a string"),
        ]
    );
}

#[test]
fn items_as_an_array_is_refused() {
    let err = only_error("items-array.json");
    assert!(matches!(err, InputError::Shape { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}:5:12: Items must be an object holding BackupPlanDetail, found an array",
            shown("items-array.json")
        )
    );
}

#[test]
fn backup_plan_detail_as_an_object_is_refused() {
    let err = only_error("detail-object.json");
    assert!(matches!(err, InputError::Shape { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}:6:25: BackupPlanDetail must be an array of plans, found an object",
            shown("detail-object.json")
        )
    );
}

#[test]
fn plan_without_id_is_refused() {
    let errors = primary_errors("no-plan-id.json");
    let err = errors
        .iter()
        .find(|e| matches!(e, InputError::NoPlanId { .. }))
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(
        err.to_string(),
        format!(
            "{}:19:7: a plan has no BackupPlanId",
            shown("no-plan-id.json")
        )
    );
}

#[test]
fn duplicate_keys_in_a_plan_are_refused() {
    let errors = primary_errors("duplicate-keys.json");
    let err = errors
        .iter()
        .find(|e| matches!(e, InputError::DuplicateKey { .. }))
        .unwrap_or_else(|| panic!("{errors:?}"));
    let InputError::DuplicateKey { plan, key, .. } = err else {
        unreachable!()
    };
    assert_eq!(plan, "dbs-dupkey");
    assert_eq!(key, "BackupRetentionPeriod");
    assert_eq!(
        err.to_string(),
        format!(
            "{}:8:34: plan dbs-dupkey: key BackupRetentionPeriod appears twice",
            shown("duplicate-keys.json")
        )
    );
}

/// A plan refused for another reason is still in the dump: the file holds every plan its
/// `TotalElements` announces, so it must not also be called incomplete ("holds 1 of 2 plans"
/// is false and sends the user to re-fetch pages for nothing).
#[test]
fn refused_plans_do_not_make_a_dump_incomplete() {
    for name in [
        "no-plan-id.json",
        "duplicate-keys.json",
        "plans-as-strings.json",
        "retention-trailing-space.json",
        "retention-hex.json",
        "retention-negative.json",
        "retention-fractional.json",
        "items-array.json",
        "detail-object.json",
    ] {
        let errors = load_err(name);
        let incomplete: Vec<String> = errors
            .iter()
            .filter(|e| matches!(e, InputError::Incomplete { .. }))
            .map(|e| e.to_string())
            .collect();
        assert!(incomplete.is_empty(), "{name}: spurious {incomplete:?}");
    }
}

#[test]
fn truncated_json_is_a_syntax_error_at_the_end() {
    let err = only_error("truncated.json");
    let InputError::Syntax { message, at, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(message.starts_with("EOF while parsing"), "{message}");
    assert_eq!(at.line, 20, "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("{}:20:", shown("truncated.json"))),
        "{err}"
    );
}

#[test]
fn empty_file_is_refused() {
    let err = only_error("empty.json");
    assert!(matches!(err, InputError::Empty { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("{}: the file is empty", shown("empty.json"))
    );
}

#[test]
fn text_that_is_not_json_is_refused() {
    let err = only_error("not-json.json");
    assert!(matches!(err, InputError::Syntax { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with(&format!("{}:1:1: invalid JSON: ", shown("not-json.json"))),
        "{err}"
    );
}

#[test]
fn invalid_utf8_names_the_line_and_column() {
    let err = only_error("invalid-utf8.json");
    let InputError::NotUtf8 { line, column, .. } = &err else {
        panic!("{err:?}");
    };
    // `     "BackupPlanName": "caf` is 27 characters; the Latin-1 é is the 28th.
    assert_eq!((*line, *column), (4, 28));
    assert_eq!(
        err.to_string(),
        format!(
            "{}:4:28: the file is not valid UTF-8",
            shown("invalid-utf8.json")
        )
    );
}

#[test]
fn one_bad_json_line_refuses_the_whole_file() {
    let err = only_error("bad-line.jsonl");
    assert!(matches!(err, InputError::Syntax { .. }), "{err:?}");
    // The stray `}` after the trailing comma on line 2.
    assert!(
        err.to_string()
            .starts_with(&format!("{}:2:66: ", shown("bad-line.jsonl"))),
        "{err}"
    );
}

#[test]
fn directory_without_json_files_is_refused() {
    let err = only_error("no-json");
    assert!(matches!(err, InputError::EmptyDirectory { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("{}: the directory holds no *.json file", shown("no-json"))
    );
}

#[test]
fn missing_file_is_unreadable() {
    let err = only_error("does-not-exist.json");
    assert!(matches!(err, InputError::Unreadable { .. }), "{err:?}");
    assert!(err
        .to_string()
        .starts_with(&format!("cannot read {}: ", shown("does-not-exist.json"))));
}

#[test]
fn a_bad_input_fails_the_whole_load() {
    // Good inputs next to a bad one: nothing is checked.
    let errors = load_paths(
        &[fixture("response.json"), fixture("api-failure.json")],
        false,
    )
    .expect_err("one failed call fails the run");
    assert_eq!(errors.len(), 1);
    assert!(matches!(errors[0], InputError::ApiFailure { .. }));
}

// ---------------------------------------------------------------------------------------------
// Rendered diagnostics
// ---------------------------------------------------------------------------------------------

#[test]
fn rendered_input_errors() {
    for (snapshot, name) in [
        ("api_failure", "api-failure.json"),
        ("error_body", "error-body.json"),
        ("incomplete", "incomplete.json"),
        ("conflicting_copies", "duplicate-conflicting.json"),
        ("numeric_string_hex", "retention-hex.json"),
        ("negative_retention", "retention-negative.json"),
        ("total_elements_negative", "total-elements-negative.json"),
        ("items_array", "items-array.json"),
        ("no_plan_id", "no-plan-id.json"),
        ("duplicate_keys", "duplicate-keys.json"),
        ("truncated", "truncated.json"),
        ("empty", "empty.json"),
        ("not_json", "not-json.json"),
        ("invalid_utf8", "invalid-utf8.json"),
        ("bad_json_line", "bad-line.jsonl"),
        ("no_json_in_directory", "no-json"),
    ] {
        let rendered = render_all(&primary_errors(name));
        assert!(rendered.contains(&shown(name)), "{name}: {rendered}");
        insta::assert_snapshot!(format!("input_error_{snapshot}"), rendered);
    }
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

fn dbs_lint() -> Command {
    let mut cmd = Command::cargo_bin("dbs-lint").unwrap();
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .arg("--color")
        .arg("never");
    cmd
}

fn json_stdout(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn cli_every_bad_input_exits_3_naming_the_file() {
    for name in [
        "api-failure.json",
        "error-body.json",
        "success-string-false.json",
        "incomplete.json",
        "duplicate-conflicting.json",
        "retention-trailing-space.json",
        "retention-hex.json",
        "retention-negative.json",
        "retention-fractional.json",
        "total-elements-negative.json",
        "plans-as-strings.json",
        "items-array.json",
        "detail-object.json",
        "no-plan-id.json",
        "duplicate-keys.json",
        "truncated.json",
        "empty.json",
        "not-json.json",
        "invalid-utf8.json",
        "bad-line.jsonl",
        "no-json",
        "does-not-exist.json",
    ] {
        let output = dbs_lint().arg("check").arg(fixture(name)).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{name}: {stderr}");
        assert!(
            stderr.contains(&shown(name)),
            "{name}: stderr does not name the file: {stderr}"
        );
        assert!(stderr.contains("nothing was checked"), "{name}: {stderr}");
        assert!(
            output.stdout.is_empty(),
            "{name}: no report for a refused input"
        );
    }
}

#[test]
fn cli_every_good_shape_is_checked() {
    for name in [
        "response.json",
        "aliyun-cli-bom-tabs.json",
        "pager.json",
        "plan-array.json",
        "page-array.json",
        "responses.jsonl",
        "sdk-envelope.json",
        "lenient-values.json",
        "duplicate-identical.json",
        "backup-objects-invalid.json",
    ] {
        let output = dbs_lint()
            .args(["check", "-f", "json"])
            .arg(fixture(name))
            .output()
            .unwrap();
        let code = output.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{name}: exit {code:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report = json_stdout(&output);
        assert_eq!(report["inputs"][0]["path"], shown(name), "{name}");
        assert!(report["summary"]["plans"].as_u64().unwrap() > 0, "{name}");
    }
}

#[test]
fn cli_allow_partial_turns_an_incomplete_dump_into_a_run_with_a_notice() {
    let output = dbs_lint()
        .args(["check", "-f", "json", "--allow-partial"])
        .arg(fixture("incomplete.json"))
        .output()
        .unwrap();
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json_stdout(&output);
    assert_eq!(report["summary"]["plans"], 30);
    let notices = report["summary"]["notices"].as_array().expect("notices");
    assert!(
        notices.iter().any(|n| {
            let n = n.as_str().unwrap_or_default();
            n.contains(&shown("incomplete.json")) && n.contains("holds 30 of 100 plans")
        }),
        "{notices:?}"
    );
    assert_eq!(report["inputs"][0]["completeness"]["status"], "partial");
    assert_eq!(report["inputs"][0]["completeness"]["holds"], 30);
    assert_eq!(report["inputs"][0]["completeness"]["total"], 100);

    // Without the flag the same dump is refused.
    let refused = dbs_lint()
        .args(["check", "-f", "json"])
        .arg(fixture("incomplete.json"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("holds 30 of 100 plans"));
}

#[test]
fn cli_allow_partial_does_not_excuse_a_failed_call() {
    let output = dbs_lint()
        .args(["check", "--allow-partial"])
        .arg(fixture("api-failure.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn cli_reads_stdin_from_dash() {
    let output = dbs_lint()
        .args(["check", "-f", "json", "-"])
        .write_stdin(std::fs::read(fixture("aliyun-cli-bom-tabs.json")).unwrap())
        .output()
        .unwrap();
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json_stdout(&output);
    assert_eq!(report["inputs"][0]["path"], "<stdin>");
    assert_eq!(report["inputs"][0]["shape"], "response");
    assert_eq!(report["summary"]["plans"], 3);
}

#[test]
fn cli_bad_stdin_exits_3_naming_stdin() {
    let output = dbs_lint()
        .args(["check", "-"])
        .write_stdin("{\"Success\": false, \"ErrCode\": \"X\"}")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("<stdin>"));
}

#[test]
fn cli_directory_input_loads_every_json_file_sorted() {
    let output = dbs_lint()
        .args(["check", "-f", "json"])
        .arg(fixture("dir"))
        .output()
        .unwrap();
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json_stdout(&output);
    let paths: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [shown("dir/a-first.json"), shown("dir/b-second.json")]
    );
    assert_eq!(report["summary"]["plans"], 3);
    // dbs-b-billing keeps full backups 30 days: the built-in pack reports it.
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["plan_id"] == "dbs-b-billing" && f["rule"] == "full-backup-retention"),
        "{findings:?}"
    );
}
