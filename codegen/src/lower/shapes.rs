//! Shapes from examples: where a page's tables give a decoded field no shape (any JSON), the page's own
//! response or event examples often show one. The example is a fact of the docs, so its keys and value
//! kinds type the field; where the examples show nothing (`null`, `[]`) or disagree, it stays any JSON.

use serde_json::Value;

use super::fields::Types;
use crate::model::{FieldDef, Role, StructDef, Ty};
use crate::names::{self, Namespace};

/// The note a field typed this way carries, in place of the "any JSON" one.
const NOTE: &str = "The page's tables do not describe it; the shape is the one its example shows.";

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
            Ty::Json => match self.infer(owner, hint, samples, depth) {
                Some(found) => {
                    *ty = found;
                    true
                }
                None => false,
            },
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

    /// Refines each field of the decoded struct `name` with the samples' values under its wire name.
    pub fn refine_struct(&mut self, name: &str, samples: &[&Value], depth: usize) {
        let Some(def) = self.struct_named(name) else {
            return;
        };
        if def.role != Role::Decoded || depth > MAX_DEPTH {
            return;
        }
        let fields: Vec<(String, Ty)> = def
            .fields
            .iter()
            .map(|f| (f.wire.clone(), f.ty.clone()))
            .collect();
        for (index, (wire, mut ty)) in fields.into_iter().enumerate() {
            let found: Vec<&Value> = samples.iter().filter_map(|v| v.get(&wire)).collect();
            if !self.refine_at(name, &wire, &mut ty, &found, depth) {
                continue;
            }
            // Refining may have added structs; find this one again.
            if let Some(def) = self.structs.iter_mut().find(|s| s.name == name) {
                let field = &mut def.fields[index];
                field.ty = ty;
                field.doc = renoted(&field.doc);
            }
        }
    }

    /// The type the samples show, or `None` when they show nothing or disagree.
    pub(super) fn infer(
        &mut self,
        owner: &str,
        hint: &str,
        samples: &[&Value],
        depth: usize,
    ) -> Option<Ty> {
        let present: Vec<&Value> = samples.iter().copied().filter(|v| !v.is_null()).collect();
        let all = |f: fn(&Value) -> bool| !present.is_empty() && present.iter().all(|v| f(v));
        if all(Value::is_boolean) {
            Some(Ty::Bool)
        } else if all(|v| v.is_i64() || v.is_u64()) {
            Some(Ty::Int)
        } else if all(Value::is_number) {
            Some(Ty::Float)
        } else if all(|v| v.is_string() || v.is_number()) {
            // A lenient string reads numbers as their text.
            Some(Ty::Str)
        } else if all(Value::is_array) {
            let items: Vec<&Value> = present.iter().flat_map(|v| elements(v)).collect();
            let item = self.infer(owner, names::singular(hint), &items, depth + 1)?;
            Some(Ty::List(Box::new(item)))
        } else if all(|v| v.is_object() || v.as_array().is_some_and(Vec::is_empty)) {
            // PHP sends an empty object as `[]`.
            let objects: Vec<&serde_json::Map<String, Value>> =
                present.iter().filter_map(|v| v.as_object()).collect();
            self.sampled_object(owner, hint, &objects, depth)
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
            let value = self.infer(owner, hint, &values, depth + 1)?;
            return Some(Ty::Map(Box::new(value)));
        }
        let name = self.nested_name(owner, hint);
        let mut idents = Namespace::default();
        let mut fields = Vec::with_capacity(keys.len());
        for key in keys {
            let snake = names::snake(key)?;
            let found: Vec<&Value> = objects.iter().filter_map(|o| o.get(key.as_str())).collect();
            let ty = self
                .infer(&name, key, &found, depth + 1)
                .unwrap_or(Ty::Json);
            fields.push(FieldDef {
                ident: idents.claim(&snake, key, "_"),
                wire: key.clone(),
                aliases: Vec::new(),
                ty,
                required: false,
                doc: format!("`{key}`, as the page's example shows it."),
                json_bool: false,
            });
        }
        self.structs.push(StructDef {
            name: name.clone(),
            role: Role::Decoded,
            doc: format!("The `{hint}` object, as the page's example shows it."),
            fields,
            rest: None,
        });
        Some(Ty::Struct(name))
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

/// `doc` with its "any JSON" note replaced by [`NOTE`].
fn renoted(doc: &str) -> String {
    let kept: Vec<&str> = doc
        .split("\n\n")
        .filter(|p| !p.starts_with("Any JSON") && !p.starts_with("A list of any JSON"))
        .collect();
    let mut out = kept.join("\n\n");
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(NOTE);
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
