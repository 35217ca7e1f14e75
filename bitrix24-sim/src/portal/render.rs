//! JSON views of the portal in the shapes the method pages document, down to their quirks: legacy
//! config values as strings, `{}` for serialized dates, `[]` for empty maps.

use serde_json::{Map, Value, json};

use super::{Chat, Line, Portal, Session, UserKind};
use crate::wire::time::iso8601;

/// Settings every line reports unless `config.add`/`config.update` wrote them.
const LINE_DEFAULTS: [(&str, &str); 24] = [
    ("CRM", "Y"),
    ("CRM_CREATE", "lead"),
    ("CRM_FORWARD", "Y"),
    ("CRM_SOURCE", "create"),
    ("QUEUE_TIME", "60"),
    ("NO_ANSWER_TIME", "60"),
    ("CHECK_AVAILABLE", "N"),
    ("WATCH_TYPING", "Y"),
    ("WELCOME_BOT_ENABLE", "N"),
    ("WELCOME_MESSAGE", "Y"),
    (
        "WELCOME_MESSAGE_TEXT",
        "Thank you for writing. An operator will answer shortly.",
    ),
    ("VOTE_MESSAGE", "Y"),
    ("AGREEMENT_MESSAGE", "N"),
    ("WORKTIME_ENABLE", "N"),
    ("WORKTIME_FROM", "9"),
    ("WORKTIME_TO", "18.30"),
    ("WORKTIME_TIMEZONE", "UTC"),
    ("AUTO_CLOSE_TIME", "3600"),
    ("FULL_CLOSE_TIME", "10"),
    ("MAX_CHAT", "0"),
    ("TYPE_MAX_CHAT", "answered_new"),
    ("LANGUAGE_ID", "en"),
    ("TEMPORARY", "N"),
    ("OPERATOR_DATA", "profile"),
];

/// The field names `config.list.get` can select, filter and order by.
pub fn line_field_names() -> Vec<&'static str> {
    let mut names = vec!["ID", "LINE_NAME", "ACTIVE", "QUEUE_TYPE"];
    names.extend(LINE_DEFAULTS.iter().map(|(name, _)| *name));
    names
}

/// A value as a legacy method prints it: scalars become strings.
pub fn legacy(value: &Value) -> Value {
    match value {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(if *b { "Y" } else { "N" }.into()),
        other => other.clone(),
    }
}

/// The plain fields of a line (no queue), all as strings.
pub fn line_fields(line: &Line) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("ID".into(), json!(line.id.to_string()));
    fields.insert("ACTIVE".into(), json!(if line.active { "Y" } else { "N" }));
    fields.insert("LINE_NAME".into(), json!(line.name));
    fields.insert("QUEUE_TYPE".into(), json!(line.queue_type));
    for (name, default) in LINE_DEFAULTS {
        fields.insert(
            name.into(),
            line.settings
                .get(name)
                .map_or_else(|| json!(default), legacy),
        );
    }
    for (name, value) in &line.settings {
        fields.entry(name.clone()).or_insert_with(|| legacy(value));
    }
    fields
}

/// `imopenlines.config.get`.
pub fn config(portal: &Portal, line: &Line, with_queue: bool) -> Value {
    let mut fields = line_fields(line);
    fields.insert("WORKTIME_HOLIDAYS".into(), json!([""]));
    fields.insert("WORKTIME_DAYOFF".into(), json!([""]));
    fields.insert("DATE_CREATE".into(), json!({}));
    fields.insert("DATE_MODIFY".into(), json!({}));
    fields.insert("XML_ID".into(), Value::Null);
    fields.insert("DEFAULT_OPERATOR_DATA".into(), json!([]));
    fields.insert("KPI_FIRST_ANSWER_LIST".into(), Value::Null);
    if with_queue {
        fields.insert(
            "QUEUE".into(),
            json!(line.queue.iter().map(i64::to_string).collect::<Vec<_>>()),
        );
        let full: Map<String, Value> = line
            .queue
            .iter()
            .enumerate()
            .map(|(sort, user)| {
                let mut entry = json!({
                    "ID": (line.id * 100 + sort as i64).to_string(),
                    "SORT": sort.to_string(),
                    "USER_ID": user.to_string(),
                    "DEPARTMENT_ID": "0",
                });
                if let (Value::Object(entry), Value::Object(profile)) =
                    (&mut entry, queue_user(portal, *user, true))
                {
                    entry.extend(profile);
                }
                (user.to_string(), entry)
            })
            .collect();
        fields.insert("QUEUE_FULL".into(), Value::Object(full));
        fields.insert("QUEUE_USERS_FIELDS".into(), queue_users(portal, line, true));
        fields.insert("QUEUE_ONLINE".into(), json!("Y"));
    }
    Value::Object(fields)
}

