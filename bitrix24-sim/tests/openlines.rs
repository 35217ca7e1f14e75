//! The open-lines model: operators, sessions, access rules, CRM, configuration, connectors and bots.

mod common;

use bitrix24_sim::Simulator;
use bitrix24_sim::demo::users::{ADMIN, BOT, OPERATOR, OUTSIDER, SECOND_OPERATOR};
use common::{call, code};
use serde_json::{Value, json};

/// Demo chats: 1 is answered by the operator, 2 waits for the second operator, 3 is closed, 4 is a group chat.
const ANSWERED: i64 = 1;
const WAITING: i64 = 2;
const CLOSED: i64 = 3;
const GROUP: i64 = 4;

struct Portal {
    sim: Simulator,
}

impl Portal {
    async fn start() -> Self {
        let sim = Simulator::builder()
            .no_rate_limit()
            .webhook(OPERATOR, "operator-hook")
            .webhook(SECOND_OPERATOR, "second-hook")
            .webhook(OUTSIDER, "outsider-hook")
            .start()
            .await
            .unwrap();
        Portal { sim }
    }

    fn hook(&self, user: i64) -> String {
        let secret = match user {
            OPERATOR => "operator-hook",
            SECOND_OPERATOR => "second-hook",
            OUTSIDER => "outsider-hook",
            _ => return self.sim.webhook_url(),
        };
        format!("{}/rest/{user}/{secret}/", self.sim.base_url())
    }

    async fn as_user(&self, user: i64, method: &str, params: Value) -> (u16, Value) {
        call(&self.hook(user), method, params).await
    }

    async fn ok(&self, user: i64, method: &str, params: Value) -> Value {
        let (status, body) = self.as_user(user, method, params).await;
        assert_eq!(status, 200, "{method}: {body}");
        body["result"].clone()
    }

    async fn dialog(&self, chat: i64) -> Value {
        self.ok(ADMIN, "imopenlines.dialog.get", json!({"CHAT_ID": chat}))
            .await
    }
}

#[tokio::test]
async fn answering_makes_the_caller_responsible() {
    let portal = &Portal::start().await;
    assert_eq!(portal.dialog(WAITING).await["owner"], 0);
    assert_eq!(
        portal
            .ok(
                SECOND_OPERATOR,
                "imopenlines.operator.answer",
                json!({"CHAT_ID": WAITING})
            )
            .await,
        json!(true)
    );
    let dialog = portal.dialog(WAITING).await;
    assert_eq!(dialog["owner"], SECOND_OPERATOR);
    assert_eq!(dialog["manager_list"], json!([SECOND_OPERATOR]));
    assert_eq!(dialog["entity_id"], "livechat|1|2|1002");
    assert_eq!(dialog["dialog_id"], format!("chat{WAITING}"));
    let history = portal
        .ok(
            ADMIN,
            "imopenlines.session.history.get",
            json!({"CHAT_ID": WAITING}),
        )
        .await;
    let texts: Vec<&str> = history["message"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|m| m["text"].as_str())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("took the dialog")),
        "{texts:?}"
    );
    assert_eq!(
        portal
            .sim
            .counters()
            .side_effects("imopenlines.operator.answer"),
        1
    );
}

