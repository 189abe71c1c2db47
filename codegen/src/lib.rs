//! Generates a typed Rust SOAP client from a WSDL 1.1 document.
//!
//! The stages are: `wsdl::load` (files, imports, QNames) -> [`plan`]
//! (names and type mapping) -> `emit` (tokens, one part at a time) ->
//! `render` (each part to text on a pool of threads, formatted by
//! `prettyplease` unless asked not to, put back in a fixed order). Use [`Builder`] from a build script, the way
//! `prost-build` is used:
//!
//! ```no_run
//! // in build.rs's main:
//! codegen::Builder::new()
//!     .input("wsdl/Service.wsdl")
//!     .module_name("service")
//!     .runtime_path("ips_client::soap")
//!     .sensitive_field("password")
//!     .generate()
//!     .unwrap_or_else(|e| panic!("{e}"));
//! ```
//!
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/service.rs"));`.

pub mod diff;
mod emit;
mod emit_blocking;
mod emit_cli;
mod emit_samples;
mod emit_serde;
mod emit_server;
mod names;
mod overrides;
pub mod plan;
mod render;
mod xsd_regex;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

use emit::Part;
use render::Job;

/// What the generator can be asked to do differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Name of the generated module (`pub mod <name> { ... }`).
    pub module_name: String,
    /// Absolute path of the SOAP runtime module generated code calls
    /// (`crate::soap` inside ips-client, `ips_client::soap` elsewhere).
    pub runtime_path: String,
    /// Element and attribute local names whose values `Debug` redacts.
    pub sensitive_fields: BTreeSet<String>,
    /// Also generate, per port type, a service trait and a dispatcher (for
    /// mock servers and tests).
    pub server: bool,
    /// Also generate `Sample` impls for every type and, per port type, a
    /// sample service and a driver that calls every operation (implies `server`).
    pub samples: bool,
    /// Also generate, per port type, a blocking client with the same methods
    /// (the runtime module must have its `blocking` executor).
    pub blocking: bool,
    /// Write the types as a module tree (see [`Generated::files`]): one
    /// module per initial letter of the type names, each in its own file
    /// and re-exported, so paths stay the same and rustc spreads the work
    /// over several codegen units. For large WSDLs.
    pub module_tree: bool,
    /// XSD types and global elements to map to Rust types the caller
    /// provides instead of generated ones. Key: `{namespace}local`,
    /// `xs:local` for a built-in, or a local name that is unique in the
    /// WSDL; value: the Rust type (`chrono::NaiveDate`, `crate::Money`).
    /// A simple type's replacement implements the runtime's `XmlValue`, a
    /// complex type's `XmlEncode` and `XmlDecode` (and, with
    /// [`samples`](Self::samples), `Sample`). A key that names nothing is an
    /// error.
    pub type_overrides: BTreeMap<String, String>,
    /// Names for generated types, instead of the ones derived from the
    /// schema. Key as for [`type_overrides`](Self::type_overrides); value: a
    /// Rust identifier not otherwise taken. A key that names nothing is an
    /// error.
    pub renames: BTreeMap<String, String>,
    /// Also derive `serde::Serialize` and `serde::Deserialize` for every
    /// generated type, under `#[cfg_attr(feature = "serde", ...)]`: the
    /// including crate needs a `serde` feature that enables `serde` (with
    /// `derive`) and the runtime's own `serde` feature. JSON keys are the
    /// XML local names. Types given in [`type_overrides`](Self::type_overrides)
    /// must implement both traits too.
    pub serde: bool,
    /// Also generate a `cli` module: per port type, one clap subcommand per
    /// operation (arguments from the request's fields) and a function that
    /// runs one and returns the response as JSON (the runtime module must
    /// have its `cli` part; implies `serde`).
    pub cli: bool,
    /// Generate only these operations (by their WSDL name, in every port
    /// type that has them) and the types they reach; `None` for all. For
    /// huge WSDLs of which a program calls a few operations. A name that no
    /// port type declares is an error.
    pub operations: Option<BTreeSet<String>>,
    /// The SOAP version generated clients connect with by default (their
    /// `SOAP_VERSION` and `connect`), for port types bound in it; `None`
    /// picks, per port type, the version most of its operations are bound
    /// in. A version no port type is bound in is an error. The transport's
    /// own setting still decides for a client built with `new`.
    pub soap_version: Option<wsdl::SoapVersion>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            module_name: "client".to_owned(),
            runtime_path: "ips_client::soap".to_owned(),
            sensitive_fields: ["password", "accessToken"].map(str::to_owned).into(),
            server: false,
            samples: false,
            blocking: false,
            module_tree: false,
            type_overrides: BTreeMap::new(),
            renames: BTreeMap::new(),
            serde: false,
            cli: false,
            operations: None,
            soap_version: None,
        }
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] wsdl::Error),
    /// A construct the generator does not support yet; `location` says where.
    #[error("unsupported: {construct} (in {location})")]
    Unsupported { construct: String, location: String },
    #[error("invalid option {option}: {message}")]
    InvalidOption {
        option: &'static str,
        message: String,
    },
    #[error("generated code did not parse (a generator bug): {0}")]
    Internal(String),
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn unsupported(construct: impl Into<String>, location: impl Into<String>) -> Self {
        Error::Unsupported {
            construct: construct.into(),
            location: location.into(),
        }
    }
}

