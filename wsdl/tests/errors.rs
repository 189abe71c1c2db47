//! Every error names the file and the element path; none panics.

use std::path::{Path, PathBuf};

use wsdl::{Error, LoadOptions};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/errors")
        .join(name)
}

fn load_err(path: &Path) -> Error {
    match wsdl::load(path) {
        Ok(_) => panic!("{} loaded, expected an error", path.display()),
        Err(e) => e,
    }
}

fn fixture_err(name: &str) -> Error {
    load_err(&fixture(name))
}

#[track_caller]
fn assert_mentions(e: &Error, pieces: &[&str]) {
    let msg = e.to_string();
    for piece in pieces {
        assert!(msg.contains(piece), "`{msg}` does not mention `{piece}`");
    }
}

/// Writes a generated document under Cargo's per-test-target temp dir.
fn write_temp(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wsdl-errors");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A WSDL around `schema` (the body of an xs:schema in urn:t) and `rest`
/// (WSDL definitions after wsdl:types).
fn generated(name: &str, schema: &str, rest: &str) -> PathBuf {
    let text = format!(
        r#"<?xml version="1.0"?>
<wsdl:definitions targetNamespace="urn:t"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:mime="http://schemas.xmlsoap.org/wsdl/mime/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tns="urn:t">
  <wsdl:types>
    <xs:schema targetNamespace="urn:t" elementFormDefault="qualified">
{schema}
    </xs:schema>
  </wsdl:types>
{rest}
</wsdl:definitions>
"#
    );
    write_temp(&format!("{name}.wsdl"), &text)
}

/// A small valid port type, binding and service; `binding_ops` replaces the
/// binding's operations.
fn service_with(port_type_ops: &str, binding_ops: &str) -> String {
    format!(
        r#"
  <wsdl:message name="in"><wsdl:part name="body" element="tns:req"/></wsdl:message>
  <wsdl:message name="out"><wsdl:part name="body" element="tns:req"/></wsdl:message>
  <wsdl:message name="hdr"><wsdl:part name="h" element="tns:req"/></wsdl:message>
  <wsdl:portType name="PT">{port_type_ops}</wsdl:portType>
  <wsdl:binding name="B" type="tns:PT">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    {binding_ops}
  </wsdl:binding>"#
    )
}

const REQ: &str = r#"<xs:element name="req" type="xs:string"/>"#;
const OP: &str = r#"<wsdl:operation name="op">
      <wsdl:input message="tns:in"/><wsdl:output message="tns:out"/>
    </wsdl:operation>"#;

#[test]
fn not_well_formed_xml_names_file_line_and_column() {
    let e = fixture_err("not_well_formed.wsdl");
    assert!(matches!(e, Error::Xml { line: 8, .. }), "{e}");
    assert_mentions(&e, &["not_well_formed.wsdl:8:", "not well-formed"]);
}

#[test]
fn missing_file_names_it_and_the_referrer() {
    let e = fixture_err("missing_import.wsdl");
    assert!(matches!(e, Error::Read { .. }), "{e}");
    assert_mentions(
        &e,
        &[
            "no-such.xsd",
            "referred to from",
            "missing_import.wsdl at /definitions/types/schema/import",
        ],
    );
}

#[test]
fn missing_entry_file() {
    let e = fixture_err("does-not-exist.wsdl");
    assert!(
        matches!(
            e,
            Error::Read {
                referred_from: None,
                ..
            }
        ),
        "{e}"
    );
    assert_mentions(&e, &["does-not-exist.wsdl"]);
}

#[test]
fn unknown_prefix() {
    let e = fixture_err("unknown_prefix.wsdl");
    assert!(
        matches!(&e, Error::UnknownPrefix { prefix, .. } if prefix == "zz"),
        "{e}"
    );
    assert_mentions(
        &e,
        &[
            "unknown_prefix.wsdl",
            "/definitions/types/schema/element[@name='a']",
            "`zz`",
        ],
    );
}

#[test]
fn unresolved_type_names_qname_kind_and_path() {
    let e = fixture_err("unresolved_type.wsdl");
    assert!(matches!(e, Error::Unresolved { kind: "type", .. }), "{e}");
    assert_mentions(
        &e,
        &[
            "unresolved_type.wsdl",
            "/definitions/types/schema[1]/element[@name='executeJobParam']/complexType/sequence/element[@name='jobHandle']",
            "type reference {urn:t}Missing",
        ],
    );
}

#[test]
fn unknown_name_in_xsd_namespace() {
    let e = fixture_err("unknown_builtin.wsdl");
    assert!(matches!(e, Error::Unresolved { kind: "type", .. }), "{e}");
    assert_mentions(
        &e,
        &[
            "unknown_builtin.wsdl",
            "complexType[@name='T']/sequence/element[@name='when']",
            "{http://www.w3.org/2001/XMLSchema}datetime",
            "not an XML Schema 1.0 built-in type",
        ],
    );
}

#[test]
fn duplicate_element_names_both_places() {
    let e = fixture_err("duplicate_element.wsdl");
    assert!(
        matches!(
            e,
            Error::Duplicate {
                kind: "element",
                ..
            }
        ),
        "{e}"
    );
    assert_mentions(
        &e,
        &[
            "duplicate_element.wsdl",
            "/definitions/types/schema[2]/element[@name='dup']",
            "/definitions/types/schema[1]/element[@name='dup']",
            "{urn:t}dup",
        ],
    );
}

#[test]
fn duplicate_message() {
    let e = fixture_err("duplicate_message.wsdl");
    assert!(
        matches!(
            e,
            Error::Duplicate {
                kind: "message",
                ..
            }
        ),
        "{e}"
    );
    assert_mentions(
        &e,
        &["duplicate_message.wsdl", "/definitions/message[@name='m']"],
    );
}

#[test]
fn binding_operation_missing_from_port_type() {
    let e = fixture_err("unknown_binding_operation.wsdl");
    assert!(matches!(e, Error::UnknownOperation { .. }), "{e}");
    assert_mentions(
        &e,
        &[
            "unknown_binding_operation.wsdl",
            "/definitions/binding[@name='B']/operation[@name='nope']",
            "`nope`",
            "{urn:t}PT",
        ],
    );
}

#[test]
fn binding_with_missing_port_type() {
    let e = fixture_err("missing_port_type.wsdl");
    assert!(
        matches!(
            e,
            Error::Unresolved {
                kind: "port type",
                ..
            }
        ),
        "{e}"
    );
    assert_mentions(
        &e,
        &[
            "missing_port_type.wsdl",
            "/definitions/binding[@name='B']",
            "{urn:t}Absent",
        ],
    );
}

#[test]
fn part_with_missing_element() {
    let e = fixture_err("missing_part_element.wsdl");
    assert!(
        matches!(
            e,
            Error::Unresolved {
                kind: "element",
                ..
            }
        ),
        "{e}"
    );
    assert_mentions(
        &e,
        &[
            "missing_part_element.wsdl",
            "/definitions/message[@name='m']/part[@name='p']",
            "{urn:t}absent",
        ],
    );
}

#[test]
fn part_with_missing_type() {
    let e = fixture_err("missing_part_type.wsdl");
    assert!(matches!(e, Error::Unresolved { kind: "type", .. }), "{e}");
    assert_mentions(
        &e,
        &[
            "missing_part_type.wsdl",
            "/definitions/message[@name='m']/part[@name='p']",
        ],
    );
}

#[test]
fn root_that_is_not_definitions() {
    let e = fixture_err("not_definitions.wsdl");
    assert!(matches!(e, Error::UnexpectedRoot { .. }), "{e}");
    assert_mentions(
        &e,
        &["not_definitions.wsdl", "xs:schema", "wsdl:definitions"],
    );
}

#[test]
fn doctype_is_rejected() {
    let e = fixture_err("doctype.wsdl");
    assert!(matches!(e, Error::Doctype { .. }), "{e}");
    assert_mentions(&e, &["doctype.wsdl:", "DOCTYPE"]);
}

#[test]
fn remote_locations_are_not_fetched() {
    let e = fixture_err("remote_import.wsdl");
    assert!(
        matches!(
            e,
            Error::Remote {
                allow_remote: false,
                ..
            }
        ),
        "{e}"
    );
    assert_mentions(
        &e,
        &[
            "remote_import.wsdl",
            "/definitions/types/schema/import",
            "https://example.com/remote.xsd",
            "not fetched",
        ],
    );
    let allow = LoadOptions {
        allow_remote: true,
        ..LoadOptions::default()
    };
    let e = wsdl::load_with(&fixture("remote_import.wsdl"), &allow).unwrap_err();
    assert_mentions(
        &e,
        &[
            "https://example.com/remote.xsd",
            "not implemented",
            "remote_import.wsdl",
        ],
    );
}

#[test]
fn choice_loads() {
    let defs = wsdl::load(&fixture("unsupported_choice.wsdl")).expect("a choice loads");
    let either = defs
        .schema
        .types
        .get(&wsdl::QName::new(Some("urn:t"), "Either"))
        .expect("Either");
    let wsdl::TypeDef::Complex(ct) = either else {
        panic!("complex")
    };
    let wsdl::Content::Elements(group) = &ct.content else {
        panic!("element content")
    };
    assert_eq!(group.compositor, wsdl::Compositor::Choice);
    assert_eq!(group.particles.len(), 2);
}

/// Constructs once refused that now load (the schema tests in `codegen`
/// cover what they generate).
#[test]
fn formerly_unsupported_schema_constructs_load() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "group",
            r#"<xs:group name="g"><xs:sequence/></xs:group>"#,
            "xs:group",
            "/schema/group[@name='g']",
        ),
        (
            "attribute_group",
            r#"<xs:attributeGroup name="ag"><xs:attribute name="a" type="xs:int"/></xs:attributeGroup>
               <xs:complexType name="T"><xs:attributeGroup ref="tns:ag"/></xs:complexType>"#,
            "xs:attributeGroup",
            "complexType[@name='T']/attributeGroup[@ref='tns:ag']",
        ),
        (
            "any",
            r#"<xs:complexType name="T"><xs:sequence><xs:any/></xs:sequence></xs:complexType>"#,
            "xs:any",
            "complexType[@name='T']/sequence/any",
        ),
        (
            "complex_content",
            r#"<xs:complexType name="T"><xs:complexContent><xs:extension base="xs:anyType"/></xs:complexContent></xs:complexType>"#,
            "xs:complexContent",
            "complexType[@name='T']/complexContent",
        ),
        (
            "simple_content",
            r#"<xs:element name="e"><xs:complexType><xs:simpleContent><xs:extension base="xs:string"/></xs:simpleContent></xs:complexType></xs:element>"#,
            "xs:simpleContent",
            "element[@name='e']/complexType/simpleContent",
        ),
        (
            "list",
            r#"<xs:simpleType name="L"><xs:list itemType="xs:int"/></xs:simpleType>"#,
            "xs:list",
            "simpleType[@name='L']/list",
        ),
        (
            "union",
            r#"<xs:simpleType name="U"><xs:union memberTypes="xs:int xs:string"/></xs:simpleType>"#,
            "xs:union",
            "simpleType[@name='U']/union",
        ),
        (
            "mixed",
            r#"<xs:complexType name="M" mixed="true"><xs:sequence/></xs:complexType>"#,
            "mixed=\"true\"",
            "complexType[@name='M']",
        ),
        (
            "abstract_element",
            r#"<xs:element name="E" type="xs:string" abstract="true"/>"#,
            "abstract",
            "element[@name='E']",
        ),
        (
            "abstract_type",
            r#"<xs:complexType name="A" abstract="true"/>"#,
            "abstract",
            "complexType[@name='A']",
        ),
        (
            "substitution_group",
            r#"<xs:element name="H" type="xs:string"/><xs:element name="E" type="xs:string" substitutionGroup="tns:H"/>"#,
            "substitutionGroup",
            "element[@name='E']",
        ),
        (
            "element_default",
            r#"<xs:complexType name="T"><xs:sequence><xs:element name="x" type="xs:int" default="1"/></xs:sequence></xs:complexType>"#,
            "xs:element default",
            "sequence/element[@name='x']",
        ),
        (
            "nested_sequence",
            r#"<xs:complexType name="T"><xs:sequence><xs:sequence/></xs:sequence></xs:complexType>"#,
            "xs:sequence",
            "complexType[@name='T']/sequence/sequence",
        ),
        (
            "repeated_sequence",
            r#"<xs:complexType name="T"><xs:sequence maxOccurs="unbounded"/></xs:complexType>"#,
            "minOccurs/maxOccurs",
            "complexType[@name='T']/sequence",
        ),
        (
            "notation",
            r#"<xs:notation name="n" public="x"/>"#,
            "xs:notation",
            "/schema/notation[@name='n']",
        ),
        (
            "recursive_anonymous_ref",
            r#"<xs:element name="node"><xs:complexType><xs:sequence>
                 <xs:element ref="tns:node" minOccurs="0"/>
               </xs:sequence></xs:complexType></xs:element>"#,
            "recursive xs:element ref",
            "element[@name='node']",
        ),
    ];
    for (name, schema, _construct, _path) in cases {
        let file = generated(&format!("supported_{name}"), schema, "");
        if let Err(e) = wsdl::load(&file) {
            panic!("{name}: {e}");
        }
    }
}

