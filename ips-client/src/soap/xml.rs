//! Streaming, namespace-aware XML reading and writing for generated types.
//!
//! Generated code never sees quick-xml: it asks an [`XmlReader`] for the next
//! child element or for text, and tells an [`XmlWriter`] to open, fill and
//! close elements. Both track the element path so errors can say where.

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::Event;
use quick_xml::name::{PrefixDeclaration, ResolveResult};
use quick_xml::NsReader;

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

/// An attribute as read, with its namespace resolved.
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

/// An element start tag as read, with its namespace resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    pub namespace: Option<String>,
    pub local: String,
    /// Attributes other than namespace declarations.
    pub attributes: Vec<XmlAttribute>,
    /// The element's `xsi:type`, resolved where it was read (prefixes are
    /// only known there); also kept, as written, in `attributes`.
    pub xsi_type: Option<TypeName>,
}

impl Start {
    /// True when this element has the given wire name.
    pub fn is(&self, name: XmlName<'_>) -> bool {
        self.local == name.local && self.namespace.as_deref() == name.namespace
    }

    /// The name in `{namespace}local` form, for messages.
    pub fn display_name(&self) -> String {
        XmlName::new(self.namespace.as_deref(), &self.local).to_string()
    }

    /// The value of an attribute, if present.
    pub fn attribute(&self, name: XmlName<'_>) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.local == name.local && a.namespace.as_deref() == name.namespace)
            .map(|a| a.value.as_str())
    }
}

/// One item of element content, from [`XmlReader::next_content`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A child element's start tag; the element is now open.
    Element(Start),
    /// Non-blank text (unescaped), as received.
    Text(String),
}

/// Pull reader over a complete, size-bounded document.
pub struct XmlReader<'a> {
    inner: NsReader<&'a [u8]>,
    /// Local names of the open elements, for error paths.
    path: ElementPath,
    max_depth: usize,
    /// A child looked at ([`peek_child`](Self::peek_child)) or handed back
    /// ([`push_back`](Self::push_back)) but not taken yet.
    pending: Option<Pending>,
}

/// What [`XmlReader::peek_child`] saw.
enum Pending {
    /// A child element, already opened (it is on the path).
    Start(Start),
    /// The end of the current element (not yet taken off the path).
    End,
}

impl<'a> XmlReader<'a> {
    pub fn new(document: &'a [u8], limits: &Limits) -> Self {
        let mut inner = NsReader::from_reader(document);
        let config = inner.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.trim_text(false);
        XmlReader {
            inner,
            path: ElementPath::default(),
            max_depth: limits.max_depth,
            pending: None,
        }
    }

    /// Builds an error located at the current element and position.
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

    fn syntax(&self, err: impl fmt::Display) -> DecodeError {
        self.error(DecodeErrorKind::Syntax(err.to_string()))
    }

