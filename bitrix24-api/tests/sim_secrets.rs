//! Across faults against the simulated portal, no credential shows up in tracing output or in the
//! `Debug`/`Display` of clients, requests, replies and errors.

#[path = "support/captured.rs"]
mod captured;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bitrix24_api::{Client, Method, OAuth, RetryPolicy, UndocumentedError};
use bitrix24_sim::demo::users::OPERATOR;
use bitrix24_sim::{Fault, Simulator};
use captured::Captured;
use serde::Serialize;

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
        .timeout(Duration::from_millis(300))
        .max_response_body(64 * 1024)
        .build()
        .unwrap();
    let webhook = Client::builder()
        .webhook(format!("{}/rest/{OPERATOR}/{HOOK}/", sim.base_url()))
        .allow_http(true)
        .retry(policy)
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
    for fault in faults {
        for client in [&webhook, &oauth] {
            sim.inject(fault.clone().times(1));
            let outcome = client.call(SessionStart { chat_id: 1 }).await;
            if let Err(e) = &outcome {
                shown.push(e.to_string());
                let mut source = std::error::Error::source(e);
                while let Some(cause) = source {
                    shown.push(format!("{cause} {cause:?}"));
                    source = cause.source();
                }
            }
            if let Err(bitrix24_api::Error::Http(e)) = &outcome {
                redirects.extend(e.location.clone());
            }
            shown.push(format!("{outcome:?}"));
        }
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
