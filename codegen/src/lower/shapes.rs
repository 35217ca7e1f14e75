//! Shapes from examples: where a page's tables give a decoded field no shape (any JSON), the page's own
//! response or event examples often show one. The example is a fact of the docs, so its keys and value
//! kinds type the field; where the examples show nothing (`null`, `[]`) or disagree, it stays any JSON.
//!
//! Requests differ in two ways. Any JSON stays any JSON, since it sends whatever the caller gives (but
//! see the last paragraph). And a key the page's request examples send that no row of the struct names
//! becomes an optional field, typed as the examples send it (`example_only_key`): the caller can then
//! send what the page sends. A key that differs from a row's name only in letter case (`ID` for `id`)
//! is that row, not a new field: the docs spell one parameter two ways, and the example test counts it
//! so.
//!
//! A request field the page leaves open does follow its examples where they agree, since the example
//! is then the page's only word on it (`open_scalar`): a row without a type (`Name | Description`
//! tables) takes the one kind of scalar every example sends; an `array` whose items nothing describes
//! (`select`), lists of it (`["ID", "TITLE"]`); and an `object` nothing describes, a map of field to
//! sort direction when every value every example sends is one (`{"ID": "DESC"}`). Other objects stay
//! any JSON, as above.

use serde_json::Value;

use super::fields::{Open, Types};
use crate::model::{FieldDef, Role, StructDef, Ty};
use crate::names::{self, Namespace};

/// The note a field typed this way carries, in place of the "any JSON" one.
pub(super) const NOTE: &str =
    "The page's tables do not describe it; the shape is the one its example shows.";

/// The note of a request field whose row gives no type, typed as its examples send it.
const UNTYPED: &str = "The page gives no type; the type is the one its example sends.";

/// The note of a request object the page leaves open whose examples sort by fields.
const SORTED: &str =
    "Keyed by the field to sort by; each value is a direction, as the page's example sends them.";

/// The note of a request list whose items the page leaves open, typed as its examples send them.
const OPEN_ITEMS: &str =
    "The page does not describe its items; they are of the kind its example sends.";

/// The note of a field whose table gives a shape every example contradicts.
const OVER_TABLE: &str = "The shape is the one the page's example shows; its table gives another.";

/// How deep examples are followed, so that a hostile page cannot make lowering recurse without end.
const MAX_DEPTH: usize = 16;

