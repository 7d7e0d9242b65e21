//! Colour themes from `themes/*.toml`, a user override file, and `NO_COLOR`.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// The themes shipped in the binary, by name.
const BUILT_IN: [(&str, &str); 3] = [
    ("dark", include_str!("../../../themes/dark.toml")),
    ("light", include_str!("../../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../../themes/high-contrast.toml"),
    ),
];

/// Names of the built-in themes.
pub fn built_in_names() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(n, _)| *n)
}

/// Resolved styles the views draw with.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// The built-in name or the file it came from.
    pub name: String,
    /// Text and background.
    pub base: Style,
    /// Secondary text.
    pub muted: Style,
    /// Titles and what is current.
    pub accent: Style,
    /// The header band.
    pub header: Style,
    /// Borders.
    pub border: Style,
    /// The selected row.
    pub selection: Style,
    /// Failures and refusals.
    pub error: Style,
    /// Things in progress or worth a look.
    pub warning: Style,
    /// Things that went well.
    pub success: Style,
    /// Key names in hints and help.
    pub key: Style,
    /// A failure drawn on the selected row.
    pub selection_error: Style,
    /// A warning drawn on the selected row.
    pub selection_warning: Style,
    /// A success drawn on the selected row.
    pub selection_success: Style,
    /// The READ-ONLY marker in the header.
    pub readonly: Style,
}

/// A theme file: every field optional, so a user file can override a few.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: Option<String>,
    fg: Option<String>,
    bg: Option<String>,
    muted: Option<String>,
    accent: Option<String>,
    header_fg: Option<String>,
    header_bg: Option<String>,
    border: Option<String>,
    selection_fg: Option<String>,
    selection_bg: Option<String>,
    selection_error: Option<String>,
    selection_warning: Option<String>,
    selection_success: Option<String>,
    error: Option<String>,
    warning: Option<String>,
    success: Option<String>,
    key: Option<String>,
}

impl ThemeFile {
    /// `self` with every field `other` sets replaced.
    fn overlay(mut self, other: ThemeFile) -> ThemeFile {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f; } )* };
        }
        take!(
            name,
            fg,
            bg,
            muted,
            accent,
            header_fg,
            header_bg,
            border,
            selection_fg,
            selection_bg,
            selection_error,
            selection_warning,
            selection_success,
            error,
            warning,
            success,
            key
        );
        self
    }
}

/// What went wrong loading a theme; shown in the console's message bar.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// Neither a built-in name nor a file: the name, and the built-in ones.
    #[error("theme `{0}` is neither a built-in theme ({1}) nor a readable file")]
    Unknown(String, String),
    /// The file does not parse.
    #[error("theme file {path}: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong in it.
        reason: String,
    },
}

impl Theme {
    /// The default dark theme.
    pub fn dark() -> Theme {
        Theme::from_file(parse_built_in("dark"))
    }

