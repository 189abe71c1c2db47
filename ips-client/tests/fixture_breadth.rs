//! Compiles the checked-in snapshot of the code generated for the `breadth`
//! fixture (codegen/tests/fixtures/breadth.wsdl: every XSD construct the
//! generator maps) and round-trips sample XML through it: decode, check the
//! fields, re-encode, compare canonically.

mod common;

mod generated {
    include!("../../codegen/tests/snapshots/breadth.rs");
}

use common::canonical;
use generated::breadth::*;
use ips_client::soap::xml::{decode_document, encode_document, Node};
use ips_client::soap::{DecodeErrorKind, Limits, Nillable, XmlName};

const ORDER: XmlName<'static> = XmlName::new(Some(NS_BREADTH), "order");

const SAMPLE: &str = r#"<b:order xmlns:b="urn:example:breadth" xmlns:x="urn:other" x:trace="on"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <b:item version="2" by="ann" mode="manual"><b:id>A-1</b:id><b:label>first</b:label></b:item>
  <b:plain><b:id>P-9</b:id></b:plain>
  <b:price currency="EUR">12.50</b:price>
  <b:amount>123456789012345678901234567890.000000001</b:amount>
  <b:count>98765432109876543210</b:count>
  <b:day>2024-02-29Z</b:day>
  <b:wait>P1DT2H</b:wait>
  <b:digest>0AFF</b:digest>
  <b:sizes>1 2 3</b:sizes>
  <b:key>abc</b:key>
  <b:comment xsi:nil="true"/>
  <b:discount>5</b:discount>
  <b:phone>555-0100</b:phone>
  <b:tag>red</b:tag>
  <b:flag>true</b:flag>
  <b:tag>blue</b:tag>
  <b:lineNo>1</b:lineNo><b:lineText>one</b:lineText>
  <b:lineNo>2</b:lineNo><b:lineText>two</b:lineText>
  <b:square>4</b:square>
  <b:note>Hello <b:b>bold</b:b> world</b:note>
  <b:extra kind="free"><anything at="all">text</anything></b:extra>
  <x:ext><x:deep>kept</x:deep></x:ext>
</b:order>"#;

fn decode(xml: &str) -> Result<Order, ips_client::soap::DecodeError> {
    decode_document(xml.as_bytes(), ORDER, &Limits::default())
}

#[test]
fn sample_decodes_into_every_field() {
    let order = decode(SAMPLE).expect("sample decodes");
    // complexContent extension: base fields, then derived, attribute group inlined.
    assert_eq!(order.item.id, "A-1");
    assert_eq!(order.item.label.as_deref(), Some("first"));
    assert_eq!(order.item.version, Some(2));
    assert_eq!(order.item.by, "ann");
    assert_eq!(order.item.mode.as_deref(), Some("manual"));
    assert_eq!(order.plain.as_ref().map(|p| p.id.as_str()), Some("P-9"));
    // simpleContent: the text and its attributes; decimal kept exactly.
    assert_eq!(order.price.value.as_str(), "12.50");
    assert_eq!(order.price.currency, "EUR");
    assert_eq!(
        order.amount.as_str(),
        "123456789012345678901234567890.000000001"
    );
    assert_eq!(order.count.as_str(), "98765432109876543210");
    assert_eq!(order.day.as_str(), "2024-02-29Z");
    assert_eq!(order.wait.as_ref().map(|w| w.as_str()), Some("P1DT2H"));
    assert_eq!(
        order.digest.as_ref().map(|d| d.0.clone()),
        Some(vec![10, 255])
    );
    assert_eq!(
        order.sizes.as_ref().map(|s| s.0.clone()),
        Some(vec![1, 2, 3])
    );
    assert_eq!(order.key.as_deref(), Some("abc"));
    // nillable: nil is distinct from absent.
    assert_eq!(order.comment, Nillable::Nil);
    assert_eq!(order.discount, Some(Nillable::Value(5)));
    assert_eq!(order.priority, None);
    // group ref to a choice; a repeated choice; a repeated sequence.
    assert_eq!(order.contact, Contact::Phone("555-0100".into()));
    assert_eq!(
        order.choice,
        vec![
            OrderChoice::Tag("red".into()),
            OrderChoice::Flag(true),
            OrderChoice::Tag("blue".into())
        ]
    );
    assert_eq!(
        order.sequence,
        vec![OrderSequence::new(1, "one"), OrderSequence::new(2, "two")]
    );
    // substitution group: a member stands in for the abstract head.
    assert_eq!(order.shape, Some(ShapeChoice::Square("4".into())));
    // mixed content and anyType: kept as received.
    let note = order.note.as_ref().expect("note");
    assert_eq!(note.content.len(), 3);
    assert!(matches!(&note.content[0], Node::Text(t) if t == "Hello "));
    let extra = order.extra.as_ref().expect("extra");
    assert_eq!(extra.attributes[0].local, "kind");
    // xs:any and xs:anyAttribute: kept as received.
    assert_eq!(order.any.len(), 1);
    assert_eq!(order.any[0].local, "ext");
    assert_eq!(order.other_attributes.len(), 1);
}

