//! Facts the docs state in prose, read by named rules.
//!
//! A field table says a lot in its columns, but some facts that decide a type live in the description:
//! "keyed by user ID" makes an object a map, "`Y` or `N`" makes a string a flag, "each item must include
//! `user`, `message` and `chat`" makes three fields required, "send either `SESSION_ID` or `CHAT_ID`"
//! groups two parameters. Each rule here reads one such phrasing, and every fact it yields carries the
//! rule's name into the IR, so a reader of the IR can tell a stated fact from an inferred one.
//!
//! Each rule has a minimal Markdown fixture right above it, in a `// test <rule>` comment block (the way
//! rust-analyzer keeps its parser tests). `tests::fixtures` parses every block as a page and snapshots the
//! facts the rules produced, so a maintainer who meets a new quirk adds one rule, one fixture, and accepts
//! one snapshot.

use std::sync::LazyLock;

use regex::Regex;

use crate::cells;
use crate::ir::{
    ChildLink, Field, FieldName, GroupKind, KeyedBy, NameKind, ParamGroup, ProseType, Required,
    Source, TypeExpr,
};

/// Every rule, by name, with what it reads. The names appear in the IR (`rule`, `Required::Prose`).
pub const RULES: &[(&str, &str)] = &[
    (
        "values_announced",
        "a line ending with `:` that announces values, then `- VALUE — meaning` items",
    ),
    (
        "yes_no_flag",
        "a string whose description names `Y` and `N` (or `Y` and \"any other value\")",
    ),
    (
        "keyed_by",
        "an object whose description says what its keys are (\"keyed by user ID\", \"the key is ...\")",
    ),
    (
        "ids_list",
        "a bare `array` whose description says it holds IDs (\"IDs of the users\") or names, or shows a sample list (`[\"a\", \"b\"]`)",
    ),
    (
        "inline_shape",
        "an object or array whose description shows its keys inline (`{\"url\": …}`, `array('url' => …)`)",
    ),
    (
        "keys_listed",
        "an object or array whose description lists its keys (\"Meaning of the keys:\" then `- `KEY` — …`), typed by a sample in the cell",
    ),
    (
        "required_in_parent",
        "a parent whose description says which of its fields are required or must be included",
    ),
    (
        "param_group",
        "a sentence in the parameters section limiting how many of the named parameters are sent",
    ),
];

/// Applies the field rules to `field` (whose children are already resolved) and to its subtree.
pub fn apply(field: &mut Field) {
    if field.values.is_empty() {
        field.values = values(&field.ty, field.children.is_empty(), &field.description);
    }
    let named_key = matches!(field.name.kind, NameKind::Placeholder | NameKind::Wildcard);
    if field.keyed_by.is_none() {
        field.keyed_by = keyed_by(&field.ty, &field.description)
            .and_then(|k| k.filter(|k| !named_key || k.inner));
    }
    if field.prose_type.is_none() && field.children.is_empty() {
        field.prose_type = ids_list(&field.ty, &field.description);
    }
    if field.children.is_empty() && field.keyed_by.is_none() {
        let (rule, children) = match inline_shape(&field.ty, &field.description, &field.source) {
            found if !found.is_empty() => ("inline_shape", found),
            _ => (
                "keys_listed",
                keys_listed(&field.ty, &field.description, &field.source),
            ),
        };
        if !children.is_empty() {
            field.children = children;
            field.children_via = Some(ChildLink::Inline(rule.to_owned()));
        }
    }
    required_in_parent(field);
}

fn is_textual(ty: &TypeExpr) -> bool {
    match ty {
        TypeExpr::Named { name, .. } => {
            matches!(
                name.to_ascii_lowercase().as_str(),
                "string" | "char" | "text"
            )
        }
        TypeExpr::Array { item } => is_textual(item),
        _ => false,
    }
}

