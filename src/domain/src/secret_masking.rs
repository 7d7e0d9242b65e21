//! Masking of secrets in JSON that is stored, logged or shown: tool-call
//! arguments and token claims can carry passwords, API keys and tokens, and
//! captures must never keep them.

use serde_json::Value;

/// What a masked secret is replaced with.
pub const MASK: &str = "****";

/// Key names (lowercased, `-`/`_` removed) whose values are secrets.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "clientsecret",
    "token",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "apikey",
    "authorization",
    "credential",
    "credentials",
    "privatekey",
    "secretaccesskey",
    "sessiontoken",
    "cookie",
];

fn is_secret_key(key: &str) -> bool {
    let normalised: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_KEYS.contains(&normalised.as_str())
        || normalised.ends_with("password")
        || normalised.ends_with("secret")
        || normalised.ends_with("apikey")
}

/// A string that is a secret whatever its key: a bearer credential or a JWT.
fn looks_like_secret(text: &str) -> bool {
    let trimmed = text.trim();
    let lower = trimmed.get(..7).unwrap_or_default().to_ascii_lowercase();
    if lower == "bearer " {
        return true;
    }
    // A JWT: three base64url segments, the first a JSON header (`{"` → `eyJ`).
    let parts: Vec<&str> = trimmed.split('.').collect();
    parts.len() == 3
        && trimmed.starts_with("eyJ")
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '=')
        })
}

/// A copy of `value` with every secret replaced by [`MASK`].
pub fn mask_secrets(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, v)| {
                    let masked = if is_secret_key(key) && !v.is_null() {
                        Value::String(MASK.to_owned())
                    } else {
                        mask_secrets(v)
                    };
                    (key.clone(), masked)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(mask_secrets).collect()),
        Value::String(text) if looks_like_secret(text) => Value::String(MASK.to_owned()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_masked_by_key_and_by_shape() {
        let input = json!({
            "query": "reset password",
            "api_key": "sk-123",
            "nested": [{ "Client-Secret": "x", "dbPassword": "y", "count": 3 }],
            "header": "Bearer abc.def",
            "jwt": "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
            "token": null
        });
        let masked = mask_secrets(&input);
        assert_eq!(
            masked,
            json!({
                "query": "reset password",
                "api_key": MASK,
                "nested": [{ "Client-Secret": MASK, "dbPassword": MASK, "count": 3 }],
                "header": MASK,
                "jwt": MASK,
                "token": null
            })
        );
    }

    #[test]
    fn ordinary_values_are_kept() {
        let input = json!({ "tokens_used": 12, "version": "1.2.3", "passwordless": false });
        assert_eq!(mask_secrets(&input), input);
    }
}
