//! SOAP 1.1 / 1.2 envelopes: writing requests and faults, reading responses
//! (client side) and requests (server side).
//!
//! Header blocks in responses are read and discarded: nothing the generated
//! clients call needs them, and skipping them keeps responses from servers
//! that add their own (tracing, WS-Addressing...) decodable.

use std::fmt;

use super::xml::{
    unexpected, Content, DecodeError, DecodeErrorKind, EncodeError, Limits, Start, XmlDecode,
    XmlEncode, XmlName, XmlReader, XmlWriter, XML_NAMESPACE,
};

/// The SOAP 1.1 envelope namespace.
pub const SOAP11_NAMESPACE: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The SOAP 1.2 envelope namespace.
pub const SOAP12_NAMESPACE: &str = "http://www.w3.org/2003/05/soap-envelope";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SoapVersion {
    Soap11,
    Soap12,
}

impl SoapVersion {
    pub fn envelope_namespace(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => SOAP11_NAMESPACE,
            SoapVersion::Soap12 => SOAP12_NAMESPACE,
        }
    }

    /// The version whose envelope namespace is `namespace`, if any.
    pub fn from_namespace(namespace: &str) -> Option<SoapVersion> {
        match namespace {
            SOAP11_NAMESPACE => Some(SoapVersion::Soap11),
            SOAP12_NAMESPACE => Some(SoapVersion::Soap12),
            _ => None,
        }
    }

    /// The prefix written on envelope elements: `soapenv` (1.1), `soap` (1.2).
    pub fn prefix(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => "soapenv",
            SoapVersion::Soap12 => "soap",
        }
    }

    /// The media type of this version's messages, without parameters.
    pub fn media_type(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => "text/xml",
            SoapVersion::Soap12 => "application/soap+xml",
        }
    }

    /// SOAP 1.1: `text/xml; charset=utf-8` (the action travels in the
    /// `SOAPAction` header instead); SOAP 1.2:
    /// `application/soap+xml; charset=utf-8; action="<action>"`, the action
    /// parameter only when `Some`.
    pub fn content_type(self, action: Option<&str>) -> String {
        let mut value = format!("{}; charset=utf-8", self.media_type());
        if let (SoapVersion::Soap12, Some(action)) = (self, action) {
            value.push_str("; action=");
            value.push_str(&quoted_string(action));
        }
        value
    }
}

/// An HTTP quoted-string (RFC 9110 §5.6.4): `"` and `\` are backslash-escaped.
pub(crate) fn quoted_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// One header block or body element to write: a name plus a value that writes itself.
#[derive(Clone, Copy)]
pub struct Part<'a> {
    pub name: XmlName<'a>,
    pub value: &'a dyn XmlEncode,
}

impl<'a> Part<'a> {
    pub fn new(name: XmlName<'a>, value: &'a dyn XmlEncode) -> Self {
        Part { name, value }
    }
}

impl fmt::Debug for Part<'_> {
    // The value may hold credentials (an auth header block): never print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Writes `<?xml ...?><soapenv:Envelope xmlns:soapenv=...><soapenv:Header>...
/// </soapenv:Header><soapenv:Body>...</soapenv:Body></soapenv:Envelope>`.
///
/// The Header element is omitted when `headers` is empty; the Body may hold
/// any number of parts. Envelope elements use the prefix `soapenv` (1.1) or
/// `soap` (1.2).
pub fn write_envelope(
    version: SoapVersion,
    headers: &[Part<'_>],
    body: &[Part<'_>],
) -> Result<Vec<u8>, EncodeError> {
    let mut writer = XmlWriter::new();
    writer.declaration();
    let (prefix, ns) = (version.prefix(), version.envelope_namespace());
    writer.start_prefixed(prefix, ns, "Envelope");
    if !headers.is_empty() {
        writer.start_prefixed(prefix, ns, "Header");
        for part in headers {
            part.value.encode_xml(&mut writer, part.name)?;
        }
        writer.end_element();
    }
    writer.start_prefixed(prefix, ns, "Body");
    for part in body {
        part.value.encode_xml(&mut writer, part.name)?;
    }
    writer.end_element();
    writer.end_element();
    Ok(writer.into_bytes())
}

/// A decoded SOAP fault, whatever the version. Holds no request data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SoapFault {
    /// SOAP 1.1 `faultcode` text as received (e.g. `soapenv:Client`);
    /// SOAP 1.2 `Code/Value` text (e.g. `soap:Sender`).
    pub code: String,
    /// SOAP 1.2 `Code/Subcode/Value` chain, outermost first.
    pub subcodes: Vec<String>,
    /// SOAP 1.1 `faultstring`; SOAP 1.2 first `Reason/Text`.
    pub reason: String,
    /// SOAP 1.1 `faultactor`; SOAP 1.2 `Role`.
    pub actor: Option<String>,
    /// SOAP 1.2 `Node`.
    pub node: Option<String>,
    /// Each detail entry that was not decoded into a typed fault, as
    /// standalone XML (text entries XML-escaped), so nothing received is lost.
    pub detail: Vec<String>,
}

impl fmt::Display for SoapFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SOAP fault {}: {}", self.code, self.reason)
    }
}

