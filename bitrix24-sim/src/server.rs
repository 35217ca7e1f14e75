//! The HTTP front: `/rest/...` calls, the OAuth token endpoint, and how faults change a response.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::serve::{IncomingStream, Listener};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};

use crate::auth;
use crate::batch;
use crate::events::delivery;
use crate::execute::{Scope, refused};
use crate::faults::FaultKind;
use crate::idempotency;
use crate::observe::RequestRecord;
use crate::state::Shared;
use crate::wire::envelope::{ApiError, json_response, success_body};
use crate::wire::params;
use crate::wire::route::{self, PathAuth};

/// Per-connection information: the peer, and a handle on the socket so a fault can reset it.
#[derive(Clone)]
pub struct Conn {
    pub peer: SocketAddr,
    socket: Option<Arc<socket2::Socket>>,
}

/// The simulator's listener: 127.0.0.1, counting the connections it accepts in
/// [`Counters::connections`](crate::Counters::connections).
pub struct CountingListener {
    pub tcp: TcpListener,
    pub shared: Arc<Shared>,
}

impl Listener for CountingListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        let accepted = Listener::accept(&mut self.tcp).await;
        self.shared.lock().observed.counters.connections += 1;
        accepted
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}

impl Connected<IncomingStream<'_, CountingListener>> for Conn {
    fn connect_info(stream: IncomingStream<'_, CountingListener>) -> Self {
        let socket = socket2::SockRef::from(stream.io())
            .try_clone()
            .ok()
            .map(Arc::new);
        Conn {
            peer: *stream.remote_addr(),
            socket,
        }
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/rest/{*path}", any(rest))
        .route("/oauth/token", any(oauth_token))
        .route("/oauth/token/", any(oauth_token))
        .nest("/_sim", crate::admin::router())
        .fallback(|| async { ApiError::method_not_found() })
        .with_state(shared)
}