impl Types<'_> {
    /// Types what `ty` leaves as any JSON from `samples`, the example values at its place, and follows
    /// `ty` into the structs it names. Returns whether `ty` itself changed.
    pub fn refine(&mut self, owner: &str, hint: &str, ty: &mut Ty, samples: &[&Value]) -> bool {
        self.refine_at(owner, hint, ty, samples, 0)
    }

    fn refine_at(
        &mut self,
        owner: &str,
        hint: &str,
        ty: &mut Ty,
        samples: &[&Value],
        depth: usize,
    ) -> bool {
        if depth > MAX_DEPTH || samples.is_empty() {
            return false;
        }
        if let Some(found) = self.reconcile(owner, hint, ty, samples, depth) {
            *ty = found;
            self.refine_at(owner, hint, ty, samples, depth + 1);
            return true;
        }
        match ty {
            Ty::Json if self.role_of(owner) == Role::Decoded => {
                match self.infer(owner, hint, samples, depth, Role::Decoded) {
                    Some(found) => {
                        *ty = found;
                        true
                    }
                    None => false,
                }
            }
            Ty::List(item) => {
                let items: Vec<&Value> = samples.iter().flat_map(|v| elements(v)).collect();
                self.refine_at(owner, names::singular(hint), item, &items, depth + 1)
            }
            Ty::Map(value) => {
                let values: Vec<&Value> = samples
                    .iter()
                    .filter_map(|v| v.as_object())
                    .flat_map(|m| m.values())
                    .collect();
                self.refine_at(owner, hint, value, &values, depth + 1)
            }
            Ty::Struct(name) => {
                let name = name.clone();
                self.refine_struct(&name, samples, depth + 1);
                false
            }
            _ => false,
        }
    }

    /// Refines each field of the struct `name` with the samples' values under its wire name; a request
    /// struct also takes the keys only the samples send.
    pub fn refine_struct(&mut self, name: &str, samples: &[&Value], depth: usize) {
        let Some(def) = self.struct_named(name) else {
            return;
        };
        if depth > MAX_DEPTH {
            return;
        }
        let role = def.role;
        let fields: Vec<(String, Ty)> = def
            .fields
            .iter()
            .map(|f| (f.wire.clone(), f.ty.clone()))
            .collect();
        for (index, (wire, mut ty)) in fields.into_iter().enumerate() {
            let found: Vec<&Value> = samples.iter().filter_map(|v| v.get(&wire)).collect();
            let open = self.open_kind(name, &wire);
            let settled = open.and_then(|open| self.open_type(name, &wire, open, &ty, &found));
            let note = if let Some((settled, note)) = settled {
                let message = format!(
                    "`{name}.{wire}` (open_scalar): the page leaves it open, the example sends {}",
                    settled.describe()
                );
                self.followed.push(self.error(message));
                ty = settled;
                note
            } else if self.refine_at(name, &wire, &mut ty, &found, depth) {
                NOTE
            } else {
                continue;
            };
            // Refining may have added structs; find this one again.
            if let Some(def) = self.structs.iter_mut().find(|s| s.name == name) {
                let field = &mut def.fields[index];
                field.ty = ty;
                field.doc = renoted(&field.doc, note);
            }
        }
        if role == Role::Request {
            self.add_example_only_keys(name, samples, depth);
        }
    }

    /// Adds to the request struct `name` an optional field for each key the samples send that none of its
    /// fields takes, in any letter case; a struct with a field for the keys the page leaves open takes
    /// them there already.
    fn add_example_only_keys(&mut self, name: &str, samples: &[&Value], depth: usize) {
        let Some(def) = self.struct_named(name) else {
            return;
        };
        if def.rest.is_some() {
            return;
        }
        let mut keys: Vec<&String> = Vec::new();
        for key in samples
            .iter()
            .filter_map(|v| v.as_object())
            .flat_map(|o| o.keys())
        {
            let taken = def.field(key).is_some() || def.field_in_other_case(key).is_some();
            if !taken && !keys.contains(&key) {
                keys.push(key);
            }
        }
        let mut idents = Namespace::default();
        idents.reserve("new");
        def.fields.iter().for_each(|f| idents.reserve(&f.ident));
        let mut added = Vec::new();
        for key in keys {
            let Some(snake) = names::snake(key) else {
                let message = format!("`{name}`: the example's key `{key}` gives no identifier");
                self.example_only.push(self.error(message));
                continue;
            };
            let found: Vec<&Value> = samples.iter().filter_map(|v| v.get(key.as_str())).collect();
            let ty = self
                .infer(name, key, &found, depth + 1, Role::Request)
                .unwrap_or(Ty::Json);
            let message = format!(
                "`{name}.{key}` (example_only_key): no table row names it, the example sends {}",
                ty.describe()
            );
            self.example_only.push(self.error(message));
            added.push(FieldDef {
                ident: idents.claim(&snake, key, "_"),
                wire: key.clone(),
                aliases: Vec::new(),
                ty,
                required: false,
                doc: format!(
                    "`{key}`, as the page's example sends it: no table of the page names it."
                ),
                json_bool: false,
            });
        }
        if let Some(def) = self.structs.iter_mut().find(|s| s.name == name) {
            def.fields.extend(added);
        }
    }

    fn open_kind(&self, owner: &str, hint: &str) -> Option<Open> {
        self.open
            .iter()
            .find(|(o, h, _)| o == owner && h == hint)
            .map(|(_, _, open)| *open)
    }

    /// What the samples settle for a request field the page leaves open as `open`, with its note.
    fn open_type(
        &mut self,
        owner: &str,
        wire: &str,
        open: Open,
        ty: &Ty,
        samples: &[&Value],
    ) -> Option<(Ty, &'static str)> {
        let present: Vec<&Value> = samples.iter().copied().filter(|v| !v.is_null()).collect();
        match (open, ty) {
            (Open::Untyped, Ty::Json) => Some((sent_scalar(&present)?, UNTYPED)),
            (Open::Items, Ty::List(item)) if **item == Ty::Json => {
                let lists: Vec<&Vec<Value>> = present
                    .iter()
                    .map(|v| v.as_array())
                    .collect::<Option<_>>()?;
                let items: Vec<&Value> = lists.into_iter().flatten().collect();
                let item = sent_scalar(&items)?;
                Some((Ty::List(Box::new(item)), OPEN_ITEMS))
            }
            (Open::Object, Ty::Json) => {
                let values = sort_directions(&present)?;
                let doc = format!(
                    "The sort directions `{wire}` takes, as the page's example sends them; others arrive as `Unknown`."
                );
                let direction = self.enum_of(owner, &format!("{wire}Direction"), &values, doc)?;
                Some((Ty::Map(Box::new(direction)), SORTED))
            }
            _ => None,
        }
    }

    /// The type the samples show, or `None` when they show nothing or disagree; objects become structs of
    /// `role`.
    pub(super) fn infer(
        &mut self,
        owner: &str,
        hint: &str,
        samples: &[&Value],
        depth: usize,
        role: Role,
    ) -> Option<Ty> {
        let present: Vec<&Value> = samples.iter().copied().filter(|v| !v.is_null()).collect();
        let all = |f: fn(&Value) -> bool| !present.is_empty() && present.iter().all(|v| f(v));
        if let Some(scalar) = sent_scalar(&present) {
            Some(scalar)
        } else if all(Value::is_number) {
            Some(Ty::Float)
        } else if all(|v| v.is_string() || v.is_number()) {
            // A lenient string reads numbers as their text.
            Some(Ty::Str)
        } else if all(Value::is_array) {
            let items: Vec<&Value> = present.iter().flat_map(|v| elements(v)).collect();
            let item = self.infer(owner, names::singular(hint), &items, depth + 1, role)?;
            Some(Ty::List(Box::new(item)))
        } else if all(|v| v.is_object() || v.as_array().is_some_and(Vec::is_empty)) {
            // PHP sends an empty object as `[]`.
            let objects: Vec<&serde_json::Map<String, Value>> =
                present.iter().filter_map(|v| v.as_object()).collect();
            self.sampled_object(owner, hint, &objects, depth, role)
        } else {
            None
        }
    }

    /// A map when every key is an ID, else a struct of the keys in the order the examples show them.
    fn sampled_object(
        &mut self,
        owner: &str,
        hint: &str,
        objects: &[&serde_json::Map<String, Value>],
        depth: usize,
        role: Role,
    ) -> Option<Ty> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut keys: Vec<&String> = Vec::new();
        for key in objects.iter().flat_map(|o| o.keys()) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        if keys.is_empty() {
            return None;
        }
        if keys.iter().all(|k| is_id(k)) {
            let values: Vec<&Value> = objects.iter().flat_map(|o| o.values()).collect();
            let value = self.infer(owner, hint, &values, depth + 1, role)?;
            return Some(Ty::Map(Box::new(value)));
        }
        let name = self.nested_name(owner, hint);
        let mut idents = Namespace::default();
        if role == Role::Request {
            idents.reserve("new");
        }
        let mut fields = Vec::with_capacity(keys.len());
        for key in keys {
            let snake = names::snake(key)?;
            let found: Vec<&Value> = objects.iter().filter_map(|o| o.get(key.as_str())).collect();
            let ty = self
                .infer(&name, key, &found, depth + 1, role)
                .unwrap_or(Ty::Json);
            fields.push(FieldDef {
                ident: idents.claim(&snake, key, "_"),
                wire: key.clone(),
                aliases: Vec::new(),
                ty,
                required: false,
                doc: format!("`{key}`, as the page's example {}.", shows(role)),
                json_bool: false,
            });
        }
        self.structs.push(StructDef {
            name: name.clone(),
            role,
            doc: format!(
                "The `{hint}` object, as the page's example {}.",
                shows(role)
            ),
            fields,
            rest: None,
        });
        Some(Ty::Struct(name))
    }
}

