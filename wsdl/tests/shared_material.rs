//! Checks against the real WSDLs under `../shared` (outside the project).
//! Ignored by default; CI runs them with `cargo test -p wsdl -- --ignored`.

use std::path::Path;

const IPS_2014: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/ips-wsdl/IpsApi-2014-04-03.wsdl"
);
const IPS_2013: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/ips-wsdl/IpsApi-2013-02-15.wsdl"
);

#[test]
#[ignore = "reads ../shared"]
fn ips_2014_loads_fully() {
    let defs = wsdl::load(Path::new(IPS_2014)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(defs.port_types.len(), 1);
    let pt = defs.port_types.values().next().unwrap();
    assert_eq!(pt.operations.len(), 164);
    assert_eq!(defs.bindings.len(), 2);
    let versions: Vec<wsdl::SoapVersion> = defs.bindings.values().map(|b| b.soap_version).collect();
    assert!(versions.contains(&wsdl::SoapVersion::Soap11));
    assert!(versions.contains(&wsdl::SoapVersion::Soap12));
    for b in defs.bindings.values() {
        assert_eq!(b.operations.len(), 164, "binding {}", b.name);
    }
    assert!(!defs.schema.elements.is_empty());
    assert!(!defs.schema.types.is_empty());
}

#[test]
#[ignore = "reads ../shared"]
fn ips_2013_loads_fully() {
    let defs = wsdl::load(Path::new(IPS_2013)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(defs.bindings.len(), 2);
    assert!(!defs
        .port_types
        .values()
        .next()
        .unwrap()
        .operations
        .is_empty());
}

/// Every entry of the real-world corpus either loads or fails with an error
/// that names a file of that entry; none panics. (Which entries load changes
/// as constructs get supported, so only the shape of the outcome is checked.)
#[test]
#[ignore = "reads ../shared"]
fn corpus_loads_or_fails_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/wsdl-corpus");
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).unwrap();
    let mut loaded = 0;
    let mut failed = 0;
    for row in manifest.lines().skip(1) {
        let Some(rel) = row.split('\t').nth(1) else {
            continue;
        };
        let folder = rel.split('/').next().unwrap();
        match wsdl::load(&root.join(rel)) {
            Ok(defs) => {
                loaded += 1;
                assert!(defs.files[0].ends_with(rel), "{rel}");
            }
            Err(e) => {
                failed += 1;
                let msg = e.to_string();
                assert!(
                    msg.contains(folder),
                    "{rel}: error names no file of the entry: {msg}"
                );
                eprintln!("{rel}: {msg}");
            }
        }
    }
    eprintln!("corpus: {loaded} loaded, {failed} refused");
    assert!(loaded > 0);
}
