//! The caller's say in the plan: XSD types and elements mapped to Rust types
//! the caller provides ([`Options::type_overrides`]), and generated type
//! names chosen by the caller ([`Options::renames`]). Keys are checked
//! against the WSDL up front, so a typo is an error rather than a silent
//! no-op.

use std::collections::BTreeMap;

use wsdl::{Definitions, QName, TypeDef, TypeRef};

use crate::{Error, Options};

/// What a key names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// An XSD built-in type, by local name (`xs:dateTime`).
    Builtin(String),
    /// A named type.
    Type(QName),
    /// A global element (its own, anonymous type, or the type it declares).
    Element(QName),
}

/// A type the caller provides in place of a generated one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The Rust type, as written by the caller (`chrono::NaiveDate`).
    pub path: String,
    /// Written as text (`XmlValue`) rather than as an element with content
    /// (`XmlEncode`/`XmlDecode`): follows what the XSD type is.
    pub simple: bool,
}

/// The checked overrides and renames.
#[derive(Debug, Clone, Default)]
pub struct Customizations {
    pub overrides: BTreeMap<Target, Override>,
    pub renames: BTreeMap<Target, String>,
}

impl Customizations {
    pub fn check(defs: &Definitions, options: &Options) -> Result<Self, Error> {
        let mut out = Customizations::default();
        for (key, path) in &options.type_overrides {
            let target = resolve(defs, key, "type_override")?;
            syn::parse_str::<syn::Type>(path).map_err(|e| Error::InvalidOption {
                option: "type_override",
                message: format!("`{key}` => {path:?}: not a Rust type: {e}"),
            })?;
            let simple = is_simple(defs, &target);
            out.overrides.insert(
                target,
                Override {
                    path: path.clone(),
                    simple,
                },
            );
        }
        for (key, name) in &options.renames {
            let target = resolve(defs, key, "rename")?;
            let invalid = |why: &str| Error::InvalidOption {
                option: "rename",
                message: format!("`{key}` => {name:?}: {why}"),
            };
            if syn::parse_str::<syn::Ident>(name).is_err() {
                return Err(invalid("not a Rust identifier"));
            }
            let own_type = match &target {
                Target::Builtin(_) => false,
                Target::Type(_) => true,
                Target::Element(q) => defs
                    .schema
                    .elements
                    .get(q)
                    .is_some_and(|e| matches!(e.ty, TypeRef::Anonymous(_))),
            };
            if !own_type {
                return Err(invalid(
                    "only named types and elements with a type of their own are generated as \
                     types; rename the type the element declares instead",
                ));
            }
            if out.overrides.contains_key(&target) {
                return Err(invalid(
                    "it is also overridden, so no type is generated for it",
                ));
            }
            out.renames.insert(target, name.clone());
        }
        Ok(out)
    }

    pub fn override_for(&self, target: &Target) -> Option<&Override> {
        self.overrides.get(target)
    }
}

/// Reads a key: `{namespace}local` for a type (or, failing that, a global
/// element), `xs:local` or `xsd:local` for a built-in, or a bare local name
/// that names exactly one type or element.
fn resolve(defs: &Definitions, key: &str, option: &'static str) -> Result<Target, Error> {
    let fail = |message: String| Error::InvalidOption { option, message };
    let schema = &defs.schema;
    let by_qname = |q: QName| {
        if schema.types.contains_key(&q) {
            Ok(Target::Type(q))
        } else if schema.elements.contains_key(&q) {
            Ok(Target::Element(q))
        } else {
            Err(fail(format!(
                "`{key}` names no type or element in the WSDL"
            )))
        }
    };
    if let Some(rest) = key.strip_prefix('{') {
        let (namespace, local) = rest
            .split_once('}')
            .ok_or_else(|| fail(format!("`{key}`: expected {{namespace}}local")))?;
        let namespace = (!namespace.is_empty()).then_some(namespace);
        return by_qname(QName::new(namespace, local));
    }
    if let Some(local) = key.strip_prefix("xs:").or_else(|| key.strip_prefix("xsd:")) {
        if crate::plan::is_builtin(local) {
            return Ok(Target::Builtin(local.to_owned()));
        }
        return Err(fail(format!("`{key}` is not an XSD built-in type")));
    }
    if key.contains(':') {
        return Err(fail(format!(
            "`{key}`: prefixes other than xs: are not known here; write {{namespace}}local"
        )));
    }
    let mut found: Vec<Target> = schema
        .types
        .keys()
        .filter(|q| q.local == key)
        .map(|q| Target::Type(q.clone()))
        .collect();
    if found.is_empty() {
        found = schema
            .elements
            .keys()
            .filter(|q| q.local == key)
            .map(|q| Target::Element(q.clone()))
            .collect();
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(fail(format!(
            "`{key}` names no type or element in the WSDL"
        ))),
        _ => Err(fail(format!(
            "`{key}` names {} declarations in different namespaces; write {{namespace}}{key}",
            found.len()
        ))),
    }
}

fn is_simple(defs: &Definitions, target: &Target) -> bool {
    let simple_ref = |ty: &TypeRef| match ty {
        TypeRef::Named(q) if q.is_xsd() => q.local != "anyType",
        TypeRef::Named(q) => matches!(defs.schema.types.get(q), Some(TypeDef::Simple(_))),
        TypeRef::Anonymous(def) => matches!(def.as_ref(), TypeDef::Simple(_)),
        TypeRef::OfElement(_) => false,
    };
    match target {
        Target::Builtin(local) => local != "anyType",
        Target::Type(q) => matches!(defs.schema.types.get(q), Some(TypeDef::Simple(_))),
        Target::Element(q) => defs
            .schema
            .elements
            .get(q)
            .is_some_and(|e| simple_ref(&e.ty)),
    }
}
