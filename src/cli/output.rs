//! How headless commands print: the value as JSON with `-o json`, else a
//! text rendering, most often a table.

use acc_domain::Gateway;
use serde::Serialize;

use super::args::Output;

/// Prints `value` as pretty JSON, or the text `text` renders.
pub(crate) fn print<T: Serialize>(output: Output, value: &T, text: impl FnOnce() -> String) {
    match output {
        Output::Json => match serde_json::to_string_pretty(value) {
            Ok(s) => emit(&s),
            Err(e) => eprintln!("acc: cannot render JSON: {e}"),
        },
        Output::Text => emit(&text()),
    }
}

/// Writes a line to stdout. A reader that went away (`| head -1`) ends the
/// output quietly, as Unix tools do; `println!` would panic.
pub(crate) fn emit(line: &str) {
    use std::io::Write as _;
    let written = writeln!(std::io::stdout().lock(), "{line}");
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("acc: cannot write the output: {e}");
    }
}

/// Left-aligned columns sized to their widest cell, like `kubectl get`.
pub(crate) fn text_table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows.collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    std::iter::once(line(header.iter().map(|h| h.to_string()).collect()))
        .chain(rows.into_iter().map(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A gateway's policy engine as one cell: `engine (MODE)`, or `-`.
pub(crate) fn policy_engine_cell(gateway: &Gateway) -> String {
    gateway
        .policy_engine
        .as_ref()
        .map(|p| format!("{} ({})", p.short_name(), p.mode))
        .unwrap_or_else(|| "-".into())
}
