//! Corrections to the docs, kept as data (`api-spec/overrides.toml`) rather than baked into pages.
//!
//! Each correction names the upstream fact it corrects (`expect`) and why. Applying it checks that
//! fact first, so a correction fails loudly as soon as the docs change under it, and one that
//! matches nothing is an error too.

use serde::Deserialize;

use crate::cells::type_expr;
use crate::ir::{ChildLink, ErrorCase, ErrorCode, Field, FieldName, Page, Source, Spec, TypeExpr};

/// The committed corrections.
pub const COMMITTED: &str = include_str!("../overrides.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    #[serde(default, rename = "correction")]
    pub corrections: Vec<Correction>,
    /// `[[undocumented_key]]`: example keys the tables leave out. bitrix24-api's conformance test
    /// reads and checks them; the IR does not change.
    #[serde(default, rename = "undocumented_key")]
    pub undocumented_keys: serde::de::IgnoredAny,
    /// Methods whose verb misleads codegen's `SAFE_TO_REPEAT` rule; codegen checks them against it.
    #[serde(default)]
    pub safe_to_repeat: Vec<SafeToRepeat>,
}

/// Whether a method may be repeated after a transport failure, where its verb says otherwise.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafeToRepeat {
    /// The method name.
    pub method: String,
    pub safe: bool,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// The method or event name.
    pub target: String,
    /// `params.X`, `response.result.Y`, `event.data.Z`; `response` alone for the root of the result.
    pub field: String,
    /// The fact as the docs state it: the field's type (`integer`, `object[]`), or for
    /// `wrap_in_result` the root rows, comma-separated.
    pub expect: String,
    /// The type the platform really uses, in table notation (`object`, `integer|string`).
    #[serde(default)]
    pub set_type: Option<String>,
    /// Fields the docs leave out, as `name = "type"`.
    #[serde(default)]
    pub add_children: Vec<NewField>,
    /// The root rows sit inside `result` on the wire although the table lists them at the top.
    #[serde(default)]
    pub wrap_in_result: bool,
    /// `result` (`field = "response.result"`) arrives as the table says or wrapped once more in
    /// `{"result": …}`, as the example shows it; both decode.
    #[serde(default)]
    pub also_wrapped: bool,
    /// Errors the platform sends that the page's table leaves out (`field = "errors"`).
    #[serde(default)]
    pub add_errors: Vec<NewError>,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewError {
    pub code: String,
    pub status: u16,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewField {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
}

impl Overrides {
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| format!("overrides.toml: {e}"))
    }

    pub fn committed() -> Result<Self, String> {
        Self::parse(COMMITTED)
    }

    /// Applies every correction; all failures are reported together.
    pub fn apply(&self, spec: &mut Spec) -> Result<(), Vec<String>> {
        let errors: Vec<String> = self
            .corrections
            .iter()
            .filter_map(|c| c.apply(spec).err())
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The correction that explains a drift in `fact` of `target` to the upstream value `upstream`.
    pub fn explains(
        &self,
        target: &str,
        fact: &str,
        upstream: Option<&str>,
    ) -> Option<&Correction> {
        self.corrections.iter().find(|c| {
            c.target == target
                && fact == format!("{}.type", c.field)
                && upstream == Some(c.expect.as_str())
        })
    }
}

impl Correction {
    fn apply(&self, spec: &mut Spec) -> Result<(), String> {
        let fail = |msg: String| {
            format!(
                "override for {} `{}` ({}): {msg}",
                self.target, self.field, self.reason
            )
        };
        let page = spec
            .pages
            .iter_mut()
            .find(|p| p.names.iter().any(|n| n == &self.target) || p.path == self.target)
            .ok_or_else(|| fail("no page has this name any more".into()))?;
        let source = Source {
            path: "api-spec/overrides.toml".into(),
            line: 0,
        };
        if self.field == "errors" {
            return add_errors(page, &self.expect, &self.add_errors, source).map_err(fail);
        }
        if self.wrap_in_result {
            return wrap_in_result(page, &self.expect, source).map_err(fail);
        }
        let field =
            find_field(page, &self.field).ok_or_else(|| fail("the field is gone".into()))?;
        let now = field.ty.render();
        if now != self.expect {
            return Err(fail(format!(
                "the docs now say `{now}` where this expects `{}`; review and update it",
                self.expect
            )));
        }
        if let Some(ty) = &self.set_type {
            field.ty = parse_type(ty).map_err(fail)?;
        }
        for new in &self.add_children {
            if field.children.iter().any(|c| c.name.wire == new.name) {
                return Err(fail(format!(
                    "`{}` is documented now; drop it from the override",
                    new.name
                )));
            }
            field.children.push(new_field(
                &new.name,
                parse_type(&new.ty).map_err(fail)?,
                source.clone(),
            ));
        }
        if self.also_wrapped {
            if self.field != "response.result" {
                return Err(fail(
                    "`also_wrapped` applies to `response.result` only".into(),
                ));
            }
            if let Some(response) = page.response.as_mut() {
                response.result_also_wrapped = true;
            }
        }
        Ok(())
    }
}

fn parse_type(text: &str) -> Result<TypeExpr, String> {
    let code = text
        .split('|')
        .map(|t| format!("`{}`", t.trim()))
        .collect::<Vec<_>>()
        .join(" \\| ");
    match type_expr(&code) {
        TypeExpr::Unknown { raw } => Err(format!("cannot read the type `{raw}`")),
        t => Ok(t),
    }
}

