//! `bitrix24-api/tests/support/items.rs`: every generated method and event behind its scope's feature, for
//! the tests that go over all of them (conformance, the simulator's round trips). Generated, so that no
//! test keeps a hand-written list of the API.

use proc_macro2::TokenStream;
use quote::quote;

use super::scope::file_stem;
use crate::model::Api;
use crate::names;

/// Where the file goes, relative to the workspace root; tests include it with `#[path]`.
pub const PATH: &str = "bitrix24-api/tests/support/items.rs";

pub fn file(api: &Api) -> TokenStream {
    let features = api.modules.iter().map(|m| &m.name);
    let scopes = api.modules.iter().map(|m| {
        let feature = &m.name;
        let module = names::module_ident(&file_stem(&m.name));
        let methods = m.methods.iter().map(|x| {
            let ty = names::type_ident(&x.request.name);
            let page = &x.doc.path;
            quote!(visit.method::<#ty>(#page);)
        });
        let events = m.events.iter().map(|e| {
            let ty = names::type_ident(&e.payload.name);
            let page = &e.doc.path;
            quote!(visit.event::<#ty>(#page);)
        });
        quote! {
            #[cfg(feature = #feature)]
            {
                use bitrix24_api::generated::#module::*;
                #(#methods)*
                #(#events)*
            }
        }
    });
    quote! {
        //! Every generated method and event, behind its scope's feature.
        #![allow(dead_code, deprecated)]

        /// What a test does with each generated method and event, given the api-spec page it comes from.
        pub trait Visit {
            fn method<M: bitrix24_api::Method>(&mut self, page: &'static str);
            fn event<E: bitrix24_api::Event>(&mut self, page: &'static str);
        }

        /// Whether every scope feature is on, so that a page without a type is a gap rather than a scope
        /// left out of the build.
        pub const ALL_SCOPES: bool = cfg!(all(#(feature = #features),*));

        /// Calls `visit` once for each method and event of the enabled scopes, in module order.
        pub fn visit(visit: &mut impl Visit) {
            #(#scopes)*
        }
    }
}
