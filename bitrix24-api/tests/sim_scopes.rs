//! One method of every enabled scope over real HTTP against the simulator: the request is built with the
//! generated types from its page's request example, the simulator checks the required parameters against
//! the IR and answers with the page's response example, and the answer decodes into the generated types.
//! The calls are generated (`tests/support/round_trips.rs`); `cargo test --features full` runs every scope.

use bitrix24_api::{Client, OAuth};
use bitrix24_sim::Simulator;

#[path = "support/round_trips.rs"]
#[rustfmt::skip]
mod round_trips;

#[tokio::test]
async fn one_method_per_scope_round_trips_over_http() {
    let sim = Simulator::builder()
        .no_rate_limit()
        .documented_answers()
        .start()
        .await
        .unwrap();
    // As an installed application: some methods (connectors, for one) refuse a webhook.
    let tokens = sim.issue_tokens(1);
    let oauth = OAuth::new(
        sim.base_url(),
        tokens.client_id.clone(),
        tokens.client_secret.expose(),
        tokens.access_token.clone(),
        tokens.refresh_token.clone(),
    )
    .token_endpoint(sim.token_url());
    let client = Client::builder()
        .oauth(oauth)
        .allow_http(true)
        .build()
        .unwrap();
    let trips = round_trips::round_trips(&client);
    let mut failures = Vec::new();
    let count = trips.len();
    for (scope, method, trip) in trips {
        let before = requests_for(&sim, method);
        if let Err(e) = trip.await {
            failures.push(format!("{scope}: {method}: {e}"));
        }
        assert_eq!(
            requests_for(&sim, method),
            before + 1,
            "{method} went out once"
        );
    }
    println!("round trips: {} of {count} scopes", count - failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let enabled = round_trips::SCOPES.len();
    if count < enabled {
        println!("{count} of {enabled} scopes are enabled in this build");
    }
}

/// How many requests the simulator logged for `method` (the log keeps it lower-case).
fn requests_for(sim: &Simulator, method: &str) -> usize {
    let method = method.to_ascii_lowercase();
    sim.request_log()
        .iter()
        .filter(|r| r.method.as_deref() == Some(method.as_str()))
        .count()
}
