//! A request's parameters as the runtime passes them around: the JSON object a typed request
//! serializes to. Direct calls send it as the JSON body; batch commands encode it as a query string.

use serde::Serialize;
use serde_json::{Map, Value};

/// A request's parameters: the top-level object of the JSON body.
pub(crate) type Params = Map<String, Value>;

/// Serializes a request into its parameters. A request without fields (`null`) has none.
pub(crate) fn params_of<T: Serialize>(request: &T) -> Result<Params, String> {
    match serde_json::to_value(request).map_err(|e| e.to_string())? {
        Value::Object(params) => Ok(params),
        Value::Null => Ok(Params::new()),
        other => Err(format!(
            "a request must serialize to a JSON object, not {other}"
        )),
    }
}
