//! The `:ctx` screen's work: the contexts the console can connect to.

use acc_backend::Backend;

use crate::features::context::msg::Msg;
use crate::features::context::state::ContextChoice;
use crate::shell::effect::Reply;

/// Work for the `:ctx` screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// The current context and the AWS profiles.
    LoadContexts,
}

impl Job {
    /// Runs on its own task; the result comes back through `reply`.
    pub(crate) fn run(self, backend: Backend, reply: Reply) {
        let Job::LoadContexts = self;
        let current = backend.context().clone();
        tokio::spawn(async move {
            let mut choices = vec![ContextChoice {
                label: current.label(),
                detail: current.endpoint.clone(),
                profile: None,
                current: true,
            }];
            choices.extend(
                acc_backend::aws_profiles()
                    .into_iter()
                    .map(|p| ContextChoice {
                        label: format!("aws:{p}"),
                        detail: "live AWS via the profile's credentials".into(),
                        profile: Some(p),
                        current: false,
                    }),
            );
            reply.send(Msg::ContextsLoaded(choices));
        });
    }
}