#[test]
fn unsupported_schema_constructs() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "redefine",
            r#"<xs:redefine schemaLocation="other.xsd"/>"#,
            "xs:redefine",
            "/schema/redefine",
        ),
        (
            "prohibited_attribute",
            r#"<xs:complexType name="T"><xs:attribute name="a" type="xs:int" use="prohibited"/></xs:complexType>"#,
            "prohibited",
            "complexType[@name='T']/attribute[@name='a']",
        ),
        (
            "restriction_without_base",
            r#"<xs:simpleType name="S"><xs:restriction><xs:simpleType><xs:restriction base="xs:int"/></xs:simpleType></xs:restriction></xs:simpleType>"#,
            "xs:restriction without base",
            "simpleType[@name='S']/restriction",
        ),
    ];
    for (name, schema, construct, path) in cases {
        let file = generated(&format!("unsupported_{name}"), schema, "");
        let e = load_err(&file);
        assert!(matches!(e, Error::Unsupported { .. }), "{name}: {e}");
        assert_mentions(&e, &[&format!("unsupported_{name}.wsdl"), construct, path]);
    }
}

#[test]
fn unsupported_wsdl_constructs() {
    let header_fault = r#"<wsdl:operation name="op">
      <wsdl:input><soap:body use="literal"/>
        <soap:header message="tns:hdr" part="h" use="literal">
          <soap:headerfault message="tns:hdr" part="h" use="literal"/>
        </soap:header>
      </wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>"#;
    let mime = r#"<wsdl:operation name="op">
      <wsdl:input><mime:multipartRelated/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>"#;
    let solicit = r#"<wsdl:operation name="op">
      <wsdl:output message="tns:out"/><wsdl:input message="tns:in"/>
    </wsdl:operation>"#;
    let defs = wsdl::load(&generated(
        "headerfault",
        REQ,
        &service_with(OP, header_fault),
    ))
    .expect("soap:headerfault loads");
    let binding = defs.bindings.values().next().expect("a binding");
    let input = binding.operations[0].input.as_ref().expect("input");
    assert_eq!(input.headers[0].faults.len(), 1);
    let cases: &[(&str, String, &str, &str)] = &[
        (
            "mime",
            service_with(OP, mime),
            "multipartRelated",
            "operation[@name='op']/input/multipartRelated",
        ),
        (
            "solicit_response",
            service_with(solicit, ""),
            "solicit-response",
            "/definitions/portType[@name='PT']/operation[@name='op']",
        ),
        (
            "overloaded",
            service_with(&format!("{OP}{OP}"), ""),
            "overloaded operation `op`",
            "/definitions/portType[@name='PT']/operation[@name='op']",
        ),
        (
            "required_extension",
            r#"<wsdl:binding name="X" type="tns:PT"><soap:binding/><foo:bar xmlns:foo="urn:foo" wsdl:required="true"/></wsdl:binding>"#
                .to_owned()
                + &service_with(OP, ""),
            "wsdl:required",
            "binding[@name='X']/bar",
        ),
    ];
    for (name, rest, construct, path) in cases {
        let file = generated(&format!("unsupported_{name}"), REQ, rest);
        let e = load_err(&file);
        assert!(matches!(e, Error::Unsupported { .. }), "{name}: {e}");
        assert_mentions(&e, &[&format!("unsupported_{name}.wsdl"), construct, path]);
    }
}

