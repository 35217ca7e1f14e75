//! OAuth: the access token in each call, one shared refresh on `expired_token`, the token-store callback.

mod support;

use std::sync::{Arc, Mutex};

use bitrix24_api::{AuthError, Client, Error, OAuth, SystemError, SystemErrorCode, Tokens};
use serde_json::json;
use support::*;

/// A portal with its own token endpoint. Access token `a{n}` and refresh token `r{n}` are valid after
/// `n` refreshes.
struct Tokened {
    portal: Portal,
    generation: Arc<Mutex<u32>>,
}

async fn tokened(refresh_answer: Option<Answer>) -> Tokened {
    let generation = Arc::new(Mutex::new(0u32));
    let state = generation.clone();
    let refusal = Arc::new(Mutex::new(refresh_answer));
    let portal = Portal::start(move |seen| {
        let mut generation = state.lock().unwrap();
        if seen.path == "/oauth/token/" {
            if let Some(answer) = refusal.lock().unwrap().take() {
                return answer;
            }
            let expected = format!("grant_type=refresh_token&client_id=app.1&client_secret=app-secret-1&refresh_token=r{generation}");
            assert_eq!(seen.query, expected);
            *generation += 1;
            return Answer::Json(200, json!({"access_token": format!("a{generation}"), "refresh_token": format!("r{generation}"), "expires": 1700000000, "expires_in": 3600}));
        }
        match seen.body["auth"].as_str() {
            Some(token) if token == format!("a{generation}") => ok(json!({"CHAT_ID": 3})),
            Some("garbage") => error(401, "invalid_token", "The access token provided is invalid"),
            _ => error(401, "expired_token", "The access token provided has expired"),
        }
    })
    .await;
    Tokened { portal, generation }
}

fn oauth(portal: &Portal, access: &str) -> OAuth {
    OAuth::new(
        format!("http://{}", portal.addr),
        "app.1",
        "app-secret-1",
        access,
        "r0",
    )
    .token_endpoint(format!("http://{}/oauth/token/", portal.addr))
}

fn client(oauth: OAuth) -> Client {
    Client::builder()
        .oauth(oauth)
        .allow_http(true)
        .retry(fast_retries())
        .build()
        .unwrap()
}

#[tokio::test]
async fn concurrent_expired_calls_share_one_refresh_and_the_callback_stores_the_new_pair() {
    let t = tokened(None).await;
    let stored: Arc<Mutex<Vec<Tokens>>> = Arc::default();
    let store = stored.clone();
    let client = client(oauth(&t.portal, "stale").on_refresh(move |tokens| {
        let store = store.clone();
        async move {
            store.lock().unwrap().push(tokens);
            Ok(())
        }
    }));
    let calls = (0..20).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.call(open(&format!("user {i}"))).await })
    });
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().result.chat_id, 3);
    }
    assert_eq!(
        *t.generation.lock().unwrap(),
        1,
        "one refresh for all callers"
    );
    let stored = stored.lock().unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (
            stored[0].access_token.expose(),
            stored[0].refresh_token.expose()
        ),
        ("a1", "r1")
    );
    let first = &t.portal.seen()[0];
    assert_eq!(first.path, "/rest/imopenlines.session.open");
    assert_eq!(
        first.body["USER_CODE"]
            .as_str()
            .map(|s| s.starts_with("user")),
        Some(true)
    );
}

#[tokio::test]
async fn a_second_expiry_after_the_refresh_is_reported_not_looped() {
    let portal = Portal::start(|seen| match seen.path.as_str() {
        "/oauth/token/" => Answer::Json(200, json!({"access_token": "a9", "refresh_token": "r9"})),
        _ => error(
            401,
            "expired_token",
            "The access token provided has expired",
        ),
    })
    .await;
    match client(oauth(&portal, "stale")).call(open("x")).await {
        Err(Error::System(SystemError {
            code: SystemErrorCode::ExpiredToken,
            ..
        })) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(portal.count("/oauth/token/"), 1);
    assert_eq!(portal.count("imopenlines.session.open"), 2);
}

#[tokio::test]
async fn a_refused_refresh_is_an_auth_error() {
    let refusal = error(400, "invalid_grant", "Invalid refresh token");
    let t = tokened(Some(refusal)).await;
    match client(oauth(&t.portal, "stale")).call(open("x")).await {
        Err(Error::Auth(AuthError::Refused {
            code, http_status, ..
        })) => {
            assert_eq!((code.as_str(), http_status), ("invalid_grant", 400));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_invalid_token_is_final_and_not_refreshed() {
    let t = tokened(None).await;
    // Not on the system-errors page, so it may arrive as the method's fallback; the code is what counts.
    let err = client(oauth(&t.portal, "garbage"))
        .call(open("x"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("invalid_token"), "{err:?}");
    assert_eq!(*t.generation.lock().unwrap(), 0);
    assert_eq!(t.portal.seen().len(), 1);
}
