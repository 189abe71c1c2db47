//! Generation time for the project's IPS WSDL: the xmltree parse of the
//! file (the floor), loading, loading + generating without formatting (what
//! a build script needs) and with prettyplease. `cargo xtask bench` runs the
//! official WSDL and the largest corpus entries against xsdata and zeep.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};

fn wsdl_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ips-client/wsdl/IpsApi-2014-04-03.wsdl")
}

fn generation(c: &mut Criterion) {
    let path = wsdl_path();
    let options = codegen::Options::default();
    let mut group = c.benchmark_group("generate_ips_wsdl");
    group.sample_size(20);
    group.bench_function("xmltree_parse", |b| {
        b.iter(|| {
            let bytes = std::fs::read(&path).expect("reading the WSDL");
            xmltree::Element::parse(bytes.as_slice()).is_ok()
        })
    });
    group.bench_function("load", |b| b.iter(|| wsdl::load(&path).is_ok()));
    group.bench_function("load_generate_unformatted", |b| {
        b.iter(|| {
            let defs = wsdl::load(&path).expect("loading the WSDL");
            codegen::generate_unformatted(&defs, &options).is_ok()
        })
    });
    group.bench_function("load_generate_formatted", |b| {
        b.iter(|| {
            let defs = wsdl::load(&path).expect("loading the WSDL");
            codegen::generate_source(&defs, &options).is_ok()
        })
    });
    group.finish();
}

criterion_group!(benches, generation);
criterion_main!(benches);
