//! Emit, test support: `Sample` impls for every generated type, and per
//! port type a service that answers every operation with sample values and
//! a driver that calls every operation with them. Together they round-trip
//! every field of every request and response through the real wire format.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{base_type, ident, Cx};
use crate::plan::{
    ChoicePlan, ClientPlan, EnumPlan, Facets, FieldKind, Occurs, Plan, PolymorphicPlan, RustType,
    StructPlan, TypeItem, TypeUse, WildcardPlan,
};

/// Complex values and lists nest, and use up depth; simple values do not,
/// so values at the depth limit still have every simple field set.
fn nests(ty: &TypeUse) -> bool {
    matches!(ty.rust, RustType::Complex(_) | RustType::Array { .. })
}

/// The sample of a field or attribute of type `ty` occurring `occurs` times;
/// `min`: the entries a list requires (`minOccurs`), which it has even past
/// the depth limit.
fn occurs_expr(
    plan: &Plan,
    cx: &Cx,
    ty: &TypeUse,
    occurs: Occurs,
    min: Option<u32>,
) -> TokenStream {
    let value = sample_expr(plan, cx, ty);
    match (occurs, &ty.rust) {
        (Occurs::Required, _) => value,
        (Occurs::Optional, RustType::Array { item, .. }) if !ty.nillable && !ty.boxed => {
            let item = sample_expr(plan, cx, item);
            quote! { gen.nest_many(|gen| #item) }
        }
        (Occurs::Optional, _) if nests(ty) => quote! { gen.nest(|gen| #value) },
        (Occurs::Optional, _) => quote! { Some(#value) },
        // Two entries of a choice whose sampled alternative repeats would be
        // read back as one entry holding both runs: the wire cannot tell.
        (Occurs::Many, RustType::Group(name)) if first_variant_repeats(plan, name) => {
            quote! { vec![#value] }
        }
        (Occurs::Many, _) => list_expr(nests(ty), min, value),
    }
}

/// True when `name` is a choice whose first alternative (the sampled one) repeats.
fn first_variant_repeats(plan: &Plan, name: &str) -> bool {
    plan.types.iter().any(|item| {
        matches!(item, TypeItem::Choice(c) if c.name == name && c.variants.first().is_some_and(|v| v.many))
    })
}

/// A list of `value`s: two, one level deeper each for values that nest,
/// and at least `min` (the schema's `minOccurs`) when it requires entries.
fn list_expr(nests: bool, min: Option<u32>, value: TokenStream) -> TokenStream {
    match (nests, min) {
        (true, Some(min)) => {
            let min = min as usize;
            quote! { gen.at_least(#min, |gen| #value) }
        }
        (true, None) => quote! { gen.many_with(|gen| #value) },
        (false, Some(min)) if min > 2 => {
            let min = min as usize;
            quote! { gen.repeat_at_least(#min, |gen| #value) }
        }
        (false, _) => quote! { gen.repeat(|gen| #value) },
    }
}

/// An expression producing a sample of `ty` from the generator `gen`.
fn sample_expr(plan: &Plan, cx: &Cx, ty: &TypeUse) -> TokenStream {
    let rt = &cx.rt;
    let value = match (&ty.rust, &ty.facets) {
        (RustType::Array { item, alias, .. }, _) => {
            let item_value = sample_expr(plan, cx, item);
            let min = plan
                .required_lists
                .get(&(alias.clone(), String::new()))
                .copied();
            list_expr(nests(item), min, item_value)
        }
        (rust, Some(facets)) if rust.is_simple() => {
            let facets = facets_expr(cx, facets);
            quote! { #rt::sample::sample_with(gen, &#facets) }
        }
        _ => quote! { #rt::sample::sample(gen) },
    };
    let value = if ty.boxed {
        quote! { Box::new(#value) }
    } else {
        value
    };
    if ty.nillable {
        quote! { #rt::Nillable::Value(#value) }
    } else {
        value
    }
}

/// `rt::sample::Facets { .. }` naming only the facets that are set, as a
/// constant expression (so `&` of it is `'static`).
fn facets_expr(cx: &Cx, facets: &Facets) -> TokenStream {
    let rt = &cx.rt;
    let mut fields = Vec::new();
    if !facets.builtin.is_empty() {
        let builtin = &facets.builtin;
        fields.push(quote! { builtin: #builtin });
    }
    for (name, value) in [
        ("length", facets.length),
        ("min_length", facets.min_length),
        ("max_length", facets.max_length),
    ] {
        if let Some(value) = value {
            let name = ident(name);
            fields.push(quote! { #name: Some(#value) });
        }
    }
    for (name, value) in [
        ("pattern", &facets.pattern),
        ("min_inclusive", &facets.min_inclusive),
        ("max_inclusive", &facets.max_inclusive),
        ("min_exclusive", &facets.min_exclusive),
        ("max_exclusive", &facets.max_exclusive),
    ] {
        if let Some(value) = value {
            let name = ident(name);
            fields.push(quote! { #name: Some(#value) });
        }
    }
    for (name, value) in [
        ("total_digits", facets.total_digits),
        ("fraction_digits", facets.fraction_digits),
    ] {
        if let Some(value) = value {
            let name = ident(name);
            fields.push(quote! { #name: Some(#value) });
        }
    }
    if !facets.enumeration.is_empty() {
        let values = &facets.enumeration;
        fields.push(quote! { enumeration: &[#(#values),*] });
    }
    if let Some(item) = &facets.item {
        let item = facets_expr(cx, item);
        fields.push(quote! { item: Some(&#item) });
    }
    quote! { #rt::sample::Facets { #(#fields,)* ..#rt::sample::Facets::NONE } }
}

/// The sample of an `xs:any` field: an element no schema declares, in a
/// namespace the wildcard accepts.
fn any_expr(
    cx: &Cx,
    wildcard: &WildcardPlan,
    lax: bool,
    occurs: Occurs,
    required: bool,
) -> TokenStream {
    let rt = &cx.rt;
    const EXTENSION_NS: &str = "urn:example:sample-extension";
    // A strict wildcard takes only elements a schema declares, and one for
    // the schema's own namespaces (or unqualified names) expects those it
    // declares: left empty unless the schema requires an element there.
    let fill = required || (lax && !matches!(wildcard, WildcardPlan::List(_)));
    if !fill {
        match occurs {
            Occurs::Optional => return quote! { None },
            Occurs::Many => return quote! { Vec::new() },
            Occurs::Required => {}
        }
    }
    let namespace = match wildcard {
        WildcardPlan::Any | WildcardPlan::Other(_) => Some(EXTENSION_NS),
        WildcardPlan::List(list) => list.first().and_then(|ns| ns.as_deref()),
    };
    let namespace = match namespace {
        Some(ns) => quote! { Some(#ns) },
        None => quote! { None },
    };
    let element = quote! { #rt::sample::any_element(gen, #namespace) };
    match occurs {
        Occurs::Required => element,
        Occurs::Optional => quote! { Some(#element) },
        Occurs::Many => quote! { vec![#element] },
    }
}

fn emit_struct_sample(plan: &Plan, cx: &Cx, s: &StructPlan) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&s.name);
    let attrs = s.attributes.iter().map(|a| {
        let fid = ident(&a.name);
        let occurs = if a.required {
            Occurs::Required
        } else {
            Occurs::Optional
        };
        let value = occurs_expr(plan, cx, &a.ty, occurs, None);
        quote! { #fid: #value, }
    });
    let fields = s.fields.iter().map(|f| {
        let fid = ident(&f.name);
        let value = match &f.kind {
            FieldKind::Any(wildcard) => {
                let key = (s.name.clone(), f.name.clone());
                let lax = plan.lax_wildcards.contains(&key);
                let required = plan.required_lists.contains_key(&key);
                any_expr(cx, wildcard, lax, f.occurs, required)
            }
            // One text node: two in a row would be read back as one.
            FieldKind::Mixed => {
                let rt = &cx.rt;
                quote! { vec![#rt::sample::sample(gen)] }
            }
            _ => {
                let min = plan
                    .required_lists
                    .get(&(s.name.clone(), f.name.clone()))
                    .copied();
                occurs_expr(plan, cx, &f.ty, f.occurs, min)
            }
        };
        quote! { #fid: #value, }
    });
    let any = s.any_attribute.as_ref().map(|n| {
        let fid = ident(n);
        quote! { #fid: Vec::new(), }
    });
    quote! {
        impl #rt::sample::Sample for #name {
            fn sample(gen: &mut #rt::sample::Gen) -> Self {
                let _ = &gen;
                Self { #(#attrs)* #(#fields)* #any }
            }
        }
    }
}

/// A choice's sample is its first alternative's.
fn emit_choice_sample(plan: &Plan, cx: &Cx, c: &ChoicePlan) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&c.name);
    let Some(first) = c.variants.first() else {
        return TokenStream::new();
    };
    let variant = ident(&first.name);
    let value = match (&first.kind, first.many) {
        (FieldKind::Any(wildcard), many) => {
            let occurs = if many { Occurs::Many } else { Occurs::Required };
            let key = (c.name.clone(), first.name.clone());
            let lax = plan.lax_wildcards.contains(&key);
            let required = plan.required_lists.contains_key(&key);
            any_expr(cx, wildcard, lax, occurs, required)
        }
        (_, true) => {
            let value = sample_expr(plan, cx, &first.ty);
            let min = plan
                .required_lists
                .get(&(c.name.clone(), first.name.clone()))
                .copied();
            // Variants hold their values in a `Vec` either way.
            list_expr(true, min, value)
        }
        (_, false) => sample_expr(plan, cx, &first.ty),
    };
    quote! {
        impl #rt::sample::Sample for #name {
            fn sample(gen: &mut #rt::sample::Gen) -> Self {
                #name::#variant(#value)
            }
        }
    }
}

/// Any of the types, by the next number, so round trips cover derived
/// values (`xsi:type`) as well as the base; past the depth limit always the
/// first, which ends recursion through derived types.
fn emit_polymorphic_sample(cx: &Cx, p: &PolymorphicPlan) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&p.name);
    let count = p.variants.len();
    let arms = p.variants.iter().enumerate().map(|(index, v)| {
        let vid = ident(&v.name);
        let pattern = if index + 1 == count {
            quote! { _ }
        } else {
            quote! { #index }
        };
        quote! { #pattern => Self::#vid(Box::new(#rt::sample::sample(gen))), }
    });
    quote! {
        impl #rt::sample::Sample for #name {
            fn sample(gen: &mut #rt::sample::Gen) -> Self {
                match gen.pick_index(#count) {
                    #(#arms)*
                }
            }
        }
    }
}

fn emit_enum_sample(cx: &Cx, e: &EnumPlan) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&e.name);
    let variants = e.variants.iter().map(|(v, _)| {
        let v = ident(v);
        quote! { #name::#v }
    });
    quote! {
        impl #rt::sample::Sample for #name {
            fn sample(gen: &mut #rt::sample::Gen) -> Self {
                gen.pick(&[#(#variants),*]).unwrap_or_default()
            }
        }
    }
}

fn emit_client_samples(plan: &Plan, client: &ClientPlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let trait_name = ident(&client.service_trait);
    let client_name = ident(&client.name);
    let service = format_ident!("Sample{}", client.service_trait);
    let driver = format_ident!(
        "call_every_operation_{}",
        client.dispatch_fn.trim_start_matches("dispatch_")
    );
    let headers_struct = ident(&plan.headers_struct);
    let fault = ident(&plan.fault_enum);
    let routed: Vec<_> = client
        .operations
        .iter()
        .filter(|op| op.input.len() == 1)
        .collect();

    let methods = routed.iter().map(|op| {
        let method = format_ident!("{}", op.method);
        let name = &op.xml_name;
        let part = &op.input[0];
        let request_seed = format!("{}/request", op.xml_name);
        let response_seed = format!("{}/response", op.xml_name);
        let (param, check) = if part.empty {
            (quote! {}, quote! {})
        } else {
            let ty = base_type(&part.ty);
            (
                quote! { request: #ty },
                quote! {
                    let expected: #ty = #rt::sample::sample(&mut #rt::sample::Gen::new(#request_seed));
                    if request != expected {
                        return Err(#rt::ServiceError::Soap {
                            code: #rt::FaultCode::Client,
                            reason: format!("{}: the request that arrived differs from the one sent:\n{:?}\nsent:\n{:?}", #name, request, expected),
                        });
                    }
                },
            )
        };
        let (ret, answer) = match &op.output {
            Some(out) if !out.empty => {
                let ty = base_type(&out.ty);
                (quote! { #ty }, quote! { Ok(#rt::sample::sample(&mut #rt::sample::Gen::new(#response_seed))) })
            }
            _ => (quote! { () }, quote! { Ok(()) }),
        };
        quote! {
            async fn #method(&self, _headers: &#headers_struct, #param) -> Result<#ret, #rt::ServiceError<#fault>> {
                #check
                #answer
            }
        }
    });

    let calls = routed.iter().map(|op| {
        let method = format_ident!("{}", op.method);
        let name = &op.xml_name;
        let part = &op.input[0];
        let request_seed = format!("{}/request", op.xml_name);
        let response_seed = format!("{}/response", op.xml_name);
        let (prepare, call) = if part.empty {
            (quote! {}, quote! { client.#method().await })
        } else {
            let ty = base_type(&part.ty);
            (
                quote! { let request: #ty = #rt::sample::sample(&mut #rt::sample::Gen::new(#request_seed)); },
                quote! { client.#method(&request).await },
            )
        };
        let check = match &op.output {
            Some(out) if !out.empty => {
                let ty = base_type(&out.ty);
                quote! {
                    Ok(response) => {
                        let expected: #ty = #rt::sample::sample(&mut #rt::sample::Gen::new(#response_seed));
                        if response == expected {
                            Ok(())
                        } else {
                            Err(format!("the response that arrived differs from the one sent:\n{:?}\nsent:\n{:?}", response, expected))
                        }
                    }
                }
            }
            _ => quote! { Ok(()) => Ok(()), },
        };
        quote! {
            {
                #prepare
                let outcome = match #call {
                    #check
                    Err(error) => Err(error.to_string()),
                };
                outcomes.push((#name, outcome));
            }
        }
    });

    quote! {
        /// Answers every operation with its sample response, after checking
        /// that the request equals its sample request.
        #[derive(Debug, Clone, Copy, Default)]
        pub struct #service;

        impl #trait_name for #service {
            #(#methods)*
        }

        /// Calls every operation the dispatcher can route with its sample
        /// request and checks the response against its sample response.
        pub async fn #driver(client: &#client_name) -> Vec<(&'static str, Result<(), String>)> {
            let mut outcomes = Vec::new();
            #(#calls)*
            outcomes
        }
    }
}

pub fn emit_samples(plan: &Plan, cx: &Cx) -> TokenStream {
    let impls = plan.types.iter().map(|item| match item {
        TypeItem::Struct(s) => emit_struct_sample(plan, cx, s),
        TypeItem::Enum(e) => emit_enum_sample(cx, e),
        TypeItem::Alias(_) | TypeItem::Array(_) => TokenStream::new(),
        TypeItem::Choice(c) => emit_choice_sample(plan, cx, c),
        TypeItem::Polymorphic(p) => emit_polymorphic_sample(cx, p),
    });
    let clients = plan
        .clients
        .iter()
        .map(|c| emit_client_samples(plan, c, cx));
    // The caller wraps these in `pub mod samples { use super::*; ... }`.
    quote! {
        #(#impls)*
        #(#clients)*
    }
}
