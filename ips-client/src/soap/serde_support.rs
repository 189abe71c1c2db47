//! serde for the runtime's value types, and the helpers generated serde
//! code calls (feature `serde`).
//!
//! Simple values are their XML text (`"12.50"`, `"2024-02-29T10:00:00Z"`),
//! so nothing is rounded or reformatted on the way; `xs:integer` and
//! `xs:decimal` also accept a JSON integer. A nil value is `null`; a list is
//! an array; content kept as received (`RawElement`, `Node`, `AnyContent`)
//! is its XML, checked to be well-formed when read.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::values::{
    Date, DateTime, Decimal, Duration, GDay, GMonth, GMonthDay, GYear, GYearMonth, HexBinary,
    Integer, QName, Time,
};
use super::xml::{AnyContent, List, Nillable, Node, RawElement, XmlAttribute, XmlValue};

/// Writes a simple value as its XML text (for generated enumerations).
pub fn serialize_text<T: XmlValue, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&value.to_xml_text())
}

/// Reads a simple value from its XML text; the error says what was expected.
pub fn deserialize_text<'de, T: XmlValue, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_str(TextVisitor::<T> {
        integers: false,
        marker: PhantomData,
    })
}

struct TextVisitor<T> {
    /// Also take a JSON integer (for `xs:integer` and `xs:decimal`).
    integers: bool,
    marker: PhantomData<T>,
}

impl<T: XmlValue> TextVisitor<T> {
    fn parse<E: de::Error>(text: &str) -> Result<T, E> {
        T::from_xml_text(text).map_err(|expected| E::custom(format!("{text:?} is not {expected}")))
    }
}

impl<T: XmlValue> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.integers {
            f.write_str("a number as a string, or an integer")
        } else {
            f.write_str("a string")
        }
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        Self::parse(text)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        if self.integers {
            Self::parse(&value.to_string())
        } else {
            Err(E::invalid_type(de::Unexpected::Signed(value), &self))
        }
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        if self.integers {
            Self::parse(&value.to_string())
        } else {
            Err(E::invalid_type(de::Unexpected::Unsigned(value), &self))
        }
    }

    // A JSON number with a fraction has been through a float already and may
    // have lost digits: refused, the exact text is asked for instead.
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        Err(E::invalid_type(de::Unexpected::Float(value), &self))
    }
}

/// Values written as their XML text; `true` where a JSON integer is taken too.
macro_rules! as_text {
    ($($ty:ty => $integers:literal),* $(,)?) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serialize_text(self, serializer)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let visitor = TextVisitor::<Self> { integers: $integers, marker: PhantomData };
                if $integers {
                    deserializer.deserialize_any(visitor)
                } else {
                    deserializer.deserialize_str(visitor)
                }
            }
        }
    )*};
}

as_text!(
    Decimal => true, Integer => true, DateTime => false, Date => false, Time => false,
    Duration => false, GYear => false, GYearMonth => false, GMonth => false,
    GMonthDay => false, GDay => false, QName => false, HexBinary => false,
);

/// `null` for nil, else the value.
impl<T: Serialize> Serialize for Nillable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nillable::Nil => serializer.serialize_none(),
            Nillable::Value(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nillable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Nillable::Nil, Nillable::Value))
    }
}

/// For an optional nillable member (`Option<Nillable<T>>`, with
/// `#[serde(default)]`): absent is `None`, `null` is `Some(Nil)`.
pub fn optional_nillable<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Nillable<T>>, D::Error> {
    Nillable::deserialize(deserializer).map(Some)
}

/// An array of the items.
impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::deserialize(deserializer).map(List)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "XmlAttribute", deny_unknown_fields)]
struct XmlAttributeDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
    local: String,
    value: String,
}

/// `{"namespace": ..., "local": ..., "value": ...}` (no `namespace` when unqualified).
impl Serialize for XmlAttribute {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        XmlAttributeDef::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for XmlAttribute {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        XmlAttributeDef::deserialize(deserializer)
    }
}

