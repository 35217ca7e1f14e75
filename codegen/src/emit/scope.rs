//! A module's `mod.rs`: its files, its re-exports and its handle on the client (`client.imopenlines()`).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::types::{self, Uses};
use crate::model::{Alias, MethodDef, Module};
use crate::names;

/// The name of a method's or event's file (and module), with keywords escaped.
pub fn file_stem(module: &str) -> String {
    names::module_ident(module).to_string()
}

/// The handle type, such as `Imopenlines`.
pub fn handle_name(module: &Module) -> String {
    names::scope_handle(&module.name)
}

/// `crate::event_set!`: the scope's enum of its events (`ImopenlinesEvent`), when it has any.
fn event_set(module: &Module) -> Option<TokenStream> {
    if module.events.is_empty() {
        return None;
    }
    let name = names::type_ident(&names::scope_events(&module.name));
    let doc = format!(
        " Every `{}` event: one handler receives them all through \
         [`Verified::decode_in`](crate::events::Verified::decode_in) and matches.",
        module.name
    );
    let events = module
        .events
        .iter()
        .map(|e| names::type_ident(&e.payload.name));
    Some(quote! {
        crate::event_set!(
            #[doc = #doc]
            #name { #(#events),* }
        );
    })
}

/// The module's `mod.rs`. With `inline`, the files' contents go inside the `mod` items, which is how the
/// cursed-names fixture compiles as one test file.
pub fn file(module: &Module, inline: Option<&[(String, TokenStream)]>) -> TokenStream {
    let doc = format!(
        " `{0}.*`: its methods and events, behind the `{0}` feature.",
        module.name
    );
    let doc = quote!(#![doc = #doc]);
    let mods = match inline {
        Some(files) => files
            .iter()
            .map(|(stem, body)| {
                let ident = names::type_ident(stem);
                quote! { mod #ident { #body } }
            })
            .collect::<Vec<_>>(),
        None => has_shared(module)
            .then(|| crate::typespace::SHARED.to_owned())
            .into_iter()
            .chain(module.methods.iter().map(|m| file_stem(&m.module)))
            .chain(module.events.iter().map(|e| file_stem(&e.module)))
            .map(|stem| {
                let ident = names::type_ident(&stem);
                quote! { mod #ident; }
            })
            .collect(),
    };
    let shared_stem = crate::typespace::SHARED.to_owned();
    let shared = has_shared(module).then(|| (&shared_stem, module.shared.type_names()));
    let methods = module.methods.iter().map(|m| (&m.module, m.type_names()));
    let events = module.events.iter().map(|e| (&e.module, e.type_names()));
    let exports = shared
        .into_iter()
        .chain(methods)
        .chain(events)
        .map(|(module, mut items)| {
            let stem = names::type_ident(&file_stem(module));
            items.sort_unstable();
            let items = items.into_iter().map(names::type_ident);
            quote! { pub use #stem::{#(#items),*}; }
        });
    let mut uses = Uses::default();
    let handle = handle(module, &mut uses);
    let imports = uses.items();
    let events = event_set(module);
    quote! {
        #doc
        #imports
        #(#mods)*
        #(#exports)*
        #handle
        #events
    }
}

/// `client.imopenlines().session_open(user_code)`: one function per method, taking the required fields.
fn handle(module: &Module, uses: &mut Uses) -> TokenStream {
    let name = names::type_ident(&handle_name(module));
    let accessor = names::value_ident(&module.name);
    let doc = format!(" The `{}.*` methods.", module.name);
    let functions: Vec<TokenStream> = module
        .methods
        .iter()
        .map(|m| accessor_fn(m, uses))
        .collect();
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy)]
        pub struct #name<'c> {
            client: &'c crate::Client,
        }

        impl crate::Client {
            #[doc = #doc]
            pub fn #accessor(&self) -> #name<'_> {
                #name { client: self }
            }
        }

        impl<'c> #name<'c> {
            #(#functions)*
        }
    }
}

fn accessor_fn(method: &MethodDef, uses: &mut Uses) -> TokenStream {
    let ident = names::value_ident(&method.accessor);
    let request = names::type_ident(&method.request.name);
    let required: Vec<_> = method
        .request
        .fields
        .iter()
        .filter(|f| f.required)
        .collect();
    let params = required.iter().map(|f| {
        let ident = names::value_ident(&f.ident);
        let ty = types::argument_type(f, uses);
        quote!(#ident: #ty)
    });
    let args = required.iter().map(|f| names::value_ident(&f.ident));
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let title = docs::markdown(&method.doc.path, method.doc.title.trim_end_matches('.'));
    let doc = docs::attrs(&format!(
        "{title} (`{}`): see [`{}`].",
        method.wire, method.request.name
    ));
    let deprecated = docs::deprecated(&method.doc);
    quote! {
        #doc
        #deprecated
        #many
        pub fn #ident(&self, #(#params),*) -> crate::Call<'c, #request> {
            crate::Call::new(self.client, #request::new(#(#args),*))
        }
    }
}

fn has_shared(module: &Module) -> bool {
    !module.shared.structs.is_empty() || !module.shared.enums.is_empty()
}

/// The module's shared types, or `None` when no two of its methods and events define a type alike.
pub fn shared_file(module: &Module) -> Option<TokenStream> {
    if !has_shared(module) {
        return None;
    }
    let mut uses = Uses::default();
    let structs: Vec<TokenStream> = module
        .shared
        .structs
        .iter()
        .map(|(page, s)| types::structure(s, &docs::markdown(page, &s.doc), page, &mut uses))
        .collect();
    let enums = module
        .shared
        .enums
        .iter()
        .map(|(page, e)| types::values_enum(e, page));
    let imports = uses.items();
    let doc = format!(
        " Types that several `{}.*` methods and events define alike, defined once; each keeps its own \
         name for them as an alias.",
        module.name
    );
    Some(quote! {
        #![doc = #doc]
        #imports
        #(#structs)*
        #(#enums)*
    })
}

/// An item's own names for the shared types it uses (an import where the shared type kept its name).
pub fn aliases(aliases: &[Alias]) -> TokenStream {
    let items = aliases.iter().map(|a| {
        let name = names::type_ident(&a.name);
        let target = names::type_ident(&a.target);
        if a.name == a.target {
            return quote! { use super::shared::#target; };
        }
        let doc = format!(
            " This page's name for the shared [`{0}`](super::shared::{0}).",
            a.target
        );
        quote! {
            #[doc = #doc]
            pub type #name = super::shared::#target;
        }
    });
    quote!(#(#items)*)
}
