//! `cargo xtask generate` on hostile and broken WSDLs: a non-zero exit, an
//! error on stderr that names the file, and no output file (not even a
//! partial or temporary one) in the output directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hostile(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../wsdl/tests/fixtures/hostile")
        .join(rel)
}

/// A fresh scratch directory (not created: `generate` must create it).
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile_generate")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn generate(wsdl: &Path, out_dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("generate")
        .arg(wsdl)
        .arg(out_dir)
        .args(extra)
        .output()
        .expect("running xtask")
}

/// Every file under `dir` (none when it does not exist).
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Runs `generate` on `wsdl` into a fresh directory (pre-created when
/// `precreate`), expects a failure whose stderr mentions `pieces`, and no
/// file in the directory afterwards. Returns stderr.
#[track_caller]
fn assert_fails_cleanly(name: &str, wsdl: &Path, pieces: &[&str], precreate: bool) -> String {
    let out_dir = scratch(name);
    if precreate {
        std::fs::create_dir_all(&out_dir).unwrap();
    }
    let output = generate(wsdl, &out_dir, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !output.status.success(),
        "{name}: generate succeeded\nstdout: {stdout}\nstderr: {stderr}"
    );
    assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
    assert!(stderr.starts_with("error: "), "{name}: {stderr}");
    for piece in pieces {
        assert!(
            stderr.contains(piece),
            "{name}: stderr does not mention `{piece}`:\n{stderr}"
        );
    }
    assert!(!stdout.contains("wrote"), "{name}: {stdout}");
    assert_eq!(
        files_in(&out_dir),
        Vec::<PathBuf>::new(),
        "{name}: output left behind"
    );
    stderr
}

#[test]
fn a_valid_wsdl_generates() {
    // The control: the same command does write a module for a sound input.
    let out_dir = scratch("valid");
    let output = generate(&hostile("valid.wsdl"), &out_dir, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(files_in(&out_dir), [out_dir.join("client.rs")]);
}

#[test]
fn broken_wsdls_fail_and_write_nothing() {
    let cases: &[(&str, &[&str])] = &[
        ("xml/unclosed_tag.wsdl", &["unclosed_tag.wsdl:22:15: XML is not well-formed"]),
        ("xml/stray_line_before_prolog.wsdl", &["stray_line_before_prolog.wsdl:1:1:"]),
        ("xml/invalid_utf8.wsdl", &["invalid_utf8.wsdl:8:26:", "invalid UTF-8"]),
        ("xml/unknown_encoding.wsdl", &["unknown_encoding.wsdl:1:46:", "Unsupported encoding"]),
        ("xml/empty.wsdl", &["empty.wsdl:1:1:"]),
        ("dtd/billion_laughs.wsdl", &["billion_laughs.wsdl:2:1:", "DOCTYPE"]),
        ("dtd/external_entity.wsdl", &["external_entity.wsdl:2:1:", "DOCTYPE"]),
        (
            "imports/missing_xsd_include.wsdl",
            &["no-such-types.xsd", "referred to from", "missing_xsd_include.wsdl at /definitions/types/schema/include"],
        ),
        (
            "imports/missing_nested.wsdl",
            &["deeper/absent.xsd", "present.xsd at /schema/import"],
        ),
        (
            "refs/unresolved_type.wsdl",
            &["unresolved_type.wsdl: at /definitions/types/schema/complexType[@name='PingType']", "{urn:h}Counter"],
        ),
        ("refs/unknown_prefix_in_part.wsdl", &["unknown_prefix_in_part.wsdl: at /definitions/message[@name='pingIn']/part[@name='body']", "`ns1`"]),
        ("dup/element.wsdl", &["element.wsdl: at /definitions/types/schema/element[@name='ping']", "defined twice"]),
        ("dup/message.wsdl", &["message.wsdl: at /definitions/message[@name='pingIn']", "defined twice"]),
        (
            "binding/unknown_operation.wsdl",
            &["unknown_operation.wsdl: at /definitions/binding[@name='PingBinding']/operation[@name='pingTwice']"],
        ),
    ];
    for (i, (rel, pieces)) in cases.iter().enumerate() {
        // Half into a directory that exists, half into one that does not.
        assert_fails_cleanly(&format!("broken{i}"), &hostile(rel), pieces, i % 2 == 0);
    }
}

#[test]
fn a_missing_entry_file_fails_and_writes_nothing() {
    let missing = hostile("no-such-file.wsdl");
    assert_fails_cleanly(
        "missing",
        &missing,
        &["cannot read", "no-such-file.wsdl"],
        true,
    );
}

#[test]
fn ten_thousand_deep_nesting_fails_and_writes_nothing() {
    let dir = scratch("deep_input");
    std::fs::create_dir_all(&dir).unwrap();
    let base = std::fs::read_to_string(hostile("valid.wsdl")).unwrap();
    let deep = base.replacen(
        "A ping service.",
        &format!("{}{}", "<b>".repeat(10_000), "</b>".repeat(10_000)),
        1,
    );
    let path = dir.join("deep.wsdl");
    std::fs::write(&path, deep).unwrap();
    assert_fails_cleanly(
        "deep",
        &path,
        &["deep.wsdl:", "nested deeper than 512"],
        true,
    );
}

#[test]
fn an_oversized_file_fails_and_writes_nothing() {
    let dir = scratch("huge_input");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.wsdl");
    // Sparse: 200 MiB on paper, never read.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(200 << 20)
        .unwrap();
    let stderr = assert_fails_cleanly("huge", &path, &["huge.wsdl", "larger than"], true);
    std::fs::remove_file(&path).unwrap();
    assert!(stderr.contains("limit"), "{stderr}");
}

#[test]
fn a_failed_run_leaves_earlier_output_untouched() {
    let out_dir = scratch("earlier");
    let good = generate(&hostile("valid.wsdl"), &out_dir, &[]);
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let client = out_dir.join("client.rs");
    let before = std::fs::read(&client).unwrap();
    for bad in [
        hostile("xml/truncated.wsdl"),
        hostile("dup/part.wsdl"),
        hostile("dtd/imports_bomb.wsdl"),
    ] {
        let output = generate(&bad, &out_dir, &[]);
        assert!(!output.status.success(), "{}", bad.display());
        let stderr = String::from_utf8_lossy(&output.stderr);
        let name = bad.file_name().unwrap().to_string_lossy().into_owned();
        let named = stderr.contains(&name) || stderr.contains("bomb.xsd");
        assert!(named, "{stderr}");
        assert_eq!(std::fs::read(&client).unwrap(), before, "{}", bad.display());
        assert_eq!(
            files_in(&out_dir),
            std::slice::from_ref(&client),
            "{}",
            bad.display()
        );
    }
}

#[test]
fn a_generator_stage_failure_writes_nothing() {
    // Loads fine; the generator refuses the options, after loading.
    let out_dir = scratch("bad_module");
    std::fs::create_dir_all(&out_dir).unwrap();
    let output = generate(
        &hostile("valid.wsdl"),
        &out_dir,
        &["--module", "not a module"],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("module_name"), "{stderr}");
    assert_eq!(files_in(&out_dir), Vec::<PathBuf>::new());
}
