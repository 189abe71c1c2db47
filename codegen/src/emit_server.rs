//! Emit, server side: per port type, a service trait (one async method per
//! operation, each answering `NotImplemented` unless implemented) and a
//! dispatcher that routes a request envelope to it and encodes the reply.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{base_type, doc_attrs, doc_line, ident, xml_name, Cx};
use crate::plan::{ClientPlan, OperationPlan, Plan};

/// Operations the dispatcher can route: exactly one input body part (the
/// element that names the operation). Others are listed in its docs.
fn routable(op: &OperationPlan) -> bool {
    op.input.len() == 1
}

pub fn emit_service(plan: &Plan, client: &ClientPlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let trait_name = ident(&client.service_trait);
    let dispatch = ident(&client.dispatch_fn);
    let headers_struct = ident(&plan.headers_struct);
    let fault = ident(&plan.fault_enum);

    let methods = client.operations.iter().filter(|op| routable(op)).map(|op| {
        let method = format_ident!("{}", op.method);
        let doc = doc_attrs(op.doc.as_deref());
        let wire = doc_line(&format!("Operation `{}`.", op.xml_name));
        let params = op.input.iter().filter(|p| !p.empty).map(|p| {
            let pid = ident(&p.param);
            let ty = base_type(&p.ty);
            quote! { #pid: #ty }
        });
        let unused = op.input.iter().filter(|p| !p.empty).map(|p| ident(&p.param));
        let ret = match &op.output {
            Some(part) if !part.empty => base_type(&part.ty),
            _ => quote! { () },
        };
        quote! {
            #doc
            #wire
            fn #method(&self, headers: &#headers_struct, #(#params),*)
                -> impl std::future::Future<Output = Result<#ret, #rt::ServiceError<#fault>>> + Send {
                let _ = (headers, #(#unused),*);
                async { Err(#rt::ServiceError::NotImplemented) }
            }
        }
    });

    let header_decodes = plan.headers.iter().map(|h| {
        let fid = ident(&h.name);
        let konst = ident(&h.name.trim_end_matches('_').to_uppercase());
        quote! {
            match envelope.header(#headers_struct::#konst) {
                Ok(value) => headers.#fid = value,
                Err(error) => return #rt::service::decode_error_reply(version, None, &error),
            }
        }
    });

    let routes = client.operations.iter().filter(|op| routable(op)).map(|op| {
        let method = format_ident!("{}", op.method);
        let descriptor = ident(&op.descriptor);
        let part = &op.input[0];
        let request_name = xml_name(cx, &part.element);
        let request_ty = base_type(&part.ty);
        let call = if part.empty {
            quote! { service.#method(&headers).await }
        } else {
            quote! { service.#method(&headers, request).await }
        };
        let decode = if part.empty {
            quote! {
                if let Err(error) = envelope.body::<#request_ty>(body) {
                    return #rt::service::decode_error_reply(version, Some(op.name), &error);
                }
            }
        } else {
            quote! {
                let request: #request_ty = match envelope.body(body) {
                    Ok(value) => value,
                    Err(error) => return #rt::service::decode_error_reply(version, Some(op.name), &error),
                };
            }
        };
        let answer = match &op.output {
            None => quote! {
                Ok(()) => #rt::Dispatched { status: 202, version, body: Vec::new(), operation: Some(op.name) },
            },
            Some(out) => {
                let response_name = xml_name(cx, &out.element);
                let value = if out.empty {
                    let ty = base_type(&out.ty);
                    quote! { &#ty::default() }
                } else {
                    quote! { &response }
                };
                let binding = if out.empty { quote! { () } } else { quote! { response } };
                quote! {
                    Ok(#binding) => #rt::service::reply(version, op.name, #response_name, #value),
                }
            }
        };
        quote! {
            if body == #request_name {
                let op = &operations::#descriptor;
                let declared = op.binding(version).and_then(|b| b.soap_action);
                if !#rt::service::action_matches(action, declared) {
                    return #rt::service::fault_reply(
                        version,
                        Some(op.name),
                        #rt::FaultCode::Client,
                        &format!("the SOAP action {:?} does not match operation {}", action.unwrap_or(""), op.name),
                        None,
                    );
                }
                #decode
                if let Err(error) = service.check_headers(op.name, &headers).await {
                    return #rt::service::service_error_reply(version, op.name, error, #fault::detail);
                }
                return match #call {
                    #answer
                    Err(error) => #rt::service::service_error_reply(version, op.name, error, #fault::detail),
                };
            }
        }
    });

    let unroutable: Vec<String> = client
        .operations
        .iter()
        .filter(|op| !routable(op))
        .map(|op| format!("`{}`", op.xml_name))
        .collect();
    let unroutable_doc = if unroutable.is_empty() {
        TokenStream::new()
    } else {
        doc_line(&format!(
            "Not routed (they do not have exactly one body element): {}.",
            unroutable.join(", ")
        ))
    };
    let trait_doc = doc_line(&format!(
        "Serves port type `{}`: implement the operations you need; the others answer a `NotImplemented` fault.",
        client.port_type
    ));
    quote! {
        #trait_doc
        pub trait #trait_name: Send + Sync {
            /// Called with the decoded header blocks before every operation;
            /// an error is sent back instead of calling the operation.
            fn check_headers(&self, operation: &'static str, headers: &#headers_struct)
                -> impl std::future::Future<Output = Result<(), #rt::ServiceError<#fault>>> + Send {
                let _ = (operation, headers);
                async { Ok(()) }
            }
            #(#methods)*
        }

        /// Decodes a request envelope, routes it by its body element to `service`,
        /// and encodes the response or fault. `action` is the SOAP action the
        /// request carried (`SOAPAction` header, or the SOAP 1.2 `action`
        /// media-type parameter), checked when present.
        #unroutable_doc
        pub async fn #dispatch<S: #trait_name + ?Sized>(
            service: &S,
            request: &[u8],
            action: Option<&str>,
            limits: &#rt::Limits,
        ) -> #rt::Dispatched {
            let envelope = match #rt::RequestEnvelope::parse(request, limits) {
                Ok(envelope) => envelope,
                Err(error) => return #rt::service::decode_error_reply(#rt::SoapVersion::Soap11, None, &error),
            };
            let version = envelope.version;
            let mut headers = #headers_struct::default();
            #(#header_decodes)*
            let Some((namespace, local)) = envelope.body_name() else {
                return #rt::service::fault_reply(version, None, #rt::FaultCode::Client, "the SOAP body is empty", None);
            };
            let body = #rt::XmlName::new(namespace.as_deref(), &local);
            #(#routes)*
            #rt::service::fault_reply(
                version,
                None,
                #rt::FaultCode::Client,
                &format!("no operation takes a {body} element"),
                None,
            )
        }
    }
}
