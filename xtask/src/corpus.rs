//! `cargo xtask corpus <dir>`: loads, generates and compiles every entry of
//! a WSDL corpus (`<dir>/MANIFEST.tsv`) and prints a table of the outcome.
//!
//! Each entry is generated in-process (the same code path as build scripts)
//! into a scratch crate under `target/corpus-scratch/<entry>/` that depends
//! on `ips-client` without default features; every scratch crate is checked
//! with `cargo check` against one shared target directory, so the runtime is
//! built once. Nothing here panics on an entry: a failing entry reports why.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// One row of `MANIFEST.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub wsdl: PathBuf,
    /// `soap_version` column (`1.1`, `1.2`, `1.1+1.2`, `none(http only)`).
    pub soap_version: String,
}

impl Entry {
    /// Entries with at least one SOAP binding; the pass rate counts only these.
    pub fn is_soap(&self) -> bool {
        !self.soap_version.trim().starts_with("none")
    }
}

/// What happened to one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    /// Stage that failed (`load`, `generate`, `compile`) and the first diagnostic.
    Failed {
        stage: &'static str,
    },
}

#[derive(Debug, Clone)]
pub struct Row {
    pub entry: Entry,
    pub operations: Option<usize>,
    pub types: Option<usize>,
    pub lines: Option<usize>,
    pub generation: Duration,
    /// Set when the entry's scratch crate was written and awaits `cargo check`.
    pub check: Option<Duration>,
    pub outcome: Outcome,
    /// The first diagnostic: the error of a failure, or the first note of a pass.
    pub diagnostic: Option<String>,
}

/// Options of the command.
#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    /// Where scratch crates and their shared target directory go.
    pub scratch: PathBuf,
    /// Only entries whose name contains one of these (all when empty).
    pub only: Vec<String>,
    /// Generate only; do not run `cargo check`.
    pub no_check: bool,
    /// Accept inert DOCTYPEs (`wsdl::LoadOptions::inert_doctype`).
    pub inert_doctype: bool,
}

/// Reads `MANIFEST.tsv`: a header row naming the columns, then one row per entry.
pub fn read_manifest(dir: &Path) -> Result<Vec<Entry>, String> {
    let path = dir.join("MANIFEST.tsv");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| format!("{} is empty", path.display()))?
        .split('\t')
        .collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| format!("{} has no `{name}` column", path.display()))
    };
    let (name_col, wsdl_col, soap_col) = (
        column("name")?,
        column("entry_wsdl_relpath")?,
        column("soap_version")?,
    );
    let mut entries = Vec::new();
    for (i, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split('\t').collect();
        let cell = |col: usize| {
            cells.get(col).map(|c| c.trim()).ok_or_else(|| {
                format!(
                    "{}: row {} has only {} columns",
                    path.display(),
                    i + 2,
                    cells.len()
                )
            })
        };
        entries.push(Entry {
            name: cell(name_col)?.to_owned(),
            wsdl: dir.join(cell(wsdl_col)?),
            soap_version: cell(soap_col)?.to_owned(),
        });
    }
    Ok(entries)
}

/// A crate name made of `prefix` and the entry name (`[a-z0-9_]`).
pub fn crate_name(prefix: &str, entry: &str) -> String {
    let mut name: String = entry
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    name.insert_str(0, prefix);
    name
}

/// The message of a panic payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_owned()
    }
}

/// Loads and generates one entry; `Err` is (stage, diagnostic).
fn generate(
    entry: &Entry,
    inert_doctype: bool,
) -> Result<(wsdl::Definitions, codegen::Generated), (&'static str, String)> {
    let load_options = wsdl::LoadOptions {
        inert_doctype,
        ..wsdl::LoadOptions::default()
    };
    let defs = wsdl::load_with(&entry.wsdl, &load_options).map_err(|e| ("load", e.to_string()))?;
    let options = codegen::Options {
        module_name: "corpus".to_owned(),
        runtime_path: "ips_client::soap".to_owned(),
        // Every entry as a module tree: the layout large WSDLs want, tried
        // on all of them.
        module_tree: true,
        ..codegen::Options::default()
    };
    let generated =
        codegen::generate_source(&defs, &options).map_err(|e| ("generate", e.to_string()))?;
    Ok((defs, generated))
}

/// Writes the scratch crate of one entry (only files that changed, so an
/// unchanged entry is not rechecked from scratch).
fn write_scratch(
    dir: &Path,
    entry: &str,
    generated: &codegen::Generated,
    workspace: &Path,
) -> Result<(), String> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("creating {}: {e}", src.display()))?;
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\npath = \"src/lib.rs\"\n\n\
         [dependencies]\nips-client = {{ path = {:?}, default-features = false }}\n",
        crate_name("corpus_", entry),
        workspace.join("ips-client").display().to_string(),
    );
    let lib = format!(
        "//! Scratch crate for corpus entry `{entry}`: compiles its generated client.\n\
         include!(\"generated.rs\");\n"
    );
    for (path, contents) in [
        (dir.join("Cargo.toml"), manifest.as_str()),
        (src.join("lib.rs"), lib.as_str()),
    ] {
        codegen::write_if_changed(&path, contents.as_bytes()).map_err(|e| e.to_string())?;
    }
    codegen::write_module(&src.join("generated.rs"), generated).map_err(|e| e.to_string())
}