#[test]
fn unresolved_wsdl_references() {
    let bad_fault = r#"<wsdl:operation name="op">
      <wsdl:input><soap:body/></wsdl:input><wsdl:output><soap:body/></wsdl:output>
      <wsdl:fault name="boom"><soap:fault name="boom"/></wsdl:fault>
    </wsdl:operation>"#;
    let bad_header = r#"<wsdl:operation name="op">
      <wsdl:input><soap:body/><soap:header message="tns:hdr" part="nope"/></wsdl:input>
      <wsdl:output><soap:body/></wsdl:output>
    </wsdl:operation>"#;
    let bad_body_parts = r#"<wsdl:operation name="op">
      <wsdl:input><soap:body parts="body other"/></wsdl:input>
      <wsdl:output><soap:body/></wsdl:output>
    </wsdl:operation>"#;
    let missing_message =
        r#"<wsdl:operation name="op"><wsdl:input message="tns:gone"/></wsdl:operation>"#;
    let bad_port = service_with(OP, "")
        + r#"<wsdl:service name="S"><wsdl:port name="P" binding="tns:Nope"><soap:address location="x"/></wsdl:port></wsdl:service>"#;
    let cases: &[(&str, String, &str, &str)] = &[
        (
            "fault",
            service_with(OP, bad_fault),
            "fault reference boom",
            "/definitions/binding[@name='B']/operation[@name='op']/fault[@name='boom']",
        ),
        (
            "header_part",
            service_with(OP, bad_header),
            "part reference nope",
            "operation[@name='op']/input/header",
        ),
        (
            "body_parts",
            service_with(OP, bad_body_parts),
            "part reference other",
            "operation[@name='op']/input/body",
        ),
        (
            "message",
            service_with(missing_message, ""),
            "message reference {urn:t}gone",
            "/definitions/portType[@name='PT']/operation[@name='op']/input",
        ),
        (
            "port_binding",
            bad_port,
            "binding reference {urn:t}Nope",
            "/definitions/service[@name='S']/port[@name='P']",
        ),
    ];
    for (name, rest, what, path) in cases {
        let file = generated(&format!("unresolved_{name}"), REQ, rest);
        let e = load_err(&file);
        assert!(matches!(e, Error::Unresolved { .. }), "{name}: {e}");
        assert_mentions(&e, &[&format!("unresolved_{name}.wsdl"), what, path]);
    }

    let file = generated(
        "unresolved_element_ref",
        r#"<xs:complexType name="T"><xs:sequence><xs:element ref="tns:ghost"/></xs:sequence></xs:complexType>"#,
        "",
    );
    let e = load_err(&file);
    assert!(
        matches!(
            e,
            Error::Unresolved {
                kind: "element",
                ..
            }
        ),
        "{e}"
    );
    assert_mentions(
        &e,
        &[
            "{urn:t}ghost",
            "complexType[@name='T']/sequence/element[@ref='tns:ghost']",
        ],
    );
}

