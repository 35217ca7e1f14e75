//! The demo portal the binary starts with: open line 1 with two operators, and three dialogs in
//! different states (answered, waiting in the queue, closed).

use std::collections::BTreeSet;

use serde_json::Map;

use super::dialog::ClientMessage;
use super::{Chat, ChatKind, Ids, Line, Portal, UserKind};

/// Users of the demo portal, by role.
pub mod users {
    /// The administrator; the default webhook belongs to this user.
    pub const ADMIN: i64 = 1;
    /// Operators in the queue of line 1.
    pub const OPERATOR: i64 = 2;
    pub const SECOND_OPERATOR: i64 = 3;
    /// An employee outside every queue, for access errors.
    pub const OUTSIDER: i64 = 4;
    pub const BOT: i64 = 5;
}

/// Open line 1 (active) and line 2 (inactive).
pub const LINE: i64 = 1;
pub const INACTIVE_LINE: i64 = 2;

pub fn portal(now: f64) -> Portal {
    let mut portal = Portal::empty();
    portal.add_user("Olivia", "Operator", false, UserKind::Employee);
    portal.add_user("Nick", "Night", false, UserKind::Employee);
    portal.add_user("Eve", "Outsider", false, UserKind::Employee);
    portal.add_user("Welcome", "Bot", false, UserKind::Bot);
    add_line(
        &mut portal,
        "Demo line",
        true,
        vec![users::OPERATOR, users::SECOND_OPERATOR],
        now,
    );
    add_line(
        &mut portal,
        "Archived line",
        false,
        vec![users::OPERATOR],
        now,
    );
    for connector in ["livechat", "telegrambot"] {
        if let Some(c) = portal.connectors.get_mut(connector) {
            c.active_lines.insert(LINE);
        }
    }

    let answered = client_writes(
        &mut portal,
        "livechat",
        "1",
        "1001",
        "Ada",
        "Hello, where is my order?",
        now,
    );
    portal.answer(answered, users::OPERATOR, now);
    portal.post_operator_message(
        answered,
        users::OPERATOR,
        "Hi Ada, let me check that for you.",
        now,
    );

    client_writes(
        &mut portal,
        "livechat",
        "2",
        "1002",
        "Ben",
        "Is anyone there?",
        now,
    );

    let closed = client_writes(
        &mut portal,
        "telegrambot",
        "3",
        "1003",
        "Cleo",
        "Thanks, all sorted.",
        now,
    );
    portal.answer(closed, users::OPERATOR, now);
    portal.close_session(closed, users::OPERATOR, false, now);

    let group = Ids::take(&mut portal.ids.chat);
    portal.chats.insert(
        group,
        Chat {
            id: group,
            kind: ChatKind::Group,
            title: "General".into(),
            user_code: String::new(),
            line_id: 0,
            owner: users::ADMIN,
            members: BTreeSet::from([users::ADMIN, users::OPERATOR]),
            client_id: 0,
            silent: false,
            crm: None,
            created: now,
        },
    );
    portal.raised.clear();
    portal
}

fn add_line(portal: &mut Portal, name: &str, active: bool, queue: Vec<i64>, now: f64) {
    let id = Ids::take(&mut portal.ids.line);
    let line = Line {
        id,
        name: name.into(),
        active,
        queue,
        queue_type: "evenly".into(),
        settings: Map::new(),
        created: now,
    };
    portal.lines.insert(id, line);
}

fn client_writes(
    portal: &mut Portal,
    connector: &str,
    chat: &str,
    user: &str,
    name: &str,
    text: &str,
    now: f64,
) -> i64 {
    let message = ClientMessage {
        connector: connector.into(),
        line_id: LINE,
        chat_id: chat.into(),
        user_id: user.into(),
        user_name: Some(name.into()),
        chat_name: None,
        text: text.into(),
        message_id: None,
    };
    // Line 1 is active by construction, so a demo message always lands.
    portal
        .receive_client_message(&message, now)
        .map(|d| d.chat_id)
        .unwrap_or_default()
}

/// Adds `count` employees named `User N` after the existing users, for paging through a large list.
pub fn seed_users(portal: &mut Portal, count: usize) {
    for n in 1..=count {
        portal.add_user("User", &n.to_string(), false, UserKind::Employee);
    }
}
