//! The `wsdl2rust` binary, run as a user would: every subcommand, its exit
//! status and what it prints.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn jobs_wsdl() -> PathBuf {
    manifest_dir().join("tests/fixtures/jobs.wsdl")
}

fn ips_wsdl() -> PathBuf {
    manifest_dir().join("../ips-client/wsdl/IpsApi-2014-04-03.wsdl")
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wsdl2rust"))
        .args(args)
        .output()
        .expect("running wsdl2rust")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr")
}

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating a scratch directory");
    dir
}

fn ok(output: &Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

#[test]
fn generate_writes_the_module_file_and_prints_the_summary() {
    let dir = scratch("generate");
    let output = run(&[
        "generate".as_ref(),
        jobs_wsdl().as_os_str(),
        "-o".as_ref(),
        dir.as_os_str(),
        "--module".as_ref(),
        "jobs".as_ref(),
        "--runtime".as_ref(),
        "crate::soap".as_ref(),
        "--server".as_ref(),
        "--blocking".as_ref(),
        "--sensitive-field".as_ref(),
        "token".as_ref(),
    ]);
    ok(&output);
    let file = dir.join("jobs.rs");
    let source = std::fs::read_to_string(&file).expect("jobs.rs written");
    assert!(source.starts_with("// @generated"), "{source:.200}");
    assert!(source.contains("use crate::soap as rt;"));
    assert!(source.contains("pub trait JobsPortService"), "--server");
    assert!(
        source.contains("pub struct JobsPortClientBlocking"),
        "--blocking"
    );
    let out = stdout(&output);
    assert!(out.contains(&format!("wrote {}", file.display())), "{out}");
    assert!(out.contains("2 operations"), "{out}");
    assert!(out.contains("operation submitJob"), "{out}");
    assert!(!out.contains("cargo:rerun-if-changed"), "{out}");
    // Only the module file, no temporary left behind.
    let entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["jobs.rs"]);
}

#[test]
fn generate_to_stdout_prints_the_source_only() {
    let output = run(&[
        "generate".as_ref(),
        ips_wsdl().as_os_str(),
        "-o".as_ref(),
        "-".as_ref(),
        "--module".as_ref(),
        "api".as_ref(),
    ]);
    ok(&output);
    let source = stdout(&output);
    assert!(source.starts_with("// @generated"), "{source:.200}");
    assert!(source.contains("pub mod api {"));
    assert!(source.contains("pub struct ExecuteJobParam"));
    // The summary goes to stderr, so the source can be redirected as is.
    assert!(!source.contains("operation executeJob\n"));
    assert!(stderr(&output).contains("operation executeJob"));

    // The same bytes as the file the Builder writes.
    let dir = scratch("stdout-same");
    ok(&run(&[
        "generate".as_ref(),
        ips_wsdl().as_os_str(),
        "-o".as_ref(),
        dir.as_os_str(),
        "--module".as_ref(),
        "api".as_ref(),
    ]));
    assert_eq!(std::fs::read_to_string(dir.join("api.rs")).unwrap(), source);
}