/// The result of generating from one WSDL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Formatted Rust source, starting with the "generated" header line:
    /// the whole module, or with [`Options::module_tree`] its root file.
    pub source: String,
    /// With [`Options::module_tree`], the other files of the tree, by path
    /// relative to the root file's directory (`<module>/types_a.rs`...),
    /// which the root file `include!`s; empty otherwise.
    pub files: Vec<(PathBuf, String)>,
    pub summary: Summary,
}

/// Counts for reports (`cargo xtask generate`, the corpus table).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub files_read: Vec<String>,
    pub operations: Vec<String>,
    pub types: usize,
    pub clients: Vec<String>,
    pub lines: usize,
    /// What was passed over or is only partly supported (the loader's
    /// notes, then the generator's), one sentence each.
    pub diagnostics: Vec<String>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} operations, {} types, {} clients, {} lines",
            self.operations.len(),
            self.types,
            self.clients.len(),
            self.lines
        )?;
        for file in &self.files_read {
            writeln!(f, "  read {file}")?;
        }
        for client in &self.clients {
            writeln!(f, "  client {client}")?;
        }
        for op in &self.operations {
            writeln!(f, "  operation {op}")?;
        }
        for diagnostic in &self.diagnostics {
            writeln!(f, "  note: {diagnostic}")?;
        }
        Ok(())
    }
}

