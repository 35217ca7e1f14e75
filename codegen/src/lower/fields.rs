//! Field tables → structs and types, for one method or event.

use bitrix24_ir::{Field, KeyedBy, NameKind, TypeExpr};

use crate::error::{Error, Result};
use crate::model::{EnumDef, FieldDef, RestDef, Role, StructDef, Ty};
use crate::names::{self, Namespace};

use super::settled::{self, Settled};

/// The types of one method or event module, named after `base` (`SessionOpen` → `SessionOpenChat`).
pub struct Types<'a> {
    page: &'a str,
    base: String,
    names: Namespace,
    pub structs: Vec<StructDef>,
    pub enums: Vec<EnumDef>,
    /// Rows left out because the page cannot be read as it stands, each naming its line.
    pub degraded: Vec<Error>,
    /// Fields typed as the page's examples show them, against its tables (see `reconcile`).
    pub followed: Vec<Error>,
    /// Request fields only the page's examples send (see `shapes`).
    pub example_only: Vec<Error>,
    /// The type names the docs use undefined, as the spec's examples settle them.
    settled: &'a Settled,
    /// Request fields (struct, wire name) the page leaves open, which their examples may settle (see
    /// `shapes`).
    pub open: Vec<(String, String, Open)>,
}

/// How a request field's row leaves it open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// The row gives no type.
    Untyped,
    /// An `array` whose items nothing describes.
    Items,
    /// An `object` whose keys and values nothing describes.
    Object,
}

