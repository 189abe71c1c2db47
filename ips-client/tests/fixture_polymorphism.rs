//! Compiles the snapshot generated for the `polymorphism` fixture
//! (codegen/tests/fixtures/polymorphism.wsdl: `xsi:type` polymorphism) and
//! round-trips derived values through it: decoding picks the type named by
//! `xsi:type` wherever its prefix is bound, encoding names it again, and a
//! whole operation goes through the generated client and dispatcher over
//! HTTP on 127.0.0.1.

mod common;

mod generated {
    include!("../../codegen/tests/snapshots/polymorphism.rs");
}

use common::canonical;
use generated::polymorphism::*;
use ips_client::soap::server::{Handler, HttpRequest, HttpResponse, Reaction, TestServer};
use ips_client::soap::xml::{decode_document, encode_document};
use ips_client::soap::{DecodeErrorKind, Limits, Nillable, SoapClient, XmlName};

const DRAW: XmlName<'static> = XmlName::new(Some(NS_SHAPES), "draw");

/// Every way of naming a type: prefixed in the element's namespace, through
/// the default namespace (an unprefixed QName value), another namespace
/// (`Star`), two levels of derivation (`Ring`), recursion (`Group` holding
/// shapes), a concrete base without `xsi:type` and a restriction with it.
const SAMPLE: &str = r#"<draw xmlns="urn:example:shapes" xmlns:s="urn:example:shapes"
    xmlns:m="urn:example:shapes:more" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
  <main i:type="s:Group" id="g1">
    <label>group</label>
    <member i:type="Circle"><label>c</label><radius>1.5</radius></member>
    <member i:type="m:Star" id="st"><label>star</label><m:points>5</m:points></member>
  </main>
  <backdrop i:nil="true"/>
  <shape xmlns:q="urn:example:shapes" i:type="q:Ring"><label>r</label><radius>2</radius><inner>1</inner></shape>
  <shape i:type="s:Circle"><label>c2</label><radius>3</radius></shape>
  <note i:type="s:ShortNote"><text>short</text></note>
  <circle><label>plain circle</label><radius>4</radius></circle>
</draw>"#;

fn decode(xml: &str) -> Result<Drawing, ips_client::soap::DecodeError> {
    decode_document(xml.as_bytes(), DRAW, &Limits::default())
}

#[test]
fn xsi_type_selects_the_derived_type() {
    let drawing = decode(SAMPLE).expect("sample decodes");
    let ShapeOrDerived::Group(group) = &drawing.main else {
        panic!("main is a Group: {:?}", drawing.main);
    };
    assert_eq!(group.id.as_deref(), Some("g1"));
    assert_eq!(group.label, "group");
    assert_eq!(group.member.len(), 2);
    assert!(
        matches!(&group.member[0], ShapeOrDerived::Circle(c) if c.radius == 1.5 && c.label == "c")
    );
    assert!(
        matches!(&group.member[1], ShapeOrDerived::Star(s) if s.points == 5 && s.id.as_deref() == Some("st"))
    );
    assert_eq!(drawing.backdrop, Some(Nillable::Nil));
    assert!(
        matches!(&drawing.shape[0], ShapeOrDerived::Ring(r) if r.radius == 2.0 && r.inner == 1.0)
    );
    assert!(matches!(&drawing.shape[1], ShapeOrDerived::Circle(_)));
    assert!(matches!(&drawing.note, NoteOrDerived::ShortNote(n) if n.text == "short"));
    // No xsi:type on a concrete base: the base itself.
    assert!(
        matches!(&drawing.circle, Some(CircleOrDerived::Circle(c)) if c.label == "plain circle")
    );
}

#[test]
fn derived_values_round_trip_canonically() {
    let drawing = decode(SAMPLE).expect("sample decodes");
    let encoded = encode_document(&drawing, DRAW).expect("encodes");
    assert_eq!(canonical(&encoded), canonical(SAMPLE), "{encoded}");
    assert_eq!(decode(&encoded).expect("decodes again"), drawing);
}

