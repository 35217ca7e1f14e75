//! One test per typing defect found by reviewing the generated types against the docs, each written from
//! the page's own example or table. Every one of them failed before the parser read the fact in question.
//!
//! Examples come from the committed IR, so a test follows the page when the docs change.

#![cfg(feature = "imopenlines")]
// session.mode.silent is marked outdated by the docs; its defect test stays.
#![allow(deprecated)]

use bitrix24_api::generated::imopenlines;
use bitrix24_api::method::Decoded;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The `result` of the first response example of `method`.
fn example_result(method: &str) -> Value {
    let spec = bitrix24_ir::committed();
    let page = spec
        .pages
        .iter()
        .find(|p| p.names.iter().any(|n| n == method))
        .unwrap_or_else(|| panic!("no page for {method}"));
    let example = page.response.as_ref().and_then(|r| r.examples.first());
    example
        .and_then(|e| e.value.as_ref())
        .and_then(|v| v.get("result"))
        .cloned()
        .unwrap_or_else(|| panic!("{method} has no response example"))
}

fn decode<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("decodes")
}

fn encode(request: &impl serde::Serialize) -> Value {
    serde_json::to_value(request).expect("encodes")
}

// Defect 1: QUEUE_FULL and QUEUE_USERS_FIELDS are objects keyed by user ID (config.get's table), and
// decoding the example used to keep none of the entries.
#[test]
fn config_get_keeps_every_queue_entry_keyed_by_user_id() {
    let result: imopenlines::ConfigGetResponse = decode(example_result("imopenlines.config.get"));
    let full = result.queue_full.expect("QUEUE_FULL");
    assert_eq!(full.keys().collect::<Vec<_>>(), ["103", "27"]);
    assert_eq!(full["27"].id.as_deref(), Some("245"));
    assert_eq!(full["103"].user_id.as_deref(), Some("103"));
    let users = result.queue_users_fields.expect("QUEUE_USERS_FIELDS");
    assert_eq!(users.len(), 2);
    assert_eq!(users["27"].user_avatar_id.as_deref(), Some("0"));
}

// Defect 2: DEFAULT_OPERATOR_DATA is an object in config.add and `[]` in config.get's example; a configured
// value used to fail the whole call.
#[test]
fn default_operator_data_decodes_empty_and_configured() {
    let mut result = example_result("imopenlines.config.get");
    assert_eq!(
        result["DEFAULT_OPERATOR_DATA"],
        json!([]),
        "the example's value"
    );
    let empty: imopenlines::ConfigGetResponse = decode(result.clone());
    let empty = empty.default_operator_data.expect("[] is an empty object");
    assert_eq!(
        (empty.name, empty.avatar, empty.avatar_id),
        (None, None, None)
    );
    // The fields config.add lists for the setting, typed by overrides.toml as the list describes them.
    result["DEFAULT_OPERATOR_DATA"] =
        json!({"NAME": "Support", "AVATAR": "https://x/a.png", "AVATAR_ID": "12"});
    let full: imopenlines::ConfigGetResponse = decode(result);
    let data = full.default_operator_data.expect("configured");
    assert_eq!(data.name.as_deref(), Some("Support"));
    assert_eq!(data.avatar.as_deref(), Some("https://x/a.png"));
    assert_eq!(data.avatar_id, Some(12));
    let sent = imopenlines::ConfigDefaultOperatorData::new()
        .name("Support")
        .avatar_id(12);
    assert_eq!(encode(&sent), json!({"NAME": "Support", "AVATAR_ID": 12}));
}

// Defect 3: the configuration's dates are objects in the tables and `{}` in the example (PHP's date object);
// they were any JSON. A date string decodes, and `{}` is no date.
#[test]
fn config_dates_read_an_empty_php_object_as_no_date() {
    let mut result = example_result("imopenlines.config.get");
    assert_eq!(result["DATE_CREATE"], json!({}), "the example's value");
    let example: imopenlines::ConfigGetResponse = decode(result.clone());
    assert_eq!(example.date_create, None);
    result["DATE_MODIFY"] = json!("2026-12-07T10:00:00+03:00");
    let dated: imopenlines::ConfigGetResponse = decode(result);
    assert_eq!(
        dated.date_modify.as_deref(),
        Some("2026-12-07T10:00:00+03:00")
    );
}

