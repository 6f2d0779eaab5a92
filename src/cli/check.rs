//! `dbs-lint check`: load policies, load plans, evaluate, report, decide the exit code.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::exit::{self, ExitCode, FailOn};
use super::fetch::fetch;
use super::live::LiveArgs;
use super::output::{Output, WIDTH};
use super::policy_args::PolicyArgs;
use crate::engine;
use crate::engine::baseline::Baseline;
use crate::engine::waivers::{self, Waiver};
use crate::policy;
use crate::policy::error::{unreadable_waivers, ErrorSink};
use crate::report::triage::TriageOptions;
use crate::report::{self, Format, Report, RunInfo, TextOptions, Triage};
use crate::source::{self, InputSpec, LoadOptions, SourceFile};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Dump files, directories (every *.json inside) or `-` for stdin.
    #[arg(value_name = "INPUT")]
    inputs: Vec<String>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Report format [default: the configuration's `formats`, else text].
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write a report in FORMAT to PATH (repeatable), e.g. `--report sarif=dbs-lint.sarif`.
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = parse_report_target)]
    reports: Vec<(Format, PathBuf)>,
    /// Waivers file (a YAML file with a top-level `waivers:` list); repeatable.
    #[arg(long = "waivers", value_name = "FILE")]
    waivers: Vec<PathBuf>,
    /// Ignore every waiver: report each finding as it stands (audit mode).
    #[arg(long)]
    no_waivers: bool,
    /// A previous JSON report: only findings not in it (by rule id and plan id) fail the gate.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write this run's findings as a baseline (a JSON report) to FILE.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Evaluate as of this day, YYYY-MM-DD (default: today): waiver expiry and relative
    /// timestamps (`now+30d`) use it, so audits of old dumps are reproducible.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    now: Option<NaiveDate>,
    /// Lowest finding severity that fails the run (exit 1) [default: the configuration's
    /// `fail_on`, else error].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// With the text format, list every test that decided each finding.
    #[arg(long)]
    explain: bool,
    /// Largest input accepted (e.g. 8GiB, 500MiB); a bigger one is an input error (exit 3).
    #[arg(long, value_name = "SIZE", value_parser = source::parse_size, default_value = "4GiB")]
    max_input_size: u64,
    /// Most findings the text report shows in full; the rest are summarised by rule (machine
    /// reports always hold every finding). 0 shows all.
    #[arg(long, value_name = "N", default_value_t = report::DEFAULT_MAX_TEXT_FINDINGS)]
    max_text_findings: usize,
    /// Check a dump that holds fewer plans than its TotalElements, reporting the gap,
    /// instead of refusing it (exit 3).
    #[arg(long)]
    allow_partial: bool,
    /// Check plans fetched from the live DBS API instead of dumps.
    #[arg(long, conflicts_with = "inputs")]
    live: bool,
    /// With --live: save the fetched dump to FILE; findings then point into it.
    #[arg(long, value_name = "FILE", requires = "live")]
    save: Option<PathBuf>,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
    /// On a signature mismatch, show the StringToSign the server computed.
    #[arg(short, long)]
    verbose: bool,
    #[command(flatten, next_help_heading = "Live fetch (with --live)")]
    live_args: LiveArgs,
    /// Write an evidence bundle to DIR (new or empty): copies of the inputs, the resolved
    /// policy, JSON/HTML/Markdown reports and a manifest of SHA-256 digests (`dbs-lint verify`).
    #[arg(long, value_name = "DIR")]
    evidence: Option<PathBuf>,
}