#[tokio::test]
async fn access_errors_follow_the_platform_order() {
    let portal = &Portal::start().await;
    let answer = |user, chat: Value| async move {
        portal
            .as_user(
                user,
                "imopenlines.operator.answer",
                json!({"CHAT_ID": chat}),
            )
            .await
    };
    let (status, body) = answer(OUTSIDER, json!(WAITING)).await;
    assert_eq!((status, code(&body)), (400, "ACCESS_DENIED"));
    assert_eq!(code(&answer(ADMIN, json!(GROUP)).await.1), "CHAT_TYPE");
    assert_eq!(code(&answer(ADMIN, json!(999)).await.1), "CHAT_ID");
    assert_eq!(code(&answer(ADMIN, json!("")).await.1), "CHAT_ID");
    assert_eq!(
        portal
            .sim
            .counters()
            .side_effects("imopenlines.operator.answer"),
        0
    );

    let code_of_chat_1 = json!({"USER_CODE": "livechat|1|1|1001"});
    let (status, body) = portal
        .as_user(OUTSIDER, "imopenlines.session.open", code_of_chat_1.clone())
        .await;
    assert_eq!((status, code(&body)), (400, "ACCESS_DENIED"));
    assert_eq!(
        portal
            .ok(OPERATOR, "imopenlines.session.open", code_of_chat_1)
            .await,
        json!({"chatId": "1"})
    );
    let (_, body) = portal
        .as_user(
            OUTSIDER,
            "imopenlines.dialog.get",
            json!({"CHAT_ID": ANSWERED}),
        )
        .await;
    assert_eq!(code(&body), "ACCESS_ERROR");
}

#[tokio::test]
async fn skip_and_transfer_move_the_dialog() {
    let portal = &Portal::start().await;
    portal
        .ok(
            SECOND_OPERATOR,
            "imopenlines.operator.skip",
            json!({"CHAT_ID": WAITING}),
        )
        .await;
    let dialog = portal.dialog(WAITING).await;
    assert_eq!(dialog["owner"], 0, "waits for the next operator to answer");
    assert!(
        !portal
            .ok(
                ADMIN,
                "imopenlines.session.history.get",
                json!({"CHAT_ID": WAITING})
            )
            .await["users"]
            .as_object()
            .unwrap()
            .contains_key(&SECOND_OPERATOR.to_string())
    );

    let transfer = |params: Value| async move {
        portal
            .as_user(OPERATOR, "imopenlines.operator.transfer", params)
            .await
    };
    assert_eq!(
        code(&transfer(json!({"CHAT_ID": ANSWERED})).await.1),
        "TRANSFER_ID_EMPTY"
    );
    assert_eq!(
        code(
            &transfer(json!({"CHAT_ID": ANSWERED, "TRANSFER_ID": "queue"}))
                .await
                .1
        ),
        "QUEUE_ID_EMPTY"
    );
    assert_eq!(
        code(&transfer(json!({"TRANSFER_ID": 3})).await.1),
        "CHAT_ID_EMPTY"
    );
    assert_eq!(
        code(
            &transfer(json!({"CHAT_ID": ANSWERED, "USER_ID": OPERATOR}))
                .await
                .1
        ),
        "OPERATOR_WRONG"
    );
    assert_eq!(
        code(
            &transfer(json!({"CHAT_ID": ANSWERED, "USER_ID": BOT}))
                .await
                .1
        ),
        "OPERATOR_WRONG"
    );
    assert_eq!(
        transfer(json!({"CHAT_ID": ANSWERED, "TRANSFER_ID": SECOND_OPERATOR}))
            .await
            .0,
        200
    );
    let dialog = portal.dialog(ANSWERED).await;
    assert_eq!(dialog["owner"], SECOND_OPERATOR);
    assert_eq!(dialog["user_counter"], 2, "the client and the new operator");
}

