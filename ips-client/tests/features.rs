//! Compiles the snapshot of every per-construct fixture
//! (codegen/tests/features/<name>.wsdl; `codegen/tests/features.rs` checks
//! the snapshots) and, for each:
//! - decodes its hand-written request (`<name>.xml`), re-encodes it and
//!   compares canonically, then decodes the re-encoded form to the same value;
//! - calls every operation through the generated client and the generated
//!   dispatcher over HTTP on 127.0.0.1, with every field set to generated
//!   values, once per SOAP version the binding has; the sample service
//!   checks each request arrived equal to what was sent, the driver checks
//!   each response.

mod common;

use ips_client::soap::xml::{decode_document, encode_document};
use ips_client::soap::{Limits, XmlDecode, XmlEncode, XmlName};

fn round_trip<T: XmlDecode + XmlEncode + PartialEq + std::fmt::Debug>(
    xml: &str,
    name: XmlName<'_>,
) {
    let value: T = decode_document(xml.as_bytes(), name, &Limits::default())
        .unwrap_or_else(|e| panic!("the sample request decodes: {e}"));
    let encoded = encode_document(&value, name).expect("encodes");
    assert_eq!(
        common::canonical(&encoded),
        common::canonical(xml),
        "re-encoded:\n{encoded}"
    );
    let again: T = decode_document(encoded.as_bytes(), name, &Limits::default())
        .unwrap_or_else(|e| panic!("the re-encoded request decodes: {e}\n{encoded}"));
    assert_eq!(again, value);
}

fn check(outcomes: &[(&'static str, Result<(), String>)]) {
    assert!(!outcomes.is_empty(), "no operation was called");
    let failures: Vec<String> = outcomes
        .iter()
        .filter_map(|(name, outcome)| outcome.as_ref().err().map(|e| format!("{name}: {e}")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `feature!(name, RequestType)`: the tests of one fixture, whose port type
/// is `Echo` and whose first operation, `echo`, takes `RequestType`.
macro_rules! feature {
    ($name:ident, $request:ident) => {
        mod $name {
            pub mod generated {
                include!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../codegen/tests/snapshots/features/",
                    stringify!($name),
                    ".rs"
                ));
            }

            use generated::$name::*;
            use ips_client::soap::server::{
                Handler, HttpRequest, HttpResponse, Reaction, TestServer,
            };
            use ips_client::soap::service::action_from_content_type;
            use ips_client::soap::{Limits, SoapClient};

            const SAMPLE: &str = include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../codegen/tests/features/",
                stringify!($name),
                ".xml"
            ));

            #[test]
            fn sample_request_round_trips() {
                super::round_trip::<$request>(SAMPLE, operations::ECHO.request[0]);
            }

            #[derive(Clone)]
            struct SampleHandler;

            impl Handler for SampleHandler {
                async fn handle(&self, request: HttpRequest) -> Reaction {
                    let action = request.header("soapaction").or_else(|| {
                        request
                            .header("content-type")
                            .and_then(action_from_content_type)
                    });
                    let dispatched = dispatch_echo(
                        &samples::SampleEchoService,
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
            async fn every_operation_crosses_http() {
                let server = TestServer::start(SampleHandler).await.expect("server");
                for binding in operations::ECHO.bindings {
                    let transport = SoapClient::builder(&server.url("/soap"))
                        .version(binding.version)
                        .build()
                        .expect("client");
                    let outcomes =
                        samples::call_every_operation_echo(&EchoClient::new(transport)).await;
                    super::check(&outcomes);
                }
                server.shutdown().await;
            }
        }
    };
}

feature!(all, Point);
feature!(any_type, Holder);
feature!(attributes, Item);
feature!(bare, Request);
feature!(builtins, AllBuiltins);
feature!(builtins_dtd, DtdBuiltins);
feature!(choices, Contact);
feature!(enumerations, Paint);
feature!(extension, Product);
feature!(facets, Rated);
feature!(group_refs, Person);
feature!(imports, Order);
feature!(large_records, Listing);
feature!(list_union, Settings);
feature!(mixed, Paragraph);
feature!(names, Type2);
feature!(namespaces, Item);
feature!(nillable, Form);
feature!(restriction, Bounded);
feature!(sequences, Record);
feature!(simple_content, Prices);
feature!(soap, Message);
feature!(substitution, Checkout);
feature!(wildcards, Envelope);

/// What the samples, written in canonical forms, do not show: input in
/// other valid forms is read, and written back in the canonical one.
mod other_forms {
    use super::all::generated::all::Point;
    use super::builtins::generated::builtins::AllBuiltins;
    use ips_client::soap::xml::{decode_document, encode_document};
    use ips_client::soap::{Limits, XmlName};

    #[test]
    fn all_accepts_any_order_and_writes_schema_order() {
        let name = XmlName::new(Some("urn:example:all"), "request");
        let xml = r#"<request xmlns="urn:example:all"><label>p</label><y>2</y><x>1</x></request>"#;
        let point: Point = decode_document(xml.as_bytes(), name, &Limits::default()).unwrap();
        assert_eq!(
            (point.x, point.y, point.label.as_deref()),
            (1, 2, Some("p"))
        );
        let written = encode_document(&point, name).unwrap();
        assert!(
            written.contains("<x>1</x><y>2</y><label>p</label>"),
            "{written}"
        );
    }

    #[test]
    fn builtins_accept_every_lexical_form() {
        let name = XmlName::new(Some("urn:example:builtins"), "request");
        let canonical = include_str!("../../codegen/tests/features/builtins.xml");
        let variant = canonical
            .replace("<v_boolean>true<", "<v_boolean>1<")
            .replace("<v_float>150.25<", "<v_float>1.5025E2<")
            .replace("<v_hexBinary>00FF<", "<v_hexBinary>00ff<")
            .replace("<v_int>-2147483648<", "<v_int> -2147483648\n<");
        assert_ne!(variant, canonical);
        let a: AllBuiltins =
            decode_document(canonical.as_bytes(), name, &Limits::default()).unwrap();
        let b: AllBuiltins = decode_document(variant.as_bytes(), name, &Limits::default()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn unknown_enumeration_values_are_kept() {
        use super::enumerations::generated::enumerations::{Color, Paint};
        let name = XmlName::new(Some("urn:example:enumerations"), "request");
        let xml = r#"<request xmlns="urn:example:enumerations"><color>mauve</color><size>3</size></request>"#;
        let paint: Paint = decode_document(xml.as_bytes(), name, &Limits::default()).unwrap();
        assert_eq!(paint.color, Color::Other("mauve".into()));
        let written = encode_document(&paint, name).unwrap();
        assert!(
            written.contains("<color>mauve</color><size>3</size>"),
            "{written}"
        );
    }

    #[test]
    fn a_wildcard_takes_only_the_namespaces_it_names() {
        use super::wildcards::generated::wildcards::Envelope;
        let name = XmlName::new(Some("urn:example:wildcards"), "request");
        // `##other`: neither unqualified elements nor the target namespace.
        for stray in [
            r#"<plain xmlns="">x</plain>"#,
            r#"<kinds>misspelled</kinds>"#,
        ] {
            let xml = format!(
                r#"<request xmlns="urn:example:wildcards"><kind>k</kind>{stray}</request>"#
            );
            let err = decode_document::<Envelope>(xml.as_bytes(), name, &Limits::default())
                .expect_err(stray);
            assert!(
                matches!(
                    err.kind,
                    ips_client::soap::DecodeErrorKind::UnexpectedElement(_)
                ),
                "{err}"
            );
        }
    }
}
