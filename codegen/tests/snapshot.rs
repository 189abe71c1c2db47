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
    generate_with(name, true)
}

/// `samples`: also generate the sample values, service and driver.
fn generate_with(name: &str, samples: bool) -> String {
    let wsdl = fixture_dir().join("fixtures").join(format!("{name}.wsdl"));
    let defs = wsdl::load(&wsdl).unwrap_or_else(|e| panic!("loading {}: {e}", wsdl.display()));
    let options = codegen::Options {
        module_name: name.to_owned(),
        runtime_path: "ips_client::soap".to_owned(),
        sensitive_fields: ["token".to_owned()].into(),
        server: true,
        samples,
        blocking: true,
        operations: None,
    };
    codegen::generate_source(&defs, &options)
        .unwrap_or_else(|e| panic!("generating {name}: {e}"))
        .source
}

fn check_snapshot(name: &str) {
    check_snapshot_with(name, true)
}

fn check_snapshot_with(name: &str, samples: bool) {
    let generated = generate_with(name, samples);
    let path = fixture_dir().join("snapshots").join(format!("{name}.rs"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &generated).expect("writing snapshot");
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

/// Every XSD construct the generator maps, in one request type
/// (compiled and round-tripped by `ips-client/tests/fixture_breadth.rs`).
#[test]
fn breadth_snapshot() {
    check_snapshot("breadth");
}

/// rpc/literal and rpc/encoded operations (`fixture_rpc.rs`).
#[test]
fn rpc_snapshot() {
    check_snapshot("rpc");
}

#[test]
fn output_is_byte_identical_across_runs() {
    assert_eq!(
        generate_with("breadth", false),
        generate_with("breadth", false)
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
