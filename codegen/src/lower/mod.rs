//! IR → [`crate::model`]: every name, type and doc decided, page by page.

mod errors;
mod fields;
mod shapes;

use std::collections::BTreeMap;

use bitrix24_ir::{Page, PageKind, Spec};

use crate::Options;
use crate::error::{Error, Result};
use crate::model::{
    Api, EventDef, MethodDef, Module, PageDoc, ResponseBody, ResponseDef, Role, StructDef, Ty,
};
use crate::names;
use crate::repeat;

pub use errors::SYSTEM_ERRORS_PAGE;
use fields::Types;

/// Lowers a whole spec: every method and event page, and the system errors.
pub fn api(spec: &Spec, options: &Options) -> Result<Api> {
    let system_page = spec
        .pages
        .iter()
        .find(|p| p.path == SYSTEM_ERRORS_PAGE)
        .ok_or_else(|| {
            Error::page(
                SYSTEM_ERRORS_PAGE,
                "the system-errors page is missing from the spec",
            )
        })?;
    let system = errors::system_errors(system_page)?;
    Ok(Api {
        modules: modules(spec, options)?,
        system,
    })
}

/// The methods and events of `spec`, grouped into modules by the first segment of the method name.
pub fn modules(spec: &Spec, options: &Options) -> Result<Vec<Module>> {
    let mut by_name: BTreeMap<String, Module> = BTreeMap::new();
    let method_pages: Vec<&Page> = spec
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::Method)
        .collect();
    for page in &method_pages {
        let method = method(page, options)?;
        let module = module_of(&method.wire, &page.path)?;
        entry(&mut by_name, &module).methods.push(method);
    }
    for page in spec.pages.iter().filter(|p| p.kind == PageKind::Event) {
        let module = event_module(page, &method_pages)?;
        entry(&mut by_name, &module).events.push(event(page)?);
    }
    let modules: Vec<Module> = by_name.into_values().collect();
    modules.iter().try_for_each(check_module)?;
    Ok(modules)
}

fn entry<'m>(by_name: &'m mut BTreeMap<String, Module>, name: &str) -> &'m mut Module {
    by_name.entry(name.to_owned()).or_insert_with(|| Module {
        name: name.to_owned(),
        methods: Vec::new(),
        events: Vec::new(),
        shared: Default::default(),
    })
}

/// `imconnector.send.messages` → `imconnector` (even where the documented scope is `imopenlines`).
fn module_of(wire: &str, page: &str) -> Result<String> {
    let (first, _) = wire
        .split_once('.')
        .ok_or_else(|| Error::page(page, format!("`{wire}` has no scope prefix")))?;
    names::snake(first).ok_or_else(|| Error::page(page, format!("`{wire}` gives no module name")))
}

/// An event belongs with the methods documented nearest to it: the deepest folder above the event page
/// that holds method pages decides.
fn event_module(page: &Page, methods: &[&Page]) -> Result<String> {
    let mut dir = page.path.as_str();
    while let Some((parent, _)) = dir.rsplit_once('/') {
        dir = parent;
        let prefix = format!("{dir}/");
        if let Some(method) = methods.iter().find(|m| m.path.starts_with(&prefix)) {
            let wire = method.names.first().map(String::as_str).unwrap_or_default();
            return module_of(wire, &method.path);
        }
    }
    let scope = page.scopes.first().ok_or_else(|| {
        Error::page(
            &page.path,
            "an event page with no method pages near it and no scope",
        )
    })?;
    names::snake(scope)
        .ok_or_else(|| Error::page(&page.path, format!("scope `{scope}` gives no module name")))
}

fn page_doc(page: &Page) -> PageDoc {
    let path = page
        .upstream
        .as_ref()
        .map_or(page.path.as_str(), |u| u.path.as_str());
    let url = format!(
        "https://apidocs.bitrix24.com/{}",
        path.strip_suffix(".md")
            .map_or_else(|| path.to_owned(), |p| format!("{p}.html"))
    );
    PageDoc {
        path: page.path.clone(),
        url,
        title: page.title.trim().to_owned(),
        description: page.description.trim().to_owned(),
        who_can: page.who_can.clone(),
        deprecated: page.deprecated,
    }
}

fn first_name(page: &Page) -> Result<&str> {
    page.names
        .first()
        .map(String::as_str)
        .ok_or_else(|| Error::page(&page.path, "the page names no method or event"))
}

fn scope(page: &Page) -> Result<String> {
    page.scopes
        .first()
        .cloned()
        .ok_or_else(|| Error::page(&page.path, "the page gives no scope"))
}

