//! The policy editor: typing, debounced validation against the gateway's
//! schema, Cedar's formatter, and walking through the problems.

use std::time::Instant;

use acc_domain::cedar_model::checks::{PolicyDiagnostic, Severity, check_text};
use acc_domain::cedar_model::policy_edit::PolicyChanges;
use acc_domain::cedar_model::templates::format_policies;
use ratatui::crossterm::event::KeyEvent;
use ratatui_textarea::{CursorMove, TextArea};

use crate::features::policy::job::Job;
use crate::features::policy::keys::Command as Policy;
use crate::features::policy::route::Route;
use crate::features::policy::{dry_run, studio};
use crate::shell::effect::Effect;
use crate::shell::keymap::Command;
use crate::shell::message::info;
use crate::shell::navigation::refresh_top;
use crate::shell::route::Route as ShellRoute;
use crate::shell::state::{AppState, Confirm, Overlay};

/// Ticks (100 ms each) of quiet typing before the text is validated again.
pub const DEBOUNCE_TICKS: u64 = 2;

/// The policy being edited.
#[derive(Debug, Clone)]
pub struct PolicyEditor {
    /// The gateway whose engine the policy is of.
    pub gateway_id: String,
    /// The policy's name: an existing policy (replaced by the edit) or a
    /// new one (added).
    pub name: String,
    /// Whether the engine has the policy already.
    pub existing: bool,
    /// The Cedar text.
    pub text: TextArea<'static>,
    /// The text as the engine has it (or the template's): an edit that
    /// differs from it is a draft.
    pub original: String,
    /// From the last validation, sorted by position.
    pub diagnostics: Vec<PolicyDiagnostic>,
    /// Which diagnostic the list has selected (ctrl-n moves on).
    pub selected: usize,
    /// When the debounced validation is due.
    pub validate_at_tick: Option<u64>,
    /// How long the last validation took, in microseconds.
    pub validation_us: Option<u128>,
    /// Why the last format failed, if it did.
    pub format_problem: Option<String>,
}

impl PolicyEditor {
    /// An editor on `text`, validated at the next tick.
    pub fn new(gateway_id: &str, name: &str, existing: bool, text: &str) -> PolicyEditor {
        PolicyEditor {
            gateway_id: gateway_id.into(),
            name: name.into(),
            existing,
            text: text_area(text),
            original: text.into(),
            diagnostics: Vec::new(),
            selected: 0,
            validate_at_tick: Some(0),
            validation_us: None,
            format_problem: None,
        }
    }

    /// The editor on an unsaved edit kept from before, if there is one.
    pub fn with_draft(mut self, draft: Option<&String>) -> PolicyEditor {
        if let Some(draft) = draft {
            self.text = text_area(draft);
        }
        self
    }

    /// The key of its draft: the gateway and the policy's name.
    pub fn draft_key(&self) -> (String, String) {
        (self.gateway_id.clone(), self.name.clone())
    }

    /// The whole text.
    pub fn contents(&self) -> String {
        self.text.lines().join("\n")
    }

    /// The edit as the dry-run applies it.
    pub fn changes(&self) -> PolicyChanges {
        let text = self.contents();
        if self.existing {
            PolicyChanges {
                replace: vec![(self.name.clone(), text)],
                ..PolicyChanges::default()
            }
        } else {
            PolicyChanges {
                add: vec![(self.name.clone(), text)],
                ..PolicyChanges::default()
            }
        }
    }

    /// How many of the problems are errors.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// An editable text of `text`'s lines.
fn text_area(text: &str) -> TextArea<'static> {
    TextArea::new(text.lines().map(str::to_owned).collect())
}

/// The edit changed: keep it as the policy's draft, or forget the draft
/// when the text is the original again.
fn keep_draft(state: &mut AppState) {
    let Some(editor) = state.policy.editor.as_ref() else {
        return;
    };
    let text = editor.contents();
    let key = editor.draft_key();
    if text == editor.original {
        state.policy.drafts.remove(&key);
    } else {
        state.policy.drafts.insert(key, text);
    }
}

