//! Emit, test support: `Sample` impls for every generated type, and per
//! port type a service that answers every operation with sample values and
//! a driver that calls every operation with them. Together they round-trip
//! every field of every request and response through the real wire format.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{base_type, ident, Cx};
use crate::plan::{
    ChoicePlan, ClientPlan, EnumPlan, FieldKind, Occurs, Plan, PolymorphicPlan, RustType,
    StructPlan, TypeItem, TypeUse, WildcardPlan,
};

/// Complex values and lists nest, and use up depth; simple values do not,
/// so values at the depth limit still have every simple field set.
fn nests(ty: &TypeUse) -> bool {
    matches!(ty.rust, RustType::Complex(_) | RustType::Array { .. })
}

/// The sample of a field or attribute of type `ty` occurring `occurs` times.
fn occurs_expr(cx: &Cx, ty: &TypeUse, occurs: Occurs) -> TokenStream {
    let value = sample_expr(cx, ty);
    match (occurs, &ty.rust) {
        (Occurs::Required, _) => value,
        (Occurs::Optional, RustType::Array { item, .. }) => {
            let item = sample_expr(cx, item);
            quote! { gen.nest_many(|gen| #item) }
        }
        (Occurs::Optional, _) if nests(ty) => quote! { gen.nest(|gen| #value) },
        (Occurs::Optional, _) => quote! { Some(#value) },
        (Occurs::Many, _) if nests(ty) => quote! { gen.many_with(|gen| #value) },
        (Occurs::Many, _) => quote! { gen.repeat(|gen| #value) },
    }
}

/// An expression producing a sample of `ty` from the generator `gen`.
fn sample_expr(cx: &Cx, ty: &TypeUse) -> TokenStream {
    let rt = &cx.rt;
    let value = match &ty.rust {
        RustType::Array { item, .. } => {
            let item_value = sample_expr(cx, item);
            if nests(item) {
                quote! { gen.many_with(|gen| #item_value) }
            } else {
                quote! { gen.repeat(|gen| #item_value) }
            }
        }
        _ => quote! { #rt::sample::sample(gen) },
    };
    if ty.boxed {
        quote! { Box::new(#value) }
    } else {
        value
    }
}

fn emit_struct_sample(cx: &Cx, s: &StructPlan) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&s.name);
    let attrs = s.attributes.iter().map(|a| {
        let fid = ident(&a.name);
        let occurs = if a.required {
            Occurs::Required
        } else {
            Occurs::Optional
        };
        let value = occurs_expr(cx, &a.ty, occurs);
        quote! { #fid: #value, }
    });
    let fields = s.fields.iter().map(|f| {
        let fid = ident(&f.name);
        let value = match &f.kind {
            FieldKind::Any(wildcard) => {
                let element = raw_element_expr(wildcard);
                match f.occurs {
                    Occurs::Required => element,
                    Occurs::Optional => quote! { Some(#element) },
                    Occurs::Many => quote! { vec![#element] },
                }
            }
            // One node: two text nodes side by side read back as one.
            FieldKind::Mixed => quote! { vec![#rt::sample::sample(gen)] },
            _ => occurs_expr(cx, &f.ty, f.occurs),
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

/// An element kept as received, in a namespace the wildcard accepts.
fn raw_element_expr(wildcard: &WildcardPlan) -> TokenStream {
    const SAMPLE_NS: &str = "urn:example:sample:any";
    let namespace = match wildcard {
        WildcardPlan::Any | WildcardPlan::Other(_) => Some(SAMPLE_NS.to_owned()),
        WildcardPlan::List(list) => list.first().cloned().flatten(),
    };
    match namespace {
        Some(ns) => quote! { gen.raw_element(Some(#ns)) },
        None => quote! { gen.raw_element(None) },
    }
}

/// A choice's sample is its first alternative's.
fn emit_choice_sample(cx: &Cx, c: &ChoicePlan) -> TokenStream {
    let rt = &cx.rt;
    let name = ident(&c.name);
    let Some(first) = c.variants.first() else {
        return TokenStream::new();
    };
    let variant = ident(&first.name);
    let value = match &first.kind {
        FieldKind::Any(wildcard) => raw_element_expr(wildcard),
        _ => sample_expr(cx, &first.ty),
    };
    let value = if first.many {
        quote! { gen.many_with(|gen| #value) }
    } else {
        value
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
        TypeItem::Struct(s) => emit_struct_sample(cx, s),
        TypeItem::Enum(e) => emit_enum_sample(cx, e),
        TypeItem::Alias(_) | TypeItem::Array(_) => TokenStream::new(),
        TypeItem::Choice(c) => emit_choice_sample(cx, c),
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
