//! What the generator emits, decided: Rust names, Rust types and docs, with no tokens yet.
//!
//! [`crate::lower`] builds this from the IR; [`crate::emit`] turns it into tokens. Keeping the two apart means
//! every naming and typing decision is made once, before any code is written.

/// Everything generated from one spec.
#[derive(Debug)]
pub struct Api {
    pub modules: Vec<Module>,
    pub system: SystemErrorDef,
    pub report: Report,
}

/// What the generator could not take from the pages as they stand. Generation goes on regardless: a page
/// that cannot be lowered is left out, and a row that cannot be read costs only that row.
#[derive(Debug, Default)]
pub struct Report {
    /// Pages left out, each with its reason.
    pub skipped: Vec<crate::Error>,
    /// Rows left out, or kept for the docs only, each naming its page and line.
    pub degraded: Vec<crate::Error>,
    /// Fields whose examples contradict their tables, typed as the examples show.
    pub followed: Vec<crate::Error>,
    /// Request fields no table row names, added because the page's request example sends them.
    pub example_only: Vec<crate::Error>,
}

/// One Cargo feature and one module: the methods and events whose names start with `name`.
#[derive(Debug)]
pub struct Module {
    /// Module and feature name, such as `imopenlines`.
    pub name: String,
    pub methods: Vec<MethodDef>,
    pub events: Vec<EventDef>,
    /// Types that several of its methods and events define alike, emitted once (see [`crate::typespace`]).
    pub shared: Shared,
}

/// The module's shared types, each with the page its docs come from.
#[derive(Debug, Default)]
pub struct Shared {
    pub structs: Vec<(String, StructDef)>,
    pub enums: Vec<(String, EnumDef)>,
}

impl Shared {
    pub fn type_names(&self) -> Vec<&str> {
        let structs = self.structs.iter().map(|(_, s)| s.name.as_str());
        structs
            .chain(self.enums.iter().map(|(_, e)| e.name.as_str()))
            .collect()
    }
}

/// A method's or event's own name for a type that now lives in the module's shared types. When the
/// shared type kept the name, the owner only imports it.
#[derive(Debug)]
pub struct Alias {
    pub name: String,
    pub target: String,
}

impl Alias {
    /// The names an owner defines (and re-exports) for its aliases: those that differ from the target.
    pub fn own_names(aliases: &[Alias]) -> impl Iterator<Item = &str> {
        aliases
            .iter()
            .filter(|a| a.name != a.target)
            .map(|a| a.name.as_str())
    }
}

/// What the docs page says, for rustdoc.
#[derive(Debug)]
pub struct PageDoc {
    /// Page path relative to the docs root.
    pub path: String,
    /// The official page, such as `https://apidocs.bitrix24.com/api-reference/…/x.html`.
    pub url: String,
    pub title: String,
    pub description: String,
    pub who_can: Option<String>,
    pub deprecated: bool,
    /// What the docs name in the item's place.
    pub replaced_by: Vec<bitrix24_ir::Link>,
    /// The docs say the method belongs to REST 3.0.
    pub rest_v3: bool,
}

#[derive(Debug)]
pub struct MethodDef {
    /// The wire name, such as `imopenlines.session.open`.
    pub wire: String,
    /// The permission scope as documented.
    pub scope: String,
    pub doc: PageDoc,
    /// The file and module holding the method's types, such as `session_open`.
    pub module: String,
    /// The accessor on the module's client handle, such as `session_open`.
    pub accessor: String,
    pub safe_to_repeat: bool,
    /// What the page says about sending the parameters together ("Send exactly one of `A`, `B`."), one
    /// sentence each, made from the IR's parameter groups.
    pub constraints: Vec<String>,
    /// What the parameters sections say besides their tables, as Markdown, each naming the parameter
    /// it is about when it stands under that parameter's own table.
    pub param_notes: Vec<String>,
    pub request: StructDef,
    pub response: ResponseDef,
    pub errors: ErrorDef,
    /// Nested types of the request and the response, in the order they were found.
    pub structs: Vec<StructDef>,
    /// Enums of documented values used by the request and the response.
    pub enums: Vec<EnumDef>,
    /// The request bodies the page shows, for the generated encoding test.
    pub request_examples: Vec<serde_json::Value>,
    /// Whether the page shows a response example (the simulator answers with it).
    pub has_response_example: bool,
    /// Its names for types that moved to the module's shared types.
    pub aliases: Vec<Alias>,
}

