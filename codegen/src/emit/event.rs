//! One event's file: the payload struct, its nested types and the `Event` impl.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::types::{self, Uses};
use crate::model::EventDef;
use crate::names;

/// The event's docs: what raises it, scope, who may subscribe and the official page.
fn event_doc(event: &EventDef) -> String {
    let page = event.doc.path.as_str();
    let title = docs::markdown(page, event.doc.title.trim_end_matches('.'));
    let mut doc = format!("{title} (`{}`).\n\n", event.wire);
    if !event.doc.description.is_empty() {
        doc.push_str(&docs::markdown(page, &event.doc.description));
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("- Scope: `{}`\n", event.scope));
    // A facts-only page keeps the label and leaves who it is to us: then there is nothing to say.
    if let Some(who) = event
        .doc
        .who_can
        .as_deref()
        .map(docs::who)
        .filter(|w| !w.is_empty())
    {
        doc.push_str(&format!(
            "- Who may subscribe: {}\n",
            docs::markdown(page, who)
        ));
    }
    doc.push_str(&format!("\n[Official documentation]({})\n", event.doc.url));
    doc
}

/// The items of an event's module, with its imports first.
pub fn file(event: &EventDef) -> TokenStream {
    let mut uses = Uses::default();
    let page = event.doc.path.as_str();
    let payload = types::structure(&event.payload, &event_doc(event), page, &mut uses);
    let deprecated = docs::deprecated(&event.doc);
    let payload = quote!(#deprecated #payload);
    let structs: Vec<TokenStream> = event
        .structs
        .iter()
        .map(|s| types::structure(s, &docs::markdown(page, &s.doc), page, &mut uses))
        .collect();
    let enums: Vec<TokenStream> = event
        .enums
        .iter()
        .map(|e| types::values_enum(e, page))
        .collect();
    let imports = uses.items();
    let name = names::type_ident(&event.payload.name);
    let aliases = super::scope::aliases(&event.aliases);
    let code = event.wire.to_ascii_uppercase();
    let scope = &event.scope;
    quote! {
        #imports
        #payload
        impl crate::method::Event for #name {
            const NAME: &'static str = #code;
            const SCOPE: &'static str = #scope;
        }
        #(#structs)*
        #(#enums)*
        #aliases
    }
}
