//! IR snapshots of the hard upstream pages (format survey §10.2).
//!
//! Descriptions, titles and other prose are redacted, so no upstream sentence lands in the
//! repository; what remains is structure and facts. Skips when the corpus is absent.

use std::path::{Path, PathBuf};

use bitrix24_spec::corpus::read_page;

const GOLDEN: &[&str] = &[
    "api-reference/imopenlines/openlines/sessions/imopenlines-session-open.md",
    "api-reference/imopenlines/openlines/sessions/imopenlines-session-history-get.md",
    "api-reference/imopenlines/imconnector/imconnector-send-messages.md",
    "api-reference/imopenlines/openlines/imopenlines-config-add.md",
    "api-reference/imopenlines/openlines/imopenlines-config-list-get.md",
    "api-reference/imopenlines/openlines/operators/imopenlines-operator-transfer.md",
    "api-reference/imopenlines/openlines/events/on-session-start.md",
    "api-reference/imopenlines/imconnector/events/on-im-connector-line-delete.md",
    "api-reference/crm/leads/crm-lead-list.md",
    "api-reference/crm/leads/crm-lead-add.md",
    "api-reference/crm/requisites/presets/fields/crm-requisite-preset-field-get.md",
    "api-reference/user/userfields/user-userfield-add.md",
    "api-reference/catalog/document/document-element/catalog-document-element-get-fields.md",
    "api-reference/catalog/catalog/catalog-catalog-get-fields.md",
    "api-reference/catalog/product-image/catalog-product-image-add.md",
    "api-reference/chat-bots/chat-bots-v2/imbot.v2/bots/bot-list.md",
    "api-reference/crm/document-generator/documents/crm-document-generator-document-add.md",
    "api-reference/sale/basket-item/sale-basket-item-add.md",
    "api-reference/landing/site/landing-site-full-export.md",
    "api-reference/chats/files/im-disk-file-commit.md",
    "api-reference/crm/deals/crm-deal-add.md",
    "api-reference/crm/companies/crm-company-add.md",
    "api-reference/crm/universal/crm-item-add.md",
    "api-reference/chat-bots/outdated/create-app/imbot-app-register.md",
    "api-reference/tasks/deprecated/task-item/task-item-get-manifest.md",
    "api-reference/tasks/tasks-task-add-rest-v3.md",
    "api-reference/tasks/tasks-task-add.md",
    "api-reference/imopenlines/imconnector/imconnector-send-status-reading.md",
    "api-reference/common/system/methods.md",
    "api-reference/crm/outdated/category-old/crm-deal-category-status.md",
    "_includes/system-errors.md",
    "api-reference/note/document/note-document-add.md",
    "api-reference/tasks/deprecated/task-item/task-log-item-list.md",
];

fn corpus() -> Option<PathBuf> {
    bitrix24_spec::corpus::upstream_docs(Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// Replaces upstream prose (descriptions, titles, extra columns, diagnostic quotes) with markers,
/// keeping names, types, codes, statuses, example values and structure.
fn redact_prose(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), &*v) {
                    (
                        "description" | "title" | "who_can" | "message" | "text",
                        Value::String(s),
                    ) if !s.is_empty() => {
                        *v = Value::String(format!("[{} chars]", s.chars().count()));
                    }
                    ("extra", Value::Object(cols)) => {
                        let redacted = cols
                            .keys()
                            .map(|k| (k.clone(), Value::String("[prose]".into())))
                            .collect();
                        *v = Value::Object(redacted);
                    }
                    ("value" | "raw", _) => {}
                    _ => redact_prose(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_prose),
        _ => {}
    }
}

#[test]
fn golden_pages() {
    let Some(root) = corpus() else {
        println!(
            "skipped: no upstream docs corpus (set B24_DOCS or put it at ../shared/b24restdocs)"
        );
        return;
    };
    let mut read = 0;
    for rel in GOLDEN {
        if !root.join(rel).is_file() {
            println!("skipped {rel}: not in this copy of the docs");
            continue;
        }
        let page = read_page(&root, rel).expect("golden page is readable");
        read += 1;
        let name = rel.trim_end_matches(".md").replace('/', "__");
        let mut value = serde_json::to_value(&page).expect("IR serializes");
        redact_prose(&mut value);
        insta::with_settings!({ snapshot_path => "snapshots/golden", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_json_snapshot!(name, value);
        });
    }
    assert!(
        read >= 20,
        "only {read} golden pages found in {}",
        root.display()
    );
}