pub fn run(args: CheckArgs, out: &Output) -> ExitCode {
    let today = args
        .now
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let now_ms = match args.now {
        Some(day) => day
            .and_hms_opt(0, 0, 0)
            .map_or(0, |t| t.and_utc().timestamp_millis()),
        None => chrono::Utc::now().timestamp_millis(),
    };
    let (rules, settings) = match args.policy.load(now_ms) {
        Ok(loaded) => loaded,
        Err(errors) => {
            out.diagnostics(&errors);
            out.note(&format!(
                "dbs-lint: {} policy error(s); nothing was checked",
                errors.len()
            ));
            return ExitCode::Usage;
        }
    };
    let ids: Vec<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
    let mut waiver_list: Vec<Waiver> = Vec::new();
    let mut waiver_errors = Vec::new();
    // `waivers:` in the policies and the configuration, validated now that every rule is known.
    for (file, node) in &rules.waivers {
        let mut sink = ErrorSink {
            file,
            errors: Vec::new(),
        };
        waiver_list.extend(waivers::parse_waivers(node, &mut sink, &ids));
        waiver_errors.extend(sink.errors);
    }
    for path in &args.waivers {
        match read_waivers(path, &ids) {
            Ok(w) => waiver_list.extend(w),
            Err(e) => waiver_errors.extend(e),
        }
    }
    if let Some((max, set_in)) = &rules.max_waiver_days {
        for w in &waiver_list {
            let days = (w.expires - today).num_days();
            if days > *max {
                waiver_errors.push(policy::PolicyError {
                    code: "waiver::too-long",
                    message: format!(
                        "{}: the waiver runs until {} ({days} days from {today}); waivers may run at most {max} days",
                        w.source, w.expires
                    ),
                    help: Some(format!("max_waiver_days is set in {set_in}; choose an earlier `expires`")),
                    file: None,
                    labels: Vec::new(),
                    location: None,
                });
            }
        }
    }
    if !waiver_errors.is_empty() {
        out.diagnostics(&waiver_errors);
        out.note(&format!(
            "dbs-lint: {} waiver error(s); nothing was checked",
            waiver_errors.len()
        ));
        return ExitCode::Usage;
    }
    let baseline = match &args.baseline {
        None => None,
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| Baseline::parse(&t).map_err(|e| e.to_string()))
        {
            Ok(b) => Some(b),
            Err(e) => {
                out.note(&format!(
                    "dbs-lint: cannot use the baseline {}: {e}; nothing was checked",
                    path.display()
                ));
                return ExitCode::Usage;
            }
        },
    };
    let inputs: Vec<InputSpec> = if args.live {
        match live_input(&args, out) {
            Ok(input) => vec![input],
            Err(code) => return code,
        }
    } else if args.inputs.is_empty() {
        out.note(
            "dbs-lint: no input: name dump files or directories, `-` to read stdin, or --live",
        );
        return ExitCode::Usage;
    } else {
        args.inputs.iter().map(|i| InputSpec::parse(i)).collect()
    };
    let options = LoadOptions {
        allow_partial: args.allow_partial,
        retain: rules.fields(),
    };
    let limits = source::Limits {
        max_input_size: args.max_input_size,
    };
    let (default_format, mut config_reports) = match config_formats(&settings.formats) {
        Ok(f) => f,
        Err(e) => {
            out.note(&format!(
                "dbs-lint: {e} in `formats` of {}",
                settings.path.as_deref().unwrap_or("the configuration")
            ));
            return ExitCode::Usage;
        }
    };
    let format = args.format.or(default_format).unwrap_or(Format::Text);
    let mut targets: Vec<(Format, Option<&Path>)> = vec![(format, args.output.as_deref())];
    if args.reports.is_empty() {
        targets.extend(
            config_reports
                .iter_mut()
                .map(|(f, p)| (*f, Some(p.as_path()))),
        );
    }
    targets.extend(args.reports.iter().map(|(f, p)| (*f, Some(p.as_path()))));
    if let Some(path) = &args.write_baseline {
        targets.push((Format::Json, Some(path.as_path())));
    }
    // Reports that list every plan (JUnit's test cases, the HTML grid, the evidence bundle's
    // HTML) need every plan; the others only those with findings.
    let keep = if args.evidence.is_some()
        || targets
            .iter()
            .any(|(f, _)| matches!(f, Format::Junit | Format::Html))
    {
        engine::Keep::All
    } else {
        engine::Keep::WithFindings
    };
    let mut evaluator = engine::Evaluator::new(&rules.rules, keep);
    let loaded = source::load_into(
        &inputs,
        &options,
        &limits,
        &mut io::stdin().lock(),
        &mut evaluator,
    );
    let data = match loaded {
        Ok(data) => data,
        Err(errors) => {
            out.diagnostics(&errors);
            out.note(&format!(
                "dbs-lint: {} input error(s); nothing was checked",
                errors.len()
            ));
            return ExitCode::Input;
        }
    };
    let eval = evaluator.finish();
    let fail_on = args
        .fail_on
        .or_else(|| {
            settings
                .fail_on
                .as_deref()
                .and_then(|f| FailOn::from_str(f, true).ok())
        })
        .unwrap_or(FailOn::Error);
    let triage = Triage::new(
        &rules,
        &data,
        &eval,
        TriageOptions {
            waivers: waiver_list,
            today: Some(today),
            ignore_waivers: args.no_waivers,
            baseline: baseline.as_ref(),
        },
    );
    let code = exit::for_findings(&eval, &triage, fail_on);
    let report = Report::with_triage(&rules, &data, &eval, triage).with_run(RunInfo {
        exit_code: Some(code.code()),
        today: Some(today),
        base_dir: std::env::current_dir().ok(),
    });
    let mut failed = false;
    for (format, path) in &targets {
        let text = TextOptions {
            color: false,
            width: WIDTH,
            explain: args.explain,
            max_findings: args.max_text_findings,
        };
        if let Err(e) = write_report(&report, *format, *path, text, out) {
            if e.kind() != io::ErrorKind::BrokenPipe {
                let target = path
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "stdout".into());
                out.note(&format!(
                    "dbs-lint: cannot write the report to {target}: {e}"
                ));
                failed = true;
            }
        }
    }
    if targets.iter().any(|(f, _)| *f == Format::Github) {
        step_summary(&report, out);
    }
    if let Some(dir) = &args.evidence {
        let mut files: Vec<PathBuf> = settings.path.iter().map(PathBuf::from).collect();
        files.extend(args.waivers.iter().cloned());
        failed |= !write_evidence(dir, &report, files, out);
    }
    if failed {
        return ExitCode::Usage;
    }
    code
}

