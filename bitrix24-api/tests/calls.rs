//! Single calls against a scripted portal over real HTTP: results, typed errors, retries, faults.

mod support;

use std::time::Duration;

use bitrix24_api::{BuildError, Client, Error, SystemError, SystemErrorCode, TransportKind};
use serde_json::json;
use support::*;

#[tokio::test]
async fn a_call_posts_json_to_the_webhook_and_types_the_result() {
    let portal = Portal::start(|_| {
        Answer::Json(
            200,
            json!({"result": {"CHAT_ID": "15"}, "next": 50, "total": 120,
                   "time": {"start": 1.5, "operating": 3.25, "operating_reset_at": 1757425271}}),
        )
    })
    .await;
    let reply = portal.client().call(open("livechat|1|2|3")).await.unwrap();
    assert_eq!(reply.result, Opened { chat_id: 15 });
    assert_eq!((reply.next, reply.total), (Some(50), Some(120)));
    let time = reply.time.unwrap();
    assert_eq!(
        (time.operating, time.operating_reset_at),
        (Some(3.25), Some(1757425271))
    );
    let seen = portal.seen();
    assert_eq!(
        seen[0].path,
        format!("/rest/1/{CODE}/imopenlines.session.open")
    );
    assert_eq!(seen[0].body, json!({"USER_CODE": "livechat|1|2|3"}));
}