fn runtime_tokens(options: &Options) -> Result<TokenStream, Error> {
    let path: syn::Path =
        syn::parse_str(&options.runtime_path).map_err(|e| Error::InvalidOption {
            option: "runtime_path",
            message: format!("{:?} is not a Rust path: {e}", options.runtime_path),
        })?;
    let first = path.segments.first().map(|s| s.ident.to_string());
    if matches!(first.as_deref(), Some("self" | "super")) {
        return Err(Error::InvalidOption {
            option: "runtime_path",
            message: format!(
                "{:?} must be absolute (crate::..., or a crate name)",
                options.runtime_path
            ),
        });
    }
    Ok(quote! { #path })
}

/// Generates formatted source for an already loaded WSDL.
pub fn generate_source(defs: &wsdl::Definitions, options: &Options) -> Result<Generated, Error> {
    generate_with(defs, options, true)
}

/// Like [`generate_source`] without the pretty-printing: the same items as
/// `TokenStream::to_string` writes them (valid Rust on a few very long
/// lines), for when nobody reads the output.
pub fn generate_unformatted(
    defs: &wsdl::Definitions,
    options: &Options,
) -> Result<Generated, Error> {
    generate_with(defs, options, false)
}

fn generate_with(
    defs: &wsdl::Definitions,
    options: &Options,
    format: bool,
) -> Result<Generated, Error> {
    let module: syn::Ident =
        syn::parse_str(&options.module_name).map_err(|e| Error::InvalidOption {
            option: "module_name",
            message: format!("{:?} is not a Rust identifier: {e}", options.module_name),
        })?;
    let rt = runtime_tokens(options)?;
    let plan = plan::plan(defs, options)?;
    if (options.server || options.samples) && !plan.faults.iter().all(|f| !f.ty.rust.is_simple()) {
        return Err(Error::unsupported(
            "server generation with a fault whose detail is a simple type",
            "the service's fault messages",
        ));
    }
    let doc = plan
        .documentation
        .as_deref()
        .map(|d| format!(" {}", d.trim()))
        .unwrap_or_else(|| " Client generated from a WSDL.".to_owned());
    let sources: Vec<String> = plan.sources.iter().map(|s| display_path(s)).collect();
    let header = format!(
        "// @generated by the `codegen` crate from {}. Do not edit: regenerate instead.\n",
        sources.join(", ")
    );

    // The parts: the module-wide ones first (the clients and samples are the
    // largest), then one per type, so that the threads finish together.
    // Types sit in the module (depth 1) or, in a module tree, at the top of
    // their own file; samples one level deeper.
    let tree = options.module_tree;
    let server = options.server || options.samples;
    let mut jobs = vec![
        Job {
            part: Part::Rest { server },
            depth: 1,
        },
        Job {
            part: Part::Operations,
            depth: 1,
        },
        Job {
            part: Part::Head,
            depth: 1,
        },
    ];
    if options.samples {
        jobs.push(Job {
            part: Part::Samples,
            depth: if tree { 0 } else { 2 },
        });
    }
    if options.blocking {
        jobs.push(Job {
            part: Part::Blocking,
            depth: 1,
        });
    }
    if options.cli {
        jobs.push(Job {
            part: Part::Cli,
            depth: 1,
        });
    }
    let first_type = jobs.len();
    jobs.extend((0..plan.types.len()).map(|index| Job {
        part: Part::Type(index),
        depth: if tree { 0 } else { 1 },
    }));
    let context = || {
        let mut cx = emit::Cx::new(&plan);
        cx.serde = (options.serde || options.cli).then(|| emit_serde::SerdeCx::new(&plan));
        cx
    };
    let mut texts = render::render_all(&plan, options, &jobs, format, &context)?;
    let type_texts = texts.split_off(first_type);
    let mut text_of = |part: Part| -> String {
        jobs.iter()
            .position(|job| job.part == part)
            .map(|index| std::mem::take(&mut texts[index]))
            .unwrap_or_default()
    };

    // The skeleton: the module with a placeholder per slot, rendered the same
    // way as the parts, then filled in.
    let mut slots: Vec<String> = Vec::new();
    let mut slot = |text: String| -> TokenStream {
        slots.push(text);
        render::placeholder(slots.len() - 1)
    };
    let head = slot(text_of(Part::Head));
    let mut files = Vec::new();
    let types = if tree {
        // One module per initial letter: adding a type moves no other.
        let mut buckets: BTreeMap<String, String> = BTreeMap::new();
        for (item, text) in plan.types.iter().zip(&type_texts) {
            let letter = item
                .name()
                .chars()
                .next()
                .filter(char::is_ascii_alphabetic)
                .map_or_else(
                    || "other".to_owned(),
                    |c| c.to_ascii_lowercase().to_string(),
                );
            buckets.entry(letter).or_default().push_str(text);
        }
        let mut modules = Vec::new();
        for (letter, text) in buckets {
            let module_ident = quote::format_ident!("types_{}", letter);
            let path = format!("{}/types_{letter}.rs", options.module_name);
            files.push((PathBuf::from(&path), format!("{header}{text}")));
            modules.push(quote! {
                #[doc(hidden)]
                pub mod #module_ident {
                    use super::*;
                    include!(#path);
                }
                pub use #module_ident::*;
            });
        }
        quote! { #(#modules)* }
    } else {
        slot(type_texts.concat())
    };
    let rest = slot(text_of(Part::Rest { server }));
    let samples = options.samples.then(|| {
        let text = text_of(Part::Samples);
        if tree {
            let path = format!("{}/samples.rs", options.module_name);
            files.push((PathBuf::from(&path), format!("{header}{text}")));
            quote! {
                /// Sample values and a sample service, for round-trip tests.
                pub mod samples {
                    use super::*;
                    include!(#path);
                }
            }
        } else {
            let items = slot(text);
            quote! {
                /// Sample values and a sample service, for round-trip tests.
                pub mod samples {
                    use super::*;
                    #items
                }
            }
        }
    });
    let operations = slot(text_of(Part::Operations));
    let blocking = options.blocking.then(|| slot(text_of(Part::Blocking)));
    let cli = options.cli.then(|| slot(text_of(Part::Cli)));
    let skeleton = quote! {
        #[doc = #doc]
        pub mod #module {
            #![allow(
                clippy::all,
                clippy::pedantic,
                non_camel_case_types,
                non_snake_case,
                unused_imports,
                unused_mut,
                unused_variables,
                dead_code,
                rustdoc::bare_urls,
                rustdoc::broken_intra_doc_links,
                rustdoc::invalid_html_tags
            )]
            use #rt as rt;
            #head
            #types
            #rest
            #samples
            #operations
            #blocking
            #cli
        }
    };
    let skeleton = render::render(skeleton, 0, format)?;
    let source = format!("{header}{}", render::fill(&skeleton, &slots, format)?);
    let summary = Summary {
        files_read: plan.sources.clone(),
        operations: plan
            .clients
            .iter()
            .flat_map(|c| c.operations.iter().map(|o| o.xml_name.clone()))
            .collect(),
        types: plan.types.len(),
        clients: plan.clients.iter().map(|c| c.name.clone()).collect(),
        lines: source.lines().count()
            + files
                .iter()
                .map(|(_, text)| text.lines().count())
                .sum::<usize>(),
        diagnostics: plan.diagnostics.clone(),
    };
    Ok(Generated {
        source,
        files,
        summary,
    })
}

/// The file name alone: the header must not depend on where the checkout is.
fn display_path(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_owned())
}

