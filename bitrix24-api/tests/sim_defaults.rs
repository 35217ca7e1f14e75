//! The defaults' margins over real HTTP: with `Client::builder()` defaults, a stalled request ends as a
//! timeout after 50 s, before the portal's own 60 s cut-off, and a connection idle for more than 20 s is
//! not reused (servers drop idle keep-alive connections after 30 to 75 s).
//!
//! The client runs on a paused clock, so these minutes pass at once. The simulator runs on a runtime and
//! a thread of its own, on the real clock. While the client waits for the simulator, the paused clock
//! must not move: tokio advances a paused clock to the next timer whenever the runtime has nothing to
//! run, and a request's timeout is such a timer. A blocking task running on the runtime holds that
//! auto-advance off, so each exchange runs while one does.

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use bitrix24_api::{Client, Error, TransportKind};
use bitrix24_sim::demo::users::OPERATOR;
use bitrix24_sim::{Fault, Simulator};
use tokio::runtime::Runtime;
use tokio::time::Instant;

#[path = "support/sim_methods.rs"]
mod sim_methods;
use sim_methods::{RevisionGet, SessionStart};

const HOOK: &str = "operator-hook-secret";
/// Demo chat 1: answered by the operator, so the operator may restart its session.
const CHAT: i64 = 1;

/// A simulator on a runtime and a thread of its own, out of reach of the test's paused clock.
struct Portal {
    sim: Arc<Simulator>,
    runtime: Option<Runtime>,
}

impl Portal {
    fn start() -> Portal {
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let sim = runtime
                .block_on(Simulator::builder().webhook(OPERATOR, HOOK).start())
                .unwrap();
            Portal {
                sim: Arc::new(sim),
                runtime: Some(runtime),
            }
        })
        .join()
        .unwrap()
    }

    /// A client with every default but plain HTTP.
    fn client(&self) -> Client {
        Client::builder()
            .webhook(format!("{}/rest/{OPERATOR}/{HOOK}/", self.sim.base_url()))
            .allow_http(true)
            .build()
            .unwrap()
    }

    /// Waits, in real time and without letting the paused clock move, until `done` holds.
    async fn until(&self, done: impl Fn(&Simulator) -> bool + Send + 'static) {
        let sim = Arc::clone(&self.sim);
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            while !done(&sim) {
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "the simulator did not get there in 10 s"
                );
                std::thread::sleep(Duration::from_millis(1));
            }
        })
        .await
        .unwrap();
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        // The stalled answer is still sleeping there; a shutdown in the background drops it.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Runs `exchange` with the paused clock held still: a blocking task inhibits auto-advance until
/// `exchange` is done.
async fn holding_the_clock<T>(exchange: impl IntoFuture<Output = T>) -> T {
    let (done, wait) = std::sync::mpsc::channel::<()>();
    let held = tokio::task::spawn_blocking(move || wait.recv());
    let output = exchange.await;
    drop(done);
    let _ = held.await.unwrap();
    output
}

/// A portal that never answers: the call ends as a timeout after the default 50 s, not at the portal's
/// 60 s cut-off. The creating call is not repeated after the timeout, so its one attempt is the call.
#[tokio::test(start_paused = true)]
async fn a_stalled_request_times_out_after_50_s_before_the_portals_60_s() {
    let portal = Portal::start();
    portal.sim.inject(
        Fault::delay(Duration::from_secs(600))
            .for_method("imopenlines.session.start")
            .times(1),
    );
    let client = portal.client();
    let started = Instant::now();
    let call = tokio::spawn(async move { client.call(SessionStart { chat_id: CHAT }).await });
    // Real time passes here, the paused clock's does not, until the simulator holds the request.
    // Then the client has nothing to do but wait, and the clock moves to its next timer.
    portal.until(|sim| sim.counters().requests == 1).await;
    let outcome = call.await.unwrap();
    let elapsed = started.elapsed();
    eprintln!("the stalled call ended after {elapsed:?} on the paused clock");
    match outcome {
        Err(Error::Transport(e)) => assert_eq!(e.kind, TransportKind::Timeout, "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(
        elapsed >= Duration::from_secs(50) && elapsed < Duration::from_secs(60),
        "the call ended after {elapsed:?}"
    );
    let counters = portal.sim.counters();
    assert_eq!((counters.requests, counters.faults_injected), (1, 1));
    assert_eq!(
        counters.side_effects("imopenlines.session.start"),
        0,
        "the stalled request never ran"
    );
}

/// A connection idle for 19 s is reused; one idle for 21 s is not (the default idle timeout is 20 s),
/// so the third call opens a new connection instead of sending on one the server may have dropped.
#[tokio::test(start_paused = true)]
async fn a_connection_idle_for_more_than_20_s_is_replaced_not_reused() {
    let portal = Portal::start();
    let client = portal.client();
    let connections = |portal: &Portal| portal.sim.counters().connections;
    let read = || holding_the_clock(client.call(RevisionGet {}));

    read().await.unwrap();
    assert_eq!(connections(&portal), 1);

    tokio::time::sleep(Duration::from_secs(19)).await;
    read().await.unwrap();
    assert_eq!(connections(&portal), 1, "idle for 19 s: reused");

    tokio::time::sleep(Duration::from_secs(21)).await;
    read().await.unwrap();
    assert_eq!(connections(&portal), 2, "idle for 21 s: a new connection");
    assert_eq!(portal.sim.counters().requests, 3);
}
