//! A typed call of one method, awaited directly: `client.imopenlines().session_open(code).await`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use crate::autobatch::JobOutcome;
use crate::batch;
use crate::client::Client;
use crate::error::{DeadlineError, Error};
use crate::method::{Decoded, Method};
use crate::params::params_of;
use crate::pipeline::Outgoing;
use crate::reply::Reply;

/// A prepared call: a request bound to a client. Set optional parameters on the call itself, as on the
/// request (`client.imopenlines().config_get(1).with_queue(true)`), then `.await`.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'c, M: Method> {
    client: &'c Client,
    request: M,
    /// Overrides the client's deadline for this call.
    deadline: Option<Duration>,
    /// The REST 3.0 `Idempotency-Key` the caller chose.
    idempotency_key: Option<String>,
}

impl<'c, M: Method> Call<'c, M> {
    /// Binds a request to a client.
    pub fn new(client: &'c Client, request: M) -> Self {
        Call {
            client,
            request,
            deadline: None,
            idempotency_key: None,
        }
    }

    /// Changes the request, for a setter the call does not have (a field named like one of the call's
    /// own methods, such as `deadline`): `.with(|r| r.deadline("…"))`.
    pub fn with(self, f: impl FnOnce(M) -> M) -> Self {
        Call {
            request: f(self.request),
            ..self
        }
    }

    /// The longest this call may take in total, instead of the client's
    /// [deadline](crate::ClientBuilder::deadline).
    pub fn deadline(self, deadline: Duration) -> Self {
        Call {
            deadline: Some(deadline),
            ..self
        }
    }

    /// The `Idempotency-Key` of a REST 3.0 call ([`Method::REST_V3`]), instead of the random one the
    /// client makes for each call that is not safe to repeat. The portal keeps a successful call's
    /// response for 24 hours and answers a repeat with the same key and body with it
    /// ([`Reply::replayed`]), so a key kept across a restart makes re-sending a call whose answer was
    /// lost safe. A key must be 1 to 255 printable ASCII characters, or the call fails with
    /// [`Error::Encode`] before anything is sent. The classic API ignores the header, so a classic
    /// method's call does not send it.
    pub fn idempotency_key(self, key: impl Into<String>) -> Self {
        Call {
            idempotency_key: Some(key.into()),
            ..self
        }
    }

    /// The request as it will be sent.
    pub fn request(&self) -> &M {
        &self.request
    }
}

impl<'c, M: Method + 'c> IntoFuture for Call<'c, M> {
    type Output = Result<Reply<M::Response>, Error<M::Error>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let deadline = self.deadline.or(self.client.inner.deadline);
            let key = match self.idempotency_key {
                Some(key) => Some(checked_key(key).map_err(Error::Encode)?),
                None => (M::REST_V3 && !M::SAFE_TO_REPEAT).then(random_key),
            };
            self.client
                .execute(&self.request, deadline, key.as_deref())
                .await
        })
    }
}

impl Client {
    /// Sends a typed request and types the answer.
    pub(crate) async fn execute<M: Method>(
        &self,
        request: &M,
        deadline: Option<Duration>,
        idempotency_key: Option<&str>,
    ) -> Result<Reply<M::Response>, Error<M::Error>> {
        let params = params_of(request).map_err(Error::Encode)?;
        // REST 3.0 methods have their own batch format: they go alone.
        let batcher = self.inner.batcher.as_ref();
        if let Some(batcher) = batcher.filter(|_| M::NAME != "batch" && !M::REST_V3) {
            let submitted = batcher.submit(self, M::NAME, params, M::SAFE_TO_REPEAT);
            let answer = match deadline {
                Some(deadline) => tokio::time::timeout(deadline, submitted)
                    .await
                    .map_err(|_| Error::Deadline(DeadlineError { deadline }))?,
                None => submitted.await,
            };
            return match answer {
                JobOutcome::Alone(raw) => self
                    .decode::<Decoded<M>>(M::NAME, raw.map_err(|f| f.into_error())?)
                    .map(|reply| reply.map(|r| r.0))
                    .map_err(Error::Decode),
                JobOutcome::Batched(outcome, index) => batch::typed::<M>(Some(&outcome), index),
            };
        }
        let raw = self
            .send_raw_within(Outgoing::of::<M>(&params, idempotency_key), deadline)
            .await
            .map_err(|f| f.into_error())?;
        self.decode::<Decoded<M>>(M::NAME, raw)
            .map(|reply| reply.map(|r| r.0))
            .map_err(Error::Decode)
    }
}

/// A key the portal accepts: 1 to 255 printable ASCII characters.
fn checked_key(key: String) -> Result<String, String> {
    let rule = "an idempotency key must be 1 to 255 printable ASCII characters";
    match key.len() {
        1..=255 if key.bytes().all(|b| (b' '..=b'~').contains(&b)) => Ok(key),
        1..=255 => Err(format!("{rule}; this one has others")),
        length => Err(format!("{rule}; this one has {length} bytes")),
    }
}

/// A fresh key for one call: 128 random bits, as 32 hex digits.
fn random_key() -> String {
    format!("{:032x}", rand::random::<u128>())
}

impl<M: Method + std::fmt::Debug> std::fmt::Debug for Call<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("method", &M::NAME)
            .field("request", &self.request)
            .finish()
    }
}
