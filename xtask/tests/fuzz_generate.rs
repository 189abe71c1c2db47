//! Mutation fuzzing of load + `codegen::generate_source`: every mutant of
//! the seed WSDLs that loads must generate source or fail with a clean
//! error, never panic, and never produce code that does not parse (the
//! generator's `Internal` error). Same harness and knobs as the loader's
//! (`wsdl/tests/fuzz_support`): `FUZZ_ITERATIONS` (default 100),
//! `FUZZ_SECONDS`, `FUZZ_SEED`, `FUZZ_CORPUS`; structure-keeping mutations
//! only, unless `FUZZ_ALL_MUTATIONS` is set.
//!
//! ```text
//! FUZZ_SECONDS=60 cargo test -p xtask --test fuzz_generate -- --nocapture
//! ```

#[path = "../../wsdl/tests/fuzz_support/mod.rs"]
mod fuzz_support;

use std::path::Path;

use fuzz_support::Outcome;

fn variant(debug: String) -> String {
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("?")
        .to_owned()
}

fn check_generate(entry: &Path) -> Result<Outcome, String> {
    let defs = match wsdl::load(entry) {
        Ok(defs) => defs,
        Err(e) => {
            return Ok(Outcome::Rejected(format!(
                "load:{}",
                variant(format!("{e:?}"))
            )))
        }
    };
    match codegen::generate_source(&defs, &codegen::Options::default()) {
        Ok(generated) if generated.source.trim().is_empty() => Err("empty source".to_owned()),
        Ok(_) => Ok(Outcome::Accepted),
        Err(codegen::Error::Internal(message)) => {
            Err(format!("generated code did not parse: {message}"))
        }
        Err(e) if e.to_string().trim().is_empty() => Err(format!("empty error: {e:?}")),
        Err(e) => Ok(Outcome::Rejected(format!(
            "codegen:{}",
            variant(format!("{e:?}"))
        ))),
    }
}

#[test]
fn mutants_generate_or_fail_cleanly() {
    let mut config = fuzz_support::Config::from_env(100);
    // Mutants the loader refuses never reach the generator: keep most
    // documents loadable (the loader's own fuzz covers the rest).
    config.structural = std::env::var("FUZZ_ALL_MUTATIONS").is_err();
    fuzz_support::run("fuzz_generate", &config, check_generate);
}
