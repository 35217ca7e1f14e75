//! Tables against examples: where every example a page shows contradicts the type its tables give, the
//! example is the fact that was observed, so the type follows it and the report names the field.
//!
//! The readings, tried in order:
//! - `php_array_record`: a list of records (`array`, as PHP calls any array) whose examples show one
//!   record, keyed by the record's own fields, is that record;
//! - `keyed_record`: likewise a map of records (an object the page calls keyed) whose examples are one
//!   record keyed by its own fields;
//! - `described_fields`: an object whose examples hold an object under every key (`ID: {type, title…}`)
//!   describes fields, one description per key: a map of those descriptions;
//! - `keyed_by_ids`: a struct of one row whose examples hold plain values under ID keys
//!   (`{"1417": "n5065"}`) is a map of that row's type: the row describes each value;
//! - `operator_keys`: an object whose examples key it by conditions (`>=DATE`, `!ID`, `@STAGE_ID`: a
//!   filter) is a map of any JSON, whatever rows the tables give as samples of its fields;
//! - `php_array_keyed`: a list of any JSON (an `array` whose items the tables leave open) that a request
//!   example sends as an object is PHP's keyed array: a map of any JSON;
//! - `foreign_record`: a nested record none of whose fields an example's keys name (the data-types
//!   page's `OWNER_ID` where the example sends `ownerId`) takes the shape the examples show; not the
//!   `result` itself, where such a table describes a wrapper the example leaves out;
//! - `example_shape`: anything else the examples contradict takes the shape they show.
//!
//! Only the kind of a value is checked here ([`Types::fits`]): a struct whose field holds the wrong kind
//! stays a struct, and the field is reconciled on its own when the walk reaches it. What fits depends on
//! the side: decoding is lenient (a list may arrive as an object keyed by index), while a request must
//! encode exactly what the page sends, so there only the shape counts (a scalar, a list, an object), and
//! a scalar of another kind (`"your_id_here"` for an integer) is left to the example test to name.

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
        let role = self.role_of(owner);
        let (rule, found) = if let Some(record) = self.php_array_record(ty, &present) {
            ("php_array_record", record)
        } else if let Some(record) = self.keyed_record(ty, &present, role) {
            ("keyed_record", record)
        } else if let Some(map) = self.described_fields(owner, hint, ty, &present, depth, role) {
            ("described_fields", map)
        } else if let Some(map) = self.keyed_by_ids(ty, &present, role) {
            ("keyed_by_ids", map)
        } else if let Some(map) = operator_keys(ty, &present) {
            ("operator_keys", map)
        } else if hint != "result" && self.foreign_record(ty, &present, role) {
            let found = self.infer(owner, hint, &present, depth, role)?;
            ("foreign_record", found)
        } else if present.iter().all(|v| self.fits(role, ty, v)) {
            return None;
        } else if let Some(map) = php_array_keyed(ty, &present) {
            ("php_array_keyed", map)
        } else {
            let found = self.infer(owner, hint, &present, depth, role)?;
            ("example_shape", found)
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

    /// Whether `value` is of a kind `ty` decodes (what the runtime's wire adapters accept) or, for a
    /// request, of the shape `ty` encodes; not looking inside lists, maps and structs.
    pub(super) fn fits(&self, role: Role, ty: &Ty, value: &Value) -> bool {
        match (role, ty) {
            (_, Ty::Json) => true,
            (Role::Request, Ty::List(_)) => value.is_array(),
            (Role::Request, Ty::Map(_) | Ty::Struct(_)) => value.is_object(),
            // A scalar of another kind is the example test's to name (see the module docs).
            (Role::Request, _) => !value.is_array() && !value.is_object(),
            (Role::Decoded, _) => self.decodes(ty, value),
        }
    }

    /// Whether `value` is of a kind `ty` decodes, as [`Types::fits`] judges decoded values.
    fn decodes(&self, ty: &Ty, value: &Value) -> bool {
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
        self.each_one_record(item, present)
    }

    /// A map of records whose samples are each one record, not records keyed by something: the values
    /// under the record's fields are of their kinds (a map of field descriptions keyed by the same names
    /// holds objects there).
    fn keyed_record(&self, ty: &Ty, present: &[&Value], role: Role) -> Option<Ty> {
        let Ty::Map(value) = ty else { return None };
        let record = self.each_one_record(value, present)?;
        let def = self.struct_named(record.generated_name()?)?;
        // Scalars by their kind, on either side: a sort direction is no value of an integer row.
        let fitting = |ty: &Ty, v: &Value| match ty {
            Ty::Json | Ty::List(_) | Ty::Map(_) | Ty::Struct(_) => self.fits(role, ty, v),
            scalar => self.decodes(scalar, v),
        };
        let typed = |o: &serde_json::Map<String, Value>| {
            def.fields
                .iter()
                .all(|f| o.get(&f.wire).is_none_or(|v| fitting(&f.ty, v)))
        };
        present
            .iter()
            .filter_map(|v| v.as_object())
            .all(typed)
            .then_some(record)
    }

    /// `item`, when it is a struct and every sample is an object keyed mostly by its fields.
    fn each_one_record(&self, item: &Ty, present: &[&Value]) -> Option<Ty> {
        let Ty::Struct(name) = item else {
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
        present.iter().all(record).then(|| item.clone())
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
        role: Role,
    ) -> Option<Ty> {
        // Two keys or more, or keys that are IDs (`{"103": {…}}`: one user keyed by ID).
        let described = |v: &&Value| {
            v.as_object().is_some_and(|o| {
                (o.len() >= 2 || o.keys().all(|k| is_id(k)))
                    && o.values()
                        .all(|d| d.as_object().is_some_and(|d| !d.is_empty()))
            })
        };
        if !present.iter().all(described) || !self.keys_mostly_unnested(ty, present, role) {
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
            self.infer(owner, hint, &descriptions, depth + 1, role)?
        };
        Some(Ty::Map(Box::new(value)))
    }

    /// A map of the one row's type, when every sample is an object keyed by IDs holding no objects.
    fn keyed_by_ids(&self, ty: &Ty, present: &[&Value], role: Role) -> Option<Ty> {
        let Ty::Struct(name) = ty else { return None };
        let def = self.struct_named(name)?;
        let [row] = def.fields.as_slice() else {
            return None;
        };
        let keyed = |v: &&Value| {
            v.as_object().is_some_and(|o| {
                !o.is_empty()
                    && o.iter()
                        .all(|(k, v)| is_id(k) && !v.is_object() && self.fits(role, &row.ty, v))
            })
        };
        present
            .iter()
            .all(keyed)
            .then(|| Ty::Map(Box::new(row.ty.clone())))
    }

    /// Whether every sample is a record of keys the struct `ty` has no field for, when decoded.
    fn foreign_record(&self, ty: &Ty, present: &[&Value], role: Role) -> bool {
        let Ty::Struct(name) = ty else { return false };
        let Some(def) = self.struct_named(name) else {
            return false;
        };
        let named = |key: &String| {
            def.fields
                .iter()
                .any(|f| &f.wire == key || f.aliases.contains(key))
        };
        role == Role::Decoded
            && !def.fields.is_empty()
            && present.iter().all(|v| {
                v.as_object()
                    .is_some_and(|o| !o.is_empty() && !o.keys().any(named))
            })
    }

    /// Whether most keys of the samples are not fields of `ty` that hold an object or a list (a struct
    /// whose fields are nested objects is not a map of descriptions).
    fn keys_mostly_unnested(&self, ty: &Ty, present: &[&Value], role: Role) -> bool {
        let Ty::Struct(name) = ty else {
            return present.iter().any(|v| !self.fits(role, ty, v));
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

/// A map of any JSON for a struct, list or map of something else whose samples are objects, one of
/// them keyed by a condition: a field name behind a comparison (`>=DATE`, `!=name`, `@ID`, `%TITLE`).
fn operator_keys(ty: &Ty, present: &[&Value]) -> Option<Ty> {
    let any = Ty::Map(Box::new(Ty::Json));
    if !matches!(ty, Ty::Struct(_) | Ty::List(_) | Ty::Map(_)) || *ty == any {
        return None;
    }
    let condition = |key: &String| key.starts_with(['=', '!', '<', '>', '%', '@', '?']);
    let objects = present.iter().all(|v| v.is_object());
    let conditions = present
        .iter()
        .filter_map(|v| v.as_object())
        .any(|o| o.keys().any(condition));
    (objects && conditions).then_some(any)
}

/// A map of any JSON for a list of any JSON whose samples are all objects (reached only for requests:
/// decoding takes an object as a list with gaps).
fn php_array_keyed(ty: &Ty, present: &[&Value]) -> Option<Ty> {
    let keyed = matches!(ty, Ty::List(item) if **item == Ty::Json)
        && present
            .iter()
            .all(|v| v.as_object().is_some_and(|o| !o.is_empty()));
    keyed.then(|| Ty::Map(Box::new(Ty::Json)))
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
    fn a_record_whose_keys_the_example_never_sends_takes_the_examples_shape() {
        let item = Ty::Struct("Item".into());
        let nested = |sample: Value| {
            let mut types = types();
            let found = types.reconcile("Get", "dealOrder", &item, &[&sample], 0);
            (types, found)
        };
        let (types, found) = nested(json!({"ownerId": 1, "orderId": 2}));
        let Some(Ty::Struct(name)) = found else {
            panic!("{found:?}")
        };
        let def = types.struct_named(&name).expect("the example's record");
        let wires: Vec<&str> = def.fields.iter().map(|f| f.wire.as_str()).collect();
        assert_eq!(wires, ["ownerId", "orderId"]);
        assert!(types.followed[0].to_string().contains("foreign_record"));
        // One key the table names keeps the table's record, and so does an empty one; `result`
        // itself is left to the other readings.
        assert_eq!(nested(json!({"ID": 1, "extra": 2})).1, None);
        assert_eq!(nested(json!({})).1, None);
        assert_eq!(reconciled(item, &[json!({"ownerId": 1})]).1, None);
    }

    #[test]
    fn a_map_holding_one_record_keyed_by_its_fields_is_that_record() {
        let map = Ty::Map(Box::new(Ty::Struct("Item".into())));
        let (_, found) = reconciled(map.clone(), &[json!({"ID": 9, "NAME": "a.txt"})]);
        assert_eq!(found, Some(Ty::Struct("Item".into())));
        // Values that are no values of the record's rows (sort directions) keep the map.
        let (_, found) = reconciled(map, &[json!({"ID": "asc", "NAME": "desc"})]);
        assert_eq!(found, None);
    }

    #[test]
    fn keys_behind_comparisons_make_a_map_of_any_json() {
        let any = Some(Ty::Map(Box::new(Ty::Json)));
        let (_, found) = reconciled(
            Ty::Struct("Item".into()),
            &[json!({">=ID": 5, "NAME": "a"})],
        );
        assert_eq!(found, any);
        let list = Ty::List(Box::new(Ty::Struct("Item".into())));
        assert_eq!(reconciled(list, &[json!({"!NAME": ""})]).1, any);
        assert_eq!(
            reconciled(Ty::Struct("Item".into()), &[json!({"ID": 5})]).1,
            None
        );
    }

    /// `types()` with a request struct `Req` of one field, which request samples are reconciled under.
    fn request(ty: Ty, samples: &[Value]) -> Option<Ty> {
        let mut types = types();
        types.structs.push(StructDef {
            name: "Req".into(),
            role: Role::Request,
            doc: String::new(),
            fields: vec![field("f", ty.clone())],
            rest: None,
        });
        let samples: Vec<&Value> = samples.iter().collect();
        types.reconcile("Req", "f", &ty, &samples, 0)
    }

    #[test]
    fn a_request_sending_an_object_for_an_undescribed_array_sends_a_map() {
        let list = Ty::List(Box::new(Ty::Json));
        let any = Some(Ty::Map(Box::new(Ty::Json)));
        assert_eq!(request(list.clone(), &[json!({"NAME": "%x%"})]), any);
        assert_eq!(request(list.clone(), &[json!([1, 2])]), None);
        // Decoding reads an object as a list with gaps: nothing to reconcile there.
        assert_eq!(reconciled(list, &[json!({"NAME": "%x%"})]).1, None);
    }

    #[test]
    fn a_request_follows_the_examples_shape_but_not_a_scalars_kind() {
        assert_eq!(
            request(Ty::Str, &[json!([1])]),
            Some(Ty::List(Box::new(Ty::Int)))
        );
        // A placeholder for an integer, a boolean as `0`: the example test names them.
        assert_eq!(request(Ty::Int, &[json!("your_id_here")]), None);
        assert_eq!(request(Ty::Bool, &[json!(0)]), None);
        // A request struct sent as an object fits, where a decoded one would be asked to.
        assert_eq!(request(Ty::Struct("Req".into()), &[json!({"f": 1})]), None);
    }

    #[test]
    fn samples_that_disagree_leave_the_tables_type() {
        let (types, found) = reconciled(Ty::Int, &[json!("x"), json!([1])]);
        assert_eq!(found, None);
        assert!(types.followed.is_empty());
    }
}