/// What an example does with a value: a response shows it, a request sends it.
fn shows(role: Role) -> &'static str {
    match role {
        Role::Request => "sends it",
        Role::Decoded => "shows it",
    }
}

/// The scalar type every sample is, sent exactly as the samples are (no text for a number, no float
/// for an integer); `None` when they are not all one kind of scalar.
pub(super) fn sent_scalar(samples: &[&Value]) -> Option<Ty> {
    let mut kinds = samples
        .iter()
        .filter(|v| !v.is_null())
        .map(|v| scalar_kind(v));
    let first = kinds.next()??;
    kinds.all(|k| k.as_ref() == Some(&first)).then_some(first)
}

/// The scalar `value` is, sent exactly as it stands; `None` for `null`, a float, a list or an object.
pub(super) fn scalar_kind(value: &Value) -> Option<Ty> {
    match value {
        Value::Bool(_) => Some(Ty::Bool),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(Ty::Int),
        Value::String(_) => Some(Ty::Str),
        _ => None,
    }
}

/// The two sort directions, in the letter case the samples write them, when every sample is an object
/// of at least one key whose every value is `asc` or `desc` in one case (`{"ID": "DESC"}`).
fn sort_directions(samples: &[&Value]) -> Option<Vec<String>> {
    let values: Vec<&str> = samples
        .iter()
        .map(|v| v.as_object().filter(|o| !o.is_empty()))
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .flat_map(|o| o.values())
        .map(Value::as_str)
        .collect::<Option<_>>()?;
    let upper = values.iter().all(|v| matches!(*v, "ASC" | "DESC"));
    let lower = values.iter().all(|v| matches!(*v, "asc" | "desc"));
    match (values.is_empty(), upper, lower) {
        (false, true, _) => Some(vec!["ASC".into(), "DESC".into()]),
        (false, _, true) => Some(vec!["asc".into(), "desc".into()]),
        _ => None,
    }
}