impl<'a> Types<'a> {
    /// `taken` holds the names other pages of the module define, which this page's types must avoid.
    pub fn new<'t>(page: &'a str, base: &str, taken: impl IntoIterator<Item = &'t str>) -> Self {
        let mut names = Namespace::default();
        names::RESERVED_TYPES
            .iter()
            .copied()
            .chain(taken)
            .for_each(|name| names.reserve(name));
        Types {
            page,
            base: base.to_owned(),
            names,
            structs: Vec::new(),
            enums: Vec::new(),
            degraded: Vec::new(),
            followed: Vec::new(),
            example_only: Vec::new(),
            settled: &settled::NONE,
            open: Vec::new(),
        }
    }

    /// Types the undefined type names `settled` settles as it says.
    pub fn settled_by(mut self, settled: &'a Settled) -> Self {
        self.settled = settled;
        self
    }

    /// The struct of this page named `name`.
    pub fn struct_named(&self, name: &str) -> Option<&StructDef> {
        self.structs.iter().find(|s| s.name == name)
    }

    /// Whether `owner` is a request struct, or a decoded one (a response's result that is no struct of
    /// this page is decoded). A request's own struct is among `structs` while its examples refine it.
    pub fn role_of(&self, owner: &str) -> Role {
        self.struct_named(owner).map_or(Role::Decoded, |s| s.role)
    }

    /// The page being lowered.
    pub fn page(&self) -> &str {
        self.page
    }

    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::page(self.page, message)
    }

    /// Records a row that is left out, so that one unreadable row costs that row, not the page.
    fn leave_out(&mut self, line: u32, message: String) {
        let error = self.error(format!("line {line}: {message}; left out"));
        self.degraded.push(error);
    }

    /// Claims a type name in this module (`suffix` is appended to the base name).
    pub fn claim(&mut self, suffix: &str, wire: &str) -> String {
        let candidate = format!("{}{suffix}", self.base);
        self.names.claim(&candidate, wire, "")
    }

    /// A struct named `name` (already claimed) from `fields`; its nested structs are added before it returns,
    /// and the struct itself is placed ahead of them.
    pub fn object(
        &mut self,
        name: &str,
        role: Role,
        doc: String,
        fields: &[Field],
    ) -> Result<StructDef> {
        let mut idents = Namespace::default();
        if role == Role::Request {
            idents.reserve("new");
        }
        let mut out = Vec::new();
        let mut keyed = Vec::new();
        for field in fields {
            let line = field.source.line;
            let (wire, aliases) = match &field.name.kind {
                NameKind::Plain => (field.name.wire.clone(), Vec::new()),
                NameKind::Aliases(all) => match all.split_first() {
                    Some((first, rest)) => (first.clone(), rest.to_vec()),
                    None => {
                        let message =
                            format!("field `{}` has an empty alias list", field.name.wire);
                        self.leave_out(line, message);
                        continue;
                    }
                },
                NameKind::Placeholder | NameKind::Wildcard => {
                    keyed.push(field);
                    continue;
                }
                NameKind::Path(_) => {
                    let message = format!(
                        "the dotted name `{}` was not nested under its parent",
                        field.name.wire
                    );
                    self.leave_out(line, message);
                    continue;
                }
            };
            if out
                .iter()
                .any(|f: &FieldDef| f.wire == wire || f.aliases.contains(&wire))
            {
                self.leave_out(line, format!("the field `{wire}` is listed twice"));
                continue;
            }
            let Some(snake) = names::snake(&wire) else {
                self.leave_out(line, format!("`{wire}` gives no identifier"));
                continue;
            };
            let ident = idents.claim(&snake, &wire, "_");
            let (ty, note) = self.field_type(name, &wire, field, role)?;
            if role == Role::Request
                && let Some(open) = left_open(field)
            {
                self.open.push((name.to_owned(), wire.clone(), open));
            }
            let mut doc = field.description.trim().to_owned();
            if doc.is_empty() {
                doc = format!("`{wire}`: the page names it without a description.");
            }
            if ident != snake {
                push_note(
                    &mut doc,
                    &format!(
                        "Named `{ident}` because `{snake}` is taken by another field or method."
                    ),
                );
            }
            if let Some(note) = note {
                push_note(&mut doc, &note);
            }
            if is_bool(&ty) {
                doc = inline_yes_no(&doc);
            }
            out.push(FieldDef {
                ident,
                wire,
                aliases,
                ty,
                required: field.required.is_required(),
                doc,
                json_bool: false,
            });
        }
        let rest = match keyed.as_slice() {
            [] => None,
            keyed => {
                let ident = idents.claim("extra", "", "_");
                let keys: Vec<String> =
                    keyed.iter().map(|f| format!("`{}`", f.name.wire)).collect();
                let doc = format!(
                    "Keys documented as {}, and any other key the page does not name.",
                    keys.join(", ")
                );
                Some(RestDef { ident, doc })
            }
        };
        Ok(StructDef {
            name: name.to_owned(),
            role,
            doc,
            fields: out,
            rest,
        })
    }

    /// The type of `field`, naming any struct it needs after `hint` (its wire name, or its parent's for a
    /// placeholder). Returns a note for the docs when the type is less precise than one would like.
    pub fn field_type(
        &mut self,
        owner: &str,
        hint: &str,
        field: &Field,
        role: Role,
    ) -> Result<(Ty, Option<String>)> {
        if let Some(direction) = self.sort_direction(owner, hint, field) {
            let keys = field.children.len();
            let note = format!(
                "Keyed by the field to sort by{}; each value is a direction.",
                match keys {
                    0 => String::new(),
                    n => format!(" (the page lists {n})"),
                }
            );
            return Ok((Ty::Map(Box::new(direction)), Some(note)));
        }
        if let Some(keyed) = &field.keyed_by
            && !is_list(&field.ty)
            && !field.children.iter().any(is_keyed)
        {
            return self.keyed_map(owner, hint, field, keyed, role);
        }
        if field.children.is_empty() {
            if let Some(ty) = self.documented_values(owner, hint, field) {
                return Ok((ty, None));
            }
            let ty = field.prose_type.as_ref().map_or(&field.ty, |p| &p.ty);
            return Ok(scalar(ty, self.settled));
        }
        let list = is_list(&field.ty);
        let hint = if list { names::singular(hint) } else { hint };
        let children: Vec<&Field> = field.children.iter().collect();
        let inner = if children.iter().all(|c| is_keyed(c)) {
            self.map_value(owner, hint, &children, role)?
        } else {
            let name = self.nested_name(owner, hint);
            let described = field.description.trim();
            let doc = if described.is_empty() {
                format!("The `{}` object.", field.name.wire)
            } else {
                described.to_owned()
            };
            let idx = self.structs.len();
            let def = self.object(&name, role, doc, &field.children)?;
            self.structs.insert(idx, def);
            (Ty::Struct(name), None)
        };
        Ok(if list {
            (Ty::List(Box::new(inner.0)), inner.1)
        } else {
            inner
        })
    }

    /// A string field whose values the page lists: `Y`/`N` is a boolean, other lists an enum (with
    /// `Unknown` for values the page does not name). `None` when the values do not make an enum.
    fn documented_values(&mut self, owner: &str, hint: &str, field: &Field) -> Option<Ty> {
        if field.values.is_empty() {
            return None;
        }
        let (base, list) = match &field.ty {
            TypeExpr::Named { name, .. } if name.eq_ignore_ascii_case("array") => {
                ("string".to_owned(), true)
            }
            TypeExpr::Named { name, .. } => (name.to_ascii_lowercase(), false),
            TypeExpr::Array { item } => match item.as_ref() {
                TypeExpr::Named { name, .. } => (name.to_ascii_lowercase(), true),
                _ => return None,
            },
            _ => return None,
        };
        if !matches!(base.as_str(), "string" | "char" | "text") {
            return None;
        }
        let mut sorted = field.values.clone();
        sorted.sort();
        let inner = if sorted == ["N", "Y"] {
            Ty::Bool
        } else {
            self.values_enum(owner, hint, field)?
        };
        Some(if list {
            Ty::List(Box::new(inner))
        } else {
            inner
        })
    }

    /// An enum of the values `field` lists, named after `hint`; `None` when two values would make one
    /// variant name.
    fn values_enum(&mut self, owner: &str, hint: &str, field: &Field) -> Option<Ty> {
        let doc = format!(
            "The values of `{}` the page lists; others arrive as `Unknown`.",
            field.name.wire
        );
        self.enum_of(owner, hint, &field.values, doc)
    }

    /// An enum of `values`, named after `hint`; `None` when two values would make one variant name.
    pub(super) fn enum_of(
        &mut self,
        owner: &str,
        hint: &str,
        values: &[String],
        doc: String,
    ) -> Option<Ty> {
        let variants: Vec<(String, String)> = values
            .iter()
            .map(|v| names::pascal(v).map(|p| (p, v.clone())))
            .collect::<Option<_>>()?;
        let mut seen = std::collections::BTreeSet::new();
        if !variants
            .iter()
            .all(|(p, _)| p != "Unknown" && seen.insert(p.clone()))
        {
            return None;
        }
        let name = self.nested_name(owner, hint);
        self.enums.push(EnumDef {
            name: name.clone(),
            doc,
            variants,
        });
        Some(Ty::Enum(name))
    }

    /// An `order` object: its rows (if any) name the fields to sort by, and the values it lists are the
    /// two directions (`ASC`/`DESC`, in either case), which stand under those keys
    /// (`{"ID": "DESC"}`), not in place of the object. The direction enum, for a map of them.
    fn sort_direction(&mut self, owner: &str, hint: &str, field: &Field) -> Option<Ty> {
        let object = matches!(&field.ty, TypeExpr::Named { name, .. } if name.eq_ignore_ascii_case("object"));
        let mut values: Vec<String> = field
            .values
            .iter()
            .map(|v| v.to_ascii_lowercase())
            .collect();
        values.sort();
        if !object || values != ["asc", "desc"] {
            return None;
        }
        self.values_enum(owner, &format!("{hint}Direction"), field)
    }

    /// An object the description says is keyed by ids: a map whose values are the object its rows
    /// describe, or the type the prose gives, or any JSON when neither says.
    fn keyed_map(
        &mut self,
        owner: &str,
        hint: &str,
        field: &Field,
        keyed: &KeyedBy,
        role: Role,
    ) -> Result<(Ty, Option<String>)> {
        let keys = format!("Keyed by {}.", keyed.key);
        let (value, note) = if !field.children.is_empty() {
            let name = self.nested_name(owner, &format!("{hint}Entry"));
            let doc = format!("One value of `{}`.", field.name.wire);
            let idx = self.structs.len();
            let def = self.object(&name, role, doc, &field.children)?;
            self.structs.insert(idx, def);
            (Ty::Struct(name), None)
        } else if let Some(value) = &keyed.value {
            scalar(value, self.settled)
        } else {
            (
                Ty::Json,
                Some("The page does not describe the values.".to_owned()),
            )
        };
        let note = match note {
            Some(note) => format!("{keys} {note}"),
            None => keys,
        };
        Ok((Ty::Map(Box::new(value)), Some(note)))
    }

    /// A map keyed by placeholders: its value type comes from the placeholder row.
    fn map_value(
        &mut self,
        owner: &str,
        hint: &str,
        keyed: &[&Field],
        role: Role,
    ) -> Result<(Ty, Option<String>)> {
        match keyed {
            [one] => {
                let (value, note) = self.field_type(owner, hint, one, role)?;
                Ok((Ty::Map(Box::new(value)), note))
            }
            _ => Ok((
                Ty::Map(Box::new(Ty::Json)),
                Some("The page documents several kinds of keys here.".to_owned()),
            )),
        }
    }

    /// `SessionHistoryGet` + `message` → `SessionHistoryGetMessage`; when that is taken, the owner's name is
    /// used as the prefix instead (`SendMessagesResultMessage`), then a number.
    pub(super) fn nested_name(&mut self, owner: &str, hint: &str) -> String {
        let word = names::pascal(hint).unwrap_or_else(|| "Item".to_owned());
        let first = format!("{}{word}", self.base);
        if self.names.owner(&first).is_none() {
            return self.names.claim(&first, hint, "");
        }
        self.names.claim(&format!("{owner}{word}"), hint, "")
    }
}

