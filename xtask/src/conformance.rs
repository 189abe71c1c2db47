//! `cargo xtask conformance <official.wsdl>`: proves that everything the
//! project's own WSDL declares matches the official declaration on the wire
//! (names, namespaces, order, types, occurrence, SOAP actions, headers).
//! The project's WSDL may declare less than the official one, never
//! something different.

use std::fmt::Write as _;

use wsdl::{Binding, Content, Definitions, Particle, QName, Schema, Term, TypeDef, TypeRef};

/// Every difference found, one line each; empty when `ours` conforms.
pub fn differences(ours: &Definitions, official: &Definitions) -> Vec<String> {
    let mut diffs = Vec::new();
    for (name, port_type) in &ours.port_types {
        let Some(theirs) = official.port_types.get(name) else {
            diffs.push(format!("port type {name}: not in the official WSDL"));
            continue;
        };
        for op in &port_type.operations {
            let Some(their_op) = theirs.operations.iter().find(|o| o.name == op.name) else {
                diffs.push(format!(
                    "operation {}: not in the official port type {name}",
                    op.name
                ));
                continue;
            };
            let here = format!("operation {}", op.name);
            let messages = |o: &wsdl::Operation| {
                (
                    o.input.as_ref().map(|m| m.message.clone()),
                    o.output.as_ref().map(|m| m.message.clone()),
                    o.faults
                        .iter()
                        .map(|f| (f.name.clone(), f.message.clone()))
                        .collect::<Vec<_>>(),
                )
            };
            let (ours_in, ours_out, ours_faults) = messages(op);
            let (their_in, their_out, their_faults) = messages(their_op);
            compare(&mut diffs, &here, "input message", &ours_in, &their_in);
            compare(&mut diffs, &here, "output message", &ours_out, &their_out);
            compare(&mut diffs, &here, "faults", &ours_faults, &their_faults);
        }
    }
    for (name, message) in &ours.messages {
        match official.messages.get(name) {
            None => diffs.push(format!("message {name}: not in the official WSDL")),
            Some(theirs) => compare(
                &mut diffs,
                &format!("message {name}"),
                "parts",
                &message.parts,
                &theirs.parts,
            ),
        }
    }
    for (name, element) in &ours.schema.elements {
        match official.schema.elements.get(name) {
            None => diffs.push(format!("element {name}: not in the official schema")),
            Some(theirs) => {
                let mine = describe_type(&element.ty, &ours.schema, 0);
                let official_shape = describe_type(&theirs.ty, &official.schema, 0);
                if mine != official_shape {
                    diffs.push(format!(
                        "element {name}: content differs\n  ours:     {mine}\n  official: {official_shape}"
                    ));
                }
                if element.nillable != theirs.nillable {
                    diffs.push(format!("element {name}: nillable differs"));
                }
            }
        }
    }
    for (name, def) in &ours.schema.types {
        match official.schema.types.get(name) {
            None => diffs.push(format!("type {name}: not in the official schema")),
            Some(theirs) => {
                let mine = describe_def(def, &ours.schema, 0);
                let official_shape = describe_def(theirs, &official.schema, 0);
                if mine != official_shape {
                    diffs.push(format!(
                        "type {name}: content differs\n  ours:     {mine}\n  official: {official_shape}"
                    ));
                }
            }
        }
    }
    for binding in ours.bindings.values() {
        let Some(theirs) = official
            .bindings
            .values()
            .find(|b| b.soap_version == binding.soap_version && b.port_type == binding.port_type)
        else {
            diffs.push(format!(
                "binding {}: the official WSDL has no {:?} binding of {}",
                binding.name, binding.soap_version, binding.port_type
            ));
            continue;
        };
        compare_binding(&mut diffs, binding, theirs, ours, official);
    }
    diffs
}

fn compare<T: PartialEq + std::fmt::Debug>(
    diffs: &mut Vec<String>,
    here: &str,
    what: &str,
    ours: &T,
    theirs: &T,
) {
    if ours != theirs {
        diffs.push(format!(
            "{here}: {what} differ: ours {ours:?}, official {theirs:?}"
        ));
    }
}

