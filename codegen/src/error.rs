//! What can go wrong turning the IR into code: always a fact about the IR, never a bug to panic on.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("{page}: {message}")]
    Page { page: String, message: String },
    #[error("{scope}: two items are both named `{name}` ({first} and {second})")]
    Collision {
        scope: String,
        name: String,
        first: String,
        second: String,
    },
    #[error("the generated code for {file} does not parse: {source}")]
    Syntax { file: String, source: syn::Error },
}

impl Error {
    pub(crate) fn page(page: &str, message: impl Into<String>) -> Self {
        Error::Page {
            page: page.to_owned(),
            message: message.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
