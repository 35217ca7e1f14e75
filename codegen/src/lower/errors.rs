//! Error tables → a method's error enum, and the system-errors page → `SystemError`.

use bitrix24_ir::{ErrorCase, ErrorCode, Page};

use crate::error::{Error, Result};
use crate::model::{ErrorDef, ErrorVariant, SystemErrorDef, SystemVariant};
use crate::names::{self, Namespace};

/// The page every method includes for the platform-level errors.
pub const SYSTEM_ERRORS_PAGE: &str = "_includes/system-errors.md";

/// One line of docs for a documented case.
fn case_line(case: &ErrorCase) -> String {
    let status = case
        .http_status
        .map(|s| format!("HTTP {s}"))
        .unwrap_or_else(|| "HTTP status not given".to_owned());
    let message = case
        .message
        .as_deref()
        .map(|m| format!(" “{}”", m.trim()))
        .unwrap_or_default();
    let meaning = case
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| format!(": {d}"))
        .unwrap_or_default();
    format!("{status}{message}{meaning}")
}

/// The variant name for a code, or an error naming the page when the code has no letters or digits.
fn variant_name(page: &str, ns: &mut Namespace, code: &str) -> Result<String> {
    let pascal = names::pascal(code)
        .ok_or_else(|| Error::page(page, format!("error code `{code}` gives no name")))?;
    Ok(ns.claim(&pascal, code, ""))
}

/// The method's own documented errors (the system errors included into the page are left to `SystemError`).
/// A code that gives no variant name (such as `-`) is kept for the docs only, and recorded in `degraded`.
pub fn method_errors(
    page: &Page,
    name: String,
    code_name: String,
    degraded: &mut Vec<Error>,
) -> ErrorDef {
    let mut ns = Namespace::default();
    ns.reserve("Other");
    let mut variants: Vec<ErrorVariant> = Vec::new();
    let mut uncoded = Vec::new();
    for case in page
        .errors
        .iter()
        .filter(|c| c.source.path != SYSTEM_ERRORS_PAGE)
    {
        match &case.code {
            ErrorCode::Code(code) => match variants.iter_mut().find(|v| &v.code == code) {
                Some(v) => v.cases.push(case_line(case)),
                None => match names::pascal(code) {
                    Some(pascal) => variants.push(ErrorVariant {
                        name: ns.claim(&pascal, code, ""),
                        code: code.clone(),
                        cases: vec![case_line(case)],
                    }),
                    None => {
                        degraded.push(Error::page(
                            &page.path,
                            format!(
                                "line {}: error code `{code}` gives no name; kept in the docs only",
                                case.source.line
                            ),
                        ));
                        uncoded.push(format!("`{code}`: {}", case_line(case)));
                    }
                },
            },
            ErrorCode::Prose(words) => uncoded.push(format!("{words}: {}", case_line(case))),
            ErrorCode::Empty => uncoded.push(case_line(case)),
        }
    }
    ErrorDef {
        name,
        code_name,
        variants,
        uncoded,
    }
}

/// `SystemError`, from the system-errors page.
pub fn system_errors(page: &Page) -> Result<SystemErrorDef> {
    let mut ns = Namespace::default();
    let mut variants: Vec<SystemVariant> = Vec::new();
    for case in &page.errors {
        let ErrorCode::Code(code) = &case.code else {
            return Err(Error::page(
                &page.path,
                format!("line {}: a system error without a code", case.source.line),
            ));
        };
        if variants.iter().any(|v| &v.code == code) {
            return Err(Error::page(
                &page.path,
                format!("line {}: `{code}` is listed twice", case.source.line),
            ));
        }
        let name = variant_name(&page.path, &mut ns, code)?;
        variants.push(SystemVariant {
            name,
            code: code.clone(),
            doc: case_line(case),
        });
    }
    Ok(SystemErrorDef {
        doc: page.description.trim().to_owned(),
        variants,
    })
}