fn is_bare_array(ty: &TypeExpr) -> bool {
    matches!(ty, TypeExpr::Named { name, .. } if name.eq_ignore_ascii_case("array"))
}

pub(crate) fn is_object(ty: &TypeExpr) -> bool {
    matches!(ty, TypeExpr::Named { name, .. } if name.eq_ignore_ascii_case("object"))
}

/// The values a scalar string field may take, by the first rule that finds any.
fn values(ty: &TypeExpr, leaf: bool, description: &str) -> Vec<String> {
    let announced = cells::documented_values(description);
    if !announced.is_empty() || !leaf || !is_textual(ty) {
        return announced;
    }
    let listed = values_announced(description);
    if !listed.is_empty() {
        return listed;
    }
    yes_no_flag(description)
}

// test values_announced
// ## Method Parameters
// #|
// || **Name**
// `type` | **Description** ||
// || **CRM_ENTITY_TYPE***
// [`string`](x.md) | Kind of CRM record. One of:
// - `lead` — a lead
// - `deal` — a deal
// - company — a company ||
// || **DIALOG_ID***
// [`string`](x.md) | The dialog. One of:
// - chatXXX — a chat
// - XXX — a user ||
// |#
/// Rule `values_announced`: any line ending with `:` followed by a list whose every item is a value (in
/// backticks or a bare word) and a dash. [`cells::documented_values`] already reads lists announced with
/// the word "values"; this one reads the other announcements ("One of:", "What to do:") of string fields,
/// where a list of `value — meaning` items can only be values.
fn values_announced(description: &str) -> Vec<String> {
    static ITEM: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[-*] +(?:`([^`|]+)`|([A-Za-z0-9_]+)) *[—–-] *\S").expect("regex")
    });
    let mut values = Vec::new();
    let mut announced = false;
    for line in description.lines() {
        let l = line.trim();
        if l.starts_with("- ") || l.starts_with("* ") {
            if !announced {
                continue;
            }
            let Some(c) = ITEM.captures(l) else {
                return Vec::new();
            };
            let value = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
            values.push(value.to_owned());
        } else if !l.is_empty() {
            if !values.is_empty() {
                break;
            }
            announced = l.ends_with(':');
        }
    }
    const TYPES: [&str; 6] = ["string", "null", "array", "object", "integer", "boolean"];
    // `chatXXX` or `<id>` is a pattern for values, not one of them.
    let pattern = |v: &str| v.contains("XXX") || v.contains('<');
    if values.len() < 2
        || values
            .iter()
            .any(|v| TYPES.contains(&v.as_str()) || pattern(v))
    {
        return Vec::new();
    }
    values.dedup();
    values
}

// test yes_no_flag
// ## Method Parameters
// #|
// || **Name**
// `type` | **Description** ||
// || **canJoin**
// [`string`](x.md) | Whether the caller may join, `Y` or `N` ||
// || **ACTIVATE**
// [`string`](x.md) | `Y` switches it on; any other value switches it off ||
// || **URL_PREVIEW**
// [`char`](x.md) | On by default (`Y`). Send `N` to turn it off ||
// || **ACTIVE**
// [`string`](x.md) | Send `1`/`0` or `Y`/`N` ||
// |#
/// Rule `yes_no_flag`: a string field that names the values `Y` and `N`, or `Y` and "any other value" /
/// "anything else", is a flag sent as `Y`/`N`, unless the description names other short values beside
/// them (`1`/`0` or `Y`/`N`), which makes it a string that happens to accept `Y`.
fn yes_no_flag(description: &str) -> Vec<String> {
    let other_values = code_spans(description).into_iter().any(|v| {
        v.len() <= 3 && v.chars().all(|c| c.is_ascii_alphanumeric()) && !matches!(v, "Y" | "N")
    });
    if other_values {
        return Vec::new();
    }
    if !description.contains("`Y`") {
        return Vec::new();
    }
    let lower = description.to_lowercase();
    let n = description.contains("`N`")
        || lower.contains("any other value")
        || lower.contains("anything else");
    if n {
        vec!["Y".to_owned(), "N".to_owned()]
    } else {
        Vec::new()
    }
}

// test keyed_by
// ## Method Parameters
// #|
// || **Name**
// `type` | **Description** ||
// || **QUEUE_FULL**
// [`object`](x.md) | Queue entries keyed by user ID; each value describes one entry ||
// || **QUEUE_USERS_FIELDS**
// [`object`](x.md) | User fields. The key of the object is the user ID, the value is the user ||
// || **muteList**
// [`object`](x.md) | Object where the key is the user identifier, and the value `true/false` tells whether muted ||
// || **canvoteashead**
// [`object`](x.md) | Map shaped as `{"<CONFIG_ID>": <boolean>}` ||
// || **filter**
// [`object`](x.md) | Conditions, given as `{"field_1": "value_1", ... "field_N": "value_N"}` ||
// || **NOT_A_MAP**
// [`object`](x.md) | Settings; the keys are described below ||
// || **messages**
// [`object`](x.md) | Messages by id [(detailed description)](#messages) ||
// |#
//
// ### messages {#messages}
//
// #|
// || **Name**
// `type` | **Description** ||
// || **<messageId>**
// [`object`](x.md) | One message; the key is its ID ||
// || **<chatId>**
// [`object`](x.md) | Flags of the chat: each key is a user ID, each value is `true` or `false` ||
// |#
/// Rule `keyed_by`: an object whose description says what its keys stand for is a map from those ids
/// ("keyed by user ID", "the key is the user ID", "each key is a connector code", `{"<ID>": ...}`, or the
/// numbered sample `{"field_1": "value_1", … "field_N": "value_N"}` of filters and sort orders, whose values
/// stay any JSON: a filter value may be a list). When the
/// prose also gives the values as `true/false` (or `<boolean>`), that is the value type. A placeholder row
/// (`<messageId>`) that says the same is a map's value already, so it is left alone.
fn keyed_by(ty: &TypeExpr, description: &str) -> Option<Keyed> {
    static KEY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?i)(?:keyed by|(?:the|each) key (?:of the object )?is(?: the)?|\{\s*"<([^>"]+)>"\s*:|\{\s*"([a-z]+)_1"\s*:)\s*([^.;,()\[\]|]*)"#,
        )
        .expect("regex")
    });
    if !is_object(ty) {
        return None;
    }
    let c = KEY.captures(description)?;
    let key = c
        .get(1)
        .or_else(|| c.get(2))
        .or_else(|| c.get(3))
        .map(|m| m.as_str().split(" and ").next().unwrap_or_default())
        .map(str::trim)
        .filter(|k| !k.is_empty())?;
    let lower = description.to_lowercase();
    let boolean = ["`true/false`", "<boolean>", "`true` or `false`"]
        .iter()
        .any(|w| lower.contains(w));
    let text = lower.contains("each value is") && lower.contains("name");
    let value = match (boolean, text) {
        (true, _) => Some("boolean"),
        (false, true) => Some("string"),
        _ => None,
    };
    Some(Keyed {
        inner: lower.contains("each key"),
        keyed: KeyedBy {
            key: key.to_owned(),
            value: value.map(|name| TypeExpr::Named {
                name: name.to_owned(),
                link: None,
            }),
            rule: "keyed_by".to_owned(),
        },
    })
}

/// What [`keyed_by`] read, and whether it speaks of the keys of a value ("each key is") rather than of the
/// row's own key ("the key is its ID"): only the former applies to a placeholder row.
struct Keyed {
    keyed: KeyedBy,
    inner: bool,
}

impl Keyed {
    fn filter(self, keep: impl FnOnce(&Self) -> bool) -> Option<KeyedBy> {
        keep(&self).then_some(self.keyed)
    }
}

// test ids_list
// ## Method Parameters
// #|
// || **Name**
// `type` | **Description** ||
// || **manager_list**
// [`array`](x.md) | IDs of the operators who manage the chat ||
// || **QUEUE**
// [`array`](x.md) | Identifiers of the users in the queue ||
// || **select**
// [`array`](x.md) | Names of the fields to return ||
// || **id**
// [`array`](x.md) | External IDs, always a list, e.g. `["ext-1", "ext-2"]` ||
// || **other**
// [`array`](x.md) | Whatever the portal keeps ||
// |#
/// Rule `ids_list`: a bare `array` whose description begins by saying it holds IDs ("IDs of …",
/// "Identifiers of …", "List of IDs …") is a list of integers; one that holds names or codes ("Names of
/// …") a list of strings. A sample list of scalars in a code span (`["ext-1"]`) types the items too, and
/// wins, because it shows what is sent.
fn ids_list(ty: &TypeExpr, description: &str) -> Option<ProseType> {
    static ITEMS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?i)(?:(?:the |a )?list of )?(?:(ids|identifiers)|(names|codes))\b")
            .expect("regex")
    });
    if !is_bare_array(ty) {
        return None;
    }
    let sampled =
        code_spans(description).into_iter().find_map(|span| {
            match serde_json::from_str::<serde_json::Value>(span.trim()).ok()? {
                serde_json::Value::Array(items) if !items.is_empty() => {
                    let types: Vec<&str> = items.iter().map(sample_type).collect();
                    let scalar = !items.iter().any(|i| i.is_object() || i.is_array());
                    (scalar && types.windows(2).all(|w| w[0] == w[1])).then_some(types[0])
                }
                _ => None,
            }
        });
    let named = ITEMS.captures(description.trim()).map(|c| {
        if c.get(1).is_some() {
            "integer"
        } else {
            "string"
        }
    });
    let item = sampled.or(named)?;
    Some(ProseType {
        ty: TypeExpr::Array {
            item: Box::new(TypeExpr::Named {
                name: item.to_owned(),
                link: None,
            }),
        },
        rule: "ids_list".to_owned(),
    })
}

// test inline_shape
// ## Method Parameters
// #|
// || **Name**
// `type` | **Description** ||
// || **picture**
// [`object`](x.md) | An object with a single `url` key, e.g. `{"url":"https://example.com/a.png"}` ||
// || **files**
// [`array`](x.md) | Each entry is written in PHP as `array('url' => 'File link', 'name' => 'File name')` ||
// || **size**
// [`object`](x.md) | Like `{"width": 10, "height": 20}` ||
// |#
/// Rule `inline_shape`: an `object` (or a bare `array` of objects) whose description shows one object in a
/// code span, as JSON (`{"url": "…"}`) or PHP (`array('url' => '…')`), has those keys as fields, typed by
/// their sample values.
fn inline_shape(ty: &TypeExpr, description: &str, source: &Source) -> Vec<Field> {
    static PHP_PAIR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*=>\s*('[^']*'|"[^"]*"|-?[0-9.]+|true|false)"#,
        )
        .expect("regex")
    });
    if !is_object(ty) && !is_bare_array(ty) {
        return Vec::new();
    }
    for span in code_spans(description) {
        let span = span.trim();
        let pairs: Vec<(String, &str)> = if span.starts_with('{') {
            match serde_json::from_str::<serde_json::Value>(span) {
                Ok(serde_json::Value::Object(map)) => {
                    map.into_iter().map(|(k, v)| (k, sample_type(&v))).collect()
                }
                _ => continue,
            }
        } else if span.starts_with("array(") {
            PHP_PAIR
                .captures_iter(span)
                .map(|c| {
                    let v = &c[2];
                    let sample = if v.starts_with(['\'', '"']) {
                        serde_json::Value::String(String::new())
                    } else {
                        serde_json::from_str(v).unwrap_or_default()
                    };
                    (c[1].to_owned(), sample_type(&sample))
                })
                .collect()
        } else {
            continue;
        };
        if pairs.is_empty() {
            continue;
        }
        return pairs
            .into_iter()
            .map(|(name, ty)| inline_field(name, Some(ty), source))
            .collect();
    }
    Vec::new()
}

// test keys_listed
// ## Method Parameters
// #|
// || **Name**
// `type` | **Description** ||
// || **QUEUE**
// [`array`](x.md) | Queue members, objects with fields `ENTITY_TYPE` and `ENTITY_ID`.
//
// Possible values:
// - `ENTITY_TYPE` — `user` or `department`
// - `ENTITY_ID` — the member's ID
//
// Sample value:
// ```js
// [{"ENTITY_TYPE": "user", "ENTITY_ID": "1"}]
// ```
// ||
// || **OPTIONS**
// [`object`](x.md) | Options. Its keys:
// - `mode` — how it runs ||
// || **select**
// [`array`](x.md) | Fields to return. Available fields:
// - `name` — the name
// - `requiredGroups` — required groups ||
// |#
/// Rule `keys_listed`: an `object` (or a bare `array` of objects) whose description speaks of its keys,
/// fields or properties and lists them after a line ending with `:` as `` - `KEY` — meaning`` items has
/// those keys as fields (the announcement itself may say "Possible values:", as upstream's often does). A JSON sample in a code block of the same cell types them; without
/// one their type is left unknown.
fn keys_listed(ty: &TypeExpr, description: &str, source: &Source) -> Vec<Field> {
    static ITEM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[-*] +`([A-Za-z_][A-Za-z0-9_]*)` *[—–-]").expect("regex"));
    // The list [`restate`] writes in a facts-only page names the keys alone.
    static BARE_ITEM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[-*] +`([A-Za-z_][A-Za-z0-9_]*)`$").expect("regex"));
    // A bare array's list is of its items' keys only when the items are said to be objects, outside
    // the list (an item may say "object identifier"); otherwise ("Available fields:" of a `select`)
    // it lists values.
    if !(is_object(ty) || is_bare_array(ty) && said_objects(description)) {
        return Vec::new();
    }
    let lower = description.to_lowercase();
    let speaks_of_keys = ["key", "field", "propert"]
        .iter()
        .any(|w| lower.contains(w));
    let mut names = Vec::new();
    let mut announced = false;
    let mut restated = false;
    for line in description.lines() {
        let l = line.trim();
        if l.starts_with("- ") || l.starts_with("* ") {
            if !announced {
                continue;
            }
            let item = ITEM
                .captures(l)
                .or_else(|| BARE_ITEM.captures(l).filter(|_| restated));
            match item {
                Some(c) => names.push(c[1].to_owned()),
                None => return Vec::new(),
            }
        } else if !l.is_empty() {
            if !names.is_empty() {
                break;
            }
            announced = l.ends_with(':') && speaks_of_keys;
            restated = l == RESTATED_KEYS || l.ends_with(&format!(" {RESTATED_KEYS}"));
        }
    }
    // `field_n`, `value_n`: stand-ins for any key, so the object is keyed by the caller, not a struct.
    if names.iter().any(|n| n.ends_with("_n")) {
        return Vec::new();
    }
    let sample = fenced_sample(description);
    names
        .into_iter()
        .map(|name| {
            let ty = sample.as_ref().and_then(|s| s.get(&name)).map(sample_type);
            inline_field(name, ty, source)
        })
        .collect()
}

