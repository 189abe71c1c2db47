//! The scratch crate's library: the generated client plus the type it
//! maps `Money` to (copied into a scratch crate by codegen/tests/build_script.rs).

pub mod money {
    use ips_client::soap::{
        DecodeError, EncodeError, Start, XmlDecode, XmlEncode, XmlName, XmlReader, XmlWriter,
    };

    /// Whole cents and a currency: the caller's own representation.
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Money {
        pub cents: i64,
        pub currency: String,
    }

    impl XmlEncode for Money {
        fn encode_xml(&self, writer: &mut XmlWriter, name: XmlName<'_>) -> Result<(), EncodeError> {
            writer.start_element(name);
            writer.attribute(XmlName::new(None, "currency"), &self.currency)?;
            writer.text(&format!("{}.{:02}", self.cents / 100, self.cents % 100))?;
            writer.end_element();
            Ok(())
        }
    }

    impl XmlDecode for Money {
        fn decode_xml(reader: &mut XmlReader<'_>, start: &Start) -> Result<Self, DecodeError> {
            let currency = start
                .attribute(XmlName::new(None, "currency"))
                .unwrap_or_default()
                .to_owned();
            let text = reader.read_text()?;
            let (units, cents) = text.trim().split_once('.').unwrap_or((text.trim(), "0"));
            let cents = units.parse::<i64>().unwrap_or(0) * 100 + cents.parse::<i64>().unwrap_or(0);
            Ok(Money { cents, currency })
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

#[cfg(test)]
mod tests {
    use super::catalog::Item;
    use super::money::Money;
    use ips_client::soap::xml::{decode_document, encode_document};
    use ips_client::soap::{Limits, XmlName};

    #[test]
    fn the_mapped_and_renamed_types_are_used() {
        let name = XmlName::new(Some("urn:example:scratch"), "listItem");
        let xml = r#"<listItem xmlns="urn:example:scratch"><name>pen</name><price currency="EUR">1.50</price><listed>2024-02-29T10:00:00+01:00</listed></listItem>"#;
        let item: Item = decode_document(xml.as_bytes(), name, &Limits::default()).unwrap();
        let listed: chrono::DateTime<chrono::FixedOffset> = item.listed;
        assert_eq!(listed.to_rfc3339(), "2024-02-29T10:00:00+01:00");
        assert_eq!(item.price, Money { cents: 150, currency: "EUR".into() });
        let written = encode_document(&item, name).unwrap();
        assert!(written.contains(r#"<price currency="EUR">1.50</price>"#), "{written}");
        assert!(written.contains("<listed>2024-02-29T10:00:00+01:00</listed>"), "{written}");
        println!("scratch crate: mapped and renamed types work");
    }
}