impl MethodDef {
    /// Every type the method's module defines, in order.
    pub fn type_names(&self) -> Vec<&str> {
        let mut names = vec![self.request.name.as_str()];
        if !matches!(self.response.body, ResponseBody::Struct) {
            names.push(&self.response.name);
        }
        names.extend(self.structs.iter().map(|s| s.name.as_str()));
        names.extend(self.enums.iter().map(|e| e.name.as_str()));
        names.extend(Alias::own_names(&self.aliases));
        names.push(&self.errors.name);
        names.push(&self.errors.code_name);
        names
    }
}

#[derive(Debug)]
pub struct EventDef {
    /// The event name as the page writes it, such as `OnSessionStart`.
    pub wire: String,
    pub scope: String,
    pub doc: PageDoc,
    pub module: String,
    /// The payload type.
    pub payload: StructDef,
    pub structs: Vec<StructDef>,
    pub enums: Vec<EnumDef>,
    /// Its names for types that moved to the module's shared types.
    pub aliases: Vec<Alias>,
}

impl EventDef {
    /// Every type the event's module defines, in order.
    pub fn type_names(&self) -> Vec<&str> {
        std::iter::once(self.payload.name.as_str())
            .chain(self.structs.iter().map(|s| s.name.as_str()))
            .chain(self.enums.iter().map(|e| e.name.as_str()))
            .chain(Alias::own_names(&self.aliases))
            .collect()
    }
}

/// How a method's `result` is typed.
#[derive(Debug)]
pub struct ResponseDef {
    pub name: String,
    pub body: ResponseBody,
    pub doc: String,
    /// `result` may also arrive wrapped once more in `{"result": …}` (an override says so).
    pub also_wrapped: bool,
}

#[derive(Debug)]
pub enum ResponseBody {
    /// `result` is an object: a struct of that name is in [`MethodDef::structs`].
    Struct,
    /// `result` is a value that decodes as it stands: a type alias.
    Alias(Ty),
    /// `result` is a value that needs a wire adapter: a newtype.
    Newtype(Ty),
}

/// Request structs serialize exactly what the caller set; decoded structs (responses, events) accept
/// whatever the platform sends, with every field optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Request,
    Decoded,
}

#[derive(Debug)]
pub struct StructDef {
    pub name: String,
    pub role: Role,
    pub doc: String,
    pub fields: Vec<FieldDef>,
    /// Keys documented only as a family (`UF_…`) or a placeholder next to named fields: kept in a map.
    pub rest: Option<RestDef>,
}

impl StructDef {
    /// The field sent as `key`: by its wire name or one of its aliases.
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields
            .iter()
            .find(|f| f.wire == key || f.aliases.iter().any(|a| a == key))
    }

    /// The field whose wire name is `key` in other letter case (`id` for `ID`), when none is `key` itself.
    pub fn field_in_other_case(&self, key: &str) -> Option<&FieldDef> {
        if self.field(key).is_some() {
            return None;
        }
        self.fields
            .iter()
            .find(|f| f.wire.eq_ignore_ascii_case(key))
    }
}

/// The values a field may take, as the page lists them; anything else decodes as `Unknown`.
#[derive(Debug)]
pub struct EnumDef {
    pub name: String,
    pub doc: String,
    /// `(variant, wire value)` pairs in the page's order.
    pub variants: Vec<(String, String)>,
}