/// Whether a description speaks of objects outside its list items.
fn said_objects(description: &str) -> bool {
    description
        .lines()
        .map(str::trim_start)
        .filter(|l| !(l.starts_with("- ") || l.starts_with("* ")))
        .any(|l| l.to_lowercase().contains("object"))
}

/// The words [`restate`] announces a key list with (the docs never end a line with them).
const RESTATED_KEYS: &str = "Keys:";

/// The first object of a JSON sample in a code block of a description (the object itself, or the first
/// item of an array).
fn fenced_sample(description: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let (_, rest) = description.split_once("```")?;
    let (_, body) = rest.split_once('\n')?;
    let (body, _) = body.split_once("```")?;
    match serde_json::from_str(body).ok()? {
        serde_json::Value::Object(map) => Some(map),
        serde_json::Value::Array(items) => match items.into_iter().next()? {
            serde_json::Value::Object(map) => Some(map),
            _ => None,
        },
        _ => None,
    }
}

/// A field the description names without a table row of its own.
fn inline_field(name: String, ty: Option<&str>, source: &Source) -> Field {
    let name = FieldName {
        wire: name,
        kind: NameKind::Plain,
    };
    let ty = ty.map_or(TypeExpr::Missing, |ty| TypeExpr::Named {
        name: ty.to_owned(),
        link: None,
    });
    Field::bare(name, ty, source.clone())
}