/// Whether an object key is an ID or a list index (`"103"`), not a name.
pub(super) fn is_id(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit())
}

/// The elements of a JSON list; PHP sends a list with gaps as an object keyed by index.
fn elements(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) if map.keys().all(|k| is_id(k)) => map.values().collect(),
        _ => Vec::new(),
    }
}

/// `doc` with its "any JSON" note replaced by `note`, or, where the table gave a shape, with
/// [`OVER_TABLE`] added.
pub(super) fn renoted(doc: &str, note: &str) -> String {
    let any_json = |p: &&str| p.starts_with("Any JSON") || p.starts_with("A list of any JSON");
    let paragraphs: Vec<&str> = doc.split("\n\n").collect();
    let note = if paragraphs.iter().any(any_json) {
        note
    } else {
        OVER_TABLE
    };
    let kept: Vec<&str> = paragraphs
        .into_iter()
        .filter(|p| !any_json(p) && ![NOTE, UNTYPED, OPEN_ITEMS, SORTED, OVER_TABLE].contains(p))
        .collect();
    let mut out = kept.join("\n\n");
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(note);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A decoded struct `S` with one field `F` the tables left as any JSON.
    fn types() -> Types<'static> {
        let mut types = Types::new("page.md", "Get", []);
        types.structs.push(StructDef {
            name: "S".into(),
            role: Role::Decoded,
            doc: String::new(),
            fields: vec![FieldDef {
                ident: "f".into(),
                wire: "F".into(),
                aliases: Vec::new(),
                ty: Ty::Json,
                required: false,
                doc: "What it is\n\nAny JSON: the page does not describe this object.".into(),
                json_bool: false,
            }],
            rest: None,
        });
        types
    }

    fn field_after(samples: &[Value]) -> (Types<'static>, FieldDef) {
        let mut types = types();
        let samples: Vec<&Value> = samples.iter().collect();
        types.refine_struct("S", &samples, 0);
        let field = types.structs[0].fields[0].clone();
        (types, field)
    }

    #[test]
    fn an_object_in_the_example_becomes_a_struct_of_its_keys() {
        let (types, field) =
            field_after(&[json!({"F": {"width": 10, "name": "a"}}), json!({"F": []})]);
        let Ty::Struct(name) = &field.ty else {
            panic!("{:?}", field.ty)
        };
        let def = types.structs.iter().find(|s| &s.name == name).unwrap();
        let shape: Vec<(&str, &Ty)> = def
            .fields
            .iter()
            .map(|f| (f.wire.as_str(), &f.ty))
            .collect();
        assert_eq!(shape, [("width", &Ty::Int), ("name", &Ty::Str)]);
        assert_eq!(field.doc, format!("What it is\n\n{NOTE}"));
    }

    #[test]
    fn a_shape_the_example_shows_against_the_table_says_so_not_that_the_table_is_silent() {
        let mut types = types();
        let field = &mut types.structs[0].fields[0];
        field.ty = Ty::Bool;
        field.doc = "What it is".into();
        types.refine_struct("S", &[&json!({"F": [1, 2]})], 0);
        let field = &types.structs[0].fields[0];
        assert_eq!(field.ty, Ty::List(Box::new(Ty::Int)));
        assert_eq!(field.doc, format!("What it is\n\n{OVER_TABLE}"));
    }

    #[test]
    fn id_keys_make_a_map_and_lists_take_their_items_kind() {
        let (_, field) = field_after(&[json!({"F": {"12": [1.5, 2]}})]);
        assert_eq!(field.ty, Ty::Map(Box::new(Ty::List(Box::new(Ty::Float)))));
    }

    #[test]
    fn nothing_shown_or_a_disagreement_leaves_any_json() {
        for samples in [json!({"F": null}), json!({"F": []}), json!({"F": {}})] {
            assert_eq!(field_after(&[samples]).1.ty, Ty::Json);
        }
        let (_, field) = field_after(&[json!({"F": "text"}), json!({"F": {"a": 1}})]);
        assert_eq!(field.ty, Ty::Json);
        assert!(field.doc.contains("Any JSON"));
    }

    #[test]
    fn a_request_takes_the_keys_only_its_example_sends_but_not_one_in_other_case() {
        let mut types = types();
        let def = &mut types.structs[0];
        def.role = Role::Request;
        def.fields[0].ident = "id".into();
        def.fields[0].wire = "id".into();
        let samples = [json!({"ID": 7, "order": {"NAME": "asc"}, "limit": 10})];
        let samples: Vec<&Value> = samples.iter().collect();
        types.refine_struct("S", &samples, 0);
        let def = &types.structs[0];
        let fields: Vec<(&str, &Ty)> = def
            .fields
            .iter()
            .map(|f| (f.wire.as_str(), &f.ty))
            .collect();
        let order = Ty::Struct("GetOrder".into());
        assert_eq!(
            fields,
            [("id", &Ty::Json), ("order", &order), ("limit", &Ty::Int)]
        );
        assert_eq!(
            def.fields[2].doc,
            "`limit`, as the page's example sends it: no table of the page names it."
        );
        // What the example shows nests as a request too, and any JSON stays any JSON.
        assert_eq!(types.struct_named("GetOrder").unwrap().role, Role::Request);
        assert_eq!(types.example_only.len(), 2);
    }

    /// The request field `F` of type `ty`, left open as `open`, after the examples `samples`.
    fn open_field(ty: Ty, open: Option<Open>, samples: &[Value]) -> (Types<'static>, FieldDef) {
        let mut types = types();
        types.structs[0].role = Role::Request;
        types.structs[0].fields[0].ty = ty;
        if let Some(open) = open {
            types.open.push(("S".into(), "F".into(), open));
        }
        let samples: Vec<&Value> = samples.iter().collect();
        types.refine_struct("S", &samples, 0);
        let field = types.structs[0].fields[0].clone();
        (types, field)
    }

    #[test]
    fn a_request_field_left_open_takes_the_one_scalar_its_examples_send() {
        let untyped = Some(Open::Untyped);
        let (_, field) = open_field(Ty::Json, untyped, &[json!({"F": 5}), json!({"F": 7})]);
        assert_eq!(field.ty, Ty::Int);
        assert_eq!(field.doc, format!("What it is\n\n{UNTYPED}"));
        let list = Ty::List(Box::new(Ty::Json));
        let items = Some(Open::Items);
        let (_, field) = open_field(list.clone(), items, &[json!({"F": ["ID", "TITLE"]})]);
        assert_eq!(field.ty, Ty::List(Box::new(Ty::Str)));
        assert_eq!(field.doc, format!("What it is\n\n{OPEN_ITEMS}"));
        // Two kinds, a float, an object, or a field the page does not leave open: it stays as it was.
        for samples in [
            vec![json!({"F": 5}), json!({"F": "5"})],
            vec![json!({"F": 1.5})],
            vec![json!({"F": {"a": 1}})],
        ] {
            assert_eq!(open_field(Ty::Json, untyped, &samples).1.ty, Ty::Json);
        }
        assert_eq!(
            open_field(Ty::Json, None, &[json!({"F": 5})]).1.ty,
            Ty::Json
        );
        let (_, sent_as_object) = open_field(list, items, &[json!({"F": {"NAME": "a"}})]);
        assert_eq!(sent_as_object.ty, Ty::Map(Box::new(Ty::Json)));
        assert_eq!(sent_as_object.doc, format!("What it is\n\n{NOTE}"));
    }

    #[test]
    fn an_open_request_object_sending_sort_directions_is_a_map_of_them() {
        let object = Some(Open::Object);
        let sent = [json!({"F": {"ID": "DESC", "NAME": "ASC"}})];
        let (types, field) = open_field(Ty::Json, object, &sent);
        let Ty::Map(direction) = &field.ty else {
            panic!("{:?}", field.ty)
        };
        let Ty::Enum(name) = direction.as_ref() else {
            panic!("{direction:?}")
        };
        let def = types.enums.iter().find(|e| &e.name == name).unwrap();
        let wire: Vec<&str> = def.variants.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(wire, ["ASC", "DESC"]);
        assert_eq!(field.doc, format!("What it is\n\n{SORTED}"));
        // Mixed letter case, other values, or an object of other kinds stay any JSON.
        for sent in [
            json!({"F": {"ID": "DESC", "NAME": "asc"}}),
            json!({"F": {"ID": "DESC", "NAME": 1}}),
            json!({"F": {}}),
            json!({"F": "ID"}),
        ] {
            assert_eq!(open_field(Ty::Json, object, &[sent]).1.ty, Ty::Json);
        }
    }

    #[test]
    fn nesting_deeper_than_the_bound_stays_any_json() {
        let mut deep = json!(1);
        for _ in 0..(MAX_DEPTH * 4) {
            deep = json!({ "a": deep });
        }
        let (types, field) = field_after(&[json!({ "F": deep })]);
        assert!(matches!(field.ty, Ty::Struct(_)));
        assert!(
            types.structs.len() <= MAX_DEPTH + 2,
            "{}",
            types.structs.len()
        );
    }
}
