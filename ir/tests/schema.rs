//! The committed JSON Schema of the IR (`ir/schema.json`) matches the IR types.

#[test]
fn committed_schema_is_fresh() {
    let schema = schemars::schema_for!(bitrix24_ir::Spec);
    let fresh = serde_json::to_string_pretty(&schema).expect("schema serializes") + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed != fresh {
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &fresh).expect("schema.json is writable");
        } else {
            panic!(
                "ir/schema.json is stale: run `cargo xtask generate` (or UPDATE_SCHEMA=1 cargo test -p bitrix24-ir --test schema)"
            );
        }
    }
}
