//! The unread-field report on live traffic, against the simulated portal over real HTTP: the simulator
//! adds a key the docs do not describe to a method's `result`, and the client names it in one tracing
//! event per method and path.

use std::sync::{Arc, Mutex};

use bitrix24_api::Client;
use bitrix24_sim::{Fault, Simulator};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

const OPEN: &str = "imopenlines.session.open";
const REVISION: &str = "imopenlines.revision.get";
/// Demo chat 1 belongs to this client code.
const USER_CODE: &str = "livechat|1|1|1001";

/// `(method, path)` of every unread-field event.
type Reports = Arc<Mutex<Vec<(String, String)>>>;

/// Keeps the events of the `bitrix24_api::unread` target.
struct Capture(Reports);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "bitrix24_api::unread" {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        self.0.lock().unwrap().push((fields.method, fields.path));
    }
}

#[derive(Default)]
struct Fields {
    method: String,
    path: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "method" => self.method = value.to_owned(),
            "path" => self.path = value.to_owned(),
            _ => {}
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

async fn portal() -> Simulator {
    Simulator::builder().no_rate_limit().start().await.unwrap()
}

fn client(sim: &Simulator, report: bool) -> Client {
    Client::builder()
        .webhook(sim.webhook_url())
        .allow_http(true)
        .report_unread_fields(report)
        .build()
        .unwrap()
}

/// Runs `calls` with a subscriber that keeps the unread-field reports, and returns them.
async fn reports_of(calls: impl Future<Output = ()>) -> Vec<(String, String)> {
    let reports = Reports::default();
    let subscriber = tracing_subscriber::registry().with(Capture(reports.clone()));
    let _guard = tracing::subscriber::set_default(subscriber);
    calls.await;
    reports.lock().unwrap().clone()
}

fn report(method: &str, path: &str) -> (String, String) {
    (method.to_owned(), path.to_owned())
}

#[tokio::test]
async fn an_unknown_field_is_reported_once_per_method_and_path() {
    let sim = portal().await;
    sim.inject(Fault::extra_field("NEW_KEY", json!({"nested": [1, 2]})).for_method(OPEN));
    let client = client(&sim, true);
    let reports = reports_of(async {
        for _ in 0..3 {
            let reply = client.imopenlines().session_open(USER_CODE).await.unwrap();
            assert_eq!(
                reply.result.chat_id,
                Some(1),
                "the known field still decodes"
            );
        }
    })
    .await;
    assert_eq!(
        sim.counters().faults_injected,
        3,
        "every answer had the key"
    );
    assert_eq!(reports, [report(OPEN, "result.NEW_KEY")]);

    // The same key from another method is another report; a repeat of the first is still quiet.
    sim.clear_faults();
    sim.inject(Fault::extra_field("NEW_KEY", json!(true)));
    let reports = reports_of(async {
        client.imopenlines().revision_get().await.unwrap();
        client.imopenlines().session_open(USER_CODE).await.unwrap();
        client.imopenlines().revision_get().await.unwrap();
    })
    .await;
    assert_eq!(sim.counters().faults_injected, 6);
    assert_eq!(reports, [report(REVISION, "result.NEW_KEY")]);
}

#[tokio::test]
async fn answers_the_types_read_fully_report_nothing() {
    let sim = portal().await;
    let client = client(&sim, true);
    let reports = reports_of(async {
        let reply = client.imopenlines().session_open(USER_CODE).await.unwrap();
        assert_eq!(reply.result.chat_id, Some(1));
    })
    .await;
    assert_eq!(reports, []);
}

#[tokio::test]
async fn off_by_default_nothing_is_reported() {
    let sim = portal().await;
    sim.inject(Fault::extra_field("NEW_KEY", json!(1)).for_method(OPEN));
    let client = client(&sim, false);
    let reports = reports_of(async {
        let reply = client.imopenlines().session_open(USER_CODE).await.unwrap();
        assert_eq!(reply.result.chat_id, Some(1));
    })
    .await;
    assert_eq!(sim.counters().faults_injected, 1);
    assert_eq!(reports, []);
}

#[tokio::test]
async fn with_the_report_on_a_wrong_type_is_still_a_decode_error_with_its_path() {
    let sim = portal().await;
    let body = json!({"result": {"chatId": "not a number", "NEW_KEY": 1}, "time": {"start": 1}});
    sim.inject(
        Fault::status(200, body.to_string())
            .for_method(OPEN)
            .times(1),
    );
    let client = client(&sim, true);
    let reports = reports_of(async {
        match client.imopenlines().session_open(USER_CODE).await {
            Err(bitrix24_api::Error::Decode(e)) => {
                assert_eq!(e.path, "result.chatId");
                assert_eq!(e.status, 200);
                assert!(e.message.contains("not a number"), "{}", e.message);
            }
            other => panic!("{other:?}"),
        }
    })
    .await;
    assert_eq!(
        reports,
        [],
        "nothing is reported for an answer that did not decode"
    );
}
