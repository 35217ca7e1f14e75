//! Hostile event posts, over HTTP, to an axum handler built like `examples/events.rs`: each one gets a
//! clear error, in memory bounded by the limits (counted by the allocator) and in bounded time, and
//! nothing is nested into JSON before the application token matched.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bitrix24_api::Secret;
use bitrix24_api::events::{EventError, FormLimits, Received};

const TOKEN: &str = "app-token-0123456789";

/// Counts the bytes allocated on the current thread while a measurement runs.
struct Counting;

thread_local! {
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    let _ = MEASURING.try_with(|on| {
        if on.get() {
            let live = LIVE.get() + delta;
            LIVE.set(live);
            PEAK.set(PEAK.get().max(live));
        }
    });
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counting touches only
// const-initialised thread-locals, which do not allocate.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and reports the most bytes it had allocated at once.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LIVE.set(0);
    PEAK.set(0);
    MEASURING.set(true);
    let out = f();
    MEASURING.set(false);
    (out, PEAK.get().max(0) as usize)
}

/// The handler under test: read, verify (which nests only after the token matched), answer with the
/// error and the figures of the read.
async fn receive(State(token): State<Arc<Secret>>, body: Bytes) -> Response {
    let started = Instant::now();
    let (outcome, peak) = peak_of(|| {
        Received::from_form_with(&body, &FormLimits::default())
            .and_then(|event| event.verify(&token))
            .map(|event| event.payload().as_object().map_or(0, |o| o.len()))
    });
    let micros = started.elapsed().as_micros().to_string();
    let status = match &outcome {
        Ok(_) => StatusCode::OK,
        Err(EventError::TooLarge { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
        Err(EventError::MissingToken | EventError::WrongToken) => StatusCode::FORBIDDEN,
        Err(_) => StatusCode::BAD_REQUEST,
    };
    let text = match outcome {
        Ok(fields) => format!("{fields} fields"),
        Err(e) => e.to_string(),
    };
    (
        status,
        [("x-peak-bytes", peak.to_string()), ("x-micros", micros)],
        text,
    )
        .into_response()
}

struct Handler {
    url: String,
    http: reqwest::Client,
}

/// What the handler answered.
struct Answered {
    status: u16,
    text: String,
    peak_bytes: usize,
    /// How long the handler took to read and refuse it (or verify it), as it measured.
    took: Duration,
}

/// A generous bound on the work for any post within the default body limit, in a debug build on a
/// busy machine: measured, the slowest refusal (depth 10,000) takes about 13 ms, and the old recursive
/// decoder aborted the process on it.
const BOUNDED: Duration = Duration::from_secs(1);

impl Handler {
    async fn start() -> Handler {
        let app = Router::new()
            .route("/events", post(receive))
            // Above the form's own limit, so that the decoder's check is the one under test.
            .layer(DefaultBodyLimit::max(4 * 1024 * 1024))
            .with_state(Arc::new(Secret::new(TOKEN)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/events", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Handler {
            url,
            http: reqwest::Client::new(),
        }
    }

    async fn post(&self, what: &str, body: Vec<u8>) -> Answered {
        let size = body.len();
        let response = self
            .http
            .post(&self.url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let header =
            |name: &str| -> usize { response.headers()[name].to_str().unwrap().parse().unwrap() };
        let (peak_bytes, micros) = (header("x-peak-bytes"), header("x-micros"));
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        eprintln!(
            "{what}: {size} bytes -> {status} in {micros} µs, peak {peak_bytes} bytes: {text}"
        );
        Answered {
            status,
            text,
            peak_bytes,
            took: Duration::from_micros(micros as u64),
        }
    }
}

fn signed(rest: &str, token: &str) -> Vec<u8> {
    format!("event=ONSESSIONSTART&auth[application_token]={token}&{rest}").into_bytes()
}

#[tokio::test]
async fn hostile_posts_get_clear_errors_in_bounded_memory() {
    let handler = Handler::start().await;
    let limits = FormLimits::default();

    let huge = handler
        .post("1 MB body", signed(&"a".repeat(1_000_000), TOKEN))
        .await;
    assert_eq!(huge.status, 413);
    assert!(huge.text.contains("the limit is 524288"), "{}", huge.text);
    assert_eq!(huge.peak_bytes, 0, "refused before reading a pair");
    assert!(huge.took < BOUNDED, "{:?}", huge.took);

    let deep_key = format!("a{}=1", "[x]".repeat(10_000));
    let deep = handler.post("depth 10,000", signed(&deep_key, TOKEN)).await;
    assert_eq!(
        (deep.status, deep.text.as_str()),
        (
            400,
            "event post refused: a key is nested deeper than 64 levels"
        )
    );
    // The key itself is unescaped once (30 KB); its segments are counted, not collected.
    assert!(deep.peak_bytes < 2 * deep_key.len(), "{}", deep.peak_bytes);
    assert!(deep.took < BOUNDED, "{:?}", deep.took);

    let many = "k=1&".repeat(100_000);
    let wide = handler.post("100,000 keys", signed(&many, TOKEN)).await;
    assert_eq!(
        (wide.status, wide.text.as_str()),
        (400, "event post refused: more than 1000 keys")
    );
    // Reading stops at the 1,001st pair: what is held is bounded by the key limit, not the body.
    assert!(
        wide.peak_bytes < limits.max_keys * 128,
        "{}",
        wide.peak_bytes
    );
    assert!(wide.took < BOUNDED, "{:?}", wide.took);

    for (what, body) in [
        (
            "raw invalid UTF-8",
            b"event=X&auth[application_token]=\xff\xfe".to_vec(),
        ),
        ("escaped invalid UTF-8", signed("text=%C3%28", TOKEN)),
    ] {
        let bad = handler.post(what, body).await;
        assert_eq!(
            (bad.status, bad.text.as_str()),
            (400, "not an event post: the body is not UTF-8")
        );
    }

    let unbalanced = handler
        .post("unbalanced", signed("data[attacker-key=1", TOKEN))
        .await;
    assert_eq!(
        unbalanced.text,
        "not an event post: a key's brackets do not close"
    );
    assert!(
        !unbalanced.text.contains("attacker"),
        "the key is not echoed"
    );
}

#[tokio::test]
async fn nothing_is_nested_before_the_token_matched() {
    let handler = Handler::start().await;
    // 990 nested keys, 20 levels each: within every limit.
    let nested: String = (0..990)
        .map(|i| format!("data[DATA][{i}]{}=v&", "[x]".repeat(20)))
        .collect();
    let wrong = handler
        .post("wrong token", signed(&nested, "app-token-0123456780"))
        .await;
    let right = handler.post("right token", signed(&nested, TOKEN)).await;
    assert_eq!((wrong.status, right.status), (403, 200));
    assert_eq!(right.text, "3 fields");
    // Both read the same pairs; only the verified one nests them, which allocates the tree.
    assert!(
        wrong.peak_bytes < right.peak_bytes,
        "wrong {} / right {}",
        wrong.peak_bytes,
        right.peak_bytes
    );
}
