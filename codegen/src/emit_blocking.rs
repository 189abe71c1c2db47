//! Emit, blocking side: per port type, a client with the same methods as
//! the async one, each run to completion on the runtime's blocking executor.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{base_type, doc_attrs, ident, Cx};
use crate::plan::{ClientPlan, Plan};

fn emit_client(plan: &Plan, client: &ClientPlan, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let async_client = ident(&client.name);
    let name = format_ident!("{}Blocking", client.name);
    let error = ident(&plan.error_alias);
    let methods = client.operations.iter().map(|op| {
        let method = format_ident!("{}", op.method);
        let doc = doc_attrs(op.doc.as_deref());
        let params: Vec<_> = op
            .input
            .iter()
            .filter(|p| !p.empty)
            .map(|p| {
                let pid = ident(&p.param);
                let ty = base_type(&p.ty);
                (quote! { #pid: &#ty }, quote! { #pid })
            })
            .collect();
        let decls = params.iter().map(|(decl, _)| decl);
        let args = params.iter().map(|(_, arg)| arg);
        let ret = match &op.output {
            Some(part) if !part.empty => base_type(&part.ty),
            _ => quote! { () },
        };
        quote! {
            #doc
            pub fn #method(&self, #(#decls),*) -> Result<#ret, #error> {
                self.runtime.block_on(self.inner.#method(#(#args),*))
            }
        }
    });
    let doc = format!(
        " Blocking twin of [`{}`]: the same methods, each run to completion before it returns. \
         For code without an async runtime; calling it from async code panics.",
        client.name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #name {
            inner: #async_client,
            runtime: #rt::blocking::Runtime,
        }
        impl #name {
            /// Wraps an async client, starting the runtime its calls run on.
            pub fn new(inner: #async_client) -> std::io::Result<Self> {
                Ok(Self { inner, runtime: #rt::blocking::Runtime::new()? })
            }
            /// The async client underneath.
            pub fn inner(&self) -> &#async_client {
                &self.inner
            }
            #(#methods)*
        }
    }
}

pub fn emit_blocking(plan: &Plan, cx: &Cx) -> TokenStream {
    let clients = plan.clients.iter().map(|c| emit_client(plan, c, cx));
    quote! { #(#clients)* }
}
