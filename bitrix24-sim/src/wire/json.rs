//! JSON as a PHP portal writes it.
//!
//! Real portals encode with `JSON_HEX_TAG|JSON_HEX_AMP|JSON_HEX_APOS|JSON_HEX_QUOT` and escape `/` and every
//! non-ASCII character. Clients must cope with that, so the simulator reproduces it rather than sending the
//! friendlier form serde_json would.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter, Serializer};

/// Encode a value byte-for-byte the way the platform would.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut serializer = Serializer::with_formatter(&mut out, PhpFormatter);
    // Serialising a `Value` into a `Vec` cannot fail: there are no non-string keys and no I/O errors.
    value.serialize(&mut serializer).unwrap_or_default();
    out
}

struct PhpFormatter;

impl Formatter for PhpFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut plain_from = 0;
        for (at, ch) in fragment.char_indices() {
            let escape = match ch {
                '/' => Some("\\/".to_owned()),
                '<' | '>' | '&' | '\'' => Some(format!("\\u{:04X}", ch as u32)),
                c if !c.is_ascii() => {
                    let mut units = [0u16; 2];
                    Some(
                        c.encode_utf16(&mut units)
                            .iter()
                            .map(|u| format!("\\u{u:04x}"))
                            .collect(),
                    )
                }
                _ => None,
            };
            if let Some(escape) = escape {
                writer.write_all(&fragment.as_bytes()[plain_from..at])?;
                writer.write_all(escape.as_bytes())?;
                plain_from = at + ch.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[plain_from..])
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        char_escape: CharEscape,
    ) -> io::Result<()> {
        match char_escape {
            CharEscape::Quote => writer.write_all(b"\\u0022"),
            other => CompactFormatter.write_char_escape(writer, other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_like_php() {
        let text = String::from_utf8(encode(&json!({"a": "x/<y>&'\"é😀\\"}))).unwrap();
        assert_eq!(
            text,
            r#"{"a":"x\/\u003Cy\u003E\u0026\u0027\u0022\u00e9\ud83d\ude00\\"}"#
        );
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["a"], "x/<y>&'\"é😀\\");
    }
}
