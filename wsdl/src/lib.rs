//! Reads a WSDL 1.1 document, everything it imports and the XML Schema in
//! it into the plain-data [`model`].
//!
//! The work runs in stages: *load* reads files (following `wsdl:import`,
//! `xs:import` and `xs:include`) into xmltree documents; *resolve* turns
//! QNames into namespace-qualified names, checks every reference and builds
//! the model. Constructs not handled yet are reported as
//! [`Error::Unsupported`], never dropped in silence.
//!
//! ```no_run
//! let defs = wsdl::load(std::path::Path::new("service.wsdl"))?;
//! for pt in defs.port_types.values() {
//!     println!("{}: {} operations", pt.name, pt.operations.len());
//! }
//! # Ok::<(), wsdl::Error>(())
//! ```

use std::path::Path;

mod dom;
mod error;
mod load;
pub mod model;
mod resolve;
mod schema;

pub use error::Error;
pub use load::LoadOptions;
pub use model::*;

/// Loads the WSDL at `path` with default options (local files only).
pub fn load(path: &Path) -> Result<Definitions, Error> {
    load_with(path, &LoadOptions::default())
}

/// Loads the WSDL at `path`: reads it and every file it reaches, then
/// resolves and checks everything into [`Definitions`].
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<Definitions, Error> {
    let loaded = load::load_files(path, options)?;
    resolve::resolve(&loaded)
}