impl std::error::Error for SoapFault {}

/// Implemented by the generated enum of an API's declared fault elements.
pub trait FaultDetail: Sized {
    /// True when `start` (a child of the fault's detail element) is one of
    /// the declared fault elements.
    fn accepts(start: &Start) -> bool;
    /// Decodes that element (consumes through its end tag).
    fn decode_detail(reader: &mut XmlReader<'_>, start: &Start) -> Result<Self, DecodeError>;
}

/// The fault type of APIs that declare no faults: accepts nothing, so every
/// fault arrives as a plain [`SoapFault`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoFaults {}

impl FaultDetail for NoFaults {
    fn accepts(_: &Start) -> bool {
        false
    }

    fn decode_detail(reader: &mut XmlReader<'_>, start: &Start) -> Result<Self, DecodeError> {
        Err(unexpected(reader, start))
    }
}

/// The outcome of reading a response envelope.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply<T, F> {
    Body(T),
    Fault {
        /// The first detail entry that `F` accepts, decoded.
        detail: Option<F>,
        fault: SoapFault,
    },
}

/// Parses a response envelope of the `expected` version.
///
/// Header blocks are read and discarded. A `Fault` in the Body gives
/// [`Reply::Fault`]: the first detail entry accepted by `F` is decoded into
/// `detail`, every other entry is kept raw in [`SoapFault::detail`].
/// Otherwise the Body must hold exactly one element, `response`, decoded
/// with `T::decode_xml`; an empty Body is a `MissingElement` error.
pub fn read_response<T: XmlDecode, F: FaultDetail>(
    document: &[u8],
    version: SoapVersion,
    response: XmlName<'_>,
    limits: &Limits,
) -> Result<Reply<T, F>, DecodeError> {
    read_reply(document, version, limits, |reader, first| {
        let Some(start) = first else {
            return Err(reader.error(DecodeErrorKind::MissingElement(response.to_string())));
        };
        if !start.is(response) {
            return Err(reader.error(DecodeErrorKind::WrongElement {
                expected: response.to_string(),
                found: start.display_name(),
            }));
        }
        let value = T::decode_xml(reader, &start)?;
        if let Some(extra) = reader.next_child()? {
            return Err(unexpected(reader, &extra));
        }
        Ok(value)
    })
}

/// Reads the response to a one-way operation: only a fault matters, any
/// body content is skipped.
pub(crate) fn read_acknowledgement<F: FaultDetail>(
    document: &[u8],
    version: SoapVersion,
    limits: &Limits,
) -> Result<Reply<(), F>, DecodeError> {
    read_reply(document, version, limits, |reader, first| {
        if first.is_some() {
            reader.skip_element()?;
            while reader.next_child()?.is_some() {
                reader.skip_element()?;
            }
        }
        Ok(())
    })
}

/// True when `document`'s root element is a SOAP Envelope of either version;
/// only the start of the document is parsed.
pub(crate) fn is_envelope(document: &[u8], limits: &Limits) -> bool {
    let mut reader = XmlReader::new(strip_bom(document), limits);
    match reader.root() {
        Ok(root) => {
            root.local == "Envelope"
                && root
                    .namespace
                    .as_deref()
                    .and_then(SoapVersion::from_namespace)
                    .is_some()
        }
        Err(_) => false,
    }
}