/// Makes the scratch directory a workspace of the given entries, so one
/// `cargo check` builds the runtime once and checks the entries in parallel.
fn write_workspace(scratch: &Path, members: &[&str], workspace: &Path) -> Result<(), String> {
    let list: Vec<String> = members.iter().map(|m| format!("    {m:?},")).collect();
    let manifest = format!(
        "# Written by `cargo xtask corpus`: one crate per corpus entry.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n",
        list.join("\n")
    );
    codegen::write_if_changed(&scratch.join("Cargo.toml"), manifest.as_bytes())
        .map_err(|e| e.to_string())?;
    // The project's lock file pins the same dependency versions, offline.
    let lock = scratch.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(workspace.join("Cargo.lock"), &lock)
            .map_err(|e| format!("copying Cargo.lock to {}: {e}", lock.display()))?;
    }
    Ok(())
}

/// `cargo check` of every member of the scratch workspace (`--keep-going`);
/// returns the first error and the error count of each failing member (by
/// directory name), or an error that concerns them all.
fn check_all(
    scratch: &Path,
    members: &[&str],
) -> Result<BTreeMap<String, (String, usize)>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .arg("check")
        .arg("--workspace")
        .arg("--keep-going")
        .arg("--quiet")
        .arg("--message-format=short")
        .arg("--manifest-path")
        .arg(scratch.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("running cargo check: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut failures: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for line in stderr.lines() {
        // `<entry>/src/generated.rs:12:5: error[E0308]: ...`
        let Some((path, _)) = line.split_once(": error") else {
            continue;
        };
        let Some((member, _)) = path.split_once(['/', '\\']) else {
            continue;
        };
        let entry = failures
            .entry(member.to_owned())
            .or_insert_with(|| (line.to_owned(), 0));
        entry.1 += 1;
    }
    // A crate that failed without an error line of its own (a lint denied
    // by configuration, say) is still reported, by its crate name.
    for line in stderr.lines() {
        let Some(rest) = line.split("could not compile `").nth(1) else {
            continue;
        };
        let krate = rest.split('`').next().unwrap_or_default();
        if let Some(member) = members.iter().find(|m| crate_name("corpus_", m) == krate) {
            failures
                .entry((*member).to_owned())
                .or_insert_with(|| (line.to_owned(), 1));
        }
    }
    if !output.status.success() && failures.is_empty() {
        let first = stderr
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or("cargo check failed without output");
        return Err(first.to_owned());
    }
    Ok(failures)
}

/// Loads and generates one entry and writes its scratch crate (checked
/// later, together with the others, by [`run`]).
pub fn run_entry(entry: &Entry, options: &Options, workspace: &Path) -> Row {
    let started = Instant::now();
    let result = std::panic::catch_unwind(|| generate(entry, options.inert_doctype));
    let generation = started.elapsed();
    let mut row = Row {
        entry: entry.clone(),
        operations: None,
        types: None,
        lines: None,
        generation,
        check: None,
        outcome: Outcome::Passed,
        diagnostic: None,
    };
    let (_defs, generated) = match result {
        Ok(Ok(ok)) => ok,
        Ok(Err((stage, message))) => {
            row.outcome = Outcome::Failed { stage };
            row.diagnostic = Some(message);
            return row;
        }
        Err(payload) => {
            row.outcome = Outcome::Failed { stage: "generate" };
            row.diagnostic = Some(format!(
                "generator panicked (a bug): {}",
                panic_message(payload.as_ref())
            ));
            return row;
        }
    };
    row.operations = Some(generated.summary.operations.len());
    row.types = Some(generated.summary.types);
    row.lines = Some(generated.summary.lines);
    row.diagnostic = generated.summary.diagnostics.first().cloned();
    if options.no_check {
        return row;
    }
    let dir = options.scratch.join(&entry.name);
    if let Err(message) = write_scratch(&dir, &entry.name, &generated, workspace) {
        row.outcome = Outcome::Failed { stage: "compile" };
        row.diagnostic = Some(message);
        return row;
    }
    row.check = Some(Duration::ZERO);
    row
}

fn shorten(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(max) {
        Some((cut, _)) => format!("{}...", &one_line[..cut]),
        None => one_line,
    }
}