#[test]
fn invalid_values() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "min_occurs",
            r#"<xs:complexType name="T"><xs:sequence><xs:element name="a" type="xs:int" minOccurs="x"/></xs:sequence></xs:complexType>"#,
            "minOccurs=\"x\"",
            "element[@name='a']",
        ),
        (
            "max_below_min",
            r#"<xs:complexType name="T"><xs:sequence><xs:element name="a" type="xs:int" minOccurs="3" maxOccurs="2"/></xs:sequence></xs:complexType>"#,
            "maxOccurs is less than minOccurs",
            "element[@name='a']",
        ),
        (
            "complex_attribute_type",
            r#"<xs:complexType name="C"/><xs:complexType name="T"><xs:attribute name="a" type="tns:C"/></xs:complexType>"#,
            "a simple type is required",
            "attribute[@name='a']",
        ),
        (
            "nameless_element",
            r#"<xs:complexType name="T"><xs:sequence><xs:element type="xs:int"/></xs:sequence></xs:complexType>"#,
            "has no `name` attribute",
            "complexType[@name='T']/sequence/element",
        ),
    ];
    for (name, schema, what, path) in cases {
        let file = generated(&format!("invalid_{name}"), schema, "");
        let e = load_err(&file);
        assert!(matches!(e, Error::Invalid { .. }), "{name}: {e}");
        assert_mentions(&e, &[&format!("invalid_{name}.wsdl"), what, path]);
    }
}

