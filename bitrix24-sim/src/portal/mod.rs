//! The simulated portal's data: users, open lines, chats, sessions, messages, connectors and event bindings.
//!
//! Method handlers read and change it; [`dialog`] holds the state transitions shared by several methods
//! (a client writes, an operator answers, a session closes), and [`render`] turns it into the JSON shapes
//! the docs show.

pub mod access;
pub mod deals;
pub mod demo;
pub mod dialog;
pub mod render;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::events::Raised;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserKind {
    Employee,
    Bot,
    /// An external client that reached the portal through a connector.
    Connector,
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub last_name: String,
    pub admin: bool,
    pub active: bool,
    pub kind: UserKind,
    /// `connector|external user id` for connector users.
    pub external_key: Option<String>,
}

impl User {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.name, self.last_name)
            .trim()
            .to_owned()
    }
}

/// An open line (`CONFIG_ID`, `LINE`, `QUEUE_ID` all name it).
#[derive(Debug, Clone)]
pub struct Line {
    pub id: i64,
    pub name: String,
    pub active: bool,
    /// Operator user ids, in queue order.
    pub queue: Vec<i64>,
    pub queue_type: String,
    /// Other settings as last written through `config.add` / `config.update`.
    pub settings: Map<String, Value>,
    pub created: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatKind {
    /// An open-line dialog with a client.
    Lines,
    /// An ordinary group chat, which open-line methods refuse.
    Group,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmBinding {
    /// `LEAD`, `DEAL`, `COMPANY` or `CONTACT`.
    pub entity_type: String,
    pub entity_id: i64,
}

#[derive(Debug, Clone)]
pub struct Chat {
    pub id: i64,
    pub kind: ChatKind,
    pub title: String,
    /// `connector|line|external chat|external user`.
    pub user_code: String,
    pub line_id: i64,
    /// The responsible operator; 0 while the dialog waits in the queue.
    pub owner: i64,
    pub members: BTreeSet<i64>,
    /// The connector user on the client side.
    pub client_id: i64,
    pub silent: bool,
    pub crm: Option<CrmBinding>,
    pub created: f64,
}

/// Session `STATUS` values the platform uses.
pub mod status {
    pub const NEW: i64 = 0;
    pub const SKIP: i64 = 5;
    pub const ANSWER: i64 = 10;
    pub const CLIENT: i64 = 20;
    pub const CLIENT_AFTER_OPERATOR: i64 = 25;
    pub const OPERATOR: i64 = 40;
    pub const CLOSE: i64 = 60;
    pub const SPAM: i64 = 65;
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: i64,
    pub chat_id: i64,
    pub line_id: i64,
    pub operator_id: i64,
    pub status: i64,
    pub closed: bool,
    /// Pinned to its operator.
    pub pause: bool,
    pub spam: bool,
    pub vote_head: i64,
    pub comment_head: Option<String>,
    pub start_id: i64,
    pub end_id: i64,
    pub parent_id: i64,
    pub created: f64,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub id: i64,
    pub chat_id: i64,
    /// 0 for system messages.
    pub author_id: i64,
    pub text: String,
    pub date: f64,
    /// The id the connector gave the message, for messages that came in through one.
    pub external_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Connector {
    pub id: String,
    pub name: String,
    /// The application that registered it; built-in connectors have none.
    pub app: Option<String>,
    pub active_lines: BTreeSet<i64>,
    /// `imconnector.connector.data.set` payloads, per line.
    pub data: BTreeMap<i64, Value>,
}

/// An `event.bind` registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub id: i64,
    pub app: String,
    pub event: String,
    pub handler: String,
}

/// Counters for new ids, one per kind of entity.
#[derive(Debug, Clone, Default)]
pub struct Ids {
    pub user: i64,
    pub line: i64,
    pub chat: i64,
    pub session: i64,
    pub message: i64,
    pub lead: i64,
    pub deal: i64,
    pub binding: i64,
}

impl Ids {
    pub fn take(counter: &mut i64) -> i64 {
        *counter += 1;
        *counter
    }
}

#[derive(Debug, Clone, Default)]
pub struct Portal {
    pub users: BTreeMap<i64, User>,
    pub lines: BTreeMap<i64, Line>,
    pub chats: BTreeMap<i64, Chat>,
    pub sessions: BTreeMap<i64, Session>,
    pub messages: BTreeMap<i64, Message>,
    pub connectors: BTreeMap<String, Connector>,
    pub bindings: Vec<Binding>,
    /// CRM deals by id, each the record `crm.deal.get` returns (see [`deals`]).
    pub deals: BTreeMap<i64, Map<String, Value>>,
    pub ids: Ids,
    /// Events raised by the current call, drained and delivered after it.
    pub raised: Vec<Raised>,
}

impl Portal {
    /// A portal with only the built-in connectors and the admin user 1.
    pub fn empty() -> Self {
        let mut portal = Portal::default();
        portal.add_user("Admin", "", true, UserKind::Employee);
        for (id, name) in [
            ("livechat", "Live Chat"),
            ("telegrambot", "Telegram"),
            ("network", "Bitrix24.Network"),
        ] {
            portal.connectors.insert(
                id.into(),
                Connector {
                    id: id.into(),
                    name: name.into(),
                    app: None,
                    active_lines: BTreeSet::new(),
                    data: BTreeMap::new(),
                },
            );
        }
        portal
    }

    pub fn add_user(&mut self, name: &str, last_name: &str, admin: bool, kind: UserKind) -> i64 {
        let id = Ids::take(&mut self.ids.user);
        let user = User {
            id,
            name: name.into(),
            last_name: last_name.into(),
            admin,
            active: true,
            kind,
            external_key: None,
        };
        self.users.insert(id, user);
        id
    }

    pub fn is_admin(&self, user_id: i64) -> bool {
        self.users.get(&user_id).is_some_and(|user| user.admin)
    }

    /// The open session of a chat, if there is one.
    pub fn open_session(&self, chat_id: i64) -> Option<&Session> {
        self.sessions
            .values()
            .rev()
            .find(|s| s.chat_id == chat_id && !s.closed)
    }

    pub fn open_session_mut(&mut self, chat_id: i64) -> Option<&mut Session> {
        self.sessions
            .values_mut()
            .rev()
            .find(|s| s.chat_id == chat_id && !s.closed)
    }

    /// The newest session of a chat, open or closed.
    pub fn last_session(&self, chat_id: i64) -> Option<&Session> {
        self.sessions.values().rev().find(|s| s.chat_id == chat_id)
    }

    pub fn chat_by_user_code(&self, user_code: &str) -> Option<&Chat> {
        self.chats
            .values()
            .find(|chat| chat.kind == ChatKind::Lines && chat.user_code == user_code)
    }

    pub fn last_message_id(&self, chat_id: i64) -> i64 {
        self.messages
            .values()
            .rev()
            .find(|m| m.chat_id == chat_id)
            .map_or(0, |m| m.id)
    }

    pub fn connector_title(&self, connector: &str) -> String {
        self.connectors
            .get(connector)
            .map_or_else(|| connector.to_owned(), |c| c.name.clone())
    }
}
