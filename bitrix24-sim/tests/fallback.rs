//! Methods without a model answer from the IR: required parameters, then the documented example.

mod common;

use bitrix24_ir::Spec;
use bitrix24_sim::Simulator;
use common::{call, code};
use serde_json::json;

/// A one-page spec in IR form, as `cargo xtask generate` would write it.
fn spec() -> Spec {
    let field = |name: &str, required: &str| {
        json!({"name": {"wire": name, "kind": {"kind": "plain"}}, "required": {"marker": required},
            "type": {"form": "named", "name": "string"}, "description": "", "source": {"path": "p.md", "line": 1}})
    };
    serde_json::from_value(json!({"pages": [{
        "path": "api-reference/demo/demo-thing-get.md", "kind": "method", "title": "Get a thing", "names": ["demo.thing.get"],
        "scopes": ["demo"], "description": "", "deprecated": false, "dev_only": false,
        "params": [field("CODE", "star"), field("LANG", "no")],
        "response": {"examples": [{"source": {"path": "p.md", "line": 9}, "validity": "valid",
            "value": {"result": [{"ID": "1"}], "next": 50, "total": 51, "time": {}}}], "fields": []},
        "errors": [], "error_envelope": "classic", "see_also": [], "diagnostics": []
    }]}))
    .expect("a valid IR page")
}

#[tokio::test]
async fn documented_methods_check_required_params_and_answer_the_example() {
    let sim = Simulator::builder()
        .no_rate_limit()
        .spec(spec())
        .start()
        .await
        .unwrap();
    let (status, body) = call(&sim.webhook_url(), "demo.thing.get", json!({"LANG": "en"})).await;
    assert_eq!((status, code(&body)), (400, "ERROR_ARGUMENT"));
    assert_eq!(
        body["error_description"],
        "Argument 'CODE' is null or empty"
    );
    let (status, body) = call(&sim.webhook_url(), "Demo.Thing.Get", json!({"code": "x"})).await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            body["result"].clone(),
            body["next"].clone(),
            body["total"].clone()
        ),
        (json!([{"ID": "1"}]), json!(50), json!(51))
    );
    assert!(
        body["time"]["start"].is_number(),
        "a fresh time block, not the example's"
    );
    let (status, body) = call(&sim.webhook_url(), "demo.thing.list", json!({})).await;
    assert_eq!((status, code(&body)), (404, "ERROR_METHOD_NOT_FOUND"));
}

#[tokio::test]
async fn the_committed_spec_is_the_default() {
    // Whatever the committed IR holds, every method page it names is known to a default simulator, at
    // the classic address or at REST 3.0's.
    let sim = Simulator::builder().no_rate_limit().start().await.unwrap();
    let rest_v3 = rest_v3_url(&sim);
    for page in bitrix24_ir::committed()
        .pages
        .iter()
        .filter(|p| p.kind == bitrix24_ir::PageKind::Method)
    {
        let base = if page.rest_v3 {
            &rest_v3
        } else {
            &sim.webhook_url()
        };
        for name in &page.names {
            let (status, body) = call(base, name, json!({})).await;
            assert_ne!(status, 404, "{name}: {body}");
        }
    }
}

fn rest_v3_url(sim: &Simulator) -> String {
    sim.webhook_url().replacen("/rest/", "/rest/api/", 1)
}

#[tokio::test]
async fn rest_v3_answers_at_rest_api_in_its_own_error_object() {
    let sim = Simulator::builder().no_rate_limit().start().await.unwrap();
    let (classic, rest_v3) = (sim.webhook_url(), rest_v3_url(&sim));
    // REST 3.0 only: the classic address does not know it.
    let (status, body) = call(&classic, "tasks.task.chat.message.send", json!({})).await;
    assert_eq!((status, code(&body)), (404, "ERROR_METHOD_NOT_FOUND"));
    // In both, with other parameters: each address checks its own page's.
    let (status, body) = call(&rest_v3, "tasks.task.get", json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": {
            "code": "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "message": "Error validating request object",
            "validation": [{"message": "Required field `id` is not specified", "field": "id"}]
        }})
    );
    let (status, body) = call(&rest_v3, "tasks.task.get", json!({"id": 3835})).await;
    assert_eq!((status, &body["result"]["item"]["id"]), (200, &json!(3835)));
    let (status, body) = call(&classic, "tasks.task.get", json!({"taskId": 8017})).await;
    assert_eq!(
        (status, &body["result"]["task"]["id"]),
        (200, &json!("8017")),
        "the classic page's example"
    );
    // The classic API's methods are not at REST 3.0's address.
    let (status, body) = call(&rest_v3, "imopenlines.revision.get", json!({})).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &json!("ERROR_METHOD_NOT_FOUND"))
    );
    // REST 3.0 reads a JSON body only.
    let response = reqwest::Client::new()
        .post(format!("{rest_v3}tasks.task.get"))
        .form(&[("id", "3835")])
        .send()
        .await
        .unwrap();
    let (status, body) = common::decode(response).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (400, &json!("BITRIX_REST_V3_EXCEPTION_INVALIDJSONEXCEPTION"))
    );
}
