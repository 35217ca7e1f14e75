//! `cargo xtask diff`: wording, headings, links and example values make no entry; a retyped
//! parameter, a new required one and a removed error code make exactly one entry each, classified
//! for users of the generated crate; the whole corpus against itself is empty.
//!
//! The fixtures are copies of our own pages (api-spec/pages), changed at run time.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::{corpus, pages_with_our_includes};

const OPEN: &str = "api-reference/imopenlines/openlines/sessions/imopenlines-session-open.md";
const CONFIG_GET: &str = "api-reference/imopenlines/openlines/imopenlines-config-get.md";
const ANSWER: &str = "api-reference/imopenlines/openlines/operators/imopenlines-operator-answer.md";
const EVENT: &str = "api-reference/imopenlines/imconnector/events/on-im-connector-message-add.md";
const PAGES: [&str; 4] = [OPEN, CONFIG_GET, ANSWER, EVENT];

/// A pages folder holding our copies of [`PAGES`], each passed through `edit(path, text)`.
fn fixture(edit: impl Fn(&str, &str) -> String) -> tempfile::TempDir {
    let dir = pages_with_our_includes();
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec/pages");
    for rel in PAGES {
        let text = std::fs::read_to_string(ours.join(rel)).unwrap();
        let target = dir.path().join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, edit(rel, &text)).unwrap();
    }
    dir
}

/// `cargo xtask diff OLD NEW --json`, parsed.
fn diff(old: &Path, new: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .args([old, new])
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The entries as `part change subject compat` lines, for exact comparisons.
fn lines(changelog: &Value) -> Vec<String> {
    changelog["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {} {}",
                e["item"].as_str().unwrap(),
                e["part"].as_str().unwrap(),
                e["change"]["kind"].as_str().unwrap(),
                e["subject"].as_str().unwrap(),
                e["compat"].as_str().unwrap()
            )
        })
        .collect()
}

/// Headings renamed the way the docs rename them, the title reworded, every description cell and
/// paragraph of prose reworded, links retargeted, and the examples' values changed.
fn reworded(_: &str, text: &str) -> String {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            out.push(line.to_owned());
            continue;
        }
        if in_code {
            out.push(other_example_values(line));
            continue;
        }
        out.push(reword_line(line));
    }
    out.join("\n") + "\n"
}

fn reword_line(line: &str) -> String {
    let renamed = [
        ("## Method Parameters", "## Parameters"),
        ("## Code Examples", "## Examples"),
        ("## Response Handling", "## Successful Response"),
        ("### Returned Data", "### Returned Fields"),
        ("### Possible Error Codes", "### Possible Errors"),
        ("## Continue Learning", "## See Also"),
    ];
    if let Some((_, to)) = renamed.iter().find(|(from, _)| line.trim_end() == *from) {
        return (*to).to_owned();
    }
    if let Some(title) = line.strip_prefix("# ") {
        let name = title.split(' ').find(|w| is_name(w)).unwrap_or_default();
        return format!("# A page reworded for the test about {name}");
    }
    if let Some(heading) = line.strip_prefix("### ")
        && let Some((_, anchor)) = heading.split_once(" {#")
    {
        return format!("### Structure described once more {{#{anchor}");
    }
    let line = line
        .replace("](./", "](./moved/")
        .replace("data-types.md)", "types/overview.md)");
    // A row's description cell: `[`type`](…) | words ||`, or a paragraph of prose.
    if let Some((facts, words)) = line.split_once(") | ")
        && line.starts_with('[')
    {
        let (words, end) = match words.strip_suffix(" ||") {
            Some(words) => (words, " ||"),
            None => (words, ""),
        };
        return format!("{facts}) | {}{end}", reword(words));
    }
    let prose = line.chars().next().is_some_and(char::is_alphabetic);
    if prose {
        return reword(&line);
    }
    line
}

/// A method name (`a.b.c`) or an event name (`OnSomething`) in a title.
fn is_name(word: &str) -> bool {
    word.contains('.') || (word.starts_with("On") && word[2..].starts_with(char::is_uppercase))
}

/// Other words, the same facts: a sentence in front, a few words swapped.
fn reword(words: &str) -> String {
    let swapped = words
        .replace(" the ", " that ")
        .replace(" of ", " for ")
        .replace(" is ", " stays ");
    format!("Put differently, {swapped}")
}

/// Example values changed, keys kept: digits shift, strings get a suffix.
fn other_example_values(line: &str) -> String {
    let digits: String = line
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_digit((d + 1) % 10, 10).unwrap_or(c),
            None => c,
        })
        .collect();
    match digits.rsplit_once("\": \"") {
        Some((key, value)) => format!("{key}\": \"x{value}"),
        None => digits,
    }
}

#[test]
fn rewording_renamed_headings_links_and_example_values_give_no_entries() {
    let old = fixture(|_, text| text.to_owned());
    let new = fixture(reworded);
    // The rewording really happened, to the pages' words, headings and examples.
    let open = std::fs::read_to_string(new.path().join(OPEN)).unwrap();
    assert!(open.contains("## Parameters") && open.contains("Put differently"));
    assert!(open.contains("\"chatId\": \"x2874\""));
    let config = std::fs::read_to_string(new.path().join(CONFIG_GET)).unwrap();
    for renamed in [
        "### Returned Fields",
        "### Possible Errors",
        "## See Also",
        "types/overview.md",
        "(./moved/",
    ] {
        assert!(config.contains(renamed), "{renamed}");
    }
    let event = std::fs::read_to_string(new.path().join(EVENT)).unwrap();
    assert!(event.contains("\n# A page reworded for the test about OnImConnectorMessageAdd\n"));
    let changelog = diff(old.path(), new.path());
    assert_eq!(lines(&changelog), Vec::<String>::new());
    assert_eq!(changelog["release"], "none");
}

