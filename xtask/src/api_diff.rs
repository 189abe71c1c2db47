//! `cargo xtask api-diff <old.wsdl> <new.wsdl>`: the report is
//! [`codegen::diff::report`], shared with `wsdl2rust diff`.

pub use codegen::diff::report;
