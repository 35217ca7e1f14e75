//! `batch`: many typed commands in one request, a typed outcome per command.

use std::collections::HashMap;
use std::marker::PhantomData;

use serde::Deserialize;
use serde_json::{Value, json};
use serde_with::serde_as;

use crate::client::Client;
use crate::envelope::{RawFailure, under};
use crate::error::{DecodeError, Error};
use crate::form;
use crate::method::Method;
use crate::params::{Params, params_of};
use crate::reply::{Reply, Time};
use crate::wire::EmptyAsDefault;

/// The most commands the portal runs in one `batch`; larger batches are split.
pub const MAX_COMMANDS: usize = 50;

/// A batch being assembled. Commands run in the order pushed.
///
/// ```no_run
/// # use bitrix24_api::{Client, Method, UndocumentedError};
/// # #[derive(serde::Serialize)] struct Open { #[serde(rename = "USER_CODE")] code: String }
/// # impl Method for Open { const NAME: &'static str = "imopenlines.session.open"; const SCOPE: &'static str = "";
/// #   const SAFE_TO_REPEAT: bool = false; type Response = serde_json::Value; type Error = UndocumentedError; }
/// # #[derive(serde::Serialize)] struct Dialog { #[serde(rename = "CHAT_ID")] chat_id: i64 }
/// # impl Method for Dialog { const NAME: &'static str = "imopenlines.dialog.get"; const SCOPE: &'static str = "";
/// #   const SAFE_TO_REPEAT: bool = true; type Response = serde_json::Value; type Error = UndocumentedError; }
/// # async fn run(client: Client) {
/// let mut batch = client.batch();
/// let open = batch.push(Open { code: "livechat|1|2|3".into() });
/// // CHAT_ID comes from the first command's result, resolved by the portal.
/// let dialog = batch.push_with(Dialog { chat_id: 0 }, [("CHAT_ID", open.result().at("CHAT_ID"))]);
/// let reply = batch.halt_on_error(true).run().await;
/// let chat = reply.get(&dialog).map(|r| r.result);
/// # let _ = chat;
/// # }
/// ```
#[must_use = "a batch does nothing until it is run"]
pub struct Batch<'c> {
    client: &'c Client,
    commands: Vec<Command>,
    halt: bool,
}

struct Command {
    method: &'static str,
    params: Result<Params, String>,
    safe: bool,
    refs: Vec<(Vec<String>, ResultRef)>,
}

/// A pushed command; use it to reference its result and to read its outcome.
pub struct Cmd<M> {
    index: usize,
    method: PhantomData<fn() -> M>,
}

impl<M> Clone for Cmd<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Cmd<M> {}

impl<M> Cmd<M> {
    /// A reference to this command's `result`, for a later command's parameter.
    pub fn result(&self) -> ResultRef {
        ResultRef {
            command: self.index,
            path: Vec::new(),
        }
    }
}

/// `$result[cmd][…]`: a value from an earlier command's result, resolved when the batch runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRef {
    command: usize,
    path: Vec<String>,
}

impl ResultRef {
    /// One step into the result: a field name, or a list index as a string (`"0"`).
    pub fn at(mut self, segment: impl Into<String>) -> Self {
        self.path.push(segment.into());
        self
    }

    fn text(&self) -> String {
        let mut text = format!("$result[{}]", key(self.command));
        for segment in &self.path {
            text.push_str(&format!("[{segment}]"));
        }
        text
    }
}

/// Command keys are never numeric: numeric keys make the portal answer with lists instead of maps.
fn key(index: usize) -> String {
    format!("c{index}")
}

impl Client {
    /// Starts a batch on this client.
    pub fn batch(&self) -> Batch<'_> {
        Batch {
            client: self,
            commands: Vec::new(),
            halt: false,
        }
    }
}

impl<'c> Batch<'c> {
    /// Stops at the first failing command; later ones report [`Error::NotExecuted`].
    pub fn halt_on_error(mut self, halt: bool) -> Self {
        self.halt = halt;
        self
    }