/// `QUEUE_USERS_FIELDS`: per operator, their display fields (`[]` when the queue is empty).
pub fn queue_users(portal: &Portal, line: &Line, legacy_ids: bool) -> Value {
    if line.queue.is_empty() {
        return json!([]);
    }
    Value::Object(
        line.queue
            .iter()
            .map(|user| (user.to_string(), queue_user(portal, *user, legacy_ids)))
            .collect(),
    )
}

fn queue_user(portal: &Portal, user_id: i64, legacy_ids: bool) -> Value {
    let name = portal.users.get(&user_id).map(|u| u.full_name());
    json!({
        "USER_NAME": name,
        "USER_WORK_POSITION": "Operator",
        "USER_AVATAR": "",
        "USER_AVATAR_ID": if legacy_ids { json!("0") } else { Value::Null },
    })
}

/// `CRM|TYPE|ID|PAUSE|WAIT_ACTION|SESSION_ID|DATE_CREATE|LINE_ID|BLOCK_DATE|BLOCK_REASON`.
pub fn entity_data_1(portal: &Portal, chat: &Chat) -> String {
    let session = portal.open_session(chat.id);
    let (crm_type, crm_id) = chat.crm.as_ref().map_or(("NONE".to_owned(), 0), |c| {
        (c.entity_type.clone(), c.entity_id)
    });
    format!(
        "{}|{crm_type}|{crm_id}|{}|N|{}|{}|{}|0|0",
        if chat.crm.is_some() { "Y" } else { "N" },
        if session.is_some_and(|s| s.pause) {
            "Y"
        } else {
            "N"
        },
        session.map_or(0, |s| s.id),
        chat.created as i64,
        chat.line_id,
    )
}

/// `LEAD|id|COMPANY|id|CONTACT|id|DEAL|id`.
pub fn entity_data_2(chat: &Chat) -> String {
    let id_of = |kind: &str| {
        chat.crm
            .as_ref()
            .filter(|c| c.entity_type == kind)
            .map_or(0, |c| c.entity_id)
    };
    format!(
        "LEAD|{}|COMPANY|{}|CONTACT|{}|DEAL|{}",
        id_of("LEAD"),
        id_of("COMPANY"),
        id_of("CONTACT"),
        id_of("DEAL")
    )
}

fn message_count(portal: &Portal, chat_id: i64) -> usize {
    portal
        .messages
        .values()
        .filter(|m| m.chat_id == chat_id)
        .count()
}

/// `imopenlines.dialog.get`: the chat in snake_case.
pub fn dialog(portal: &Portal, chat: &Chat, viewer: i64) -> Value {
    let last = portal.last_message_id(chat.id);
    let role = if chat.owner == viewer {
        "owner"
    } else if chat.members.contains(&viewer) {
        "member"
    } else {
        "guest"
    };
    json!({
        "id": chat.id,
        "parent_chat_id": 0,
        "parent_message_id": 0,
        "name": chat.title,
        "description": null,
        "owner": chat.owner,
        "extranet": false,
        "avatar": "",
        "color": "#58cc47",
        "type": "lines",
        "counter": 0,
        "user_counter": chat.members.len(),
        "message_count": message_count(portal, chat.id),
        "unread_id": 0,
        "restrictions": {"avatar": true, "rename": true, "extend": true, "call": true, "mute": true, "leave": true,
            "leave_owner": true, "send": true, "user_list": true},
        "last_message_id": last,
        "last_id": last,
        "marked_id": 0,
        "disk_folder_id": 0,
        "entity_type": "LINES",
        "entity_id": chat.user_code,
        "entity_data_1": entity_data_1(portal, chat),
        "entity_data_2": entity_data_2(chat),
        "entity_data_3": if chat.silent { "Y" } else { "N" },
        "mute_list": [],
        "date_create": iso8601(chat.created),
        "message_type": "L",
        "public": "",
        "role": role,
        "entity_link": {"type": "LINES", "url": "", "id": chat.user_code},
        "text_field_enabled": true,
        "background_id": null,
        "permissions": {"manage_users_add": "member", "manage_users_delete": "manager", "manage_ui": "member",
            "manage_settings": "owner", "manage_messages": "member", "can_post": "member"},
        "is_new": false,
        "readed_list": [],
        "manager_list": if chat.owner > 0 { json!([chat.owner]) } else { json!([]) },
        "last_message_views": {"message_id": last, "first_viewers": [], "count_of_viewers": 0},
        "dialog_id": format!("chat{}", chat.id),
    })
}

