//! The terminal loop: input thread, effect runner, coalesced rendering.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use acc_backend::Backend;
use anyhow::Context;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::execute;
use tokio::sync::mpsc::{self, UnboundedReceiver};

use crate::shell::action::Action;
use crate::shell::effect::EffectRunner;
use crate::shell::message;
use crate::shell::state::AppState;
use crate::shell::update::{start, update};
use crate::shell::view::view;
use crate::theme::Theme;

/// Frames are at least this far apart (~60 fps); bursts of actions in
/// between are coalesced into one frame.
const FRAME_INTERVAL: Duration = Duration::from_millis(16);
/// Progress animation rate while something loads.
const TICK_INTERVAL: Duration = Duration::from_millis(100);

/// How the console starts.
#[derive(Debug, Clone)]
pub struct UiOptions {
    /// Refuse every change to the platform.
    pub readonly: bool,
    /// A built-in theme name or a theme file path.
    pub theme: Option<String>,
    /// When the process started, for the startup measurement.
    pub started: Instant,
    /// If set, write startup timings here and exit once the first frame with
    /// data is painted (used by the benchmark in BENCHMARKS.md).
    pub startup_report: Option<PathBuf>,
}

/// Runs the console until the user quits. The terminal is restored on every
/// exit path, including panics (ratatui's init installs the hook).
pub async fn run(backend: Backend, options: UiOptions) -> anyhow::Result<()> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (theme, theme_problem) = match Theme::resolve(options.theme.as_deref(), no_color) {
        Ok(t) => (t, None),
        Err(e) => (Theme::dark(), Some(e.to_string())),
    };
    let mut terminal = ratatui::try_init().context("opening the terminal")?;
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let size = terminal
        .size()
        .map(|s| (s.width, s.height))
        .unwrap_or((80, 24));
    let mut state = AppState::new(backend.context().clone(), options.readonly, theme, size);
    if let Some(problem) = theme_problem {
        message::error(&mut state, format!("{problem}; using the dark theme"));
    }
    let (tx, rx) = mpsc::unbounded_channel();
    spawn_input_thread(tx.clone());
    let clipboard = Box::new(|seq: &str| {
        let mut out = std::io::stdout();
        let _ = out.write_all(seq.as_bytes());
        let _ = out.flush();
    });
    let mut runner = EffectRunner::new(backend, tx, clipboard);
    for effect in start(&mut state) {
        runner.run(effect);
    }
    let result = event_loop(&mut terminal, &mut state, &mut runner, rx, &options).await;
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut AppState,
    runner: &mut EffectRunner,
    mut rx: UnboundedReceiver<Action>,
    options: &UiOptions,
) -> anyhow::Result<()> {
    terminal.draw(|f| view(state, f))?;
    let first_frame = options.started.elapsed();
    let mut last_draw = Instant::now();
    let mut dirty = false;
    let mut tick = tokio::time::interval(TICK_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        let deadline = last_draw + FRAME_INTERVAL;
        tokio::select! {
            action = rx.recv() => {
                let Some(action) = action else { break };
                apply(state, runner, action);
                // Drain whatever else is queued before drawing once.
                while let Ok(action) = rx.try_recv() {
                    apply(state, runner, action);
                }
                dirty = true;
            }
            _ = tick.tick(), if state.needs_ticks() => {
                apply(state, runner, Action::Tick);
                dirty = true;
            }
            _ = tokio::time::sleep_until(deadline.into()), if dirty => {}
        }
        if state.should_quit {
            break;
        }
        if dirty && Instant::now() >= deadline {
            terminal.draw(|f| view(state, f))?;
            last_draw = Instant::now();
            dirty = false;
            if let Some(path) = &options.startup_report
                && state.gateway.list.loaded().is_some()
            {
                let report = format!(
                    "first_frame_ms={:.2}\nfirst_data_frame_ms={:.2}\n",
                    first_frame.as_secs_f64() * 1e3,
                    options.started.elapsed().as_secs_f64() * 1e3
                );
                std::fs::write(path, report).context("writing the startup report")?;
                break;
            }
        }
    }
    Ok(())
}

fn apply(state: &mut AppState, runner: &mut EffectRunner, action: Action) {
    for effect in update(state, action) {
        runner.run(effect);
    }
}

/// Terminal input is read on a plain thread (crossterm's read blocks) and
/// forwarded into the same channel as effect results.
fn spawn_input_thread(tx: mpsc::UnboundedSender<Action>) {
    std::thread::spawn(move || {
        loop {
            let action = match event::read() {
                Ok(Event::Key(k)) => Action::Key(k),
                Ok(Event::Mouse(m)) => Action::Mouse(m),
                Ok(Event::Resize(w, h)) => Action::Resize(w, h),
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(action).is_err() {
                break;
            }
        }
    });
}
