//! The `data` of each event, in the shapes the event pages document.

use serde_json::{Value, json};

use super::Raised;
use crate::portal::{Portal, UserKind};

/// Minutes until an idle session closes itself, as reported in session events.
const CLOSE_TERM_MINUTES: i64 = 1440;

/// An external id as the docs show it: a number when it is one.
fn external(id: &str) -> Value {
    id.parse::<i64>()
        .map_or_else(|_| Value::String(id.to_owned()), Value::from)
}

/// `connector{connector_id, line_id, chat_id, user_id}` from a chat's user code.
fn connector_block(user_code: &str, line_id: i64) -> Value {
    let parts: Vec<&str> = user_code.split('|').collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or("");
    json!({
        "connector_id": part(0),
        "line_id": line_id,
        "chat_id": external(part(2)),
        "user_id": external(part(3)),
    })
}

/// `ONSESSIONSTART`/`ONSESSIONFINISH` and the connector's `ONIMCONNECTORDIALOGSTART`/`...FINISH`.
pub fn session_changed(portal: &Portal, session_id: i64, started: bool) -> Vec<Raised> {
    let Some(session) = portal.sessions.get(&session_id) else {
        return Vec::new();
    };
    let Some(chat) = portal.chats.get(&session.chat_id) else {
        return Vec::new();
    };
    let entry = json!({
        "connector": connector_block(&chat.user_code, session.line_id),
        "session": {
            "id": session.id,
            "closed": if session.closed { "Y" } else { "N" },
            "parent_id": session.parent_id,
            "close_term": CLOSE_TERM_MINUTES,
        },
        "chat": {"id": chat.id},
        "user": {"id": chat.client_id},
    });
    let connector = chat.user_code.split('|').next().unwrap_or("");
    let (session_event, dialog_event) = if started {
        ("ONSESSIONSTART", "ONIMCONNECTORDIALOGSTART")
    } else {
        ("ONSESSIONFINISH", "ONIMCONNECTORDIALOGFINISH")
    };
    let user_id = session.operator_id;
    vec![
        Raised {
            event: session_event,
            data: json!({"DATA": [entry.clone()]}),
            user_id,
        },
        Raised {
            event: dialog_event,
            data: json!({"CONNECTOR": connector, "LINE": session.line_id.to_string(), "DATA": [entry]}),
            user_id,
        },
    ]
}

/// `ONOPENLINEMESSAGEADD` for a message in an open-line chat.
pub fn message_added(portal: &Portal, message_id: i64) -> Raised {
    let message = &portal.messages[&message_id];
    let chat = &portal.chats[&message.chat_id];
    let data = json!({"DATA": [{
        "connector": connector_block(&chat.user_code, chat.line_id),
        "chat": {"id": chat.id},
        "message": {
            "id": message.id,
            "date": crate::wire::time::iso8601(message.date),
            "text": message.text,
            "files": [],
            "attach": "",
            "system": if message.author_id == 0 { "Y" } else { "N" },
            "user_id": message.author_id,
        },
        "ref": [],
        "extra": {"EXTRA_URL": ""},
    }]});
    Raised {
        event: "ONOPENLINEMESSAGEADD",
        data,
        user_id: acting_user(portal, message.author_id),
    }
}

/// `ONIMCONNECTORMESSAGEADD`: an operator's message the connector must pass on to the client.
pub fn connector_message_added(portal: &Portal, message_id: i64) -> Raised {
    let message = &portal.messages[&message_id];
    let chat = &portal.chats[&message.chat_id];
    let parts: Vec<&str> = chat.user_code.split('|').collect();
    let data = json!({
        "CONNECTOR": parts.first().copied().unwrap_or(""),
        "LINE": chat.line_id,
        "MESSAGES": [{
            "im": {"chat_id": chat.id, "message_id": message.id},
            "message": {"user_id": message.author_id, "text": message.text},
            "chat": {"id": parts.get(2).copied().unwrap_or("")},
        }],
    });
    Raised {
        event: "ONIMCONNECTORMESSAGEADD",
        data,
        user_id: acting_user(portal, message.author_id),
    }
}

/// Connector users and the system have no portal session, so their events carry no tokens.
fn acting_user(portal: &Portal, user_id: i64) -> i64 {
    match portal.users.get(&user_id) {
        Some(user) if user.kind != UserKind::Connector => user_id,
        _ => 0,
    }
}
