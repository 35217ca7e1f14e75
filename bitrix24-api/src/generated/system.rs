//! System errors: codes any method may return (`_includes/system-errors.md`).
//!
//! Hand-written placeholder with the API the generated version keeps.

/// An error any method may return, as listed on the system-errors page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SystemError {
    /// `INTERNAL_SERVER_ERROR` (documented HTTP 500): An internal server error occurred.
    #[error("INTERNAL_SERVER_ERROR (HTTP {http_status}): {description}")]
    InternalServerError {
        description: String,
        http_status: u16,
    },
    /// `ERROR_UNEXPECTED_ANSWER` (documented HTTP 500): The server returned an unexpected response.
    #[error("ERROR_UNEXPECTED_ANSWER (HTTP {http_status}): {description}")]
    ErrorUnexpectedAnswer {
        description: String,
        http_status: u16,
    },
    /// `QUERY_LIMIT_EXCEEDED` (documented HTTP 503): The request-rate limit was exceeded; refused before execution.
    #[error("QUERY_LIMIT_EXCEEDED (HTTP {http_status}): {description}")]
    QueryLimitExceeded {
        description: String,
        http_status: u16,
    },
    /// `OPERATION_TIME_LIMIT` (documented HTTP 429): The method used up its operating-time budget; refused before execution.
    #[error("OPERATION_TIME_LIMIT (HTTP {http_status}): {description}")]
    OperationTimeLimit {
        description: String,
        http_status: u16,
    },
    /// `ERROR_BATCH_METHOD_NOT_ALLOWED` (documented HTTP 405): The method may not be called inside a batch.
    #[error("ERROR_BATCH_METHOD_NOT_ALLOWED (HTTP {http_status}): {description}")]
    ErrorBatchMethodNotAllowed {
        description: String,
        http_status: u16,
    },
    /// `ERROR_BATCH_LENGTH_EXCEEDED` (documented HTTP 400): The batch holds more commands than allowed.
    #[error("ERROR_BATCH_LENGTH_EXCEEDED (HTTP {http_status}): {description}")]
    ErrorBatchLengthExceeded {
        description: String,
        http_status: u16,
    },
    /// `NO_AUTH_FOUND` (documented HTTP 401): Wrong authorization data: no access token or webhook code.
    #[error("NO_AUTH_FOUND (HTTP {http_status}): {description}")]
    NoAuthFound {
        description: String,
        http_status: u16,
    },
    /// `INVALID_REQUEST` (documented HTTP 400): HTTPS is required.
    #[error("INVALID_REQUEST (HTTP {http_status}): {description}")]
    InvalidRequest {
        description: String,
        http_status: u16,
    },
    /// `OVERLOAD_LIMIT` (documented HTTP 503): The REST API is blocked for this application or webhook.
    #[error("OVERLOAD_LIMIT (HTTP {http_status}): {description}")]
    OverloadLimit {
        description: String,
        http_status: u16,
    },
    /// `ACCESS_DENIED` (documented HTTP 403): The REST API is available only on commercial plans.
    #[error("ACCESS_DENIED (HTTP {http_status}): {description}")]
    AccessDenied {
        description: String,
        http_status: u16,
    },
    /// `INVALID_CREDENTIALS` (documented HTTP 403): The user behind the token or webhook lacks the permissions.
    #[error("INVALID_CREDENTIALS (HTTP {http_status}): {description}")]
    InvalidCredentials {
        description: String,
        http_status: u16,
    },
    /// `ERROR_MANIFEST_IS_NOT_AVAILABLE` (documented HTTP 404): The manifest is not available.
    #[error("ERROR_MANIFEST_IS_NOT_AVAILABLE (HTTP {http_status}): {description}")]
    ErrorManifestIsNotAvailable {
        description: String,
        http_status: u16,
    },
    /// `insufficient_scope` (documented HTTP 403): The token or webhook lacks the method's scope.
    #[error("insufficient_scope (HTTP {http_status}): {description}")]
    InsufficientScope {
        description: String,
        http_status: u16,
    },
    /// `expired_token` (documented HTTP 401): The access token has expired.
    #[error("expired_token (HTTP {http_status}): {description}")]
    ExpiredToken {
        description: String,
        http_status: u16,
    },
    /// `invalid_token` (documented HTTP 401): The access token is invalid.
    #[error("invalid_token (HTTP {http_status}): {description}")]
    InvalidToken {
        description: String,
        http_status: u16,
    },
    /// `user_access_error` (documented HTTP 403): The user has no access to the application.
    #[error("user_access_error (HTTP {http_status}): {description}")]
    UserAccessError {
        description: String,
        http_status: u16,
    },
    /// `PORTAL_DELETED` (documented HTTP 500): The portal was deleted or its public part is closed.
    #[error("PORTAL_DELETED (HTTP {http_status}): {description}")]
    PortalDeleted {
        description: String,
        http_status: u16,
    },
    /// `ERROR_METHOD_NOT_FOUND` (documented HTTP 404): The method does not exist.
    #[error("ERROR_METHOD_NOT_FOUND (HTTP {http_status}): {description}")]
    ErrorMethodNotFound {
        description: String,
        http_status: u16,
    },
}

