//! Stage 2b: WSDL. Turns the loaded documents into [`Definitions`]: builds
//! the schema (see `schema.rs`), then messages, port types, bindings and
//! services in that order, so each can check the references it makes to the
//! ones before it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use xmltree::Element;

use crate::dom::{
    attr, children, display_name, documentation_text, is, ns, resolve_qname, target_namespace,
    Child,
};
use crate::error::{invalid, unsupported, Error};
use crate::load::Loaded;
use crate::model::*;
use crate::schema;

/// The WSDL 1.1 MIME binding namespace: multipart messages are not supported.
const WSDL_MIME_NS: &str = "http://schemas.xmlsoap.org/wsdl/mime/";

/// One WSDL document with its element children.
struct WsdlDoc<'a> {
    file: &'a str,
    tns: Option<&'a str>,
    children: Vec<Child<'a>>,
}

struct Resolver {
    defs: Definitions,
    /// Where each (kind, name) was first defined, for duplicate errors.
    origins: BTreeMap<(&'static str, QName), String>,
    /// Non-SOAP bindings passed over; ports using them are skipped too.
    skipped: BTreeSet<QName>,
    /// Extension elements ignored: name -> (count, first location).
    extensions: BTreeMap<String, (usize, String)>,
    /// Part names of each message, so part checks stay O(1) however large
    /// a message is.
    part_names: HashMap<QName, HashSet<String>>,
    /// Operation name -> index, per port type: built once, however many
    /// bindings the port type has.
    op_indexes: HashMap<QName, HashMap<String, usize>>,
    /// Notes made while a component is being borrowed.
    notes_pending: std::cell::RefCell<Vec<String>>,
}

pub(crate) fn resolve(loaded: &Loaded) -> Result<Definitions, Error> {
    let (schema, notes) = schema::build(loaded)?;
    let docs: Vec<WsdlDoc> = loaded
        .wsdl_docs
        .iter()
        .map(|&d| {
            let doc = &loaded.docs[d];
            WsdlDoc {
                file: &doc.file,
                tns: target_namespace(&doc.root),
                children: children(&doc.root, "/definitions"),
            }
        })
        .collect();
    let entry = &loaded.docs[loaded.wsdl_docs[0]].root;
    let mut r = Resolver {
        defs: Definitions {
            target_namespace: target_namespace(entry).map(str::to_owned),
            name: attr(entry, "name").map(str::to_owned),
            documentation: wsdl_documentation(entry),
            files: loaded.docs.iter().map(|d| d.file.clone()).collect(),
            schema,
            notes,
            ..Definitions::default()
        },
        origins: BTreeMap::new(),
        skipped: BTreeSet::new(),
        extensions: BTreeMap::new(),
        part_names: HashMap::new(),
        op_indexes: HashMap::new(),
        notes_pending: std::cell::RefCell::new(Vec::new()),
    };

    for doc in &docs {
        for c in &doc.children {
            match (ns(c.el), c.el.name.as_str()) {
                (
                    Some(WSDL_NS),
                    "import" | "types" | "documentation" | "portType" | "binding" | "service",
                ) => {}
                (Some(WSDL_NS), "message") => r.message(doc, c)?,
                _ => r.other_child(doc.file, c)?,
            }
        }
    }
    for doc in &docs {
        for c in doc
            .children
            .iter()
            .filter(|c| is(c.el, WSDL_NS, "portType"))
        {
            r.port_type(doc, c)?;
        }
    }
    for doc in &docs {
        for c in doc.children.iter().filter(|c| is(c.el, WSDL_NS, "binding")) {
            r.binding(doc, c)?;
        }
    }
    for doc in &docs {
        for c in doc.children.iter().filter(|c| is(c.el, WSDL_NS, "service")) {
            r.service(doc, c)?;
        }
    }

    let pending = r.notes_pending.take();
    r.defs.notes.extend(pending);
    for (name, (count, first)) in std::mem::take(&mut r.extensions) {
        r.defs.notes.push(format!(
            "ignored {count} extension element(s) {name} (first at {first})"
        ));
    }
    Ok(r.defs)
}

/// Text of the `wsdl:documentation` child of `el`, if any.
fn wsdl_documentation(el: &Element) -> Option<String> {
    el.children
        .iter()
        .filter_map(|n| n.as_element())
        .find(|c| is(c, WSDL_NS, "documentation"))
        .and_then(documentation_text)
}

fn required<'e>(el: &'e Element, name: &str, file: &str, path: &str) -> Result<&'e str, Error> {
    attr(el, name).ok_or_else(|| {
        invalid(
            format!("{} has no `{name}` attribute", display_name(el)),
            file,
            path,
        )
    })
}

