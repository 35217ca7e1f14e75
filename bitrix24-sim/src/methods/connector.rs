//! `imconnector.*`: an application's connector brings client messages in and learns about dialogs.
//! All of them need an application context.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::args::{as_text, items};
use super::{Args, Call, Table, add_app_only};
use crate::auth::AuthKind;
use crate::portal::Connector;
use crate::portal::dialog::{ClientMessage, user_code};
use crate::wire::envelope::{ApiError, Reply};

pub fn register(table: &mut Table) {
    add_app_only(table, "imconnector.register", register_connector);
    add_app_only(table, "imconnector.unregister", unregister_connector);
    add_app_only(table, "imconnector.activate", activate);
    add_app_only(table, "imconnector.status", status);
    add_app_only(table, "imconnector.list", list);
    add_app_only(table, "imconnector.connector.data.set", data_set);
    add_app_only(table, "imconnector.send.messages", send_messages);
    add_app_only(table, "imconnector.update.messages", update_messages);
    add_app_only(table, "imconnector.delete.messages", delete_messages);
    add_app_only(table, "imconnector.send.status.delivery", status_ack);
    add_app_only(table, "imconnector.send.status.reading", status_ack);
    add_app_only(table, "imconnector.chat.name.set", chat_name_set);
}

fn required_text(call: &Call<'_>, name: &str) -> Result<String, ApiError> {
    call.args
        .text(name)
        .ok_or_else(|| ApiError::argument_missing(name))
}

/// `imconnector.register` reports its own errors inside a 200 result.
fn registration_error(code: &str, description: &str) -> Result<Reply, ApiError> {
    Ok(json!({"result": false, "error": code, "error_description": description}).into())
}

fn register_connector(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let Some(id) = call.args.text("ID") else {
        return registration_error("CONNECTOR_ID_REQUIRED", "Connector ID is not specified");
    };
    if id.contains('.') {
        return registration_error(
            "APPLICATION_REGISTRATION_ERROR_POINT",
            "Application registration error. Using a dot in the connector identifier is not allowed",
        );
    }
    let Some(name) = call.args.text("NAME") else {
        return registration_error("NAME_REQUIRED", "Connector name is not specified");
    };
    if call.args.object("ICON").text("DATA_IMAGE").is_none() {
        return registration_error("ICON_REQUIRED", "Connector icon is not specified");
    }
    if call.args.text("PLACEMENT_HANDLER").is_none() {
        return registration_error(
            "NO_PLACEMENT_HANDLER",
            "Failed to get embedding handler URL",
        );
    }
    let app = match &call.caller.kind {
        AuthKind::App(client_id) => Some(client_id.clone()),
        AuthKind::Webhook(_) => None,
    };
    let connector = Connector {
        id: id.clone(),
        name,
        app,
        active_lines: BTreeSet::new(),
        data: BTreeMap::new(),
    };
    call.portal_mut()
        .connectors
        .insert(id.to_ascii_lowercase(), connector);
    Ok(json!({"result": true}).into())
}

fn unregister_connector(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let id = call
        .args
        .text("ID")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let own = call
        .portal()
        .connectors
        .get(&id)
        .is_some_and(|c| c.app.is_some());
    if !own {
        return registration_error(
            "APPLICATION_UNREGISTRATION_ERROR",
            "Error unregistering the application",
        );
    }
    call.portal_mut().connectors.remove(&id);
    Ok(json!({"result": true}).into())
}

/// The connector named by `CONNECTOR`, which must exist.
fn connector_id(call: &Call<'_>) -> Result<String, ApiError> {
    let id = required_text(call, "CONNECTOR")?.to_ascii_lowercase();
    if call.portal().connectors.contains_key(&id) {
        Ok(id)
    } else {
        Err(ApiError::bad_request(
            "IMCONNECTOR_NO_CORRECT_PROVIDER",
            "Failed to find a suitable provider for the connector",
        ))
    }
}

