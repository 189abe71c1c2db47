//! The build-script API as a user meets it: a scratch crate (written under
//! `target/scratch-build-script/`) with the `build.rs` and `lib.rs` from
//! `tests/scratch/`, depending on `codegen` and `ips-client` by path, built
//! and tested with cargo. Its tests check that the type overrides and the
//! rename took effect in the generated module tree. Also: option errors,
//! in-process.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_owned()
}

fn write(path: &Path, contents: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("creating directories");
    codegen::write_if_changed(path, contents.as_bytes()).expect("writing");
}

#[test]
fn a_scratch_crate_builds_with_overrides_renames_and_a_module_tree() {
    let root = workspace();
    let scratch_src = root.join("codegen/tests/scratch");
    let dir = root.join("target/scratch-build-script");
    let read = |name: &str| std::fs::read_to_string(scratch_src.join(name)).expect(name);
    let path_of = |krate: &str| format!("{:?}", root.join(krate).display().to_string());
    let manifest = format!(
        "[package]\nname = \"scratch-catalog\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n\
         [dependencies]\nips-client = {{ path = {}, default-features = false }}\n\
         chrono = {{ version = \"0.4\", default-features = false }}\n\n\
         [build-dependencies]\ncodegen = {{ path = {} }}\n",
        path_of("ips-client"),
        path_of("codegen"),
    );
    write(&dir.join("Cargo.toml"), &manifest);
    write(&dir.join("build.rs"), &read("build.rs"));
    write(&dir.join("src/lib.rs"), &read("lib.rs"));
    write(&dir.join("wsdl/service.wsdl"), &read("service.wsdl"));
    // The workspace's lock file: the same versions, nothing fetched.
    write(
        &dir.join("Cargo.lock"),
        &std::fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock"),
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--offline", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(["--", "--nocapture"])
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("running cargo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the scratch crate failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("scratch crate: mapped and renamed types work"),
        "{stdout}"
    );
    // The module tree: a root file and one file per initial letter.
    let out_dirs: Vec<PathBuf> = std::fs::read_dir(dir.join("target/debug/build"))
        .expect("build directory")
        .filter_map(Result::ok)
        .map(|e| e.path().join("out"))
        .filter(|p| p.join("catalog.rs").is_file())
        .collect();
    assert!(!out_dirs.is_empty(), "no generated catalog.rs");
    assert!(out_dirs
        .iter()
        .any(|d| d.join("catalog/types_i.rs").is_file()));
}

fn generate_with(options: codegen::Options) -> Result<codegen::Generated, codegen::Error> {
    let wsdl = workspace().join("codegen/tests/scratch/service.wsdl");
    let defs = wsdl::load(&wsdl).expect("loads");
    codegen::generate_source(&defs, &options)
}

#[test]
fn option_values_that_name_nothing_are_errors() {
    let cases: [(&str, &str, &str, &str); 7] = [
        (
            "override",
            "{urn:example:scratch}Nope",
            "crate::X",
            "names no type or element",
        ),
        ("override", "xs:notAType", "crate::X", "not an XSD built-in"),
        ("override", "Money", "not a type!", "not a Rust type"),
        ("override", "p:Money", "crate::X", "prefixes other than xs:"),
        ("rename", "Nope", "Other", "names no type or element"),
        ("rename", "Money", "not an ident", "not a Rust identifier"),
        ("rename", "Money", "Fault", "the name is taken"),
    ];
    for (kind, key, value, expected) in cases {
        let mut options = codegen::Options::default();
        match kind {
            "override" => options.type_overrides.insert(key.into(), value.into()),
            _ => options.renames.insert(key.into(), value.into()),
        };
        let err = generate_with(options).expect_err(key).to_string();
        assert!(err.contains(expected), "{key} => {value}: {err}");
        assert!(err.contains(key.trim_start_matches("p:")), "{err}");
    }
}

#[test]
fn overridden_types_are_not_generated_and_renamed_ones_are() {
    let mut options = codegen::Options::default();
    options
        .type_overrides
        .insert("{urn:example:scratch}Money".into(), "crate::Money".into());
    options.renames.insert("ItemRecord".into(), "Item".into());
    let source = generate_with(options).expect("generates").source;
    assert!(
        !source.contains("pub struct Money"),
        "Money is the caller's"
    );
    assert!(source.contains("pub price: crate::Money"), "{source}");
    assert!(source.contains("pub struct Item {"));
    assert!(!source.contains("ItemRecord {"));
}

#[test]
fn the_preferred_soap_version_must_be_one_the_wsdl_binds() {
    // The scratch WSDL binds SOAP 1.1 only.
    let source = generate_with(codegen::Options {
        soap_version: Some(wsdl::SoapVersion::Soap11),
        ..codegen::Options::default()
    })
    .expect("1.1 is bound")
    .source;
    assert!(source.contains("pub const SOAP_VERSION: rt::SoapVersion = rt::SoapVersion::Soap11;"));
    assert!(source.contains("pub fn connect(endpoint: &str)"));
    let err = generate_with(codegen::Options {
        soap_version: Some(wsdl::SoapVersion::Soap12),
        ..codegen::Options::default()
    })
    .expect_err("1.2 is not bound")
    .to_string();
    assert!(
        err.contains("soap_version") && err.contains("SOAP 1.2"),
        "{err}"
    );
}
