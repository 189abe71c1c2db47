//! Generates the IPS client into OUT_DIR from a WSDL chosen in this order:
//! 1. the `IPS_WSDL` environment variable (a path), for example the official
//!    WSDL of a newer API version;
//! 2. `wsdl/fetched/IpsApi.wsdl`, where `cargo xtask fetch-wsdl` puts the
//!    official WSDL (git-ignored);
//! 3. the project's own `wsdl/IpsApi-2014-04-03.wsdl`.
//!
//! Nothing is downloaded here: the build never touches the network.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo:rerun-if-env-changed=IPS_WSDL");
    let fetched = manifest.join("wsdl").join("fetched").join("IpsApi.wsdl");
    println!("cargo:rerun-if-changed={}", fetched.display());
    let wsdl = match std::env::var_os("IPS_WSDL").filter(|v| !v.is_empty()) {
        Some(path) => {
            let path = PathBuf::from(path);
            // Relative paths are taken from the workspace root, where cargo is usually run.
            let path = if path.is_relative() {
                manifest.join("..").join(path)
            } else {
                path
            };
            println!(
                "cargo:warning=generating the IPS client from IPS_WSDL={}",
                path.display()
            );
            path
        }
        None if fetched.is_file() => {
            println!(
                "cargo:warning=generating the IPS client from the fetched {}",
                fetched.display()
            );
            fetched
        }
        None => manifest.join("wsdl").join("IpsApi-2014-04-03.wsdl"),
    };
    let result = codegen::Builder::new()
        .input(&wsdl)
        .module_name("ips_api")
        .runtime_path("crate::soap")
        .server(true)
        // 200-odd types: one module per initial letter lets rustc spread the work.
        .module_tree(true)
        .samples(std::env::var_os("CARGO_FEATURE_SAMPLES").is_some())
        .blocking(std::env::var_os("CARGO_FEATURE_BLOCKING").is_some())
        .serde(std::env::var_os("CARGO_FEATURE_SERDE").is_some())
        .cli(std::env::var_os("CARGO_FEATURE_CLI").is_some())
        .generate();
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            // Shown by cargo under "failed to run custom build command".
            eprintln!(
                "error: generating the IPS client from {} failed: {error}",
                wsdl.display()
            );
            ExitCode::FAILURE
        }
    }
}
