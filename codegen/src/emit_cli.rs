//! Emit, command-line side (`Options::cli`): a `cli` module with, per port
//! type, one clap subcommand per operation and a `run` function that builds
//! the request from the parsed arguments, calls the operation and returns the
//! response as JSON.
//!
//! The request's fields become the arguments: a simple-typed field is
//! `--field-name <VALUE>`, parsed by the runtime as the wire parses it; an
//! array of simple items is a repeatable `--field-name`; anything else is
//! JSON (`--field-name '{...}'` or `@file.json`). The shared logic (parsers,
//! extraction, output) lives in the runtime's `cli` module; the generated
//! code only lists names, types and help texts.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{base_type, ident, Cx};
use crate::emit_serde::struct_keys;
use crate::names::{self, Scope};
use crate::plan::{
    BodyPart, ClientPlan, FieldKind, Occurs, OperationPlan, Plan, RustType, StructPlan, TypeItem,
    TypeUse,
};
use crate::Options;

/// Names an argument can never take: clap's own.
const RESERVED_ARGS: &[&str] = &["help"];
/// Names a subcommand can never take: clap's own.
const RESERVED_COMMANDS: &[&str] = &["help"];

/// How an argument's values are taken from the parsed matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Take {
    /// Exactly once (a required field).
    One,
    /// At most once (`Option<T>`).
    Optional,
    /// Any number of times (`Vec<T>`).
    Many,
    /// Any number of times, `None` when never given (`Option<Vec<T>>`: an
    /// optional array of simple items).
    OptionalMany,
}

/// How an argument's text becomes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parse {
    /// As the wire parses it (`XmlValue::from_xml_text`).
    Text,
    /// JSON, or `@file` holding JSON.
    Json,
}

/// One `--argument` of a subcommand.
struct ArgPlan {
    id: String,
    /// The type one occurrence parses into.
    ty: TokenStream,
    parse: Parse,
    take: Take,
    value_name: String,
    help: String,
}

/// Every generated type by name, for looking request structs up.
struct Types<'p> {
    by_name: BTreeMap<&'p str, &'p TypeItem>,
}

impl<'p> Types<'p> {
    fn new(plan: &'p Plan) -> Self {
        Types {
            by_name: plan.types.iter().map(|t| (t.name(), t)).collect(),
        }
    }

    fn request_struct(&self, ty: &TypeUse) -> Option<&'p StructPlan> {
        if ty.boxed || ty.nillable {
            return None;
        }
        match &ty.rust {
            RustType::Complex(name) => match self.by_name.get(name.as_str()) {
                Some(TypeItem::Struct(s)) if !s.group => Some(s),
                _ => None,
            },
            _ => None,
        }
    }

    /// A placeholder for the value, from the Rust type a simple type maps to.
    fn value_name(&self, rust: &RustType) -> String {
        match rust {
            RustType::Builtin(path) => builtin_value_name(path).to_owned(),
            RustType::Simple(name) => match self.by_name.get(name.as_str()) {
                Some(TypeItem::Alias(alias)) => builtin_value_name(&alias.target).to_owned(),
                _ => "VALUE".to_owned(),
            },
            _ => "VALUE".to_owned(),
        }
    }

    /// " One of: a, b, c." for an enumeration.
    fn values_hint(&self, rust: &RustType) -> String {
        let RustType::Simple(name) = rust else {
            return String::new();
        };
        match self.by_name.get(name.as_str()) {
            Some(TypeItem::Enum(e)) if !e.variants.is_empty() => {
                let values: Vec<&str> = e.variants.iter().map(|(_, wire)| wire.as_str()).collect();
                format!(" One of: {}.", values.join(", "))
            }
            _ => String::new(),
        }
    }
}