/// The docs' type name for a sample value shown inline.
fn sample_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Number(n) if n.is_i64() => "integer",
        serde_json::Value::Number(_) => "double",
        serde_json::Value::Bool(_) => "boolean",
        _ => "string",
    }
}

// test required_in_parent
// ## Method Parameters
// #|
// || **Name**
// `type` | **Description** ||
// || **MESSAGES***
// [`array`](x.md) | Each item is one message with three required blocks: `user`, `message`, `chat`. See [below](#messages) ||
// |#
//
// ### MESSAGES {#messages}
//
// #|
// || **Name**
// `type` | **Description** ||
// || **user**
// [`object`](x.md) | The sender ||
// || **message**
// [`object`](x.md) | The message ||
// || **chat**
// [`object`](x.md) | The chat ||
// || **extra**
// [`object`](x.md) | Optional data ||
// |#
/// Rule `required_in_parent`: a parent's description with a sentence that says "required" or "must
/// include/contain" and names fields in backticks makes those of its children required. Only children that
/// exist are marked, so a sentence about something else cannot invent fields.
fn required_in_parent(field: &mut Field) {
    if field.children.is_empty() {
        return;
    }
    let mut named = Vec::new();
    for m in required_sentences(&field.description) {
        named.extend(code_spans(m));
    }
    for child in &mut field.children {
        if matches!(child.required, Required::No) && named.contains(&child.name.wire.as_str()) {
            child.required = Required::Prose("required_in_parent".to_owned());
        }
    }
}

