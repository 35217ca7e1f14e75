//! `batch`: up to 50 commands in one request, run in order, with `$result[...]` references between them.

use serde_json::{Map, Value, json};

use crate::auth::Caller;
use crate::execute::Scope;
use crate::faults::BatchDamage;
use crate::methods::Args;
use crate::methods::args::{as_flag, as_text};
use crate::state::{Shared, Sim};
use crate::wire::envelope::{ApiError, Reply};
use crate::wire::params::{parse_form, php_array};

pub const MAX_COMMANDS: usize = 50;

/// The five result maps, in command order.
#[derive(Default)]
struct Outcome {
    result: Vec<(String, Value)>,
    error: Vec<(String, Value)>,
    total: Vec<(String, Value)>,
    next: Vec<(String, Value)>,
    time: Vec<(String, Value)>,
}

impl Outcome {
    /// The map a `$name[...]` reference reads.
    fn section(&self, name: &str) -> Option<&Vec<(String, Value)>> {
        match name {
            "result" => Some(&self.result),
            "error" => Some(&self.error),
            "total" => Some(&self.total),
            "next" => Some(&self.next),
            "time" => Some(&self.time),
            _ => None,
        }
    }
}

/// Run a batch. Returns the reply and the operating cost of the commands that ran.
pub fn run(
    shared: &Shared,
    sim: &mut Sim,
    caller: &Caller,
    params: &Map<String, Value>,
) -> (Reply, f64) {
    let args = Args(params);
    let halt = args
        .get("halt")
        .is_some_and(|v| as_flag(v).unwrap_or(!crate::methods::args::is_empty(v)));
    let commands: Vec<(String, Value)> = match args.get("cmd") {
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v.clone()))
            .collect(),
        _ => Vec::new(),
    };
    let mut outcome = Outcome::default();
    let mut cost = 0.0;
    for (index, (key, command)) in commands.into_iter().enumerate() {
        if index >= MAX_COMMANDS {
            let error =
                ApiError::bad_request("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded");
            outcome.error.push((key, error.body()));
            continue;
        }
        let (method, query) = match as_text(&command) {
            Some(text) => match text.split_once('?') {
                Some((method, query)) => (method.trim().to_ascii_lowercase(), query.to_owned()),
                None => (text.trim().to_ascii_lowercase(), String::new()),
            },
            None => (String::new(), String::new()),
        };
        let executed = if method == "batch" {
            Err(ApiError::new(
                405,
                "ERROR_BATCH_METHOD_NOT_ALLOWED",
                "Method is not allowed for batch usage",
            ))
        } else if !shared.knows(&method, false) {
            Err(ApiError::method_not_found())
        } else {
            let params = substitute_map(parse_form(query.as_bytes()), &outcome);
            shared.execute(sim, caller, &method, &params, Scope::BatchCommand)
        };
        match executed {
            Ok((reply, timing)) => {
                cost += sim
                    .config
                    .operating_limit
                    .as_ref()
                    .map_or(0.0, |l| l.cost_of(&method));
                outcome.result.push((key.clone(), reply.result));
                if let Some(total) = reply.total {
                    outcome.total.push((key.clone(), json!(total)));
                }
                if let Some(next) = reply.next {
                    outcome.next.push((key.clone(), json!(next)));
                }
                outcome.time.push((key, timing.to_value()));
            }
            Err(error) => {
                outcome.error.push((key, error.body()));
                if halt {
                    break;
                }
            }
        }
    }
    let result = json!({
        "result": php_array(outcome.result),
        "result_error": php_array(outcome.error),
        "result_total": php_array(outcome.total),
        "result_next": php_array(outcome.next),
        "result_time": php_array(outcome.time),
    });
    (result.into(), cost)
}

/// Applies a [`BatchDamage`] to the body of a `batch` answer (`{"result": {"result": …, …}, "time": …}`).
pub fn damage(body: &mut Value, damage: BatchDamage) {
    let section = |name: &str| format!("/result/{name}");
    match damage {
        BatchDamage::TimeNotAnObject => {
            if let Some(entry) = first_entry(body, &section("result_time")) {
                *entry = json!("not a time block");
            }
        }
        BatchDamage::NullDescription => {
            if let Some(entry) = first_entry(body, &section("result_error")) {
                entry["error_description"] = Value::Null;
            }
        }
        BatchDamage::ResultMissing => {
            if let Some(entries) = body
                .pointer_mut(&section("result"))
                .and_then(Value::as_object_mut)
                && let Some(key) = entries.keys().next().cloned()
            {
                entries.remove(&key);
            }
        }
    }
}