/// A retyped parameter, a new required parameter and a removed error code.
fn three_changes(rel: &str, text: &str) -> String {
    match rel {
        OPEN => text.replace(
            "|| **USER_CODE***\n[`string`]",
            "|| **USER_CODE***\n[`integer`]",
        ),
        CONFIG_GET => text.replace(
            "|| **WITH_QUEUE**\n",
            "|| **LINE_CODE***\n[`string`](../../data-types.md) | A new parameter the test requires ||\n|| **WITH_QUEUE**\n",
        ),
        ANSWER => text
            .lines()
            .filter(|l| !l.contains("| `CHAT_TYPE` |"))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => text.to_owned(),
    }
}

#[test]
fn a_retyped_parameter_a_new_required_one_and_a_removed_code_are_three_breaking_entries() {
    let old = fixture(|_, text| text.to_owned());
    let new = fixture(three_changes);
    let changelog = diff(old.path(), new.path());
    assert_eq!(
        lines(&changelog),
        vec![
            "imopenlines.config.get parameter added LINE_CODE breaking",
            "imopenlines.operator.answer error_code removed CHAT_TYPE breaking",
            "imopenlines.session.open parameter retyped USER_CODE breaking",
        ]
    );
    let entries = changelog["entries"].as_array().unwrap();
    let retyped = &entries[2];
    assert_eq!(retyped["change"]["from"], "string");
    assert_eq!(retyped["change"]["to"], "integer");
    // Each entry points at its row: the new page's for what is there, the old page's for what went.
    for (entry, page, needle) in [
        (&entries[0], CONFIG_GET, "**LINE_CODE***"),
        (&entries[1], ANSWER, "| `CHAT_TYPE` |"),
        (&entries[2], OPEN, "**USER_CODE***"),
    ] {
        assert_eq!(entry["source"]["path"], page);
        let side = if entry["change"]["kind"] == "removed" {
            &old
        } else {
            &new
        };
        let text = std::fs::read_to_string(side.path().join(page)).unwrap();
        let line = entry["source"]["line"].as_u64().unwrap() as usize;
        assert!(
            text.lines().nth(line - 1).unwrap().contains(needle),
            "{page}:{line} is not the row of {needle}"
        );
    }
    assert_eq!(changelog["release"], "minor");
    assert_eq!(changelog["next_version"], "0.2.0");
}

/// What a non_exhaustive type takes without breaking anyone.
fn compatible_changes(rel: &str, text: &str) -> String {
    match rel {
        CONFIG_GET => text.replace(
            "|| **WITH_QUEUE**\n",
            "|| **LINE_CODE**\n[`string`](../../data-types.md) | A new optional parameter ||\n|| **WITH_QUEUE**\n",
        ),
        ANSWER => text.replace(
            "|| `400` | `USER_ID` |",
            "|| `400` | `NEW_CODE` | New | A new code ||\n|| `400` | `USER_ID` |",
        ),
        OPEN => text.replace(
            "|| **chatId**\n",
            "|| **sessionId**\n[`integer`](../../../data-types.md) | A new result field ||\n|| **chatId**\n",
        ),
        _ => text.to_owned(),
    }
}

#[test]
fn an_optional_parameter_a_result_field_and_an_error_code_added_are_compatible() {
    let old = fixture(|_, text| text.to_owned());
    let new = fixture(compatible_changes);
    let changelog = diff(old.path(), new.path());
    assert_eq!(
        lines(&changelog),
        vec![
            "imopenlines.config.get parameter added LINE_CODE compatible",
            "imopenlines.operator.answer error_code added NEW_CODE compatible",
            "imopenlines.session.open result_field added result.sessionId compatible",
        ]
    );
    assert_eq!(changelog["release"], "patch");
    assert_eq!(changelog["next_version"], "0.1.1");
}

#[test]
fn the_corpus_against_itself_is_empty() {
    let Some(docs) = corpus() else { return };
    let changelog = diff(&docs, &docs);
    assert_eq!(lines(&changelog), Vec::<String>::new());
}

#[test]
fn sync_ends_with_the_changelog_of_what_it_changed_and_writes_it_for_a_pull_request() {
    let old = fixture(|_, text| text.to_owned());
    let new = fixture(three_changes);
    let pages = pages_with_our_includes();
    let sync = |docs: &Path, changelog: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["sync", "--docs"])
            .arg(docs)
            .arg("--pages")
            .arg(pages.path())
            .arg("--changelog")
            .arg(changelog)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let first = pages.path().join("first.md");
    sync(old.path(), &first);
    let markdown = std::fs::read_to_string(&first).unwrap();
    assert!(markdown.contains("4 changes, 0 breaking and 4 compatible. Release: **patch**"));

    let second = pages.path().join("second.md");
    let printed = sync(new.path(), &second);
    let markdown = std::fs::read_to_string(&second).unwrap();
    assert!(markdown.starts_with("## API changes\n"), "{markdown}");
    assert!(markdown.contains("3 changes, 3 breaking and 0 compatible. Release: **minor**"));
    for entry in [
        "**breaking**: parameter `LINE_CODE` added",
        "**breaking**: error code `CHAT_TYPE` removed",
        "**breaking**: parameter `USER_CODE` retyped `string` → `integer`",
    ] {
        assert!(markdown.contains(entry), "{entry} missing from\n{markdown}");
        assert!(printed.contains(entry), "{entry} missing from\n{printed}");
    }
}
