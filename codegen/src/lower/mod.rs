//! IR → [`crate::model`]: every name, type and doc decided, page by page.

mod errors;
mod fields;
mod reconcile;
mod scope;
mod settled;
mod shapes;

use std::collections::BTreeMap;

use bitrix24_ir::{Page, PageKind, Spec};

use crate::Options;
use crate::error::{Error, Result};
use crate::model::{
    Api, EventDef, MethodDef, Module, PageDoc, Report, ResponseBody, ResponseDef, RestDef, Role,
    StructDef, Ty,
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
    let (modules, report) = modules(spec, options)?;
    Ok(Api {
        modules,
        system,
        report,
    })
}

/// A method or event page placed in its module, with the names it claims there.
struct Placed<'a> {
    page: &'a Page,
    module: String,
    /// The method name without its scope (`crm.deal.get` → `deal.get`), or the event name.
    local: String,
    /// The type names the page's item is known by (request, response, error, error code; or payload).
    names: Vec<String>,
}

/// The methods and events of `spec`, one module per scope (see [`scope`]). A page that cannot be lowered is
/// left out and a row that cannot be read costs that row; both are in the [`Report`], and generation goes on.
pub fn modules(spec: &Spec, options: &Options) -> Result<(Vec<Module>, Report)> {
    let scopes = scope::Scopes::new(spec);
    let settled = settled::Settled::new(spec, fields::is_known_type);
    let mut report = Report::default();
    let mut by_name: BTreeMap<String, Module> = BTreeMap::new();
    // Each module's names, with the page that holds them: first every item's own names, so that a nested
    // type never takes the name of another page's request.
    let mut taken: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut placed = Vec::new();
    for page in &spec.pages {
        match place(page, &scopes) {
            Ok(Some(item)) => {
                let names = taken.entry(item.module.clone()).or_insert_with(|| {
                    // The module's own items: its handle on the client and its enum of events.
                    let own = "the scope module".to_owned();
                    BTreeMap::from([
                        (names::scope_handle(&item.module), own.clone()),
                        (names::scope_events(&item.module), own),
                    ])
                });
                let stem = item_stem(&item);
                let first = item.names.iter().chain([&stem]).find_map(|n| names.get(n));
                match first.cloned() {
                    Some(first) => report.skipped.push(Error::page(
                        &page.path,
                        format!(
                            "`{}` takes the names of {first} in module `{}`; left out",
                            item.local, item.module
                        ),
                    )),
                    None => {
                        for name in item.names.iter().chain([&stem]) {
                            names.insert(name.clone(), page.path.clone());
                        }
                        placed.push(item);
                    }
                }
            }
            Ok(None) => {}
            Err(e) => report.skipped.push(e),
        }
    }
    for item in placed {
        let names = taken.entry(item.module.clone()).or_default();
        let others = names
            .iter()
            .filter(|(_, page)| **page != item.page.path)
            .map(|(name, _)| name.as_str());
        let mut types = Types::new(&item.page.path, &item.names[0], others).settled_by(&settled);
        let module = entry(&mut by_name, &item.module);
        // Every type the item defines, so that later pages of the module avoid them too.
        let lowered = match item.page.kind {
            PageKind::Method => method(&item, &mut types, options).map(|m| {
                let defined = owned(m.type_names());
                module.methods.push(m);
                defined
            }),
            _ => event(&item, &mut types).map(|e| {
                let defined = owned(e.type_names());
                module.events.push(e);
                defined
            }),
        };
        report.degraded.append(&mut types.degraded);
        report.followed.append(&mut types.followed);
        report.example_only.append(&mut types.example_only);
        match lowered {
            Ok(defined) => {
                for name in defined {
                    names.insert(name, item.page.path.clone());
                }
            }
            Err(e) => report.skipped.push(e),
        }
    }
    let modules: Vec<Module> = by_name.into_values().collect();
    modules.iter().try_for_each(check_module)?;
    Ok((modules, report))
}

fn owned(names: Vec<&str>) -> Vec<String> {
    names.into_iter().map(str::to_owned).collect()
}

/// The file (and module) of a placed item: `deal_get`, or `on_crm_deal_add` for an event.
fn item_stem(item: &Placed) -> String {
    names::snake(&item.local).unwrap_or_default()
}

