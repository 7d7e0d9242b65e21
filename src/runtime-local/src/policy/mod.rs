//! AgentCore Policy: policy engines and their Cedar policies (control
//! plane), and their enforcement at the gateways that attach them.

pub(crate) mod enforcement;
pub(crate) mod engines;
pub(crate) mod policies;
