//! The policy studio's screens as the shell sees them: titles, keys, loads,
//! rows, commands and drawing, per screen.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::features::policy::keys::{self, Command as Policy};
use crate::features::policy::route::Route;
use crate::features::policy::{dry_run, editor, studio, update, views};
use crate::shell::effect::Effect;
use crate::shell::filter::FilterQuery;
use crate::shell::keymap::{Binding, Command};
use crate::shell::navigation::{push, refresh_from_top};
use crate::shell::screens::{Clip, Screens};
use crate::shell::state::{AppState, ListCursor};
use crate::widgets::header::under;

impl Screens for Route {
    fn gateway_id(&self) -> Option<&str> {
        match self {
            Route::Policies { gateway_id }
            | Route::PolicyTemplates { gateway_id }
            | Route::PolicyEditor { gateway_id }
            | Route::DryRun { gateway_id }
            | Route::DryRunDetail { gateway_id, .. } => Some(gateway_id),
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Route::Policies { .. } => "policies",
            Route::PolicyTemplates { .. } => "new policy",
            Route::PolicyEditor { .. } => "edit policy",
            Route::DryRun { .. } => "dry-run",
            Route::DryRunDetail { .. } => "why",
        }
    }

    fn crumb(&self, state: &AppState, parent_gateway: Option<&str>) -> String {
        match self {
            Route::Policies { gateway_id } => under(state, parent_gateway, gateway_id, "policies"),
            Route::PolicyTemplates { .. } => "new policy".into(),
            Route::PolicyEditor { .. } => match &state.policy.editor {
                Some(editor) => format!("edit {}", editor.name),
                None => "edit".into(),
            },
            Route::DryRun { .. } => "dry-run".into(),
            Route::DryRunDetail { index, .. } => format!("why {}", index + 1),
        }
    }

