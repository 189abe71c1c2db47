//! Stage 2a: XML Schema. Indexes the global components of every schema
//! unit, then builds the model's [`Schema`], resolving each QName through the
//! prefixes in scope where it is written and checking it names something.

use std::collections::{BTreeMap, BTreeSet};

use xmltree::Element;

use crate::dom::{
    attr, children, display_name, documentation_text, is, join_docs, ns, resolve_qname, Child,
};
use crate::error::{invalid, unsupported, Error};
use crate::load::Loaded;
use crate::model::*;

/// Deepest recursion of the builder (nested anonymous types, chains of
/// element references).
pub(crate) const MAX_DEPTH: usize = 256;

/// Upper bound on particles and attributes copied into the model by
/// `ref=` to elements with anonymous types; stops exponential blow-up.
const MAX_COPIED_NODES: usize = 1_000_000;

/// XSD 1.0 built-in type names (Part 2, section 3 plus the two ur-types).
const XSD_BUILTINS: &[&str] = &[
    "anyType",
    "anySimpleType",
    "string",
    "boolean",
    "decimal",
    "float",
    "double",
    "duration",
    "dateTime",
    "time",
    "date",
    "gYearMonth",
    "gYear",
    "gMonthDay",
    "gDay",
    "gMonth",
    "hexBinary",
    "base64Binary",
    "anyURI",
    "QName",
    "NOTATION",
    "normalizedString",
    "token",
    "language",
    "NMTOKEN",
    "NMTOKENS",
    "Name",
    "NCName",
    "ID",
    "IDREF",
    "IDREFS",
    "ENTITY",
    "ENTITIES",
    "integer",
    "nonPositiveInteger",
    "negativeInteger",
    "long",
    "int",
    "short",
    "byte",
    "nonNegativeInteger",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
    "positiveInteger",
];

/// True for the name of an XSD 1.0 built-in type (in the XSD namespace).
pub(crate) fn is_builtin(name: &QName) -> bool {
    name.is_xsd() && XSD_BUILTINS.contains(&name.local.as_str())
}

/// Facets kept as (name, value); `enumeration` is kept apart.
const FACETS: &[&str] = &[
    "length",
    "minLength",
    "maxLength",
    "pattern",
    "whiteSpace",
    "maxInclusive",
    "maxExclusive",
    "minInclusive",
    "minExclusive",
    "totalDigits",
    "fractionDigits",
];

struct Unit<'a> {
    file: &'a str,
    tns: Option<&'a str>,
    chameleon: bool,
    qualified_elements: bool,
    qualified_attributes: bool,
}

/// A global declaration found by the index.
#[derive(Clone)]
struct Global<'a> {
    unit: usize,
    el: &'a Element,
    path: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Complex,
    Simple,
}

/// An element being walked: where it is and which schema it belongs to.
struct Node<'a, 'p> {
    unit: usize,
    el: &'a Element,
    path: &'p str,
}

struct Builder<'a> {
    units: Vec<Unit<'a>>,
    elements: BTreeMap<QName, Global<'a>>,
    types: BTreeMap<QName, (Global<'a>, Kind)>,
    attributes: BTreeMap<QName, Global<'a>>,
    groups: BTreeMap<QName, Global<'a>>,
    attribute_groups: BTreeMap<QName, Global<'a>>,
    /// Group and attribute group references being expanded (cycle check).
    group_stack: Vec<QName>,
    built: BTreeMap<QName, ElementDecl>,
    in_progress: BTreeSet<QName>,
    copied: usize,
    notes: Vec<String>,
}

/// Builds the merged schema of every unit; also returns notes on what was
/// passed over on purpose.
pub(crate) fn build(loaded: &Loaded) -> Result<(Schema, Vec<String>), Error> {
    let mut b = Builder {
        units: Vec::new(),
        elements: BTreeMap::new(),
        types: BTreeMap::new(),
        attributes: BTreeMap::new(),
        groups: BTreeMap::new(),
        attribute_groups: BTreeMap::new(),
        group_stack: Vec::new(),
        built: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        copied: 0,
        notes: Vec::new(),
    };
    for unit in &loaded.schemas {
        let root = loaded.schema_element(unit)?;
        let file = loaded.docs[unit.doc].file.as_str();
        let form = |name: &str| match attr(root, name) {
            None | Some("unqualified") => Ok(false),
            Some("qualified") => Ok(true),
            Some(other) => Err(invalid(
                format!("{name}=\"{other}\" is neither qualified nor unqualified"),
                file,
                &unit.path,
            )),
        };
        b.units.push(Unit {
            file,
            tns: unit.target_namespace.as_deref(),
            chameleon: unit.chameleon,
            qualified_elements: form("elementFormDefault")?,
            qualified_attributes: form("attributeFormDefault")?,
        });
        b.index(b.units.len() - 1, root, &unit.path)?;
    }

    let globals: Vec<(QName, Global)> = b
        .elements
        .iter()
        .map(|(q, g)| (q.clone(), g.clone()))
        .collect();
    for (name, g) in globals {
        b.element_decl(&name, g, 0)?;
    }
    let mut schema = Schema {
        elements: std::mem::take(&mut b.built),
        types: BTreeMap::new(),
    };
    let types: Vec<(QName, Global, Kind)> = b
        .types
        .iter()
        .map(|(q, (g, k))| (q.clone(), g.clone(), *k))
        .collect();
    for (name, g, kind) in types {
        let node = Node {
            unit: g.unit,
            el: g.el,
            path: &g.path,
        };
        let def = match kind {
            Kind::Complex => TypeDef::Complex(b.complex_type(&node, Some(name.clone()), 0)?),
            Kind::Simple => TypeDef::Simple(b.simple_type(&node, Some(name.clone()), 0)?),
        };
        schema.types.insert(name, def);
    }
    Ok((schema, b.notes))
}

fn depth_check(depth: usize, file: &str, path: &str) -> Result<(), Error> {
    if depth > MAX_DEPTH {
        Err(Error::TooDeep {
            file: file.to_owned(),
            path: path.to_owned(),
            limit: MAX_DEPTH,
        })
    } else {
        Ok(())
    }
}