fn compare_binding(
    diffs: &mut Vec<String>,
    ours: &Binding,
    theirs: &Binding,
    our_defs: &Definitions,
    their_defs: &Definitions,
) {
    compare(
        diffs,
        &format!("binding {}", ours.name),
        "style",
        &ours.style,
        &theirs.style,
    );
    for op in &ours.operations {
        let here = format!("binding {} operation {}", ours.name, op.name);
        let Some(their_op) = theirs.operations.iter().find(|o| o.name == op.name) else {
            diffs.push(format!(
                "{here}: not in the official binding {}",
                theirs.name
            ));
            continue;
        };
        compare(
            diffs,
            &here,
            "soapAction",
            &op.soap_action,
            &their_op.soap_action,
        );
        compare(diffs, &here, "style", &op.style, &their_op.style);
        let header_elements =
            |defs: &Definitions, bop: &wsdl::BindingOperation| -> Vec<Option<QName>> {
                bop.input
                    .iter()
                    .flat_map(|m| &m.headers)
                    .map(|h| {
                        defs.messages
                            .get(&h.message)
                            .and_then(|m| m.parts.iter().find(|p| p.name == h.part))
                            .and_then(|p| match &p.kind {
                                wsdl::PartKind::Element(q) => Some(q.clone()),
                                wsdl::PartKind::Type(_) => None,
                            })
                    })
                    .collect()
            };
        compare(
            diffs,
            &here,
            "input headers",
            &header_elements(our_defs, op),
            &header_elements(their_defs, their_op),
        );
        let uses = |bop: &wsdl::BindingOperation| {
            [&bop.input, &bop.output]
                .map(|m| m.as_ref().map(|m| (m.body.use_, m.body.parts.clone())))
        };
        compare(
            diffs,
            &here,
            "body use and parts",
            &uses(op),
            &uses(their_op),
        );
        let faults = |bop: &wsdl::BindingOperation| {
            bop.faults
                .iter()
                .map(|f| (f.name.clone(), f.use_))
                .collect::<Vec<_>>()
        };
        compare(diffs, &here, "faults", &faults(op), &faults(their_op));
    }
}

/// A one-line structural description: two declarations conform when their
/// descriptions are equal. Named types are described by name (they are
/// compared on their own), anonymous ones inline.
fn describe_type(ty: &TypeRef, schema: &Schema, depth: usize) -> String {
    match ty {
        TypeRef::Named(q) => format!("type {q}"),
        TypeRef::Anonymous(def) => describe_def(def, schema, depth),
        TypeRef::OfElement(q) => format!("type of element {q}"),
    }
}

fn describe_def(def: &TypeDef, schema: &Schema, depth: usize) -> String {
    if depth > 32 {
        return "...".to_owned();
    }
    let mut out = String::new();
    match def {
        TypeDef::Simple(simple) => {
            let _ = write!(out, "simple {:?}", simple.kind);
        }
        TypeDef::Complex(complex) => {
            if let Some(d) = &complex.derivation {
                let _ = write!(out, "{:?} of {} ", d.method, d.base);
            }
            if complex.abstract_ || complex.mixed {
                let _ = write!(
                    out,
                    "abstract={} mixed={} ",
                    complex.abstract_, complex.mixed
                );
            }
            match &complex.content {
                Content::Elements(group) => out.push_str(&describe_group(group, schema, depth)),
                Content::Simple(ty) => {
                    let _ = write!(out, "simple({})", describe_type(ty, schema, depth + 1));
                }
            }
            for attribute in &complex.attributes {
                let _ = write!(
                    out,
                    " @{}:{}{}",
                    attribute.name,
                    describe_type(&attribute.ty, schema, depth + 1),
                    if attribute.required { " required" } else { "" }
                );
            }
            if let Some(any) = &complex.any_attribute {
                let _ = write!(
                    out,
                    " anyAttribute({}, {})",
                    any.namespace, any.process_contents
                );
            }
        }
    }
    out
}

fn describe_group(group: &wsdl::ModelGroup, schema: &Schema, depth: usize) -> String {
    let mut out = format!("{:?}(", group.compositor);
    for (i, particle) in group.particles.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&describe_particle(particle, schema, depth));
    }
    out.push(')');
    out
}

fn describe_particle(particle: &Particle, schema: &Schema, depth: usize) -> String {
    let max = particle
        .max_occurs
        .map_or("unbounded".to_owned(), |m| m.to_string());
    let element = match &particle.term {
        Term::Element(element) => element,
        Term::Group(group) => {
            return format!(
                "{}[{}..{}]",
                describe_group(group, schema, depth + 1),
                particle.min_occurs,
                max
            )
        }
        Term::Any(any) => {
            return format!(
                "any({}, {})[{}..{}]",
                any.namespace, any.process_contents, particle.min_occurs, max
            )
        }
    };
    format!(
        "{}[{}..{}]{}: {}",
        element.name,
        particle.min_occurs,
        max,
        if element.nillable { " nillable" } else { "" },
        describe_type(&element.ty, schema, depth + 1)
    )
}
