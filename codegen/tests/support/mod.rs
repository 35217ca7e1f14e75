//! IR pages built in code: small stand-ins for the real pages, and the cursed-names page.

#![allow(dead_code)] // each test file uses some of these

use bitrix24_ir::*;
use serde_json::json;

pub fn src(path: &str) -> Source {
    Source {
        path: path.to_owned(),
        line: 1,
    }
}

pub fn ty(name: &str) -> TypeExpr {
    TypeExpr::Named {
        name: name.to_owned(),
        link: None,
    }
}

/// A field; a name in `<…>` is a placeholder, a `*` suffix marks it required.
pub fn f(name: &str, ty: TypeExpr, description: &str, children: Vec<Field>) -> Field {
    let (name, required) = match name.strip_suffix('*') {
        Some(n) => (n, Required::Star),
        None => (name, Required::No),
    };
    let kind = if name.contains('<') {
        NameKind::Placeholder
    } else {
        NameKind::Plain
    };
    Field {
        name: FieldName {
            wire: name.to_owned(),
            kind,
        },
        required,
        ty,
        values: Vec::new(),
        description: description.to_owned(),
        extra: Default::default(),
        prose_type: None,
        keyed_by: None,
        children_via: None,
        children,
        source: src("test.md"),
    }
}

pub fn leaf(name: &str, t: &str) -> Field {
    f(name, ty(t), "", vec![])
}

pub fn example(value: serde_json::Value) -> Example {
    Example {
        source: src("test.md"),
        http_status: None,
        validity: Validity::Valid,
        repairs: vec![],
        value: Some(value),
        raw: None,
    }
}

pub fn error(status: u16, code: &str, message: &str, meaning: &str, path: &str) -> ErrorCase {
    ErrorCase {
        http_status: Some(status),
        code: ErrorCode::Code(code.to_owned()),
        message: Some(message.to_owned()),
        description: Some(meaning.to_owned()),
        source: src(path),
    }
}

pub fn page(path: &str, kind: PageKind, name: &str, scope: &str) -> Page {
    Page {
        path: path.to_owned(),
        kind,
        title: "A test page".to_owned(),
        names: vec![name.to_owned()],
        upstream: Some(Upstream {
            path: path.to_owned(),
            commit: "0".to_owned(),
        }),
        scopes: vec![scope.to_owned()],
        who_can: Some("any user".to_owned()),
        description: String::new(),
        deprecated: false,
        rest_v3: false,
        replaced_by: Vec::new(),
        param_notes: Vec::new(),
        dev_only: false,
        params: vec![],
        param_groups: vec![],
        request_examples: vec![],
        response: None,
        errors: vec![],
        error_examples: vec![],
        error_envelope: ErrorEnvelope::Classic,
        event: None,
        see_also: vec![],
        diagnostics: vec![],
    }
}

pub fn result(children: Vec<Field>) -> Response {
    Response {
        http_status: Some(200),
        examples: vec![],
        result_also_wrapped: false,
        fields: vec![
            f("result", ty("object"), "Root object", children),
            leaf("time", "time"),
        ],
    }
}

pub const SYSTEM: &str = "_includes/system-errors.md";

pub fn system_errors() -> Page {
    let mut p = page(SYSTEM, PageKind::Fragment, "", "");
    p.names.clear();
    p.scopes.clear();
    p.description = "Any REST method can fail with one of these.".to_owned();
    p.errors = vec![
        error(
            503,
            "QUERY_LIMIT_EXCEEDED",
            "Too many requests",
            "Slow down",
            SYSTEM,
        ),
        error(
            401,
            "expired_token",
            "The access token provided has expired",
            "Refresh the token",
            SYSTEM,
        ),
        error(
            403,
            "ACCESS_DENIED",
            "REST API is available only on commercial plans",
            "Upgrade",
            SYSTEM,
        ),
    ];
    p
}

const SESSIONS: &str = "api-reference/imopenlines/openlines/sessions";

