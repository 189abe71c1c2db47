//! `wsdl2rust`: generate a Rust SOAP client from a WSDL, inspect a WSDL, or
//! compare two versions of one. `cargo install --path codegen` installs it.
//!
//! Exit status: 0 on success, 1 when a WSDL cannot be loaded or generated
//! from (`error: ...` on stderr), 2 on a usage error.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wsdl::{
    Compositor, Content, Definitions, DerivationMethod, Part, PartKind, SimpleKind, SoapVersion,
    Style, Term, TypeDef, TypeRef,
};

/// Generate a typed Rust SOAP client from a WSDL 1.1 document, inspect a
/// WSDL, or compare two versions of an API.
#[derive(Parser)]
#[command(
    name = "wsdl2rust",
    version,
    after_help = "Exit status: 0 on success, 1 when a WSDL cannot be read, loaded or generated \
                  from (the error names the file), 2 on a usage error.\n\n\
                  Examples:\n  \
                  wsdl2rust generate Service.wsdl -o src/generated --module service\n  \
                  wsdl2rust generate Service.wsdl -o - | less\n  \
                  wsdl2rust inspect Service.wsdl\n  \
                  wsdl2rust diff old/Service.wsdl new/Service.wsdl"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate `<module>.rs` from a WSDL (the same code as `codegen::Builder` in a build script).
    ///
    /// Include the file with `include!` in a crate that depends on the SOAP
    /// runtime (`--runtime`). The file is written through a temporary file and
    /// a rename, and left untouched when its contents are unchanged.
    Generate {
        /// The WSDL entry point (its imports and includes are read too).
        wsdl: PathBuf,
        /// Directory to write `<module>.rs` to, or `-` for standard output.
        #[arg(short = 'o', long = "out-dir", value_name = "DIR", default_value = ".")]
        out_dir: PathBuf,
        /// Name of the generated module (and of its file).
        #[arg(long, value_name = "NAME", default_value = "client")]
        module: String,
        /// Absolute path of the SOAP runtime module the generated code calls.
        #[arg(long, value_name = "PATH", default_value = "ips_client::soap")]
        runtime: String,
        /// Also generate a service trait and a dispatcher per port type (for mock servers).
        #[arg(long)]
        server: bool,
        /// Also generate sample values, a sample service and an every-operation driver (implies --server).
        #[arg(long)]
        samples: bool,
        /// Also generate a blocking client per port type.
        #[arg(long)]
        blocking: bool,
        /// Write the types as a module tree: `<module>.rs` plus one file per
        /// initial letter under `<module>/` (for large WSDLs; not with `-o -`).
        #[arg(long)]
        module_tree: bool,
        /// Use a Rust type of yours for an XSD type or global element instead
        /// of generating one: `XSD=RUST`, XSD as `{namespace}local`,
        /// `xs:local` or a unique local name (repeatable).
        #[arg(long = "map-type", value_name = "XSD=RUST", value_parser = key_value)]
        map_types: Vec<(String, String)>,
        /// The SOAP version generated clients connect with by default
        /// (`1.1` or `1.2`; by default the version most operations are bound in).
        #[arg(long = "soap-version", value_name = "VERSION", value_parser = parse_soap_version)]
        soap_version: Option<wsdl::SoapVersion>,
        /// Name a generated type yourself: `XSD=NAME` (repeatable).
        #[arg(long = "rename", value_name = "XSD=NAME", value_parser = key_value)]
        renames: Vec<(String, String)>,
        /// Also derive serde's Serialize and Deserialize for every type, under
        /// the including crate's `serde` feature (JSON keys are the XML names).
        #[arg(long)]
        serde: bool,
        /// Also generate a `cli` module: one clap subcommand per operation and a
        /// function that runs it, returning the response as JSON (implies --serde).
        #[arg(long)]
        cli: bool,
        /// An element or attribute local name whose value `Debug` redacts
        /// (repeatable; `password` and `accessToken` always are).
        #[arg(long = "sensitive-field", value_name = "NAME")]
        sensitive_fields: Vec<String>,
        /// Generate only this operation (its WSDL name) and the types it
        /// reaches (repeatable; default: every operation).
        #[arg(long = "only-operation", value_name = "NAME")]
        only_operations: Vec<String>,
        /// Skip pretty-printing: write the module as `TokenStream::to_string`
        /// does (valid Rust on a few very long lines), in a third to a half of
        /// the time.
        #[arg(long = "no-format")]
        no_format: bool,
    },
    /// Print a readable summary of a WSDL: services and ports, operations with
    /// their messages' elements and fields, and the loader's notes.
    Inspect {
        /// The WSDL entry point.
        wsdl: PathBuf,
    },
    /// Report the operations, types and elements added, removed and changed
    /// (field by field) between two versions of a WSDL.
    Diff {
        /// The older WSDL.
        old: PathBuf,
        /// The newer WSDL.
        new: PathBuf,
    },
}

