//! No credential appears in tracing output or in the Debug/Display of clients, requests and errors.

mod support;

#[path = "support/captured.rs"]
mod captured;

use std::time::Duration;

use bitrix24_api::{Client, OAuth};
use captured::Captured;
use serde_json::json;
use support::*;

const CLIENT_SECRET: &str = "client-secret-0123456789";
const STALE_ACCESS: &str = "access-token-stale-0123456789";
const FRESH_ACCESS: &str = "access-token-fresh-0123456789";
const REFRESH: &str = "refresh-token-0123456789";
const NEXT_REFRESH: &str = "refresh-token-next-0123456789";

#[tokio::test]
async fn no_secret_in_logs_debug_or_display_across_faults() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let portal = Portal::start(|seen| {
        if seen.path == "/oauth/token/" {
            return Answer::Json(
                200,
                json!({"access_token": FRESH_ACCESS, "refresh_token": NEXT_REFRESH}),
            );
        }
        if seen.body["auth"] == STALE_ACCESS {
            return error(
                401,
                "expired_token",
                "The access token provided has expired",
            );
        }
        match seen.body["USER_CODE"].as_str() {
            Some("echo") => Answer::Raw(
                500,
                "text/html",
                format!("<p>{} failed: {}</p>", seen.path, seen.body),
            ),
            Some("truncated") => Answer::Raw(
                200,
                "application/json",
                format!(r#"{{"result": "{}"#, seen.path),
            ),
            Some("slow") => Answer::Slow(Duration::from_secs(5), Box::new(ok(json!(1)))),
            Some("limit") => error(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"),
            // A moved portal: the path keeps the webhook code, the query gets the token.
            Some("moved") => Answer::Redirect(format!(
                "https://moved.example{}?auth={}&x[refresh_token]={REFRESH}",
                seen.path,
                seen.body["auth"].as_str().unwrap_or("")
            )),
            _ => ok(json!({"CHAT_ID": 1})),
        }
    })
    .await;
    let webhook = portal
        .builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let oauth = Client::builder()
        .oauth(
            OAuth::new(
                format!("http://{}", portal.addr),
                "app.1",
                CLIENT_SECRET,
                STALE_ACCESS,
                REFRESH,
            )
            .token_endpoint(format!("http://{}/oauth/token/", portal.addr)),
        )
        .allow_http(true)
        .retry(fast_retries())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();

    let mut shown = vec![
        format!("{webhook:?}"),
        format!("{oauth:?}"),
        format!("{:?}", webhook.call(open("x"))),
    ];
    let mut moved = Vec::new();
    for client in [&webhook, &oauth] {
        for code in ["echo", "truncated", "slow", "limit", "moved", "fine"] {
            let outcome = client.call(open(code)).await;
            shown.push(format!("{outcome:?}"));
            if let Err(e) = &outcome {
                shown.push(e.to_string());
            }
            if let Err(bitrix24_api::Error::Http(e)) = &outcome
                && code == "moved"
            {
                moved.push(e.location.clone().unwrap_or_default());
            }
        }
    }
    let (addr, _) = resetting_server().await;
    let reset = Client::builder()
        .webhook(format!("http://{addr}/rest/1/{CODE}/"))
        .allow_http(true)
        .build()
        .unwrap();
    let err = reset.call(open("x")).await.unwrap_err();
    shown.push(format!("{err} {err:?}"));
    shown.push(
        Client::from_webhook(&format!("http://x/rest/1/{CODE}/"))
            .unwrap_err()
            .to_string(),
    );
    shown.push(format!("{oauth:?}"));
    assert_eq!(
        moved,
        [
            "https://moved.example/rest/1/***/imopenlines.session.open?auth=***&x[refresh_token]=***",
            "https://moved.example/rest/imopenlines.session.open?auth=***&x[refresh_token]=***",
        ]
    );

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("bitrix24.call") && logs.contains("retrying"),
        "tracing was captured: {logs}"
    );
    let everything = format!("{logs}\n{}", shown.join("\n"));
    assert!(everything.contains("***"), "redaction happened");
    for secret in [
        CODE,
        CLIENT_SECRET,
        STALE_ACCESS,
        FRESH_ACCESS,
        REFRESH,
        NEXT_REFRESH,
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked:\n{everything}"
        );
    }
}
