//! Whether a method may be called again after a transport failure (`Method::SAFE_TO_REPEAT`).
//!
//! The rule reads the method's verb: reads (`get…`, `list`, `status`) are safe; everything else creates,
//! sends or changes something and is not, unless an override (`[[safe_to_repeat]]` in
//! `api-spec/overrides.toml`, passed in as [`Overrides`]) says otherwise with its reason.

use std::collections::BTreeMap;

/// Methods whose verb misleads the rule: wire name → safe. An override for a method that is not in the
/// spec, or one that agrees with the rule, is an error (see `lower::check_overrides`), so that a stale
/// entry cannot linger.
pub type Overrides = BTreeMap<String, bool>;

/// The verb rule, without overrides.
pub fn by_verb(wire: &str) -> bool {
    let verb = wire.rsplit('.').next().unwrap_or(wire).to_ascii_lowercase();
    verb.starts_with("get") || matches!(verb.as_str(), "list" | "status" | "fields")
}

/// Whether `wire` is safe to repeat.
pub fn safe_to_repeat(wire: &str, overrides: &Overrides) -> bool {
    overrides
        .get(wire)
        .copied()
        .unwrap_or_else(|| by_verb(wire))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_safe_and_writes_are_not() {
        let none = Overrides::new();
        assert!(safe_to_repeat("imopenlines.session.history.get", &none));
        assert!(safe_to_repeat("imopenlines.crm.chat.getLastId", &none));
        assert!(safe_to_repeat("imconnector.status", &none));
        assert!(safe_to_repeat("imconnector.list", &none));
        assert!(!safe_to_repeat("imopenlines.config.add", &none));
        assert!(!safe_to_repeat("imconnector.send.messages", &none));
        assert!(!safe_to_repeat("imopenlines.session.start", &none));
        assert!(!safe_to_repeat("imconnector.chat.name.set", &none));
        let set = Overrides::from([("imconnector.chat.name.set".to_owned(), true)]);
        assert!(safe_to_repeat("imconnector.chat.name.set", &set));
    }
}
