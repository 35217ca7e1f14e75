//! One method's file: request, nested types, response, error enum and the `Method` impl.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{self, Uses};
use super::{docs, errors};
use crate::model::{MethodDef, ResponseBody, Role};
use crate::names;

/// The items of a method's module, with its imports first.
pub fn file(method: &MethodDef) -> TokenStream {
    let mut uses = Uses::default();
    let page = method.doc.path.as_str();
    let request = request(method, &mut uses);
    let response = response(method, &mut uses);
    let structs: Vec<TokenStream> = method
        .structs
        .iter()
        .map(|s| types::structure(s, &docs::markdown(page, &s.doc), page, &mut uses))
        .collect();
    let enums: Vec<TokenStream> = method
        .enums
        .iter()
        .map(|e| types::values_enum(e, page))
        .collect();
    let error = errors::method_error(method);
    let imports = uses.items();
    let aliases = super::scope::aliases(&method.aliases);
    quote! {
        #imports
        #request
        #response
        #(#structs)*
        #(#enums)*
        #aliases
        #error
    }
}

/// The method's docs: what it does, scope, who may call it, whether it is safe to repeat, its errors and
/// the official page.
fn method_doc(method: &MethodDef) -> String {
    let page = method.doc.path.as_str();
    let title = docs::markdown(page, method.doc.title.trim_end_matches('.'));
    let mut doc = format!("{title} (`{}`).\n\n", method.wire);
    if !method.doc.description.is_empty() {
        doc.push_str(&docs::markdown(page, &method.doc.description));
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("- Scope: `{}`\n", method.scope));
    // A facts-only page keeps the label and leaves who it is to us: then there is nothing to say.
    if let Some(who) = method
        .doc
        .who_can
        .as_deref()
        .map(docs::who)
        .filter(|w| !w.is_empty())
    {
        doc.push_str(&format!(
            "- Who may call it: {}\n",
            docs::markdown(page, who)
        ));
    }
    let repeat = match (method.safe_to_repeat, method.doc.rest_v3) {
        (true, _) => "yes",
        (false, true) => {
            "with the `Idempotency-Key` the client sends, which has the portal answer a repeat \
             with the first call's response"
        }
        (false, false) => "no",
    };
    doc.push_str(&format!(
        "- Safe to repeat after a transport failure: {repeat}\n"
    ));
    if method.doc.rest_v3 {
        doc.push_str(
            "- REST 3.0 ([overview](https://apidocs.bitrix24.com/api-reference/rest-v3.html)): called at \
             `/rest/api/`, never in a batch.\n",
        );
    }
    if method.doc.deprecated {
        match method.doc.replaced_by.as_slice() {
            [] => doc.push_str("- Deprecated.\n"),
            names => doc.push_str(&format!(
                "- Deprecated; the docs name {} in its place.\n",
                docs::replacements(&method.doc.path, names, true)
            )),
        }
    }
    if !method.constraints.is_empty() || !method.param_notes.is_empty() {
        doc.push_str("\n# Parameters\n");
        if !method.constraints.is_empty() {
            doc.push('\n');
        }
        for c in &method.constraints {
            doc.push_str(&format!("- {c}\n"));
        }
        for note in &method.param_notes {
            doc.push_str(&format!("\n{}\n", docs::markdown(page, note)));
        }
    }
    doc.push_str(&format!(
        "\n# Errors\n\n[`{}`], with a code of [`{}`]",
        method.errors.name, method.errors.code_name
    ));
    let codes: Vec<String> = method
        .errors
        .variants
        .iter()
        .map(|v| format!("`{}`", v.code))
        .collect();
    if !codes.is_empty() {
        doc.push_str(&format!(": {}", codes.join(", ")));
    }
    doc.push_str("; and any method can fail with a `SystemError`.\n");
    doc.push_str(&format!("\n[Official documentation]({})\n", method.doc.url));
    doc
}

/// The request struct, documented as the method, and the runtime's `method!` for its `Method` impl,
/// constructor and setters.
fn request(method: &MethodDef, uses: &mut Uses) -> TokenStream {
    let page = method.doc.path.as_str();
    let body = types::declaration(&method.request, &method_doc(method), page, uses);
    let name = names::type_ident(&method.request.name);
    let wire = &method.wire;
    let scope = &method.scope;
    let safe = method.safe_to_repeat;
    let response = names::type_ident(&method.response.name);
    // A scalar `result` is the scalar itself, read through the runtime's lenient adapter for it.
    // A `result` that may arrive wrapped once more reads through `wire::MaybeWrapped` around that.
    let adapter = match &method.response.body {
        ResponseBody::Newtype(ty) => types::adapter(ty),
        ResponseBody::Struct | ResponseBody::Alias(_) => None,
    };
    let adapter = match (adapter, method.response.also_wrapped) {
        (Some(a), true) => Some(format!("wire::MaybeWrapped<{a}>")),
        (None, true) => Some("wire::MaybeWrapped".to_owned()),
        (adapter, false) => adapter,
    };
    let response = match adapter.and_then(|a| syn::parse_str::<syn::Type>(&a).ok()) {
        Some(adapter) => {
            uses.wire = true;
            quote!(#response as #adapter)
        }
        None => quote!(#response),
    };
    let error = names::type_ident(&method.errors.name);
    let types::BuilderFields {
        required,
        optional,
        request_only,
        rest,
    } = types::BuilderFields::of(&method.request, uses);
    let only = (!request_only.is_empty()).then(|| quote!(only { #(#request_only),* }));
    let rest_setter = types::rest_setter(&method.request, page);
    let deprecated = docs::deprecated(&method.doc);
    let api = method.doc.rest_v3.then(|| quote!((v3)));
    quote! {
        #deprecated
        #body
        crate::method!(
            #name = #wire #api in #scope, safe: #safe, #response, #error;
            (#(#required),*) { #(#optional),* } #only #rest
        );
        #rest_setter
    }
}

/// The type of `result`: the struct is among the method's structs; an alias or newtype is made here.
fn response(method: &MethodDef, uses: &mut Uses) -> TokenStream {
    let page = method.doc.path.as_str();
    let response = &method.response;
    let name = names::type_ident(&response.name);
    let doc = docs::attrs(&docs::markdown(page, &response.doc));
    match &response.body {
        ResponseBody::Struct => TokenStream::new(),
        ResponseBody::Alias(ty) | ResponseBody::Newtype(ty) => {
            let ty = types::rust_type(ty, Role::Decoded, uses);
            quote! { #doc pub type #name = #ty; }
        }
    }
}
