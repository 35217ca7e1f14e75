//! Conformance: every response and event example of api-spec decodes into its generated type, and every
//! key of it is read by a field, unless `api-spec/overrides.toml` says why the docs' tables leave it out.
//!
//! The examples come from the committed IR (`bitrix24_ir::committed()`), like `generated_examples`; each one is
//! decoded through [`bitrix24_api::lossless`]. A response example is the whole envelope: `result` goes
//! into the method's response type, `time` into [`bitrix24_api::Time`]; `next` and `total` are read by
//! the runtime. The test prints the line `conformance: N of M examples decoded, K unexplained unread
//! keys` (tooling reads it), then every failure and unread key as `page:line path`, the line being
//! the example's first line on the page.
//!
//! An unread key that no table of its page names is a gap in the docs, not in the generator: the test
//! lists it as `undocumented` and needs no entry for it. So is an example the page writes in a form no
//! JSON reader takes (`not JSON`). Any other unread key is explained by an entry of this shape, which
//! must match the key exactly:
//!
//! ```toml
//! [[undocumented_key]]
//! page = "api-reference/imopenlines/openlines/imopenlines-config-get.md"
//! line = 56                          # where the example starts on the page
//! path = "result.QUEUE_FULL.5.NEW"   # as printed by this test
//! reason = "Why the docs' tables do not describe it."
//! ```
//!
//! An entry that explains nothing (the key is read now, or the example changed) fails the test too.

use std::collections::{BTreeMap, BTreeSet};

use bitrix24_api::method::Decoded;
use bitrix24_api::{Event, Method, Time, lossless};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[path = "support/items.rs"]
#[rustfmt::skip]
mod items;

use items::ALL_SCOPES;

/// Lists the unread paths of one example, or says why it does not decode.
type Decode = fn(&Value) -> Result<Vec<String>, String>;

/// Every generated method and event of the enabled scope features, by its page (two pages may document
/// one method name, as the tasks REST v2 and v3 pages do).
#[derive(Default)]
struct Decoders(BTreeMap<String, Decode>);

impl items::Visit for Decoders {
    fn method<M: Method>(&mut self, page: &'static str) {
        self.0.insert(page.to_owned(), response::<Decoded<M>>);
    }

    fn event<E: Event>(&mut self, page: &'static str) {
        self.0.insert(page.to_owned(), payload::<E>);
    }
}

fn decoders() -> BTreeMap<String, Decode> {
    let mut decoders = Decoders::default();
    items::visit(&mut decoders);
    decoders.0
}

/// A response example: the envelope, with `result` typed by the method and `time` by the runtime. An
/// example that shows no envelope (neither `result` nor `time`) on a page whose examples all lack one
/// shows the result alone.
fn response<T: DeserializeOwned>(example: &Value) -> Result<Vec<String>, String> {
    let envelope = example
        .as_object()
        .ok_or("the example is not a JSON object")?;
    if !is_envelope(example) {
        return read_under::<T>("result", example);
    }
    let result = envelope.get("result").cloned().unwrap_or(Value::Null);
    let mut unread = read_under::<T>("result", &result)?;
    for (key, value) in envelope {
        match key.as_str() {
            "result" | "next" | "total" => {}
            "time" => unread.extend(read_under::<Time>("time", value)?),
            other => unread.push(other.to_owned()),
        }
    }
    Ok(unread)
}

/// Whether an example shows the reply's envelope (`result`, `time`), as `bitrix24_ir::Response` reads it.
fn is_envelope(example: &Value) -> bool {
    example.get("result").is_some() || example.get("time").is_some()
}

/// An event example: the whole payload is the event type.
fn payload<E: DeserializeOwned>(example: &Value) -> Result<Vec<String>, String> {
    read_under::<E>(".", example)
}

/// Decodes `value` losslessly, naming unread keys and the failing path from `prefix` (`.` for none).
fn read_under<T: DeserializeOwned>(prefix: &str, value: &Value) -> Result<Vec<String>, String> {
    match lossless::from_value::<T>(value.clone()) {
        Ok(decoded) => Ok(decoded.unread.iter().map(|p| join(prefix, p)).collect()),
        Err(e) => Err(format!("at `{}`: {}", join(prefix, &e.path), e.message)),
    }
}

/// `result` + `QUEUE.0` → `result.QUEUE.0`; `result` + `[1]` → `result[1]`; `result` + `.` → `result`.
fn join(prefix: &str, path: &str) -> String {
    match (prefix, path) {
        (".", p) | (p, ".") => p.to_owned(),
        (prefix, p) if p.starts_with('[') => format!("{prefix}{p}"),
        (prefix, p) => format!("{prefix}.{p}"),
    }
}

