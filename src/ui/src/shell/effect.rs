//! Side effects `update` asks for, and the runner that performs them on tokio
//! tasks and reports back as `Action`s through the one channel. The shell
//! runs its own effects; each feature's jobs run in the feature.

use std::sync::{Arc, RwLock};

use acc_backend::{Backend, ConnectTarget};
use tokio::sync::mpsc::UnboundedSender;

use crate::features::{context, gateway, memory, policy, runtime, traces};
use crate::shell::action::Action;

/// Work to do outside `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Put text on the clipboard through the terminal (OSC 52).
    Copy(String),
    /// Write a local file (not the platform: allowed read-only).
    SaveFile {
        /// Where.
        path: std::path::PathBuf,
        /// What the file holds.
        contents: String,
        /// Its contents in words, for the message.
        what: String,
    },
    /// Reconnect to live AWS with this profile.
    SwitchContext(acc_backend::ConnectTarget),
    /// Work for the gateway screens.
    Gateway(gateway::Job),
    /// Work for the policy studio.
    Policy(policy::Job),
    /// Work for the runtime screens.
    Runtime(runtime::Job),
    /// Work for the `:ctx` screen.
    Context(context::Job),
    /// Work for the memory screens.
    Memory(memory::Job),
    /// Work for the trace explorer.
    Traces(traces::Job),
}

crate::shell::family!(Effect::Gateway(gateway::Job));
crate::shell::family!(Effect::Policy(policy::Job));
crate::shell::family!(Effect::Runtime(runtime::Job));
crate::shell::family!(Effect::Context(context::Job));
crate::shell::family!(Effect::Memory(memory::Job));
crate::shell::family!(Effect::Traces(traces::Job));

impl Effect {
    /// Whether this effect writes to the platform (refused in read-only mode).
    pub fn is_write(&self) -> bool {
        match self {
            Effect::Copy(_) | Effect::SaveFile { .. } | Effect::SwitchContext(_) => false,
            Effect::Gateway(job) => job.is_write(),
            Effect::Policy(job) => job.is_write(),
            Effect::Runtime(job) => job.is_write(),
            Effect::Context(_) => false,
            Effect::Memory(job) => job.is_write(),
            Effect::Traces(_) => false,
        }
    }
}

/// Where a job's results go: the one channel, as `Action`s.
#[derive(Debug, Clone)]
pub(crate) struct Reply(UnboundedSender<Action>);

impl Reply {
    /// Sends a result; a closed channel means the console is closing.
    pub(crate) fn send(&self, action: impl Into<Action>) {
        let _ = self.0.send(action.into());
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
    /// A runner over `backend` that reports through `tx` and writes OSC 52
    /// sequences with `clipboard`.
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
        let reply = Reply(self.tx.clone());
        match effect {
            Effect::Copy(text) => {
                (self.clipboard)(&crate::shell::clipboard::osc52(&text));
                reply.send(Action::Copied { bytes: text.len() });
            }
            Effect::SaveFile {
                path,
                contents,
                what,
            } => {
                tokio::spawn(save_file(path, contents, what, reply));
            }
            Effect::SwitchContext(target) => {
                tokio::spawn(switch_context(target, self.backend.clone(), reply));
            }
            Effect::Gateway(job) => job.run(backend, reply),
            Effect::Policy(job) => job.run(backend, reply),
            Effect::Runtime(job) => job.run(backend, reply),
            Effect::Context(job) => job.run(backend, reply),
            Effect::Memory(job) => job.run(backend, reply),
            Effect::Traces(job) => job.run(backend, reply),
        }
    }
}

async fn save_file(path: std::path::PathBuf, contents: String, what: String, reply: Reply) {
    let result = tokio::fs::write(&path, contents)
        .await
        .map(|()| {
            std::path::absolute(&path)
                .unwrap_or(path.clone())
                .display()
                .to_string()
        })
        .map_err(|e| format!("cannot write {}: {e}", path.display()));
    reply.send(Action::FileSaved { what, result });
}

/// Connects to `target`, then every later effect uses the new backend.
async fn switch_context(target: ConnectTarget, shared: Arc<RwLock<Backend>>, reply: Reply) {
    let next = Backend::connect(target).await;
    let info = next.context().clone();
    if let Ok(mut current) = shared.write() {
        *current = next;
    }
    reply.send(Action::ContextSwitched(info));
}