pub fn session_open() -> Page {
    let mut p = page(
        &format!("{SESSIONS}/imopenlines-session-open.md"),
        PageKind::Method,
        "imopenlines.session.open",
        "imopenlines",
    );
    p.title = "Look Up the Open Line Chat for a Client Code".to_owned();
    p.description =
        "Returns the chat of `<connector>|<LINE_ID>`; see [dialog](./imopenlines-dialog-get.md)."
            .to_owned();
    p.params = vec![f(
        "USER_CODE*",
        ty("string"),
        "Code of the user, `livechat|22|1761|587`",
        vec![],
    )];
    p.request_examples = vec![example(json!({"USER_CODE": "livechat|22|1761|587"}))];
    p.response = Some(result(vec![leaf("chatId", "integer")]));
    p.response.as_mut().unwrap().examples = vec![example(
        json!({"result": {"chatId": "1763"}, "time": {"start": 1}}),
    )];
    p.errors = vec![
        error(
            400,
            "ACCESS_DENIED",
            "You cannot open this conversation",
            "No access to the chat",
            &p.path.clone(),
        ),
        error(
            503,
            "QUERY_LIMIT_EXCEEDED",
            "Too many requests",
            "Slow down",
            SYSTEM,
        ),
    ];
    p
}

pub fn session_history_get() -> Page {
    let mut p = page(
        &format!("{SESSIONS}/imopenlines-session-history-get.md"),
        PageKind::Method,
        "imopenlines.session.history.get",
        "imopenlines",
    );
    p.params = vec![leaf("SESSION_ID", "integer"), leaf("CHAT_ID", "integer")];
    let message = f(
        "message",
        ty("object"),
        "Messages by id",
        vec![f(
            "<messageId>",
            ty("object"),
            "A message",
            vec![
                leaf("id", "string"),
                leaf("date", "datetime"),
                leaf("params", "object"),
            ],
        )],
    );
    let users_message = f(
        "usersMessage",
        ty("object"),
        "",
        vec![f("chat<chatId>", ty("array"), "ids", vec![])],
    );
    let open = f(
        "canvoteashead",
        ty("object"),
        "",
        vec![f("<CONFIG_ID>", ty("boolean"), "", vec![])],
    );
    p.response = Some(result(vec![
        leaf("chatId", "integer"),
        leaf("canJoin", "string"),
        message,
        users_message,
        f("openlines", ty("object"), "", vec![open]),
        leaf("woUserInGroup", "array"),
        f(
            "sessionCommentHead",
            TypeExpr::Union {
                members: vec![ty("string"), ty("integer")],
            },
            "",
            vec![],
        ),
    ]));
    p
}

pub fn send_messages() -> Page {
    let mut p = page(
        "api-reference/imopenlines/imconnector/imconnector-send-messages.md",
        PageKind::Method,
        "imconnector.send.messages",
        "imopenlines",
    );
    let user = f(
        "user",
        ty("object"),
        "User",
        vec![
            leaf("id*", "string"),
            leaf("name", "string"),
            leaf("picture", "object"),
        ],
    );
    let message = f(
        "message",
        ty("object"),
        "Message",
        vec![
            leaf("id", "string"),
            leaf("date", "integer"),
            leaf("files", "array"),
        ],
    );
    p.params = vec![
        leaf("CONNECTOR*", "string"),
        leaf("LINE*", "integer"),
        f("MESSAGES*", ty("array"), "Messages", vec![user, message]),
        leaf("ENABLED", "boolean"),
    ];
    let item = f(
        "RESULT",
        ty("array"),
        "Per message",
        vec![
            leaf("user", "string"),
            f("message", ty("object"), "", vec![leaf("id", "string")]),
            leaf("SUCCESS", "boolean"),
        ],
    );
    p.response = Some(Response {
        http_status: Some(200),
        examples: vec![],
        result_also_wrapped: false,
        fields: vec![
            f(
                "result",
                ty("object"),
                "",
                vec![
                    leaf("SUCCESS", "boolean"),
                    f("DATA", ty("object"), "", vec![item]),
                ],
            ),
            leaf("time", "time"),
        ],
    });
    p.errors = vec![
        error(
            400,
            "ERROR_ARGUMENT",
            "Argument 'LINE' is null or empty",
            "`LINE` not given",
            &p.path.clone(),
        ),
        error(
            400,
            "ERROR_ARGUMENT",
            "Argument 'MESSAGES' is null or empty",
            "`MESSAGES` not given",
            &p.path.clone(),
        ),
        error(
            400,
            "NOT_ACTIVE_LINE",
            "The line is inactive",
            "An inactive `LINE`",
            &p.path.clone(),
        ),
    ];
    p
}

