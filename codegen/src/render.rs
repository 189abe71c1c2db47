//! Render: turns the emitted parts into source text, in parallel.
//!
//! Each part (one generated type, the clients, the samples...) is emitted
//! and rendered on its own on rayon's thread pool (`RAYON_NUM_THREADS`
//! sets its size), and the texts come back in the parts' order, so the
//! output does not depend on which thread did what. `proc_macro2` token
//! trees cannot cross threads: each thread builds its own [`Cx`] and hands
//! back text.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use rayon::prelude::*;

use crate::emit::{self, Cx, Part};
use crate::plan::Plan;
use crate::{Error, Options};

/// A part to render and how deep it will sit in module nesting (formatted
/// text is indented to match).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Job {
    pub part: Part,
    pub depth: usize,
}

/// Renders every job; the texts come back in the jobs' order. `context`
/// builds the emitting context each thread needs.
pub(crate) fn render_all(
    plan: &Plan,
    options: &Options,
    jobs: &[Job],
    format: bool,
    context: &(dyn Fn() -> Cx + Sync),
) -> Result<Vec<String>, Error> {
    jobs.par_iter()
        .map_init(context, |cx, job| {
            render(
                emit::emit_part(plan, cx, options, job.part),
                job.depth,
                format,
            )
        })
        .collect()
}

/// Source text for items that will sit `depth` modules deep: formatted by
/// prettyplease inside as many wrapper modules (so line breaks and
/// indentation come out as if the whole file had been formatted at once),
/// then unwrapped; or, unformatted, as `TokenStream::to_string` writes them.
pub(crate) fn render(tokens: TokenStream, depth: usize, format: bool) -> Result<String, Error> {
    if tokens.is_empty() {
        return Ok(String::new());
    }
    if !format {
        let mut text = tokens.to_string();
        text.push('\n');
        return Ok(text);
    }
    let mut wrapped = tokens;
    for _ in 0..depth {
        wrapped = quote! { mod __codegen_nest { #wrapped } };
    }
    let file: syn::File = syn::parse2(wrapped).map_err(|e| Error::Internal(e.to_string()))?;
    let text = prettyplease::unparse(&file);
    if depth == 0 {
        return Ok(text);
    }
    let lines: Vec<&str> = text.lines().collect();
    let inner = lines
        .get(depth..lines.len().saturating_sub(depth))
        .ok_or_else(|| Error::Internal("a nested part lost its wrapper".to_owned()))?;
    let mut out = String::with_capacity(text.len());
    for line in inner {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// A stand-in item for slot `index` of a skeleton; [`fill`] replaces it.
pub(crate) fn placeholder(index: usize) -> TokenStream {
    let index = Literal::usize_unsuffixed(index);
    quote! { __codegen_part!(#index); }
}

/// Replaces each slot's placeholder in a rendered skeleton by the slot's
/// text. Formatted, a placeholder is a line of its own (the slot text is
/// already indented); unformatted, it is `__codegen_part ! (N) ;` inline.
pub(crate) fn fill(skeleton: &str, slots: &[String], format: bool) -> Result<String, Error> {
    let mut out =
        String::with_capacity(skeleton.len() + slots.iter().map(String::len).sum::<usize>());
    let mut filled = 0;
    if format {
        for line in skeleton.split_inclusive('\n') {
            match slot_of(line.trim(), "__codegen_part!(", ");") {
                Some(index) => {
                    let text = slots
                        .get(index)
                        .ok_or_else(|| Error::Internal("an unknown placeholder".to_owned()))?;
                    out.push_str(text);
                    filled += 1;
                }
                None => out.push_str(line),
            }
        }
    } else {
        let mut rest = skeleton;
        while let Some(at) = rest.find("__codegen_part ! (") {
            out.push_str(&rest[..at]);
            let tail = &rest[at..];
            let end = tail
                .find(") ;")
                .ok_or_else(|| Error::Internal("an unterminated placeholder".to_owned()))?;
            let index = slot_of(&tail[..end + 3], "__codegen_part ! (", ") ;")
                .filter(|&i| i < slots.len())
                .ok_or_else(|| Error::Internal("an unknown placeholder".to_owned()))?;
            out.push_str(&slots[index]);
            filled += 1;
            rest = &tail[end + 3..];
        }
        out.push_str(rest);
    }
    if filled != slots.len() {
        return Err(Error::Internal(format!(
            "{filled} of {} placeholders found in the skeleton",
            slots.len()
        )));
    }
    Ok(out)
}

fn slot_of(text: &str, prefix: &str, suffix: &str) -> Option<usize> {
    text.strip_prefix(prefix)?
        .strip_suffix(suffix)?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_rendering_matches_formatting_in_place() {
        let item = quote! {
            pub struct Wide { pub a_rather_long_field_name: Option<Vec<String>>, pub another_long_field_name: Option<Vec<String>> }
        };
        let whole = prettyplease::unparse(
            &syn::parse2(quote! { pub mod outer { pub mod inner { #item } } }).expect("parses"),
        );
        let nested = render(item, 2, true).expect("renders");
        let expected: String = whole
            .lines()
            .skip(2)
            .take(whole.lines().count() - 4)
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(nested, expected);
        assert!(nested.starts_with("        pub struct Wide {"));
    }

    #[test]
    fn placeholders_are_filled_in_order_formatted_and_not() {
        let skeleton = {
            let first = placeholder(0);
            let second = placeholder(1);
            quote! { pub mod m { #first pub struct Between; #second } }
        };
        let slots = vec!["    struct A;\n".to_owned(), String::new()];
        let formatted = prettyplease::unparse(&syn::parse2(skeleton.clone()).expect("parses"));
        assert_eq!(
            fill(&formatted, &slots, true).expect("fills"),
            "pub mod m {\n    struct A;\n    pub struct Between;\n}\n"
        );
        let plain = fill(
            &skeleton.to_string(),
            &["struct A ;".to_owned(), String::new()],
            false,
        )
        .expect("fills");
        assert_eq!(plain, "pub mod m { struct A ; pub struct Between ;  }");
        assert!(fill(&formatted, &slots[..1], true).is_err());
    }
}
