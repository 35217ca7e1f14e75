//! A decoded event prints no credential: the `auth` block's tokens are `Secret`s.
#![cfg(feature = "imopenlines")]

use bitrix24_api::imopenlines::OnSessionStart;
use serde_json::json;

#[test]
fn debug_of_a_decoded_event_hides_its_tokens() {
    let payload = json!({
        "event": "ONSESSIONSTART",
        "eventId": 1,
        "data": {"DATA": []},
        "ts": 1714649632,
        "auth": {
            "access_token": "access-0123456789",
            "refresh_token": "refresh-0123456789",
            "application_token": "app-0123456789",
            "domain": "portal.example",
            "member_id": "m1"
        }
    });
    let event: OnSessionStart = serde_json::from_value(payload).unwrap();
    let printed = format!("{event:?}");
    for secret in ["access-0123456789", "refresh-0123456789", "app-0123456789"] {
        assert!(!printed.contains(secret), "{secret} leaked: {printed}");
    }
    assert!(
        printed.contains("portal.example"),
        "the rest stays visible: {printed}"
    );
    let auth = event.auth.expect("auth decoded");
    assert_eq!(
        auth.application_token
            .map(|t| t.expose().to_owned())
            .as_deref(),
        Some("app-0123456789")
    );
}