#[test]
fn import_namespace_must_match() {
    write_temp(
        "ns_other.xsd",
        r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:actual"/>"#,
    );
    let file = generated(
        "import_mismatch",
        r#"<xs:import namespace="urn:declared" schemaLocation="ns_other.xsd"/>"#,
        "",
    );
    let e = load_err(&file);
    assert!(matches!(e, Error::Invalid { .. }), "{e}");
    assert_mentions(
        &e,
        &[
            "import_mismatch.wsdl",
            "/definitions/types/schema/import",
            "urn:declared",
            "urn:actual",
        ],
    );

    let file = generated(
        "include_mismatch",
        r#"<xs:include schemaLocation="ns_other.xsd"/>"#,
        "",
    );
    let e = load_err(&file);
    assert_mentions(
        &e,
        &[
            "include_mismatch.wsdl",
            "/definitions/types/schema/include",
            "urn:actual",
        ],
    );
}

#[test]
fn included_file_must_be_a_schema() {
    let file = generated(
        "include_wsdl",
        r#"<xs:include schemaLocation="include_wsdl.wsdl"/>"#,
        "",
    );
    let e = load_err(&file);
    assert!(matches!(e, Error::UnexpectedRoot { .. }), "{e}");
    assert_mentions(
        &e,
        &[
            "include_wsdl.wsdl",
            "expected xs:schema",
            "/definitions/types/schema/include",
        ],
    );
}

