//! What changed between two versions of an API, as a user of the generated
//! client sees it: operations, types and global elements added and removed,
//! and the types and elements changed field by field. Used by
//! `wsdl2rust diff` and `cargo xtask api-diff`.
//!
//! Versions usually live in different namespaces (IPS puts the date in
//! it), so operations, types and elements are matched by local name.
//!
//! ```no_run
//! let old = wsdl::load(std::path::Path::new("old.wsdl"))?;
//! let new = wsdl::load(std::path::Path::new("new.wsdl"))?;
//! let report = codegen::diff::report(&old, &new);
//! print!("{}", if report.is_empty() { "no differences\n" } else { &report });
//! # Ok::<(), wsdl::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use wsdl::{Content, Definitions, QName, Term, TypeDef, TypeRef};

/// One field (element or attribute) of a type, for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    ty: String,
    occurs: String,
}

fn type_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(q) if q.is_xsd() => format!("xsd:{}", q.local),
        TypeRef::Named(q) => q.local.clone(),
        TypeRef::Anonymous(def) => match def.as_ref() {
            TypeDef::Complex(_) => "(anonymous complex type)".to_owned(),
            TypeDef::Simple(_) => "(anonymous simple type)".to_owned(),
        },
        TypeRef::OfElement(q) => format!("(type of element {})", q.local),
    }
}

/// The element fields of a content model, nested groups flattened.
fn particle_fields(particles: &[wsdl::Particle], out: &mut Vec<(String, Field)>) {
    for p in particles {
        let max = p
            .max_occurs
            .map_or("unbounded".to_owned(), |m| m.to_string());
        match &p.term {
            Term::Element(e) => out.push((
                e.name.local.clone(),
                Field {
                    ty: type_label(&e.ty),
                    occurs: format!(
                        "[{}..{}]{}",
                        p.min_occurs,
                        max,
                        if e.nillable { " nillable" } else { "" }
                    ),
                },
            )),
            Term::Group(g) => particle_fields(&g.particles, out),
            Term::Any(w) => out.push((
                format!("(any {})", w.namespace),
                Field {
                    ty: "xs:any".to_owned(),
                    occurs: format!("[{}..{}]", p.min_occurs, max),
                },
            )),
        }
    }
}

/// Fields of a type in document order: `name -> (type, occurrence)`.
fn fields(def: &TypeDef) -> Vec<(String, Field)> {
    match def {
        TypeDef::Simple(simple) => {
            let ty = match &simple.kind {
                wsdl::SimpleKind::Restriction {
                    base, enumerations, ..
                } => {
                    let mut ty = type_label(&TypeRef::Named(base.clone()));
                    if !enumerations.is_empty() {
                        let _ = write!(ty, " one of {}", enumerations.join("|"));
                    }
                    ty
                }
                wsdl::SimpleKind::List { item } => format!("list of {}", type_label(item)),
                wsdl::SimpleKind::Union { members } => format!(
                    "union of {}",
                    members.iter().map(type_label).collect::<Vec<_>>().join("|")
                ),
            };
            vec![(
                "(type)".to_owned(),
                Field {
                    ty,
                    occurs: String::new(),
                },
            )]
        }
        TypeDef::Complex(complex) => {
            let mut out: Vec<(String, Field)> = Vec::new();
            if let Some(d) = &complex.derivation {
                out.push((
                    "(base)".to_owned(),
                    Field {
                        ty: format!("{:?} of {}", d.method, d.base.local),
                        occurs: String::new(),
                    },
                ));
            }
            match &complex.content {
                Content::Elements(group) => particle_fields(&group.particles, &mut out),
                Content::Simple(ty) => out.push((
                    "(value)".to_owned(),
                    Field {
                        ty: type_label(ty),
                        occurs: String::new(),
                    },
                )),
            }
            out.extend(complex.attributes.iter().map(|a| {
                (
                    format!("@{}", a.name.local),
                    Field {
                        ty: type_label(&a.ty),
                        occurs: if a.required { "required" } else { "optional" }.to_owned(),
                    },
                )
            }));
            out
        }
    }
}

