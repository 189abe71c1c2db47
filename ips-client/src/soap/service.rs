//! Server side of generated code: what a service implementation answers and
//! how a dispatched request becomes a reply. Transport-free: the bytes can
//! be served by the `server` module (feature `mock`) or any HTTP stack.

use super::envelope::{write_envelope, write_fault, FaultCode, Part, SoapVersion};
use super::xml::{DecodeError, XmlEncode, XmlName};

/// What a service method returns instead of a response.
#[derive(Debug, Clone, PartialEq)]
pub enum ServiceError<F> {
    /// A fault the service declares, sent with its typed detail.
    Fault(F),
    /// A fault without detail.
    Soap { code: FaultCode, reason: String },
    /// The implementation does not handle this operation.
    NotImplemented,
}

impl<F> From<F> for ServiceError<F> {
    fn from(fault: F) -> Self {
        ServiceError::Fault(fault)
    }
}

/// A reply ready to send: HTTP status, SOAP version and envelope bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispatched {
    pub status: u16,
    pub version: SoapVersion,
    pub body: Vec<u8>,
    /// The operation the request named, when it could be routed.
    pub operation: Option<&'static str>,
}

/// A normal response envelope holding `value` as the element `name`.
pub fn reply<T: XmlEncode>(
    version: SoapVersion,
    operation: &'static str,
    name: XmlName<'_>,
    value: &T,
) -> Dispatched {
    match write_envelope(version, &[], &[Part { name, value }]) {
        Ok(body) => Dispatched {
            status: 200,
            version,
            body,
            operation: Some(operation),
        },
        Err(error) => fault_reply(
            version,
            Some(operation),
            FaultCode::Server,
            &format!("the response could not be encoded: {error}"),
            None,
        ),
    }
}

/// A fault envelope, with HTTP status 500 as SOAP over HTTP prescribes.
pub fn fault_reply(
    version: SoapVersion,
    operation: Option<&'static str>,
    code: FaultCode,
    reason: &str,
    detail: Option<Part<'_>>,
) -> Dispatched {
    let body = write_fault(version, code, reason, detail)
        // Only a detail value can fail to encode; send the fault without it.
        .or_else(|_| write_fault(version, FaultCode::Server, reason, None))
        .unwrap_or_default();
    Dispatched {
        status: 500,
        version,
        body,
        operation,
    }
}

/// The reply for a request that could not be decoded.
pub fn decode_error_reply(
    version: SoapVersion,
    operation: Option<&'static str>,
    error: &DecodeError,
) -> Dispatched {
    fault_reply(
        version,
        operation,
        FaultCode::Client,
        &format!("invalid request: {error}"),
        None,
    )
}

/// The reply for a [`ServiceError`]; `detail` turns a declared fault into
/// its detail element and a fault string.
pub fn service_error_reply<F>(
    version: SoapVersion,
    operation: &'static str,
    error: ServiceError<F>,
    detail: impl Fn(&F) -> (XmlName<'static>, &dyn XmlEncode),
) -> Dispatched {
    match &error {
        ServiceError::Fault(fault) => {
            let (name, value) = detail(fault);
            fault_reply(
                version,
                Some(operation),
                FaultCode::Client,
                name.local,
                Some(Part { name, value }),
            )
        }
        ServiceError::Soap { code, reason } => {
            fault_reply(version, Some(operation), *code, reason, None)
        }
        ServiceError::NotImplemented => fault_reply(
            version,
            Some(operation),
            FaultCode::Server,
            &format!("operation {operation} is not implemented by this service"),
            None,
        ),
    }
}

/// Checks the action a request carried (SOAP 1.1 `SOAPAction` header, SOAP
/// 1.2 `action` media-type parameter) against the operation's. An absent or
/// empty action is accepted: SOAP leaves routing to the body then.
pub fn action_matches(sent: Option<&str>, declared: Option<&str>) -> bool {
    let sent = sent.map(|a| a.trim().trim_matches('"')).unwrap_or("");
    sent.is_empty() || declared.is_none_or(|d| d.is_empty() || d == sent)
}

/// The `action` parameter of a SOAP 1.2 `Content-Type`.
pub fn action_from_content_type(content_type: &str) -> Option<&str> {
    content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("action="))
        .map(|a| a.trim_matches('"'))
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions() {
        assert!(action_matches(Some("\"executeJob\""), Some("executeJob")));
        assert!(action_matches(None, Some("executeJob")));
        assert!(action_matches(Some("\"\""), Some("executeJob")));
        assert!(!action_matches(Some("\"deleteJob\""), Some("executeJob")));
        assert_eq!(
            action_from_content_type(r#"application/soap+xml; charset=utf-8; action="executeJob""#),
            Some("executeJob")
        );
    }
}