#[tokio::test]
async fn finishing_closes_the_session_and_a_new_message_opens_another() {
    let portal = &Portal::start().await;
    let (_, body) = portal
        .as_user(
            SECOND_OPERATOR,
            "imopenlines.operator.finish",
            json!({"CHAT_ID": ANSWERED}),
        )
        .await;
    assert_eq!(code(&body), "ERROR_USER_NOT_OPERATOR");
    let before = portal.dialog(ANSWERED).await["entity_data_1"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        before.split('|').nth(5),
        Some("1"),
        "session 1 is open: {before}"
    );
    portal
        .ok(
            OPERATOR,
            "imopenlines.operator.finish",
            json!({"CHAT_ID": ANSWERED}),
        )
        .await;
    let after = portal.dialog(ANSWERED).await;
    assert_eq!(after["owner"], 0);
    assert_eq!(
        after["entity_data_1"].as_str().unwrap().split('|').nth(5),
        Some("0")
    );

    let delivered = portal
        .sim
        .client_message(&common::client_message("1", "1001", "One more question"))
        .unwrap();
    assert_eq!(delivered.chat_id, ANSWERED);
    assert!(delivered.session_id > 3);
    let session = portal.dialog(ANSWERED).await["entity_data_1"]
        .as_str()
        .unwrap()
        .split('|')
        .nth(5)
        .unwrap()
        .to_owned();
    assert_eq!(session, delivered.session_id.to_string());

    portal
        .ok(
            ADMIN,
            "imopenlines.operator.another.finish",
            json!({"CHAT_ID": ANSWERED}),
        )
        .await;
    portal
        .ok(
            ADMIN,
            "imopenlines.operator.spam",
            json!({"CHAT_ID": WAITING}),
        )
        .await;
    assert_eq!(
        portal.dialog(WAITING).await["entity_data_1"]
            .as_str()
            .unwrap()
            .split('|')
            .nth(5),
        Some("0")
    );
    let (_, body) = portal
        .as_user(
            ADMIN,
            "imopenlines.operator.skip",
            json!({"CHAT_ID": WAITING}),
        )
        .await;
    assert_eq!(code(&body), "ACCESS_DENIED_KICK");
}

#[tokio::test]
async fn intercept_join_pin_and_silent() {
    let portal = &Portal::start().await;
    let (_, body) = portal
        .as_user(
            ADMIN,
            "imopenlines.session.intercept",
            json!({"CHAT_ID": WAITING}),
        )
        .await;
    assert_eq!(
        code(&body),
        "OPERATOR_WRONG",
        "nobody holds the waiting dialog"
    );
    let (_, body) = portal
        .as_user(ADMIN, "imopenlines.session.intercept", json!({}))
        .await;
    assert_eq!(code(&body), "CHAT_ID_EMPTY");
    portal
        .ok(
            ADMIN,
            "imopenlines.session.intercept",
            json!({"CHAT_ID": ANSWERED}),
        )
        .await;
    assert_eq!(portal.dialog(ANSWERED).await["owner"], ADMIN);

    portal
        .ok(
            SECOND_OPERATOR,
            "imopenlines.session.join",
            json!({"CHAT_ID": ANSWERED}),
        )
        .await;
    assert_eq!(
        portal.dialog(ANSWERED).await["owner"],
        ADMIN,
        "joining does not take the dialog"
    );

    assert_eq!(
        portal
            .ok(
                SECOND_OPERATOR,
                "imopenlines.session.mode.pinAll",
                json!({})
            )
            .await,
        json!([2])
    );
    assert_eq!(
        portal
            .ok(
                SECOND_OPERATOR,
                "imopenlines.session.mode.pinAll",
                json!({})
            )
            .await,
        json!([])
    );
    assert_eq!(
        portal.dialog(WAITING).await["entity_data_1"]
            .as_str()
            .unwrap()
            .split('|')
            .nth(3),
        Some("Y")
    );
    assert_eq!(
        portal
            .ok(
                SECOND_OPERATOR,
                "imopenlines.session.mode.unpinAll",
                json!({})
            )
            .await,
        json!([2])
    );
    portal
        .ok(
            ADMIN,
            "imopenlines.session.mode.pin",
            json!({"CHAT_ID": WAITING, "ACTIVATE": "Y"}),
        )
        .await;
    assert_eq!(
        portal.dialog(WAITING).await["entity_data_1"]
            .as_str()
            .unwrap()
            .split('|')
            .nth(3),
        Some("Y")
    );

    portal
        .ok(
            ADMIN,
            "imopenlines.session.mode.silent",
            json!({"CHAT_ID": WAITING, "ACTIVATE": "Y"}),
        )
        .await;
    assert_eq!(portal.dialog(WAITING).await["entity_data_3"], "Y");
}

