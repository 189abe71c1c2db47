//! A generic SOAP 1.1 / 1.2 runtime that generated clients call.
//!
//! Nothing here knows about IPS: generated code hands it operation metadata
//! and values implementing [`xml::XmlEncode`] / [`xml::XmlDecode`], and it
//! does the envelope, HTTP, compression, limits and fault decoding.

#[cfg(feature = "blocking")]
pub mod blocking;
#[cfg(feature = "cli")]
pub mod cli;
pub mod client;
pub mod envelope;
pub mod error;
#[cfg(feature = "samples")]
pub mod sample;
#[cfg(feature = "serde")]
pub mod serde_support;
#[cfg(feature = "mock")]
pub mod server;
pub mod service;
pub mod values;
pub mod xml;

pub use client::{
    Call, ConfigError, Exchange, Operation, OperationBinding, RetryPolicy, SoapClient,
    SoapClientBuilder,
};
pub use envelope::{
    read_response, write_envelope, write_fault, FaultCode, FaultDetail, NoFaults, Part, Reply,
    RequestEnvelope, SoapFault, SoapVersion,
};
pub use error::Error;
pub use service::{Dispatched, ServiceError};
pub use values::{
    Date, DateTime, Decimal, Duration, GDay, GMonth, GMonthDay, GYear, GYearMonth, HexBinary,
    Integer, QName, Time,
};
pub use xml::{
    AnyContent, Attribute, DecodeError, DecodeErrorKind, EncodeError, Limits, List, Nillable, Node,
    RawElement, Start, TypeName, Wildcard, XmlDecode, XmlEncode, XmlGroup, XmlName, XmlReader,
    XmlValue, XmlWriter,
};
