//! The model built from the doc/literal and rpc fixtures.

use std::path::{Path, PathBuf};

use wsdl::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn load(name: &str) -> Definitions {
    wsdl::load(&fixture(name)).unwrap_or_else(|e| panic!("{e}"))
}

const JOBS: &str = "urn:example:jobs";
const TYPES: &str = "urn:example:jobs:types";
const PLAIN: &str = "urn:example:jobs:plain";

fn q(ns: &str, local: &str) -> QName {
    QName::new(Some(ns), local)
}

fn xs(local: &str) -> TypeRef {
    TypeRef::Named(q(XSD_NS, local))
}

fn particles(ty: &TypeRef) -> &[Particle] {
    match ty {
        TypeRef::Anonymous(def) => match def.as_ref() {
            TypeDef::Complex(ct) => complex_particles(ct),
            other => panic!("not complex: {other:?}"),
        },
        other => panic!("not anonymous: {other:?}"),
    }
}

fn complex_particles(ct: &ComplexType) -> &[Particle] {
    let Content::Elements(group) = &ct.content else {
        panic!("element content expected")
    };
    &group.particles
}

fn element(p: &Particle) -> &LocalElement {
    let Term::Element(e) = &p.term else {
        panic!("an element particle expected")
    };
    e
}

fn anonymous_complex(ty: &TypeRef) -> &ComplexType {
    match ty {
        TypeRef::Anonymous(def) => match def.as_ref() {
            TypeDef::Complex(ct) => ct,
            other => panic!("not complex: {other:?}"),
        },
        other => panic!("not anonymous: {other:?}"),
    }
}

#[test]
fn definitions_header_and_documentation() {
    let d = load("doclit.wsdl");
    assert_eq!(d.name.as_deref(), Some("Jobs"));
    assert_eq!(d.target_namespace.as_deref(), Some(JOBS));
    assert_eq!(
        d.documentation.as_deref(),
        Some("Runs jobs. Second line of the first paragraph.\n\nSecond paragraph.")
    );
    assert_eq!(d.files.len(), 1);
    assert!(d.files[0].ends_with("doclit.wsdl"));
}