fn is_bool(ty: &Ty) -> bool {
    match ty {
        Ty::Bool => true,
        Ty::List(item) => is_bool(item),
        _ => false,
    }
}

/// A boolean's `Y`/`N` list on the line that announces it, each value with the `bool` it decodes to:
/// the type already says there are two values, so two list lines only repeat it.
fn inline_yes_no(doc: &str) -> String {
    let item = |line: &str, flag: &str| {
        line.strip_prefix(&format!("- `{flag}`")).map(|rest| {
            rest.trim_start_matches([' ', '—', '-', ':'])
                .trim()
                .to_owned()
        })
    };
    let lines: Vec<&str> = doc.lines().collect();
    let Some(at) = lines
        .windows(2)
        .position(|w| item(w[0], "Y").is_some() && item(w[1], "N").is_some())
        .filter(|&at| at > 0 && !lines[at - 1].trim().is_empty())
    else {
        return doc.to_owned();
    };
    let (yes, no) = (item(lines[at], "Y"), item(lines[at + 1], "N"));
    let said = |flag: &str, value: &str, text: Option<String>| match text.filter(|t| !t.is_empty())
    {
        Some(text) => format!("`{flag}` (`{value}`) — {text}"),
        None => format!("`{flag}` (`{value}`)"),
    };
    let mut out: Vec<String> = lines[..at - 1].iter().map(|l| l.to_string()).collect();
    out.push(format!(
        "{} {}; {}",
        lines[at - 1].trim_end(),
        said("Y", "true", yes),
        said("N", "false", no)
    ));
    out.extend(lines[at + 2..].iter().map(|l| l.to_string()));
    out.join("\n")
}