fn first_entry<'v>(body: &'v mut Value, pointer: &str) -> Option<&'v mut Value> {
    body.pointer_mut(pointer)?
        .as_object_mut()?
        .values_mut()
        .next()
}

fn substitute_map(params: Map<String, Value>, outcome: &Outcome) -> Map<String, Value> {
    params
        .into_iter()
        .map(|(key, value)| (substitute_text(&key, outcome), substitute(value, outcome)))
        .collect()
}

/// Replace references in every string of a parameter tree. A string that is nothing but one reference
/// takes the referenced value as it is (possibly a list); otherwise references are spliced in as text.
fn substitute(value: Value, outcome: &Outcome) -> Value {
    match value {
        Value::String(text) => match parse_reference(&text) {
            Some((reference, used)) if used == text.len() => {
                resolve(&reference, outcome).unwrap_or(Value::String(text))
            }
            _ => Value::String(substitute_text(&text, outcome)),
        },
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| substitute(v, outcome)).collect())
        }
        Value::Object(map) => Value::Object(substitute_map(map, outcome)),
        other => other,
    }
}

fn substitute_text(text: &str, outcome: &Outcome) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let candidate = &rest[at..];
        match parse_reference(candidate) {
            Some((reference, used)) => {
                match resolve(&reference, outcome) {
                    Some(Value::String(s)) => out.push_str(&s),
                    Some(Value::Number(n)) => out.push_str(&n.to_string()),
                    _ => out.push_str(&candidate[..used]),
                }
                rest = &candidate[used..];
            }
            None => {
                out.push('$');
                rest = &candidate[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A reference: the section (`result`, `error`, ...) and its bracketed path, the first step being the command key.
struct Reference {
    section: String,
    path: Vec<String>,
}

/// Parse `$result[cmd][a][0]` at the start of `text`; returns the reference and the bytes it spans.
fn parse_reference(text: &str) -> Option<(Reference, usize)> {
    let body = text.strip_prefix('$')?;
    let name_len = body.find('[')?;
    let section = &body[..name_len];
    if !matches!(section, "result" | "error" | "total" | "next" | "time") {
        return None;
    }
    let mut used = 1 + name_len;
    let mut path = Vec::new();
    while let Some(inner) = text[used..].strip_prefix('[') {
        let close = inner.find(']')?;
        path.push(inner[..close].to_owned());
        used += close + 2;
    }
    (!path.is_empty()).then(|| {
        (
            Reference {
                section: section.to_owned(),
                path,
            },
            used,
        )
    })
}

/// Walk the path; a step that does not exist stops the walk where it is, as the platform does.
fn resolve(reference: &Reference, outcome: &Outcome) -> Option<Value> {
    let (command, steps) = reference.path.split_first()?;
    let mut current = outcome
        .section(&reference.section)?
        .iter()
        .find(|(key, _)| key == command)
        .map(|(_, v)| v)?;
    for step in steps {
        let next = match current {
            Value::Object(map) => map.get(step),
            Value::Array(items) => step.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(value) => current = value,
            None => break,
        }
    }
    Some(current.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome() -> Outcome {
        Outcome {
            result: vec![("a".into(), json!({"ID": "7", "LIST": [{"X": 1}]}))],
            ..Outcome::default()
        }
    }

    #[test]
    fn references_resolve_whole_or_spliced() {
        let out = outcome();
        assert_eq!(substitute(json!("$result[a][ID]"), &out), json!("7"));
        assert_eq!(
            substitute(json!("$result[a][LIST]"), &out),
            json!([{"X": 1}])
        );
        assert_eq!(
            substitute(json!("id-$result[a][ID]-$result[a][LIST][0][X]"), &out),
            json!("id-7-1")
        );
        assert_eq!(
            substitute(json!("$result[zzz][ID] costs $5"), &out),
            json!("$result[zzz][ID] costs $5")
        );
        assert_eq!(
            substitute(json!("$result[a][MISSING]"), &out),
            json!({"ID": "7", "LIST": [{"X": 1}]})
        );
    }
}