/// Field-by-field differences, one line each; empty when equal.
fn field_changes(old: &TypeDef, new: &TypeDef) -> Vec<String> {
    let old_fields = fields(old);
    let new_fields = fields(new);
    let old_map: BTreeMap<_, _> = old_fields.iter().cloned().collect();
    let new_map: BTreeMap<_, _> = new_fields.iter().cloned().collect();
    let mut lines = Vec::new();
    for (name, field) in &old_fields {
        match new_map.get(name) {
            None => lines.push(format!("  - {name}: {} {}", field.ty, field.occurs)),
            Some(now) if now != field => lines.push(format!(
                "  ~ {name}: {} {} -> {} {}",
                field.ty, field.occurs, now.ty, now.occurs
            )),
            Some(_) => {}
        }
    }
    for (name, field) in &new_fields {
        if !old_map.contains_key(name) {
            lines.push(format!("  + {name}: {} {}", field.ty, field.occurs));
        }
    }
    let order = |fs: &[(String, Field)], other: &BTreeMap<String, Field>| {
        fs.iter()
            .filter(|(n, _)| other.contains_key(n))
            .map(|(n, _)| n.clone())
            .collect::<Vec<_>>()
    };
    if lines.is_empty() && order(&old_fields, &new_map) != order(&new_fields, &old_map) {
        lines.push("  ~ field order changed".to_owned());
    }
    lines
}

fn operations(defs: &Definitions) -> BTreeSet<String> {
    defs.port_types
        .values()
        .flat_map(|p| p.operations.iter().map(|o| o.name.clone()))
        .collect()
}

fn by_local<T>(map: &BTreeMap<QName, T>) -> BTreeMap<&str, &T> {
    map.iter().map(|(q, v)| (q.local.as_str(), v)).collect()
}

fn list(out: &mut String, label: &str, names: &[&str]) {
    if !names.is_empty() {
        let _ = writeln!(out, "{label} ({}): {}", names.len(), names.join(", "));
    }
}

/// The report, one line per change (each ending in a newline); empty when
/// the two APIs are the same.
pub fn report(old: &Definitions, new: &Definitions) -> String {
    let mut out = String::new();
    let (old_ops, new_ops) = (operations(old), operations(new));
    list(
        &mut out,
        "operations added",
        &new_ops
            .difference(&old_ops)
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    list(
        &mut out,
        "operations removed",
        &old_ops
            .difference(&new_ops)
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );

    for (kind, old_items, new_items) in [
        (
            "types",
            by_local(&old.schema.types)
                .into_iter()
                .map(|(k, v)| (k, v.clone()))
                .collect::<BTreeMap<_, _>>(),
            by_local(&new.schema.types)
                .into_iter()
                .map(|(k, v)| (k, v.clone()))
                .collect::<BTreeMap<_, _>>(),
        ),
        ("elements", element_types(old), element_types(new)),
    ] {
        let added: Vec<&str> = new_items
            .keys()
            .filter(|k| !old_items.contains_key(*k))
            .copied()
            .collect();
        let removed: Vec<&str> = old_items
            .keys()
            .filter(|k| !new_items.contains_key(*k))
            .copied()
            .collect();
        list(&mut out, &format!("{kind} added"), &added);
        list(&mut out, &format!("{kind} removed"), &removed);
        let singular = kind.trim_end_matches('s');
        for (name, old_def) in &old_items {
            if let Some(new_def) = new_items.get(name) {
                let changes = field_changes(old_def, new_def);
                if !changes.is_empty() {
                    let _ = writeln!(out, "{singular} changed: {name}");
                    for line in changes {
                        let _ = writeln!(out, "{line}");
                    }
                }
            }
        }
    }
    out
}

/// Global elements as types: an element with a named type is described as
/// a one-field wrapper, so a changed type reference shows up too.
fn element_types(defs: &Definitions) -> BTreeMap<&str, TypeDef> {
    defs.schema
        .elements
        .iter()
        .map(|(q, e)| {
            let def = match &e.ty {
                TypeRef::Anonymous(def) => (**def).clone(),
                TypeRef::Named(named) | TypeRef::OfElement(named) => {
                    TypeDef::Simple(wsdl::SimpleType {
                        name: None,
                        documentation: None,
                        kind: wsdl::SimpleKind::Restriction {
                            base: named.clone(),
                            enumerations: Vec::new(),
                            facets: Vec::new(),
                        },
                    })
                }
            };
            (q.local.as_str(), def)
        })
        .collect()
}
