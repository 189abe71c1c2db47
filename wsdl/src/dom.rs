//! Small helpers over xmltree elements: names, attributes, element paths,
//! QName resolution and documentation text.

use std::collections::HashMap;

use xmltree::{Element, XMLNode};

use crate::error::Error;
use crate::model::{QName, WSDL_NS, WSDL_SOAP11_NS, WSDL_SOAP12_NS, XSD_NS};

/// The namespace bound to the `xml` prefix by the XML spec itself.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The element's namespace; the empty namespace counts as none.
pub(crate) fn ns(el: &Element) -> Option<&str> {
    el.namespace.as_deref().filter(|n| !n.is_empty())
}

/// The `targetNamespace` attribute; an empty one counts as none.
pub(crate) fn target_namespace(el: &Element) -> Option<&str> {
    attr(el, "targetNamespace").filter(|t| !t.is_empty())
}

pub(crate) fn is(el: &Element, namespace: &str, local: &str) -> bool {
    el.name == local && ns(el) == Some(namespace)
}

pub(crate) fn attr<'a>(el: &'a Element, name: &str) -> Option<&'a str> {
    el.attributes.get(name).map(String::as_str)
}

/// A readable name for an element in messages: conventional prefixes for the
/// namespaces this crate knows (whatever the document used), `{ns}local` otherwise.
pub(crate) fn display_name(el: &Element) -> String {
    let prefix = match ns(el) {
        Some(XSD_NS) => "xs",
        Some(WSDL_NS) => "wsdl",
        Some(WSDL_SOAP11_NS) => "soap",
        Some(WSDL_SOAP12_NS) => "soap12",
        Some(other) => return format!("{{{other}}}{}", el.name),
        None => return el.name.clone(),
    };
    format!("{prefix}:{}", el.name)
}

/// An element child together with its path.
pub(crate) struct Child<'a> {
    pub el: &'a Element,
    pub path: String,
}

/// The element children of `parent` in document order, each with a path
/// segment that identifies it: `[@name='..']` (or `[@ref='..']`) when it has
/// one, else a 1-based index when siblings share its name.
pub(crate) fn children<'a>(parent: &'a Element, parent_path: &str) -> Vec<Child<'a>> {
    let elems: Vec<&Element> = parent
        .children
        .iter()
        .filter_map(XMLNode::as_element)
        .collect();
    // Per-name (total, running position). A hash map: a hostile document
    // can give every sibling its own name.
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for el in &elems {
        counts.entry(el.name.as_str()).or_default().0 += 1;
    }
    elems
        .iter()
        .map(|el| {
            let (total, pos) = counts.get_mut(el.name.as_str()).map_or((1, 1), |c| {
                c.1 += 1;
                *c
            });
            let segment = if let Some(name) = attr(el, "name") {
                format!("{}[@name='{name}']", el.name)
            } else if let Some(r) = attr(el, "ref") {
                format!("{}[@ref='{r}']", el.name)
            } else if total > 1 {
                format!("{}[{pos}]", el.name)
            } else {
                el.name.clone()
            };
            Child {
                el,
                path: format!("{parent_path}/{segment}"),
            }
        })
        .collect()
}

/// Resolves a QName written in an attribute value of `el` through the
/// namespace declarations in scope at `el`. An unprefixed name takes the
/// default namespace (none when there is no default namespace).
pub(crate) fn resolve_qname(
    value: &str,
    el: &Element,
    file: &str,
    path: &str,
) -> Result<QName, Error> {
    let value = value.trim();
    let (prefix, local) = match value.split_once(':') {
        Some((p, l)) => (p, l),
        None => ("", value),
    };
    let empty_prefix = prefix.is_empty() && value.contains(':');
    if empty_prefix
        || local.is_empty()
        || local.contains(':')
        || local.contains(char::is_whitespace)
    {
        return Err(crate::error::invalid(
            format!("`{value}` is not a valid QName"),
            file,
            path,
        ));
    }
    let bound = el.namespaces.as_ref().and_then(|m| m.get(prefix));
    let namespace = match (prefix, bound) {
        ("xml", _) => Some(XML_NS),
        (_, Some(uri)) if !uri.is_empty() => Some(uri),
        // Unprefixed with no (or an undeclared) default namespace: no namespace.
        ("", _) => None,
        (_, _) => {
            return Err(Error::UnknownPrefix {
                prefix: prefix.to_owned(),
                value: value.to_owned(),
                file: file.to_owned(),
                path: path.to_owned(),
            })
        }
    };
    Ok(QName::new(namespace, local))
}

/// The text of a documentation element, with markup inside it flattened.
/// Paragraphs (split at blank lines) keep their breaks; whitespace inside a
/// paragraph collapses to single spaces. `None` when there is no text.
///
/// One pass, no recursion and no intermediate copy of the raw text, so a
/// huge documentation element costs about its normalised size once more.
pub(crate) fn documentation_text(el: &Element) -> Option<String> {
    let mut text = Paragraphs::default();
    // Reserved up front: the result is never longer than the text, and
    // growing by doubling could overshoot a huge text by almost 2x.
    text.out.reserve(text_len(el));
    let mut stack = vec![el.children.iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(XMLNode::Text(t) | XMLNode::CData(t)) => text.feed(t),
            Some(XMLNode::Element(child)) => {
                // A block element in the text (<p>, <br/>) separates words.
                text.feed(" ");
                stack.push(child.children.iter());
            }
            Some(_) => {}
            None => {
                stack.pop();
                if !stack.is_empty() {
                    text.feed(" ");
                }
            }
        }
    }
    text.finish()
}