/// `--evidence DIR`: the bundle `dbs-lint verify` checks.
fn write_evidence(dir: &Path, report: &Report<'_>, files: Vec<PathBuf>, out: &Output) -> bool {
    let request = crate::evidence::BundleRequest {
        report,
        command: std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        policy_files: files,
    };
    match crate::evidence::write_bundle(dir, &request) {
        Ok(manifest) => {
            out.note(&format!(
                "dbs-lint: evidence bundle written to {} ({} files); check it with `dbs-lint verify`",
                dir.display(),
                manifest.files.len() + 1
            ));
            true
        }
        Err(e) => {
            out.note(&format!(
                "dbs-lint: cannot write the evidence bundle to {}: {e}",
                dir.display()
            ));
            false
        }
    }
}

/// The configuration's `formats`: one bare FORMAT (the default `-f`) and any FORMAT=PATH.
type ConfigFormats = (Option<Format>, Vec<(Format, PathBuf)>);

fn config_formats(formats: &[String]) -> Result<ConfigFormats, String> {
    let mut default = None;
    let mut reports = Vec::new();
    for f in formats {
        if f.contains('=') {
            reports.push(parse_report_target(f)?);
        } else {
            let format = Format::from_str(f, true).map_err(|_| format!("unknown format `{f}`"))?;
            if default.replace(format).is_some() {
                return Err("more than one format without a path".into());
            }
        }
    }
    Ok((default, reports))
}

/// `FORMAT=PATH` of `--report`.
fn parse_report_target(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=PATH, e.g. sarif=dbs-lint.sarif, found `{s}`"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        format!("unknown format `{format}` (formats: {})", names.join(", "))
    })?;
    if path.is_empty() {
        return Err("the report path is empty".into());
    }
    Ok((format, PathBuf::from(path)))
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("expected YYYY-MM-DD, found `{s}`"))
}

fn read_waivers(path: &Path, ids: &[&str]) -> Result<Vec<Waiver>, Vec<policy::PolicyError>> {
    let shown = path.to_string_lossy().replace('\\', "/");
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
            vec![unreadable_waivers(
                &shown,
                "the file is not valid UTF-8".into(),
            )]
        })?,
        Err(e) => return Err(vec![unreadable_waivers(&shown, e.to_string())]),
    };
    waivers::load_file(&SourceFile::new(shown, text), ids)
}

/// Writes one report to a file (no colour) or to stdout.
fn write_report(
    report: &Report<'_>,
    format: Format,
    path: Option<&Path>,
    text: TextOptions,
    out: &Output,
) -> io::Result<()> {
    match path {
        Some(path) => {
            let mut w = BufWriter::new(File::create(path)?);
            report::render(report, format, text, &mut w)?;
            w.flush()
        }
        None => {
            let stdout = io::stdout();
            let color = out.color_for(stdout.is_terminal());
            let mut w = BufWriter::new(stdout.lock());
            let text = TextOptions { color, ..text };
            report::render(report, format, text, &mut w)?;
            w.flush()
        }
    }
}

/// In GitHub Actions, appends the Markdown summary to the job summary.
fn step_summary(report: &Report<'_>, out: &Output) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let result = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|f| {
            let mut w = BufWriter::new(f);
            report::markdown::render(report, &mut w)?;
            w.flush()
        });
    if let Err(e) = result {
        out.note(&format!(
            "dbs-lint: warning: cannot append to the job summary {}: {e}",
            Path::new(&path).display()
        ));
    }
}

/// Fetches plans live; the dump is saved with --save (and read back from there, so findings
/// point into the file), or kept in memory under a name that says where it came from.
fn live_input(args: &CheckArgs, out: &Output) -> Result<InputSpec, ExitCode> {
    let outcome = fetch(
        &args.live_args,
        args.allow_partial,
        args.quiet,
        args.verbose,
        out,
    )?;
    let dump = crate::source::api::to_dump_json(&outcome);
    match &args.save {
        Some(path) => {
            if let Err(e) = std::fs::write(path, dump.as_bytes()) {
                out.note(&format!(
                    "dbs-lint: cannot save the dump to {}: {e}",
                    path.display()
                ));
                return Err(ExitCode::Usage);
            }
            Ok(InputSpec::Path(path.clone()))
        }
        None => {
            let regions: Vec<&str> = outcome
                .provenance
                .regions
                .iter()
                .map(|r| r.region.as_str())
                .collect();
            Ok(InputSpec::Text {
                name: format!("live:{}", regions.join(",")),
                text: dump,
            })
        }
    }
}
