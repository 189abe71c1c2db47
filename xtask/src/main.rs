//! Project tasks: `cargo xtask <command>`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod api_diff;
mod bench;
mod conformance;
mod corpus;
mod fetch;
mod roundtrip;
mod schemas;

/// The project's own IPS WSDL.
fn project_wsdl() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ips-client/wsdl/IpsApi-2014-04-03.wsdl")
}

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Project tasks for the WSDL generator and the IPS client"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Download an official IPS WSDL to ips-client/wsdl/fetched/ (preferred by the build).
    FetchWsdl {
        /// Region: na, emea or apac.
        #[arg(long, default_value = "na")]
        region: String,
        /// API version, such as 2014-04-03.
        #[arg(long, default_value = "2014-04-03")]
        version: String,
        /// Use the staging host of the region.
        #[arg(long)]
        staging: bool,
        /// Fetch this URL instead of the regional host's.
        #[arg(long)]
        url: Option<String>,
        /// Where to write it (default: ips-client/wsdl/fetched/IpsApi.wsdl).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Copy every schema a WSDL reads (inline or imported) into a directory, with all.xsd importing them all.
    ExtractSchemas {
        /// The WSDL.
        wsdl: PathBuf,
        /// Where the .xsd files go.
        out_dir: PathBuf,
    },
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
    /// Report operations, types and elements added, removed and changed between two WSDLs.
    ApiDiff {
        /// The older WSDL.
        old: PathBuf,
        /// The newer WSDL.
        new: PathBuf,
    },
    /// Load, generate and compile every entry of a WSDL corpus (`<dir>/MANIFEST.tsv`).
    Corpus {
        /// The corpus directory (for example ../shared/wsdl-corpus).
        dir: PathBuf,
        /// Fail unless at least this percentage of the SOAP entries pass.
        #[arg(long)]
        min_pass_rate: Option<f64>,
        /// Only entries whose name contains this (repeatable).
        #[arg(long)]
        only: Vec<String>,
        /// Load and generate only, without `cargo check`.
        #[arg(long)]
        no_check: bool,
        /// Accept DOCTYPEs that declare nothing able to expand or fetch anything
        /// (external DTDs are never read); by default every DOCTYPE is refused.
        #[arg(long)]
        inert_doctype: bool,
        /// Scratch directory for the generated crates and their shared target directory.
        #[arg(long)]
        scratch: Option<PathBuf>,
    },
    /// Round-trip a sample of operations of rich corpus services through the
    /// generated client and dispatcher over HTTP; validate every message with xmllint.
    Roundtrip {
        /// The corpus directory (for example ../shared/wsdl-corpus).
        dir: PathBuf,
        /// Entries to run, by name (default: onvif-devicemgmt, vsphere-vim25,
        /// netsuite, paypal, salesforce-partner).
        #[arg(long, value_delimiter = ',')]
        entries: Vec<String>,
        /// Operations called per port type, spread over the alphabet (all when fewer).
        #[arg(long, default_value_t = 25)]
        operations: usize,
        /// Scratch directory for the generated crates, their target directory, bodies and schemas.
        #[arg(long)]
        scratch: Option<PathBuf>,
    },
    /// Measure generation, decoding, encoding, calls and build cost against
    /// xmltree / quick-xml floors and xsdata / zeep (runs a release build).
    Bench(bench::BenchArgs),
    /// Check that every declaration of the project's WSDL matches the official WSDL.
    Conformance {
        /// The official WSDL (for example ../shared/ips-wsdl/IpsApi-2014-04-03.wsdl).
        official: PathBuf,
        /// The WSDL to check (default: the project's own IPS WSDL).
        #[arg(long)]
        ours: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Bench(args) => bench::run(args),
        Command::FetchWsdl {
            region,
            version,
            staging,
            url,
            out,
        } => {
            let url = match url
                .map(Ok)
                .unwrap_or_else(|| fetch::official_url(&region, staging, &version))
            {
                Ok(url) => url,
                Err(error) => {
                    eprintln!("error: {error}");
                    return ExitCode::FAILURE;
                }
            };
            let destination = out.unwrap_or_else(fetch::default_destination);
            match fetch::fetch(&url, &destination) {
                Ok(summary) => {
                    println!("fetched {url} to {} ({summary})", destination.display());
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::ExtractSchemas { wsdl, out_dir } => match schemas::extract(&wsdl, &out_dir) {
            Ok(notes) => {
                for note in notes {
                    println!("note: {note}");
                }
                println!("wrote {}", out_dir.join("all.xsd").display());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
        Command::ApiDiff { old, new } => {
            let load = |path: &PathBuf| wsdl::load(path).map_err(|e| eprintln!("error: {e}"));
            let (Ok(old_defs), Ok(new_defs)) = (load(&old), load(&new)) else {
                return ExitCode::FAILURE;
            };
            let report = api_diff::report(&old_defs, &new_defs);
            if report.is_empty() {
                println!("no differences");
            } else {
                print!("{report}");
            }
            ExitCode::SUCCESS
        }
        Command::Conformance { official, ours } => {
            let ours = ours.unwrap_or_else(project_wsdl);
            let load = |path: &PathBuf| wsdl::load(path).map_err(|e| eprintln!("error: {e}"));
            let (Ok(our_defs), Ok(official_defs)) = (load(&ours), load(&official)) else {
                return ExitCode::FAILURE;
            };
            let diffs = conformance::differences(&our_defs, &official_defs);
            if diffs.is_empty() {
                let operations: usize = our_defs
                    .port_types
                    .values()
                    .map(|p| p.operations.len())
                    .sum();
                println!(
                    "{} conforms to {}: {operations} operations, {} messages, {} elements, {} types checked",
                    ours.display(),
                    official.display(),
                    our_defs.messages.len(),
                    our_defs.schema.elements.len(),
                    our_defs.schema.types.len()
                );
                ExitCode::SUCCESS
            } else {
                for diff in &diffs {
                    println!("{diff}");
                }
                eprintln!(
                    "error: {} difference(s) from {}",
                    diffs.len(),
                    official.display()
                );
                ExitCode::FAILURE
            }
        }
        Command::Corpus {
            dir,
            min_pass_rate,
            only,
            no_check,
            inert_doctype,
            scratch,
        } => {
            let scratch = scratch.unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/corpus-scratch")
            });
            let options = corpus::Options {
                dir,
                scratch,
                only,
                no_check,
                inert_doctype,
            };
            corpus::run(&options, min_pass_rate)
        }
        Command::Roundtrip {
            dir,
            entries,
            operations,
            scratch,
        } => {
            let options = roundtrip::Options {
                dir,
                entries: if entries.is_empty() {
                    roundtrip::DEFAULT_ENTRIES.map(str::to_owned).to_vec()
                } else {
                    entries
                },
                operations,
                scratch: scratch.unwrap_or_else(|| {
                    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/roundtrip-scratch")
                }),
            };
            roundtrip::run(&options)
        }
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
