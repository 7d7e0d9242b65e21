//! The screens of the console, by feature.

use crate::features::{context, gateway, memory, policy, runtime, traces};
use crate::shell::screens::Screens;

/// One screen on the breadcrumb stack, by the feature it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A gateway screen.
    Gateway(gateway::Route),
    /// A policy studio screen.
    Policy(policy::Route),
    /// A runtime screen.
    Runtime(runtime::Route),
    /// The `:ctx` screen.
    Context(context::Route),
    /// A memory screen.
    Memory(memory::Route),
    /// A trace explorer screen.
    Traces(traces::Route),
}

impl Route {
    /// The root of the stack: the gateways list.
    pub fn home() -> Route {
        Route::Gateway(gateway::Route::Gateways)
    }

    /// The feature behind the screen.
    pub(crate) fn screens(&self) -> &dyn Screens {
        match self {
            Route::Gateway(r) => r,
            Route::Policy(r) => r,
            Route::Runtime(r) => r,
            Route::Context(r) => r,
            Route::Memory(r) => r,
            Route::Traces(r) => r,
        }
    }

    /// The gateway this screen is about, if any.
    pub fn gateway_id(&self) -> Option<&str> {
        self.screens().gateway_id()
    }

    /// The resource word used in the help's title.
    pub fn title(&self) -> &'static str {
        self.screens().title()
    }
}

crate::shell::family!(Route::Gateway(gateway::Route));
crate::shell::family!(Route::Policy(policy::Route));
crate::shell::family!(Route::Runtime(runtime::Route));
crate::shell::family!(Route::Context(context::Route));
crate::shell::family!(Route::Memory(memory::Route));
crate::shell::family!(Route::Traces(traces::Route));
