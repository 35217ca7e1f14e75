//! `/_sim/...`: the same introspection and fault injection as the Rust API, over HTTP, for clients in
//! other languages and for poking at the binary by hand.
//!
//! | route | does |
//! |---|---|
//! | `GET /_sim/log` | the request log |
//! | `GET /_sim/counters` | request, connection, refusal, fault and per-method counters |
//! | `GET /_sim/deliveries` | event deliveries and their outcome |
//! | `POST /_sim/faults` | add a [`Fault`] (JSON, e.g. `{"kind":"query_limit","method":"user.get","times":1}` or `{"kind":"extra_field","name":"NEW_KEY","value":1}`) |
//! | `DELETE /_sim/faults` | remove all faults |
//! | `POST /_sim/reset` | back to the starting portal; clears tokens, faults, limits and observations |
//! | `POST /_sim/clock/advance` | `{"seconds": 60}`: move simulated time forward |
//! | `POST /_sim/oauth/tokens` | `{"user_id": 1}`: issue an access and refresh token |
//! | `POST /_sim/client-message` | a [`ClientMessage`] from an external client |

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::faults::Fault;
use crate::portal::dialog::ClientMessage;
use crate::server::spawn_deliveries;
use crate::state::Shared;
use crate::wire::envelope::ApiError;

pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/log", get(log))
        .route("/counters", get(counters))
        .route("/deliveries", get(deliveries))
        .route("/faults", post(add_fault).delete(clear_faults))
        .route("/reset", post(reset))
        .route("/clock/advance", post(advance_clock))
        .route("/oauth/tokens", post(issue_tokens))
        .route("/client-message", post(client_message))
}

async fn log(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.lock().observed.log))
}

async fn counters(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.lock().observed.counters))
}

async fn deliveries(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.lock().observed.deliveries))
}

async fn add_fault(State(shared): State<Arc<Shared>>, Json(fault): Json<Fault>) -> Json<Value> {
    shared.lock().faults.add(fault);
    Json(json!(true))
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Json<Value> {
    shared.lock().faults.clear();
    Json(json!(true))
}

async fn reset(State(shared): State<Arc<Shared>>) -> Json<Value> {
    shared.lock().reset();
    Json(json!(true))
}

#[derive(Deserialize)]
struct Advance {
    seconds: f64,
}

async fn advance_clock(
    State(shared): State<Arc<Shared>>,
    Json(advance): Json<Advance>,
) -> Result<Json<Value>, ApiError> {
    let by = Duration::try_from_secs_f64(advance.seconds).map_err(|_| {
        ApiError::bad_request("INVALID_REQUEST", "seconds must be a non-negative number")
    })?;
    shared.lock().clock.advance(by);
    Ok(Json(json!(true)))
}

#[derive(Deserialize)]
struct TokenRequest {
    user_id: i64,
}

async fn issue_tokens(
    State(shared): State<Arc<Shared>>,
    Json(request): Json<TokenRequest>,
) -> Json<Value> {
    let mut sim = shared.lock();
    let now = sim.clock.now();
    let sim = &mut *sim;
    let issued = sim.tokens.issue(&sim.config.app, request.user_id, now);
    Json(json!({
        "access_token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "expires_in": issued.expires_in,
        "client_id": sim.config.app.client_id,
    }))
}

async fn client_message(
    State(shared): State<Arc<Shared>>,
    Json(message): Json<ClientMessage>,
) -> Result<Json<Value>, ApiError> {
    let (delivered, deliveries) = {
        let mut sim = shared.lock();
        let now = sim.clock.now();
        let delivered = sim.portal.receive_client_message(&message, now)?;
        (delivered, sim.take_deliveries(&shared.base_url))
    };
    spawn_deliveries(&shared, deliveries);
    Ok(Json(json!(delivered)))
}
