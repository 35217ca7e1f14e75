//! The contract between generated method types and the runtime.

use std::fmt::{Debug, Display};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A REST method: its request type implements this, and the runtime needs nothing else to call it.
pub trait Method: Serialize + Send + Sync {
    /// The wire name, such as `"imopenlines.session.open"`.
    const NAME: &'static str;
    /// The permission scope the method belongs to.
    const SCOPE: &'static str;
    /// Whether calling the method twice has the same effect as calling it once, so that a
    /// transport failure may be retried.
    const SAFE_TO_REPEAT: bool;
    /// Whether the method is called through REST 3.0, at `/rest/api/`: its errors arrive as
    /// `{"error": {"code", "message", "validation"}}`, it cannot go in a batch of the classic API, and a
    /// call that is not safe to repeat carries an `Idempotency-Key`, so that a retry is answered with the
    /// first call's stored response instead of running again.
    const REST_V3: bool = false;
    /// The type of the envelope's `result`: a scalar result is the scalar (`bool`, `i64`), not a wrapper.
    type Response: Send + 'static;
    /// How `result` is read from the wire: [`wire::Same`](crate::wire::Same) for a type that decodes as it stands,
    /// or one of [`wire`](crate::wire)'s lenient adapters for a scalar the portal sends in several shapes
    /// (`true`, `"Y"` or `1` for a boolean).
    type Wire: for<'de> serde_with::DeserializeAs<'de, Self::Response>;
    /// The method's documented errors.
    type Error: MethodError;
}

/// A method's `result` read as the client reads it, through its [`Method::Wire`]: for decoding a `result`
/// you hold yourself, such as one from [`lossless`](crate::lossless) or a stored answer.
pub struct Decoded<M: Method>(pub M::Response);

impl<'de, M: Method> serde::Deserialize<'de> for Decoded<M> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde_with::DeserializeAs as _;
        M::Wire::deserialize_as(deserializer).map(Decoded)
    }
}

/// A method's error enum: one variant per documented code plus a fallback that keeps what arrived.
///
/// `http_status` is 0 for an error reported inside a batch response, which carries no status of its own.
pub trait MethodError: Debug + Display + Send + Sync + 'static {
    /// A documented code of this method, or None.
    fn from_documented(code: &str, description: &str, http_status: u16) -> Option<Self>
    where
        Self: Sized;
    /// The fallback variant that keeps code, description and status.
    fn fallback(code: String, description: String, http_status: u16) -> Self
    where
        Self: Sized;
    /// The wire code (`error`).
    fn code(&self) -> &str;
    /// Adds REST 3.0's `validation` details; an error type without room for them drops them.
    fn with_validation(self, validation: Vec<crate::Validation>) -> Self
    where
        Self: Sized,
    {
        let _ = validation;
        self
    }
}

/// An event: its payload type implements this.
pub trait Event: DeserializeOwned + Send + 'static {
    /// The event code as delivered, such as `"ONSESSIONSTART"`.
    const NAME: &'static str;
    /// The permission scope the event belongs to.
    const SCOPE: &'static str;
}

/// The error type of a method without documented errors (such as `batch`): every code lands in the
/// fallback, which keeps what arrived.
pub type UndocumentedError = crate::ApiError<String>;

/// Implements [`Method`] for a generated request and gives it [`request!`](crate::request)'s
/// constructor and setters; each setter is also on the method's [`Call`](crate::Call), so that
/// optional parameters are set on the call itself: `client.imopenlines().config_get(1).with_queue(true)`.
/// `(v3)` after the wire name marks a REST 3.0 method ([`Method::REST_V3`]).
///
/// `crate::Call` is the calling crate's: inherent methods can only be added to a type where it is
/// defined, so this crate's generated code reaches [`Call`](crate::Call), and the cursed-names test
/// its stand-in. The fields after `only` get a setter on the request alone, because the call has a
/// method of that name (`deadline`, `request`, `with`).
#[doc(hidden)]
#[macro_export]
#[allow(clippy::crate_in_macro_def)] // the caller's `Call`, on purpose (above)
macro_rules! method {
    (@wire) => { $crate::wire::Same };
    (@wire $adapter:ty) => { $adapter };
    (@api) => { false };
    (@api v3) => { true };
    (
        $name:ident = $wire:literal $(($api:ident))? in $scope:literal, safe: $safe:literal,
        $response:ty $(as $adapter:ty)?, $error:ty;
        ($($req:ident: $req_ty:ty),* $(,)?) { $($opt:ident: $opt_ty:ty),* $(,)? }
        $(only { $($own:ident: $own_ty:ty),* $(,)? })? $(rest $rest:ident)?
    ) => {
        impl $crate::Method for $name {
            const NAME: &'static str = $wire;
            const SCOPE: &'static str = $scope;
            const SAFE_TO_REPEAT: bool = $safe;
            const REST_V3: bool = $crate::method!(@api $($api)?);
            type Response = $response;
            type Wire = $crate::method!(@wire $($adapter)?);
            type Error = $error;
        }

        $crate::request!($name($($req: $req_ty),*) { $($opt: $opt_ty,)* $($($own: $own_ty),*)? } $(rest $rest)?);

        #[doc(hidden)]
        impl<'c> crate::Call<'c, $name> {
            $(
                /// Sets the request's field of this name.
                pub fn $opt(self, $opt: impl ::std::convert::Into<$opt_ty>) -> Self {
                    self.with(|request| request.$opt($opt))
                }
            )*
        }
    };
}

/// A generated request's `new`, which takes the required fields, and one setter per optional field
/// (declared `Option<T>`, set to `Some`). Arguments are `impl Into<T>`, so `"text"` passes for a
/// `String` and an `i32` for an `i64`. `rest` names the field that collects the keys the page leaves
/// open; it starts empty.
///
/// ```
/// #[derive(Debug, Default)]
/// #[non_exhaustive]
/// pub struct Queue { user_id: i64, name: Option<String> }
/// bitrix24_api::request!(Queue(user_id: i64) { name: String });
///
/// let queue = Queue::new(3).name("first");
/// assert_eq!((queue.user_id, queue.name.as_deref()), (3, Some("first")));
/// ```
#[macro_export]
macro_rules! request {
    (
        $name:ident($($req:ident: $req_ty:ty),* $(,)?) { $($opt:ident: $opt_ty:ty),* $(,)? }
        $(rest $rest:ident)?
    ) => {
        impl $name {
            /// A request with the required fields; set the others with the methods below.
            #[allow(clippy::too_many_arguments)]
            pub fn new($($req: impl ::std::convert::Into<$req_ty>),*) -> Self {
                Self {
                    $($req: $req.into(),)*
                    $($opt: ::std::option::Option::None,)*
                    $($rest: ::std::default::Default::default(),)?
                }
            }

            $(
                /// Sets the field of this name; the field's docs say what it means.
                pub fn $opt(mut self, $opt: impl ::std::convert::Into<$opt_ty>) -> Self {
                    self.$opt = ::std::option::Option::Some($opt.into());
                    self
                }
            )*
        }
    };
}
