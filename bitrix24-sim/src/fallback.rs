//! Methods the simulator has no model for answer from the IR, as stripe-mock does from OpenAPI: required
//! parameters are checked, and the result is the page's documented example.

use std::collections::HashMap;

use bitrix24_ir::{NameKind, PageKind, Spec};
use serde_json::Value;

use crate::methods::Args;
use crate::methods::args::is_empty;
use crate::wire::envelope::{ApiError, Reply};

#[derive(Debug, Clone)]
struct Documented {
    required: Vec<String>,
    example: Reply,
}

/// The documented methods, by lower-case name.
#[derive(Debug, Clone, Default)]
pub struct Fallback {
    methods: HashMap<String, Documented>,
}

impl Fallback {
    pub fn from_spec(spec: &Spec) -> Self {
        let mut methods = HashMap::new();
        for page in spec.pages.iter().filter(|p| p.kind == PageKind::Method) {
            let required: Vec<String> = page
                .params
                .iter()
                .filter(|f| f.required.is_required() && f.name.kind == NameKind::Plain)
                .map(|f| f.name.wire.clone())
                .collect();
            let example = page
                .response
                .iter()
                .find_map(|r| match r.shows_envelope() {
                    true => r
                        .examples
                        .iter()
                        .filter_map(|e| e.value.as_ref())
                        .find_map(example_reply),
                    false => r.results().first().map(|&v| v.clone().into()),
                })
                .unwrap_or_else(|| Value::Null.into());
            for name in &page.names {
                methods.insert(
                    name.to_ascii_lowercase(),
                    Documented {
                        required: required.clone(),
                        example: example.clone(),
                    },
                );
            }
        }
        Fallback { methods }
    }

    pub fn knows(&self, method: &str) -> bool {
        self.methods.contains_key(method)
    }

    /// The documented answer, or `ERROR_ARGUMENT` for the first missing required parameter.
    pub fn answer(&self, method: &str, args: Args<'_>) -> Option<Result<Reply, ApiError>> {
        let documented = self.methods.get(method)?;
        let missing = documented
            .required
            .iter()
            .find(|name| args.get(name).is_none_or(is_empty));
        Some(match missing {
            Some(name) => Err(ApiError::argument_missing(name)),
            None => Ok(documented.example.clone()),
        })
    }
}

/// `result`, `next` and `total` of an example envelope; examples without `result` are not envelopes.
fn example_reply(example: &Value) -> Option<Reply> {
    let result = example.get("result")?.clone();
    let number = |key: &str| example.get(key).and_then(Value::as_u64);
    Some(Reply {
        result,
        next: number("next"),
        total: number("total"),
    })
}
