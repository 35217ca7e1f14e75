//! A typed call of one method, awaited directly: `client.imopenlines().session_open(code).await`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use crate::autobatch::JobOutcome;
use crate::batch;
use crate::client::Client;
use crate::error::Error;
use crate::method::Method;
use crate::params::params_of;
use crate::reply::Reply;

/// A prepared call: a request bound to a client. Adjust the request with [`Call::with`], then `.await`.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'c, M: Method> {
    client: &'c Client,
    request: M,
}

impl<'c, M: Method> Call<'c, M> {
    /// Binds a request to a client.
    pub fn new(client: &'c Client, request: M) -> Self {
        Call { client, request }
    }

    /// Changes the request, typically to set optional parameters:
    /// `.with(|r| r.with_queue(true))`.
    pub fn with(self, f: impl FnOnce(M) -> M) -> Self {
        Call {
            client: self.client,
            request: f(self.request),
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
        Box::pin(async move { self.client.execute(&self.request).await })
    }
}

impl Client {
    /// Sends a typed request and types the answer.
    pub(crate) async fn execute<M: Method>(
        &self,
        request: &M,
    ) -> Result<Reply<M::Response>, Error<M::Error>> {
        let params = params_of(request).map_err(Error::Encode)?;
        if let Some(batcher) = self.inner.batcher.as_ref().filter(|_| M::NAME != "batch") {
            return match batcher
                .submit(self, M::NAME, params, M::SAFE_TO_REPEAT)
                .await
            {
                JobOutcome::Alone(raw) => self
                    .decode(M::NAME, raw.map_err(|f| f.into_error())?)
                    .map_err(Error::Decode),
                JobOutcome::Batched(outcome, index) => batch::typed::<M>(Some(&outcome), index),
            };
        }
        let raw = self
            .send_raw(M::NAME, &params, M::SAFE_TO_REPEAT)
            .await
            .map_err(|f| f.into_error())?;
        self.decode(M::NAME, raw).map_err(Error::Decode)
    }
}

impl<M: Method + std::fmt::Debug> std::fmt::Debug for Call<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("method", &M::NAME)
            .field("request", &self.request)
            .finish()
    }
}
