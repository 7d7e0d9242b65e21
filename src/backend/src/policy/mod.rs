//! AgentCore Policy: policy engines and their Cedar policies, and the one
//! workflow (attached engine, dry-run of an edit over captured calls, tests
//! from its rows) that the console and `acc policy` share.

mod policies;
pub mod workflow;