fn parse_bool(node: &Node, file: &str, name: &str) -> Result<bool, Error> {
    match attr(node.el, name).map(str::trim) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(other) => Err(invalid(
            format!("{name}=\"{other}\" is not a boolean"),
            file,
            node.path,
        )),
    }
}

/// Documentation of an `xs:annotation` child, if any.
fn annotation(el: &Element) -> Option<String> {
    let docs: Vec<String> = el
        .children
        .iter()
        .filter_map(|n| n.as_element())
        .filter(|c| is(c, XSD_NS, "annotation"))
        .flat_map(|a| a.children.iter().filter_map(|n| n.as_element()))
        .filter(|d| is(d, XSD_NS, "documentation"))
        .filter_map(documentation_text)
        .collect();
    join_docs(docs)
}

/// The XSD-namespace local name of `el`, or `None` for an element in another namespace.
fn xsd_name(el: &Element) -> Option<&str> {
    (ns(el) == Some(XSD_NS)).then_some(el.name.as_str())
}

impl<'a> Builder<'a> {
    fn file(&self, unit: usize) -> &'a str {
        self.units[unit].file
    }

    fn required<'e>(&self, node: &Node<'e, '_>, name: &str) -> Result<&'e str, Error> {
        attr(node.el, name).ok_or_else(|| {
            invalid(
                format!("{} has no `{name}` attribute", display_name(node.el)),
                self.file(node.unit),
                node.path,
            )
        })
    }

    fn unsupported_here(&self, node: &Node, construct: impl Into<String>) -> Error {
        unsupported(construct, self.file(node.unit), node.path)
    }

    /// Resolves a QName attribute value. In a chameleon-included schema a
    /// no-namespace name takes the includer's namespace.
    fn qname(&self, node: &Node, value: &str) -> Result<QName, Error> {
        let mut q = resolve_qname(value, node.el, self.file(node.unit), node.path)?;
        let unit = &self.units[node.unit];
        if unit.chameleon && q.namespace.is_none() {
            q.namespace = unit.tns.map(str::to_owned);
        }
        Ok(q)
    }

    fn global_name(&self, node: &Node) -> Result<QName, Error> {
        let name = self.required(node, "name")?;
        Ok(QName::new(self.units[node.unit].tns, name))
    }

    fn index(&mut self, unit: usize, root: &'a Element, path: &str) -> Result<(), Error> {
        let file = self.file(unit);
        for Child { el, path } in children(root, path) {
            let node = Node {
                unit,
                el,
                path: &path,
            };
            let kind = match xsd_name(el) {
                Some("import" | "include" | "annotation") => continue,
                Some(
                    k @ ("element" | "attribute" | "complexType" | "simpleType" | "group"
                    | "attributeGroup"),
                ) => k,
                Some("notation") => {
                    self.notes.push(format!(
                        "ignored xs:notation at {file}: {path} (notations declare no content)"
                    ));
                    continue;
                }
                _ => return Err(self.unsupported_here(&node, display_name(el))),
            };
            let name = self.global_name(&node)?;
            let global = Global {
                unit,
                el,
                path: path.clone(),
            };
            // Elements, attributes and types are separate symbol spaces.
            let (space, first) = match kind {
                "element" => ("element", self.elements.insert(name.clone(), global)),
                "attribute" => ("attribute", self.attributes.insert(name.clone(), global)),
                "group" => ("group", self.groups.insert(name.clone(), global)),
                "attributeGroup" => (
                    "attribute group",
                    self.attribute_groups.insert(name.clone(), global),
                ),
                _ => {
                    let k = if kind == "complexType" {
                        Kind::Complex
                    } else {
                        Kind::Simple
                    };
                    (
                        "type",
                        self.types.insert(name.clone(), (global, k)).map(|(g, _)| g),
                    )
                }
            };
            if let Some(first) = first {
                if first.unit != unit && same_definition(first.el, el) {
                    // The same definition reached through two files (a
                    // schema copied next to its chameleon twin): the first
                    // one stands, and the repeat is said out loud.
                    self.notes.push(format!(
                        "{space} {name} is defined identically in {file}: {path} and {}: {}; the first is used",
                        self.file(first.unit),
                        first.path
                    ));
                    match kind {
                        "element" => {
                            self.elements.insert(name, first);
                        }
                        "attribute" => {
                            self.attributes.insert(name, first);
                        }
                        "group" => {
                            self.groups.insert(name, first);
                        }
                        "attributeGroup" => {
                            self.attribute_groups.insert(name, first);
                        }
                        _ => {
                            if let Some(entry) = self.types.get_mut(&name) {
                                entry.0 = first;
                            }
                        }
                    }
                    continue;
                }
                return Err(Error::Duplicate {
                    kind: space,
                    name: name.to_string(),
                    file: file.to_owned(),
                    path,
                    first: format!("{}: {}", self.file(first.unit), first.path),
                });
            }
        }
        Ok(())
    }

    /// Checks a named type reference. `simple_only` rejects complex types
    /// where only a simple type fits (attributes, restriction bases).
    fn check_type(&self, node: &Node, name: &QName, simple_only: bool) -> Result<(), Error> {
        let file = self.file(node.unit);
        if name.is_xsd() {
            if is_builtin(name) {
                return Ok(());
            }
            return Err(Error::Unresolved {
                kind: "type",
                name: name.to_string(),
                file: file.to_owned(),
                path: node.path.to_owned(),
                note: Some("not an XML Schema 1.0 built-in type".to_owned()),
            });
        }
        match self.types.get(name) {
            Some((_, Kind::Complex)) if simple_only => Err(invalid(
                format!("{name} is a complex type; a simple type is required here"),
                file,
                node.path,
            )),
            Some(_) => Ok(()),
            None => Err(Error::Unresolved {
                kind: "type",
                name: name.to_string(),
                file: file.to_owned(),
                path: node.path.to_owned(),
                note: None,
            }),
        }
    }

    /// The global element `name`, built once; later calls clone it.
    fn element_decl(
        &mut self,
        name: &QName,
        g: Global<'a>,
        depth: usize,
    ) -> Result<ElementDecl, Error> {
        if let Some(decl) = self.built.get(name) {
            return Ok(decl.clone());
        }
        let node = Node {
            unit: g.unit,
            el: g.el,
            path: &g.path,
        };
        let file = self.file(g.unit);
        depth_check(depth, file, &g.path)?;
        if !self.in_progress.insert(name.clone()) {
            // Only an anonymous type can lead back to its own element: a
            // `type=` reference is a name and is not followed.
            return Err(self.unsupported_here(
                &node,
                format!("recursive xs:element ref to {name}, whose type is anonymous (give the type a name)"),
            ));
        }
        let substitution_group = match attr(g.el, "substitutionGroup") {
            Some(value) => {
                // XSD 1.1 allows a list; the first head is the one the model keeps.
                let first = value.split_whitespace().next().unwrap_or(value);
                let head = self.qname(&node, first)?;
                if !self.elements.contains_key(&head) {
                    return Err(Error::Unresolved {
                        kind: "element",
                        name: head.to_string(),
                        file: file.to_owned(),
                        path: g.path.clone(),
                        note: Some("named by substitutionGroup".to_owned()),
                    });
                }
                Some(head)
            }
            None => None,
        };
        let ty = self.element_type(&node, depth + 1)?;
        let decl = ElementDecl {
            name: name.clone(),
            ty,
            nillable: parse_bool(&node, file, "nillable")?,
            documentation: annotation(g.el),
            abstract_: parse_bool(&node, file, "abstract")?,
            substitution_group,
            default: attr(g.el, "default").map(str::to_owned),
            fixed: attr(g.el, "fixed").map(str::to_owned),
        };
        self.in_progress.remove(name);
        self.built.insert(name.clone(), decl.clone());
        Ok(decl)
    }

    /// The type of an element declaration: `type=`, an inline type, or
    /// `xs:anyType` when it has neither.
    fn element_type(&mut self, node: &Node<'a, '_>, depth: usize) -> Result<TypeRef, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        if attr(node.el, "default").is_some() && attr(node.el, "fixed").is_some() {
            return Err(invalid(
                "xs:element has both default= and fixed=",
                file,
                node.path,
            ));
        }
        let mut inline: Option<TypeRef> = None;
        for Child { el, path } in children(node.el, node.path) {
            let child = Node {
                unit: node.unit,
                el,
                path: &path,
            };
            let def = match xsd_name(el) {
                Some("annotation") => continue,
                Some(constraint @ ("unique" | "key" | "keyref")) => {
                    // Identity constraints restrict values, not shapes.
                    self.notes.push(format!(
                        "ignored xs:{constraint} at {file}: {path} (identity constraints only constrain values)"
                    ));
                    continue;
                }
                Some("complexType") => {
                    TypeDef::Complex(self.complex_type(&child, None, depth + 1)?)
                }
                Some("simpleType") => TypeDef::Simple(self.simple_type(&child, None, depth + 1)?),
                _ => return Err(self.unsupported_here(&child, display_name(el))),
            };
            if inline.is_some() {
                return Err(invalid("xs:element has two inline types", file, node.path));
            }
            inline = Some(TypeRef::Anonymous(Box::new(def)));
        }
        match (attr(node.el, "type"), inline) {
            (Some(_), Some(_)) => Err(invalid(
                "xs:element has both a type attribute and an inline type",
                file,
                node.path,
            )),
            (Some(value), None) => {
                let q = self.qname(node, value)?;
                self.check_type(node, &q, false)?;
                Ok(TypeRef::Named(q))
            }
            (None, Some(t)) => Ok(t),
            (None, None) => Ok(TypeRef::Named(QName::new(Some(XSD_NS), "anyType"))),
        }
    }

    fn complex_type(
        &mut self,
        node: &Node<'a, '_>,
        name: Option<QName>,
        depth: usize,
    ) -> Result<ComplexType, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let mut ct = ComplexType {
            name,
            documentation: annotation(node.el),
            abstract_: parse_bool(node, file, "abstract")?,
            mixed: parse_bool(node, file, "mixed")?,
            derivation: None,
            content: Content::Elements(empty_group()),
            attributes: Vec::new(),
            any_attribute: None,
        };
        let mut parts = Parts::default();
        for Child { el, path } in children(node.el, node.path) {
            let child = Node {
                unit: node.unit,
                el,
                path: &path,
            };
            match xsd_name(el) {
                Some("complexContent") => {
                    if parts.content.is_some() || ct.derivation.is_some() {
                        return Err(invalid(
                            "xs:complexType has two content models",
                            file,
                            &path,
                        ));
                    }
                    if parse_bool(&child, file, "mixed")? {
                        ct.mixed = true;
                    }
                    self.complex_content(&child, &mut ct, &mut parts, depth + 1)?;
                }
                Some("simpleContent") => {
                    if parts.content.is_some() || ct.derivation.is_some() {
                        return Err(invalid(
                            "xs:complexType has two content models",
                            file,
                            &path,
                        ));
                    }
                    self.simple_content(&child, &mut ct, &mut parts, depth + 1)?;
                }
                _ => self.content_child(&child, &mut parts, false, depth + 1)?,
            }
        }
        if let Some(content) = parts.content {
            ct.content = Content::Elements(content);
        }
        ct.attributes = parts.attributes;
        ct.any_attribute = parts.any_attribute;
        match &mut ct.derivation {
            Some(derivation) if derivation.method == DerivationMethod::Restriction => {
                derivation.prohibited_attributes =
                    parts.prohibited.into_iter().map(|(name, _)| name).collect();
            }
            _ => {
                if let Some((_, path)) = parts.prohibited.first() {
                    return Err(unsupported(
                        "xs:attribute use=\"prohibited\" outside a complexContent restriction",
                        file,
                        path,
                    ));
                }
            }
        }
        Ok(ct)
    }

    /// One child of a complex type, or of its complexContent/simpleContent
    /// derivation: a content model, an attribute, an attribute group or
    /// `xs:anyAttribute`. `simple` refuses content models (simpleContent).
    fn content_child(
        &mut self,
        node: &Node<'a, '_>,
        parts: &mut Parts,
        simple: bool,
        depth: usize,
    ) -> Result<(), Error> {
        let file = self.file(node.unit);
        match xsd_name(node.el) {
            Some("annotation") => {}
            Some(group @ ("sequence" | "all" | "choice" | "group")) if !simple => {
                if parts.content.is_some() {
                    return Err(invalid(
                        "xs:complexType has two content models",
                        file,
                        node.path,
                    ));
                }
                let particle = if group == "group" {
                    self.group_ref(node, depth + 1)?
                } else {
                    let (min_occurs, max_occurs) = occurs(node, file)?;
                    Particle {
                        min_occurs,
                        max_occurs,
                        term: Term::Group(self.model_group(node, compositor(group), depth + 1)?),
                    }
                };
                parts.content = Some(match particle {
                    // A group that occurs exactly once is the content model itself.
                    Particle {
                        min_occurs: 1,
                        max_occurs: Some(1),
                        term: Term::Group(group),
                    } => group,
                    other => ModelGroup {
                        compositor: Compositor::Sequence,
                        particles: vec![other],
                        reference: None,
                    },
                });
            }
            Some("attribute") => {
                if attr(node.el, "use").map(str::trim) == Some("prohibited") {
                    let name = match attr(node.el, "ref") {
                        Some(r) => self.qname(node, r)?,
                        None => {
                            let local = self.required(node, "name")?;
                            let unit = &self.units[node.unit];
                            let qualified = form(node, file, unit.qualified_attributes)?;
                            QName::new(if qualified { unit.tns } else { None }, local)
                        }
                    };
                    parts.prohibited.push((name, node.path.to_owned()));
                } else {
                    let attribute = self.attribute(node, depth + 1)?;
                    if parts.attributes.iter().any(|a| a.name == attribute.name) {
                        return Err(invalid(
                            format!("attribute {} is declared twice", attribute.name),
                            file,
                            node.path,
                        ));
                    }
                    parts.attributes.push(attribute);
                }
            }
            Some("attributeGroup") => self.attribute_group_ref(node, parts, depth + 1)?,
            Some("anyAttribute") => {
                // Two wildcards (one from an attribute group) intersect in
                // XSD; keeping the first is the wider reading, and nothing
                // received is dropped either way.
                if parts.any_attribute.is_none() {
                    parts.any_attribute = Some(wildcard(node.el, self.units[node.unit].tns));
                }
            }
            _ => return Err(self.unsupported_here(node, display_name(node.el))),
        }
        Ok(())
    }

    /// The single `extension` or `restriction` of an `xs:complexContent` or
    /// `xs:simpleContent` (`construct` says which), its method and its base.
    fn derivation_child(
        &mut self,
        node: &Node<'a, '_>,
        construct: &str,
    ) -> Result<(Child<'a>, DerivationMethod, QName), Error> {
        let file = self.file(node.unit);
        let mut found = None;
        for child in children(node.el, node.path) {
            let method = match xsd_name(child.el) {
                Some("annotation") => continue,
                Some("extension") => DerivationMethod::Extension,
                Some("restriction") => DerivationMethod::Restriction,
                _ => {
                    let at = Node {
                        unit: node.unit,
                        el: child.el,
                        path: &child.path,
                    };
                    return Err(self.unsupported_here(&at, display_name(child.el)));
                }
            };
            if found.is_some() {
                return Err(invalid(
                    format!("{construct} has two derivations"),
                    file,
                    node.path,
                ));
            }
            found = Some((child, method));
        }
        let Some((child, method)) = found else {
            return Err(invalid(
                format!("{construct} has no extension or restriction"),
                file,
                node.path,
            ));
        };
        let at = Node {
            unit: node.unit,
            el: child.el,
            path: &child.path,
        };
        let base = self.qname(&at, self.required(&at, "base")?)?;
        Ok((child, method, base))
    }

    /// `xs:complexContent` with its `extension` or `restriction`.
    fn complex_content(
        &mut self,
        node: &Node<'a, '_>,
        ct: &mut ComplexType,
        parts: &mut Parts,
        depth: usize,
    ) -> Result<(), Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let (derived, method, base) = self.derivation_child(node, "xs:complexContent")?;
        let child = Node {
            unit: node.unit,
            el: derived.el,
            path: &derived.path,
        };
        if base == QName::new(Some(SOAP_ENCODING_NS), "Array")
            && method == DerivationMethod::Restriction
        {
            ct.derivation = Some(Derivation {
                base,
                method,
                prohibited_attributes: Vec::new(),
            });
            parts.content = Some(self.soap_array(&child)?);
            // soapenc:arrayType (and offset) travel on the array element.
            parts.any_attribute = Some(Wildcard {
                namespace: "##any".to_owned(),
                process_contents: "lax".to_owned(),
                target_namespace: self.units[node.unit].tns.map(str::to_owned),
            });
            return Ok(());
        }
        self.check_type(&child, &base, false)?;
        if matches!(self.types.get(&base), Some((_, Kind::Simple))) {
            return Err(invalid(
                format!("xs:complexContent derives from simple type {base}"),
                file,
                &derived.path,
            ));
        }
        if !(base.is_xsd() && base.local == "anyType") {
            ct.derivation = Some(Derivation {
                base,
                method,
                prohibited_attributes: Vec::new(),
            });
        }
        for Child { el, path } in children(child.el, child.path) {
            let grandchild = Node {
                unit: node.unit,
                el,
                path: &path,
            };
            self.content_child(&grandchild, parts, false, depth + 1)?;
        }
        Ok(())
    }

    /// A `soapenc:Array` restriction: the `wsdl:arrayType` of its
    /// `soapenc:arrayType` attribute names the item type; items are read
    /// and written as `<item>` elements.
    fn soap_array(&mut self, node: &Node<'a, '_>) -> Result<ModelGroup, Error> {
        let file = self.file(node.unit);
        let mut item = None;
        for Child { el, path } in children(node.el, node.path) {
            let child = Node {
                unit: node.unit,
                el,
                path: &path,
            };
            match xsd_name(el) {
                Some("annotation") => {}
                Some("attribute") => {
                    // xmltree drops attribute prefixes: `wsdl:arrayType` reads as `arrayType`.
                    if let Some(array_type) = attr(el, "arrayType") {
                        let value = array_type.trim();
                        let bare = value.split('[').next().unwrap_or(value);
                        let q = self.qname(&child, bare)?;
                        self.check_type(&child, &q, false)?;
                        if value.matches('[').count() > 1 {
                            return Err(self.unsupported_here(
                                &child,
                                format!("soapenc:Array of arrays (wsdl:arrayType=\"{value}\")"),
                            ));
                        }
                        item = Some(TypeRef::Named(q));
                    }
                }
                Some("sequence" | "all") => {
                    // The form that spells the item element out.
                    let group = self.model_group(&child, Compositor::Sequence, 0)?;
                    if let [Particle {
                        term: Term::Element(e),
                        ..
                    }] = group.particles.as_slice()
                    {
                        item = item.or(Some(e.ty.clone()));
                    }
                }
                _ => return Err(self.unsupported_here(&child, display_name(el))),
            }
        }
        let ty = item.unwrap_or(TypeRef::Named(QName::new(Some(XSD_NS), "anyType")));
        if !matches!(&ty, TypeRef::Named(_)) {
            return Err(invalid("soapenc:Array item type", file, node.path));
        }
        Ok(ModelGroup {
            compositor: Compositor::Sequence,
            particles: vec![Particle {
                min_occurs: 0,
                max_occurs: None,
                term: Term::Element(LocalElement {
                    name: QName::new(None, "item"),
                    ty,
                    nillable: true,
                    documentation: None,
                    reference: None,
                    default: None,
                    fixed: None,
                }),
            }],
            reference: None,
        })
    }

    /// `xs:simpleContent` with its `extension` or `restriction`.
    fn simple_content(
        &mut self,
        node: &Node<'a, '_>,
        ct: &mut ComplexType,
        parts: &mut Parts,
        depth: usize,
    ) -> Result<(), Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let (derived, method, base) = self.derivation_child(node, "xs:simpleContent")?;
        {
            let child = Node {
                unit: node.unit,
                el: derived.el,
                path: &derived.path,
            };
            self.check_type(&child, &base, false)?;
            let mut value = TypeRef::Named(base.clone());
            let mut enumerations = Vec::new();
            let mut facets = Vec::new();
            let mut inline = None;
            for Child { el, path } in children(child.el, child.path) {
                let grandchild = Node {
                    unit: node.unit,
                    el,
                    path: &path,
                };
                match xsd_name(el) {
                    Some("simpleType") if method == DerivationMethod::Restriction => {
                        inline = Some(self.simple_type(&grandchild, None, depth + 1)?);
                    }
                    Some("enumeration") if method == DerivationMethod::Restriction => {
                        enumerations.push(self.required(&grandchild, "value")?.to_owned())
                    }
                    Some(facet)
                        if method == DerivationMethod::Restriction && FACETS.contains(&facet) =>
                    {
                        facets.push((
                            facet.to_owned(),
                            self.required(&grandchild, "value")?.to_owned(),
                        ))
                    }
                    _ => self.content_child(&grandchild, parts, true, depth + 1)?,
                }
            }
            if let Some(st) = inline {
                value = TypeRef::Anonymous(Box::new(TypeDef::Simple(st)));
            } else if !enumerations.is_empty() || !facets.is_empty() {
                value = TypeRef::Anonymous(Box::new(TypeDef::Simple(SimpleType {
                    name: None,
                    documentation: None,
                    kind: SimpleKind::Restriction {
                        base: base.clone(),
                        enumerations,
                        facets,
                    },
                })));
            }
            ct.content = Content::Simple(value);
            ct.derivation = Some(Derivation {
                base,
                method,
                prohibited_attributes: Vec::new(),
            });
        }
        Ok(())
    }

    /// `xs:group ref=`: the named group's content, copied in as one particle.
    fn group_ref(&mut self, node: &Node<'a, '_>, depth: usize) -> Result<Particle, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let (min_occurs, max_occurs) = occurs(node, file)?;
        let q = self.qname(node, self.required(node, "ref")?)?;
        let Some(g) = self.groups.get(&q).cloned() else {
            return Err(Error::Unresolved {
                kind: "group",
                name: q.to_string(),
                file: file.to_owned(),
                path: node.path.to_owned(),
                note: None,
            });
        };
        if self.group_stack.contains(&q) {
            return Err(self.unsupported_here(node, format!("xs:group {q} that contains itself")));
        }
        self.group_stack.push(q.clone());
        let global = Node {
            unit: g.unit,
            el: g.el,
            path: &g.path,
        };
        let mut group = None;
        for Child { el, path } in children(g.el, &g.path) {
            let child = Node {
                unit: g.unit,
                el,
                path: &path,
            };
            match xsd_name(el) {
                Some("annotation") => {}
                Some(c @ ("sequence" | "choice" | "all")) if group.is_none() => {
                    group = Some(self.model_group(&child, compositor(c), depth + 1)?);
                }
                _ => {
                    self.group_stack.pop();
                    return Err(self.unsupported_here(&child, display_name(el)));
                }
            }
        }
        self.group_stack.pop();
        let mut group = group.unwrap_or_else(empty_group);
        group.reference = Some(q);
        let particle = Particle {
            min_occurs,
            max_occurs,
            term: Term::Group(group),
        };
        self.charge_particle(&global, &particle)?;
        Ok(particle)
    }

    /// `xs:attributeGroup ref=`: its attributes (and wildcard) are added in place.
    fn attribute_group_ref(
        &mut self,
        node: &Node<'a, '_>,
        parts: &mut Parts,
        depth: usize,
    ) -> Result<(), Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let q = self.qname(node, self.required(node, "ref")?)?;
        let Some(g) = self.attribute_groups.get(&q).cloned() else {
            return Err(Error::Unresolved {
                kind: "attribute group",
                name: q.to_string(),
                file: file.to_owned(),
                path: node.path.to_owned(),
                note: None,
            });
        };
        if self.group_stack.contains(&q) {
            return Err(
                self.unsupported_here(node, format!("xs:attributeGroup {q} that contains itself"))
            );
        }
        self.group_stack.push(q);
        let result = (|| {
            for Child { el, path } in children(g.el, &g.path) {
                let child = Node {
                    unit: g.unit,
                    el,
                    path: &path,
                };
                match xsd_name(el) {
                    Some("annotation" | "attribute" | "attributeGroup" | "anyAttribute") => {
                        self.content_child(&child, parts, true, depth + 1)?
                    }
                    _ => return Err(self.unsupported_here(&child, display_name(el))),
                }
            }
            Ok(())
        })();
        self.group_stack.pop();
        result
    }

    fn model_group(
        &mut self,
        node: &Node<'a, '_>,
        compositor: Compositor,
        depth: usize,
    ) -> Result<ModelGroup, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let mut particles = Vec::new();
        for Child { el, path } in children(node.el, node.path) {
            let child = Node {
                unit: node.unit,
                el,
                path: &path,
            };
            match xsd_name(el) {
                Some("annotation") => {}
                Some("element") => particles.push(self.local_element(&child, depth + 1)?),
                Some(c @ ("sequence" | "choice" | "all")) => {
                    let (min_occurs, max_occurs) = occurs(&child, file)?;
                    particles.push(Particle {
                        min_occurs,
                        max_occurs,
                        term: Term::Group(self.model_group(
                            &child,
                            self::compositor(c),
                            depth + 1,
                        )?),
                    });
                }
                Some("group") => particles.push(self.group_ref(&child, depth + 1)?),
                Some("any") => {
                    let (min_occurs, max_occurs) = occurs(&child, file)?;
                    particles.push(Particle {
                        min_occurs,
                        max_occurs,
                        term: Term::Any(wildcard(el, self.units[node.unit].tns)),
                    });
                }
                _ => return Err(self.unsupported_here(&child, display_name(el))),
            }
        }
        Ok(ModelGroup {
            compositor,
            particles,
            reference: None,
        })
    }

    fn local_element(&mut self, node: &Node<'a, '_>, depth: usize) -> Result<Particle, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let (min_occurs, max_occurs) = occurs(node, file)?;
        let documentation = annotation(node.el);
        let default = attr(node.el, "default").map(str::to_owned);
        let fixed = attr(node.el, "fixed").map(str::to_owned);
        let element = if let Some(reference) = attr(node.el, "ref") {
            for conflicting in ["name", "type", "nillable", "form"] {
                if attr(node.el, conflicting).is_some() {
                    return Err(invalid(
                        format!("xs:element with ref= must not have `{conflicting}`"),
                        file,
                        node.path,
                    ));
                }
            }
            let q = self.qname(node, reference)?;
            let Some(g) = self.elements.get(&q).cloned() else {
                return Err(Error::Unresolved {
                    kind: "element",
                    name: q.to_string(),
                    file: file.to_owned(),
                    path: node.path.to_owned(),
                    note: None,
                });
            };
            if self.in_progress.contains(&q) {
                // A reference to the element whose anonymous type is being
                // built: a recursive structure, named by the element.
                let global = Node {
                    unit: g.unit,
                    el: g.el,
                    path: &g.path,
                };
                let element = LocalElement {
                    name: q.clone(),
                    ty: TypeRef::OfElement(q.clone()),
                    nillable: parse_bool(&global, self.file(g.unit), "nillable")?,
                    documentation: documentation.or_else(|| annotation(g.el)),
                    reference: Some(q),
                    default: default.or_else(|| attr(g.el, "default").map(str::to_owned)),
                    fixed: fixed.or_else(|| attr(g.el, "fixed").map(str::to_owned)),
                };
                return Ok(Particle {
                    min_occurs,
                    max_occurs,
                    term: Term::Element(element),
                });
            }
            let decl = self.element_decl(&q, g, depth + 1)?;
            self.charge_copy(node, &decl.ty)?;
            LocalElement {
                name: decl.name,
                ty: decl.ty,
                nillable: decl.nillable,
                documentation: documentation.or(decl.documentation),
                reference: Some(q),
                default: default.or(decl.default),
                fixed: fixed.or(decl.fixed),
            }
        } else {
            let local = self.required(node, "name")?;
            let unit = &self.units[node.unit];
            let qualified = form(node, file, unit.qualified_elements)?;
            let name = QName::new(if qualified { unit.tns } else { None }, local);
            LocalElement {
                name,
                ty: self.element_type(node, depth + 1)?,
                nillable: parse_bool(node, file, "nillable")?,
                documentation,
                reference: None,
                default,
                fixed,
            }
        };
        Ok(Particle {
            min_occurs,
            max_occurs,
            term: Term::Element(element),
        })
    }

    /// Counts what a `ref=` copies so a schema cannot make the model explode.
    fn charge_copy(&mut self, node: &Node, ty: &TypeRef) -> Result<(), Error> {
        self.charge(node, weight(ty))
    }

    fn charge_particle(&mut self, node: &Node, particle: &Particle) -> Result<(), Error> {
        self.charge(node, particle_weight(particle))
    }

    fn charge(&mut self, node: &Node, weight: usize) -> Result<(), Error> {
        self.copied += weight;
        if self.copied > MAX_COPIED_NODES {
            return Err(invalid(
                format!(
                    "element and group references copy more than {MAX_COPIED_NODES} anonymous type nodes"
                ),
                self.file(node.unit),
                node.path,
            ));
        }
        Ok(())
    }

    fn attribute(&mut self, node: &Node<'a, '_>, depth: usize) -> Result<Attribute, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let required = match attr(node.el, "use").map(str::trim) {
            None | Some("optional") => false,
            Some("required") => true,
            Some(other) => {
                return Err(invalid(
                    format!("xs:attribute use=\"{other}\" is not valid here"),
                    file,
                    node.path,
                ))
            }
        };
        let documentation = annotation(node.el);
        let default = attr(node.el, "default").map(str::to_owned);
        let fixed = attr(node.el, "fixed").map(str::to_owned);
        if let Some(reference) = attr(node.el, "ref") {
            let q = self.qname(node, reference)?;
            let Some(g) = self.attributes.get(&q).cloned() else {
                return Err(Error::Unresolved {
                    kind: "attribute",
                    name: q.to_string(),
                    file: file.to_owned(),
                    path: node.path.to_owned(),
                    note: None,
                });
            };
            let global = Node {
                unit: g.unit,
                el: g.el,
                path: &g.path,
            };
            let decl = self.attribute_decl(&global, q, depth + 1)?;
            return Ok(Attribute {
                required,
                default: default.or(decl.default),
                fixed: fixed.or(decl.fixed),
                documentation: documentation.or(decl.documentation),
                ..decl
            });
        }
        let local = self.required(node, "name")?;
        let unit = &self.units[node.unit];
        let qualified = form(node, file, unit.qualified_attributes)?;
        let name = QName::new(if qualified { unit.tns } else { None }, local);
        let mut decl = self.attribute_decl(node, name, depth + 1)?;
        decl.required = required;
        Ok(decl)
    }

    /// Name, type, default and fixed of an attribute declaration (global or local).
    fn attribute_decl(
        &mut self,
        node: &Node<'a, '_>,
        name: QName,
        depth: usize,
    ) -> Result<Attribute, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let mut inline = None;
        for Child { el, path } in children(node.el, node.path) {
            let child = Node {
                unit: node.unit,
                el,
                path: &path,
            };
            match xsd_name(el) {
                Some("annotation") => {}
                Some("simpleType") => {
                    if inline.is_some() {
                        return Err(invalid("xs:attribute has two inline types", file, &path));
                    }
                    let st = self.simple_type(&child, None, depth + 1)?;
                    inline = Some(TypeRef::Anonymous(Box::new(TypeDef::Simple(st))));
                }
                _ => return Err(self.unsupported_here(&child, display_name(el))),
            }
        }
        let ty = match (attr(node.el, "type"), inline) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "xs:attribute has both a type attribute and an inline type",
                    file,
                    node.path,
                ))
            }
            (Some(value), None) => {
                let q = self.qname(node, value)?;
                self.check_type(node, &q, true)?;
                TypeRef::Named(q)
            }
            (None, Some(t)) => t,
            (None, None) => TypeRef::Named(QName::new(Some(XSD_NS), "anySimpleType")),
        };
        Ok(Attribute {
            name,
            ty,
            required: false,
            default: attr(node.el, "default").map(str::to_owned),
            fixed: attr(node.el, "fixed").map(str::to_owned),
            documentation: annotation(node.el),
        })
    }

    fn simple_type(
        &mut self,
        node: &Node<'a, '_>,
        name: Option<QName>,
        depth: usize,
    ) -> Result<SimpleType, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let mut kind = None;
        for Child { el, path } in children(node.el, node.path) {
            let child = Node {
                unit: node.unit,
                el,
                path: &path,
            };
            match xsd_name(el) {
                Some("annotation") => {}
                Some(derivation @ ("restriction" | "list" | "union")) => {
                    if kind.is_some() {
                        return Err(invalid("xs:simpleType has two derivations", file, &path));
                    }
                    kind = Some(match derivation {
                        "restriction" => self.restriction(&child, depth + 1)?,
                        "list" => self.list(&child, depth + 1)?,
                        _ => self.union(&child, depth + 1)?,
                    });
                }
                _ => return Err(self.unsupported_here(&child, display_name(el))),
            }
        }
        let kind = kind.ok_or_else(|| {
            invalid(
                "xs:simpleType has no restriction, list or union",
                file,
                node.path,
            )
        })?;
        Ok(SimpleType {
            name,
            documentation: annotation(node.el),
            kind,
        })
    }

    /// `xs:list itemType=` or with an inline item type.
    fn list(&mut self, node: &Node<'a, '_>, depth: usize) -> Result<SimpleKind, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let mut item = match attr(node.el, "itemType") {
            Some(value) => {
                let q = self.qname(node, value)?;
                self.check_type(node, &q, true)?;
                Some(TypeRef::Named(q))
            }
            None => None,
        };
        for Child { el, path } in children(node.el, node.path) {
            let child = Node {
                unit: node.unit,
                el,
                path: &path,
            };
            match xsd_name(el) {
                Some("annotation") => {}
                Some("simpleType") if item.is_none() => {
                    let st = self.simple_type(&child, None, depth + 1)?;
                    item = Some(TypeRef::Anonymous(Box::new(TypeDef::Simple(st))));
                }
                _ => return Err(self.unsupported_here(&child, display_name(el))),
            }
        }
        let item = item.ok_or_else(|| invalid("xs:list has no item type", file, node.path))?;
        Ok(SimpleKind::List { item })
    }

    /// `xs:union memberTypes=` and/or inline member types.
    fn union(&mut self, node: &Node<'a, '_>, depth: usize) -> Result<SimpleKind, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let mut members = Vec::new();
        for value in attr(node.el, "memberTypes")
            .unwrap_or("")
            .split_whitespace()
        {
            let q = self.qname(node, value)?;
            self.check_type(node, &q, true)?;
            members.push(TypeRef::Named(q));
        }
        for Child { el, path } in children(node.el, node.path) {
            let child = Node {
                unit: node.unit,
                el,
                path: &path,
            };
            match xsd_name(el) {
                Some("annotation") => {}
                Some("simpleType") => {
                    let st = self.simple_type(&child, None, depth + 1)?;
                    members.push(TypeRef::Anonymous(Box::new(TypeDef::Simple(st))));
                }
                _ => return Err(self.unsupported_here(&child, display_name(el))),
            }
        }
        if members.is_empty() {
            return Err(invalid("xs:union has no member types", file, node.path));
        }
        Ok(SimpleKind::Union { members })
    }

    fn restriction(&mut self, node: &Node<'a, '_>, depth: usize) -> Result<SimpleKind, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let Some(base) = attr(node.el, "base") else {
            // The inline-base form has no place in the model (base is a QName).
            return Err(
                self.unsupported_here(node, "xs:restriction without base= (inline base type)")
            );
        };
        let base = self.qname(node, base)?;
        self.check_type(node, &base, true)?;
        let mut enumerations = Vec::new();
        let mut facets = Vec::new();
        for Child { el, path } in children(node.el, node.path) {
            let child = Node {
                unit: node.unit,
                el,
                path: &path,
            };
            match xsd_name(el) {
                Some("annotation") => {}
                Some("enumeration") => {
                    enumerations.push(self.required(&child, "value")?.to_owned())
                }
                Some(facet) if FACETS.contains(&facet) => {
                    facets.push((facet.to_owned(), self.required(&child, "value")?.to_owned()))
                }
                _ => return Err(unsupported(display_name(el), file, &path)),
            }
        }
        Ok(SimpleKind::Restriction {
            base,
            enumerations,
            facets,
        })
    }
}