#[tokio::test]
async fn errors_are_typed_documented_then_system_then_fallback() {
    let portal = Portal::start(|seen| match seen.body["USER_CODE"].as_str() {
        Some("documented") => error(400, "CHAT_ID_EMPTY", "Chat ID can't be empty"),
        Some("system") => error(401, "NO_AUTH_FOUND", "Wrong authorization data"),
        _ => error(400, "SOMETHING_NEW", "A code nobody documented"),
    })
    .await;
    let client = portal.client();
    match client.call(open("documented")).await {
        Err(Error::Method(OpenError::ChatIdEmpty(d))) => assert_eq!(d, "Chat ID can't be empty"),
        other => panic!("{other:?}"),
    }
    match client.call(open("system")).await {
        Err(Error::System(SystemError {
            code: SystemErrorCode::NoAuthFound,
            http_status,
            ..
        })) => {
            assert_eq!(http_status, 401)
        }
        other => panic!("{other:?}"),
    }
    match client.call(open("new")).await {
        Err(Error::Method(OpenError::Other { code, status, .. })) => {
            assert_eq!((code.as_str(), status), ("SOMETHING_NEW", 400))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        portal.count("imopenlines.session.open"),
        3,
        "final errors are not retried"
    );
}

#[tokio::test]
async fn refusals_before_execution_are_retried_even_for_creating_calls() {
    let portal = Portal::start(|seen| match seen.number {
        1 => error(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"),
        2 => error(
            429,
            "OPERATION_TIME_LIMIT",
            "Method is blocked due to operation time limit.",
        ),
        _ => ok(json!({"CHAT_ID": 7})),
    })
    .await;
    let reply = portal.client().call(open("x")).await.unwrap();
    assert_eq!(reply.result.chat_id, 7);
    assert_eq!(portal.count("imopenlines.session.open"), 3);
}

#[tokio::test]
async fn a_lasting_limit_ends_in_the_system_error_after_the_last_attempt() {
    let portal = Portal::start(|_| error(503, "QUERY_LIMIT_EXCEEDED", "Too many requests")).await;
    match portal.client().call(open("x")).await {
        Err(Error::System(SystemError {
            code: SystemErrorCode::QueryLimitExceeded,
            http_status: 503,
            ..
        })) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        portal.count("imopenlines.session.open"),
        fast_retries().max_attempts as usize
    );
}

#[tokio::test]
async fn an_html_error_page_keeps_status_and_excerpt_and_is_retried_only_when_safe() {
    let page = format!(
        "<html><body>502 Bad Gateway {}</body></html>",
        "x".repeat(2000)
    );
    let portal = Portal::start(move |_| Answer::Raw(502, "text/html", page.clone())).await;
    let client = portal.client();
    match client.call(open("x")).await {
        Err(Error::Http(e)) => {
            assert_eq!(e.status, 502);
            assert!(e.excerpt.starts_with("<html><body>502 Bad Gateway"));
            assert!(e.excerpt.len() <= bitrix24_api::EXCERPT_LIMIT + 3);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        portal.count("imopenlines.session.open"),
        1,
        "a creating call is not repeated after a 5xx"
    );
    assert!(matches!(
        client.call(DialogGet { chat_id: 1 }).await,
        Err(Error::Http(_))
    ));
    assert_eq!(
        portal.count("imopenlines.dialog.get"),
        3,
        "a read is retried"
    );
}

#[tokio::test]
async fn broken_bodies_are_decode_errors_that_name_the_path_and_keep_the_body() {
    let portal = Portal::start(|seen| match seen.body["USER_CODE"].as_str() {
        Some("truncated") => Answer::Raw(
            200,
            "application/json",
            r#"{"result": {"CHAT_ID": 1"#.into(),
        ),
        Some("empty") => Answer::Raw(200, "application/json", String::new()),
        _ => ok(json!({"CHAT_ID": {"id": 1}})),
    })
    .await;
    let client = portal.client();
    match client.call(open("truncated")).await {
        Err(Error::Decode(e)) => {
            assert_eq!(e.excerpt, r#"{"result": {"CHAT_ID": 1"#);
            assert!(e.message.contains("EOF"), "{}", e.message);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(client.call(open("empty")).await, Err(Error::Decode(e)) if e.body_len == 0));
    match client.call(open("wrong types")).await {
        Err(Error::Decode(e)) => {
            assert_eq!(e.path, "result.CHAT_ID");
            assert!(
                e.message.contains("an integer or a string holding one"),
                "{}",
                e.message
            );
            assert!(e.to_string().contains("result.CHAT_ID"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        portal.count("imopenlines.session.open"),
        3,
        "decode errors are not retried: the call ran"
    );
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_not_repeated_for_a_creating_call() {
    let portal = Portal::start(|_| {
        Answer::Slow(Duration::from_secs(30), Box::new(ok(json!({"CHAT_ID": 1}))))
    })
    .await;
    let client = portal
        .builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    match client.call(open("x")).await {
        Err(Error::Transport(e)) => assert_eq!(e.kind, TransportKind::Timeout),
        other => panic!("{other:?}"),
    }
    assert_eq!(portal.count("imopenlines.session.open"), 1);
    assert!(matches!(
        client.call(DialogGet { chat_id: 1 }).await,
        Err(Error::Transport(_))
    ));
    assert_eq!(portal.count("imopenlines.dialog.get"), 3);
}

#[tokio::test]
async fn a_refused_connection_is_retried_because_nothing_was_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .webhook(format!("http://{addr}/rest/1/{CODE}/"))
        .allow_http(true)
        .retry(fast_retries())
        .build()
        .unwrap();
    match client.call(open("x")).await {
        Err(Error::Transport(e)) => {
            assert_eq!(e.kind, TransportKind::Connect);
            assert!(!e.message.contains(CODE), "{}", e.message);
        }
        other => panic!("{other:?}"),
    }
}

/// A listener whose accept queue is full: the kernel drops further connection attempts, so connecting
/// to it times out. Nothing reaches a server, so even a creating call may be repeated: it makes all
/// three attempts, each ending at the 100 ms connect timeout, so it cannot end in under 300 ms.
#[tokio::test]
async fn a_connect_timeout_is_a_connect_failure_and_retried() {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    while let Ok(Ok(stream)) = tokio::time::timeout(
        Duration::from_millis(200),
        tokio::net::TcpStream::connect(addr),
    )
    .await
    {
        queued.push(stream);
    }
    let client = Client::builder()
        .webhook(format!("http://{addr}/rest/1/{CODE}/"))
        .allow_http(true)
        .connect_timeout(Duration::from_millis(100))
        .retry(fast_retries())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let outcome = client.call(open("x")).await;
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(300),
        "three connect timeouts of 100 ms, not one: {elapsed:?}"
    );
    match outcome {
        Err(Error::Transport(e)) => {
            assert_eq!(e.kind, TransportKind::Connect, "{e}");
            // The connect timeout fired, not a refusal: hyper-util words it as tokio's elapsed
            // deadline or as the I/O error "operation timed out", depending on where it caught it.
            let timed_out = e.message.contains("elapsed") || e.message.contains("timed out");
            assert!(timed_out, "{}", e.message);
        }
        other => panic!("{other:?}"),
    }
    drop((listener, queued));
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let portal =
        Portal::start(|_| Answer::Redirect("https://moved.example.com/rest/".into())).await;
    match portal.client().call(open("x")).await {
        Err(Error::Http(e)) => {
            assert_eq!(e.status, 302);
            assert_eq!(
                e.location.as_deref(),
                Some("https://moved.example.com/rest/")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(portal.seen().len(), 1);
}

#[test]
fn https_is_required_unless_allowed() {
    let err = Client::from_webhook(&format!("http://127.0.0.1:1/rest/1/{CODE}/")).unwrap_err();
    assert_eq!(
        err,
        BuildError::HttpsRequired {
            what: "webhook URL"
        }
    );
    assert!(matches!(
        Client::builder().build(),
        Err(BuildError::NoCredentials)
    ));
}

#[tokio::test]
async fn an_error_page_echoing_the_webhook_code_is_redacted() {
    let portal = Portal::start(|seen| {
        Answer::Raw(404, "text/html", format!("<h1>No page {}</h1>", seen.path))
    })
    .await;
    let err = portal.client().call(open("x")).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(
        shown.contains("No page /rest/1/***/imopenlines.session.open"),
        "{shown}"
    );
    assert!(!shown.contains(CODE));
}

#[tokio::test]
async fn a_reset_connection_is_repeated_only_for_a_method_safe_to_repeat() {
    use std::sync::atomic::Ordering;
    let (addr, received) = resetting_server().await;
    let client = Client::builder()
        .webhook(format!("http://{addr}/rest/1/{CODE}/"))
        .allow_http(true)
        .retry(fast_retries())
        .build()
        .unwrap();
    match client.call(open("x")).await {
        Err(Error::Transport(e)) => assert_eq!(e.kind, TransportKind::Interrupted, "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(received.load(Ordering::SeqCst), 1);
    assert!(matches!(
        client.call(DialogGet { chat_id: 1 }).await,
        Err(Error::Transport(_))
    ));
    assert_eq!(
        received.load(Ordering::SeqCst),
        1 + fast_retries().max_attempts as usize
    );
}

/// The portal reports the method over budget until `reset_at`, and refuses it until then.
fn over_budget_until(reset_at: u64) -> impl Fn(&Seen) -> Answer + Send + Sync + 'static {
    move |seen| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        if seen.number > 1 && now < reset_at as f64 {
            return error(
                429,
                "OPERATION_TIME_LIMIT",
                "Method is blocked due to operation time limit.",
            );
        }
        Answer::Json(
            200,
            json!({"result": {"CHAT_ID": 1}, "time": {"operating": 500.0, "operating_reset_at": reset_at}}),
        )
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn a_method_over_its_operating_budget_pauses_until_the_reset() {
    let reset_at = unix_now() + 2;
    let portal = Portal::start(over_budget_until(reset_at)).await;
    let client = portal.client();
    client.call(open("first")).await.unwrap();
    client.call(open("second")).await.unwrap();
    assert_eq!(
        portal.count("imopenlines.session.open"),
        2,
        "the pause avoided a refusal"
    );
}

#[tokio::test]
async fn a_pause_longer_than_allowed_ends_in_the_portals_refusal() {
    let reset_at = unix_now() + 600;
    let portal = Portal::start(over_budget_until(reset_at)).await;
    let policy = fast_retries().with_max_operating_wait(Duration::from_secs(5));
    let client = portal.builder().retry(policy).build().unwrap();
    client.call(open("first")).await.unwrap();
    let err = client.call(open("second")).await.unwrap_err();
    assert_eq!(err.code(), Some("OPERATION_TIME_LIMIT"), "{err:?}");
    assert_eq!(portal.count("imopenlines.session.open"), 2);
}
