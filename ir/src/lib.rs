//! The API schema (IR): what a docs page says, as plain data.
//!
//! Every type here is serde with `deny_unknown_fields` and ordered containers, so that the JSON
//! form is deterministic and a stale or hand-edited IR file fails loudly. `schemars` derives the
//! JSON Schema committed as `ir/schema.json`.
//!
//! The parser (`bitrix24-spec`) writes this; codegen and the simulator read it, and neither needs the
//! parser. The IR of `api-spec/pages` is committed under `ir/spec/`, one file per scope, so that a
//! docs change shows up as a small diff in the scope it touches.

use std::collections::BTreeMap;

mod committed;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The parsed form of a whole set of pages: the input of codegen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Pages ordered by path.
    pub pages: Vec<Page>,
}

/// Where a node was read from: a page path relative to the docs root and a 1-based line.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub path: String,
    pub line: u32,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    Method,
    Event,
    Index,
    /// A file under `_includes/`: only meaningful when included into a page.
    Fragment,
    Other,
}

impl PageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Method => "method",
            PageKind::Event => "event",
            PageKind::Index => "index",
            PageKind::Fragment => "fragment",
            PageKind::Other => "other",
        }
    }
}

/// The upstream page an api-spec page mirrors, from its front matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    pub path: String,
    pub commit: String,
}

/// One documentation page, read into its facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Path relative to the docs root, with `/` separators.
    pub path: String,
    pub kind: PageKind,
    /// The H1 text without its name token decorations.
    pub title: String,
    /// Method or event names found in the H1, as written.
    pub names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream: Option<Upstream>,
    pub scopes: Vec<String>,
    /// Who may call the method (or subscribe to the event), as the page words it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who_can: Option<String>,
    /// The introduction, as Markdown.
    pub description: String,
    pub deprecated: bool,
    /// The docs say the method belongs to REST 3.0 (called at `/rest/api/`), in a note linking its overview.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rest_v3: bool,
    /// What the docs name in the method's place, in their deprecation note.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaced_by: Vec<Link>,
    /// The page carries a `{% if build == 'dev' %}` block, which never reaches the published docs.
    pub dev_only: bool,
    /// Top-level request parameters with their nested fields. Empty when the method takes none.
    pub params: Vec<Field>,
    /// Constraints between parameters that the page states in prose ("pass one of `A` or `B`").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub param_groups: Vec<ParamGroup>,
    /// What the parameters sections say in prose besides their tables (limits, defaults, advice),
    /// each with the anchor of the subsection it stands in (`None`: the section itself).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub param_notes: Vec<ProseNote>,
    /// Request bodies shown in the code examples.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_examples: Vec<Example>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Response>,
    pub errors: Vec<ErrorCase>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_examples: Vec<Example>,
    pub error_envelope: ErrorEnvelope,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<EventPayload>,
    pub see_also: Vec<Link>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Spec {
    /// The pages split by the file they are committed in ([`Page::partition`]), each part in path order.
    pub fn partitions(&self) -> BTreeMap<String, Spec> {
        let mut parts: BTreeMap<String, Spec> = BTreeMap::new();
        for page in &self.pages {
            parts
                .entry(page.partition())
                .or_insert_with(|| Spec { pages: Vec::new() })
                .pages
                .push(page.clone());
        }
        parts
    }

    /// Parts joined back into one spec, pages ordered by path.
    pub fn joined(parts: impl IntoIterator<Item = Spec>) -> Spec {
        let mut pages: Vec<Page> = parts.into_iter().flat_map(|p| p.pages).collect();
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        Spec { pages }
    }
}

/// The committed IR of `api-spec/pages`, as `cargo xtask generate` wrote it under `ir/spec/`.
pub fn committed() -> Spec {
    Spec::joined(committed::PARTS.iter().map(|(name, text)| {
        serde_json::from_str(text).unwrap_or_else(|e| {
            panic!("ir/spec/{name}.json is written by `cargo xtask generate`: {e}")
        })
    }))
}

impl Page {
    /// The file stem this page's IR is committed under: its first scope, or `common` for pages that
    /// name none (shared fragments).
    pub fn partition(&self) -> String {
        let scope: String = self
            .scopes
            .first()
            .map(|s| {
                s.chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_lowercase()
                        } else {
                            '_'
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        if scope.is_empty() {
            "common".to_owned()
        } else {
            scope
        }
    }

    /// Every field of the page (parameters, result, event payload), depth first.
    pub fn all_fields(&self) -> impl Iterator<Item = &Field> {
        let roots = self
            .params
            .iter()
            .chain(self.response.iter().flat_map(|r| r.fields.iter()))
            .chain(self.event.iter().flat_map(|e| e.fields.iter()));
        roots.flat_map(Field::walk)
    }
}

/// The successful response of a method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Response {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub examples: Vec<Example>,
    /// The root "Returned Data" rows (`result`, `time`, ...), with nested fields resolved.
    pub fields: Vec<Field>,
    /// `result` may also arrive wrapped once more, as `{"result": …}` (set by an override where the
    /// table and the example disagree that way).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub result_also_wrapped: bool,
}

impl Response {
    /// Whether the examples show the reply's envelope (`result`, `time`). A page none of whose
    /// examples does shows the result alone.
    pub fn shows_envelope(&self) -> bool {
        self.values()
            .any(|v| v.get("result").is_some() || v.get("time").is_some())
    }

