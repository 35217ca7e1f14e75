//! Round trips of the generated `imopenlines` types against the simulated portal over real HTTP:
//! each method with a typed result and a typed error.

use bitrix24_api::generated::imopenlines::*;
use bitrix24_api::{Client, Error};
use bitrix24_sim::Simulator;
use bitrix24_sim::demo::users::{OPERATOR, OUTSIDER, SECOND_OPERATOR};

/// Demo chats: 1 is answered by the operator, 2 waits in the queue, 3 is closed, 4 is a group chat.
const ANSWERED: i64 = 1;
const WAITING: i64 = 2;
const GROUP: i64 = 4;

struct Portal {
    sim: Simulator,
}

impl Portal {
    async fn start() -> Portal {
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

    fn as_user(&self, user: i64) -> Client {
        let hook = match user {
            OPERATOR => format!("{}/rest/{user}/operator-hook/", self.sim.base_url()),
            SECOND_OPERATOR => format!("{}/rest/{user}/second-hook/", self.sim.base_url()),
            OUTSIDER => format!("{}/rest/{user}/outsider-hook/", self.sim.base_url()),
            _ => self.sim.webhook_url(),
        };
        Client::builder()
            .webhook(hook)
            .allow_http(true)
            .build()
            .unwrap()
    }

    fn admin(&self) -> Client {
        self.as_user(1)
    }
}

#[tokio::test]
async fn session_open_finds_the_chat_of_a_user_code() {
    let p = Portal::start().await;
    let reply = p
        .admin()
        .imopenlines()
        .session_open("livechat|1|1|1001")
        .await
        .unwrap();
    assert_eq!(reply.result.chat_id, Some(1));
    let err = p
        .as_user(OUTSIDER)
        .imopenlines()
        .session_open("livechat|1|1|1001")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Method(SessionOpenError {
                code: SessionOpenErrorCode::AccessDenied,
                ..
            })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn session_start_join_and_intercept() {
    let p = Portal::start().await;
    let operator = p.as_user(OPERATOR);
    assert!(
        operator
            .imopenlines()
            .session_start(ANSWERED)
            .await
            .unwrap()
            .result
    );
    let err = p
        .as_user(OUTSIDER)
        .imopenlines()
        .session_start(ANSWERED)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Method(SessionStartError {
                code: SessionStartErrorCode::AccessDenied,
                ..
            })
        ),
        "{err:?}"
    );

    assert!(
        p.as_user(SECOND_OPERATOR)
            .imopenlines()
            .session_join(ANSWERED)
            .await
            .unwrap()
            .result
    );
    let err = p
        .as_user(OPERATOR)
        .imopenlines()
        .session_join(GROUP)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Method(SessionJoinError {
                code: SessionJoinErrorCode::ChatType,
                ..
            })
        ),
        "{err:?}"
    );

    assert!(
        p.as_user(SECOND_OPERATOR)
            .imopenlines()
            .session_intercept(ANSWERED)
            .await
            .unwrap()
            .result
    );
    let err = p
        .as_user(SECOND_OPERATOR)
        .imopenlines()
        .session_intercept(WAITING)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Method(SessionInterceptError {
                code: SessionInterceptErrorCode::OperatorWrong,
                ..
            })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn history_and_dialog_are_typed() {
    let p = Portal::start().await;
    let admin = p.admin();
    let dialog = admin
        .imopenlines()
        .dialog_get()
        .chat_id(ANSWERED)
        .await
        .unwrap()
        .result;
    assert_eq!(dialog.owner, Some(OPERATOR));
    assert_eq!(dialog.entity_id.as_deref(), Some("livechat|1|1|1001"));
    let history = admin
        .imopenlines()
        .session_history_get()
        .chat_id(ANSWERED)
        .await
        .unwrap()
        .result;
    assert_eq!(history.chat_id, Some(ANSWERED));
    let texts: Vec<_> = history
        .message
        .unwrap_or_default()
        .into_values()
        .filter_map(|m| m.text)
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("where is my order")),
        "{texts:?}"
    );

    let err = admin.imopenlines().dialog_get().await.unwrap_err();
    assert!(matches!(err, Error::Method(_)), "{err:?}");
    let err = admin.imopenlines().session_history_get().await.unwrap_err();
    assert!(matches!(err, Error::Method(_)), "{err:?}");
}

#[tokio::test]
async fn operator_answer_finish_and_transfer() {
    let p = Portal::start().await;
    let second = p.as_user(SECOND_OPERATOR);
    assert!(
        second
            .imopenlines()
            .operator_answer(WAITING)
            .await
            .unwrap()
            .result
    );
    let err = p
        .as_user(OUTSIDER)
        .imopenlines()
        .operator_answer(ANSWERED)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Method(OperatorAnswerError {
                code: OperatorAnswerErrorCode::AccessDenied,
                ..
            })
        ),
        "{err:?}"
    );

    let operator = p.as_user(OPERATOR);
    let moved = operator
        .imopenlines()
        .operator_transfer(ANSWERED)
        .user_id(SECOND_OPERATOR)
        .await;
    assert!(moved.unwrap().result);
    let err = second
        .imopenlines()
        .operator_transfer(ANSWERED)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Method(OperatorTransferError {
                code: OperatorTransferErrorCode::TransferIdEmpty,
                ..
            })
        ),
        "{err:?}"
    );

    assert!(
        second
            .imopenlines()
            .operator_finish(WAITING)
            .await
            .unwrap()
            .result
    );
    let err = operator
        .imopenlines()
        .operator_finish(GROUP)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Method(OperatorFinishError {
                code: OperatorFinishErrorCode::ChatType,
                ..
            })
        ),
        "{err:?}"
    );
}