/// `1.1` or `1.2`.
fn parse_soap_version(text: &str) -> Result<wsdl::SoapVersion, String> {
    match text {
        "1.1" => Ok(wsdl::SoapVersion::Soap11),
        "1.2" => Ok(wsdl::SoapVersion::Soap12),
        _ => Err(format!("expected 1.1 or 1.2, got {text:?}")),
    }
}

/// `KEY=VALUE`, split at the last `=` (keys may hold `{uri}` with `=` in it).
fn key_value(text: &str) -> Result<(String, String), String> {
    match text.rsplit_once('=') {
        Some((key, value)) if !key.is_empty() && !value.is_empty() => {
            Ok((key.to_owned(), value.to_owned()))
        }
        _ => Err(format!("expected KEY=VALUE, got {text:?}")),
    }
}

/// What went wrong, already worded for `error: ...`.
struct Failure(String);

impl From<wsdl::Error> for Failure {
    fn from(e: wsdl::Error) -> Self {
        // Load errors name the file (and where in it) themselves.
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate {
            wsdl,
            out_dir,
            module,
            runtime,
            server,
            samples,
            blocking,
            module_tree,
            map_types,
            soap_version,
            renames,
            serde,
            cli,
            sensitive_fields,
            only_operations,
            no_format,
        } => {
            let mut options = codegen::Options {
                module_name: module,
                runtime_path: runtime,
                server,
                samples,
                blocking,
                module_tree,
                serde,
                cli,
                ..codegen::Options::default()
            };
            options.sensitive_fields.extend(sensitive_fields);
            options.type_overrides.extend(map_types);
            options.soap_version = soap_version;
            options.renames.extend(renames);
            if !only_operations.is_empty() {
                options.operations = Some(only_operations.into_iter().collect());
            }
            generate(&wsdl, &out_dir, &options, !no_format)
        }
        Command::Inspect { wsdl } => wsdl::load(&wsdl).map_err(Failure::from).and_then(|defs| {
            write_stdout(&inspect(&defs), "writing the summary to standard output")
        }),
        Command::Diff { old, new } => wsdl::load(&old)
            .and_then(|old_defs| Ok((old_defs, wsdl::load(&new)?)))
            .map_err(Failure::from)
            .and_then(|(old_defs, new_defs)| {
                let report = codegen::diff::report(&old_defs, &new_defs);
                let report = if report.is_empty() {
                    "no differences\n".to_owned()
                } else {
                    report
                };
                write_stdout(&report, "writing the report to standard output")
            }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Words a generation error so that it names the WSDL: load errors already
/// do, the generator's own (unsupported construct, bad option) do not.
fn generate_error(wsdl: &Path, e: codegen::Error) -> Failure {
    match e {
        codegen::Error::Load(e) => e.into(),
        codegen::Error::Io { .. } => Failure(e.to_string()),
        other => Failure(format!("{}: {other}", wsdl.display())),
    }
}

fn generate(
    wsdl: &Path,
    out_dir: &Path,
    options: &codegen::Options,
    format: bool,
) -> Result<(), Failure> {
    if out_dir == Path::new("-") {
        if options.module_tree {
            return Err(Failure(
                "--module-tree writes several files: give a directory with -o".into(),
            ));
        }
        // The source alone on stdout, the summary on stderr.
        let defs = wsdl::load(wsdl)?;
        let generated = if format {
            codegen::generate_source(&defs, options)
        } else {
            codegen::generate_unformatted(&defs, options)
        }
        .map_err(|e| generate_error(wsdl, e))?;
        write_stdout(&generated.source, "writing the source to standard output")?;
        eprint!("{}", generated.summary);
        return Ok(());
    }
    let mut builder = codegen::Builder::new()
        .input(wsdl)
        .out_dir(out_dir)
        .module_name(&options.module_name)
        .runtime_path(&options.runtime_path)
        .server(options.server)
        .samples(options.samples)
        .blocking(options.blocking)
        .module_tree(options.module_tree)
        .serde(options.serde)
        .cli(options.cli)
        .format(format)
        .emit_rerun_if_changed(false);
    for field in &options.sensitive_fields {
        builder = builder.sensitive_field(field);
    }
    for (xsd, rust) in &options.type_overrides {
        builder = builder.map_type(xsd, rust);
    }
    for (xsd, name) in &options.renames {
        builder = builder.rename(xsd, name);
    }
    if let Some(operations) = &options.operations {
        builder = builder.only_operations(operations);
    }
    if let Some(version) = options.soap_version {
        builder = builder.soap_version(version);
    }
    let written = builder.generate().map_err(|e| generate_error(wsdl, e))?;
    let mut out = String::new();
    for (path, generated) in written {
        let _ = writeln!(out, "wrote {}", path.display());
        out.push_str(&generated.summary.to_string());
    }
    write_stdout(&out, "writing to standard output")
}

/// Writes to stdout without panicking on a closed pipe (`| head`).
fn write_stdout(text: &str, what: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure(format!("{what}: {e}"))),
    }
}

// ---------------------------------------------------------------- inspect

/// How deep `OfElement` / extension chains are followed before giving up
/// (the loader bounds nesting already; this only keeps cycles finite).
const MAX_CHAIN: usize = 32;

/// The summary printed by `inspect`. Services in document order, port
/// types, bindings, types and elements in name order.
fn inspect(defs: &Definitions) -> String {
    let mut out = String::new();
    let name = defs.name.as_deref().unwrap_or("(unnamed)");
    let _ = write!(out, "WSDL {name}");
    if let Some(tns) = &defs.target_namespace {
        let _ = write!(out, " ({tns})");
    }
    out.push('\n');
    if let Some(doc) = first_line(defs.documentation.as_deref()) {
        let _ = writeln!(out, "  {doc}");
    }
    let operations: usize = defs.port_types.values().map(|p| p.operations.len()).sum();
    let counts = [
        (defs.services.len(), "service"),
        (defs.bindings.len(), "binding"),
        (defs.port_types.len(), "port type"),
        (operations, "operation"),
        (defs.messages.len(), "message"),
        (defs.schema.elements.len(), "global element"),
        (defs.schema.types.len(), "named type"),
    ];
    let counts: Vec<String> = counts
        .iter()
        .map(|(n, what)| format!("{n} {what}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    let _ = writeln!(out, "  {}", counts.join(", "));
    for file in &defs.files {
        let _ = writeln!(out, "  read {file}");
    }

    for service in &defs.services {
        let _ = writeln!(out, "\nService {}", service.name.local);
        if let Some(doc) = first_line(service.documentation.as_deref()) {
            let _ = writeln!(out, "  {doc}");
        }
        for port in &service.ports {
            let _ = writeln!(out, "  Port {}", port.name);
            match defs.binding(&port.binding) {
                Some(b) => {
                    let _ = writeln!(
                        out,
                        "    binding: {} ({}, {}, port type {})",
                        b.name.local,
                        soap_version(b.soap_version),
                        style(b.style),
                        b.port_type.local
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "    binding: {} (not a SOAP binding)",
                        port.binding.local
                    );
                }
            }
            let _ = writeln!(
                out,
                "    address: {}",
                port.address.as_deref().unwrap_or("(none)")
            );
        }
    }

    for port_type in defs.port_types.values() {
        let bindings: Vec<&str> = defs
            .bindings
            .values()
            .filter(|b| b.port_type == port_type.name)
            .map(|b| b.name.local.as_str())
            .collect();
        let _ = write!(out, "\nPort type {}", port_type.name.local);
        if !bindings.is_empty() {
            let _ = write!(out, " (bound by {})", bindings.join(", "));
        }
        out.push('\n');
        if let Some(doc) = first_line(port_type.documentation.as_deref()) {
            let _ = writeln!(out, "  {doc}");
        }
        for op in &port_type.operations {
            let _ = write!(out, "  {}", op.name);
            if op.output.is_none() {
                out.push_str(" (one-way)");
            }
            out.push('\n');
            if let Some(doc) = first_line(op.documentation.as_deref()) {
                let _ = writeln!(out, "    # {doc}");
            }
            if let Some(input) = &op.input {
                message(&mut out, defs, "input", &input.message);
            }
            // Header blocks are declared by the bindings; show each once.
            let mut headers = BTreeSet::new();
            for b in defs.bindings.values() {
                if b.port_type != port_type.name {
                    continue;
                }
                for bop in b.operations.iter().filter(|o| o.name == op.name) {
                    for h in bop.input.iter().flat_map(|m| &m.headers) {
                        headers.insert((h.message.clone(), h.part.clone()));
                    }
                }
            }
            for (msg, part) in &headers {
                if let Some(p) = defs
                    .messages
                    .get(msg)
                    .and_then(|m| m.parts.iter().find(|p| &p.name == part))
                {
                    part_lines(&mut out, defs, "header", p);
                }
            }
            if let Some(output) = &op.output {
                message(&mut out, defs, "output", &output.message);
            }
            for fault in &op.faults {
                let label = match &fault.name {
                    Some(n) => format!("fault {n}"),
                    None => "fault".to_owned(),
                };
                message(&mut out, defs, &label, &fault.message);
            }
        }
    }

    if !defs.notes.is_empty() {
        out.push_str("\nNotes\n");
        for note in &defs.notes {
            let _ = writeln!(out, "  {note}");
        }
    }
    out
}

fn first_line(doc: Option<&str>) -> Option<&str> {
    doc.and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
}

fn soap_version(v: SoapVersion) -> &'static str {
    match v {
        SoapVersion::Soap11 => "SOAP 1.1",
        SoapVersion::Soap12 => "SOAP 1.2",
    }
}

fn style(s: Style) -> &'static str {
    match s {
        Style::Document => "document",
        Style::Rpc => "rpc",
    }
}

fn message(out: &mut String, defs: &Definitions, label: &str, name: &wsdl::QName) {
    match defs.messages.get(name) {
        Some(m) if m.parts.is_empty() => {
            let _ = writeln!(out, "    {label}: (no parts)");
        }
        Some(m) => {
            for part in &m.parts {
                part_lines(out, defs, label, part);
            }
        }
        None => {
            let _ = writeln!(out, "    {label}: message {} (not found)", name.local);
        }
    }
}

/// `input: submitJob` (an element of anonymous type), `input:
/// executeJobParam: ExecuteJobParam`, or for an rpc part `input: part
/// jobName: string`, then the fields of a complex type one level deep.
fn part_lines(out: &mut String, defs: &Definitions, label: &str, part: &Part) {
    let ty = match &part.kind {
        PartKind::Element(q) => {
            let _ = write!(out, "    {label}: {}", q.local);
            match defs.schema.elements.get(q) {
                Some(e) => {
                    if !matches!(e.ty, TypeRef::Anonymous(_)) {
                        let _ = write!(out, ": {}", type_label(&e.ty));
                    }
                    Some(e.ty.clone())
                }
                None => {
                    out.push_str(" (element not found)");
                    None
                }
            }
        }
        PartKind::Type(q) => {
            let ty = TypeRef::Named(q.clone());
            let _ = write!(out, "    {label}: part {}: {}", part.name, type_label(&ty));
            Some(ty)
        }
    };
    out.push('\n');
    if let Some(ty) = ty {
        fields(out, defs, &ty, 6);
    }
}

fn type_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(q) => q.local.clone(),
        TypeRef::Anonymous(def) => match def.as_ref() {
            TypeDef::Complex(_) => "(anonymous type)".to_owned(),
            TypeDef::Simple(s) => match &s.kind {
                SimpleKind::Restriction {
                    base, enumerations, ..
                } if !enumerations.is_empty() => {
                    format!("{} one of {}", base.local, enumerations.join("|"))
                }
                SimpleKind::Restriction { base, .. } => format!("{} (restricted)", base.local),
                SimpleKind::List { item } => format!("list of {}", type_label(item)),
                SimpleKind::Union { members } => format!(
                    "union of {}",
                    members.iter().map(type_label).collect::<Vec<_>>().join("|")
                ),
            },
        },
        TypeRef::OfElement(q) => format!("(type of element {})", q.local),
    }
}