/// What the request carried, read once.
struct Incoming {
    http_method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

async fn rest(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    Path(path): Path<String>,
    http_method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let incoming = Incoming {
        http_method,
        uri,
        headers,
        body,
    };
    let route = route::parse(&path);
    let method = route.as_ref().ok().map(|r| r.method.clone());
    let rest_v3 = route.as_ref().is_ok_and(|r| r.rest_v3);
    let mut record = RequestRecord {
        http_method: incoming.http_method.to_string(),
        path: masked_path(&path, route.as_ref().ok()),
        method: method.clone(),
        auth: match route.as_ref().map(|r| &r.auth) {
            Ok(PathAuth::Webhook { .. }) => "webhook",
            Ok(PathAuth::OAuth) => "oauth",
            Err(_) => "none",
        },
        status: 200,
        error: None,
        idempotency_key: incoming
            .headers
            .get(IDEMPOTENCY_KEY)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
    };
    let delay = shared.lock().config.latency.map(|latency| latency.sample());
    if let Some(delay) = delay {
        tokio::time::sleep(delay / 2).await;
    }
    let fault = {
        let mut sim = shared.lock();
        sim.observed.counters.requests += 1;
        let fault = sim.faults.take(method.as_deref());
        if fault.is_some() {
            sim.observed.counters.faults_injected += 1;
        }
        fault
    };
    if let Some(FaultKind::Delay { millis }) = fault {
        tokio::time::sleep(Duration::from_millis(millis)).await;
    }
    let response = match fault
        .as_ref()
        .and_then(|f| early_fault(&shared, f, method.as_deref(), rest_v3, &conn, &incoming))
    {
        Some(response) => response,
        None => {
            let (response, deliveries) = {
                let mut sim = shared.lock();
                let ignore_filter = fault == Some(FaultKind::IgnoreFilter);
                let response = handle(&shared, &mut sim, &conn, route, &incoming, ignore_filter);
                (response, sim.take_deliveries(&shared.base_url))
            };
            spawn_deliveries(&shared, deliveries);
            match fault {
                Some(FaultKind::Truncated) => truncate(response).await,
                Some(FaultKind::ExtraField { name, value }) => {
                    rewritten(response, |body| {
                        if let Some(result) = body.get_mut("result").and_then(Value::as_object_mut)
                        {
                            result.insert(name, value);
                        }
                    })
                    .await
                }
                Some(FaultKind::MalformedBatchEntry { damage }) => {
                    rewritten(response, |body| batch::damage(body, damage)).await
                }
                Some(FaultKind::ConnectionReset {
                    after_execution: true,
                }) => reset(&conn),
                _ => response,
            }
        }
    };
    let mut response = response;
    record.status = response.status().as_u16();
    record.error = response
        .headers_mut()
        .remove(ERROR_HEADER)
        .and_then(|v| v.to_str().ok().map(str::to_owned));
    shared.lock().observed.record(record);
    if let Some(delay) = delay {
        tokio::time::sleep(delay - delay / 2).await;
    }
    response
}

/// Faults that answer before the method runs.
fn early_fault(
    shared: &Shared,
    fault: &FaultKind,
    method: Option<&str>,
    rest_v3: bool,
    conn: &Conn,
    incoming: &Incoming,
) -> Option<Response> {
    let limit_error = |error: ApiError| {
        let mut sim = shared.lock();
        with_error_header(refused(&mut sim, method.unwrap_or(""), error), rest_v3)
    };
    match fault {
        FaultKind::Status {
            status,
            body,
            content_type,
        } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = (status, body.clone()).into_response();
            let content_type = HeaderValue::from_str(content_type)
                .unwrap_or(HeaderValue::from_static("text/plain"));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, content_type);
            Some(response)
        }
        FaultKind::Html { status } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
            let page = format!(
                "<html>\r\n<head><title>{status}</title></head>\r\n<body>\r\n<center><h1>{status}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
            );
            Some((status, [(header::CONTENT_TYPE, "text/html")], page).into_response())
        }
        FaultKind::Redirect { status, location } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::FOUND);
            let path = incoming.uri.path_and_query().map_or("/", |p| p.as_str());
            let content_type = incoming
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            let params = params::merge(
                params::parse_form(incoming.uri.query().unwrap_or("").as_bytes()),
                params::parse_body(content_type, &incoming.body),
            );
            let auth = params.get("auth").and_then(|v| v.as_str()).unwrap_or("");
            let location = location.replace("{path}", path).replace("{auth}", auth);
            let location = HeaderValue::from_str(&location).ok()?;
            Some((status, [(header::LOCATION, location)], "").into_response())
        }
        FaultKind::Oversized {
            bytes,
            content_length,
        } => Some(oversized(*bytes, *content_length)),
        FaultKind::ConnectionReset {
            after_execution: false,
        } => Some(reset(conn)),
        FaultKind::QueryLimit => Some(limit_error(ApiError::query_limit())),
        FaultKind::OperationTimeLimit => Some(limit_error(ApiError::operation_time_limit())),
        FaultKind::Truncated
        | FaultKind::ExtraField { .. }
        | FaultKind::MalformedBatchEntry { .. }
        | FaultKind::IgnoreFilter
        | FaultKind::Delay { .. }
        | FaultKind::ConnectionReset {
            after_execution: true,
        } => None,
    }
}

/// The platform's order: rate limit, method lookup (before auth), auth, then the call. REST 3.0
/// (`/rest/api/`) reads a JSON body only, answers errors with its error object, and honours
/// `Idempotency-Key`.
fn handle(
    shared: &Shared,
    sim: &mut crate::state::Sim,
    conn: &Conn,
    route: Result<route::RestPath, ApiError>,
    incoming: &Incoming,
    ignore_filter: bool,
) -> Response {
    let rest_v3 = route.as_ref().is_ok_and(|r| r.rest_v3);
    let refuse = |error: ApiError| with_error_header(error, rest_v3);
    let now = sim.clock.now();
    if let Some(limit) = sim.config.rate_limit
        && !sim.buckets.admit(&limit, conn.peer.ip(), now)
    {
        let method = route.as_ref().map(|r| r.method.clone()).unwrap_or_default();
        return refuse(refused(sim, &method, ApiError::query_limit()));
    }
    let route = match route {
        Ok(route) if shared.knows(&route.method, rest_v3) => route,
        Ok(_) => return refuse(ApiError::method_not_found()),
        Err(error) => return refuse(error),
    };
    let mut params = match rest_v3 {
        true => match json_body(&incoming.body) {
            Ok(params) => params,
            Err(error) => return refuse(error),
        },
        false => {
            let query = params::parse_form(incoming.uri.query().unwrap_or("").as_bytes());
            let content_type = incoming
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            params::merge(query, params::parse_body(content_type, &incoming.body))
        }
    };
    let caller = match auth::authenticate(
        &sim.config,
        &sim.tokens,
        &route.auth,
        &params,
        &incoming.headers,
        now,
    ) {
        Ok(caller) => caller,
        Err(error) => return refuse(error),
    };
    for reserved in auth::RESERVED_PARAMS {
        params.remove(reserved);
    }
    if ignore_filter {
        params.retain(|name, _| !name.eq_ignore_ascii_case("filter"));
    }
    if rest_v3 {
        return rest_v3_call(shared, sim, &caller, &route.method, &params, incoming);
    }
    match shared.execute(sim, &caller, &route.method, &params, Scope::Request) {
        Ok((reply, timing)) => json_response(200, &success_body(&reply, timing)),
        Err(error) => refuse(error),
    }
}