    /// Refuses characters XML 1.0 does not allow, which the parser lets
    /// through in character references (`&#0;`) and raw bytes: a value
    /// holding one could not be written back as XML.
    fn check_xml_chars(&self, text: &str) -> Result<(), DecodeError> {
        // Every such character is an ASCII control or U+FFFE/U+FFFF, so a
        // byte scan finds them; `find_invalid_char` names the exact one.
        let suspect = text
            .bytes()
            .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF);
        if !suspect {
            return Ok(());
        }
        find_invalid_char(text).map_err(|code| {
            self.syntax(format_args!(
                "character U+{code:04X} is not allowed in XML 1.0"
            ))
        })
    }

    fn open(&mut self, event: &quick_xml::events::BytesStart<'_>) -> Result<Start, DecodeError> {
        if self.path.len() >= self.max_depth {
            return Err(self.error(DecodeErrorKind::TooDeep(self.max_depth)));
        }
        let (resolved, local) = self.inner.resolve_element(event.name());
        let namespace = self.namespace_of(resolved, event.name().as_ref())?;
        let local = String::from_utf8(local.as_ref().to_vec()).map_err(|e| self.syntax(e))?;
        let mut attributes = Vec::new();
        let mut xsi_type = None;
        for attr in event.attributes() {
            let attr = attr.map_err(|e| self.syntax(e))?;
            let key = attr.key;
            if key.as_namespace_binding().is_some() {
                continue;
            }
            let (resolved, attr_local) = self.inner.resolve_attribute(key);
            let namespace = self.namespace_of(resolved, key.as_ref())?;
            let value = attr
                .decode_and_unescape_value(self.inner.decoder())
                .map_err(|e| self.syntax(e))?
                .into_owned();
            self.check_xml_chars(&value)?;
            let attr_local = String::from_utf8_lossy(attr_local.as_ref()).into_owned();
            if namespace.as_deref() == Some(XSI_NS) && attr_local == "type" {
                xsi_type = Some(self.resolve_type_name(&value)?);
            }
            attributes.push(XmlAttribute {
                namespace,
                local: attr_local,
                value,
            });
        }
        self.path.push(&local);
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
        let (resolved, local) = self
            .inner
            .resolve_element(quick_xml::name::QName(value.as_bytes()));
        let namespace = self.namespace_of(resolved, value.as_bytes())?;
        Ok(TypeName {
            namespace,
            local: String::from_utf8_lossy(local.as_ref()).into_owned(),
        })
    }

    fn namespace_of(
        &self,
        resolved: ResolveResult<'_>,
        raw: &[u8],
    ) -> Result<Option<String>, DecodeError> {
        match resolved {
            ResolveResult::Bound(ns) => Ok(Some(
                std::str::from_utf8(ns.as_ref())
                    .map_err(|e| self.syntax(e))?
                    .to_owned(),
            )),
            ResolveResult::Unbound => Ok(None),
            ResolveResult::Unknown(_) => Err(self.error(DecodeErrorKind::UnknownPrefix(
                String::from_utf8_lossy(raw).into_owned(),
            ))),
        }
    }

    /// Reads up to and including the document's root start tag.
    pub fn root(&mut self) -> Result<Start, DecodeError> {
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
    pub fn next_child(&mut self) -> Result<Option<Start>, DecodeError> {
        let next = match self.pending.take() {
            Some(Pending::Start(start)) => Some(start),
            Some(Pending::End) => None,
            None => self.read_child()?,
        };
        if next.is_none() {
            self.path.pop();
        }
        Ok(next)
    }

    /// Looks at the next child element without taking it: the following
    /// [`next_child`](Self::next_child) returns it (or `None` at the end of
    /// the current element). For content models decoded in order (choices,
    /// repeated sequences), which must stop at the first element that is
    /// not theirs.
    pub fn peek_child(&mut self) -> Result<Option<&Start>, DecodeError> {
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
    pub fn peek_is(&mut self, test: impl FnOnce(&Start) -> bool) -> Result<bool, DecodeError> {
        Ok(self.peek_child()?.is_some_and(test))
    }

    /// The next child element if it satisfies `test`; otherwise it is left
    /// for the next call.
    pub fn next_child_if(
        &mut self,
        test: impl FnOnce(&Start) -> bool,
    ) -> Result<Option<Start>, DecodeError> {
        if self.peek_is(test)? {
            self.next_child()
        } else {
            Ok(None)
        }
    }

    /// The next child element, which the caller knows is there (it has just
    /// peeked at it); the end of the element instead is an error.
    pub fn expect_child(&mut self) -> Result<Start, DecodeError> {
        match self.next_child()? {
            Some(start) => Ok(start),
            None => Err(self.error(DecodeErrorKind::UnexpectedEof)),
        }
    }

    /// Hands back a child element just returned by
    /// [`next_child`](Self::next_child), so the next call returns it again
    /// (for a group decoder that starts with that element).
    pub fn push_back(&mut self, start: Start) {
        debug_assert!(self.pending.is_none(), "one element pushed back at a time");
        self.pending = Some(Pending::Start(start));
    }

    /// Reads the next child element's start tag, or `None` at the end of
    /// the current element (whose name stays on the path).
    fn read_child(&mut self) -> Result<Option<Start>, DecodeError> {
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
        self.path.pop();
        Ok(text)
    }

    /// Reads and parses the text of the currently open element; an invalid
    /// value is reported at that element's path.
    pub fn read_value<T: XmlValue>(&mut self) -> Result<T, DecodeError> {
        // Parsed from the text in place: no copy unless it had escapes.
        let text = self.read_text_cow()?;
        let value = T::from_xml_text(&text).map_err(|expected| {
            self.error(DecodeErrorKind::InvalidValue {
                value: text.into_owned(),
                expected,
            })
        })?;
        self.path.pop();
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
                Event::Text(text) => {
                    let unescaped = text.unescape().map_err(|e| self.syntax(e))?;
                    self.check_xml_chars(&unescaped)?;
                    append(&mut out, unescaped);
                }
                Event::CData(data) => {
                    let text = std::str::from_utf8(&data).map_err(|e| self.syntax(e))?;
                    self.check_xml_chars(text)?;
                    append(&mut out, Cow::Owned(text.to_owned()));
                }
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
                    self.path.pop();
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
    pub fn read_element_xml(&mut self, start: &Start) -> Result<String, DecodeError> {
        let mut writer = XmlWriter::new();
        self.copy_element(&mut writer, start)?;
        writer.end_element();
        Ok(writer.into_string())
    }

    /// Copies the element `start` (just read) and its content into `writer`,
    /// leaving it open.
    fn copy_element(&mut self, writer: &mut XmlWriter, start: &Start) -> Result<(), DecodeError> {
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
            let bound = self
                .inner
                .prefixes()
                .find_map(|(declared, namespace)| match declared {
                    PrefixDeclaration::Named(name) if name == prefix.as_bytes() => {
                        Some(namespace.as_ref().to_vec())
                    }
                    _ => None,
                });
            if let Some(namespace) = bound {
                let namespace = String::from_utf8(namespace).map_err(|e| self.syntax(e))?;
                writer.bind_used_prefix(prefix, &namespace, root);
            }
        }
        Ok(())
    }

    fn write_start(&self, writer: &mut XmlWriter, start: &Start) -> Result<(), DecodeError> {
        writer.start_element(XmlName::new(start.namespace.as_deref(), &start.local));
        for a in &start.attributes {
            writer
                .attribute(XmlName::new(a.namespace.as_deref(), &a.local), &a.value)
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
                    self.path.pop();
                    if self.path.len() < target {
                        return Ok(());
                    }
                    writer.end_element();
                }
                Event::Text(text) => {
                    let unescaped = text.unescape().map_err(|e| self.syntax(e))?;
                    self.bind_prefixes_used(writer, &unescaped, root)?;
                    writer.text(&unescaped).map_err(|e| self.syntax(e))?;
                }
                Event::CData(data) => {
                    let text = std::str::from_utf8(&data).map_err(|e| self.syntax(e))?;
                    self.bind_prefixes_used(writer, text, root)?;
                    writer.text(text).map_err(|e| self.syntax(e))?;
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
    pub fn next_content(&mut self) -> Result<Option<Content>, DecodeError> {
        match self.pending.take() {
            Some(Pending::Start(start)) => return Ok(Some(Content::Element(start))),
            Some(Pending::End) => {
                self.path.pop();
                return Ok(None);
            }
            None => {}
        }
        loop {
            match self.inner.read_event().map_err(|e| self.syntax(e))? {
                Event::Start(start) => return self.open(&start).map(|s| Some(Content::Element(s))),
                Event::End(_) => {
                    self.path.pop();
                    return Ok(None);
                }
                Event::Text(text) if is_blank(&text) => {}
                Event::Text(text) => {
                    let unescaped = text.unescape().map_err(|e| self.syntax(e))?;
                    self.check_xml_chars(&unescaped)?;
                    return Ok(Some(Content::Text(unescaped.into_owned())));
                }
                Event::CData(data) => {
                    let text = String::from_utf8_lossy(&data).into_owned();
                    self.check_xml_chars(&text)?;
                    if !text.trim().is_empty() {
                        return Ok(Some(Content::Text(text)));
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

/// Local names of the open elements in one buffer, plus each one's position
/// among its consecutive same-named siblings (`items[3]`): pushing and
/// popping allocate nothing once the buffers have grown to the document's
/// depth and longest names.
#[derive(Debug, Default)]
struct ElementPath {
    names: String,
    /// End of each name in `names`.
    ends: Vec<usize>,
    /// Each open element's index in its run of same-named siblings.
    indices: Vec<usize>,
    /// Indexed by depth: the last child closed inside the element open at
    /// that depth (depth 0 is the document itself). Entries are reused, not
    /// freed, so their strings keep their capacity.
    last_child: Vec<LastChild>,
}

#[derive(Debug, Default)]
struct LastChild {
    /// False until a child has closed at this depth (since the parent opened).
    set: bool,
    name: String,
    index: usize,
}

impl ElementPath {
    fn push(&mut self, local: &str) {
        let depth = self.ends.len();
        let index = match self.last_child.get(depth) {
            Some(last) if last.set && last.name == local => last.index + 1,
            _ => 0,
        };
        self.names.push_str(local);
        self.ends.push(self.names.len());
        self.indices.push(index);
        // The new element has no children yet.
        if let Some(inner) = self.last_child.get_mut(depth + 1) {
            inner.set = false;
        }
    }

    fn pop(&mut self) {
        let Some(end) = self.ends.pop() else {
            return;
        };
        let start = self.ends.last().copied().unwrap_or(0);
        let index = self.indices.pop().unwrap_or(0);
        let depth = self.ends.len();
        if self.last_child.len() <= depth {
            self.last_child.resize_with(depth + 1, LastChild::default);
        }
        let last = &mut self.last_child[depth];
        last.set = true;
        last.name.clear();
        last.name.push_str(&self.names[start..end]);
        last.index = index;
        self.names.truncate(start);
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The path for messages: names joined by `separator`, each followed by
    /// `[i]` when it is not the first of its run of same-named siblings (the
    /// first shows no index, since whether more follow is not known yet).
    fn join(&self, separator: &str) -> String {
        use fmt::Write as _;
        let mut out = String::with_capacity(self.names.len() + self.ends.len() * 4);
        let mut start = 0;
        for (i, (&end, &index)) in self.ends.iter().zip(&self.indices).enumerate() {
            if i > 0 {
                out.push_str(separator);
            }
            out.push_str(&self.names[start..end]);
            if index > 0 {
                // Writing into a String cannot fail.
                let _ = write!(out, "[{index}]");
            }
            start = end;
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
        let mut shadowed: Vec<&str> = Vec::new();
        for open in self.stack.iter().rev() {
            for (prefix, ns) in &open.prefixes {
                if shadowed.contains(&prefix.as_str()) {
                    continue;
                }
                if ns == namespace {
                    return Some(prefix);
                }
                shadowed.push(prefix);
            }
        }
        None
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
        let inherited = self.default_ns().map(str::to_owned);
        if inherited.as_deref() != name.namespace || (self.fragment && self.stack.is_empty()) {
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

/// XML 1.0 forbids most control characters even when escaped.
fn find_invalid_char(text: &str) -> Result<(), u32> {
    match text.chars().find(|&c| {
        matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
    }) {
        Some(c) => Err(c as u32),
        None => Ok(()),
    }
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
    fn decode_xml(reader: &mut XmlReader<'_>, start: &Start) -> Result<Self, DecodeError>;
}

/// A value written as element text or an attribute value (XSD simple types).
pub trait XmlValue: Sized {
    /// The lexical form.
    fn to_xml_text(&self) -> Cow<'_, str>;
    /// Parses the lexical form; the error says what was expected.
    fn from_xml_text(text: &str) -> Result<Self, String>;
}

impl XmlValue for String {
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
    fn from_xml_text(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
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

/// Reads the text of the element just opened and parses it as `T`.
pub fn decode_value<T: XmlValue>(reader: &mut XmlReader<'_>) -> Result<T, DecodeError> {
    reader.read_value()
}

/// Parses an attribute value as `T`.
pub fn decode_attribute<T: XmlValue>(
    reader: &XmlReader<'_>,
    name: XmlName<'_>,
    text: &str,
) -> Result<T, DecodeError> {
    T::from_xml_text(text).map_err(|expected| {
        reader.error(DecodeErrorKind::InvalidValue {
            value: text.to_owned(),
            expected: format!("{expected} in attribute {name}"),
        })
    })
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
    start: &Start,
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
    start: &Start,
    attribute: &XmlAttribute,
) -> Result<(), DecodeError> {
    if attribute.namespace.as_deref() == Some(XSI_NS) {
        return Ok(());
    }
    Err(reader.error(DecodeErrorKind::UnexpectedAttribute(format!(
        "{} on {}",
        XmlName::new(attribute.namespace.as_deref(), &attribute.local),
        start.display_name()
    ))))
}

/// The error for a child element the type does not declare.
pub fn unexpected(reader: &XmlReader<'_>, start: &Start) -> DecodeError {
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
pub fn is_nil(start: &Start) -> bool {
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
    reader.path.pop();
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
    pub fn read(reader: &mut XmlReader<'_>, start: &Start) -> Result<Self, DecodeError> {
        let mut writer = XmlWriter::fragment();
        reader.copy_element(&mut writer, start)?;
        writer.end_element();
        Ok(RawElement {
            namespace: start.namespace.clone(),
            local: start.local.clone(),
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
    fn decode_xml(reader: &mut XmlReader<'_>, start: &Start) -> Result<Self, DecodeError> {
        Ok(AnyContent {
            attributes: start.attributes.clone(),
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
    pub fn accepts(&self, start: &Start) -> bool {
        let ns = start.namespace.as_deref();
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
    fn starts(start: &Start) -> bool;
    /// Reads the group from the next child elements, stopping before the
    /// first one that is not part of it.
    fn decode_group(reader: &mut XmlReader<'_>) -> Result<Self, DecodeError>;
    /// Writes the group's elements.
    fn encode_group(&self, writer: &mut XmlWriter) -> Result<(), EncodeError>;
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
        assert_eq!(decode_value::<i32>(&mut r).unwrap(), 1);
        r.next_child().unwrap().unwrap();
        let err = decode_value::<i32>(&mut r).unwrap_err();
        assert_eq!(err.path, "a/b[1]");
        assert!(err.to_string().contains("xsd:int"), "{err}");
    }

    /// Decodes every `v` element of `doc` as an int and returns the path
    /// of the first failure.
    fn path_of_bad_int(doc: &str) -> String {
        fn walk(r: &mut XmlReader<'_>) -> Result<(), DecodeError> {
            while let Some(start) = r.next_child()? {
                if start.local == "v" {
                    decode_value::<i32>(r)?;
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
        let err = decode_value::<i32>(&mut r).unwrap_err();
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
