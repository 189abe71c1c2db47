//! Plan: decides every Rust name and type mapping before any token is
//! emitted. The plan is plain data; `emit` only renders it.

use std::collections::{BTreeMap, BTreeSet};

use wsdl::{
    Attribute, ComplexType, Compositor, Content, Definitions, DerivationMethod, ElementDecl,
    LocalElement, ModelGroup, Particle, QName, SimpleKind, SoapVersion, Style, Term, TypeDef,
    TypeRef, Use, Wildcard, SOAP_ENCODING_NS,
};

use crate::names::{self, Scope};
use crate::overrides::{Customizations, Target};
use crate::{Error, Options};

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub sources: Vec<String>,
    pub documentation: Option<String>,
    /// Sorted by Rust name.
    pub types: Vec<TypeItem>,
    pub faults: Vec<FaultVariant>,
    pub headers: Vec<HeaderField>,
    pub clients: Vec<ClientPlan>,
    pub endpoints: Vec<EndpointPlan>,
    /// Names of the module-level items the generator itself adds.
    pub fault_enum: String,
    pub error_alias: String,
    /// Namespace URI -> name of the constant that holds it.
    pub namespaces: BTreeMap<String, String>,
    pub headers_struct: String,
    /// What the generated code does not fully support, said out loud: the
    /// loader's notes, then the generator's own.
    pub diagnostics: Vec<String>,
    /// (type, field or variant) of each `xs:any` whose `processContents` is
    /// `lax` or `skip`: sample values put an undeclared element only there
    /// (a strict wildcard needs an element some schema declares).
    pub lax_wildcards: BTreeSet<(String, String)>,
    /// `minOccurs` of each repeated element or group, or `xs:any`, that
    /// requires entries, by (type, field or variant), and of each array
    /// type's item, by (array type, ""): sample values have at least that
    /// many, even past the depth limit.
    pub required_lists: BTreeMap<(String, String), u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeItem {
    Struct(StructPlan),
    Enum(EnumPlan),
    Alias(AliasPlan),
    Array(ArrayPlan),
    /// A `choice` (or a substitution group): one variant per alternative.
    Choice(ChoicePlan),
    /// A complex type with derived types: what an element declared with it
    /// may hold, chosen on the wire by `xsi:type`.
    Polymorphic(PolymorphicPlan),
}

impl TypeItem {
    pub fn name(&self) -> &str {
        match self {
            TypeItem::Struct(s) => &s.name,
            TypeItem::Enum(e) => &e.name,
            TypeItem::Alias(a) => &a.name,
            TypeItem::Array(a) => &a.name,
            TypeItem::Choice(c) => &c.name,
            TypeItem::Polymorphic(p) => &p.name,
        }
    }
}

