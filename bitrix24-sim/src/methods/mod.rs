//! The methods the simulator implements itself, and the context a handler runs in.

pub mod args;
mod bot;
mod config;
mod connector;
mod crm;
mod deals;
mod operators;
mod sessions;
mod system;

use std::collections::HashMap;

use crate::auth::Caller;
use crate::portal::Portal;
use crate::wire::envelope::{ApiError, Reply};
pub use args::Args;

/// A method implementation.
pub type Handler = fn(&mut Call<'_>) -> Result<Reply, ApiError>;

#[derive(Clone, Copy)]
pub struct MethodDef {
    pub handler: Handler,
    /// Webhooks get 403 `WRONG_AUTH_TYPE`: the method needs an application context.
    pub app_only: bool,
}

pub type Table = HashMap<&'static str, MethodDef>;

/// Every implemented method, by lower-case name.
pub fn table() -> Table {
    let mut table = Table::new();
    system::register(&mut table);
    config::register(&mut table);
    sessions::register(&mut table);
    operators::register(&mut table);
    crm::register(&mut table);
    deals::register(&mut table);
    bot::register(&mut table);
    connector::register(&mut table);
    table
}

fn add(table: &mut Table, name: &'static str, handler: Handler) {
    table.insert(
        name,
        MethodDef {
            handler,
            app_only: false,
        },
    );
}

fn add_app_only(table: &mut Table, name: &'static str, handler: Handler) {
    table.insert(
        name,
        MethodDef {
            handler,
            app_only: true,
        },
    );
}

/// One method call: its parameters, its caller, and the portal it may change.
pub struct Call<'a> {
    pub args: Args<'a>,
    pub caller: &'a Caller,
    pub now: f64,
    pub base_url: &'a str,
    portal: &'a mut Portal,
    changed: bool,
}

impl<'a> Call<'a> {
    pub fn new(
        args: Args<'a>,
        caller: &'a Caller,
        portal: &'a mut Portal,
        now: f64,
        base_url: &'a str,
    ) -> Self {
        Call {
            args,
            caller,
            now,
            base_url,
            portal,
            changed: false,
        }
    }

    pub fn portal(&self) -> &Portal {
        self.portal
    }

    /// Write access; the call then counts as a side effect.
    pub fn portal_mut(&mut self) -> &mut Portal {
        self.changed = true;
        self.portal
    }

    pub fn changed(&self) -> bool {
        self.changed
    }

    pub fn user(&self) -> i64 {
        self.caller.user_id
    }
}