/// Shared response reading: `body` gets the first Body child (or `None`
/// when the Body was empty and its end tag already consumed) and must
/// consume the rest of the Body, end tag included.
fn read_reply<B, F: FaultDetail>(
    document: &[u8],
    version: SoapVersion,
    limits: &Limits,
    body: impl FnOnce(&mut XmlReader<'_>, Option<Start>) -> Result<B, DecodeError>,
) -> Result<Reply<B, F>, DecodeError> {
    let (mut reader, _) = open_envelope(document, limits, Some(version), |reader, _| {
        reader.skip_element()
    })?;
    let first = reader.next_child()?;
    let reply = match first {
        Some(start) if start.is(envelope_name(version, "Fault")) => {
            let (fault, detail) = read_fault::<F>(&mut reader, version)?;
            // A Body carrying a Fault should hold nothing else; tolerate it.
            while reader.next_child()?.is_some() {
                reader.skip_element()?;
            }
            Reply::Fault { detail, fault }
        }
        other => Reply::Body(body(&mut reader, other)?),
    };
    close_envelope(&mut reader, version)?;
    Ok(reply)
}

/// An element's name as (namespace, local name), owned.
fn owned_name(start: &Start<'_>) -> (Option<String>, String) {
    (start.namespace().map(str::to_owned), start.local.to_owned())
}

fn envelope_name(version: SoapVersion, local: &str) -> XmlName<'_> {
    XmlName::new(Some(version.envelope_namespace()), local)
}

fn strip_bom(document: &[u8]) -> &[u8] {
    document.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(document)
}

/// Reads the Envelope start and the optional Header (handing each header
/// block to `on_header`, which must consume it), and leaves the reader just
/// inside Body. With `expected` None, either version is accepted; the
/// version found is returned.
fn open_envelope<'a>(
    document: &'a [u8],
    limits: &Limits,
    expected: Option<SoapVersion>,
    mut on_header: impl FnMut(&mut XmlReader<'a>, Start) -> Result<(), DecodeError>,
) -> Result<(XmlReader<'a>, SoapVersion), DecodeError> {
    let mut reader = XmlReader::new(strip_bom(document), limits);
    let root = reader.root()?;
    let found = if root.local == "Envelope" {
        root.namespace
            .as_deref()
            .and_then(SoapVersion::from_namespace)
    } else {
        None
    };
    let version = match (found, expected) {
        (Some(found), Some(expected)) if found != expected => None,
        (found, _) => found,
    };
    let Some(version) = version else {
        let expected = match expected {
            Some(v) => envelope_name(v, "Envelope").to_string(),
            None => "a SOAP 1.1 or 1.2 Envelope".to_owned(),
        };
        return Err(reader.error(DecodeErrorKind::WrongElement {
            expected,
            found: root.display_name(),
        }));
    };

    let mut next = reader.next_child()?;
    if next
        .as_ref()
        .is_some_and(|s| s.is(envelope_name(version, "Header")))
    {
        while let Some(block) = reader.next_child()? {
            on_header(&mut reader, block)?;
        }
        next = reader.next_child()?;
    }
    let body = envelope_name(version, "Body");
    match next {
        Some(start) if start.is(body) => Ok((reader, version)),
        Some(start) => Err(reader.error(DecodeErrorKind::WrongElement {
            expected: body.to_string(),
            found: start.display_name(),
        })),
        None => Err(reader.error(DecodeErrorKind::MissingElement(body.to_string()))),
    }
}

/// After the Body's end tag: reads to the end of the document. SOAP 1.1
/// allows namespace-qualified elements after Body (skipped), though not
/// envelope ones such as a second Body; 1.2 allows nothing.
fn close_envelope(reader: &mut XmlReader<'_>, version: SoapVersion) -> Result<(), DecodeError> {
    while let Some(extra) = reader.next_child()? {
        let foreign = extra
            .namespace
            .as_deref()
            .is_some_and(|ns| ns != version.envelope_namespace());
        if version == SoapVersion::Soap11 && foreign {
            reader.skip_element()?;
        } else {
            return Err(unexpected(reader, &extra));
        }
    }
    reader.finish()
}

