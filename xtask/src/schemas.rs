//! `cargo xtask extract-schemas <file.wsdl> <out-dir>`: writes each inline
//! `xs:schema` of a WSDL to its own `.xsd` file, plus `all.xsd` importing
//! them all, so a validator such as `xmllint --schema` can check messages.

use std::path::Path;

use xmltree::{Element, XMLNode};

const XSD: &str = "http://www.w3.org/2001/XMLSchema";
const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";

/// Writes the schemas; returns the files written.
pub fn extract(wsdl: &Path, out_dir: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read(wsdl).map_err(|e| format!("reading {}: {e}", wsdl.display()))?;
    let root =
        Element::parse(text.as_slice()).map_err(|e| format!("parsing {}: {e}", wsdl.display()))?;
    let types = root
        .children
        .iter()
        .filter_map(XMLNode::as_element)
        .find(|e| e.name == "types" && e.namespace.as_deref() == Some(WSDL))
        .ok_or_else(|| format!("{}: no wsdl:types", wsdl.display()))?;
    std::fs::create_dir_all(out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    let mut written = Vec::new();
    let mut imports = String::new();
    for (index, schema) in types
        .children
        .iter()
        .filter_map(XMLNode::as_element)
        .filter(|e| e.name == "schema" && e.namespace.as_deref() == Some(XSD))
        .enumerate()
    {
        let file = format!("schema-{index}.xsd");
        // Relative locations are relative to the WSDL, not to `out_dir`.
        let base = wsdl.parent().unwrap_or(Path::new("."));
        let schema = &absolute_locations(schema, base);
        let mut out = Vec::new();
        // xmltree keeps each element's in-scope namespaces, so the schema
        // written alone still resolves its QName-valued attributes.
        schema
            .write(&mut out)
            .map_err(|e| format!("writing {file}: {e}"))?;
        std::fs::write(out_dir.join(&file), out).map_err(|e| format!("writing {file}: {e}"))?;
        let namespace = schema
            .attributes
            .get("targetNamespace")
            .cloned()
            .unwrap_or_default();
        imports.push_str(&format!(
            "  <xs:import namespace=\"{namespace}\" schemaLocation=\"{file}\"/>\n"
        ));
        written.push(file);
    }
    let all =
        format!("<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"{XSD}\">\n{imports}</xs:schema>\n");
    std::fs::write(out_dir.join("all.xsd"), all).map_err(|e| format!("writing all.xsd: {e}"))?;
    written.push("all.xsd".to_owned());
    Ok(written)
}

/// A copy of `schema` whose `xs:import` and `xs:include` locations that are
/// relative paths are made absolute against `base`.
fn absolute_locations(schema: &Element, base: &Path) -> Element {
    let mut schema = schema.clone();
    for child in schema.children.iter_mut() {
        let XMLNode::Element(child) = child else {
            continue;
        };
        if child.namespace.as_deref() != Some(XSD)
            || !matches!(child.name.as_str(), "import" | "include")
        {
            continue;
        }
        if let Some(location) = child.attributes.get_mut("schemaLocation") {
            if !location.contains("://") && !Path::new(location.as_str()).is_absolute() {
                let path = base.join(location.as_str());
                let path = path.canonicalize().unwrap_or(path);
                *location = path.display().to_string();
            }
        }
    }
    schema
}
