//! Side effects `update` asks for, and the runner that performs them on tokio
//! tasks and reports back as `Action`s through the one channel.

use std::sync::{Arc, RwLock};

use acc_backend::{Backend, ConnectTarget};
use acc_domain::cedar_model::policy_edit::PolicyChanges;
use acc_domain::{AgentRuntime, Gateway};
use tokio::sync::mpsc::UnboundedSender;

use crate::shell::action::Action;
use crate::shell::state::ContextChoice;

/// The newest captured calls the captures view loads.
const CAPTURES_SHOWN: usize = 1_000;

/// Work to do outside `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadGateways,
    LoadTargets {
        gateway_id: String,
    },
    DeleteGateway {
        id: String,
        name: String,
    },
    DeleteTarget {
        gateway_id: String,
        target_id: String,
        name: String,
    },
    /// List the gateway's tools through its MCP endpoint.
    LoadMcpCatalog {
        gateway: Box<Gateway>,
    },
    /// Ask the gateway's built-in search tool.
    SearchTools {
        gateway: Box<Gateway>,
        query: String,
    },
    /// `tools/call` through the gateway.
    CallTool {
        gateway: Box<Gateway>,
        tool: String,
        arguments: serde_json::Value,
    },
    /// Read the gateway's captured calls from its APPLICATION_LOGS.
    LoadCaptures {
        gateway: Box<Gateway>,
    },
    /// Put text on the clipboard through the terminal (OSC 52).
    Copy(String),
    LoadContexts,
    /// The gateway's policy engine, its policies, tools and Cedar schema.
    LoadPolicyStudio {
        gateway: Box<Gateway>,
    },
    /// Evaluate the engine with and without `changes` over the gateway's
    /// captured calls, and compare the two symbolically.
    DryRunPolicy {
        gateway: Box<Gateway>,
        engine_id: String,
        policy: String,
        changes: PolicyChanges,
    },
    /// CreatePolicy or UpdatePolicy.
    PushPolicy {
        gateway_id: String,
        engine_id: String,
        name: String,
        statement: String,
    },
    /// LOG_ONLY ⇄ ENFORCE on the gateway's policy engine configuration.
    SetPolicyMode {
        gateway_id: String,
        mode: String,
    },
    /// Write a local file (not the platform: allowed read-only).
    SaveFile {
        path: std::path::PathBuf,
        contents: String,
        what: String,
    },
    LoadRuntimes,
    LoadSessions,
    /// A session's log tail (its runtime's log group, its stream) and its spans.
    LoadSessionLogs {
        runtime_id: String,
        endpoint: String,
        session_id: String,
    },
    StopSession {
        runtime: Box<AgentRuntime>,
        session_id: String,
    },
    /// InvokeAgentRuntime, streamed back as `InvokeChunk`s.
    Invoke {
        run_id: u64,
        /// The runtime (its authorizer decides SigV4 or bearer).
        runtime: Box<AgentRuntime>,
        payload: Vec<u8>,
        session: Option<String>,
        user: Option<String>,
    },
    /// Reconnect to live AWS with this profile.
    SwitchProfile(String),
}

impl Effect {
    /// Whether this effect writes to the platform (refused in read-only mode).
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Effect::DeleteGateway { .. }
                | Effect::DeleteTarget { .. }
                | Effect::CallTool { .. }
                | Effect::PushPolicy { .. }
                | Effect::SetPolicyMode { .. }
                | Effect::StopSession { .. }
                | Effect::Invoke { .. }
        )
    }
}

/// Performs effects. Owns the backend; the UI state never sees it.
pub struct EffectRunner {
    /// Shared so a context switch can replace it for every later effect.
    backend: Arc<RwLock<Backend>>,
    tx: UnboundedSender<Action>,
    /// Where OSC 52 sequences go (the terminal).
    clipboard: Box<dyn FnMut(&str) + Send>,
}

impl EffectRunner {
    pub fn new(
        backend: Backend,
        tx: UnboundedSender<Action>,
        clipboard: Box<dyn FnMut(&str) + Send>,
    ) -> Self {
        EffectRunner {
            backend: Arc::new(RwLock::new(backend)),
            tx,
            clipboard,
        }
    }