// test param_group
// ## Method Parameters
//
// Send either `SESSION_ID` or `CHAT_ID`.
//
// #|
// || **Name**
// `type` | **Description** ||
// || **SESSION_ID**
// [`integer`](x.md) | Session ||
// || **CHAT_ID**
// [`integer`](x.md) | Chat ||
// || **RATING**
// [`string`](x.md) | Rating ||
// || **COMMENT**
// [`string`](x.md) | Comment ||
// |#
//
// Send at least one of the two, `RATING` or `COMMENT`.
//
// Ideally pass only one: `SESSION_ID`, `RATING` or `QUEUE_ID`.
//
// The request must include `RATING` and either `SESSION_ID` or `CHAT_ID`.
//
// A `COMMENT` is turned into either `SESSION_ID` or `RATING` internally.
/// Rule `param_group`: a sentence of the parameters section that says how many of the parameters it
/// names in backticks may be sent ("one of", "either", "at least one", "only one", "a single"). The group
/// keeps only names that are top-level parameters, and needs two of them.
pub fn param_group(text: &str, params: &[Field], source: &Source) -> Option<ParamGroup> {
    const PHRASES: [(&str, GroupKind); 7] = [
        ("at least one", GroupKind::AtLeastOne),
        ("only one", GroupKind::AtMostOne),
        ("at most one", GroupKind::AtMostOne),
        ("a single", GroupKind::AtMostOne),
        ("single one", GroupKind::AtMostOne),
        ("one of", GroupKind::OneOf),
        ("either", GroupKind::OneOf),
    ];
    let lower = text.to_ascii_lowercase();
    // A sentence about what to send, not one that mentions parameters in passing ("translated into
    // either `USER_ID` or `QUEUE_ID`").
    const SENDING: [&str; 10] = [
        "send",
        "pass",
        "provid",
        "specif",
        "must",
        "accept",
        "requir",
        "need",
        "parameter",
        "field",
    ];
    if !SENDING.iter().any(|w| lower.contains(w)) {
        return None;
    }
    let (at, kind) = PHRASES
        .iter()
        .find_map(|(phrase, kind)| lower.find(phrase).map(|at| (at, *kind)))?;
    // Names before the phrase are not in the group ("`CODE` and at least one of `HANDLER`, `NAME`").
    let from = if text[..at].matches('`').count().is_multiple_of(2) {
        at
    } else {
        0
    };
    let text = &text[from..];
    let top: Vec<&str> = params
        .iter()
        .filter(|p| matches!(p.name.kind, NameKind::Plain))
        .map(|p| p.name.wire.as_str())
        .collect();
    let mut names: Vec<String> = Vec::new();
    for span in code_spans(text) {
        if top.contains(&span) && !names.iter().any(|n| n == span) {
            names.push(span.to_owned());
        }
    }
    (names.len() >= 2).then(|| ParamGroup {
        kind,
        params: names,
        rule: "param_group".to_owned(),
        source: source.clone(),
    })
}

