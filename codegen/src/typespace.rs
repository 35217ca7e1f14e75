//! One definition per shape: structs and enums that several methods or events of a module define alike
//! move into the module's shared types (typify's type space), and each owner keeps its own name for them
//! as a type alias.
//!
//! Rules:
//! - Two types are the same when their shape is: for a struct its role, and per field the Rust name, wire
//!   name, accepted aliases, type, required flag and boolean encoding, and the map of unnamed keys; for an
//!   enum its variants and wire values. Docs are not part of the shape, because pages describe the same
//!   object in different words; the shared type keeps the docs of its first owner (module order) and says
//!   which others share it. Types referring to shared types are compared through the shared names, so
//!   sharing spreads from the leaves upwards until nothing changes.
//! - A request or event payload is never shared: it carries the method's or event's impl.
//! - The shared name is the owners' common leading words plus what follows each owner's name
//!   (`ConfigAddParams` and `ConfigUpdateParams` → `ConfigParams`); when the owners name the type
//!   differently or that name is taken, the first owner's name is kept. Names are claimed against every
//!   name of the module, so the result is deterministic and collision-free.
//! - Old names stay as aliases: a line each, and each method's docs and users' code keep their names.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::model::{Alias, EnumDef, Module, ResponseBody, StructDef, Ty};
use crate::names::Namespace;

/// The file stem of the shared types' module.
pub const SHARED: &str = "shared";

/// Moves every type defined alike by several owners of `module` into `module.shared`.
pub fn share(module: &mut Module) -> Result<()> {
    if let Some(owner) = owners(module).iter().find(|o| o.module == SHARED) {
        return Err(Error::Collision {
            scope: module.name.clone(),
            name: SHARED.to_owned(),
            first: "the shared types' module".to_owned(),
            second: owner.page.clone(),
        });
    }
    let canon = canonical(module);
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, rep) in &canon {
        groups.entry(rep.as_str()).or_default().push(name.as_str());
    }
    let owners = owners(module);
    let owner_of = |name: &str| {
        owners
            .iter()
            .position(|o| o.types.iter().any(|t| t == name))
            .unwrap_or(usize::MAX)
    };
    // Groups in the module order of their first member, members in module order too.
    let mut groups: Vec<Vec<String>> = groups
        .into_values()
        .filter(|members| members.len() > 1)
        .map(|members| {
            let mut members: Vec<String> = members.into_iter().map(str::to_owned).collect();
            members.sort_by_key(|m| (owner_of(m), position(&owners, m)));
            members
        })
        .collect();
    groups.sort_by_key(|g| (owner_of(&g[0]), position(&owners, &g[0])));

    // Every name the module defines: requests, responses, payloads and errors as well as nested types.
    let mut ns = Namespace::default();
    let methods = module.methods.iter().flat_map(|m| m.type_names());
    methods
        .chain(module.events.iter().flat_map(|e| e.type_names()))
        .for_each(|t| ns.reserve(t));
    let mut shared_name: BTreeMap<String, String> = BTreeMap::new();
    for members in &groups {
        let name = shared_name_for(members, &owners, &mut ns);
        for m in members {
            shared_name.insert(m.clone(), name.clone());
        }
    }
    drop(owners);
    for members in &groups {
        move_group(module, members, &shared_name);
    }
    drop_unused_imports(module);
    Ok(())
}

/// An owner imports a shared type that kept its name only where its own items still refer to it.
fn drop_unused_imports(module: &mut Module) {
    for m in &mut module.methods {
        let mut used = Vec::new();
        referenced(&m.request, &mut used);
        m.structs.iter().for_each(|s| referenced(s, &mut used));
        match &m.response.body {
            // The method's impl names its response struct, wherever that now lives.
            ResponseBody::Struct => used.push(m.response.name.clone()),
            ResponseBody::Alias(ty) | ResponseBody::Newtype(ty) => {
                used.extend(ty.generated_name().map(str::to_owned))
            }
        }
        m.aliases
            .retain(|a| a.name != a.target || used.contains(&a.name));
    }
    for e in &mut module.events {
        let mut used = Vec::new();
        referenced(&e.payload, &mut used);
        e.structs.iter().for_each(|s| referenced(s, &mut used));
        e.aliases
            .retain(|a| a.name != a.target || used.contains(&a.name));
    }
}

