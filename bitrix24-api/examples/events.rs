//! An axum endpoint that receives Open Lines events from a portal.
//!
//! Run with `cargo run -p bitrix24-api --example events`, then post an event to it:
//!
//! ```sh
//! curl -d 'event=ONSESSIONSTART&data[DATA][0][session][id]=55&auth[application_token]=from-onappinstall' \
//!      http://127.0.0.1:3000/bitrix24/events
//! ```
//!
//! The application token comes from `ONAPPINSTALL` (or `APPLICATION_TOKEN` at installation); keep it
//! with the application's other secrets.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::post;
use bitrix24_api::events::{EventError, FormLimits, Received};
use bitrix24_api::{Event, Secret};
use serde::Deserialize;
use serde_with::serde_as;

/// The fields of `ONSESSIONSTART` this handler uses. The generated event types cover every field.
#[derive(Debug, Deserialize)]
struct SessionStart {
    data: SessionData,
}

#[derive(Debug, Deserialize)]
struct SessionData {
    #[serde(rename = "DATA")]
    items: Vec<SessionItem>,
}

#[derive(Debug, Deserialize)]
struct SessionItem {
    session: Session,
}

#[serde_as]
#[derive(Debug, Deserialize)]
struct Session {
    #[serde_as(as = "bitrix24_api::wire::Int")]
    id: i64,
}

impl Event for SessionStart {
    const NAME: &'static str = "ONSESSIONSTART";
    const SCOPE: &'static str = "imopenlines";
}

async fn receive(State(token): State<Arc<Secret>>, body: Bytes) -> (StatusCode, String) {
    let event = match Received::from_form(&body).and_then(|e| e.verify(&token)) {
        Ok(event) => event,
        Err(e @ (EventError::MissingToken | EventError::WrongToken)) => {
            return (StatusCode::FORBIDDEN, e.to_string());
        }
        Err(e @ EventError::TooLarge { .. }) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, e.to_string());
        }
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()),
    };
    if event.is::<SessionStart>() {
        return match event.decode::<SessionStart>() {
            Ok(start) => {
                let ids: Vec<i64> = start.data.items.iter().map(|i| i.session.id).collect();
                (StatusCode::OK, format!("sessions started: {ids:?}\n"))
            }
            Err(e) => (StatusCode::BAD_REQUEST, e.to_string()),
        };
    }
    // Answer every event quickly with 2xx: the portal does not retry, and slow handlers get fewer calls.
    (StatusCode::OK, format!("ignored {}\n", event.name()))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let token = std::env::var("BITRIX24_APPLICATION_TOKEN")
        .unwrap_or_else(|_| "from-onappinstall".to_owned());
    let app = Router::new()
        .route("/bitrix24/events", post(receive))
        // Anyone can post here: never buffer more than the event decoder would accept.
        .layer(DefaultBodyLimit::max(FormLimits::default().max_body))
        .with_state(Arc::new(Secret::new(token)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!(
        "listening on http://{}/bitrix24/events",
        listener.local_addr()?
    );
    axum::serve(listener, app).await
}
