//! `view(&state, frame)`: draws the whole console from state, mutating nothing.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::features::context::view as contexts;
use crate::features::gateway::views::{
    capture_detail, captures, gateway_detail, gateways, targets, tool_call, tool_detail, tools,
};
use crate::features::policy::views::{
    dry_run as policy_dry_run, editor as policy_editor, policies,
};
use crate::features::runtime::views::{invoke, runtimes, sessions};
use crate::shell::layout;
use crate::shell::route::Route;
use crate::shell::state::{AppState, InputMode, Loadable, Overlay};
use crate::widgets::{confirm, footer, header, help, palette_popup};

/// Draws one frame.
pub fn view(state: &AppState, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(
        ratatui::widgets::Block::default().style(state.theme.base),
        area,
    );
    let bands = layout::bands(area);
    header::render(state, frame, bands.header);
    let screen = state.screen();
    match &screen.route {
        Route::Gateways => gateways::render(state, &screen.cursor, frame, bands.body),
        Route::GatewayDetail { gateway_id } => {
            gateway_detail::render(state, gateway_id, &screen.cursor, frame, bands.body)
        }
        Route::Targets { gateway_id } => {
            targets::render(state, gateway_id, &screen.cursor, frame, bands.body)
        }
        Route::Tools { gateway_id } => {
            tools::render(state, gateway_id, &screen.cursor, frame, bands.body)
        }
        Route::ToolDetail { gateway_id, tool } => {
            tool_detail::render(state, gateway_id, tool, &screen.cursor, frame, bands.body)
        }
        Route::ToolCall { .. } => tool_call::render(state, frame, bands.body),
        Route::Captures { gateway_id } => {
            captures::render(state, gateway_id, &screen.cursor, frame, bands.body)
        }
        Route::CaptureDetail { gateway_id, index } => {
            capture_detail::render(state, gateway_id, *index, &screen.cursor, frame, bands.body)
        }
        Route::Contexts => contexts::render(state, &screen.cursor, frame, bands.body),
        Route::Policies { gateway_id } => {
            policies::render(state, gateway_id, &screen.cursor, frame, bands.body)
        }
        Route::PolicyTemplates { gateway_id } => {
            policies::render_templates(state, gateway_id, &screen.cursor, frame, bands.body)
        }
        Route::PolicyEditor { .. } => policy_editor::render(state, frame, bands.body),
        Route::DryRun { gateway_id } => {
            policy_dry_run::render(state, gateway_id, &screen.cursor, frame, bands.body)
        }
        Route::Runtimes => runtimes::render(state, &screen.cursor, frame, bands.body),
        Route::Invoke { .. } => invoke::render(state, frame, bands.body),
        Route::Sessions => sessions::render(state, &screen.cursor, frame, bands.body),
        Route::SessionDetail { session_id } => {
            sessions::render_detail(state, session_id, &screen.cursor, frame, bands.body)
        }
        Route::DryRunDetail { gateway_id, index } => policy_dry_run::render_detail(
            state,
            gateway_id,
            *index,
            &screen.cursor,
            frame,
            bands.body,
        ),
    }
    footer::render(state, frame, bands.footer);
    if let InputMode::Palette { text, selected } = &state.input {
        palette_popup::render(state, text, *selected, frame, bands.body);
    }
    match &state.overlay {
        Some(Overlay::Help) => help::render(state, frame, area),
        Some(Overlay::Confirm(c)) => confirm::render(state, c, frame, area),
        None => {}
    }
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// What an empty list says: progress while loading, the failure, or why
/// nothing shows.
pub(crate) fn empty_line<'a, T>(
    state: &AppState,
    data: Option<&Loadable<T>>,
    what: &str,
    filtered: bool,
) -> Line<'a> {
    match data {
        Some(Loadable::Loading { since_tick }) => {
            let elapsed = state.tick.saturating_sub(*since_tick) as f64 / 10.0;
            let frame = SPINNER[(state.tick as usize) % SPINNER.len()];
            Line::from(vec![
                Span::styled(format!("{frame} "), state.theme.accent),
                Span::raw(format!("loading {what}… {elapsed:.1}s")),
            ])
        }
        Some(Loadable::Failed(e)) => Line::styled(
            format!("could not load {what}: {e}  (ctrl-r retries)"),
            state.theme.error,
        ),
        _ if filtered => Line::raw(format!("no {what} match the filter (esc clears it)")),
        _ => Line::raw(format!("no {what}")),
    }
}
