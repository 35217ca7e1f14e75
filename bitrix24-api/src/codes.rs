//! The one shape of an error the portal answers with: a typed code, the description and the HTTP status.
//!
//! Each method has an enum of the codes its page documents; [`ApiError`] carries one of them together with
//! what arrived. The enums themselves are written by [`error_codes!`], so that generated code holds only
//! the codes and their docs.

use std::fmt;

use crate::method::MethodError;

/// A set of error codes: the ones a page documents, and how each is spelt on the wire.
pub trait ErrorCode: fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The variant for a documented wire code, or `None`.
    fn documented(code: &str) -> Option<Self>
    where
        Self: Sized;
    /// The code as it goes over the wire (`error`).
    fn as_str(&self) -> &str;
}

/// A set of error codes that keeps any other code as it arrived (the `Other(String)` variant).
pub trait FallbackCode: ErrorCode {
    /// The variant for a code the page does not document.
    fn other(code: String) -> Self
    where
        Self: Sized;
}

/// Every code is undocumented: the code set of [`UndocumentedError`](crate::UndocumentedError).
impl ErrorCode for String {
    fn documented(_: &str) -> Option<Self> {
        None
    }

    fn as_str(&self) -> &str {
        self
    }
}

impl FallbackCode for String {
    fn other(code: String) -> Self {
        code
    }
}

/// An error envelope the portal answered with (`error`, `error_description`), its code typed as `C`.
///
/// Generated code names it per method (`SessionOpenError = ApiError<SessionOpenErrorCode>`) and for the
/// platform's own errors ([`SystemError`](crate::SystemError)). Match on [`code`](Self::code) to tell the
/// documented cases apart:
///
/// ```
/// # #[cfg(feature = "imopenlines")] {
/// use bitrix24_api::imopenlines::{SessionOpenError, SessionOpenErrorCode};
///
/// fn advice(error: &SessionOpenError) -> String {
///     match &error.code {
///         SessionOpenErrorCode::AccessDenied => "ask an administrator".to_owned(),
///         other => format!("{other} (HTTP {}): {}", error.http_status, error.description),
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApiError<C> {
    /// The code (`error`, or REST 3.0's `error.code`): a documented variant, or the fallback that keeps
    /// the code as it arrived.
    pub code: C,
    /// What the portal said (`error_description`, or REST 3.0's `error.message`).
    pub description: String,
    /// The HTTP status the error arrived with, or 0 inside a batch response, which has none of its own.
    pub http_status: u16,
    /// REST 3.0's `error.validation`: the request fields it refused, and why. Empty otherwise.
    pub validation: Vec<Validation>,
}

/// One entry of a REST 3.0 error's `validation` list: a request field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Deserialize)]
#[non_exhaustive]
pub struct Validation {
    /// The field, as the request names it (`id`, `fields.title`); empty when the portal names none.
    #[serde(default)]
    pub field: String,
    /// The portal's message about it.
    #[serde(default)]
    pub message: String,
}

impl<C: ErrorCode> ApiError<C> {
    /// The error for a documented code, or `None` for any other code.
    pub fn from_wire(code: &str, description: &str, http_status: u16) -> Option<Self> {
        C::documented(code).map(|code| ApiError {
            code,
            description: description.to_owned(),
            http_status,
            validation: Vec::new(),
        })
    }
}

impl<C: ErrorCode> fmt::Display for ApiError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (HTTP {}): {}",
            self.code.as_str(),
            self.http_status,
            self.description
        )?;
        for Validation { field, message } in &self.validation {
            write!(f, "; `{field}`: {message}")?;
        }
        Ok(())
    }
}

impl<C: ErrorCode> std::error::Error for ApiError<C> {}

impl<C: FallbackCode> MethodError for ApiError<C> {
    fn from_documented(code: &str, description: &str, http_status: u16) -> Option<Self> {
        Self::from_wire(code, description, http_status)
    }

    fn fallback(code: String, description: String, http_status: u16) -> Self {
        ApiError {
            code: C::other(code),
            description,
            http_status,
            validation: Vec::new(),
        }
    }

    fn code(&self) -> &str {
        self.code.as_str()
    }

    fn with_validation(self, validation: Vec<Validation>) -> Self {
        ApiError { validation, ..self }
    }
}

/// Implements an enum of documented error codes: [`ErrorCode`] (wire code ↔ variant), `as_str` and
/// `Display` (the wire code). The enum itself is written out beside the call, with a doc comment per code, and ends in
/// `Other(String)`, which keeps any code the page does not document ([`FallbackCode`]). With `closed`
/// in front, the enum has no such variant (the platform's own error codes, where an unknown code is left
/// to the method instead).
///
/// The method's error type is then `ApiError<TheCodeEnum>`, which `=> Name of "method.name"` declares:
///
/// ```
/// use bitrix24_api::{Error, MethodError};
///
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// #[non_exhaustive]
/// pub enum OpenErrorCode {
///     /// `CHAT_ID_EMPTY`
///     ChatIdEmpty,
///     /// A code the page does not document, as it arrived.
///     Other(String),
/// }
/// bitrix24_api::error_codes!(
///     OpenErrorCode { ChatIdEmpty = "CHAT_ID_EMPTY" } => OpenError of "imopenlines.session.open"
/// );
///
/// // How the runtime resolves an envelope: documented code, then system error, then `Other`.
/// let documented = Error::<OpenError>::from_envelope("CHAT_ID_EMPTY", "Chat ID can't be empty", 400);
/// let Error::Method(OpenError { code: OpenErrorCode::ChatIdEmpty, http_status: 400, .. }) = &documented
/// else { panic!("{documented:?}") };
/// assert_eq!(documented.to_string(), "CHAT_ID_EMPTY (HTTP 400): Chat ID can't be empty");
///
/// let other = OpenError::fallback("NEW_CODE".into(), "new".into(), 500);
/// assert_eq!(other.code, OpenErrorCode::Other("NEW_CODE".into()));
/// assert_eq!((other.code.as_str(), other.code()), ("NEW_CODE", "NEW_CODE"));
/// ```
#[macro_export]
macro_rules! error_codes {
    (@display $name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    (closed $name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $crate::ErrorCode for $name {
            fn documented(code: &str) -> ::std::option::Option<Self> {
                match code {
                    $($wire => ::std::option::Option::Some(Self::$variant),)*
                    _ => ::std::option::Option::None,
                }
            }

            fn as_str(&self) -> &str {
                $name::as_str(self)
            }
        }

        impl $name {
            /// The code as it goes over the wire (`error`).
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                }
            }
        }

        $crate::error_codes!(@display $name);
    };
    (
        $name:ident { $($variant:ident = $wire:literal),* $(,)? }
        $(=> $error:ident of $method:literal)?
    ) => {
        $(
            #[doc = concat!(
                "An error of `", $method, "`: its [code](", stringify!($name),
                "), the description and the HTTP status it arrived with."
            )]
            pub type $error = $crate::ApiError<$name>;
        )?

        impl $crate::ErrorCode for $name {
            fn documented(code: &str) -> ::std::option::Option<Self> {
                match code {
                    $($wire => ::std::option::Option::Some(Self::$variant),)*
                    _ => ::std::option::Option::None,
                }
            }

            fn as_str(&self) -> &str {
                $name::as_str(self)
            }
        }

        impl $name {
            /// The code as it goes over the wire (`error`).
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Other(code) => code,
                }
            }
        }

        impl $crate::FallbackCode for $name {
            fn other(code: ::std::string::String) -> Self {
                Self::Other(code)
            }
        }

        $crate::error_codes!(@display $name);
    };
}
