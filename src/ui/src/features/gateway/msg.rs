//! Results of the gateway jobs, as they come back through the channel.

use acc_backend::McpCatalog;
use acc_domain::{Gateway, Target, ToolCallReport};

use crate::features::gateway::capture_list::CaptureList;

/// A result for the gateway screens.
#[derive(Debug, Clone)]
pub enum Msg {
    /// ListGateways answered.
    GatewaysLoaded(Result<Vec<Gateway>, String>),
    /// A gateway's targets (with their tools) arrived.
    TargetsLoaded {
        /// Whose.
        gateway_id: String,
        /// The targets, or why not.
        result: Result<Vec<Target>, String>,
    },
    /// A delete finished; `what` names the resource for the message.
    Deleted {
        /// `gateway NAME` or `target NAME`.
        what: String,
        /// Whether it went through.
        result: Result<(), String>,
    },
    /// A gateway's MCP listing arrived.
    McpCatalogLoaded {
        /// Whose.
        gateway_id: String,
        /// Every page of `tools/list`, or why not.
        result: Result<McpCatalog, String>,
    },
    /// The search tool answered: qualified names, best first.
    ToolsFound {
        /// Whose search tool.
        gateway_id: String,
        /// What was asked.
        query: String,
        /// The hits, or why not.
        result: Result<Vec<String>, String>,
    },
    /// A `tools/call` came back.
    ToolCalled {
        /// Through which gateway.
        gateway_id: String,
        /// Which tool.
        tool: String,
        /// The exchange, or why there was none.
        result: Result<Box<ToolCallReport>, String>,
    },
    /// A gateway's captured calls arrived.
    CapturesLoaded {
        /// Whose.
        gateway_id: String,
        /// The list, or why not.
        result: Result<CaptureList, String>,
    },
}