/// Bytes of text under `el`, with one separator per element (iteratively).
fn text_len(el: &Element) -> usize {
    let mut len = 0;
    let mut stack = vec![el];
    while let Some(el) = stack.pop() {
        for node in &el.children {
            match node {
                XMLNode::Text(t) | XMLNode::CData(t) => len += t.len(),
                XMLNode::Element(child) => {
                    len += 1;
                    stack.push(child);
                }
                _ => {}
            }
        }
    }
    len
}

/// Joins several documentation texts (XSD allows more than one per annotation).
pub(crate) fn join_docs(docs: Vec<String>) -> Option<String> {
    if docs.is_empty() {
        None
    } else {
        Some(docs.join("\n\n"))
    }
}

/// Streaming paragraph normaliser: words are separated by one space, or by
/// a blank line where the whitespace between them spans a blank line (holds
/// two or more line feeds).
#[derive(Default)]
struct Paragraphs {
    out: String,
    /// Whitespace seen since the last word.
    gap: bool,
    /// Line feeds in that whitespace.
    line_feeds: usize,
}

impl Paragraphs {
    fn feed(&mut self, text: &str) {
        let mut word_start = None;
        for (i, c) in text.char_indices() {
            if c.is_whitespace() {
                if let Some(start) = word_start.take() {
                    self.word(&text[start..i]);
                }
                self.gap = true;
                if c == '\n' {
                    self.line_feeds += 1;
                }
            } else if word_start.is_none() {
                word_start = Some(i);
            }
        }
        if let Some(start) = word_start {
            // May go on in the next piece: no gap is recorded after it.
            self.word(&text[start..]);
        }
    }

    fn word(&mut self, word: &str) {
        if self.gap && !self.out.is_empty() {
            self.out
                .push_str(if self.line_feeds >= 2 { "\n\n" } else { " " });
        }
        self.gap = false;
        self.line_feeds = 0;
        self.out.push_str(word);
    }

    fn finish(self) -> Option<String> {
        (!self.out.is_empty()).then_some(self.out)
    }
}

#[cfg(test)]
fn normalize_paragraphs(raw: &str) -> Option<String> {
    let mut p = Paragraphs::default();
    p.feed(raw);
    p.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_normalised() {
        assert_eq!(
            normalize_paragraphs("\n   First  line\n  goes on.\n\n\n  Second\tpara. \n"),
            Some("First line goes on.\n\nSecond para.".to_owned())
        );
        assert_eq!(normalize_paragraphs("  \n \n"), None);
        assert_eq!(
            normalize_paragraphs("a\r\n \r\nb\u{a0}c\nd"),
            Some("a\n\nb c d".to_owned())
        );
    }

    #[test]
    fn documentation_flattens_markup_without_recursion() {
        let el = Element::parse(
            "<d>One<b>two</b>three<p>Para\n\n<i>next</i></p>  <![CDATA[x <y>]]></d>".as_bytes(),
        )
        .unwrap();
        assert_eq!(
            documentation_text(&el).as_deref(),
            Some("One two three Para\n\nnext x <y>")
        );
        // Text split across pieces joins back into one word.
        let mut p = Paragraphs::default();
        p.feed("wo");
        p.feed("rd and");
        p.feed(" more");
        assert_eq!(p.finish().as_deref(), Some("word and more"));
    }

    #[test]
    fn paths_name_or_index_siblings() {
        let el =
            Element::parse(r#"<a><b name="x"/><c/><c/><d ref="p:q"/><e/></a>"#.as_bytes()).unwrap();
        let paths: Vec<String> = children(&el, "/a").into_iter().map(|c| c.path).collect();
        assert_eq!(
            paths,
            [
                "/a/b[@name='x']",
                "/a/c[1]",
                "/a/c[2]",
                "/a/d[@ref='p:q']",
                "/a/e"
            ]
        );
    }

    #[test]
    fn qnames_use_in_scope_prefixes() {
        let root = Element::parse(
            r#"<a xmlns:p="urn:p" xmlns="urn:d"><b xmlns:q="urn:q"/></a>"#.as_bytes(),
        )
        .unwrap();
        let b = root.get_child("b").unwrap();
        assert_eq!(
            resolve_qname("p:x", b, "f", "/a/b").unwrap(),
            QName::new(Some("urn:p"), "x")
        );
        assert_eq!(
            resolve_qname("q:x", b, "f", "/a/b").unwrap(),
            QName::new(Some("urn:q"), "x")
        );
        assert_eq!(
            resolve_qname(" x ", b, "f", "/a/b").unwrap(),
            QName::new(Some("urn:d"), "x")
        );
        assert!(matches!(
            resolve_qname("z:x", b, "f", "/a/b"),
            Err(Error::UnknownPrefix { .. })
        ));
        let bare = Element::parse("<a/>".as_bytes()).unwrap();
        assert_eq!(
            resolve_qname("x", &bare, "f", "/a").unwrap(),
            QName::new(None, "x")
        );
    }
}