// Defect 3: config.list.get's WORKTIME_DAYOFF/HOLIDAYS are bare arrays; config.get's example shows the same
// settings as lists of strings.
#[test]
fn config_list_work_time_lists_are_strings() {
    let mut line = example_result("imopenlines.config.get");
    assert!(
        line["WORKTIME_DAYOFF"].is_array(),
        "config.get's example shows the list"
    );
    line["WORKTIME_HOLIDAYS"] = json!(["01.01", "08.03"]);
    let lines: imopenlines::ConfigListGetResponse = decode(json!([line.clone()]));
    let expected: Vec<String> = decode(line["WORKTIME_DAYOFF"].clone());
    assert_eq!(lines[0].worktime_dayoff.as_ref(), Some(&expected));
    assert_eq!(
        lines[0].worktime_holidays.as_deref(),
        Some(&["01.01".to_owned(), "08.03".to_owned()][..])
    );
}

// Defect 3: each item of the connectors' message results carries its error texts and echoes the files it
// was sent with (url and name, as the request's table gives them); both were lists of any JSON.
#[test]
fn connector_message_results_type_error_texts_and_echoed_files() {
    let mut result = example_result("imconnector.send.messages");
    let item = &mut result["DATA"]["RESULT"][0];
    assert!(item.is_object(), "the example has a result item");
    item["SUCCESS"] = json!(false);
    item["ERRORS"] = json!(["Chat not found"]);
    item["message"]["files"] = json!([{"url": "https://x/f.txt", "name": "f.txt"}]);
    let decoded: imopenlines::ImconnectorSendMessagesResponse = decode(result);
    let item = &decoded.data.expect("DATA").result.expect("RESULT")[0];
    assert_eq!(
        item.errors.as_deref(),
        Some(&["Chat not found".to_owned()][..])
    );
    let files = item
        .message
        .as_ref()
        .and_then(|m| m.files.as_ref())
        .expect("files");
    assert_eq!(files[0].url.as_deref(), Some("https://x/f.txt"));
    assert_eq!(files[0].name.as_deref(), Some("f.txt"));
}

// Defect 2: dialog.get `mute_list` is `[]` in its example and `{"103": false}` in history.get's.
#[test]
fn dialog_mute_list_decodes_both_shapes_php_sends() {
    let mut result = example_result("imopenlines.dialog.get");
    let empty: imopenlines::DialogGetResponse = decode(result.clone());
    assert_eq!(empty.mute_list.map(|m| m.len()), Some(0));
    result["mute_list"] = json!({"103": false, "587": true});
    let muted: imopenlines::DialogGetResponse = decode(result);
    let muted = muted.mute_list.expect("mute_list");
    assert_eq!((muted["103"], muted["587"]), (false, true));
}

// Defect 2: every list and map accepts both `[]` and `{}`, because PHP encodes an empty array as `[]`.
#[test]
fn lists_and_maps_accept_both_empty_shapes() {
    let mut result = example_result("imopenlines.session.history.get");
    result["usersMessage"] = json!([]);
    result["userInChat"] = json!({});
    result["message"] = json!([]);
    let decoded: imopenlines::SessionHistoryGetResponse = decode(result);
    assert_eq!(decoded.users_message.map(|m| m.len()), Some(0));
    assert_eq!(decoded.user_in_chat.map(|m| m.len()), Some(0));
    let mut config = example_result("imopenlines.config.get");
    config["QUEUE"] = json!({"0": "27", "1": "103"});
    let decoded: imopenlines::ConfigGetResponse = decode(config);
    assert_eq!(decoded.queue, Some(vec![27, 103]));
}

// Defect 3: history.get's maps are typed as the page describes them.
#[test]
fn history_get_maps_are_typed() {
    let result: imopenlines::SessionHistoryGetResponse =
        decode(example_result("imopenlines.session.history.get"));
    let users_message = result.users_message.expect("usersMessage");
    assert_eq!(users_message["chat1763"], vec![85851, 85833]);
    assert_eq!(
        result.user_in_chat.expect("userInChat")["1763"],
        vec![103, 587]
    );
    let blocked = result.user_block_chat.expect("userBlockChat");
    assert!(!blocked["1763"]["103"]);
    let chat = result.chat.expect("chat");
    let chat = chat.values().next().expect("one chat");
    assert!(chat.mute_list.is_some(), "muteList is a typed map");
}

// Defect 3: dialog.get `manager_list` holds IDs of the operators.
#[test]
fn dialog_manager_list_is_a_list_of_ids() {
    let mut result = example_result("imopenlines.dialog.get");
    result["manager_list"] = json!(["27", 103]);
    let decoded: imopenlines::DialogGetResponse = decode(result);
    assert_eq!(decoded.manager_list, Some(vec![27, 103]));
}

// Defect 3: imconnector.list is a map from connector code to its name.
#[test]
fn imconnector_list_is_a_code_to_name_map() {
    // The result is the map itself, read as the client reads it (an empty one may arrive as `[]`).
    let Decoded::<imopenlines::ImconnectorList>(result) =
        decode(example_result("imconnector.list"));
    assert!(!result.is_empty());
    assert!(result.values().all(|name| !name.is_empty()));
}