/// A flattened map of the keys a page documents only as a family or placeholder. Values stay JSON, because
/// the map also receives every key the page does not name.
#[derive(Debug)]
pub struct RestDef {
    pub ident: String,
    pub doc: String,
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    /// The Rust name, unescaped (`type`, not `r#type`).
    pub ident: String,
    pub wire: String,
    /// Other wire names accepted when decoding.
    pub aliases: Vec<String>,
    pub ty: Ty,
    pub required: bool,
    pub doc: String,
    /// A request boolean the page sends as JSON `true`/`false` rather than `Y`/`N`.
    pub json_bool: bool,
}

/// A field's type, before wire leniency is added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    Int,
    Float,
    Bool,
    Str,
    /// `string|integer`: in a request, sent as the caller gives it (`wire::IntOrStr`); decoded, a string.
    IntOrStr,
    /// A date-time string, possibly sent as `false` or `""` for "none".
    DateTime,
    /// Any JSON: the page does not say enough to type it.
    Json,
    List(Box<Ty>),
    /// An object keyed by ids or other placeholders.
    Map(Box<Ty>),
    /// A generated enum of the values the page documents.
    Enum(String),
    /// A generated struct.
    Struct(String),
}

impl Ty {
    /// Whether the type decodes from what the platform sends without a wire adapter.
    pub fn decodes_plainly(&self) -> bool {
        match self {
            Ty::Json | Ty::Struct(_) | Ty::Enum(_) => true,
            Ty::Int
            | Ty::Float
            | Ty::Bool
            | Ty::Str
            | Ty::IntOrStr
            | Ty::DateTime
            | Ty::List(_)
            | Ty::Map(_) => false,
        }
    }

    /// The generated struct or enum the type names, inside any lists and maps.
    pub fn generated_name(&self) -> Option<&str> {
        match self {
            Ty::Int | Ty::Float | Ty::Bool | Ty::Str | Ty::IntOrStr | Ty::DateTime | Ty::Json => {
                None
            }
            Ty::List(inner) | Ty::Map(inner) => inner.generated_name(),
            Ty::Enum(name) | Ty::Struct(name) => Some(name),
        }
    }

    /// Renames the generated type it refers to, where `to` gives a new name.
    pub fn rename(&mut self, to: &impl Fn(&str) -> Option<String>) {
        match self {
            Ty::Int | Ty::Float | Ty::Bool | Ty::Str | Ty::IntOrStr | Ty::DateTime | Ty::Json => {}
            Ty::List(inner) | Ty::Map(inner) => inner.rename(to),
            Ty::Enum(name) | Ty::Struct(name) => {
                if let Some(new) = to(name) {
                    *name = new;
                }
            }
        }
    }

    /// The kind of value, as a report names it: `an integer`, `a list of a struct`.
    pub fn describe(&self) -> String {
        match self {
            Ty::Int => "an integer".into(),
            Ty::Float => "a number".into(),
            Ty::Bool => "a boolean".into(),
            Ty::Str | Ty::IntOrStr => "a string".into(),
            Ty::DateTime => "a date-time".into(),
            Ty::Json => "any JSON".into(),
            Ty::Enum(_) => "one of its values".into(),
            Ty::Struct(_) => "an object".into(),
            Ty::List(item) => format!("a list of {}", item.describe()),
            Ty::Map(value) => format!("a map of {}", value.describe()),
        }
    }
}

#[derive(Debug)]
pub struct ErrorDef {
    /// The method's error type, `ApiError` of the code enum.
    pub name: String,
    /// The enum of the documented codes.
    pub code_name: String,
    pub variants: Vec<ErrorVariant>,
    /// Documented cases without a code to match on, kept for the docs.
    pub uncoded: Vec<String>,
}

#[derive(Debug)]
pub struct ErrorVariant {
    pub name: String,
    pub code: String,
    /// One line of docs per documented case of this code (status, message, meaning).
    pub cases: Vec<String>,
}

/// The platform-level errors any method can return, from `_includes/system-errors.md`.
#[derive(Debug)]
pub struct SystemErrorDef {
    pub doc: String,
    pub variants: Vec<SystemVariant>,
}

#[derive(Debug)]
pub struct SystemVariant {
    pub name: String,
    pub code: String,
    pub doc: String,
}
