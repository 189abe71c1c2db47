//! Compiles the snapshot generated for the `rpc` fixture
//! (codegen/tests/fixtures/rpc.wsdl: an rpc/literal and an rpc/encoded
//! binding) and round-trips the operation wrappers through it.

mod common;

mod generated {
    include!("../../codegen/tests/snapshots/rpc.rs");
}

use common::canonical;
use generated::rpc::*;
use ips_client::soap::xml::{decode_document, encode_document};
use ips_client::soap::{Limits, Nillable, XmlName};

#[test]
fn rpc_literal_wrapper_round_trips() {
    // The wrapper is named after the operation, in the soap:body namespace;
    // its children are the parts, unqualified, named after the parts.
    let xml = r#"<c:add xmlns:c="urn:example:calc"><pair><a>1</a><b>2</b></pair><scale>1.5</scale></c:add>"#;
    let name = XmlName::new(Some(NS_CALC), "add");
    let request: AddRequest = decode_document(xml.as_bytes(), name, &Limits::default()).unwrap();
    assert_eq!(request.pair.a, 1);
    assert_eq!(request.scale, 1.5);
    let encoded = encode_document(&request, name).unwrap();
    assert_eq!(canonical(&encoded), canonical(xml), "{encoded}");
    assert_eq!(
        operations::ADD.response,
        Some(XmlName::new(Some(NS_CALC), "addResponse"))
    );
}

#[test]
fn rpc_encoded_array_round_trips() {
    let xml = r#"<c:total xmlns:c="urn:example:calc"
        xmlns:enc="http://schemas.xmlsoap.org/soap/encoding/"
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
      <values enc:arrayType="xsd:int[3]"><item>1</item><item xsi:nil="true"/><item>3</item></values>
    </c:total>"#;
    let name = XmlName::new(Some(NS_CALC), "total");
    let request: TotalRequest = decode_document(xml.as_bytes(), name, &Limits::default()).unwrap();
    assert_eq!(
        request.values.item,
        vec![Nillable::Value(1), Nillable::Nil, Nillable::Value(3)]
    );
    assert_eq!(request.values.other_attributes[0].local, "arrayType");
    let encoded = encode_document(&request, name).unwrap();
    assert_eq!(canonical(&encoded), canonical(xml), "{encoded}");
}
