//! Streaming, namespace-aware XML reading and writing for generated types.
//!
//! Generated code never sees quick-xml: it asks an [`XmlReader`] for the next
//! child element or for text, and tells an [`XmlWriter`] to open, fill and
//! close elements. Both track the element path so errors can say where.
//!
//! The reader works on a complete document in memory and hands out names
//! and text borrowed from it: reading an element allocates nothing unless
//! its text had escapes or it has attributes.

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::attributes::Attributes;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// The namespace of the reserved `xml` prefix (`xml:lang`, `xml:space`).
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// Bounds applied while reading untrusted XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest element nesting accepted before decoding stops with an error.
    pub max_depth: usize,
    /// Largest response body (after decompression) read into memory, in bytes.
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_body_bytes: 64 * 1024 * 1024,
        }
    }
}

/// What went wrong while decoding, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at /{path} (byte {position})")]
pub struct DecodeError {
    /// Element path from the document root, like
    /// `Envelope/Body/searchAssetsReturn/assetArray/items[3]/created`. An
    /// element that follows same-named siblings carries its 0-based
    /// position in that run (`items[3]` is the fourth); the first of a run
    /// carries none (`items`), as whether more follow is not known when
    /// the error happens.
    pub path: String,
    /// Byte offset in the decoded document.
    pub position: u64,
    pub kind: DecodeErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeErrorKind {
    #[error("XML is not well-formed: {0}")]
    Syntax(String),
    #[error("document type declarations are not accepted")]
    DocType,
    #[error("nesting deeper than {0} elements")]
    TooDeep(usize),
    #[error("unexpected end of document")]
    UnexpectedEof,
    #[error("unknown namespace prefix in {0:?}")]
    UnknownPrefix(String),
    #[error("unexpected element {0}")]
    UnexpectedElement(String),
    #[error("unexpected text {0:?} where only elements are allowed")]
    UnexpectedText(String),
    #[error("missing required element {0}")]
    MissingElement(String),
    #[error("missing required attribute {0}")]
    MissingAttribute(String),
    #[error("unexpected attribute {0}")]
    UnexpectedAttribute(String),
    #[error("element {0} may appear at most once")]
    DuplicateElement(String),
    #[error("invalid value {value:?}: expected {expected}")]
    InvalidValue { value: String, expected: String },
    #[error("expected element {expected}, found {found}")]
    WrongElement { expected: String, found: String },
    /// `xsi:type` names a type that is neither the declared one nor derived
    /// from it (as far as the generated code knows).
    #[error("xsi:type {found} is not {declared} or a type derived from it")]
    UnknownType { found: String, declared: String },
    /// The declared type is abstract, so the element must say which
    /// concrete type it holds.
    #[error(
        "the type {declared} is abstract: the element needs an xsi:type naming a derived type"
    )]
    MissingType { declared: String },
}

/// A value that could not be written as XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("character U+{code:04X} cannot appear in XML 1.0 (in {location})")]
    InvalidCharacter { code: u32, location: String },
    /// An `xsi:type` naming a type without a namespace cannot be written
    /// where a default namespace is in scope (it would be read as that
    /// namespace's type).
    #[error(
        "xsi:type {type_name} has no namespace, but element {element} sets a default namespace"
    )]
    UnqualifiedType { type_name: String, element: String },
}

/// A namespace-qualified element or attribute name as written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlName<'n> {
    pub namespace: Option<&'n str>,
    pub local: &'n str,
}

impl<'n> XmlName<'n> {
    pub const fn new(namespace: Option<&'n str>, local: &'n str) -> Self {
        XmlName { namespace, local }
    }
}

impl fmt::Display for XmlName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.namespace {
            Some(ns) => write!(f, "{{{ns}}}{}", self.local),
            None => f.write_str(self.local),
        }
    }
}

/// An attribute kept as received (`xs:anyAttribute`, `xs:anyType`), with
/// its namespace resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlAttribute {
    pub namespace: Option<String>,
    pub local: String,
    pub value: String,
}

/// A QName-valued name read from content (the value of `xsi:type`), with
/// its prefix resolved in the scope of the element that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeName {
    pub namespace: Option<String>,
    pub local: String,
}

impl TypeName {
    /// True when this is the given name.
    pub fn is(&self, name: XmlName<'_>) -> bool {
        self.local == name.local && self.namespace.as_deref() == name.namespace
    }
}

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        XmlName::new(self.namespace.as_deref(), &self.local).fmt(f)
    }
}

/// An attribute as read: borrowed from the document, with its namespace
/// resolved and its value unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    pub namespace: Option<Cow<'a, str>>,
    pub local: &'a str,
    pub value: Cow<'a, str>,
}

impl Attribute<'_> {
    /// The attribute's namespace, if it has one.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The attribute's wire name.
    pub fn name(&self) -> XmlName<'_> {
        XmlName::new(self.namespace(), self.local)
    }

    /// A copy that owns its strings, to keep.
    pub fn to_xml_attribute(&self) -> XmlAttribute {
        XmlAttribute {
            namespace: self.namespace().map(str::to_owned),
            local: self.local.to_owned(),
            value: self.value.clone().into_owned(),
        }
    }
}

/// An element start tag as read: its name borrowed from the document, its
/// namespace resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start<'a> {
    /// Borrowed from the namespace declaration (owned only when that
    /// declaration had escapes).
    pub namespace: Option<Cow<'a, str>>,
    pub local: &'a str,
    /// Attributes other than namespace declarations.
    pub attributes: Vec<Attribute<'a>>,
    /// The element's `xsi:type`, resolved where it was read (prefixes are
    /// only known there); also kept, as written, in `attributes`. Boxed,
    /// as few elements have one: every `Start` stays small to move.
    pub xsi_type: Option<Box<TypeName>>,
}

impl Start<'_> {
    /// The element's namespace, if it has one.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The element's wire name.
    pub fn name(&self) -> XmlName<'_> {
        XmlName::new(self.namespace(), self.local)
    }

    /// True when this element has the given wire name.
    pub fn is(&self, name: XmlName<'_>) -> bool {
        self.local == name.local && self.namespace() == name.namespace
    }

    /// The name in `{namespace}local` form, for messages.
    pub fn display_name(&self) -> String {
        self.name().to_string()
    }

    /// The value of an attribute, if present.
    pub fn attribute(&self, name: XmlName<'_>) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.local == name.local && a.namespace() == name.namespace)
            .map(|a| &*a.value)
    }
}

/// One item of element content, from [`XmlReader::next_content`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content<'a> {
    /// A child element's start tag; the element is now open.
    Element(Start<'a>),
    /// Non-blank text (unescaped), as received.
    Text(String),
}

/// Pull reader over a complete, size-bounded document.
///
/// Names and text are borrowed from the document wherever they can be, and
/// namespaces are resolved here (over quick-xml's plain `Reader`), in the
/// same pass that reads the attributes.
pub struct XmlReader<'a> {
    inner: Reader<&'a [u8]>,
    document: &'a [u8],
    /// The document's longest valid UTF-8 prefix (normally all of it): text
    /// inside it needs no further validation.
    utf8: &'a str,
    /// The whole document is valid UTF-8 and holds no raw character XML 1.0
    /// forbids, so only text that had character references is checked.
    raw_chars_checked: bool,
    /// Local names of the open elements, for error paths.
    path: ElementPath<'a>,
    /// Namespace declarations in scope.
    namespaces: Namespaces<'a>,
    max_depth: usize,
    /// A child looked at ([`peek_child`](Self::peek_child)) or handed back
    /// ([`push_back`](Self::push_back)) but not taken yet.
    pending: Option<Pending<'a>>,
}

/// What [`XmlReader::peek_child`] saw.
enum Pending<'a> {
    /// A child element, already opened (it is on the path).
    Start(Start<'a>),
    /// The end of the current element (not yet taken off the path).
    End,
}

impl<'a> XmlReader<'a> {
    pub fn new(document: &'a [u8], limits: &Limits) -> Self {
        let mut inner = Reader::from_reader(document);
        let config = inner.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.trim_text(false);
        // One pass over the document here spares a check of every name and
        // text later; past an invalid byte, pieces are checked one by one,
        // so the error names the element that holds it.
        let (utf8, whole) = match std::str::from_utf8(document) {
            Ok(text) => (text, true),
            Err(e) => (
                std::str::from_utf8(&document[..e.valid_up_to()]).unwrap_or_default(),
                false,
            ),
        };
        XmlReader {
            inner,
            document,
            utf8,
            raw_chars_checked: whole && find_invalid_char(utf8).is_ok(),
            path: ElementPath::default(),
            namespaces: Namespaces::default(),
            max_depth: limits.max_depth,
            pending: None,
        }
    }

    /// Builds an error located at the current element and position.
    #[cold]
    pub fn error(&self, kind: DecodeErrorKind) -> DecodeError {
        DecodeError {
            path: self.path.join("/"),
            position: self.inner.buffer_position(),
            kind,
        }
    }

    /// Depth of the currently open element (0 before the root).
    pub fn depth(&self) -> usize {
        self.path.len()
    }

    /// The namespace `prefix` is bound to at the current element (`""` for
    /// the default namespace), for values that are qualified names, such
    /// as `xsi:type`; `None` when it is not bound.
    pub fn resolve_prefix(&self, prefix: &str) -> Option<&str> {
        match prefix {
            "xml" => Some(XML_NAMESPACE),
            "xmlns" => Some(XMLNS_NAMESPACE),
            _ => self.namespaces.lookup(prefix).and_then(Option::as_deref),
        }
    }

    #[cold]
    fn syntax(&self, err: impl fmt::Display) -> DecodeError {
        self.error(DecodeErrorKind::Syntax(err.to_string()))
    }

    /// Refuses characters XML 1.0 does not allow, which the parser lets
    /// through in character references (`&#0;`) and raw bytes: a value
    /// holding one could not be written back as XML.
    fn check_xml_chars(&self, text: &str) -> Result<(), DecodeError> {
        find_invalid_char(text).map_err(|code| {
            self.syntax(format_args!(
                "character U+{code:04X} is not allowed in XML 1.0"
            ))
        })
    }

    /// `bytes`, a piece of the document, as text.
    #[inline]
    fn str_of(&self, bytes: &'a [u8]) -> Result<&'a str, DecodeError> {
        match offset_in(self.document, bytes).and_then(|at| self.utf8.get(at..at + bytes.len())) {
            Some(text) => Ok(text),
            None => self.str_of_unchecked_part(bytes),
        }
    }

    /// [`str_of`](Self::str_of) for a piece outside the valid prefix.
    #[cold]
    fn str_of_unchecked_part(&self, bytes: &'a [u8]) -> Result<&'a str, DecodeError> {
        std::str::from_utf8(bytes).map_err(|e| self.syntax(e))
    }

    /// Unescapes text or an attribute value and checks its characters.
    fn unescape<'t>(&self, raw: &'t str) -> Result<Cow<'t, str>, DecodeError> {
        let text = if raw.as_bytes().contains(&b'&') {
            quick_xml::escape::unescape(raw).map_err(|e| self.syntax(e))?
        } else {
            Cow::Borrowed(raw)
        };
        if !self.raw_chars_checked || matches!(text, Cow::Owned(_)) {
            self.check_xml_chars(&text)?;
        }
        Ok(text)
    }