/// Reads a Fault element's content (its start tag already read).
fn read_fault<F: FaultDetail>(
    reader: &mut XmlReader<'_>,
    version: SoapVersion,
) -> Result<(SoapFault, Option<F>), DecodeError> {
    let ns = version.envelope_namespace();
    let mut fault = SoapFault::default();
    let mut typed = None;
    while let Some(child) = reader.next_child()? {
        match version {
            // SOAP 1.1 fault children are unqualified; some toolkits qualify
            // them with the envelope namespace, which is accepted too.
            SoapVersion::Soap11 if child.namespace.as_deref().is_none_or(|n| n == ns) => {
                match child.local {
                    "faultcode" => fault.code = reader.read_text()?.trim().to_owned(),
                    "faultstring" => fault.reason = reader.read_text()?.trim().to_owned(),
                    "faultactor" => fault.actor = Some(reader.read_text()?.trim().to_owned()),
                    "detail" => read_detail(reader, &mut fault, &mut typed)?,
                    _ => reader.skip_element()?,
                }
            }
            SoapVersion::Soap12 if child.namespace.as_deref() == Some(ns) => match child.local {
                "Code" => read_code(reader, ns, &mut fault, true)?,
                "Reason" => read_reason(reader, ns, &mut fault)?,
                "Node" => fault.node = Some(reader.read_text()?.trim().to_owned()),
                "Role" => fault.actor = Some(reader.read_text()?.trim().to_owned()),
                "Detail" => read_detail(reader, &mut fault, &mut typed)?,
                _ => reader.skip_element()?,
            },
            _ => reader.skip_element()?,
        }
    }
    Ok((fault, typed))
}

/// SOAP 1.2 `Code` (top) or `Subcode`: a `Value` and an optional nested `Subcode`.
fn read_code(
    reader: &mut XmlReader<'_>,
    ns: &str,
    fault: &mut SoapFault,
    top: bool,
) -> Result<(), DecodeError> {
    while let Some(child) = reader.next_child()? {
        if child.namespace.as_deref() != Some(ns) {
            reader.skip_element()?;
            continue;
        }
        match child.local {
            "Value" => {
                let value = reader.read_text()?.trim().to_owned();
                if top {
                    fault.code = value;
                } else {
                    fault.subcodes.push(value);
                }
            }
            // Nesting is bounded by the reader's depth limit.
            "Subcode" => read_code(reader, ns, fault, false)?,
            _ => reader.skip_element()?,
        }
    }
    Ok(())
}

/// SOAP 1.2 `Reason`: keeps the first `Text`.
fn read_reason(
    reader: &mut XmlReader<'_>,
    ns: &str,
    fault: &mut SoapFault,
) -> Result<(), DecodeError> {
    let mut seen = false;
    while let Some(child) = reader.next_child()? {
        if !seen && child.namespace.as_deref() == Some(ns) && child.local == "Text" {
            fault.reason = reader.read_text()?.trim().to_owned();
            seen = true;
        } else {
            reader.skip_element()?;
        }
    }
    Ok(())
}

/// The detail element's content: the first entry `F` accepts is decoded,
/// everything else is kept as XML text.
fn read_detail<F: FaultDetail>(
    reader: &mut XmlReader<'_>,
    fault: &mut SoapFault,
    typed: &mut Option<F>,
) -> Result<(), DecodeError> {
    while let Some(content) = reader.next_content()? {
        match content {
            Content::Element(start) if typed.is_none() && F::accepts(&start) => {
                *typed = Some(F::decode_detail(reader, &start)?);
            }
            Content::Element(start) => fault.detail.push(reader.read_element_xml(&start)?),
            Content::Text(text) => fault
                .detail
                .push(quick_xml::escape::escape(text.trim()).into_owned()),
        }
    }
    Ok(())
}

/// Server side: a request envelope, parsed far enough to route it.
///
/// [`header`](Self::header) and [`body`](Self::body) re-parse the stored
/// document, which keeps this type simple and borrow-free.
#[derive(Debug, Clone)]
pub struct RequestEnvelope<'a> {
    pub version: SoapVersion,
    document: &'a [u8],
    limits: Limits,
    headers: Vec<(Option<String>, String)>,
    body: Option<(Option<String>, String)>,
}

