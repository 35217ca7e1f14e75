//! `bitrix24-api/tests/generated_examples/examples.rs`: every request example of the spec against the
//! generated builders. Each one is turned into code here, built with the generated constructor and setters,
//! so the test shows that the builder reaches exactly the JSON the page sends. An example the types cannot
//! express becomes a failing entry with the reason. (Response and event examples are decoded by the
//! `conformance` test, through the generated list of items in [`super::items`].)

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};
use serde_json::Value;

use super::scope::file_stem;
use crate::model::{Api, FieldDef, MethodDef, Module, StructDef, Ty};
use crate::names;

/// Where the test module goes, relative to the workspace root; `bitrix24-api/tests/generated_examples.rs`
/// includes it (as `#[rustfmt::skip]`).
pub const PATH: &str = "bitrix24-api/tests/generated_examples/examples.rs";

pub fn file(api: &Api) -> TokenStream {
    let requests = api
        .modules
        .iter()
        .flat_map(|m| m.methods.iter().map(move |x| (m, x)))
        .flat_map(|(m, method)| {
            method.request_examples.iter().map(move |example| {
                let feature = &m.name;
                let wire = &method.wire;
                let expected = example.to_string();
                let built = match build_request(m, method, example) {
                    Ok(expr) => quote!(Ok(serde_json::to_value(#expr).unwrap())),
                    Err(reason) => quote!(Err(#reason)),
                };
                quote! {
                    #[cfg(feature = #feature)]
                    out.push((#wire, #built, serde_json::from_str(#expected).unwrap()));
                }
            })
        });
    quote! {
        //! Every request example of api-spec against the generated builders: each is what the builder sends.
        //! (Response and event examples are decoded, losslessly, by the `conformance` test.) Run with
        //! `--nocapture` to see the count.
        #![allow(deprecated)]

        use serde_json::Value;

        /// `(method, the request built with the generated types, the page's example)`.
        #[allow(clippy::vec_init_then_push, unused_mut)]
        fn request_examples() -> Vec<(&'static str, Result<Value, &'static str>, Value)> {
            let mut out = Vec::new();
            #(#requests)*
            out
        }

        /// Equal JSON, where a number and the numeric string of it count as the same, and so do `5` and
        /// `5.0`: PHP reads them alike.
        fn same_on_the_wire(built: &Value, expected: &Value) -> bool {
            match (built, expected) {
                (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => n.to_string() == *s,
                (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
                (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_on_the_wire(a, b)),
                (Value::Object(a), Value::Object(b)) => a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same_on_the_wire(v, w))),
                (a, b) => a == b,
            }
        }

        #[test]
        fn request_examples_encode() {
            let mut failures = Vec::new();
            let examples = request_examples();
            for (method, built, expected) in &examples {
                match built {
                    Ok(built) if same_on_the_wire(built, expected) => {}
                    Ok(built) => failures.push(format!("{method}: built {built}\n  the page sends {expected}")),
                    Err(reason) => failures.push(format!("{method}: {reason}")),
                }
            }
            println!("built {} request examples", examples.len() - failures.len());
            assert!(failures.is_empty(), "{} request examples differ:\n{}", failures.len(), failures.join("\n"));
        }
    }
}

fn type_path(module: &Module, name: &str) -> TokenStream {
    let module = names::type_ident(&file_stem(&module.name));
    let name = names::type_ident(name);
    quote!(bitrix24_api::generated::#module::#name)
}

/// The builder expression for one request example, or why the types cannot express it.
pub(super) fn build_request(
    module: &Module,
    method: &MethodDef,
    example: &Value,
) -> Result<TokenStream, String> {
    let cx = Cx { module, method };
    cx.structure(&method.request, example)
}

struct Cx<'a> {
    module: &'a Module,
    method: &'a MethodDef,
}

impl Cx<'_> {
    fn structure(&self, def: &StructDef, value: &Value) -> Result<TokenStream, String> {
        let Value::Object(map) = value else {
            return Err(format!("`{}` is sent as {value}, not an object", def.name));
        };
        let path = type_path(self.module, &def.name);
        for key in map.keys() {
            let known = def
                .fields
                .iter()
                .any(|f| &f.wire == key || f.aliases.contains(key));
            if !known && def.rest.is_none() {
                return Err(format!(
                    "the example sends `{key}`, which `{}` does not have",
                    def.name
                ));
            }
        }
        let mut args = Vec::new();
        for field in def.fields.iter().filter(|f| f.required) {
            let value = map
                .get(&field.wire)
                .ok_or_else(|| format!("the example leaves out the required `{}`", field.wire))?;
            args.push(self.value(field, &field.ty, value, true)?);
        }
        let mut setters = Vec::new();
        for field in def.fields.iter().filter(|f| !f.required) {
            if let Some(value) = map.get(&field.wire) {
                let ident = names::value_ident(&field.ident);
                let value = self.value(field, &field.ty, value, true)?;
                setters.push(quote!(.#ident(#value)));
            }
        }
        if let Some(rest) = &def.rest {
            let ident = names::value_ident(&rest.ident);
            for (key, value) in map
                .iter()
                .filter(|(k, _)| !def.fields.iter().any(|f| &f.wire == *k))
            {
                let value = json(value);
                setters.push(quote!(.#ident(#key, #value)));
            }
        }
        Ok(quote!(#path::new(#(#args),*) #(#setters)*))
    }

    /// `value` as an expression of type `ty`; `top` when it is an argument, where strings go in as `&str`.
    fn value(
        &self,
        field: &FieldDef,
        ty: &Ty,
        value: &Value,
        top: bool,
    ) -> Result<TokenStream, String> {
        let mismatch = || {
            format!(
                "`{}` is typed `{}` but the example sends {value}",
                field.wire,
                describe(ty)
            )
        };
        match (ty, value) {
            (Ty::Int, Value::Number(n)) => n
                .as_i64()
                .map(|n| Literal::i64_unsuffixed(n).into_token_stream())
                .ok_or_else(mismatch),
            // The platform reads a numeric string as the number; `same_on_the_wire` compares them so.
            (Ty::Int, Value::String(s)) => s
                .parse::<i64>()
                .map(|n| Literal::i64_unsuffixed(n).into_token_stream())
                .map_err(|_| mismatch()),
            (Ty::Float, Value::Number(n)) => n
                .as_f64()
                .map(|n| Literal::f64_unsuffixed(n).into_token_stream())
                .ok_or_else(mismatch),
            (Ty::Bool, Value::Bool(b)) => Ok(quote!(#b)),
            // Booleans go over the wire as `Y`/`N`, which is what `wire::Bool` sends back.
            (Ty::Bool, Value::String(s)) if s == "Y" || s == "N" => {
                let b = s == "Y";
                Ok(quote!(#b))
            }
            (Ty::IntOrStr, Value::String(s)) => Ok(quote!(#s)),
            (Ty::IntOrStr, Value::Number(n)) => n
                .as_i64()
                .map(|n| Literal::i64_unsuffixed(n).into_token_stream())
                .ok_or_else(mismatch),
            (Ty::Str | Ty::DateTime, Value::String(s)) if top => Ok(quote!(#s)),
            (Ty::Str | Ty::DateTime, Value::String(s)) => Ok(quote!(#s.to_owned())),
            (Ty::Json, value) => Ok(json(value)),
            (Ty::List(item), Value::Array(items)) => {
                let items = items
                    .iter()
                    .map(|v| self.value(field, item, v, false))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(quote!(vec![#(#items),*]))
            }
            (Ty::Map(item), Value::Object(map)) => {
                let entries = map
                    .iter()
                    .map(|(k, v)| {
                        self.value(field, item, v, false)
                            .map(|v| quote!((#k.to_owned(), #v)))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(quote!(std::collections::BTreeMap::from([#(#entries),*])))
            }
            (Ty::Enum(name), Value::String(s)) => {
                let path = type_path(self.module, name);
                Ok(quote!(#path::from(#s)))
            }
            (Ty::Struct(name), value) => {
                // The method's own struct, or the shared one its alias (or a shared struct) names.
                let shared = self
                    .method
                    .aliases
                    .iter()
                    .find(|a| &a.name == name)
                    .map_or(name, |a| &a.target);
                let def = self
                    .method
                    .structs
                    .iter()
                    .find(|s| &s.name == name)
                    .or_else(|| {
                        let mut structs = self.module.shared.structs.iter().map(|(_, s)| s);
                        structs.find(|s| &s.name == shared)
                    })
                    .ok_or_else(|| format!("no struct `{name}`"))?;
                self.structure(def, value)
            }
            _ => Err(mismatch()),
        }
    }
}

fn json(value: &Value) -> TokenStream {
    let text = value.to_string();
    quote!(serde_json::from_str::<serde_json::Value>(#text).unwrap())
}

fn describe(ty: &Ty) -> String {
    match ty {
        Ty::Int => "integer".to_owned(),
        Ty::Float => "number".to_owned(),
        Ty::Bool => "boolean".to_owned(),
        Ty::Str => "string".to_owned(),
        Ty::IntOrStr => "string|integer".to_owned(),
        Ty::DateTime => "datetime".to_owned(),
        Ty::Json => "any".to_owned(),
        Ty::List(item) => format!("{}[]", describe(item)),
        Ty::Map(item) => format!("map of {}", describe(item)),
        Ty::Struct(name) | Ty::Enum(name) => name.clone(),
    }
}
