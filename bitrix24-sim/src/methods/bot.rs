//! `imopenlines.bot.session.*`: a chat bot that holds a dialog hands it on, writes, or closes it.

use serde_json::json;

use super::operators::{transfer, transfer_target};
use super::{Call, Table, add};
use crate::portal::UserKind;
use crate::portal::access::chat_id_empty;
use crate::wire::envelope::{ApiError, Reply};

pub fn register(table: &mut Table) {
    add(
        table,
        "imopenlines.bot.session.operator",
        bot_session_operator,
    );
    add(
        table,
        "imopenlines.bot.session.message.send",
        bot_session_message_send,
    );
    add(
        table,
        "imopenlines.bot.session.transfer",
        bot_session_transfer,
    );
    add(table, "imopenlines.bot.session.finish", bot_session_finish);
}

fn chat_id(call: &Call<'_>) -> Result<i64, ApiError> {
    call.args
        .int("CHAT_ID")
        .filter(|id| *id > 0 && call.portal().chats.contains_key(id))
        .ok_or_else(chat_id_empty)
}

/// The bot currently operating the chat's open session.
fn session_bot(call: &Call<'_>, chat_id: i64) -> Option<i64> {
    let operator = call.portal().open_session(chat_id)?.operator_id;
    call.portal()
        .users
        .get(&operator)
        .filter(|u| u.kind == UserKind::Bot)
        .map(|u| u.id)
}

fn bot_not_found() -> ApiError {
    ApiError::bad_request("BOT_ID_ERROR", "Bot not found")
}

/// Give the dialog to the next free queue operator.
fn bot_session_operator(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = chat_id(call)?;
    let bot = session_bot(call, chat_id)
        .ok_or_else(|| ApiError::bad_request("WRONG_CHAT", "Operator is not a bot"))?;
    let now = call.now;
    call.portal_mut().skip(chat_id, bot, now)?;
    Ok(json!(true).into())
}

/// A message from the bot (or, if no bot holds the dialog, from the caller).
fn bot_session_message_send(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = chat_id(call)?;
    let author = session_bot(call, chat_id).unwrap_or(call.user());
    let text =
        call.args
            .text("MESSAGE")
            .unwrap_or_else(|| match call.args.text("NAME").as_deref() {
                Some("WELCOME") => "Welcome! An operator will join shortly.".into(),
                _ => "Thank you for your message.".into(),
            });
    let now = call.now;
    call.portal_mut()
        .post_operator_message(chat_id, author, &text, now);
    Ok(json!(true).into())
}

fn bot_session_transfer(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = chat_id(call)?;
    let target = transfer_target(call.args)?;
    session_bot(call, chat_id).ok_or_else(bot_not_found)?;
    transfer(call, chat_id, target)
}

fn bot_session_finish(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = chat_id(call)?;
    let bot = session_bot(call, chat_id).ok_or_else(bot_not_found)?;
    let now = call.now;
    call.portal_mut().close_session(chat_id, bot, false, now);
    Ok(json!(true).into())
}