fn push_note(doc: &mut String, note: &str) {
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(note);
}

/// How `field` is left open, if it is a leaf whose row gives no type at all (tables of
/// `Name | Description` only), or an `array` or `object` that nothing describes.
fn left_open(field: &Field) -> Option<Open> {
    let described = !field.children.is_empty()
        || field.keyed_by.is_some()
        || !field.values.is_empty()
        || field.prose_type.is_some();
    if described {
        return None;
    }
    match &field.ty {
        TypeExpr::Missing => Some(Open::Untyped),
        TypeExpr::Named { name, .. } => match name.to_ascii_lowercase().as_str() {
            "array" => Some(Open::Items),
            "object" => Some(Open::Object),
            _ => None,
        },
        _ => None,
    }
}

pub fn is_keyed(field: &Field) -> bool {
    matches!(field.name.kind, NameKind::Placeholder | NameKind::Wildcard)
}

pub fn is_list(ty: &TypeExpr) -> bool {
    match ty {
        TypeExpr::Array { .. } => true,
        TypeExpr::Named { name, .. } => name.eq_ignore_ascii_case("array"),
        _ => false,
    }
}

/// A type without nested fields, with a note when the page does not say enough.
fn scalar(ty: &TypeExpr, settled: &Settled) -> (Ty, Option<String>) {
    match ty {
        TypeExpr::Named { name, .. } => named(name, settled),
        TypeExpr::Array { item } => {
            let (item, note) = scalar(item, settled);
            (Ty::List(Box::new(item)), note)
        }
        TypeExpr::Union { members } => union(ty, members, settled),
        TypeExpr::Unknown { raw } => (
            Ty::Json,
            Some(format!(
                "Any JSON: the page's type `{raw}` is not one we know."
            )),
        ),
        TypeExpr::Missing => (
            Ty::Json,
            Some("Any JSON: the page gives no type.".to_owned()),
        ),
    }
}

