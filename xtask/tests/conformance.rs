//! `cargo xtask conformance` against the official IPS WSDL in ../shared.
//! Ignored by default (it needs ../shared); .ci/run runs it explicitly.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn official() -> PathBuf {
    let path = root().join("../shared/ips-wsdl/IpsApi-2014-04-03.wsdl");
    assert!(
        path.is_file(),
        "{} is missing: this test needs ../shared",
        path.display()
    );
    path
}

fn conformance(ours: &PathBuf) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("conformance")
        .arg(official())
        .arg("--ours")
        .arg(ours)
        .output()
        .expect("running xtask")
}

#[test]
#[ignore = "needs ../shared/ips-wsdl"]
fn the_project_wsdl_conforms() {
    let output = conformance(&root().join("ips-client/wsdl/IpsApi-2014-04-03.wsdl"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("conforms"), "{stdout}");
}

#[test]
#[ignore = "needs ../shared/ips-wsdl"]
fn an_altered_declaration_is_named() {
    let original =
        std::fs::read_to_string(root().join("ips-client/wsdl/IpsApi-2014-04-03.wsdl")).unwrap();
    let cases = [
        (
            r#"<xs:element name="jobHandle" type="xs:string">"#,
            r#"<xs:element name="jobHandle" type="xs:int">"#,
            "executeJobParam",
        ),
        (
            r#"<xs:element name="appName" type="xs:string">"#,
            r#"<xs:element name="appName" type="xs:string" minOccurs="0">"#,
            "authHeader",
        ),
        (
            r#"<soap12:operation soapAction="executeJob"/>"#,
            r#"<soap12:operation soapAction="runJob"/>"#,
            "soapAction",
        ),
    ];
    let dir = std::env::temp_dir().join(format!("conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (from, to, named) in cases {
        assert!(original.contains(from), "fixture text {from} not found");
        let altered = dir.join("altered.wsdl");
        std::fs::write(&altered, original.replacen(from, to, 1)).unwrap();
        let output = conformance(&altered);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(!output.status.success(), "altering {from} must fail");
        assert!(
            stdout.contains(named),
            "difference must name {named}: {stdout}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