#[test]
fn values_built_in_code_name_their_type_on_the_wire() {
    let drawing = Drawing::new(
        Circle {
            label: "sun".into(),
            radius: 9.0,
            ..Default::default()
        },
        Note {
            text: "plain".into(),
            ..Default::default()
        },
    );
    let encoded = encode_document(&drawing, DRAW).expect("encodes");
    // The derived type carries xsi:type with a bound prefix; the concrete
    // base does not.
    assert!(encoded.contains(r#":type="ns"#), "{encoded}");
    assert_eq!(encoded.matches(":type=").count(), 1, "{encoded}");
    assert_eq!(decode(&encoded).expect("decodes"), drawing);
}

#[test]
fn type_errors_name_the_element_and_the_type() {
    // An abstract type needs xsi:type.
    let missing = decode(
        r#"<draw xmlns="urn:example:shapes"><main><label>x</label></main><note><text>t</text></note></draw>"#,
    )
    .expect_err("abstract without xsi:type");
    assert_eq!(missing.path, "draw/main");
    assert!(
        matches!(&missing.kind, DecodeErrorKind::MissingType { declared } if declared == "{urn:example:shapes}Shape"),
        "{missing}"
    );

    // A type that is not derived from the declared one.
    let unknown = decode(
        r#"<draw xmlns="urn:example:shapes" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><main xsi:type="Note"><text>x</text></main><note><text>t</text></note></draw>"#,
    )
    .expect_err("unrelated type");
    assert!(
        matches!(&unknown.kind, DecodeErrorKind::UnknownType { found, declared }
            if found == "{urn:example:shapes}Note" && declared == "{urn:example:shapes}Shape"),
        "{unknown}"
    );
    assert!(unknown.to_string().contains("draw/main"), "{unknown}");

    // A prefix in the value that nothing binds.
    let unbound = decode(
        r#"<draw xmlns="urn:example:shapes" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><main xsi:type="zz:Circle"><label>x</label><radius>1</radius></main><note><text>t</text></note></draw>"#,
    )
    .expect_err("unbound prefix");
    assert!(
        matches!(&unbound.kind, DecodeErrorKind::UnknownPrefix(p) if p == "zz:Circle"),
        "{unbound}"
    );

    // The derived type's content is checked as that type's: a Circle
    // without its radius is an error, not a Shape.
    let short = decode(
        r#"<draw xmlns="urn:example:shapes" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><main xsi:type="Circle"><label>x</label></main><note><text>t</text></note></draw>"#,
    )
    .expect_err("derived content incomplete");
    assert!(
        matches!(&short.kind, DecodeErrorKind::MissingElement(e) if e.contains("radius")),
        "{short}"
    );
}

/// Serves the generated sample service through the generated dispatcher.
#[derive(Clone)]
struct SampleHandler;

impl Handler for SampleHandler {
    async fn handle(&self, request: HttpRequest) -> Reaction {
        let action = request.header("soapaction");
        let dispatched = dispatch_shapes(
            &samples::SampleShapesService,
            &request.body,
            action,
            &Limits::default(),
        )
        .await;
        Reaction::Respond(HttpResponse::xml(
            dispatched.status,
            dispatched.version,
            dispatched.body,
        ))
    }
}

#[tokio::test]
async fn derived_values_cross_the_wire_through_client_and_dispatcher() {
    let server = TestServer::start(SampleHandler).await.expect("server");
    let transport = SoapClient::builder(&server.url("/soap"))
        .build()
        .expect("client");
    let client = ShapesClient::new(transport);
    // The samples pick derived types as well as bases (checked below), and
    // the service checks that what arrived equals what was sent.
    let outcomes = samples::call_every_operation_shapes(&client).await;
    assert_eq!(outcomes.len(), 1);
    for (operation, outcome) in &outcomes {
        assert!(outcome.is_ok(), "{operation}: {outcome:?}");
    }
    let sent: Drawing =
        ips_client::soap::sample::sample(&mut ips_client::soap::sample::Gen::new("draw/request"));
    let wire = encode_document(&sent, DRAW).expect("encodes");
    assert!(
        wire.contains(":type="),
        "the sample uses derived types: {wire}"
    );
    server.shutdown().await;
}

/// serde (generated with `serde`): a polymorphic value is an object keyed
/// by the local name of the type `xsi:type` names, and comes back as it was.
#[cfg(feature = "serde")]
#[test]
fn derived_values_round_trip_through_json_keyed_by_their_type() {
    let drawing = decode(SAMPLE).expect("sample decodes");
    let json = serde_json::to_value(&drawing).expect("serializes");
    let main = json["main"].as_object().expect("main is an object");
    assert_eq!(main.keys().collect::<Vec<_>>(), ["Group"], "{json:#}");
    assert_eq!(
        json["shape"][0].as_object().unwrap().keys().next().unwrap(),
        "Ring"
    );
    assert_eq!(json["backdrop"], serde_json::Value::Null, "nil stays null");
    let back: Drawing = serde_json::from_value(json).expect("deserializes");
    assert_eq!(back, drawing);
}