fn parse_use(el: &Element, file: &str, path: &str) -> Result<Use, Error> {
    match attr(el, "use").map(str::trim) {
        None | Some("literal") => Ok(Use::Literal),
        Some("encoded") => Ok(Use::Encoded),
        Some(other) => Err(invalid(
            format!("use=\"{other}\" is neither literal nor encoded"),
            file,
            path,
        )),
    }
}

fn parse_style(el: &Element, default: Style, file: &str, path: &str) -> Result<Style, Error> {
    match attr(el, "style").map(str::trim) {
        None => Ok(default),
        Some("document") => Ok(Style::Document),
        Some("rpc") => Ok(Style::Rpc),
        Some(other) => Err(invalid(
            format!("style=\"{other}\" is neither document nor rpc"),
            file,
            path,
        )),
    }
}

fn unresolved(
    kind: &'static str,
    name: impl ToString,
    file: &str,
    path: &str,
    note: Option<String>,
) -> Error {
    Error::Unresolved {
        kind,
        name: name.to_string(),
        file: file.to_owned(),
        path: path.to_owned(),
        note,
    }
}

impl Resolver {
    /// A WSDL reference written without a prefix that does not resolve in
    /// the default namespace but names a component of the document's own
    /// target namespace: taken as that component (tools accept it), with a
    /// note. `None` when there is nothing better.
    fn tns_fallback(
        &self,
        value: &str,
        resolved: &QName,
        doc: &WsdlDoc,
        path: &str,
        exists: impl Fn(&QName) -> bool,
    ) -> Option<QName> {
        if value.contains(':') || resolved.namespace.as_deref() == doc.tns {
            return None;
        }
        let candidate = QName::new(doc.tns, value.trim());
        exists(&candidate).then(|| {
            self.notes_pending.borrow_mut().push(format!(
                "{}: at {path}: `{value}` has no prefix and resolves to {resolved}, which is not \
                 defined; read as {candidate} of the document's target namespace",
                doc.file
            ));
            candidate
        })
    }

    fn has_part(&self, message: &QName, part: &str) -> bool {
        self.part_names
            .get(message)
            .is_some_and(|parts| parts.contains(part))
    }

    /// Records that `kind` `name` is defined at file/path; a second definition is an error.
    fn claim(
        &mut self,
        kind: &'static str,
        name: &QName,
        file: &str,
        path: &str,
    ) -> Result<(), Error> {
        if let Some(first) = self.origins.get(&(kind, name.clone())) {
            return Err(Error::Duplicate {
                kind,
                name: name.to_string(),
                file: file.to_owned(),
                path: path.to_owned(),
                first: first.clone(),
            });
        }
        self.origins
            .insert((kind, name.clone()), format!("{file}: {path}"));
        Ok(())
    }

    /// A child this stage has no use for: documentation passes, extension
    /// elements are counted for a note (or refused when marked required),
    /// anything else in the WSDL namespace is refused.
    fn other_child(&mut self, file: &str, c: &Child) -> Result<(), Error> {
        if is(c.el, WSDL_NS, "documentation") {
            return Ok(());
        }
        if ns(c.el) == Some(WSDL_NS) {
            return Err(unsupported(display_name(c.el), file, &c.path));
        }
        // xmltree drops attribute prefixes, so `wsdl:required` reads as `required`.
        if matches!(attr(c.el, "required").map(str::trim), Some("true" | "1")) {
            return Err(unsupported(
                format!(
                    "extension element {} marked wsdl:required=\"true\"",
                    display_name(c.el)
                ),
                file,
                &c.path,
            ));
        }
        let entry = self
            .extensions
            .entry(display_name(c.el))
            .or_insert_with(|| (0, format!("{file}: {}", c.path)));
        entry.0 += 1;
        Ok(())
    }

