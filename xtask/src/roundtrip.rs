//! `cargo xtask roundtrip <corpus-dir>`: for a few corpus services with rich
//! schemas, calls a sample of operations through the generated client and
//! the generated server dispatcher over real HTTP on 127.0.0.1, checks every
//! outcome, and validates every request and response body against the
//! service's own schemas with `xmllint --schema`.
//!
//! Per entry: the WSDL is loaded (inert DOCTYPEs accepted, as in the corpus
//! step), a deterministic sample of operations is chosen per port type, and
//! the client is generated with `server` + `samples` and only those
//! operations (`codegen::Options::operations`: the types they reach, no
//! more) into a scratch binary crate under `target/roundtrip-scratch/`.
//! The binary serves the generated sample service behind the generated
//! dispatcher on the runtime's `TestServer`, calls every generated
//! operation with its sample request for each SOAP version the bindings
//! declare (the service checks each request equals its sample; the driver
//! checks each response equals its sample), and writes each body's payload
//! (the Body's child element) to a file. All scratch crates build in one
//! workspace with one target directory.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use crate::corpus::{read_manifest, Entry};
use crate::schemas;

/// The entries run when none are named: an ONVIF service, vSphere,
/// NetSuite, PayPal and Salesforce.
pub const DEFAULT_ENTRIES: [&str; 5] = [
    "onvif-devicemgmt",
    "vsphere-vim25",
    "netsuite",
    "paypal",
    "salesforce-partner",
];

#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    pub entries: Vec<String>,
    /// Operations called per port type (all when it has fewer).
    pub operations: usize,
    /// Scratch workspace: crates, their target directory, bodies, schemas.
    pub scratch: PathBuf,
}

/// `count` operations out of `names` (sorted), spread evenly over the
/// alphabet: the first, then every `len / count`-th. All when there are
/// no more than `count`.
pub fn spread<'a>(names: &[&'a str], count: usize) -> Vec<&'a str> {
    let mut sorted: Vec<&str> = names.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() <= count {
        return sorted;
    }
    (0..count)
        .map(|i| sorted[i * sorted.len() / count])
        .collect()
}

/// The operations chosen in each port type that has a SOAP binding.
fn choose_operations(defs: &wsdl::Definitions, count: usize) -> BTreeSet<String> {
    let mut chosen = BTreeSet::new();
    for (name, port_type) in &defs.port_types {
        if !defs.bindings.values().any(|b| &b.port_type == name) {
            continue;
        }
        let names: Vec<&str> = port_type
            .operations
            .iter()
            .filter(|o| o.input.is_some())
            .map(|o| o.name.as_str())
            .collect();
        chosen.extend(spread(&names, count).into_iter().map(str::to_owned));
    }
    chosen
}

/// One port type's part of the generated binary.
struct Port {
    client: String,
    service: String,
    dispatch: String,
    driver: String,
    versions: Vec<wsdl::SoapVersion>,
    operations: usize,
}

/// What was prepared for one entry before the build.
struct Prepared {
    name: String,
    ports: Vec<Port>,
    xsd: PathBuf,
    bodies: PathBuf,
    diagnostics: Vec<String>,
}

/// One row of the final table.
struct Row {
    entry: String,
    called: usize,
    validated: usize,
    bodies: usize,
    failures: Vec<String>,
}

fn crate_name(entry: &str) -> String {
    crate::corpus::crate_name("roundtrip_", entry)
}

