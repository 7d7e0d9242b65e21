//! An edit of an engine's policies (replace, remove, add) and the two
//! policy sets a dry-run compares: the engine's deciding set as it is, and
//! the same with the edit applied. The CLI and the console edit alike.

use cedar_policy::{PolicyId, PolicySet};

use super::checks::{PolicyDiagnostic, parse_statement, parse_text};
use crate::Policy;

/// Changes to an engine's deciding policies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyChanges {
    /// (policy name, new statement).
    pub replace: Vec<(String, String)>,
    /// Names of policies taken out.
    pub remove: Vec<String>,
    /// (label, text of one or more statements); each added policy is named
    /// `label:policyN` (or `label:<@id>`), so decisions name where it came from.
    pub add: Vec<(String, String)>,
}

fn joined(errors: &[PolicyDiagnostic]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The deciding set of `current`, and the same with `changes` applied.
/// Errors name the policy or label and say what is wrong.
pub fn edited_sets(
    current: &[Policy],
    changes: &PolicyChanges,
) -> Result<(PolicySet, PolicySet), String> {
    let deciding: Vec<&Policy> = current.iter().filter(|p| p.decides()).collect();
    for (name, _) in &changes.replace {
        if !deciding.iter().any(|p| &p.name == name) {
            return Err(format!(
                "replace {name}: the engine has no deciding policy of that name"
            ));
        }
    }
    let mut before = PolicySet::new();
    let mut after = PolicySet::new();
    for policy in deciding {
        let parsed = parse_statement(&policy.name, &policy.statement).map_err(|e| joined(&e))?;
        before
            .add(parsed.clone())
            .map_err(|e| format!("{}: {e}", policy.name))?;
        if changes.remove.contains(&policy.name) {
            continue;
        }
        let edited = match changes.replace.iter().find(|(n, _)| n == &policy.name) {
            Some((name, text)) => parse_statement(name, text).map_err(|e| joined(&e))?,
            None => parsed,
        };
        after
            .add(edited)
            .map_err(|e| format!("{}: {e}", policy.name))?;
    }
    for (label, text) in &changes.add {
        let added = parse_text(label, text).map_err(|e| joined(&e))?;
        for policy in added.policies() {
            let id = format!("{label}:{}", policy.id());
            after
                .add(policy.new_id(PolicyId::new(id)))
                .map_err(|e| format!("{label}: {e}"))?;
        }
    }
    Ok((before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(name: &str, statement: &str, status: &str) -> Policy {
        Policy {
            id: format!("{name}-id"),
            name: name.into(),
            engine_id: "e".into(),
            status: status.into(),
            status_reasons: Vec::new(),
            enforcement_mode: "ACTIVE".into(),
            statement: statement.into(),
            description: None,
        }
    }

    #[test]
    fn replace_remove_and_add_apply_to_the_deciding_set_only() {
        let current = [
            policy("a", "permit(principal, action, resource);", "ACTIVE"),
            policy("b", "forbid(principal, action, resource);", "ACTIVE"),
            policy("c", "permit(principal, action, resource);", "CREATE_FAILED"),
        ];
        let changes = PolicyChanges {
            replace: vec![(
                "a".into(),
                "permit(principal, action, resource) when { false };".into(),
            )],
            remove: vec!["b".into()],
            add: vec![("new".into(), "forbid(principal, action, resource);".into())],
        };
        let (before, after) = edited_sets(&current, &changes).unwrap();
        let ids = |set: &PolicySet| {
            let mut ids: Vec<String> = set.policies().map(|p| p.id().to_string()).collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(&before), ["a", "b"]);
        assert_eq!(ids(&after), ["a", "new:policy0"]);
        let missing = PolicyChanges {
            replace: vec![("c".into(), "permit(principal, action, resource);".into())],
            ..PolicyChanges::default()
        };
        assert!(
            edited_sets(&current, &missing)
                .unwrap_err()
                .contains("replace c")
        );
    }
}
