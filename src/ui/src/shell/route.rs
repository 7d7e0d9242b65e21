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
    /// The policies of the gateway's policy engine.
    Policies {
        gateway_id: String,
    },
    /// Templates for a new policy, from the gateway's tools.
    PolicyTemplates {
        gateway_id: String,
    },
    /// The policy editor (its state is `AppState::editor`).
    PolicyEditor {
        gateway_id: String,
    },
    /// The dry-run of the edit against the gateway's captured calls.
    DryRun {
        gateway_id: String,
    },
    /// One dry-run row, by its index in the report's rows.
    DryRunDetail {
        gateway_id: String,
        index: usize,
    },
    /// Agent runtimes.
    Runtimes,
    /// The invoke console of a runtime (its state is `AppState::invoke`).
    Invoke {
        runtime_id: String,
    },
    /// Every runtime session, live.
    Sessions,
    /// One session: lifecycle and log tail.
    SessionDetail {
        session_id: String,
    },
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
    Policies,
    PolicyTemplates,
    PolicyEditor,
    DryRun,
    DryRunDetail,
    Runtimes,
    Invoke,
    Sessions,
    SessionDetail,
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
            Route::Policies { .. } => ViewKind::Policies,
            Route::PolicyTemplates { .. } => ViewKind::PolicyTemplates,
            Route::PolicyEditor { .. } => ViewKind::PolicyEditor,
            Route::DryRun { .. } => ViewKind::DryRun,
            Route::DryRunDetail { .. } => ViewKind::DryRunDetail,
            Route::Runtimes => ViewKind::Runtimes,
            Route::Invoke { .. } => ViewKind::Invoke,
            Route::Sessions => ViewKind::Sessions,
            Route::SessionDetail { .. } => ViewKind::SessionDetail,
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
            | Route::CaptureDetail { gateway_id, .. }
            | Route::Policies { gateway_id }
            | Route::PolicyTemplates { gateway_id }
            | Route::PolicyEditor { gateway_id }
            | Route::DryRun { gateway_id }
            | Route::DryRunDetail { gateway_id, .. } => Some(gateway_id),
            Route::Gateways
            | Route::Contexts
            | Route::Runtimes
            | Route::Invoke { .. }
            | Route::Sessions
            | Route::SessionDetail { .. } => None,
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
            ViewKind::Policies => "policies",
            ViewKind::PolicyTemplates => "new policy",
            ViewKind::PolicyEditor => "edit policy",
            ViewKind::DryRun => "dry-run",
            ViewKind::DryRunDetail => "why",
            ViewKind::Runtimes => "runtimes",
            ViewKind::Invoke => "invoke",
            ViewKind::Sessions => "sessions",
            ViewKind::SessionDetail => "session",
        }
    }
}