    /// Plain terminal colours, emphasis by modifiers only (`NO_COLOR`).
    pub fn monochrome() -> Theme {
        let plain = Style::default();
        Theme {
            name: "no-color".into(),
            base: plain,
            muted: plain.add_modifier(Modifier::DIM),
            accent: plain.add_modifier(Modifier::BOLD),
            header: plain.add_modifier(Modifier::REVERSED),
            border: plain,
            selection: plain.add_modifier(Modifier::REVERSED),
            error: plain.add_modifier(Modifier::BOLD),
            warning: plain.add_modifier(Modifier::BOLD),
            success: plain,
            key: plain.add_modifier(Modifier::BOLD),
            selection_error: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            selection_warning: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            selection_success: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            readonly: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }

    /// Resolves the theme to use: `NO_COLOR` wins; then `requested` (a
    /// built-in name or a file path, default dark); then the user's override
    /// file `$XDG_CONFIG_HOME/acc/theme.toml` is laid over it.
    pub fn resolve(requested: Option<&str>, no_color: bool) -> Result<Theme, ThemeError> {
        if no_color {
            return Ok(Theme::monochrome());
        }
        Theme::resolve_with(requested, user_theme_path().as_deref())
    }

    /// [`Theme::resolve`] with an explicit override file (for tests).
    pub fn resolve_with(
        requested: Option<&str>,
        user_file: Option<&Path>,
    ) -> Result<Theme, ThemeError> {
        let requested = requested.unwrap_or("dark");
        let mut file = if let Some((_, text)) = BUILT_IN.iter().find(|(n, _)| *n == requested) {
            parse(text, Path::new(requested))?
        } else if Path::new(requested).is_file() {
            parse_built_in("dark").overlay(read(Path::new(requested))?)
        } else {
            let names: Vec<_> = built_in_names().collect();
            return Err(ThemeError::Unknown(requested.into(), names.join(", ")));
        };
        if let Some(path) = user_file.filter(|p| p.is_file()) {
            file = file.overlay(read(path)?);
        }
        Ok(Theme::from_file(file))
    }

    fn from_file(f: ThemeFile) -> Theme {
        let c = |v: &Option<String>| {
            v.as_deref()
                .and_then(|s| Color::from_str(s).ok())
                .unwrap_or(Color::Reset)
        };
        let fg = |v: &Option<String>| Style::default().fg(c(v));
        let selection = Style::default()
            .fg(c(&f.selection_fg))
            .bg(c(&f.selection_bg))
            .add_modifier(Modifier::BOLD);
        // A status on the selection: its own colour, else the selection's.
        let on_selection = |v: &Option<String>| match v {
            Some(_) => selection.fg(c(v)),
            None => selection,
        };
        Theme {
            name: f.name.clone().unwrap_or_else(|| "custom".into()),
            base: Style::default().fg(c(&f.fg)).bg(c(&f.bg)),
            muted: fg(&f.muted),
            accent: fg(&f.accent).add_modifier(Modifier::BOLD),
            header: Style::default().fg(c(&f.header_fg)).bg(c(&f.header_bg)),
            border: fg(&f.border),
            selection,
            error: fg(&f.error).add_modifier(Modifier::BOLD),
            warning: fg(&f.warning),
            success: fg(&f.success),
            key: fg(&f.key).add_modifier(Modifier::BOLD),
            selection_error: on_selection(&f.selection_error),
            selection_warning: on_selection(&f.selection_warning),
            selection_success: on_selection(&f.selection_success),
            // The selection's text colour reads on the warning colour.
            readonly: Style::default()
                .fg(c(&f.selection_fg))
                .bg(c(&f.warning))
                .add_modifier(Modifier::BOLD),
        }
    }

    /// The styles to draw the selected row's cells with: every text style
    /// becomes the selection, statuses their selection variants, so a cell's
    /// own colour never lands unreadable on the selection background.
    pub fn on_selection(&self) -> Theme {
        Theme {
            name: self.name.clone(),
            base: self.selection,
            muted: self.selection,
            accent: self.selection,
            header: self.header,
            border: self.border,
            selection: self.selection,
            error: self.selection_error,
            warning: self.selection_warning,
            success: self.selection_success,
            key: self.selection,
            selection_error: self.selection_error,
            selection_warning: self.selection_warning,
            selection_success: self.selection_success,
            readonly: self.readonly,
        }
    }

    /// Every foreground/background pair of text this theme draws, named:
    /// `(what, fg, bg)`. `Color::Reset` stands for the terminal's own colour.
    pub fn text_pairs(&self) -> Vec<(&'static str, Color, Color)> {
        let fg = |s: &Style| s.fg.unwrap_or(Color::Reset);
        let bg = |s: &Style| s.bg.unwrap_or(Color::Reset);
        let base_bg = bg(&self.base);
        let sel_bg = bg(&self.selection);
        vec![
            ("base", fg(&self.base), base_bg),
            ("muted", fg(&self.muted), base_bg),
            ("accent", fg(&self.accent), base_bg),
            ("key", fg(&self.key), base_bg),
            ("error", fg(&self.error), base_bg),
            ("warning", fg(&self.warning), base_bg),
            ("success", fg(&self.success), base_bg),
            ("header", fg(&self.header), bg(&self.header)),
            ("read-only marker", fg(&self.readonly), bg(&self.readonly)),
            ("selection", fg(&self.selection), sel_bg),
            ("error on selection", fg(&self.selection_error), sel_bg),
            ("warning on selection", fg(&self.selection_warning), sel_bg),
            ("success on selection", fg(&self.selection_success), sel_bg),
        ]
    }
}

/// A colour's sRGB value: `#rrggbb` as is, named colours as xterm's
/// default palette draws them; `None` for the terminal's own (`Reset`)
/// and indexed colours.
pub fn rgb(color: Color) -> Option<(u8, u8, u8)> {
    Some(match color {
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Black => (0, 0, 0),
        Color::Red => (205, 0, 0),
        Color::Green => (0, 205, 0),
        Color::Yellow => (205, 205, 0),
        Color::Blue => (0, 0, 238),
        Color::Magenta => (205, 0, 205),
        Color::Cyan => (0, 205, 205),
        Color::Gray => (229, 229, 229),
        Color::DarkGray => (127, 127, 127),
        Color::LightRed => (255, 0, 0),
        Color::LightGreen => (0, 255, 0),
        Color::LightYellow => (255, 255, 0),
        Color::LightBlue => (92, 92, 255),
        Color::LightMagenta => (255, 0, 255),
        Color::LightCyan => (0, 255, 255),
        Color::White => (255, 255, 255),
        _ => return None,
    })
}

/// WCAG 2.x relative luminance of an sRGB colour.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let channel = |v: u8| {
        let c = f64::from(v) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// The WCAG 2.x contrast ratio of two colours (1 to 21), `None` when one
/// of them has no known value (see [`rgb`]).
pub fn contrast_ratio(fg: Color, bg: Color) -> Option<f64> {
    let (a, b) = (luminance(rgb(fg)?), luminance(rgb(bg)?));
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    Some((hi + 0.05) / (lo + 0.05))
}

fn parse_built_in(name: &str) -> ThemeFile {
    let text = BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or_default();
    // Built-in themes are tested to parse; fall back to defaults regardless.
    parse(text, Path::new(name)).unwrap_or_default()
}

fn read(path: &Path) -> Result<ThemeFile, ThemeError> {
    let text = std::fs::read_to_string(path).map_err(|e| ThemeError::Invalid {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    parse(&text, path)
}

fn parse(text: &str, path: &Path) -> Result<ThemeFile, ThemeError> {
    let file: ThemeFile = toml::from_str(text).map_err(|e| ThemeError::Invalid {
        path: path.display().to_string(),
        reason: e.message().to_string(),
    })?;
    for (field, value) in [
        ("fg", &file.fg),
        ("accent", &file.accent),
        ("selection_bg", &file.selection_bg),
        ("selection_success", &file.selection_success),
        ("selection_warning", &file.selection_warning),
        ("selection_error", &file.selection_error),
        ("error", &file.error),
    ] {
        if let Some(v) = value {
            Color::from_str(v).map_err(|_| ThemeError::Invalid {
                path: path.display().to_string(),
                reason: format!("`{field} = \"{v}\"` is not a colour name or #rrggbb"),
            })?;
        }
    }
    Ok(file)
}

/// Where a user's theme override lives: `$XDG_CONFIG_HOME/acc/theme.toml`.
pub fn user_theme_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("acc").join("theme.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_parses_and_differs() {
        let themes: Vec<Theme> = built_in_names()
            .map(|n| Theme::resolve_with(Some(n), None).unwrap())
            .collect();
        assert_eq!(themes.len(), 3);
        assert_ne!(themes[0].selection, themes[1].selection);
        assert_eq!(themes[2].name, "high-contrast");
    }

    #[test]
    fn user_file_overrides_single_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("theme.toml");
        std::fs::write(&path, "accent = \"#ff0000\"\n").unwrap();
        let t = Theme::resolve_with(Some("dark"), Some(&path)).unwrap();
        assert_eq!(t.accent.fg, Some(Color::Rgb(255, 0, 0)));
        assert_eq!(t.selection, Theme::dark().selection);
        std::fs::write(&path, "accent = \"not-a-colour\"\n").unwrap();
        let err = Theme::resolve_with(Some("dark"), Some(&path)).unwrap_err();
        assert!(err.to_string().contains("not-a-colour"), "{err}");
    }

    /// What a theme drawing on the terminal's own background (`reset`) is
    /// checked against: black and a dark grey for dark themes, white and a
    /// light grey for light ones.
    fn terminal_backgrounds(theme: &str) -> [Color; 2] {
        if theme == "light" {
            [Color::Rgb(255, 255, 255), Color::Rgb(0xf5, 0xf5, 0xf5)]
        } else {
            [Color::Rgb(0, 0, 0), Color::Rgb(0x1e, 0x1e, 0x1e)]
        }
    }

    #[test]
    fn every_text_colour_of_every_theme_is_readable_on_its_background() {
        let mut failures = Vec::new();
        for name in built_in_names() {
            let theme = Theme::resolve_with(Some(name), None).unwrap();
            let required = if name == "high-contrast" { 7.0 } else { 4.5 };
            for (what, fg, bg) in theme.text_pairs() {
                let fgs = if fg == Color::Reset {
                    terminal_backgrounds(if name == "light" { "dark" } else { "light" }).to_vec()
                } else {
                    vec![fg]
                };
                let bgs = if bg == Color::Reset {
                    terminal_backgrounds(name).to_vec()
                } else {
                    vec![bg]
                };
                for (f, b) in fgs.iter().flat_map(|f| bgs.iter().map(move |b| (*f, *b))) {
                    let ratio = contrast_ratio(f, b).expect("built-in colours are known");
                    if ratio < required {
                        failures.push(format!("{name}: {what} {f:?} on {b:?} is {ratio:.2}:1"));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "below WCAG contrast:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn contrast_ratio_matches_wcag() {
        let white = Color::Rgb(255, 255, 255);
        let black = Color::Black;
        assert!((contrast_ratio(white, black).unwrap() - 21.0).abs() < 1e-9);
        assert!((contrast_ratio(white, white).unwrap() - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1.
        let grey = Color::Rgb(0x76, 0x76, 0x76);
        assert!((contrast_ratio(grey, white).unwrap() - 4.54).abs() < 0.01);
        assert_eq!(contrast_ratio(Color::Reset, white), None);
    }

    #[test]
    fn no_color_wins_and_unknown_names_are_explained() {
        assert_eq!(
            Theme::resolve(Some("light"), true).unwrap(),
            Theme::monochrome()
        );
        let err = Theme::resolve_with(Some("solarized"), None).unwrap_err();
        assert!(err.to_string().contains("dark, light, high-contrast"));
    }
}
