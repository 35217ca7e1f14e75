//! `batch`: many typed commands in one request, a typed outcome per command.

use std::marker::PhantomData;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};

use crate::client::Client;
use crate::envelope::{RawFailure, text_of, under};
use crate::error::{DecodeError, Error};
use crate::form;
use crate::method::{Decoded, Method};
use crate::params::{Params, params_of};
use crate::pipeline::Outgoing;
use crate::reply::{Reply, Time};

/// The most commands the portal runs in one `batch`; larger batches are split.
pub const MAX_COMMANDS: usize = 50;

/// A batch being assembled. Commands run in the order pushed.
///
/// Each command travels as a query string, which leaves out `null`, `[]` and `{}` and sends booleans as
/// `1`/`0`; send a request that relies on those directly.
///
/// ```no_run
/// # use bitrix24_api::{Client, Method, UndocumentedError};
/// # #[derive(serde::Serialize)] struct Open { #[serde(rename = "USER_CODE")] code: String }
/// # impl Method for Open { const NAME: &'static str = "imopenlines.session.open"; const SCOPE: &'static str = "";
/// #   const SAFE_TO_REPEAT: bool = false; type Response = serde_json::Value;
/// #   type Wire = bitrix24_api::wire::Same; type Error = UndocumentedError; }
/// # #[derive(serde::Serialize)] struct Dialog { #[serde(rename = "CHAT_ID")] chat_id: i64 }
/// # impl Method for Dialog { const NAME: &'static str = "imopenlines.dialog.get"; const SCOPE: &'static str = "";
/// #   const SAFE_TO_REPEAT: bool = true; type Response = serde_json::Value;
/// #   type Wire = bitrix24_api::wire::Same; type Error = UndocumentedError; }
/// # async fn run(client: Client) -> Result<(), bitrix24_api::batch::ReferenceError> {
/// let mut batch = client.batch();
/// let open = batch.push(Open { code: "livechat|1|2|3".into() });
/// // CHAT_ID comes from the first command's result, resolved by the portal.
/// let dialog = batch.push_with(Dialog { chat_id: 0 }, [("CHAT_ID", open.result().at("CHAT_ID"))])?;
/// let reply = batch.halt_on_error(true).run().await;
/// let chat = reply.get(&dialog).map(|r| r.result);
/// # let _ = chat;
/// # Ok(())
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
        format!("$result[{}]{}", key(self.command), self.path_text())
    }

    fn path_text(&self) -> String {
        self.path.iter().map(|s| format!("[{s}]")).collect()
    }
}

/// A `$result[…]` reference that cannot be used. The first two are refused by
/// [`Batch::push_with`]; the others leave the dependent command unsent ([`Error::NotSent`]), because
/// sending it with the reference's text in place of the value would run it with wrong parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReferenceError {
    /// The parameter name is not bracket notation (`CHAT_ID`, `FIELDS[CHAT_ID]`).
    #[error("`{name}` is not a parameter name")]
    NotAName {
        /// The name as given.
        name: String,
    },
    /// The reference points at the command itself or at a later one (a command of another batch, say):
    /// results only flow forward.
    #[error("command {command} refers to command {target}, which does not run before it")]
    NotEarlier {
        /// The index the command would have had.
        command: usize,
        /// The referenced index.
        target: usize,
    },
    /// The referenced command did not succeed (it failed, was not sent, did not run, or is missing
    /// from the answer), so its result does not exist.
    #[error(
        "not sent: command {command} needs the result of command {target}, which did not succeed"
    )]
    TargetFailed {
        /// The dependent command.
        command: usize,
        /// The referenced command.
        target: usize,
    },
    /// The referenced command succeeded, but its result holds nothing at the path.
    #[error(
        "not sent: command {command} needs `{path}` of command {target}'s result, which is not there"
    )]
    NoValue {
        /// The dependent command.
        command: usize,
        /// The referenced command.
        target: usize,
        /// The path inside the result, in brackets.
        path: String,
    },
}

