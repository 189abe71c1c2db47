//! Following wsdl:import, xs:import and xs:include across files.

use std::path::Path;

use wsdl::*;

fn q(ns: &str, local: &str) -> QName {
    QName::new(Some(ns), local)
}

fn load_main() -> Definitions {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/imports/main.wsdl");
    wsdl::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_file_is_read_once_in_order_reached() {
    let d = load_main();
    let rel: Vec<String> = d
        .files
        .iter()
        .map(|f| {
            let at = f.find("imports/").expect("fixture path") + "imports/".len();
            f[at..].to_owned()
        })
        .collect();
    assert_eq!(
        rel,
        [
            "main.wsdl",
            "defs/interface.wsdl",
            "xsd/types.xsd",
            "xsd/extra.xsd",
            "xsd/common.xsd",
            "xsd/sub/other.xsd"
        ]
    );
}

#[test]
fn definitions_from_imported_wsdl_are_merged() {
    let d = load_main();
    assert_eq!(d.name.as_deref(), Some("Orders"), "from the entry file");
    assert!(d.messages.contains_key(&q("urn:svc", "placeRequest")));
    let b = &d.bindings[&q("urn:svc", "OrdersBinding")];
    assert_eq!(b.port_type, q("urn:svc", "OrdersPort"));
    assert_eq!(d.services[0].ports[0].binding, b.name);
}

#[test]
fn imported_schemas_resolve_across_files() {
    let d = load_main();
    let order = &d.schema.elements[&q("urn:types", "Order")];
    assert_eq!(order.ty, TypeRef::Named(q("urn:types", "OrderType")));
    assert!(d.schema.elements.contains_key(&q("urn:extra", "Extra")));
    assert!(d.schema.elements.contains_key(&q("urn:svc:wrap", "wrap")));
    assert!(d.schema.types.contains_key(&q("urn:other", "Note")));
}

#[test]
fn chameleon_include_takes_the_includers_namespace() {
    let d = load_main();
    // Included into urn:types and, separately, into urn:extra.
    for ns in ["urn:types", "urn:extra"] {
        let TypeDef::Complex(money) = &d.schema.types[&q(ns, "Money")] else {
            panic!("Money in {ns}")
        };
        assert_eq!(money.name, Some(q(ns, "Money")));
        let Content::Elements(group) = &money.content else {
            panic!("element content expected")
        };
        let Term::Element(currency) = &group.particles[1].term else {
            panic!("an element particle expected")
        };
        assert_eq!(currency.name, q(ns, "currency"));
        // The unprefixed reference follows the chameleon into its namespace.
        assert_eq!(currency.ty, TypeRef::Named(q(ns, "Currency")));
        assert!(d.schema.types.contains_key(&q(ns, "Currency")));
    }
    assert!(!d.schema.types.keys().any(|k| k.namespace.is_none()));
}