fn referenced(def: &StructDef, out: &mut Vec<String>) {
    out.extend(
        def.fields
            .iter()
            .filter_map(|f| f.ty.generated_name())
            .map(str::to_owned),
    );
}

/// A method or event as the pass sees it: its page, file stem, base name and sharable types in order.
struct Owner {
    page: String,
    module: String,
    base: String,
    types: Vec<String>,
}

fn owners(module: &Module) -> Vec<Owner> {
    let methods = module.methods.iter().map(|m| Owner {
        page: m.doc.path.clone(),
        module: m.module.clone(),
        base: m.request.name.clone(),
        types: m
            .structs
            .iter()
            .map(|s| s.name.clone())
            .chain(m.enums.iter().map(|e| e.name.clone()))
            .collect(),
    });
    let events = module.events.iter().map(|e| Owner {
        page: e.doc.path.clone(),
        module: e.module.clone(),
        base: e.payload.name.clone(),
        types: e
            .structs
            .iter()
            .map(|s| s.name.clone())
            .chain(e.enums.iter().map(|x| x.name.clone()))
            .collect(),
    });
    methods.chain(events).collect()
}

fn position(owners: &[Owner], name: &str) -> usize {
    owners
        .iter()
        .find_map(|o| o.types.iter().position(|t| t == name))
        .unwrap_or(usize::MAX)
}

/// Every sharable type name → the first type of its shape (itself when it is alone).
fn canonical(module: &Module) -> BTreeMap<String, String> {
    let structs: Vec<&StructDef> = module
        .methods
        .iter()
        .flat_map(|m| &m.structs)
        .chain(module.events.iter().flat_map(|e| &e.structs))
        .collect();
    let enums: Vec<&EnumDef> = module
        .methods
        .iter()
        .flat_map(|m| &m.enums)
        .chain(module.events.iter().flat_map(|e| &e.enums))
        .collect();
    let mut canon: BTreeMap<String, String> = BTreeMap::new();
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    for e in &enums {
        let rep = first.entry(enum_key(e)).or_insert_with(|| e.name.clone());
        canon.insert(e.name.clone(), rep.clone());
    }
    for s in &structs {
        canon.insert(s.name.clone(), s.name.clone());
    }
    loop {
        let mut first: BTreeMap<String, String> = BTreeMap::new();
        let mut changed = false;
        for s in &structs {
            let rep = first
                .entry(struct_key(s, &canon))
                .or_insert_with(|| canon[&s.name].clone())
                .clone();
            if canon[&s.name] != rep {
                canon.insert(s.name.clone(), rep);
                changed = true;
            }
        }
        if !changed {
            return canon;
        }
    }
}

fn enum_key(e: &EnumDef) -> String {
    format!("enum {:?}", e.variants)
}

fn struct_key(s: &StructDef, canon: &BTreeMap<String, String>) -> String {
    let fields: Vec<String> = s
        .fields
        .iter()
        .map(|f| {
            format!(
                "{} {} {:?} {} {} {}",
                f.ident,
                f.wire,
                f.aliases,
                ty_key(&f.ty, canon),
                f.required,
                f.json_bool
            )
        })
        .collect();
    let rest = s.rest.as_ref().map(|r| r.ident.as_str());
    format!("struct {:?} {fields:?} {rest:?}", s.role)
}

/// The type with every generated name replaced by its representative.
fn ty_key(ty: &Ty, canon: &BTreeMap<String, String>) -> String {
    let mut ty = ty.clone();
    ty.rename(&|name| canon.get(name).cloned());
    format!("{ty:?}")
}

/// The group's shared name: common leading words of the owners plus the common rest, or the first name.
fn shared_name_for(members: &[String], owners: &[Owner], ns: &mut Namespace) -> String {
    let first = &members[0];
    let split: Option<Vec<(&str, &str)>> = members
        .iter()
        .map(|m| {
            let owner = owners.iter().find(|o| o.types.contains(m))?;
            let rest = m.strip_prefix(owner.base.as_str())?;
            Some((owner.base.as_str(), rest))
        })
        .collect();
    let candidate = split.and_then(|parts| {
        let rest = parts[0].1;
        if rest.is_empty() || parts.iter().any(|(_, r)| *r != rest) {
            return None;
        }
        let prefix = common_words(parts.iter().map(|(base, _)| *base));
        Some(format!("{prefix}{rest}"))
    });
    match candidate {
        Some(name) if ns.owner(&name).is_none() && !name.is_empty() => {
            ns.claim(&name, first, "");
            name
        }
        _ => first.clone(),
    }
}