/// `{"namespace": ..., "local": ..., "xml": "<element .../>"}`.
impl Serialize for RawElement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RawElementRepr {
            namespace: self.namespace.clone(),
            local: Some(self.local.clone()),
            xml: self.xml.clone(),
        }
        .serialize(serializer)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawElementRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    local: Option<String>,
    xml: String,
}

/// Read from its `xml`, which must be one well-formed element; `namespace`
/// and `local` may be left out, and must name that element when given.
impl<'de> Deserialize<'de> for RawElement {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let repr = RawElementRepr::deserialize(deserializer)?;
        let element = RawElement::parse(&repr.xml)
            .map_err(|e| de::Error::custom(format!("xml is not one well-formed element: {e}")))?;
        if repr.local.as_ref().is_some_and(|l| *l != element.local)
            || (repr.namespace.is_some() && repr.namespace != element.namespace)
        {
            return Err(de::Error::custom(format!(
                "namespace and local do not name the element in xml ({})",
                element.name()
            )));
        }
        Ok(element)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Node", rename_all = "lowercase")]
enum NodeDef {
    Text(String),
    Element(RawElement),
}

/// `{"text": "..."}` or `{"element": {...}}`.
impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        NodeDef::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        NodeDef::deserialize(deserializer)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "AnyContent", deny_unknown_fields)]
struct AnyContentDef {
    #[serde(default)]
    attributes: Vec<XmlAttribute>,
    #[serde(default)]
    content: Vec<Node>,
}

/// `{"attributes": [...], "content": [...]}`.
impl Serialize for AnyContent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        AnyContentDef::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for AnyContent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        AnyContentDef::deserialize(deserializer)
    }
}

/// `#[serde(with = "rt::serde_support::base64")]` for `xs:base64Binary`
/// members (`Vec<u8>`, optional, repeated or nillable): base64 text rather
/// than serde's array of numbers.
pub mod base64 {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{deserialize_text, serialize_text};
    use crate::soap::xml::Nillable;

    /// The shapes a base64 member comes in.
    pub trait Base64Form: Sized {
        fn serialize_form<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
        fn deserialize_form<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
    }

