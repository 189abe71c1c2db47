//! One small fixture per construct: `tests/features/<name>.wsdl` (with
//! `<name>.xml`, a request written by hand). For each, the generated code is
//! checked in as `tests/snapshots/features/<name>.rs`, so every change in
//! output shows up in review; `ips-client/tests/features.rs` compiles every
//! snapshot, round-trips each `<name>.xml` through it and calls every
//! operation through the generated client and dispatcher over HTTP.
//!
//! To accept a deliberate change: `UPDATE_SNAPSHOTS=1 cargo test -p codegen --test features`.

use std::path::{Path, PathBuf};

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Every fixture's name, sorted.
fn features() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(tests_dir().join("features"))
        .expect("tests/features")
        .filter_map(|entry| {
            let path = entry.expect("directory entry").path();
            let stem = path.file_stem()?.to_str()?.to_owned();
            (path.extension()? == "wsdl").then_some(stem)
        })
        .collect();
    names.sort();
    names
}

fn generate(name: &str) -> Result<String, String> {
    let wsdl = tests_dir().join("features").join(format!("{name}.wsdl"));
    let defs = wsdl::load(&wsdl).map_err(|e| format!("loading {}: {e}", wsdl.display()))?;
    let options = codegen::Options {
        module_name: name.to_owned(),
        runtime_path: "ips_client::soap".to_owned(),
        server: true,
        samples: true,
        blocking: true,
        ..codegen::Options::default()
    };
    codegen::generate_source(&defs, &options)
        .map(|generated| generated.source)
        .map_err(|e| format!("generating {name}: {e}"))
}

#[test]
fn every_feature_matches_its_snapshot() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut problems = Vec::new();
    for name in features() {
        let generated = match generate(&name) {
            Ok(source) => source,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let path = tests_dir()
            .join("snapshots/features")
            .join(format!("{name}.rs"));
        if update {
            std::fs::write(&path, &generated).expect("writing snapshot");
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != generated {
            let line = expected
                .lines()
                .zip(generated.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| expected.lines().count().min(generated.lines().count()));
            problems.push(format!(
                "{name}: generated code differs from {} at line {}",
                path.display(),
                line + 1
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n(rerun with UPDATE_SNAPSHOTS=1 to accept a deliberate change)",
        problems.join("\n")
    );
}

/// A fixture nobody compiles proves nothing: each needs its sample request
/// and an entry in `ips-client/tests/features.rs`.
#[test]
fn every_feature_has_a_sample_and_is_compiled() {
    let harness = std::fs::read_to_string(tests_dir().join("../../ips-client/tests/features.rs"))
        .expect("ips-client/tests/features.rs");
    for name in features() {
        assert!(
            tests_dir()
                .join("features")
                .join(format!("{name}.xml"))
                .is_file(),
            "{name}.xml is missing"
        );
        assert!(
            harness.contains(&format!("feature!({name},")),
            "ips-client/tests/features.rs does not compile the `{name}` fixture"
        );
    }
    let snapshots = std::fs::read_dir(tests_dir().join("snapshots/features"))
        .expect("snapshots/features")
        .count();
    assert_eq!(snapshots, features().len(), "a snapshot without a fixture");
}