/// A key of an example that no field read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Unread {
    page: String,
    line: u64,
    path: String,
    /// Whether a table of the page names the key (if not, the docs leave it out, not the generator).
    named: bool,
}

/// `[[undocumented_key]]` of `api-spec/overrides.toml`: an unread key and why the docs leave it out.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct UndocumentedKey {
    page: String,
    line: u64,
    path: String,
    reason: String,
}

/// The part of `overrides.toml` this test owns; the other tables belong to api-spec.
#[derive(Debug, Default, Deserialize)]
struct Overrides {
    #[serde(default, rename = "undocumented_key")]
    undocumented: Vec<UndocumentedKey>,
}

impl UndocumentedKey {
    fn explains(&self, key: &Unread) -> bool {
        self.page == key.page && self.line == key.line && self.path == key.path
    }
}

/// The unread keys no entry explains, and the entries (of pages decoded here) that explain nothing.
fn judge<'a>(
    found: &'a [Unread],
    entries: &'a [UndocumentedKey],
    decoded_pages: &BTreeSet<String>,
) -> (Vec<&'a Unread>, Vec<&'a UndocumentedKey>) {
    let unexplained = found
        .iter()
        .filter(|key| !entries.iter().any(|e| e.explains(key)))
        .collect();
    let stale = entries
        .iter()
        .filter(|e| decoded_pages.contains(&e.page) && !found.iter().any(|key| e.explains(key)))
        .collect();
    (unexplained, stale)
}

/// What one pass over the IR found.
#[derive(Default)]
struct Findings {
    examples: usize,
    decoded: usize,
    /// Examples the page writes in a form no JSON reader takes, even after the parser's repairs.
    invalid: Vec<String>,
    /// JSON blocks beside a page's response examples that sample a nested structure, not a response.
    structure_samples: Vec<String>,
    failures: Vec<String>,
    unread: Vec<Unread>,
    decoded_pages: BTreeSet<String>,
}

