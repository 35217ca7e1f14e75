//! Bad input never panics: random text and mutated real pages go through the whole parser.

use std::path::Path;

use bitrix24_spec::include::Loader;
use bitrix24_spec::parse_page;
use proptest::prelude::*;

/// Serves a fixed include so that include resolution is exercised too.
struct OneInclude;
impl Loader for OneInclude {
    fn load(&self, path: &str) -> Option<String> {
        path.ends_with(".md")
            .then(|| "### T\n\n#|\n|| **a**\n`string` | b ||\n|#\n".to_string())
    }
}

const TOKENS: &[&str] = &[
    "#|",
    "|#",
    "||",
    "|",
    "\\|",
    "```",
    "`",
    "**",
    "*",
    "\n",
    "\n\n",
    "    ",
    "{% note info \"x\" %}",
    "{% endnote %}",
    "{% list tabs %}",
    "{% endlist %}",
    "{% if build == 'dev' %}",
    "{% endif %}",
    "{% include [x](./x.md) %}",
    "{% include notitle [x](../../x.md) %}",
    "{% cut \"c\" %}",
    "{% endcut %}",
    "- ",
    "1. ",
    "> ",
    "# ",
    "### ",
    "{#anchor}",
    "[`object`](#anchor)",
    "[x](./other.md#a)",
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    "...",
    "// c",
    "```json\n",
    "---\n",
    "<x>",
    "\\<",
    "^*^",
    "é",
    "\t",
];

fn seed_pages() -> Vec<String> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/pages"));
    let mut pages: Vec<String> = bitrix24_spec::corpus::markdown_files(root, root)
        .into_iter()
        .map(|rel| std::fs::read_to_string(root.join(rel)).expect("readable"))
        .collect();
    pages.truncate(12);
    pages
}

fn mutate(page: &str, edits: &[(usize, usize, usize)]) -> String {
    let mut text: Vec<char> = page.chars().collect();
    for &(kind, at, token) in edits {
        if text.is_empty() {
            break;
        }
        let at = at % text.len();
        match kind % 3 {
            0 => {
                let t: Vec<char> = TOKENS[token % TOKENS.len()].chars().collect();
                text.splice(at..at, t);
            }
            1 => {
                let end = (at + token % 40).min(text.len());
                text.drain(at..end);
            }
            _ => {
                let end = (at + token % 80).min(text.len());
                let copy: Vec<char> = text[at..end].to_vec();
                text.splice(at..at, copy);
            }
        }
    }
    text.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_token_soup_never_panics(tokens in prop::collection::vec(0..TOKENS.len(), 0..200)) {
        let text: String = tokens.iter().map(|&i| TOKENS[i]).collect();
        let page = parse_page("a/b/page.md", &text, &OneInclude);
        for d in &page.diagnostics {
            prop_assert!(d.source.line >= 1 || d.source.path != "a/b/page.md");
        }
    }

    #[test]
    fn mutated_pages_never_panic(
        seed in 0usize..12,
        edits in prop::collection::vec((0usize..3, any::<usize>(), any::<usize>()), 1..30),
    ) {
        let pages = seed_pages();
        let text = mutate(&pages[seed % pages.len()], &edits);
        parse_page("api-reference/x/page.md", &text, &OneInclude);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        parse_page("p.md", &text, &OneInclude);
    }
}