/// Generates one entry's crate and writes its schema set.
fn prepare(entry: &Entry, options: &Options, workspace: &Path) -> Result<Prepared, String> {
    let load_options = wsdl::LoadOptions {
        inert_doctype: true,
        ..wsdl::LoadOptions::default()
    };
    let defs = wsdl::load_with(&entry.wsdl, &load_options).map_err(|e| format!("load: {e}"))?;
    let chosen = choose_operations(&defs, options.operations);
    let codegen_options = codegen::Options {
        module_name: "corpus".to_owned(),
        runtime_path: "ips_client::soap".to_owned(),
        server: true,
        samples: true,
        operations: Some(chosen),
        ..codegen::Options::default()
    };
    let plan = codegen::plan::plan(&defs, &codegen_options).map_err(|e| format!("plan: {e}"))?;
    let generated =
        codegen::generate_source(&defs, &codegen_options).map_err(|e| format!("generate: {e}"))?;
    let ports: Vec<Port> = plan
        .clients
        .iter()
        .map(|client| {
            let versions: BTreeSet<wsdl::SoapVersion> = client
                .operations
                .iter()
                .flat_map(|op| op.bindings.iter().map(|(v, _)| *v))
                .collect();
            Port {
                client: client.name.clone(),
                service: format!("Sample{}", client.service_trait),
                dispatch: client.dispatch_fn.clone(),
                driver: format!(
                    "call_every_operation_{}",
                    client.dispatch_fn.trim_start_matches("dispatch_")
                ),
                versions: versions.into_iter().collect(),
                operations: client
                    .operations
                    .iter()
                    .filter(|op| op.input.len() == 1)
                    .count(),
            }
        })
        .collect();
    let dir = options.scratch.join(&entry.name);
    let bodies = options.scratch.join("out").join(&entry.name).join("bodies");
    let xsd = options.scratch.join("out").join(&entry.name).join("xsd");
    write_crate(&dir, &entry.name, &generated.source, &ports, workspace)?;
    let schema_notes = schemas::write_schema_set(&defs.files, &xsd)?;
    let mut diagnostics: Vec<String> = Vec::new();
    diagnostics.extend(
        generated
            .summary
            .diagnostics
            .into_iter()
            .filter(|d| d.contains("sample values")),
    );
    diagnostics.extend(schema_notes);
    Ok(Prepared {
        name: entry.name.clone(),
        ports,
        xsd,
        bodies,
        diagnostics,
    })
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    codegen::write_if_changed(path, contents.as_bytes())
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn write_crate(
    dir: &Path,
    entry: &str,
    source: &str,
    ports: &[Port],
    workspace: &Path,
) -> Result<(), String> {
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [[bin]]\nname = \"{}\"\npath = \"src/main.rs\"\n\n\
         [dependencies]\nips-client = {{ path = {:?}, default-features = false, features = [\"mock\", \"samples\"] }}\n\
         tokio = {{ version = \"1\", features = [\"rt\"] }}\n",
        crate_name(entry),
        crate_name(entry),
        workspace.join("ips-client").display().to_string(),
    );
    write(&dir.join("Cargo.toml"), &manifest)?;
    write(&dir.join("src/generated.rs"), source)?;
    write(&dir.join("src/main.rs"), &main_source(entry, ports))
}