fn occurs(min: u32, max: Option<u32>) -> String {
    match (min, max) {
        (1, Some(1)) => String::new(),
        (min, Some(max)) => format!("[{min}..{max}]"),
        (min, None) => format!("[{min}..*]"),
    }
}

/// The complex type a type reference names, if it is one.
fn complex<'a>(defs: &'a Definitions, ty: &'a TypeRef) -> Option<&'a wsdl::ComplexType> {
    let mut ty = ty;
    for _ in 0..MAX_CHAIN {
        match ty {
            TypeRef::Named(q) => {
                return match defs.schema.types.get(q) {
                    Some(TypeDef::Complex(c)) => Some(c),
                    _ => None,
                }
            }
            TypeRef::Anonymous(def) => {
                return match def.as_ref() {
                    TypeDef::Complex(c) => Some(c),
                    TypeDef::Simple(_) => None,
                }
            }
            TypeRef::OfElement(q) => ty = &defs.schema.elements.get(q)?.ty,
        }
    }
    None
}

/// The fields of a complex type, one per line at `indent`: the base's
/// first for an extension, then the type's own elements, then attributes.
fn fields(out: &mut String, defs: &Definitions, ty: &TypeRef, indent: usize) {
    let Some(c) = complex(defs, ty) else {
        return;
    };
    // An extension chain, outermost base first.
    let mut chain = vec![c];
    let mut current = c;
    while let Some(d) = &current.derivation {
        if d.method != DerivationMethod::Extension || chain.len() >= MAX_CHAIN {
            break;
        }
        match defs.schema.types.get(&d.base) {
            Some(TypeDef::Complex(base)) => {
                chain.push(base);
                current = base;
            }
            _ => break,
        }
    }
    let pad = " ".repeat(indent);
    if let Some(d) = &c.derivation {
        let how = match d.method {
            DerivationMethod::Extension => "extends",
            DerivationMethod::Restriction => "restricts",
        };
        let _ = writeln!(out, "{pad}({how} {})", d.base.local);
    }
    for t in chain.iter().rev() {
        match &t.content {
            Content::Elements(group) => group_lines(out, &group.particles, indent),
            Content::Simple(value) => {
                let _ = writeln!(out, "{pad}(value): {}", type_label(value));
            }
        }
    }
    for t in chain.iter().rev() {
        for a in &t.attributes {
            let _ = writeln!(
                out,
                "{pad}@{}: {}{}",
                a.name.local,
                type_label(&a.ty),
                if a.required { "" } else { "[0..1]" }
            );
        }
        if let Some(w) = &t.any_attribute {
            let _ = writeln!(out, "{pad}@(any attribute {})", w.namespace);
        }
    }
}

fn group_lines(out: &mut String, particles: &[wsdl::Particle], indent: usize) {
    let pad = " ".repeat(indent);
    for p in particles {
        let occ = occurs(p.min_occurs, p.max_occurs);
        match &p.term {
            Term::Element(e) => {
                let _ = writeln!(
                    out,
                    "{pad}{}: {}{occ}{}",
                    e.name.local,
                    type_label(&e.ty),
                    if e.nillable { " nillable" } else { "" }
                );
            }
            Term::Group(g) if g.compositor == Compositor::Sequence && occ.is_empty() => {
                group_lines(out, &g.particles, indent);
            }
            Term::Group(g) => {
                let kind = match g.compositor {
                    Compositor::Sequence => "sequence",
                    Compositor::All => "all",
                    Compositor::Choice => "choice",
                };
                let _ = writeln!(out, "{pad}({kind}{occ} of)");
                group_lines(out, &g.particles, indent + 2);
            }
            Term::Any(w) => {
                let _ = writeln!(out, "{pad}(any element {}){occ}", w.namespace);
            }
        }
    }
}
