//! IR → Rust source for `bitrix24-api`.
//!
//! `lower` decides every name, type and doc (`model`); `emit` turns that into tokens; `file`
//! formats them with prettyplease under the `@generated` header. Nothing here reads Markdown or touches the
//! file system: the caller (`cargo xtask generate`) writes what [`generate`] returns.

mod emit;
pub mod error;
mod file;
mod lower;
mod model;
pub mod names;
mod repeat;
mod typespace;

use bitrix24_ir::Spec;

pub use emit::GENERATED_DIR;
pub use error::{Error, Result};
pub use file::HEADER;
pub use model::Report;

/// A generated file: its path relative to the workspace root, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// What the generator takes besides the spec.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Corrections to the `SAFE_TO_REPEAT` verb rule: method name → safe (from `api-spec/overrides.toml`).
    pub safe_to_repeat: std::collections::BTreeMap<String, bool>,
}

/// The generated files and what could not be generated as the pages stand.
#[derive(Debug)]
pub struct Generated {
    /// Every file of `bitrix24-api/src/generated`, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// The scope modules, each also a Cargo feature of `bitrix24-api`.
    pub modules: Vec<String>,
    pub report: Report,
}

/// Generates without options (fixtures need none).
pub fn generate(spec: &Spec) -> Result<Generated> {
    generate_with(spec, &Options::default())
}

/// Generates `bitrix24-api/src/generated` from `spec`.
pub fn generate_with(spec: &Spec, options: &Options) -> Result<Generated> {
    let mut api = lower::api(spec, options)?;
    api.modules.iter_mut().try_for_each(typespace::share)?;
    let files = emit::api(&api, lower::SYSTEM_ERRORS_PAGE)
        .into_iter()
        .map(|f| {
            Ok(GeneratedFile {
                contents: file::render(&f.path, f.tokens)?,
                path: f.path,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Generated {
        files,
        modules: api.modules.iter().map(|m| m.name.clone()).collect(),
        report: api.report,
    })
}

/// Fails when a `SAFE_TO_REPEAT` correction of `options` names a method `spec` does not have, or no
/// longer changes anything. Run on the whole spec; fixtures legitimately lack those methods.
pub fn check_overrides(spec: &Spec, options: &Options) -> Result<()> {
    lower::check_overrides(spec, &options.safe_to_repeat)
}

/// Each module of `spec` as one self-contained file (`(module name, text)`), its method and event files
/// inlined. Used to generate and compile fixtures such as the cursed-names page; needs no system-errors page.
pub fn generate_inline(spec: &Spec) -> Result<Vec<(String, String)>> {
    let (mut modules, _) = lower::modules(spec, &Options::default())?;
    modules.iter_mut().try_for_each(typespace::share)?;
    modules
        .iter()
        .map(|m| {
            Ok((
                m.name.clone(),
                file::render(&m.name, emit::inline_module(m))?,
            ))
        })
        .collect()
}
