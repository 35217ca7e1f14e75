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

/// The documented methods, by lower-case name: the classic API's, and REST 3.0's, where a name may
/// stand for another method (`tasks.task.get` is in both, with other parameters).
#[derive(Debug, Clone, Default)]
pub struct Fallback {
    classic: HashMap<String, Documented>,
    rest_v3: HashMap<String, Documented>,
}

impl Fallback {
    pub fn from_spec(spec: &Spec) -> Self {
        let mut fallback = Fallback::default();
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
            let methods = match page.rest_v3 {
                true => &mut fallback.rest_v3,
                false => &mut fallback.classic,
            };
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
        fallback
    }

    fn methods(&self, rest_v3: bool) -> &HashMap<String, Documented> {
        match rest_v3 {
            true => &self.rest_v3,
            false => &self.classic,
        }
    }

    pub fn knows(&self, method: &str, rest_v3: bool) -> bool {
        self.methods(rest_v3).contains_key(method)
    }

    /// The documented answer, or the refusal of the first missing required parameter: `ERROR_ARGUMENT`,
    /// or REST 3.0's validation error.
    pub fn answer(
        &self,
        method: &str,
        rest_v3: bool,
        args: Args<'_>,
    ) -> Option<Result<Reply, ApiError>> {
        let documented = self.methods(rest_v3).get(method)?;
        let missing = documented
            .required
            .iter()
            .find(|name| args.get(name).is_none_or(is_empty));
        Some(match (missing, rest_v3) {
            (Some(name), false) => Err(ApiError::argument_missing(name)),
            (Some(name), true) => Err(ApiError::v3_field_missing(name)),
            (None, _) => Ok(documented.example.clone()),
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
