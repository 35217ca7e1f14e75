//! `imopenlines.config.*` and the two informational methods: open lines as configuration.

use serde_json::{Map, Value, json};

use super::args::{as_int, as_text, items};
use super::{Args, Call, Table, add};
use crate::portal::{Ids, Line, render};
use crate::wire::envelope::{ApiError, Reply};

pub fn register(table: &mut Table) {
    add(table, "imopenlines.config.add", config_add);
    add(table, "imopenlines.config.get", config_get);
    add(table, "imopenlines.config.list.get", config_list_get);
    add(table, "imopenlines.config.update", config_update);
    add(table, "imopenlines.config.delete", config_delete);
    add(table, "imopenlines.config.path.get", config_path_get);
    add(table, "imopenlines.revision.get", revision_get);
}

fn config_id(call: &Call<'_>) -> Result<i64, ApiError> {
    call.args
        .int("CONFIG_ID")
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request("CONFIG_ID_EMPTY", "Config ID can't be empty"))
}

fn require_admin(call: &Call<'_>) -> Result<(), ApiError> {
    if call.portal().is_admin(call.user()) {
        Ok(())
    } else {
        Err(ApiError::new(
            403,
            "CONFIG_WRONG_USER_PERMISSION",
            "Permission denied",
        ))
    }
}

/// Write `PARAMS` into a line: the known fields into their places, everything else into settings.
fn apply_params(line: &mut Line, params: Args<'_>) {
    for (key, value) in params.0 {
        match key.to_ascii_uppercase().as_str() {
            "LINE_NAME" => line.name = as_text(value).unwrap_or_default(),
            "ACTIVE" => line.active = super::args::as_flag(value).unwrap_or(line.active),
            "QUEUE_TYPE" => {
                line.queue_type = as_text(value).unwrap_or_else(|| line.queue_type.clone())
            }
            "QUEUE" => {
                line.queue = items(value)
                    .into_iter()
                    .filter_map(|entry| match entry {
                        Value::Object(_) => Args(entry.as_object()?).int("ENTITY_ID"),
                        plain => as_int(plain),
                    })
                    .collect();
            }
            upper => {
                line.settings.insert(upper.to_owned(), value.clone());
            }
        }
    }
}

fn config_add(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let params = call.args.object("PARAMS");
    let now = call.now;
    let portal = call.portal_mut();
    let id = Ids::take(&mut portal.ids.line);
    let mut line = Line {
        id,
        name: format!("Open line {id}"),
        active: true,
        queue: Vec::new(),
        queue_type: "evenly".into(),
        settings: Map::new(),
        created: now,
    };
    apply_params(&mut line, params);
    portal.lines.insert(id, line);
    Ok(json!(id).into())
}

fn config_get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let id = config_id(call)?;
    let with_queue = call.args.flag("WITH_QUEUE", true);
    let portal = call.portal();
    Ok(portal
        .lines
        .get(&id)
        .map_or(json!(false), |line| {
            render::config(portal, line, with_queue)
        })
        .into())
}

fn config_update(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let id = config_id(call)?;
    require_admin(call)?;
    if !call.portal().lines.contains_key(&id) {
        return Ok(json!(false).into());
    }
    let params = call.args.object("PARAMS");
    if let Some(line) = call.portal_mut().lines.get_mut(&id) {
        apply_params(line, params);
    }
    Ok(json!(true).into())
}

fn config_delete(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let id = config_id(call)?;
    require_admin(call)?;
    if !call.portal().lines.contains_key(&id) {
        return Ok(json!(false).into());
    }
    call.portal_mut().lines.remove(&id);
    Ok(json!(true).into())
}

fn config_path_get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    Ok(json!({"SERVER_ADDRESS": call.base_url, "PUBLIC_PATH": "/contact_center/"}).into())
}

fn revision_get(_: &mut Call<'_>) -> Result<Reply, ApiError> {
    Ok(json!({"rest": 2, "web": 1, "mobile": 1}).into())
}

fn invalid_format(message: String) -> ApiError {
    ApiError::bad_request("INVALID_FORMAT", message)
}

