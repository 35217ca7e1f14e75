//! The success and error envelopes, and the HTTP responses that carry them.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::json::encode;
use super::time::iso8601;

/// A platform error: the HTTP status and the `{"error", "error_description"}` body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub description: String,
    /// The `argument` key the platform adds to `ERROR_ARGUMENT` bodies.
    pub argument: Option<String>,
    /// REST 3.0's `validation` entries: `(field, message)`.
    pub validation: Vec<(String, String)>,
}

impl ApiError {
    pub fn new(status: u16, code: impl Into<String>, description: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            description: description.into(),
            argument: None,
            validation: Vec::new(),
        }
    }

    /// REST 3.0's refusal of a request that lacks a required field (`rest-v3.md`).
    pub fn v3_field_missing(name: &str) -> Self {
        let mut error = ApiError::bad_request(
            "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "Error validating request object",
        );
        error.validation = vec![(
            name.to_owned(),
            format!("Required field `{name}` is not specified"),
        )];
        error
    }

    /// REST 3.0's error object: `{"error": {"code", "message", "validation"}}`.
    pub fn v3_body(&self) -> Value {
        let mut error = json!({"code": self.code, "message": self.description});
        if !self.validation.is_empty() {
            error["validation"] = self
                .validation
                .iter()
                .map(|(field, message)| json!({"message": message, "field": field}))
                .collect();
        }
        json!({ "error": error })
    }

    /// The status most method errors use.
    pub fn bad_request(code: &str, description: impl Into<String>) -> Self {
        ApiError::new(400, code, description)
    }

    /// `ERROR_ARGUMENT` for a missing required parameter.
    pub fn argument_missing(name: &str) -> Self {
        let mut error = ApiError::bad_request(
            "ERROR_ARGUMENT",
            format!("Argument '{name}' is null or empty"),
        );
        error.argument = Some(name.into());
        error
    }

    /// `ERROR_ARGUMENT` for a parameter of the wrong shape.
    pub fn argument_invalid(name: &str) -> Self {
        let mut error = ApiError::bad_request(
            "ERROR_ARGUMENT",
            format!("The value of an argument '{name}' has an invalid type"),
        );
        error.argument = Some(name.into());
        error
    }

    pub fn method_not_found() -> Self {
        ApiError::new(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
    }

    pub fn query_limit() -> Self {
        ApiError::new(503, "QUERY_LIMIT_EXCEEDED", "Too many requests")
    }

    pub fn operation_time_limit() -> Self {
        ApiError::new(
            429,
            "OPERATION_TIME_LIMIT",
            "Method is blocked due to operation time limit.",
        )
    }

    /// A webhook calling a method that needs an application (OAuth) context.
    pub fn wrong_auth_type() -> Self {
        ApiError::new(
            403,
            "WRONG_AUTH_TYPE",
            "Current authorization type is denied for this method",
        )
    }

    /// The body, as it appears both on the wire and inside a batch's `result_error`.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("error".into(), Value::String(self.code.clone()));
        body.insert(
            "error_description".into(),
            Value::String(self.description.clone()),
        );
        if let Some(argument) = &self.argument {
            body.insert("argument".into(), Value::String(argument.clone()));
        }
        Value::Object(body)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body())
    }
}

/// What a method handler produces: the `result`, plus `next` and `total` for list methods.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub result: Value,
    pub next: Option<u64>,
    pub total: Option<u64>,
}

impl From<Value> for Reply {
    fn from(result: Value) -> Self {
        Reply {
            result,
            next: None,
            total: None,
        }
    }
}

/// The `time` block of a successful call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    pub start: f64,
    pub finish: f64,
    /// Seconds spent in the handler, including any simulated cost.
    pub processing: f64,
    /// Seconds this (caller, method) pair has used in the current operating window.
    pub operating: f64,
    pub operating_reset_at: Option<f64>,
}

impl Timing {
    pub fn to_value(self) -> Value {
        let mut time = json!({
            "start": self.start,
            "finish": self.finish,
            "duration": self.finish - self.start,
            "processing": self.processing,
            "date_start": iso8601(self.start),
            "date_finish": iso8601(self.finish),
        });
        if let Some(reset_at) = self.operating_reset_at {
            time["operating_reset_at"] = json!(reset_at.ceil() as i64);
        }
        time["operating"] = json!(self.operating);
        time
    }
}

/// `{"result", "next", "total", "time"}` in the platform's key order.
pub fn success_body(reply: &Reply, timing: Timing) -> Value {
    let mut body = Map::new();
    body.insert("result".into(), reply.result.clone());
    if let Some(next) = reply.next {
        body.insert("next".into(), json!(next));
    }
    if let Some(total) = reply.total {
        body.insert("total".into(), json!(total));
    }
    body.insert("time".into(), timing.to_value());
    Value::Object(body)
}

/// A JSON response with the headers a portal sends.
pub fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, encode(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("origin, content-type, accept"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