fn builtin_value_name(path: &str) -> &'static str {
    match path {
        "String" => "TEXT",
        "bool" => "BOOL",
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "rt::Integer" => "INTEGER",
        "f32" | "f64" => "NUMBER",
        "rt::Decimal" => "DECIMAL",
        "rt::DateTime" => "DATETIME",
        "rt::Date" => "DATE",
        "rt::Time" => "TIME",
        "rt::Duration" => "DURATION",
        "rt::GYear" | "rt::GYearMonth" | "rt::GMonth" | "rt::GMonthDay" | "rt::GDay" => "DATE-PART",
        "Vec<u8>" => "BASE64",
        "rt::HexBinary" => "HEX",
        "rt::QName" => "QNAME",
        list if list.starts_with("rt::List<") => "LIST",
        _ => "VALUE",
    }
}

/// A field's documentation on one line, for `--help`.
fn one_line(doc: Option<&str>) -> String {
    doc.map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn simple(ty: &TypeUse) -> bool {
    ty.rust.is_simple() && !ty.nillable && !ty.boxed
}

/// The argument for one member of a request (or for a whole body part).
fn member_arg(
    types: &Types<'_>,
    id: String,
    ty: &TypeUse,
    occurs: Occurs,
    kind: &FieldKind,
    doc: Option<&str>,
) -> ArgPlan {
    let take = match occurs {
        Occurs::Required => Take::One,
        Occurs::Optional => Take::Optional,
        Occurs::Many => Take::Many,
    };
    let help = one_line(doc);
    let textual = matches!(kind, FieldKind::Element | FieldKind::Text);
    if textual && simple(ty) {
        return ArgPlan {
            id,
            ty: base_type(ty),
            parse: Parse::Text,
            take,
            value_name: types.value_name(&ty.rust),
            help: format!("{help}{}", types.values_hint(&ty.rust)),
        };
    }
    // An array of simple items: one occurrence per item.
    if let RustType::Array { item, .. } = &ty.rust {
        if textual && simple(item) && !ty.nillable && !ty.boxed && occurs != Occurs::Many {
            return ArgPlan {
                id,
                ty: base_type(item),
                parse: Parse::Text,
                take: if occurs == Occurs::Required {
                    Take::Many
                } else {
                    Take::OptionalMany
                },
                value_name: types.value_name(&item.rust),
                help: format!("{help}{}", types.values_hint(&item.rust)),
            };
        }
    }
    ArgPlan {
        id,
        ty: base_type(ty),
        parse: Parse::Json,
        take,
        value_name: "JSON".to_owned(),
        help,
    }
}

/// Argument ids unique within one subcommand.
fn claim_arg(scope: &mut Scope, stem: &str) -> String {
    scope.claim(&names::command_name(stem), None)
}

/// The arguments of an operation and the statements that build its call's
/// parameters from them (`request` for a request expanded into its fields).
struct OperationArgs {
    args: Vec<ArgPlan>,
    /// `let <param> = ...;` for each body part that takes an argument.
    build: Vec<TokenStream>,
    /// The parameters of the client method, in order.
    params: Vec<TokenStream>,
}

fn operation_args(cx: &Cx, types: &Types<'_>, op: &OperationPlan) -> OperationArgs {
    let mut scope = Scope::default();
    for reserved in RESERVED_ARGS {
        scope.reserve(reserved);
    }
    let parts: Vec<&BodyPart> = op.input.iter().filter(|p| !p.empty).collect();
    let mut out = OperationArgs {
        args: Vec::new(),
        build: Vec::new(),
        params: Vec::new(),
    };
    // One body part (document/literal wrapped): its fields are the arguments.
    if let [part] = parts.as_slice() {
        if let Some(s) = types.request_struct(&part.ty) {
            let (args, build) = struct_args(cx, types, s, &mut scope);
            out.args = args;
            let param = ident(&part.param);
            out.build.push(quote! { let #param = #build; });
            out.params.push(quote! { &#param });
            return out;
        }
    }
    // Several parts, or one that is not a struct: one argument per part.
    for part in parts {
        let id = claim_arg(&mut scope, &part.element.local);
        let arg = member_arg(
            types,
            id,
            &part.ty,
            Occurs::Required,
            &FieldKind::Element,
            None,
        );
        let value = extract(cx, &arg);
        let param = ident(&part.param);
        out.build.push(quote! { let #param = #value; });
        out.params.push(quote! { &#param });
        out.args.push(arg);
    }
    out
}

/// The arguments for a request struct's members, and the struct literal
/// built from them (every member listed, so nothing is left out unseen).
fn struct_args(
    cx: &Cx,
    types: &Types<'_>,
    s: &StructPlan,
    scope: &mut Scope,
) -> (Vec<ArgPlan>, TokenStream) {
    let keys = struct_keys(s);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut add = |arg: ArgPlan, field: &str| {
        let value = extract(cx, &arg);
        let field = ident(field);
        inits.push(quote! { #field: #value, });
        args.push(arg);
    };
    for (f, key) in s.fields.iter().zip(&keys.fields) {
        let id = claim_arg(scope, key);
        add(
            member_arg(types, id, &f.ty, f.occurs, &f.kind, f.doc.as_deref()),
            &f.name,
        );
    }
    for (a, key) in s.attributes.iter().zip(&keys.attributes) {
        let id = claim_arg(scope, key);
        let occurs = if a.required {
            Occurs::Required
        } else {
            Occurs::Optional
        };
        add(
            member_arg(
                types,
                id,
                &a.ty,
                occurs,
                &FieldKind::Element,
                a.doc.as_deref(),
            ),
            &a.name,
        );
    }
    if let (Some(name), Some(key)) = (&s.any_attribute, &keys.any_attribute) {
        let id = claim_arg(scope, key);
        let arg = ArgPlan {
            id,
            ty: quote! { rt::xml::XmlAttribute },
            parse: Parse::Json,
            take: Take::Many,
            value_name: "JSON".to_owned(),
            help: "An attribute the schema leaves open: {\"namespace\": ..., \"local\": ..., \"value\": ...}."
                .to_owned(),
        };
        add(arg, name);
    }
    let name = ident(&s.name);
    (args, quote! { #name { #(#inits)* } })
}

/// The expression that takes an argument's value(s) from `matches`.
fn extract(cx: &Cx, arg: &ArgPlan) -> TokenStream {
    let rt = &cx.rt;
    let id = &arg.id;
    let ty = &arg.ty;
    let function = match arg.take {
        Take::One => quote! { one },
        Take::Optional => quote! { optional },
        Take::Many => quote! { many },
        Take::OptionalMany => quote! { optional_many },
    };
    quote! { #rt::cli::#function::<#ty>(matches, #id)? }
}

/// The clap `Arg` of an argument.
fn arg_tokens(cx: &Cx, arg: &ArgPlan) -> TokenStream {
    let rt = &cx.rt;
    let (id, ty, help, value_name) = (&arg.id, &arg.ty, &arg.help, &arg.value_name);
    let occurs = match arg.take {
        Take::One => quote! { #rt::cli::Occurs::Required },
        Take::Optional => quote! { #rt::cli::Occurs::Optional },
        Take::Many | Take::OptionalMany => quote! { #rt::cli::Occurs::Many },
    };
    match arg.parse {
        Parse::Text => quote! { #rt::cli::text_arg::<#ty>(#id, #occurs, #value_name, #help) },
        Parse::Json => quote! { #rt::cli::json_arg::<#ty>(#id, #occurs, #help) },
    }
}

/// The help of a subcommand: the operation's documentation, else its
/// request element's.
fn operation_doc(types: &Types<'_>, op: &OperationPlan) -> String {
    if let Some(doc) = op.doc.as_deref().filter(|d| !d.trim().is_empty()) {
        return one_line(Some(doc));
    }
    op.input
        .iter()
        .filter_map(|part| types.request_struct(&part.ty))
        .find_map(|s| s.doc.as_deref())
        .map(|doc| one_line(Some(doc)))
        .unwrap_or_default()
}

fn emit_client_cli(
    plan: &Plan,
    client: &ClientPlan,
    module: &str,
    cx: &Cx,
    types: &Types<'_>,
) -> TokenStream {
    let rt = &cx.rt;
    let module = ident(module);
    let client_ty = ident(&client.name);
    let fault = ident(&plan.fault_enum);
    let mut scope = Scope::default();
    for reserved in RESERVED_COMMANDS {
        scope.reserve(reserved);
    }
    let mut listed = Vec::new();
    let mut commands = Vec::new();
    let mut arms = Vec::new();
    for op in &client.operations {
        let name = scope.claim(&names::command_name(&op.xml_name), None);
        let xml = &op.xml_name;
        let doc = operation_doc(types, op);
        let OperationArgs {
            args,
            build,
            params,
        } = operation_args(cx, types, op);
        let arg_list: Vec<TokenStream> = args.iter().map(|a| arg_tokens(cx, a)).collect();
        let with_args = (!arg_list.is_empty()).then(|| quote! { .args([#(#arg_list),*]) });
        commands.push(quote! {
            #rt::cli::operation_command(#name, #xml, #doc) #with_args
        });
        let method = ident(&op.method);
        let call = quote! { client.#method(#(#params),*).await };
        // An acknowledgement with no content is shown as its empty element.
        let call = match &op.output {
            Some(part) if part.empty => {
                let ty = base_type(&part.ty);
                quote! { #call.map(|()| #ty::default()) }
            }
            _ => call,
        };
        arms.push(quote! {
            #name => {
                #(#build)*
                #rt::cli::response(#call)
            }
        });
        listed.push(quote! { (#name, #xml) });
    }
    let module_doc = format!(
        " The operations of port type `{}` as subcommands, run through [`{}`].",
        client.port_type, client.name
    );
    quote! {
        #[doc = #module_doc]
        pub mod #module {
            use super::super::*;

            /// (subcommand, operation) for every operation, in WSDL order.
            pub const COMMANDS: &[(&str, &str)] = &[#(#listed),*];

            /// One subcommand per operation: its documentation as help, one
            /// argument per request field.
            pub fn commands() -> Vec<#rt::cli::Command> {
                Vec::from([#(#commands),*])
            }

            /// Runs subcommand `name` (one of [`COMMANDS`]) with its parsed
            /// arguments: builds the request, calls the operation through
            /// `client` and returns the response as JSON.
            pub async fn run(
                client: &#client_ty,
                name: &str,
                matches: &#rt::cli::ArgMatches,
            ) -> Result<#rt::cli::Json, #rt::cli::CliError<#fault>> {
                match name {
                    #(#arms)*
                    other => Err(#rt::cli::CliError::UnknownCommand(other.to_owned())),
                }
            }
        }
    }
}

pub fn emit_cli(plan: &Plan, cx: &Cx, options: &Options) -> TokenStream {
    let types = Types::new(plan);
    let mut modules = Scope::default();
    modules.reserve("SENSITIVE_FIELDS");
    let clients = plan.clients.iter().map(|client| {
        let module = modules.claim(&names::field_name(&client.name), None);
        emit_client_cli(plan, client, &module, cx, &types)
    });
    let sensitive = options.sensitive_fields.iter();
    quote! {
        /// Command-line front end: per port type, one clap subcommand per
        /// operation and a function that runs it (see the runtime's `cli`
        /// module for parsing and output).
        pub mod cli {
            /// Element and attribute names whose values output must not show.
            pub const SENSITIVE_FIELDS: &[&str] = &[#(#sensitive),*];
            #(#clients)*
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_names_describe_the_expected_text() {
        assert_eq!(builtin_value_name("i32"), "INTEGER");
        assert_eq!(builtin_value_name("rt::List<i32>"), "LIST");
        assert_eq!(builtin_value_name("rt::DateTime"), "DATETIME");
        assert_eq!(builtin_value_name("Unknown"), "VALUE");
    }

    #[test]
    fn help_is_one_line() {
        assert_eq!(one_line(Some("  a\n   b  ")), "a b");
        assert_eq!(one_line(None), "");
    }
}
