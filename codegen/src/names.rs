//! Every Rust name the generator emits is made here, from a wire name, in one place.
//!
//! Rules: heck for case; characters that cannot be in an identifier become word breaks; a leading digit
//! gets a prefix; keywords are escaped (`r#type` for values, `type_` for modules, `self_` where a raw
//! identifier is impossible); and [`Namespace`] makes names unique where two wire names map to one.

use std::collections::BTreeMap;

use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::{Ident, Span};

/// Keywords that need escaping, strict and reserved (2024 edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Words made of what heck treats as word characters, everything else being a break.
fn words(wire: &str) -> String {
    wire.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// `USER_CODE` → `user_code`, `chatId` → `chat_id`, `1C_FIELD` → `_1c_field`. `None` when nothing is left.
pub fn snake(wire: &str) -> Option<String> {
    let s = words(wire).to_snake_case();
    match s.chars().next() {
        None => None,
        Some(c) if c.is_ascii_digit() => Some(format!("_{s}")),
        Some(_) => Some(s),
    }
}

/// `session.open` → `SessionOpen`, `ACCESS_DENIED` → `AccessDenied`, `1C` → `N1c`. `None` when nothing is left.
pub fn pascal(wire: &str) -> Option<String> {
    let s = words(wire).to_pascal_case();
    match s.chars().next() {
        None => None,
        Some(c) if c.is_ascii_digit() => Some(format!("N{s}")),
        Some(_) if s == "Self" => Some("SelfValue".to_owned()),
        Some(_) => Some(s),
    }
}

/// Type names a generated module must not define: the prelude's and those the generated code names
/// unqualified. A type that would take one is numbered instead (`Option2`).
pub const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "From",
    "Into",
    "ToString",
    "ToOwned",
    "Deserialize",
    "Serialize",
    "Call",
];

/// The crate root's own modules and the client's own methods: a scope whose name is one of these gets
/// `_scope` appended to its module, accessor and feature (`client.call_scope()`).
pub const RUNTIME_NAMES: &[&str] = &[
    "auth",
    "autobatch",
    "batch",
    "builder",
    "call",
    "client",
    "codes",
    "decode",
    "envelope",
    "error",
    "events",
    "execute",
    "form",
    "from_oauth",
    "from_webhook",
    "generated",
    "items",
    "items_by_id",
    "limits",
    "lossless",
    "method",
    "pages",
    "params",
    "pause_for_budget",
    "pipeline",
    "replace_oauth_tokens",
    "reply",
    "secret",
    "send_raw",
    "send_raw_within",
    "system",
    "tls",
    "transport",
    "unread",
    "wire",
];

/// The module, accessor and feature names of a documented scope: `user.userfield` → `user_userfield`,
/// `call` → `call_scope` (see [`RUNTIME_NAMES`]). `None` when the scope has no letters or digits.
pub fn scope_module(scope: &str) -> Option<String> {
    let name = snake(scope)?;
    Some(if RUNTIME_NAMES.contains(&name.as_str()) {
        format!("{name}_scope")
    } else {
        name
    })
}

/// The type of a scope's handle on the client (`client.crm()` returns a `Crm`).
pub fn scope_handle(module: &str) -> String {
    pascal(module).unwrap_or_else(|| "Methods".to_owned())
}

/// The scope's enum of its events (`CrmEvent`).
pub fn scope_events(module: &str) -> String {
    format!("{}Event", scope_handle(module))
}

/// The methods of `Call` itself: an optional field of one of these names gets its setter on the request
/// only, since the call cannot have two methods of one name.
pub const CALL_METHODS: [&str; 6] = [
    "new",
    "with",
    "deadline",
    "idempotency_key",
    "request",
    "into_future",
];

/// An identifier for a value (field, function, argument): keywords become `r#type`, or `self_` when
/// they cannot be raw.
pub fn value_ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// An identifier for a module, which also names a file: keywords get a trailing `_`.
pub fn module_ident(name: &str) -> Ident {
    if KEYWORDS.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// An identifier for a type or variant, already in PascalCase from [`pascal`].
pub fn type_ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A set of names in one namespace (the fields of a struct, the types of a module). Names are claimed in
/// source order; a later wire name that maps to a taken name gets `_2`, `_3`, … (or `2`, `3` for types),
/// so the first keeps the natural name and nothing is silently merged.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeMap<String, String>,
}

impl Namespace {
    /// Reserves a name that generated code already uses (such as `new` on a request).
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned(), String::new());
    }

    /// Claims `candidate` for `wire`, or the first free numbered variant of it.
    pub fn claim(&mut self, candidate: &str, wire: &str, separator: &str) -> String {
        let mut name = candidate.to_owned();
        let mut n = 2;
        while self.taken.contains_key(&name) {
            name = format!("{candidate}{separator}{n}");
            n += 1;
        }
        self.taken.insert(name.clone(), wire.to_owned());
        name
    }

    /// The wire name that claimed `name`, if any.
    pub fn owner(&self, name: &str) -> Option<&str> {
        self.taken.get(name).map(String::as_str)
    }
}

/// An English singular for naming the item type of a list (`MESSAGES` → `MESSAGE`), or the word itself.
pub fn singular(word: &str) -> &str {
    let lower = word.to_ascii_lowercase();
    let keep = ["ss", "us", "is", "news", "status"];
    if lower.len() > 3 && lower.ends_with('s') && !keep.iter().any(|k| lower.ends_with(k)) {
        &word[..word.len() - 1]
    } else {
        word
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names() {
        assert_eq!(snake("USER_CODE").as_deref(), Some("user_code"));
        assert_eq!(snake("chatId").as_deref(), Some("chat_id"));
        assert_eq!(snake("entityData1").as_deref(), Some("entity_data1"));
        assert_eq!(snake("1C_FIELD").as_deref(), Some("_1c_field"));
        assert_eq!(snake("UF_CRM_X").as_deref(), Some("uf_crm_x"));
        assert_eq!(snake("<messageId>").as_deref(), Some("message_id"));
        assert_eq!(snake("<>"), None);
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(value_ident("type").to_string(), "r#type");
        assert_eq!(value_ident("self").to_string(), "self_");
        assert_eq!(value_ident("ref").to_string(), "r#ref");
        assert_eq!(module_ident("type").to_string(), "type_");
        assert_eq!(pascal("self").as_deref(), Some("SelfValue"));
        assert_eq!(pascal("1C_FIELD").as_deref(), Some("N1cField"));
    }

    #[test]
    fn collisions_are_numbered() {
        let mut ns = Namespace::default();
        ns.reserve("new");
        assert_eq!(ns.claim("id", "ID", "_"), "id");
        assert_eq!(ns.claim("id", "id", "_"), "id_2");
        assert_eq!(ns.claim("new", "NEW", "_"), "new_2");
        assert_eq!(ns.owner("id_2"), Some("id"));
    }

    #[test]
    fn scopes_never_take_a_runtime_name() {
        assert_eq!(scope_module("crm").as_deref(), Some("crm"));
        assert_eq!(
            scope_module("user.userfield").as_deref(),
            Some("user_userfield")
        );
        assert_eq!(scope_module("call").as_deref(), Some("call_scope"));
        assert_eq!(scope_module("`"), None);
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("MESSAGES"), "MESSAGE");
        assert_eq!(singular("users"), "user");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("DATA"), "DATA");
    }
}
