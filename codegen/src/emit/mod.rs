//! [`crate::model`] → token streams, one file at a time.

mod docs;
mod errors;
mod event;
mod examples;
mod items;
mod method;
mod round_trips;
mod scope;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, Module};

/// The directory the generated modules go to, relative to the workspace root.
pub const GENERATED_DIR: &str = "bitrix24-api/src/generated";

/// A file to write: its path relative to the workspace root, and its items.
pub struct FileTokens {
    pub path: String,
    pub tokens: TokenStream,
}

/// Every file of the generated tree.
pub fn api(api: &Api, system_page: &str) -> Vec<FileTokens> {
    let mut files = vec![
        FileTokens {
            path: format!("{GENERATED_DIR}/mod.rs"),
            tokens: root(&api.modules),
        },
        FileTokens {
            path: format!("{GENERATED_DIR}/system.rs"),
            tokens: errors::system_error(&api.system, system_page),
        },
    ];
    files.push(FileTokens {
        path: examples::PATH.to_owned(),
        tokens: examples::file(api),
    });
    files.push(FileTokens {
        path: items::PATH.to_owned(),
        tokens: items::file(api),
    });
    files.push(FileTokens {
        path: round_trips::PATH.to_owned(),
        tokens: round_trips::file(api),
    });
    for module in &api.modules {
        let dir = format!("{GENERATED_DIR}/{}", scope::file_stem(&module.name));
        files.push(FileTokens {
            path: format!("{dir}/mod.rs"),
            tokens: scope::file(module, None),
        });
        for (stem, tokens) in module_files(module) {
            files.push(FileTokens {
                path: format!("{dir}/{stem}.rs"),
                tokens,
            });
        }
    }
    files
}

/// One module with its method and event files inlined, as a single file.
pub fn inline_module(module: &Module) -> TokenStream {
    scope::file(module, Some(&module_files(module)))
}

/// The files of a module's shared types (when it has any), methods and events: `(file stem, items)`.
fn module_files(module: &Module) -> Vec<(String, TokenStream)> {
    let shared = scope::shared_file(module).map(|t| (crate::typespace::SHARED.to_owned(), t));
    let methods = module
        .methods
        .iter()
        .map(|m| (scope::file_stem(&m.module), method::file(m)));
    let events = module
        .events
        .iter()
        .map(|e| (scope::file_stem(&e.module), event::file(e)));
    shared.into_iter().chain(methods).chain(events).collect()
}

/// `generated/mod.rs`: the system errors, and each module behind its feature.
fn root(modules: &[Module]) -> TokenStream {
    let mods = modules.iter().map(|m| {
        let feature = &m.name;
        let ident = crate::names::type_ident(&scope::file_stem(&m.name));
        // The module's own code names its deprecated items; their users get the warning.
        quote! {
            #[cfg(feature = #feature)]
            #[rustfmt::skip]
            #[allow(deprecated)]
            pub mod #ident;
        }
    });
    quote! {
        //! Generated from api-spec: the system errors, and one module per scope behind its Cargo feature.
        #[rustfmt::skip]
        /// The platform-level errors any method can return.
        pub mod system;
        #(#mods)*
    }
}