    fn message(&mut self, doc: &WsdlDoc, node: &Child) -> Result<(), Error> {
        let file = doc.file;
        let name = QName::new(doc.tns, required(node.el, "name", file, &node.path)?);
        self.claim("message", &name, file, &node.path)?;
        let mut parts: Vec<Part> = Vec::new();
        let mut part_names: HashSet<String> = HashSet::new();
        for c in children(node.el, &node.path) {
            if !is(c.el, WSDL_NS, "part") {
                self.other_child(file, &c)?;
                continue;
            }
            let part_name = required(c.el, "name", file, &c.path)?;
            if !part_names.insert(part_name.to_owned()) {
                return Err(invalid(
                    format!("part `{part_name}` appears twice in message {name}"),
                    file,
                    &c.path,
                ));
            }
            let kind = match (attr(c.el, "element"), attr(c.el, "type")) {
                (Some(element), None) => {
                    let q = resolve_qname(element, c.el, file, &c.path)?;
                    if !self.defs.schema.elements.contains_key(&q) {
                        return Err(unresolved("element", &q, file, &c.path, None));
                    }
                    PartKind::Element(q)
                }
                (None, Some(ty)) => {
                    let q = resolve_qname(ty, c.el, file, &c.path)?;
                    if q.is_xsd() && !schema::is_builtin(&q) {
                        let note = Some("not an XML Schema 1.0 built-in type".to_owned());
                        return Err(unresolved("type", &q, file, &c.path, note));
                    }
                    if !q.is_xsd() && !self.defs.schema.types.contains_key(&q) {
                        return Err(unresolved("type", &q, file, &c.path, None));
                    }
                    PartKind::Type(q)
                }
                _ => {
                    return Err(invalid(
                        "wsdl:part needs exactly one of element= and type=",
                        file,
                        &c.path,
                    ))
                }
            };
            parts.push(Part {
                name: part_name.to_owned(),
                kind,
            });
        }
        self.part_names.insert(name.clone(), part_names);
        self.defs
            .messages
            .insert(name.clone(), Message { name, parts });
        Ok(())
    }

    fn port_type(&mut self, doc: &WsdlDoc, node: &Child) -> Result<(), Error> {
        let file = doc.file;
        let name = QName::new(doc.tns, required(node.el, "name", file, &node.path)?);
        self.claim("port type", &name, file, &node.path)?;
        let mut operations: Vec<Operation> = Vec::new();
        let mut op_names: HashSet<String> = HashSet::new();
        for c in children(node.el, &node.path) {
            if !is(c.el, WSDL_NS, "operation") {
                self.other_child(file, &c)?;
                continue;
            }
            let op = self.operation(doc, &c)?;
            if !op_names.insert(op.name.clone()) {
                return Err(unsupported(
                    format!(
                        "overloaded operation `{}` (two operations of one port type share a name)",
                        op.name
                    ),
                    file,
                    &c.path,
                ));
            }
            operations.push(op);
        }
        self.defs.port_types.insert(
            name.clone(),
            PortType {
                name,
                documentation: wsdl_documentation(node.el),
                operations,
            },
        );
        Ok(())
    }

    fn operation(&mut self, doc: &WsdlDoc, node: &Child) -> Result<Operation, Error> {
        let file = doc.file;
        let name = required(node.el, "name", file, &node.path)?.to_owned();
        let mut input: Option<OperationMessage> = None;
        let mut output: Option<OperationMessage> = None;
        let mut faults: Vec<OperationMessage> = Vec::new();
        let mut fault_names: HashSet<&str> = HashSet::new();
        for c in children(node.el, &node.path) {
            let slot = match (ns(c.el), c.el.name.as_str()) {
                (Some(WSDL_NS), "input") => &mut input,
                (Some(WSDL_NS), "output") => {
                    if input.is_none() {
                        // Output first is solicit-response; output alone is a notification.
                        let has_input_later = node
                            .el
                            .children
                            .iter()
                            .filter_map(|n| n.as_element())
                            .any(|e| is(e, WSDL_NS, "input"));
                        if has_input_later {
                            return Err(unsupported(
                                "solicit-response operation (wsdl:output before wsdl:input)",
                                file,
                                &node.path,
                            ));
                        }
                    }
                    &mut output
                }
                (Some(WSDL_NS), "fault") => {
                    let fault_name = required(c.el, "name", file, &c.path)?;
                    if !fault_names.insert(fault_name) {
                        return Err(invalid(
                            format!("fault `{fault_name}` appears twice"),
                            file,
                            &c.path,
                        ));
                    }
                    let message = self.message_ref(doc, &c)?;
                    faults.push(OperationMessage {
                        name: Some(fault_name.to_owned()),
                        message,
                    });
                    continue;
                }
                _ => {
                    self.other_child(file, &c)?;
                    continue;
                }
            };
            if slot.is_some() {
                return Err(invalid(
                    format!("two {} in one operation", display_name(c.el)),
                    file,
                    &c.path,
                ));
            }
            *slot = Some(OperationMessage {
                name: attr(c.el, "name").map(str::to_owned),
                message: self.message_ref(doc, &c)?,
            });
        }
        // Default names, WSDL 1.1 section 2.4.5.
        match (&mut input, &mut output) {
            (None, None) => {
                return Err(invalid(
                    "wsdl:operation has neither wsdl:input nor wsdl:output",
                    file,
                    &node.path,
                ))
            }
            (Some(i), Some(o)) => {
                i.name.get_or_insert_with(|| format!("{name}Request"));
                o.name.get_or_insert_with(|| format!("{name}Response"));
            }
            (Some(only), None) | (None, Some(only)) => {
                only.name.get_or_insert_with(|| name.clone());
            }
        }
        Ok(Operation {
            documentation: wsdl_documentation(node.el),
            name,
            input,
            output,
            faults,
        })
    }

