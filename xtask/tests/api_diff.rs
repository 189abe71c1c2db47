//! `cargo xtask api-diff` on the two official IPS WSDL versions in ../shared.
//! Ignored by default (it needs ../shared); .ci/run runs it explicitly.

use std::path::PathBuf;
use std::process::Command;

fn official(version: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../shared/ips-wsdl/IpsApi-{version}.wsdl"));
    assert!(
        path.is_file(),
        "{} is missing: this test needs ../shared",
        path.display()
    );
    path
}

fn api_diff(old: &PathBuf, new: &PathBuf) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("api-diff")
        .arg(old)
        .arg(new)
        .output()
        .expect("running xtask");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 report")
}

#[test]
#[ignore = "needs ../shared/ips-wsdl"]
fn reports_the_2013_to_2014_changes() {
    let report = api_diff(&official("2013-02-15"), &official("2014-04-03"));
    for line in [
        "operations added (3): deleteAssetMetadata, getCdnCacheInvalidationStatus, uploadPost",
        "operations removed (2): getImageRenderingCatalog, getImageServingCatalog",
        "types added (3): MetadataDelete, MetadataDeleteArray, VideoCaptionInfo",
        "types removed (2): EmailArray, EmailConfirmation",
        "type changed: Asset\n  + videoCaptionInfo: VideoCaptionInfo [0..1]",
        "type changed: User\n  - defaultRole: xsd:string [1..1]\n  + imsUserId: xsd:string [0..1]\n  + isIpsAdmin: xsd:boolean [1..1]",
        "element changed: cdnCacheInvalidationReturn\n  - successCount: xsd:int [1..1]",
        "  ~ appName: xsd:string [0..1] -> xsd:string [1..1]",
    ] {
        assert!(report.contains(line), "missing {line:?} in:\n{report}");
    }
}

#[test]
#[ignore = "needs ../shared/ips-wsdl"]
fn a_version_against_itself_has_no_differences() {
    let v = official("2014-04-03");
    assert_eq!(api_diff(&v, &v), "no differences\n");
}