#[tokio::test]
async fn session_start_and_head_vote() {
    let portal = &Portal::start().await;
    portal
        .ok(
            OPERATOR,
            "imopenlines.session.start",
            json!({"CHAT_ID": CLOSED}),
        )
        .await;
    let history = portal
        .ok(
            OPERATOR,
            "imopenlines.session.history.get",
            json!({"CHAT_ID": CLOSED}),
        )
        .await;
    let new_session = history["sessionId"].as_i64().unwrap();
    assert!(new_session > 3);
    assert_eq!(portal.dialog(CLOSED).await["owner"], OPERATOR);

    let vote = |params: Value| async move {
        portal
            .as_user(ADMIN, "imopenlines.session.head.vote", params)
            .await
    };
    assert_eq!(
        code(&vote(json!({"RATING": 5})).await.1),
        "EMPTY_SESSION_ID"
    );
    assert_eq!(
        code(&vote(json!({"SESSION_ID": 3})).await.1),
        "EMPTY_VOTE_PARAMS"
    );
    assert_eq!(
        code(
            &vote(json!({"SESSION_ID": new_session, "RATING": 5}))
                .await
                .1
        ),
        "ACCESS_DENIED",
        "still open"
    );
    assert_eq!(
        vote(json!({"SESSION_ID": 3, "RATING": 4, "COMMENT": "Polite"}))
            .await
            .0,
        200
    );
    let history = portal
        .ok(
            ADMIN,
            "imopenlines.session.history.get",
            json!({"SESSION_ID": 3}),
        )
        .await;
    assert_eq!(
        (
            history["sessionVoteHead"].clone(),
            history["sessionCommentHead"].clone()
        ),
        (json!(4), json!("Polite"))
    );
    let (_, body) = portal
        .as_user(ADMIN, "imopenlines.session.history.get", json!({}))
        .await;
    assert_eq!(code(&body), "MISSING_REQUIRED_PARAM");
}

