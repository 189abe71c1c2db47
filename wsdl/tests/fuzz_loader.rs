//! Mutation fuzzing of `wsdl::load` on stable Rust (see `fuzz_support`):
//! every mutant of the seed WSDLs must load or fail with a non-empty error,
//! never panic. `FUZZ_ITERATIONS` (default 300) or `FUZZ_SECONDS` set how
//! long it runs, `FUZZ_SEED` the seed, `FUZZ_CORPUS` adds seeds:
//!
//! ```text
//! FUZZ_SECONDS=60 cargo test -p wsdl --test fuzz_loader -- --nocapture
//! ```
//!
//! Inputs that once failed are kept in `tests/fixtures/hostile/fuzz-regressions/`
//! and loaded by `regressions_load_or_fail_cleanly`.

mod fuzz_support;

use std::path::Path;

use fuzz_support::Outcome;

/// The variant name of an error, for statistics.
fn variant(e: &wsdl::Error) -> String {
    let debug = format!("{e:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("?")
        .to_owned()
}

/// Loads `entry`; an error must say something and name a file.
fn check_load(entry: &Path) -> Result<Outcome, String> {
    match wsdl::load(entry) {
        Ok(_) => Ok(Outcome::Accepted),
        Err(e) => {
            let message = e.to_string();
            if message.trim().is_empty() {
                return Err(format!("empty error message: {e:?}"));
            }
            if message.contains("internal error") {
                return Err(format!("internal error: {message}"));
            }
            if !(message.contains(".wsdl") || message.contains(".xsd") || message.contains('/')) {
                return Err(format!("error names no file: {message}"));
            }
            Ok(Outcome::Rejected(variant(&e)))
        }
    }
}

#[test]
fn mutants_load_or_fail_cleanly() {
    let config = fuzz_support::Config::from_env(300);
    fuzz_support::run("fuzz_loader", &config, check_load);
}

#[test]
fn mutation_is_deterministic() {
    let seed = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/valid.wsdl"),
    )
    .unwrap();
    let run = || {
        let mut rng = fuzz_support::Rng::new(7);
        (0..50)
            .map(|_| {
                let mut data = seed.clone();
                fuzz_support::mutate(&mut rng, &mut data, &seed);
                data
            })
            .collect::<Vec<_>>()
    };
    let first = run();
    assert_eq!(first, run());
    assert!(
        first.iter().any(|m| *m != seed),
        "no mutation changed anything"
    );
}

#[test]
fn regressions_load_or_fail_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/fuzz-regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "wsdl") {
            let outcome = std::panic::catch_unwind(|| check_load(&path));
            match outcome {
                Ok(Ok(_)) => {}
                Ok(Err(why)) => panic!("{}: {why}", path.display()),
                Err(_) => panic!("{} panicked", path.display()),
            }
            count += 1;
        }
    }
    assert!(count > 0, "no regression inputs in {}", dir.display());
}