    /// Starts `effect`; network work runs on its own task so the UI never waits.
    pub fn run(&mut self, effect: Effect) {
        let backend = match self.backend.read() {
            Ok(b) => b.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        let tx = self.tx.clone();
        match effect {
            Effect::LoadGateways => {
                tokio::spawn(async move {
                    let result = backend.list_gateways().await.map_err(|e| e.to_string());
                    let _ = tx.send(Action::GatewaysLoaded(result));
                });
            }
            Effect::LoadTargets { gateway_id } => {
                tokio::spawn(async move {
                    let result = backend
                        .list_targets(&gateway_id)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::TargetsLoaded { gateway_id, result });
                });
            }
            Effect::DeleteGateway { id, name } => {
                tokio::spawn(async move {
                    let result = backend.delete_gateway(&id).await.map_err(|e| e.to_string());
                    let _ = tx.send(Action::Deleted {
                        what: format!("gateway {name}"),
                        result,
                    });
                });
            }
            Effect::DeleteTarget {
                gateway_id,
                target_id,
                name,
            } => {
                tokio::spawn(async move {
                    let result = backend
                        .delete_target(&gateway_id, &target_id)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::Deleted {
                        what: format!("target {name}"),
                        result,
                    });
                });
            }
            Effect::LoadMcpCatalog { gateway } => {
                tokio::spawn(async move {
                    let result = backend
                        .mcp_catalog(&gateway)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::McpCatalogLoaded {
                        gateway_id: gateway.id.clone(),
                        result,
                    });
                });
            }
            Effect::SearchTools { gateway, query } => {
                tokio::spawn(async move {
                    let result = backend
                        .search_tools(&gateway, &query)
                        .await
                        .map(|hits| hits.into_iter().map(|h| h.name).collect())
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::ToolsFound {
                        gateway_id: gateway.id.clone(),
                        query,
                        result,
                    });
                });
            }
            Effect::CallTool {
                gateway,
                tool,
                arguments,
            } => {
                tokio::spawn(async move {
                    let result = backend
                        .call_tool(&gateway, &tool, arguments)
                        .await
                        .map(Box::new)
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::ToolCalled {
                        gateway_id: gateway.id.clone(),
                        tool,
                        result,
                    });
                });
            }
            Effect::LoadCaptures { gateway } => {
                tokio::spawn(async move {
                    let result = backend
                        .captured_calls(
                            &gateway.id,
                            &acc_domain::CaptureFilter::default(),
                            CAPTURES_SHOWN,
                        )
                        .await
                        .map(|page| {
                            crate::features::gateway::capture_list::CaptureList::of(
                                &page.calls,
                                page.note,
                            )
                        })
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::CapturesLoaded {
                        gateway_id: gateway.id.clone(),
                        result,
                    });
                });
            }
            Effect::Copy(text) => {
                (self.clipboard)(&crate::shell::clipboard::osc52(&text));
                let _ = tx.send(Action::Copied { bytes: text.len() });
            }
            Effect::LoadContexts => {
                let current = backend.context().clone();
                tokio::spawn(async move {
                    let mut choices = vec![ContextChoice {
                        label: current.label(),
                        detail: current.endpoint.clone(),
                        profile: None,
                        current: true,
                    }];
                    choices.extend(acc_backend::aws_profiles().into_iter().map(|p| {
                        ContextChoice {
                            label: format!("aws:{p}"),
                            detail: "live AWS via the profile's credentials".into(),
                            profile: Some(p),
                            current: false,
                        }
                    }));
                    let _ = tx.send(Action::ContextsLoaded(choices));
                });
            }
            Effect::LoadPolicyStudio { gateway } => {
                tokio::spawn(async move {
                    let result =
                        crate::features::policy::policy_tasks::load_studio(&backend, &gateway)
                            .await
                            .map(Box::new);
                    let _ = tx.send(Action::PolicyStudioLoaded {
                        gateway_id: gateway.id.clone(),
                        result,
                    });
                });
            }
            Effect::DryRunPolicy {
                gateway,
                engine_id,
                policy,
                changes,
            } => {
                tokio::spawn(async move {
                    let result = crate::features::policy::policy_tasks::dry_run(
                        &backend, &gateway, &engine_id, policy, &changes,
                    )
                    .await
                    .map(Box::new);
                    let _ = tx.send(Action::DryRunDone {
                        gateway_id: gateway.id.clone(),
                        result,
                    });
                });
            }
            Effect::PushPolicy {
                gateway_id,
                engine_id,
                name,
                statement,
            } => {
                tokio::spawn(async move {
                    let result = backend
                        .push_policy(&engine_id, &name, &statement, None, false)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::PolicyPushed { gateway_id, result });
                });
            }
            Effect::SetPolicyMode { gateway_id, mode } => {
                tokio::spawn(async move {
                    let result = backend
                        .set_policy_mode(&gateway_id, &mode)
                        .await
                        .map(|()| mode)
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::PolicyModeSet { gateway_id, result });
                });
            }
            Effect::SaveFile {
                path,
                contents,
                what,
            } => {
                tokio::spawn(async move {
                    let result = tokio::fs::write(&path, contents)
                        .await
                        .map(|()| {
                            std::path::absolute(&path)
                                .unwrap_or(path.clone())
                                .display()
                                .to_string()
                        })
                        .map_err(|e| format!("cannot write {}: {e}", path.display()));
                    let _ = tx.send(Action::FileSaved { what, result });
                });
            }
            Effect::LoadRuntimes => {
                tokio::spawn(async move {
                    let result = backend.agent_runtimes().await.map_err(|e| e.to_string());
                    let _ = tx.send(Action::RuntimesLoaded(result));
                });
            }
            Effect::LoadSessions => {
                tokio::spawn(async move {
                    let result = backend.runtime_sessions().await.map_err(|e| e.to_string());
                    let _ = tx.send(Action::SessionsLoaded(result));
                });
            }
            Effect::LoadSessionLogs {
                runtime_id,
                endpoint,
                session_id,
            } => {
                tokio::spawn(async move {
                    let result = backend
                        .runtime_logs(&runtime_id, &endpoint, Some(&session_id), None)
                        .await
                        .map_err(|e| e.to_string());
                    let spans = backend
                        .session_spans(&session_id)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::SessionLogsLoaded {
                        session_id,
                        result,
                        spans,
                    });
                });
            }
            Effect::StopSession {
                runtime,
                session_id,
            } => {
                tokio::spawn(async move {
                    let result = backend
                        .stop_runtime_session(&runtime, &session_id)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::SessionStopped { session_id, result });
                });
            }
            Effect::Invoke {
                run_id,
                runtime,
                payload,
                session,
                user,
            } => {
                tokio::spawn(async move {
                    let started = std::time::Instant::now();
                    let ms = |s: std::time::Instant| s.elapsed().as_secs_f64() * 1e3;
                    let mut answer = match backend
                        .invoke_agent_runtime(
                            &runtime,
                            payload,
                            session.as_deref(),
                            user.as_deref(),
                            None,
                        )
                        .await
                    {
                        Ok(answer) => answer,
                        Err(e) => {
                            let _ = tx.send(Action::InvokeFinished {
                                run_id,
                                at_ms: ms(started),
                                result: Err(e.to_string()),
                            });
                            return;
                        }
                    };
                    let _ = tx.send(Action::InvokeStarted {
                        run_id,
                        session_id: answer.session_id.clone(),
                        content_type: answer.content_type.clone(),
                    });
                    let mut result = Ok(());
                    while let Some(chunk) = answer.next_chunk().await {
                        match chunk {
                            Ok(bytes) => {
                                let _ = tx.send(Action::InvokeChunk {
                                    run_id,
                                    at_ms: ms(started),
                                    bytes,
                                });
                            }
                            Err(e) => {
                                result = Err(format!("the stream broke: {e}"));
                                break;
                            }
                        }
                    }
                    let _ = tx.send(Action::InvokeFinished {
                        run_id,
                        at_ms: ms(started),
                        result,
                    });
                });
            }
            Effect::SwitchProfile(profile) => {
                let shared = self.backend.clone();
                tokio::spawn(async move {
                    let target = ConnectTarget::Live {
                        profile: Some(profile),
                        region: None,
                    };
                    let next = Backend::connect(target).await;
                    let info = next.context().clone();
                    if let Ok(mut current) = shared.write() {
                        *current = next;
                    }
                    let _ = tx.send(Action::ContextSwitched(info));
                });
            }
        }
    }
}
