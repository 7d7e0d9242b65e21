//! Key bindings of the policy studio's screens, and the commands they send.

use ratatui::crossterm::event::KeyCode;

use crate::shell::keymap::{self, Binding, bind, ch, ctrl, plain};

/// What a key asks of a policy screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// A new policy from a template.
    NewPolicy,
    /// Switch the policy engine between LOG_ONLY and ENFORCE.
    PolicyMode,
    /// Editor: validate now.
    Validate,
    /// Editor: Cedar's formatter.
    Format,
    /// Editor: jump to the next problem.
    NextProblem,
    /// Editor: dry-run the edit against captured calls.
    DryRun,
    /// Editor: push the policy (CreatePolicy/UpdatePolicy).
    Push,
    /// Editor: name the new policy.
    Name,
    /// Editor: take back the last edit.
    Undo,
    /// Editor: make the undone edit again.
    Redo,
    /// Dry-run: next sort order.
    Sort,
    /// Dry-run: only the calls whose decision flips.
    FlipsOnly,
    /// Dry-run: save the shown calls as a policy test file.
    SaveTests,
}

const fn policy(command: Command) -> keymap::Command {
    keymap::Command::Policy(command)
}

const POLICY_MODE: Binding = bind(
    &[ch('m')],
    policy(Command::PolicyMode),
    "mode",
    "switch the engine LOG_ONLY ⇄ ENFORCE (asks first; refused read-only)",
);

/// The policies of an engine.
pub(crate) const POLICIES: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter), ch('e')],
        keymap::Command::Open,
        "edit",
        "edit the policy",
    ),
    bind(
        &[ch('n')],
        policy(Command::NewPolicy),
        "new",
        "new policy from a template",
    ),
    POLICY_MODE,
];

/// The templates a new policy starts from.
pub(crate) const POLICY_TEMPLATES: &[Binding] = &[bind(
    &[plain(KeyCode::Enter)],
    keymap::Command::Open,
    "use",
    "edit a new policy from the template",
)];

/// The policy editor.
pub(crate) const POLICY_EDITOR: &[Binding] = &[
    bind(
        &[ctrl('s')],
        policy(Command::Validate),
        "validate",
        "validate now (it also runs as you type)",
    ),
    bind(
        &[ctrl('n')],
        policy(Command::NextProblem),
        "next problem",
        "jump to the next error or warning",
    ),
    bind(
        &[ctrl('o')],
        policy(Command::Format),
        "format",
        "format with Cedar's formatter",
    ),
    bind(
        &[ctrl('d')],
        policy(Command::DryRun),
        "dry-run",
        "dry-run the edit against the gateway's captured calls",
    ),
    bind(
        &[ctrl('p')],
        policy(Command::Push),
        "push",
        "push the policy: CreatePolicy/UpdatePolicy (asks first; refused read-only)",
    ),
    bind(
        &[plain(KeyCode::F(2))],
        policy(Command::Name),
        "name",
        "name the new policy (a pushed policy keeps its name)",
    ),
    bind(
        &[ctrl('z')],
        policy(Command::Undo),
        "undo",
        "take back the last edit",
    ),
    bind(
        &[ctrl('y')],
        policy(Command::Redo),
        "redo",
        "make the undone edit again",
    ),
];

/// The dry-run table.
pub(crate) const DRY_RUN: &[Binding] = &[
    bind(
        &[plain(KeyCode::Enter)],
        keymap::Command::Open,
        "why",
        "the call's Cedar request, entities and deciding policies",
    ),
    bind(&[ch('s')], policy(Command::Sort), "sort", "next sort order"),
    bind(
        &[ch('f')],
        policy(Command::FlipsOnly),
        "flips",
        "only the calls whose decision flips",
    ),
    bind(
        &[ch('w')],
        policy(Command::SaveTests),
        "save tests",
        "save the shown calls as a cedar run-tests file expecting the new decisions",
    ),
    POLICY_MODE,
];

/// Every table, named, for the check that no key is bound twice.
#[cfg(test)]
pub(crate) const TABLES: &[(&str, &[Binding])] = &[
    ("policies", POLICIES),
    ("policy templates", POLICY_TEMPLATES),
    ("policy editor", POLICY_EDITOR),
    ("dry-run", DRY_RUN),
];
