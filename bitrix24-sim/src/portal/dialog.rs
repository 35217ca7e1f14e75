//! State transitions of an open-line dialog (section 7.4 of the platform notes): a client writes, an
//! operator answers, skips, transfers or closes, and sessions open and close along the way. Each transition
//! raises the events the platform would send.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::{Chat, ChatKind, Ids, Message, Portal, Session, UserKind, status};
use crate::events::payload;
use crate::wire::envelope::ApiError;

/// A message from an external client, as a connector delivers it.
#[derive(Debug, Clone, Deserialize)]
pub struct ClientMessage {
    pub connector: String,
    pub line_id: i64,
    /// The chat id in the external system.
    pub chat_id: String,
    /// The user id in the external system.
    pub user_id: String,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub chat_name: Option<String>,
    pub text: String,
    /// The message id in the external system.
    #[serde(default)]
    pub message_id: Option<String>,
}

/// Where a client message landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Delivered {
    pub chat_id: i64,
    pub session_id: i64,
    pub message_id: i64,
    /// The portal user standing for the external client.
    pub user_id: i64,
}

/// `connector|line|chat|user`, the key of an open-line chat.
pub fn user_code(connector: &str, line_id: i64, chat: &str, user: &str) -> String {
    format!("{connector}|{line_id}|{chat}|{user}")
}

impl Portal {
    /// A client writes: find or create the user and chat, open a session if none is open, add the message.
    pub fn receive_client_message(
        &mut self,
        incoming: &ClientMessage,
        now: f64,
    ) -> Result<Delivered, ApiError> {
        if !self
            .lines
            .get(&incoming.line_id)
            .is_some_and(|line| line.active)
        {
            return Err(ApiError::bad_request(
                "NOT_ACTIVE_LINE",
                "The line with this ID is inactive or does not exist",
            ));
        }
        let user_id = self.connector_user(incoming);
        let code = user_code(
            &incoming.connector,
            incoming.line_id,
            &incoming.chat_id,
            &incoming.user_id,
        );
        let chat_id = match self.chat_by_user_code(&code) {
            Some(chat) => chat.id,
            None => self.create_chat(incoming, &code, user_id, now),
        };
        let message_id = Ids::take(&mut self.ids.message);
        let session_id = match self.open_session(chat_id) {
            Some(session) => session.id,
            None => {
                let operator = self.next_operator(incoming.line_id, &[]);
                self.begin_session(chat_id, operator, message_id, status::NEW, now)
            }
        };
        self.messages.insert(
            message_id,
            Message {
                id: message_id,
                chat_id,
                author_id: user_id,
                text: incoming.text.clone(),
                date: now,
                external_id: incoming.message_id.clone(),
            },
        );
        if let Some(session) = self.open_session_mut(chat_id) {
            session.status = match session.status {
                status::OPERATOR | status::CLIENT_AFTER_OPERATOR => status::CLIENT_AFTER_OPERATOR,
                _ => status::CLIENT,
            };
        }
        self.raised.push(payload::message_added(self, message_id));
        Ok(Delivered {
            chat_id,
            session_id,
            message_id,
            user_id,
        })
    }

    /// An employee or bot writes into a dialog. Returns the message id.
    pub fn post_operator_message(
        &mut self,
        chat_id: i64,
        author_id: i64,
        text: &str,
        now: f64,
    ) -> i64 {
        let id = self.insert_message(chat_id, author_id, text, now);
        if let Some(session) = self.open_session_mut(chat_id) {
            session.status = status::OPERATOR;
        }
        self.raised.push(payload::message_added(self, id));
        self.raised.push(payload::connector_message_added(self, id));
        id
    }

    /// A system note in the dialog ("... took the dialog"); raises no event.
    pub fn system_message(&mut self, chat_id: i64, text: &str, now: f64) -> i64 {
        self.insert_message(chat_id, 0, text, now)
    }

