//! Plan: decides every Rust name and type mapping before any token is
//! emitted. The plan is plain data; `emit` only renders it.

use std::collections::{BTreeMap, BTreeSet};

use wsdl::{
    Compositor, Content, Definitions, ElementDecl, QName, SimpleKind, SoapVersion, Style, Term,
    TypeDef, TypeRef, Use,
};

use crate::names::{self, Scope};
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
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeItem {
    Struct(StructPlan),
    Enum(EnumPlan),
    Alias(AliasPlan),
    Array(ArrayPlan),
}

impl TypeItem {
    pub fn name(&self) -> &str {
        match self {
            TypeItem::Struct(s) => &s.name,
            TypeItem::Enum(e) => &e.name,
            TypeItem::Alias(a) => &a.name,
            TypeItem::Array(a) => &a.name,
        }
    }
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
    pub element: QName,
    pub ty: TypeUse,
    pub occurs: Occurs,
    /// Redacted in `Debug` output.
    pub sensitive: bool,
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    /// A std type written through `XmlValue` (`String`, `i32`...).
    Builtin(&'static str),
    /// A generated simple type (enum or alias), written through `XmlValue`.
    Simple(String),
    /// A generated struct, written through `XmlEncode`/`XmlDecode`.
    Complex(String),
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
        matches!(self, RustType::Builtin(_) | RustType::Simple(_))
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
    pub target: &'static str,
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

/// Maps XSD built-in types to Rust. `None` for a built-in whose sound
/// mapping is not implemented yet: the caller reports it by name.
fn builtin(local: &str) -> Option<&'static str> {
    Some(match local {
        "string" | "normalizedString" | "token" | "language" | "Name" | "NCName" | "NMTOKEN"
        | "ID" | "IDREF" | "ENTITY" | "anyURI" => "String",
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
}

struct Planner<'d> {
    defs: &'d Definitions,
    options: &'d Options,
    scope: Scope,
    names: BTreeMap<TypeKey, String>,
    items: Vec<TypeItem>,
    /// Anonymous local types already planned, keyed by their Rust name.
    planned: BTreeSet<String>,
}

pub fn plan(defs: &Definitions, options: &Options) -> Result<Plan, Error> {
    let mut planner = Planner {
        defs,
        options,
        scope: Scope::default(),
        names: BTreeMap::new(),
        items: Vec::new(),
        planned: BTreeSet::new(),
    };
    // The generator's own items keep their plain names.
    let fault_enum = planner.scope.claim("Fault", None);
    let error_alias = planner.scope.claim("Error", None);
    let headers_struct = planner.scope.claim("Headers", None);
    planner.name_top_level_types();
    planner.plan_top_level_types()?;

    let mut headers = Vec::new();
    let mut faults = Vec::new();
    let clients = planner.plan_clients(&mut headers, &mut faults)?;
    let endpoints = plan_endpoints(defs);

    let mut types = planner.items;
    box_recursive_fields(&mut types);
    types.sort_by(|a, b| a.name().cmp(b.name()));
    let namespaces = name_namespaces(&types, &headers, &faults, &clients, &mut planner.scope);
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
                    add(&f.element);
                    add_items(&f.ty, &mut add);
                }
                s.attributes.iter().for_each(|a| add(&a.attribute));
            }
            TypeItem::Array(a) => {
                add(&a.item_element);
                add_items(&a.item, &mut add);
            }
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
    fn name_top_level_types(&mut self) {
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
        for key in keys {
            let q = key_qname(&key);
            let name = self.scope.claim(
                &names::type_name(&q.local),
                Some(&names::namespace_suffix(q.namespace.as_deref())),
            );
            self.names.insert(key, name);
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
                let SimpleKind::Restriction {
                    base, enumerations, ..
                } = &simple.kind;
                if enumerations.is_empty() {
                    let target = self.simple_base(base, &origin)?;
                    self.items.push(TypeItem::Alias(AliasPlan {
                        name: name.to_owned(),
                        doc,
                        origin,
                        target,
                    }));
                } else {
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
            }
            TypeDef::Complex(complex)
                if complex.name.is_some() && array_item(complex).is_some() =>
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
                let mut scope = Scope::default();
                let mut attributes = Vec::new();
                for attr in &complex.attributes {
                    let ty = self.type_use(&attr.ty, name, &attr.name.local, &origin)?;
                    if !ty.rust.is_simple() {
                        return Err(Error::unsupported(
                            "attribute of complex type",
                            format!("{origin}, attribute `{}`", attr.name),
                        ));
                    }
                    attributes.push(AttributePlan {
                        name: scope.claim(&names::field_name(&attr.name.local), None),
                        doc: attr.documentation.clone(),
                        attribute: attr.name.clone(),
                        ty,
                        required: attr.required,
                        sensitive: self.options.sensitive_fields.contains(&attr.name.local),
                    });
                }
                let Content::Elements(group) = &complex.content;
                if group.compositor == Compositor::All
                    && group.particles.iter().any(|p| p.max_occurs != Some(1))
                {
                    return Err(Error::unsupported("xs:all with repeated elements", origin));
                }
                let mut fields = Vec::new();
                for particle in &group.particles {
                    let Term::Element(element) = &particle.term;
                    let occurs = match (particle.min_occurs, particle.max_occurs) {
                        (_, Some(0)) => continue,
                        (0, Some(1)) => Occurs::Optional,
                        (_, Some(1)) => Occurs::Required,
                        _ => Occurs::Many,
                    };
                    if element.nillable {
                        return Err(Error::unsupported(
                            "nillable element",
                            format!("{origin}, element `{}`", element.name),
                        ));
                    }
                    let ty = self.type_use(&element.ty, name, &element.name.local, &origin)?;
                    fields.push(FieldPlan {
                        name: scope.claim(&names::field_name(&element.name.local), None),
                        doc: element.documentation.clone(),
                        element: element.name.clone(),
                        ty,
                        occurs,
                        sensitive: self.options.sensitive_fields.contains(&element.name.local),
                    });
                }
                let any_attribute = complex
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
                }));
            }
        }
        Ok(())
    }

    fn simple_base(&self, base: &QName, origin: &str) -> Result<&'static str, Error> {
        if base.is_xsd() {
            return builtin(&base.local).ok_or_else(|| {
                Error::unsupported(
                    format!("built-in type xs:{}", base.local),
                    origin.to_owned(),
                )
            });
        }
        match self.defs.schema.types.get(base) {
            Some(TypeDef::Simple(simple)) => {
                let SimpleKind::Restriction { base: inner, .. } = &simple.kind;
                self.simple_base(inner, origin)
            }
            _ => Err(Error::unsupported(
                format!("restriction of non-simple type `{base}`"),
                origin.to_owned(),
            )),
        }
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
        let rust = match ty {
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
                    Some(TypeDef::Complex(complex)) => match array_item(complex) {
                        Some(item) => {
                            let item_use =
                                self.type_use(&item.ty, &name, &item.name.local, origin)?;
                            RustType::Array {
                                alias: name,
                                item: Box::new(item_use),
                                item_element: item.name.clone(),
                            }
                        }
                        None => RustType::Complex(name),
                    },
                    None => RustType::Complex(name),
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
        Ok(TypeUse { rust, boxed: false })
    }

    /// The Rust type that holds a global element's content.
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
        let ty = match &decl.ty {
            TypeRef::Anonymous(def) => {
                let name = self.names[&TypeKey::Element(element.clone())].clone();
                let rust = match def.as_ref() {
                    TypeDef::Simple(_) => RustType::Simple(name),
                    TypeDef::Complex(_) => RustType::Complex(name),
                };
                TypeUse { rust, boxed: false }
            }
            named => self.type_use(named, "", &element.local, origin)?,
        };
        if matches!(ty.rust, RustType::Array { .. }) {
            return Err(Error::unsupported(
                format!("array wrapper type as the type of message element `{element}`"),
                origin.to_owned(),
            ));
        }
        Ok((ty, decl))
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
                let origin = format!("operation `{}` of port type `{}`", op.name, port_type_name);
                let mut op_bindings = Vec::new();
                let mut body_parts: Option<Vec<String>> = None;
                let mut header_refs = BTreeSet::new();
                for binding in &bindings {
                    let Some(bop) = binding.operations.iter().find(|o| o.name == op.name) else {
                        continue;
                    };
                    if bop.style == Style::Rpc {
                        return Err(Error::unsupported(
                            "rpc style",
                            format!("{origin}, binding `{}`", binding.name),
                        ));
                    }
                    for message in [&bop.input, &bop.output].into_iter().flatten() {
                        if message.body.use_ == Use::Encoded {
                            return Err(Error::unsupported(
                                "use=\"encoded\"",
                                format!("{origin}, binding `{}`", binding.name),
                            ));
                        }
                    }
                    op_bindings.push((binding.soap_version, bop.soap_action.clone()));
                    if let Some(input) = &bop.input {
                        if body_parts.is_none() {
                            body_parts = input.body.parts.clone();
                        }
                        for header in &input.headers {
                            header_refs.insert((header.message.clone(), header.part.clone()));
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
                if let Some(message_ref) = &op.input {
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
                        let body: Vec<_> = message.parts.iter().collect();
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
                                    format!("output message with {} body parts", body.len()),
                                    origin,
                                ))
                            }
                        }
                    }
                };

                let mut fault_indexes = Vec::new();
                for fault in &op.faults {
                    let message = &defs.messages[&fault.message];
                    for part in &message.parts {
                        let element = element_of_part(part, &origin)?;
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
            clients.push(ClientPlan {
                name: client_name,
                service_trait,
                dispatch_fn,
                doc: port_type.documentation.clone(),
                port_type: port_type_name.clone(),
                operations,
            });
        }
        Ok(clients)
    }
}

