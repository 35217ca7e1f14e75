//! `cargo xtask sync`: new pages arrive facts-only, pages we have keep our words and take upstream's
//! facts, pages gone upstream are reported and kept, and a second run changes nothing.

mod support;

use std::path::Path;
use std::process::Command;

use bitrix24_spec::corpus::{markdown_files, read_page};
use bitrix24_spec::drift::compare;
use support::{corpus, pages_with_our_includes};

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

const GET: &str = r#"# Read a Widget demo.widget.get

> Scope: [`demo`](../scopes/permissions.md)
>
> Who can execute the method: anyone holding the demo permission

Fetches one widget together with its colour and its owner, as the fixture's author tells it.

## Method Parameters

#|
|| **Name**
`type` | **Description** ||
|| **ID***
[`integer`](../data-types.md) | Which widget the caller wants to look at today ||
|| **VIEW**
[`string`](../data-types.md) | How much of the widget comes back in the answer. Possible values:
- `short` — only the small set of fields
- `full` — every field the widget has ||
|#

## Code Examples

{% list tabs %}

- cURL (Webhook)

    ```bash
    curl -d '{"ID":5}' https://portal.example/rest/demo.widget.get
    ```

{% endlist %}

## Response Handling

HTTP Status: **200**

```json
{"result": {"ID": 5, "COLOR": "red"}, "time": {"start": 1}}
```

### Returned Data

#|
|| **Name**
`type` | **Description** ||
|| **result**
[`object`](../data-types.md) | The widget that the portal found for the given number ||
|| **time**
[`time`](../data-types.md#time) | Timing of the request on the server side of things ||
|#

## Error Handling

HTTP Status: **400**

```json
{"error": "WIDGET_NOT_FOUND", "error_description": "Widget not found"}
```

### Possible Error Codes

#|
|| **Status** | **Code** | **Description** | **Value** ||
|| `400` | `WIDGET_NOT_FOUND` | Widget not found | The number points at nothing that the portal keeps around ||
|#
"#;

const EVENT: &str = r#"# Widget Changed OnDemoWidgetChange

> Scope: [`demo`](../../scopes/permissions.md)
>
> Who can subscribe: every user who may see the widgets of the portal

Fires whenever somebody edits a widget, with the number of the widget in the payload.

## What the Handler Receives

```json
{"event": "ONDEMOWIDGETCHANGE", "data": {"ID": 5}, "ts": 1}
```

#|
|| **Name**
`type` | **Description** ||
|| **event**
[`string`](../../data-types.md) | The event code, written entirely in capital letters here ||
|| **data**
[`object`](../../data-types.md) | The widget that somebody edited only a moment ago ||
|| **ts**
[`timestamp`](../../data-types.md) | The moment when the portal queued the event for sending out ||
|#
"#;

const INDEX: &str =
    "# Widgets\n\nAn overview page that lists what one can do with widgets in this fixture.\n";

/// The sentences of the fixture pages; none may reach a synced page.
const SENTENCES: [&str; 11] = [
    "anyone holding the demo permission",
    "Fetches one widget together with its colour",
    "Which widget the caller wants to look at today",
    "How much of the widget comes back in the answer",
    "only the small set of fields",
    "every field the widget has",
    "The widget that the portal found",
    "Timing of the request on the server side",
    "The number points at nothing",
    "Fires whenever somebody edits a widget",
    "The moment when the portal queued the event",
];

const GET_PATH: &str = "api-reference/demo/demo-widget-get.md";
const EVENT_PATH: &str = "api-reference/demo/events/on-demo-widget-change.md";

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn docs_fixture() -> tempfile::TempDir {
    let docs = tempfile::tempdir().unwrap();
    write(
        docs.path(),
        "PROVENANCE.md",
        &format!("# Provenance\n\nA fixture written for the sync test, at commit {COMMIT}.\n"),
    );
    write(docs.path(), GET_PATH, GET);
    write(docs.path(), EVENT_PATH, EVENT);
    write(docs.path(), "api-reference/demo/index.md", INDEX);
    docs
}

/// Runs the sync and returns its summary line and the whole output.
fn sync(docs: &Path, pages: &Path) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["sync", "--docs"])
        .arg(docs)
        .arg("--pages")
        .arg(pages)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "sync failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = stdout.lines().next().unwrap_or("").to_string();
    (summary, stdout)
}

