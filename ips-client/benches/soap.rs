//! Decoding and encoding throughput of the generated IPS types, with the
//! quick-xml event scans of the same bytes as floors. Small inputs, so
//! `cargo bench -p ips-client` stays quick; `cargo xtask bench` measures the
//! large ones side by side with zeep.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

#[allow(dead_code)]
mod common {
    pub mod fixtures;
}
use common::fixtures;

fn decoding(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode_search_assets");
    for n in [10, 100] {
        let document = fixtures::search_assets_envelope(n);
        assert_eq!(fixtures::decode_search_assets(&document).ok(), Some(n));
        group.throughput(Throughput::Bytes(document.len() as u64));
        // Freeing the result is left out, as in `cargo xtask bench`.
        group.bench_with_input(BenchmarkId::new("generated", n), &document, |b, doc| {
            b.iter_with_large_drop(|| fixtures::decode_search_assets_reply(doc))
        });
        group.bench_with_input(
            BenchmarkId::new("ns_reader_scan", n),
            &document,
            |b, doc| b.iter(|| fixtures::scan_ns_reader(doc)),
        );
        group.bench_with_input(BenchmarkId::new("reader_scan", n), &document, |b, doc| {
            b.iter(|| fixtures::scan_reader(doc))
        });
    }
    group.finish();
}

fn encoding(c: &mut Criterion) {
    let mut group = c.benchmark_group("encode_set_asset_metadata");
    for updates in [100, 1_000] {
        let (auth, param) = fixtures::set_asset_metadata_request(updates);
        let len = fixtures::encode_set_asset_metadata(&auth, &param).len();
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(BenchmarkId::from_parameter(updates), |b| {
            b.iter(|| fixtures::encode_set_asset_metadata(&auth, &param))
        });
    }
    group.finish();
}

criterion_group!(benches, decoding, encoding);
criterion_main!(benches);