/// `xsi:type` polymorphism: an element declared with type `base` may hold
/// a value of any type derived from it (by extension or restriction), which
/// it then names in `xsi:type`.
#[derive(Debug, Clone, PartialEq)]
pub struct PolymorphicPlan {
    pub name: String,
    pub base: QName,
    /// The base cannot appear itself: `xsi:type` is required.
    pub abstract_: bool,
    /// The base (unless abstract) first, then the derived types by name.
    pub variants: Vec<PolymorphicVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolymorphicVariant {
    /// Variant ident, the same as `rust`.
    pub name: String,
    /// The XSD type, written in `xsi:type` (except for the base).
    pub xsd_type: QName,
    /// The generated struct holding its content.
    pub rust: String,
    pub is_base: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructPlan {
    pub name: String,
    pub doc: Option<String>,
    /// Where it came from, for the doc comment (`complexType {ns}Asset`).
    pub origin: String,
    pub attributes: Vec<AttributePlan>,
    pub fields: Vec<FieldPlan>,
    /// `xs:anyAttribute`: a field that keeps attributes the schema leaves open.
    pub any_attribute: Option<String>,
    /// A nested sequence (repeated, or an alternative of a choice): no
    /// element of its own; read in order through `XmlGroup`.
    pub group: bool,
}

impl StructPlan {
    pub fn has_sensitive(&self) -> bool {
        self.fields.iter().any(|f| f.sensitive) || self.attributes.iter().any(|a| a.sensitive)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldPlan {
    pub name: String,
    pub doc: Option<String>,
    /// The wire name of an element field (for other kinds, a descriptive name).
    pub element: QName,
    pub ty: TypeUse,
    pub occurs: Occurs,
    /// Redacted in `Debug` output.
    pub sensitive: bool,
    pub kind: FieldKind,
}

/// What a field stands for on the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// One child element per value.
    Element,
    /// A nested group (`RustType::Group`), read and written through `XmlGroup`.
    Group,
    /// `xs:any`: elements kept as received (`RustType::Raw`).
    Any(WildcardPlan),
    /// The character data of a simple-content type.
    Text,
    /// Mixed content: text and child elements in order, kept as received.
    Mixed,
}

/// The namespaces an `xs:any` accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WildcardPlan {
    Any,
    /// `##other`: not this namespace, and not unqualified.
    Other(Option<String>),
    List(Vec<Option<String>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChoicePlan {
    pub name: String,
    pub doc: Option<String>,
    pub origin: String,
    pub variants: Vec<VariantPlan>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VariantPlan {
    pub name: String,
    pub element: QName,
    pub ty: TypeUse,
    /// The alternative repeats: the variant holds a `Vec`.
    pub many: bool,
    /// `Element`, `Group` or `Any`.
    pub kind: FieldKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttributePlan {
    pub name: String,
    pub doc: Option<String>,
    pub attribute: QName,
    pub ty: TypeUse,
    pub required: bool,
    pub sensitive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurs {
    Required,
    Optional,
    Many,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeUse {
    pub rust: RustType,
    /// Behind a `Box` to break a recursive type's infinite size.
    pub boxed: bool,
    /// `nillable="true"`: held in `rt::Nillable` (`xsi:nil="true"` on the wire).
    pub nillable: bool,
    /// For a simple type, what its values must satisfy beyond what the Rust
    /// type says; set only when sample values are generated, and only when
    /// it constrains something (`None` otherwise).
    pub facets: Option<Box<Facets>>,
}

impl TypeUse {
    pub fn new(rust: RustType) -> Self {
        TypeUse {
            rust,
            boxed: false,
            nillable: false,
            facets: None,
        }
    }
}

/// The lexical constraints of a simple type: the XSD built-in it derives
/// from and the facets of its restrictions (a restriction's facet replaces
/// its base's). Sample values are made to satisfy them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facets {
    /// Local name of the XSD built-in at the root of the derivation.
    pub builtin: String,
    pub length: Option<u64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// The most derived restriction's patterns (any of which a value
    /// matches), translated to `regex-syntax` syntax; `None` when there is
    /// none or it has no translation (then a diagnostic says so).
    pub pattern: Option<String>,
    pub min_inclusive: Option<String>,
    pub max_inclusive: Option<String>,
    pub min_exclusive: Option<String>,
    pub max_exclusive: Option<String>,
    pub total_digits: Option<u32>,
    pub fraction_digits: Option<u32>,
    /// Allowed values (of an enumerated member of a union, say).
    pub enumeration: Vec<String>,
    /// An `xs:list`'s item constraints (the length facets count items).
    pub item: Option<Box<Facets>>,
}

impl Facets {
    fn of_builtin(local: &str) -> Self {
        Facets {
            builtin: local.to_owned(),
            ..Facets::default()
        }
    }

    /// True when the samples of `value_type` (the Rust type holding the
    /// values, as a path) already satisfy these: nothing constrains the
    /// built-in, and the Rust type is the built-in's own (a union of `int`
    /// and `NCName` is held in a `String`, whose samples are neither).
    fn is_trivial(&self, value_type: Option<&str>) -> bool {
        if value_type.is_none() || value_type != builtin(&self.builtin) {
            return false;
        }
        let unconstrained = Facets {
            builtin: self.builtin.clone(),
            ..Facets::default()
        };
        // Built-ins whose Rust type holds exactly their value space.
        let plain_builtin = matches!(
            self.builtin.as_str(),
            "" | "string"
                | "normalizedString"
                | "token"
                | "anySimpleType"
                | "boolean"
                | "byte"
                | "short"
                | "int"
                | "long"
                | "unsignedByte"
                | "unsignedShort"
                | "unsignedInt"
                | "unsignedLong"
                | "float"
                | "double"
                | "decimal"
                | "integer"
                | "dateTime"
                | "date"
                | "time"
                | "duration"
                | "gYear"
                | "gYearMonth"
                | "gMonth"
                | "gMonthDay"
                | "gDay"
                | "base64Binary"
                | "hexBinary"
        );
        *self == unconstrained && plain_builtin
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    /// A std type written through `XmlValue` (`String`, `i32`...).
    Builtin(&'static str),
    /// A generated simple type (enum or alias), written through `XmlValue`.
    Simple(String),
    /// A generated struct, written through `XmlEncode`/`XmlDecode`.
    Complex(String),
    /// A runtime type written through `XmlEncode`/`XmlDecode` (`rt::AnyContent`).
    Runtime(&'static str),
    /// A generated group type (choice enum or sequence struct), written
    /// through `XmlGroup`.
    Group(String),
    /// An element kept as received (`rt::RawElement`).
    Raw,
    /// A type the caller provides ([`Options::type_overrides`]): written
    /// through `XmlValue` when `simple`, else `XmlEncode`/`XmlDecode`.
    External { path: String, simple: bool },
    /// An array wrapper type (a sequence of one repeated element) exposed as
    /// `Vec<item>`; on the wire the wrapper element holds one `item_element`
    /// per entry.
    Array {
        alias: String,
        item: Box<TypeUse>,
        item_element: QName,
    },
}

impl RustType {
    pub fn is_simple(&self) -> bool {
        matches!(
            self,
            RustType::Builtin(_) | RustType::Simple(_) | RustType::External { simple: true, .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumPlan {
    pub name: String,
    pub doc: Option<String>,
    pub origin: String,
    /// (variant ident, wire value), in schema order.
    pub variants: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AliasPlan {
    pub name: String,
    pub doc: Option<String>,
    pub origin: String,
    /// The Rust type, as a path (`String`, `rt::List<i32>`).
    pub target: String,
}

/// `pub type AssetArray = Vec<Asset>;` for an array wrapper type.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrayPlan {
    pub name: String,
    pub doc: Option<String>,
    pub origin: String,
    pub item: TypeUse,
    pub item_element: QName,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FaultVariant {
    pub name: String,
    pub element: QName,
    pub ty: TypeUse,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeaderField {
    pub name: String,
    pub element: QName,
    pub ty: TypeUse,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClientPlan {
    pub name: String,
    /// Server side: the service trait and the dispatch function.
    pub service_trait: String,
    pub dispatch_fn: String,
    pub doc: Option<String>,
    pub port_type: QName,
    pub operations: Vec<OperationPlan>,
    /// The SOAP version the generated client connects with by default:
    /// [`Options::soap_version`] when its bindings have it, else the
    /// version most of its operations are bound in (1.1 on a tie).
    pub soap_version: SoapVersion,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OperationPlan {
    pub method: String,
    /// Name of the static `Operation` descriptor.
    pub descriptor: String,
    pub xml_name: String,
    pub doc: Option<String>,
    pub bindings: Vec<(SoapVersion, Option<String>)>,
    pub input: Vec<BodyPart>,
    /// `None` for a one-way operation.
    pub output: Option<BodyPart>,
    /// Indexes into `Plan::headers`.
    pub headers: Vec<usize>,
    /// Indexes into `Plan::faults`.
    pub faults: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BodyPart {
    pub param: String,
    pub element: QName,
    pub ty: TypeUse,
    /// The element's type has no content at all: no argument is asked for
    /// (input) and `()` is returned (output).
    pub empty: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointPlan {
    pub service: String,
    pub port: String,
    pub version: SoapVersion,
    pub address: String,
}

/// True for the name of an XSD built-in type the generator maps.
pub(crate) fn is_builtin(local: &str) -> bool {
    local == "anyType" || builtin(local).is_some()
}

/// Maps XSD built-in types to Rust. `None` for a built-in whose sound
/// mapping is not implemented yet: the caller reports it by name.
fn builtin(local: &str) -> Option<&'static str> {
    Some(match local {
        "string" | "normalizedString" | "token" | "language" | "Name" | "NCName" | "NMTOKEN"
        | "ID" | "IDREF" | "ENTITY" | "anyURI" | "NOTATION" | "anySimpleType" => "String",
        "NMTOKENS" | "IDREFS" | "ENTITIES" => "rt::List<String>",
        "decimal" => "rt::Decimal",
        "integer" | "nonNegativeInteger" | "positiveInteger" | "nonPositiveInteger"
        | "negativeInteger" => "rt::Integer",
        "date" => "rt::Date",
        "time" => "rt::Time",
        "duration" => "rt::Duration",
        "gYear" => "rt::GYear",
        "gYearMonth" => "rt::GYearMonth",
        "gMonth" => "rt::GMonth",
        "gMonthDay" => "rt::GMonthDay",
        "gDay" => "rt::GDay",
        "hexBinary" => "rt::HexBinary",
        "QName" => "rt::QName",
        "boolean" => "bool",
        "byte" => "i8",
        "short" => "i16",
        "int" => "i32",
        "long" => "i64",
        "unsignedByte" => "u8",
        "unsignedShort" => "u16",
        "unsignedInt" => "u32",
        "unsignedLong" => "u64",
        "float" => "f32",
        "double" => "f64",
        "dateTime" => "rt::DateTime",
        "base64Binary" => "Vec<u8>",
        _ => return None,
    })
}

/// Identifies a type to be generated: a named schema type, the anonymous
/// type of a global element, or the anonymous type of a local element.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum TypeKey {
    Named(QName),
    Element(QName),
    /// A named `xs:group`, generated once.
    Group(QName),
    /// The substitution group headed by an element.
    Substitution(QName),
}

struct Planner<'d> {
    defs: &'d Definitions,
    options: &'d Options,
    scope: Scope,
    names: BTreeMap<TypeKey, String>,
    items: Vec<TypeItem>,
    /// Anonymous local types already planned, keyed by their Rust name.
    planned: BTreeSet<String>,
    /// Substitution group head -> the elements that name it directly.
    substitutes: BTreeMap<QName, Vec<QName>>,
    /// Message elements given a struct of their own (see `element_use`).
    wrappers: BTreeMap<QName, String>,
    /// Complex types with derived types -> their polymorphic type (see
    /// [`PolymorphicPlan`]).
    polymorphic: BTreeMap<QName, PolymorphicPlan>,
    /// The caller's type overrides and renames, checked.
    custom: Customizations,
    diagnostics: BTreeSet<String>,
    lax_wildcards: BTreeSet<(String, String)>,
    required_lists: BTreeMap<(String, String), u32>,
}

/// A complex type's content with its derivation applied.
struct Effective {
    group: ModelGroup,
    simple: Option<TypeRef>,
    attributes: Vec<Attribute>,
    any_attribute: Option<Wildcard>,
    mixed: bool,
}

fn empty_group() -> ModelGroup {
    ModelGroup {
        compositor: Compositor::Sequence,
        particles: Vec::new(),
        reference: None,
    }
}

/// A particle that occurs exactly once.
fn once(term: Term) -> Particle {
    Particle {
        min_occurs: 1,
        max_occurs: Some(1),
        term,
    }
}

fn key_of(element: &LocalElement) -> TypeKey {
    TypeKey::Substitution(
        element
            .reference
            .clone()
            .unwrap_or_else(|| element.name.clone()),
    )
}

fn append_doc(doc: &mut Option<String>, line: String) {
    match doc {
        Some(d) => {
            d.push_str("\n\n");
            d.push_str(&line);
        }
        None => *doc = Some(line),
    }
}

pub fn plan(defs: &Definitions, options: &Options) -> Result<Plan, Error> {
    let mut planner = Planner {
        defs,
        options,
        scope: Scope::default(),
        names: BTreeMap::new(),
        items: Vec::new(),
        planned: BTreeSet::new(),
        substitutes: BTreeMap::new(),
        wrappers: BTreeMap::new(),
        polymorphic: BTreeMap::new(),
        custom: Customizations::check(defs, options)?,
        diagnostics: BTreeSet::new(),
        lax_wildcards: BTreeSet::new(),
        required_lists: BTreeMap::new(),
    };
    for decl in defs.schema.elements.values() {
        if let Some(head) = &decl.substitution_group {
            planner
                .substitutes
                .entry(head.clone())
                .or_default()
                .push(decl.name.clone());
        }
    }
    check_operation_filter(defs, options)?;
    // The generator's own items keep their plain names.
    let fault_enum = planner.scope.claim("Fault", None);
    let error_alias = planner.scope.claim("Error", None);
    let headers_struct = planner.scope.claim("Headers", None);
    planner.name_top_level_types()?;
    planner.plan_polymorphism();
    planner.plan_top_level_types()?;

    let mut headers = Vec::new();
    let mut faults = Vec::new();
    let clients = planner.plan_clients(&mut headers, &mut faults)?;
    let endpoints = plan_endpoints(defs);

    let mut types = planner.items;
    types.extend(
        std::mem::take(&mut planner.polymorphic)
            .into_values()
            .map(TypeItem::Polymorphic),
    );
    if options.operations.is_some() {
        keep_reachable(&mut types, &headers, &faults, &clients);
    }
    box_recursive_fields(&mut types);
    box_optional_fields_of_large_structs(&mut types);
    types.sort_by(|a, b| a.name().cmp(b.name()));
    let namespaces = name_namespaces(&types, &headers, &faults, &clients, &mut planner.scope);
    let mut diagnostics = defs.notes.clone();
    diagnostics.extend(planner.diagnostics);
    Ok(Plan {
        sources: defs.files.clone(),
        documentation: defs.documentation.clone(),
        types,
        faults,
        headers,
        clients,
        endpoints,
        fault_enum,
        error_alias,
        headers_struct,
        namespaces,
        diagnostics,
        lax_wildcards: planner.lax_wildcards,
        required_lists: planner.required_lists,
    })
}

/// One constant per namespace used on the wire, named after the URI's last
/// segment (`NS_V20140403`).
fn name_namespaces(
    types: &[TypeItem],
    headers: &[HeaderField],
    faults: &[FaultVariant],
    clients: &[ClientPlan],
    scope: &mut Scope,
) -> BTreeMap<String, String> {
    let mut uris = BTreeSet::new();
    let mut add = |q: &QName| {
        if let Some(ns) = &q.namespace {
            uris.insert(ns.clone());
        }
    };
    fn add_items(ty: &TypeUse, add: &mut dyn FnMut(&QName)) {
        if let RustType::Array {
            item, item_element, ..
        } = &ty.rust
        {
            add(item_element);
            add_items(item, add);
        }
    }
    for item in types {
        match item {
            TypeItem::Struct(s) => {
                for f in &s.fields {
                    if f.kind == FieldKind::Element {
                        add(&f.element);
                    }
                    if let FieldKind::Any(WildcardPlan::Other(Some(ns))) = &f.kind {
                        add(&QName::new(Some(ns), ""));
                    }
                    add_items(&f.ty, &mut add);
                }
                s.attributes.iter().for_each(|a| add(&a.attribute));
            }
            TypeItem::Choice(c) => {
                for v in &c.variants {
                    if v.kind == FieldKind::Element {
                        add(&v.element);
                    }
                    if let FieldKind::Any(WildcardPlan::Other(Some(ns))) = &v.kind {
                        add(&QName::new(Some(ns), ""));
                    }
                    add_items(&v.ty, &mut add);
                }
            }
            TypeItem::Array(a) => {
                add(&a.item_element);
                add_items(&a.item, &mut add);
            }
            TypeItem::Polymorphic(p) => p.variants.iter().for_each(|v| add(&v.xsd_type)),
            TypeItem::Enum(_) | TypeItem::Alias(_) => {}
        }
    }
    headers.iter().for_each(|h| add(&h.element));
    faults.iter().for_each(|f| add(&f.element));
    for op in clients.iter().flat_map(|c| &c.operations) {
        op.input
            .iter()
            .chain(&op.output)
            .for_each(|p| add(&p.element));
    }
    uris.into_iter()
        .map(|uri| {
            let suffix = names::namespace_suffix(Some(&uri)).to_uppercase();
            let name = scope.claim(&format!("NS_{suffix}"), None);
            (uri, name)
        })
        .collect()
}

impl<'d> Planner<'d> {
    /// Names every top-level generated type. Declarations in the busiest
    /// namespace are named first, so they keep the plain names when the same
    /// local name appears in several namespaces.
    fn name_top_level_types(&mut self) -> Result<(), Error> {
        let schema = &self.defs.schema;
        let mut per_namespace: BTreeMap<Option<&str>, usize> = BTreeMap::new();
        for q in schema.types.keys().chain(schema.elements.keys()) {
            *per_namespace.entry(q.namespace.as_deref()).or_default() += 1;
        }
        let rank =
            |q: &QName| std::cmp::Reverse(per_namespace.get(&q.namespace.as_deref()).copied());
        let mut keys: Vec<TypeKey> = schema
            .types
            .keys()
            .map(|q| TypeKey::Named(q.clone()))
            .chain(
                schema
                    .elements
                    .values()
                    .filter(|e| matches!(e.ty, TypeRef::Anonymous(_)))
                    .map(|e| TypeKey::Element(e.name.clone())),
            )
            .collect();
        keys.sort_by(|a, b| {
            let (qa, qb) = (key_qname(a), key_qname(b));
            (rank(qa), qa, a).cmp(&(rank(qb), qb, b))
        });
        let target = |key: &TypeKey| match key {
            TypeKey::Named(q) => Some(Target::Type(q.clone())),
            TypeKey::Element(q) => Some(Target::Element(q.clone())),
            TypeKey::Group(_) | TypeKey::Substitution(_) => None,
        };
        // A type the caller provides is not generated, so needs no name.
        keys.retain(|key| target(key).is_none_or(|t| self.custom.override_for(&t).is_none()));
        // The caller's names first, so they are never taken by another.
        for key in &keys {
            let Some(wanted) = target(key).and_then(|t| self.custom.renames.get(&t).cloned())
            else {
                continue;
            };
            let name = self.scope.claim(&wanted, None);
            if name != wanted {
                return Err(Error::InvalidOption {
                    option: "rename",
                    message: format!("`{}` => {wanted:?}: the name is taken", key_qname(key)),
                });
            }
            self.names.insert(key.clone(), name);
        }
        for key in keys {
            if self.names.contains_key(&key) {
                continue;
            }
            let q = key_qname(&key);
            let name = self.scope.claim(
                &names::type_name(&q.local),
                Some(&names::namespace_suffix(q.namespace.as_deref())),
            );
            self.names.insert(key, name);
        }
        Ok(())
    }

    /// Finds every named complex type that others derive from and names
    /// its polymorphic type (`{Base}OrDerived`), which elements declared
    /// with it then hold. Array wrappers take no part: they are `Vec`s.
    fn plan_polymorphism(&mut self) {
        let types = &self.defs.schema.types;
        let is_struct = |q: &QName| {
            matches!(types.get(q), Some(TypeDef::Complex(c)) if array_item(c, &self.substitutes).is_none())
                && q.namespace.as_deref() != Some(SOAP_ENCODING_NS)
        };
        let mut derived: BTreeMap<QName, BTreeSet<QName>> = BTreeMap::new();
        for (name, def) in types {
            let TypeDef::Complex(_) = def else { continue };
            if !is_struct(name) {
                continue;
            }
            // Every ancestor gains this type; a cycle (an error elsewhere)
            // ends the walk.
            let mut seen = BTreeSet::new();
            let mut current = name;
            while let Some(TypeDef::Complex(ComplexType {
                derivation: Some(derivation),
                ..
            })) = types.get(current)
            {
                let base = &derivation.base;
                if !seen.insert(base.clone()) {
                    break;
                }
                if !is_struct(base) {
                    if matches!(types.get(base), Some(TypeDef::Complex(_)))
                        && base.namespace.as_deref() != Some(SOAP_ENCODING_NS)
                    {
                        // An array wrapper is a `Vec`, which has no variants.
                        self.diagnostics.insert(format!(
                            "`{name}` derives from array type `{base}`: where `{base}` is \
                             declared only its own items are read (xsi:type is not \
                             supported on array types)"
                        ));
                    }
                    break;
                }
                derived
                    .entry(base.clone())
                    .or_default()
                    .insert(name.clone());
                current = base;
            }
        }
        for (base, members) in derived {
            let Some(TypeDef::Complex(base_def)) = types.get(&base) else {
                continue;
            };
            let Some(base_rust) = self.names.get(&TypeKey::Named(base.clone())).cloned() else {
                continue;
            };
            let mut variants = Vec::new();
            if !base_def.abstract_ {
                variants.push(PolymorphicVariant {
                    name: base_rust.clone(),
                    xsd_type: base.clone(),
                    rust: base_rust.clone(),
                    is_base: true,
                });
            }
            let mut others: Vec<PolymorphicVariant> = members
                .iter()
                .filter(|m| !matches!(types.get(*m), Some(TypeDef::Complex(c)) if c.abstract_))
                .filter_map(|m| {
                    let rust = self.names.get(&TypeKey::Named(m.clone()))?.clone();
                    Some(PolymorphicVariant {
                        name: rust.clone(),
                        xsd_type: m.clone(),
                        rust,
                        is_base: false,
                    })
                })
                .collect();
            if others.is_empty() {
                continue;
            }
            others.sort_by(|a, b| a.name.cmp(&b.name));
            variants.extend(others);
            let name = self
                .scope
                .claim(&format!("{base_rust}OrDerived"), Some("Type"));
            self.polymorphic.insert(
                base.clone(),
                PolymorphicPlan {
                    name,
                    base,
                    abstract_: base_def.abstract_,
                    variants,
                },
            );
        }
    }

    fn plan_top_level_types(&mut self) -> Result<(), Error> {
        let keys: Vec<(TypeKey, String)> = self
            .names
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, name) in keys {
            match &key {
                TypeKey::Named(q) => {
                    let def = &self.defs.schema.types[q];
                    let origin = match def {
                        TypeDef::Complex(_) => format!("complex type `{q}`"),
                        TypeDef::Simple(_) => format!("simple type `{q}`"),
                    };
                    self.plan_type(&name, def, origin)?;
                }
                TypeKey::Element(q) => {
                    let element = &self.defs.schema.elements[q];
                    if let TypeRef::Anonymous(def) = &element.ty {
                        let origin = format!("element `{q}`");
                        let doc = element.documentation.clone();
                        self.plan_type_with_doc(&name, def, origin, doc)?;
                    }
                }
                TypeKey::Group(_) | TypeKey::Substitution(_) => {}
            }
        }
        Ok(())
    }

    fn plan_type(&mut self, name: &str, def: &TypeDef, origin: String) -> Result<(), Error> {
        self.plan_type_with_doc(name, def, origin, None)
    }

    fn plan_type_with_doc(
        &mut self,
        name: &str,
        def: &TypeDef,
        origin: String,
        outer_doc: Option<String>,
    ) -> Result<(), Error> {
        match def {
            TypeDef::Simple(simple) => {
                let doc = simple.documentation.clone().or(outer_doc);
                match &simple.kind {
                    SimpleKind::Restriction { enumerations, .. } if !enumerations.is_empty() => {
                        let mut scope = Scope::default();
                        scope.reserve("Other");
                        let variants = enumerations
                            .iter()
                            .map(|v| (scope.claim(&names::type_name(v), None), v.clone()))
                            .collect();
                        self.items.push(TypeItem::Enum(EnumPlan {
                            name: name.to_owned(),
                            doc,
                            origin,
                            variants,
                        }));
                    }
                    _ => {
                        let target = self.simple_target(&simple.kind, name, &origin, 0)?;
                        self.items.push(TypeItem::Alias(AliasPlan {
                            name: name.to_owned(),
                            doc,
                            origin,
                            target,
                        }));
                    }
                }
            }
            TypeDef::Complex(complex)
                if complex.name.is_some() && array_item(complex, &self.substitutes).is_some() =>
            {
                let doc = complex.documentation.clone().or(outer_doc);
                let TypeUse { rust, .. } = self.type_use(
                    &TypeRef::Named(
                        complex
                            .name
                            .clone()
                            .unwrap_or_else(|| QName::new(None, name)),
                    ),
                    name,
                    "",
                    &origin,
                )?;
                if let RustType::Array {
                    item, item_element, ..
                } = rust
                {
                    self.items.push(TypeItem::Array(ArrayPlan {
                        name: name.to_owned(),
                        doc,
                        origin,
                        item: *item,
                        item_element,
                    }));
                }
            }
            TypeDef::Complex(complex) => {
                let doc = complex.documentation.clone().or(outer_doc);
                self.plan_complex(name, complex, origin, doc)?;
            }
        }
        Ok(())
    }

    fn plan_complex(
        &mut self,
        name: &str,
        complex: &ComplexType,
        origin: String,
        doc: Option<String>,
    ) -> Result<(), Error> {
        let effective = self.effective(complex, &origin, 0)?;
        let mut scope = Scope::default();
        let mut attributes = Vec::new();
        for attr in &effective.attributes {
            let mut ty = self.type_use(&attr.ty, name, &attr.name.local, &origin)?;
            if let Some(fixed) = &attr.fixed {
                ty = self.with_facets(ty, &attr.ty, Some(fixed), &origin);
            }
            if !ty.rust.is_simple() {
                return Err(Error::unsupported(
                    "attribute of complex type",
                    format!("{origin}, attribute `{}`", attr.name),
                ));
            }
            let doc = documented_value(&attr.documentation, &attr.default, &attr.fixed);
            attributes.push(AttributePlan {
                name: scope.claim(&names::field_name(&attr.name.local), None),
                doc,
                attribute: attr.name.clone(),
                ty,
                required: attr.required,
                sensitive: self.options.sensitive_fields.contains(&attr.name.local),
            });
        }
        let mut fields = Vec::new();
        if let Some(simple) = &effective.simple {
            let ty = self.simple_value_use(simple, name, &origin, 0)?;
            fields.push(FieldPlan {
                name: scope.claim("value", None),
                doc: Some("The element's text.".to_owned()),
                element: QName::new(None, "(text)"),
                ty,
                occurs: Occurs::Required,
                sensitive: false,
                kind: FieldKind::Text,
            });
        } else if effective.mixed {
            fields.push(FieldPlan {
                name: scope.claim("content", None),
                doc: Some(
                    "Mixed content: text and child elements in document order, kept as received."
                        .to_owned(),
                ),
                element: QName::new(None, "(mixed)"),
                ty: TypeUse::new(RustType::Builtin("rt::Node")),
                occurs: Occurs::Many,
                sensitive: false,
                kind: FieldKind::Mixed,
            });
        } else {
            let top = Particle {
                min_occurs: 1,
                max_occurs: Some(1),
                term: Term::Group(effective.group.clone()),
            };
            self.plan_particles(&[top], name, &mut scope, &mut fields, false, &origin)?;
        }
        let any_attribute = effective
            .any_attribute
            .as_ref()
            .map(|_| scope.claim("other_attributes", None));
        self.items.push(TypeItem::Struct(StructPlan {
            name: name.to_owned(),
            doc,
            origin,
            attributes,
            fields,
            any_attribute,
            group: false,
        }));
        Ok(())
    }

    /// The content and attributes of a complex type with its derivation
    /// applied: an extension's base content comes first, then its own.
    fn effective(
        &self,
        complex: &ComplexType,
        origin: &str,
        depth: usize,
    ) -> Result<Effective, Error> {
        if depth > 64 {
            return Err(Error::unsupported(
                "type derivation chain deeper than 64 levels (or circular)",
                origin.to_owned(),
            ));
        }
        let (own_group, own_simple) = match &complex.content {
            Content::Elements(group) => (group.clone(), None),
            Content::Simple(ty) => (empty_group(), Some(ty.clone())),
        };
        let own = Effective {
            group: own_group,
            simple: own_simple,
            attributes: complex.attributes.clone(),
            any_attribute: complex.any_attribute.clone(),
            mixed: complex.mixed,
        };
        let Some(derivation) = &complex.derivation else {
            return Ok(own);
        };
        let base = match self.defs.schema.types.get(&derivation.base) {
            Some(TypeDef::Complex(base)) => self.effective(base, origin, depth + 1)?,
            // A built-in, a simple type, or soapenc:Array: nothing to inherit.
            _ => return Ok(own),
        };
        let mut attributes: Vec<Attribute> = base
            .attributes
            .into_iter()
            .filter(|a| !derivation.prohibited_attributes.contains(&a.name))
            .filter(|a| !own.attributes.iter().any(|o| o.name == a.name))
            .collect();
        attributes.extend(own.attributes);
        Ok(match derivation.method {
            DerivationMethod::Extension => Effective {
                group: if base.group.particles.is_empty() {
                    own.group
                } else if own.group.particles.is_empty() {
                    base.group
                } else {
                    ModelGroup {
                        compositor: Compositor::Sequence,
                        particles: vec![
                            once(Term::Group(base.group)),
                            once(Term::Group(own.group)),
                        ],
                        reference: None,
                    }
                },
                simple: own.simple.or(base.simple),
                attributes,
                any_attribute: own.any_attribute.or(base.any_attribute),
                mixed: own.mixed || base.mixed,
            },
            DerivationMethod::Restriction => Effective {
                group: own.group,
                simple: own.simple.or(base.simple),
                attributes,
                any_attribute: own.any_attribute,
                mixed: own.mixed,
            },
        })
    }

    /// Fields for the particles of a sequence (or `all`), nested sequences
    /// flattened in place. `optional` is set inside an optional group.
    fn plan_particles(
        &mut self,
        particles: &[Particle],
        parent: &str,
        scope: &mut Scope,
        fields: &mut Vec<FieldPlan>,
        optional: bool,
        origin: &str,
    ) -> Result<(), Error> {
        for particle in particles {
            let repeated = particle.max_occurs != Some(1);
            let occurs = match (particle.min_occurs, particle.max_occurs) {
                (_, Some(0)) => continue,
                (0, Some(1)) => Occurs::Optional,
                (_, Some(1)) if optional => Occurs::Optional,
                (_, Some(1)) => Occurs::Required,
                _ => Occurs::Many,
            };
            match &particle.term {
                Term::Element(element) => {
                    if let Some(choice) = self.substitution_choice(element) {
                        let name =
                            self.group_type(&choice, parent, origin, Some(key_of(element)))?;
                        let occurs = if occurs == Occurs::Required && self.emptiable(&choice) {
                            Occurs::Optional
                        } else {
                            occurs
                        };
                        let field = scope.claim(&names::field_name(&element.name.local), None);
                        if occurs == Occurs::Many && particle.min_occurs >= 1 && !optional {
                            self.required_lists
                                .insert((parent.to_owned(), field.clone()), particle.min_occurs);
                        }
                        fields.push(FieldPlan {
                            name: field,
                            doc: element.documentation.clone(),
                            element: element.name.clone(),
                            ty: TypeUse::new(RustType::Group(name)),
                            occurs,
                            sensitive: false,
                            kind: FieldKind::Group,
                        });
                        continue;
                    }
                    let ty = self.element_type_use(element, parent, origin)?;
                    let doc =
                        documented_value(&element.documentation, &element.default, &element.fixed);
                    let field = scope.claim(&names::field_name(&element.name.local), None);
                    if occurs == Occurs::Many && particle.min_occurs >= 1 && !optional {
                        self.required_lists
                            .insert((parent.to_owned(), field.clone()), particle.min_occurs);
                    }
                    fields.push(FieldPlan {
                        name: field,
                        doc,
                        element: element.name.clone(),
                        ty,
                        occurs,
                        sensitive: self.options.sensitive_fields.contains(&element.name.local),
                        kind: FieldKind::Element,
                    });
                }
                Term::Any(wildcard) => {
                    let occurs = if repeated {
                        Occurs::Many
                    } else {
                        Occurs::Optional
                    };
                    let name = scope.claim("any", None);
                    if wildcard.process_contents != "strict" {
                        self.lax_wildcards.insert((parent.to_owned(), name.clone()));
                    }
                    if particle.min_occurs >= 1 && !optional {
                        self.required_lists
                            .insert((parent.to_owned(), name.clone()), particle.min_occurs);
                    }
                    fields.push(FieldPlan {
                        name,
                        doc: Some(format!(
                            "Elements the schema leaves open (`xs:any namespace=\"{}\"`), kept as received.",
                            wildcard.namespace
                        )),
                        element: QName::new(None, "(any)"),
                        ty: TypeUse::new(RustType::Raw),
                        occurs,
                        sensitive: false,
                        kind: FieldKind::Any(self.wildcard_plan(wildcard)),
                    });
                }
                Term::Group(group)
                    if !repeated
                        && matches!(group.compositor, Compositor::Sequence | Compositor::All) =>
                {
                    let optional = optional || particle.min_occurs == 0;
                    self.plan_particles(&group.particles, parent, scope, fields, optional, origin)?;
                }
                Term::Group(group) => {
                    let key = group.reference.clone().map(TypeKey::Group);
                    let name = self.group_type(group, parent, origin, key)?;
                    let occurs = if occurs == Occurs::Required && self.emptiable(group) {
                        Occurs::Optional
                    } else {
                        occurs
                    };
                    let wanted = match (&group.reference, group.compositor) {
                        (Some(q), _) => names::field_name(&q.local),
                        (None, Compositor::Choice) => "choice".to_owned(),
                        (None, _) => "sequence".to_owned(),
                    };
                    let field = scope.claim(&wanted, None);
                    if occurs == Occurs::Many && particle.min_occurs >= 1 && !optional {
                        self.required_lists
                            .insert((parent.to_owned(), field.clone()), particle.min_occurs);
                    }
                    fields.push(FieldPlan {
                        name: field,
                        doc: None,
                        element: QName::new(None, &format!("({wanted})")),
                        ty: TypeUse::new(RustType::Group(name)),
                        occurs,
                        sensitive: false,
                        kind: FieldKind::Group,
                    });
                }
            }
        }
        Ok(())
    }

    /// The type of a nested group: a choice enum, or a struct for a
    /// sequence read in order. Named groups (and substitution groups) are
    /// generated once and shared.
    fn group_type(
        &mut self,
        group: &ModelGroup,
        parent: &str,
        origin: &str,
        key: Option<TypeKey>,
    ) -> Result<String, Error> {
        if let Some(name) = key.as_ref().and_then(|k| self.names.get(k)) {
            return Ok(name.clone());
        }
        let suffix = if group.compositor == Compositor::Choice {
            "Choice"
        } else {
            "Sequence"
        };
        let wanted = match &key {
            Some(TypeKey::Group(q)) => names::type_name(&q.local),
            Some(TypeKey::Substitution(q)) => format!("{}{suffix}", names::type_name(&q.local)),
            _ => format!("{parent}{suffix}"),
        };
        let name = self.scope.claim(&wanted, Some(suffix));
        if let Some(key) = key {
            self.names.insert(key, name.clone());
        }
        let origin = match &group.reference {
            Some(q) => format!("group `{q}`"),
            None => format!("a nested {} in {origin}", suffix.to_lowercase()),
        };
        if group.compositor == Compositor::Choice {
            let mut scope = Scope::default();
            let mut variants = Vec::new();
            for particle in &group.particles {
                if particle.max_occurs == Some(0) {
                    continue;
                }
                let many = particle.max_occurs != Some(1);
                let required_list = many && particle.min_occurs >= 1;
                let variant = match &particle.term {
                    Term::Element(element) => VariantPlan {
                        name: scope.claim(&names::type_name(&element.name.local), None),
                        element: element.name.clone(),
                        ty: self.element_type_use(element, &name, &origin)?,
                        many,
                        kind: FieldKind::Element,
                    },
                    Term::Group(inner) => {
                        let key = inner.reference.clone().map(TypeKey::Group);
                        let inner_name = self.group_type(inner, &name, &origin, key)?;
                        VariantPlan {
                            name: scope.claim(&inner_name, None),
                            element: QName::new(None, "(group)"),
                            ty: TypeUse::new(RustType::Group(inner_name)),
                            many,
                            kind: FieldKind::Group,
                        }
                    }
                    Term::Any(wildcard) => VariantPlan {
                        name: {
                            let variant = scope.claim("Any", None);
                            if wildcard.process_contents != "strict" {
                                self.lax_wildcards.insert((name.clone(), variant.clone()));
                            }
                            variant
                        },
                        element: QName::new(None, "(any)"),
                        ty: TypeUse::new(RustType::Raw),
                        many,
                        kind: FieldKind::Any(self.wildcard_plan(wildcard)),
                    },
                };
                if required_list {
                    self.required_lists
                        .insert((name.clone(), variant.name.clone()), particle.min_occurs);
                }
                variants.push(variant);
            }
            if variants.is_empty() {
                return Err(Error::unsupported("xs:choice with no alternatives", origin));
            }
            self.items.push(TypeItem::Choice(ChoicePlan {
                name: name.clone(),
                doc: None,
                origin,
                variants,
            }));
        } else {
            let mut scope = Scope::default();
            let mut fields = Vec::new();
            self.plan_particles(
                &group.particles,
                &name,
                &mut scope,
                &mut fields,
                false,
                &origin,
            )?;
            if fields.is_empty() {
                return Err(Error::unsupported("empty repeated xs:sequence", origin));
            }
            self.items.push(TypeItem::Struct(StructPlan {
                name: name.clone(),
                doc: None,
                origin,
                attributes: Vec::new(),
                fields,
                any_attribute: None,
                group: true,
            }));
        }
        Ok(name)
    }

    /// True when a group can match no elements at all.
    fn emptiable(&self, group: &ModelGroup) -> bool {
        let particle = |p: &Particle| {
            p.min_occurs == 0 || matches!(&p.term, Term::Group(g) if self.emptiable(g))
        };
        match group.compositor {
            Compositor::Choice => group.particles.iter().any(particle),
            _ => group.particles.iter().all(particle),
        }
    }

    /// For a reference to the head of a substitution group: a choice of the
    /// head (unless abstract) and every element that may stand in for it.
    fn substitution_choice(&self, element: &LocalElement) -> Option<ModelGroup> {
        let head = element.reference.as_ref()?;
        let mut members = Vec::new();
        let mut queue = vec![head.clone()];
        while let Some(next) = queue.pop() {
            for member in self.substitutes.get(&next).into_iter().flatten() {
                if !members.contains(member) && member != head {
                    members.push(member.clone());
                    queue.push(member.clone());
                }
            }
        }
        if members.is_empty() {
            return None;
        }
        members.sort();
        let head_decl = self.defs.schema.elements.get(head)?;
        let mut particles = Vec::new();
        for name in std::iter::once(head)
            .filter(|_| !head_decl.abstract_)
            .chain(&members)
        {
            let decl = self.defs.schema.elements.get(name)?;
            if decl.abstract_ {
                continue;
            }
            particles.push(once(Term::Element(LocalElement {
                name: decl.name.clone(),
                ty: decl.ty.clone(),
                nillable: decl.nillable,
                documentation: decl.documentation.clone(),
                reference: Some(decl.name.clone()),
                default: decl.default.clone(),
                fixed: decl.fixed.clone(),
            })));
        }
        Some(ModelGroup {
            compositor: Compositor::Choice,
            particles,
            reference: None,
        })
    }

    fn wildcard_plan(&self, wildcard: &Wildcard) -> WildcardPlan {
        let tns = wildcard.target_namespace.clone();
        let mut list = Vec::new();
        for token in wildcard.namespace.split_whitespace() {
            match token {
                "##any" => return WildcardPlan::Any,
                "##other" => return WildcardPlan::Other(tns),
                "##local" => list.push(None),
                "##targetNamespace" => list.push(tns.clone()),
                uri => list.push(Some(uri.to_owned())),
            }
        }
        if list.is_empty() {
            WildcardPlan::Any
        } else {
            WildcardPlan::List(list)
        }
    }

    /// The type of an element particle: a reference to a global element
    /// with an anonymous type uses that element's generated type.
    fn element_type_use(
        &mut self,
        element: &LocalElement,
        parent: &str,
        origin: &str,
    ) -> Result<TypeUse, Error> {
        let mut ty = match (&element.reference, &element.ty) {
            (Some(q), TypeRef::Anonymous(def)) => {
                match self.names.get(&TypeKey::Element(q.clone())) {
                    Some(name) => {
                        let rust = match def.as_ref() {
                            TypeDef::Simple(_) => RustType::Simple(name.clone()),
                            TypeDef::Complex(_) => RustType::Complex(name.clone()),
                        };
                        self.with_facets(TypeUse::new(rust), &element.ty, None, origin)
                    }
                    None => self.type_use(&element.ty, parent, &element.name.local, origin)?,
                }
            }
            _ => self.type_use(&element.ty, parent, &element.name.local, origin)?,
        };
        if let Some(fixed) = &element.fixed {
            ty = self.with_facets(ty, &element.ty, Some(fixed), origin);
        }
        ty.nillable = element.nillable;
        Ok(ty)
    }

    /// The Rust type of a simple type's values, as a path.
    fn simple_target(
        &mut self,
        kind: &SimpleKind,
        parent: &str,
        origin: &str,
        depth: usize,
    ) -> Result<String, Error> {
        if depth > 64 {
            return Err(Error::unsupported(
                "simple type derivation deeper than 64 levels (or circular)",
                origin.to_owned(),
            ));
        }
        match kind {
            SimpleKind::Restriction { base, .. } => {
                self.simple_base(base, parent, origin, depth + 1)
            }
            SimpleKind::Union { .. } => Ok("String".to_owned()),
            SimpleKind::List { item } => {
                let item = match item {
                    TypeRef::Named(q) => self.simple_base(q, parent, origin, depth + 1)?,
                    TypeRef::Anonymous(def) => match def.as_ref() {
                        TypeDef::Simple(simple) => {
                            self.simple_target(&simple.kind, parent, origin, depth + 1)?
                        }
                        TypeDef::Complex(_) => {
                            return Err(Error::unsupported(
                                "xs:list of a complex type",
                                origin.to_owned(),
                            ))
                        }
                    },
                    TypeRef::OfElement(_) => {
                        return Err(Error::unsupported(
                            "xs:list of an element's type",
                            origin.to_owned(),
                        ))
                    }
                };
                Ok(format!("rt::List<{item}>"))
            }
        }
    }

    /// The Rust type a restriction of `base` holds its value in.
    fn simple_base(
        &mut self,
        base: &QName,
        parent: &str,
        origin: &str,
        depth: usize,
    ) -> Result<String, Error> {
        if depth > 64 {
            return Err(Error::unsupported(
                "simple type derivation deeper than 64 levels (or circular)",
                origin.to_owned(),
            ));
        }
        if base.is_xsd() {
            return builtin(&base.local).map(str::to_owned).ok_or_else(|| {
                Error::unsupported(
                    format!("built-in type xs:{}", base.local),
                    origin.to_owned(),
                )
            });
        }
        match self.defs.schema.types.get(base) {
            Some(TypeDef::Simple(simple)) => {
                // A named enumeration keeps its generated type.
                if let SimpleKind::Restriction { enumerations, .. } = &simple.kind {
                    if !enumerations.is_empty() {
                        if let Some(name) = self.names.get(&TypeKey::Named(base.clone())) {
                            return Ok(name.clone());
                        }
                    }
                }
                self.simple_target(&simple.kind, parent, origin, depth + 1)
            }
            Some(TypeDef::Complex(complex)) => {
                // The value type of a complex type with simple content.
                let effective = self.effective(complex, origin, 0)?;
                match effective.simple {
                    Some(TypeRef::Named(q)) => self.simple_base(&q, parent, origin, depth + 1),
                    Some(TypeRef::Anonymous(def)) => match def.as_ref() {
                        TypeDef::Simple(simple) => {
                            self.simple_target(&simple.kind, parent, origin, depth + 1)
                        }
                        TypeDef::Complex(_) => Ok("String".to_owned()),
                    },
                    Some(TypeRef::OfElement(_)) => Ok("String".to_owned()),
                    None => Err(Error::unsupported(
                        format!(
                            "simple restriction of complex type `{base}` without simple content"
                        ),
                        origin.to_owned(),
                    )),
                }
            }
            None => Err(Error::unsupported(
                format!("restriction of unknown type `{base}`"),
                origin.to_owned(),
            )),
        }
    }

    /// The value type of simple content: a simple type, or the value type
    /// of a complex type with simple content.
    fn simple_value_use(
        &mut self,
        ty: &TypeRef,
        parent: &str,
        origin: &str,
        depth: usize,
    ) -> Result<TypeUse, Error> {
        if depth > 64 {
            return Err(Error::unsupported(
                "simple content derivation deeper than 64 levels (or circular)",
                origin.to_owned(),
            ));
        }
        if let TypeRef::Named(q) = ty {
            if let Some(TypeDef::Complex(complex)) = self.defs.schema.types.get(q) {
                let effective = self.effective(complex, origin, 0)?;
                return match effective.simple {
                    Some(inner) => self.simple_value_use(&inner, parent, origin, depth + 1),
                    None => Err(Error::unsupported(
                        format!("simpleContent based on complex type `{q}` without simple content"),
                        origin.to_owned(),
                    )),
                };
            }
            if q.is_xsd() && q.local == "anyType" {
                return Ok(TypeUse::new(RustType::Builtin("String")));
            }
        }
        let use_ = self.type_use(ty, parent, "Value", origin)?;
        if !use_.rust.is_simple() {
            return Err(Error::unsupported(
                "simpleContent whose value type is not simple",
                origin.to_owned(),
            ));
        }
        Ok(use_)
    }

    /// The Rust type of an element or attribute, planning an anonymous type
    /// (named `{Parent}{Child}`) on first sight.
    fn type_use(
        &mut self,
        ty: &TypeRef,
        parent: &str,
        child: &str,
        origin: &str,
    ) -> Result<TypeUse, Error> {
        let overridden = match ty {
            TypeRef::Named(q) if q.is_xsd() => Some(Target::Builtin(q.local.clone())),
            TypeRef::Named(q) => Some(Target::Type(q.clone())),
            TypeRef::OfElement(q) => Some(Target::Element(q.clone())),
            TypeRef::Anonymous(_) => None,
        };
        if let Some(custom) = overridden.and_then(|t| self.custom.override_for(&t)) {
            return Ok(TypeUse::new(RustType::External {
                path: custom.path.clone(),
                simple: custom.simple,
            }));
        }
        let rust = match ty {
            TypeRef::Named(q) if q.is_xsd() && q.local == "anyType" => {
                RustType::Runtime("rt::AnyContent")
            }
            TypeRef::Named(q) if q.is_xsd() => {
                RustType::Builtin(builtin(&q.local).ok_or_else(|| {
                    Error::unsupported(
                        format!("built-in type xs:{}", q.local),
                        format!("{origin}, `{child}`"),
                    )
                })?)
            }
            TypeRef::Named(q) => {
                let name = self
                    .names
                    .get(&TypeKey::Named(q.clone()))
                    .cloned()
                    .ok_or_else(|| {
                        Error::unsupported(
                            format!("reference to undeclared type `{q}`"),
                            origin.to_owned(),
                        )
                    })?;
                match self.defs.schema.types.get(q) {
                    Some(TypeDef::Simple(_)) => RustType::Simple(name),
                    Some(TypeDef::Complex(complex)) => match array_item(complex, &self.substitutes)
                    {
                        Some(item) => {
                            let min = array_item_min(complex);
                            if min >= 1 {
                                self.required_lists
                                    .insert((name.clone(), String::new()), min);
                            }
                            let mut item_use =
                                self.type_use(&item.ty, &name, &item.name.local, origin)?;
                            item_use.nillable = item.nillable;
                            RustType::Array {
                                alias: name,
                                item: Box::new(item_use),
                                item_element: item.name.clone(),
                            }
                        }
                        None => match self.polymorphic.get(q) {
                            Some(poly) => RustType::Complex(poly.name.clone()),
                            None => RustType::Complex(name),
                        },
                    },
                    None => RustType::Complex(name),
                }
            }
            TypeRef::OfElement(q) => {
                let name = self
                    .names
                    .get(&TypeKey::Element(q.clone()))
                    .cloned()
                    .ok_or_else(|| {
                        Error::unsupported(
                            format!("reference to the type of undeclared element `{q}`"),
                            origin.to_owned(),
                        )
                    })?;
                match self.defs.schema.elements.get(q).map(|e| &e.ty) {
                    Some(TypeRef::Anonymous(def)) if matches!(def.as_ref(), TypeDef::Simple(_)) => {
                        RustType::Simple(name)
                    }
                    _ => RustType::Complex(name),
                }
            }
            TypeRef::Anonymous(def) => {
                let wanted = format!("{parent}{}", names::type_name(child));
                let name = self.scope.claim(&wanted, None);
                if self.planned.insert(name.clone()) {
                    self.plan_type(
                        &name,
                        def,
                        format!("anonymous type of `{child}` in {origin}"),
                    )?;
                }
                match def.as_ref() {
                    TypeDef::Simple(_) => RustType::Simple(name),
                    TypeDef::Complex(_) => RustType::Complex(name),
                }
            }
        };
        Ok(self.with_facets(TypeUse::new(rust), ty, None, origin))
    }

    /// `use_` with the constraints sample values must satisfy (when samples
    /// are generated and the type is simple): those of the type `ty` names,
    /// or the element's or attribute's `fixed` value.
    fn with_facets(
        &mut self,
        mut use_: TypeUse,
        ty: &TypeRef,
        fixed: Option<&str>,
        origin: &str,
    ) -> TypeUse {
        if !self.options.samples || !use_.rust.is_simple() {
            return use_;
        }
        if let Some(fixed) = fixed {
            let facets = Facets {
                enumeration: vec![fixed.to_owned()],
                ..self.facets_of(ty, origin, 0)
            };
            use_.facets = Some(Box::new(Facets {
                item: None,
                pattern: None,
                ..facets
            }));
            return use_;
        }
        // Generated enums sample their own values.
        let enumerated = |def: Option<&TypeDef>| {
            matches!(def, Some(TypeDef::Simple(simple)) if matches!(
                &simple.kind,
                SimpleKind::Restriction { enumerations, .. } if !enumerations.is_empty()
            ))
        };
        let is_enum = match ty {
            TypeRef::Named(q) => enumerated(self.defs.schema.types.get(q)),
            TypeRef::Anonymous(def) => enumerated(Some(def)),
            TypeRef::OfElement(q) => match self.defs.schema.elements.get(q).map(|e| &e.ty) {
                Some(TypeRef::Anonymous(def)) => enumerated(Some(def)),
                _ => false,
            },
        };
        if !is_enum {
            let facets = self.facets_of(ty, origin, 0);
            let value_type = self.value_type(ty, origin);
            use_.facets = (!facets.is_trivial(value_type.as_deref())).then(|| Box::new(facets));
        }
        use_
    }

    /// The Rust type (a path) that holds the values of simple type `ty`.
    fn value_type(&mut self, ty: &TypeRef, origin: &str) -> Option<String> {
        match ty {
            TypeRef::Named(q) if q.is_xsd() => builtin(&q.local).map(str::to_owned),
            TypeRef::Named(q) => match self.defs.schema.types.get(q) {
                Some(TypeDef::Simple(simple)) => {
                    self.simple_target(&simple.kind, "", origin, 0).ok()
                }
                _ => None,
            },
            TypeRef::Anonymous(def) => match def.as_ref() {
                TypeDef::Simple(simple) => self.simple_target(&simple.kind, "", origin, 0).ok(),
                TypeDef::Complex(_) => None,
            },
            TypeRef::OfElement(q) => {
                let ty = self.defs.schema.elements.get(q)?.ty.clone();
                self.value_type(&ty, origin)
            }
        }
    }

    /// The constraints of the simple type `ty` names (see [`Facets`]).
    fn facets_of(&mut self, ty: &TypeRef, origin: &str, depth: usize) -> Facets {
        if depth > 64 {
            return Facets::default();
        }
        match ty {
            TypeRef::Named(q) if q.is_xsd() => Facets::of_builtin(&q.local),
            TypeRef::Named(q) => match self.defs.schema.types.get(q) {
                Some(TypeDef::Simple(simple)) => {
                    let origin = format!("simple type `{q}`");
                    self.simple_facets(&simple.kind, &origin, depth + 1)
                }
                Some(TypeDef::Complex(complex)) => match self.effective(complex, origin, 0) {
                    Ok(Effective {
                        simple: Some(inner),
                        ..
                    }) => self.facets_of(&inner, origin, depth + 1),
                    _ => Facets::default(),
                },
                None => Facets::default(),
            },
            TypeRef::Anonymous(def) => match def.as_ref() {
                TypeDef::Simple(simple) => self.simple_facets(&simple.kind, origin, depth + 1),
                TypeDef::Complex(_) => Facets::default(),
            },
            TypeRef::OfElement(q) => match self.defs.schema.elements.get(q).map(|e| e.ty.clone()) {
                Some(ty) => self.facets_of(&ty, origin, depth + 1),
                None => Facets::default(),
            },
        }
    }

    fn simple_facets(&mut self, kind: &SimpleKind, origin: &str, depth: usize) -> Facets {
        match kind {
            SimpleKind::Restriction {
                base,
                enumerations,
                facets,
            } => {
                let mut out = self.facets_of(&TypeRef::Named(base.clone()), origin, depth + 1);
                if !enumerations.is_empty() {
                    out.enumeration = enumerations.clone();
                }
                let number = |v: &str| v.trim().parse::<u64>().ok();
                let mut patterns = Vec::new();
                for (name, value) in facets {
                    match name.as_str() {
                        "length" => out.length = number(value),
                        "minLength" => out.min_length = number(value),
                        "maxLength" => out.max_length = number(value),
                        "minInclusive" => out.min_inclusive = Some(value.clone()),
                        "maxInclusive" => out.max_inclusive = Some(value.clone()),
                        "minExclusive" => out.min_exclusive = Some(value.clone()),
                        "maxExclusive" => out.max_exclusive = Some(value.clone()),
                        "totalDigits" => out.total_digits = number(value).map(|n| n as u32),
                        "fractionDigits" => out.fraction_digits = number(value).map(|n| n as u32),
                        "pattern" => patterns.push(value.clone()),
                        _ => {}
                    }
                }
                if !patterns.is_empty() {
                    out.pattern = match crate::xsd_regex::translate_all(&patterns) {
                        Ok(translated) => Some(translated),
                        Err(why) => {
                            self.diagnostics.insert(format!(
                                "pattern facet of {origin} (`{}`) has no translation for \
                                 sample values ({why}); samples ignore it",
                                patterns.join("` | `")
                            ));
                            None
                        }
                    };
                }
                out
            }
            SimpleKind::List { item } => Facets {
                item: Some(Box::new(self.facets_of(item, origin, depth + 1))),
                ..Facets::default()
            },
            // A union's values are those of any member: the first one's.
            SimpleKind::Union { members } => match members.first() {
                Some(member) => self.facets_of(member, origin, depth + 1),
                None => Facets::default(),
            },
        }
    }

    /// The Rust type that holds a global element's content. A message
    /// element whose type is an array wrapper or a simple type gets a
    /// struct of its own, so it is encoded and decoded as a whole.
    fn element_use(
        &mut self,
        element: &QName,
        origin: &str,
    ) -> Result<(TypeUse, &'d ElementDecl), Error> {
        let decl = self.defs.schema.elements.get(element).ok_or_else(|| {
            Error::unsupported(
                format!("reference to undeclared element `{element}`"),
                origin.to_owned(),
            )
        })?;
        if let Some(wrapper) = self.wrappers.get(element) {
            return Ok((TypeUse::new(RustType::Complex(wrapper.clone())), decl));
        }
        if let Some(custom) = self
            .custom
            .override_for(&Target::Element(element.clone()))
            .filter(|custom| !custom.simple)
        {
            // The caller's type is the whole element's content.
            let ty = TypeUse::new(RustType::External {
                path: custom.path.clone(),
                simple: false,
            });
            return Ok((ty, decl));
        }
        let ty = match &decl.ty {
            TypeRef::Anonymous(def) => {
                let name = self
                    .names
                    .get(&TypeKey::Element(element.clone()))
                    .cloned()
                    .ok_or_else(|| {
                        Error::unsupported(
                            format!("element `{element}` whose type was not planned"),
                            origin.to_owned(),
                        )
                    })?;
                let rust = match def.as_ref() {
                    TypeDef::Simple(_) => RustType::Simple(name),
                    TypeDef::Complex(_) => RustType::Complex(name),
                };
                let fixed = decl.fixed.as_deref();
                self.with_facets(TypeUse::new(rust), &decl.ty, fixed, origin)
            }
            named => {
                let ty = self.type_use(named, "", &element.local, origin)?;
                match decl.fixed.as_deref() {
                    Some(fixed) => self.with_facets(ty, named, Some(fixed), origin),
                    None => ty,
                }
            }
        };
        let field = match &ty.rust {
            RustType::Array {
                item, item_element, ..
            } => FieldPlan {
                name: names::field_name(&item_element.local),
                doc: None,
                element: item_element.clone(),
                ty: (**item).clone(),
                occurs: Occurs::Many,
                sensitive: false,
                kind: FieldKind::Element,
            },
            rust if rust.is_simple() => FieldPlan {
                name: "value".to_owned(),
                doc: Some("The element's text.".to_owned()),
                element: QName::new(None, "(text)"),
                ty: ty.clone(),
                occurs: Occurs::Required,
                sensitive: false,
                kind: FieldKind::Text,
            },
            _ => return Ok((ty, decl)),
        };
        let wanted = match &decl.ty {
            TypeRef::Anonymous(_) => format!("{}Element", names::type_name(&element.local)),
            _ => names::type_name(&element.local),
        };
        let name = self.scope.claim(&wanted, Some("Element"));
        self.wrappers.insert(element.clone(), name.clone());
        if let RustType::Array { alias, .. } = &ty.rust {
            if let Some(&min) = self.required_lists.get(&(alias.clone(), String::new())) {
                self.required_lists
                    .insert((name.clone(), field.name.clone()), min);
            }
        }
        self.items.push(TypeItem::Struct(StructPlan {
            name: name.clone(),
            doc: decl.documentation.clone(),
            origin: format!("element `{element}`"),
            attributes: Vec::new(),
            fields: vec![field],
            any_attribute: None,
            group: false,
        }));
        Ok((TypeUse::new(RustType::Complex(name)), decl))
    }

    /// The wrapper element of an rpc-style message: a struct named after
    /// the operation with one field per part, each written as an
    /// unqualified element named after the part.
    fn rpc_wrapper(
        &mut self,
        operation: &str,
        suffix: &str,
        element: &QName,
        parts: &[&wsdl::Part],
        origin: &str,
    ) -> Result<TypeUse, Error> {
        let name = self.scope.claim(
            &format!("{}{suffix}", names::type_name(operation)),
            Some("Rpc"),
        );
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for part in parts {
            let (wire, ty) = match &part.kind {
                wsdl::PartKind::Type(q) => (
                    QName::new(None, &part.name),
                    self.type_use(&TypeRef::Named(q.clone()), &name, &part.name, origin)?,
                ),
                wsdl::PartKind::Element(q) => (q.clone(), self.element_use(q, origin)?.0),
            };
            fields.push(FieldPlan {
                name: scope.claim(&names::field_name(&part.name), None),
                doc: None,
                element: wire,
                ty,
                occurs: Occurs::Required,
                sensitive: self.options.sensitive_fields.contains(&part.name),
                kind: FieldKind::Element,
            });
        }
        self.items.push(TypeItem::Struct(StructPlan {
            name: name.clone(),
            doc: None,
            origin: format!("the rpc-style message `{element}` of {origin}"),
            attributes: Vec::new(),
            fields,
            any_attribute: None,
            group: false,
        }));
        Ok(TypeUse::new(RustType::Complex(name)))
    }

    /// True when `ty` is a generated struct with no content at all.
    fn is_empty_struct(&self, ty: &TypeUse) -> bool {
        let RustType::Complex(name) = &ty.rust else {
            return false;
        };
        self.items.iter().any(|item| {
            matches!(item, TypeItem::Struct(s) if &s.name == name
                && s.fields.is_empty() && s.attributes.is_empty() && s.any_attribute.is_none())
        })
    }

    fn plan_clients(
        &mut self,
        headers: &mut Vec<HeaderField>,
        faults: &mut Vec<FaultVariant>,
    ) -> Result<Vec<ClientPlan>, Error> {
        let defs = self.defs;
        let mut header_scope = Scope::default();
        let mut fault_scope = Scope::default();
        let mut descriptor_scope = Scope::default();
        let mut clients = Vec::new();
        for (port_type_name, port_type) in &defs.port_types {
            let bindings: Vec<_> = defs
                .bindings
                .values()
                .filter(|b| &b.port_type == port_type_name)
                .collect();
            if bindings.is_empty() {
                continue;
            }
            let client_name = self.scope.claim(
                &format!("{}Client", names::type_name(&port_type_name.local)),
                None,
            );
            let service_trait = self.scope.claim(
                &format!("{}Service", names::type_name(&port_type_name.local)),
                None,
            );
            let dispatch_fn = self.scope.claim(
                &format!("dispatch_{}", names::field_name(&port_type_name.local)),
                None,
            );
            let mut method_scope = Scope::default();
            for reserved in [
                "new",
                "with_headers",
                "headers",
                "headers_mut",
                "transport",
                "check_headers",
            ] {
                method_scope.reserve(reserved);
            }
            let mut operations = Vec::new();
            for op in &port_type.operations {
                if let Some(only) = &self.options.operations {
                    if !only.contains(&op.name) {
                        continue;
                    }
                }
                let origin = format!("operation `{}` of port type `{}`", op.name, port_type_name);
                let mut op_bindings = Vec::new();
                let mut body_parts: Option<Vec<String>> = None;
                let mut header_refs = BTreeSet::new();
                let mut output_body_parts: Option<Vec<String>> = None;
                let mut output_headers: BTreeSet<(QName, String)> = BTreeSet::new();
                // (input namespace, output namespace) of an rpc-style operation.
                let mut rpc: Option<(Option<String>, Option<String>)> = None;
                for binding in &bindings {
                    let Some(bop) = binding.operations.iter().find(|o| o.name == op.name) else {
                        continue;
                    };
                    if bop.style == Style::Rpc && rpc.is_none() {
                        rpc = Some((
                            bop.input.as_ref().and_then(|m| m.body.namespace.clone()),
                            bop.output.as_ref().and_then(|m| m.body.namespace.clone()),
                        ));
                    }
                    for message in [&bop.input, &bop.output].into_iter().flatten() {
                        if message.body.use_ == Use::Encoded {
                            self.diagnostics.insert(format!(
                                "binding `{}` uses SOAP encoding (use=\"encoded\"): messages are \
                                 generated with the rpc/literal shape; xsi:type annotations are not \
                                 written, multi-reference values (href/id) are not resolved, and \
                                 soapenc:Array items are read and written as <item> elements",
                                binding.name
                            ));
                        }
                    }
                    if let Some(output) = &bop.output {
                        if output_body_parts.is_none() {
                            output_body_parts = output.body.parts.clone();
                        }
                        for header in &output.headers {
                            output_headers.insert((header.message.clone(), header.part.clone()));
                        }
                    }
                    op_bindings.push((binding.soap_version, bop.soap_action.clone()));
                    if let Some(input) = &bop.input {
                        if body_parts.is_none() {
                            body_parts = input.body.parts.clone();
                        }
                        for header in &input.headers {
                            header_refs.insert((header.message.clone(), header.part.clone()));
                            if !header.faults.is_empty() {
                                self.diagnostics.insert(format!(
                                    "binding `{}` declares soap:headerfault blocks: a fault is \
                                     decoded from its Body detail; header fault blocks in the \
                                     response's Header are not read",
                                    binding.name
                                ));
                            }
                        }
                    }
                }
                if op_bindings.is_empty() {
                    continue;
                }
                op_bindings.sort();
                op_bindings.dedup();

                let mut header_indexes = Vec::new();
                for (message, part) in &header_refs {
                    let element = part_element(defs, message, part, &origin)?;
                    let index = match headers.iter().position(|h| h.element == element) {
                        Some(i) => i,
                        None => {
                            let (ty, decl) = self.element_use(&element, &origin)?;
                            headers.push(HeaderField {
                                name: header_scope.claim(&names::field_name(&element.local), None),
                                element: element.clone(),
                                ty,
                                doc: decl.documentation.clone(),
                            });
                            headers.len() - 1
                        }
                    };
                    header_indexes.push(index);
                }

                let header_parts: BTreeSet<(&QName, &str)> =
                    header_refs.iter().map(|(m, p)| (m, p.as_str())).collect();
                let mut input = Vec::new();
                if let (Some((namespace, _)), Some(message_ref)) = (&rpc, &op.input) {
                    let message = &defs.messages[&message_ref.message];
                    let parts: Vec<&wsdl::Part> = message
                        .parts
                        .iter()
                        .filter(|p| !header_parts.contains(&(&message.name, p.name.as_str())))
                        .filter(|p| body_parts.as_ref().is_none_or(|l| l.contains(&p.name)))
                        .collect();
                    let element = QName::new(namespace.as_deref(), &op.name);
                    let ty = self.rpc_wrapper(&op.name, "Request", &element, &parts, &origin)?;
                    input.push(BodyPart {
                        param: "request".to_owned(),
                        element,
                        empty: parts.is_empty(),
                        ty,
                    });
                } else if let Some(message_ref) = &op.input {
                    let message = &defs.messages[&message_ref.message];
                    let mut param_scope = Scope::default();
                    for part in &message.parts {
                        if header_parts.contains(&(&message.name, part.name.as_str())) {
                            continue;
                        }
                        if let Some(listed) = &body_parts {
                            if !listed.contains(&part.name) {
                                continue;
                            }
                        }
                        let element = element_of_part(part, &origin)?;
                        let (ty, _) = self.element_use(&element, &origin)?;
                        // A lone body part is the request; several keep their part names.
                        let body_count = message.parts.len()
                            - header_parts
                                .iter()
                                .filter(|(m, _)| *m == &message.name)
                                .count();
                        let wanted = if body_count == 1 {
                            "request".to_owned()
                        } else {
                            names::field_name(&part.name)
                        };
                        let empty = self.is_empty_struct(&ty);
                        input.push(BodyPart {
                            param: param_scope.claim(&wanted, None),
                            element,
                            empty,
                            ty,
                        });
                    }
                }
                let output = match &op.output {
                    None => None,
                    Some(message_ref) => {
                        let message = &defs.messages[&message_ref.message];
                        let body: Vec<_> = message
                            .parts
                            .iter()
                            .filter(|p| {
                                !output_headers.contains(&(message.name.clone(), p.name.clone()))
                            })
                            .filter(|p| {
                                output_body_parts
                                    .as_ref()
                                    .is_none_or(|l| l.contains(&p.name))
                            })
                            .collect();
                        if let Some((_, namespace)) = &rpc {
                            let element =
                                QName::new(namespace.as_deref(), &format!("{}Response", op.name));
                            let ty =
                                self.rpc_wrapper(&op.name, "Response", &element, &body, &origin)?;
                            Some(BodyPart {
                                param: "response".to_owned(),
                                element,
                                empty: body.is_empty(),
                                ty,
                            })
                        } else {
                            match body.as_slice() {
                                [part] => {
                                    let element = element_of_part(part, &origin)?;
                                    let (ty, _) = self.element_use(&element, &origin)?;
                                    Some(BodyPart {
                                        param: "response".to_owned(),
                                        element,
                                        empty: self.is_empty_struct(&ty),
                                        ty,
                                    })
                                }
                                _ => {
                                    return Err(Error::unsupported(
                                        format!(
                                            "document-style output message with {} body parts",
                                            body.len()
                                        ),
                                        origin,
                                    ))
                                }
                            }
                        }
                    }
                };

                let mut fault_indexes = Vec::new();
                for fault in &op.faults {
                    let message = &defs.messages[&fault.message];
                    for part in &message.parts {
                        let wsdl::PartKind::Element(element) = &part.kind else {
                            self.diagnostics.insert(format!(
                                "fault `{}` of {origin}: its part `{}` names a type, not an \
                                 element; the fault is reported as an untyped SOAP fault",
                                fault.name.as_deref().unwrap_or("?"),
                                part.name
                            ));
                            continue;
                        };
                        let element = element.clone();
                        let index = match faults.iter().position(|f| f.element == element) {
                            Some(i) => i,
                            None => {
                                let (ty, decl) = self.element_use(&element, &origin)?;
                                faults.push(FaultVariant {
                                    name: fault_scope
                                        .claim(&names::type_name(&element.local), None),
                                    element: element.clone(),
                                    ty,
                                    doc: decl.documentation.clone(),
                                });
                                faults.len() - 1
                            }
                        };
                        fault_indexes.push(index);
                    }
                }

                let method = method_scope.claim(&names::field_name(&op.name), None);
                operations.push(OperationPlan {
                    descriptor: descriptor_scope
                        .claim(&method.trim_end_matches('_').to_uppercase(), None),
                    method,
                    xml_name: op.name.clone(),
                    doc: op.documentation.clone(),
                    bindings: op_bindings,
                    input,
                    output,
                    headers: header_indexes,
                    faults: fault_indexes,
                });
            }
            // With an operation filter, a port type none of whose operations
            // was asked for gets no client.
            if operations.is_empty() && self.options.operations.is_some() {
                continue;
            }
            let bound = |version: SoapVersion| {
                operations
                    .iter()
                    .filter(|op| op.bindings.iter().any(|(v, _)| *v == version))
                    .count()
            };
            let soap_version = match self.options.soap_version {
                Some(preferred) if bound(preferred) > 0 => preferred,
                _ if bound(SoapVersion::Soap12) > bound(SoapVersion::Soap11) => SoapVersion::Soap12,
                _ => SoapVersion::Soap11,
            };
            clients.push(ClientPlan {
                name: client_name,
                service_trait,
                dispatch_fn,
                doc: port_type.documentation.clone(),
                port_type: port_type_name.clone(),
                operations,
                soap_version,
            });
        }
        if let Some(preferred) = self.options.soap_version {
            if !clients.is_empty() && clients.iter().all(|c| c.soap_version != preferred) {
                return Err(Error::InvalidOption {
                    option: "soap_version",
                    message: format!(
                        "{}: no port type of this WSDL is bound in that version",
                        match preferred {
                            SoapVersion::Soap11 => "SOAP 1.1",
                            SoapVersion::Soap12 => "SOAP 1.2",
                        }
                    ),
                });
            }
        }
        Ok(clients)
    }
}

/// Every name in `Options::operations` must be an operation of a port type.
fn check_operation_filter(defs: &Definitions, options: &Options) -> Result<(), Error> {
    let Some(only) = &options.operations else {
        return Ok(());
    };
    let declared: BTreeSet<&str> = defs
        .port_types
        .values()
        .flat_map(|p| p.operations.iter().map(|o| o.name.as_str()))
        .collect();
    let unknown: Vec<&str> = only
        .iter()
        .map(String::as_str)
        .filter(|name| !declared.contains(name))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(Error::InvalidOption {
        option: "operations",
        message: format!(
            "no port type declares operation{} {} (names are case-sensitive, as in the WSDL)",
            if unknown.len() > 1 { "s" } else { "" },
            unknown
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// The generated type names a type use refers to.
fn referenced_types<'a>(ty: &'a TypeUse, out: &mut Vec<&'a str>) {
    match &ty.rust {
        RustType::Simple(name) | RustType::Complex(name) | RustType::Group(name) => {
            out.push(name);
        }
        RustType::Array { alias, item, .. } => {
            out.push(alias);
            referenced_types(item, out);
        }
        RustType::Builtin(_) | RustType::Runtime(_) | RustType::Raw | RustType::External { .. } => {
        }
    }
}

/// Keeps only the types the clients' operations, headers and faults reach
/// (for `Options::operations`).
fn keep_reachable(
    types: &mut Vec<TypeItem>,
    headers: &[HeaderField],
    faults: &[FaultVariant],
    clients: &[ClientPlan],
) {
    let by_name: BTreeMap<&str, &TypeItem> = types.iter().map(|t| (t.name(), t)).collect();
    let mut stack: Vec<&str> = Vec::new();
    for op in clients.iter().flat_map(|c| &c.operations) {
        for part in op.input.iter().chain(&op.output) {
            referenced_types(&part.ty, &mut stack);
        }
    }
    headers
        .iter()
        .for_each(|h| referenced_types(&h.ty, &mut stack));
    faults
        .iter()
        .for_each(|f| referenced_types(&f.ty, &mut stack));
    let mut reached: BTreeSet<String> = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !reached.insert(name.to_owned()) {
            continue;
        }
        match by_name.get(name) {
            Some(TypeItem::Struct(s)) => {
                s.fields
                    .iter()
                    .for_each(|f| referenced_types(&f.ty, &mut stack));
                s.attributes
                    .iter()
                    .for_each(|a| referenced_types(&a.ty, &mut stack));
            }
            Some(TypeItem::Choice(c)) => c
                .variants
                .iter()
                .for_each(|v| referenced_types(&v.ty, &mut stack)),
            Some(TypeItem::Array(a)) => referenced_types(&a.item, &mut stack),
            // Any of the types an `xsi:type` may name can arrive.
            Some(TypeItem::Polymorphic(p)) => {
                stack.extend(p.variants.iter().map(|v| v.rust.as_str()))
            }
            // An alias's target is a Rust path that may name a generated
            // enum (`rt::List<Color>`).
            Some(TypeItem::Alias(a)) => stack.extend(
                a.target
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|word| by_name.contains_key(word)),
            ),
            Some(TypeItem::Enum(_)) | None => {}
        }
    }
    types.retain(|t| reached.contains(t.name()));
}

/// `minOccurs` of an array type's item.
fn array_item_min(complex: &wsdl::ComplexType) -> u32 {
    match &complex.content {
        Content::Elements(group) => group.particles.first().map_or(0, |p| p.min_occurs),
        Content::Simple(_) => 0,
    }
}

/// The repeated element of an array wrapper type (a sequence of just one
/// repeated element), which is then exposed as a `Vec`. Not when that
/// element heads a substitution group: other elements may stand in for it.
fn array_item<'c>(
    complex: &'c wsdl::ComplexType,
    heads: &BTreeMap<QName, Vec<QName>>,
) -> Option<&'c wsdl::LocalElement> {
    let Content::Elements(group) = &complex.content else {
        return None;
    };
    if complex.mixed
        || complex
            .derivation
            .as_ref()
            .is_some_and(|d| d.base.namespace.as_deref() != Some(SOAP_ENCODING_NS))
    {
        return None;
    }
    match group.particles.as_slice() {
        [particle]
            if particle.max_occurs != Some(1)
                && particle.max_occurs != Some(0)
                && complex.attributes.is_empty()
                && complex.any_attribute.is_none()
                && group.compositor == Compositor::Sequence =>
        {
            let Term::Element(element) = &particle.term else {
                return None;
            };
            let substituted = element
                .reference
                .as_ref()
                .is_some_and(|head| heads.contains_key(head));
            (!element.nillable && !substituted).then_some(element)
        }
        _ => None,
    }
}

/// Documentation plus a line naming a `default` or `fixed` value, which the
/// generated code documents but does not apply.
fn documented_value(
    documentation: &Option<String>,
    default: &Option<String>,
    fixed: &Option<String>,
) -> Option<String> {
    let mut doc = documentation.clone();
    if let Some(value) = default.as_ref().or(fixed.as_ref()) {
        let what = if fixed.is_some() { "Fixed" } else { "Default" };
        append_doc(
            &mut doc,
            format!("{what} value: `{value}` (not applied on read)."),
        );
    }
    doc
}

fn key_qname(key: &TypeKey) -> &QName {
    match key {
        TypeKey::Named(q) | TypeKey::Element(q) | TypeKey::Group(q) | TypeKey::Substitution(q) => q,
    }
}

fn element_of_part(part: &wsdl::Part, origin: &str) -> Result<QName, Error> {
    match &part.kind {
        wsdl::PartKind::Element(q) => Ok(q.clone()),
        wsdl::PartKind::Type(q) => Err(Error::unsupported(
            "message part with type= in a document-style operation",
            format!("{origin}, part `{}` (type `{q}`)", part.name),
        )),
    }
}

fn part_element(
    defs: &Definitions,
    message: &QName,
    part: &str,
    origin: &str,
) -> Result<QName, Error> {
    let found = defs
        .messages
        .get(message)
        .and_then(|m| m.parts.iter().find(|p| p.name == part));
    match found {
        Some(p) => element_of_part(p, origin),
        None => Err(Error::unsupported(
            format!("header naming missing part `{part}` of message `{message}`"),
            origin.to_owned(),
        )),
    }
}

fn plan_endpoints(defs: &Definitions) -> Vec<EndpointPlan> {
    let mut endpoints = Vec::new();
    for service in &defs.services {
        for port in &service.ports {
            let (Some(address), Some(binding)) = (&port.address, defs.bindings.get(&port.binding))
            else {
                continue;
            };
            endpoints.push(EndpointPlan {
                service: service.name.local.clone(),
                port: port.name.clone(),
                version: binding.soap_version,
                address: address.clone(),
            });
        }
    }
    endpoints
}

/// A struct estimated to take more than this many bytes inline gets its
/// optional complex-typed fields boxed.
const LARGE_STRUCT_BYTES: usize = 1024;

/// Boxes the optional, single-valued fields of a complex type in structs
/// that would otherwise be large (over [`LARGE_STRUCT_BYTES`]). Schemas like
/// IPS's `Asset` have dozens of optional records of which a message fills in
/// one or two: inline, every value would carry the space of all of them
/// (IPS's `Asset` took 3.7 KB, most of it empty), and be copied whole each
/// time it moves. Boxed, an absent record costs a pointer.
fn box_optional_fields_of_large_structs(items: &mut [TypeItem]) {
    let to_box: BTreeSet<(usize, usize)> = {
        let index: BTreeMap<&str, usize> = items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.name(), i))
            .collect();
        let mut sizer = Sizer {
            items,
            index,
            sizes: vec![None; items.len()],
            to_box: BTreeSet::new(),
        };
        for i in 0..items.len() {
            sizer.size(i, 0);
        }
        sizer.to_box
    };
    for (i, j) in to_box {
        if let TypeItem::Struct(s) = &mut items[i] {
            s.fields[j].ty.boxed = true;
        }
    }
}

/// Estimates the bytes a value of each generated type takes inline (close
/// enough to tell small structs from large ones), deciding on the way which
/// fields of large structs to box, so that a struct holding another is
/// sized with the other's fields already boxed.
struct Sizer<'a> {
    items: &'a [TypeItem],
    index: BTreeMap<&'a str, usize>,
    sizes: Vec<Option<usize>>,
    /// (struct, field) positions to box.
    to_box: BTreeSet<(usize, usize)>,
}

impl Sizer<'_> {
    fn size(&mut self, i: usize, depth: usize) -> usize {
        if let Some(size) = self.sizes[i] {
            return size;
        }
        // Recursive references are boxed already; this guards against
        // anything else that loops.
        if depth > 64 {
            return 8;
        }
        let size = match &self.items[i] {
            TypeItem::Struct(s) => {
                let fields: Vec<usize> = s
                    .fields
                    .iter()
                    .map(|f| match f.occurs {
                        Occurs::Many => 24,
                        Occurs::Optional => self.use_size(&f.ty, depth) + 8,
                        Occurs::Required => self.use_size(&f.ty, depth),
                    })
                    .collect();
                let attributes: usize = s
                    .attributes
                    .iter()
                    .map(|a| self.use_size(&a.ty, depth) + if a.required { 0 } else { 8 })
                    .sum();
                let mut size = fields.iter().sum::<usize>()
                    + attributes
                    + if s.any_attribute.is_some() { 24 } else { 0 };
                if size > LARGE_STRUCT_BYTES {
                    for (j, f) in s.fields.iter().enumerate() {
                        let boxable = f.occurs == Occurs::Optional
                            && f.kind == FieldKind::Element
                            && !f.ty.boxed
                            && !f.ty.nillable
                            && matches!(&f.ty.rust, RustType::Complex(n) if self.is_struct(n));
                        if boxable {
                            self.to_box.insert((i, j));
                            // `Option<Box<T>>` is one pointer.
                            size = size - fields[j] + 8;
                        }
                    }
                }
                size
            }
            TypeItem::Choice(c) => {
                let largest = c
                    .variants
                    .iter()
                    .map(|v| {
                        if v.many {
                            24
                        } else {
                            self.use_size(&v.ty, depth)
                        }
                    })
                    .max()
                    .unwrap_or(0);
                8 + largest
            }
            // Variants are boxed.
            TypeItem::Polymorphic(_) => 16,
            TypeItem::Enum(_) | TypeItem::Array(_) | TypeItem::Alias(_) => 24,
        };
        self.sizes[i] = Some(size);
        size
    }

    fn use_size(&mut self, ty: &TypeUse, depth: usize) -> usize {
        let inner = if ty.boxed {
            8
        } else {
            match &ty.rust {
                RustType::Builtin(name) => match *name {
                    "bool" | "i8" | "u8" => 1,
                    "i16" | "u16" => 2,
                    "i32" | "u32" | "f32" => 4,
                    "i64" | "u64" | "f64" => 8,
                    _ => 24,
                },
                RustType::Complex(name) | RustType::Group(name) | RustType::Simple(name) => {
                    match self.index.get(name.as_str()) {
                        Some(&j) => self.size(j, depth + 1),
                        None => 24,
                    }
                }
                RustType::Array { .. } => 24,
                RustType::Runtime(_) | RustType::Raw | RustType::External { .. } => 32,
            }
        };
        inner + if ty.nillable { 8 } else { 0 }
    }

    fn is_struct(&self, name: &str) -> bool {
        self.index
            .get(name)
            .is_some_and(|&i| matches!(&self.items[i], TypeItem::Struct(s) if !s.group))
    }
}

/// The strongly connected component of each node of `edges` (Tarjan's
/// algorithm, iterative so that a deep schema cannot overflow the stack).
/// Targets that are not keys of `edges` have no outgoing edges.
fn strongly_connected_components(edges: &BTreeMap<String, Vec<String>>) -> BTreeMap<&str, usize> {
    let mut index_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut low: BTreeMap<&str, usize> = BTreeMap::new();
    let mut on_stack: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = Vec::new();
    let mut component: BTreeMap<&str, usize> = BTreeMap::new();
    let mut components = 0;
    let successors = |node: &str| edges.get(node).map_or(&[][..], Vec::as_slice);
    for root in edges.keys() {
        if index_of.contains_key(root.as_str()) {
            continue;
        }
        // (node, position of the next successor to visit)
        let mut work: Vec<(&str, usize)> = vec![(root.as_str(), 0)];
        while let Some(&mut (node, ref mut next)) = work.last_mut() {
            if *next == 0 && !index_of.contains_key(node) {
                let index = index_of.len();
                index_of.insert(node, index);
                low.insert(node, index);
                stack.push(node);
                on_stack.insert(node);
            }
            if let Some(successor) = successors(node).get(*next) {
                *next += 1;
                let successor = successor.as_str();
                match index_of.get(successor) {
                    None => work.push((successor, 0)),
                    Some(&index) if on_stack.contains(successor) => {
                        let entry = low.entry(node).or_insert(index);
                        *entry = (*entry).min(index);
                    }
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            let node_low = low[node];
            if let Some(&(parent, _)) = work.last() {
                let entry = low.entry(parent).or_insert(node_low);
                *entry = (*entry).min(node_low);
            }
            if node_low == index_of[node] {
                while let Some(member) = stack.pop() {
                    on_stack.remove(member);
                    component.insert(member, components);
                    if member == node {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

/// Boxes each single-valued field (or choice variant) whose type can reach
/// back to the type that holds it without passing through a `Vec`.
fn box_recursive_fields(items: &mut [TypeItem]) {
    fn target(ty: &TypeUse) -> Option<&String> {
        match &ty.rust {
            RustType::Complex(n) | RustType::Group(n) => Some(n),
            _ => None,
        }
    }
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in items.iter() {
        let targets: Vec<String> = match item {
            TypeItem::Struct(s) => s
                .fields
                .iter()
                .filter(|f| f.occurs != Occurs::Many)
                .filter_map(|f| target(&f.ty).cloned())
                .collect(),
            TypeItem::Choice(c) => c
                .variants
                .iter()
                .filter(|v| !v.many)
                .filter_map(|v| target(&v.ty).cloned())
                .collect(),
            _ => continue,
        };
        edges.insert(item.name().to_owned(), targets);
    }
    // A field's type reaches back to its holder exactly when the two are in
    // the same strongly connected component (the field is an edge from the
    // holder to the type): one pass over the graph, not a walk per field.
    let component = strongly_connected_components(&edges);
    let reaches = |from: &str, to: &str| {
        from == to
            || matches!(
                (component.get(from), component.get(to)),
                (Some(a), Some(b)) if a == b
            )
    };
    for item in items.iter_mut() {
        match item {
            TypeItem::Struct(s) => {
                for field in &mut s.fields {
                    if field.occurs == Occurs::Many {
                        continue;
                    }
                    if target(&field.ty).is_some_and(|t| reaches(t, &s.name)) {
                        field.ty.boxed = true;
                    }
                }
            }
            TypeItem::Choice(c) => {
                for variant in &mut c.variants {
                    if !variant.many && target(&variant.ty).is_some_and(|t| reaches(t, &c.name)) {
                        variant.ty.boxed = true;
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Components agree with plain reachability: two nodes share one
    /// exactly when each reaches the other.
    #[test]
    fn components_match_mutual_reachability() {
        let graph: &[(&str, &[&str])] = &[
            ("a", &["b"]),
            ("b", &["c", "e"]),
            ("c", &["a", "d"]),
            ("d", &["d"]),
            ("e", &["f", "x"]),
            ("f", &["e"]),
            ("g", &[]),
        ];
        let edges: BTreeMap<String, Vec<String>> = graph
            .iter()
            .map(|(n, ts)| (n.to_string(), ts.iter().map(|t| t.to_string()).collect()))
            .collect();
        let reaches = |from: &str, to: &str| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from];
            while let Some(node) = stack.pop() {
                if node == to {
                    return true;
                }
                if seen.insert(node) {
                    stack.extend(edges.get(node).into_iter().flatten().map(String::as_str));
                }
            }
            false
        };
        let component = strongly_connected_components(&edges);
        for from in edges.keys() {
            for to in edges.keys() {
                let same = component[from.as_str()] == component[to.as_str()];
                assert_eq!(same, reaches(from, to) && reaches(to, from), "{from} {to}");
            }
        }
        assert_ne!(component["a"], component["e"]);
        // A target without an entry of its own is a component by itself.
        assert!(edges
            .keys()
            .all(|n| component[n.as_str()] != component["x"]));
    }
}
