//! Emit: renders a [`Plan`] as Rust tokens. No decisions are made here
//! beyond the shape of the code; names and types come from the plan.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use wsdl::{QName, SoapVersion};

use crate::emit_serde;
use crate::plan::{
    AliasPlan, ArrayPlan, ChoicePlan, ClientPlan, EnumPlan, FieldKind, FieldPlan, Occurs,
    OperationPlan, Plan, PolymorphicPlan, RustType, StructPlan, TypeItem, TypeUse, WildcardPlan,
};

/// What every emitting function needs: the runtime path and the constant
/// that names each namespace.
pub struct Cx {
    pub rt: TokenStream,
    pub namespaces: BTreeMap<String, Ident>,
    /// Set when serde derives are generated (`Options::serde`).
    pub serde: Option<crate::emit_serde::SerdeCx>,
}

impl Cx {
    /// Generated code reaches the runtime through a local `rt` alias and
    /// namespaces through constants, which keeps it short and readable.
    pub fn new(plan: &Plan) -> Self {
        let namespaces = plan
            .namespaces
            .iter()
            .map(|(uri, name)| (uri.clone(), ident(name)))
            .collect();
        Cx {
            rt: quote! { rt },
            namespaces,
            serde: None,
        }
    }
}

pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

pub(crate) fn doc_attrs(doc: Option<&str>) -> TokenStream {
    let Some(doc) = doc.map(str::trim).filter(|d| !d.is_empty()) else {
        return TokenStream::new();
    };
    let lines = doc.lines().map(|line| format!(" {}", line.trim_end()));
    quote! { #( #[doc = #lines] )* }
}

pub(crate) fn doc_line(text: &str) -> TokenStream {
    let text = format!(" {text}");
    quote! { #[doc = #text] }
}

/// `rt::XmlName::new(Some("ns"), "local")` for a wire name.
pub(crate) fn xml_name(cx: &Cx, name: &QName) -> TokenStream {
    let rt = &cx.rt;
    let local = &name.local;
    match name.namespace.as_ref().and_then(|ns| cx.namespaces.get(ns)) {
        Some(ns) => quote! { #rt::XmlName::new(Some(#ns), #local) },
        None => quote! { #rt::XmlName::new(None, #local) },
    }
}

pub(crate) fn base_type(ty: &TypeUse) -> TokenStream {
    let inner = match &ty.rust {
        RustType::Builtin(path) => {
            let path: syn::Path =
                syn::parse_str(path).unwrap_or_else(|_| syn::parse_quote!(String));
            quote! { #path }
        }
        RustType::Simple(name)
        | RustType::Complex(name)
        | RustType::Group(name)
        | RustType::Array { alias: name, .. } => {
            let name = ident(name);
            quote! { #name }
        }
        RustType::Runtime(path) => {
            let path: syn::Path =
                syn::parse_str(path).unwrap_or_else(|_| syn::parse_quote!(rt::AnyContent));
            quote! { #path }
        }
        RustType::Raw => quote! { rt::RawElement },
        // Checked to parse when the options were read.
        RustType::External { path, .. } => {
            let ty: syn::Type = syn::parse_str(path).unwrap_or_else(|_| syn::parse_quote!(String));
            quote! { #ty }
        }
    };
    let boxed = if ty.boxed {
        quote! { Box<#inner> }
    } else {
        inner
    };
    if ty.nillable {
        quote! { rt::Nillable<#boxed> }
    } else {
        boxed
    }
}

fn field_type(field: &FieldPlan) -> TokenStream {
    let base = base_type(&field.ty);
    match field.occurs {
        Occurs::Required => base,
        Occurs::Optional => quote! { Option<#base> },
        Occurs::Many => quote! { Vec<#base> },
    }
}

/// A child encoder for `ty` (the stored type, with its `Nillable` and
/// `Box`): a function or closure taking `(writer, name, &value)` for the
/// runtime's `encode_one`, `encode_each`, `encode_nillable` and
/// `encode_array`.
fn child_encoder(cx: &Cx, ty: &TypeUse) -> TokenStream {
    let rt = &cx.rt;
    if ty.nillable {
        let inner = child_encoder(
            cx,
            &TypeUse {
                nillable: false,
                ..ty.clone()
            },
        );
        return quote! { |writer, name, value| #rt::xml::encode_nillable(writer, name, value, #inner) };
    }
    if ty.boxed && !boxes_itself(&ty.rust) {
        let inner = child_encoder(
            cx,
            &TypeUse {
                boxed: false,
                ..ty.clone()
            },
        );
        return quote! { |writer, name, value| #rt::xml::encode_boxed(writer, name, value, #inner) };
    }
    match &ty.rust {
        RustType::Array {
            item, item_element, ..
        } => {
            let item_name = xml_name(cx, item_element);
            let write_item = child_encoder(cx, item);
            quote! { |writer, name, items| #rt::xml::encode_array(writer, name, #item_name, items, #write_item) }
        }
        rust if rust.is_simple() => quote! { #rt::xml::encode_value },
        RustType::Group(_) => quote! { #rt::xml::encode_group },
        RustType::Raw => quote! { #rt::xml::encode_raw },
        _ => quote! { #rt::xml::encode_element },
    }
}

/// Writes one value as a child element. `value` is an expression of type
/// `&T`, where `T` is the stored type (with its `Nillable` and `Box`).
fn encode_child(cx: &Cx, ty: &TypeUse, name: &TokenStream, value: TokenStream) -> TokenStream {
    let rt = &cx.rt;
    let write = child_encoder(cx, ty);
    let closure = ty.nillable
        || (ty.boxed && !boxes_itself(&ty.rust))
        || matches!(ty.rust, RustType::Array { .. });
    if closure {
        // Passed to a function, so the closure's argument types are known.
        quote! { #rt::xml::encode_one(writer, #name, #value, #write)?; }
    } else {
        quote! { #write(writer, #name, #value)?; }
    }
}

/// Types whose `Box` the runtime reads and writes as it does the type.
fn boxes_itself(rust: &RustType) -> bool {
    matches!(
        rust,
        RustType::Complex(_)
            | RustType::Runtime(_)
            | RustType::Group(_)
            | RustType::External { simple: false, .. }
    )
}

/// A child decoder for `ty` (the stored type, with its `Nillable` and
/// `Box`): a function or closure taking `(reader, &child)` for the
/// runtime's `read_child`, `decode_child`, `nillable` and `read_array`.
fn child_decoder(cx: &Cx, ty: &TypeUse) -> TokenStream {
    let rt = &cx.rt;
    if ty.nillable {
        let inner = child_decoder(
            cx,
            &TypeUse {
                nillable: false,
                ..ty.clone()
            },
        );
        return quote! { |reader, child| #rt::xml::nillable(reader, child, #inner) };
    }
    if ty.boxed && !boxes_itself(&ty.rust) {
        let inner = child_decoder(
            cx,
            &TypeUse {
                boxed: false,
                ..ty.clone()
            },
        );
        return quote! { |reader, child| #rt::xml::boxed(reader, child, #inner) };
    }
    match &ty.rust {
        RustType::Array {
            item, item_element, ..
        } => {
            let item_name = xml_name(cx, item_element);
            let read_item = child_decoder(cx, item);
            quote! { |reader, _| #rt::xml::read_array(reader, #item_name, #read_item) }
        }
        rust if rust.is_simple() => quote! { #rt::xml::decode_value },
        RustType::Raw => quote! { #rt::RawElement::read },
        RustType::Group(_) => quote! { #rt::xml::decode_group_at },
        _ => quote! { #rt::XmlDecode::decode_xml },
    }
}

/// Decodes the child element just opened (`child`) into a value of `ty`.
fn decode_child(cx: &Cx, ty: &TypeUse) -> TokenStream {
    let rt = &cx.rt;
    let read = child_decoder(cx, ty);
    quote! { #rt::xml::decode_child(reader, &child, #read)? }
}

/// A match guard testing the namespace of `subject` (a `Start` or an
/// `Attribute` whose local name matched).
fn namespace_guard(cx: &Cx, subject: &Ident, name: &QName) -> TokenStream {
    match name.namespace.as_ref().and_then(|ns| cx.namespaces.get(ns)) {
        Some(ns) => quote! { #subject.namespace() == Some(#ns) },
        None => quote! { #subject.namespace().is_none() },
    }
}

/// One piece of the generated module. Pieces are emitted independently (and
/// in parallel, see `render`), so each needs only the plan and a [`Cx`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Namespace constants.
    Head,
    /// The items of one generated type, by its index in `Plan::types`.
    Type(usize),
    /// Faults, headers, endpoints, clients and (with `server`) services.
    Rest { server: bool },
    /// The items of the `samples` module.
    Samples,
    /// The `operations` module.
    Operations,
    /// The blocking clients.
    Blocking,
    /// The `cli` module.
    Cli,
}

pub fn emit_part(plan: &Plan, cx: &Cx, options: &crate::Options, part: Part) -> TokenStream {
    match part {
        Part::Head => {
            let namespace_consts = plan.namespaces.iter().map(|(uri, name)| {
                let name = ident(name);
                let doc = doc_line(&format!("`{uri}`"));
                quote! { #doc pub const #name: &str = #uri; }
            });
            quote! { #(#namespace_consts)* }
        }
        Part::Type(index) => match &plan.types[index] {
            TypeItem::Struct(s) => emit_struct(s, cx),
            TypeItem::Enum(e) => emit_enum(e, cx),
            TypeItem::Alias(a) => emit_alias(a),
            TypeItem::Array(a) => emit_array(a),
            TypeItem::Choice(c) => emit_choice(c, cx),
            TypeItem::Polymorphic(p) => emit_polymorphic(p, cx),
        },
        Part::Rest { server } => {
            let faults = emit_faults(plan, cx);
            let headers = emit_headers(plan, cx);
            let endpoints = emit_endpoints(plan);
            let clients = plan.clients.iter().map(|c| emit_client(plan, c, cx));
            let services = plan
                .clients
                .iter()
                .filter(|_| server)
                .map(|c| crate::emit_server::emit_service(plan, c, cx));
            quote! {
                #faults
                #headers
                #endpoints
                #(#clients)*
                #(#services)*
            }
        }
        Part::Samples => crate::emit_samples::emit_samples(plan, cx),
        Part::Blocking => crate::emit_blocking::emit_blocking(plan, cx),
        Part::Cli => crate::emit_cli::emit_cli(plan, cx, options),
        Part::Operations => {
            let descriptors = plan
                .clients
                .iter()
                .flat_map(|c| &c.operations)
                .map(|op| emit_descriptor(op, cx));
            quote! {
                /// Static descriptions of each operation as bound in the WSDL.
                pub mod operations {
                    use super::*;
                    #(#descriptors)*
                }
            }
        }
    }
}

fn emit_struct(s: &StructPlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&s.name);
    let doc = doc_attrs(s.doc.as_deref());
    let origin = doc_line(&format!("Generated from {}.", s.origin));
    let separator = if s.doc.is_some() {
        doc_line("")
    } else {
        TokenStream::new()
    };

    let keys = emit_serde::struct_keys(s);
    let attr_fields = s.attributes.iter().zip(&keys.attributes).map(|(a, key)| {
        let fname = ident(&a.name);
        let occurs = if a.required {
            Occurs::Required
        } else {
            Occurs::Optional
        };
        let serde = emit_serde::member_attrs(cx, &a.name, key, &a.ty, occurs);
        let doc = doc_attrs(a.doc.as_deref());
        let wire = doc_line(&format!("Attribute `{}`.", a.attribute));
        let base = base_type(&a.ty);
        let ty = if a.required {
            base
        } else {
            quote! { Option<#base> }
        };
        quote! { #doc #wire #serde pub #fname: #ty, }
    });
    let elem_fields = s.fields.iter().zip(&keys.fields).map(|(f, key)| {
        let fname = ident(&f.name);
        let doc = doc_attrs(f.doc.as_deref());
        let ty = field_type(f);
        let serde = emit_serde::member_attrs(cx, &f.name, key, &f.ty, f.occurs);
        quote! { #doc #serde pub #fname: #ty, }
    });
    let any_attr_field = s.any_attribute.as_ref().map(|n| {
        let key = keys.any_attribute.as_deref().unwrap_or(n);
        let serde =
            emit_serde::member_attrs(cx, n, key, &TypeUse::new(RustType::Raw), Occurs::Many);
        let n = ident(n);
        quote! {
            /// Attributes the schema leaves open (`xs:anyAttribute`), kept as received.
            #serde
            pub #n: Vec<#rt::xml::XmlAttribute>,
        }
    });

    let derive_debug = if s.has_sensitive() {
        quote! {}
    } else {
        quote! { Debug, }
    };
    let debug_impl = s.has_sensitive().then(|| emit_redacted_debug(s));
    let serde = emit_serde::struct_attrs(cx);
    let constructor = emit_constructor(s);
    let (encode, decode) = if s.group {
        (emit_group_struct(s, cx), TokenStream::new())
    } else {
        (emit_encode(s, cx), emit_decode(s, cx))
    };

    quote! {
        #doc
        #separator
        #origin
        #[derive(#derive_debug Clone, PartialEq, Default)]
        #serde
        pub struct #name {
            #(#attr_fields)*
            #(#elem_fields)*
            #any_attr_field
        }
        #constructor
        #debug_impl
        #encode
        #decode
    }
}

/// `Debug` that prints sensitive fields as `[redacted]`.
fn emit_redacted_debug(s: &StructPlan) -> TokenStream {
    let name = ident(&s.name);
    let label = &s.name;
    let entries = s
        .attributes
        .iter()
        .map(|a| (&a.name, a.sensitive, a.required))
        .chain(
            s.fields
                .iter()
                .map(|f| (&f.name, f.sensitive, f.occurs == Occurs::Required)),
        )
        .map(|(fname, sensitive, required)| {
            let fid = ident(fname);
            let key = fname.as_str();
            if !sensitive {
                quote! { .field(#key, &self.#fid) }
            } else if required {
                quote! { .field(#key, &"[redacted]") }
            } else {
                quote! { .field(#key, &self.#fid.as_ref().map(|_| "[redacted]")) }
            }
        });
    let any = s.any_attribute.as_ref().map(|n| {
        let fid = ident(n);
        quote! { .field(#n, &self.#fid) }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #(#entries)* #any .finish()
            }
        }
    }
}

/// `new(required...)` so callers spell out only what the schema requires.
fn emit_constructor(s: &StructPlan) -> TokenStream {
    let required: Vec<(Ident, TokenStream)> = s
        .attributes
        .iter()
        .filter(|a| a.required)
        .map(|a| (ident(&a.name), base_type(&a.ty)))
        .chain(
            s.fields
                .iter()
                .filter(|f| f.occurs == Occurs::Required)
                .map(|f| (ident(&f.name), base_type(&f.ty))),
        )
        .collect();
    let name = ident(&s.name);
    let params = required.iter().map(|(n, t)| quote! { #n: impl Into<#t> });
    let inits = required.iter().map(|(n, _)| quote! { #n: #n.into(), });
    let doc = if required.is_empty() {
        " An empty value; every field is optional.".to_owned()
    } else {
        " A value with the required fields set and the optional ones empty.".to_owned()
    };
    quote! {
        impl #name {
            #[doc = #doc]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* ..Default::default() }
            }
        }
    }
}

/// Writes a struct's fields (its content, without its own element).
fn encode_fields(s: &StructPlan, cx: &Cx) -> Vec<TokenStream> {
    let rt = &cx.rt;
    s.fields
        .iter()
        .map(|f| {
            let fid = ident(&f.name);
            let wire = xml_name(cx, &f.element);
            match f.kind {
                FieldKind::Text => {
                    return quote! { writer.text(&#rt::XmlValue::to_xml_text(&self.#fid))?; }
                }
                FieldKind::Mixed => return quote! { #rt::xml::write_nodes(writer, &self.#fid)?; },
                _ => {}
            }
            match f.occurs {
                Occurs::Required => encode_child(cx, &f.ty, &wire, quote! { &self.#fid }),
                Occurs::Optional | Occurs::Many => {
                    let write = child_encoder(cx, &f.ty);
                    quote! { #rt::xml::encode_each(writer, #wire, self.#fid.as_slice(), #write)?; }
                }
            }
        })
        .collect()
}

fn emit_encode(s: &StructPlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&s.name);
    let attrs = s.attributes.iter().map(|a| {
        let fid = ident(&a.name);
        let wire = xml_name(cx, &a.attribute);
        if a.required {
            quote! { #rt::xml::encode_attribute(writer, #wire, Some(&self.#fid))?; }
        } else {
            quote! { #rt::xml::encode_attribute(writer, #wire, self.#fid.as_ref())?; }
        }
    });
    let any_attrs = s.any_attribute.as_ref().map(|n| {
        let fid = ident(n);
        quote! {
            for attribute in &self.#fid {
                writer.attribute(#rt::XmlName::new(attribute.namespace.as_deref(), &attribute.local), &attribute.value)?;
            }
        }
    });
    let children = encode_fields(s, cx);
    quote! {
        impl #rt::XmlEncode for #name {
            fn encode_xml(&self, writer: &mut #rt::XmlWriter, name: #rt::XmlName<'_>) -> Result<(), #rt::EncodeError> {
                writer.start_element(name);
                #(#attrs)*
                #any_attrs
                #(#children)*
                writer.end_element();
                Ok(())
            }
        }
    }
}

/// `rt::Wildcard::...` for an `xs:any`.
fn wildcard_tokens(cx: &Cx, wildcard: &WildcardPlan) -> TokenStream {
    let rt = &cx.rt;
    let ns = |n: &Option<String>| match n {
        Some(n) => quote! { Some(#n) },
        None => quote! { None },
    };
    match wildcard {
        WildcardPlan::Any => quote! { #rt::Wildcard::Any },
        WildcardPlan::Other(tns) => {
            let tns = ns(tns);
            quote! { #rt::Wildcard::Other(#tns) }
        }
        WildcardPlan::List(list) => {
            let items = list.iter().map(ns);
            quote! { #rt::Wildcard::List(&[#(#items),*]) }
        }
    }
}

/// A test on `start` (a `&Start`): can this field or variant begin there?
fn starts_test(cx: &Cx, kind: &FieldKind, element: &QName, ty: &TypeUse) -> TokenStream {
    let rt = &cx.rt;
    match (kind, &ty.rust) {
        (FieldKind::Group, RustType::Group(group)) => {
            let group = ident(group);
            quote! { <#group as #rt::XmlGroup>::starts(start) }
        }
        (FieldKind::Any(wildcard), _) => {
            let wildcard = wildcard_tokens(cx, wildcard);
            quote! { #wildcard.accepts(start) }
        }
        _ => {
            let wire = xml_name(cx, element);
            quote! { start.is(#wire) }
        }
    }
}

/// Reads one value of a group field or variant (the reader is positioned
/// before its first element).
fn decode_group_value(cx: &Cx, ty: &TypeUse) -> TokenStream {
    let rt = &cx.rt;
    if ty.boxed {
        quote! { Box::new(#rt::XmlGroup::decode_group(reader)?) }
    } else {
        quote! { #rt::XmlGroup::decode_group(reader)? }
    }
}

fn emit_decode(s: &StructPlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    // Locals carry a prefix so no field name can shadow `reader`, `child`...
    let slot = |name: &str| format_ident!("slot_{}", name);
    let name = ident(&s.name);
    let label = &s.name;
    let attribute = ident("attribute");
    let child = ident("child");

    let attr_slots = s.attributes.iter().map(|a| {
        let fid = slot(&a.name);
        let ty = base_type(&a.ty);
        quote! { let mut #fid: Option<#ty> = None; }
    });
    // Dispatch on the local name, then check the namespace.
    let attr_arms = s.attributes.iter().map(|a| {
        let fid = slot(&a.name);
        let local = &a.attribute.local;
        let guard = namespace_guard(cx, &attribute, &a.attribute);
        quote! {
            #local if #guard => #fid = Some(#rt::xml::decode_attribute(reader, attribute)?),
        }
    });
    let any_attr_slot = s.any_attribute.as_ref().map(|n| {
        let fid = slot(n);
        quote! { let mut #fid = Vec::new(); }
    });
    let attr_fallback = match &s.any_attribute {
        Some(n) => {
            let fid = slot(n);
            quote! { #fid.push(attribute.to_xml_attribute()) }
        }
        None => quote! { #rt::xml::undeclared_attribute(reader, start, attribute)? },
    };
    let attr_loop = quote! {
        for attribute in &start.attributes {
            match attribute.local {
                #(#attr_arms)*
                _ => #attr_fallback,
            }
        }
    };
    let attr_finish = s.attributes.iter().map(|a| {
        let fid = slot(&a.name);
        let wire = xml_name(cx, &a.attribute);
        if a.required {
            quote! { let #fid = #rt::xml::require_attribute(reader, start, #fid, #wire)?; }
        } else {
            quote! {}
        }
    });

    let slots = s.fields.iter().map(|f| {
        let fid = slot(&f.name);
        let ty = base_type(&f.ty);
        match (f.occurs, &f.kind) {
            (_, FieldKind::Text) => quote! { let #fid: #ty = reader.read_value()?; },
            (_, FieldKind::Mixed) => quote! { let #fid = #rt::xml::read_nodes(reader)?; },
            (Occurs::Many, _) => quote! { let mut #fid: Vec<#ty> = Vec::new(); },
            _ => quote! { let mut #fid: Option<#ty> = None; },
        }
    });
    // One match arm per element field, in field order (a guard that fails
    // falls through to the next arm, as the schema's order requires).
    let arms = s
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.kind, FieldKind::Element | FieldKind::Group))
        .map(|(index, f)| {
            let fid = slot(&f.name);
            // A sequence may hold the same element at two places (a derived
            // type repeating one of its base's): once this field is set, the
            // next occurrence belongs to the later field.
            let shared_later = f.occurs != Occurs::Many
                && f.kind == FieldKind::Element
                && s.fields[index + 1..]
                    .iter()
                    .any(|later| later.kind == FieldKind::Element && later.element == f.element);
            match (&f.kind, &f.ty.rust) {
                (FieldKind::Group, RustType::Group(group)) => {
                    let group = ident(group);
                    let wire = xml_name(cx, &f.element);
                    quote! {
                        _ if <#group as #rt::XmlGroup>::starts(&child) => {
                            #rt::xml::read_group(reader, child, &mut #fid, #wire)?
                        }
                    }
                }
                _ => {
                    let local = &f.element.local;
                    let guard = namespace_guard(cx, &child, &f.element);
                    let guard = if shared_later {
                        quote! { #guard && #fid.is_none() }
                    } else {
                        guard
                    };
                    let read = child_decoder(cx, &f.ty);
                    quote! {
                        #local if #guard => #rt::xml::read_child(reader, &child, &mut #fid, #read)?,
                    }
                }
            }
        });
    // Elements no other field takes go to an `xs:any` field whose namespace
    // constraint accepts them; anything else is an error, never swallowed.
    let wildcards = s.fields.iter().filter_map(|f| {
        let FieldKind::Any(wildcard) = &f.kind else {
            return None;
        };
        let fid = slot(&f.name);
        let wildcard = wildcard_tokens(cx, wildcard);
        Some(quote! {
            _ if #wildcard.accepts(&child) => {
                #rt::xml::read_child(reader, &child, &mut #fid, #rt::RawElement::read)?
            }
        })
    });
    let fallback = quote! {
        #(#wildcards)*
        _ => return Err(#rt::xml::unexpected(reader, &child)),
    };
    let finish = s.fields.iter().map(|f| {
        let fid = slot(&f.name);
        let field = ident(&f.name);
        let wire = xml_name(cx, &f.element);
        match (f.occurs, &f.kind) {
            (_, FieldKind::Text | FieldKind::Mixed) => quote! { #field: #fid, },
            (Occurs::Required, _) => {
                quote! { #field: #rt::xml::require(reader, #label, #fid, #wire)?, }
            }
            _ => quote! { #field: #fid, },
        }
    });
    let attr_inits = s.attributes.iter().map(|a| {
        let fid = slot(&a.name);
        let field = ident(&a.name);
        quote! { #field: #fid, }
    });
    let any_init = s.any_attribute.as_ref().map(|n| {
        let fid = slot(n);
        let field = ident(n);
        quote! { #field: #fid, }
    });
    let reads_own_content = s
        .fields
        .iter()
        .any(|f| matches!(f.kind, FieldKind::Text | FieldKind::Mixed));
    let child_loop = if reads_own_content {
        quote! {}
    } else if s.fields.is_empty() {
        quote! {
            if let Some(child) = reader.next_child()? {
                return Err(#rt::xml::unexpected(reader, &child));
            }
        }
    } else {
        quote! {
            while let Some(child) = reader.next_child()? {
                match child.local {
                    #(#arms)*
                    #fallback
                }
            }
        }
    };
    let attr_loop = if s.attributes.is_empty() && s.any_attribute.is_none() {
        // Only `xsi:*` attributes are allowed, and nothing is kept.
        quote! {
            for attribute in &start.attributes {
                #rt::xml::undeclared_attribute(reader, start, attribute)?;
            }
        }
    } else {
        attr_loop
    };
    quote! {
        impl #rt::XmlDecode for #name {
            fn decode_xml(reader: &mut #rt::XmlReader<'_>, start: &#rt::Start<'_>) -> Result<Self, #rt::DecodeError> {
                #(#attr_slots)*
                #any_attr_slot
                #attr_loop
                #(#attr_finish)*
                #(#slots)*
                #child_loop
                Ok(Self { #(#attr_inits)* #(#finish)* #any_init })
            }
        }
    }
}

/// `XmlGroup` for a nested sequence: its fields are read in order.
fn emit_group_struct(s: &StructPlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&s.name);
    let label = &s.name;
    let slot = |name: &str| format_ident!("slot_{}", name);
    // It can begin with any field up to the first one that must be there.
    let mut starts = Vec::new();
    for f in &s.fields {
        starts.push(starts_test(cx, &f.kind, &f.element, &f.ty));
        if f.occurs == Occurs::Required {
            break;
        }
    }
    let reads = s.fields.iter().map(|f| {
        let fid = slot(&f.name);
        let ty = base_type(&f.ty);
        let test = starts_test(cx, &f.kind, &f.element, &f.ty);
        let (declare, store, repeat) = match f.occurs {
            Occurs::Many => (
                quote! { let mut #fid: Vec<#ty> = Vec::new(); },
                quote! { #fid.push(value); },
                true,
            ),
            _ => (
                quote! { let mut #fid: Option<#ty> = None; },
                quote! { #fid = Some(value); },
                false,
            ),
        };
        let read = match &f.kind {
            FieldKind::Group => {
                let value = decode_group_value(cx, &f.ty);
                if repeat {
                    quote! { while reader.peek_is(|start| #test)? { let value = #value; #store } }
                } else {
                    quote! { if reader.peek_is(|start| #test)? { let value = #value; #store } }
                }
            }
            _ => {
                let value = decode_child(cx, &f.ty);
                if repeat {
                    quote! { while let Some(child) = reader.next_child_if(|start| #test)? { let value = #value; #store } }
                } else {
                    quote! { if let Some(child) = reader.next_child_if(|start| #test)? { let value = #value; #store } }
                }
            }
        };
        quote! { #declare #read }
    });
    let finish = s.fields.iter().map(|f| {
        let fid = slot(&f.name);
        let field = ident(&f.name);
        let wire = xml_name(cx, &f.element);
        match f.occurs {
            Occurs::Required => quote! { #field: #rt::xml::require(reader, #label, #fid, #wire)?, },
            _ => quote! { #field: #fid, },
        }
    });
    let children = encode_fields(s, cx);
    quote! {
        impl #rt::XmlGroup for #name {
            fn starts(start: &#rt::Start<'_>) -> bool {
                #(#starts)||*
            }
            fn decode_group(reader: &mut #rt::XmlReader<'_>) -> Result<Self, #rt::DecodeError> {
                #(#reads)*
                Ok(Self { #(#finish)* })
            }
            fn encode_group(&self, writer: &mut #rt::XmlWriter) -> Result<(), #rt::EncodeError> {
                #(#children)*
                Ok(())
            }
        }
    }
}

fn emit_choice(c: &ChoicePlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&c.name);
    let label = &c.name;
    let doc = doc_attrs(c.doc.as_deref());
    let origin = doc_line(&format!(
        "Generated from {}: one variant per alternative.",
        c.origin
    ));
    let serde_keys = emit_serde::variant_attrs(cx, c);
    let variants = c.variants.iter().zip(&serde_keys).map(|(v, serde)| {
        let vid = ident(&v.name);
        let ty = base_type(&v.ty);
        let wire = match &v.kind {
            FieldKind::Element => doc_line(&format!("Element `{}`.", v.element)),
            FieldKind::Any(_) => doc_line("Any element the schema leaves open, kept as received."),
            _ => TokenStream::new(),
        };
        if v.many {
            quote! { #wire #serde #vid(Vec<#ty>), }
        } else {
            quote! { #wire #serde #vid(#ty), }
        }
    });
    let first = ident(&c.variants[0].name);
    let starts = c
        .variants
        .iter()
        .map(|v| starts_test(cx, &v.kind, &v.element, &v.ty));
    let decodes = c.variants.iter().map(|v| {
        let vid = ident(&v.name);
        let test = starts_test(cx, &v.kind, &v.element, &v.ty);
        let read = match (&v.kind, v.many) {
            (FieldKind::Group, false) => {
                let value = decode_group_value(cx, &v.ty);
                quote! { return Ok(Self::#vid(#value)); }
            }
            (FieldKind::Group, true) => {
                let value = decode_group_value(cx, &v.ty);
                quote! {
                    let mut items = Vec::new();
                    while reader.peek_is(|start| #test)? { items.push(#value); }
                    return Ok(Self::#vid(items));
                }
            }
            (_, false) => {
                let value = decode_child(cx, &v.ty);
                quote! {
                    let child = reader.expect_child()?;
                    return Ok(Self::#vid(#value));
                }
            }
            (_, true) => {
                let value = decode_child(cx, &v.ty);
                quote! {
                    let mut items = Vec::new();
                    while let Some(child) = reader.next_child_if(|start| #test)? { items.push(#value); }
                    return Ok(Self::#vid(items));
                }
            }
        };
        quote! {
            if { let start = &first; #test } { #read }
        }
    });
    let encodes = c.variants.iter().map(|v| {
        let vid = ident(&v.name);
        let wire = xml_name(cx, &v.element);
        if v.many {
            let write = child_encoder(cx, &v.ty);
            quote! { Self::#vid(items) => #rt::xml::encode_each(writer, #wire, items, #write)?, }
        } else {
            let write = encode_child(cx, &v.ty, &wire, quote! { value });
            quote! { Self::#vid(value) => { #write } }
        }
    });
    let serde = emit_serde::derive(cx);
    quote! {
        #doc
        #origin
        #[derive(Debug, Clone, PartialEq)]
        #serde
        pub enum #name {
            #(#variants)*
        }
        impl Default for #name {
            fn default() -> Self {
                Self::#first(Default::default())
            }
        }
        impl #rt::XmlGroup for #name {
            fn starts(start: &#rt::Start<'_>) -> bool {
                #(#starts)||*
            }
            fn decode_group(reader: &mut #rt::XmlReader<'_>) -> Result<Self, #rt::DecodeError> {
                let Some(first) = reader.peek_child()?.cloned() else {
                    return Err(#rt::xml::no_alternative(reader, #label));
                };
                #(#decodes)*
                Err(#rt::xml::no_alternative(reader, #label))
            }
            fn encode_group(&self, writer: &mut #rt::XmlWriter) -> Result<(), #rt::EncodeError> {
                match self {
                    #(#encodes)*
                }
                Ok(())
            }
        }
    }
}

/// The enum of a type and its derived types: each variant boxed (so the
/// enum stays small and never makes a type infinitely large), encoded with
/// `xsi:type` for a derived type, decoded by the `xsi:type` received.
fn emit_polymorphic(p: &PolymorphicPlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&p.name);
    let base_name = xml_name(cx, &p.base);
    let origin = doc_line(&if p.abstract_ {
        format!(
            "An element declared with abstract complex type `{}` holds this: one of the types \
             derived from it, named on the wire by `xsi:type`.",
            p.base
        )
    } else {
        format!(
            "An element declared with complex type `{}` holds this: the type itself, or one \
             derived from it, named on the wire by `xsi:type`.",
            p.base
        )
    });
    let serde_keys = emit_serde::polymorphic_variant_attrs(cx, p);
    let variants = p.variants.iter().zip(&serde_keys).map(|(v, serde)| {
        let vid = ident(&v.name);
        let ty = ident(&v.rust);
        let doc = if v.is_base {
            doc_line(&format!("`{}` itself (no `xsi:type`).", v.xsd_type))
        } else {
            doc_line(&format!("`xsi:type` `{}`.", v.xsd_type))
        };
        quote! { #doc #serde #vid(Box<#ty>), }
    });
    let serde_derive = emit_serde::derive(cx);
    let first = ident(&p.variants[0].name);
    let froms = p.variants.iter().map(|v| {
        let vid = ident(&v.name);
        let ty = ident(&v.rust);
        quote! {
            impl From<#ty> for #name {
                fn from(value: #ty) -> Self { Self::#vid(Box::new(value)) }
            }
        }
    });
    let encodes = p.variants.iter().map(|v| {
        let vid = ident(&v.name);
        if v.is_base {
            quote! { Self::#vid(value) => #rt::XmlEncode::encode_xml(&**value, writer, name), }
        } else {
            let type_name = xml_name(cx, &v.xsd_type);
            quote! {
                Self::#vid(value) => {
                    writer.set_next_type(name, #type_name)?;
                    #rt::XmlEncode::encode_xml(&**value, writer, name)
                }
            }
        }
    });
    let decodes = p.variants.iter().map(|v| {
        let vid = ident(&v.name);
        let type_name = xml_name(cx, &v.xsd_type);
        quote! {
            if found.is(#type_name) {
                return Ok(Self::#vid(Box::new(#rt::XmlDecode::decode_xml(reader, start)?)));
            }
        }
    });
    let untyped = match p.variants.iter().find(|v| v.is_base) {
        Some(base) => {
            let vid = ident(&base.name);
            quote! { Ok(Self::#vid(Box::new(#rt::XmlDecode::decode_xml(reader, start)?))) }
        }
        None => quote! { Err(#rt::xml::missing_type(reader, #base_name)) },
    };
    quote! {
        #origin
        #[derive(Debug, Clone, PartialEq)]
        #serde_derive
        pub enum #name {
            #(#variants)*
        }
        impl Default for #name {
            fn default() -> Self {
                Self::#first(Default::default())
            }
        }
        #(#froms)*
        impl #rt::XmlEncode for #name {
            fn encode_xml(&self, writer: &mut #rt::XmlWriter, name: #rt::XmlName<'_>) -> Result<(), #rt::EncodeError> {
                match self {
                    #(#encodes)*
                }
            }
        }
        impl #rt::XmlDecode for #name {
            fn decode_xml(reader: &mut #rt::XmlReader<'_>, start: &#rt::Start<'_>) -> Result<Self, #rt::DecodeError> {
                let Some(found) = &start.xsi_type else {
                    return #untyped;
                };
                #(#decodes)*
                Err(#rt::xml::unknown_type(reader, found, #base_name))
            }
        }
    }
}

fn emit_enum(e: &EnumPlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&e.name);
    let doc = doc_attrs(e.doc.as_deref());
    let origin = doc_line(&format!("Generated from {}.", e.origin));
    let variants = e.variants.iter().enumerate().map(|(i, (v, wire))| {
        let v = ident(v);
        let doc = doc_line(&format!("`{wire}`"));
        let default = (i == 0).then(|| quote! { #[default] });
        quote! { #doc #default #v, }
    });
    let to_text = e.variants.iter().map(|(v, wire)| {
        let v = ident(v);
        quote! { Self::#v => #wire, }
    });
    let from_text = e.variants.iter().map(|(v, wire)| {
        let v = ident(v);
        quote! { #wire => Self::#v, }
    });
    let serde = emit_serde::enum_impls(cx, e);
    quote! {
        #doc
        #origin
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        pub enum #name {
            #(#variants)*
            /// A value this schema version does not list, kept as received.
            Other(String),
        }
        #serde
        impl #rt::XmlValue for #name {
            fn to_xml_text(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed(match self {
                    #(#to_text)*
                    Self::Other(value) => value,
                })
            }
            fn from_xml_text(text: &str) -> Result<Self, String> {
                Ok(match text {
                    #(#from_text)*
                    other => Self::Other(other.to_owned()),
                })
            }
        }
    }
}

fn emit_alias(a: &AliasPlan) -> TokenStream {
    let name = ident(&a.name);
    let doc = doc_attrs(a.doc.as_deref());
    let origin = doc_line(&format!(
        "Generated from {} (facets are not checked).",
        a.origin
    ));
    let target: syn::Path = syn::parse_str(&a.target).unwrap_or_else(|_| syn::parse_quote!(String));
    quote! { #doc #origin pub type #name = #target; }
}

fn emit_array(a: &ArrayPlan) -> TokenStream {
    let name = ident(&a.name);
    let doc = doc_attrs(a.doc.as_deref());
    let origin = doc_line(&format!(
        "Generated from {}: on the wire a wrapper element holding one `{}` element per entry.",
        a.origin, a.item_element.local
    ));
    let item = base_type(&a.item);
    quote! { #doc #origin pub type #name = Vec<#item>; }
}

fn emit_faults(plan: &Plan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&plan.fault_enum);
    let error = ident(&plan.error_alias);
    let serde_derive = emit_serde::derive(cx);
    let serde_keys = emit_serde::fault_variant_attrs(cx, plan);
    let variants = plan.faults.iter().zip(&serde_keys).map(|(f, serde)| {
        let v = ident(&f.name);
        let ty = base_type(&f.ty);
        let doc = doc_attrs(f.doc.as_deref());
        let wire = doc_line(&format!("Detail element `{}`.", f.element));
        quote! { #doc #wire #serde #v(#ty), }
    });
    let accepts = plan.faults.iter().map(|f| {
        let wire = xml_name(cx, &f.element);
        quote! { start.is(#wire) }
    });
    let decodes = plan.faults.iter().map(|f| {
        let v = ident(&f.name);
        let wire = xml_name(cx, &f.element);
        let value = if f.ty.rust.is_simple() {
            quote! { reader.read_value()? }
        } else {
            quote! { #rt::XmlDecode::decode_xml(reader, start)? }
        };
        quote! { if start.is(#wire) { return Ok(Self::#v(#value)); } }
    });
    let encodes = plan.faults.iter().map(|f| {
        let v = ident(&f.name);
        let wire = xml_name(cx, &f.element);
        quote! { Self::#v(value) => (#wire, value as &dyn #rt::XmlEncode), }
    });
    let encodable = plan.faults.iter().all(|f| !f.ty.rust.is_simple());
    let encode_impl = encodable.then(|| {
        let body = if plan.faults.is_empty() {
            quote! { match *self {} }
        } else {
            quote! { match self { #(#encodes)* } }
        };
        quote! {
            impl #name {
                /// The detail element's name and value, for writing a fault (servers, tests).
                pub fn detail(&self) -> (#rt::XmlName<'static>, &dyn #rt::XmlEncode) {
                    #body
                }
            }
        }
    });
    let accepts_body = if plan.faults.is_empty() {
        quote! { let _ = start; false }
    } else {
        quote! { #(#accepts)||* }
    };
    quote! {
        /// The faults this service declares, decoded from a SOAP fault's detail.
        #[derive(Debug, Clone, PartialEq)]
        #serde_derive
        pub enum #name {
            #(#variants)*
        }
        impl #rt::FaultDetail for #name {
            fn accepts(start: &#rt::Start<'_>) -> bool {
                #accepts_body
            }
            fn decode_detail(reader: &mut #rt::XmlReader<'_>, start: &#rt::Start<'_>) -> Result<Self, #rt::DecodeError> {
                #(#decodes)*
                Err(#rt::xml::unexpected(reader, start))
            }
        }
        #encode_impl
        /// What a call returns when it fails: a declared fault, another SOAP
        /// fault, or an HTTP, timeout, transport or decoding error.
        pub type #error = #rt::Error<#name>;
    }
}

fn emit_headers(plan: &Plan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&plan.headers_struct);
    let fields = plan.headers.iter().map(|h| {
        let fid = ident(&h.name);
        let ty = base_type(&h.ty);
        let doc = doc_attrs(h.doc.as_deref());
        let wire = doc_line(&format!(
            "Header block `{}`, sent with the operations whose binding declares it.",
            h.element
        ));
        quote! { #doc #wire pub #fid: Option<#ty>, }
    });
    let consts = plan.headers.iter().map(|h| {
        let konst = ident(&h.name.trim_end_matches('_').to_uppercase());
        let wire = xml_name(cx, &h.element);
        let doc = doc_line(&format!(
            "Wire name of the `{}` header block.",
            h.element.local
        ));
        quote! { #doc pub const #konst: #rt::XmlName<'static> = #wire; }
    });
    quote! {
        /// SOAP header blocks the client adds to the operations that declare them.
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name {
            #(#fields)*
        }
        impl #name {
            #(#consts)*
        }
    }
}

fn version_tokens(cx: &Cx, version: SoapVersion) -> TokenStream {
    let rt = &cx.rt;
    match version {
        SoapVersion::Soap11 => quote! { #rt::SoapVersion::Soap11 },
        SoapVersion::Soap12 => quote! { #rt::SoapVersion::Soap12 },
    }
}

fn emit_endpoints(plan: &Plan) -> TokenStream {
    let entries = plan.endpoints.iter().map(|e| {
        let (service, port, address) = (&e.service, &e.port, &e.address);
        let version = match e.version {
            SoapVersion::Soap11 => "1.1",
            SoapVersion::Soap12 => "1.2",
        };
        quote! { (#service, #port, #version, #address), }
    });
    quote! {
        /// The addresses the WSDL's services declare: (service, port, SOAP version, address).
        pub const ENDPOINTS: &[(&str, &str, &str, &str)] = &[#(#entries)*];
    }
}

fn emit_client(plan: &Plan, client: &ClientPlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&client.name);
    let headers_struct = ident(&plan.headers_struct);
    let doc = doc_attrs(client.doc.as_deref());
    let origin = doc_line(&format!("Client for port type `{}`.", client.port_type));
    let methods = client.operations.iter().map(|op| emit_method(plan, op, cx));
    let (version, version_doc) = match client.soap_version {
        SoapVersion::Soap11 => (quote! { #rt::SoapVersion::Soap11 }, "SOAP 1.1"),
        SoapVersion::Soap12 => (quote! { #rt::SoapVersion::Soap12 }, "SOAP 1.2"),
    };
    let version_doc = doc_line(&format!(
        "The SOAP version this client connects with by default: {version_doc}."
    ));
    quote! {
        #doc
        #origin
        #[derive(Debug, Clone)]
        pub struct #name {
            transport: #rt::SoapClient,
            headers: #headers_struct,
        }
        impl #name {
            #version_doc
            pub const SOAP_VERSION: #rt::SoapVersion = #version;
            /// A client that sends every call through `transport` (whose
            /// SOAP version decides which binding is used).
            pub fn new(transport: #rt::SoapClient) -> Self {
                Self { transport, headers: Default::default() }
            }
            /// A client for `endpoint` with default settings and
            /// [`SOAP_VERSION`](Self::SOAP_VERSION).
            pub fn connect(endpoint: &str) -> Result<Self, #rt::ConfigError> {
                let transport = #rt::SoapClient::builder(endpoint)
                    .version(Self::SOAP_VERSION)
                    .build()?;
                Ok(Self::new(transport))
            }
            /// Replaces the header blocks sent with each call.
            pub fn with_headers(mut self, headers: #headers_struct) -> Self {
                self.headers = headers;
                self
            }
            /// The header blocks sent with each call.
            pub fn headers(&self) -> &#headers_struct {
                &self.headers
            }
            /// Mutable access to the header blocks sent with each call.
            pub fn headers_mut(&mut self) -> &mut #headers_struct {
                &mut self.headers
            }
            /// The SOAP transport (endpoint, version, limits).
            pub fn transport(&self) -> &#rt::SoapClient {
                &self.transport
            }
            #(#methods)*
        }
    }
}

fn emit_descriptor(op: &OperationPlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let descriptor = ident(&op.descriptor);
    let xml = &op.xml_name;
    let bindings = op.bindings.iter().map(|(version, action)| {
        let version = version_tokens(cx, *version);
        let action = match action {
            Some(a) => quote! { Some(#a) },
            None => quote! { None },
        };
        quote! { #rt::OperationBinding { version: #version, soap_action: #action }, }
    });
    let response = match &op.output {
        Some(part) => {
            let wire = xml_name(cx, &part.element);
            quote! { Some(#wire) }
        }
        None => quote! { None },
    };
    let requests = op.input.iter().map(|p| xml_name(cx, &p.element));
    let doc = doc_line(&format!("`{xml}`"));
    quote! {
        #doc
        pub static #descriptor: #rt::Operation = #rt::Operation {
            name: #xml,
            bindings: &[#(#bindings)*],
            request: &[#(#requests),*],
            response: #response,
        };
    }
}

fn emit_method(plan: &Plan, op: &OperationPlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let method = format_ident!("{}", op.method);
    let descriptor = ident(&op.descriptor);
    let error = ident(&plan.error_alias);
    let doc = doc_attrs(op.doc.as_deref());
    let wire = doc_line(&format!("Operation `{}`.", op.xml_name));
    let fault_doc = if op.faults.is_empty() {
        TokenStream::new()
    } else {
        let names: Vec<String> = op
            .faults
            .iter()
            .map(|&i| format!("[`{}::{}`]", plan.fault_enum, plan.faults[i].name))
            .collect();
        let line = doc_line(&format!("Declared faults: {}.", names.join(", ")));
        let blank = doc_line("");
        let heading = doc_line("# Errors");
        quote! { #blank #heading #blank #line }
    };
    let params = op.input.iter().filter(|p| !p.empty).map(|p| {
        let pid = ident(&p.param);
        let ty = base_type(&p.ty);
        quote! { #pid: &#ty }
    });
    // An input element with no content needs no argument: build it here.
    let empty_inputs = op.input.iter().filter(|p| p.empty).map(|p| {
        let pid = ident(&p.param);
        let ty = base_type(&p.ty);
        quote! { let #pid = &#ty::default(); }
    });
    let body_parts = op.input.iter().map(|p| {
        let pid = ident(&p.param);
        let wire = xml_name(cx, &p.element);
        quote! { #rt::Part { name: #wire, value: #pid as &dyn #rt::XmlEncode }, }
    });
    let header_parts = op.headers.iter().map(|&i| {
        let h = &plan.headers[i];
        let fid = ident(&h.name);
        let wire = xml_name(cx, &h.element);
        quote! {
            if let Some(value) = &self.headers.#fid {
                headers.push(#rt::Part { name: #wire, value });
            }
        }
    });
    let call = quote! {
        #rt::Call { operation: &operations::#descriptor, headers, body: Vec::from([#(#body_parts)*]) }
    };
    let (ret, send, finish) = match &op.output {
        // An output element with no content is acknowledged with `()`.
        Some(part) if part.empty => {
            let ty = base_type(&part.ty);
            (
                quote! { () },
                quote! { self.transport.call::<#ty, _>(#call) },
                quote! { .map(|_| ()) },
            )
        }
        Some(part) => {
            let ty = base_type(&part.ty);
            (
                quote! { #ty },
                quote! { self.transport.call(#call) },
                quote! {},
            )
        }
        None => (
            quote! { () },
            quote! { self.transport.send(#call) },
            quote! {},
        ),
    };
    let headers_decl = if op.headers.is_empty() {
        quote! { let headers = Vec::new(); }
    } else {
        quote! { let mut headers = Vec::new(); }
    };
    // The parts (`&dyn XmlEncode`, not `Sync`) live in a block that ends
    // before the await, so the method's future is `Send` and can be spawned.
    quote! {
        #doc
        #wire
        #fault_doc
        pub async fn #method(&self, #(#params),*) -> Result<#ret, #error> {
            let response = {
                #(#empty_inputs)*
                #headers_decl
                #(#header_parts)*
                #send
            };
            response.await #finish
        }
    }
}
