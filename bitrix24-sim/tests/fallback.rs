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
    // Whatever the committed IR holds, every method page it names is known to a default simulator.
    let sim = Simulator::builder().no_rate_limit().start().await.unwrap();
    for page in bitrix24_ir::committed()
        .pages
        .iter()
        .filter(|p| p.kind == bitrix24_ir::PageKind::Method)
    {
        for name in &page.names {
            let (status, body) = call(&sim.webhook_url(), name, json!({})).await;
            assert_ne!(code(&body), "ERROR_METHOD_NOT_FOUND", "{name}: {status}");
        }
    }
}