/// `minOccurs` / `maxOccurs`, defaulting to 1; `unbounded` is `None`.
fn occurs(node: &Node, file: &str) -> Result<(u32, Option<u32>), Error> {
    let number = |name: &str, value: &str| {
        value.trim().parse::<u32>().map_err(|_| {
            invalid(
                format!("{name}=\"{value}\" is not a non-negative integer"),
                file,
                node.path,
            )
        })
    };
    let min = match attr(node.el, "minOccurs") {
        Some(v) => number("minOccurs", v)?,
        None => 1,
    };
    let max = match attr(node.el, "maxOccurs").map(str::trim) {
        Some("unbounded") => None,
        Some(v) => Some(number("maxOccurs", v)?),
        None => Some(1),
    };
    if max.is_some_and(|max| max < min) {
        return Err(invalid(
            format!("maxOccurs is less than minOccurs ({min})"),
            file,
            node.path,
        ));
    }
    Ok((min, max))
}

/// Whether a local declaration is namespace-qualified: its `form`, or the
/// schema's default.
fn form(node: &Node, file: &str, default: bool) -> Result<bool, Error> {
    match attr(node.el, "form").map(str::trim) {
        None => Ok(default),
        Some("qualified") => Ok(true),
        Some("unqualified") => Ok(false),
        Some(other) => Err(invalid(
            format!("form=\"{other}\" is neither qualified nor unqualified"),
            file,
            node.path,
        )),
    }
}

