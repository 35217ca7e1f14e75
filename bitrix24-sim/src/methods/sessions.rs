//! `imopenlines.session.*`, `dialog.get` and `message.session.start`: looking at and steering sessions.

use serde_json::json;

use super::{Call, Table, add};
use crate::portal::access::{access_denied, can_join, chat_id_empty, check_operator};
use crate::portal::render;
use crate::wire::envelope::{ApiError, Reply};

pub fn register(table: &mut Table) {
    add(table, "imopenlines.session.open", session_open);
    add(table, "imopenlines.dialog.get", dialog_get);
    add(table, "imopenlines.session.start", session_start);
    add(
        table,
        "imopenlines.message.session.start",
        message_session_start,
    );
    add(table, "imopenlines.session.join", session_join);
    add(table, "imopenlines.session.intercept", session_intercept);
    add(table, "imopenlines.session.mode.pin", session_mode_pin);
    add(table, "imopenlines.session.mode.pinall", |call| {
        set_pin_on_all(call, true)
    });
    add(table, "imopenlines.session.mode.unpinall", |call| {
        set_pin_on_all(call, false)
    });
    add(
        table,
        "imopenlines.session.mode.silent",
        session_mode_silent,
    );
    add(table, "imopenlines.session.head.vote", session_head_vote);
    add(
        table,
        "imopenlines.session.history.get",
        session_history_get,
    );
}

fn done() -> Result<Reply, ApiError> {
    Ok(json!(true).into())
}

fn session_open(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let code = call.args.text("USER_CODE").unwrap_or_default();
    let portal = call.portal();
    let chat = portal
        .chat_by_user_code(&code)
        .filter(|chat| can_join(portal, call.user(), chat.id))
        .ok_or_else(access_denied)?;
    Ok(json!({"chatId": chat.id.to_string()}).into())
}

/// Lookup order: `CHAT_ID`, `DIALOG_ID` (`chat<ID>`), `SESSION_ID`, `USER_CODE` (an `imol|` prefix is dropped).
fn dialog_get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let portal = call.portal();
    let args = call.args;
    let chat_id = args
        .int("CHAT_ID")
        .or_else(|| {
            args.text("DIALOG_ID")
                .and_then(|d| d.strip_prefix("chat").and_then(|id| id.parse().ok()))
        })
        .or_else(|| {
            args.int("SESSION_ID")
                .and_then(|id| portal.sessions.get(&id))
                .map(|s| s.chat_id)
        })
        .or_else(|| {
            let code = args.text("USER_CODE")?;
            portal
                .chat_by_user_code(code.strip_prefix("imol|").unwrap_or(&code))
                .map(|c| c.id)
        });
    let chat = chat_id
        .and_then(|id| portal.chats.get(&id))
        .filter(|chat| {
            chat.kind == crate::portal::ChatKind::Lines && can_join(portal, call.user(), chat.id)
        })
        .ok_or_else(|| {
            ApiError::bad_request(
                "ACCESS_ERROR",
                "You do not have access to the specified dialog",
            )
        })?;
    Ok(render::dialog(portal, chat, call.user()).into())
}

fn session_start(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = check_operator(call.portal(), call.user(), call.args.int("CHAT_ID"))?;
    let (user, now) = (call.user(), call.now);
    call.portal_mut().restart_session(chat_id, user, None, now);
    done()
}

fn message_session_start(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = check_operator(call.portal(), call.user(), call.args.int("CHAT_ID"))?;
    let message_id = call.args.int("MESSAGE_ID").filter(|id| {
        call.portal()
            .messages
            .get(id)
            .is_some_and(|m| m.chat_id == chat_id)
    });
    let message_id = message_id.ok_or_else(|| ApiError::argument_missing("MESSAGE_ID"))?;
    let (user, now) = (call.user(), call.now);
    call.portal_mut()
        .restart_session(chat_id, user, Some(message_id), now);
    done()
}

fn session_join(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = check_operator(call.portal(), call.user(), call.args.int("CHAT_ID"))?;
    let user = call.user();
    if let Some(chat) = call.portal_mut().chats.get_mut(&chat_id) {
        chat.members.insert(user);
    }
    done()
}