    /// The `result` each example shows: its envelope's, or on a page without envelopes the object
    /// itself. Beside envelopes, a block without one samples a nested structure and gives none.
    pub fn results(&self) -> Vec<&serde_json::Value> {
        let enveloped = self.shows_envelope();
        self.values()
            .filter_map(|v| match enveloped {
                true => v.get("result"),
                false => v.is_object().then_some(v),
            })
            .collect()
    }

    fn values(&self) -> impl Iterator<Item = &serde_json::Value> {
        self.examples.iter().filter_map(|e| e.value.as_ref())
    }
}

/// What an event handler receives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventPayload {
    pub examples: Vec<Example>,
    pub fields: Vec<Field>,
}

/// One row of a field table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: FieldName,
    pub required: Required,
    #[serde(rename = "type")]
    pub ty: TypeExpr,
    /// The description cell, as Markdown.
    pub description: String,
    /// The values the description lists as the only ones possible (`Y`/`N`, `evenly`/`strictly`/...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Further columns by their header (`Example`, `Default`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
    /// Set when the description says the object's keys are ids ("keyed by user ID"): the object is a map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyed_by: Option<KeyedBy>,
    /// A more precise type than the type column's, read from the description ("IDs of the users" on a bare
    /// `array` is `integer[]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prose_type: Option<ProseType>,
    /// How the nested fields were found, when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children_via: Option<ChildLink>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Field>,
    pub source: Source,
}

impl Field {
    /// A row with only a name and a type: what corrections and prose rules add where the docs' tables
    /// have no row of their own.
    pub fn bare(name: FieldName, ty: TypeExpr, source: Source) -> Field {
        Field {
            name,
            required: Required::No,
            ty,
            description: String::new(),
            values: Vec::new(),
            extra: BTreeMap::new(),
            keyed_by: None,
            prose_type: None,
            children_via: None,
            children: Vec::new(),
            source,
        }
    }

    /// This field and all its descendants, depth first.
    pub fn walk(&self) -> Box<dyn Iterator<Item = &Field> + '_> {
        Box::new(std::iter::once(self).chain(self.children.iter().flat_map(Field::walk)))
    }
}

/// An object whose keys are ids, read from the description (see the parser's rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyedBy {
    /// What a key stands for, as the page words it (`user ID`).
    pub key: String,
    /// The values' type when the prose gives it and no table describes the values (`boolean`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<TypeExpr>,
    /// The parser rule that read it.
    pub rule: String,
}

/// A type read from a description, with the rule that read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProseType {
    #[serde(rename = "type")]
    pub ty: TypeExpr,
    pub rule: String,
}

/// Parameters of which the page says how many may or must be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamGroup {
    pub kind: GroupKind,
    /// Wire names of the parameters, in the page's order.
    pub params: Vec<String>,
    /// The parser rule that read it.
    pub rule: String,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// Exactly one of them.
    OneOf,
    /// One or more of them.
    AtLeastOne,
    /// No more than one of them (the page recommends a single one).
    AtMostOne,
}