/// Particles and attributes inside an anonymous type (named references count 0).
fn weight(ty: &TypeRef) -> usize {
    match ty {
        TypeRef::Named(_) | TypeRef::OfElement(_) => 0,
        TypeRef::Anonymous(def) => match def.as_ref() {
            TypeDef::Simple(_) => 1,
            TypeDef::Complex(ct) => {
                1 + ct.attributes.len()
                    + match &ct.content {
                        Content::Elements(group) => {
                            group.particles.iter().map(particle_weight).sum()
                        }
                        Content::Simple(ty) => weight(ty),
                    }
            }
        },
    }
}

fn particle_weight(particle: &Particle) -> usize {
    match &particle.term {
        Term::Element(e) => 1 + weight(&e.ty),
        Term::Group(g) => 1 + g.particles.iter().map(particle_weight).sum::<usize>(),
        Term::Any(_) => 1,
    }
}

/// Two global definitions say the same thing: same names, attributes and
/// children, ignoring annotations, whitespace and namespace declarations.
fn same_definition(a: &Element, b: &Element) -> bool {
    fn significant(el: &Element) -> Vec<&xmltree::XMLNode> {
        el.children
            .iter()
            .filter(|n| match n {
                xmltree::XMLNode::Element(e) => !is(e, XSD_NS, "annotation"),
                xmltree::XMLNode::Text(t) | xmltree::XMLNode::CData(t) => !t.trim().is_empty(),
                _ => false,
            })
            .collect()
    }
    if a.name != b.name || ns(a) != ns(b) || a.attributes != b.attributes {
        return false;
    }
    let (ca, cb) = (significant(a), significant(b));
    ca.len() == cb.len()
        && ca.iter().zip(&cb).all(|(x, y)| match (x, y) {
            (xmltree::XMLNode::Element(x), xmltree::XMLNode::Element(y)) => same_definition(x, y),
            (
                xmltree::XMLNode::Text(x) | xmltree::XMLNode::CData(x),
                xmltree::XMLNode::Text(y) | xmltree::XMLNode::CData(y),
            ) => x.trim() == y.trim(),
            _ => false,
        })
}