#[test]
fn generate_with_cli_adds_serde_and_the_command_line_module() {
    let output = run(&[
        "generate".as_ref(),
        jobs_wsdl().as_os_str(),
        "-o".as_ref(),
        "-".as_ref(),
        "--module".as_ref(),
        "jobs".as_ref(),
        "--cli".as_ref(),
    ]);
    ok(&output);
    let source = stdout(&output);
    assert!(source.contains("pub mod cli {"), "--cli");
    assert!(source.contains(r#"("submit-job", "submitJob")"#));
    assert!(
        source.contains("derive(serde::Serialize, serde::Deserialize)"),
        "implied --serde"
    );

    let output = run(&[
        "generate".as_ref(),
        jobs_wsdl().as_os_str(),
        "-o".as_ref(),
        "-".as_ref(),
        "--serde".as_ref(),
    ]);
    ok(&output);
    let source = stdout(&output);
    assert!(source.contains("derive(serde::Serialize, serde::Deserialize)"));
    assert!(
        !source.contains("pub mod cli {"),
        "--serde alone adds no CLI"
    );
}

#[test]
fn inspect_lists_services_operations_and_fields() {
    let output = run(&["inspect".as_ref(), jobs_wsdl().as_os_str()]);
    ok(&output);
    let out = stdout(&output);
    for expected in [
        "Service JobsService",
        "  Port JobsSoap\n    binding: JobsSoap (SOAP 1.1, document, port type JobsPort)\n    address: https://jobs.example.com/soap\n",
        "binding: JobsSoap12 (SOAP 1.2",
        "Port type JobsPort",
        "  submitJob\n",
        "    input: submitJob\n      job: Job\n",
        "    header: session\n      token: string\n",
        "    output: submitJobResponse\n      jobHandle: string\n",
        "    fault jobFault: jobFault\n      code: int\n      reason: string\n",
        "    output: listJobsResponse\n      job: Job[0..*]\n",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    // Deterministic.
    assert_eq!(
        stdout(&run(&["inspect".as_ref(), jobs_wsdl().as_os_str()])),
        out
    );

    let output = run(&["inspect".as_ref(), ips_wsdl().as_os_str()]);
    ok(&output);
    let out = stdout(&output);
    for expected in [
        "  executeJob\n",
        "    input: executeJobParam\n      companyHandle: string\n      jobHandle: string\n",
        "    header: authHeader\n",
        "    fault authenticationFault: authenticationFault\n",
        "38 operations",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

#[test]
fn diff_reports_nothing_for_the_same_file_and_the_change_for_another() {
    let output = run(&[
        "diff".as_ref(),
        jobs_wsdl().as_os_str(),
        jobs_wsdl().as_os_str(),
    ]);
    ok(&output);
    assert_eq!(stdout(&output), "no differences\n");

    let dir = scratch("diff");
    let altered = dir.join("jobs.wsdl");
    let text = std::fs::read_to_string(jobs_wsdl()).unwrap();
    let changed = text.replace(
        r#"<xsd:element name="jobHandle" type="xsd:string"/>"#,
        r#"<xsd:element name="jobHandle" type="xsd:string"/>
            <xsd:element name="queuedAt" type="xsd:dateTime" minOccurs="0"/>"#,
    );
    assert_ne!(changed, text, "the fixture changed: update this test");
    std::fs::write(&altered, changed).unwrap();
    let output = run(&[
        "diff".as_ref(),
        jobs_wsdl().as_os_str(),
        altered.as_os_str(),
    ]);
    ok(&output);
    assert_eq!(
        stdout(&output),
        "element changed: submitJobResponse\n  + queuedAt: xsd:dateTime [0..1]\n"
    );
}

#[test]
fn a_missing_file_is_exit_1_naming_it() {
    let missing = manifest_dir().join("tests/fixtures/no-such-file.wsdl");
    let jobs = jobs_wsdl();
    for args in [
        vec![
            "generate".as_ref(),
            missing.as_os_str(),
            "-o".as_ref(),
            "-".as_ref(),
        ],
        vec!["inspect".as_ref(), missing.as_os_str()],
        vec!["diff".as_ref(), jobs.as_os_str(), missing.as_os_str()],
        vec!["diff".as_ref(), missing.as_os_str(), jobs.as_os_str()],
    ] {
        let output = run(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let err = stderr(&output);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains("no-such-file.wsdl"), "{err}");
        assert!(stdout(&output).is_empty(), "{args:?}");
    }
}

#[test]
fn a_generator_error_is_exit_1_naming_the_wsdl_and_writes_nothing() {
    let dir = scratch("bad-module");
    let output = run(&[
        "generate".as_ref(),
        jobs_wsdl().as_os_str(),
        "-o".as_ref(),
        dir.as_os_str(),
        "--module".as_ref(),
        "not-an-ident".as_ref(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("jobs.wsdl"), "{err}");
    assert!(err.contains("module_name"), "{err}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn usage_errors_are_exit_2() {
    for args in [
        vec!["generate", "--no-such-flag"],
        vec!["inspect"],
        vec!["diff", "only-one.wsdl"],
        vec!["frobnicate"],
        vec![],
    ] {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        let output = run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!stderr(&output).is_empty());
    }
}

#[test]
fn help_describes_every_subcommand() {
    let output = run(&["--help".as_ref()]);
    ok(&output);
    let out = stdout(&output);
    for word in ["generate", "inspect", "diff", "Exit status"] {
        assert!(out.contains(word), "{out}");
    }
    let output = run(&["generate".as_ref(), "--help".as_ref()]);
    ok(&output);
    let out = stdout(&output);
    for flag in [
        "--out-dir",
        "--module",
        "--runtime",
        "--server",
        "--samples",
        "--blocking",
        "--serde",
        "--cli",
        "--sensitive-field",
    ] {
        assert!(out.contains(flag), "{flag} in {out}");
    }
}

/// `--no-format` writes the same module without pretty-printing: fewer,
/// longer lines that formatted give back exactly the default output.
#[test]
fn generate_no_format_writes_the_same_module_unformatted() {
    let formatted_dir = scratch("formatted");
    let plain_dir = scratch("no-format");
    for (dir, extra) in [(&formatted_dir, None), (&plain_dir, Some("--no-format"))] {
        let mut args: Vec<std::ffi::OsString> = vec![
            "generate".into(),
            ips_wsdl().into_os_string(),
            "-o".into(),
            dir.clone().into_os_string(),
            "--module".into(),
            "api".into(),
            "--module-tree".into(),
        ];
        args.extend(extra.map(Into::into));
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        ok(&run(&args));
    }
    let mut files = vec![PathBuf::from("api.rs")];
    files.extend(
        std::fs::read_dir(formatted_dir.join("api"))
            .expect("the module tree")
            .map(|e| Path::new("api").join(e.expect("entry").file_name())),
    );
    assert!(files.len() > 2, "{files:?}");
    let (mut plain_lines, mut formatted_lines) = (0, 0);
    for file in files {
        let formatted = std::fs::read_to_string(formatted_dir.join(&file)).expect("formatted");
        let plain = std::fs::read_to_string(plain_dir.join(&file)).expect("unformatted");
        plain_lines += plain.lines().count();
        formatted_lines += formatted.lines().count();
        let (header, body) = plain.split_once('\n').expect("a header line");
        assert!(header.starts_with("// @generated"));
        let reformatted = prettyplease::unparse(&syn::parse_file(body).expect("parses"));
        assert_eq!(
            format!("{header}\n{reformatted}"),
            formatted,
            "{}",
            file.display()
        );
    }
    assert!(
        plain_lines * 10 < formatted_lines,
        "{plain_lines} {formatted_lines}"
    );
}