#[test]
fn sample_round_trips_canonically() {
    let order = decode(SAMPLE).unwrap();
    let encoded = encode_document(&order, ORDER).unwrap();
    assert_eq!(canonical(&encoded), canonical(SAMPLE), "{encoded}");
    assert_eq!(decode(&encoded).unwrap(), order);
}

#[test]
fn a_choice_with_no_alternative_present_is_an_error() {
    let xml = SAMPLE.replace("<b:phone>555-0100</b:phone>", "");
    let err = decode(&xml).unwrap_err();
    assert!(
        matches!(err.kind, DecodeErrorKind::MissingElement(_)),
        "{err}"
    );
}

#[test]
fn invalid_lexical_values_are_refused() {
    let err = decode(&SAMPLE.replace("2024-02-29Z", "29/02/2024")).unwrap_err();
    assert!(err.to_string().contains("xsd:date"), "{err}");
    let err = decode(&SAMPLE.replace(">12.50<", ">1e3<")).unwrap_err();
    assert!(err.to_string().contains("xsd:decimal"), "{err}");
}

/// serde (generated with `serde`, on with the crate's `serde` feature):
/// every construct goes to JSON under its XML name and back unchanged.
#[cfg(feature = "serde")]
#[test]
fn every_construct_round_trips_through_json() {
    let order = decode(SAMPLE).expect("sample decodes");
    let json = serde_json::to_value(&order).expect("serializes");
    for (key, expected) in [
        (
            "amount",
            serde_json::json!("123456789012345678901234567890.000000001"),
        ),
        ("digest", serde_json::json!("0AFF")),
        ("sizes", serde_json::json!([1, 2, 3])),
        ("comment", serde_json::Value::Null),
        (
            "choice",
            serde_json::json!([{"tag": "red"}, {"flag": true}, {"tag": "blue"}]),
        ),
        (
            "price",
            serde_json::json!({"currency": "EUR", "value": "12.50"}),
        ),
    ] {
        assert_eq!(json[key], expected, "{key} in {json:#}");
    }
    let back: Order = serde_json::from_value(json.clone()).expect("deserializes");
    assert_eq!(back, order);
    // An optional nillable element: absent, nil (`null`) and a value stay distinct.
    let mut other = json;
    for (given, expected) in [
        (None, None),
        (Some(serde_json::Value::Null), Some(Nillable::Nil)),
        (Some(serde_json::json!(5)), Some(Nillable::Value(5))),
    ] {
        let members = other.as_object_mut().unwrap();
        match given {
            Some(value) => members.insert("discount".into(), value),
            None => members.remove("discount"),
        };
        let back: Order = serde_json::from_value(other.clone()).unwrap();
        assert_eq!(back.discount, expected);
        let again = serde_json::to_value(&back).unwrap();
        assert_eq!(again.get("discount"), other.get("discount"));
    }
}

/// The generated sample of the whole fixture (every construct, facets
/// honoured) survives encoding and decoding unchanged.
#[test]
fn generated_samples_round_trip() {
    use ips_client::soap::sample::{sample, Gen};
    for seed in ["a", "b", "c", "d"] {
        let order: Order = sample(&mut Gen::new(seed));
        let encoded = encode_document(&order, ORDER).unwrap();
        assert_eq!(decode(&encoded).unwrap(), order, "{encoded}");
    }
}

/// Values of restricted simple types keep to their facets: the code
/// matches its pattern, the level its range, the union key is a member's.
#[test]
fn generated_samples_keep_to_the_facets() {
    use ips_client::soap::sample::{sample, Gen};
    for seed in ["a", "b", "c", "d", "e", "f"] {
        let order: Order = sample(&mut Gen::new(seed));
        let code = order.code.expect("a code");
        let bytes = code.as_bytes();
        assert!(
            bytes.len() == 5
                && bytes[..2].iter().all(u8::is_ascii_uppercase)
                && bytes[2..].iter().all(u8::is_ascii_digit),
            "{code:?}"
        );
        let level = order.level.expect("a level");
        assert!((1..=5).contains(&level), "{level}");
        // A union of int and NCName, held in a String: a value of a member.
        let key = order.key.expect("a key");
        assert!(key.parse::<i32>().is_ok(), "{key:?}");
    }
}