    /// Adds a command.
    pub fn push<M: Method>(&mut self, request: M) -> Cmd<M> {
        self.push_with(request, std::iter::empty::<(&str, ResultRef)>())
    }

    /// Adds a command whose parameters (named in bracket notation: `CHAT_ID`, `FIELDS[CHAT_ID]`) take
    /// values from earlier commands' results.
    pub fn push_with<M: Method, K: AsRef<str>>(
        &mut self,
        request: M,
        refs: impl IntoIterator<Item = (K, ResultRef)>,
    ) -> Cmd<M> {
        let mut params = params_of(&request);
        let mut bound = Vec::new();
        for (name, reference) in refs {
            match form::key_path(name.as_ref()) {
                Some(path) => bound.push((path, reference)),
                None => params = Err(format!("`{}` is not a parameter name", name.as_ref())),
            }
        }
        self.commands.push(Command {
            method: M::NAME,
            params,
            safe: M::SAFE_TO_REPEAT,
            refs: bound,
        });
        Cmd {
            index: self.commands.len() - 1,
            method: PhantomData,
        }
    }

    /// Adds an already serialized command without references (the auto-batcher's calls).
    pub(crate) fn push_params(&mut self, method: &'static str, params: Params, safe: bool) {
        self.commands.push(Command {
            method,
            params: Ok(params),
            safe,
            refs: Vec::new(),
        });
    }

    /// How many commands were pushed.
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// True when nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// Runs the commands, in requests of at most [`MAX_COMMANDS`]. References to a command in an earlier
    /// request are filled in from its result here; within one request the portal resolves them.
    pub async fn run(self) -> BatchReply {
        let mut outcomes: Vec<Outcome> = Vec::with_capacity(self.commands.len());
        let mut halted = false;
        for (chunk_index, chunk) in self.commands.chunks(MAX_COMMANDS).enumerate() {
            let first = chunk_index * MAX_COMMANDS;
            if halted {
                outcomes.extend(chunk.iter().map(|_| Outcome::NotExecuted));
                continue;
            }
            let chunk_outcomes = self.run_chunk(first, chunk, &outcomes).await;
            halted = self.halt
                && chunk_outcomes
                    .iter()
                    .any(|o| !matches!(o, Outcome::Done { .. }));
            outcomes.extend(chunk_outcomes);
        }
        BatchReply { outcomes }
    }

    async fn run_chunk(
        &self,
        first: usize,
        chunk: &[Command],
        earlier: &[Outcome],
    ) -> Vec<Outcome> {
        let mut cmd = serde_json::Map::new();
        let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(chunk.len());
        for (offset, command) in chunk.iter().enumerate() {
            match &command.params {
                Ok(params) => {
                    let mut params = params.clone();
                    for (path, reference) in &command.refs {
                        form::insert(&mut params, path, resolve(reference, first, earlier));
                    }
                    let line = format!("{}?{}", command.method, form::encode(&params));
                    cmd.insert(key(first + offset), Value::String(line));
                    outcomes.push(None);
                }
                Err(message) => outcomes.push(Some(Outcome::Unsent(message.clone()))),
            }
        }
        if cmd.is_empty() {
            return outcomes.into_iter().flatten().collect();
        }
        let mut params = Params::new();
        params.insert("halt".into(), json!(u8::from(self.halt)));
        params.insert("cmd".into(), Value::Object(cmd));
        let safe = chunk.iter().all(|c| c.safe);
        for method in chunk.iter().map(|c| c.method) {
            self.client.pause_for_budget(method).await;
        }
        let answer = self
            .client
            .send_raw("batch", &params, safe)
            .await
            .and_then(|raw| {
                raw.decode::<BatchResult>()
                    .map(|r| r.result)
                    .map_err(RawFailure::Decode)
            });
        let mut answer = match answer {
            Ok(result) => result,
            Err(failure) => {
                return outcomes
                    .into_iter()
                    .map(|o| o.unwrap_or_else(|| Outcome::Failed(failure.clone())))
                    .collect();
            }
        };
        for (offset, command) in chunk.iter().enumerate() {
            let k = key(first + offset);
            if outcomes[offset].is_some() {
                continue;
            }
            let outcome = if let Some(result) = answer.result.remove(&k) {
                let time = answer.result_time.remove(&k);
                if let (Some(time), Some(budget)) = (&time, &self.client.inner.operating) {
                    budget.record(command.method, time);
                }
                Outcome::Done {
                    result,
                    time,
                    next: answer.result_next.remove(&k).and_then(count),
                    total: answer.result_total.remove(&k).and_then(count),
                }
            } else if let Some(e) = answer.result_error.remove(&k) {
                Outcome::Failed(RawFailure::Envelope {
                    code: e.error,
                    description: e.error_description,
                    status: 0,
                })
            } else {
                Outcome::NotExecuted
            };
            outcomes[offset] = Some(outcome);
        }
        outcomes.into_iter().flatten().collect()
    }
}