/// The PascalCase words every name starts with: `ConfigAdd`, `ConfigUpdate` → `Config`.
fn common_words<'n>(names: impl Iterator<Item = &'n str>) -> String {
    let split = |name: &'n str| -> Vec<&'n str> {
        let mut words = Vec::new();
        let mut start = 0;
        for (i, c) in name.char_indices().skip(1) {
            if c.is_ascii_uppercase() {
                words.push(&name[start..i]);
                start = i;
            }
        }
        words.push(&name[start..]);
        words
    };
    let mut names = names.map(split);
    let Some(mut common) = names.next() else {
        return String::new();
    };
    for words in names {
        let same = common
            .iter()
            .zip(&words)
            .take_while(|(a, b)| a == b)
            .count();
        common.truncate(same);
    }
    common.concat()
}

/// Takes the group's first definition into `module.shared` (its references renamed) and leaves an alias
/// with each owner whose name differs from the shared one.
fn move_group(module: &mut Module, members: &[String], shared: &BTreeMap<String, String>) {
    let name = shared[&members[0]].clone();
    let to = |n: &str| shared.get(n).cloned();
    let wires: Vec<String> =
        members
            .iter()
            .filter_map(|m| owner_wire(module, m))
            .fold(Vec::new(), |mut acc, w| {
                if !acc.contains(&w) {
                    acc.push(w);
                }
                acc
            });
    let note = format!(
        "\n\nShared by {}: the same shape on each page; these docs are from the first.",
        wires
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (i, member) in members.iter().enumerate() {
        let taken = take(module, member, &name);
        if i == 0 {
            match taken {
                Some((page, Taken::Struct(mut def))) => {
                    def.name = name.clone();
                    def.fields.iter_mut().for_each(|f| f.ty.rename(&to));
                    def.doc.push_str(&note);
                    module.shared.structs.push((page, def));
                }
                Some((page, Taken::Enum(mut def))) => {
                    def.name = name.clone();
                    def.doc.push_str(&note);
                    module.shared.enums.push((page, def));
                }
                None => {}
            }
        }
    }
}

enum Taken {
    Struct(StructDef),
    Enum(EnumDef),
}

fn owner_wire(module: &Module, name: &str) -> Option<String> {
    let method = module.methods.iter().find(|m| {
        m.structs.iter().any(|s| s.name == name) || m.enums.iter().any(|e| e.name == name)
    });
    let event = || {
        module.events.iter().find(|e| {
            e.structs.iter().any(|s| s.name == name) || e.enums.iter().any(|x| x.name == name)
        })
    };
    method
        .map(|m| m.wire.clone())
        .or_else(|| event().map(|e| e.wire.clone()))
}

/// Removes the type `name` from its owner, leaving the owner an alias to `target` (an import when the
/// name stays); returns the type with the owner's page.
fn take(module: &mut Module, name: &str, target: &str) -> Option<(String, Taken)> {
    let alias = Alias {
        name: name.to_owned(),
        target: target.to_owned(),
    };
    let lists = module
        .methods
        .iter_mut()
        .map(|m| (&m.doc.path, &mut m.structs, &mut m.enums, &mut m.aliases))
        .chain(
            module
                .events
                .iter_mut()
                .map(|e| (&e.doc.path, &mut e.structs, &mut e.enums, &mut e.aliases)),
        );
    for (page, structs, enums, aliases) in lists {
        let taken = if let Some(i) = structs.iter().position(|s| s.name == name) {
            Taken::Struct(structs.remove(i))
        } else if let Some(i) = enums.iter().position(|e| e.name == name) {
            Taken::Enum(enums.remove(i))
        } else {
            continue;
        };
        aliases.push(alias);
        return Some((page.clone(), taken));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_words_stop_at_the_first_difference() {
        let words = |names: &[&str]| common_words(names.iter().copied());
        assert_eq!(words(&["ConfigAdd", "ConfigUpdate"]), "Config");
        assert_eq!(words(&["ConfigGet", "ConfigListGet"]), "Config");
        assert_eq!(words(&["OnSessionStart", "OnSessionFinish"]), "OnSession");
        assert_eq!(words(&["SendMessages", "UpdateMessages"]), "");
        assert_eq!(words(&["ConfigAdd"]), "ConfigAdd");
    }
}