/// Where a method or event page goes, or `None` for other pages.
fn place<'a>(page: &'a Page, scopes: &scope::Scopes<'a>) -> Result<Option<Placed<'a>>> {
    if !matches!(page.kind, PageKind::Method | PageKind::Event) {
        return Ok(None);
    }
    let wire = first_name(page)?;
    let scope = scopes.of(page);
    let module = names::scope_module(scope)
        .ok_or_else(|| Error::page(&page.path, format!("scope `{scope}` gives no module name")))?;
    let local = match page.kind {
        PageKind::Method => local_name(wire, scope),
        _ => wire,
    };
    let base = names::pascal(local)
        .ok_or_else(|| Error::page(&page.path, format!("`{wire}` gives no type name")))?;
    names::snake(local)
        .ok_or_else(|| Error::page(&page.path, format!("`{wire}` gives no function name")))?;
    let names = match page.kind {
        PageKind::Method => ["", "Response", "Error", "ErrorCode"]
            .iter()
            .map(|suffix| format!("{base}{suffix}"))
            .collect(),
        _ => vec![base],
    };
    Ok(Some(Placed {
        page,
        module,
        local: local.to_owned(),
        names,
    }))
}

/// A method's name within its scope: `crm.deal.get` → `deal.get`; a method outside its scope's prefix
/// (`imconnector.register` in `imopenlines`) or named like its scope (`profile` in `basic`) keeps its name.
fn local_name<'w>(wire: &'w str, scope: &str) -> &'w str {
    wire.strip_prefix(scope)
        .and_then(|rest| rest.strip_prefix('.'))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(wire)
}

fn entry<'m>(by_name: &'m mut BTreeMap<String, Module>, name: &str) -> &'m mut Module {
    by_name.entry(name.to_owned()).or_insert_with(|| Module {
        name: name.to_owned(),
        methods: Vec::new(),
        events: Vec::new(),
        shared: Default::default(),
    })
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
        replaced_by: page.replaced_by.clone(),
        rest_v3: page.rest_v3,
    }
}

fn first_name(page: &Page) -> Result<&str> {
    page.names
        .first()
        .map(String::as_str)
        .ok_or_else(|| Error::page(&page.path, "the page names no method or event"))
}

fn method(item: &Placed, types: &mut Types, options: &Options) -> Result<MethodDef> {
    let page = item.page;
    let wire = first_name(page)?.to_owned();
    let snake = item_stem(item);
    let request_name = types.claim("", &wire);
    let response_name = types.claim("Response", "result");
    let error_name = types.claim("Error", "error");
    let error_code_name = types.claim("ErrorCode", "error code");
    let doc = page_doc(page);
    let request_doc = format!("The request of `{wire}`.");
    let request = types.object(&request_name, Role::Request, request_doc, &page.params)?;
    let request_examples: Vec<serde_json::Value> = page
        .request_examples
        .iter()
        .filter_map(|e| e.value.clone())
        .collect();
    // The request joins the module's structs while its examples refine it (see `shapes`).
    types.structs.insert(0, request);
    let sent: Vec<&serde_json::Value> = request_examples.iter().collect();
    types.refine_struct(&request_name, &sent, 0);
    let mut request = types.structs.remove(0);
    for example in &request_examples {
        mark_json_bools(&mut request, &mut types.structs, example);
    }
    let mut response = response(page, types, response_name)?;
    response.also_wrapped = page
        .response
        .as_ref()
        .is_some_and(|r| r.result_also_wrapped);
    let results: Vec<&serde_json::Value> = page
        .response
        .iter()
        .flat_map(|r| r.results())
        // A result that may arrive wrapped is shaped by what it wraps.
        .map(|r| match r.as_object() {
            Some(o) if response.also_wrapped && o.len() == 1 => o.get("result").unwrap_or(r),
            _ => r,
        })
        .collect();
    shape_from_examples(types, &mut response, &results, &request);
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
        param_notes: page
            .param_notes
            .iter()
            .map(|note| {
                match note
                    .anchor
                    .as_deref()
                    .and_then(|a| anchored(&page.params, a))
                {
                    Some(path) => format!("`{path}`: {}", note.text),
                    None => note.text.clone(),
                }
            })
            .collect(),
        scope: page.scopes.first().cloned().unwrap_or_default(),
        module: snake.clone(),
        accessor: snake,
        doc,
        request,
        response,
        errors: errors::method_errors(page, error_name, error_code_name, &mut types.degraded),
        structs: std::mem::take(&mut types.structs),
        enums: std::mem::take(&mut types.enums),
        has_response_example: !results.is_empty(),
        request_examples,
        aliases: Vec::new(),
        wire,
    })
}

