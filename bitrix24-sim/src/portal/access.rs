//! The access rule shared by the operator and session methods.
//!
//! A user may act on an open-line chat when they are in it, in the line's queue, or an administrator.
//! The errors are checked in the platform's order and all use status 400.

use super::{ChatKind, Portal};
use crate::wire::envelope::ApiError;

pub fn chat_id_invalid() -> ApiError {
    ApiError::bad_request("CHAT_ID", "The specified chat identifier is invalid")
}

pub fn chat_id_empty() -> ApiError {
    ApiError::bad_request("CHAT_ID_EMPTY", "Chat ID can't be empty")
}

pub fn access_denied() -> ApiError {
    ApiError::bad_request(
        "ACCESS_DENIED",
        "You cannot open this conversation because you do not have sufficient permissions",
    )
}

/// May `user_id` work with this chat as an operator?
pub fn can_join(portal: &Portal, user_id: i64, chat_id: i64) -> bool {
    let Some(chat) = portal.chats.get(&chat_id) else {
        return false;
    };
    chat.members.contains(&user_id)
        || portal.is_admin(user_id)
        || portal
            .lines
            .get(&chat.line_id)
            .is_some_and(|line| line.queue.contains(&user_id))
}

/// The check behind `operator.*`, `session.join/start/...` and `crm.lead.create`. Returns the chat id.
pub fn check_operator(
    portal: &Portal,
    user_id: i64,
    chat_id: Option<i64>,
) -> Result<i64, ApiError> {
    let chat_id = chat_id.filter(|id| *id > 0).ok_or_else(chat_id_invalid)?;
    if !portal.users.contains_key(&user_id) {
        return Err(ApiError::bad_request(
            "USER_ID",
            "The specified user identifier is invalid",
        ));
    }
    let chat = portal.chats.get(&chat_id).ok_or_else(chat_id_invalid)?;
    if chat.kind != ChatKind::Lines {
        return Err(ApiError::bad_request(
            "CHAT_TYPE",
            "The specified chat is not an open line",
        ));
    }
    if !can_join(portal, user_id, chat_id) {
        return Err(access_denied());
    }
    Ok(chat_id)
}