/// Whether the generator knows the type name `name` (a base type, `object` or `array`).
pub fn is_known_type(name: &str) -> bool {
    named(name, &settled::NONE).0 != Ty::Json
        || matches!(name.to_ascii_lowercase().as_str(), "object" | "array")
}

fn named(name: &str, settled: &Settled) -> (Ty, Option<String>) {
    let ty = match name.to_ascii_lowercase().as_str() {
        "integer" | "int" | "timestamp" => Ty::Int,
        "double" | "float" | "number" => Ty::Float,
        "boolean" | "bool" => Ty::Bool,
        "string" | "char" | "text" => Ty::Str,
        "datetime" | "date" => Ty::DateTime,
        "object" => {
            return (
                Ty::Json,
                Some("Any JSON: the page does not describe this object.".to_owned()),
            );
        }
        "array" => {
            let note = "A list of any JSON: the page does not describe its items.".to_owned();
            return (Ty::List(Box::new(Ty::Json)), Some(note));
        }
        other => {
            if let Some(ty) = settled.get(other) {
                let note = format!(
                    "The page's type `{other}` is not one we know; the docs' request examples send it as {}.",
                    ty.describe()
                );
                return (ty.clone(), Some(note));
            }
            return (
                Ty::Json,
                Some(format!(
                    "Any JSON: the page's type `{other}` is not one we know."
                )),
            );
        }
    };
    (ty, None)
}

/// `string|integer` is a string that may arrive as a number; `integer|double` a number. Other unions stay JSON.
/// A `null` member says only that the value may be absent, which `Option` already covers.
fn union(whole: &TypeExpr, members: &[TypeExpr], settled: &Settled) -> (Ty, Option<String>) {
    let tys: Vec<Ty> = members
        .iter()
        .filter(|m| !matches!(m, TypeExpr::Named { name, .. } if name.eq_ignore_ascii_case("null")))
        .map(|m| scalar(m, settled).0)
        .collect();
    let scalars = [Ty::Int, Ty::Float, Ty::Bool, Ty::Str];
    let ty = if tys.windows(2).all(|w| w[0] == w[1]) && !tys.is_empty() {
        Some(tys[0].clone())
    } else if tys.len() == 2 && tys.contains(&Ty::Str) && tys.contains(&Ty::Int) {
        Some(Ty::IntOrStr)
    } else if tys.contains(&Ty::Str) && tys.iter().all(|t| scalars.contains(t)) {
        Some(Ty::Str)
    } else if tys.iter().all(|t| matches!(t, Ty::Int | Ty::Float)) {
        Some(Ty::Float)
    } else {
        None
    };
    match ty {
        Some(ty) => (ty, None),
        None => (
            Ty::Json,
            Some(format!(
                "Any JSON: the page allows `{}`, which no one Rust type covers.",
                whole.render()
            )),
        ),
    }
}