impl GroupKind {
    /// How the constraint reads in a sentence: "exactly one of".
    pub fn phrase(self) -> &'static str {
        match self {
            GroupKind::OneOf => "exactly one of",
            GroupKind::AtLeastOne => "at least one of",
            GroupKind::AtMostOne => "at most one of",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldName {
    /// The name as it goes over the wire (`USER_CODE`, `<messageId>`, `UF_...`, `result.bot`).
    pub wire: String,
    pub kind: NameKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(
    rename_all = "snake_case",
    tag = "kind",
    content = "parts",
    deny_unknown_fields
)]
pub enum NameKind {
    Plain,
    /// A placeholder standing for any key, such as `<messageId>`: the object is a map.
    Placeholder,
    /// A family of names, such as `UF_...`.
    Wildcard,
    /// A dotted or bracketed path such as `result.bot` or `result.events[].eventId`.
    Path(Vec<String>),
    /// Alternative names for one field, such as `CALENDAR_EVENT|UF_CRM_CAL_EVENT`.
    Aliases(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(
    rename_all = "snake_case",
    tag = "marker",
    content = "note",
    deny_unknown_fields
)]
pub enum Required {
    No,
    /// `**NAME***`
    Star,
    /// `**NAME**^*^` or `**NAME^*^**`
    Superscript,
    /// Another marker (such as `**`) that points at a footnote rather than meaning "required".
    Footnote(String),
    /// No marker, but the parent's description says the field is required; the note names the rule.
    Prose(String),
}

impl Required {
    pub fn is_required(&self) -> bool {
        matches!(
            self,
            Required::Star | Required::Superscript | Required::Prose(_)
        )
    }
}

/// A type as written in a field table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "form", deny_unknown_fields)]
pub enum TypeExpr {
    Named {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link: Option<String>,
    },
    Array {
        item: Box<TypeExpr>,
    },
    Union {
        members: Vec<TypeExpr>,
    },
    /// Text that is not a recognisable type, kept as written.
    Unknown {
        raw: String,
    },
    /// The row gives no type.
    Missing,
}

impl TypeExpr {
    /// The named types mentioned, in order (`integer[]|string` gives `integer`, `string`).
    pub fn names(&self) -> Vec<&str> {
        match self {
            TypeExpr::Named { name, .. } => vec![name.as_str()],
            TypeExpr::Array { item } => item.names(),
            TypeExpr::Union { members } => members.iter().flat_map(|m| m.names()).collect(),
            TypeExpr::Unknown { .. } | TypeExpr::Missing => Vec::new(),
        }
    }

    /// A compact rendering such as `string|integer[]`, used for comparisons and summaries.
    pub fn render(&self) -> String {
        match self {
            TypeExpr::Named { name, .. } => name.clone(),
            TypeExpr::Array { item } => format!("{}[]", item.render()),
            TypeExpr::Union { members } => members
                .iter()
                .map(TypeExpr::render)
                .collect::<Vec<_>>()
                .join("|"),
            TypeExpr::Unknown { raw } => format!("?{raw}"),
            TypeExpr::Missing => String::new(),
        }
    }
}

/// How a row's nested fields were found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(
    rename_all = "snake_case",
    tag = "via",
    content = "target",
    deny_unknown_fields
)]
pub enum ChildLink {
    /// A link in the description to a local `{#anchor}`.
    Anchor(String),
    /// The type itself links to a local anchor.
    TypeLink(String),
    /// A heading naming the field, found without an anchor.
    Heading(String),
    /// Rows listed between `result` and `time` in a root "Returned Data" table.
    Flattened,
    /// Rows named `parent.child`.
    Dotted,
    /// A table on another page (`page.md#anchor`).
    CrossPage(String),
    /// Keys shown in the description itself (`{"url": "…"}`, PHP's `array('url' => …)`); the note names
    /// the rule.
    Inline(String),
}

/// A JSON example, parsed strictly, or repaired, or kept raw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub source: Source,
    /// The HTTP status the page states for this example, when it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub validity: Validity,
    /// The repairs applied before the text parsed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repairs: Vec<Repair>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// The text as written, kept when it did not parse as it stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Valid,
    Repaired,
    Invalid,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Repair {
    StripComments,
    DropEllipsis,
    /// A line of prose among the values (`48 more leads like these`).
    DropProseLines,
    DropTrailingCommas,
    /// A comma missing between a value and the next key on the following line.
    InsertMissingCommas,
    /// Line breaks, tabs and stray backslashes written raw inside a string.
    EscapeInStrings,
}

/// Prose of a parameters section, as Markdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProseNote {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    pub text: String,
    pub source: Source,
}

/// One documented error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorCase {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub code: ErrorCode,
    /// The literal `error_description` the platform sends, where the page gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// What the error means, as Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(
    rename_all = "snake_case",
    tag = "form",
    content = "value",
    deny_unknown_fields
)]
pub enum ErrorCode {
    /// A code in backticks or plain capitals, as sent in `error`.
    Code(String),
    /// Words in place of a code ("Empty string", "Depends on ...").
    Prose(String),
    Empty,
}

impl ErrorCode {
    pub fn code(&self) -> Option<&str> {
        match self {
            ErrorCode::Code(c) => Some(c),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorEnvelope {
    /// `{"error": "...", "error_description": "..."}`
    Classic,
    /// REST 3.0: `{"error": {"code", "message", "validation": [...]}}`
    V3,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub text: String,
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagnostic {
    pub source: Source,
    pub level: Level,
    pub kind: DiagnosticKind,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.source.path,
            self.source.line,
            self.kind.as_str(),
            self.message
        )
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Something the parser could not read; the fact it carries is lost or doubtful.
    Error,
    /// Something odd in the page that the parser read around.
    Warning,
}

macro_rules! diagnostic_kinds {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// What a diagnostic is about. The snake_case names are part of the `corpus --json` contract.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum DiagnosticKind { $($variant),* }

        impl DiagnosticKind {
            pub const ALL: &'static [DiagnosticKind] = &[$(DiagnosticKind::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(DiagnosticKind::$variant => $name),* }
            }
        }
    };
}

diagnostic_kinds! {
    OrphanText => "orphan_text",
    RaggedRow => "ragged_row",
    EmptyRow => "empty_row",
    UnclosedTable => "unclosed_table",
    UnclosedDirective => "unclosed_directive",
    UnclosedFence => "unclosed_fence",
    StrayDirective => "stray_directive",
    MissingInclude => "missing_include",
    UnresolvedReference => "unresolved_reference",
    UnknownType => "unknown_type",
    MissingType => "missing_type",
    MissingName => "missing_name",
    DuplicateField => "duplicate_field",
    InvalidJson => "invalid_json",
    RepairedJson => "repaired_json",
    NameMismatch => "name_mismatch",
    NoMethodName => "no_method_name",
    UnrecognisedTable => "unrecognised_table",
    BadFrontMatter => "bad_front_matter",
}