/// `imopenlines.session.history.get`: one session's messages, users and chat, in camelCase.
pub fn history(portal: &Portal, session: &Session, chat: &Chat, viewer: i64) -> Value {
    let end = if session.closed {
        session.end_id
    } else {
        i64::MAX
    };
    let messages: Vec<_> = portal
        .messages
        .values()
        .filter(|m| m.chat_id == chat.id && m.id >= session.start_id && m.id <= end)
        .collect();
    let message_map: Map<String, Value> = messages
        .iter()
        .map(|m| {
            let entry = json!({
                "id": m.id.to_string(),
                "chatid": chat.id.to_string(),
                "senderid": m.author_id.to_string(),
                "recipientid": format!("chat{}", chat.id),
                "date": iso8601(m.date),
                "text": m.text,
                "textlegacy": m.text,
                "params": {},
            });
            (m.id.to_string(), entry)
        })
        .collect();
    let users: Map<String, Value> = chat
        .members
        .iter()
        .map(|id| (id.to_string(), user_profile(portal, *id)))
        .collect();
    let can_vote = portal.is_admin(viewer);
    json!({
        "chatId": chat.id,
        "canJoin": if super::access::can_join(portal, viewer, chat.id) { "Y" } else { "N" },
        "canVoteHead": if can_vote { "Y" } else { "N" },
        "sessionId": session.id,
        "sessionVoteHead": session.vote_head,
        "sessionCommentHead": session.comment_head,
        "userId": format!("chat{}", chat.id),
        "message": if message_map.is_empty() { json!([]) } else { Value::Object(message_map) },
        "usersMessage": {format!("chat{}", chat.id): messages.iter().rev().map(|m| m.id.to_string()).collect::<Vec<_>>()},
        "users": users,
        "openlines": {"canvoteashead": {session.line_id.to_string(): can_vote}},
        "userInGroup": [],
        "woUserInGroup": [],
        "chat": {chat.id.to_string(): {
            "id": chat.id.to_string(),
            "parentChatId": 0,
            "parentMessageId": 0,
            "name": chat.title,
            "owner": chat.owner.to_string(),
            "color": "#ba9c7b",
            "extranet": false,
            "avatar": "",
            "call": "0",
            "callNumber": "",
            "entityType": "LINES",
            "entityId": chat.user_code,
            "entityData1": entity_data_1(portal, chat),
            "entityData2": entity_data_2(chat),
            "entityData3": if chat.silent { "Y" } else { "" },
            "messageCount": message_count(portal, chat.id),
            "public": "",
            "muteList": chat.members.iter().map(|id| (id.to_string(), json!(false))).collect::<Map<_, _>>(),
            "managerList": if chat.owner > 0 { json!([chat.owner]) } else { json!([]) },
            "dateCreate": iso8601(chat.created),
            "type": "lines",
            "entityLink": {"type": "LINES", "url": "", "id": chat.user_code},
            "permissions": {"manageUsersAdd": "member", "manageUsersDelete": "manager", "manageUi": "member",
                "manageSettings": "owner", "manageMessages": "member", "canPost": "member"},
            "textFieldEnabled": true,
            "backgroundId": null,
            "messageType": "L",
            "isNew": false,
        }},
    })
}

/// A user as `history.get` lists them.
fn user_profile(portal: &Portal, user_id: i64) -> Value {
    let Some(user) = portal.users.get(&user_id) else {
        return Value::Null;
    };
    json!({
        "id": user.id.to_string(),
        "name": user.full_name(),
        "active": user.active,
        "firstName": user.name,
        "lastName": user.last_name,
        "workPosition": "",
        "color": "#4ba984",
        "avatar": "",
        "avatarId": "0",
        "birthday": false,
        "gender": "M",
        "phoneDevice": false,
        "phones": false,
        "extranet": user.kind == UserKind::Connector,
        "network": false,
        "bot": user.kind == UserKind::Bot,
        "connector": user.kind == UserKind::Connector,
        "profile": format!("/company/personal/user/{}/", user.id),
        "externalAuthId": if user.kind == UserKind::Connector { "imconnector" } else { "default" },
        "status": "online",
        "idle": false,
        "lastActivityDate": false,
        "mobileLastDate": false,
        "desktopLastDate": false,
        "departments": [],
        "absent": false,
        "type": if user.kind == UserKind::Bot { "bot" } else { "user" },
        "services": null,
        "botData": null,
    })
}

/// `user.get` / `user.current`: a legacy user record (ids as strings, `ACTIVE` a real boolean).
pub fn user_record(user: &super::User) -> Value {
    json!({
        "ID": user.id.to_string(),
        "ACTIVE": user.active,
        "NAME": user.name,
        "LAST_NAME": user.last_name,
        "EMAIL": "",
        "IS_ONLINE": "Y",
        "USER_TYPE": if user.kind == UserKind::Connector { "extranet" } else { "employee" },
        "UF_DEPARTMENT": if user.kind == UserKind::Employee { json!([1]) } else { json!([]) },
    })
}