/// The key an unread path ends in, without list indexes and map keys: `result.users[0].absent` →
/// `absent`, `result.QUEUE_FULL.5` → `QUEUE_FULL`.
fn key_of(path: &str) -> &str {
    path.split('.')
        .map(|segment| segment.split('[').next().unwrap_or(segment))
        .rfind(|segment| !segment.is_empty() && !segment.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(path)
}

/// Whether the page's tables name the key `path` ends in, at that place: each segment of the path is a
/// row under the row of the segment before it; a placeholder row (`<id>`, `UF_*`) stands for any key,
/// and a list index or an ID key with no row of its own belongs to the row above it.
fn named_at(fields: &Value, path: &str) -> bool {
    let segments = path
        .split(['.', '['])
        .map(|segment| segment.trim_end_matches(']'))
        .filter(|segment| !segment.is_empty());
    let mut rows = fields;
    for segment in segments {
        let rows_here = || rows.as_array().into_iter().flatten();
        let by_name = rows_here()
            .find(|row| key_of(row["name"]["wire"].as_str().unwrap_or_default()) == segment);
        let any = rows_here().find(|row| {
            matches!(
                row["name"]["kind"]["kind"].as_str(),
                Some("placeholder" | "wildcard")
            )
        });
        match by_name.or(any) {
            Some(row) => rows = &row["children"],
            None if segment.bytes().all(|b| b.is_ascii_digit()) => {}
            None => return false,
        }
    }
    true
}

fn walk(spec: &Value, decoders: &BTreeMap<String, Decode>) -> Findings {
    let mut found = Findings::default();
    for page in spec["pages"].as_array().into_iter().flatten() {
        let name = page["names"][0].as_str().unwrap_or_default();
        let (section, name) = match page["kind"].as_str() {
            Some("method") => ("response", name.to_owned()),
            Some("event") => ("event", name.to_ascii_uppercase()),
            _ => continue,
        };
        let path = page["path"].as_str().unwrap_or_default().to_owned();
        let examples: Vec<&Value> = page[section]["examples"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        let Some(decode) = decoders.get(&path) else {
            if ALL_SCOPES && !examples.is_empty() {
                found.examples += examples.len();
                found
                    .failures
                    .push(format!("{path}: no generated type for {name}"));
            }
            continue;
        };
        found.decoded_pages.insert(path.clone());
        let envelopes = section == "response" && examples.iter().any(|e| is_envelope(&e["value"]));
        for example in examples {
            let line = example["source"]["line"].as_u64().unwrap_or(0);
            // Beside a whole response, a block without envelope samples one nested structure.
            if envelopes && !is_envelope(&example["value"]) {
                found
                    .structure_samples
                    .push(format!("{path}:{line} {name}"));
                continue;
            }
            found.examples += 1;
            if example["validity"] == "invalid" {
                found.invalid.push(format!("{path}:{line} {name}"));
                continue;
            }
            match decode(&example["value"]) {
                Ok(unread) => {
                    found.decoded += 1;
                    found.unread.extend(unread.into_iter().map(|p| Unread {
                        page: path.clone(),
                        line,
                        named: named_at(&page[section]["fields"], &p),
                        path: p,
                    }));
                }
                Err(e) => found.failures.push(format!("{path}:{line} {name} {e}")),
            }
        }
    }
    found
}

#[test]
fn every_example_key_is_read_or_explained() {
    let spec = serde_json::to_value(bitrix24_ir::committed()).unwrap();
    let overrides: Overrides =
        toml::from_str(include_str!("../../api-spec/overrides.toml")).unwrap();
    let decoders = decoders();
    let found = walk(&spec, &decoders);
    let (unexplained, stale) = judge(&found.unread, &overrides.undocumented, &found.decoded_pages);
    // What no override explains: a key no table names is the docs' gap; one a table names is ours.
    let (unexplained, undocumented): (Vec<&Unread>, Vec<&Unread>) =
        unexplained.into_iter().partition(|key| key.named);

    println!(
        "conformance: {} of {} examples decoded, {} unexplained unread keys",
        found.decoded,
        found.examples,
        unexplained.len()
    );
    println!(
        "docs inconsistencies: {} examples not JSON on their page, {} unread keys no table of their page names",
        found.invalid.len(),
        undocumented.len()
    );
    for example in &found.invalid {
        println!("not JSON: {example}");
    }
    println!(
        "not counted: {} JSON blocks that sample a nested structure beside the page's responses",
        found.structure_samples.len()
    );
    for sample in &found.structure_samples {
        println!("structure sample: {sample}");
    }
    for key in &undocumented {
        println!(
            "undocumented: {}:{} {} (no table of the page names `{}`)",
            key.page,
            key.line,
            key.path,
            key_of(&key.path)
        );
    }
    for failure in &found.failures {
        println!("failure: {failure}");
    }
    for key in &unexplained {
        println!("unread: {}:{} {}", key.page, key.line, key.path);
    }
    for entry in &stale {
        println!(
            "stale override: {}:{} {} ({})",
            entry.page, entry.line, entry.path, entry.reason
        );
    }
    assert!(
        decoders.is_empty() || found.decoded_pages.len() == decoders.len(),
        "every generated method and event has a page with examples"
    );
    assert!(
        stale.is_empty(),
        "{} overrides are stale (listed above)",
        stale.len()
    );

    // What is not yet read or explained must be a known gap: a new one fails, and so does a fixed one
    // that is still listed, so the list only shrinks by hand and never hides a regression.
    let gaps: BTreeSet<String> = found
        .failures
        .iter()
        .map(|f| format!("failure: {f}"))
        .chain(
            unexplained
                .iter()
                .map(|k| format!("unread: {}:{} {}", k.page, k.line, k.path)),
        )
        .collect();
    if std::env::var_os("CONFORMANCE_BLESS").is_some() {
        if !ALL_SCOPES {
            panic!("bless with every scope feature on (--features full)");
        }
        std::fs::write(KNOWN_GAPS, known_gaps_file(&gaps)).unwrap();
        return;
    }
    let known = known_gaps(&found.decoded_pages);
    let new: Vec<&String> = gaps.difference(&known).collect();
    let fixed: Vec<&String> = known.difference(&gaps).collect();
    println!(
        "known gaps: {} (tests/conformance/known_gaps.txt)",
        known.len()
    );
    assert!(
        new.is_empty() && fixed.is_empty(),
        "{} examples fail to decode or leave keys unread that are not known gaps:\n{}\n\
         {} known gaps are fixed; remove them from {KNOWN_GAPS}:\n{}",
        new.len(),
        lines(&new),
        fixed.len(),
        lines(&fixed),
    );
}

/// Examples the generated types do not yet read in full, one printed line each, as this test prints them.
const KNOWN_GAPS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/conformance/known_gaps.txt"
);

/// The known gaps of the pages decoded in this build.
fn known_gaps(decoded_pages: &BTreeSet<String>) -> BTreeSet<String> {
    let text = std::fs::read_to_string(KNOWN_GAPS).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter(|l| {
            let page = l.split_once(' ').map_or("", |(_, rest)| rest);
            let page = page.split_once(':').map_or("", |(page, _)| page);
            decoded_pages.contains(page)
        })
        .map(str::to_owned)
        .collect()
}

fn known_gaps_file(gaps: &BTreeSet<String>) -> String {
    let mut out = String::from(
        "# Examples the generated types do not read in full although the pages' tables name the keys, and\n\
         # examples that fail to decode. Written by `CONFORMANCE_BLESS=1 cargo test -p bitrix24-api\n\
         # --features full --test conformance`; a line leaves when its example decodes in full.\n",
    );
    for gap in gaps {
        out.push_str(gap);
        out.push('\n');
    }
    out
}

fn lines(items: &[&String]) -> String {
    items.iter().map(|s| format!("  {s}\n")).collect()
}

#[cfg(test)]
mod judging {
    use super::*;

    fn key(page: &str, line: u64, path: &str) -> Unread {
        Unread {
            page: page.into(),
            line,
            path: path.into(),
            named: true,
        }
    }

    fn entry(page: &str, line: u64, path: &str) -> UndocumentedKey {
        UndocumentedKey {
            page: page.into(),
            line,
            path: path.into(),
            reason: "test".into(),
        }
    }

    #[test]
    fn an_entry_explains_exactly_its_key_and_a_stale_one_is_named() {
        let found = [key("a.md", 10, "result.X"), key("a.md", 10, "result.Y")];
        let entries = [
            entry("a.md", 10, "result.X"),
            entry("a.md", 10, "result.GONE"),
            entry("a.md", 99, "result.Y"),
            entry("not-in-this-build.md", 1, "result.Z"),
        ];
        let pages = BTreeSet::from(["a.md".to_owned()]);
        let (unexplained, stale) = judge(&found, &entries, &pages);
        assert_eq!(unexplained, [&found[1]]);
        let stale: Vec<_> = stale.iter().map(|e| (e.line, e.path.as_str())).collect();
        assert_eq!(stale, [(10, "result.GONE"), (99, "result.Y")]);
    }

    #[test]
    fn the_override_table_rejects_unknown_keys() {
        let text = r#"
            [[undocumented_key]]
            page = "a.md"
            line = 3
            path = "result.X"
            reason = "r"
            note = "typo"
        "#;
        let err = toml::from_str::<Overrides>(text).unwrap_err().to_string();
        assert!(err.contains("note"), "{err}");
    }

    #[test]
    fn an_unread_path_is_judged_by_the_key_it_ends_in() {
        assert_eq!(key_of("result.users[0].absent"), "absent");
        assert_eq!(key_of("result.QUEUE_FULL.5"), "QUEUE_FULL");
        assert_eq!(key_of("result[1]"), "result");
        assert_eq!(key_of("extra"), "extra");
        let fields = serde_json::json!([
            {"name": {"wire": "result"}, "children": [
                {"name": {"wire": "items[].ID"}},
                {"name": {"wire": "<id>", "kind": {"kind": "placeholder"}}, "children": [{"name": {"wire": "NAME"}}]}
            ]},
            {"name": {"wire": "time"}}
        ]);
        assert!(named_at(&fields, "result.ID"));
        let list = serde_json::json!([{"name": {"wire": "result"}, "children": [{"name": {"wire": "ID"}}]}]);
        assert!(named_at(&list, "result[3].ID"));
        assert!(named_at(&fields, "result.17.NAME"));
        assert!(named_at(&fields, "result"));
        assert!(!named_at(&fields, "result.17.COLOR"));
        assert!(!named_at(&fields, "time.start"));
        assert!(!named_at(&fields, "extra"));
    }

    #[test]
    fn an_example_without_an_envelope_is_the_result() {
        let unread = response::<BTreeMap<String, i64>>(&serde_json::json!({"a": 1})).unwrap();
        assert!(unread.is_empty());
    }

    #[test]
    fn envelope_keys_outside_result_and_time_are_unread() {
        let unread = response::<Value>(&serde_json::json!({
            "result": {"a": 1}, "time": {"start": 1, "future": 2}, "total": 1, "extra": true
        }))
        .unwrap();
        assert_eq!(unread, ["time.future", "extra"]);
        let err = response::<i64>(&serde_json::json!({"result": "x"})).unwrap_err();
        assert!(err.starts_with("at `result`: invalid type"), "{err}");
    }
}
