//! Across faults against the simulated portal, no credential shows up in tracing output or in the
//! `Debug`/`Display` of clients, requests, replies and errors: for single calls, explicit batches and
//! auto-batched calls, under every fault the simulator has, including those that only change a result.

#[path = "support/captured.rs"]
mod captured;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bitrix24_api::paging::IdCursor;
use bitrix24_api::{Client, Error, Method, OAuth, RetryPolicy, UndocumentedError};
use bitrix24_sim::demo::users::OPERATOR;
use bitrix24_sim::{BatchDamage, Fault, Simulator};
use captured::Captured;
use futures::StreamExt;
use serde::Serialize;
use serde_json::{Value, json};

const HOOK: &str = "operator-webhook-secret-0123";

#[derive(Debug, Clone, Serialize)]
struct SessionStart {
    #[serde(rename = "CHAT_ID")]
    chat_id: i64,
}

impl Method for SessionStart {
    const NAME: &'static str = "imopenlines.session.start";
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = false;
    type Response = serde_json::Value;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

#[derive(Debug, Clone, Serialize)]
struct DialogGet {
    #[serde(rename = "CHAT_ID")]
    chat_id: i64,
}

impl Method for DialogGet {
    const NAME: &'static str = "imopenlines.dialog.get";
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = true;
    type Response = Value;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

#[derive(Debug, Clone, Serialize)]
struct Revision;

impl Method for Revision {
    const NAME: &'static str = "imopenlines.revision.get";
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = true;
    type Response = Value;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

#[derive(Debug, Clone, Serialize)]
struct UserGet {}

impl Method for UserGet {
    const NAME: &'static str = "user.get";
    const SCOPE: &'static str = "user";
    const SAFE_TO_REPEAT: bool = true;
    type Response = Vec<Value>;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

/// No such chat: `dialog.get` fails with `ACCESS_ERROR`, so a batch has a failed command too.
const NO_CHAT: i64 = 424_242;

/// What an outcome shows: its `Debug`, and for an error its `Display` and every `source()`.
fn show<T: std::fmt::Debug>(
    shown: &mut Vec<String>,
    outcome: &Result<T, Error<UndocumentedError>>,
) {
    if let Err(e) = outcome {
        shown.push(e.to_string());
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            shown.push(format!("{cause} {cause:?}"));
            source = cause.source();
        }
    }
    shown.push(format!("{outcome:?}"));
}

#[tokio::test]
async fn no_credential_leaks_across_the_fault_matrix() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = Simulator::builder()
        .webhook(OPERATOR, HOOK)
        // More users than a page, so that a walk by ID takes a second page.
        .seed_users(120)
        // About 90 requests: paced at the portal's 2 per second they would take 20 s.
        .no_rate_limit()
        .start()
        .await
        .unwrap();
    let tokens = sim.issue_tokens(OPERATOR);
    let fresh: Arc<Mutex<Vec<String>>> = Arc::default();
    let store = fresh.clone();
    let policy = RetryPolicy::default()
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
        .with_unknown_reset_wait(Duration::from_millis(1));
    let oauth = Client::builder()
        .oauth(
            OAuth::new(
                sim.base_url(),
                tokens.client_id.clone(),
                tokens.client_secret.expose(),
                tokens.access_token.clone(),
                tokens.refresh_token.clone(),
            )
            .token_endpoint(sim.token_url())
            .on_refresh(move |t| {
                store.lock().unwrap().extend([
                    t.access_token.expose().to_owned(),
                    t.refresh_token.expose().to_owned(),
                ]);
                async { Ok(()) }
            }),
        )
        .allow_http(true)
        .retry(policy)
        .rate_limit(None)
        .timeout(Duration::from_millis(300))
        .max_response_body(64 * 1024)
        .build()
        .unwrap();
    let webhook = Client::builder()
        .webhook(format!("{}/rest/{OPERATOR}/{HOOK}/", sim.base_url()))
        .allow_http(true)
        .retry(policy)
        .rate_limit(None)
        .timeout(Duration::from_millis(300))
        .max_response_body(64 * 1024)
        .build()
        .unwrap();