#[test]
fn global_element_with_anonymous_type() {
    let d = load("doclit.wsdl");
    let e = &d.schema.elements[&q(TYPES, "executeJobParam")];
    assert_eq!(e.name, q(TYPES, "executeJobParam"));
    assert_eq!(e.documentation.as_deref(), Some("Starts a job."));
    assert!(!e.nillable);
    let ct = anonymous_complex(&e.ty);
    assert_eq!(ct.name, None);
    let Content::Elements(group) = &ct.content else {
        panic!("element content expected")
    };
    assert_eq!(group.compositor, Compositor::Sequence);
    let ps = &group.particles;
    let names: Vec<&str> = ps.iter().map(|p| element(p).name.local.as_str()).collect();
    assert_eq!(
        names,
        [
            "jobHandle",
            "priority",
            "tags",
            "retries",
            "authHeader",
            "options",
            "anything",
            "local"
        ]
    );

    // Occurrence bounds.
    let occurs: Vec<(u32, Option<u32>)> = ps.iter().map(|p| (p.min_occurs, p.max_occurs)).collect();
    assert_eq!(
        occurs,
        [
            (1, Some(1)),
            (0, Some(1)),
            (0, None),
            (2, Some(5)),
            (1, Some(1)),
            (1, Some(1)),
            (1, Some(1)),
            (1, Some(1))
        ]
    );

    let job_handle = element(&ps[0]);
    assert_eq!(
        job_handle.name,
        q(TYPES, "jobHandle"),
        "elementFormDefault=qualified"
    );
    assert_eq!(job_handle.ty, xs("string"));
    assert_eq!(job_handle.reference, None);
    assert_eq!(element(&ps[1]).ty, TypeRef::Named(q(TYPES, "Priority")));
    assert!(element(&ps[3]).nillable);

    // ref= copies the global's name and type and says which it was.
    let auth = element(&ps[4]);
    assert_eq!(auth.reference, Some(q(TYPES, "authHeader")));
    assert_eq!(auth.name, q(TYPES, "authHeader"));
    assert_eq!(auth.ty, d.schema.elements[&q(TYPES, "authHeader")].ty);

    // Nested anonymous type with xs:all and an anonymous simple type.
    let options = anonymous_complex(&element(&ps[5]).ty);
    let Content::Elements(all) = &options.content else {
        panic!("element content expected")
    };
    assert_eq!(all.compositor, Compositor::All);
    let note = element(&all.particles[1]);
    assert_eq!(all.particles[1].min_occurs, 0);
    match &note.ty {
        TypeRef::Anonymous(def) => match def.as_ref() {
            TypeDef::Simple(st) => assert_eq!(
                st.kind,
                SimpleKind::Restriction {
                    base: q(XSD_NS, "string"),
                    enumerations: vec![],
                    facets: vec![("maxLength".into(), "80".into())],
                }
            ),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }

    // No type at all: the ur-type.
    assert_eq!(element(&ps[6]).ty, xs("anyType"));
    // form="unqualified" overrides elementFormDefault.
    assert_eq!(element(&ps[7]).name, QName::new(None, "local"));
}

#[test]
fn attributes_and_wildcards() {
    let d = load("doclit.wsdl");
    let ct = anonymous_complex(&d.schema.elements[&q(TYPES, "executeJobParam")].ty);
    let attrs = &ct.attributes;
    assert_eq!(attrs.len(), 3);

    assert_eq!(
        attrs[0].name,
        QName::new(None, "mode"),
        "attributeFormDefault=unqualified"
    );
    assert_eq!(attrs[0].ty, xs("string"));
    assert!(attrs[0].required);

    assert_eq!(attrs[1].name, QName::new(None, "level"));
    assert!(!attrs[1].required);
    assert_eq!(attrs[1].default.as_deref(), Some("low"));
    match &attrs[1].ty {
        TypeRef::Anonymous(def) => match def.as_ref() {
            TypeDef::Simple(st) => {
                let SimpleKind::Restriction {
                    base, enumerations, ..
                } = &st.kind
                else {
                    panic!("a restriction expected")
                };
                assert_eq!(base, &q(XSD_NS, "token"));
                assert_eq!(enumerations, &["low", "high"]);
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }

    assert_eq!(attrs[2].name, q(TYPES, "version"), "form=qualified");
    assert_eq!(attrs[2].fixed.as_deref(), Some("2"));

    assert_eq!(
        ct.any_attribute,
        Some(Wildcard {
            namespace: "##any".into(),
            process_contents: "strict".into(),
            target_namespace: Some(TYPES.into()),
        })
    );
    let TypeDef::Complex(result) = &d.schema.types[&q(TYPES, "JobResult")] else {
        panic!()
    };
    // ref= to a global attribute: its (qualified) name, type and default; the local use.
    let lang = &result.attributes[0];
    assert_eq!(lang.name, q(TYPES, "lang"));
    assert_eq!(lang.ty, xs("language"));
    assert!(lang.required);
    assert_eq!(lang.default.as_deref(), Some("en"));
    assert_eq!(
        result.any_attribute,
        Some(Wildcard {
            namespace: "##other".into(),
            process_contents: "lax".into(),
            target_namespace: Some(TYPES.into()),
        })
    );
}

#[test]
fn named_types() {
    let d = load("doclit.wsdl");
    let TypeDef::Complex(result) = &d.schema.types[&q(TYPES, "JobResult")] else {
        panic!()
    };
    assert_eq!(result.name, Some(q(TYPES, "JobResult")));
    assert_eq!(
        result.documentation.as_deref(),
        Some("Result of a job.\n\nSecond note.")
    );
    // A named type may refer to itself.
    let children = element(&complex_particles(result)[1]);
    assert_eq!(children.ty, TypeRef::Named(q(TYPES, "JobResult")));

    let TypeDef::Complex(fault) = &d.schema.types[&q(TYPES, "JobFault")] else {
        panic!()
    };
    assert!(complex_particles(fault).is_empty());
    // No content at all reads as an empty sequence.
    let ping = anonymous_complex(&d.schema.elements[&q(TYPES, "ping")].ty);
    assert!(complex_particles(ping).is_empty());

    let TypeDef::Simple(priority) = &d.schema.types[&q(TYPES, "Priority")] else {
        panic!()
    };
    assert_eq!(priority.documentation.as_deref(), Some("How urgent."));
    assert_eq!(
        priority.kind,
        SimpleKind::Restriction {
            base: q(XSD_NS, "string"),
            enumerations: vec!["LOW".into(), "HIGH".into()],
            facets: vec![],
        }
    );
    let TypeDef::Simple(code) = &d.schema.types[&q(TYPES, "Code")] else {
        panic!()
    };
    assert_eq!(
        code.kind,
        SimpleKind::Restriction {
            base: q(TYPES, "Priority"),
            enumerations: vec![],
            facets: vec![
                ("pattern".into(), "[A-Z]+".into()),
                ("minLength".into(), "1".into())
            ],
        }
    );

    let ret = &d.schema.elements[&q(TYPES, "executeJobReturn")];
    assert!(ret.nillable);
    assert_eq!(ret.ty, TypeRef::Named(q(TYPES, "JobResult")));
}

#[test]
fn unqualified_schema_and_default_namespace_qnames() {
    let d = load("doclit.wsdl");
    let status = &d.schema.elements[&q(PLAIN, "status")];
    let ps = particles(&status.ty);
    assert_eq!(element(&ps[0]).name, QName::new(None, "id"));
    assert_eq!(element(&ps[0]).ty, xs("string"));
    assert_eq!(element(&ps[1]).name, q(PLAIN, "when"));
    assert_eq!(element(&ps[1]).ty, xs("dateTime"));
    assert_eq!(element(&ps[2]).ty, TypeRef::Named(q(TYPES, "JobResult")));
    let ct = anonymous_complex(&status.ty);
    assert_eq!(ct.attributes[0].ty, xs("boolean"));
}

#[test]
fn messages_and_port_type() {
    let d = load("doclit.wsdl");
    assert_eq!(d.messages.len(), 6);
    let req = &d.messages[&q(JOBS, "executeJobRequest")];
    assert_eq!(req.parts.len(), 1);
    assert_eq!(req.parts[0].name, "parameters");
    assert_eq!(
        req.parts[0].kind,
        PartKind::Element(q(TYPES, "executeJobParam"))
    );

    let pt = &d.port_types[&q(JOBS, "JobsPortType")];
    assert_eq!(pt.documentation.as_deref(), Some("The job operations."));
    let names: Vec<&str> = pt.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["executeJob", "ping", "status"]);

    let exec = &pt.operations[0];
    assert_eq!(exec.documentation.as_deref(), Some("Executes a job."));
    let input = exec.input.as_ref().unwrap();
    assert_eq!(
        input.name.as_deref(),
        Some("executeJobRequest"),
        "defaulted"
    );
    assert_eq!(input.message, q(JOBS, "executeJobRequest"));
    let output = exec.output.as_ref().unwrap();
    assert_eq!(output.name.as_deref(), Some("executeJobOut"), "explicit");
    assert_eq!(exec.faults.len(), 1);
    assert_eq!(exec.faults[0].name.as_deref(), Some("jobFault"));
    assert_eq!(exec.faults[0].message, q(JOBS, "jobFault"));

    // One-way: the input's default name is the operation's.
    let ping = &pt.operations[1];
    assert_eq!(ping.input.as_ref().unwrap().name.as_deref(), Some("ping"));
    assert!(ping.output.is_none());
}

#[test]
fn soap11_binding() {
    let d = load("doclit.wsdl");
    let b = &d.bindings[&q(JOBS, "JobsSoapBinding")];
    assert_eq!(b.soap_version, SoapVersion::Soap11);
    assert_eq!(b.port_type, q(JOBS, "JobsPortType"));
    assert_eq!(b.style, Style::Document);
    assert_eq!(
        b.transport.as_deref(),
        Some("http://schemas.xmlsoap.org/soap/http")
    );
    assert_eq!(b.operations.len(), 2);

    let exec = &b.operations[0];
    assert_eq!(exec.name, "executeJob");
    assert_eq!(exec.soap_action.as_deref(), Some("urn:executeJob"));
    assert_eq!(exec.style, Style::Document);
    let input = exec.input.as_ref().unwrap();
    assert_eq!(
        input.body,
        SoapBody {
            parts: Some(vec!["parameters".into()]),
            use_: Use::Literal,
            namespace: None
        }
    );
    assert_eq!(
        input.headers,
        [SoapHeader {
            message: q(JOBS, "authHeader"),
            part: "auth".into(),
            use_: Use::Literal,
            faults: Vec::new(),
        }]
    );
    let output = exec.output.as_ref().unwrap();
    assert_eq!(output.body.parts, None);
    assert!(output.headers.is_empty());
    assert_eq!(
        exec.faults,
        [BindingFault {
            name: "jobFault".into(),
            use_: Use::Literal
        }]
    );

    let ping = &b.operations[1];
    assert_eq!(ping.soap_action.as_deref(), Some(""));
    assert!(ping.output.is_none());
}

#[test]
fn soap12_binding() {
    let d = load("doclit.wsdl");
    let b = &d.bindings[&q(JOBS, "JobsSoap12Binding")];
    assert_eq!(b.soap_version, SoapVersion::Soap12);
    assert_eq!(b.style, Style::Document, "default style");
    let exec = &b.operations[0];
    assert_eq!(exec.input.as_ref().unwrap().headers.len(), 1);
    assert_eq!(exec.faults[0].name, "jobFault");
    let status = &b.operations[1];
    assert_eq!(status.name, "status");
    assert_eq!(status.soap_action, None);
    assert_eq!(status.input.as_ref().unwrap().body.use_, Use::Literal);
    assert_eq!(d.binding(&q(JOBS, "JobsSoap12Binding")), Some(b));
}

#[test]
fn http_binding_is_skipped_with_notes() {
    let d = load("doclit.wsdl");
    assert_eq!(d.bindings.len(), 2);
    assert!(!d.bindings.contains_key(&q(JOBS, "JobsHttpBinding")));
    let notes = d.notes.join("\n");
    assert!(
        notes.contains("skipped binding {urn:example:jobs}JobsHttpBinding"),
        "{notes}"
    );
    assert!(notes.contains("not a SOAP binding"), "{notes}");
    assert!(notes.contains("skipped port `JobsHttp`"), "{notes}");
    assert!(notes.contains("ignored xs:unique"), "{notes}");
    assert!(
        notes.contains(
            "ignored 1 extension element(s) {http://www.w3.org/ns/ws-policy}PolicyReference"
        ),
        "{notes}"
    );
}

#[test]
fn services_and_ports() {
    let d = load("doclit.wsdl");
    assert_eq!(d.services.len(), 1);
    let s = &d.services[0];
    assert_eq!(s.name, q(JOBS, "JobsService"));
    assert_eq!(s.documentation.as_deref(), Some("Where the jobs run."));
    assert_eq!(
        s.ports,
        [
            Port {
                name: "JobsSoap".into(),
                binding: q(JOBS, "JobsSoapBinding"),
                address: Some("https://jobs.example.com/soap11".into())
            },
            Port {
                name: "JobsSoap12".into(),
                binding: q(JOBS, "JobsSoap12Binding"),
                address: Some("https://jobs.example.com/soap12".into())
            }
        ]
    );
}

#[test]
fn loading_is_deterministic() {
    assert_eq!(load("doclit.wsdl"), load("doclit.wsdl"));
}

#[test]
fn rpc_encoded() {
    let d = load("rpc.wsdl");
    let add_in = &d.messages[&q("urn:calc", "AddIn")];
    assert_eq!(add_in.parts[0].kind, PartKind::Type(q("urn:calc", "Pair")));
    assert_eq!(add_in.parts[1].kind, PartKind::Type(q(XSD_NS, "double")));

    let b = &d.bindings[&q("urn:calc", "CalcBinding")];
    assert_eq!(b.style, Style::Rpc);
    let add = &b.operations[0];
    assert_eq!(add.style, Style::Rpc, "inherited from soap:binding");
    let body = &add.input.as_ref().unwrap().body;
    assert_eq!(body.use_, Use::Encoded);
    assert_eq!(body.namespace.as_deref(), Some("urn:calc"));
    assert_eq!(add.output.as_ref().unwrap().body.parts, Some(vec![]));

    let echo = &b.operations[1];
    assert_eq!(
        echo.style,
        Style::Document,
        "soap:operation style overrides"
    );
    let pt = &d.port_types[&q("urn:calc", "CalcPort")];
    assert_eq!(
        pt.operations[0].output.as_ref().unwrap().name.as_deref(),
        Some("addResponse")
    );
    assert_eq!(
        pt.operations[1].input.as_ref().unwrap().name.as_deref(),
        Some("echoIn")
    );
    let TypeDef::Complex(pair) = &d.schema.types[&q("urn:calc", "Pair")] else {
        panic!()
    };
    // Unqualified local elements (no elementFormDefault).
    assert_eq!(
        element(&complex_particles(pair)[0]).name,
        QName::new(None, "a")
    );
}