    fn bindings(&self) -> &'static [Binding] {
        match self {
            Route::Policies { .. } => keys::POLICIES,
            Route::PolicyTemplates { .. } => keys::POLICY_TEMPLATES,
            Route::PolicyEditor { .. } => keys::POLICY_EDITOR,
            Route::DryRun { .. } => keys::DRY_RUN,
            Route::DryRunDetail { .. } => &[],
        }
    }

    fn typing(&self) -> bool {
        matches!(self, Route::PolicyEditor { .. })
    }

    fn on_typed(&self, state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
        editor::on_typing_key(state, key)
    }

    fn load(&self, state: &mut AppState) -> Vec<Effect> {
        match self {
            Route::Policies { gateway_id }
            | Route::PolicyTemplates { gateway_id }
            | Route::PolicyEditor { gateway_id } => studio::load(state, gateway_id),
            Route::DryRun { .. } | Route::DryRunDetail { .. } => Vec::new(),
        }
    }

    fn reload(&self, state: &mut AppState) -> Vec<Effect> {
        match self {
            Route::Policies { gateway_id } | Route::PolicyTemplates { gateway_id } => {
                state.policy.studio.remove(gateway_id);
                studio::load(state, gateway_id)
            }
            _ => Vec::new(),
        }
    }

    fn poll_every(&self, state: &AppState) -> Option<u64> {
        match self {
            Route::Policies { gateway_id } => update::poll_every(state, gateway_id),
            _ => None,
        }
    }

    fn poll(&self, state: &mut AppState) -> Vec<Effect> {
        match self {
            Route::Policies { gateway_id } => update::poll(state, gateway_id),
            _ => Vec::new(),
        }
    }

    fn visible_rows(&self, state: &AppState, filter: &FilterQuery) -> Vec<usize> {
        match self {
            Route::Policies { gateway_id } => match state.policy.studio_of(gateway_id) {
                Some(data) => filter.apply_to(
                    data.policies
                        .iter()
                        .map(|p| format!("{} {} {}", p.name, p.status, p.enforcement_mode)),
                ),
                None => Vec::new(),
            },
            Route::PolicyTemplates { gateway_id } => match state.policy.studio_of(gateway_id) {
                Some(data) => filter.apply(data.templates.iter().map(|t| t.title.as_str())),
                None => Vec::new(),
            },
            Route::PolicyEditor { .. } => Vec::new(),
            Route::DryRun { gateway_id } => dry_run::visible(state, gateway_id, filter),
            Route::DryRunDetail { gateway_id, index } => {
                (0..dry_run::dry_run_detail_lines(state, gateway_id, *index).len()).collect()
            }
        }
    }

    fn on_command(&self, state: &mut AppState, command: Command) -> Option<Vec<Effect>> {
        if let Route::PolicyEditor { .. } = self {
            return editor::on_command(state, command);
        }
        let Command::Policy(command) = command else {
            return None;
        };
        Some(match command {
            Policy::NewPolicy => match self {
                Route::Policies { gateway_id } => {
                    let route = Route::PolicyTemplates {
                        gateway_id: gateway_id.clone(),
                    };
                    push(state, route.into())
                }
                _ => Vec::new(),
            },
            Policy::PolicyMode => match self.gateway_id() {
                Some(id) => studio::ask_mode(state, id),
                None => Vec::new(),
            },
            Policy::Sort | Policy::FlipsOnly => {
                if command == Policy::Sort {
                    dry_run::cycle_sort(state);
                } else {
                    dry_run::toggle_flips_only(state);
                }
                refresh_from_top(state);
                Vec::new()
            }
            Policy::SaveTests => match self {
                Route::DryRun { gateway_id } => {
                    let order = state.screen().cursor.visible.clone();
                    dry_run::save_tests(state, gateway_id, &order)
                }
                _ => Vec::new(),
            },
            // The editor's own, answered above.
            Policy::Validate
            | Policy::Format
            | Policy::NextProblem
            | Policy::DryRun
            | Policy::Push
            | Policy::Name
            | Policy::Undo
            | Policy::Redo => Vec::new(),
        })
    }

    fn open(&self, state: &mut AppState, index: usize) -> Vec<Effect> {
        let route = match self {
            Route::Policies { gateway_id } => studio::edit_selected(state, gateway_id, index),
            Route::PolicyTemplates { gateway_id } => {
                studio::edit_template(state, gateway_id, index)
            }
            Route::DryRun { gateway_id } => Some(Route::DryRunDetail {
                gateway_id: gateway_id.clone(),
                index,
            }),
            Route::PolicyEditor { .. } | Route::DryRunDetail { .. } => None,
        };
        match route {
            Some(route) => push(state, route.into()),
            None => Vec::new(),
        }
    }

    fn copy(&self, state: &AppState, selected: Option<usize>) -> Clip {
        match self {
            Route::Policies { gateway_id } => Clip::json(
                selected.and_then(|i| state.policy.studio_of(gateway_id)?.policies.get(i)),
            ),
            Route::DryRun { gateway_id } => Clip::json(
                selected.and_then(|i| state.policy.dry_run_of(gateway_id)?.dry.run.rows.get(i)),
            ),
            Route::PolicyEditor { .. } => match &state.policy.editor {
                Some(editor) => Clip::Text(editor.contents()),
                None => Clip::NOTHING_SELECTED,
            },
            Route::PolicyTemplates { .. } | Route::DryRunDetail { .. } => Clip::NOTHING_SELECTED,
        }
    }

    fn on_back(&self, state: &mut AppState) -> bool {
        matches!(self, Route::PolicyEditor { .. }) && editor::ask_discard(state)
    }

    fn on_close(&self, state: &mut AppState) {
        if let Route::PolicyEditor { .. } = self {
            state.policy.editor = None;
        }
    }

    fn render(&self, state: &AppState, cursor: &ListCursor, frame: &mut Frame, area: Rect) {
        match self {
            Route::Policies { gateway_id } => {
                views::policies::render(state, gateway_id, cursor, frame, area)
            }
            Route::PolicyTemplates { gateway_id } => {
                views::policies::render_templates(state, gateway_id, cursor, frame, area)
            }
            Route::PolicyEditor { .. } => views::editor::render(state, frame, area),
            Route::DryRun { gateway_id } => {
                views::dry_run::render(state, gateway_id, cursor, frame, area)
            }
            Route::DryRunDetail { gateway_id, index } => {
                views::dry_run::render_detail(state, gateway_id, *index, cursor, frame, area)
            }
        }
    }
}
