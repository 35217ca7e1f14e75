//! The shared OAuth refresh against the simulator's token endpoint, under the failures that used to lock
//! an application out: a caller cancelled while the refresh or the store runs, a store that fails or
//! panics, and a refusal seen by many callers at once. The simulator rotates the refresh token on every
//! refresh, so a lost pair shows up as `invalid_grant` on the next one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bitrix24_api::imopenlines::RevisionGetError;
use bitrix24_api::{AuthError, Client, Error, OAuth, StoreError, Tokens};
use bitrix24_sim::{Fault, OAuthTokens, Simulator};
use tokio::sync::Notify;

/// A portal whose user 1 installed the application; the access token has expired since.
async fn portal() -> (Simulator, OAuthTokens) {
    let sim = Simulator::builder().no_rate_limit().start().await.unwrap();
    let tokens = sim.issue_tokens(1);
    sim.advance_clock(Duration::from_secs(2 * 3600));
    (sim, tokens)
}

fn oauth(sim: &Simulator, tokens: &OAuthTokens, refresh_token: &str) -> OAuth {
    OAuth::new(
        sim.base_url(),
        tokens.client_id.clone(),
        tokens.client_secret.expose(),
        tokens.access_token.clone(),
        refresh_token,
    )
    .token_endpoint(sim.token_url())
}

fn client(oauth: OAuth) -> Client {
    Client::builder()
        .oauth(oauth)
        .allow_http(true)
        .build()
        .unwrap()
}

/// A cheap read that needs a valid access token: the portal's REST revision.
async fn revision(client: &Client) -> Result<i64, Error<RevisionGetError>> {
    let reply = client.imopenlines().revision_get().await?;
    Ok(reply.result.rest.unwrap_or_default())
}

/// The pairs the application stored.
type Stored = Arc<Mutex<Vec<Tokens>>>;

/// A token store that records every pair.
fn recorder() -> (
    Stored,
    impl Fn(Tokens) -> futures::future::Ready<Result<(), StoreError>>,
) {
    let stored: Stored = Arc::default();
    let store = stored.clone();
    (stored, move |tokens| {
        store.lock().unwrap().push(tokens);
        futures::future::ready(Ok(()))
    })
}

async fn until(done: impl Fn() -> bool) {
    while !done() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_caller_cancelled_mid_refresh_does_not_lose_the_rotated_refresh_token() {
    let (sim, tokens) = portal().await;
    // The server rotates the refresh token, then its answer takes a while.
    sim.inject(
        Fault::delay(Duration::from_secs(2))
            .for_token_endpoint()
            .times(1),
    );
    let (stored, store) = recorder();
    let client = client(oauth(&sim, &tokens, &tokens.refresh_token).on_refresh(store));
    let cancelled = tokio::spawn({
        let client = client.clone();
        async move { revision(&client).await }
    });
    until(|| sim.counters().token_requests == 1).await;
    cancelled.abort();
    assert!(cancelled.await.unwrap_err().is_cancelled());

    assert!(
        revision(&client).await.unwrap() > 0,
        "later calls still work"
    );
    assert!(revision(&client).await.unwrap() > 0);
    assert_eq!(
        sim.counters().token_requests,
        1,
        "the rotated pair was kept"
    );
    let stored = stored.lock().unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].refresh_token.expose(), tokens.refresh_token);
}

#[tokio::test]
async fn a_caller_cancelled_while_the_tokens_are_stored_does_not_interrupt_the_store() {
    let (sim, tokens) = portal().await;
    let entered = Arc::new(Notify::new());
    let release = Arc::new(Notify::new());
    let stored: Stored = Arc::default();
    let store = {
        let (entered, release, stored) = (entered.clone(), release.clone(), stored.clone());
        move |tokens: Tokens| {
            let (entered, release, stored) = (entered.clone(), release.clone(), stored.clone());
            async move {
                entered.notify_one();
                release.notified().await;
                stored.lock().unwrap().push(tokens);
                Ok(())
            }
        }
    };
    let client = client(oauth(&sim, &tokens, &tokens.refresh_token).on_refresh(store));
    let cancelled = tokio::spawn({
        let client = client.clone();
        async move { revision(&client).await }
    });
    entered.notified().await;
    cancelled.abort();
    assert!(cancelled.await.unwrap_err().is_cancelled());
    release.notify_one();

    assert!(revision(&client).await.unwrap() > 0);
    assert_eq!(sim.counters().token_requests, 1);
    assert_eq!(
        stored.lock().unwrap().len(),
        1,
        "the store ran to the end although its caller was gone"
    );
}

