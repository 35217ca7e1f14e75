//! Automatic batching: concurrent calls on one client coalesce into `batch` requests.
//!
//! Calls arriving within a short window (or until 50 are waiting) leave as one `batch`. Each caller
//! gets its own typed outcome, as if it had called alone; a window with one call sends it as is.

use std::sync::{OnceLock, Weak};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::batch::{MAX_COMMANDS, Outcome};
use crate::client::{Client, Inner};
use crate::envelope::{RawFailure, RawSuccess};
use crate::error::{TransportError, TransportKind};
use crate::params::Params;

/// A call waiting for its batch.
struct Job {
    method: &'static str,
    params: Params,
    safe: bool,
    answer: oneshot::Sender<JobOutcome>,
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
            return JobOutcome::Alone(client.send_raw(job.method, &job.params, job.safe).await);
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

async fn dispatch(client: Client, mut jobs: Vec<Job>) {
    if jobs.len() == 1 {
        let job = jobs.remove(0);
        let result = client.send_raw(job.method, &job.params, job.safe).await;
        let _ = job.answer.send(JobOutcome::Alone(result));
        return;
    }
    let mut batch = client.batch();
    let mut answers = Vec::with_capacity(jobs.len());
    for job in jobs {
        batch.push_params(job.method, job.params, job.safe);
        answers.push(job.answer);
    }
    let reply = batch.run().await;
    for (index, (outcome, answer)) in reply.outcomes.into_iter().zip(answers).enumerate() {
        // A caller that stopped waiting has nobody to tell.
        let _ = answer.send(JobOutcome::Batched(outcome, index));
    }
}
