//! Error enums: one per method, and the shared `SystemError`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use crate::model::{MethodDef, SystemErrorDef};
use crate::names;

/// A method's error enum: one variant per documented code, `Other` for anything else, and the impls the
/// runtime needs (`MethodError`, `Display`, `Error`).
pub fn method_error(method: &MethodDef) -> TokenStream {
    let def = &method.errors;
    let page = method.doc.path.as_str();
    let name = names::type_ident(&def.name);
    let mut doc = format!(
        "The errors `{}` documents; `Other` keeps any other error as it arrived.",
        method.wire
    );
    if !def.uncoded.is_empty() {
        doc.push_str("\n\nThe page also documents these cases without a code to tell them by:\n");
        for case in &def.uncoded {
            doc.push_str(&format!("- {case}\n"));
        }
    }
    let doc = docs::attrs(&docs::markdown(page, &doc));
    let variants = def.variants.iter().map(|v| {
        let ident = names::type_ident(&v.name);
        let mut text = format!("`{}`.\n", v.code);
        for case in &v.cases {
            text.push_str(&format!("\n- {case}"));
        }
        let doc = docs::attrs(&docs::markdown(page, &text));
        quote! { #doc #ident { description: String, http_status: u16 }, }
    });
    let idents: Vec<_> = def
        .variants
        .iter()
        .map(|v| names::type_ident(&v.name))
        .collect();
    let codes: Vec<&str> = def.variants.iter().map(|v| v.code.as_str()).collect();
    let formats = codes.iter().map(|code| {
        format!(
            "{} (HTTP {{http_status}}): {{description}}",
            code.replace('{', "{{").replace('}', "}}")
        )
    });
    let from_documented = if idents.is_empty() {
        quote! {
            fn from_documented(_code: &str, _description: &str, _http_status: u16) -> Option<Self> {
                None
            }
        }
    } else {
        quote! {
            fn from_documented(code: &str, description: &str, http_status: u16) -> Option<Self> {
                let description = description.to_owned();
                match code {
                    #( #codes => Some(Self::#idents { description, http_status }), )*
                    _ => None,
                }
            }
        }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// An error the page does not document, as it arrived.
            Other { code: String, description: String, http_status: u16 },
        }

        impl crate::method::MethodError for #name {
            #from_documented

            fn fallback(code: String, description: String, http_status: u16) -> Self {
                Self::Other { code, description, http_status }
            }

            fn code(&self) -> &str {
                match self {
                    #( Self::#idents { .. } => #codes, )*
                    Self::Other { code, .. } => code,
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #( Self::#idents { description, http_status } => write!(f, #formats), )*
                    Self::Other { code, description, http_status } => write!(f, "{code} (HTTP {http_status}): {description}"),
                }
            }
        }

        impl std::error::Error for #name {}
    }
}

/// `SystemError`: the platform-level errors any method can return.
pub fn system_error(def: &SystemErrorDef, page: &str) -> TokenStream {
    let mut doc = String::from("A platform-level error, which any method can return.\n");
    if !def.doc.is_empty() {
        doc.push('\n');
        doc.push_str(&def.doc);
        doc.push('\n');
    }
    let doc = docs::attrs(&docs::markdown(page, &doc));
    let idents: Vec<_> = def
        .variants
        .iter()
        .map(|v| names::type_ident(&v.name))
        .collect();
    let codes: Vec<&str> = def.variants.iter().map(|v| v.code.as_str()).collect();
    let variants = def.variants.iter().map(|v| {
        let ident = names::type_ident(&v.name);
        let doc = docs::attrs(&docs::markdown(page, &format!("`{}`: {}", v.code, v.doc)));
        quote! { #doc #ident { description: String, http_status: u16 }, }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum SystemError {
            #(#variants)*
        }

        impl SystemError {
            /// The system error with this code, or `None` for any other code.
            pub fn from_wire(code: &str, description: &str, http_status: u16) -> Option<Self> {
                let description = description.to_owned();
                match code {
                    #( #codes => Some(Self::#idents { description, http_status }), )*
                    _ => None,
                }
            }

            /// The wire code (`error`).
            pub fn code(&self) -> &'static str {
                match self {
                    #( Self::#idents { .. } => #codes, )*
                }
            }

            /// The HTTP status the error arrived with (0 inside a batch).
            pub fn http_status(&self) -> u16 {
                match self {
                    #( Self::#idents { http_status, .. } )|* => *http_status,
                }
            }

            /// The wire description (`error_description`).
            pub fn description(&self) -> &str {
                match self {
                    #( Self::#idents { description, .. } )|* => description,
                }
            }
        }

        impl std::fmt::Display for SystemError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{} (HTTP {}): {}", self.code(), self.http_status(), self.description())
            }
        }

        impl std::error::Error for SystemError {}
    }
}
