//! The `:ctx` screen's work: the contexts the console can connect to.

use acc_backend::{Backend, ConnectTarget};

use crate::features::context::msg::Msg;
use crate::features::context::state::ContextChoice;
use crate::shell::effect::Reply;

/// Work for the `:ctx` screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// The current context, the named endpoints and the AWS profiles.
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
                target: None,
                current: true,
            }];
            choices.extend(named_endpoints(&current.endpoint));
            choices.extend(
                acc_backend::aws_profiles()
                    .into_iter()
                    .map(|p| ContextChoice {
                        label: format!("aws:{p}"),
                        detail: "live AWS via the profile's credentials".into(),
                        target: Some(ConnectTarget::Live {
                            profile: Some(p),
                            region: None,
                        }),
                        current: false,
                    }),
            );
            reply.send(Msg::ContextsLoaded(choices));
        });
    }
}

/// The endpoints `contexts.toml` names; a file that does not parse is one
/// entry saying what to fix, so the rest of `:ctx` still works.
fn named_endpoints(current_endpoint: &str) -> Vec<ContextChoice> {
    match acc_backend::named_endpoints() {
        Ok(named) => named
            .into_iter()
            .map(|n| ContextChoice {
                current: n.endpoint == current_endpoint,
                label: n.name,
                detail: n.endpoint.clone(),
                target: Some(ConnectTarget::Endpoint {
                    url: n.endpoint,
                    region: n.region,
                }),
            })
            .collect(),
        Err(problem) => vec![ContextChoice {
            label: "contexts.toml".into(),
            detail: problem,
            target: None,
            current: false,
        }],
    }
}