/// esc in the editor: with an unsaved edit, ask before discarding it
/// (`true`: asked, the editor stays until the answer).
pub(crate) fn ask_discard(state: &mut AppState) -> bool {
    let Some(editor) = state.policy.editor.as_ref() else {
        return false;
    };
    if state
        .policy
        .draft_of(&editor.gateway_id, &editor.name)
        .is_none()
    {
        return false;
    }
    state.overlay = Some(Overlay::Confirm(Confirm {
        title: "unsaved policy".into(),
        question: format!(
            "discard your edits to {}? (n keeps editing; ctrl-p pushes)",
            editor.name
        ),
        on_yes: Job::DiscardDraft {
            gateway_id: editor.gateway_id.clone(),
            name: editor.name.clone(),
        }
        .into(),
    }));
    true
}

/// Quitting: with unsaved edits, ask first (`true`: asked).
pub(crate) fn ask_quit(state: &mut AppState) -> bool {
    ask_before_dropping_drafts(
        state,
        "quit",
        "y quits without them",
        Job::DiscardDraftsAndQuit.into(),
    )
}

/// Switching context drops every draft: with unsaved edits, ask first
/// (`true`: asked); a yes switches, and the new context starts without them.
pub(crate) fn ask_switch(state: &mut AppState, label: &str, switch: Effect) -> bool {
    ask_before_dropping_drafts(
        state,
        "switch context",
        &format!("y switches to {label} without them"),
        switch,
    )
}

/// With unsaved edits, asks whether to drop them all for `on_yes`.
fn ask_before_dropping_drafts(
    state: &mut AppState,
    title: &str,
    what_yes_does: &str,
    on_yes: Effect,
) -> bool {
    if state.policy.drafts.is_empty() {
        return false;
    }
    let names: Vec<&str> = state
        .policy
        .drafts
        .keys()
        .map(|(_, name)| name.as_str())
        .collect();
    state.overlay = Some(Overlay::Confirm(Confirm {
        title: title.into(),
        question: format!(
            "discard your edits to {}? {what_yes_does}",
            names.join(", ")
        ),
        on_yes,
    }));
    true
}

/// A yes to "discard your edits?": the draft is forgotten and the editor
/// on it closes.
pub(crate) fn on_discarded(state: &mut AppState, gateway_id: &str, name: &str) {
    state
        .policy
        .drafts
        .remove(&(gateway_id.to_owned(), name.to_owned()));
    let editing = state
        .policy
        .editor
        .as_ref()
        .is_some_and(|e| e.gateway_id == gateway_id && e.name == name);
    let on_top = matches!(
        state.screen().route,
        ShellRoute::Policy(Route::PolicyEditor { .. })
    );
    if editing && on_top && state.stack.len() > 1 {
        state.stack.pop();
        state.policy.editor = None;
        refresh_top(state);
    }
}

/// A command in the editor; the shell's own (back, quit, help) are left to
/// it, others do nothing while typing.
pub(crate) fn on_command(state: &mut AppState, command: Command) -> Option<Vec<Effect>> {
    let page_rows = state.list_height().max(1) as isize;
    match command {
        Command::Policy(Policy::Validate) => validate(state),
        Command::Policy(Policy::NextProblem) => next_diagnostic(state),
        Command::Policy(Policy::Format) => format(state),
        Command::Policy(Policy::DryRun) => return Some(dry_run::dry_run(state)),
        Command::Policy(Policy::Push) => return Some(studio::ask_push(state)),
        Command::Policy(Policy::Name) => studio::ask_name(state),
        Command::Policy(Policy::Undo) => edit_history(state, TextArea::undo),
        Command::Policy(Policy::Redo) => edit_history(state, TextArea::redo),
        Command::PageDown => page(state, page_rows / 2),
        Command::PageUp => page(state, -page_rows / 2),
        Command::Back | Command::Quit | Command::Help => return None,
        _ => {}
    }
    Some(Vec::new())
}