/// `config.list.get`: `PARAMS{select, order, filter, limit, offset}` and `OPTIONS{QUEUE, CONFIG_QUEUE}`.
fn config_list_get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let params = call.args.object("PARAMS");
    let options = call.args.object("OPTIONS");
    let known = render::line_field_names();
    let unsupported: Vec<&str> = params
        .0
        .keys()
        .map(String::as_str)
        .filter(|k| {
            !["select", "order", "filter", "limit", "offset"]
                .contains(&k.to_ascii_lowercase().as_str())
        })
        .collect();
    if !unsupported.is_empty() {
        return Err(invalid_format(format!(
            "Unsupported PARAMS fields are passed: {}",
            unsupported.join(", ")
        )));
    }
    let non_negative = |name: &str, default: i64| match params.get(name) {
        None => Ok(default),
        Some(v) => as_int(v).filter(|n| *n >= 0).ok_or_else(|| {
            invalid_format(format!(
                "A non-negative integer is expected in the PARAMS field '{name}'"
            ))
        }),
    };
    let limit = non_negative("limit", 50)?.min(200) as usize;
    let offset = non_negative("offset", 0)? as usize;
    let unknown = |field: &str, part: &str| {
        invalid_format(format!(
            "An unknown field '{field}' is passed in the PARAMS field '{part}'"
        ))
    };
    let wrong_format = |part: &str| {
        invalid_format(format!(
            "A wrong format for the PARAMS field '{part}' is passed"
        ))
    };

    let select: Vec<String> = match params.get("select") {
        None => Vec::new(),
        Some(value @ (Value::Array(_) | Value::Object(_))) => items(value)
            .into_iter()
            .map(|v| as_text(v).ok_or_else(|| wrong_format("select")))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(wrong_format("select")),
    };
    if let Some(bad) = select.iter().find(|f| !known.contains(&f.as_str())) {
        return Err(unknown(bad, "select"));
    }
    let filter = match params.get("filter") {
        None => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return Err(wrong_format("filter")),
    };
    if let Some(bad) = filter.keys().find(|f| !known.contains(&f.as_str())) {
        return Err(unknown(bad, "filter"));
    }
    let order: Vec<(String, bool)> = match params.get("order") {
        None => vec![("ID".into(), true)],
        Some(Value::Object(map)) => map
            .iter()
            .map(|(field, direction)| {
                if !known.contains(&field.as_str()) {
                    return Err(unknown(field, "order"));
                }
                match as_text(direction)
                    .unwrap_or_default()
                    .to_ascii_uppercase()
                    .as_str()
                {
                    "ASC" => Ok((field.clone(), true)),
                    "DESC" => Ok((field.clone(), false)),
                    _ => Err(invalid_format(
                        "A wrong sorting direction is passed in the PARAMS field 'order'".into(),
                    )),
                }
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(wrong_format("order")),
    };
    let with_queue = options.flag("QUEUE", false);
    let with_config_queue = options.flag("CONFIG_QUEUE", false);

    let portal = call.portal();
    let mut rows: Vec<Map<String, Value>> = portal
        .lines
        .values()
        .map(render::line_fields)
        .filter(|fields| {
            filter
                .iter()
                .all(|(k, v)| fields.get(k) == Some(&render::legacy(v)))
        })
        .collect();
    rows.sort_by(|a, b| {
        order
            .iter()
            .fold(std::cmp::Ordering::Equal, |acc, (field, ascending)| {
                acc.then_with(|| {
                    let key = |row: &Map<String, Value>| {
                        let text = row.get(field).and_then(as_text).unwrap_or_default();
                        (text.parse::<i64>().ok(), text)
                    };
                    let ordering = key(a).cmp(&key(b));
                    if *ascending {
                        ordering
                    } else {
                        ordering.reverse()
                    }
                })
            })
    });
    let result: Vec<Value> = rows
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|mut row| {
            let line_id = row.get("ID").and_then(as_int).unwrap_or_default();
            if !select.is_empty() {
                row.retain(|k, _| select.contains(k));
            }
            if let Some(line) = portal.lines.get(&line_id) {
                if with_queue {
                    row.insert("QUEUE".into(), json!(line.queue));
                    row.insert(
                        "QUEUE_USERS_FIELDS".into(),
                        render::queue_users(portal, line, false),
                    );
                }
                if with_config_queue {
                    let queue: Vec<Value> = line
                        .queue
                        .iter()
                        .map(|id| json!({"ENTITY_ID": id.to_string(), "ENTITY_TYPE": "user"}))
                        .collect();
                    row.insert("CONFIG_QUEUE".into(), Value::Array(queue));
                }
            }
            Value::Object(row)
        })
        .collect();
    Ok(Value::Array(result).into())
}