/// `LINE`, which must name an active open line.
fn active_line(call: &Call<'_>) -> Result<i64, ApiError> {
    if call.args.given("LINE").is_none() {
        return Err(ApiError::argument_missing("LINE"));
    }
    call.args
        .int("LINE")
        .filter(|id| call.portal().lines.get(id).is_some_and(|line| line.active))
        .ok_or_else(|| {
            ApiError::bad_request(
                "NOT_ACTIVE_LINE",
                "The line with this ID is inactive or does not exist",
            )
        })
}

fn activate(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let connector = connector_id(call)?;
    let line = active_line(call)?;
    let active = call
        .args
        .given("ACTIVE")
        .and_then(super::args::as_flag)
        .ok_or_else(|| ApiError::argument_missing("ACTIVE"))?;
    if let Some(c) = call.portal_mut().connectors.get_mut(&connector) {
        if active {
            c.active_lines.insert(line);
        } else {
            c.active_lines.remove(&line);
        }
    }
    Ok(json!(true).into())
}

fn status(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let connector = connector_id(call)?;
    let line = call.args.int("LINE").unwrap_or_default();
    let active = call
        .portal()
        .connectors
        .get(&connector)
        .is_some_and(|c| c.active_lines.contains(&line));
    Ok(json!({"LINE": line, "CONNECTOR": connector, "ERROR": false, "CONFIGURED": active, "STATUS": active}).into())
}

fn list(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let map: Map<String, Value> = call
        .portal()
        .connectors
        .values()
        .map(|c| (c.id.clone(), json!(c.name)))
        .collect();
    Ok(Value::Object(map).into())
}

fn data_set(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let connector = connector_id(call)?;
    let line = active_line(call)?;
    let data = call
        .args
        .given("DATA")
        .cloned()
        .ok_or_else(|| ApiError::argument_missing("DATA"))?;
    if let Some(c) = call.portal_mut().connectors.get_mut(&connector) {
        c.data.insert(line, data);
    }
    Ok(json!(true).into())
}

/// The `MESSAGES` list, each element an object with `user`, `message` and `chat`.
fn messages<'a>(call: &Call<'a>) -> Result<Vec<Args<'a>>, ApiError> {
    let value = call
        .args
        .given("MESSAGES")
        .ok_or_else(|| ApiError::argument_missing("MESSAGES"))?;
    if !matches!(value, Value::Array(_) | Value::Object(_)) {
        return Err(ApiError::bad_request(
            "ERROR_ARGUMENT",
            "The value of an argument 'MESSAGES' must be of type array",
        ));
    }
    items(value)
        .into_iter()
        .map(|item| {
            let item = item.as_object().ok_or_else(|| {
                ApiError::bad_request(
                    "ERROR_ARGUMENT",
                    "The MESSAGES parameter must be an array of messages (arrays)",
                )
            })?;
            let args = Args(item);
            if ["user", "message", "chat"]
                .iter()
                .any(|part| !matches!(args.get(part), Some(Value::Object(_))))
            {
                return Err(ApiError::bad_request(
                    "ERROR_ARGUMENT",
                    "The incorrect structure of a message inside MESSAGES parameter",
                ));
            }
            Ok(args)
        })
        .collect()
}

fn batch_result(results: Vec<Value>) -> Reply {
    json!({"SUCCESS": true, "DATA": {"RESULT": results}}).into()
}