    pub fn serialize<T: Base64Form, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize_form(serializer)
    }

    pub fn deserialize<'de, T: Base64Form, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        T::deserialize_form(deserializer)
    }

    /// Serializes a nested value through its form.
    struct Out<'a, T>(&'a T);

    impl<T: Base64Form> Serialize for Out<'_, T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.0.serialize_form(serializer)
        }
    }

    /// Deserializes a nested value through its form.
    struct In<T>(T);

    impl<'de, T: Base64Form> Deserialize<'de> for In<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            T::deserialize_form(deserializer).map(In)
        }
    }

    impl Base64Form for Vec<u8> {
        fn serialize_form<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize_text(self, serializer)
        }
        fn deserialize_form<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_text(deserializer)
        }
    }

    impl<T: Base64Form> Base64Form for Option<T> {
        fn serialize_form<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Some(value) => serializer.serialize_some(&Out(value)),
                None => serializer.serialize_none(),
            }
        }
        fn deserialize_form<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Ok(Option::<In<T>>::deserialize(deserializer)?.map(|v| v.0))
        }
    }

    impl<T: Base64Form> Base64Form for Vec<T> {
        fn serialize_form<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_seq(self.iter().map(Out))
        }
        fn deserialize_form<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Ok(Vec::<In<T>>::deserialize(deserializer)?
                .into_iter()
                .map(|v| v.0)
                .collect())
        }
    }

    impl<T: Base64Form> Base64Form for Nillable<T> {
        fn serialize_form<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Nillable::Value(value) => serializer.serialize_some(&Out(value)),
                Nillable::Nil => serializer.serialize_none(),
            }
        }
        fn deserialize_form<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Ok(Option::<In<T>>::deserialize(deserializer)?
                .map_or(Nillable::Nil, |v| Nillable::Value(v.0)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip<T>(value: &T, expected: serde_json::Value)
    where
        T: Serialize + for<'de> Deserialize<'de> + PartialEq + fmt::Debug,
    {
        let json = serde_json::to_value(value).unwrap();
        assert_eq!(json, expected);
        let back: T = serde_json::from_value(json).unwrap();
        assert_eq!(&back, value);
    }

    #[test]
    fn simple_values_are_their_wire_text() {
        round_trip(&Decimal::new("12.50").unwrap(), json!("12.50"));
        round_trip(
            &Integer::new("123456789012345678901234567890").unwrap(),
            json!("123456789012345678901234567890"),
        );
        round_trip(
            &DateTime::from_xml_text("2008-07-31T12:00:00-06:00").unwrap(),
            json!("2008-07-31T12:00:00-06:00"),
        );
        round_trip(&Date::new("2024-02-29").unwrap(), json!("2024-02-29"));
        round_trip(&HexBinary(vec![10, 255]), json!("0AFF"));
        round_trip(&QName::new("p:x").unwrap(), json!("p:x"));
        // Integers are taken for xs:integer and xs:decimal, never a fraction.
        let decimal: Decimal = serde_json::from_value(json!(7)).unwrap();
        assert_eq!(decimal.as_str(), "7");
        let error = serde_json::from_value::<Decimal>(json!(0.1)).unwrap_err();
        assert!(error.to_string().contains("as a string"), "{error}");
        let error = serde_json::from_value::<Date>(json!("29/02/2024")).unwrap_err();
        assert!(error.to_string().contains("xsd:date"), "{error}");
        assert!(serde_json::from_value::<Date>(json!(2024)).is_err());
    }

    #[test]
    fn nil_lists_and_kept_content() {
        round_trip(&Nillable::<i32>::Nil, json!(null));
        round_trip(&Nillable::Value(3), json!(3));
        round_trip(&List(vec![1, 2]), json!([1, 2]));
        let raw = RawElement::parse(r#"<x:a xmlns:x="urn:x" k="v">t</x:a>"#).unwrap();
        round_trip(
            &raw,
            json!({"namespace": "urn:x", "local": "a", "xml": raw.xml.clone()}),
        );
        round_trip(
            &AnyContent {
                attributes: vec![XmlAttribute {
                    namespace: None,
                    local: "k".into(),
                    value: "v".into(),
                }],
                content: vec![Node::Text("t".into()), Node::Element(raw.clone())],
            },
            json!({
                "attributes": [{"local": "k", "value": "v"}],
                "content": [{"text": "t"}, {"element": serde_json::to_value(&raw).unwrap()}]
            }),
        );
        // Only well-formed XML naming the element it claims is accepted.
        let broken = json!({"xml": "<a><b></a>"});
        assert!(serde_json::from_value::<RawElement>(broken).is_err());
        let misnamed = json!({"local": "b", "xml": "<a/>"});
        assert!(serde_json::from_value::<RawElement>(misnamed).is_err());
        let bare: RawElement = serde_json::from_value(json!({"xml": "<a/>"})).unwrap();
        assert_eq!(bare.local, "a");
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Bytes {
        #[serde(with = "base64")]
        one: Vec<u8>,
        #[serde(with = "base64", default)]
        maybe: Option<Vec<u8>>,
        #[serde(with = "base64", default)]
        many: Vec<Vec<u8>>,
        #[serde(with = "base64")]
        nil: Nillable<Vec<u8>>,
    }

    #[test]
    fn base64_members_are_text_in_every_shape() {
        round_trip(
            &Bytes {
                one: vec![0, 1, 2],
                maybe: Some(vec![255]),
                many: vec![vec![1], vec![2]],
                nil: Nillable::Nil,
            },
            json!({"one": "AAEC", "maybe": "/w==", "many": ["AQ==", "Ag=="], "nil": null}),
        );
        let error =
            serde_json::from_value::<Bytes>(json!({"one": "***", "nil": null})).unwrap_err();
        assert!(error.to_string().contains("xsd:base64Binary"), "{error}");
    }
}