#[tokio::test]
async fn crm_binding_chats_and_messages() {
    let portal = &Portal::start().await;
    let (_, body) = portal
        .as_user(
            SECOND_OPERATOR,
            "imopenlines.crm.lead.create",
            json!({"CHAT_ID": ANSWERED}),
        )
        .await;
    assert_eq!(code(&body), "ERROR_USER_NOT_OPERATOR");
    portal
        .ok(
            OPERATOR,
            "imopenlines.crm.lead.create",
            json!({"CHAT_ID": ANSWERED}),
        )
        .await;
    let dialog = portal.dialog(ANSWERED).await;
    assert_eq!(dialog["entity_data_2"], "LEAD|1|COMPANY|0|CONTACT|0|DEAL|0");
    assert!(
        dialog["entity_data_1"]
            .as_str()
            .unwrap()
            .starts_with("Y|LEAD|1|")
    );

    let lead = json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": 1});
    let chats = portal
        .ok(ADMIN, "imopenlines.crm.chat.get", lead.clone())
        .await;
    assert_eq!(
        chats,
        json!([{"CHAT_ID": "1", "CONNECTOR_ID": "livechat", "CONNECTOR_TITLE": "Live Chat"}])
    );
    assert_eq!(
        portal
            .ok(ADMIN, "imopenlines.crm.chat.getLastId", lead.clone())
            .await,
        json!(ANSWERED)
    );
    let (_, body) = portal
        .as_user(
            ADMIN,
            "imopenlines.crm.chat.getLastId",
            json!({"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 1}),
        )
        .await;
    assert_eq!(code(&body), "CRM_CHAT_EMPTY_CRM_DATA");
    let (_, body) = portal
        .as_user(
            ADMIN,
            "imopenlines.crm.chat.get",
            json!({"CRM_ENTITY_TYPE": "lead"}),
        )
        .await;
    assert_eq!(
        (code(&body), body["argument"].as_str()),
        ("ERROR_ARGUMENT", Some("CRM_ENTITY"))
    );

    let add_user = json!({"CRM_ENTITY_TYPE": "LEAD", "CRM_ENTITY": 1, "USER_ID": OUTSIDER});
    assert_eq!(
        portal
            .ok(ADMIN, "imopenlines.crm.chat.user.add", add_user.clone())
            .await,
        json!(ANSWERED)
    );
    assert_eq!(
        code(
            &portal
                .as_user(ADMIN, "imopenlines.crm.chat.user.add", add_user.clone())
                .await
                .1
        ),
        "WRONG_REQUEST"
    );
    assert_eq!(
        portal
            .ok(ADMIN, "imopenlines.crm.chat.user.delete", add_user)
            .await,
        json!(ANSWERED)
    );

    let message = json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": 1, "USER_ID": OPERATOR, "CHAT_ID": ANSWERED, "MESSAGE": "Your order ships today"});
    let id = portal
        .ok(OPERATOR, "imopenlines.crm.message.add", message)
        .await
        .as_i64()
        .unwrap();
    let history = portal
        .ok(
            OPERATOR,
            "imopenlines.session.history.get",
            json!({"CHAT_ID": ANSWERED}),
        )
        .await;
    assert_eq!(
        history["message"][id.to_string()]["text"],
        "Your order ships today"
    );
    let (_, body) = portal
        .as_user(OPERATOR, "imopenlines.crm.message.add", json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": 1, "USER_ID": 2, "CHAT_ID": WAITING, "MESSAGE": "x"}))
        .await;
    assert_eq!(code(&body), "CHAT_NOT_IN_CRM");
}

#[tokio::test]
async fn configuration_crud_list_and_permissions() {
    let portal = &Portal::start().await;
    let id = portal.ok(ADMIN, "imopenlines.config.add", json!({"PARAMS": {"LINE_NAME": "Sales", "QUEUE": [{"ENTITY_TYPE": "user", "ENTITY_ID": 3}], "MAX_CHAT": 5}})).await;
    let config = portal
        .ok(ADMIN, "imopenlines.config.get", json!({"CONFIG_ID": id}))
        .await;
    assert_eq!(
        (
            config["LINE_NAME"].clone(),
            config["MAX_CHAT"].clone(),
            config["QUEUE"].clone()
        ),
        (json!("Sales"), json!("5"), json!(["3"]))
    );
    assert_eq!(config["DATE_CREATE"], json!({}));
    assert_eq!(
        portal
            .ok(ADMIN, "imopenlines.config.get", json!({"CONFIG_ID": 999}))
            .await,
        json!(false)
    );
    let (status, body) = portal
        .as_user(
            OPERATOR,
            "imopenlines.config.update",
            json!({"CONFIG_ID": id, "PARAMS": {"ACTIVE": "N"}}),
        )
        .await;
    assert_eq!((status, code(&body)), (403, "CONFIG_WRONG_USER_PERMISSION"));
    portal
        .ok(
            ADMIN,
            "imopenlines.config.update",
            json!({"CONFIG_ID": id, "PARAMS": {"ACTIVE": "N"}}),
        )
        .await;

    let list = portal
        .ok(ADMIN, "imopenlines.config.list.get", json!({"PARAMS": {"select": ["ID", "LINE_NAME"], "filter": {"ACTIVE": "N"}, "order": {"ID": "DESC"}}, "OPTIONS": {"QUEUE": "Y"}}))
        .await;
    assert_eq!(list[0]["LINE_NAME"], "Sales");
    assert_eq!(list[1]["LINE_NAME"], "Archived line");
    assert_eq!(list[0]["QUEUE"], json!([3]));
    assert!(list[0].get("ACTIVE").is_none());
    let limited = portal
        .ok(
            ADMIN,
            "imopenlines.config.list.get",
            json!({"PARAMS": {"limit": 1, "offset": 1}}),
        )
        .await;
    assert_eq!(limited.as_array().unwrap().len(), 1);
    assert_eq!(limited[0]["ID"], "2");
    for (params, message) in [
        (
            json!({"limit": -1}),
            "A non-negative integer is expected in the PARAMS field 'limit'",
        ),
        (
            json!({"select": ["NOPE"]}),
            "An unknown field 'NOPE' is passed in the PARAMS field 'select'",
        ),
        (
            json!({"order": {"ID": "UP"}}),
            "A wrong sorting direction is passed in the PARAMS field 'order'",
        ),
        (
            json!({"page": 2}),
            "Unsupported PARAMS fields are passed: page",
        ),
    ] {
        let (_, body) = portal
            .as_user(
                ADMIN,
                "imopenlines.config.list.get",
                json!({"PARAMS": params}),
            )
            .await;
        assert_eq!(
            (code(&body), body["error_description"].as_str().unwrap()),
            ("INVALID_FORMAT", message)
        );
    }
    assert_eq!(
        portal
            .ok(ADMIN, "imopenlines.config.delete", json!({"CONFIG_ID": id}))
            .await,
        json!(true)
    );
    assert_eq!(
        portal
            .ok(ADMIN, "imopenlines.config.delete", json!({"CONFIG_ID": id}))
            .await,
        json!(false)
    );
    assert_eq!(
        code(
            &portal
                .as_user(ADMIN, "imopenlines.config.delete", json!({}))
                .await
                .1
        ),
        "CONFIG_ID_EMPTY"
    );
}

#[tokio::test]
async fn connectors_need_an_application_and_bring_clients_in() {
    let portal = &Portal::start().await;
    let (status, body) = portal.as_user(ADMIN, "imconnector.list", json!({})).await;
    assert_eq!((status, code(&body)), (403, "WRONG_AUTH_TYPE"));
    let token = portal.sim.issue_tokens(ADMIN).access_token;
    let app = |method: &'static str, mut params: Value| {
        params["auth"] = json!(token);
        let rest = portal.sim.rest_url();
        async move { call(&rest, method, params).await }
    };
    let (_, body) = app("imconnector.register", json!({"ID": "my.bad", "NAME": "X"})).await;
    assert_eq!(
        body["result"]["error"],
        "APPLICATION_REGISTRATION_ERROR_POINT"
    );
    let registration = json!({"ID": "myconnector", "NAME": "My connector", "ICON": {"DATA_IMAGE": "data:image/svg+xml;charset=US-ASCII,x"}, "PLACEMENT_HANDLER": "http://127.0.0.1/x"});
    assert_eq!(
        app("imconnector.register", registration).await.1["result"],
        json!({"result": true})
    );
    assert_eq!(
        app(
            "imconnector.activate",
            json!({"CONNECTOR": "myconnector", "LINE": 1, "ACTIVE": 1})
        )
        .await
        .1["result"],
        json!(true)
    );
    assert_eq!(
        app(
            "imconnector.status",
            json!({"CONNECTOR": "myconnector", "LINE": 1})
        )
        .await
        .1["result"]["STATUS"],
        json!(true)
    );
    assert_eq!(
        app("imconnector.list", json!({})).await.1["result"]["myconnector"],
        "My connector"
    );

    let message = json!({"user": {"id": "u-7", "name": "Zoe"}, "message": {"id": "m-1", "text": "Hello from outside"}, "chat": {"id": "c-7"}});
    let (status, body) = app(
        "imconnector.send.messages",
        json!({"CONNECTOR": "myconnector", "LINE": 1, "MESSAGES": [message]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let entry = &body["result"]["DATA"]["RESULT"][0];
    assert_eq!(entry["SUCCESS"], json!(true));
    let chat_id: i64 = entry["session"]["CHAT_ID"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let dialog = portal
        .ok(
            ADMIN,
            "imopenlines.dialog.get",
            json!({"USER_CODE": "imol|myconnector|1|c-7|u-7"}),
        )
        .await;
    assert_eq!(dialog["id"], chat_id);

    let updated = json!({"user": {"id": "u-7"}, "message": {"id": "m-1", "text": "Edited"}, "chat": {"id": "c-7"}});
    let (_, body) = app(
        "imconnector.update.messages",
        json!({"CONNECTOR": "myconnector", "LINE": 1, "MESSAGES": [updated]}),
    )
    .await;
    assert_eq!(body["result"]["DATA"]["RESULT"][0]["SUCCESS"], json!(true));
    let history = portal
        .ok(
            ADMIN,
            "imopenlines.session.history.get",
            json!({"CHAT_ID": chat_id}),
        )
        .await;
    assert!(
        history["message"]
            .as_object()
            .unwrap()
            .values()
            .any(|m| m["text"] == "Edited")
    );

    let (_, body) = app(
        "imconnector.send.messages",
        json!({"CONNECTOR": "myconnector", "LINE": 2, "MESSAGES": [message]}),
    )
    .await;
    assert_eq!(code(&body), "NOT_ACTIVE_LINE");
    let (_, body) = app(
        "imconnector.send.messages",
        json!({"CONNECTOR": "myconnector", "LINE": 1, "MESSAGES": [{"user": {}}]}),
    )
    .await;
    assert_eq!(
        body["error_description"],
        "The incorrect structure of a message inside MESSAGES parameter"
    );
    let (_, body) = app(
        "imconnector.send.messages",
        json!({"CONNECTOR": "myconnector", "LINE": 1}),
    )
    .await;
    assert_eq!(
        body["error_description"],
        "Argument 'MESSAGES' is null or empty"
    );
    assert_eq!(
        app(
            "imconnector.chat.name.set",
            json!({"CONNECTOR": "myconnector", "LINE": 1, "CHAT_ID": "c-7", "NAME": "VIP"})
        )
        .await
        .0,
        200
    );
    assert_eq!(portal.dialog(chat_id).await["name"], "VIP");
}

#[tokio::test]
async fn a_bot_hands_its_dialog_to_an_operator() {
    let portal = &Portal::start().await;
    let line = portal
        .ok(
            ADMIN,
            "imopenlines.config.add",
            json!({"PARAMS": {"LINE_NAME": "Bot first", "QUEUE": [BOT, OPERATOR]}}),
        )
        .await;
    let mut message = common::client_message("b1", "b-user", "hello bot");
    message.line_id = line.as_i64().unwrap();
    let chat = portal.sim.client_message(&message).unwrap().chat_id;
    let (_, body) = portal
        .as_user(
            ADMIN,
            "imopenlines.bot.session.operator",
            json!({"CHAT_ID": ANSWERED}),
        )
        .await;
    assert_eq!(code(&body), "WRONG_CHAT");
    let (_, body) = portal
        .as_user(
            ADMIN,
            "imopenlines.bot.session.finish",
            json!({"CHAT_ID": ANSWERED}),
        )
        .await;
    assert_eq!(code(&body), "BOT_ID_ERROR");
    assert_eq!(
        code(
            &portal
                .as_user(ADMIN, "imopenlines.bot.session.operator", json!({}))
                .await
                .1
        ),
        "CHAT_ID_EMPTY"
    );
    portal
        .ok(
            ADMIN,
            "imopenlines.bot.session.message.send",
            json!({"CHAT_ID": chat, "MESSAGE": "I am a bot"}),
        )
        .await;
    portal
        .ok(
            ADMIN,
            "imopenlines.bot.session.operator",
            json!({"CHAT_ID": chat}),
        )
        .await;
    let history = portal
        .ok(
            ADMIN,
            "imopenlines.session.history.get",
            json!({"CHAT_ID": chat}),
        )
        .await;
    let bot_id = BOT.to_string();
    assert!(
        history["users"]
            .as_object()
            .unwrap()
            .contains_key(&OPERATOR.to_string())
    );
    assert!(
        !history["users"]
            .as_object()
            .unwrap()
            .contains_key(&BOT.to_string())
    );
    assert!(
        history["message"]
            .as_object()
            .unwrap()
            .values()
            .any(|m| m["text"] == "I am a bot" && m["senderid"] == bot_id.as_str())
    );
}
