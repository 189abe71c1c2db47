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
                Some(k @ ("element" | "attribute" | "complexType" | "simpleType")) => k,
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
        if parse_bool(&node, file, "abstract")? {
            return Err(self.unsupported_here(&node, "xs:element abstract=\"true\""));
        }
        if attr(g.el, "substitutionGroup").is_some() {
            return Err(self.unsupported_here(&node, "xs:element substitutionGroup"));
        }
        let ty = self.element_type(&node, depth + 1)?;
        let decl = ElementDecl {
            name: name.clone(),
            ty,
            nillable: parse_bool(&node, file, "nillable")?,
            documentation: annotation(g.el),
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
        for value_constraint in ["default", "fixed"] {
            if attr(node.el, value_constraint).is_some() {
                return Err(self.unsupported_here(node, format!("xs:element {value_constraint}")));
            }
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
        if parse_bool(node, file, "mixed")? {
            return Err(self.unsupported_here(node, "xs:complexType mixed=\"true\""));
        }
        if parse_bool(node, file, "abstract")? {
            return Err(self.unsupported_here(node, "xs:complexType abstract=\"true\""));
        }
        let mut content: Option<ModelGroup> = None;
        let mut attributes = Vec::new();
        let mut any_attribute = None;
        for Child { el, path } in children(node.el, node.path) {
            let child = Node {
                unit: node.unit,
                el,
                path: &path,
            };
            match xsd_name(el) {
                Some("annotation") => {}
                Some(group @ ("sequence" | "all")) => {
                    if content.is_some() {
                        return Err(invalid(
                            "xs:complexType has two content models",
                            file,
                            &path,
                        ));
                    }
                    let compositor = if group == "all" {
                        Compositor::All
                    } else {
                        Compositor::Sequence
                    };
                    content = Some(self.model_group(&child, compositor, depth + 1)?);
                }
                Some("attribute") => attributes.push(self.attribute(&child, depth + 1)?),
                Some("anyAttribute") => {
                    if any_attribute.is_some() {
                        return Err(invalid(
                            "xs:complexType has two xs:anyAttribute",
                            file,
                            &path,
                        ));
                    }
                    any_attribute = Some(Wildcard {
                        namespace: attr(el, "namespace").unwrap_or("##any").to_owned(),
                        process_contents: attr(el, "processContents")
                            .unwrap_or("strict")
                            .to_owned(),
                    });
                }
                _ => return Err(self.unsupported_here(&child, display_name(el))),
            }
        }
        Ok(ComplexType {
            name,
            documentation: annotation(node.el),
            content: Content::Elements(content.unwrap_or(ModelGroup {
                compositor: Compositor::Sequence,
                particles: Vec::new(),
            })),
            attributes,
            any_attribute,
        })
    }

    fn model_group(
        &mut self,
        node: &Node<'a, '_>,
        compositor: Compositor,
        depth: usize,
    ) -> Result<ModelGroup, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let (min, max) = occurs(node, file)?;
        if (min, max) != (1, Some(1)) {
            // The model has no occurrence bounds on groups.
            return Err(self.unsupported_here(
                node,
                format!(
                    "{} with minOccurs/maxOccurs other than 1",
                    display_name(node.el)
                ),
            ));
        }
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
                _ => return Err(self.unsupported_here(&child, display_name(el))),
            }
        }
        Ok(ModelGroup {
            compositor,
            particles,
        })
    }

    fn local_element(&mut self, node: &Node<'a, '_>, depth: usize) -> Result<Particle, Error> {
        let file = self.file(node.unit);
        depth_check(depth, file, node.path)?;
        let (min_occurs, max_occurs) = occurs(node, file)?;
        let documentation = annotation(node.el);
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
            let decl = self.element_decl(&q, g, depth + 1)?;
            self.charge_copy(node, &decl.ty)?;
            LocalElement {
                name: decl.name,
                ty: decl.ty,
                nillable: decl.nillable,
                documentation: documentation.or(decl.documentation),
                reference: Some(q),
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
        self.copied += weight(ty);
        if self.copied > MAX_COPIED_NODES {
            return Err(invalid(
                format!(
                    "element references copy more than {MAX_COPIED_NODES} anonymous type nodes"
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
            Some("prohibited") => {
                return Err(self.unsupported_here(node, "xs:attribute use=\"prohibited\""))
            }
            Some(other) => {
                return Err(invalid(
                    format!("xs:attribute use=\"{other}\" is not valid"),
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
                Some("restriction") => {
                    if kind.is_some() {
                        return Err(invalid("xs:simpleType has two derivations", file, &path));
                    }
                    kind = Some(self.restriction(&child)?);
                }
                _ => return Err(self.unsupported_here(&child, display_name(el))),
            }
        }
        let kind =
            kind.ok_or_else(|| invalid("xs:simpleType has no xs:restriction", file, node.path))?;
        Ok(SimpleType {
            name,
            documentation: annotation(node.el),
            kind,
        })
    }

    fn restriction(&mut self, node: &Node<'a, '_>) -> Result<SimpleKind, Error> {
        let file = self.file(node.unit);
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
        TypeRef::Named(_) => 0,
        TypeRef::Anonymous(def) => match def.as_ref() {
            TypeDef::Simple(_) => 1,
            TypeDef::Complex(ct) => {
                let Content::Elements(group) = &ct.content;
                1 + ct.attributes.len()
                    + group
                        .particles
                        .iter()
                        .map(|p| match &p.term {
                            Term::Element(e) => 1 + weight(&e.ty),
                        })
                        .sum::<usize>()
            }
        },
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