/// ctrl-z / ctrl-y: the text area's own history, then as after typing:
/// validation is due and the draft follows.
fn edit_history(state: &mut AppState, step: fn(&mut TextArea<'static>) -> bool) {
    let tick = state.tick;
    if let Some(editor) = state.policy.editor.as_mut()
        && step(&mut editor.text)
    {
        editor.validate_at_tick = Some(tick + DEBOUNCE_TICKS);
        editor.format_problem = None;
        keep_draft(state);
    }
}

/// A key typed into the editor.
pub(crate) fn on_typing_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let tick = state.tick;
    if let Some(editor) = state.policy.editor.as_mut()
        && editor.text.input(key)
    {
        editor.validate_at_tick = Some(tick + DEBOUNCE_TICKS);
        editor.format_problem = None;
        keep_draft(state);
    }
    Vec::new()
}

/// Validate now if the debounce has run out.
pub(crate) fn on_tick(state: &mut AppState) {
    let due = state
        .policy
        .editor
        .as_ref()
        .and_then(|e| e.validate_at_tick)
        .is_some_and(|at| state.tick >= at);
    if due {
        validate(state);
    }
}

/// The gateway's schema arrived: the editor's first validation waited
/// for it.
pub(crate) fn on_schema(state: &mut AppState, gateway_id: &str) {
    if let Some(editor) = state.policy.editor.as_mut()
        && editor.gateway_id == gateway_id
        && editor.validate_at_tick.is_some()
    {
        editor.validate_at_tick = Some(state.tick);
        validate(state);
    }
}

/// Strict validation of the editor's text against the gateway's schema
/// (parse errors alone while the schema is not loaded yet).
fn validate(state: &mut AppState) {
    let Some(editor) = state.policy.editor.as_ref() else {
        return;
    };
    let schema = state
        .policy
        .studio_of(&editor.gateway_id)
        .map(|d| d.schema.schema.clone());
    let started = Instant::now();
    let mut diagnostics = check_text(&editor.name, &editor.contents(), schema.as_ref());
    let elapsed = started.elapsed().as_micros();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    let waiting_for_schema = schema.is_none();
    if let Some(editor) = state.policy.editor.as_mut() {
        editor.diagnostics = diagnostics;
        editor.selected = editor
            .selected
            .min(editor.diagnostics.len().saturating_sub(1));
        editor.validation_us = Some(elapsed);
        // Validate again once the schema arrives.
        editor.validate_at_tick = waiting_for_schema.then_some(u64::MAX);
    }
}

/// ctrl-n: the cursor to the next diagnostic.
fn next_diagnostic(state: &mut AppState) {
    let Some(editor) = state.policy.editor.as_mut() else {
        return;
    };
    if editor.diagnostics.is_empty() {
        info(state, "no problems".into());
        return;
    }
    let row = editor.text.cursor().0;
    let next = editor
        .diagnostics
        .iter()
        .position(|d| d.line > row + 1)
        .unwrap_or(0);
    editor.selected = next;
    let d = &editor.diagnostics[next];
    editor.text.move_cursor(CursorMove::Jump(
        (d.line.saturating_sub(1)) as u16,
        (d.column.saturating_sub(1)) as u16,
    ));
}

/// pgup / pgdn: the cursor by `rows` lines.
fn page(state: &mut AppState, rows: isize) {
    let Some(editor) = state.policy.editor.as_mut() else {
        return;
    };
    let step = if rows < 0 {
        CursorMove::Up
    } else {
        CursorMove::Down
    };
    for _ in 0..rows.unsigned_abs() {
        editor.text.move_cursor(step);
    }
}

/// ctrl-o: Cedar's formatter over the text.
fn format(state: &mut AppState) {
    let tick = state.tick;
    let Some(editor) = state.policy.editor.as_mut() else {
        return;
    };
    match format_policies(&editor.contents()) {
        Ok(pretty) => {
            let cursor = editor.text.cursor();
            let (row, col) = (cursor.0, cursor.1);
            editor.text = text_area(pretty.trim_end());
            editor
                .text
                .move_cursor(CursorMove::Jump(row as u16, col as u16));
            editor.validate_at_tick = Some(tick);
            editor.format_problem = None;
            keep_draft(state);
        }
        Err(e) => editor.format_problem = Some(e),
    }
}