// Defect 3 and 4: send.messages items carry `user`, `message` and `chat` (required by prose), and the
// message's `picture {url}` and `files {url, name}` are typed.
#[test]
fn send_messages_items_are_fully_typed() {
    let user = imopenlines::ImconnectorSendMessagesUser::new("42");
    let message = imopenlines::ImconnectorSendMessagesMessageMessage::new();
    let chat = imopenlines::ImconnectorSendMessagesChat::new("chat-1");
    let item = imopenlines::ImconnectorSendMessagesMessage::new(user, message, chat);
    let request = imopenlines::ImconnectorSendMessages::new("myconnector", 1, vec![item]);
    let sent = encode(&request);
    assert_eq!(sent["MESSAGES"][0]["user"]["id"], "42");
    assert_eq!(sent["MESSAGES"][0]["chat"]["id"], "chat-1");
    let mut user = imopenlines::ImconnectorSendMessagesUser::new("42");
    user.picture = Some(imopenlines::ImconnectorSendMessagesPicture::new().url("https://x/a.png"));
    assert_eq!(encode(&user)["picture"]["url"], "https://x/a.png");
    let mut message = imopenlines::ImconnectorSendMessagesMessageMessage::new();
    message.files = Some(vec![
        imopenlines::ImconnectorSendMessagesFile::new()
            .url("https://x/f")
            .name("f.txt"),
    ]);
    assert_eq!(encode(&message)["files"][0]["name"], "f.txt");
}

// Defect 3: send.status.* `message.id` is a list of external string IDs.
#[test]
fn delivery_status_message_ids_are_strings() {
    let mut message = imopenlines::ImconnectorSendStatusDeliveryMessageMessage::new();
    message.id = Some(vec!["ext-msg-1".to_owned()]);
    assert_eq!(encode(&message)["id"], json!(["ext-msg-1"]));
}

// Defect 5: CRM_ENTITY_TYPE is one of lead, deal, company, contact.
#[test]
fn crm_entity_type_is_an_enum() {
    use imopenlines::CrmChatGetCrmEntityType as Kind;
    let request = imopenlines::CrmChatGet::new(Kind::Deal, 5);
    assert_eq!(encode(&request)["CRM_ENTITY_TYPE"], "deal");
    assert_eq!(Kind::from("contact"), Kind::Contact);
}

// Defect 5: the Y/N flags are booleans on the wire as `Y`/`N`.
#[test]
fn yes_no_fields_are_booleans() {
    let pin = imopenlines::SessionModePin::new(1763).activate(false);
    assert_eq!(encode(&pin)["ACTIVATE"], "N");
    let silent = imopenlines::SessionModeSilent::new(1763).activate(true);
    assert_eq!(encode(&silent)["ACTIVATE"], "Y");
    let note = imopenlines::NetworkMessageAdd::new("code", 1, "hi").url_preview(false);
    assert_eq!(encode(&note)["URL_PREVIEW"], "N");
    let result: imopenlines::SessionHistoryGetResponse =
        decode(example_result("imopenlines.session.history.get"));
    assert!(result.can_join.is_some() && result.can_vote_head.is_some());
}

// Defect 5: imconnector.status `LINE` is an integer; `TRANSFER_ID` is a user ID or a `queue<ID>` string.
#[test]
fn line_is_an_integer_and_transfer_id_either() {
    let status = imopenlines::ImconnectorStatus::new("myconnector").line(12);
    assert_eq!(encode(&status)["LINE"], 12);
    let to_user = imopenlines::OperatorTransfer::new(1763).transfer_id(27);
    assert_eq!(encode(&to_user)["TRANSFER_ID"], 27);
    let to_queue = imopenlines::OperatorTransfer::new(1763).transfer_id("queue12");
    assert_eq!(encode(&to_queue)["TRANSFER_ID"], "queue12");
}

// Defect 2: imconnector.unregister's table says `result` is a boolean, its example sends
// `{"result": true}`; the type used to accept only the example's shape.
#[test]
fn unregister_accepts_the_tables_boolean_and_the_examples_wrapper() {
    let example = example_result("imconnector.unregister");
    assert_eq!(example, json!({"result": true}), "the page's example");
    let Decoded::<imopenlines::ImconnectorUnregister>(wrapped) = decode(example);
    let Decoded::<imopenlines::ImconnectorUnregister>(bare) = decode(json!(true));
    let Decoded::<imopenlines::ImconnectorUnregister>(refused) = decode(json!({"result": "N"}));
    assert_eq!((wrapped, bare, refused), (true, true, false));
}
