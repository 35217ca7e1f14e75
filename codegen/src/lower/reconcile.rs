//! Tables against examples: where every example a page shows contradicts the type its tables give, the
//! example is the fact that was observed, so the type follows it and the report names the field.
//!
//! Four readings, tried in order:
//! - `php_array_record`: a list of records (`array`, as PHP calls any array) whose examples show one
//!   record, keyed by the record's own fields, is that record;
//! - `described_fields`: an object whose examples hold an object under every key (`ID: {type, title…}`)
//!   describes fields, one description per key: a map of those descriptions;
//! - `keyed_by_ids`: a struct of one row whose examples hold plain values under ID keys
//!   (`{"1417": "n5065"}`) is a map of that row's type: the row describes each value;
//! - `example_shape`: anything else the examples contradict takes the shape they show.
//!
//! Only the kind of a value is checked here ([`Types::fits`]): a struct whose field holds the wrong kind
//! stays a struct, and the field is reconciled on its own when the walk reaches it.

use serde_json::Value;

use super::fields::Types;
use super::shapes::is_id;
use crate::error::Error;
use crate::model::{Role, Ty};

impl Types<'_> {
    /// The type the samples show in place of `ty`, when they contradict it; records the change.
    pub(super) fn reconcile(
        &mut self,
        owner: &str,
        hint: &str,
        ty: &Ty,
        samples: &[&Value],
        depth: usize,
    ) -> Option<Ty> {
        let present: Vec<&Value> = samples.iter().copied().filter(|v| !v.is_null()).collect();
        if present.is_empty() {
            return None;
        }
        let (rule, found) = if let Some(record) = self.php_array_record(ty, &present) {
            ("php_array_record", record)
        } else if let Some(map) = self.described_fields(owner, hint, ty, &present, depth) {
            ("described_fields", map)
        } else if let Some(map) = self.keyed_by_ids(ty, &present) {
            ("keyed_by_ids", map)
        } else if present.iter().all(|v| self.fits(ty, v)) {
            return None;
        } else {
            ("example_shape", self.infer(owner, hint, &present, depth)?)
        };
        self.followed.push(Error::page(
            self.page(),
            format!(
                "`{owner}.{hint}` ({rule}): the table gives {}, the example shows {}",
                ty.describe(),
                found.describe()
            ),
        ));
        Some(found)
    }

    /// Whether `value` is of a kind `ty` decodes (what the runtime's wire adapters accept), not
    /// looking inside lists, maps and structs.
    pub(super) fn fits(&self, ty: &Ty, value: &Value) -> bool {
        let none =
            matches!(value, Value::Bool(false)) || matches!(value.as_str(), Some("" | "undefined"));
        match ty {
            Ty::Json => true,
            _ if value.is_null() => true,
            Ty::Int => {
                value.is_i64()
                    || value.is_u64()
                    || value.as_f64().is_some_and(|f| f.fract() == 0.0)
                    || value.as_str().is_some_and(|s| s.parse::<i64>().is_ok())
            }
            Ty::Float => {
                value.is_number() || value.as_str().is_some_and(|s| s.parse::<f64>().is_ok())
            }
            Ty::Bool => match value {
                Value::Bool(_) => true,
                Value::Number(n) => matches!(n.as_u64(), Some(0 | 1)),
                Value::String(s) => {
                    matches!(
                        s.as_str(),
                        "Y" | "y" | "1" | "true" | "N" | "n" | "0" | "false" | ""
                    )
                }
                _ => false,
            },
            Ty::Str | Ty::IntOrStr | Ty::Enum(_) => value.is_string() || value.is_number(),
            Ty::DateTime => {
                value.is_string()
                    || value == &Value::Bool(false)
                    || value.as_object().is_some_and(|o| o.is_empty())
            }
            Ty::List(_) | Ty::Map(_) => value.is_array() || value.is_object() || none,
            Ty::Struct(name) => {
                let decoded = self
                    .struct_named(name)
                    .is_none_or(|s| s.role == Role::Decoded);
                decoded
                    && (value.is_object() || value.as_array().is_some_and(Vec::is_empty) || none)
            }
        }
    }

    /// A list of records whose samples are each one record: objects keyed by the record's fields.
    fn php_array_record(&self, ty: &Ty, present: &[&Value]) -> Option<Ty> {
        let Ty::List(item) = ty else { return None };
        let Ty::Struct(name) = item.as_ref() else {
            return None;
        };
        let def = self.struct_named(name)?;
        let record = |v: &&Value| {
            v.as_object().is_some_and(|o| {
                let known = o
                    .keys()
                    .filter(|k| def.fields.iter().any(|f| &&f.wire == k))
                    .count();
                !o.is_empty() && known * 2 > o.len()
            })
        };
        present.iter().all(record).then(|| Ty::Struct(name.clone()))
    }

    /// A map of field descriptions: every sample an object holding an object under each of its keys,
    /// where `ty` is not a struct whose fields hold objects under most of those keys. The descriptions
    /// take `ty` when it is a struct they fit, else the shape they show.
    fn described_fields(
        &mut self,
        owner: &str,
        hint: &str,
        ty: &Ty,
        present: &[&Value],
        depth: usize,
    ) -> Option<Ty> {
        // Two keys or more, or keys that are IDs (`{"103": {…}}`: one user keyed by ID).
        let described = |v: &&Value| {
            v.as_object().is_some_and(|o| {
                (o.len() >= 2 || o.keys().all(|k| is_id(k)))
                    && o.values()
                        .all(|d| d.as_object().is_some_and(|d| !d.is_empty()))
            })
        };
        if !present.iter().all(described) || !self.keys_mostly_unnested(ty, present) {
            return None;
        }
        let descriptions: Vec<&Value> = present
            .iter()
            .filter_map(|v| v.as_object())
            .flat_map(|o| o.values())
            .collect();
        let same = matches!(ty, Ty::Struct(_))
            && self
                .php_array_record(&Ty::List(Box::new(ty.clone())), &descriptions)
                .is_some();
        let value = if same {
            ty.clone()
        } else {
            self.infer(owner, hint, &descriptions, depth + 1)?
        };
        Some(Ty::Map(Box::new(value)))
    }

    /// A map of the one row's type, when every sample is an object keyed by IDs holding no objects.
    fn keyed_by_ids(&self, ty: &Ty, present: &[&Value]) -> Option<Ty> {
        let Ty::Struct(name) = ty else { return None };
        let def = self.struct_named(name)?;
        let [row] = def.fields.as_slice() else {
            return None;
        };
        let keyed = |v: &&Value| {
            v.as_object().is_some_and(|o| {
                !o.is_empty()
                    && o.iter()
                        .all(|(k, v)| is_id(k) && !v.is_object() && self.fits(&row.ty, v))
            })
        };
        present
            .iter()
            .all(keyed)
            .then(|| Ty::Map(Box::new(row.ty.clone())))
    }

    /// Whether most keys of the samples are not fields of `ty` that hold an object or a list (a struct
    /// whose fields are nested objects is not a map of descriptions).
    fn keys_mostly_unnested(&self, ty: &Ty, present: &[&Value]) -> bool {
        let Ty::Struct(name) = ty else {
            return present.iter().any(|v| !self.fits(ty, v));
        };
        let Some(def) = self.struct_named(name) else {
            return false;
        };
        let nested = |key: &String| {
            def.fields.iter().any(|f| {
                &f.wire == key
                    && matches!(f.ty, Ty::Struct(_) | Ty::Map(_) | Ty::List(_) | Ty::Json)
            })
        };
        present.iter().filter_map(|v| v.as_object()).all(|o| {
            let nested = o.keys().filter(|k| nested(k)).count();
            nested * 2 < o.len()
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{FieldDef, StructDef};

    fn field(wire: &str, ty: Ty) -> FieldDef {
        FieldDef {
            ident: wire.to_ascii_lowercase(),
            wire: wire.into(),
            aliases: Vec::new(),
            ty,
            required: false,
            doc: String::new(),
            json_bool: false,
        }
    }

    /// A decoded record `Item { ID: int, NAME: str }`.
    fn types() -> Types<'static> {
        let mut types = Types::new("page.md", "Get", []);
        types.structs.push(StructDef {
            name: "Item".into(),
            role: Role::Decoded,
            doc: String::new(),
            fields: vec![field("ID", Ty::Int), field("NAME", Ty::Str)],
            rest: None,
        });
        types
    }

    fn reconciled(ty: Ty, samples: &[Value]) -> (Types<'static>, Option<Ty>) {
        let mut types = types();
        let samples: Vec<&Value> = samples.iter().collect();
        let found = types.reconcile("Get", "result", &ty, &samples, 0);
        (types, found)
    }

    #[test]
    fn a_php_array_holding_one_record_is_that_record() {
        let list = Ty::List(Box::new(Ty::Struct("Item".into())));
        let (types, found) = reconciled(list.clone(), &[json!({"ID": "9", "NAME": "a.txt"})]);
        assert_eq!(found, Some(Ty::Struct("Item".into())));
        assert_eq!(types.followed.len(), 1);
        // A real list, or an object of records keyed by index, stays a list.
        let (_, found) = reconciled(list.clone(), &[json!([{"ID": 1}]), json!({"0": {"ID": 2}})]);
        assert_eq!(found, None);
    }

    #[test]
    fn an_object_of_descriptions_is_a_map_of_them() {
        let described = json!({
            "ID": {"type": "integer", "isRequired": false},
            "TITLE": {"type": "string", "isRequired": true}
        });
        let (types, found) = reconciled(Ty::Struct("Item".into()), &[described]);
        let Some(Ty::Map(value)) = found else {
            panic!("{found:?}")
        };
        let Ty::Struct(name) = *value else { panic!() };
        let def = types.structs.iter().find(|s| s.name == name).unwrap();
        let fields: Vec<(&str, &Ty)> = def
            .fields
            .iter()
            .map(|f| (f.wire.as_str(), &f.ty))
            .collect();
        assert_eq!(fields, [("type", &Ty::Str), ("isRequired", &Ty::Bool)]);
    }

    #[test]
    fn a_struct_whose_fields_hold_objects_stays_a_struct() {
        let mut types = types();
        types.structs.push(StructDef {
            name: "Dialog".into(),
            role: Role::Decoded,
            doc: String::new(),
            fields: vec![
                field("chat", Ty::Struct("Item".into())),
                field("user", Ty::Struct("Item".into())),
            ],
            rest: None,
        });
        let sample = json!({"chat": {"ID": 1}, "user": {"ID": 2}});
        let found = types.reconcile("Get", "result", &Ty::Struct("Dialog".into()), &[&sample], 0);
        assert_eq!(found, None);
    }

    #[test]
    fn one_record_keyed_by_its_id_is_a_map_of_records() {
        let (_, found) = reconciled(
            Ty::Struct("Item".into()),
            &[json!({"103": {"ID": 103, "NAME": "Emily"}})],
        );
        assert_eq!(found, Some(Ty::Map(Box::new(Ty::Struct("Item".into())))));
    }

    #[test]
    fn a_row_describing_values_keyed_by_id_makes_a_map_of_its_type() {
        let mut types = types();
        types.structs.push(StructDef {
            name: "Attachments".into(),
            role: Role::Decoded,
            doc: String::new(),
            fields: vec![field("attachmentId", Ty::Str)],
            rest: None,
        });
        let sample = json!({"1417": "n5065", "1419": "n5067"});
        let ty = Ty::Struct("Attachments".into());
        let found = types.reconcile("Get", "attachments", &ty, &[&sample], 0);
        assert_eq!(found, Some(Ty::Map(Box::new(Ty::Str))));
        let named = json!({"attachmentId": "n5065"});
        assert_eq!(
            types.reconcile("Get", "attachments", &ty, &[&named], 0),
            None
        );
    }

    #[test]
    fn descriptions_that_fit_the_tables_record_keep_it() {
        let (_, found) = reconciled(
            Ty::Struct("Item".into()),
            &[json!({"first": {"ID": 1, "NAME": "a"}, "second": {"ID": 2}})],
        );
        assert_eq!(found, Some(Ty::Map(Box::new(Ty::Struct("Item".into())))));
    }

    #[test]
    fn a_contradicted_scalar_takes_the_examples_shape_and_a_fitting_one_stays() {
        let (_, found) = reconciled(Ty::Bool, &[json!({"task": true})]);
        let Some(Ty::Struct(_)) = found else {
            panic!("{found:?}")
        };
        for (ty, sample) in [
            (Ty::Bool, json!("Y")),
            (Ty::Int, json!("17")),
            (Ty::Struct("Item".into()), json!(false)),
            (Ty::List(Box::new(Ty::Int)), json!({"0": 1})),
            (Ty::DateTime, json!(false)),
        ] {
            assert_eq!(reconciled(ty, &[sample, Value::Null]).1, None);
        }
    }

    #[test]
    fn samples_that_disagree_leave_the_tables_type() {
        let (types, found) = reconciled(Ty::Int, &[json!("x"), json!([1])]);
        assert_eq!(found, None);
        assert!(types.followed.is_empty());
    }
}