fn snapshot(pages: &Path) -> Vec<(String, String)> {
    markdown_files(pages, pages)
        .into_iter()
        .map(|rel| {
            let text = std::fs::read_to_string(pages.join(&rel)).unwrap();
            (rel, text)
        })
        .collect()
}

fn assert_no_drift(pages: &Path, docs: &Path, rel: &str) {
    let ours = read_page(pages, rel).unwrap();
    let theirs = read_page(docs, rel).unwrap();
    let diffs = compare(&ours, &theirs);
    assert!(diffs.is_empty(), "{rel}: {diffs:#?}");
}

#[test]
fn new_pages_arrive_facts_only_and_a_second_run_changes_nothing() {
    let docs = docs_fixture();
    let pages = tempfile::tempdir().unwrap();
    let (summary, _) = sync(docs.path(), pages.path());
    assert_eq!(summary, "added 2, updated 0, unchanged 0, gone 0");
    let written = snapshot(pages.path());
    let rels: Vec<&str> = written.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(rels, vec![GET_PATH, EVENT_PATH]);
    for (rel, text) in &written {
        assert!(!text.contains("TODO"), "{rel}:\n{text}");
        for s in SENTENCES {
            assert!(
                !text.contains(s),
                "{rel} carries the fixture's words `{s}`:\n{text}"
            );
        }
        assert!(
            text.contains(&format!("commit: {COMMIT}")),
            "{rel}:\n{text}"
        );
        assert!(text.contains("facts_only: true"), "{rel}:\n{text}");
        assert_no_drift(pages.path(), docs.path(), rel);
    }
    let get = &written[0].1;
    assert!(get.contains("# demo.widget.get\n"), "{get}");
    assert!(get.contains("> Who can execute the method:\n"), "{get}");
    assert!(get.contains("- `short`\n- `full`"), "{get}");
    assert!(
        get.contains("`WIDGET_NOT_FOUND` | Widget not found"),
        "{get}"
    );

    let (summary, _) = sync(docs.path(), pages.path());
    assert_eq!(summary, "added 0, updated 0, unchanged 2, gone 0");
    assert_eq!(snapshot(pages.path()), written);
}

/// Our page for demo.widget.get: the upstream facts, our words.
fn our_get() -> String {
    format!(
        "---\nupstream: {GET_PATH}\ncommit: {COMMIT}\n---\n\n{}",
        GET.replace("# Read a Widget", "# Look Up One Widget")
            .replace(
                "Fetches one widget together with its colour and its owner, as the fixture's author tells it.",
                "Our own introduction to the widget lookup.",
            )
            .replace(
                "Which widget the caller wants to look at today",
                "OUR-ID: the widget to read",
            )
            .replace(
                "How much of the widget comes back in the answer.",
                "OUR-VIEW: the detail level.",
            )
            .replace("only the small set of fields", "OUR-SHORT: brief")
            .replace("The number points at nothing", "OUR-ERROR: no such widget")
    )
}