/// REST 3.0's parameters: the JSON object of the body; it reads neither the query string nor a form.
fn json_body(body: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(params)) => Ok(params),
        _ => Err(ApiError::bad_request(
            "BITRIX_REST_V3_EXCEPTION_INVALIDJSONEXCEPTION",
            "The request body is not a JSON object",
        )),
    }
}

const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// A REST 3.0 call: a repeat of a kept call (same caller, method, `Idempotency-Key` and body) is
/// answered with the kept response and `Idempotent-Replayed: true`, without running; the key is
/// echoed either way.
fn rest_v3_call(
    shared: &Shared,
    sim: &mut crate::state::Sim,
    caller: &auth::Caller,
    method: &str,
    params: &serde_json::Map<String, Value>,
    incoming: &Incoming,
) -> Response {
    let key = match incoming
        .headers
        .get(IDEMPOTENCY_KEY)
        .map(|v| idempotency::key_of(v.as_bytes()))
    {
        None => None,
        Some(Ok(key)) => Some(idempotency::Keyed {
            caller: caller.budget_key(),
            method,
            key,
        }),
        Some(Err(error)) => return with_error_header(error, true),
    };
    let now = sim.clock.now();
    let replay = key
        .as_ref()
        .map(|k| sim.idempotency.replay(k, &incoming.body, now));
    let (response, replayed) = match replay {
        Some(Ok(Some(kept))) => (json_response(200, &kept), true),
        Some(Err(error)) => (with_error_header(error, true), false),
        Some(Ok(None)) | None => {
            let response = match shared.execute(sim, caller, method, params, Scope::RestV3Request) {
                Ok((reply, timing)) => {
                    let body = success_body(&reply, timing);
                    if let Some(key) = &key {
                        sim.idempotency.keep(key, &incoming.body, body.clone(), now);
                    }
                    json_response(200, &body)
                }
                Err(error) => with_error_header(error, true),
            };
            (response, false)
        }
    };
    let mut response = response;
    if let Some(value) = key.and_then(|k| HeaderValue::from_str(k.key).ok()) {
        let headers = response.headers_mut();
        headers.insert(IDEMPOTENCY_KEY, value);
        if replayed {
            headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
    }
    response
}

/// Carries an error code from the handler to the request log; removed before the response leaves.
const ERROR_HEADER: &str = "x-sim-error";

/// An error response, in the classic envelope or REST 3.0's error object, that also tells the request
/// log its code.
fn with_error_header(error: ApiError, rest_v3: bool) -> Response {
    let code = HeaderValue::from_str(&error.code).ok();
    let mut response = match rest_v3 {
        true => json_response(error.status, &error.v3_body()),
        false => error.into_response(),
    };
    if let Some(code) = code {
        response.headers_mut().insert(ERROR_HEADER, code);
    }
    response
}

/// `/rest/1/***/method` (`/rest/api/1/***/method`): the log never sees a webhook secret.
fn masked_path(path: &str, route: Option<&route::RestPath>) -> String {
    match route {
        Some(route::RestPath {
            auth: PathAuth::Webhook { user, .. },
            rest_v3,
            ..
        }) => {
            let method = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            let api = if *rest_v3 { "api/" } else { "" };
            format!("/rest/{api}{user}/***/{method}")
        }
        _ => format!("/rest/{path}"),
    }
}

/// Cut the body in half, keeping a consistent `Content-Length`.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes.slice(..bytes.len() / 2)))
}

/// Rewrite a JSON body, keeping a consistent `Content-Length`; a body that is not JSON stays as it is.
async fn rewritten(response: Response, change: impl FnOnce(&mut Value)) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let Ok(mut json) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    change(&mut json);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(json.to_string()))
}

