//! Error enums: one per method, and the shared `SystemError`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use crate::model::{MethodDef, SystemErrorDef};
use crate::names;

/// A method's errors: the enum of its documented codes (`Other` for any other code), the runtime's
/// `error_codes!` for the impls, and the error type, `ApiError` of that enum.
pub fn method_error(method: &MethodDef) -> TokenStream {
    let def = &method.errors;
    let page = method.doc.path.as_str();
    let mut doc = format!(
        "The error codes `{}` documents; `Other` keeps any other code as it arrived.",
        method.wire
    );
    if !def.uncoded.is_empty() {
        doc.push_str("\n\nThe page also documents these cases without a code to tell them by:\n");
        for case in &def.uncoded {
            doc.push_str(&format!("- {case}\n"));
        }
    }
    // One documented case fits the code's line; several become a list below it.
    let variants = def.variants.iter().map(|v| {
        let text = match v.cases.as_slice() {
            [case] => format!("`{}`: {case}", v.code),
            cases => {
                let mut text = format!("`{}`:\n", v.code);
                cases
                    .iter()
                    .for_each(|c| text.push_str(&format!("\n- {c}")));
                text
            }
        };
        (v.name.as_str(), v.code.as_str(), text)
    });
    let error = names::type_ident(&def.name);
    let wire = &method.wire;
    code_enum(
        &def.code_name,
        page,
        &doc,
        variants,
        Declares::Fallback(quote!(=> #error of #wire)),
    )
}

/// What an `error_codes!` call declares besides the impls.
enum Declares {
    /// An `Other(String)` variant, and the method's error type after `=>`.
    Fallback(TokenStream),
    /// Nothing: the set is closed.
    Closed,
}

/// An enum of error codes, each variant documented, and its `error_codes!` call.
fn code_enum<'v>(
    name: &str,
    page: &str,
    doc: &str,
    variants: impl Iterator<Item = (&'v str, &'v str, String)>,
    declares: Declares,
) -> TokenStream {
    let doc = docs::attrs(&docs::markdown(page, doc));
    let name = names::type_ident(name);
    let mut decls = Vec::new();
    let mut pairs = Vec::new();
    for (variant, code, text) in variants {
        let ident = names::type_ident(variant);
        let doc = docs::attrs(&docs::markdown(page, &text));
        decls.push(quote! { #doc #ident, });
        pairs.push(quote! { #ident = #code });
    }
    let (other, closed, error) = match declares {
        Declares::Fallback(error) => (
            quote! {
                /// A code the page does not document, as it arrived.
                Other(String),
            },
            quote!(),
            error,
        ),
        Declares::Closed => (quote!(), quote!(closed), quote!()),
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#decls)*
            #other
        }

        crate::error_codes!(#closed #name { #(#pairs),* } #error);
    }
}

/// `SystemError`: the platform-level errors any method can return, as `ApiError` of their codes.
pub fn system_error(def: &SystemErrorDef, page: &str) -> TokenStream {
    let mut doc =
        String::from("The codes of the platform-level errors, which any method can return.\n");
    if !def.doc.is_empty() {
        doc.push('\n');
        doc.push_str(&def.doc);
        doc.push('\n');
    }
    let variants = def.variants.iter().map(|v| {
        (
            v.name.as_str(),
            v.code.as_str(),
            format!("`{}`: {}", v.code, v.doc),
        )
    });
    let codes = code_enum("SystemErrorCode", page, &doc, variants, Declares::Closed);
    quote! {
        #codes
        /// A platform-level error, which any method can return: its [code](SystemErrorCode), the
        /// description and the HTTP status it arrived with (0 inside a batch).
        pub type SystemError = crate::ApiError<SystemErrorCode>;
    }
}