/// Build-script front end, in the spirit of `prost-build`.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    inputs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    options: Options,
    rerun_if_changed: Option<bool>,
    /// `Some(false)`: skip pretty-printing (see [`Builder::format`]).
    format: Option<bool>,
}

impl Builder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A WSDL entry point. Several inputs generate one module each, named
    /// after the module name plus the file stem when there are several.
    pub fn input(mut self, path: impl Into<PathBuf>) -> Self {
        self.inputs.push(path.into());
        self
    }

    /// Where the `.rs` file goes; defaults to `$OUT_DIR`.
    pub fn out_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(path.into());
        self
    }

    /// Name of the generated module and of its file (`<name>.rs`).
    pub fn module_name(mut self, name: impl Into<String>) -> Self {
        self.options.module_name = name.into();
        self
    }

    /// Path to the SOAP runtime module (default `ips_client::soap`).
    pub fn runtime_path(mut self, path: impl Into<String>) -> Self {
        self.options.runtime_path = path.into();
        self
    }

    /// An element or attribute local name whose value `Debug` must never
    /// show (`password` and `accessToken` are on by default).
    pub fn sensitive_field(mut self, name: impl Into<String>) -> Self {
        self.options.sensitive_fields.insert(name.into());
        self
    }

    /// Also generate a service trait and dispatcher per port type.
    pub fn server(mut self, on: bool) -> Self {
        self.options.server = on;
        self
    }

    /// Also generate sample values, a sample service and an every-operation
    /// driver (for round-trip tests; implies [`server`](Self::server)).
    pub fn samples(mut self, on: bool) -> Self {
        self.options.samples = on;
        self
    }

    /// Also generate a blocking client per port type.
    pub fn blocking(mut self, on: bool) -> Self {
        self.options.blocking = on;
        self
    }

    /// Uses `rust_type` (a type the caller provides) wherever the XSD type or
    /// global element `xsd` appears, instead of generating one; see
    /// [`Options::type_overrides`] for the key and what the type implements.
    ///
    /// ```no_run
    /// codegen::Builder::new()
    ///     .input("wsdl/Service.wsdl")
    ///     // chrono's own type instead of the runtime's lexical DateTime.
    ///     .map_type("xs:dateTime", "chrono::DateTime<chrono::FixedOffset>")
    ///     .map_type("{urn:example}Money", "crate::money::Money")
    ///     .rename("{urn:example}AssetSummaryWithExtras", "AssetSummary")
    ///     .generate()
    ///     .unwrap_or_else(|e| panic!("{e}"));
    /// ```
    pub fn map_type(mut self, xsd: impl Into<String>, rust_type: impl Into<String>) -> Self {
        self.options
            .type_overrides
            .insert(xsd.into(), rust_type.into());
        self
    }

    /// Names the generated type of the XSD type or global element `xsd`
    /// `name`; see [`Options::renames`].
    pub fn rename(mut self, xsd: impl Into<String>, name: impl Into<String>) -> Self {
        self.options.renames.insert(xsd.into(), name.into());
        self
    }

    /// Write the types as a module tree rather than one file (see
    /// [`Options::module_tree`]); worth it from a few hundred types on.
    pub fn module_tree(mut self, on: bool) -> Self {
        self.options.module_tree = on;
        self
    }

    /// Also derive `serde::Serialize` and `serde::Deserialize` for the
    /// generated types, when the including crate's `serde` feature is on
    /// (`#[cfg_attr(feature = "serde", derive(...))]`). JSON keys are the XML
    /// local names (`companyHandle`), enumerations their wire values; the
    /// runtime's `serde` feature must be on too.
    pub fn serde(mut self, on: bool) -> Self {
        self.options.serde = on;
        self
    }

    /// Also generate a command-line front end in a `cli` module: per port
    /// type, one clap subcommand per operation (named in kebab-case, the
    /// operation's documentation as its help, one `--argument` per request
    /// field) and a `run` function that builds the request, calls the
    /// operation and returns the response as JSON. Implies
    /// [`serde`](Self::serde); the runtime's `cli` feature must be on.
    pub fn cli(mut self, on: bool) -> Self {
        self.options.cli = on;
        self
    }

    /// Generate only the named operations (WSDL names) and the types they
    /// reach, instead of every operation; may be called several times.
    /// Generation fails on a name that no port type declares.
    pub fn only_operations<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options
            .operations
            .get_or_insert_with(BTreeSet::new)
            .extend(names.into_iter().map(Into::into));
        self
    }

    /// The SOAP version generated clients prefer (see
    /// [`Options::soap_version`]).
    pub fn soap_version(mut self, version: wsdl::SoapVersion) -> Self {
        self.options.soap_version = Some(version);
        self
    }

    /// Pretty-print the output with prettyplease (on by default, as
    /// `prost-build` does): compiler errors and "go to definition" then
    /// land on readable code. Off, the module is written the way
    /// `TokenStream::to_string` writes it (valid Rust on a few very long
    /// lines), which for large WSDLs takes a third to a half of the time
    /// (see [`generate_unformatted`]).
    pub fn format(mut self, on: bool) -> Self {
        self.format = Some(on);
        self
    }

    /// Print `cargo:rerun-if-changed` for every file read. Defaults to on
    /// when running inside a build script (when `OUT_DIR` is set).
    pub fn emit_rerun_if_changed(mut self, on: bool) -> Self {
        self.rerun_if_changed = Some(on);
        self
    }

    /// Loads, generates and writes; returns what was written, one per input.
    pub fn generate(&self) -> Result<Vec<(PathBuf, Generated)>, Error> {
        if self.inputs.is_empty() {
            return Err(Error::InvalidOption {
                option: "input",
                message: "no WSDL input given".into(),
            });
        }
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::InvalidOption {
                    option: "out_dir",
                    message: "not set, and OUT_DIR is not set (not running in a build script)"
                        .into(),
                })?,
        };
        let rerun = self
            .rerun_if_changed
            .unwrap_or_else(|| std::env::var_os("OUT_DIR").is_some());
        let mut written = Vec::new();
        for input in &self.inputs {
            let mut options = self.options.clone();
            if self.inputs.len() > 1 {
                let stem = input
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                options.module_name =
                    format!("{}_{}", options.module_name, names::field_name(&stem));
            }
            if rerun {
                // Printed before loading, so a fix to a broken file re-runs the build.
                println!("cargo:rerun-if-changed={}", input.display());
            }
            let defs = wsdl::load(input)?;
            if rerun {
                for file in defs.files.iter().skip(1) {
                    println!("cargo:rerun-if-changed={file}");
                }
            }
            let generated = if self.format.unwrap_or(true) {
                generate_source(&defs, &options)?
            } else {
                generate_unformatted(&defs, &options)?
            };
            let path = out_dir.join(format!("{}.rs", options.module_name));
            write_module(&path, &generated)?;
            written.push((path, generated));
        }
        Ok(written)
    }
}

