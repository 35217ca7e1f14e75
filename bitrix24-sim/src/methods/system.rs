//! Portal-wide methods: users, server time, and event bindings.

use serde_json::{Value, json};

use super::{Call, Table, add, add_app_only};
use crate::auth::AuthKind;
use crate::events::KNOWN_EVENTS;
use crate::paging;
use crate::portal::{Binding, Ids, render};
use crate::wire::envelope::{ApiError, Reply};
use crate::wire::time::iso8601;

pub fn register(table: &mut Table) {
    add(table, "server.time", server_time);
    add(table, "user.current", user_current);
    add(table, "profile", profile);
    add(table, "user.get", user_get);
    add_app_only(table, "event.bind", event_bind);
    add_app_only(table, "event.unbind", event_unbind);
    add_app_only(table, "event.get", event_get);
}

fn server_time(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    Ok(json!(iso8601(call.now)).into())
}

fn user_current(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let user = call
        .portal()
        .users
        .get(&call.user())
        .ok_or_else(|| ApiError::new(401, "authorization_error", "Unable to authorize user"))?;
    Ok(render::user_record(user).into())
}

fn profile(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let user = call
        .portal()
        .users
        .get(&call.user())
        .ok_or_else(|| ApiError::new(401, "authorization_error", "Unable to authorize user"))?;
    Ok(json!({"ID": user.id.to_string(), "ADMIN": user.admin, "NAME": user.name, "LAST_NAME": user.last_name}).into())
}

/// Users in id order, narrowed by `FILTER` and paged with `start`.
fn user_get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let users = &call.portal().users;
    let filter = call.args.get("filter");
    if filter.is_some() {
        let rows = users.values().map(render::user_record).collect();
        let rows = paging::filtered(rows, filter);
        return Ok(paging::page_of(
            rows.len(),
            call.args.int("start"),
            |range| rows[range].to_vec(),
        ));
    }
    // Unfiltered, only the requested page is rendered, so a seeded list of thousands stays cheap.
    Ok(paging::page_of(
        users.len(),
        call.args.int("start"),
        |range| {
            users
                .values()
                .skip(range.start)
                .take(range.len())
                .map(render::user_record)
                .collect()
        },
    ))
}

fn app_of(call: &Call<'_>) -> String {
    match &call.caller.kind {
        AuthKind::App(client_id) => client_id.clone(),
        AuthKind::Webhook(index) => format!("webhook:{index}"),
    }
}

fn event_and_handler(call: &Call<'_>) -> Result<(String, String), ApiError> {
    let event = call
        .args
        .text("event")
        .ok_or_else(|| ApiError::argument_missing("event"))?
        .to_ascii_uppercase();
    let handler = call
        .args
        .text("handler")
        .ok_or_else(|| ApiError::argument_missing("handler"))?;
    Ok((event, handler))
}

fn event_bind(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let (event, handler) = event_and_handler(call)?;
    if !KNOWN_EVENTS.contains(&event.as_str()) {
        return Err(ApiError::bad_request(
            "ERROR_EVENT_NOT_FOUND",
            "Event not found",
        ));
    }
    let app = app_of(call);
    if call
        .portal()
        .bindings
        .iter()
        .any(|b| b.app == app && b.event == event && b.handler == handler)
    {
        return Err(ApiError::bad_request(
            "ERROR_HANDLER_ALREADY_EXIST",
            "Handler already exists!",
        ));
    }
    let portal = call.portal_mut();
    let id = Ids::take(&mut portal.ids.binding);
    portal.bindings.push(Binding {
        id,
        app,
        event,
        handler,
    });
    Ok(json!(true).into())
}

fn event_unbind(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let (event, handler) = event_and_handler(call)?;
    let app = app_of(call);
    let matches = |b: &Binding| b.app == app && b.event == event && b.handler == handler;
    let count = call.portal().bindings.iter().filter(|b| matches(b)).count();
    if count > 0 {
        call.portal_mut().bindings.retain(|b| !matches(b));
    }
    Ok(json!({"count": count}).into())
}

fn event_get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let app = app_of(call);
    let list: Vec<Value> = call
        .portal()
        .bindings
        .iter()
        .filter(|b| b.app == app)
        .map(|b| json!({"event": b.event, "handler": b.handler, "auth_type": "0", "offline": 0}))
        .collect();
    Ok(Value::Array(list).into())
}