/// The binary: one handler per port type, then every port type's sampled
/// operations for each of its SOAP versions.
fn main_source(entry: &str, ports: &[Port]) -> String {
    let mut handlers = String::new();
    let mut runs = String::new();
    for (index, port) in ports.iter().enumerate() {
        let _ = write!(
            handlers,
            r#"
/// Serves `{service}` behind `{dispatch}`, recording every exchange.
#[derive(Clone, Default)]
struct Handler{index}(Recorder);

impl Handler for Handler{index} {{
    async fn handle(&self, request: HttpRequest) -> Reaction {{
        let action = request
            .header("soapaction")
            .or_else(|| request.header("content-type").and_then(action_from_content_type));
        let dispatched =
            corpus::{dispatch}(&corpus::samples::{service}, &request.body, action, &Limits::default())
                .await;
        self.0.record(dispatched.operation, dispatched.status, &request.body, &dispatched.body);
        Reaction::Respond(HttpResponse::xml(dispatched.status, dispatched.version, dispatched.body))
    }}
}}
"#,
            service = port.service,
            dispatch = port.dispatch,
        );
        for version in &port.versions {
            let (variant, label) = match version {
                wsdl::SoapVersion::Soap11 => ("Soap11", "soap11"),
                wsdl::SoapVersion::Soap12 => ("Soap12", "soap12"),
            };
            let _ = write!(
                runs,
                r#"
    {{
        let handler = Handler{index}::default();
        let server = TestServer::start(handler.clone()).await.map_err(|e| format!("starting the server: {{e}}"))?;
        let transport = SoapClient::builder(&server.url("/service"))
            .version(SoapVersion::{variant})
            .build()
            .map_err(|e| format!("building the client: {{e}}"))?;
        let client = corpus::{client}::new(transport);
        let outcomes = corpus::samples::{driver}(&client).await;
        report("{client}", "{label}", &outcomes, &handler.0, &out, &mut failed)?;
        server.shutdown().await;
    }}"#,
                client = port.client,
                driver = port.driver,
            );
        }
    }
    format!(
        r#"//! Round trip of corpus entry `{entry}`: written by `cargo xtask roundtrip`.
//! Prints one line per call (`call<TAB>port<TAB>version<TAB>operation<TAB>ok|FAIL<TAB>message`)
//! and writes each request and response payload to the directory named by its argument.

include!("generated.rs");

use std::path::{{Path, PathBuf}};
use std::sync::{{Arc, Mutex}};

use ips_client::soap::server::{{Handler, HttpRequest, HttpResponse, Reaction, TestServer}};
use ips_client::soap::service::action_from_content_type;
use ips_client::soap::{{Limits, SoapClient, SoapVersion, XmlReader}};

/// (operation routed to, HTTP status, request body, response body)
type Exchange = (Option<&'static str>, u16, Vec<u8>, Vec<u8>);

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Exchange>>>);

impl Recorder {{
    fn record(&self, operation: Option<&'static str>, status: u16, request: &[u8], response: &[u8]) {{
        if let Ok(mut exchanged) = self.0.lock() {{
            exchanged.push((operation, status, request.to_vec(), response.to_vec()));
        }}
    }}

    fn take(&self) -> Vec<Exchange> {{
        self.0.lock().map(|mut e| std::mem::take(&mut *e)).unwrap_or_default()
    }}
}}
{handlers}
/// The element inside the SOAP Body, as a standalone document.
fn body_payload(envelope: &[u8]) -> Result<String, String> {{
    let mut reader = XmlReader::new(envelope, &Limits::default());
    reader.root().map_err(|e| e.to_string())?;
    while let Some(child) = reader.next_child().map_err(|e| e.to_string())? {{
        if child.local != "Body" {{
            reader.skip_element().map_err(|e| e.to_string())?;
            continue;
        }}
        let payload = reader
            .next_child()
            .map_err(|e| e.to_string())?
            .ok_or("an empty SOAP Body")?;
        return reader.read_element_xml(&payload).map_err(|e| e.to_string());
    }}
    Err("no SOAP Body".to_owned())
}}

fn one_line(text: &str) -> String {{
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}}

/// Prints the outcome of each call and writes the bodies it exchanged.
fn report(
    port: &str,
    version: &str,
    outcomes: &[(&'static str, Result<(), String>)],
    recorder: &Recorder,
    out: &Path,
    failed: &mut usize,
) -> Result<(), String> {{
    let exchanged = recorder.take();
    for (operation, outcome) in outcomes {{
        let mut outcome = outcome.clone();
        let exchange = exchanged.iter().find(|(routed, ..)| routed == &Some(*operation));
        match exchange {{
            Some((_, status, request, response)) => {{
                // A one-way operation is acknowledged with 202 and no body.
                let one_way = *status == 202 && response.is_empty();
                if outcome.is_ok() && *status != 200 && !one_way {{
                    outcome = Err(format!("HTTP status {{status}}"));
                }}
                let bodies: &[(&str, &Vec<u8>)] = if one_way {{
                    &[("request", request)]
                }} else {{
                    &[("request", request), ("response", response)]
                }};
                for &(kind, envelope) in bodies {{
                    let file = out.join(format!("{{port}}.{{operation}}.{{version}}.{{kind}}.xml"));
                    match body_payload(envelope) {{
                        Ok(payload) => std::fs::write(&file, payload)
                            .map_err(|e| format!("writing {{}}: {{e}}", file.display()))?,
                        Err(e) if outcome.is_ok() => outcome = Err(format!("the {{kind}} has no payload: {{e}}")),
                        Err(_) => {{}}
                    }}
                }}
            }}
            None if outcome.is_ok() => outcome = Err("no exchange was routed to it".to_owned()),
            None => {{}}
        }}
        match outcome {{
            Ok(()) => println!("call\t{{port}}\t{{version}}\t{{operation}}\tok\t"),
            Err(message) => {{
                *failed += 1;
                println!("call\t{{port}}\t{{version}}\t{{operation}}\tFAIL\t{{}}", one_line(&message));
            }}
        }}
    }}
    Ok(())
}}

async fn run(out: PathBuf) -> Result<usize, String> {{
    std::fs::create_dir_all(&out).map_err(|e| format!("creating {{}}: {{e}}", out.display()))?;
    let mut failed = 0;
{runs}
    Ok(failed)
}}

fn main() -> std::process::ExitCode {{
    let Some(out) = std::env::args_os().nth(1) else {{
        eprintln!("usage: {{}} <bodies-dir>", env!("CARGO_PKG_NAME"));
        return std::process::ExitCode::from(2);
    }};
    // Unoptimised code for large generated types (samples nested several
    // levels, decoders recursing per element) needs more than the main
    // thread's stack: everything runs on one thread with a large one.
    let outcome = std::thread::Builder::new()
        .stack_size(512 * 1024 * 1024)
        .spawn(move || {{
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("starting the runtime: {{e}}"))
                .and_then(|runtime| runtime.block_on(run(PathBuf::from(out))))
        }})
        .map_err(|e| format!("starting the thread: {{e}}"))
        .and_then(|thread| thread.join().map_err(|_| "the round trip panicked".to_owned()))
        .and_then(|outcome| outcome);
    match outcome {{
        Ok(0) => std::process::ExitCode::SUCCESS,
        Ok(_) => std::process::ExitCode::FAILURE,
        Err(message) => {{
            eprintln!("error: {{message}}");
            std::process::ExitCode::from(2)
        }}
    }}
}}
"#
    )
}

