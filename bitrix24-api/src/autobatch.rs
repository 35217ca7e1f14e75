//! Automatic batching: concurrent calls on one client coalesce into `batch` requests.
//!
//! Calls arriving within a short window (or until 50 are waiting) leave as one `batch`. Each caller
//! gets its own typed outcome, as if it had called alone. Only calls that a `batch` carries exactly as a
//! direct call would go together ([`batchable`]); the others, and a window with one call, go alone.

use std::sync::{OnceLock, Weak};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::batch::{MAX_COMMANDS, Outcome};
use crate::client::{Client, Inner};
use crate::envelope::{RawFailure, RawSuccess};
use crate::error::{TransportError, TransportKind};
use crate::form;
use crate::params::Params;
use crate::pipeline::Outgoing;

/// A call waiting for its batch.
struct Job {
    method: &'static str,
    params: Params,
    safe: bool,
    answer: oneshot::Sender<JobOutcome>,
}

impl Job {
    /// The call sent on its own.
    fn outgoing(&self) -> Outgoing<'_> {
        Outgoing::classic(self.method, &self.params, self.safe)
    }
}

/// What a queued call gets back: its own plain answer, or its outcome inside a `batch`.
pub(crate) enum JobOutcome {
    /// It was alone in its window and went out as a plain call.
    Alone(Result<RawSuccess, RawFailure>),
    /// It went out inside a `batch`, as command `index`.
    Batched(Outcome, usize),
}

/// The collecting task of a client, started on first use (a client may be built outside a runtime).
pub(crate) struct AutoBatcher {
    window: Duration,
    jobs: OnceLock<mpsc::UnboundedSender<Job>>,
}

impl AutoBatcher {
    pub fn new(window: Duration) -> Self {
        AutoBatcher {
            window,
            jobs: OnceLock::new(),
        }
    }

    /// Queues a call and waits for its answer.
    pub async fn submit(
        &self,
        client: &Client,
        method: &'static str,
        params: Params,
        safe: bool,
    ) -> JobOutcome {
        let jobs = self.jobs.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            tokio::spawn(collect(
                std::sync::Arc::downgrade(&client.inner),
                receiver,
                self.window,
            ));
            sender
        });
        let (answer, receive) = oneshot::channel();
        let job = Job {
            method,
            params,
            safe,
            answer,
        };
        // The task ends only when the runtime shuts down; then the call goes out on its own.
        if let Err(mpsc::error::SendError(job)) = jobs.send(job) {
            return JobOutcome::Alone(client.send_raw(job.outgoing()).await);
        }
        receive.await.unwrap_or_else(|_| {
            // The batch task ended without answering: the call may or may not have run.
            JobOutcome::Alone(Err(RawFailure::Transport(TransportError {
                kind: TransportKind::Other,
                message: "the batch carrying this call was abandoned".to_owned(),
            })))
        })
    }
}

/// Gathers jobs for one window, then hands them to a sender task and starts the next window. Ends when
/// the last clone of the client is dropped (the channel's sender lives in the client).
async fn collect(client: Weak<Inner>, mut jobs: mpsc::UnboundedReceiver<Job>, window: Duration) {
    while let Some(first) = jobs.recv().await {
        let mut window_jobs = vec![first];
        let closes = tokio::time::Instant::now() + window;
        while window_jobs.len() < MAX_COMMANDS {
            match tokio::time::timeout_at(closes, jobs.recv()).await {
                Ok(Some(job)) => window_jobs.push(job),
                Ok(None) | Err(_) => break,
            }
        }
        let Some(inner) = client.upgrade() else {
            return;
        };
        tokio::spawn(dispatch(Client { inner }, window_jobs));
    }
}

/// Sends one window's calls: those still awaited and batchable together, the rest alone.
async fn dispatch(client: Client, jobs: Vec<Job>) {
    // A caller that stopped waiting before its window closed is not sent at all.
    let (together, alone): (Vec<Job>, Vec<Job>) = jobs
        .into_iter()
        .filter(|job| !job.answer.is_closed())
        .partition(|job| batchable(&client, job));
    for job in alone {
        tokio::spawn(send_alone(client.clone(), job));
    }
    match <[Job; 1]>::try_from(together) {
        Ok([job]) => send_alone(client, job).await,
        Err(together) if together.is_empty() => {}
        Err(together) => send_together(client, together).await,
    }
}

/// Whether a call behaves inside a `batch` exactly as it would alone:
/// - it is safe to repeat, since a batch that fails ambiguously is retried only when every command in
///   it is (one creating call would otherwise make its neighbours unretryable);
/// - its parameters survive the batch's query string (`form::representable`);
/// - its method is not waiting for its operating-time budget, which would hold up the whole window.
fn batchable(client: &Client, job: &Job) -> bool {
    let over_budget = client
        .inner
        .operating
        .as_ref()
        .is_some_and(|budget| budget.wait(job.method).is_some());
    job.safe && !over_budget && form::representable(&job.params)
}

async fn send_alone(client: Client, job: Job) {
    let result = client.send_raw(job.outgoing()).await;
    let _ = job.answer.send(JobOutcome::Alone(result));
}

async fn send_together(client: Client, jobs: Vec<Job>) {
    let mut batch = client.batch();
    let mut waiting = Vec::with_capacity(jobs.len());
    for job in jobs {
        batch.push_params(job.method, job.params.clone(), job.safe);
        waiting.push(job);
    }
    let reply = batch.run().await;
    for (index, (outcome, job)) in reply.outcomes.into_iter().zip(waiting).enumerate() {
        if refused_for_time(&outcome) {
            // Refused before it ran: a direct call would retry it under the retry policy, and so
            // does this one, alone (the refusal is already recorded in the budget).
            tokio::spawn(send_alone(client.clone(), job));
            continue;
        }
        // A caller that stopped waiting has nobody to tell.
        let _ = job.answer.send(JobOutcome::Batched(outcome, index));
    }
}

fn refused_for_time(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Failed(RawFailure::Envelope { code, .. }) if code == "OPERATION_TIME_LIMIT")
}
