//! Generates the IPS client from the project's WSDL into OUT_DIR.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let wsdl = manifest.join("wsdl").join("IpsApi-2014-04-03.wsdl");
    let result = codegen::Builder::new()
        .input(wsdl)
        .module_name("ips_api")
        .runtime_path("crate::soap")
        .generate();
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            // Shown by cargo under "failed to run custom build command".
            eprintln!("error: generating the IPS client failed: {error}");
            ExitCode::FAILURE
        }
    }
}