    /// `operator.answer` and `session.intercept`: the user becomes the responsible operator.
    pub fn answer(&mut self, chat_id: i64, user_id: i64, now: f64) {
        if self.open_session(chat_id).is_none() {
            let start = self.last_message_id(chat_id);
            self.begin_session(chat_id, Some(user_id), start, status::ANSWER, now);
        }
        if let Some(session) = self.open_session_mut(chat_id) {
            session.operator_id = user_id;
            session.status = status::ANSWER;
        }
        self.keep_only_operator(chat_id, Some(user_id));
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.owner = user_id;
        }
        let name = self.user_name(user_id);
        self.system_message(chat_id, &format!("{name} took the dialog"), now);
    }

    /// `session.start` and `message.session.start`: close the current session, open a new one for the user.
    pub fn restart_session(
        &mut self,
        chat_id: i64,
        user_id: i64,
        start_id: Option<i64>,
        now: f64,
    ) -> i64 {
        self.close_session(chat_id, user_id, false, now);
        let start = start_id.unwrap_or_else(|| self.last_message_id(chat_id));
        let id = self.begin_session(chat_id, Some(user_id), start, status::ANSWER, now);
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.owner = user_id;
        }
        id
    }

    /// Close the open session (finish, spam, bot finish). Returns false when nothing was open.
    pub fn close_session(&mut self, chat_id: i64, by: i64, spam: bool, now: f64) -> bool {
        let end_id = self.last_message_id(chat_id);
        let Some(session) = self.open_session_mut(chat_id) else {
            return false;
        };
        session.closed = true;
        session.spam = spam;
        session.status = if spam { status::SPAM } else { status::CLOSE };
        session.end_id = end_id;
        session.pause = false;
        let session_id = session.id;
        self.keep_only_operator(chat_id, None);
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.owner = 0;
        }
        let name = self.user_name(by);
        self.system_message(chat_id, &format!("{name} closed the dialog"), now);
        self.raised
            .extend(payload::session_changed(self, session_id, false));
        true
    }

    /// `operator.skip`: the user leaves and the next queue operator gets the dialog.
    pub fn skip(&mut self, chat_id: i64, user_id: i64, now: f64) -> Result<(), ApiError> {
        let Some(line_id) = self.open_session(chat_id).map(|s| s.line_id) else {
            return Err(ApiError::bad_request(
                "ACCESS_DENIED_KICK",
                "Insufficient permissions to remove participants from the chat",
            ));
        };
        let next = self.next_operator(line_id, &[user_id]);
        self.hand_over(chat_id, next, status::SKIP);
        let name = self.user_name(user_id);
        self.system_message(chat_id, &format!("{name} passed the dialog on"), now);
        Ok(())
    }

    /// `operator.transfer` to a user: the target becomes the responsible operator.
    pub fn transfer_to_user(&mut self, chat_id: i64, target: i64, now: f64) {
        self.hand_over(chat_id, Some(target), status::ANSWER);
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.owner = target;
        }
        let name = self.user_name(target);
        self.system_message(
            chat_id,
            &format!("The dialog was transferred to {name}"),
            now,
        );
    }

    /// `operator.transfer` to a queue: the session moves to that line and its next operator.
    pub fn transfer_to_queue(&mut self, chat_id: i64, line_id: i64, now: f64) {
        if let Some(session) = self.open_session_mut(chat_id) {
            session.line_id = line_id;
        }
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.line_id = line_id;
        }
        let next = self.next_operator(line_id, &[]);
        self.hand_over(chat_id, next, status::SKIP);
        let line = self
            .lines
            .get(&line_id)
            .map_or_else(String::new, |l| l.name.clone());
        self.system_message(
            chat_id,
            &format!("The dialog was transferred to the queue of {line}"),
            now,
        );
    }

    /// The queue operator with the fewest open dialogs, skipping `excluding`.
    pub fn next_operator(&self, line_id: i64, excluding: &[i64]) -> Option<i64> {
        let line = self.lines.get(&line_id)?;
        let load = |user: i64| {
            self.sessions
                .values()
                .filter(|s| !s.closed && s.operator_id == user)
                .count()
        };
        line.queue
            .iter()
            .copied()
            .filter(|user| {
                !excluding.contains(user) && self.users.get(user).is_some_and(|u| u.active)
            })
            .min_by_key(|user| load(*user))
    }

    fn hand_over(&mut self, chat_id: i64, operator: Option<i64>, new_status: i64) {
        if let Some(session) = self.open_session_mut(chat_id) {
            session.operator_id = operator.unwrap_or(0);
            session.status = new_status;
        }
        self.keep_only_operator(chat_id, operator);
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.owner = 0;
        }
    }

    fn begin_session(
        &mut self,
        chat_id: i64,
        operator: Option<i64>,
        start_id: i64,
        initial: i64,
        now: f64,
    ) -> i64 {
        let id = Ids::take(&mut self.ids.session);
        let parent_id = self.last_session(chat_id).map_or(0, |s| s.id);
        let line_id = self.chats.get(&chat_id).map_or(0, |c| c.line_id);
        self.sessions.insert(
            id,
            Session {
                id,
                chat_id,
                line_id,
                operator_id: operator.unwrap_or(0),
                status: initial,
                closed: false,
                pause: false,
                spam: false,
                vote_head: 0,
                comment_head: None,
                start_id,
                end_id: 0,
                parent_id,
                created: now,
            },
        );
        if let (Some(operator), Some(chat)) = (operator, self.chats.get_mut(&chat_id)) {
            chat.members.insert(operator);
        }
        self.raised.extend(payload::session_changed(self, id, true));
        id
    }

    /// Remove every member but the client (and `keep`), then add `keep`.
    fn keep_only_operator(&mut self, chat_id: i64, keep: Option<i64>) {
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            let client = chat.client_id;
            chat.members
                .retain(|member| *member == client || Some(*member) == keep);
            chat.members.extend(keep);
        }
    }

    fn connector_user(&mut self, incoming: &ClientMessage) -> i64 {
        let key = format!("{}|{}", incoming.connector, incoming.user_id);
        if let Some(user) = self
            .users
            .values()
            .find(|u| u.external_key.as_deref() == Some(key.as_str()))
        {
            return user.id;
        }
        let name = incoming.user_name.clone().unwrap_or_else(|| "Guest".into());
        let id = self.add_user(&name, "", false, UserKind::Connector);
        if let Some(user) = self.users.get_mut(&id) {
            user.external_key = Some(key);
        }
        id
    }

    fn create_chat(
        &mut self,
        incoming: &ClientMessage,
        code: &str,
        client_id: i64,
        now: f64,
    ) -> i64 {
        let id = Ids::take(&mut self.ids.chat);
        let line_name = self
            .lines
            .get(&incoming.line_id)
            .map_or_else(String::new, |l| l.name.clone());
        let client = incoming
            .chat_name
            .clone()
            .unwrap_or_else(|| self.user_name(client_id));
        self.chats.insert(
            id,
            Chat {
                id,
                kind: ChatKind::Lines,
                title: format!("{client} - {line_name}"),
                user_code: code.to_owned(),
                line_id: incoming.line_id,
                owner: 0,
                members: BTreeSet::from([client_id]),
                client_id,
                silent: false,
                crm: None,
                created: now,
            },
        );
        id
    }

    fn insert_message(&mut self, chat_id: i64, author_id: i64, text: &str, now: f64) -> i64 {
        let id = Ids::take(&mut self.ids.message);
        self.messages.insert(
            id,
            Message {
                id,
                chat_id,
                author_id,
                text: text.to_owned(),
                date: now,
                external_id: None,
            },
        );
        id
    }

    pub fn user_name(&self, user_id: i64) -> String {
        self.users
            .get(&user_id)
            .map_or_else(|| format!("User {user_id}"), |u| u.full_name())
    }
}
