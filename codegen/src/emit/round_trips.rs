//! `bitrix24-api/tests/support/round_trips.rs`: one call per scope, built from its page's request example, for
//! the test that sends each over HTTP to the simulator (which answers with the page's response example).
//!
//! Per scope the first method that can make the trip is taken: one whose request example the builders
//! express exactly (or, for a page that shows none, one that needs no parameter: `{}`) and whose page shows a
//! response example, preferring methods safe to repeat (reads).

use proc_macro2::TokenStream;
use quote::quote;

use super::examples::build_request;
use crate::model::{Api, MethodDef, Module};

/// Where the file goes, relative to the workspace root; the test includes it with `#[path]`.
pub const PATH: &str = "bitrix24-api/tests/support/round_trips.rs";

/// The method of `module` that makes its round trip, with the built request.
fn pick(module: &Module) -> Option<(&MethodDef, TokenStream)> {
    let candidates = module.methods.iter().filter(|m| m.has_response_example);
    let (reads, writes): (Vec<_>, Vec<_>) = candidates.partition(|m| m.safe_to_repeat);
    reads.into_iter().chain(writes).find_map(|method| {
        let empty = serde_json::json!({});
        let examples = match method.request_examples.as_slice() {
            [] => std::slice::from_ref(&empty),
            shown => shown,
        };
        let built = examples
            .iter()
            .filter_map(|example| build_request(module, method, example).ok())
            .find(|built| built.differences.is_empty())?
            .expr;
        Some((method, built))
    })
}

pub fn file(api: &Api) -> TokenStream {
    let trips = api.modules.iter().filter_map(|module| {
        let (method, request) = pick(module)?;
        let feature = &module.name;
        let wire = &method.wire;
        Some(quote! {
            #[cfg(feature = #feature)]
            out.push((#feature, #wire, Box::pin(async move {
                client.call(#request).await.map(|_| ()).map_err(|e| e.to_string())
            })));
        })
    });
    let scopes = api
        .modules
        .iter()
        .filter(|m| pick(m).is_some())
        .map(|m| &m.name);
    quote! {
        //! One call per scope, built from its page's request example.
        #![allow(dead_code, deprecated)]

        use std::future::Future;
        use std::pin::Pin;

        /// A call on its way: `Ok` when the answer decoded into the method's types.
        pub type Trip<'c> = Pin<Box<dyn Future<Output = Result<(), String>> + 'c>>;

        /// The scopes that have a method able to make the trip.
        pub const SCOPES: &[&str] = &[#(#scopes),*];

        /// `(scope, method, its call on client)` for each enabled scope.
        #[allow(clippy::vec_init_then_push, unused_mut)]
        pub fn round_trips(client: &bitrix24_api::Client) -> Vec<(&'static str, &'static str, Trip<'_>)> {
            let mut out: Vec<(&'static str, &'static str, Trip<'_>)> = Vec::new();
            #(#trips)*
            out
        }
    }
}