/// A command's parameters, or why it cannot be sent: a REST 3.0 method, which the classic `batch` does
/// not run, fails alone, without being sent.
fn command_params<M: Method>(request: &M) -> Result<Params, String> {
    match M::REST_V3 {
        true => Err(format!(
            "`{}` is a REST 3.0 method, which a classic batch cannot carry: call it on its own",
            M::NAME
        )),
        false => params_of(request),
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
        self.add(
            M::NAME,
            command_params(&request),
            M::SAFE_TO_REPEAT,
            Vec::new(),
        )
    }

    /// Adds a command whose parameters (named in bracket notation: `CHAT_ID`, `FIELDS[CHAT_ID]`) take
    /// values from earlier commands' results. A name that is not bracket notation, or a reference to
    /// this command or a later one, is refused and nothing is added.
    pub fn push_with<M: Method, K: AsRef<str>>(
        &mut self,
        request: M,
        refs: impl IntoIterator<Item = (K, ResultRef)>,
    ) -> Result<Cmd<M>, ReferenceError> {
        let command = self.commands.len();
        let mut bound = Vec::new();
        for (name, reference) in refs {
            let name = name.as_ref();
            let path = form::key_path(name).ok_or_else(|| ReferenceError::NotAName {
                name: name.to_owned(),
            })?;
            if reference.command >= command {
                return Err(ReferenceError::NotEarlier {
                    command,
                    target: reference.command,
                });
            }
            bound.push((path, reference));
        }
        Ok(self.add(M::NAME, command_params(&request), M::SAFE_TO_REPEAT, bound))
    }

    fn add<M>(
        &mut self,
        method: &'static str,
        params: Result<Params, String>,
        safe: bool,
        refs: Vec<(Vec<String>, ResultRef)>,
    ) -> Cmd<M> {
        self.commands.push(Command {
            method,
            params,
            safe,
            refs,
        });
        Cmd {
            index: self.commands.len() - 1,
            method: PhantomData,
        }
    }

    /// Adds an already serialized command without references (the auto-batcher's calls).
    pub(crate) fn push_params(&mut self, method: &'static str, params: Params, safe: bool) {
        self.add::<()>(method, Ok(params), safe, Vec::new());
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
    /// request are filled in from its result here; within one request the portal resolves them. A
    /// command whose reference cannot be filled in (its target failed, or has no such value) is not
    /// sent, and neither is anything in the same request that refers to it. Within one request that is
    /// up to the portal, which leaves the reference's text in place when its target failed: use
    /// [`Batch::halt_on_error`] when a command must not run without its target's result.
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
            halted = self.halt && chunk_outcomes.iter().any(|o| !o.is_done());
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
        let (cmd, settled) = prepare(first, chunk, earlier);
        if cmd.is_empty() {
            return settled.into_iter().flatten().collect();
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
            .send_raw(Outgoing::classic("batch", &params, safe))
            .await
            .and_then(|raw| {
                raw.decode::<BatchResult>()
                    .map(|r| r.result)
                    .map_err(RawFailure::Decode)
            });
        let mut answer = match answer {
            Ok(result) => result,
            Err(failure) => {
                return settled
                    .into_iter()
                    .map(|o| o.unwrap_or_else(|| Outcome::Failed(failure.clone())))
                    .collect();
            }
        };
        let mut failed_before = false;
        let mut outcomes = Vec::with_capacity(chunk.len());
        for (offset, (command, settled)) in chunk.iter().zip(settled).enumerate() {
            if let Some(outcome) = settled {
                outcomes.push(outcome);
                continue;
            }
            let outcome = answer.take(&key(first + offset), failed_before && self.halt);
            self.record_operating(command.method, &outcome);
            failed_before |= matches!(outcome, Outcome::Failed(_));
            outcomes.push(outcome);
        }
        outcomes
    }

    /// Feeds the method's operating-time figures to the budget, as a direct call does: the `time` of a
    /// command that ran, or an `OPERATION_TIME_LIMIT` refusal.
    fn record_operating(&self, method: &str, outcome: &Outcome) {
        let Some(budget) = &self.client.inner.operating else {
            return;
        };
        match outcome {
            Outcome::Done {
                time: Some(time), ..
            } => budget.record(method, time),
            Outcome::Failed(RawFailure::Envelope { code, .. }) if code == OPERATION_TIME_LIMIT => {
                budget.refused(method)
            }
            _ => {}
        }
    }
}

const OPERATION_TIME_LIMIT: &str = "OPERATION_TIME_LIMIT";

/// The `cmd` map of one request, and beside it, per command, `Some` outcome for one settled before
/// sending (its parameters could not be encoded, or a reference not filled in).
fn prepare(
    first: usize,
    chunk: &[Command],
    earlier: &[Outcome],
) -> (Map<String, Value>, Vec<Option<Outcome>>) {
    let mut cmd = Map::new();
    let mut settled: Vec<Option<Outcome>> = Vec::with_capacity(chunk.len());
    for (offset, command) in chunk.iter().enumerate() {
        let index = first + offset;
        let bound = match &command.params {
            Ok(params) => bind(
                index,
                params.clone(),
                &command.refs,
                first,
                earlier,
                &settled,
            ),
            Err(message) => {
                settled.push(Some(Outcome::Unencodable(message.clone())));
                continue;
            }
        };
        match bound {
            Ok(params) => {
                let line = format!("{}?{}", command.method, form::encode(&params));
                cmd.insert(key(index), Value::String(line));
                settled.push(None);
            }
            Err(reason) => settled.push(Some(Outcome::NotSent(reason))),
        }
    }
    (cmd, settled)
}

/// The parameters of command `index` with its references bound: to their text when the target is in
/// the same request (the portal resolves it), or to the value itself when the target ran in an earlier
/// request. `settled` holds the commands of this request before `index` that will not be sent.
fn bind(
    index: usize,
    mut params: Params,
    refs: &[(Vec<String>, ResultRef)],
    first_in_request: usize,
    earlier: &[Outcome],
    settled: &[Option<Outcome>],
) -> Result<Params, ReferenceError> {
    for (name, reference) in refs {
        let failed = ReferenceError::TargetFailed {
            command: index,
            target: reference.command,
        };
        let value = if reference.command >= first_in_request {
            match settled.get(reference.command - first_in_request) {
                Some(None) => Value::String(reference.text()),
                _ => return Err(failed),
            }
        } else {
            let Some(Outcome::Done { result, .. }) = earlier.get(reference.command) else {
                return Err(failed);
            };
            lookup(result, &reference.path)
                .cloned()
                .ok_or_else(|| ReferenceError::NoValue {
                    command: index,
                    target: reference.command,
                    path: reference.path_text(),
                })?
        };
        form::insert(&mut params, name, value);
    }
    Ok(params)
}

fn lookup<'v>(result: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(result, |value, segment| match value {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

fn count(value: Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// The `result` of a `batch` answer: five maps keyed by command. Each map is read as plain JSON, and
/// each entry only when its command's outcome is taken, so that one malformed entry (a `time` block of
/// the wrong shape, a `null` description) spoils nothing but its own figure.
#[derive(Deserialize)]
struct BatchResult {
    #[serde(default, deserialize_with = "section")]
    result: Map<String, Value>,
    #[serde(default, deserialize_with = "section")]
    result_error: Map<String, Value>,
    #[serde(default, deserialize_with = "section")]
    result_total: Map<String, Value>,
    #[serde(default, deserialize_with = "section")]
    result_next: Map<String, Value>,
    #[serde(default, deserialize_with = "section")]
    result_time: Map<String, Value>,
}

/// One of the maps: an object, or PHP's empty (or numbered) list; anything else counts as empty.
fn section<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Object(map) => map,
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Map::new(),
    })
}

