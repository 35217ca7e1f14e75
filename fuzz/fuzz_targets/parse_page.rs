//! Feeds arbitrary bytes to the whole page parser (blocks, includes, sections, facts).
#![no_main]

use bitrix24_spec::include::Loader;
use libfuzzer_sys::fuzz_target;

/// Every include resolves to the same small fragment, so include handling is exercised too.
struct Fragment;

impl Loader for Fragment {
    fn load(&self, _path: &str) -> Option<String> {
        Some("### Title\n\n#|\n|| **a***\n[`string`](x.md) | b ||\n|#\n".into())
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        bitrix24_spec::parse_page("api-reference/scope/page.md", text, &Fragment);
    }
});
