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
        Theme {
            name: f.name.clone().unwrap_or_else(|| "custom".into()),
            base: Style::default().fg(c(&f.fg)).bg(c(&f.bg)),
            muted: fg(&f.muted),
            accent: fg(&f.accent).add_modifier(Modifier::BOLD),
            header: Style::default().fg(c(&f.header_fg)).bg(c(&f.header_bg)),
            border: fg(&f.border),
            selection: Style::default()
                .fg(c(&f.selection_fg))
                .bg(c(&f.selection_bg))
                .add_modifier(Modifier::BOLD),
            error: fg(&f.error).add_modifier(Modifier::BOLD),
            warning: fg(&f.warning),
            success: fg(&f.success),
            key: fg(&f.key).add_modifier(Modifier::BOLD),
        }
    }
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
        let dir = std::env::temp_dir().join(format!("acc-theme-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("theme.toml");
        std::fs::write(&path, "accent = \"#ff0000\"\n").unwrap();
        let t = Theme::resolve_with(Some("dark"), Some(&path)).unwrap();
        assert_eq!(t.accent.fg, Some(Color::Rgb(255, 0, 0)));
        assert_eq!(t.selection, Theme::dark().selection);
        std::fs::write(&path, "accent = \"not-a-colour\"\n").unwrap();
        let err = Theme::resolve_with(Some("dark"), Some(&path)).unwrap_err();
        assert!(err.to_string().contains("not-a-colour"), "{err}");
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