/// The path of the parameter whose fields the subsection `anchor` describes (`MESSAGES.user`).
fn anchored(fields: &[bitrix24_ir::Field], anchor: &str) -> Option<String> {
    use bitrix24_ir::ChildLink;
    fields.iter().find_map(|f| {
        let name = f.name.wire.trim_end_matches("[]");
        match &f.children_via {
            Some(ChildLink::Anchor(a) | ChildLink::TypeLink(a) | ChildLink::Heading(a))
                if a.trim_start_matches('#') == anchor =>
            {
                Some(name.to_owned())
            }
            _ => anchored(&f.children, anchor).map(|below| format!("{name}.{below}")),
        }
    })
}

/// Types what the response's tables leave as any JSON from the `result` of the page's examples, and
/// follows the examples where they contradict the tables (see `reconcile`).
fn shape_from_examples(
    types: &mut Types,
    response: &mut ResponseDef,
    results: &[&serde_json::Value],
    request: &StructDef,
) {
    let name = response.name.clone();
    let mut ty = match &response.body {
        ResponseBody::Struct => Ty::Struct(name.clone()),
        ResponseBody::Alias(ty) | ResponseBody::Newtype(ty) => ty.clone(),
    };
    let changed = types.refine(&name, "result", &mut ty, results);
    if matches!(response.body, ResponseBody::Struct) && changed {
        // The struct the tables made is now an item of the result (a map of them): rename it.
        let item = types.nested_name(&name, "item");
        if let Some(def) = types.structs.iter_mut().find(|s| s.name == name) {
            def.name = item.clone();
        }
        ty.rename(&|n| (n == name).then(|| item.clone()));
    }
    if changed {
        response.doc = shapes::renoted(&response.doc, shapes::NOTE);
    }
    if changed || !matches!(response.body, ResponseBody::Struct) {
        response.body = if ty.decodes_plainly() {
            ResponseBody::Alias(ty.clone())
        } else {
            ResponseBody::Newtype(ty.clone())
        };
    }
    // What the examples retyped may leave structs nothing reaches.
    let roots: Vec<&Ty> = request.fields.iter().map(|f| &f.ty).chain([&ty]).collect();
    prune(types, &roots);
}

/// Drops the structs and enums nothing reaches from `roots` any more, once the examples retyped some.
fn prune(types: &mut Types, roots: &[&Ty]) {
    let mut reached: Vec<String> = Vec::new();
    let mut work: Vec<&Ty> = roots.to_vec();
    while let Some(ty) = work.pop() {
        let Some(name) = ty.generated_name() else {
            continue;
        };
        if reached.iter().any(|r| r == name) {
            continue;
        }
        reached.push(name.to_owned());
        if let Some(def) = types.struct_named(name) {
            work.extend(def.fields.iter().map(|f| &f.ty));
        }
    }
    types.structs.retain(|s| reached.contains(&s.name));
    types.enums.retain(|e| reached.contains(&e.name));
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
                also_wrapped: false,
            });
        }
        let def = types.object(&name, Role::Decoded, doc.clone(), &flat)?;
        types.structs.insert(0, def);
        return Ok(ResponseDef {
            name,
            body: ResponseBody::Struct,
            doc,
            also_wrapped: false,
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
            also_wrapped: false,
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
    Ok(ResponseDef {
        name,
        body,
        doc,
        also_wrapped: false,
    })
}

fn event(item: &Placed, types: &mut Types) -> Result<EventDef> {
    let page = item.page;
    let wire = first_name(page)?.to_owned();
    let payload = page
        .event
        .as_ref()
        .map(|e| e.fields.as_slice())
        .unwrap_or_default();
    let name = types.claim("", &wire);
    let doc = format!("The payload of the `{wire}` event.");
    let payload = if payload.is_empty() {
        types.degraded.push(Error::page(
            &page.path,
            "the event page describes no payload; every key is kept as JSON",
        ));
        StructDef {
            name: name.clone(),
            role: Role::Decoded,
            doc,
            fields: Vec::new(),
            rest: Some(RestDef {
                ident: "keys".to_owned(),
                doc: "Every key of the payload, as JSON: the page does not describe it.".to_owned(),
            }),
        }
    } else {
        types.object(&name, Role::Decoded, doc, payload)?
    };
    // The payload joins the module's structs while the examples refine it.
    types.structs.insert(0, payload);
    let examples: Vec<&serde_json::Value> = page
        .event
        .iter()
        .flat_map(|e| &e.examples)
        .filter_map(|e| e.value.as_ref())
        .collect();
    types.refine_struct(&name, &examples, 0);
    prune(types, &[&Ty::Struct(name.clone())]);
    let payload = types.structs.remove(0);
    Ok(EventDef {
        scope: page.scopes.first().cloned().unwrap_or_default(),
        doc: page_doc(page),
        module: item_stem(item),
        payload,
        structs: std::mem::take(&mut types.structs),
        enums: std::mem::take(&mut types.enums),
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