/// The facts the rules read in a description, restated in fixed words of ours that the same rules read
/// back, so that a page which keeps the facts and none of the prose (`cargo xtask import`) loses none of
/// them. Each returned line is one sentence or list.
pub fn restate(description: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut required = Vec::new();
    for m in required_sentences(description) {
        required.extend(code_spans(m).into_iter().map(|c| format!("`{c}`")));
    }
    if !required.is_empty() {
        out.push(format!("Required: {}.", required.join(", ")));
    }
    let object = TypeExpr::Named {
        name: "object".to_owned(),
        link: None,
    };
    if let Some(k) = keyed_by(&object, description) {
        let mut line = format!("Keyed by {}", k.keyed.key);
        match k.keyed.value.as_ref().map(TypeExpr::render).as_deref() {
            Some("boolean") => line.push_str("; values `true/false`"),
            Some("string") => line.push_str("; each value is a name"),
            _ => {}
        }
        if k.inner {
            line = line.replacen("Keyed by", "Each key is", 1);
        }
        out.push(format!("{line}."));
    }
    let array = TypeExpr::Named {
        name: "array".to_owned(),
        link: None,
    };
    if let Some(ids) = ids_list(&array, description) {
        let kind = match ids.ty.render().as_str() {
            "integer[]" => "IDs",
            _ => "Names",
        };
        out.push(format!("{kind}."));
    }
    for span in code_spans(description) {
        let span = span.trim();
        let shape = span.starts_with("array(")
            || (span.starts_with(['{', '['])
                && serde_json::from_str::<serde_json::Value>(span).is_ok());
        if shape {
            out.push(format!("Sample: `{span}`."));
        }
    }
    if !yes_no_flag(description).is_empty() {
        out.push("`Y` or `N`.".to_owned());
    }
    let keys = keys_listed(
        &object,
        description,
        &Source {
            path: String::new(),
            line: 0,
        },
    );
    if !keys.is_empty() {
        let items: Vec<String> = keys
            .iter()
            .map(|k| format!("- `{}` — TODO", k.name.wire))
            .collect();
        // An array's items are objects with these keys only where the description says objects.
        let objects = if said_objects(description) {
            "Objects. "
        } else {
            ""
        };
        out.push(format!("{objects}{RESTATED_KEYS}\n{}", items.join("\n")));
        if let Some(sample) = fenced_block(description) {
            out.push(sample.to_owned());
        }
    }
    out
}

