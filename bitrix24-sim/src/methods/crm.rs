//! Dialogs bound to CRM objects: `imopenlines.crm.*` and saving quick answers.

use serde_json::{Value, json};

use super::{Call, Table, add};
use crate::portal::access::check_operator;
use crate::portal::{Chat, CrmBinding, Ids};
use crate::wire::envelope::{ApiError, Reply};

pub fn register(table: &mut Table) {
    add(table, "imopenlines.crm.chat.get", crm_chat_get);
    add(
        table,
        "imopenlines.crm.chat.getlastid",
        crm_chat_get_last_id,
    );
    add(table, "imopenlines.crm.chat.user.add", crm_chat_user_add);
    add(
        table,
        "imopenlines.crm.chat.user.delete",
        crm_chat_user_delete,
    );
    add(table, "imopenlines.crm.message.add", crm_message_add);
    add(table, "imopenlines.crm.lead.create", crm_lead_create);
    add(table, "imopenlines.message.quick.save", message_quick_save);
}

/// `CRM_ENTITY_TYPE` (lead, deal, company, contact) and `CRM_ENTITY`.
fn crm_entity(call: &Call<'_>) -> Result<CrmBinding, ApiError> {
    let kind = call
        .args
        .text("CRM_ENTITY_TYPE")
        .ok_or_else(|| ApiError::argument_missing("CRM_ENTITY_TYPE"))?
        .to_ascii_uppercase();
    if !["LEAD", "DEAL", "COMPANY", "CONTACT"].contains(&kind.as_str()) {
        return Err(ApiError::argument_invalid("CRM_ENTITY_TYPE"));
    }
    if call.args.given("CRM_ENTITY").is_none() {
        return Err(ApiError::argument_missing("CRM_ENTITY"));
    }
    let id = call
        .args
        .int("CRM_ENTITY")
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::argument_invalid("CRM_ENTITY"))?;
    Ok(CrmBinding {
        entity_type: kind,
        entity_id: id,
    })
}

fn bound_chats<'p>(call: &'p Call<'_>, binding: &CrmBinding) -> Vec<&'p Chat> {
    call.portal()
        .chats
        .values()
        .filter(|chat| chat.crm.as_ref() == Some(binding))
        .collect()
}

/// The chat named by `CHAT_ID`, which must belong to the CRM object, or else its newest chat.
fn crm_chat(call: &Call<'_>, binding: &CrmBinding) -> Result<Option<i64>, ApiError> {
    let chats = bound_chats(call, binding);
    match call.args.int("CHAT_ID").filter(|id| *id > 0) {
        Some(id) if chats.iter().any(|c| c.id == id) => Ok(Some(id)),
        Some(_) => Err(ApiError::bad_request(
            "CHAT_NOT_IN_CRM",
            "Chat does not belong to the CRM object being checked",
        )),
        None => Ok(chats.last().map(|c| c.id)),
    }
}

fn crm_chat_get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let binding = crm_entity(call)?;
    let active_only = call.args.flag("ACTIVE_ONLY", true);
    let portal = call.portal();
    let list: Vec<Value> = bound_chats(call, &binding)
        .into_iter()
        .filter(|chat| !active_only || portal.open_session(chat.id).is_some())
        .map(|chat| {
            let connector = chat.user_code.split('|').next().unwrap_or("");
            json!({"CHAT_ID": chat.id.to_string(), "CONNECTOR_ID": connector, "CONNECTOR_TITLE": portal.connector_title(connector)})
        })
        .collect();
    Ok(Value::Array(list).into())
}

fn crm_chat_get_last_id(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let binding = crm_entity(call)?;
    let last = bound_chats(call, &binding).last().map(|c| c.id);
    let id = last.ok_or_else(|| {
        ApiError::bad_request("CRM_CHAT_EMPTY_CRM_DATA", "Could not find CRM object")
    })?;
    Ok(json!(id).into())
}

fn crm_chat_user_add(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let binding = crm_entity(call)?;
    let user = call
        .args
        .int("USER_ID")
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::argument_missing("Empty USER_ID"))?;
    let Some(chat_id) = crm_chat(call, &binding)? else {
        return Ok(json!(0).into());
    };
    if !call.portal().users.get(&user).is_some_and(|u| u.active) {
        return Err(ApiError::bad_request(
            "CRM_CHAT_USER_NOT_ACTIVE",
            "User not active",
        ));
    }
    if call.portal().chats[&chat_id].members.contains(&user) {
        return Err(ApiError::bad_request(
            "WRONG_REQUEST",
            "You don't have access or user already member in chat",
        ));
    }
    if let Some(chat) = call.portal_mut().chats.get_mut(&chat_id) {
        chat.members.insert(user);
    }
    Ok(json!(chat_id).into())
}

fn crm_chat_user_delete(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let binding = crm_entity(call)?;
    let user = call
        .args
        .int("USER_ID")
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request("CRM_CHAT_EMPTY_USER", "Empty User ID"))?;
    let Some(chat_id) = crm_chat(call, &binding)? else {
        return Ok(json!(0).into());
    };
    if !call.portal().chats[&chat_id].members.contains(&user) {
        return Err(ApiError::bad_request(
            "WRONG_REQUEST",
            "You don't have access or user already not in chat",
        ));
    }
    if let Some(chat) = call.portal_mut().chats.get_mut(&chat_id) {
        chat.members.remove(&user);
    }
    Ok(json!(chat_id).into())
}

/// An employee's message into a CRM-bound dialog; the client receives it through the connector.
fn crm_message_add(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let binding = crm_entity(call)?;
    let user = call
        .args
        .int("USER_ID")
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::argument_missing("USER_ID"))?;
    if call.args.given("CHAT_ID").is_none() {
        return Err(ApiError::argument_missing("CHAT_ID"));
    }
    let text = call
        .args
        .text("MESSAGE")
        .ok_or_else(|| ApiError::argument_missing("MESSAGE"))?;
    let chat_id = crm_chat(call, &binding)?.unwrap_or_default();
    if !call.portal().chats[&chat_id].members.contains(&user) {
        return Err(ApiError::bad_request(
            "ACCESS_DENIED",
            "The user is not a member of this chat",
        ));
    }
    let now = call.now;
    let id = call
        .portal_mut()
        .post_operator_message(chat_id, user, &text, now);
    Ok(json!(id).into())
}

/// Create a lead from the dialog; only the session's current operator may.
fn crm_lead_create(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = check_operator(call.portal(), call.user(), call.args.int("CHAT_ID"))?;
    if call.portal().open_session(chat_id).map(|s| s.operator_id) != Some(call.user()) {
        return Err(ApiError::bad_request(
            "ERROR_USER_NOT_OPERATOR",
            "Attempt to save a CRM object by a user who is not an operator",
        ));
    }
    let portal = call.portal_mut();
    let lead = Ids::take(&mut portal.ids.lead);
    if let Some(chat) = portal.chats.get_mut(&chat_id) {
        chat.crm = Some(CrmBinding {
            entity_type: "LEAD".into(),
            entity_id: lead,
        });
    }
    Ok(json!(true).into())
}

fn message_quick_save(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let chat_id = check_operator(call.portal(), call.user(), call.args.int("CHAT_ID"))?;
    let in_chat = call
        .args
        .int("MESSAGE_ID")
        .and_then(|id| call.portal().messages.get(&id))
        .is_some_and(|m| m.chat_id == chat_id);
    if !in_chat {
        return Err(ApiError::bad_request(
            "CANT_SAVE_QUICK_ANSWER",
            "The message cannot be saved as a quick answer",
        ));
    }
    Ok(json!(true).into())
}