/// The scratch workspace: every entry's crate, a dev profile tuned for
/// compile time (no debug info, no optimisation), and the project's lock file.
fn write_workspace(scratch: &Path, members: &[&str], workspace: &Path) -> Result<(), String> {
    let list: Vec<String> = members.iter().map(|m| format!("    {m:?},")).collect();
    let manifest = format!(
        "# Written by `cargo xtask roundtrip`: one crate per corpus entry.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n\n\
         [profile.dev]\ndebug = false\nopt-level = 0\nincremental = false\n\n\
         [profile.dev.package.\"*\"]\ndebug = false\n",
        list.join("\n")
    );
    write(&scratch.join("Cargo.toml"), &manifest)?;
    let lock = scratch.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(workspace.join("Cargo.lock"), &lock)
            .map_err(|e| format!("copying Cargo.lock to {}: {e}", lock.display()))?;
    }
    Ok(())
}

/// `cargo build` of the scratch workspace; the error is cargo's first
/// error lines, by crate.
fn build(scratch: &Path) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "build",
            "--workspace",
            "--keep-going",
            "--message-format=short",
        ])
        .arg("--manifest-path")
        .arg(scratch.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("running cargo build: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    Err(errors.join("\n"))
}

/// Runs one entry's binary; the calls it made, and the failed ones.
fn call(scratch: &Path, prepared: &Prepared) -> Result<(usize, Vec<String>), String> {
    let _ = std::fs::remove_dir_all(&prepared.bodies);
    let binary = scratch.join("target/debug").join(format!(
        "{}{}",
        crate_name(&prepared.name),
        std::env::consts::EXE_SUFFIX
    ));
    let output = Command::new(&binary)
        .arg(&prepared.bodies)
        .output()
        .map_err(|e| format!("running {}: {e}", binary.display()))?;
    let (called, failures) = read_calls(&String::from_utf8_lossy(&output.stdout));
    if output.status.code() == Some(2) || (called == 0 && !output.status.success()) {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("{} failed: {}", binary.display(), stderr.trim()));
    }
    Ok((called, failures))
}