#[test]
fn deeply_nested_anonymous_types_hit_the_depth_limit() {
    let levels = 80;
    let mut schema = String::new();
    for i in 0..levels {
        schema.push_str(&format!(
            r#"<xs:element name="e{i}"><xs:complexType><xs:sequence>"#
        ));
    }
    schema.push_str(r#"<xs:element name="leaf" type="xs:string"/>"#);
    for _ in 0..levels {
        schema.push_str("</xs:sequence></xs:complexType></xs:element>");
    }
    let e = load_err(&generated("deep_types", &schema, ""));
    assert!(matches!(e, Error::TooDeep { limit: 256, .. }), "{e}");
    assert_mentions(&e, &["deep_types.wsdl", "/definitions/types/schema/element[@name='e0']/complexType/sequence/element[@name='e1']"]);
}

#[test]
fn deeply_nested_xml_is_rejected_before_tree_building() {
    let depth = 5000;
    let body = format!("{}{}", "<x>".repeat(depth), "</x>".repeat(depth));
    let file = generated(
        "deep_xml",
        "",
        &format!("<wsdl:documentation>{body}</wsdl:documentation>"),
    );
    let e = load_err(&file);
    assert!(matches!(e, Error::Xml { .. }), "{e}");
    assert_mentions(&e, &["deep_xml.wsdl", "nested deeper than"]);
}

#[test]
fn chains_of_element_references_are_bounded() {
    // e0 refs e1 refs e2 ...: each global has an anonymous type holding a ref.
    let n = 300;
    let mut schema = String::new();
    for i in 0..n {
        schema.push_str(&format!(
            r#"<xs:element name="e{i}"><xs:complexType><xs:sequence><xs:element ref="tns:e{}"/></xs:sequence></xs:complexType></xs:element>"#,
            i + 1
        ));
    }
    schema.push_str(&format!(r#"<xs:element name="e{n}" type="xs:string"/>"#));
    let e = load_err(&generated("ref_chain", &schema, ""));
    assert!(matches!(e, Error::TooDeep { .. }), "{e}");
    assert_mentions(&e, &["ref_chain.wsdl", "nesting deeper than 256"]);
}

#[test]
fn content_derivations_must_be_exactly_one() {
    for (name, content) in [
        ("complex_none", "<xs:complexContent/>"),
        ("simple_none", "<xs:simpleContent/>"),
    ] {
        let schema = format!(r#"<xs:complexType name="T">{content}</xs:complexType>"#);
        let e = load_err(&generated(name, &schema, ""));
        assert_mentions(
            &e,
            &[
                &format!("{name}.wsdl"),
                "has no extension or restriction",
                "complexType[@name='T']",
            ],
        );
    }
    let schema = r#"<xs:complexType name="T"><xs:complexContent><xs:extension base="xs:anyType"/><xs:restriction base="xs:anyType"/></xs:complexContent></xs:complexType>"#;
    let e = load_err(&generated("complex_two", schema, ""));
    assert_mentions(
        &e,
        &["complex_two.wsdl", "xs:complexContent has two derivations"],
    );
}

/// Imported files are parsed several at a time; the error reported is still
/// the one a one-by-one load meets first (the first broken import in
/// document order), and a file referred to twice is read once.
#[test]
fn errors_in_imports_parsed_in_parallel_come_in_document_order() {
    let schema = |ns: &str, body: &str| {
        format!(
            r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{ns}">{body}</xs:schema>"#
        )
    };
    write_temp(
        "par-good-a.xsd",
        &schema("urn:a", r#"<xs:element name="a" type="xs:string"/>"#),
    );
    write_temp(
        "par-good-b.xsd",
        &schema("urn:b", r#"<xs:element name="b" type="xs:string"/>"#),
    );
    // Broken at different lines, so which one is reported shows.
    write_temp("par-bad-1.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"\n targetNamespace=\"urn:c\">\n<oops></xs:schema>");
    write_temp("par-bad-2.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"\n\n\n targetNamespace=\"urn:d\">\n<oops></xs:schema>");
    let imports = |names: &[(&str, &str)]| {
        names
            .iter()
            .map(|(ns, file)| format!(r#"<xs:import namespace="{ns}" schemaLocation="{file}"/>"#))
            .collect::<String>()
    };
    let good = imports(&[
        ("urn:a", "par-good-a.xsd"),
        ("urn:b", "par-good-b.xsd"),
        ("urn:a", "par-good-a.xsd"),
    ]);
    let path = generated("par-good", &good, "");
    let defs = wsdl::load(&path).expect("loads");
    let read: Vec<&str> = defs
        .files
        .iter()
        .map(|f| f.rsplit('/').next().unwrap_or(f))
        .collect();
    assert_eq!(read, ["par-good.wsdl", "par-good-a.xsd", "par-good-b.xsd"]);
    for (name, order, first) in [
        (
            "par-bad-12",
            [("urn:c", "par-bad-1.xsd"), ("urn:d", "par-bad-2.xsd")],
            "par-bad-1.xsd:3:",
        ),
        (
            "par-bad-21",
            [("urn:d", "par-bad-2.xsd"), ("urn:c", "par-bad-1.xsd")],
            "par-bad-2.xsd:5:",
        ),
    ] {
        let body = format!("{}{}", good, imports(&order));
        let e = load_err(&generated(name, &body, ""));
        assert_mentions(&e, &[first]);
    }
}
