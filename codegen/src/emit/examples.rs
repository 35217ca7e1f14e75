//! `bitrix24-api/tests/generated_examples/examples.rs`: every request example of the spec against the
//! generated builders. Each one is turned into code here, built with the generated constructor and setters,
//! so the test shows that the builder reaches exactly the JSON the page sends. An example the types cannot
//! express becomes a failing entry with the reason. (Response and event examples are decoded by the
//! `conformance` test, through the generated list of items in [`super::items`].)
//!
//! Where the page contradicts itself, the builder follows the table and the entry names the difference
//! ([`Category`]): the test then checks that the built request and the example differ there and only
//! there, and counts it as the docs' inconsistency.

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
                let (built, explained) = match build_request(m, method, example) {
                    Ok(Built { expr, differences }) => (
                        quote!(Ok(serde_json::to_value(#expr).unwrap())),
                        differences,
                    ),
                    Err(Unbuilt::Explained(difference)) => {
                        let reason = difference.category.label();
                        (quote!(Err(#reason)), vec![difference])
                    }
                    Err(Unbuilt::Reason(reason)) => (quote!(Err(#reason)), Vec::new()),
                };
                let explained = explained.iter().map(Difference::tokens);
                quote! {
                    #[cfg(feature = #feature)]
                    out.push(Example {
                        method: #wire,
                        built: #built,
                        sent: serde_json::from_str(#expected).unwrap(),
                        explained: &[#(#explained),*],
                    });
                }
            })
        });
    quote! {
        //! Every request example of api-spec against the generated builders: each is what the builder sends,
        //! or differs from it only where the page contradicts itself, in a named way. (Response and event
        //! examples are decoded, losslessly, by the `conformance` test.) Run with `--nocapture` to see the
        //! summary (`request examples: N of M encode as the page sends them, K unexplained`), then each
        //! explained difference and each unexplained one.
        #![allow(deprecated)]

        use std::collections::BTreeMap;

        use serde_json::Value;

        /// One request example of a page.
        struct Example {
            method: &'static str,
            /// The request built with the generated types, or why it cannot be.
            built: Result<Value, &'static str>,
            /// What the page sends.
            sent: Value,
            /// Where the page contradicts itself, and so the built request may differ from it.
            explained: &'static [Explained],
        }

        /// A key where the page contradicts itself.
        struct Explained {
            /// The category of the inconsistency, as the summary counts it.
            category: &'static str,
            /// The key in the page's example, as a path of keys and list indexes.
            path: &'static [&'static str],
            /// The name the table gives the key (`case only`): the builder sends that one.
            table: Option<&'static str>,
        }

        /// The request examples of the scopes this build enables.
        #[allow(clippy::vec_init_then_push, unused_mut)]
        fn request_examples() -> Vec<Example> {
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

        /// The object holding the last key of `path`, and that key; `None` where `value` has no such place.
        fn parent<'v>(value: &'v mut Value, path: &[&'static str]) -> Option<(&'v mut serde_json::Map<String, Value>, &'static str)> {
            let (last, parents) = path.split_last()?;
            let mut at = value;
            for key in parents {
                at = match at {
                    Value::Object(map) => map.get_mut(*key)?,
                    Value::Array(items) => items.get_mut(key.parse::<usize>().ok()?)?,
                    _ => return None,
                };
            }
            Some((at.as_object_mut()?, *last))
        }

        /// The built request and the page's example with the explained keys set aside, or why they cannot
        /// be: each explained key must be where its category says.
        fn set_aside(built: &Value, sent: &Value, explained: &[Explained]) -> Result<(Value, Value), String> {
            let (mut built, mut sent) = (built.clone(), sent.clone());
            for e in explained {
                let path = e.path.join(".");
                let missing = |side: &str| format!("{}: no `{path}` in the {side}", e.category);
                match (e.category, e.table) {
                    // The builder sends the table's name: the example's key is renamed to it.
                    ("case only", Some(table)) => {
                        let (map, key) = parent(&mut sent, e.path).ok_or_else(|| missing("example"))?;
                        let value = map.remove(key).ok_or_else(|| missing("example"))?;
                        map.insert(table.to_owned(), value);
                    }
                    // The builder had to be given the parameter the example leaves out.
                    ("required left out", None) => {
                        let (map, key) = parent(&mut built, e.path).ok_or_else(|| missing("request"))?;
                        map.remove(key).ok_or_else(|| missing("request"))?;
                    }
                    // The builder was given a value of the table's type in place of the example's.
                    ("text for a number" | "boolean spelled otherwise", None) => {
                        for (side, value) in [("request", &mut built), ("example", &mut sent)] {
                            let (map, key) = parent(value, e.path).ok_or_else(|| missing(side))?;
                            map.remove(key).ok_or_else(|| missing(side))?;
                        }
                    }
                    (category, _) => return Err(format!("no rule sets aside `{category}`")),
                }
            }
            Ok((built, sent))
        }

        #[test]
        fn request_examples_encode() {
            let examples = request_examples();
            let mut exact = 0;
            let mut categories: BTreeMap<&str, usize> = BTreeMap::new();
            let mut explained = Vec::new();
            let mut unexplained = Vec::new();
            for Example { method, built, sent, explained: expected } in &examples {
                let judged = match built {
                    Ok(built) if expected.is_empty() && same_on_the_wire(built, sent) => {
                        exact += 1;
                        continue;
                    }
                    Ok(built) => set_aside(built, sent, expected).and_then(|(built, sent)| {
                        if same_on_the_wire(&built, &sent) {
                            Ok(())
                        } else {
                            Err(format!("built {built}\n  the page sends {sent}"))
                        }
                    }),
                    // A request the page sends as a positional list: nothing to build.
                    Err(reason) if matches!(expected, [e] if e.category == "positional" && e.category == *reason) => Ok(()),
                    Err(reason) => Err((*reason).to_owned()),
                };
                match judged {
                    Ok(()) => {
                        for e in *expected {
                            *categories.entry(e.category).or_default() += 1;
                            let table = e.table.map(|t| format!(" (the table: {t})")).unwrap_or_default();
                            explained.push(format!("{}: {method} {}{table}", e.category, e.path.join(".")));
                        }
                    }
                    Err(reason) => unexplained.push(format!("{method}: {reason}")),
                }
            }
            println!(
                "request examples: {exact} of {} encode as the page sends them, {} unexplained",
                examples.len(),
                unexplained.len()
            );
            for (category, count) in &categories {
                println!("docs inconsistency: {count} {category}");
            }
            for line in &explained {
                println!("explained: {line}");
            }
            for line in &unexplained {
                println!("unexplained: {line}");
            }
            assert!(unexplained.is_empty(), "{} request examples differ from what the builders send, unexplained (listed above)", unexplained.len());
        }
    }
}

/// Where a page contradicts itself in a request example, so that the builder, which follows the table,
/// cannot send what the example sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Category {
    /// The example sends a documented parameter under its name in other letter case (`ID` for `id`).
    CaseOnly,
    /// The table says the parameter is required; the example leaves it out.
    LeftOut,
    /// The table gives a number; the example sends text that is none (`your_id_here`).
    TextForNumber,
    /// The table gives a boolean (`Y`/`N`); the example spells it `0`/`1` or `"true"`/`"false"`.
    BooleanSpelling,
    /// The table names the parameters; the example sends them as a list, by position.
    Positional,
}

impl Category {
    /// How the test names it.
    fn label(self) -> &'static str {
        match self {
            Category::CaseOnly => "case only",
            Category::LeftOut => "required left out",
            Category::TextForNumber => "text for a number",
            Category::BooleanSpelling => "boolean spelled otherwise",
            Category::Positional => "positional",
        }
    }
}

/// One key of an example where the built request may differ, and why.
#[derive(Debug, Clone)]
pub(super) struct Difference {
    pub category: Category,
    /// The key in the page's example: keys and list indexes from the top.
    pub path: Vec<String>,
    /// The table's name of the key, for [`Category::CaseOnly`].
    pub table: Option<String>,
}

impl Difference {
    fn tokens(&self) -> TokenStream {
        let category = self.category.label();
        let path = &self.path;
        let table = match &self.table {
            Some(t) => quote!(Some(#t)),
            None => quote!(None),
        };
        quote!(Explained { category: #category, path: &[#(#path),*], table: #table })
    }
}

/// A request example built with the generated types.
pub(super) struct Built {
    pub expr: TokenStream,
    /// Where the page contradicts itself, so the built request differs from the example.
    pub differences: Vec<Difference>,
}

/// Why a request example is not built: a docs inconsistency that leaves nothing to build, or a reason.
pub(super) enum Unbuilt {
    Explained(Difference),
    Reason(String),
}

fn type_path(module: &Module, name: &str) -> TokenStream {
    let module = names::type_ident(&file_stem(&module.name));
    let name = names::type_ident(name);
    quote!(bitrix24_api::generated::#module::#name)
}

/// The builder expression for one request example and where it differs from the example, or why the
/// types cannot express it.
pub(super) fn build_request(
    module: &Module,
    method: &MethodDef,
    example: &Value,
) -> Result<Built, Unbuilt> {
    if example.is_array() {
        return Err(Unbuilt::Explained(Difference {
            category: Category::Positional,
            path: Vec::new(),
            table: None,
        }));
    }
    let mut cx = Cx {
        module,
        method,
        differences: Vec::new(),
        path: Vec::new(),
    };
    let expr = cx
        .structure(&method.request, example)
        .map_err(Unbuilt::Reason)?;
    Ok(Built {
        expr,
        differences: cx.differences,
    })
}

struct Cx<'a> {
    module: &'a Module,
    method: &'a MethodDef,
    differences: Vec<Difference>,
    /// Where in the example the walk is.
    path: Vec<String>,
}

impl<'a> Cx<'a> {
    fn structure(&mut self, def: &StructDef, value: &Value) -> Result<TokenStream, String> {
        let Value::Object(map) = value else {
            return Err(format!("`{}` is sent as {value}, not an object", def.name));
        };
        let path = type_path(self.module, &def.name);
        // Each key of the example with the field that takes it: by name, or by name in other case.
        let mut sent = Vec::new();
        for (key, value) in map {
            if let Some(field) = def.field(key) {
                sent.push((key, field, value));
            } else if let Some(field) = def.field_in_other_case(key) {
                self.differ(Category::CaseOnly, key, Some(&field.wire));
                sent.push((key, field, value));
            } else if def.rest.is_none() {
                return Err(format!(
                    "the example sends `{key}`, which `{}` does not have",
                    def.name
                ));
            }
        }
        let given = |field: &FieldDef| sent.iter().find(|(_, f, _)| f.wire == field.wire);
        let mut args = Vec::new();
        for field in def.fields.iter().filter(|f| f.required) {
            let arg = match given(field) {
                Some((key, _, value)) => self.at(key, |cx| cx.value(field, &field.ty, value, true)),
                None => {
                    self.differ(Category::LeftOut, &field.wire, None);
                    self.placeholder(&field.ty, true)
                }
            };
            args.push(arg?);
        }
        let mut setters = Vec::new();
        for field in def.fields.iter().filter(|f| !f.required) {
            if let Some((key, _, value)) = given(field) {
                let ident = names::value_ident(&field.ident);
                let value = self.at(key, |cx| cx.value(field, &field.ty, value, true))?;
                setters.push(quote!(.#ident(#value)));
            }
        }
        if let Some(rest) = &def.rest {
            let ident = names::value_ident(&rest.ident);
            let open = map
                .iter()
                .filter(|(k, _)| !sent.iter().any(|(key, _, _)| key == k));
            for (key, value) in open {
                let value = json(value);
                setters.push(quote!(.#ident(#key, #value)));
            }
        }
        Ok(quote!(#path::new(#(#args),*) #(#setters)*))
    }

    /// Runs `f` with the walk one key deeper.
    fn at<T>(&mut self, key: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(key.to_owned());
        let out = f(self);
        self.path.pop();
        out
    }

    /// Records a difference at `key` below the walk's place.
    fn differ(&mut self, category: Category, key: &str, table: Option<&str>) {
        let mut path = self.path.clone();
        path.push(key.to_owned());
        self.differences.push(Difference {
            category,
            path,
            table: table.map(str::to_owned),
        });
    }

    /// `value` as an expression of type `ty`; `top` when it is an argument, where strings go in as `&str`.
    fn value(
        &mut self,
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
        let int = |n: i64| Literal::i64_unsuffixed(n).into_token_stream();
        match (ty, value) {
            (Ty::Int, Value::Number(n)) => n.as_i64().map(int).ok_or_else(mismatch),
            // The platform reads a numeric string as the number; `same_on_the_wire` compares them so.
            (Ty::Int, Value::String(s)) if s.parse::<i64>().is_ok() => {
                Ok(int(s.parse().unwrap_or_default()))
            }
            (Ty::Float, Value::Number(n)) => n
                .as_f64()
                .map(|n| Literal::f64_unsuffixed(n).into_token_stream())
                .ok_or_else(mismatch),
            (Ty::Float, Value::String(s)) if s.parse::<f64>().is_ok() => {
                let n = Literal::f64_unsuffixed(s.parse().unwrap_or_default());
                Ok(n.into_token_stream())
            }
            (Ty::Int | Ty::Float, Value::String(_)) => {
                self.instead(Category::TextForNumber, ty, top)
            }
            (Ty::Bool, Value::Bool(b)) => Ok(quote!(#b)),
            // Booleans go over the wire as `Y`/`N`, which is what `wire::Bool` sends back.
            (Ty::Bool, Value::String(s)) if s == "Y" || s == "N" => {
                let b = s == "Y";
                Ok(quote!(#b))
            }
            (Ty::Bool, Value::Number(n)) if matches!(n.as_u64(), Some(0 | 1)) => {
                self.instead(Category::BooleanSpelling, ty, top)
            }
            (Ty::Bool, Value::String(s)) if matches!(s.as_str(), "0" | "1" | "true" | "false") => {
                self.instead(Category::BooleanSpelling, ty, top)
            }
            (Ty::IntOrStr, Value::String(s)) if top => Ok(quote!(#s)),
            (Ty::IntOrStr, Value::String(s)) => Ok(quote!(bitrix24_api::wire::IntOrStr::from(#s))),
            (Ty::IntOrStr, Value::Number(n)) => {
                let n = n.as_i64().map(int).ok_or_else(mismatch)?;
                Ok(if top {
                    n
                } else {
                    quote!(bitrix24_api::wire::IntOrStr::from(#n))
                })
            }
            (Ty::Str | Ty::DateTime, Value::String(s)) if top => Ok(quote!(#s)),
            (Ty::Str | Ty::DateTime, Value::String(s)) => Ok(quote!(#s.to_owned())),
            // A number where the table gives text: its digits, which the platform reads alike.
            (Ty::Str | Ty::DateTime, Value::Number(n)) => {
                let text = n.to_string();
                Ok(if top {
                    quote!(#text)
                } else {
                    quote!(#text.to_owned())
                })
            }
            (Ty::Json, value) => Ok(json(value)),
            (Ty::List(item), Value::Array(items)) => {
                let mut built = Vec::new();
                for (index, v) in items.iter().enumerate() {
                    built.push(self.at(&index.to_string(), |cx| cx.value(field, item, v, false))?);
                }
                Ok(quote!(vec![#(#built),*]))
            }
            (Ty::Map(item), Value::Object(map)) => {
                let mut entries = Vec::new();
                for (k, v) in map {
                    let v = self.at(k, |cx| cx.value(field, item, v, false))?;
                    entries.push(quote!((#k.to_owned(), #v)));
                }
                Ok(quote!(std::collections::BTreeMap::from([#(#entries),*])))
            }
            (Ty::Enum(name), Value::String(s)) => {
                let path = type_path(self.module, name);
                Ok(quote!(#path::from(#s)))
            }
            (Ty::Enum(name), Value::Number(n)) => {
                let path = type_path(self.module, name);
                let text = n.to_string();
                Ok(quote!(#path::from(#text)))
            }
            (Ty::Struct(name), value) => {
                let def = self.struct_def(name)?;
                self.structure(def, value)
            }
            _ => Err(mismatch()),
        }
    }

    /// The struct `name`: the method's own, or the shared one its alias (or a shared struct) names.
    fn struct_def(&self, name: &str) -> Result<&'a StructDef, String> {
        let (module, method) = (self.module, self.method);
        let shared = method
            .aliases
            .iter()
            .find(|a| a.name == name)
            .map_or(name, |a| &a.target);
        method
            .structs
            .iter()
            .find(|s| s.name == name)
            .or_else(|| {
                let mut structs = module.shared.structs.iter().map(|(_, s)| s);
                structs.find(|s| s.name == shared)
            })
            .ok_or_else(|| format!("no struct `{name}`"))
    }

    /// A value of `ty` in place of the example's, which the table's type cannot hold; recorded as a
    /// difference of `category` at the walk's place.
    fn instead(&mut self, category: Category, ty: &Ty, top: bool) -> Result<TokenStream, String> {
        let key = self.path.pop().unwrap_or_default();
        self.differ(category, &key, None);
        self.path.push(key);
        self.placeholder(ty, top)
    }

    /// Some value of `ty`, for a parameter the builder needs but the example does not give it; the test
    /// sets it aside. A struct's own required fields get one too, without a difference of their own.
    fn placeholder(&mut self, ty: &Ty, top: bool) -> Result<TokenStream, String> {
        Ok(match ty {
            Ty::Int => quote!(0),
            Ty::Float => quote!(0.0),
            Ty::Bool => quote!(false),
            Ty::Str | Ty::DateTime | Ty::IntOrStr if top => quote!(""),
            Ty::Str | Ty::DateTime => quote!(String::new()),
            Ty::IntOrStr => quote!(bitrix24_api::wire::IntOrStr::from("")),
            Ty::Json => quote!(serde_json::Value::Null),
            Ty::List(_) => quote!(Vec::new()),
            Ty::Map(_) => quote!(std::collections::BTreeMap::new()),
            Ty::Enum(name) => {
                let path = type_path(self.module, name);
                quote!(#path::from(""))
            }
            Ty::Struct(name) => {
                let def = self.struct_def(name)?;
                let recorded = self.differences.len();
                let built = self.structure(def, &Value::Object(Default::default()));
                self.differences.truncate(recorded);
                built?
            }
        })
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