fn method(page: &Page, options: &Options) -> Result<MethodDef> {
    let wire = first_name(page)?.to_owned();
    let rest = wire.split_once('.').map_or("", |(_, rest)| rest);
    let base = names::pascal(rest)
        .ok_or_else(|| Error::page(&page.path, format!("`{wire}` gives no type name")))?;
    let snake = names::snake(rest)
        .ok_or_else(|| Error::page(&page.path, format!("`{wire}` gives no function name")))?;
    let mut types = Types::new(&page.path, &base);
    let request_name = types.claim("", &wire);
    let response_name = types.claim("Response", "result");
    let error_name = types.claim("Error", "error");
    let error_code_name = types.claim("ErrorCode", "error code");
    let doc = page_doc(page);
    let request_doc = format!("The request of `{wire}`.");
    let mut request = types.object(&request_name, Role::Request, request_doc, &page.params)?;
    let request_examples: Vec<serde_json::Value> = page
        .request_examples
        .iter()
        .filter_map(|e| e.value.clone())
        .collect();
    for example in &request_examples {
        mark_json_bools(&mut request, &mut types.structs, example);
    }
    let mut response = response(page, &mut types, response_name)?;
    let results: Vec<&serde_json::Value> = page
        .response
        .iter()
        .flat_map(|r| &r.examples)
        .filter_map(|e| e.value.as_ref()?.get("result"))
        .collect();
    shape_from_examples(&mut types, &mut response, &results);
    Ok(MethodDef {
        safe_to_repeat: repeat::safe_to_repeat(&wire, &options.safe_to_repeat),
        constraints: page
            .param_groups
            .iter()
            .map(|g| {
                let names: Vec<String> = g.params.iter().map(|p| format!("`{p}`")).collect();
                format!("Send {} {}.", g.kind.phrase(), names.join(", "))
            })
            .collect(),
        scope: scope(page)?,
        module: snake.clone(),
        accessor: snake,
        doc,
        request,
        response,
        errors: errors::method_errors(page, error_name, error_code_name)?,
        structs: types.structs,
        enums: types.enums,
        request_examples,
        aliases: Vec::new(),
        wire,
    })
}

/// Types what the response's tables leave as any JSON from the `result` of the page's examples.
fn shape_from_examples(
    types: &mut Types,
    response: &mut ResponseDef,
    results: &[&serde_json::Value],
) {
    let name = response.name.clone();
    match &mut response.body {
        ResponseBody::Struct => types.refine_struct(&name, results, 0),
        ResponseBody::Alias(ty) | ResponseBody::Newtype(ty) => {
            let mut ty = ty.clone();
            if types.refine(&name, "result", &mut ty, results) {
                response.body = if ty.decodes_plainly() {
                    ResponseBody::Alias(ty)
                } else {
                    ResponseBody::Newtype(ty)
                };
            } else if let ResponseBody::Alias(kept) | ResponseBody::Newtype(kept) =
                &mut response.body
            {
                *kept = ty;
            }
        }
    }
}

/// Booleans go as `Y`/`N` unless the page's own request example sends JSON `true`/`false` for them.
fn mark_json_bools(root: &mut StructDef, nested: &mut [StructDef], example: &serde_json::Value) {
    let mut work = mark_fields(root, example);
    while let Some((name, value)) = work.pop() {
        if let Some(def) = nested.iter_mut().find(|s| s.name == name) {
            work.extend(mark_fields(def, &value));
        }
    }
}

/// Marks the struct's JSON booleans; returns the nested structs to visit with their example values.
fn mark_fields(
    def: &mut StructDef,
    example: &serde_json::Value,
) -> Vec<(String, serde_json::Value)> {
    let mut next = Vec::new();
    let serde_json::Value::Object(map) = example else {
        return next;
    };
    for field in &mut def.fields {
        let Some(value) = map.get(&field.wire) else {
            continue;
        };
        match (&field.ty, value) {
            (Ty::Bool, value) => field.json_bool |= value.is_boolean(),
            (Ty::Struct(name), value) => next.push((name.clone(), value.clone())),
            (Ty::List(item), serde_json::Value::Array(items)) => {
                if let Ty::Struct(name) = item.as_ref() {
                    next.extend(items.iter().map(|v| (name.clone(), v.clone())));
                }
            }
            _ => {}
        }
    }
    next
}