/// Take the dialog from its current operator; there must be one, and it must not be the caller.
fn session_intercept(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = call
        .args
        .int("CHAT_ID")
        .filter(|id| *id > 0)
        .ok_or_else(chat_id_empty)?;
    let wrong = || ApiError::bad_request("OPERATOR_WRONG", "You can not redirect to this operator");
    check_operator(call.portal(), call.user(), Some(chat_id)).map_err(|_| wrong())?;
    let owner = call.portal().chats.get(&chat_id).map_or(0, |c| c.owner);
    if owner == 0 || owner == call.user() {
        return Err(wrong());
    }
    let (user, now) = (call.user(), call.now);
    call.portal_mut().answer(chat_id, user, now);
    done()
}

fn session_mode_pin(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = call
        .args
        .int("CHAT_ID")
        .filter(|id| *id > 0)
        .ok_or_else(chat_id_empty)?;
    check_operator(call.portal(), call.user(), Some(chat_id))?;
    let pin = call
        .args
        .text("ACTIVATE")
        .is_none_or(|a| !a.eq_ignore_ascii_case("N"));
    if let Some(session) = call.portal_mut().open_session_mut(chat_id) {
        session.pause = pin;
    }
    done()
}

/// Pin or unpin every open session of the caller; the result lists the sessions that changed.
fn set_pin_on_all(call: &mut Call<'_>, pin: bool) -> Result<Reply, ApiError> {
    let user = call.user();
    let changed: Vec<i64> = call
        .portal()
        .sessions
        .values()
        .filter(|s| !s.closed && s.operator_id == user && s.pause != pin)
        .map(|s| s.id)
        .collect();
    if !changed.is_empty() {
        let portal = call.portal_mut();
        for id in &changed {
            if let Some(session) = portal.sessions.get_mut(id) {
                session.pause = pin;
            }
        }
    }
    Ok(json!(changed).into())
}

fn session_mode_silent(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = check_operator(call.portal(), call.user(), call.args.int("CHAT_ID"))?;
    let silent = call
        .args
        .text("ACTIVATE")
        .is_some_and(|a| a.eq_ignore_ascii_case("Y"));
    if let Some(chat) = call.portal_mut().chats.get_mut(&chat_id) {
        chat.silent = silent;
    }
    done()
}

/// A supervisor's rating of a closed session. Only administrators may vote here.
fn session_head_vote(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let session_id = call
        .args
        .int("SESSION_ID")
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request("EMPTY_SESSION_ID", "Session ID can't be empty"))?;
    let rating = call.args.int("RATING");
    let comment = call.args.text("COMMENT");
    if rating.is_none() && comment.is_none() {
        return Err(ApiError::bad_request(
            "EMPTY_VOTE_PARAMS",
            "At least one of the parameters RATING or COMMENT must be specified",
        ));
    }
    let denied = || {
        ApiError::bad_request(
            "ACCESS_DENIED",
            "You cannot open this conversation because you do not have sufficient rights",
        )
    };
    let allowed = call
        .portal()
        .sessions
        .get(&session_id)
        .is_some_and(|s| s.closed)
        && call.portal().is_admin(call.user());
    if !allowed {
        return Err(denied());
    }
    if let Some(session) = call.portal_mut().sessions.get_mut(&session_id) {
        if let Some(rating) = rating {
            session.vote_head = rating.clamp(0, 5);
        }
        if comment.is_some() {
            session.comment_head = comment;
        }
    }
    done()
}

fn session_history_get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let portal = call.portal();
    let session = match (call.args.int("SESSION_ID"), call.args.int("CHAT_ID")) {
        (Some(id), _) => portal.sessions.get(&id),
        (None, Some(chat_id)) => portal.last_session(chat_id),
        (None, None) => {
            return Err(ApiError::bad_request(
                "MISSING_REQUIRED_PARAM",
                "Session ID or Chat ID must be provided",
            ));
        }
    };
    let session = session.ok_or_else(|| {
        ApiError::bad_request(
            "INVALID_SESSION_ID",
            "Unable to determine session ID from provided parameters",
        )
    })?;
    let chat = portal
        .chats
        .get(&session.chat_id)
        .filter(|chat| can_join(portal, call.user(), chat.id))
        .ok_or_else(|| {
            ApiError::bad_request(
                "ACCESS_DENIED",
                "You cannot open this conversation as you do not have sufficient rights",
            )
        })?;
    Ok(render::history(portal, session, chat, call.user()).into())
}
