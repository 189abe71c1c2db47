//! Project tasks: `cargo xtask <command>`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project tasks for the WSDL generator and the IPS client")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate Rust from a WSDL, through the same code path as build scripts.
    Generate {
        /// The WSDL entry point.
        wsdl: PathBuf,
        /// Directory the `<module>.rs` file is written to.
        out_dir: PathBuf,
        /// Name of the generated module.
        #[arg(long, default_value = "client")]
        module: String,
        /// Path of the SOAP runtime module the generated code calls.
        #[arg(long, default_value = "ips_client::soap")]
        runtime: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate {
            wsdl,
            out_dir,
            module,
            runtime,
        } => {
            let result = codegen::Builder::new()
                .input(&wsdl)
                .out_dir(&out_dir)
                .module_name(module)
                .runtime_path(runtime)
                .emit_rerun_if_changed(false)
                .generate();
            match result {
                Ok(written) => {
                    for (path, generated) in written {
                        println!("wrote {}", path.display());
                        print!("{}", generated.summary);
                    }
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
