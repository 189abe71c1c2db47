//! `cargo xtask extract-schemas <file.wsdl> <out-dir>` and the round trip's
//! schema sets: every schema a WSDL reads (inline or in `.xsd` files), copied
//! so that `all.xsd` imports them all and a validator such as
//! `xmllint --schema` can check messages.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use xmltree::{Element, XMLNode};

const XSD: &str = "http://www.w3.org/2001/XMLSchema";
const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";

/// Loads `wsdl` (with its imports and includes) and writes the validation
/// copy of every schema it reads into `out_dir`, `all.xsd` importing them
/// all (see [`write_schema_set`]); returns what had to change for libxml2.
pub fn extract(wsdl: &Path, out_dir: &Path) -> Result<Vec<String>, String> {
    let defs = wsdl::load(wsdl).map_err(|e| e.to_string())?;
    write_schema_set(&defs.files, out_dir)
}

/// A schema document of the validation copy.
struct SchemaDoc {
    path: PathBuf,
    namespace: Option<String>,
    /// The document's text: a file's own bytes (xmltree would drop the
    /// prefixes of attributes such as `xml:lang`), or an inline schema
    /// serialized with its in-scope namespace declarations.
    text: Vec<u8>,
    /// The documents it includes (paths in the copy).
    includes: Vec<PathBuf>,
}

/// `path` without `.` and `..` components (the copy's files do not all
/// exist yet when references are resolved).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The documents a schema includes (or redefines) by a local location.
fn includes(schema: &Element, dir: &Path) -> Vec<PathBuf> {
    schema
        .children
        .iter()
        .filter_map(XMLNode::as_element)
        .filter(|e| {
            e.namespace.as_deref() == Some(XSD) && matches!(e.name.as_str(), "include" | "redefine")
        })
        .filter_map(|e| e.attributes.get("schemaLocation"))
        .filter(|location| !location.contains("://"))
        .map(|location| normalize(&dir.join(location)))
        .collect()
}

