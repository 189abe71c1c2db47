//! The error a SOAP call ends with, and the redaction applied to every text
//! the runtime puts into one.

use std::time::Duration;

use super::envelope::{SoapFault, SoapVersion};
use super::xml::{DecodeError, DecodeErrorKind, EncodeError};

/// Everything a call can end with other than success. `F` is the generated
/// enum of the API's declared faults.
///
/// Texts taken from the response (fault fields, HTTP snippets, transport
/// messages) have the client's redaction list applied; a typed fault
/// `detail` is data and is left as decoded.
#[derive(Debug, thiserror::Error)]
pub enum Error<F> {
    /// A fault the service declares, decoded into its type, plus the
    /// envelope-level fault fields.
    #[error("{fault}")]
    Fault { detail: F, fault: SoapFault },
    /// A SOAP fault whose detail matches no declared fault (the raw detail
    /// is kept in [`SoapFault::detail`]).
    #[error("{0}")]
    SoapFault(SoapFault),
    /// The server answered with something other than a SOAP response: an
    /// HTML error page, an empty body, or a normal envelope with a non-2xx
    /// status.
    #[error("{}", http_message(*status, content_type.as_deref(), snippet))]
    Http {
        status: u16,
        content_type: Option<String>,
        /// The start of the body: at most about 200 characters, whitespace
        /// collapsed, secrets redacted.
        snippet: String,
    },
    #[error("no response within {0:?}")]
    Timeout(Duration),
    #[error("response body larger than the {limit}-byte limit")]
    ResponseTooLarge { limit: usize },
    #[error("connection failed: {message}")]
    Connect { message: String },
    #[error("transport error: {message}")]
    Transport { message: String },
    #[error("could not decode the response: {0}")]
    Decode(DecodeError),
    #[error("could not encode the request: {0}")]
    Encode(EncodeError),
    #[error("operation {operation} has no binding for {version:?}")]
    NotBound {
        operation: &'static str,
        version: SoapVersion,
    },
}

impl<F> Error<F> {
    /// The declared fault, when the service returned one.
    pub fn fault(&self) -> Option<&F> {
        match self {
            Error::Fault { detail, .. } => Some(detail),
            _ => None,
        }
    }

    /// The envelope-level fault fields of any SOAP fault, declared or not.
    pub fn soap_fault(&self) -> Option<&SoapFault> {
        match self {
            Error::Fault { fault, .. } | Error::SoapFault(fault) => Some(fault),
            _ => None,
        }
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// The HTTP status of a non-SOAP answer.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Http { status, .. } => Some(*status),
            _ => None,
        }
    }
}

fn http_message(status: u16, content_type: Option<&str>, snippet: &str) -> String {
    let mut message = format!("unexpected HTTP {status} response");
    if let Some(content_type) = content_type {
        message.push_str(&format!(" ({content_type})"));
    }
    if snippet.is_empty() {
        message.push_str(" with an empty body");
    } else {
        message.push_str(": ");
        message.push_str(snippet);
    }
    message
}

/// Marks where a replaced secret was.
const REDACTED: &str = "[redacted]";
/// Characters kept in an HTTP error snippet.
const SNIPPET_CHARS: usize = 200;
/// Characters collapsed before redaction, so secrets near the end of the
/// snippet are seen whole.
const SNIPPET_WINDOW: usize = 4096;

/// The secrets to keep out of error texts.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    /// Every form a secret is looked for in, longest first so a secret
    /// containing another is replaced whole.
    forms: Vec<String>,
}

impl Redactor {
    pub(crate) fn add(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        // As sent, as escaped in XML/HTML bodies, and as seen after the
        // snippet's whitespace collapsing.
        let forms = [
            secret.to_owned(),
            quick_xml::escape::escape(secret).into_owned(),
            collapse_whitespace(secret.as_bytes(), usize::MAX).0,
        ];
        for form in forms {
            if !form.is_empty() && !self.forms.contains(&form) {
                self.forms.push(form);
            }
        }
        self.forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    }

    /// True when any form of a secret occurs in `bytes`.
    pub(crate) fn found_in(&self, bytes: &[u8]) -> bool {
        self.forms
            .iter()
            .any(|form| bytes.windows(form.len()).any(|w| w == form.as_bytes()))
    }

    pub(crate) fn apply(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for form in &self.forms {
            if out.contains(form.as_str()) {
                out = out.replace(form.as_str(), REDACTED);
            }
        }
        out
    }

    /// Like [`apply`](Self::apply) for a text cut short: a tail that is the
    /// start of a secret is replaced as well.
    fn apply_cut(&self, text: &str) -> String {
        let mut out = self.apply(text);
        let partial = self
            .forms
            .iter()
            .filter_map(|form| {
                form.char_indices()
                    .skip(1)
                    .map(|(i, _)| &form[..i])
                    .filter(|prefix| out.ends_with(prefix))
                    .map(str::len)
                    .max()
            })
            .max();
        if let Some(len) = partial {
            out.truncate(out.len() - len);
            out.push_str(REDACTED);
        }
        out
    }

    pub(crate) fn fault(&self, fault: SoapFault) -> SoapFault {
        if self.forms.is_empty() {
            return fault;
        }
        SoapFault {
            code: self.apply(&fault.code),
            subcodes: fault.subcodes.iter().map(|s| self.apply(s)).collect(),
            reason: self.apply(&fault.reason),
            actor: fault.actor.as_deref().map(|s| self.apply(s)),
            node: fault.node.as_deref().map(|s| self.apply(s)),
            detail: fault.detail.iter().map(|s| self.apply(s)).collect(),
        }
    }

