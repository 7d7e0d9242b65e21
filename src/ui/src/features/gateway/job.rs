//! The gateway screens' work against the platform, run on effect tasks.

use acc_backend::Backend;
use acc_domain::Gateway;

use crate::features::gateway::capture_list::CaptureList;
use crate::features::gateway::msg::Msg;
use crate::shell::effect::Reply;

/// The newest captured calls the captures view loads.
const CAPTURES_SHOWN: usize = 1_000;

/// Work for the gateway screens.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// ListGateways.
    LoadGateways,
    /// ListGatewayTargets, with each target's tools.
    LoadTargets {
        /// Whose.
        gateway_id: String,
    },
    /// DeleteGateway.
    DeleteGateway {
        /// Which.
        id: String,
        /// Its name, for the message.
        name: String,
    },
    /// DeleteGatewayTarget.
    DeleteTarget {
        /// The target's gateway.
        gateway_id: String,
        /// Which.
        target_id: String,
        /// Its name, for the message.
        name: String,
    },
    /// List the gateway's tools through its MCP endpoint.
    LoadMcpCatalog {
        /// The gateway (its MCP URL and authorizer).
        gateway: Box<Gateway>,
    },
    /// Ask the gateway's built-in search tool.
    SearchTools {
        /// The gateway (its MCP URL and authorizer).
        gateway: Box<Gateway>,
        /// What to ask.
        query: String,
    },
    /// `tools/call` through the gateway.
    CallTool {
        /// The gateway (its MCP URL and authorizer).
        gateway: Box<Gateway>,
        /// The qualified tool name.
        tool: String,
        /// The call's arguments.
        arguments: serde_json::Value,
        /// Who the call is made as.
        caller: acc_domain::CallerIdentity,
    },
    /// Read the gateway's captured calls from its APPLICATION_LOGS.
    LoadCaptures {
        /// Whose.
        gateway: Box<Gateway>,
    },
}

impl Job {
    /// Whether this job writes to the platform (refused in read-only mode).
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Job::DeleteGateway { .. } | Job::DeleteTarget { .. } | Job::CallTool { .. }
        )
    }

    /// Runs on its own task; the result comes back through `reply`.
    pub(crate) fn run(self, backend: Backend, reply: Reply) {
        tokio::spawn(async move { reply.send(self.perform(&backend).await) });
    }

    async fn perform(self, backend: &Backend) -> Msg {
        let text = |e: acc_backend::BackendError| e.to_string();
        match self {
            Job::LoadGateways => Msg::GatewaysLoaded(backend.list_gateways().await.map_err(text)),
            Job::LoadTargets { gateway_id } => {
                let result = backend.list_targets(&gateway_id).await.map_err(text);
                Msg::TargetsLoaded { gateway_id, result }
            }
            Job::DeleteGateway { id, name } => Msg::Deleted {
                what: format!("gateway {name}"),
                result: backend.delete_gateway(&id).await.map_err(text),
            },
            Job::DeleteTarget {
                gateway_id,
                target_id,
                name,
            } => Msg::Deleted {
                what: format!("target {name}"),
                result: backend
                    .delete_target(&gateway_id, &target_id)
                    .await
                    .map_err(text),
            },
            Job::LoadMcpCatalog { gateway } => Msg::McpCatalogLoaded {
                result: backend.mcp_catalog(&gateway).await.map_err(text),
                gateway_id: gateway.id,
            },
            Job::SearchTools { gateway, query } => Msg::ToolsFound {
                result: backend
                    .search_tools(&gateway, &query)
                    .await
                    .map(|hits| hits.into_iter().map(|h| h.name).collect())
                    .map_err(text),
                gateway_id: gateway.id,
                query,
            },
            Job::CallTool {
                gateway,
                tool,
                arguments,
                caller,
            } => Msg::ToolCalled {
                result: backend
                    .call_tool_as(&gateway, &tool, arguments, &caller)
                    .await
                    .map(Box::new)
                    .map_err(text),
                gateway_id: gateway.id,
                tool,
            },
            Job::LoadCaptures { gateway } => Msg::CapturesLoaded {
                result: backend
                    .captured_calls(
                        &gateway.id,
                        &acc_domain::CaptureFilter::default(),
                        CAPTURES_SHOWN,
                    )
                    .await
                    .map(|page| CaptureList::of(&page.calls, page.note))
                    .map_err(text),
                gateway_id: gateway.id,
            },
        }
    }
}
