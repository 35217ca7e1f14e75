//! Fields whose values the page lists are enums that keep unknown values, and `Y`/`N` lists are booleans.
#![cfg(feature = "imopenlines")]

use bitrix24_api::imopenlines::{ConfigAddParams, ConfigAddQueueType};
use serde_json::json;

#[test]
fn documented_values_encode_as_the_wire_text() {
    let params = ConfigAddParams::default()
        .queue_type(ConfigAddQueueType::Strictly)
        .active(true);
    let value = serde_json::to_value(&params).unwrap();
    assert_eq!(value["QUEUE_TYPE"], "strictly");
    assert_eq!(
        value["ACTIVE"], "Y",
        "a char field documented as Y/N is a boolean sent as Y/N"
    );
}

#[test]
fn a_value_the_docs_do_not_list_is_kept() {
    let parsed: ConfigAddQueueType = serde_json::from_value(json!("round_robin")).unwrap();
    assert_eq!(parsed, ConfigAddQueueType::Unknown("round_robin".into()));
    assert_eq!(parsed.as_str(), "round_robin");
    assert_eq!(
        ConfigAddQueueType::from("evenly"),
        ConfigAddQueueType::Evenly
    );
}