/// Writes a generated module: its root file at `path` and, for a module
/// tree, the other files beside it, removing files of an earlier tree that
/// this one no longer has (so nothing stale is left to confuse a reader).
pub fn write_module(path: &Path, generated: &Generated) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut trees = std::collections::BTreeSet::new();
    for (relative, contents) in &generated.files {
        let file = dir.join(relative);
        if let Some(parent) = file.parent() {
            trees.insert(parent.to_owned());
        }
        write_if_changed(&file, contents.as_bytes())?;
    }
    for tree in trees {
        let Ok(entries) = std::fs::read_dir(&tree) else {
            continue;
        };
        for entry in entries.flatten() {
            let file = entry.path();
            let kept = generated
                .files
                .iter()
                .any(|(relative, _)| dir.join(relative) == file);
            if !kept && file.extension().is_some_and(|e| e == "rs") {
                std::fs::remove_file(&file).map_err(|source| Error::Io {
                    action: "removing",
                    path: file.clone(),
                    source,
                })?;
            }
        }
    }
    // The root last: until it is replaced, the old root includes old files.
    write_if_changed(path, generated.source.as_bytes())?;
    Ok(())
}

/// Writes through a temporary file and a rename, so a reader never sees a
/// partial file, and leaves an identical file untouched (no rebuilds).
pub fn write_if_changed(path: &Path, contents: &[u8]) -> Result<bool, Error> {
    if std::fs::read(path).is_ok_and(|existing| existing == contents) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            action: "creating",
            path: dir.to_owned(),
            source,
        })?;
    }
    let tmp = path.with_extension(format!("rs.{}.tmp", std::process::id()));
    std::fs::write(&tmp, contents).map_err(|source| Error::Io {
        action: "writing",
        path: tmp.clone(),
        source,
    })?;
    std::fs::rename(&tmp, path).map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        Error::Io {
            action: "renaming into",
            path: path.to_owned(),
            source,
        }
    })?;
    Ok(true)
}