fn number(n: Option<usize>) -> String {
    n.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

/// The table row of one entry (printed as soon as the entry is done).
pub fn format_row(row: &Row, name_width: usize) -> String {
    let result = match &row.outcome {
        Outcome::Passed => "pass".to_owned(),
        Outcome::Failed { stage } => format!("FAIL {stage}"),
    };
    let generation = format!("{:.2}s", row.generation.as_secs_f64());
    let mut line = String::new();
    let _ = write!(
        line,
        "{:<name_width$}  {:>5}  {:>6}  {:>7}  {:>7}  {:<13}  {}",
        row.entry.name,
        number(row.operations),
        number(row.types),
        number(row.lines),
        generation,
        result,
        row.diagnostic
            .as_deref()
            .map(|d| shorten(d, 200))
            .unwrap_or_default(),
    );
    line.trim_end().to_owned()
}

pub fn header(name_width: usize) -> String {
    format!(
        "{:<name_width$}  {:>5}  {:>6}  {:>7}  {:>7}  {:<13}  first diagnostic",
        "entry", "ops", "types", "lines", "gen", "result"
    )
}

/// Pass rate of the SOAP entries, in percent (100 when there are none).
pub fn soap_pass_rate(rows: &[Row]) -> (usize, usize, f64) {
    let soap: Vec<&Row> = rows.iter().filter(|r| r.entry.is_soap()).collect();
    let passed = soap.iter().filter(|r| r.outcome == Outcome::Passed).count();
    let rate = if soap.is_empty() {
        100.0
    } else {
        passed as f64 * 100.0 / soap.len() as f64
    };
    (passed, soap.len(), rate)
}

/// Runs the whole corpus, printing the table as it goes; the exit code is
/// failure when the SOAP entries' pass rate is below `min_pass_rate`.
pub fn run(options: &Options, min_pass_rate: Option<f64>) -> std::process::ExitCode {
    use std::process::ExitCode;
    let started = Instant::now();
    let entries = match read_manifest(&options.dir) {
        Ok(entries) => entries,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let entries: Vec<Entry> = entries
        .into_iter()
        .filter(|e| options.only.is_empty() || options.only.iter().any(|o| e.name.contains(o)))
        .collect();
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let workspace = workspace.canonicalize().unwrap_or(workspace);
    // Entry panics are caught and reported in the table; keep stderr quiet.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let width = entries
        .iter()
        .map(|e| e.name.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut rows = Vec::new();
    for entry in &entries {
        let row = run_entry(entry, options, &workspace);
        eprintln!("generated {}", format_row(&row, width));
        rows.push(row);
    }
    std::panic::set_hook(default_hook);
    let mut check_time = Duration::ZERO;
    let members: Vec<&str> = rows
        .iter()
        .filter(|r| r.check.is_some())
        .map(|r| r.entry.name.as_str())
        .collect();
    if !members.is_empty() {
        let started = Instant::now();
        eprintln!("cargo check of {} generated crates...", members.len());
        let checked = write_workspace(&options.scratch, &members, &workspace)
            .and_then(|()| check_all(&options.scratch, &members));
        check_time = started.elapsed();
        for row in rows.iter_mut().filter(|r| r.check.is_some()) {
            let failure = match &checked {
                Ok(failures) => failures.get(&row.entry.name).map(|(first, count)| {
                    if *count > 1 {
                        format!("{first} (and {} more errors)", count - 1)
                    } else {
                        first.clone()
                    }
                }),
                Err(message) => Some(message.clone()),
            };
            if let Some(message) = failure {
                row.outcome = Outcome::Failed { stage: "compile" };
                row.diagnostic = Some(message);
            }
        }
    }
    println!("{}", header(width));
    for row in &rows {
        println!("{}", format_row(row, width));
    }
    let passed = rows.iter().filter(|r| r.outcome == Outcome::Passed).count();
    let (soap_passed, soap_total, rate) = soap_pass_rate(&rows);
    println!();
    println!(
        "SOAP entries: {soap_passed} of {soap_total} passed ({rate:.1}%); \
         {} HTTP-only entries; cargo check {:.0}s; wall time {:.0}s",
        rows.len() - soap_total,
        check_time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    println!("{passed} passed, {} failed", rows.len() - passed);
    match min_pass_rate {
        Some(min) if rate < min => {
            eprintln!("error: SOAP pass rate {rate:.1}% is below the required {min}%");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_columns_are_found_by_name() {
        let dir = std::env::temp_dir().join(format!("corpus-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("MANIFEST.tsv"),
            "name\tentry_wsdl_relpath\tx\tsoap_version\na\ta/a.wsdl\t1\t1.1\nb\tb.wsdl\t2\tnone(http only)\n",
        )
        .unwrap();
        let entries = read_manifest(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].wsdl, dir.join("a/a.wsdl"));
        assert!(entries[0].is_soap());
        assert!(!entries[1].is_soap());
    }

    #[test]
    fn crate_names_are_valid() {
        assert_eq!(crate_name("corpus_", "onvif-media2"), "corpus_onvif_media2");
        assert_eq!(crate_name("corpus_", "A.b"), "corpus_a_b");
    }

    #[test]
    fn a_missing_entry_fails_without_panicking() {
        let entry = Entry {
            name: "missing".into(),
            wsdl: PathBuf::from("/nonexistent/x.wsdl"),
            soap_version: "1.1".into(),
        };
        let options = Options {
            dir: PathBuf::from("/nonexistent"),
            scratch: std::env::temp_dir(),
            only: Vec::new(),
            no_check: true,
            inert_doctype: false,
        };
        let row = run_entry(&entry, &options, Path::new("."));
        assert_eq!(row.outcome, Outcome::Failed { stage: "load" });
        assert!(row.diagnostic.unwrap().contains("x.wsdl"));
    }
}