    /// The `message=` of an operation's input, output or fault, checked to exist.
    fn message_ref(&self, doc: &WsdlDoc, c: &Child) -> Result<QName, Error> {
        let value = required(c.el, "message", doc.file, &c.path)?;
        let mut q = resolve_qname(value, c.el, doc.file, &c.path)?;
        if !self.defs.messages.contains_key(&q) {
            if let Some(fallback) = self.tns_fallback(value, &q, doc, &c.path, |n| {
                self.defs.messages.contains_key(n)
            }) {
                q = fallback;
            }
        }
        if !self.defs.messages.contains_key(&q) {
            return Err(unresolved("message", &q, doc.file, &c.path, None));
        }
        Ok(q)
    }

    fn binding(&mut self, doc: &WsdlDoc, node: &Child) -> Result<(), Error> {
        let file = doc.file;
        let name = QName::new(doc.tns, required(node.el, "name", file, &node.path)?);
        self.claim("binding", &name, file, &node.path)?;
        let kids = children(node.el, &node.path);
        let soap: Vec<(&Child, SoapVersion, &'static str)> = kids
            .iter()
            .filter(|c| c.el.name == "binding")
            .filter_map(|c| match ns(c.el) {
                Some(WSDL_SOAP11_NS) => Some((c, SoapVersion::Soap11, WSDL_SOAP11_NS)),
                Some(WSDL_SOAP12_NS) => Some((c, SoapVersion::Soap12, WSDL_SOAP12_NS)),
                _ => None,
            })
            .collect();
        let (soap_el, soap_version, soap_ns) = match soap.as_slice() {
            [one] => *one,
            [] => {
                let found: Vec<String> = kids
                    .iter()
                    .filter(|c| ns(c.el) != Some(WSDL_NS))
                    .map(|c| display_name(c.el))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let found = if found.is_empty() {
                    "no binding extension".to_owned()
                } else {
                    found.join(", ")
                };
                self.defs.notes.push(format!(
                    "skipped binding {name} at {file}: {}: not a SOAP binding ({found})",
                    node.path
                ));
                self.skipped.insert(name);
                return Ok(());
            }
            [_, second, ..] => {
                return Err(invalid(
                    "a binding has more than one soap:binding / soap12:binding",
                    file,
                    &second.0.path,
                ))
            }
        };
        let type_value = required(node.el, "type", file, &node.path)?;
        let mut port_type_name = resolve_qname(type_value, node.el, file, &node.path)?;
        if !self.defs.port_types.contains_key(&port_type_name) {
            if let Some(fallback) =
                self.tns_fallback(type_value, &port_type_name, doc, &node.path, |n| {
                    self.defs.port_types.contains_key(n)
                })
            {
                port_type_name = fallback;
            }
        }
        // Taken out of the map while its operations are bound (and put back
        // below): cloning it for every binding would cost O(bindings x operations).
        let Some(port_type) = self.defs.port_types.remove(&port_type_name) else {
            let note = Some(format!("binding {name} names it in its type attribute"));
            return Err(unresolved(
                "port type",
                &port_type_name,
                file,
                &node.path,
                note,
            ));
        };
        let style = parse_style(soap_el.el, Style::Document, file, &soap_el.path)?;
        let transport = attr(soap_el.el, "transport").map(str::to_owned);
        let op_index = match self.op_indexes.remove(&port_type_name) {
            Some(index) => index,
            None => (port_type.operations.iter().enumerate())
                .map(|(i, o)| (o.name.clone(), i))
                .collect(),
        };
        let mut operations: Vec<BindingOperation> = Vec::new();
        let mut bound: HashSet<String> = HashSet::new();
        for c in &kids {
            if std::ptr::eq(c.el, soap_el.el) {
                continue;
            }
            if is(c.el, WSDL_NS, "operation") {
                let op =
                    self.binding_operation(doc, c, soap_ns, style, &name, &port_type, &op_index)?;
                if !bound.insert(op.name.clone()) {
                    return Err(invalid(
                        format!("operation `{}` is bound twice", op.name),
                        file,
                        &c.path,
                    ));
                }
                operations.push(op);
            } else if matches!(ns(c.el), Some(WSDL_SOAP11_NS | WSDL_SOAP12_NS)) {
                return Err(unsupported(
                    format!("{} in wsdl:binding", display_name(c.el)),
                    file,
                    &c.path,
                ));
            } else {
                self.other_child(file, c)?;
            }
        }
        self.op_indexes.insert(port_type_name.clone(), op_index);
        self.defs
            .port_types
            .insert(port_type_name.clone(), port_type);
        self.defs.bindings.insert(
            name.clone(),
            Binding {
                name,
                port_type: port_type_name,
                soap_version,
                style,
                transport,
                operations,
            },
        );
        Ok(())
    }

    // Each argument is one piece of the enclosing binding's context.
    #[allow(clippy::too_many_arguments)]
    fn binding_operation(
        &mut self,
        doc: &WsdlDoc,
        node: &Child,
        soap_ns: &str,
        binding_style: Style,
        binding: &QName,
        port_type: &PortType,
        op_index: &HashMap<String, usize>,
    ) -> Result<BindingOperation, Error> {
        let file = doc.file;
        let name = required(node.el, "name", file, &node.path)?;
        let Some(op) = op_index.get(name).map(|&i| &port_type.operations[i]) else {
            return Err(Error::UnknownOperation {
                binding: binding.to_string(),
                operation: name.to_owned(),
                port_type: port_type.name.to_string(),
                file: file.to_owned(),
                path: node.path.clone(),
            });
        };
        let mut soap_action = None;
        let mut style = binding_style;
        let mut input = None;
        let mut output = None;
        let mut faults: Vec<BindingFault> = Vec::new();
        let declared_faults: HashSet<&str> =
            op.faults.iter().filter_map(|f| f.name.as_deref()).collect();
        let mut bound_faults: HashSet<&str> = HashSet::new();
        for c in children(node.el, &node.path) {
            match (ns(c.el), c.el.name.as_str()) {
                (Some(n), "operation") if n == soap_ns => {
                    soap_action = attr(c.el, "soapAction").map(str::to_owned);
                    style = parse_style(c.el, binding_style, file, &c.path)?;
                }
                (Some(WSDL_NS), direction @ ("input" | "output")) => {
                    let (declared, slot) = if direction == "input" {
                        (&op.input, &mut input)
                    } else {
                        (&op.output, &mut output)
                    };
                    let Some(declared) = declared else {
                        return Err(invalid(
                            format!("binding has wsdl:{direction} but port type operation `{name}` has none"),
                            file,
                            &c.path,
                        ));
                    };
                    if slot.is_some() {
                        return Err(invalid(
                            format!("two wsdl:{direction} in one operation"),
                            file,
                            &c.path,
                        ));
                    }
                    if !self.defs.messages.contains_key(&declared.message) {
                        return Err(unresolved(
                            "message",
                            &declared.message,
                            file,
                            &c.path,
                            None,
                        ));
                    }
                    *slot = Some(self.binding_message(doc, &c, soap_ns, &declared.message)?);
                }
                (Some(WSDL_NS), "fault") => {
                    let fault_name = required(c.el, "name", file, &c.path)?;
                    if !declared_faults.contains(fault_name) {
                        let note = Some(format!(
                            "port type operation `{name}` declares no such fault"
                        ));
                        return Err(unresolved("fault", fault_name, file, &c.path, note));
                    }
                    if !bound_faults.insert(fault_name) {
                        return Err(invalid(
                            format!("fault `{fault_name}` is bound twice"),
                            file,
                            &c.path,
                        ));
                    }
                    faults.push(BindingFault {
                        name: fault_name.to_owned(),
                        use_: self.binding_fault_use(file, &c, soap_ns, fault_name)?,
                    });
                }
                (Some(WSDL_SOAP11_NS | WSDL_SOAP12_NS), _) => {
                    return Err(unsupported(
                        format!("{} in a binding operation", display_name(c.el)),
                        file,
                        &c.path,
                    ))
                }
                _ => self.other_child(file, &c)?,
            }
        }
        for (direction, declared, bound) in [
            ("input", op.input.is_some(), input.is_some()),
            ("output", op.output.is_some(), output.is_some()),
        ] {
            if declared && !bound {
                return Err(invalid(
                    format!("binding operation `{name}` has no wsdl:{direction} though the port type operation has one"),
                    file,
                    &node.path,
                ));
            }
        }
        Ok(BindingOperation {
            name: name.to_owned(),
            soap_action,
            style,
            input,
            output,
            faults,
        })
    }

    fn binding_fault_use(
        &mut self,
        file: &str,
        node: &Child,
        soap_ns: &str,
        fault_name: &str,
    ) -> Result<Use, Error> {
        let mut use_ = None;
        for c in children(node.el, &node.path) {
            if is(c.el, soap_ns, "fault") {
                if use_.is_some() {
                    return Err(invalid("two soap:fault in one wsdl:fault", file, &c.path));
                }
                if let Some(n) = attr(c.el, "name") {
                    if n != fault_name {
                        return Err(invalid(
                            format!(
                                "soap:fault name `{n}` differs from wsdl:fault name `{fault_name}`"
                            ),
                            file,
                            &c.path,
                        ));
                    }
                }
                use_ = Some(parse_use(c.el, file, &c.path)?);
            } else if matches!(ns(c.el), Some(WSDL_SOAP11_NS | WSDL_SOAP12_NS)) {
                return Err(unsupported(
                    format!("{} in a binding fault", display_name(c.el)),
                    file,
                    &c.path,
                ));
            } else {
                self.other_child(file, &c)?;
            }
        }
        // Without soap:fault the fault detail is literal, as WS-I requires.
        Ok(use_.unwrap_or(Use::Literal))
    }

    fn binding_message(
        &mut self,
        doc: &WsdlDoc,
        node: &Child,
        soap_ns: &str,
        message: &QName,
    ) -> Result<BindingMessage, Error> {
        let file = doc.file;
        let mut body = None;
        let mut headers = Vec::new();
        for c in children(node.el, &node.path) {
            match (ns(c.el), c.el.name.as_str()) {
                (Some(n), "body") if n == soap_ns => {
                    if body.is_some() {
                        return Err(invalid(
                            "two soap:body in one message binding",
                            file,
                            &c.path,
                        ));
                    }
                    let parts = attr(c.el, "parts")
                        .map(|p| p.split_whitespace().map(str::to_owned).collect::<Vec<_>>());
                    for part in parts.iter().flatten() {
                        if !self.has_part(message, part) {
                            let note = Some(format!("message {message} has no such part"));
                            return Err(unresolved("part", part, file, &c.path, note));
                        }
                    }
                    body = Some(SoapBody {
                        parts,
                        use_: parse_use(c.el, file, &c.path)?,
                        namespace: attr(c.el, "namespace").map(str::to_owned),
                    });
                }
                (Some(n), "header") if n == soap_ns => headers.push(self.soap_header(doc, &c)?),
                (Some(WSDL_SOAP11_NS | WSDL_SOAP12_NS | WSDL_MIME_NS), _) => {
                    return Err(unsupported(display_name(c.el), file, &c.path));
                }
                _ => self.other_child(file, &c)?,
            }
        }
        let Some(body) = body else {
            return Err(unsupported(
                format!("{} without a soap:body", display_name(node.el)),
                file,
                &node.path,
            ));
        };
        Ok(BindingMessage { body, headers })
    }

    fn soap_header(&mut self, doc: &WsdlDoc, node: &Child) -> Result<SoapHeader, Error> {
        let file = doc.file;
        let value = required(node.el, "message", file, &node.path)?;
        let message = resolve_qname(value, node.el, file, &node.path)?;
        let part = required(node.el, "part", file, &node.path)?;
        if !self.defs.messages.contains_key(&message) {
            return Err(unresolved("message", &message, file, &node.path, None));
        }
        if !self.has_part(&message, part) {
            let note = Some(format!("message {message} has no such part"));
            return Err(unresolved("part", part, file, &node.path, note));
        }
        let mut faults = Vec::new();
        for c in children(node.el, &node.path) {
            if c.el.name == "headerfault" && ns(c.el) == ns(node.el) {
                let value = required(c.el, "message", file, &c.path)?;
                let fault_message = resolve_qname(value, c.el, file, &c.path)?;
                let fault_part = required(c.el, "part", file, &c.path)?;
                if !self.defs.messages.contains_key(&fault_message) {
                    return Err(unresolved("message", &fault_message, file, &c.path, None));
                }
                if !self.has_part(&fault_message, fault_part) {
                    let note = Some(format!("message {fault_message} has no such part"));
                    return Err(unresolved("part", fault_part, file, &c.path, note));
                }
                faults.push(SoapHeaderFault {
                    message: fault_message,
                    part: fault_part.to_owned(),
                    use_: parse_use(c.el, file, &c.path)?,
                });
                continue;
            }
            if matches!(ns(c.el), Some(WSDL_SOAP11_NS | WSDL_SOAP12_NS)) {
                return Err(unsupported(display_name(c.el), file, &c.path));
            }
            self.other_child(file, &c)?;
        }
        Ok(SoapHeader {
            message,
            part: part.to_owned(),
            use_: parse_use(node.el, file, &node.path)?,
            faults,
        })
    }

    fn service(&mut self, doc: &WsdlDoc, node: &Child) -> Result<(), Error> {
        let file = doc.file;
        let name = QName::new(doc.tns, required(node.el, "name", file, &node.path)?);
        self.claim("service", &name, file, &node.path)?;
        let mut ports: Vec<Port> = Vec::new();
        let mut port_names: HashSet<&str> = HashSet::new();
        for c in children(node.el, &node.path) {
            if !is(c.el, WSDL_NS, "port") {
                self.other_child(file, &c)?;
                continue;
            }
            let port_name = required(c.el, "name", file, &c.path)?;
            if !port_names.insert(port_name) {
                return Err(invalid(
                    format!("port `{port_name}` appears twice"),
                    file,
                    &c.path,
                ));
            }
            let value = required(c.el, "binding", file, &c.path)?;
            let mut binding = resolve_qname(value, c.el, file, &c.path)?;
            if !self.defs.bindings.contains_key(&binding) && !self.skipped.contains(&binding) {
                if let Some(fallback) = self.tns_fallback(value, &binding, doc, &c.path, |n| {
                    self.defs.bindings.contains_key(n) || self.skipped.contains(n)
                }) {
                    binding = fallback;
                }
            }
            if self.skipped.contains(&binding) {
                self.defs.notes.push(format!(
                    "skipped port `{port_name}` of service {name} at {file}: {}: its binding {binding} is not a SOAP binding",
                    c.path
                ));
                continue;
            }
            if !self.defs.bindings.contains_key(&binding) {
                return Err(unresolved("binding", &binding, file, &c.path, None));
            }
            let mut address = None;
            for a in children(c.el, &c.path) {
                if a.el.name == "address"
                    && matches!(ns(a.el), Some(WSDL_SOAP11_NS | WSDL_SOAP12_NS))
                {
                    if address.is_some() {
                        return Err(invalid("two addresses in one port", file, &a.path));
                    }
                    address = Some(required(a.el, "location", file, &a.path)?.to_owned());
                } else if matches!(ns(a.el), Some(WSDL_SOAP11_NS | WSDL_SOAP12_NS)) {
                    return Err(unsupported(
                        format!("{} in wsdl:port", display_name(a.el)),
                        file,
                        &a.path,
                    ));
                } else {
                    self.other_child(file, &a)?;
                }
            }
            ports.push(Port {
                name: port_name.to_owned(),
                binding,
                address,
            });
        }
        self.defs.services.push(Service {
            name,
            documentation: wsdl_documentation(node.el),
            ports,
        });
        Ok(())
    }
}
