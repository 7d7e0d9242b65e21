//! AgentCore Policy: policy engines and their Cedar policies.

mod policies;
