//! Emit, serde side (`Options::serde`): `Serialize` and `Deserialize` for
//! the generated types, every attribute behind the including crate's
//! `serde` feature so a build without it compiles no serde code.
//!
//! JSON keys are the XML local names (`companyHandle`); enumerations and
//! other simple types are their wire text; absent optional members are left
//! out; unknown keys are refused (a misspelt key is an error, not dropped).

use std::collections::{BTreeMap, BTreeSet};

use heck::ToLowerCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::Cx;
use crate::plan::{
    ChoicePlan, EnumPlan, FieldKind, Occurs, Plan, PolymorphicPlan, RustType, StructPlan, TypeItem,
    TypeUse,
};

/// What serde emission needs to know about the plan.
#[derive(Debug, Clone, Default)]
pub struct SerdeCx {
    /// Simple-type aliases of `Vec<u8>` (`xs:base64Binary` restrictions),
    /// written as base64 text like the built-in.
    bytes_aliases: BTreeSet<String>,
}

impl SerdeCx {
    pub fn new(plan: &Plan) -> Self {
        let bytes_aliases = plan
            .types
            .iter()
            .filter_map(|item| match item {
                TypeItem::Alias(alias) if alias.target == "Vec<u8>" => Some(alias.name.clone()),
                _ => None,
            })
            .collect();
        SerdeCx { bytes_aliases }
    }

    /// `xs:base64Binary` held as `Vec<u8>`: serde's default would write an
    /// array of numbers, so these go through base64 text.
    fn is_bytes(&self, ty: &TypeUse) -> bool {
        !ty.boxed
            && match &ty.rust {
                RustType::Builtin(path) => *path == "Vec<u8>",
                RustType::Simple(name) => self.bytes_aliases.contains(name),
                _ => false,
            }
    }
}

/// `#[cfg_attr(feature = "serde", ...)]` around serde attribute arguments.
fn cfg_serde(args: &[TokenStream]) -> TokenStream {
    if args.is_empty() {
        return TokenStream::new();
    }
    quote! { #[cfg_attr(feature = "serde", serde(#(#args),*))] }
}

/// The derive, on a struct or choice enum.
pub fn derive(cx: &Cx) -> TokenStream {
    if cx.serde.is_none() {
        return TokenStream::new();
    }
    quote! { #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))] }
}

/// The derive and container attributes of a struct.
pub fn struct_attrs(cx: &Cx) -> TokenStream {
    if cx.serde.is_none() {
        return TokenStream::new();
    }
    quote! {
        #[cfg_attr(
            feature = "serde",
            derive(serde::Serialize, serde::Deserialize),
            serde(deny_unknown_fields)
        )]
    }
}

/// Hands out JSON keys unique within one type: the wire name when free,
/// else a variant of it (`@name` for an attribute named like an element).
#[derive(Default)]
struct Keys {
    taken: BTreeSet<String>,
}