/// The calls a round-trip binary reports (`call<TAB>port<TAB>version<TAB>
/// operation<TAB>ok|FAIL<TAB>message`): how many, and each failure.
fn read_calls(stdout: &str) -> (usize, Vec<String>) {
    let mut called = 0;
    let mut failures = Vec::new();
    for line in stdout.lines() {
        let cells: Vec<&str> = line.split('\t').collect();
        if let ["call", port, version, operation, result, message] = cells.as_slice() {
            called += 1;
            if *result != "ok" {
                failures.push(format!(
                    "{operation} ({port}, {version}): call failed: {message}"
                ));
            }
        }
    }
    (called, failures)
}

/// What xmllint said about each body file (`files`, as passed to it): the
/// number that validate, and a failure for each of the others, with
/// xmllint's first message about it (`<file>:<line>: element x: Schemas
/// validity error : ...`). A file xmllint said nothing about fails too.
/// `Err` when no file was judged (the schemas themselves were refused).
fn read_xmllint(stderr: &str, files: &[String]) -> Result<(usize, Vec<String>), String> {
    let mut messages: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut valid = BTreeSet::new();
    let mut failed = BTreeSet::new();
    let mut other = Vec::new();
    for line in stderr.lines() {
        // The longest matching name, so `a.xml` never claims `a.xml2`'s lines.
        let file = files
            .iter()
            .filter(|f| line.starts_with(f.as_str()))
            .max_by_key(|f| f.len());
        let Some(file) = file else {
            other.push(line);
            continue;
        };
        let rest = &line[file.len()..];
        if rest == " validates" {
            valid.insert(file.as_str());
        } else if rest == " fails to validate" {
            failed.insert(file.as_str());
        } else {
            let message = rest.trim_start_matches(':').trim();
            let message = match message.split_once(':') {
                Some((line, text)) if line.bytes().all(|b| b.is_ascii_digit()) => {
                    format!("line {line}:{text}")
                }
                _ => message.to_owned(),
            };
            messages.entry(file.as_str()).or_default().push(message);
        }
    }
    if valid.is_empty() && failed.is_empty() && messages.is_empty() {
        return Err(other.into_iter().take(5).collect::<Vec<_>>().join(" | "));
    }
    let failures = files
        .iter()
        .filter(|f| !valid.contains(f.as_str()))
        .map(|file| {
            let name = Path::new(file)
                .file_name()
                .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned());
            match messages.get(file.as_str()).map(Vec::as_slice) {
                Some([first, rest @ ..]) if !rest.is_empty() => format!(
                    "{name}: does not validate: {first} (and {} more)",
                    rest.len()
                ),
                Some([first, ..]) => format!("{name}: does not validate: {first}"),
                _ if failed.contains(file.as_str()) => {
                    format!("{name}: does not validate (xmllint gave no reason)")
                }
                _ => format!("{name}: xmllint did not judge it"),
            }
        })
        .collect();
    Ok((valid.len(), failures))
}

/// `xmllint --schema` over every body; (files validated, files, failures
/// naming the operation and xmllint's message).
fn validate(prepared: &Prepared) -> Result<(usize, usize, Vec<String>), String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(&prepared.bodies)
        .map_err(|e| format!("reading {}: {e}", prepared.bodies.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Ok((0, 0, Vec::new()));
    }
    let output = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(prepared.xsd.join("all.xsd"))
        .args(&files)
        .output()
        .map_err(|e| format!("running xmllint (install libxml2-utils): {e}"))?;
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let (valid, failures) = read_xmllint(&String::from_utf8_lossy(&output.stderr), &names)
        .map_err(|errors| {
            format!(
                "xmllint could not use {}: {errors}",
                prepared.xsd.join("all.xsd").display()
            )
        })?;
    Ok((valid, files.len(), failures))
}

