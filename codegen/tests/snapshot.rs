//! The generated code for each fixture is checked in under `snapshots/`, so
//! every change in output shows up in review. The snapshots are also
//! compiled and exercised by `ips-client/tests/fixture_*.rs`.
//!
//! To accept a deliberate change: `UPDATE_SNAPSHOTS=1 cargo test -p codegen --test snapshot`.

use std::path::{Path, PathBuf};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn generate(name: &str) -> String {
    generate_with(name, true, false)
}

/// `samples`: also generate the sample values, service and driver;
/// `serde` on to compile the derives against every construct.
fn generate_with(name: &str, samples: bool, serde: bool) -> String {
    generate_options(
        name,
        codegen::Options {
            module_name: name.to_owned(),
            runtime_path: "ips_client::soap".to_owned(),
            sensitive_fields: ["token".to_owned()].into(),
            server: true,
            samples,
            blocking: true,
            serde,
            ..codegen::Options::default()
        },
    )
}

fn generate_options(name: &str, options: codegen::Options) -> String {
    let wsdl = fixture_dir().join("fixtures").join(format!("{name}.wsdl"));
    let defs = wsdl::load(&wsdl).unwrap_or_else(|e| panic!("loading {}: {e}", wsdl.display()));
    codegen::generate_source(&defs, &options)
        .unwrap_or_else(|e| panic!("generating {name}: {e}"))
        .source
}

/// The `jobs` fixture with serde derives and the command-line front end
/// (compiled and run by `ips-client/tests/fixture_jobs_cli.rs`).
fn generate_cli(name: &str) -> String {
    generate_options(
        name,
        codegen::Options {
            module_name: format!("{name}_cli"),
            runtime_path: "ips_client::soap".to_owned(),
            sensitive_fields: ["token".to_owned()].into(),
            server: true,
            samples: false,
            blocking: false,
            serde: false,
            cli: true,
            ..codegen::Options::default()
        },
    )
}

fn check_snapshot(name: &str) {
    check_snapshot_with(name, true, false)
}

fn check_snapshot_with(name: &str, samples: bool, serde: bool) {
    compare_snapshot(name, &generate_with(name, samples, serde));
}

fn compare_snapshot(name: &str, generated: &str) {
    let path = fixture_dir().join("snapshots").join(format!("{name}.rs"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, generated).expect("writing snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != generated {
        let first_difference = expected
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(generated.lines().count()));
        panic!(
            "generated code for {name} differs from {} at line {}; \
             rerun with UPDATE_SNAPSHOTS=1 to accept",
            path.display(),
            first_difference + 1
        );
    }
}

#[test]
fn jobs_snapshot() {
    check_snapshot("jobs");
}

/// Every XSD construct the generator maps, in one request type, with serde
/// derives (compiled and round-tripped through XML and JSON by
/// `ips-client/tests/fixture_breadth.rs`).
#[test]
fn breadth_snapshot() {
    check_snapshot_with("breadth", true, true);
}

/// `xsi:type` polymorphism, with serde derives (`fixture_polymorphism.rs`).
#[test]
fn polymorphism_snapshot() {
    check_snapshot_with("polymorphism", true, true);
}

/// rpc/literal and rpc/encoded operations (`fixture_rpc.rs`).
#[test]
fn rpc_snapshot() {
    check_snapshot_with("rpc", true, false);
}

/// The command-line emitter: subcommands, arguments and dispatch, plus the
/// serde derives it implies.
#[test]
fn jobs_cli_snapshot() {
    compare_snapshot("jobs_cli", &generate_cli("jobs"));
}

#[test]
fn cli_output_names_every_operation_and_argument() {
    let source = generate_cli("jobs");
    for expected in [
        r#"("submit-job", "submitJob"),"#,
        r#"("list-jobs", "listJobs"),"#,
        r#""Queues a job and returns its handle.","#,
        r#">("job", rt::cli::Occurs::Required, ""),"#,
        r#"job: rt::cli::one::<Job>(matches, "job")?,"#,
        r#"rt::cli::response(client.submit_job(&request).await)"#,
        r#"#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]"#,
        r#"#[cfg_attr(feature = "serde", serde(rename = "maxSeconds"))]"#,
    ] {
        assert!(source.contains(expected), "missing {expected}");
    }
    // Without the flags, nothing of either is generated.
    let plain = generate("jobs");
    assert!(!plain.contains("serde"));
    assert!(!plain.contains("pub mod cli"));
}

#[test]
fn output_is_byte_identical_across_runs() {
    assert_eq!(
        generate_with("breadth", false, true),
        generate_with("breadth", false, true)
    );
    assert_eq!(generate("jobs"), generate("jobs"));
    let ips =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ips-client/wsdl/IpsApi-2014-04-03.wsdl");
    let first =
        codegen::generate_source(&wsdl::load(&ips).unwrap(), &codegen::Options::default()).unwrap();
    let second =
        codegen::generate_source(&wsdl::load(&ips).unwrap(), &codegen::Options::default()).unwrap();
    assert_eq!(first.source, second.source);
}

#[test]
fn generated_file_starts_with_the_generated_marker() {
    let source = generate("jobs");
    assert!(source.starts_with("// @generated"), "{}", &source[..80]);
    assert!(source.contains("Do not edit"));
}

#[test]
fn sensitive_fields_are_redacted_in_debug() {
    let source = generate("jobs");
    assert!(
        source.contains(r#".field("token", &"[redacted]")"#),
        "token must be redacted"
    );
}