    /// The content of a text event, unescaped and checked.
    fn text(&self, raw: Cow<'a, [u8]>) -> Result<Cow<'a, str>, DecodeError> {
        match raw {
            Cow::Borrowed(bytes) => self.unescape(self.str_of(bytes)?),
            Cow::Owned(bytes) => {
                let raw = String::from_utf8(bytes).map_err(|e| self.syntax(e))?;
                Ok(Cow::Owned(self.unescape(&raw)?.into_owned()))
            }
        }
    }

    /// The content of a CDATA section, checked.
    fn cdata(&self, raw: Cow<'a, [u8]>) -> Result<Cow<'a, str>, DecodeError> {
        let text = match raw {
            Cow::Borrowed(bytes) => Cow::Borrowed(self.str_of(bytes)?),
            Cow::Owned(bytes) => Cow::Owned(String::from_utf8(bytes).map_err(|e| self.syntax(e))?),
        };
        if !self.raw_chars_checked {
            self.check_xml_chars(&text)?;
        }
        Ok(text)
    }

    fn open(&mut self, event: &BytesStart<'_>) -> Result<Start<'a>, DecodeError> {
        if self.path.len() >= self.max_depth {
            return Err(self.error(DecodeErrorKind::TooDeep(self.max_depth)));
        }
        // The event borrows from the document, but quick-xml's type does not
        // say so: find the tag in the document to keep borrowing from it.
        let tag = offset_in(self.document, event)
            .and_then(|at| self.document.get(at..at + event.len()))
            .ok_or_else(|| self.syntax("start tag not found in the document"))?;
        let tag = self.str_of(tag)?;
        let name_len = event.name().as_ref().len();
        let qname = tag
            .get(..name_len)
            .ok_or_else(|| self.syntax("element name is not valid UTF-8"))?;
        let bindings = self.namespaces.len();
        let mut attributes = Vec::new();
        if tag.len() > name_len {
            self.read_attributes(tag, name_len, &mut attributes)?;
        }
        let (prefix, local) = split_qname(qname);
        let namespace = match prefix {
            None => self.namespaces.default_namespace(),
            Some(prefix) => self
                .resolve_prefix(prefix)
                .map(|_| self.namespaces.prefixed(prefix))
                .ok_or_else(|| self.error(DecodeErrorKind::UnknownPrefix(qname.to_owned())))?,
        };
        let mut xsi_type = None;
        for attribute in &mut attributes {
            // Unprefixed attributes are in no namespace, whatever the default.
            if let (Some(prefix), local) = split_qname(attribute.local) {
                if self.resolve_prefix(prefix).is_none() {
                    return Err(
                        self.error(DecodeErrorKind::UnknownPrefix(attribute.local.to_owned()))
                    );
                }
                attribute.namespace = self.namespaces.prefixed(prefix);
                attribute.local = local;
                if attribute.local == "type" && attribute.namespace() == Some(XSI_NS) {
                    xsi_type = Some(Box::new(self.resolve_type_name(&attribute.value)?));
                }
            }
        }
        self.path.push(local, bindings);
        Ok(Start {
            namespace,
            local,
            attributes,
            xsi_type,
        })
    }

    /// Resolves a QName-valued attribute (`xsi:type`) against the
    /// namespaces in scope at the element just read; an unprefixed name is
    /// in the default namespace, as XSD says for QName values.
    fn resolve_type_name(&self, value: &str) -> Result<TypeName, DecodeError> {
        let value = value.trim();
        let (prefix, local) = split_qname(value);
        let namespace = match prefix {
            None => self.namespaces.default_namespace(),
            Some(prefix) => Some(
                self.resolve_prefix(prefix)
                    .map(Cow::Borrowed)
                    .ok_or_else(|| self.error(DecodeErrorKind::UnknownPrefix(value.to_owned())))?,
            ),
        };
        Ok(TypeName {
            namespace: namespace.map(Cow::into_owned),
            local: local.to_owned(),
        })
    }

    /// Reads the attributes of `tag` (whose name is `name_len` bytes long):
    /// namespace declarations are bound, the others collected with their
    /// qualified names in `local` (resolved once every declaration on the
    /// element is known).
    fn read_attributes(
        &mut self,
        tag: &'a str,
        name_len: usize,
        attributes: &mut Vec<Attribute<'a>>,
    ) -> Result<(), DecodeError> {
        for attr in Attributes::new(tag, name_len) {
            let attr = attr.map_err(|e| self.syntax(e))?;
            let key = attr.key.into_inner();
            let key = substr(tag, key)
                .map_or_else(|| std::str::from_utf8(key).map_err(|e| self.syntax(e)), Ok)?;
            let value = match attr.value {
                Cow::Borrowed(raw) => self.unescape(
                    substr(tag, raw)
                        .map_or_else(|| std::str::from_utf8(raw).map_err(|e| self.syntax(e)), Ok)?,
                )?,
                Cow::Owned(raw) => {
                    let raw = String::from_utf8(raw).map_err(|e| self.syntax(e))?;
                    Cow::Owned(self.unescape(&raw)?.into_owned())
                }
            };
            if key == "xmlns" {
                self.namespaces.declare("", value);
            } else if let Some(prefix) = key.strip_prefix("xmlns:") {
                self.declare_prefix(prefix, value)?;
            } else {
                attributes.push(Attribute {
                    namespace: None,
                    local: key,
                    value,
                });
            }
        }
        Ok(())
    }

    /// Binds `prefix`, refusing what the Namespaces recommendation forbids.
    fn declare_prefix(
        &mut self,
        prefix: &'a str,
        namespace: Cow<'a, str>,
    ) -> Result<(), DecodeError> {
        let refused = match prefix {
            // `xml` may be declared, but only to its own namespace.
            "xml" if namespace == XML_NAMESPACE => return Ok(()),
            "xml" => Some(format!("the prefix xml cannot be bound to {namespace:?}")),
            "xmlns" => Some("the prefix xmlns cannot be declared".to_owned()),
            _ if namespace == XML_NAMESPACE || namespace == XMLNS_NAMESPACE => Some(format!(
                "the prefix {prefix} cannot be bound to the reserved namespace {namespace}"
            )),
            _ => None,
        };
        match refused {
            Some(message) => Err(self.syntax(message)),
            None => {
                self.namespaces.declare(prefix, namespace);
                Ok(())
            }
        }
    }

    /// Takes the current element off the path, and its declarations out of scope.
    fn close(&mut self) {
        if let Some(bindings) = self.path.pop() {
            self.namespaces.truncate(bindings);
        }
    }

    /// Reads up to and including the document's root start tag.
    pub fn root(&mut self) -> Result<Start<'a>, DecodeError> {
        loop {
            match self.inner.read_event().map_err(|e| self.syntax(e))? {
                Event::Start(start) => return self.open(&start),
                Event::DocType(_) => return Err(self.error(DecodeErrorKind::DocType)),
                Event::Text(text) if is_blank(&text) => {}
                Event::Text(text) => {
                    return Err(self.error(DecodeErrorKind::UnexpectedText(snippet(&text))))
                }
                Event::Eof => return Err(self.error(DecodeErrorKind::UnexpectedEof)),
                Event::CData(_) => {
                    return Err(self.error(DecodeErrorKind::UnexpectedText("CDATA".into())))
                }
                // Declaration, comments and processing instructions carry no data.
                _ => {}
            }
        }
    }

    /// The next child element of the currently open element, or `None` once
    /// that element has ended (its end tag is consumed).
    pub fn next_child(&mut self) -> Result<Option<Start<'a>>, DecodeError> {
        let next = match self.pending.take() {
            Some(Pending::Start(start)) => Some(start),
            Some(Pending::End) => None,
            None => self.read_child()?,
        };
        if next.is_none() {
            self.close();
        }
        Ok(next)
    }

    /// Looks at the next child element without taking it: the following
    /// [`next_child`](Self::next_child) returns it (or `None` at the end of
    /// the current element). For content models decoded in order (choices,
    /// repeated sequences), which must stop at the first element that is
    /// not theirs.
    pub fn peek_child(&mut self) -> Result<Option<&Start<'a>>, DecodeError> {
        if self.pending.is_none() {
            self.pending = Some(match self.read_child()? {
                Some(start) => Pending::Start(start),
                None => Pending::End,
            });
        }
        Ok(match &self.pending {
            Some(Pending::Start(start)) => Some(start),
            _ => None,
        })
    }

    /// True when the next child element exists and satisfies `test`.
    pub fn peek_is(&mut self, test: impl FnOnce(&Start<'a>) -> bool) -> Result<bool, DecodeError> {
        Ok(self.peek_child()?.is_some_and(test))
    }

    /// The next child element if it satisfies `test`; otherwise it is left
    /// for the next call.
    pub fn next_child_if(
        &mut self,
        test: impl FnOnce(&Start<'a>) -> bool,
    ) -> Result<Option<Start<'a>>, DecodeError> {
        if self.peek_is(test)? {
            self.next_child()
        } else {
            Ok(None)
        }
    }

    /// The next child element, which the caller knows is there (it has just
    /// peeked at it); the end of the element instead is an error.
    pub fn expect_child(&mut self) -> Result<Start<'a>, DecodeError> {
        match self.next_child()? {
            Some(start) => Ok(start),
            None => Err(self.error(DecodeErrorKind::UnexpectedEof)),
        }
    }

    /// Hands back a child element just returned by
    /// [`next_child`](Self::next_child), so the next call returns it again
    /// (for a group decoder that starts with that element).
    pub fn push_back(&mut self, start: Start<'a>) {
        debug_assert!(self.pending.is_none(), "one element pushed back at a time");
        self.pending = Some(Pending::Start(start));
    }

