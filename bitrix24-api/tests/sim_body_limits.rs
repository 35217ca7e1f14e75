//! Response bodies are bounded: the client stops reading at its limit (announced or streamed), keeps an
//! excerpt and the length, never retries an oversized answer, and a batch's failure does not copy a
//! body into each of its commands. Peak memory is counted by the allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use bitrix24_api::{Client, EXCERPT_LIMIT, Error, Method, UndocumentedError};
use bitrix24_sim::demo::users::OPERATOR;
use bitrix24_sim::{Fault, Simulator};
use serde::Serialize;

const HOOK: &str = "operator-hook-secret";
const MIB: u64 = 1024 * 1024;
/// The default limit (`ClientBuilder::max_response_body`).
const DEFAULT_LIMIT: u64 = 32 * MIB;

/// Counts the bytes live on the heap, and the most at once since the last reset.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn count(delta: isize) {
    let live = LIVE.fetch_add(delta, Ordering::Relaxed) + delta;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged.
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

/// The counters are process-wide, so the tests take turns: another test's allocations would count too.
static ALONE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The most bytes live at once while `f` ran, above what was live before.
async fn peak_during<T>(f: impl Future<Output = T>) -> (T, u64) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = f.await;
    (out, (PEAK.load(Ordering::Relaxed) - before).max(0) as u64)
}

/// `imopenlines.dialog.get`: safe to repeat, so a transport-like failure would be retried.
#[derive(Debug, Clone, Serialize)]
struct DialogGet {
    #[serde(rename = "CHAT_ID")]
    chat_id: i64,
}

impl Method for DialogGet {
    const NAME: &'static str = "imopenlines.dialog.get";
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = true;
    type Response = serde_json::Value;
    type Wire = bitrix24_api::wire::Same;
    type Error = UndocumentedError;
}

async fn portal() -> (Simulator, Client) {
    let sim = Simulator::builder()
        .webhook(OPERATOR, HOOK)
        .no_rate_limit()
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .webhook(format!("{}/rest/{OPERATOR}/{HOOK}/", sim.base_url()))
        .allow_http(true)
        .build()
        .unwrap();
    (sim, client)
}

fn decode_error<T: std::fmt::Debug>(
    outcome: Result<T, Error<UndocumentedError>>,
) -> bitrix24_api::DecodeError {
    match outcome {
        Err(Error::Decode(e)) => e,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_streamed_body_over_the_default_limit_is_cut_off_in_bounded_memory() {
    let _alone = ALONE.lock().await;
    let (sim, client) = portal().await;
    sim.inject(Fault::oversized(48 * MIB).times(1));
    let (outcome, peak) = peak_during(client.call(DialogGet { chat_id: 1 }).into_future()).await;
    let e = decode_error(outcome);
    eprintln!("48 MiB streamed: peak {peak} bytes, {e}");
    assert_eq!(e.body_limit, Some(DEFAULT_LIMIT));
    assert!(
        e.body_len > DEFAULT_LIMIT && e.body_len <= DEFAULT_LIMIT + 64 * 1024,
        "reading stopped within a chunk of the limit: {}",
        e.body_len
    );
    assert!(e.excerpt.starts_with(r#"{"result":"xxx"#) && e.excerpt.len() <= EXCERPT_LIMIT + 3);
    assert_eq!(
        (sim.counters().requests, sim.counters().faults_injected),
        (1, 1),
        "an oversized answer is not asked for again, though the method is safe to repeat"
    );
    // Measured: about 1.75 times the limit (the buffer grows by doubling up to it); never the body.
    assert!(peak < 2 * DEFAULT_LIMIT, "peak {peak}");
}

#[tokio::test]
async fn an_announced_length_over_the_limit_is_refused_unread() {
    let _alone = ALONE.lock().await;
    let (sim, client) = portal().await;
    sim.inject(Fault::oversized_announced(64 * MIB).times(1));
    let (outcome, peak) = peak_during(client.call(DialogGet { chat_id: 1 }).into_future()).await;
    let e = decode_error(outcome);
    eprintln!("64 MiB announced: peak {peak} bytes, {e}");
    assert_eq!(
        (e.body_len, e.body_limit, e.excerpt.as_str()),
        (64 * MIB, Some(DEFAULT_LIMIT), "")
    );
    assert!(peak < MIB, "peak {peak}");
}

#[tokio::test]
async fn the_limit_is_configurable_and_bodies_under_it_are_read_whole() {
    let _alone = ALONE.lock().await;
    let (sim, _) = portal().await;
    let client = |limit: u64| {
        Client::builder()
            .webhook(format!("{}/rest/{OPERATOR}/{HOOK}/", sim.base_url()))
            .allow_http(true)
            .max_response_body(limit)
            .build()
            .unwrap()
    };
    sim.inject(Fault::oversized(2 * MIB).times(1));
    let reply = client(DEFAULT_LIMIT)
        .call(DialogGet { chat_id: 1 })
        .await
        .unwrap();
    assert_eq!(
        reply.result.as_str().map(str::len),
        Some(2 * MIB as usize - 13)
    );
    sim.inject(Fault::oversized(2 * MIB).times(1));
    let e = decode_error(client(MIB).call(DialogGet { chat_id: 1 }).await);
    assert_eq!(e.body_limit, Some(MIB));
}

#[tokio::test]
async fn a_failed_batch_keeps_one_excerpt_per_command_not_the_body() {
    let _alone = ALONE.lock().await;
    let (sim, client) = portal().await;
    // A 1 MiB answer to `batch` that breaks off: every command fails with the same decode error.
    let broken = format!(r#"{{"result": {{"result": ["{}"#, "y".repeat(MIB as usize));
    sim.inject(
        Fault::status(200, broken.clone())
            .for_method("batch")
            .times(1),
    );
    let mut batch = client.batch();
    let commands: Vec<_> = (0..50)
        .map(|i| batch.push(DialogGet { chat_id: i }))
        .collect();
    let (reply, peak) = peak_during(batch.run()).await;
    eprintln!("batch of 50 over a broken 1 MiB answer: peak {peak} bytes");
    for cmd in &commands {
        let e = decode_error(reply.get(cmd));
        assert_eq!(e.body_len, broken.len() as u64);
        assert!(e.excerpt.len() <= EXCERPT_LIMIT + 3);
    }
    // 50 copies of the body would be 50 MiB.
    let held: usize = commands
        .iter()
        .map(|c| decode_error(reply.get(c)).excerpt.len())
        .sum();
    assert!(held <= 50 * (EXCERPT_LIMIT + 3));
}