/// A group stated in a sentence, restated in the words [`param_group`] reads ("Send exactly one of `A`,
/// `B`.").
pub fn restate_group(group: &ParamGroup) -> String {
    let names: Vec<String> = group.params.iter().map(|p| format!("`{p}`")).collect();
    format!("Send {} {}.", group.kind.phrase(), names.join(", "))
}

/// The sentences of a description that say some fields are required. A sentence ends at a full stop or
/// a line break, and list items are left out: `` - `requiredGroups` — required groups `` names a key, it
/// does not require one.
fn required_sentences(description: &str) -> impl Iterator<Item = &str> {
    static SENTENCE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)[^.\n]*\b(?:required|must (?:include|contain|have))\b[^.\n]*")
            .expect("regex")
    });
    description
        .lines()
        .filter(|l| !l.trim_start().starts_with(['-', '*']))
        .flat_map(|l| SENTENCE.find_iter(l).map(|m| m.as_str()))
}

/// The first fenced code block of a description, fences included.
fn fenced_block(description: &str) -> Option<&str> {
    let start = description.find("```")?;
    let end = description[start + 3..].find("```")? + start + 6;
    Some(&description[start..end])
}

/// The contents of the single-backtick code spans of `text`.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use crate::include::Loader;
    use crate::ir::Field;

    struct NoIncludes;

    impl Loader for NoIncludes {
        fn load(&self, _path: &str) -> Option<String> {
            None
        }
    }

    /// The `// test <rule>` blocks of this file, as `(rule, markdown)`.
    fn fixture_blocks() -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut current: Option<(String, String)> = None;
        for line in include_str!("rules.rs").lines() {
            if let Some(name) = line.strip_prefix("// test ") {
                out.extend(current.take());
                current = Some((name.trim().to_owned(), String::new()));
            } else if let (Some((_, text)), Some(md), false) = (
                current.as_mut(),
                line.strip_prefix("//"),
                line.starts_with("///"),
            ) {
                text.push_str(md.strip_prefix(' ').unwrap_or(md));
                text.push('\n');
            } else {
                out.extend(current.take());
            }
        }
        out.extend(current);
        out
    }

    /// The facts rules decide, one line per field: what a reviewer of a snapshot needs to see.
    fn facts(fields: &[Field], depth: usize, out: &mut String) {
        for f in fields {
            out.push_str(&format!(
                "{:indent$}{} type={} prose_type={:?} required={:?} values={:?} keyed_by={:?}\n",
                "",
                f.name.wire,
                f.ty.render(),
                f.prose_type.as_ref().map(|p| p.ty.render()),
                f.required,
                f.values,
                f.keyed_by
                    .as_ref()
                    .map(|k| (&k.key, k.value.as_ref().map(|v| v.render()))),
                indent = depth * 2
            ));
            facts(&f.children, depth + 1, out);
        }
    }

    #[test]
    fn every_rule_has_a_fixture_and_every_fixture_a_rule() {
        let names: Vec<String> = fixture_blocks().into_iter().map(|(n, _)| n).collect();
        let rules: Vec<&str> = super::RULES.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, rules);
    }

    #[test]
    fn fixtures() {
        for (rule, markdown) in fixture_blocks() {
            let page =
                format!("# Fixture `fixture.method`\n\n> Scope: [`fixture`](x.md)\n\n{markdown}");
            let page = crate::parse_page("fixture.md", &page, &NoIncludes);
            let mut out = String::new();
            facts(&page.params, 0, &mut out);
            for g in &page.param_groups {
                out.push_str(&format!("group {:?} {:?}\n", g.kind, g.params));
            }
            insta::with_settings!({ snapshot_path => "../tests/snapshots/rules", prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!(rule, out);
            });
        }
    }
}