impl BatchResult {
    /// The outcome of the command keyed `key`. One that is absent did not run if the batch halted
    /// before it; otherwise nobody knows whether it ran.
    fn take(&mut self, key: &str, halted: bool) -> Outcome {
        if let Some(result) = self.result.remove(key) {
            return Outcome::Done {
                result,
                time: self
                    .result_time
                    .remove(key)
                    .and_then(|t| serde_json::from_value(t).ok()),
                next: self.result_next.remove(key).and_then(count),
                total: self.result_total.remove(key).and_then(count),
            };
        }
        if let Some(error) = self.result_error.remove(key) {
            let (code, description) = match error {
                Value::Object(mut fields) => (
                    fields.remove("error").map(text_of).unwrap_or_default(),
                    fields
                        .remove("error_description")
                        .map(text_of)
                        .unwrap_or_default(),
                ),
                other => (text_of(other), String::new()),
            };
            return Outcome::Failed(RawFailure::Envelope {
                code,
                description,
                status: 0,
                validation: Vec::new(),
            });
        }
        if halted {
            Outcome::NotExecuted
        } else {
            Outcome::MissingFromAnswer
        }
    }
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
    Unencodable(String),
    /// A reference could not be filled in, so the command was not sent.
    NotSent(ReferenceError),
    /// The batch halted before the command.
    NotExecuted,
    /// The answer says nothing about the command: it may or may not have run.
    MissingFromAnswer,
}

impl Outcome {
    fn is_done(&self) -> bool {
        matches!(self, Outcome::Done { .. })
    }
}

/// The outcome of every command of a batch.
pub struct BatchReply {
    pub(crate) outcomes: Vec<Outcome>,
}

impl BatchReply {
    /// The typed outcome of one command: its result, its error, [`Error::NotSent`],
    /// [`Error::NotExecuted`] or [`Error::MissingFromAnswer`].
    pub fn get<M: Method>(&self, cmd: &Cmd<M>) -> Result<Reply<M::Response>, Error<M::Error>> {
        typed::<M>(self.outcomes.get(cmd.index), cmd.index)
    }

    /// How many commands failed or did not run.
    pub fn failures(&self) -> usize {
        self.outcomes.iter().filter(|o| !o.is_done()).count()
    }
}

/// Types the outcome of the command at `index`.
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
        }) => match serde_path_to_error::deserialize::<_, Decoded<M>>(result) {
            Ok(typed) => Ok(Reply::new(typed.0, time.clone(), *next, *total)),
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
        Some(Outcome::Unencodable(message)) => Err(Error::Encode(message.clone())),
        Some(Outcome::NotSent(reason)) => Err(Error::NotSent(reason.clone())),
        Some(Outcome::MissingFromAnswer) => Err(Error::MissingFromAnswer),
        Some(Outcome::NotExecuted) | None => Err(Error::NotExecuted),
    }
}
