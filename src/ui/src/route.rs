//! The screens of the console and how breadcrumbs name them.

/// One screen on the breadcrumb stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Gateways,
    GatewayDetail { gateway_id: String },
    Targets { gateway_id: String },
    Tools { gateway_id: String },
    ToolDetail { gateway_id: String, tool: String },
    Contexts,
}

/// Which key table and which list a route uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViewKind {
    Gateways,
    GatewayDetail,
    Targets,
    Tools,
    ToolDetail,
    Contexts,
}

impl Route {
    pub fn kind(&self) -> ViewKind {
        match self {
            Route::Gateways => ViewKind::Gateways,
            Route::GatewayDetail { .. } => ViewKind::GatewayDetail,
            Route::Targets { .. } => ViewKind::Targets,
            Route::Tools { .. } => ViewKind::Tools,
            Route::ToolDetail { .. } => ViewKind::ToolDetail,
            Route::Contexts => ViewKind::Contexts,
        }
    }

    /// The gateway this screen is about, if any.
    pub fn gateway_id(&self) -> Option<&str> {
        match self {
            Route::GatewayDetail { gateway_id }
            | Route::Targets { gateway_id }
            | Route::Tools { gateway_id }
            | Route::ToolDetail { gateway_id, .. } => Some(gateway_id),
            Route::Gateways | Route::Contexts => None,
        }
    }
}

impl ViewKind {
    /// The resource word used in titles and the palette.
    pub fn title(self) -> &'static str {
        match self {
            ViewKind::Gateways => "gateways",
            ViewKind::GatewayDetail => "describe",
            ViewKind::Targets => "targets",
            ViewKind::Tools => "tools",
            ViewKind::ToolDetail => "schema",
            ViewKind::Contexts => "contexts",
        }
    }
}