    pub(crate) fn decode_error(&self, error: DecodeError) -> DecodeError {
        if self.forms.is_empty() {
            return error;
        }
        use DecodeErrorKind as K;
        let r = |s: String| self.apply(&s);
        let kind = match error.kind {
            K::Syntax(s) => K::Syntax(r(s)),
            K::UnknownPrefix(s) => K::UnknownPrefix(r(s)),
            K::UnexpectedElement(s) => K::UnexpectedElement(r(s)),
            // The reader shortens long text to 40 characters plus "...".
            K::UnexpectedText(s) => K::UnexpectedText(match s.strip_suffix("...") {
                Some(cut) => format!("{}...", self.apply_cut(cut)),
                None => r(s),
            }),
            K::MissingElement(s) => K::MissingElement(r(s)),
            K::MissingAttribute(s) => K::MissingAttribute(r(s)),
            K::UnexpectedAttribute(s) => K::UnexpectedAttribute(r(s)),
            K::DuplicateElement(s) => K::DuplicateElement(r(s)),
            K::InvalidValue { value, expected } => K::InvalidValue {
                value: r(value),
                expected: r(expected),
            },
            K::WrongElement { expected, found } => K::WrongElement {
                expected: r(expected),
                found: r(found),
            },
            K::UnknownType { found, declared } => K::UnknownType {
                found: r(found),
                declared: r(declared),
            },
            K::MissingType { declared } => K::MissingType {
                declared: r(declared),
            },
            kind @ (K::DocType | K::TooDeep(_) | K::UnexpectedEof) => kind,
        };
        DecodeError {
            path: self.apply(&error.path),
            position: error.position,
            kind,
        }
    }

    /// The start of a response body for an error message: lossy UTF-8,
    /// whitespace collapsed, secrets redacted, at most about 200 characters.
    pub(crate) fn snippet(&self, body: &[u8]) -> String {
        let (collapsed, cut) = collapse_whitespace(body, SNIPPET_WINDOW);
        let redacted = if cut {
            self.apply_cut(&collapsed)
        } else {
            self.apply(&collapsed)
        };
        match redacted.char_indices().nth(SNIPPET_CHARS) {
            Some((end, _)) => format!("{}...", &redacted[..end]),
            None if cut => format!("{redacted}..."),
            None => redacted,
        }
    }
}

/// Decodes `bytes` as lossy UTF-8 with runs of whitespace (and control
/// characters) turned into one space and the ends trimmed, stopping after
/// `max_chars`; the flag tells whether it stopped early.
fn collapse_whitespace(bytes: &[u8], max_chars: usize) -> (String, bool) {
    let mut out = String::new();
    let mut count = 0;
    let mut space = false;
    for chunk in bytes.utf8_chunks() {
        let invalid = (!chunk.invalid().is_empty()).then_some(char::REPLACEMENT_CHARACTER);
        for c in chunk.valid().chars().chain(invalid) {
            if c.is_whitespace() || c.is_control() {
                space = !out.is_empty();
                continue;
            }
            let needed = if space { 2 } else { 1 };
            if count + needed > max_chars {
                return (out, true);
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
            count += needed;
        }
    }
    (out, false)
}

/// The message of a transport error without its URL (which may carry
/// credentials in userinfo or query), with its causes.
pub(crate) fn transport_message(error: reqwest::Error, redactor: &Redactor) -> String {
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let text = cause.to_string();
        // Layers often repeat their cause's text.
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    redactor.apply(&message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(secrets: &[&str]) -> Redactor {
        let mut r = Redactor::default();
        for s in secrets {
            r.add(s);
        }
        r
    }

    #[test]
    fn snippet_collapses_and_truncates() {
        let body = format!("<html>\n\n  <p>{}</p>", "x".repeat(500));
        let snippet = Redactor::default().snippet(body.as_bytes());
        assert!(snippet.starts_with("<html> <p>xxx"), "{snippet}");
        assert_eq!(snippet.chars().count(), SNIPPET_CHARS + 3);
        assert_eq!(Redactor::default().snippet(b" \r\n "), "");
        assert_eq!(Redactor::default().snippet(b"a\xFFb"), "a\u{FFFD}b");
    }

    #[test]
    fn snippet_redacts_plain_escaped_and_longest_first() {
        let r = redactor(&["p<w", "top-secret", "secret"]);
        let snippet = r.snippet(b"bad p&lt;w and top-secret and secret");
        assert_eq!(snippet, "bad [redacted] and [redacted] and [redacted]");
    }

    #[test]
    fn a_secret_cut_by_the_window_does_not_leak() {
        let secret = format!("hunter2-{}", "p".repeat(992));
        let r = redactor(&[&secret]);
        // Long secrets shrink to a short marker, pulling the end of the
        // collapsed window (which cuts the last secret) into the kept part.
        let mut body = format!("{secret} ").repeat(4);
        while body.chars().count() < SNIPPET_WINDOW - 4 {
            body.push('.');
        }
        body.push(' ');
        body.push_str(&secret);
        let snippet = r.snippet(body.as_bytes());
        assert!(snippet.chars().count() < SNIPPET_CHARS, "{snippet}");
        assert!(!snippet.contains("hun"), "{snippet}");
        assert!(snippet.ends_with("[redacted]..."), "{snippet}");
    }

    #[test]
    fn decode_errors_are_redacted() {
        let r = redactor(&["s3cr3t-value"]);
        let error = DecodeError {
            path: "a".into(),
            position: 0,
            kind: DecodeErrorKind::UnexpectedText(format!("{}s3cr3t...", "x".repeat(34))),
        };
        let text = r.decode_error(error).to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
    }
}
