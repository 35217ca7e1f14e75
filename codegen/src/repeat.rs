//! Whether a method may be called again after a transport failure (`Method::SAFE_TO_REPEAT`).
//!
//! The rule reads the method's verb: reads (`get…`, `list`, `status`) are safe; everything else creates,
//! sends or changes something and is not, unless [`OVERRIDES`] says otherwise with its reason.

/// Methods whose verb misleads the rule: `(wire name, safe, why)`. An override for a method that is not in
/// the spec, or one that agrees with the rule, is an error (see `lower`), so that a stale entry cannot linger.
pub const OVERRIDES: &[(&str, bool, &str)] = &[
    (
        "imconnector.connector.data.set",
        true,
        "stores the same settings again; nothing is created",
    ),
    (
        "imconnector.chat.name.set",
        true,
        "sets the same name again; nothing is created",
    ),
];

/// The verb rule, without overrides.
pub fn by_verb(wire: &str) -> bool {
    let verb = wire.rsplit('.').next().unwrap_or(wire).to_ascii_lowercase();
    verb.starts_with("get") || matches!(verb.as_str(), "list" | "status" | "fields")
}

/// Whether `wire` is safe to repeat.
pub fn safe_to_repeat(wire: &str) -> bool {
    OVERRIDES
        .iter()
        .find(|(name, ..)| *name == wire)
        .map_or_else(|| by_verb(wire), |(_, safe, _)| *safe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_safe_and_writes_are_not() {
        assert!(safe_to_repeat("imopenlines.session.history.get"));
        assert!(safe_to_repeat("imopenlines.crm.chat.getLastId"));
        assert!(safe_to_repeat("imconnector.status"));
        assert!(safe_to_repeat("imconnector.list"));
        assert!(!safe_to_repeat("imopenlines.config.add"));
        assert!(!safe_to_repeat("imconnector.send.messages"));
        assert!(!safe_to_repeat("imopenlines.session.start"));
        assert!(safe_to_repeat("imconnector.chat.name.set"));
    }
}
