//! A scripted portal for tests: an axum server on 127.0.0.1:0 whose answers a closure decides, plus
//! hand-written method types. Used until the shared simulator covers a case.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use bitrix24_api::{Client, ClientBuilder, Method, MethodError, RetryPolicy};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

pub const CODE: &str = "s3cr3tw3bh00kc0de";

/// A request as the portal saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub query: String,
    pub body: Value,
    /// 1 for the first request the server received.
    pub number: usize,
}

/// What the portal answers.
pub enum Answer {
    Json(u16, Value),
    Raw(u16, &'static str, String),
    Redirect(String),
    /// Answers after a pause (for timeouts).
    Slow(Duration, Box<Answer>),
}

pub fn ok(result: Value) -> Answer {
    Answer::Json(
        200,
        json!({"result": result, "time": {"start": 1.0, "finish": 1.1, "duration": 0.1, "processing": 0.1}}),
    )
}

pub fn error(status: u16, code: &str, description: &str) -> Answer {
    Answer::Json(
        status,
        json!({"error": code, "error_description": description}),
    )
}

type Script = Arc<dyn Fn(&Seen) -> Answer + Send + Sync>;

pub struct Portal {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Portal {
    pub async fn start(script: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> Portal {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script: Script = Arc::new(script);
        let state = (script, seen.clone());
        let app = axum::Router::new().fallback(move |uri: Uri, body: Bytes| {
            let (script, seen) = state.clone();
            async move {
                let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let request = {
                    let mut seen = seen.lock().unwrap();
                    let request = Seen {
                        path: uri.path().to_owned(),
                        query: uri.query().unwrap_or_default().to_owned(),
                        body,
                        number: seen.len() + 1,
                    };
                    seen.push(request.clone());
                    request
                };
                respond(script(&request)).await
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Portal { addr, seen }
    }

    pub fn webhook(&self) -> String {
        format!("http://{}/rest/1/{CODE}/", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Requests to a path ending in `method`.
    pub fn count(&self, method: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.path.ends_with(method))
            .count()
    }

    pub fn builder(&self) -> ClientBuilder {
        Client::builder()
            .webhook(self.webhook())
            .allow_http(true)
            .retry(fast_retries())
    }

    pub fn client(&self) -> Client {
        self.builder().build().unwrap()
    }
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(3)
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
        .with_unknown_reset_wait(Duration::from_millis(1))
}

fn respond(answer: Answer) -> std::pin::Pin<Box<dyn Future<Output = Response> + Send>> {
    Box::pin(async move {
        match answer {
            Answer::Json(status, body) => (
                StatusCode::from_u16(status).unwrap(),
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response(),
            Answer::Raw(status, content_type, body) => (
                StatusCode::from_u16(status).unwrap(),
                [(header::CONTENT_TYPE, content_type)],
                body,
            )
                .into_response(),
            Answer::Redirect(location) => {
                (StatusCode::FOUND, [(header::LOCATION, location)], "").into_response()
            }
            Answer::Slow(pause, answer) => {
                tokio::time::sleep(pause).await;
                respond(*answer).await
            }
        }
    })
}

/// `imopenlines.session.open`, written by hand: it creates a session, so it is not safe to repeat.
#[derive(Debug, Clone, Serialize)]
pub struct SessionOpen {
    #[serde(rename = "USER_CODE")]
    pub user_code: String,
}

#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Opened {
    #[serde(rename = "CHAT_ID")]
    #[serde_as(as = "bitrix24_api::wire::Int")]
    pub chat_id: i64,
}

impl Method for SessionOpen {
    const NAME: &'static str = "imopenlines.session.open";
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = false;
    type Response = Opened;
    type Wire = bitrix24_api::wire::Same;
    type Error = OpenError;
}

/// `imopenlines.dialog.get`, a read: safe to repeat.
#[derive(Debug, Clone, Serialize)]
pub struct DialogGet {
    #[serde(rename = "CHAT_ID")]
    pub chat_id: i64,
}

impl Method for DialogGet {
    const NAME: &'static str = "imopenlines.dialog.get";
    const SCOPE: &'static str = "imopenlines";
    const SAFE_TO_REPEAT: bool = true;
    type Response = Value;
    type Wire = bitrix24_api::wire::Same;
    type Error = OpenError;
}

#[derive(Debug, PartialEq, thiserror::Error)]
pub enum OpenError {
    #[error("CHAT_ID_EMPTY: {0}")]
    ChatIdEmpty(String),
    #[error("{code} (HTTP {status}): {description}")]
    Other {
        code: String,
        description: String,
        status: u16,
    },
}

impl MethodError for OpenError {
    fn from_documented(code: &str, description: &str, _: u16) -> Option<Self> {
        (code == "CHAT_ID_EMPTY").then(|| OpenError::ChatIdEmpty(description.to_owned()))
    }

    fn fallback(code: String, description: String, status: u16) -> Self {
        OpenError::Other {
            code,
            description,
            status,
        }
    }

    fn code(&self) -> &str {
        match self {
            OpenError::ChatIdEmpty(_) => "CHAT_ID_EMPTY",
            OpenError::Other { code, .. } => code,
        }
    }
}

pub fn open(code: &str) -> SessionOpen {
    SessionOpen {
        user_code: code.to_owned(),
    }
}

/// A server that reads each request and then resets the connection. Returns its address and a counter
/// of the requests it received.
pub async fn resetting_server() -> (SocketAddr, Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let received = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = received.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = vec![0u8; 64 * 1024];
            // Read until the end of the JSON body has arrived (headers + body are small).
            let mut read = 0;
            while let Ok(n) = stream.read(&mut buf[read..]).await {
                read += n;
                if n == 0 || buf[..read].ends_with(b"}") {
                    break;
                }
            }
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            stream.set_zero_linger().unwrap();
            drop(stream);
        }
    });
    (addr, received)
}

/// Runs each `imopenlines.session.open?USER_CODE=…` command: a code starting with `bad` fails, any
/// other opens chat 100 + its position. `imopenlines.dialog.get` echoes its CHAT_ID.
pub fn run_batch(seen: &Seen) -> Answer {
    let halt = seen.body["halt"] == json!(1);
    let mut result = Map::new();
    let mut errors = Map::new();
    let mut times = Map::new();
    for (i, (key, line)) in seen.body["cmd"].as_object().unwrap().iter().enumerate() {
        let (method, query) = line.as_str().unwrap().split_once('?').unwrap();
        let params: Map<String, Value> = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        match (method, params.get("USER_CODE").and_then(Value::as_str)) {
            (_, Some(code)) if code.starts_with("bad") => {
                errors.insert(
                    key.clone(),
                    json!({"error": "CHAT_ID_EMPTY", "error_description": "no chat"}),
                );
                if halt {
                    break;
                }
                continue;
            }
            ("imopenlines.session.open", _) => {
                result.insert(key.clone(), json!({"CHAT_ID": 100 + i}));
            }
            _ => {
                result.insert(key.clone(), json!({"echo": params.get("CHAT_ID")}));
            }
        }
        times.insert(key.clone(), json!({"start": 1, "operating": 0}));
    }
    let empty_as_php = |m: Map<String, Value>| {
        if m.is_empty() {
            json!([])
        } else {
            Value::Object(m)
        }
    };
    Answer::Json(
        200,
        json!({"result": {"result": empty_as_php(result), "result_error": empty_as_php(errors),
                          "result_total": [], "result_next": [], "result_time": empty_as_php(times)}}),
    )
}