#[test]
fn changed_facts_are_taken_and_our_words_kept() {
    let docs = docs_fixture();
    let pages = tempfile::tempdir().unwrap();
    write(pages.path(), GET_PATH, &our_get());
    let (summary, _) = sync(docs.path(), pages.path());
    assert_eq!(summary, "added 1, updated 0, unchanged 1, gone 0");
    assert_eq!(
        std::fs::read_to_string(pages.path().join(GET_PATH)).unwrap(),
        our_get(),
        "a page whose facts are unchanged stays byte for byte"
    );

    // Upstream: ID becomes a string, a new parameter FIELDS, and the example gains a key.
    let changed = GET
        .replace("|| **ID***\n[`integer`]", "|| **ID***\n[`string`]")
        .replace(
            "|#\n\n## Code Examples",
            "|| **FIELDS**\n[`string[]`](../data-types.md) | Names of the fields the caller wants back in the reply ||\n|#\n\n## Code Examples",
        )
        .replace(r#""COLOR": "red"}"#, r#""COLOR": "red", "SIZE": 2}"#);
    write(docs.path(), GET_PATH, &changed);
    let (summary, out) = sync(docs.path(), pages.path());
    assert_eq!(summary, "added 0, updated 1, unchanged 1, gone 0", "{out}");
    assert!(out.contains(&format!("updated {GET_PATH}")), "{out}");
    let text = std::fs::read_to_string(pages.path().join(GET_PATH)).unwrap();
    for ours in [
        "# Look Up One Widget demo.widget.get",
        "Our own introduction to the widget lookup.",
        "[`string`](../data-types.md) | OUR-ID: the widget to read ||",
        "OUR-VIEW: the detail level. Possible values:\n- `short` — OUR-SHORT: brief",
        "OUR-ERROR: no such widget",
    ] {
        assert!(text.contains(ours), "lost `{ours}`:\n{text}");
    }
    assert!(
        text.contains("|| **FIELDS**\n[`string[]`](../data-types.md) |"),
        "the new row arrives facts-only:\n{text}"
    );
    assert!(!text.contains("Names of the fields"), "{text}");
    assert!(text.contains(r#""SIZE": 2"#), "{text}");
    assert!(!text.contains("facts_only"), "{text}");
    assert_no_drift(pages.path(), docs.path(), GET_PATH);

    let before = snapshot(pages.path());
    let (summary, _) = sync(docs.path(), pages.path());
    assert_eq!(summary, "added 0, updated 0, unchanged 2, gone 0");
    assert_eq!(snapshot(pages.path()), before);
}

#[test]
fn a_page_gone_upstream_is_reported_and_kept() {
    let docs = docs_fixture();
    let pages = tempfile::tempdir().unwrap();
    sync(docs.path(), pages.path());
    std::fs::remove_file(docs.path().join(EVENT_PATH)).unwrap();
    let (summary, out) = sync(docs.path(), pages.path());
    assert_eq!(summary, "added 0, updated 0, unchanged 1, gone 1");
    assert!(out.contains(&format!("gone    {EVENT_PATH}")), "{out}");
    assert!(pages.path().join(EVENT_PATH).is_file());
}

#[test]
fn a_folder_without_api_reference_is_an_error_naming_it() {
    let empty = tempfile::tempdir().unwrap();
    let pages = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["sync", "--docs"])
        .arg(empty.path())
        .arg("--pages")
        .arg(pages.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&empty.path().display().to_string()) && err.contains("api-reference"),
        "{err}"
    );
}

/// Paragraph sentences of eight words or more, at any depth of the page.
fn sentences(blocks: &[bitrix24_spec::blocks::Block], out: &mut Vec<String>) {
    use bitrix24_spec::blocks::BlockKind;
    for b in blocks {
        match &b.kind {
            BlockKind::Paragraph { text, .. } => {
                for s in text.split(". ") {
                    let s = s.trim();
                    if s.split_whitespace().count() >= 8 {
                        out.push(s.to_string());
                    }
                }
            }
            BlockKind::Quote(inner)
            | BlockKind::Note { body: inner, .. }
            | BlockKind::Cut { body: inner, .. }
            | BlockKind::DevOnly(inner)
            | BlockKind::Conditional { body: inner, .. } => sentences(inner, out),
            BlockKind::List { items, .. } => items.iter().for_each(|i| sentences(&i.blocks, out)),
            // Fact cells (codes, literal messages, defaults) are facts, not sentences.
            BlockKind::Table(t) => {
                let heads: Vec<String> = t
                    .rows
                    .first()
                    .map(|r| &r.cells[..])
                    .unwrap_or(&[])
                    .iter()
                    .map(|c| {
                        bitrix24_spec::cells::header_cell(&c.text)
                            .map(|(h, _)| h)
                            .unwrap_or_default()
                    })
                    .collect();
                for row in t.rows.iter().skip(1) {
                    for (col, cell) in row.cells.iter().enumerate().skip(1) {
                        let head = heads.get(col).map(String::as_str).unwrap_or("");
                        if !bitrix24_spec::scaffold::is_fact_column(head, &heads) {
                            sentences(&cell.blocks, out);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[test]
fn the_whole_corpus_syncs_with_its_facts_and_none_of_its_sentences() {
    let Some(docs) = corpus() else {
        return;
    };
    let pages = pages_with_our_includes();
    let (summary, out) = sync(&docs, pages.path());
    println!("{summary}");
    let added: usize = summary
        .strip_prefix("added ")
        .and_then(|s| s.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(added > 1000, "{out}");
    for line in out
        .lines()
        .filter(|l| l.starts_with("skipped") || l.starts_with("missing"))
    {
        println!("{line}");
    }

    // Pages and fragments the method pages read facts from arrive with them.
    let referenced: usize = out
        .lines()
        .find_map(|l| l.strip_prefix("referenced pages: added "))
        .and_then(|s| s.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    println!("referenced pages added: {referenced}");
    assert!(referenced > 0, "{out}");
    let synced = markdown_files(pages.path(), &pages.path().join("api-reference"));
    let outside = markdown_files(pages.path(), pages.path())
        .into_iter()
        .filter(|r| !r.starts_with("api-reference/"))
        .count();
    // Our own `_includes` were there before; what arrived outside api-reference is referenced.
    let ours_outside = std::fs::read_dir(pages.path().join("_includes"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert!(synced.len() > added);
    assert_eq!(synced.len() + outside - ours_outside, added + referenced);
    let mut drifting = Vec::new();
    let mut copied = Vec::new();
    let mut wrong_kind = Vec::new();
    for rel in &synced {
        let ours = read_page(pages.path(), rel).unwrap();
        let theirs = read_page(&docs, rel).unwrap();
        if ours.kind != theirs.kind {
            wrong_kind.push(format!("{rel}: {:?} for {:?}", ours.kind, theirs.kind));
        }
        let diffs = compare(&ours, &theirs);
        if !diffs.is_empty() {
            drifting.push((rel.clone(), diffs));
        }
        let text = std::fs::read_to_string(pages.path().join(rel)).unwrap();
        // Error codes such as `…_TODO` are facts; a `TODO` word is not.
        let todo = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| w == "TODO");
        assert!(!todo, "{rel} has a TODO");
        // Example JSON is a fact, even where it repeats a sentence (an error message).
        let prose: String = text.split("```").step_by(2).collect::<Vec<_>>().join(" ");
        let upstream = std::fs::read_to_string(docs.join(rel)).unwrap();
        let blocks = bitrix24_spec::blocks::parse(
            &upstream,
            &mut bitrix24_spec::diag::Diagnostics::new(rel),
        );
        let mut found = Vec::new();
        sentences(&blocks, &mut found);
        copied.extend(
            found
                .into_iter()
                .filter(|s| prose.contains(s.as_str()))
                .map(|s| format!("{rel}: {s}")),
        );
    }
    println!(
        "{} of {} synced pages differ from upstream in their facts",
        drifting.len(),
        synced.len()
    );
    for (rel, diffs) in drifting.iter().take(10) {
        let facts: Vec<String> = diffs
            .iter()
            .take(4)
            .map(|d| format!("{} (ours {:?}, upstream {:?})", d.fact, d.ours, d.upstream))
            .collect();
        println!("  {rel}: {}", facts.join("; "));
    }
    assert!(
        copied.is_empty(),
        "upstream sentences in synced pages:\n{}",
        copied.join("\n")
    );
    // With the pages they nest tables from synced too, facts-only pages carry every fact (0 of
    // 1,229 drift at 5988ed1).
    assert!(
        drifting.len() * 100 <= synced.len(),
        "{} pages drift",
        drifting.len()
    );

    let before = snapshot(pages.path());
    let (summary, out) = sync(&docs, pages.path());
    println!("second run: {summary}");
    assert_eq!(
        summary,
        format!("added 0, updated 0, unchanged {added}, gone 0")
    );
    assert!(
        out.contains(&format!(
            "referenced pages: added 0, updated 0, unchanged {}",
            referenced + ours_outside
        )),
        "{out}"
    );
    assert!(
        snapshot(pages.path()) == before,
        "the second run changed pages"
    );
}

#[test]
fn our_pages_synced_with_the_docs_they_were_written_from_stay_as_they_are() {
    let Some(docs) = corpus() else {
        return;
    };
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec/pages");
    let provenance = std::fs::read_to_string(docs.join("PROVENANCE.md")).unwrap_or_default();
    let ours = snapshot(&committed);
    let commits: Vec<&str> = ours
        .iter()
        .filter_map(|(_, t)| t.lines().find_map(|l| l.strip_prefix("commit: ")))
        .collect();
    if commits.iter().any(|c| !provenance.contains(c)) {
        println!(
            "skipped: api-spec/pages were written from another docs commit than {}",
            docs.display()
        );
        return;
    }
    let pages = tempfile::tempdir().unwrap();
    for (rel, text) in &ours {
        write(pages.path(), rel, text);
    }
    let (summary, out) = sync(&docs, pages.path());
    let updated = || {
        out.lines()
            .filter(|l| l.starts_with("updated"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        summary.starts_with("added 0, updated 0, ") && summary.ends_with(", gone 0"),
        "{summary}\n{}",
        updated()
    );
    assert!(
        out.contains("referenced pages: added 0, updated 0, "),
        "{out}\n{}",
        updated()
    );
    for (rel, text) in &ours {
        assert_eq!(
            &std::fs::read_to_string(pages.path().join(rel)).unwrap(),
            text,
            "{rel}"
        );
    }
}

#[test]
fn a_page_whose_shape_changed_is_rebuilt_with_our_words_put_back() {
    let docs = docs_fixture();
    let pages = tempfile::tempdir().unwrap();
    write(pages.path(), GET_PATH, &our_get());
    // Upstream adds a second error example: the page's shape changed.
    let changed = GET.replace(
        "### Possible Error Codes",
        "```json\n{\"error\": \"WIDGET_LOCKED\", \"error_description\": \"Widget locked\"}\n```\n\n### Possible Error Codes",
    );
    write(docs.path(), GET_PATH, &changed);
    let (summary, out) = sync(docs.path(), pages.path());
    assert_eq!(summary, "added 1, updated 1, unchanged 0, gone 0", "{out}");
    assert!(out.contains("rebuilt"), "{out}");
    let text = std::fs::read_to_string(pages.path().join(GET_PATH)).unwrap();
    for ours in [
        "# Look Up One Widget demo.widget.get",
        "> Who can execute the method: anyone holding the demo permission",
        "Our own introduction to the widget lookup.",
        "OUR-ID: the widget to read",
        "OUR-ERROR: no such widget",
        "WIDGET_LOCKED",
    ] {
        assert!(text.contains(ours), "lost `{ours}`:\n{text}");
    }
    assert_no_drift(pages.path(), docs.path(), GET_PATH);
    let before = snapshot(pages.path());
    let (summary, _) = sync(docs.path(), pages.path());
    assert_eq!(summary, "added 0, updated 0, unchanged 2, gone 0");
    assert_eq!(snapshot(pages.path()), before);
}

/// A method page whose `FILTER` rows come from a table on a page that is not a method page, which
/// itself takes `OWNER`'s rows from a third page.
const LIST: &str = r#"# List Widgets demo.widget.list

> Scope: [`demo`](../scopes/permissions.md)
>
> Who can execute the method: whoever may read the widgets of the demo

Lists widgets, a handwritten fixture for the nesting of tables across pages.

## Method Parameters

#|
|| **Name**
`type` | **Description** ||
|| **FILTER**
[`object`](../data-types.md) | Narrows the list down, by the [widget fields](./widget-fields.md#fields) ||
|#

## Code Examples

{% list tabs %}

- cURL (Webhook)

    ```bash
    curl -d '{"FILTER":{"COLOR":"red"}}' https://portal.example/rest/demo.widget.list
    ```

{% endlist %}

## Response Handling

HTTP Status: **200**

```json
{"result": [], "time": {"start": 1}}
```

### Returned Data

#|
|| **Name**
`type` | **Description** ||
|| **result**
[`array`](../data-types.md) | The widgets that matched, perhaps none at all today ||
|#
"#;

const WIDGET_FIELDS: &str = r#"# Everything a Widget Carries Around With It in the Demo Portal

Some words about widgets that a reader may enjoy over a cup of tea in the morning.

## Fields of a Widget in the Demo Portal That the Methods Accept {#fields}

#|
|| **Name**
`type` | **Description** ||
|| **COLOR**
[`string`](../data-types.md) | The colour that the widget is painted in by its owner ||
|| **OWNER**
[`object`](../data-types.md) | Who the widget belongs to, see [owners](./owners.md#owner) ||
|#

## Where to Go Next

#|
|| **If you want to** | **Read** ||
|| Learn what the portal does with the widgets every night | [the guide](./index.md) ||
|#
"#;

const OWNERS: &str = r#"# Owners

## Owner {#owner}

#|
|| **Name**
`type` | **Description** ||
|| **USER_ID**
[`integer`](../data-types.md) | The number of the user that the widget belongs to now ||
|#
"#;

const LIST_PATH: &str = "api-reference/demo/demo-widget-list.md";
const FIELDS_PATH: &str = "api-reference/demo/widget-fields.md";
const OWNERS_PATH: &str = "api-reference/demo/owners.md";

#[test]
fn pages_whose_tables_a_synced_page_nests_are_synced_too() {
    let docs = docs_fixture();
    write(docs.path(), LIST_PATH, LIST);
    write(docs.path(), FIELDS_PATH, WIDGET_FIELDS);
    write(docs.path(), OWNERS_PATH, OWNERS);
    let upstream = read_page(docs.path(), LIST_PATH).unwrap();
    let filter = &upstream.params[0];
    let nested: Vec<&str> = filter
        .children
        .iter()
        .map(|f| f.name.wire.as_str())
        .collect();
    assert_eq!(nested, ["COLOR", "OWNER"], "the fixture nests across pages");
    assert_eq!(filter.children[1].children[0].name.wire, "USER_ID");

    let pages = tempfile::tempdir().unwrap();
    let (summary, out) = sync(docs.path(), pages.path());
    assert_eq!(summary, "added 3, updated 0, unchanged 0, gone 0", "{out}");
    assert!(
        out.contains("\nreferenced pages: added 2, updated 0, unchanged 0"),
        "{out}"
    );
    assert!(!out.contains("drift"), "{out}");
    // The index page that nothing nests a table from stays out.
    assert!(!pages.path().join("api-reference/demo/index.md").exists());
    for rel in [FIELDS_PATH, OWNERS_PATH] {
        let text = std::fs::read_to_string(pages.path().join(rel)).unwrap();
        assert!(text.contains("facts_only: true"), "{rel}:\n{text}");
        for words in [
            "Everything a Widget Carries",
            "a cup of tea",
            "The colour that the widget is painted",
            "Who the widget belongs to",
            "what the portal does with the widgets",
            "The number of the user",
        ] {
            assert!(!text.contains(words), "{rel} carries `{words}`:\n{text}");
        }
        assert_no_drift(pages.path(), docs.path(), rel);
    }
    let fields = std::fs::read_to_string(pages.path().join(FIELDS_PATH)).unwrap();
    assert!(fields.contains("{#fields}"), "{fields}");
    assert!(fields.contains("[details](./owners.md#owner)"), "{fields}");
    assert_no_drift(pages.path(), docs.path(), LIST_PATH);
    let ours = read_page(pages.path(), LIST_PATH).unwrap();
    assert_eq!(tree(&ours.params), tree(&upstream.params));
    assert_eq!(
        tree(&ours.params),
        [
            "FILTER: object",
            "FILTER.COLOR: string",
            "FILTER.OWNER: object",
            "FILTER.OWNER.USER_ID: integer"
        ]
    );

    let before = snapshot(pages.path());
    let (summary, out) = sync(docs.path(), pages.path());
    assert_eq!(summary, "added 0, updated 0, unchanged 3, gone 0");
    assert!(
        out.contains("\nreferenced pages: added 0, updated 0, unchanged 2"),
        "{out}"
    );
    assert_eq!(snapshot(pages.path()), before);
}

/// Each field's dotted path and type, depth first.
fn tree(fields: &[bitrix24_spec::ir::Field]) -> Vec<String> {
    fields
        .iter()
        .flat_map(|f| {
            let mut out = vec![format!("{}: {}", f.name.wire, f.ty.render())];
            out.extend(
                tree(&f.children)
                    .into_iter()
                    .map(|c| format!("{}.{c}", f.name.wire)),
            );
            out
        })
        .collect()
}