    /// Reads the next child element's start tag, or `None` at the end of
    /// the current element (whose name stays on the path).
    fn read_child(&mut self) -> Result<Option<Start<'a>>, DecodeError> {
        loop {
            match self.inner.read_event().map_err(|e| self.syntax(e))? {
                Event::Start(start) => return self.open(&start).map(Some),
                Event::End(_) => return Ok(None),
                Event::Text(text) if is_blank(&text) => {}
                Event::Text(text) => {
                    return Err(self.error(DecodeErrorKind::UnexpectedText(snippet(&text))))
                }
                Event::CData(data) => {
                    let text = String::from_utf8_lossy(&data).into_owned();
                    if !text.trim().is_empty() {
                        return Err(self.error(DecodeErrorKind::UnexpectedText(text)));
                    }
                }
                Event::DocType(_) => return Err(self.error(DecodeErrorKind::DocType)),
                Event::Eof => return Err(self.error(DecodeErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    /// The text content of the currently open element, which must have no
    /// child elements; its end tag is consumed.
    pub fn read_text(&mut self) -> Result<String, DecodeError> {
        let text = self.read_text_in_place()?;
        self.close();
        Ok(text)
    }

    /// Reads and parses the text of the currently open element; an invalid
    /// value is reported at that element's path.
    pub fn read_value<T: XmlValue>(&mut self) -> Result<T, DecodeError> {
        // Parsed in place: the text is borrowed unless it had escapes, and a
        // String takes owned text without copying it again.
        let mut text = self.read_text_cow()?;
        let value = T::from_xml_cow(&mut text).map_err(|expected| {
            self.error(DecodeErrorKind::InvalidValue {
                value: text.into_owned(),
                expected,
            })
        })?;
        self.close();
        Ok(value)
    }

    /// Reads text up to the end tag, leaving the element on the path.
    fn read_text_in_place(&mut self) -> Result<String, DecodeError> {
        self.read_text_cow().map(Cow::into_owned)
    }

    /// [`read_text_in_place`](Self::read_text_in_place) borrowing from the
    /// document: a single text node without escapes is not copied.
    fn read_text_cow(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        let mut out: Cow<'a, str> = Cow::Borrowed("");
        let append = |out: &mut Cow<'a, str>, piece: Cow<'a, str>| {
            if out.is_empty() {
                *out = piece;
            } else {
                out.to_mut().push_str(&piece);
            }
        };
        loop {
            match self.inner.read_event().map_err(|e| self.syntax(e))? {
                Event::Text(text) => append(&mut out, self.text(text.into_inner())?),
                Event::CData(data) => append(&mut out, self.cdata(data.into_inner())?),
                Event::End(_) => return Ok(out),
                Event::Start(start) => {
                    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                    return Err(self.error(DecodeErrorKind::UnexpectedElement(name)));
                }
                Event::DocType(_) => return Err(self.error(DecodeErrorKind::DocType)),
                Event::Eof => return Err(self.error(DecodeErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    /// Consumes the rest of the currently open element, whatever it holds.
    pub fn skip_element(&mut self) -> Result<(), DecodeError> {
        let target = self.path.len();
        loop {
            match self.inner.read_event().map_err(|e| self.syntax(e))? {
                Event::Start(start) => {
                    self.open(&start)?;
                }
                Event::End(_) => {
                    self.close();
                    if self.path.len() < target {
                        return Ok(());
                    }
                }
                Event::DocType(_) => return Err(self.error(DecodeErrorKind::DocType)),
                Event::Eof => return Err(self.error(DecodeErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    /// Consumes the rest of the currently open element and returns its
    /// content as standalone XML: each child element carries the namespace
    /// declarations it needs, so it can be read again on its own.
    pub fn read_inner_xml(&mut self) -> Result<String, DecodeError> {
        let mut writer = XmlWriter::new();
        self.copy_rest_into(&mut writer, None)?;
        Ok(writer.into_string())
    }

    /// Like [`read_inner_xml`](Self::read_inner_xml), but includes the
    /// element `start` (just returned by the reader) itself, so a received
    /// element can be kept whole and read again later.
    pub fn read_element_xml(&mut self, start: &Start<'_>) -> Result<String, DecodeError> {
        let mut writer = XmlWriter::new();
        self.copy_element(&mut writer, start)?;
        writer.end_element();
        Ok(writer.into_string())
    }

    /// Copies the element `start` (just read) and its content into `writer`,
    /// leaving it open.
    fn copy_element(
        &mut self,
        writer: &mut XmlWriter,
        start: &Start<'_>,
    ) -> Result<(), DecodeError> {
        self.write_start(writer, start)?;
        let root = writer.open_tag_end();
        for a in &start.attributes {
            self.bind_prefixes_used(writer, &a.value, root)?;
        }
        self.copy_rest_into(writer, root)
    }

    /// Binds, in the copy, the prefixes `text` seems to use as QName values
    /// (`xsi:type="p:T"`, a fault code `soapenv:Client`): the copy declares
    /// the prefixes its own names need, but a prefix named only in content
    /// would otherwise be lost. Only prefixes bound where the text was read
    /// count, so `https://...` adds nothing.
    fn bind_prefixes_used(
        &self,
        writer: &mut XmlWriter,
        text: &str,
        root: Option<usize>,
    ) -> Result<(), DecodeError> {
        if !text.contains(':') {
            return Ok(());
        }
        for token in text.split(|c: char| c.is_whitespace() || c == '"' || c == '\'') {
            let Some((prefix, _)) = token.split_once(':') else {
                continue;
            };
            let is_name = prefix
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && prefix
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !is_name {
                continue;
            }
            // Declared prefixes only (not the reserved `xml` and `xmlns`).
            if let Some(Some(namespace)) = self
                .namespaces
                .lookup(prefix)
                .filter(|_| !prefix.is_empty())
            {
                writer.bind_used_prefix(prefix, namespace, root);
            }
        }
        Ok(())
    }

    fn write_start(&self, writer: &mut XmlWriter, start: &Start<'_>) -> Result<(), DecodeError> {
        writer.start_element(start.name());
        for a in &start.attributes {
            writer
                .attribute(a.name(), &a.value)
                .map_err(|e| self.syntax(e))?;
        }
        Ok(())
    }

    /// Copies everything up to the end of the currently open element into
    /// `writer`; the end tag itself is consumed but not written.
    fn copy_rest_into(
        &mut self,
        writer: &mut XmlWriter,
        root: Option<usize>,
    ) -> Result<(), DecodeError> {
        let target = self.path.len();
        loop {
            match self.inner.read_event().map_err(|e| self.syntax(e))? {
                Event::Start(start) => {
                    let opened = self.open(&start)?;
                    self.write_start(writer, &opened)?;
                    for a in &opened.attributes {
                        self.bind_prefixes_used(writer, &a.value, root)?;
                    }
                }
                Event::End(_) => {
                    self.close();
                    if self.path.len() < target {
                        return Ok(());
                    }
                    writer.end_element();
                }
                Event::Text(text) => {
                    let text = self.text(text.into_inner())?;
                    self.bind_prefixes_used(writer, &text, root)?;
                    writer.text(&text).map_err(|e| self.syntax(e))?;
                }
                Event::CData(data) => {
                    let text = self.cdata(data.into_inner())?;
                    self.bind_prefixes_used(writer, &text, root)?;
                    writer.text(&text).map_err(|e| self.syntax(e))?;
                }
                Event::DocType(_) => return Err(self.error(DecodeErrorKind::DocType)),
                Event::Eof => return Err(self.error(DecodeErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    /// Like [`next_child`](Self::next_child), but returns non-blank text
    /// between children instead of failing on it: for content such as a
    /// SOAP fault detail, where whatever was received should be kept.
    pub fn next_content(&mut self) -> Result<Option<Content<'a>>, DecodeError> {
        match self.pending.take() {
            Some(Pending::Start(start)) => return Ok(Some(Content::Element(start))),
            Some(Pending::End) => {
                self.close();
                return Ok(None);
            }
            None => {}
        }
        loop {
            match self.inner.read_event().map_err(|e| self.syntax(e))? {
                Event::Start(start) => return self.open(&start).map(|s| Some(Content::Element(s))),
                Event::End(_) => {
                    self.close();
                    return Ok(None);
                }
                Event::Text(text) if is_blank(&text) => {}
                Event::Text(text) => {
                    let text = self.text(text.into_inner())?;
                    return Ok(Some(Content::Text(text.into_owned())));
                }
                Event::CData(data) => {
                    let text = self.cdata(data.into_inner())?;
                    if !text.trim().is_empty() {
                        return Ok(Some(Content::Text(text.into_owned())));
                    }
                }
                Event::DocType(_) => return Err(self.error(DecodeErrorKind::DocType)),
                Event::Eof => return Err(self.error(DecodeErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    /// Checks that nothing but whitespace, comments or processing
    /// instructions follows the root element.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        loop {
            match self.inner.read_event().map_err(|e| self.syntax(e))? {
                Event::Eof => return Ok(()),
                Event::Text(text) if is_blank(&text) => {}
                Event::Comment(_) | Event::PI(_) => {}
                Event::Start(start) => {
                    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                    return Err(self.error(DecodeErrorKind::UnexpectedElement(name)));
                }
                _ => {
                    return Err(self.error(DecodeErrorKind::Syntax(
                        "content after the root element".into(),
                    )))
                }
            }
        }
    }
}

/// The namespace of the reserved `xmlns` prefix.
const XMLNS_NAMESPACE: &str = "http://www.w3.org/2000/xmlns/";

/// The offset of `part` in `whole`, when `part` is a piece of it (not a
/// copy): how pieces that quick-xml hands out are found in the document, to
/// borrow them for as long as the document lives.
#[inline]
fn offset_in(whole: &[u8], part: &[u8]) -> Option<usize> {
    let offset = part.as_ptr().addr().checked_sub(whole.as_ptr().addr())?;
    (offset.checked_add(part.len())? <= whole.len()).then_some(offset)
}

/// `part`, a piece of `whole`, as a `&str` borrowed like `whole`.
#[inline]
fn substr<'s>(whole: &'s str, part: &[u8]) -> Option<&'s str> {
    let at = offset_in(whole.as_bytes(), part)?;
    whole.get(at..at + part.len())
}

/// `prefix:local` into its parts (the prefix ends at the first colon).
#[inline]
fn split_qname(qname: &str) -> (Option<&str>, &str) {
    // Names are short: a plain loop beats a library search here.
    let colon = qname.bytes().position(|b| b == b':');
    match colon.and_then(|at| Some((qname.get(..at)?, qname.get(at + 1..)?))) {
        Some((prefix, local)) => (Some(prefix), local),
        None => (None, qname),
    }
}

/// The namespace declarations in scope, innermost last: prefix (`""` for
/// the default namespace) and namespace, `None` where a declaration undoes
/// one (`xmlns=""`, `xmlns:p=""`).
#[derive(Debug, Default)]
struct Namespaces<'a> {
    bindings: Vec<(&'a str, Option<Cow<'a, str>>)>,
}

impl<'a> Namespaces<'a> {
    fn len(&self) -> usize {
        self.bindings.len()
    }

    fn truncate(&mut self, len: usize) {
        self.bindings.truncate(len);
    }

    fn declare(&mut self, prefix: &'a str, namespace: Cow<'a, str>) {
        let namespace = (!namespace.is_empty()).then_some(namespace);
        self.bindings.push((prefix, namespace));
    }

    /// The innermost declaration of `prefix`.
    fn lookup(&self, prefix: &str) -> Option<&Option<Cow<'a, str>>> {
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map(|(_, ns)| ns)
    }

    /// The namespace of an unprefixed element.
    fn default_namespace(&self) -> Option<Cow<'a, str>> {
        self.lookup("").cloned().flatten()
    }

    /// The namespace of a bound prefix (see [`XmlReader::resolve_prefix`]).
    fn prefixed(&self, prefix: &str) -> Option<Cow<'a, str>> {
        match prefix {
            "xml" => Some(Cow::Borrowed(XML_NAMESPACE)),
            "xmlns" => Some(Cow::Borrowed(XMLNS_NAMESPACE)),
            _ => self.lookup(prefix).cloned().flatten(),
        }
    }
}

/// The open elements, for error paths: each one's local name, its position
/// among its consecutive same-named siblings (`items[3]`) and how many
/// namespace declarations were in scope before it. Names are borrowed from
/// the document, so pushing and popping copy nothing.
#[derive(Debug, Default)]
struct ElementPath<'a> {
    open: Vec<Level<'a>>,
    /// Indexed by depth: the last child closed inside the element open at
    /// that depth (depth 0 is the document itself), `None` until one has
    /// closed since that element opened.
    last_child: Vec<Option<Sibling<'a>>>,
}

#[derive(Debug)]
struct Level<'a> {
    local: &'a str,
    /// Position in its run of same-named siblings.
    index: usize,
    /// Namespace declarations in scope before this element's own.
    bindings: usize,
}

#[derive(Debug, Clone, Copy)]
struct Sibling<'a> {
    local: &'a str,
    index: usize,
}

impl<'a> ElementPath<'a> {
    fn push(&mut self, local: &'a str, bindings: usize) {
        let depth = self.open.len();
        let index = match self.last_child.get(depth) {
            Some(Some(last)) if last.local == local => last.index + 1,
            _ => 0,
        };
        self.open.push(Level {
            local,
            index,
            bindings,
        });
        // The new element has no children yet.
        if let Some(inner) = self.last_child.get_mut(depth + 1) {
            *inner = None;
        }
    }

    /// Closes the innermost element; returns how many namespace
    /// declarations were in scope before it.
    fn pop(&mut self) -> Option<usize> {
        let level = self.open.pop()?;
        let depth = self.open.len();
        if self.last_child.len() <= depth {
            self.last_child.resize(depth + 1, None);
        }
        self.last_child[depth] = Some(Sibling {
            local: level.local,
            index: level.index,
        });
        Some(level.bindings)
    }

    fn len(&self) -> usize {
        self.open.len()
    }

    /// The path for messages: names joined by `separator`, each followed by
    /// `[i]` when it is not the first of its run of same-named siblings (the
    /// first shows no index, since whether more follow is not known yet).
    fn join(&self, separator: &str) -> String {
        use fmt::Write as _;
        let mut out = String::new();
        for (i, level) in self.open.iter().enumerate() {
            if i > 0 {
                out.push_str(separator);
            }
            out.push_str(level.local);
            if level.index > 0 {
                // Writing into a String cannot fail.
                let _ = write!(out, "[{}]", level.index);
            }
        }
        out
    }
}

fn is_blank(text: &[u8]) -> bool {
    text.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

fn snippet(text: &[u8]) -> String {
    let text = String::from_utf8_lossy(text);
    let trimmed = text.trim();
    match trimmed.char_indices().nth(40) {
        Some((cut, _)) => format!("{}...", &trimmed[..cut]),
        None => trimmed.to_owned(),
    }
}

/// One open element on the writer's stack.
struct OpenElement {
    /// Qualified name as written (with prefix, if any), for the end tag.
    tag: String,
    /// Default namespace in scope inside this element.
    default_ns: Option<String>,
    /// Prefix bindings this element declared, as (prefix, namespace).
    prefixes: Vec<(String, String)>,
}

/// Writes namespace-correct XML into a buffer.
///
/// Elements are qualified through the default namespace (`xmlns="..."`) and
/// attributes through generated prefixes, declared where first needed.
pub struct XmlWriter {
    buf: String,
    stack: Vec<OpenElement>,
    /// The last start tag is still open (`<name ...` without `>`).
    tag_open: bool,
    next_prefix: usize,
    /// Writing a fragment to be inserted elsewhere: the root element always
    /// declares its default namespace (`xmlns=""` when it has none), so it
    /// means the same wherever it is inserted.
    fragment: bool,
    /// An `xsi:type` for the next element opened (see [`XmlWriter::set_next_type`]).
    next_type: Option<(Option<String>, String)>,
}

impl Default for XmlWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl XmlWriter {
    pub fn new() -> Self {
        XmlWriter {
            buf: String::with_capacity(1024),
            stack: Vec::new(),
            tag_open: false,
            next_prefix: 0,
            fragment: false,
            next_type: None,
        }
    }

    /// A writer for a self-contained fragment (see [`RawElement`]).
    fn fragment() -> Self {
        XmlWriter {
            fragment: true,
            ..XmlWriter::new()
        }
    }

    /// Writes the `<?xml ...?>` declaration; call first, if at all.
    pub fn declaration(&mut self) {
        self.buf
            .push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    }

    fn close_start_tag(&mut self) {
        if self.tag_open {
            self.buf.push('>');
            self.tag_open = false;
        }
    }

    fn default_ns(&self) -> Option<&str> {
        self.stack.last().and_then(|e| e.default_ns.as_deref())
    }

    /// A prefix bound to `namespace` here: the innermost binding of that
    /// prefix, so a prefix rebound further in is not taken for its outer
    /// meaning.
    fn prefix_for(&self, namespace: &str) -> Option<&str> {
        // No allocation: this runs for every namespaced attribute written.
        self.stack
            .iter()
            .enumerate()
            .rev()
            .find_map(|(depth, open)| {
                open.prefixes
                    .iter()
                    .filter(|(_, ns)| ns == namespace)
                    .map(|(prefix, _)| prefix.as_str())
                    .find(|prefix| {
                        !self.stack[depth + 1..]
                            .iter()
                            .any(|inner| inner.prefixes.iter().any(|(p, _)| p == prefix))
                    })
            })
    }

    /// Declares a new prefix for `namespace` on the element just opened
    /// (`xmlns:nsN="..."`, followed by a space) and returns it.
    fn declare_prefix(&mut self, namespace: &str) -> String {
        // The conventional `xsi` when it is free, for readable messages.
        let xsi_free = namespace == XSI_NS
            && !self
                .stack
                .iter()
                .any(|e| e.prefixes.iter().any(|(p, _)| p == "xsi"));
        let prefix = if xsi_free {
            "xsi".to_owned()
        } else {
            self.next_prefix += 1;
            format!("ns{}", self.next_prefix - 1)
        };
        self.buf.push_str("xmlns:");
        self.buf.push_str(&prefix);
        self.buf.push_str("=\"");
        self.buf.push_str(&quick_xml::escape::escape(namespace));
        self.buf.push_str("\" ");
        if let Some(open) = self.stack.last_mut() {
            open.prefixes.push((prefix.clone(), namespace.to_owned()));
        }
        prefix
    }

    /// Where the open start tag's attributes end, while it is still open:
    /// declarations can be inserted there later (see `bind_used_prefix`).
    fn open_tag_end(&self) -> Option<usize> {
        self.tag_open.then_some(self.buf.len())
    }

    /// Binds `prefix` to `namespace` for content a copy is about to write:
    /// on the element still open, else on the copy's root start tag (which
    /// ends at `root`), unless some open element binds `prefix` to another
    /// namespace (then the root's binding would not reach the content).
    pub(crate) fn bind_used_prefix(&mut self, prefix: &str, namespace: &str, root: Option<usize>) {
        if prefix == "xml" || prefix == "xmlns" {
            return;
        }
        let in_scope = self.stack.iter().rev().find_map(|e| {
            e.prefixes
                .iter()
                .find(|(p, _)| p == prefix)
                .map(|(_, ns)| ns.as_str())
        });
        if in_scope == Some(namespace) {
            return;
        }
        let declaration = format!(
            " xmlns:{prefix}=\"{}\"",
            quick_xml::escape::escape(namespace)
        );
        if self.tag_open {
            self.buf.push_str(&declaration);
            if let Some(open) = self.stack.last_mut() {
                open.prefixes
                    .push((prefix.to_owned(), namespace.to_owned()));
            }
        } else if let (None, Some(at)) = (in_scope, root) {
            self.buf.insert_str(at, &declaration);
            if let Some(open) = self.stack.first_mut() {
                open.prefixes
                    .push((prefix.to_owned(), namespace.to_owned()));
            }
        }
    }

    /// Marks the next element opened, named `element`, with
    /// `xsi:type="type_name"`: for a value of a type derived from the one
    /// its element declares. The element is written by the value's own
    /// encoder, which does not know it stands in for its base.
    pub fn set_next_type(
        &mut self,
        element: XmlName<'_>,
        type_name: XmlName<'_>,
    ) -> Result<(), EncodeError> {
        // The element sets its own namespace as the default, and an
        // unprefixed QName value is read in the default namespace.
        if type_name.namespace.is_none() && element.namespace.is_some() {
            return Err(EncodeError::UnqualifiedType {
                type_name: type_name.to_string(),
                element: element.to_string(),
            });
        }
        self.next_type = Some((
            type_name.namespace.map(str::to_owned),
            type_name.local.to_owned(),
        ));
        Ok(())
    }

    /// Writes the pending `xsi:type` on the element just opened.
    fn write_next_type(&mut self) {
        let Some((namespace, local)) = self.next_type.take() else {
            return;
        };
        self.buf.push(' ');
        let xsi = match self.prefix_for(XSI_NS) {
            Some(p) => p.to_owned(),
            None => self.declare_prefix(XSI_NS),
        };
        let prefix = namespace.as_deref().map(|ns| match self.prefix_for(ns) {
            Some(p) => p.to_owned(),
            None => self.declare_prefix(ns),
        });
        self.buf.push_str(&xsi);
        self.buf.push_str(":type=\"");
        if let Some(prefix) = prefix {
            self.buf.push_str(&prefix);
            self.buf.push(':');
        }
        push_escaped(&mut self.buf, &local, true);
        self.buf.push('"');
    }

    /// Opens an element qualified by the default namespace.
    pub fn start_element(&mut self, name: XmlName<'_>) {
        self.close_start_tag();
        self.buf.push('<');
        self.buf.push_str(name.local);
        if self.default_ns() != name.namespace || (self.fragment && self.stack.is_empty()) {
            self.buf.push_str(" xmlns=\"");
            self.buf
                .push_str(&quick_xml::escape::escape(name.namespace.unwrap_or("")));
            self.buf.push('"');
        }
        self.stack.push(OpenElement {
            tag: name.local.to_owned(),
            default_ns: name.namespace.map(str::to_owned),
            prefixes: Vec::new(),
        });
        self.tag_open = true;
        self.write_next_type();
    }

    /// Opens an element with an explicit prefix (used for SOAP envelope
    /// elements, which conventionally carry one), declaring the prefix on
    /// this element unless an enclosing element already bound it to
    /// `namespace`.
    pub fn start_prefixed(&mut self, prefix: &str, namespace: &str, local: &str) {
        self.close_start_tag();
        let inherited = self.default_ns().map(str::to_owned);
        let in_scope = self.stack.iter().rev().find_map(|e| {
            e.prefixes
                .iter()
                .find(|(p, _)| p == prefix)
                .map(|(_, ns)| ns.as_str())
        });
        let declare = in_scope != Some(namespace);
        let tag = format!("{prefix}:{local}");
        self.buf.push('<');
        self.buf.push_str(&tag);
        if declare {
            self.buf.push_str(" xmlns:");
            self.buf.push_str(prefix);
            self.buf.push_str("=\"");
            self.buf.push_str(&quick_xml::escape::escape(namespace));
            self.buf.push('"');
        }
        self.stack.push(OpenElement {
            tag,
            default_ns: inherited,
            prefixes: if declare {
                vec![(prefix.to_owned(), namespace.to_owned())]
            } else {
                Vec::new()
            },
        });
        self.tag_open = true;
    }

    /// Adds an attribute to the element just opened.
    pub fn attribute(&mut self, name: XmlName<'_>, value: &str) -> Result<(), EncodeError> {
        debug_assert!(self.tag_open, "attribute written after element content");
        check_chars(value, name.local)?;
        self.buf.push(' ');
        if let Some(ns) = name.namespace {
            // The `xml` prefix is bound by definition and must not be declared
            // (nor may its namespace get another prefix), e.g. `xml:lang`.
            let existing = if ns == XML_NAMESPACE {
                Some("xml")
            } else {
                self.prefix_for(ns)
            };
            let prefix = match existing {
                Some(p) => p.to_owned(),
                None => self.declare_prefix(ns),
            };
            self.buf.push_str(&prefix);
            self.buf.push(':');
        }
        self.buf.push_str(name.local);
        self.buf.push_str("=\"");
        push_escaped(&mut self.buf, value, true);
        self.buf.push('"');
        Ok(())
    }

    /// Writes text content inside the open element.
    pub fn text(&mut self, text: &str) -> Result<(), EncodeError> {
        if let Err(code) = find_invalid_char(text) {
            let location = self.stack.last().map(|e| e.tag.clone()).unwrap_or_default();
            return Err(EncodeError::InvalidCharacter { code, location });
        }
        if text.is_empty() {
            return Ok(());
        }
        self.close_start_tag();
        push_escaped(&mut self.buf, text, false);
        Ok(())
    }

    /// Writes already well-formed XML (from [`XmlReader::read_inner_xml`]).
    pub fn raw(&mut self, xml: &str) {
        self.close_start_tag();
        self.buf.push_str(xml);
    }

    /// Closes the innermost open element.
    pub fn end_element(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        if self.tag_open {
            self.buf.push_str("/>");
            self.tag_open = false;
        } else {
            self.buf.push_str("</");
            self.buf.push_str(&open.tag);
            self.buf.push('>');
        }
    }

    /// Writes `<name>text</name>`.
    pub fn text_element(&mut self, name: XmlName<'_>, text: &str) -> Result<(), EncodeError> {
        self.start_element(name);
        self.text(text)?;
        self.end_element();
        Ok(())
    }

    pub fn into_string(mut self) -> String {
        while !self.stack.is_empty() {
            self.end_element();
        }
        self.buf
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.into_string().into_bytes()
    }
}

/// The first character XML 1.0 forbids, even escaped: ASCII controls other
/// than tab and line ends, and U+FFFE/U+FFFF (bytes EF BF BE/BF). Scanned
/// as bytes, a block at a time, so ordinary text costs little.
fn find_invalid_char(text: &str) -> Result<(), u32> {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let blocks = bytes.chunks_exact(BLOCK);
    let tail = blocks.remainder();
    let tail_start = bytes.len() - tail.len();
    for (start, block) in (0..).step_by(BLOCK).zip(blocks).chain([(tail_start, tail)]) {
        // No early exit inside a block, so this test vectorises.
        let mut suspect = false;
        for &b in block {
            suspect |= (b < 0x20) | (b == 0xEF);
        }
        if !suspect {
            continue;
        }
        for (at, &b) in (start..).zip(block) {
            match b {
                b'\t' | b'\n' | b'\r' => {}
                0..0x20 => return Err(u32::from(b)),
                0xEF => match bytes.get(at + 1..at + 3) {
                    Some([0xBF, 0xBE]) => return Err(0xFFFE),
                    Some([0xBF, 0xBF]) => return Err(0xFFFF),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    Ok(())
}

fn check_chars(text: &str, location: &str) -> Result<(), EncodeError> {
    find_invalid_char(text).map_err(|code| EncodeError::InvalidCharacter {
        code,
        location: location.to_owned(),
    })
}

/// Escapes markup characters; `\r` (and in attributes tab and newline) are
/// written as character references so XML end-of-line and attribute-value
/// normalisation give back exactly what was sent.
fn push_escaped(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' if attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}

/// A type generated from a complex type or element: written as an element
/// with attributes and children.
pub trait XmlEncode {
    /// Writes `self` as one element named `name`.
    fn encode_xml(&self, writer: &mut XmlWriter, name: XmlName<'_>) -> Result<(), EncodeError>;
}

/// The decoding counterpart of [`XmlEncode`].
pub trait XmlDecode: Sized {
    /// Decodes the element whose start tag `start` the reader just returned;
    /// consumes everything up to and including its end tag.
    fn decode_xml(reader: &mut XmlReader<'_>, start: &Start<'_>) -> Result<Self, DecodeError>;
}

impl<T: XmlEncode + ?Sized> XmlEncode for Box<T> {
    fn encode_xml(&self, writer: &mut XmlWriter, name: XmlName<'_>) -> Result<(), EncodeError> {
        (**self).encode_xml(writer, name)
    }
}

impl<T: XmlDecode> XmlDecode for Box<T> {
    fn decode_xml(reader: &mut XmlReader<'_>, start: &Start<'_>) -> Result<Self, DecodeError> {
        T::decode_xml(reader, start).map(Box::new)
    }
}

/// A value written as element text or an attribute value (XSD simple types).
pub trait XmlValue: Sized {
    /// The lexical form.
    fn to_xml_text(&self) -> Cow<'_, str>;
    /// Parses the lexical form; the error says what was expected.
    fn from_xml_text(text: &str) -> Result<Self, String>;
    /// Like [`from_xml_text`](Self::from_xml_text), given text the reader
    /// may own, which `String` takes instead of copying; on an error the
    /// text must be left as it was, for the message.
    fn from_xml_cow(text: &mut Cow<'_, str>) -> Result<Self, String> {
        Self::from_xml_text(text)
    }
}

impl XmlValue for String {
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
    fn from_xml_text(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
    }
    fn from_xml_cow(text: &mut Cow<'_, str>) -> Result<Self, String> {
        Ok(std::mem::take(text).into_owned())
    }
}

impl XmlValue for bool {
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
    fn from_xml_text(text: &str) -> Result<Self, String> {
        match text.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err("xsd:boolean (true, false, 1 or 0)".into()),
        }
    }
}

macro_rules! integer_value {
    ($($ty:ty => $xsd:literal),* $(,)?) => {$(
        impl XmlValue for $ty {
            fn to_xml_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
            fn from_xml_text(text: &str) -> Result<Self, String> {
                let text = text.trim();
                // XSD allows a leading '+', which Rust's parser also takes.
                text.parse::<$ty>().map_err(|_| concat!("xsd:", $xsd).to_owned())
            }
        }
    )*};
}

integer_value!(i8 => "byte", i16 => "short", i32 => "int", i64 => "long",
    u8 => "unsignedByte", u16 => "unsignedShort", u32 => "unsignedInt", u64 => "unsignedLong");

macro_rules! float_value {
    ($($ty:ty => $xsd:literal),*) => {$(
        impl XmlValue for $ty {
            fn to_xml_text(&self) -> Cow<'_, str> {
                Cow::Owned(if self.is_nan() {
                    "NaN".to_owned()
                } else if self.is_infinite() {
                    if *self > 0.0 { "INF" } else { "-INF" }.to_owned()
                } else {
                    self.to_string()
                })
            }
            fn from_xml_text(text: &str) -> Result<Self, String> {
                match text.trim() {
                    "NaN" => Ok(<$ty>::NAN),
                    "INF" | "+INF" => Ok(<$ty>::INFINITY),
                    "-INF" => Ok(<$ty>::NEG_INFINITY),
                    // Rust also accepts "inf"/"nan" spellings XSD does not.
                    t if t.bytes().any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E') => {
                        Err(concat!("xsd:", $xsd).to_owned())
                    }
                    t => t.parse::<$ty>().map_err(|_| concat!("xsd:", $xsd).to_owned()),
                }
            }
        }
    )*};
}

float_value!(f32 => "float", f64 => "double");

/// Reads the text of the element `start` just opened and parses it as `T`
/// (`start` itself is not needed: the signature is the one child decoders
/// share, see [`read_child`]).
pub fn decode_value<T: XmlValue>(
    reader: &mut XmlReader<'_>,
    _start: &Start<'_>,
) -> Result<T, DecodeError> {
    reader.read_value()
}

/// Parses an attribute's value as `T`.
pub fn decode_attribute<T: XmlValue>(
    reader: &XmlReader<'_>,
    attribute: &Attribute<'_>,
) -> Result<T, DecodeError> {
    T::from_xml_text(&attribute.value).map_err(|expected| {
        reader.error(DecodeErrorKind::InvalidValue {
            value: attribute.value.clone().into_owned(),
            expected: format!("{expected} in attribute {}", attribute.name()),
        })
    })
}

/// Where a generated decoder keeps a field while reading its element's
/// children: `Option` for a single-valued field (a second occurrence is an
/// error), `Vec` for a repeated one.
pub trait Slot<T> {
    /// Stores the value read from an element named `name`.
    fn store(
        &mut self,
        reader: &XmlReader<'_>,
        name: XmlName<'_>,
        value: T,
    ) -> Result<(), DecodeError>;
}

impl<T> Slot<T> for Option<T> {
    fn store(
        &mut self,
        reader: &XmlReader<'_>,
        name: XmlName<'_>,
        value: T,
    ) -> Result<(), DecodeError> {
        set_once(reader, self, value, name)
    }
}

impl<T> Slot<T> for Vec<T> {
    fn store(&mut self, _: &XmlReader<'_>, _: XmlName<'_>, value: T) -> Result<(), DecodeError> {
        self.push(value);
        Ok(())
    }
}

/// Decodes the child element `child` (just returned by the reader) with
/// `read` and stores the value in `slot`. `read` is one of the child
/// decoders: [`decode_value`], [`XmlDecode::decode_xml`],
/// [`RawElement::read`], or a closure over [`nillable`] or [`read_array`].
pub fn read_child<'a, T>(
    reader: &mut XmlReader<'a>,
    child: &Start<'a>,
    slot: &mut impl Slot<T>,
    read: impl FnOnce(&mut XmlReader<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<(), DecodeError> {
    let value = read(reader, child)?;
    slot.store(reader, child.name(), value)
}

/// Decodes the child element `child` with `read` (see [`read_child`]).
pub fn decode_child<'a, T>(
    reader: &mut XmlReader<'a>,
    child: &Start<'a>,
    read: impl FnOnce(&mut XmlReader<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    read(reader, child)
}

/// A nillable element: nil when it says so (`xsi:nil="true"`), otherwise
/// read with `read`.
pub fn nillable<'a, T>(
    reader: &mut XmlReader<'a>,
    start: &Start<'a>,
    read: impl FnOnce(&mut XmlReader<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<Nillable<T>, DecodeError> {
    if is_nil(start) {
        decode_nil(reader)?;
        Ok(Nillable::Nil)
    } else {
        read(reader, start).map(Nillable::Value)
    }
}

/// A boxed value read with `read`.
pub fn boxed<'a, T>(
    reader: &mut XmlReader<'a>,
    start: &Start<'a>,
    read: impl FnOnce(&mut XmlReader<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<Box<T>, DecodeError> {
    read(reader, start).map(Box::new)
}

/// The content of an array wrapper element (just opened): one `item`
/// element per entry, each read with `read_item`; any other element is an
/// error.
pub fn read_array<'a, T>(
    reader: &mut XmlReader<'a>,
    item: XmlName<'_>,
    mut read_item: impl FnMut(&mut XmlReader<'a>, &Start<'a>) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let mut items = Vec::new();
    while let Some(child) = reader.next_child()? {
        if !child.is(item) {
            return Err(unexpected(reader, &child));
        }
        items.push(read_item(reader, &child)?);
    }
    Ok(items)
}

/// Reads a group that begins with `first` (just returned by the reader)
/// and stores it in `slot`; `name` names the field in a duplicate error.
pub fn read_group<'a, T: XmlGroup>(
    reader: &mut XmlReader<'a>,
    first: Start<'a>,
    slot: &mut impl Slot<T>,
    name: XmlName<'_>,
) -> Result<(), DecodeError> {
    reader.push_back(first);
    let value = T::decode_group(reader)?;
    slot.store(reader, name, value)
}

/// Child decoder for an element whose content is a group: the group is
/// read from the element just returned, `start`, onwards.
pub fn decode_group_at<'a, T: XmlGroup>(
    reader: &mut XmlReader<'a>,
    start: &Start<'a>,
) -> Result<T, DecodeError> {
    reader.push_back(start.clone());
    T::decode_group(reader)
}

/// Writes the attribute `name` when `value` is there.
pub fn encode_attribute<T: XmlValue>(
    writer: &mut XmlWriter,
    name: XmlName<'_>,
    value: Option<&T>,
) -> Result<(), EncodeError> {
    match value {
        Some(value) => writer.attribute(name, &value.to_xml_text()),
        None => Ok(()),
    }
}

/// Writes `value` as the child element `name` with `write`, one of the
/// child encoders: [`encode_value`], [`encode_element`], [`encode_group`],
/// [`encode_raw`], or a closure over [`encode_nillable`],
/// [`encode_boxed`] or [`encode_array`]. (Calling through here gives a
/// closure its argument types.)
pub fn encode_one<T: ?Sized>(
    writer: &mut XmlWriter,
    name: XmlName<'_>,
    value: &T,
    write: impl FnOnce(&mut XmlWriter, XmlName<'_>, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    write(writer, name, value)
}

/// Writes each of `values` (an optional or repeated field, as a slice) as
/// a child element `name` with `write` (see [`encode_one`]).
pub fn encode_each<T>(
    writer: &mut XmlWriter,
    name: XmlName<'_>,
    values: &[T],
    mut write: impl FnMut(&mut XmlWriter, XmlName<'_>, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    for value in values {
        write(writer, name, value)?;
    }
    Ok(())
}

/// Child encoder for generated structs and runtime types.
pub fn encode_element<T: XmlEncode + ?Sized>(
    writer: &mut XmlWriter,
    name: XmlName<'_>,
    value: &T,
) -> Result<(), EncodeError> {
    value.encode_xml(writer, name)
}

/// Child encoder for a group: its elements, without one of its own.
pub fn encode_group<T: XmlGroup>(
    writer: &mut XmlWriter,
    _name: XmlName<'_>,
    value: &T,
) -> Result<(), EncodeError> {
    value.encode_group(writer)
}

/// Child encoder for an element kept as received (its own name is kept in it).
pub fn encode_raw(
    writer: &mut XmlWriter,
    _name: XmlName<'_>,
    value: &RawElement,
) -> Result<(), EncodeError> {
    value.write(writer);
    Ok(())
}

/// A nillable value: `<name xsi:nil="true"/>`, or the value with `write`.
pub fn encode_nillable<T>(
    writer: &mut XmlWriter,
    name: XmlName<'_>,
    value: &Nillable<T>,
    write: impl FnOnce(&mut XmlWriter, XmlName<'_>, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    match value {
        Nillable::Nil => encode_nil(writer, name),
        Nillable::Value(value) => write(writer, name, value),
    }
}

/// A boxed value, written with `write`.
#[allow(clippy::borrowed_box)] // the stored type is the Box: encoders take `&Stored`
pub fn encode_boxed<T>(
    writer: &mut XmlWriter,
    name: XmlName<'_>,
    value: &Box<T>,
    write: impl FnOnce(&mut XmlWriter, XmlName<'_>, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    write(writer, name, value)
}

/// An array wrapper element `name` holding one `item` element per entry,
/// each written with `write_item`.
pub fn encode_array<T>(
    writer: &mut XmlWriter,
    name: XmlName<'_>,
    item: XmlName<'_>,
    items: &[T],
    write_item: impl FnMut(&mut XmlWriter, XmlName<'_>, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    writer.start_element(name);
    encode_each(writer, item, items, write_item)?;
    writer.end_element();
    Ok(())
}

/// Writes `<name>value</name>` for a simple value.
pub fn encode_value<T: XmlValue>(
    writer: &mut XmlWriter,
    name: XmlName<'_>,
    value: &T,
) -> Result<(), EncodeError> {
    writer.text_element(name, &value.to_xml_text())
}

/// Stores a decoded child, refusing a second occurrence of a single-valued one.
pub fn set_once<T>(
    reader: &XmlReader<'_>,
    slot: &mut Option<T>,
    value: T,
    name: XmlName<'_>,
) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(reader.error(DecodeErrorKind::DuplicateElement(name.to_string())));
    }
    *slot = Some(value);
    Ok(())
}

/// Unwraps a required child once its parent (`parent` names its type) has ended.
pub fn require<T>(
    reader: &XmlReader<'_>,
    parent: &str,
    slot: Option<T>,
    name: XmlName<'_>,
) -> Result<T, DecodeError> {
    slot.ok_or_else(|| {
        reader.error(DecodeErrorKind::MissingElement(format!(
            "{name} in {parent}"
        )))
    })
}

/// Unwraps a required attribute of the element `start`.
pub fn require_attribute<T>(
    reader: &XmlReader<'_>,
    start: &Start<'_>,
    slot: Option<T>,
    name: XmlName<'_>,
) -> Result<T, DecodeError> {
    slot.ok_or_else(|| {
        reader.error(DecodeErrorKind::MissingAttribute(format!(
            "{name} on {}",
            start.display_name()
        )))
    })
}

/// The XML Schema instance namespace (`xsi:type`, `xsi:nil`...).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Policy for an attribute the type does not declare: `xsi:*` attributes
/// are schema machinery and pass; any other is an error, never dropped.
pub fn undeclared_attribute(
    reader: &XmlReader<'_>,
    start: &Start<'_>,
    attribute: &Attribute<'_>,
) -> Result<(), DecodeError> {
    if attribute.namespace() == Some(XSI_NS) {
        return Ok(());
    }
    Err(reader.error(DecodeErrorKind::UnexpectedAttribute(format!(
        "{} on {}",
        attribute.name(),
        start.display_name()
    ))))
}

/// The error for a child element the type does not declare.
pub fn unexpected(reader: &XmlReader<'_>, start: &Start<'_>) -> DecodeError {
    reader.error(DecodeErrorKind::UnexpectedElement(start.display_name()))
}

/// An `xsi:type` the generated code does not know as `declared` or one of
/// its derived types.
pub fn unknown_type(
    reader: &XmlReader<'_>,
    found: &TypeName,
    declared: XmlName<'_>,
) -> DecodeError {
    reader.error(DecodeErrorKind::UnknownType {
        found: found.to_string(),
        declared: declared.to_string(),
    })
}

/// An element of an abstract type without an `xsi:type`.
pub fn missing_type(reader: &XmlReader<'_>, declared: XmlName<'_>) -> DecodeError {
    reader.error(DecodeErrorKind::MissingType {
        declared: declared.to_string(),
    })
}

/// Decodes a complete document whose root element is `name`.
pub fn decode_document<T: XmlDecode>(
    document: &[u8],
    name: XmlName<'_>,
    limits: &Limits,
) -> Result<T, DecodeError> {
    let mut reader = XmlReader::new(document, limits);
    let root = reader.root()?;
    if !root.is(name) {
        return Err(reader.error(DecodeErrorKind::WrongElement {
            expected: name.to_string(),
            found: root.display_name(),
        }));
    }
    let value = T::decode_xml(&mut reader, &root)?;
    reader.finish()?;
    Ok(value)
}

/// Encodes `value` as a standalone element (no XML declaration).
pub fn encode_document<T: XmlEncode>(value: &T, name: XmlName<'_>) -> Result<String, EncodeError> {
    let mut writer = XmlWriter::new();
    value.encode_xml(&mut writer, name)?;
    Ok(writer.into_string())
}

/// The value of `xsi:nil` that marks an element as nil.
pub fn is_nil(start: &Start<'_>) -> bool {
    matches!(
        start
            .attribute(XmlName::new(Some(XSI_NS), "nil"))
            .map(str::trim),
        Some("true" | "1")
    )
}

/// A nillable element's value (`nillable="true"` in the schema): either a
/// value or explicitly nil, written `xsi:nil="true"`. Distinct from an
/// absent optional element, which is `Option<Nillable<T>>`'s `None`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Nillable<T> {
    /// `<name xsi:nil="true"/>`.
    #[default]
    Nil,
    Value(T),
}

impl<T> Nillable<T> {
    /// The value, `None` when nil.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nillable::Nil => None,
            Nillable::Value(value) => Some(value),
        }
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Nillable::Nil)
    }
}

impl<T> From<T> for Nillable<T> {
    fn from(value: T) -> Self {
        Nillable::Value(value)
    }
}

/// Writes `<name xsi:nil="true"/>`.
pub fn encode_nil(writer: &mut XmlWriter, name: XmlName<'_>) -> Result<(), EncodeError> {
    writer.start_element(name);
    writer.attribute(XmlName::new(Some(XSI_NS), "nil"), "true")?;
    writer.end_element();
    Ok(())
}

/// Reads the rest of a nil element, which must have no content.
pub fn decode_nil(reader: &mut XmlReader<'_>) -> Result<(), DecodeError> {
    let text = reader.read_text_in_place()?;
    if !text.trim().is_empty() {
        return Err(reader.error(DecodeErrorKind::UnexpectedText(text)));
    }
    reader.close();
    Ok(())
}

/// An element kept as received (for `xs:any`, mixed content and
/// `xs:anyType`): its name and its complete XML, self-contained (it
/// declares every namespace it uses), written back byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawElement {
    pub namespace: Option<String>,
    pub local: String,
    /// The element itself, with its attributes and content.
    pub xml: String,
}

impl RawElement {
    /// Reads the element `start` (just returned by the reader) whole.
    pub fn read(reader: &mut XmlReader<'_>, start: &Start<'_>) -> Result<Self, DecodeError> {
        let mut writer = XmlWriter::fragment();
        reader.copy_element(&mut writer, start)?;
        writer.end_element();
        Ok(RawElement {
            namespace: start.namespace().map(str::to_owned),
            local: start.local.to_owned(),
            xml: writer.into_string(),
        })
    }

    /// Builds one from a standalone element (checked to be well-formed).
    pub fn parse(xml: &str) -> Result<Self, DecodeError> {
        let mut reader = XmlReader::new(xml.as_bytes(), &Limits::default());
        let root = reader.root()?;
        let raw = RawElement::read(&mut reader, &root)?;
        reader.finish()?;
        Ok(raw)
    }

    /// The element's name.
    pub fn name(&self) -> XmlName<'_> {
        XmlName::new(self.namespace.as_deref(), &self.local)
    }

    /// Writes the element as received.
    pub fn write(&self, writer: &mut XmlWriter) {
        writer.raw(&self.xml);
    }
}

/// One item of content kept as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Text(String),
    Element(RawElement),
}

/// Reads the rest of the open element as a list of text and elements.
pub fn read_nodes(reader: &mut XmlReader<'_>) -> Result<Vec<Node>, DecodeError> {
    let mut nodes = Vec::new();
    while let Some(item) = reader.next_content()? {
        nodes.push(match item {
            Content::Text(text) => Node::Text(text),
            Content::Element(start) => Node::Element(RawElement::read(reader, &start)?),
        });
    }
    Ok(nodes)
}

/// Writes text and elements kept as received.
pub fn write_nodes(writer: &mut XmlWriter, nodes: &[Node]) -> Result<(), EncodeError> {
    for node in nodes {
        match node {
            Node::Text(text) => writer.text(text)?,
            Node::Element(element) => element.write(writer),
        }
    }
    Ok(())
}

/// `xs:anyType` content: whatever an element holds, kept as received
/// (attributes, text and child elements, in order).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnyContent {
    pub attributes: Vec<XmlAttribute>,
    pub content: Vec<Node>,
}

impl AnyContent {
    /// Content that is just text.
    pub fn text(text: impl Into<String>) -> Self {
        AnyContent {
            attributes: Vec::new(),
            content: vec![Node::Text(text.into())],
        }
    }
}

impl XmlEncode for AnyContent {
    fn encode_xml(&self, writer: &mut XmlWriter, name: XmlName<'_>) -> Result<(), EncodeError> {
        writer.start_element(name);
        for a in &self.attributes {
            writer.attribute(XmlName::new(a.namespace.as_deref(), &a.local), &a.value)?;
        }
        write_nodes(writer, &self.content)?;
        writer.end_element();
        Ok(())
    }
}

impl XmlDecode for AnyContent {
    fn decode_xml(reader: &mut XmlReader<'_>, start: &Start<'_>) -> Result<Self, DecodeError> {
        Ok(AnyContent {
            attributes: start
                .attributes
                .iter()
                .map(Attribute::to_xml_attribute)
                .collect(),
            content: read_nodes(reader)?,
        })
    }
}

/// Which namespaces an `xs:any` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wildcard<'a> {
    /// `##any`.
    Any,
    /// `##other`: any namespace but this one (the target namespace), and
    /// not unqualified.
    Other(Option<&'a str>),
    /// An explicit list (`None` stands for `##local`).
    List(&'a [Option<&'a str>]),
}

impl Wildcard<'_> {
    pub fn accepts(&self, start: &Start<'_>) -> bool {
        let ns = start.namespace();
        match self {
            Wildcard::Any => true,
            Wildcard::Other(tns) => ns.is_some() && ns != *tns,
            Wildcard::List(list) => list.contains(&ns),
        }
    }
}

/// A nested content model (a `choice`, or a repeated `sequence`) generated
/// as its own type and read in document order.
pub trait XmlGroup: Sized {
    /// True when an element named like `start` can begin this group.
    fn starts(start: &Start<'_>) -> bool;
    /// Reads the group from the next child elements, stopping before the
    /// first one that is not part of it.
    fn decode_group(reader: &mut XmlReader<'_>) -> Result<Self, DecodeError>;
    /// Writes the group's elements.
    fn encode_group(&self, writer: &mut XmlWriter) -> Result<(), EncodeError>;
}

impl<T: XmlGroup> XmlGroup for Box<T> {
    fn starts(start: &Start<'_>) -> bool {
        T::starts(start)
    }
    fn decode_group(reader: &mut XmlReader<'_>) -> Result<Self, DecodeError> {
        T::decode_group(reader).map(Box::new)
    }
    fn encode_group(&self, writer: &mut XmlWriter) -> Result<(), EncodeError> {
        T::encode_group(self, writer)
    }
}

/// The error for a group none of whose alternatives matches.
pub fn no_alternative(reader: &mut XmlReader<'_>, group: &str) -> DecodeError {
    let found = match reader.peek_child() {
        Ok(Some(start)) => start.display_name(),
        _ => "the end of the element".to_owned(),
    };
    reader.error(DecodeErrorKind::MissingElement(format!(
        "one of the alternatives of {group} (found {found})"
    )))
}

/// `xs:list`: values separated by whitespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct List<T>(pub Vec<T>);

impl<T> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> Self {
        List(items)
    }
}

impl<T> std::ops::Deref for List<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T: XmlValue> XmlValue for List<T> {
    fn to_xml_text(&self) -> Cow<'_, str> {
        let items: Vec<Cow<'_, str>> = self.0.iter().map(XmlValue::to_xml_text).collect();
        Cow::Owned(items.join(" "))
    }
    fn from_xml_text(text: &str) -> Result<Self, String> {
        text.split_ascii_whitespace()
            .map(T::from_xml_text)
            .collect::<Result<Vec<T>, String>>()
            .map(List)
            .map_err(|e| format!("a whitespace-separated list of {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "urn:example";

    #[test]
    fn writer_uses_default_namespace_and_resets_it_for_unqualified_children() {
        let mut w = XmlWriter::new();
        w.start_element(XmlName::new(Some(NS), "a"));
        w.text_element(XmlName::new(Some(NS), "b"), "x<y&z")
            .unwrap();
        w.text_element(XmlName::new(None, "c"), "").unwrap();
        w.end_element();
        assert_eq!(
            w.into_string(),
            r#"<a xmlns="urn:example"><b>x&lt;y&amp;z</b><c xmlns=""/></a>"#
        );
    }

    #[test]
    fn writer_rejects_control_characters() {
        let mut w = XmlWriter::new();
        w.start_element(XmlName::new(None, "a"));
        let err = w.text("bell\u{7}").unwrap_err();
        assert!(err.to_string().contains("U+0007"), "{err}");
    }

    #[test]
    fn reader_resolves_prefixes_and_reports_paths() {
        let doc = br#"<p:a xmlns:p="urn:example"><p:b>1</p:b><p:b>x</p:b></p:a>"#;
        let mut r = XmlReader::new(doc, &Limits::default());
        let root = r.root().unwrap();
        assert!(root.is(XmlName::new(Some(NS), "a")));
        let first = r.next_child().unwrap().unwrap();
        assert!(first.is(XmlName::new(Some(NS), "b")));
        assert_eq!(r.read_value::<i32>().unwrap(), 1);
        r.next_child().unwrap().unwrap();
        let err = r.read_value::<i32>().unwrap_err();
        assert_eq!(err.path, "a/b[1]");
        assert!(err.to_string().contains("xsd:int"), "{err}");
    }

    /// Decodes every `v` element of `doc` as an int and returns the path
    /// of the first failure.
    fn path_of_bad_int(doc: &str) -> String {
        fn walk(r: &mut XmlReader<'_>) -> Result<(), DecodeError> {
            while let Some(start) = r.next_child()? {
                if start.local == "v" {
                    r.read_value::<i32>()?;
                } else {
                    walk(r)?;
                }
            }
            Ok(())
        }
        let mut r = XmlReader::new(doc.as_bytes(), &Limits::default());
        r.root().unwrap();
        walk(&mut r).unwrap_err().path
    }

    #[test]
    fn paths_index_repeated_siblings() {
        // The fourth `i`: index 3; its parent is the only `l`.
        assert_eq!(
            path_of_bad_int(
                "<r><l><i><v>1</v></i><i><v>2</v></i><i><v>3</v></i><i><v>x</v></i></l></r>"
            ),
            "r/l/i[3]/v"
        );
        // The first of a run shows no index.
        assert_eq!(path_of_bad_int("<r><i><v>x</v></i><i/></r>"), "r/i/v");
        // A differently named sibling ends the run: the count restarts.
        assert_eq!(
            path_of_bad_int("<r><i/><i/><j/><i/><i><v>x</v></i></r>"),
            "r/i[1]/v"
        );
        // Counts are per parent: the second `v` of the second `i` is `v[1]`,
        // whatever the first `i` held.
        assert_eq!(
            path_of_bad_int("<r><i><v>1</v><v>2</v><v>3</v></i><i><v>1</v><v>x</v></i></r>"),
            "r/i[1]/v[1]"
        );
        // Nested same names: a child is not its parent's sibling.
        assert_eq!(path_of_bad_int("<r><i><i><v>x</v></i></i></r>"), "r/i/i/v");
        // Skipped and peeked elements count too.
        let doc = b"<r><i><deep><x/></deep></i><i/><i><v>x</v></i></r>";
        let mut r = XmlReader::new(doc, &Limits::default());
        r.root().unwrap();
        r.next_child().unwrap().unwrap();
        r.skip_element().unwrap();
        assert!(r.peek_is(|s| s.local == "i").unwrap());
        r.next_child().unwrap().unwrap();
        r.skip_element().unwrap();
        r.next_child().unwrap().unwrap();
        r.next_child().unwrap().unwrap();
        let err = r.read_value::<i32>().unwrap_err();
        assert_eq!(err.path, "r/i[2]/v");
        assert!(err.to_string().contains("at /r/i[2]/v"), "{err}");
    }

    #[test]
    fn reader_refuses_characters_xml_forbids() {
        for doc in [
            "<a>x&#0;y</a>",
            "<a>&#x1F;</a>",
            "<a>&#xFFFE;</a>",
            "<a>\u{1}</a>",
            "<a><![CDATA[\u{8}]]></a>",
        ] {
            let mut r = XmlReader::new(doc.as_bytes(), &Limits::default());
            r.root().unwrap();
            let err = r.read_text().unwrap_err();
            assert!(
                matches!(err.kind, DecodeErrorKind::Syntax(_)),
                "{doc:?}: {err}"
            );
        }
        let doc = b"<a b=\"&#0;\"/>";
        let err = XmlReader::new(doc, &Limits::default()).root().unwrap_err();
        assert!(matches!(err.kind, DecodeErrorKind::Syntax(_)), "{err}");
        // Raw control bytes are what the parser itself lets through.
        let doc = b"<a b=\"x\x01\"/>";
        let err = XmlReader::new(doc, &Limits::default()).root().unwrap_err();
        assert!(err.to_string().contains("U+0001 is not allowed"), "{err}");
        // Allowed: tab, newlines, and other text starting with byte 0xEF.
        let mut r = XmlReader::new(
            "<a>&#9;&#10;&#13;\u{FFFD}\u{F000}</a>".as_bytes(),
            &Limits::default(),
        );
        r.root().unwrap();
        assert_eq!(r.read_text().unwrap(), "\t\n\r\u{FFFD}\u{F000}");
    }

    #[test]
    fn forbidden_characters_are_found_wherever_they_are() {
        // Either side of the scan's block boundaries, and split across one.
        for before in 0..70 {
            let pad = "a".repeat(before);
            assert_eq!(find_invalid_char(&format!("{pad}\u{FFFE}z")), Err(0xFFFE));
            assert_eq!(find_invalid_char(&format!("{pad}\u{FFFF}")), Err(0xFFFF));
            assert_eq!(find_invalid_char(&format!("{pad}\u{1}\u{FFFE}")), Err(1));
            assert_eq!(
                find_invalid_char(&format!("{pad}\u{FFFD}\u{F000}\t\r\n")),
                Ok(())
            );
        }
        assert_eq!(find_invalid_char("\u{1F}"), Err(0x1F));
        assert_eq!(find_invalid_char("caf\u{E9} \u{2713}"), Ok(()));
    }

    #[test]
    fn namespaces_resolve_as_declared() {
        let doc = br#"<p:a xmlns:p="urn:a&amp;b" xmlns="urn:d" p:x="1" y="2" xml:lang="en">
            <b><c xmlns=""><p:d xmlns:p="urn:other"/></c></b><p:e/></p:a>"#;
        let mut r = XmlReader::new(doc, &Limits::default());
        let root = r.root().unwrap();
        // Declarations are unescaped, and apply to the element's own attributes.
        assert_eq!(root.namespace(), Some("urn:a&b"));
        assert_eq!(root.local, "a");
        assert_eq!(
            root.attribute(XmlName::new(Some("urn:a&b"), "x")),
            Some("1")
        );
        // Unprefixed attributes are in no namespace, whatever the default.
        assert_eq!(root.attribute(XmlName::new(None, "y")), Some("2"));
        assert_eq!(
            root.attribute(XmlName::new(Some(XML_NAMESPACE), "lang")),
            Some("en")
        );
        assert_eq!(root.attributes.len(), 3);
        assert_eq!(r.resolve_prefix("p"), Some("urn:a&b"));
        assert_eq!(r.resolve_prefix(""), Some("urn:d"));
        assert_eq!(r.resolve_prefix("q"), None);
        let b = r.next_child().unwrap().unwrap();
        assert!(b.is(XmlName::new(Some("urn:d"), "b")));
        let c = r.next_child().unwrap().unwrap();
        assert!(c.is(XmlName::new(None, "c")));
        assert_eq!(r.resolve_prefix(""), None);
        let d = r.next_child().unwrap().unwrap();
        assert!(d.is(XmlName::new(Some("urn:other"), "d")));
        assert_eq!(r.next_child().unwrap(), None);
        assert_eq!(r.next_child().unwrap(), None);
        assert_eq!(r.next_child().unwrap(), None);
        // Out of scope again: the outer binding of `p`.
        let e = r.next_child().unwrap().unwrap();
        assert!(e.is(XmlName::new(Some("urn:a&b"), "e")));
        assert_eq!(r.next_child().unwrap(), None);
        assert_eq!(r.next_child().unwrap(), None);
        r.finish().unwrap();
    }

    #[test]
    fn namespace_errors() {
        let first_error = |doc: &str| {
            let mut r = XmlReader::new(doc.as_bytes(), &Limits::default());
            let result = r.root().and_then(|_| r.skip_element());
            result.unwrap_err()
        };
        let err = first_error("<a><q:b/></a>");
        assert_eq!(err.kind, DecodeErrorKind::UnknownPrefix("q:b".into()));
        assert_eq!(err.path, "a");
        let err = first_error(r#"<a xmlns:q="urn:q"><b xmlns:q=""><q:c/></b></a>"#);
        assert_eq!(err.kind, DecodeErrorKind::UnknownPrefix("q:c".into()));
        let err = first_error(r#"<a q:x="1"/>"#);
        assert_eq!(err.kind, DecodeErrorKind::UnknownPrefix("q:x".into()));
        for doc in [
            r#"<a xmlns:xml="urn:not-xml"/>"#,
            r#"<a xmlns:xmlns="urn:x"/>"#,
            r#"<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>"#,
            r#"<a xmlns:p="http://www.w3.org/2000/xmlns/"/>"#,
            r#"<a xmlns:p="&bogus;"/>"#,
            r#"<a b="1" b="2"/>"#,
        ] {
            let err = first_error(doc);
            assert!(
                matches!(err.kind, DecodeErrorKind::Syntax(_)),
                "{doc}: {err}"
            );
        }
        // Binding `xml` to its own namespace is allowed (and changes nothing).
        let doc = br#"<a xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:space="keep"/>"#;
        let mut r = XmlReader::new(doc, &Limits::default());
        let root = r.root().unwrap();
        assert_eq!(
            root.attribute(XmlName::new(Some(XML_NAMESPACE), "space")),
            Some("keep")
        );
    }

    #[test]
    fn invalid_utf8_is_reported_where_it_is_read() {
        // Before the bad byte, reading goes on; a comment holding it is not
        // read, so it is no error; the text holding it is.
        let mut doc = b"<a><b>ok</b><!-- \xFF --><c>x\xFFy</c></a>".to_vec();
        let mut r = XmlReader::new(&doc, &Limits::default());
        r.root().unwrap();
        r.next_child().unwrap().unwrap();
        assert_eq!(r.read_text().unwrap(), "ok");
        r.next_child().unwrap().unwrap();
        let err = r.read_text().unwrap_err();
        assert!(matches!(err.kind, DecodeErrorKind::Syntax(_)), "{err}");
        assert_eq!(err.path, "a/c");
        // Valid text after an invalid byte that nothing reads.
        doc = b"<a><!-- \xFF --><c>caf\xC3\xA9</c></a>".to_vec();
        let mut r = XmlReader::new(&doc, &Limits::default());
        r.root().unwrap();
        r.next_child().unwrap().unwrap();
        assert_eq!(r.read_text().unwrap(), "caf\u{E9}");
    }

    #[test]
    fn reader_refuses_doctype_and_depth() {
        let doc = b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>";
        let err = XmlReader::new(doc, &Limits::default()).root().unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::DocType);

        let deep = "<a>".repeat(50) + &"</a>".repeat(50);
        let limits = Limits {
            max_depth: 10,
            ..Limits::default()
        };
        let mut r = XmlReader::new(deep.as_bytes(), &limits);
        r.root().unwrap();
        let err = r.skip_element().unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::TooDeep(10));
    }

    #[test]
    fn inner_xml_is_self_contained() {
        let doc = br#"<d xmlns:f="urn:f"><f:fault a="1"><f:code>7</f:code></f:fault></d>"#;
        let mut r = XmlReader::new(doc, &Limits::default());
        r.root().unwrap();
        let inner = r.read_inner_xml().unwrap();
        assert_eq!(
            inner,
            r#"<fault xmlns="urn:f" a="1"><code>7</code></fault>"#
        );
    }

    #[test]
    fn element_xml_keeps_the_element_and_namespaces() {
        let doc =
            br#"<d xmlns:f="urn:f"><f:fault a="1"><code xml:lang="en">7</code></f:fault></d>"#;
        let mut r = XmlReader::new(doc, &Limits::default());
        r.root().unwrap();
        let start = r.next_child().unwrap().unwrap();
        let outer = r.read_element_xml(&start).unwrap();
        assert_eq!(
            outer,
            r#"<fault xmlns="urn:f" a="1"><code xmlns="" xml:lang="en">7</code></fault>"#
        );
        assert_eq!(r.next_child().unwrap(), None);
    }

    #[test]
    fn next_content_returns_text_between_children() {
        let doc = b"<d> note &amp; <e/></d>";
        let mut r = XmlReader::new(doc, &Limits::default());
        r.root().unwrap();
        assert_eq!(
            r.next_content().unwrap(),
            Some(Content::Text(" note & ".into()))
        );
        assert!(matches!(
            r.next_content().unwrap(),
            Some(Content::Element(_))
        ));
        r.skip_element().unwrap();
        assert_eq!(r.next_content().unwrap(), None);
    }

    #[test]
    fn prefixed_elements_reuse_an_enclosing_declaration() {
        let mut w = XmlWriter::new();
        w.start_prefixed("s", "urn:s", "a");
        w.start_prefixed("s", "urn:s", "b");
        w.start_prefixed("s", "urn:other", "c");
        assert_eq!(
            w.into_string(),
            r#"<s:a xmlns:s="urn:s"><s:b><s:c xmlns:s="urn:other"/></s:b></s:a>"#
        );
    }

    #[test]
    fn values_round_trip() {
        assert_eq!(f64::from_xml_text("-INF").unwrap(), f64::NEG_INFINITY);
        assert!(f64::from_xml_text("inf").is_err());
        assert_eq!(f64::INFINITY.to_xml_text(), "INF");
        assert_eq!(i32::from_xml_text(" +42 ").unwrap(), 42);
        assert!(bool::from_xml_text("yes").is_err());
    }

    #[test]
    fn type_annotations_bind_their_prefixes() {
        let mut w = XmlWriter::new();
        w.start_element(XmlName::new(Some("urn:a"), "shape"));
        w.set_next_type(
            XmlName::new(Some("urn:a"), "member"),
            XmlName::new(Some("urn:b"), "Star"),
        )
        .unwrap();
        w.start_element(XmlName::new(Some("urn:a"), "member"));
        w.end_element();
        // A type without a namespace under a default namespace cannot be named.
        let err = w
            .set_next_type(
                XmlName::new(Some("urn:a"), "member"),
                XmlName::new(None, "Plain"),
            )
            .unwrap_err();
        assert!(matches!(err, EncodeError::UnqualifiedType { .. }), "{err}");
        w.end_element();
        let xml = w.into_string();
        assert_eq!(
            xml,
            r#"<shape xmlns="urn:a"><member xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns0="urn:b" xsi:type="ns0:Star"/></shape>"#
        );
        // Read back, the value's prefix resolves where it was declared.
        let mut r = XmlReader::new(xml.as_bytes(), &Limits::default());
        r.root().unwrap();
        let member = r.next_child().unwrap().unwrap();
        let found = member.xsi_type.expect("xsi:type read");
        assert!(found.is(XmlName::new(Some("urn:b"), "Star")));
    }

    #[test]
    fn copies_keep_the_prefixes_qname_values_use() {
        // `p` appears only in values: the copy still binds it, and nothing
        // else it does not use.
        let doc = br#"<d xmlns:p="urn:p" xmlns:q="urn:q" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><x xsi:type="p:T"><y>see https://example.com</y><z>p:V</z></x></d>"#;
        let mut r = XmlReader::new(doc, &Limits::default());
        r.root().unwrap();
        let start = r.next_child().unwrap().unwrap();
        let copy = r.read_element_xml(&start).unwrap();
        assert!(!copy.contains("urn:q"), "{copy}");
        let mut again = XmlReader::new(copy.as_bytes(), &Limits::default());
        let root = again.root().unwrap();
        let found = root.xsi_type.expect("xsi:type read back");
        assert!(found.is(XmlName::new(Some("urn:p"), "T")), "{copy}");
    }
}
