//! Test support: compare XML by meaning (canonical form), not by bytes.
#![allow(dead_code)]

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

const XSI_TYPE: &str = "{http://www.w3.org/2001/XMLSchema-instance}type";

/// One canonical event: namespaces resolved, attributes sorted, namespace
/// declarations dropped (prefixes are free to differ), blank text dropped.
/// The value of `xsi:type` is a QName, so it is resolved too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Canonical {
    Start {
        name: String,
        attributes: Vec<(String, String)>,
    },
    Text(String),
    End,
}

fn resolved(ns: ResolveResult<'_>, local: &[u8]) -> String {
    let local = String::from_utf8_lossy(local);
    match ns {
        ResolveResult::Bound(ns) => format!("{{{}}}{local}", String::from_utf8_lossy(ns.as_ref())),
        ResolveResult::Unbound => local.into_owned(),
        ResolveResult::Unknown(p) => panic!("unknown prefix {:?}", String::from_utf8_lossy(&p)),
    }
}

/// The canonical events of a whole document.
pub fn canonical(xml: &str) -> Vec<Canonical> {
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().expand_empty_elements = true;
    let mut out = Vec::new();
    loop {
        match reader.read_resolved_event().expect("well-formed XML") {
            (ns, Event::Start(start)) => {
                let name = resolved(ns, start.local_name().as_ref());
                let mut attributes: Vec<(String, String)> = start
                    .attributes()
                    .map(|a| a.expect("attribute"))
                    .filter(|a| a.key.as_namespace_binding().is_none())
                    .map(|a| {
                        let (ns, local) = reader.resolve_attribute(a.key);
                        let value = a.unescape_value().expect("attribute value").into_owned();
                        let name = resolved(ns, local.as_ref());
                        if name == XSI_TYPE {
                            let (ns, local) = reader
                                .resolve_element(quick_xml::name::QName(value.trim().as_bytes()));
                            return (name, resolved(ns, local.as_ref()));
                        }
                        (name, value)
                    })
                    .collect();
                attributes.sort();
                out.push(Canonical::Start { name, attributes });
            }
            (_, Event::End(_)) => out.push(Canonical::End),
            (_, Event::Text(text)) => {
                let text = text.unescape().expect("text").into_owned();
                if !text.trim().is_empty() {
                    out.push(Canonical::Text(text));
                }
            }
            (_, Event::Eof) => break,
            _ => {}
        }
    }
    out
}

/// The canonical events of the first element inside the SOAP Body.
pub fn canonical_body(envelope: &str) -> Vec<Canonical> {
    let events = canonical(envelope);
    let body_start = events
        .iter()
        .position(|e| matches!(e, Canonical::Start { name, .. } if name.ends_with("}Body")))
        .expect("a SOAP Body");
    let mut depth = 0usize;
    let mut out = Vec::new();
    for event in &events[body_start + 1..] {
        match event {
            Canonical::Start { .. } => depth += 1,
            Canonical::End if depth == 0 => break,
            Canonical::End => depth -= 1,
            Canonical::Text(_) => {}
        }
        out.push(event.clone());
        if depth == 0 {
            break;
        }
    }
    out
}

/// The canonical events of the SOAP Header's children.
pub fn canonical_header(envelope: &str) -> Vec<Canonical> {
    let events = canonical(envelope);
    let Some(start) = events
        .iter()
        .position(|e| matches!(e, Canonical::Start { name, .. } if name.ends_with("}Header")))
    else {
        return Vec::new();
    };
    let mut depth = 0usize;
    let mut out = Vec::new();
    for event in &events[start + 1..] {
        match event {
            Canonical::Start { .. } => depth += 1,
            Canonical::End if depth == 0 => break,
            Canonical::End => depth -= 1,
            Canonical::Text(_) => {}
        }
        out.push(event.clone());
    }
    out
}

/// The operation names of the WSDL this build generated from.
pub fn wsdl_operations() -> Vec<String> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let wsdl = match std::env::var_os("IPS_WSDL").filter(|v| !v.is_empty()) {
        Some(path) => root.join("..").join(path),
        None => root.join("wsdl/IpsApi-2014-04-03.wsdl"),
    };
    let defs = wsdl::load(&wsdl).expect("the WSDL the client was built from");
    let mut names: Vec<String> = defs
        .port_types
        .values()
        .flat_map(|p| p.operations.iter().map(|o| o.name.clone()))
        .collect();
    names.sort();
    names
}