#[tokio::test]
async fn a_failing_store_is_reported_and_the_same_pair_is_offered_again() {
    let (sim, tokens) = portal().await;
    let attempts = Arc::new(AtomicUsize::new(0));
    let stored: Stored = Arc::default();
    let store = {
        let (attempts, stored) = (attempts.clone(), stored.clone());
        move |tokens: Tokens| {
            let first = attempts.fetch_add(1, Ordering::SeqCst) == 0;
            let stored = stored.clone();
            async move {
                if first {
                    return Err(StoreError::from("the database is read-only"));
                }
                stored.lock().unwrap().push(tokens);
                Ok(())
            }
        }
    };
    let client = client(oauth(&sim, &tokens, &tokens.refresh_token).on_refresh(store));
    match revision(&client).await {
        Err(Error::Auth(AuthError::Store { reason })) => {
            assert_eq!(reason, "the database is read-only")
        }
        other => panic!("{other:?}"),
    }
    assert!(revision(&client).await.unwrap() > 0);
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    assert_eq!(
        sim.counters().token_requests,
        1,
        "the unstored pair was offered again, not refreshed anew"
    );
    assert_eq!(stored.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_panicking_store_is_an_error_not_a_lost_pair() {
    let (sim, tokens) = portal().await;
    let attempts = Arc::new(AtomicUsize::new(0));
    let store = {
        let attempts = attempts.clone();
        move |_: Tokens| {
            let first = attempts.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                assert!(!first, "the store broke");
                Ok(())
            }
        }
    };
    let client = client(oauth(&sim, &tokens, &tokens.refresh_token).on_refresh(store));
    assert!(matches!(
        revision(&client).await,
        Err(Error::Auth(AuthError::Store { .. }))
    ));
    assert!(revision(&client).await.unwrap() > 0);
    assert_eq!(sim.counters().token_requests, 1);
}

#[tokio::test]
async fn twenty_callers_share_one_refused_refresh_and_the_refusal_sticks() {
    let (sim, tokens) = portal().await;
    let client = client(oauth(&sim, &tokens, "a-revoked-refresh-token"));
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { revision(&client).await })
        })
        .collect();
    for call in calls {
        match call.await.unwrap() {
            Err(Error::Auth(AuthError::Refused { code, .. })) => assert_eq!(code, "invalid_grant"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(sim.counters().token_requests, 1);
    assert!(matches!(
        revision(&client).await,
        Err(Error::Auth(AuthError::Refused { .. }))
    ));
    assert_eq!(
        sim.counters().token_requests,
        1,
        "no more hits until new tokens"
    );

    let fresh = sim.issue_tokens(1);
    assert!(client.replace_oauth_tokens(fresh.access_token, fresh.refresh_token));
    assert!(revision(&client).await.unwrap() > 0);
    assert_eq!(
        sim.counters().token_requests,
        1,
        "the new access token is valid"
    );
}

#[tokio::test]
async fn a_transient_refresh_failure_is_shared_then_retried_after_a_backoff() {
    let (sim, tokens) = portal().await;
    sim.inject(
        Fault::status(503, r#"{"error":"temporarily_unavailable"}"#)
            .for_token_endpoint()
            .times(1),
    );
    let client = client(oauth(&sim, &tokens, &tokens.refresh_token));
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { revision(&client).await })
        })
        .collect();
    for call in calls {
        match call.await.unwrap() {
            Err(Error::Auth(AuthError::Refused {
                code, http_status, ..
            })) => assert_eq!(
                (code.as_str(), http_status),
                ("temporarily_unavailable", 503)
            ),
            other => panic!("{other:?}"),
        }
    }
    let counters = sim.counters();
    assert_eq!((counters.token_requests, counters.faults_injected), (1, 1));
    // The first backoff is one second; after it the next call asks again, and succeeds.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(revision(&client).await.unwrap() > 0);
    assert_eq!(sim.counters().token_requests, 2);
}