/// The type of the envelope's `result`: from the `result` row, or from the rows beside `time` when the page
/// lists the result's fields flat.
fn response(page: &Page, types: &mut Types, name: String) -> Result<ResponseDef> {
    let rows = page
        .response
        .as_ref()
        .map(|r| r.fields.as_slice())
        .unwrap_or_default();
    let doc = format!("The `result` of `{}`.", first_name(page)?);
    let Some(result) = rows.iter().find(|f| f.name.wire == "result") else {
        let flat: Vec<_> = rows
            .iter()
            .filter(|f| f.name.wire != "time")
            .cloned()
            .collect();
        if flat.is_empty() {
            let doc = format!("{doc}\n\nAny JSON: the page does not describe the result.");
            return Ok(ResponseDef {
                name,
                body: ResponseBody::Alias(Ty::Json),
                doc,
            });
        }
        let def = types.object(&name, Role::Decoded, doc.clone(), &flat)?;
        types.structs.insert(0, def);
        return Ok(ResponseDef {
            name,
            body: ResponseBody::Struct,
            doc,
        });
    };
    let described = result.description.trim();
    let doc = if described.is_empty() {
        doc
    } else {
        format!("{doc}\n\n{described}")
    };
    let plain_object = !result.children.is_empty()
        && !fields::is_list(&result.ty)
        && !result.children.iter().all(fields::is_keyed);
    if plain_object {
        let def = types.object(&name, Role::Decoded, doc.clone(), &result.children)?;
        types.structs.insert(0, def);
        return Ok(ResponseDef {
            name,
            body: ResponseBody::Struct,
            doc,
        });
    }
    let (ty, note) = types.field_type(&name, "item", result, Role::Decoded)?;
    let doc = match note {
        Some(note) => format!("{doc}\n\n{note}"),
        None => doc,
    };
    let body = if ty.decodes_plainly() {
        ResponseBody::Alias(ty)
    } else {
        ResponseBody::Newtype(ty)
    };
    Ok(ResponseDef { name, body, doc })
}

fn event(page: &Page) -> Result<EventDef> {
    let wire = first_name(page)?.to_owned();
    let base = names::pascal(&wire)
        .ok_or_else(|| Error::page(&page.path, format!("`{wire}` gives no type name")))?;
    let payload = page
        .event
        .as_ref()
        .map(|e| e.fields.as_slice())
        .unwrap_or_default();
    if payload.is_empty() {
        return Err(Error::page(
            &page.path,
            "the event page describes no payload",
        ));
    }
    let mut types = Types::new(&page.path, &base);
    let name = types.claim("", &wire);
    let doc = format!("The payload of the `{wire}` event.");
    let payload = types.object(&name, Role::Decoded, doc, payload)?;
    // The payload joins the module's structs while the examples refine it.
    types.structs.insert(0, payload);
    let examples: Vec<&serde_json::Value> = page
        .event
        .iter()
        .flat_map(|e| &e.examples)
        .filter_map(|e| e.value.as_ref())
        .collect();
    types.refine_struct(&name, &examples, 0);
    let payload = types.structs.remove(0);
    Ok(EventDef {
        scope: scope(page)?,
        doc: page_doc(page),
        module: names::snake(&wire)
            .ok_or_else(|| Error::page(&page.path, format!("`{wire}` gives no module name")))?,
        payload,
        structs: types.structs,
        enums: types.enums,
        aliases: Vec::new(),
        wire,
    })
}

/// Each name a module re-exports, and each accessor, must be unique within the module.
fn check_module(module: &Module) -> Result<()> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let methods = module.methods.iter().flat_map(|m| {
        m.type_names()
            .into_iter()
            .chain([m.module.as_str()])
            .map(|n| (n, m.doc.path.as_str()))
    });
    let events = module.events.iter().flat_map(|e| {
        e.type_names()
            .into_iter()
            .chain([e.module.as_str()])
            .map(|n| (n, e.doc.path.as_str()))
    });
    let items = methods.chain(events);
    for (name, page) in items {
        if let Some(first) = seen.insert(name, page) {
            return Err(Error::Collision {
                scope: module.name.clone(),
                name: name.to_owned(),
                first: first.to_owned(),
                second: page.to_owned(),
            });
        }
    }
    Ok(())
}

/// Every SAFE_TO_REPEAT override must name a method of the spec and change the rule's answer.
pub fn check_overrides(spec: &Spec, overrides: &repeat::Overrides) -> Result<()> {
    const FILE: &str = "api-spec/overrides.toml";
    for (wire, safe) in overrides {
        let known = spec
            .pages
            .iter()
            .any(|p| p.kind == PageKind::Method && p.names.first() == Some(wire));
        if !known {
            return Err(Error::page(
                FILE,
                format!("the safe_to_repeat override for `{wire}` names no method of the spec"),
            ));
        }
        if repeat::by_verb(wire) == *safe {
            return Err(Error::page(
                FILE,
                format!("the safe_to_repeat override for `{wire}` agrees with the rule; remove it"),
            ));
        }
    }
    Ok(())
}