fn new_field(name: &str, ty: TypeExpr, source: Source) -> Field {
    let name = FieldName {
        wire: name.into(),
        kind: crate::cells::name_kind(name),
    };
    Field::bare(name, ty, source)
}

fn find_field<'p>(page: &'p mut Page, path: &str) -> Option<&'p mut Field> {
    let (root, rest) = path.split_once('.')?;
    let fields = match root {
        "params" => &mut page.params,
        "response" => &mut page.response.as_mut()?.fields,
        "event" => &mut page.event.as_mut()?.fields,
        _ => return None,
    };
    find_in(fields, rest)
}

fn find_in<'f>(fields: &'f mut [Field], path: &str) -> Option<&'f mut Field> {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let field = fields.iter_mut().find(|f| f.name.wire == head)?;
    match rest {
        Some(rest) => find_in(&mut field.children, rest),
        None => Some(field),
    }
}

/// `expect` lists codes that must stay absent from the table: once the docs add one, the override goes.
fn add_errors(
    page: &mut Page,
    expect: &str,
    new: &[NewError],
    source: Source,
) -> Result<(), String> {
    for code in expect.split(',').map(str::trim) {
        if page.errors.iter().any(|e| e.code.code() == Some(code)) {
            return Err(format!(
                "the docs list `{code}` now; drop it from the override"
            ));
        }
    }
    for e in new {
        page.errors.push(ErrorCase {
            http_status: Some(e.status),
            code: ErrorCode::Code(e.code.clone()),
            message: Some(e.message.clone()),
            description: None,
            source: source.clone(),
        });
    }
    Ok(())
}

fn wrap_in_result(page: &mut Page, expect: &str, source: Source) -> Result<(), String> {
    let response = page
        .response
        .as_mut()
        .ok_or("the page has no response any more")?;
    let roots: Vec<&str> = response
        .fields
        .iter()
        .map(|f| f.name.wire.as_str())
        .collect();
    if roots.join(",") != expect {
        return Err(format!(
            "the root rows are now `{}` where this expects `{expect}`",
            roots.join(",")
        ));
    }
    let (time, inner): (Vec<Field>, Vec<Field>) = response
        .fields
        .drain(..)
        .partition(|f| f.name.wire == "time");
    let mut result = new_field(
        "result",
        TypeExpr::Named {
            name: "object".into(),
            link: None,
        },
        source,
    );
    result.children = inner;
    result.children_via = Some(ChildLink::Flattened);
    response.fields = std::iter::once(result).chain(time).collect();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::include::Loader;

    struct NoFiles;
    impl Loader for NoFiles {
        fn load(&self, _: &str) -> Option<String> {
            None
        }
    }

    fn spec() -> Spec {
        let page = "# T a.b\n\n## Response Handling\n\n### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **result**\n[`boolean`](x) | r ||\n|| **time**\n[`time`](x) | t ||\n|#\n";
        Spec {
            pages: vec![crate::parse_page("p.md", page, &NoFiles)],
        }
    }

    #[test]
    fn a_correction_applies_when_its_fact_holds_and_fails_when_it_changed() {
        let text = "[[correction]]\ntarget = \"a.b\"\nfield = \"response.result\"\nexpect = \"boolean\"\nset_type = \"object\"\nadd_children = [{ name = \"result\", type = \"boolean\" }]\nreason = \"the example returns an object\"\n";
        let o = Overrides::parse(text).unwrap();
        let mut s = spec();
        o.apply(&mut s).unwrap();
        let result = &s.pages[0].response.as_ref().unwrap().fields[0];
        assert_eq!(result.ty.render(), "object");
        assert_eq!(result.children[0].name.wire, "result");
        // Applied again, the fact it corrects is no longer there: it must fail loudly.
        let err = o.apply(&mut s).unwrap_err();
        assert!(err[0].contains("the docs now say `object`"), "{err:?}");
    }

    #[test]
    fn unknown_keys_and_missing_targets_are_errors() {
        assert!(Overrides::parse("[[correction]]\nbogus = 1\n").is_err());
        let undocumented = "[[undocumented_key]]\npage = \"a.md\"\nline = 3\npath = \"result.X\"\nreason = \"r\"\n";
        assert!(
            Overrides::parse(undocumented).is_ok(),
            "the conformance test's table"
        );
        assert!(Overrides::parse("[[safe_to_repeat]]\nmethod = \"a.b\"\nsafe = true\n").is_err());
        let o = Overrides::parse("[[correction]]\ntarget = \"x.y\"\nfield = \"params.A\"\nexpect = \"string\"\nreason = \"r\"\n").unwrap();
        assert!(o.apply(&mut spec()).unwrap_err()[0].contains("no page"));
    }

    #[test]
    fn wrap_in_result_checks_the_root_rows() {
        let o = Overrides::parse("[[correction]]\ntarget = \"a.b\"\nfield = \"response\"\nexpect = \"result,time\"\nwrap_in_result = true\nreason = \"r\"\n").unwrap();
        let mut s = spec();
        o.apply(&mut s).unwrap();
        let fields = &s.pages[0].response.as_ref().unwrap().fields;
        assert_eq!(
            fields
                .iter()
                .map(|f| f.name.wire.as_str())
                .collect::<Vec<_>>(),
            vec!["result", "time"]
        );
        assert_eq!(fields[0].children[0].name.wire, "result");
    }

    #[test]
    fn the_committed_overrides_apply_to_our_pages() {
        let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/pages"));
        let mut spec = crate::parse_spec(root).unwrap();
        Overrides::committed().unwrap().apply(&mut spec).unwrap();
    }
}