/// What the children of a complex type (or of its derivation) add up to.
#[derive(Default)]
struct Parts {
    content: Option<ModelGroup>,
    attributes: Vec<Attribute>,
    any_attribute: Option<Wildcard>,
    /// `use="prohibited"` attributes, with where each is written.
    prohibited: Vec<(QName, String)>,
}

fn empty_group() -> ModelGroup {
    ModelGroup {
        compositor: Compositor::Sequence,
        particles: Vec::new(),
        reference: None,
    }
}

fn compositor(name: &str) -> Compositor {
    match name {
        "all" => Compositor::All,
        "choice" => Compositor::Choice,
        _ => Compositor::Sequence,
    }
}

/// `xs:any` / `xs:anyAttribute` with XSD's defaults.
fn wildcard(el: &Element, tns: Option<&str>) -> Wildcard {
    Wildcard {
        namespace: attr(el, "namespace").unwrap_or("##any").to_owned(),
        target_namespace: tns.map(str::to_owned),
        process_contents: attr(el, "processContents").unwrap_or("strict").to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_known() {
        assert!(is_builtin(&QName::new(Some(XSD_NS), "dateTime")));
        assert!(is_builtin(&QName::new(Some(XSD_NS), "anyType")));
        assert!(!is_builtin(&QName::new(Some(XSD_NS), "datetime")));
        assert!(!is_builtin(&QName::new(None, "string")));
        assert_eq!(XSD_BUILTINS.len(), 46);
    }
}