impl<'a> RequestEnvelope<'a> {
    /// Detects the version from the Envelope namespace and checks the
    /// Envelope / optional Header / Body structure.
    pub fn parse(document: &'a [u8], limits: &Limits) -> Result<Self, DecodeError> {
        let mut headers = Vec::new();
        let (mut reader, version) = open_envelope(document, limits, None, |reader, block| {
            headers.push(owned_name(&block));
            reader.skip_element()
        })?;
        let body = match reader.next_child()? {
            Some(first) => {
                reader.skip_element()?;
                while reader.next_child()?.is_some() {
                    reader.skip_element()?;
                }
                Some(owned_name(&first))
            }
            None => None,
        };
        close_envelope(&mut reader, version)?;
        Ok(RequestEnvelope {
            version,
            document,
            limits: *limits,
            headers,
            body,
        })
    }

    /// Names (namespace, local name) of the header blocks, in order.
    pub fn header_names(&self) -> Vec<(Option<String>, String)> {
        self.headers.clone()
    }

    /// Decodes the first header block named `name`, if present.
    pub fn header<T: XmlDecode>(&self, name: XmlName<'_>) -> Result<Option<T>, DecodeError> {
        let mut found = None;
        open_envelope(
            self.document,
            &self.limits,
            Some(self.version),
            |reader, block| {
                if found.is_none() && block.is(name) {
                    found = Some(T::decode_xml(reader, &block)?);
                    Ok(())
                } else {
                    reader.skip_element()
                }
            },
        )?;
        Ok(found)
    }

    /// Name (namespace, local name) of the first body element; `None` for
    /// an empty body.
    pub fn body_name(&self) -> Option<(Option<String>, String)> {
        self.body.clone()
    }

    /// Decodes the first body element, which must be `name`.
    pub fn body<T: XmlDecode>(&self, name: XmlName<'_>) -> Result<T, DecodeError> {
        let (mut reader, _) = open_envelope(
            self.document,
            &self.limits,
            Some(self.version),
            |reader, _| reader.skip_element(),
        )?;
        match reader.next_child()? {
            Some(start) if start.is(name) => T::decode_xml(&mut reader, &start),
            Some(start) => Err(reader.error(DecodeErrorKind::WrongElement {
                expected: name.to_string(),
                found: start.display_name(),
            })),
            None => Err(reader.error(DecodeErrorKind::MissingElement(name.to_string()))),
        }
    }
}

/// The fault code a server reports: whose side the problem is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultCode {
    /// The request was wrong (SOAP 1.1 `Client`, 1.2 `Sender`).
    Client,
    /// The server failed (SOAP 1.1 `Server`, 1.2 `Receiver`).
    Server,
}

