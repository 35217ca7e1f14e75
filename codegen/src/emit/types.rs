//! Structs and their fields: Rust types, serde attributes with the wire adapters, constructors and setters.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use crate::model::{EnumDef, FieldDef, Role, StructDef, Ty};
use crate::names;

/// The imports one file needs, noted while its items are emitted.
#[derive(Debug, Default)]
pub struct Uses {
    pub btree_map: bool,
    pub serde_as: bool,
    pub wire: bool,
    pub deserialize: bool,
    pub serialize: bool,
}

impl Uses {
    /// The `use` items, in a fixed order.
    pub fn items(&self) -> TokenStream {
        let mut out = TokenStream::new();
        if self.btree_map {
            out.extend(quote! { use std::collections::BTreeMap; });
        }
        match (self.deserialize, self.serialize) {
            (true, true) => out.extend(quote! { use serde::{Deserialize, Serialize}; }),
            (true, false) => out.extend(quote! { use serde::Deserialize; }),
            (false, true) => out.extend(quote! { use serde::Serialize; }),
            (false, false) => {}
        }
        if self.serde_as {
            out.extend(quote! { use serde_with::serde_as; });
        }
        if self.wire {
            out.extend(quote! { use crate::wire; });
        }
        out
    }
}

/// The Rust type of `ty`. Decoded dates are `Option<String>` (the adapter maps `false` and `""` to `None`).
pub fn rust_type(ty: &Ty, role: Role, uses: &mut Uses) -> TokenStream {
    match ty {
        Ty::Int => quote!(i64),
        Ty::Float => quote!(f64),
        Ty::Bool => quote!(bool),
        Ty::Str => quote!(String),
        Ty::IntOrStr if role == Role::Request => {
            uses.wire = true;
            quote!(wire::IntOrStr)
        }
        Ty::IntOrStr => quote!(String),
        Ty::DateTime if role == Role::Decoded => quote!(Option<String>),
        Ty::DateTime => quote!(String),
        Ty::Json => quote!(serde_json::Value),
        Ty::List(item) => {
            let item = rust_type(item, role, uses);
            quote!(Vec<#item>)
        }
        Ty::Map(value) => {
            uses.btree_map = true;
            let value = rust_type(value, role, uses);
            quote!(BTreeMap<String, #value>)
        }
        Ty::Struct(name) | Ty::Enum(name) => {
            let name = names::type_ident(name);
            quote!(#name)
        }
    }
}

/// An enum of documented values: the type here, its wire side from the runtime's `documented_values!`.
pub fn values_enum(def: &EnumDef, page: &str) -> TokenStream {
    let name = names::type_ident(&def.name);
    let doc = docs::attrs(&docs::markdown(page, &def.doc));
    let variants: Vec<_> = def
        .variants
        .iter()
        .map(|(v, _)| names::type_ident(v))
        .collect();
    let docs = def.variants.iter().map(|(_, wire)| format!(" `{wire}`"));
    let wires = def.variants.iter().map(|(_, wire)| wire);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#[doc = #docs] #variants,)*
            /// A value the page does not list, kept as sent.
            Unknown(String),
        }

        crate::documented_values!(#name { #(#variants = #wires),* });
    }
}

/// The `serde_as` adapter that decodes `ty` leniently, or `None` when it decodes as it stands. Lists and
/// maps always take one, because PHP sends either shape for either (`[]` for an empty map, `{"0": …}`
/// for a list with gaps).
pub fn adapter(ty: &Ty) -> Option<String> {
    match ty {
        Ty::Int => Some("wire::Int".to_owned()),
        Ty::Float => Some("wire::Float".to_owned()),
        Ty::Bool => Some("wire::Bool".to_owned()),
        Ty::Str | Ty::IntOrStr => Some("wire::Str".to_owned()),
        Ty::DateTime => Some("wire::DateTime".to_owned()),
        Ty::Json => None,
        Ty::List(item) => Some(match adapter(item) {
            Some(a) => format!("wire::List<{a}>"),
            None => "wire::List".to_owned(),
        }),
        Ty::Map(value) => Some(match adapter(value) {
            Some(a) => format!("wire::Map<{a}>"),
            None => "wire::Map".to_owned(),
        }),
        Ty::Struct(_) => Some("wire::EmptyAsDefault".to_owned()),
        Ty::Enum(_) => None,
    }
}

/// A struct with its derives and serde attributes and, for requests, `new` and setters. `doc` is the
/// struct's finished rustdoc.
pub fn structure(def: &StructDef, doc: &str, page: &str, uses: &mut Uses) -> TokenStream {
    let declaration = declaration(def, doc, page, uses);
    let builder = (def.role == Role::Request).then(|| builder(def, page, uses));
    quote! { #declaration #builder }
}

/// The struct alone, with its derives and serde attributes (a method's request carries the method's docs).
pub fn declaration(def: &StructDef, doc: &str, page: &str, uses: &mut Uses) -> TokenStream {
    let name = names::type_ident(&def.name);
    let doc = docs::attrs(doc);
    let case = case_rule(def);
    let fields: Vec<TokenStream> = def
        .fields
        .iter()
        .map(|f| field(f, def.role, case, page, uses))
        .collect();
    let rename_all = case.map(|rule| quote!(rename_all = #rule));
    let rest = def.rest.as_ref().map(|rest| {
        uses.btree_map = true;
        let ident = names::value_ident(&rest.ident);
        let doc = docs::attrs(&docs::markdown(page, &rest.doc));
        quote! { #doc #[serde(flatten)] pub #ident: BTreeMap<String, serde_json::Value>, }
    });
    let serde_as = def
        .fields
        .iter()
        .any(|f| field_adapter(f, def.role).is_some());
    uses.serde_as |= serde_as;
    let serde_as = serde_as.then(|| quote!(#[serde_as]));
    match def.role {
        Role::Request => {
            uses.serialize = true;
            let default = def
                .fields
                .iter()
                .all(|f| !f.required)
                .then(|| quote!(Default,));
            let serde = rename_all.map(|rule| quote!(#[serde(#rule)]));
            quote! {
                #doc
                #serde_as
                #[derive(Debug, Clone, #default PartialEq, Serialize)]
                #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
                #serde
                #[non_exhaustive]
                pub struct #name { #(#fields)* #rest }
            }
        }
        Role::Decoded => {
            uses.deserialize = true;
            quote! {
                #doc
                #serde_as
                #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
                #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
                #[serde(default, #rename_all)]
                #[non_exhaustive]
                pub struct #name { #(#fields)* #rest }
            }
        }
    }
}

/// The adapter that encodes `ty` as the platform expects: booleans go as `Y`/`N`; the rest as they are.
fn encoding_adapter(ty: &Ty) -> Option<String> {
    match ty {
        Ty::Bool => Some("wire::Bool".to_owned()),
        Ty::List(item) => encoding_adapter(item).map(|a| format!("Vec<{a}>")),
        Ty::Map(value) => encoding_adapter(value).map(|a| format!("BTreeMap<_, {a}>")),
        _ => None,
    }
}

/// The adapter a field is declared with: requests encode `Y`/`N` booleans, decoded fields are lenient.
fn field_adapter(field: &FieldDef, role: Role) -> Option<String> {
    if is_credential(field, role) {
        return None;
    }
    match (role, &field.ty) {
        (Role::Request, _) if field.json_bool => None,
        (Role::Request, ty) if field.required => encoding_adapter(ty),
        (Role::Request, ty) => encoding_adapter(ty).map(|a| format!("Option<{a}>")),
        (Role::Decoded, Ty::DateTime) => adapter(&field.ty),
        (Role::Decoded, ty) => adapter(ty).map(|a| format!("Option<{a}>")),
    }
}

/// Credentials that arrive in payloads (the `auth` block of events): typed as `Secret`, so that
/// printing a decoded event never shows them.
fn is_credential(field: &FieldDef, role: Role) -> bool {
    const CREDENTIALS: [&str; 4] = [
        "access_token",
        "refresh_token",
        "application_token",
        "client_secret",
    ];
    role == Role::Decoded && field.ty == Ty::Str && CREDENTIALS.contains(&field.wire.as_str())
}

/// The declared type of a field: `T` for a required request field, `Option<T>` otherwise.
fn field_type(field: &FieldDef, role: Role, uses: &mut Uses) -> TokenStream {
    if is_credential(field, role) {
        return quote!(Option<crate::Secret>);
    }
    let ty = rust_type(&field.ty, role, uses);
    let optional = match role {
        Role::Request => !field.required,
        Role::Decoded => field.ty != Ty::DateTime,
    };
    if optional { quote!(Option<#ty>) } else { ty }
}

/// The serde `rename_all` rule that names the most fields of `def` without a `rename` of their own
/// (`QUEUE_FULL` from `queue_full`, `chatId` from `chat_id`), when it saves at least two.
fn case_rule(def: &StructDef) -> Option<&'static str> {
    ["UPPERCASE", "camelCase"]
        .into_iter()
        .map(|rule| {
            let saved = def
                .fields
                .iter()
                .filter(|f| {
                    let name = serde_name(&f.ident);
                    name != f.wire && cased(Some(rule), &name) == f.wire
                })
                .count();
            (saved, rule)
        })
        .filter(|(saved, _)| *saved >= 2)
        .max_by_key(|(saved, _)| *saved)
        .map(|(_, rule)| rule)
}

/// The wire name serde gives a field named `name` under `rule`, as serde's own rename rules do.
fn cased(rule: Option<&str>, name: &str) -> String {
    match rule {
        Some("UPPERCASE") => name.to_ascii_uppercase(),
        Some("camelCase") => {
            let mut out = String::new();
            let mut upper = false;
            for ch in name.chars() {
                if ch == '_' {
                    upper = !out.is_empty();
                } else if upper {
                    out.push(ch.to_ascii_uppercase());
                    upper = false;
                } else {
                    out.push(ch);
                }
            }
            out
        }
        _ => name.to_owned(),
    }
}

fn field(
    field: &FieldDef,
    role: Role,
    case: Option<&str>,
    page: &str,
    uses: &mut Uses,
) -> TokenStream {
    let ident = names::value_ident(&field.ident);
    let doc = match named_struct(&field.ty) {
        Some(name) => docs::link_anchors_to(&field.doc, name),
        None => field.doc.clone(),
    };
    let doc = docs::attrs(&docs::markdown(page, &doc));
    let ty = field_type(field, role, uses);
    // Decoded fields only decode, so their schema (the `schemars` feature) is the decoded value's.
    let adapter = field_adapter(field, role).map(|a| {
        uses.wire = true;
        match role {
            Role::Request => quote!(#[serde_as(as = #a)]),
            Role::Decoded => quote!(#[serde_as(deserialize_as = #a)]),
        }
    });
    let rename = (cased(case, &serde_name(&field.ident)) != field.wire).then(|| {
        let wire = &field.wire;
        quote!(rename = #wire,)
    });
    let aliases = field.aliases.iter().map(|a| quote!(alias = #a,));
    let skip = (role == Role::Request && !field.required)
        .then(|| quote!(skip_serializing_if = "Option::is_none",));
    let has_serde = rename.is_some() || !field.aliases.is_empty() || skip.is_some();
    let serde = has_serde.then(|| quote!(#[serde(#rename #(#aliases)* #skip)]));
    quote! { #doc #adapter #serde pub #ident: #ty, }
}

/// The struct a field's values are, inside any list or map.
fn named_struct(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Struct(name) => Some(name),
        Ty::List(inner) | Ty::Map(inner) => named_struct(inner),
        _ => None,
    }
}

/// The name serde sees for a field: its identifier without `r#`.
fn serde_name(ident: &str) -> String {
    let ident = names::value_ident(ident).to_string();
    ident
        .strip_prefix("r#")
        .map_or(ident.clone(), str::to_owned)
}

/// The arguments of `crate::request!` and `crate::method!`: the required fields (`new`'s parameters), the
/// optional ones (a setter each) and the field that collects the keys the page leaves open.
pub struct BuilderFields {
    pub required: Vec<TokenStream>,
    pub optional: Vec<TokenStream>,
    /// Optional fields whose setter a `Call` cannot also have ([`names::CALL_METHODS`]).
    pub request_only: Vec<TokenStream>,
    pub rest: TokenStream,
}

impl BuilderFields {
    pub fn of(def: &StructDef, uses: &mut Uses) -> Self {
        let mut out = BuilderFields {
            required: Vec::new(),
            optional: Vec::new(),
            request_only: Vec::new(),
            rest: TokenStream::new(),
        };
        for f in &def.fields {
            let ident = names::value_ident(&f.ident);
            let ty = rust_type(&f.ty, Role::Request, uses);
            let arg = quote!(#ident: #ty);
            if f.required {
                out.required.push(arg);
            } else if names::CALL_METHODS.contains(&serde_name(&f.ident).as_str()) {
                out.request_only.push(arg);
            } else {
                out.optional.push(arg);
            }
        }
        if let Some(rest) = &def.rest {
            let ident = names::value_ident(&rest.ident);
            out.rest = quote!(rest #ident);
        }
        out
    }
}

/// `new(required…)` and one setter per optional field, from the runtime's `request!`, plus a setter for
/// the flattened keys.
fn builder(def: &StructDef, page: &str, uses: &mut Uses) -> TokenStream {
    let name = names::type_ident(&def.name);
    let BuilderFields {
        required,
        optional,
        request_only,
        rest,
    } = BuilderFields::of(def, uses);
    let optional = optional.iter().chain(&request_only);
    let rest_setter = rest_setter(def, page);
    quote! {
        crate::request!(#name(#(#required),*) { #(#optional),* } #rest);
        #rest_setter
    }
}

/// The setter of the field that collects the keys the page leaves open, when the struct has one.
pub fn rest_setter(def: &StructDef, page: &str) -> TokenStream {
    let Some(rest) = &def.rest else {
        return TokenStream::new();
    };
    let name = names::type_ident(&def.name);
    let ident = names::value_ident(&rest.ident);
    let doc = docs::attrs(&docs::markdown(page, &rest.doc));
    quote! {
        impl #name {
            #doc
            pub fn #ident(mut self, key: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
                self.#ident.insert(key.into(), value.into());
                self
            }
        }
    }
}

/// How a constructor takes a field: as `impl Into<T>`, the way `request!` declares it.
pub fn argument_type(field: &FieldDef, uses: &mut Uses) -> TokenStream {
    let ty = rust_type(&field.ty, Role::Request, uses);
    quote!(impl Into<#ty>)
}