/// Client messages arrive: chats and sessions are created as needed.
fn send_messages(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let connector = connector_id(call)?;
    let line = active_line(call)?;
    let mut results = Vec::new();
    for message in messages(call)? {
        let (user, text, chat) = (
            message.object("user"),
            message.object("message"),
            message.object("chat"),
        );
        let (Some(user_id), Some(chat_id)) = (user.text("id"), chat.text("id")) else {
            return Err(ApiError::bad_request(
                "ERROR_ARGUMENT",
                "The incorrect structure of a message inside MESSAGES parameter",
            ));
        };
        let name = [user.text("name"), user.text("last_name")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let incoming = ClientMessage {
            connector: connector.clone(),
            line_id: line,
            chat_id,
            user_id,
            user_name: (!name.is_empty()).then_some(name),
            chat_name: chat.text("name"),
            text: text.text("text").unwrap_or_default(),
            message_id: text.text("id"),
        };
        let now = call.now;
        let delivered = call.portal_mut().receive_client_message(&incoming, now)?;
        let mut echoed = Value::Object(message.0.clone());
        echoed["message"]["date"] = json!({});
        echoed["user"] = json!(delivered.user_id.to_string());
        echoed["SUCCESS"] = json!(true);
        echoed["session"] = json!({"ID": delivered.session_id.to_string(), "CHAT_ID": delivered.chat_id.to_string()});
        results.push(echoed);
    }
    Ok(batch_result(results))
}

/// Find a client's message by its external id within the connector chat it came from.
fn find_external(call: &Call<'_>, connector: &str, line: i64, message: Args<'_>) -> Option<i64> {
    let code = user_code(
        connector,
        line,
        &message.object("chat").text("id")?,
        &message.object("user").text("id")?,
    );
    let chat = call.portal().chat_by_user_code(&code)?.id;
    let external = message.object("message").text("id")?;
    call.portal()
        .messages
        .values()
        .find(|m| m.chat_id == chat && m.external_id.as_deref() == Some(external.as_str()))
        .map(|m| m.id)
}

fn update_messages(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let connector = connector_id(call)?;
    let line = active_line(call)?;
    let mut results = Vec::new();
    for message in messages(call)? {
        let found = find_external(call, &connector, line, message);
        let text = message.object("message").text("text").unwrap_or_default();
        if let Some(id) = found
            && let Some(stored) = call.portal_mut().messages.get_mut(&id)
        {
            stored.text = text;
        }
        let mut echoed = Value::Object(message.0.clone());
        echoed["SUCCESS"] = json!(found.is_some());
        results.push(echoed);
    }
    Ok(batch_result(results))
}

fn delete_messages(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let connector = connector_id(call)?;
    let line = active_line(call)?;
    let mut results = Vec::new();
    for message in messages(call)? {
        let found = find_external(call, &connector, line, message);
        if let Some(id) = found {
            call.portal_mut().messages.remove(&id);
        }
        let mut echoed = Value::Object(message.0.clone());
        echoed["SUCCESS"] = json!(found.is_some());
        results.push(echoed);
    }
    Ok(batch_result(results))
}

/// Delivery and read receipts are acknowledged and otherwise ignored.
fn status_ack(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    connector_id(call)?;
    if call.args.given("LINE").is_none() {
        return Err(ApiError::argument_missing("LINE"));
    }
    messages(call)?;
    Ok(json!({"SUCCESS": true, "DATA": []}).into())
}

fn chat_name_set(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let missing = || {
        ApiError::bad_request(
            "ERROR_ARGUMENT",
            "Required parameters NAME, CHAT_ID, USER_ID, CONNECTOR, or LINE are missing",
        )
    };
    let (Some(name), Some(chat), Some(connector)) = (
        call.args.text("NAME"),
        call.args.text("CHAT_ID"),
        call.args.text("CONNECTOR"),
    ) else {
        return Err(missing());
    };
    let line = call.args.int("LINE").ok_or_else(missing)?;
    let prefix = format!("{}|{line}|{chat}|", connector.to_ascii_lowercase());
    let user = call.args.get("USER_ID").and_then(as_text);
    let found = call
        .portal()
        .chats
        .values()
        .find(|c| {
            c.user_code.starts_with(&prefix)
                && user
                    .as_ref()
                    .is_none_or(|u| c.user_code.ends_with(&format!("|{u}")))
        })
        .map(|c| c.id);
    let chat_id = found.ok_or_else(|| {
        ApiError::bad_request("CHAT_RENAMING_FAILED", "Failed to rename the chat")
    })?;
    if let Some(chat) = call.portal_mut().chats.get_mut(&chat_id) {
        chat.title = name;
    }
    Ok(json!({"SUCCESS": true, "DATA": {"RESULT": {}}}).into())
}