/// Server side: writes a fault envelope, with `detail` (when `Some`) inside
/// `detail` (1.1) or `Detail` (1.2).
///
/// Codes are written with the envelope prefix: 1.1 `soapenv:Client` /
/// `soapenv:Server`, 1.2 `soap:Sender` / `soap:Receiver`. The 1.2 reason
/// text is tagged `xml:lang="en"`, which that version requires.
pub fn write_fault(
    version: SoapVersion,
    code: FaultCode,
    reason: &str,
    detail: Option<Part<'_>>,
) -> Result<Vec<u8>, EncodeError> {
    let mut writer = XmlWriter::new();
    writer.declaration();
    let (prefix, ns) = (version.prefix(), version.envelope_namespace());
    writer.start_prefixed(prefix, ns, "Envelope");
    writer.start_prefixed(prefix, ns, "Body");
    writer.start_prefixed(prefix, ns, "Fault");
    match version {
        SoapVersion::Soap11 => {
            let code = match code {
                FaultCode::Client => "Client",
                FaultCode::Server => "Server",
            };
            writer.text_element(XmlName::new(None, "faultcode"), &format!("{prefix}:{code}"))?;
            writer.text_element(XmlName::new(None, "faultstring"), reason)?;
            if let Some(part) = detail {
                writer.start_element(XmlName::new(None, "detail"));
                part.value.encode_xml(&mut writer, part.name)?;
                writer.end_element();
            }
        }
        SoapVersion::Soap12 => {
            let code = match code {
                FaultCode::Client => "Sender",
                FaultCode::Server => "Receiver",
            };
            writer.start_prefixed(prefix, ns, "Code");
            writer.start_prefixed(prefix, ns, "Value");
            writer.text(&format!("{prefix}:{code}"))?;
            writer.end_element();
            writer.end_element();
            writer.start_prefixed(prefix, ns, "Reason");
            writer.start_prefixed(prefix, ns, "Text");
            writer.attribute(XmlName::new(Some(XML_NAMESPACE), "lang"), "en")?;
            writer.text(reason)?;
            writer.end_element();
            writer.end_element();
            if let Some(part) = detail {
                writer.start_prefixed(prefix, ns, "Detail");
                part.value.encode_xml(&mut writer, part.name)?;
                writer.end_element();
            }
        }
    }
    writer.end_element();
    writer.end_element();
    writer.end_element();
    Ok(writer.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "urn:test";
    const ECHO: XmlName<'static> = XmlName::new(Some(NS), "echo");
    const TEXT: XmlName<'static> = XmlName::new(Some(NS), "text");

    #[derive(Debug, Clone, PartialEq)]
    struct Echo {
        text: String,
    }

    impl XmlEncode for Echo {
        fn encode_xml(&self, w: &mut XmlWriter, name: XmlName<'_>) -> Result<(), EncodeError> {
            w.start_element(name);
            w.text_element(TEXT, &self.text)?;
            w.end_element();
            Ok(())
        }
    }

    impl XmlDecode for Echo {
        fn decode_xml(r: &mut XmlReader<'_>, _: &Start) -> Result<Self, DecodeError> {
            let mut text = None;
            while let Some(child) = r.next_child()? {
                if child.is(TEXT) && text.is_none() {
                    text = Some(r.read_text()?);
                } else {
                    return Err(unexpected(r, &child));
                }
            }
            let text =
                text.ok_or_else(|| r.error(DecodeErrorKind::MissingElement(TEXT.to_string())))?;
            Ok(Echo { text })
        }
    }

    /// A declared fault: `<bad xmlns="urn:test"><text>..</text></bad>`.
    #[derive(Debug, Clone, PartialEq)]
    enum TestFault {
        Bad(Echo),
    }

    impl FaultDetail for TestFault {
        fn accepts(start: &Start) -> bool {
            start.is(XmlName::new(Some(NS), "bad"))
        }
        fn decode_detail(r: &mut XmlReader<'_>, start: &Start) -> Result<Self, DecodeError> {
            Echo::decode_xml(r, start).map(TestFault::Bad)
        }
    }

    fn echo(text: &str) -> Echo {
        Echo { text: text.into() }
    }

    #[test]
    fn content_types() {
        assert_eq!(
            SoapVersion::Soap11.content_type(Some("x")),
            "text/xml; charset=utf-8"
        );
        assert_eq!(
            SoapVersion::Soap12.content_type(Some("urn:a\"b")),
            r#"application/soap+xml; charset=utf-8; action="urn:a\"b""#
        );
        assert_eq!(
            SoapVersion::Soap12.content_type(None),
            "application/soap+xml; charset=utf-8"
        );
    }

    #[test]
    fn writes_soap11_envelope() {
        let auth = echo("me");
        let body = echo("hi & bye");
        let out = write_envelope(
            SoapVersion::Soap11,
            &[Part::new(XmlName::new(Some(NS), "auth"), &auth)],
            &[Part::new(ECHO, &body)],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            concat!(
                r#"<?xml version="1.0" encoding="utf-8"?>"#,
                r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">"#,
                r#"<soapenv:Header><auth xmlns="urn:test"><text>me</text></auth></soapenv:Header>"#,
                r#"<soapenv:Body><echo xmlns="urn:test"><text>hi &amp; bye</text></echo></soapenv:Body>"#,
                r#"</soapenv:Envelope>"#
            )
        );
    }

    #[test]
    fn writes_soap12_envelope_without_header() {
        let out = write_envelope(SoapVersion::Soap12, &[], &[]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            concat!(
                r#"<?xml version="1.0" encoding="utf-8"?>"#,
                r#"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">"#,
                r#"<soap:Body/></soap:Envelope>"#
            )
        );
    }

    #[test]
    fn reads_a_body_skipping_headers() {
        let doc = br#"<?xml version="1.0"?>
            <e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/">
              <e:Header><trace xmlns="urn:other"><id>1</id></trace></e:Header>
              <e:Body><t:echo xmlns:t="urn:test"><t:text>ok</t:text></t:echo></e:Body>
            </e:Envelope>"#;
        let reply =
            read_response::<Echo, NoFaults>(doc, SoapVersion::Soap11, ECHO, &Limits::default())
                .unwrap();
        assert_eq!(reply, Reply::Body(echo("ok")));
    }

    #[test]
    fn response_errors_name_what_was_expected() {
        let limits = Limits::default();
        let wrong = br#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><other/></e:Body></e:Envelope>"#;
        let err =
            read_response::<Echo, NoFaults>(wrong, SoapVersion::Soap11, ECHO, &limits).unwrap_err();
        assert_eq!(
            err.kind,
            DecodeErrorKind::WrongElement {
                expected: "{urn:test}echo".into(),
                found: "other".into()
            }
        );

        let empty = br#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>"#;
        let err =
            read_response::<Echo, NoFaults>(empty, SoapVersion::Soap11, ECHO, &limits).unwrap_err();
        assert_eq!(
            err.kind,
            DecodeErrorKind::MissingElement("{urn:test}echo".into())
        );

        let err =
            read_response::<Echo, NoFaults>(empty, SoapVersion::Soap12, ECHO, &limits).unwrap_err();
        assert!(
            matches!(&err.kind, DecodeErrorKind::WrongElement { expected, .. }
                if expected.contains("2003/05")),
            "{err}"
        );
    }

    #[test]
    fn reads_soap11_fault_with_typed_and_raw_detail() {
        let doc = br#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
            <soapenv:Body><soapenv:Fault>
              <faultcode>soapenv:Client</faultcode>
              <faultstring> Bad input </faultstring>
              <faultactor>urn:actor</faultactor>
              <detail>
                <x:hostname xmlns:x="urn:axis">node7</x:hostname>
                <bad xmlns="urn:test"><text>why</text></bad>
                <bad xmlns="urn:test"><text>again</text></bad>
              </detail>
            </soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
        let reply =
            read_response::<Echo, TestFault>(doc, SoapVersion::Soap11, ECHO, &Limits::default())
                .unwrap();
        let Reply::Fault { detail, fault } = reply else {
            panic!("expected a fault");
        };
        assert_eq!(detail, Some(TestFault::Bad(echo("why"))));
        assert_eq!(fault.code, "soapenv:Client");
        assert_eq!(fault.reason, "Bad input");
        assert_eq!(fault.actor.as_deref(), Some("urn:actor"));
        assert_eq!(
            fault.detail,
            vec![
                r#"<hostname xmlns="urn:axis">node7</hostname>"#.to_owned(),
                r#"<bad xmlns="urn:test"><text>again</text></bad>"#.to_owned(),
            ]
        );
        assert_eq!(fault.to_string(), "SOAP fault soapenv:Client: Bad input");
    }

    #[test]
    fn reads_soap12_fault() {
        let doc = br#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope">
            <env:Body><env:Fault>
              <env:Code><env:Value>env:Sender</env:Value>
                <env:Subcode><env:Value>m:One</env:Value>
                  <env:Subcode><env:Value>m:Two</env:Value></env:Subcode>
                </env:Subcode>
              </env:Code>
              <env:Reason><env:Text xml:lang="en">First</env:Text><env:Text xml:lang="de">Erste</env:Text></env:Reason>
              <env:Node>urn:node</env:Node>
              <env:Role>urn:role</env:Role>
              <env:Detail>plain &amp; text<unknown xmlns="urn:x" a="1"/></env:Detail>
            </env:Fault></env:Body></env:Envelope>"#;
        let reply =
            read_response::<Echo, TestFault>(doc, SoapVersion::Soap12, ECHO, &Limits::default())
                .unwrap();
        assert_eq!(
            reply,
            Reply::Fault {
                detail: None,
                fault: SoapFault {
                    code: "env:Sender".into(),
                    subcodes: vec!["m:One".into(), "m:Two".into()],
                    reason: "First".into(),
                    actor: Some("urn:role".into()),
                    node: Some("urn:node".into()),
                    detail: vec![
                        "plain &amp; text".into(),
                        r#"<unknown xmlns="urn:x" a="1"/>"#.into()
                    ],
                },
            }
        );
    }

    #[test]
    fn written_faults_read_back() {
        let why = echo("because");
        for version in [SoapVersion::Soap11, SoapVersion::Soap12] {
            let doc = write_fault(
                version,
                FaultCode::Server,
                "it broke",
                Some(Part::new(XmlName::new(Some(NS), "bad"), &why)),
            )
            .unwrap();
            let reply =
                read_response::<Echo, TestFault>(&doc, version, ECHO, &Limits::default()).unwrap();
            let Reply::Fault { detail, fault } = reply else {
                panic!("expected a fault");
            };
            assert_eq!(detail, Some(TestFault::Bad(why.clone())));
            assert_eq!(fault.reason, "it broke");
            let code = match version {
                SoapVersion::Soap11 => "soapenv:Server",
                SoapVersion::Soap12 => "soap:Receiver",
            };
            assert_eq!(fault.code, code);
        }
        let doc = write_fault(SoapVersion::Soap12, FaultCode::Client, "no", None).unwrap();
        let text = String::from_utf8(doc).unwrap();
        assert!(
            text.contains(r#"<soap:Value>soap:Sender</soap:Value>"#),
            "{text}"
        );
        assert!(
            text.contains(r#"<soap:Text xml:lang="en">no</soap:Text>"#),
            "{text}"
        );
    }

    #[test]
    fn parses_request_envelopes() {
        let auth = echo("me");
        let body = echo("hello");
        let doc = write_envelope(
            SoapVersion::Soap12,
            &[
                Part::new(XmlName::new(Some(NS), "auth"), &auth),
                Part::new(XmlName::new(None, "plain"), &auth),
            ],
            &[Part::new(ECHO, &body)],
        )
        .unwrap();
        let request = RequestEnvelope::parse(&doc, &Limits::default()).unwrap();
        assert_eq!(request.version, SoapVersion::Soap12);
        assert_eq!(
            request.header_names(),
            vec![
                (Some(NS.to_owned()), "auth".to_owned()),
                (None, "plain".to_owned())
            ]
        );
        assert_eq!(
            request
                .header::<Echo>(XmlName::new(Some(NS), "auth"))
                .unwrap(),
            Some(echo("me"))
        );
        assert_eq!(
            request
                .header::<Echo>(XmlName::new(Some(NS), "missing"))
                .unwrap(),
            None
        );
        assert_eq!(
            request.body_name(),
            Some((Some(NS.to_owned()), "echo".to_owned()))
        );
        assert_eq!(request.body::<Echo>(ECHO).unwrap(), echo("hello"));
        assert!(request
            .body::<Echo>(XmlName::new(Some(NS), "other"))
            .is_err());

        let empty = write_envelope(SoapVersion::Soap11, &[], &[]).unwrap();
        let request = RequestEnvelope::parse(&empty, &Limits::default()).unwrap();
        assert_eq!(request.version, SoapVersion::Soap11);
        assert_eq!(request.body_name(), None);
        assert!(request.header_names().is_empty());
    }

    #[test]
    fn rejects_malformed_envelopes() {
        let limits = Limits::default();
        for doc in [
            &b"<Envelope/>"[..],
            b"<html><body>502</body></html>",
            br#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"/>"#,
            br#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/><e:Body/></e:Envelope>"#,
            br#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/><e:Trailer/></e:Envelope>"#,
            br#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>"#,
        ] {
            assert!(
                RequestEnvelope::parse(doc, &limits).is_err(),
                "{}",
                String::from_utf8_lossy(doc)
            );
        }
        assert!(is_envelope(
            b"\xEF\xBB\xBF<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\">",
            &limits
        ));
        assert!(!is_envelope(b"<!DOCTYPE html><html/>", &limits));
        assert!(!is_envelope(b"", &limits));
    }
}