impl Keys {
    fn claim(&mut self, wanted: &str, alternative: Option<String>) -> String {
        if self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        if let Some(alternative) = alternative {
            if self.taken.insert(alternative.clone()) {
                return alternative;
            }
        }
        (2..)
            .map(|n| format!("{wanted}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_else(|| wanted.to_owned())
    }
}

/// The JSON key (and command-line argument stem) of each member of a struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructKeys {
    pub attributes: Vec<String>,
    pub fields: Vec<String>,
    pub any_attribute: Option<String>,
}

/// Element fields take their local names first, attributes next, and
/// members with no wire name of their own (text, mixed content, `xs:any`,
/// nested groups, `xs:anyAttribute`) their Rust names in the same camel case
/// (`otherAttributes`).
pub fn struct_keys(s: &StructPlan) -> StructKeys {
    let mut keys = Keys::default();
    let mut fields: BTreeMap<usize, String> = BTreeMap::new();
    for (i, f) in s.fields.iter().enumerate() {
        if f.kind == FieldKind::Element {
            fields.insert(i, keys.claim(&f.element.local, None));
        }
    }
    let attributes = s
        .attributes
        .iter()
        .map(|a| keys.claim(&a.attribute.local, Some(format!("@{}", a.attribute.local))))
        .collect();
    for (i, f) in s.fields.iter().enumerate() {
        if f.kind != FieldKind::Element {
            fields.insert(i, keys.claim(&camel(&f.name), None));
        }
    }
    let any_attribute = s
        .any_attribute
        .as_ref()
        .map(|n| keys.claim(&camel(n), None));
    StructKeys {
        attributes,
        fields: fields.into_values().collect(),
        any_attribute,
    }
}

/// A Rust member name in the wire's usual style: `other_attributes` ->
/// `otherAttributes` (a keyword's trailing `_` dropped).
fn camel(rust_name: &str) -> String {
    rust_name.trim_end_matches('_').to_lower_camel_case()
}

/// The attributes of one struct member: its key, and how absent, nil and
/// binary values are read and written.
pub fn member_attrs(
    cx: &Cx,
    rust_name: &str,
    key: &str,
    ty: &TypeUse,
    occurs: Occurs,
) -> TokenStream {
    let Some(serde) = &cx.serde else {
        return TokenStream::new();
    };
    let mut args = Vec::new();
    if key != rust_name {
        args.push(quote! { rename = #key });
    }
    match occurs {
        Occurs::Required => {}
        Occurs::Optional => {
            args.push(quote! { default });
            args.push(quote! { skip_serializing_if = "Option::is_none" });
        }
        // No elements and an empty array are the same on the wire.
        Occurs::Many => {
            args.push(quote! { default });
            args.push(quote! { skip_serializing_if = "Vec::is_empty" });
        }
    }
    let optional_nillable = occurs == Occurs::Optional && ty.nillable;
    // (An optional nillable one keeps serde's bytes: base64's `null` could
    // not tell absent from nil.)
    if serde.is_bytes(ty) && !optional_nillable {
        args.push(quote! { with = "rt::serde_support::base64" });
    } else if optional_nillable {
        // Absent stays `None`; an explicit `null` is `Some(Nil)`.
        args.push(quote! { deserialize_with = "rt::serde_support::optional_nillable" });
    }
    cfg_serde(&args)
}

/// The key of each variant of a choice: the element's local name, else
/// (a nested group, `xs:any`) the variant's Rust name.
pub fn variant_attrs(cx: &Cx, c: &ChoicePlan) -> Vec<TokenStream> {
    let Some(serde) = &cx.serde else {
        return vec![TokenStream::new(); c.variants.len()];
    };
    let mut keys = Keys::default();
    c.variants
        .iter()
        .map(|v| {
            let key = match v.kind {
                FieldKind::Element => keys.claim(&v.element.local, None),
                _ => keys.claim(&camel(&v.name), None),
            };
            let mut args = Vec::new();
            if key != v.name {
                args.push(quote! { rename = #key });
            }
            if serde.is_bytes(&v.ty) {
                args.push(quote! { with = "rt::serde_support::base64" });
            }
            cfg_serde(&args)
        })
        .collect()
}

/// The key of each variant of an `xsi:type` enum: the local name of its
/// XSD type, as `xsi:type` names it (`{"Image": {...}}`).
pub fn polymorphic_variant_attrs(cx: &Cx, p: &PolymorphicPlan) -> Vec<TokenStream> {
    if cx.serde.is_none() {
        return vec![TokenStream::new(); p.variants.len()];
    }
    let mut keys = Keys::default();
    p.variants
        .iter()
        .map(|v| {
            let key = keys.claim(&v.xsd_type.local, None);
            if key == v.name {
                TokenStream::new()
            } else {
                cfg_serde(&[quote! { rename = #key }])
            }
        })
        .collect()
}

/// Renames of the fault enum's variants to their detail elements' local names.
pub fn fault_variant_attrs(cx: &Cx, plan: &Plan) -> Vec<TokenStream> {
    if cx.serde.is_none() {
        return vec![TokenStream::new(); plan.faults.len()];
    }
    let mut keys = Keys::default();
    plan.faults
        .iter()
        .map(|f| {
            let key = keys.claim(&f.element.local, None);
            if key == f.name {
                TokenStream::new()
            } else {
                cfg_serde(&[quote! { rename = #key }])
            }
        })
        .collect()
}

/// An enumeration is its wire text, unknown values included.
pub fn enum_impls(cx: &Cx, e: &EnumPlan) -> TokenStream {
    if cx.serde.is_none() {
        return TokenStream::new();
    }
    let rt = &cx.rt;
    let name = format_ident!("{}", e.name);
    quote! {
        #[cfg(feature = "serde")]
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #rt::serde_support::serialize_text(self, serializer)
            }
        }
        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #rt::serde_support::deserialize_text(deserializer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{AttributePlan, FieldPlan};
    use wsdl::QName;

    fn field(name: &str, local: &str, kind: FieldKind) -> FieldPlan {
        FieldPlan {
            name: name.to_owned(),
            doc: None,
            element: QName::new(None, local),
            ty: TypeUse::new(RustType::Builtin("String")),
            occurs: Occurs::Required,
            sensitive: false,
            kind,
        }
    }

    #[test]
    fn keys_are_wire_names_and_never_collide() {
        let s = StructPlan {
            name: "T".into(),
            doc: None,
            origin: String::new(),
            attributes: vec![AttributePlan {
                name: "id_".into(),
                doc: None,
                attribute: QName::new(None, "id"),
                ty: TypeUse::new(RustType::Builtin("String")),
                required: true,
                sensitive: false,
            }],
            fields: vec![
                field("id", "id", FieldKind::Element),
                field("value", "(text)", FieldKind::Text),
                field("company_handle", "companyHandle", FieldKind::Element),
            ],
            any_attribute: Some("other_attributes".into()),
            group: false,
        };
        assert_eq!(
            struct_keys(&s),
            StructKeys {
                attributes: vec!["@id".into()],
                fields: vec!["id".into(), "value".into(), "companyHandle".into()],
                any_attribute: Some("otherAttributes".into()),
            }
        );
    }
}