/// The directory every path is in.
fn common_dir(paths: &[PathBuf]) -> PathBuf {
    let mut common: Option<PathBuf> = None;
    for path in paths {
        let dir = path.parent().unwrap_or(Path::new("/"));
        common = Some(match common {
            None => dir.to_path_buf(),
            Some(c) => c
                .components()
                .zip(dir.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common.unwrap_or_default()
}

/// Writes a validation copy of the schemas of a loaded WSDL into `out_dir`
/// and `out_dir/all.xsd`, which imports them all; returns what had to be
/// changed in the copy for libxml2, one note each.
///
/// `files` are the files the loader read (`wsdl::Definitions::files`):
/// `.xsd` files are copied keeping their relative layout, and each inline
/// schema of a WSDL is written next to the WSDL's place in the copy (with
/// its in-scope namespace declarations), so relative `schemaLocation`s of
/// includes resolve as they did. A validator imports each namespace once,
/// from the first location it meets, so each namespace gets a wrapper
/// schema including all its documents (but those another one includes),
/// and every `xs:import` of the copy is pointed at its namespace's wrapper.
/// `all.xsd` imports every wrapper and includes the no-namespace documents.
///
/// libxml2 implements XSD 1.0, whose Unique Particle Attribution rule some
/// schemas written for XSD 1.1 break (an optional repeated element followed
/// by a wildcard that also matches it): such a type's `##targetNamespace`
/// or `##any` wildcard is narrowed to `##other` in the copy, and noted.
pub fn write_schema_set(files: &[String], out_dir: &Path) -> Result<Vec<String>, String> {
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|f| std::fs::canonicalize(f).map_err(|e| format!("{f}: {e}")))
        .collect::<Result<_, _>>()?;
    let root_dir = common_dir(&paths);
    let copy_dir = out_dir.join("schemas");
    let _ = std::fs::remove_dir_all(&copy_dir);
    let mut docs: Vec<SchemaDoc> = Vec::new();
    for path in &paths {
        let relative = path.strip_prefix(&root_dir).unwrap_or(path);
        let copy = copy_dir.join(relative);
        let dir = copy.parent().map(Path::to_path_buf).unwrap_or_default();
        let text = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let root = Element::parse(text.as_slice())
            .map_err(|e| format!("parsing {}: {e}", path.display()))?;
        if root.name == "schema" && root.namespace.as_deref() == Some(XSD) {
            docs.push(SchemaDoc {
                namespace: root.attributes.get("targetNamespace").cloned(),
                includes: includes(&root, &dir),
                text,
                path: copy,
            });
            continue;
        }
        let stem = copy
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let inline = root
            .children
            .iter()
            .filter_map(XMLNode::as_element)
            .filter(|e| e.name == "types" && e.namespace.as_deref() == Some(WSDL))
            .flat_map(|types| types.children.iter().filter_map(XMLNode::as_element))
            .filter(|e| e.name == "schema" && e.namespace.as_deref() == Some(XSD));
        for (index, schema) in inline.enumerate() {
            let path = dir.join(format!("{stem}.inline-{index}.xsd"));
            let mut text = Vec::new();
            schema
                .write(&mut text)
                .map_err(|e| format!("writing {}: {e}", path.display()))?;
            docs.push(SchemaDoc {
                namespace: schema.attributes.get("targetNamespace").cloned(),
                includes: includes(schema, &dir),
                text,
                path,
            });
        }
    }
    let included: BTreeSet<PathBuf> = docs.iter().flat_map(|d| d.includes.clone()).collect();
    // One wrapper per namespace, including its documents no other includes.
    let mut members: BTreeMap<Option<String>, Vec<PathBuf>> = BTreeMap::new();
    for doc in docs.iter().filter(|d| !included.contains(&d.path)) {
        members
            .entry(doc.namespace.clone())
            .or_default()
            .push(doc.path.clone());
    }
    let wrappers: BTreeMap<String, PathBuf> = members
        .keys()
        .flatten()
        .enumerate()
        .map(|(index, ns)| (ns.clone(), out_dir.join(format!("namespace-{index}.xsd"))))
        .collect();
    for doc in &docs {
        if let Some(dir) = doc.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        }
        // A document that is not UTF-8 is copied as it is.
        let text = match std::str::from_utf8(&doc.text) {
            Ok(text) => point_imports(text, &wrappers).into_bytes(),
            Err(_) => doc.text.clone(),
        };
        std::fs::write(&doc.path, text)
            .map_err(|e| format!("writing {}: {e}", doc.path.display()))?;
    }
    let include = |path: &Path| {
        format!(
            "  <xs:include schemaLocation=\"{}\"/>\n",
            escape(&path.display().to_string())
        )
    };
    let mut lines = String::new();
    for (namespace, paths) in &members {
        let Some(namespace) = namespace else {
            // No-namespace documents join all.xsd's own (absent) namespace.
            paths.iter().for_each(|p| lines.push_str(&include(p)));
            continue;
        };
        let wrapper = &wrappers[namespace];
        let includes: String = paths.iter().map(|p| include(p)).collect();
        let text = format!(
            "<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"{XSD}\" targetNamespace=\"{}\">\n{includes}</xs:schema>\n",
            escape(namespace)
        );
        std::fs::write(wrapper, text).map_err(|e| format!("writing {}: {e}", wrapper.display()))?;
        lines.push_str(&format!(
            "  <xs:import namespace=\"{}\" schemaLocation=\"{}\"/>\n",
            escape(namespace),
            escape(&wrapper.display().to_string())
        ));
    }
    let all =
        format!("<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"{XSD}\">\n{lines}</xs:schema>\n");
    let all_path = out_dir.join("all.xsd");
    std::fs::write(&all_path, all).map_err(|e| format!("writing all.xsd: {e}"))?;
    make_deterministic(&all_path, out_dir)
}

/// `text` with the `schemaLocation` of every `xs:import` of a namespace
/// that has a wrapper pointed at the wrapper (added where it is missing).
/// Works on the text, so the rest of the document stays byte for byte.
fn point_imports(text: &str, wrappers: &BTreeMap<String, PathBuf>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..=end];
        let name_end = tag[1..]
            .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .map_or(tag.len(), |i| i + 1);
        let name = &tag[1..name_end];
        let is_import = name == "import" || name.ends_with(":import");
        let wrapper = is_import
            .then(|| attribute(tag, "namespace"))
            .flatten()
            .and_then(|ns| wrappers.get(&ns));
        match wrapper {
            Some(wrapper) => {
                let location = escape(&wrapper.display().to_string());
                let without = remove_attribute(tag, "schemaLocation");
                let close = if without.ends_with("/>") { 2 } else { 1 };
                let (head, tail) = without.split_at(without.len() - close);
                out.push_str(head.trim_end());
                out.push_str(&format!(" schemaLocation=\"{location}\""));
                out.push_str(tail);
            }
            None => out.push_str(tag),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The value of attribute `name` in a start tag (quoted either way).
fn attribute(tag: &str, name: &str) -> Option<String> {
    attribute_span(tag, name).map(|(_, value, _)| value.to_owned())
}

/// (start of the attribute, its value, end after the closing quote).
fn attribute_span<'t>(tag: &'t str, name: &str) -> Option<(usize, &'t str, usize)> {
    let mut from = 0;
    while let Some(found) = tag[from..].find(name) {
        let start = from + found;
        from = start + name.len();
        let before = tag[..start].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let after = tag[from..].trim_start();
        let Some(after) = after.strip_prefix('=') else {
            continue;
        };
        let after = after.trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let value_start = tag.len() - after.len() + 1;
        let value_len = tag[value_start..].find(quote)?;
        return Some((
            start,
            &tag[value_start..value_start + value_len],
            value_start + value_len + 1,
        ));
    }
    None
}

fn remove_attribute(tag: &str, name: &str) -> String {
    match attribute_span(tag, name) {
        Some((start, _, end)) => format!("{}{}", tag[..start].trim_end(), &tag[end..]),
        None => tag.to_owned(),
    }
}

/// Compiles `all.xsd` with xmllint and narrows the wildcard of each type it
/// finds non-deterministic, until it compiles; the notes say what changed.
fn make_deterministic(all: &Path, out_dir: &Path) -> Result<Vec<String>, String> {
    const MARK: &str = "': The content model is not determinist.";
    let probe = out_dir.join("probe.xml");
    std::fs::write(&probe, "<probe/>").map_err(|e| format!("writing {}: {e}", probe.display()))?;
    let mut notes = Vec::new();
    for _ in 0..50 {
        let output = Command::new("xmllint")
            .args(["--noout", "--nonet", "--schema"])
            .arg(all)
            .arg(&probe)
            .output()
            .map_err(|e| format!("running xmllint (install libxml2-utils): {e}"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !stderr.contains("failed to compile") {
            return Ok(notes);
        }
        // `FILE:LINE: element complexType: Schemas parser error : complex type 'NAME': ...`
        let Some((file, name)) = stderr.lines().find_map(|line| {
            let (head, rest) =
                line.split_once(": element complexType: Schemas parser error : complex type '")?;
            let name = rest.strip_suffix(MARK)?;
            let file = head.rsplit_once(':')?.0;
            Some((file.to_owned(), name.to_owned()))
        }) else {
            let errors: Vec<&str> = stderr
                .lines()
                .filter(|l| l.contains("error"))
                .take(5)
                .collect();
            return Err(format!(
                "the schemas do not compile: {}",
                errors.join(" | ")
            ));
        };
        let text = std::fs::read_to_string(&file).map_err(|e| format!("reading {file}: {e}"))?;
        let narrowed = narrow_wildcard(&text, &name)
            .ok_or_else(|| format!("{file}: complex type `{name}` is not deterministic under XSD 1.0 and has no wildcard to narrow"))?;
        std::fs::write(&file, narrowed).map_err(|e| format!("writing {file}: {e}"))?;
        let shown = Path::new(&file)
            .strip_prefix(out_dir.join("schemas"))
            .map(|p| p.display().to_string())
            .unwrap_or(file);
        notes.push(format!(
            "{shown}: complex type `{name}` breaks XSD 1.0's unique particle attribution \
             (libxml2 refuses it); its wildcard is narrowed to ##other in the validation copy"
        ));
    }
    Err("the schemas still do not compile after 50 corrections".to_owned())
}

/// `text` with the `##targetNamespace` / `##any` wildcards of complex type
/// `name` narrowed to `##other`; `None` when it has none.
fn narrow_wildcard(text: &str, name: &str) -> Option<String> {
    let start = text.find(&format!("complexType name=\"{name}\""))?;
    let end = start + text[start..].find("complexType>")?;
    let segment = &text[start..end];
    let narrowed = segment
        .replace("namespace=\"##targetNamespace\"", "namespace=\"##other\"")
        .replace("namespace=\"##any\"", "namespace=\"##other\"");
    (narrowed != segment).then(|| format!("{}{narrowed}{}", &text[..start], &text[end..]))
}

/// Text for an XML attribute value.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_point_at_their_namespace_wrapper() {
        let wrappers: BTreeMap<String, PathBuf> =
            [("urn:a".to_owned(), PathBuf::from("/w/namespace-0.xsd"))].into();
        let text = r#"<xs:schema><!-- <x> --><xs:import namespace="urn:a" schemaLocation="a.xsd"/>
<import schemaLocation='b.xsd' namespace='urn:b'/><xsd:import namespace="urn:a">
</xsd:import><xs:include schemaLocation="c.xsd"/></xs:schema>"#;
        let pointed = point_imports(text, &wrappers);
        assert_eq!(
            pointed,
            r#"<xs:schema><!-- <x> --><xs:import namespace="urn:a" schemaLocation="/w/namespace-0.xsd"/>
<import schemaLocation='b.xsd' namespace='urn:b'/><xsd:import namespace="urn:a" schemaLocation="/w/namespace-0.xsd">
</xsd:import><xs:include schemaLocation="c.xsd"/></xs:schema>"#
        );
    }

    #[test]
    fn attributes_are_found_by_whole_name() {
        let tag = r#"<xs:import xnamespace="no" namespace = 'urn:x'/>"#;
        assert_eq!(attribute(tag, "namespace").as_deref(), Some("urn:x"));
        assert_eq!(attribute(tag, "schemaLocation"), None);
        assert_eq!(
            remove_attribute(r#"<i a="1" b="2"/>"#, "a"),
            r#"<i b="2"/>"#
        );
    }

    #[test]
    fn only_the_named_type_has_its_wildcard_narrowed() {
        let text = r###"<xs:complexType name="A"><xs:any namespace="##any"/></xs:complexType>
<xs:complexType name="B"><xs:sequence><xs:element name="x"/><xs:any namespace="##targetNamespace"/></xs:sequence></xs:complexType>"###;
        let narrowed = narrow_wildcard(text, "B").unwrap();
        assert!(narrowed.contains(r###"name="A"><xs:any namespace="##any"/>"###));
        assert!(narrowed.contains(r###"<xs:any namespace="##other"/></xs:sequence>"###));
        assert_eq!(narrow_wildcard(text, "C"), None);
        let no_wildcard = r#"<xs:complexType name="D"><xs:sequence/></xs:complexType>"#;
        assert_eq!(narrow_wildcard(no_wildcard, "D"), None);
    }

    #[test]
    fn paths_are_normalized_and_share_a_directory() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d.xsd")),
            PathBuf::from("/a/c/d.xsd")
        );
        let common = common_dir(&[
            PathBuf::from("/x/a/one.wsdl"),
            PathBuf::from("/x/b/two.xsd"),
        ]);
        assert_eq!(common, PathBuf::from("/x"));
    }
}
