//! Local commands that stand in for Lambda functions: a `lambda` target's
//! ARN is bound to a command that gets the event JSON on stdin and answers
//! JSON on stdout. Bindings come from a TOML file:
//!
//! ```toml
//! [[function]]
//! arn = "arn:aws:lambda:us-east-1:000000000000:function:crm-tools"
//! command = ["python3", "/path/to/crm.py"]
//! timeout_seconds = 10   # optional, default 30
//! ```

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use serde::Deserialize;

/// A function that doesn't answer in this long is stopped.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// One Lambda ARN bound to a local command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionBinding {
    /// The function ARN as the target configuration names it.
    pub arn: String,
    /// Program and arguments.
    pub command: Vec<String>,
    /// Killed and reported as a tool error after this long.
    pub timeout: Duration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    function: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    arn: String,
    command: Vec<String>,
    timeout_seconds: Option<f64>,
}

/// Read a bindings file.
pub fn load_function_bindings(path: &Path) -> anyhow::Result<Vec<FunctionBinding>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the functions file {}", path.display()))?;
    let file: File = toml::from_str(&text)
        .with_context(|| format!("{} is not a valid functions file", path.display()))?;
    file.function
        .into_iter()
        .map(|e| {
            anyhow::ensure!(
                e.arn.starts_with("arn:aws:lambda:"),
                "{}: {:?} is not a Lambda function ARN",
                path.display(),
                e.arn
            );
            anyhow::ensure!(
                !e.command.is_empty(),
                "{}: the command for {} is empty",
                path.display(),
                e.arn
            );
            let timeout = match e.timeout_seconds {
                Some(s) if s > 0.0 && s.is_finite() => Duration::from_secs_f64(s),
                Some(s) => anyhow::bail!(
                    "{}: timeout_seconds {s} for {} must be positive",
                    path.display(),
                    e.arn
                ),
                None => DEFAULT_TIMEOUT,
            };
            Ok(FunctionBinding {
                arn: e.arn,
                command: e.command,
                timeout,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_parse_and_mistakes_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("functions.toml");
        std::fs::write(
            &path,
            "[[function]]\narn = \"arn:aws:lambda:us-east-1:1:function:f\"\ncommand = [\"cat\"]\ntimeout_seconds = 2\n",
        )
        .unwrap();
        let b = load_function_bindings(&path).unwrap();
        assert_eq!(
            (b[0].command.clone(), b[0].timeout),
            (vec!["cat".to_string()], Duration::from_secs(2))
        );
        std::fs::write(&path, "[[function]]\narn = \"nope\"\ncommand = [\"cat\"]\n").unwrap();
        assert!(
            format!("{:#}", load_function_bindings(&path).unwrap_err())
                .contains("not a Lambda function ARN")
        );
        std::fs::write(&path, "[[function]]\narn = 1\n").unwrap();
        assert!(
            format!("{:#}", load_function_bindings(&path).unwrap_err()).contains("functions.toml")
        );
    }
}
