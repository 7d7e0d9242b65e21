//! How durations, times, tokens and GenAI kinds read on the trace screens.

use acc_domain::traces::{GenAiKind, TraceSpan};

/// A duration in nanoseconds, short: `850µs`, `12.3ms`, `4.20s`, `3m05s`.
pub fn duration(nano: i64) -> String {
    let sign = if nano < 0 { "-" } else { "" };
    let n = nano.unsigned_abs();
    let text = match n {
        n if n < 1_000 => format!("{n}ns"),
        n if n < 1_000_000 => format!("{}µs", n / 1_000),
        n if n < 1_000_000_000 => format!("{:.1}ms", n as f64 / 1e6),
        n if n < 60_000_000_000 => format!("{:.2}s", n as f64 / 1e9),
        n => format!("{}m{:02}s", n / 60_000_000_000, n / 1_000_000_000 % 60),
    };
    format!("{sign}{text}")
}

/// A signed delta: `+12.3ms`, `-4.20s`, `=` for none.
pub fn delta(nano: i64) -> String {
    match nano {
        0 => "=".into(),
        n if n > 0 => format!("+{}", duration(n)),
        n => duration(n),
    }
}

/// Unix nanoseconds as `HH:MM:SS.mmm` UTC.
pub fn clock(unix_nano: i64) -> String {
    let ms = unix_nano.div_euclid(1_000_000);
    let day_ms = ms.rem_euclid(86_400_000);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        day_ms / 3_600_000,
        day_ms / 60_000 % 60,
        day_ms / 1000 % 60,
        day_ms % 1000
    )
}

/// The GenAI kind of a span, in four letters or fewer.
pub fn gen_ai_label(span: &TraceSpan) -> &'static str {
    match span.kind_gen_ai() {
        GenAiKind::Agent => "agent",
        GenAiKind::Llm => "llm",
        GenAiKind::Tool => "tool",
        GenAiKind::Retrieval => "retr",
        GenAiKind::Other => "",
    }
}

/// The model and tokens of a GenAI span: `claude-3 · 120→45 tok`.
pub fn model_tokens(span: &TraceSpan) -> String {
    let model = span.model().unwrap_or_default();
    match (span.input_tokens(), span.output_tokens()) {
        (None, None) => model.to_owned(),
        (i, o) => {
            let tokens = format!("{}→{} tok", i.unwrap_or(0), o.unwrap_or(0));
            if model.is_empty() {
                tokens
            } else {
                format!("{model} · {tokens}")
            }
        }
    }
}