pub fn config_delete() -> Page {
    let mut p = page(
        "api-reference/imopenlines/openlines/imopenlines-config-delete.md",
        PageKind::Method,
        "imopenlines.config.delete",
        "imopenlines",
    );
    p.params = vec![leaf("CONFIG_ID*", "integer")];
    p.response = Some(Response {
        http_status: Some(200),
        examples: vec![],
        result_also_wrapped: false,
        fields: vec![
            f("result", ty("boolean"), "`true` when deleted", vec![]),
            leaf("time", "time"),
        ],
    });
    p
}

pub fn on_session_start() -> Page {
    let mut p = page(
        "api-reference/imopenlines/openlines/events/on-session-start.md",
        PageKind::Event,
        "OnSessionStart",
        "imopenlines",
    );
    let item = f(
        "DATA*",
        ty("array"),
        "Sessions",
        vec![
            f(
                "connector*",
                ty("object"),
                "",
                vec![leaf("connector_id*", "string"), leaf("line_id*", "integer")],
            ),
            f(
                "session*",
                ty("object"),
                "",
                vec![leaf("id*", "integer"), leaf("closed*", "string")],
            ),
        ],
    );
    let auth = f(
        "auth*",
        ty("object"),
        "Auth",
        vec![
            leaf("access_token", "string"),
            leaf("expires_in", "integer"),
            leaf("domain*", "string"),
        ],
    );
    p.event = Some(EventPayload {
        examples: vec![],
        fields: vec![
            leaf("event*", "string"),
            leaf("eventId*", "integer"),
            f("data*", ty("object"), "", vec![item]),
            leaf("ts*", "timestamp"),
            auth,
        ],
    });
    p
}

/// The names that break naive generators: keywords, a leading digit, `UF_` fields, two names differing
/// only in case, and a method under `crm.type.*`.
pub fn cursed_names() -> Page {
    let mut p = page(
        "api-reference/crm/universal/user-defined-object-types/crm-type-add.md",
        PageKind::Method,
        "crm.type.add",
        "crm",
    );
    p.params = vec![
        leaf("type*", "string"),
        leaf("self", "integer"),
        leaf("ref", "string"),
        leaf("1C_FIELD", "string"),
        leaf("UF_CRM_X", "boolean"),
        leaf("ID", "integer"),
        leaf("id", "integer"),
        leaf("new", "string"),
        f(
            "fields",
            ty("object"),
            "",
            vec![
                leaf("crate", "string"),
                leaf("Self", "string"),
                leaf("async", "datetime"),
            ],
        ),
    ];
    p.response = Some(result(vec![
        leaf("type", "string"),
        leaf("self", "integer"),
        leaf("ID", "string"),
        leaf("id", "string"),
        f("TYPE", ty("object"), "", vec![leaf("ref", "string")]),
    ]));
    p.errors = vec![
        error(400, "type", "Type is wrong", "", &p.path.clone()),
        error(400, "TYPE", "TYPE is wrong", "", &p.path.clone()),
        error(400, "Other", "Other is documented", "", &p.path.clone()),
    ];
    p
}

pub fn spec(pages: Vec<Page>) -> Spec {
    Spec { pages }
}