/// The value a reference stands for: its text when the portal resolves it (same request), or the value
/// itself when the referenced command ran in an earlier request.
fn resolve(reference: &ResultRef, first_in_request: usize, earlier: &[Outcome]) -> Value {
    if reference.command < first_in_request
        && let Some(Outcome::Done { result, .. }) = earlier.get(reference.command)
    {
        let found = reference
            .path
            .iter()
            .try_fold(result, |value, segment| match value {
                Value::Object(map) => map.get(segment),
                Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            });
        if let Some(value) = found {
            return value.clone();
        }
    }
    Value::String(reference.text())
}

fn count(value: Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

#[serde_as]
#[derive(Deserialize)]
struct BatchResult {
    #[serde_as(as = "EmptyAsDefault")]
    #[serde(default)]
    result: HashMap<String, Value>,
    #[serde_as(as = "EmptyAsDefault")]
    #[serde(default)]
    result_error: HashMap<String, CommandError>,
    #[serde_as(as = "EmptyAsDefault")]
    #[serde(default)]
    result_total: HashMap<String, Value>,
    #[serde_as(as = "EmptyAsDefault")]
    #[serde(default)]
    result_next: HashMap<String, Value>,
    #[serde_as(as = "EmptyAsDefault")]
    #[serde(default)]
    result_time: HashMap<String, Time>,
}

#[derive(Deserialize)]
struct CommandError {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

pub(crate) enum Outcome {
    Done {
        result: Value,
        time: Option<Time>,
        next: Option<u64>,
        total: Option<u64>,
    },
    Failed(RawFailure),
    /// The parameters could not be encoded, so the command was not sent.
    Unsent(String),
    NotExecuted,
}

/// The outcome of every command of a batch.
pub struct BatchReply {
    pub(crate) outcomes: Vec<Outcome>,
}

impl BatchReply {
    /// The typed outcome of one command: its result, its error, or [`Error::NotExecuted`].
    pub fn get<M: Method>(&self, cmd: &Cmd<M>) -> Result<Reply<M::Response>, Error<M::Error>> {
        typed::<M>(self.outcomes.get(cmd.index), cmd.index)
    }

    /// How many commands failed or did not run.
    pub fn failures(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| !matches!(o, Outcome::Done { .. }))
            .count()
    }
}

/// Types the outcome of the command at `index`: its result, its error, or [`Error::NotExecuted`].
pub(crate) fn typed<M: Method>(
    outcome: Option<&Outcome>,
    index: usize,
) -> Result<Reply<M::Response>, Error<M::Error>> {
    match outcome {
        Some(Outcome::Done {
            result,
            time,
            next,
            total,
        }) => match serde_path_to_error::deserialize::<_, M::Response>(result) {
            Ok(typed) => Ok(Reply::new(typed, time.clone(), *next, *total)),
            Err(e) => Err(Error::Decode(DecodeError::of_value(
                under(
                    &format!("result.result.{}", key(index)),
                    &e.path().to_string(),
                ),
                e.inner().to_string(),
                200,
                result,
            ))),
        },
        Some(Outcome::Failed(failure)) => Err(failure.clone().into_error()),
        Some(Outcome::Unsent(message)) => Err(Error::Encode(message.clone())),
        Some(Outcome::NotExecuted) | None => Err(Error::NotExecuted),
    }
}