pub fn run(options: &Options) -> ExitCode {
    let started = Instant::now();
    // Absolute and without `..`: schema locations are compared as written.
    let scratch =
        std::fs::create_dir_all(&options.scratch).and_then(|()| options.scratch.canonicalize());
    let options = &match scratch {
        Ok(scratch) => Options {
            scratch,
            ..options.clone()
        },
        Err(e) => {
            eprintln!("error: creating {}: {e}", options.scratch.display());
            return ExitCode::FAILURE;
        }
    };
    let manifest = match read_manifest(&options.dir) {
        Ok(entries) => entries,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut entries = Vec::new();
    for name in &options.entries {
        match manifest.iter().find(|e| &e.name == name) {
            Some(entry) => entries.push(entry.clone()),
            None => {
                eprintln!(
                    "error: {} has no entry `{name}`",
                    options.dir.join("MANIFEST.tsv").display()
                );
                return ExitCode::FAILURE;
            }
        }
    }
    if which_xmllint().is_none() {
        eprintln!("error: xmllint is not installed (apt-get install libxml2-utils)");
        return ExitCode::FAILURE;
    }
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let workspace = workspace.canonicalize().unwrap_or(workspace);
    let mut rows = Vec::new();
    let mut prepared = Vec::new();
    for entry in &entries {
        let generated_at = Instant::now();
        match prepare(entry, options, &workspace) {
            Ok(p) => {
                let operations: usize = p.ports.iter().map(|port| port.operations).sum();
                eprintln!(
                    "generated {}: {} operations in {} port type(s) ({:.1}s)",
                    entry.name,
                    operations,
                    p.ports.len(),
                    generated_at.elapsed().as_secs_f64()
                );
                for note in &p.diagnostics {
                    eprintln!("  note: {note}");
                }
                prepared.push(p);
            }
            Err(message) => rows.push(Row {
                entry: entry.name.clone(),
                called: 0,
                validated: 0,
                bodies: 0,
                failures: vec![message],
            }),
        }
    }
    let members: Vec<&str> = prepared.iter().map(|p| p.name.as_str()).collect();
    let build_started = Instant::now();
    let built = write_workspace(&options.scratch, &members, &workspace)
        .and_then(|()| build(&options.scratch));
    eprintln!(
        "built {} crates in {:.0}s",
        members.len(),
        build_started.elapsed().as_secs_f64()
    );
    for p in &prepared {
        let mut row = Row {
            entry: p.name.clone(),
            called: 0,
            validated: 0,
            bodies: 0,
            failures: Vec::new(),
        };
        if let Err(message) = &built {
            // Errors are reported with paths relative to the scratch
            // workspace (`<entry>/src/...`), or name the crate; an error
            // that names no entry concerns them all.
            let own: Vec<&str> = message
                .lines()
                .filter(|l| {
                    l.starts_with(&format!("{}/", p.name)) || l.contains(&crate_name(&p.name))
                })
                .collect();
            let anyone = members
                .iter()
                .any(|m| message.contains(&format!("{m}/")) || message.contains(&crate_name(m)));
            if !own.is_empty() || !anyone {
                let shown = match own.len() {
                    0 => message.lines().take(5).collect::<Vec<_>>().join("\n"),
                    1..=3 => own.join("\n"),
                    n => format!("{}\n(and {} more)", own[..3].join("\n"), n - 3),
                };
                row.failures.push(format!("build: {shown}"));
                rows.push(row);
                continue;
            }
        }
        match call(&options.scratch, p) {
            Ok((called, failures)) => {
                row.called = called;
                row.failures.extend(failures);
            }
            Err(message) => {
                row.failures.push(message);
                rows.push(row);
                continue;
            }
        }
        match validate(p) {
            Ok((validated, bodies, failures)) => {
                row.validated = validated;
                row.bodies = bodies;
                row.failures.extend(failures);
            }
            Err(message) => row.failures.push(message),
        }
        rows.push(row);
    }
    rows.sort_by(|a, b| {
        let position = |name: &str| options.entries.iter().position(|e| e == name);
        position(&a.entry).cmp(&position(&b.entry))
    });
    print_table(&rows);
    let passed = rows.iter().filter(|r| r.failures.is_empty()).count();
    println!(
        "wall time {:.0}s; bodies in {}",
        started.elapsed().as_secs_f64(),
        options.scratch.join("out").display()
    );
    println!("{passed} passed, {} failed", rows.len() - passed);
    if passed == rows.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn which_xmllint() -> Option<()> {
    Command::new("xmllint")
        .arg("--version")
        .output()
        .ok()
        .map(|_| ())
}

fn print_table(rows: &[Row]) {
    let width = rows.iter().map(|r| r.entry.len()).max().unwrap_or(5).max(5);
    println!(
        "{:<width$}  {:>6}  {:>9}  result",
        "entry", "calls", "validated"
    );
    for row in rows {
        let result = if row.failures.is_empty() {
            "pass".to_owned()
        } else {
            format!("FAIL ({} problems)", row.failures.len())
        };
        println!(
            "{:<width$}  {:>6}  {:>4}/{:<4}  {result}",
            row.entry, row.called, row.validated, row.bodies
        );
    }
    for row in rows.iter().filter(|r| !r.failures.is_empty()) {
        println!();
        println!("{}:", row.entry);
        for failure in &row.failures {
            println!("  {failure}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_spreads_over_the_alphabet() {
        let names: Vec<String> = (0..100).map(|i| format!("op{i:03}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let chosen = spread(&names, 4);
        assert_eq!(chosen, ["op000", "op025", "op050", "op075"]);
        assert_eq!(spread(&["b", "a", "a"], 25), ["a", "b"]);
    }

    #[test]
    fn every_failed_call_is_reported() {
        let stdout = "call\tP\tsoap11\ta\tok\t\nnoise\ncall\tP\tsoap12\tb\tFAIL\tHTTP status 500\n";
        let (called, failures) = read_calls(stdout);
        assert_eq!(called, 2);
        assert_eq!(failures, ["b (P, soap12): call failed: HTTP status 500"]);
    }

    #[test]
    fn every_body_xmllint_does_not_pass_is_a_failure() {
        let files: Vec<String> = ["/b/a.xml", "/b/a.xml2", "/b/c.xml", "/b/d.xml"]
            .map(str::to_owned)
            .to_vec();
        let stderr = "/b/a.xml validates\n\
            /b/a.xml2:1: element x: Schemas validity error : Element 'x': not expected.\n\
            /b/a.xml2:1: element y: Schemas validity error : Element 'y': not expected.\n\
            /b/a.xml2 fails to validate\n\
            /b/c.xml fails to validate\n";
        let (valid, failures) = read_xmllint(stderr, &files).unwrap();
        assert_eq!(valid, 1);
        assert_eq!(
            failures,
            [
                "a.xml2: does not validate: line 1: element x: Schemas validity error : Element 'x': not expected. (and 1 more)",
                "c.xml: does not validate (xmllint gave no reason)",
                "d.xml: xmllint did not judge it",
            ]
        );
        let refused = read_xmllint(
            "all.xsd:3: element import: Schemas parser error : bad\n",
            &files,
        );
        assert!(refused.unwrap_err().contains("Schemas parser error"));
    }

    #[test]
    fn crate_names_are_valid() {
        assert_eq!(crate_name("onvif-devicemgmt"), "roundtrip_onvif_devicemgmt");
    }

    #[test]
    fn the_binary_source_names_each_port() {
        let port = Port {
            client: "PClient".into(),
            service: "SamplePService".into(),
            dispatch: "dispatch_p".into(),
            driver: "call_every_operation_p".into(),
            versions: vec![wsdl::SoapVersion::Soap11, wsdl::SoapVersion::Soap12],
            operations: 3,
        };
        let source = main_source("x", &[port]);
        assert!(source.contains("corpus::dispatch_p(&corpus::samples::SamplePService"));
        assert!(source.contains("SoapVersion::Soap12"));
        assert!(source.contains("call_every_operation_p(&client)"));
    }
}