/// The repeated element of an array wrapper type: a sequence of exactly one
/// element that may repeat, and nothing else (no attributes).
fn array_item(complex: &wsdl::ComplexType) -> Option<&wsdl::LocalElement> {
    let Content::Elements(group) = &complex.content;
    match group.particles.as_slice() {
        [particle]
            if particle.max_occurs != Some(1)
                && particle.max_occurs != Some(0)
                && complex.attributes.is_empty()
                && complex.any_attribute.is_none()
                && group.compositor == Compositor::Sequence =>
        {
            let Term::Element(element) = &particle.term;
            (!element.nillable).then_some(element)
        }
        _ => None,
    }
}

fn key_qname(key: &TypeKey) -> &QName {
    match key {
        TypeKey::Named(q) | TypeKey::Element(q) => q,
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

/// Boxes each single-valued field whose type can reach back to the struct
/// that holds it without passing through a `Vec`.
fn box_recursive_fields(items: &mut [TypeItem]) {
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in items.iter() {
        if let TypeItem::Struct(s) = item {
            let targets = s
                .fields
                .iter()
                .filter(|f| f.occurs != Occurs::Many)
                .filter_map(|f| match &f.ty.rust {
                    RustType::Complex(n) => Some(n.clone()),
                    _ => None,
                })
                .collect();
            edges.insert(s.name.clone(), targets);
        }
    }
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(node) = stack.pop() {
            if node == to {
                return true;
            }
            if seen.insert(node.clone()) {
                stack.extend(edges.get(&node).into_iter().flatten().cloned());
            }
        }
        false
    };
    for item in items.iter_mut() {
        if let TypeItem::Struct(s) = item {
            for field in &mut s.fields {
                if field.occurs == Occurs::Many {
                    continue;
                }
                if let RustType::Complex(target) = &field.ty.rust {
                    if reaches(target, &s.name) {
                        field.ty.boxed = true;
                    }
                }
            }
        }
    }
}
