//! The screens of the console and how breadcrumbs name them.

/// One screen on the breadcrumb stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Gateways,
    GatewayDetail {
        gateway_id: String,
    },
    Targets {
        gateway_id: String,
    },
    Tools {
        gateway_id: String,
    },
    ToolDetail {
        gateway_id: String,
        tool: String,
    },
    /// The call dialog of one tool (its state is `AppState::call`).
    ToolCall {
        gateway_id: String,
        tool: String,
    },
    /// Captured tool calls of a gateway.
    Captures {
        gateway_id: String,
    },
    /// One captured call, by its index in the loaded captures.
    CaptureDetail {
        gateway_id: String,
        index: usize,
    },
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
    ToolCall,
    Captures,
    CaptureDetail,
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
            Route::ToolCall { .. } => ViewKind::ToolCall,
            Route::Captures { .. } => ViewKind::Captures,
            Route::CaptureDetail { .. } => ViewKind::CaptureDetail,
            Route::Contexts => ViewKind::Contexts,
        }
    }

    /// The gateway this screen is about, if any.
    pub fn gateway_id(&self) -> Option<&str> {
        match self {
            Route::GatewayDetail { gateway_id }
            | Route::Targets { gateway_id }
            | Route::Tools { gateway_id }
            | Route::ToolDetail { gateway_id, .. }
            | Route::ToolCall { gateway_id, .. }
            | Route::Captures { gateway_id }
            | Route::CaptureDetail { gateway_id, .. } => Some(gateway_id),
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
            ViewKind::ToolCall => "call",
            ViewKind::Captures => "captures",
            ViewKind::CaptureDetail => "capture",
            ViewKind::Contexts => "contexts",
        }
    }
}