impl SystemError {
    /// The system error for `code`, or None when the code is not a system one.
    pub fn from_wire(code: &str, description: &str, http_status: u16) -> Option<Self> {
        let description = description.to_owned();
        Some(match code {
            "INTERNAL_SERVER_ERROR" => Self::InternalServerError {
                description,
                http_status,
            },
            "ERROR_UNEXPECTED_ANSWER" => Self::ErrorUnexpectedAnswer {
                description,
                http_status,
            },
            "QUERY_LIMIT_EXCEEDED" => Self::QueryLimitExceeded {
                description,
                http_status,
            },
            "OPERATION_TIME_LIMIT" => Self::OperationTimeLimit {
                description,
                http_status,
            },
            "ERROR_BATCH_METHOD_NOT_ALLOWED" => Self::ErrorBatchMethodNotAllowed {
                description,
                http_status,
            },
            "ERROR_BATCH_LENGTH_EXCEEDED" => Self::ErrorBatchLengthExceeded {
                description,
                http_status,
            },
            "NO_AUTH_FOUND" => Self::NoAuthFound {
                description,
                http_status,
            },
            "INVALID_REQUEST" => Self::InvalidRequest {
                description,
                http_status,
            },
            "OVERLOAD_LIMIT" => Self::OverloadLimit {
                description,
                http_status,
            },
            "ACCESS_DENIED" => Self::AccessDenied {
                description,
                http_status,
            },
            "INVALID_CREDENTIALS" => Self::InvalidCredentials {
                description,
                http_status,
            },
            "ERROR_MANIFEST_IS_NOT_AVAILABLE" => Self::ErrorManifestIsNotAvailable {
                description,
                http_status,
            },
            "insufficient_scope" => Self::InsufficientScope {
                description,
                http_status,
            },
            "expired_token" => Self::ExpiredToken {
                description,
                http_status,
            },
            "invalid_token" => Self::InvalidToken {
                description,
                http_status,
            },
            "user_access_error" => Self::UserAccessError {
                description,
                http_status,
            },
            "PORTAL_DELETED" => Self::PortalDeleted {
                description,
                http_status,
            },
            "ERROR_METHOD_NOT_FOUND" => Self::ErrorMethodNotFound {
                description,
                http_status,
            },
            _ => return None,
        })
    }

    /// The wire code (`error`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::InternalServerError { .. } => "INTERNAL_SERVER_ERROR",
            Self::ErrorUnexpectedAnswer { .. } => "ERROR_UNEXPECTED_ANSWER",
            Self::QueryLimitExceeded { .. } => "QUERY_LIMIT_EXCEEDED",
            Self::OperationTimeLimit { .. } => "OPERATION_TIME_LIMIT",
            Self::ErrorBatchMethodNotAllowed { .. } => "ERROR_BATCH_METHOD_NOT_ALLOWED",
            Self::ErrorBatchLengthExceeded { .. } => "ERROR_BATCH_LENGTH_EXCEEDED",
            Self::NoAuthFound { .. } => "NO_AUTH_FOUND",
            Self::InvalidRequest { .. } => "INVALID_REQUEST",
            Self::OverloadLimit { .. } => "OVERLOAD_LIMIT",
            Self::AccessDenied { .. } => "ACCESS_DENIED",
            Self::InvalidCredentials { .. } => "INVALID_CREDENTIALS",
            Self::ErrorManifestIsNotAvailable { .. } => "ERROR_MANIFEST_IS_NOT_AVAILABLE",
            Self::InsufficientScope { .. } => "insufficient_scope",
            Self::ExpiredToken { .. } => "expired_token",
            Self::InvalidToken { .. } => "invalid_token",
            Self::UserAccessError { .. } => "user_access_error",
            Self::PortalDeleted { .. } => "PORTAL_DELETED",
            Self::ErrorMethodNotFound { .. } => "ERROR_METHOD_NOT_FOUND",
        }
    }

    /// The HTTP status the error arrived with (0 inside a batch).
    pub fn http_status(&self) -> u16 {
        match self {
            Self::InternalServerError { http_status, .. }
            | Self::ErrorUnexpectedAnswer { http_status, .. }
            | Self::QueryLimitExceeded { http_status, .. }
            | Self::OperationTimeLimit { http_status, .. }
            | Self::ErrorBatchMethodNotAllowed { http_status, .. }
            | Self::ErrorBatchLengthExceeded { http_status, .. }
            | Self::NoAuthFound { http_status, .. }
            | Self::InvalidRequest { http_status, .. }
            | Self::OverloadLimit { http_status, .. }
            | Self::AccessDenied { http_status, .. }
            | Self::InvalidCredentials { http_status, .. }
            | Self::ErrorManifestIsNotAvailable { http_status, .. }
            | Self::InsufficientScope { http_status, .. }
            | Self::ExpiredToken { http_status, .. }
            | Self::InvalidToken { http_status, .. }
            | Self::UserAccessError { http_status, .. }
            | Self::PortalDeleted { http_status, .. }
            | Self::ErrorMethodNotFound { http_status, .. } => *http_status,
        }
    }
}