/// `{"result":"xxx…"}` of exactly `bytes` bytes (at least the envelope), streamed 64 KiB at a time so
/// that the simulator never holds it whole.
fn oversized(bytes: u64, content_length: bool) -> Response {
    const HEAD: &[u8] = b"{\"result\":\"";
    const TAIL: &[u8] = b"\"}";
    const CHUNK: usize = 64 * 1024;
    let filler = Bytes::from(vec![b'x'; CHUNK]);
    let envelope = (HEAD.len() + TAIL.len()) as u64;
    let mut left = bytes.saturating_sub(envelope);
    let total = envelope + left;
    let middle = std::iter::from_fn(move || {
        (left > 0).then(|| {
            let n = left.min(CHUNK as u64);
            left -= n;
            filler.slice(..n as usize)
        })
    });
    let chunks = std::iter::once(Bytes::from_static(HEAD))
        .chain(middle)
        .chain(std::iter::once(Bytes::from_static(TAIL)))
        .map(Ok::<_, io::Error>);
    let mut response = Response::new(Body::from_stream(futures::stream::iter(chunks)));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if content_length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(total));
    }
    response
}

/// Abort the connection: linger 0 makes the close a TCP reset, and a failing body makes hyper close it.
fn reset(conn: &Conn) -> Response {
    if let Some(socket) = &conn.socket {
        // Best effort: without linger the client still sees the connection close mid-response.
        let _ = socket.set_linger(Some(Duration::ZERO));
    }
    let failing = futures::stream::once(async {
        Err::<Bytes, io::Error>(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "simulated reset",
        ))
    });
    Response::new(Body::from_stream(failing))
}

pub fn spawn_deliveries(shared: &Arc<Shared>, deliveries: Vec<delivery::Delivery>) {
    for item in deliveries {
        let shared = Arc::clone(shared);
        tokio::spawn(async move {
            let record = delivery::send(&shared.http, item).await;
            tracing::debug!(event = %record.event, status = ?record.status, "event delivered");
            shared.lock().observed.deliveries.push(record);
        });
    }
}

/// `/oauth/token/`: the refresh grant, with parameters in the query or a form body. Faults aimed at the
/// token endpoint apply: a status or HTML page answers instead of refreshing; a delay, a truncated body
/// or a reset happen after the refresh took effect.
async fn oauth_token(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fault = {
        let mut sim = shared.lock();
        sim.observed.counters.token_requests += 1;
        let fault = sim.faults.take_for_token_endpoint();
        if fault.is_some() {
            sim.observed.counters.faults_injected += 1;
        }
        fault
    };
    if let Some(early @ (FaultKind::Status { .. } | FaultKind::Html { .. })) = &fault {
        let incoming = Incoming {
            http_method: Method::POST,
            uri: uri.clone(),
            headers: headers.clone(),
            body: body.clone(),
        };
        return early_fault(&shared, early, None, false, &conn, &incoming).unwrap_or_default();
    }
    let response = refresh_grant(&shared, &uri, &headers, &body);
    match fault {
        Some(FaultKind::Delay { millis }) => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            response
        }
        Some(FaultKind::Truncated) => truncate(response).await,
        Some(FaultKind::ConnectionReset { .. }) => reset(&conn),
        _ => response,
    }
}

fn refresh_grant(shared: &Shared, uri: &Uri, headers: &HeaderMap, body: &Bytes) -> Response {
    let query = params::parse_form(uri.query().unwrap_or("").as_bytes());
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let params = params::merge(query, params::parse_body(content_type, body));
    let mut sim = shared.lock();
    let now = sim.clock.now();
    let sim = &mut *sim;
    match sim.tokens.refresh(&sim.config.app, &params, now) {
        Ok(issued) => {
            let endpoint = format!("{}/rest/", shared.base_url);
            let body = json!({
                "access_token": issued.access_token,
                "expires": issued.expires_at,
                "expires_in": issued.expires_in,
                "scope": "imopenlines,imconnector,im,crm,user",
                "domain": shared.base_url.split("://").nth(1).unwrap_or(""),
                "server_endpoint": endpoint,
                "status": "L",
                "client_endpoint": endpoint,
                "member_id": delivery::MEMBER_ID,
                "user_id": issued.user_id,
                "refresh_token": issued.refresh_token,
            });
            json_response(200, &body)
        }
        Err(error) => error.into_response(),
    }
}
