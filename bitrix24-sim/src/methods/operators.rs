//! `imopenlines.operator.*`: what an operator does with a dialog.

use serde_json::json;

use super::{Args, Call, Table, add};
use crate::portal::UserKind;
use crate::portal::access::{chat_id_empty, check_operator};
use crate::wire::envelope::{ApiError, Reply};

pub fn register(table: &mut Table) {
    add(table, "imopenlines.operator.answer", operator_answer);
    add(table, "imopenlines.operator.finish", |call| {
        finish(call, true)
    });
    add(table, "imopenlines.operator.another.finish", |call| {
        finish(call, false)
    });
    add(table, "imopenlines.operator.skip", operator_skip);
    add(table, "imopenlines.operator.spam", operator_spam);
    add(table, "imopenlines.operator.transfer", operator_transfer);
}

fn done() -> Result<Reply, ApiError> {
    Ok(json!(true).into())
}

fn operator_answer(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = check_operator(call.portal(), call.user(), call.args.int("CHAT_ID"))?;
    let (user, now) = (call.user(), call.now);
    call.portal_mut().answer(chat_id, user, now);
    done()
}

/// Close the open session. `own_only`: the caller must be its operator (`operator.finish`), unlike
/// `operator.another.finish`. Nothing open is not an error.
fn finish(call: &mut Call<'_>, own_only: bool) -> Result<Reply, ApiError> {
    let chat_id = check_operator(call.portal(), call.user(), call.args.int("CHAT_ID"))?;
    let Some(operator) = call.portal().open_session(chat_id).map(|s| s.operator_id) else {
        return done();
    };
    if own_only && operator != 0 && operator != call.user() {
        return Err(ApiError::bad_request(
            "ERROR_USER_NOT_OPERATOR",
            "The user is not the operator of this dialog",
        ));
    }
    let (user, now) = (call.user(), call.now);
    call.portal_mut().close_session(chat_id, user, false, now);
    done()
}

fn operator_spam(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = check_operator(call.portal(), call.user(), call.args.int("CHAT_ID"))?;
    if call.portal().open_session(chat_id).is_some() {
        let (user, now) = (call.user(), call.now);
        call.portal_mut().close_session(chat_id, user, true, now);
    }
    done()
}

fn operator_skip(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = check_operator(call.portal(), call.user(), call.args.int("CHAT_ID"))?;
    if call.portal().open_session(chat_id).is_none() {
        return Err(ApiError::bad_request(
            "ACCESS_DENIED_KICK",
            "Insufficient permissions to remove participants from the chat",
        ));
    }
    let (user, now) = (call.user(), call.now);
    call.portal_mut().skip(chat_id, user, now)?;
    done()
}

/// Where a dialog is transferred.
pub enum Target {
    User(i64),
    Queue(i64),
}

/// Read `TRANSFER_ID` (a user id or `queue<ID>`), then `USER_ID`, which wins over `QUEUE_ID`.
pub fn transfer_target(args: Args<'_>) -> Result<Target, ApiError> {
    let user_empty = || ApiError::bad_request("USER_ID_EMPTY", "User ID can't be empty");
    let queue_empty = || ApiError::bad_request("QUEUE_ID_EMPTY", "QUEUE ID can't be empty");
    let mut user = args.get("USER_ID").map(|_| {
        args.int("USER_ID")
            .filter(|id| *id > 0)
            .ok_or_else(user_empty)
    });
    let mut queue = args.get("QUEUE_ID").map(|_| {
        args.int("QUEUE_ID")
            .filter(|id| *id > 0)
            .ok_or_else(queue_empty)
    });
    if let Some(transfer) = args.text("TRANSFER_ID") {
        match transfer.strip_prefix("queue") {
            Some(id) => queue = Some(id.parse().ok().filter(|id| *id > 0).ok_or_else(queue_empty)),
            None => {
                user = Some(
                    transfer
                        .parse()
                        .ok()
                        .filter(|id| *id > 0)
                        .ok_or_else(user_empty),
                )
            }
        }
    }
    match (user, queue) {
        (Some(user), _) => user.map(Target::User),
        (None, Some(queue)) => queue.map(Target::Queue),
        (None, None) => Err(ApiError::bad_request(
            "TRANSFER_ID_EMPTY",
            "Queue ID or User ID can't be empty",
        )),
    }
}

/// Hand the open session of `chat_id` to a user or a queue, checking the target.
pub fn transfer(call: &mut Call<'_>, chat_id: i64, target: Target) -> Result<Reply, ApiError> {
    let wrong = || ApiError::bad_request("OPERATOR_WRONG", "You cannot redirect to this operator");
    if call.portal().open_session(chat_id).is_none() {
        return Err(wrong());
    }
    let now = call.now;
    match target {
        Target::User(user) => {
            let fit = call
                .portal()
                .users
                .get(&user)
                .is_some_and(|u| u.active && u.kind == UserKind::Employee);
            if !fit || user == call.user() {
                return Err(wrong());
            }
            call.portal_mut().transfer_to_user(chat_id, user, now);
        }
        Target::Queue(line) => {
            if !call.portal().lines.contains_key(&line) {
                return Err(ApiError::bad_request(
                    "QUEUE_ID_EMPTY",
                    "QUEUE ID can't be empty",
                ));
            }
            call.portal_mut().transfer_to_queue(chat_id, line, now);
        }
    }
    done()
}

fn operator_transfer(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = call
        .args
        .int("CHAT_ID")
        .filter(|id| *id > 0)
        .ok_or_else(chat_id_empty)?;
    let target = transfer_target(call.args)?;
    check_operator(call.portal(), call.user(), Some(chat_id))?;
    transfer(call, chat_id, target)
}
