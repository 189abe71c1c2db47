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

/// Writes one value as a child element. `value` is an expression of type
/// `&T`, where `T` is the stored type (with its `Nillable` and `Box`).
fn encode_child(cx: &Cx, ty: &TypeUse, name: &TokenStream, value: TokenStream) -> TokenStream {
    let rt = &cx.rt;
    if ty.nillable {
        let inner = TypeUse {
            nillable: false,
            ..ty.clone()
        };
        let write = encode_child(cx, &inner, name, quote! { inner_value });
        return quote! {
            match #value {
                #rt::Nillable::Nil => #rt::xml::encode_nil(writer, #name)?,
                #rt::Nillable::Value(inner_value) => { #write }
            }
        };
    }
    if ty.boxed {
        let inner = TypeUse {
            boxed: false,
            ..ty.clone()
        };
        return encode_child(cx, &inner, name, quote! { &**#value });
    }
    match &ty.rust {
        RustType::Array {
            item, item_element, ..
        } => {
            let item_name = xml_name(cx, item_element);
            let write_item = encode_child(cx, item, &item_name, quote! { item });
            quote! {
                writer.start_element(#name);
                for item in #value { #write_item }
                writer.end_element();
            }
        }
        rust if rust.is_simple() => quote! { rt::xml::encode_value(writer, #name, #value)?; },
        RustType::Group(_) => quote! { #rt::XmlGroup::encode_group(#value, writer)?; },
        RustType::Raw => quote! { #value.write(writer); },
        _ => quote! { #rt::XmlEncode::encode_xml(#value, writer, #name)?; },
    }
}

/// Decodes the child element just opened (`child`) into a value of `ty`
/// (of the stored type, with its `Nillable` and `Box`).
fn decode_child(cx: &Cx, ty: &TypeUse) -> TokenStream {
    let rt = &cx.rt;
    if ty.nillable {
        let inner = decode_child(
            cx,
            &TypeUse {
                nillable: false,
                ..ty.clone()
            },
        );
        return quote! {
            if #rt::xml::is_nil(&child) {
                #rt::xml::decode_nil(reader)?;
                #rt::Nillable::Nil
            } else {
                #rt::Nillable::Value(#inner)
            }
        };
    }
    let value = match &ty.rust {
        RustType::Array {
            item, item_element, ..
        } => {
            let item_name = xml_name(cx, item_element);
            let read_item = decode_child(cx, item);
            quote! {
                {
                    let mut items = Vec::new();
                    while let Some(child) = reader.next_child()? {
                        if child.is(#item_name) {
                            items.push(#read_item);
                            continue;
                        }
                        return Err(#rt::xml::unexpected(reader, &child));
                    }
                    items
                }
            }
        }
        rust if rust.is_simple() => quote! { reader.read_value()? },
        RustType::Raw => quote! { #rt::RawElement::read(reader, &child)? },
        RustType::Group(_) => quote! {
            {
                reader.push_back(child);
                #rt::XmlGroup::decode_group(reader)?
            }
        },
        _ => quote! { #rt::XmlDecode::decode_xml(reader, &child)? },
    };
    if ty.boxed {
        quote! { Box::new(#value) }
    } else {
        value
    }
}

/// The generated module's items, in parts, so they can be written to one
/// file or spread over a module tree.
pub struct Emitted {
    /// Namespace constants.
    pub head: TokenStream,
    /// One entry per generated type: its Rust name and its items.
    pub types: Vec<(String, TokenStream)>,
    /// Faults, headers, endpoints, clients and services.
    pub rest: TokenStream,
    /// The items of the `samples` module, when asked for.
    pub samples: Option<TokenStream>,
    /// The `operations` module.
    pub operations: TokenStream,
}

pub fn emit(plan: &Plan, cx: &Cx, server: bool, samples: bool) -> Emitted {
    let types = plan
        .types
        .iter()
        .map(|item| {
            let tokens = match item {
                TypeItem::Struct(s) => emit_struct(s, cx),
                TypeItem::Enum(e) => emit_enum(e, cx),
                TypeItem::Alias(a) => emit_alias(a),
                TypeItem::Array(a) => emit_array(a),
                TypeItem::Choice(c) => emit_choice(c, cx),
                TypeItem::Polymorphic(p) => emit_polymorphic(p, cx),
            };
            (item.name().to_owned(), tokens)
        })
        .collect();
    let faults = emit_faults(plan, cx);
    let headers = emit_headers(plan, cx);
    let clients = plan.clients.iter().map(|c| emit_client(plan, c, cx));
    let services = plan
        .clients
        .iter()
        .filter(|_| server)
        .map(|c| crate::emit_server::emit_service(plan, c, cx));
    let samples = samples.then(|| crate::emit_samples::emit_samples(plan, cx));
    let endpoints = emit_endpoints(plan);
    let descriptors = plan
        .clients
        .iter()
        .flat_map(|c| &c.operations)
        .map(|op| emit_descriptor(op, cx));
    let namespace_consts = plan.namespaces.iter().map(|(uri, name)| {
        let name = ident(name);
        let doc = doc_line(&format!("`{uri}`"));
        quote! { #doc pub const #name: &str = #uri; }
    });
    Emitted {
        head: quote! { #(#namespace_consts)* },
        types,
        rest: quote! {
            #faults
            #headers
            #endpoints
            #(#clients)*
            #(#services)*
        },
        samples,
        operations: quote! {
            /// Static descriptions of each operation as bound in the WSDL.
            pub mod operations {
                use super::*;
                #(#descriptors)*
            }
        },
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
                Occurs::Optional => {
                    let write = encode_child(cx, &f.ty, &wire, quote! { value });
                    quote! { if let Some(value) = &self.#fid { #write } }
                }
                Occurs::Many => {
                    let write = encode_child(cx, &f.ty, &wire, quote! { value });
                    quote! { for value in &self.#fid { #write } }
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
            quote! { writer.attribute(#wire, &#rt::XmlValue::to_xml_text(&self.#fid))?; }
        } else {
            quote! {
                if let Some(value) = &self.#fid {
                    writer.attribute(#wire, &#rt::XmlValue::to_xml_text(value))?;
                }
            }
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

    let attr_slots = s.attributes.iter().map(|a| {
        let fid = slot(&a.name);
        let ty = base_type(&a.ty);
        quote! { let mut #fid: Option<#ty> = None; }
    });
    let attr_arms = s.attributes.iter().map(|a| {
        let fid = slot(&a.name);
        let wire = xml_name(cx, &a.attribute);
        quote! {
            if #wire == attribute_name {
                #fid = Some(#rt::xml::decode_attribute(reader, attribute_name, &attribute.value)?);
                continue;
            }
        }
    });
    let any_attr_slot = s.any_attribute.as_ref().map(|n| {
        let fid = slot(n);
        quote! { let mut #fid = Vec::new(); }
    });
    let attr_fallback = match &s.any_attribute {
        Some(n) => {
            let fid = slot(n);
            quote! { #fid.push(attribute.clone()); }
        }
        None => quote! { #rt::xml::undeclared_attribute(reader, start, attribute)?; },
    };
    let attr_loop = quote! {
        for attribute in &start.attributes {
            let attribute_name = #rt::XmlName::new(attribute.namespace.as_deref(), &attribute.local);
            #(#attr_arms)*
            #attr_fallback
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
    let store = |f: &FieldPlan| {
        let fid = slot(&f.name);
        let wire = xml_name(cx, &f.element);
        match f.occurs {
            Occurs::Many => quote! { #fid.push(value); },
            _ => quote! { #rt::xml::set_once(reader, &mut #fid, value, #wire)?; },
        }
    };
    let arms = s
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.kind, FieldKind::Element | FieldKind::Group))
        .map(|(index, f)| {
            let value = decode_child(cx, &f.ty);
            let store = store(f);
            // A sequence may hold the same element at two places (a derived
            // type repeating one of its base's): once this field is set, the
            // next occurrence belongs to the later field.
            let shared_later = f.occurs != Occurs::Many
                && f.kind == FieldKind::Element
                && s.fields[index + 1..]
                    .iter()
                    .any(|later| later.kind == FieldKind::Element && later.element == f.element);
            let test = match (&f.kind, &f.ty.rust) {
                (FieldKind::Group, RustType::Group(group)) => {
                    let group = ident(group);
                    quote! { <#group as #rt::XmlGroup>::starts(&child) }
                }
                _ if shared_later => {
                    let wire = xml_name(cx, &f.element);
                    let fid = slot(&f.name);
                    quote! { child.is(#wire) && #fid.is_none() }
                }
                _ => {
                    let wire = xml_name(cx, &f.element);
                    quote! { child.is(#wire) }
                }
            };
            quote! {
                if #test {
                    let value = #value;
                    #store
                    continue;
                }
            }
        });
    // Elements no other field takes go to an `xs:any` field whose namespace
    // constraint accepts them; anything else is an error, never swallowed.
    let wildcards = s.fields.iter().filter_map(|f| {
        let FieldKind::Any(wildcard) = &f.kind else {
            return None;
        };
        let wildcard = wildcard_tokens(cx, wildcard);
        let store = store(f);
        Some(quote! {
            if #wildcard.accepts(&child) {
                let value = #rt::RawElement::read(reader, &child)?;
                #store
                continue;
            }
        })
    });
    let fallback = quote! {
        #(#wildcards)*
        return Err(#rt::xml::unexpected(reader, &child));
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
                #(#arms)*
                #fallback
            }
        }
    };
    quote! {
        impl #rt::XmlDecode for #name {
            fn decode_xml(reader: &mut #rt::XmlReader<'_>, start: &#rt::Start) -> Result<Self, #rt::DecodeError> {
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
            fn starts(start: &#rt::Start) -> bool {
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
            let write = encode_child(cx, &v.ty, &wire, quote! { item });
            quote! { Self::#vid(items) => { for item in items { #write } } }
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
            fn starts(start: &#rt::Start) -> bool {
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
            fn decode_xml(reader: &mut #rt::XmlReader<'_>, start: &#rt::Start) -> Result<Self, #rt::DecodeError> {
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
            fn accepts(start: &#rt::Start) -> bool {
                #accepts_body
            }
            fn decode_detail(reader: &mut #rt::XmlReader<'_>, start: &#rt::Start) -> Result<Self, #rt::DecodeError> {
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
    quote! {
        #doc
        #origin
        #[derive(Debug, Clone)]
        pub struct #name {
            transport: #rt::SoapClient,
            headers: #headers_struct,
        }
        impl #name {
            /// A client that sends every call through `transport`.
            pub fn new(transport: #rt::SoapClient) -> Self {
                Self { transport, headers: Default::default() }
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