    let mut shown = vec![
        format!("{webhook:?}"),
        format!("{oauth:?}"),
        format!("{:?}", webhook.call(SessionStart { chat_id: 1 })),
    ];
    let mut redirects = Vec::new();
    let faults = [
        Fault::query_limit(),
        Fault::operation_time_limit(),
        Fault::html(500),
        Fault::truncated(),
        Fault::status(200, ""),
        Fault::connection_reset(),
        Fault::connection_reset_after_execution(),
        Fault::delay(Duration::from_secs(1)),
        // A moved portal that keeps the path (the webhook code) and puts the token in the query.
        Fault::redirect(302, "https://moved.example{path}"),
        Fault::redirect(
            307,
            "https://moved.example{path}?auth={auth}#access_token={auth}",
        ),
        // Answers over the client's body limit, cut off while streaming or refused unread.
        Fault::oversized(256 * 1024),
        Fault::oversized_announced(256 * 1024),
    ];
    let auto = Client::builder()
        .webhook(format!("{}/rest/{OPERATOR}/{HOOK}/", sim.base_url()))
        .allow_http(true)
        .retry(policy)
        .rate_limit(None)
        .timeout(Duration::from_millis(300))
        .max_response_body(64 * 1024)
        .auto_batch(Duration::from_millis(5))
        .build()
        .unwrap();
    // Batches and auto-batched calls that ended in an error, to show the matrix reached them.
    let (mut batch_errors, mut auto_errors) = (0, 0);
    for fault in &faults {
        for client in [&webhook, &oauth] {
            sim.inject(fault.clone().times(1));
            let outcome = client.call(SessionStart { chat_id: 1 }).await;
            if let Err(Error::Http(e)) = &outcome {
                redirects.extend(e.location.clone());
            }
            show(&mut shown, &outcome);

            // The same fault on a batch: a creating command, a failing one and a read.
            sim.inject(fault.clone().times(1));
            let mut batch = client.batch();
            let start = batch.push(SessionStart { chat_id: 1 });
            let failing = batch.push(DialogGet { chat_id: NO_CHAT });
            let read = batch.push(Revision);
            let reply = batch.run().await;
            let outcomes = [
                reply.get(&start).map(|r| r.result),
                reply.get(&failing).map(|r| r.result),
                reply.get(&read).map(|r| r.result),
            ];
            batch_errors += usize::from(outcomes[2].is_err());
            for outcome in &outcomes {
                show(&mut shown, outcome);
            }
        }
        // And on calls the client batches itself.
        sim.inject(fault.clone().times(1));
        let (read, dialog) = tokio::join!(auto.call(Revision), auto.call(DialogGet { chat_id: 1 }));
        auto_errors += usize::from(read.is_err() || dialog.is_err());
        show(&mut shown, &read);
        show(&mut shown, &dialog);
    }
    assert!(
        batch_errors >= 10 && auto_errors >= 5,
        "the faults reached the batches: {batch_errors} of {} batches and {auto_errors} of {} \
         auto-batched rounds failed",
        2 * faults.len(),
        faults.len()
    );

    // Faults that change what a method returns rather than how the answer arrives.
    let damages = [
        BatchDamage::TimeNotAnObject,
        BatchDamage::NullDescription,
        BatchDamage::ResultMissing,
    ];
    for client in [&webhook, &oauth] {
        sim.inject(
            Fault::extra_field("NEW_KEY", json!("an undocumented value"))
                .for_method("imopenlines.session.start")
                .times(1),
        );
        show(&mut shown, &client.call(SessionStart { chat_id: 1 }).await);
        for damage in damages {
            sim.inject(
                Fault::malformed_batch_entry(damage)
                    .for_method("batch")
                    .times(1),
            );
            let mut batch = client.batch();
            let read = batch.push(DialogGet { chat_id: 1 });
            let failing = batch.push(DialogGet { chat_id: NO_CHAT });
            let reply = batch.run().await;
            show(&mut shown, &reply.get(&read));
            show(&mut shown, &reply.get(&failing));
        }
        // A portal that ignores the filter: the walk by ID ends in a paging error.
        sim.inject(Fault::ignore_filter().for_method("user.get").times(2));
        let id = |row: &Value| row.get("ID")?.as_str()?.parse().ok();
        let walked: Vec<_> = client
            .items_by_id(UserGet {}, IdCursor::new("ID", id))
            .take(1_000)
            .collect()
            .await;
        let ended = walked.last().unwrap();
        assert!(matches!(ended, Err(Error::Paging(_))), "{ended:?}");
        show(&mut shown, ended);
    }
    assert_eq!(
        redirects,
        [
            format!("https://moved.example/rest/{OPERATOR}/***/imopenlines.session.start"),
            "https://moved.example/rest/imopenlines.session.start".to_owned(),
            format!(
                "https://moved.example/rest/{OPERATOR}/***/imopenlines.session.start?auth=***#access_token=***"
            ),
            "https://moved.example/rest/imopenlines.session.start?auth=***#access_token=***"
                .to_owned(),
        ],
        "redirects are reported with their Location, redacted"
    );
    sim.advance_clock(Duration::from_secs(2 * 3600));
    // An authorization server that echoes what it was sent in its refusal.
    let echo = format!(
        r#"{{"error":"temporarily_unavailable","error_description":"refresh_token {} of {} with client_secret {} was not checked"}}"#,
        tokens.refresh_token,
        tokens.client_id,
        tokens.client_secret.expose()
    );
    sim.inject(Fault::status(503, echo).for_token_endpoint().times(1));
    let outcome = oauth.call(SessionStart { chat_id: 1 }).await;
    match &outcome {
        Err(bitrix24_api::Error::Auth(e)) => {
            let shown_error = e.to_string();
            assert!(
                shown_error.contains(&format!(
                    "refresh_token *** of {} with client_secret ***",
                    tokens.client_id
                )),
                "the refusal is kept, its credentials redacted: {shown_error}"
            );
            shown.push(shown_error);
        }
        other => panic!("{other:?}"),
    }
    shown.push(format!("{outcome:?}"));
    // The refused refresh is tried again after its backoff (1 s), and succeeds.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let outcome = oauth.call(SessionStart { chat_id: 1 }).await;
    shown.push(format!("{outcome:?}"));
    shown.push(format!("{oauth:?}"));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("bitrix24.call") && logs.contains("refreshing"),
        "tracing was captured"
    );
    let everything = format!("{logs}\n{}", shown.join("\n"));
    let fresh = fresh.lock().unwrap().clone();
    assert_eq!(fresh.len(), 2, "the expired token was refreshed");
    let secrets = [
        HOOK.to_owned(),
        tokens.access_token,
        tokens.refresh_token,
        tokens.client_secret.expose().to_owned(),
    ];
    for secret in secrets.iter().chain(&fresh) {
        assert!(
            !everything.contains(secret.as_str()),
            "{secret} leaked:\n{everything}"
        );
    }
}
