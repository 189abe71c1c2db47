//! A generic SOAP 1.1 / 1.2 runtime that generated clients call.
//!
//! Nothing here knows about IPS: generated code hands it operation metadata
//! and values implementing [`xml::XmlEncode`] / [`xml::XmlDecode`], and it
//! does the envelope, HTTP, compression, limits and fault decoding.

pub mod xml;

pub use xml::{
    DecodeError, DecodeErrorKind, EncodeError, Limits, Start, XmlDecode, XmlEncode, XmlName,
    XmlReader, XmlValue, XmlWriter,
};
