//! What a CreateGatewayTarget or UpdateGatewayTarget request must hold:
//! the model's constraints on the target configuration (Lambda, OpenAPI,
//! Smithy, MCP server, API Gateway), credential providers, and the tool
//! definitions and their JSON schemas.

use std::collections::HashSet;

use serde_json::Value;

use crate::platform::validation::{
    NAME_PATTERN, Object, Violations, is_lambda_arn, is_resource_name,
};
use crate::platform::wire_errors::ApiError;

const CREDENTIAL_PROVIDER_TYPES: &[&str] = &[
    "GATEWAY_IAM_ROLE",
    "OAUTH",
    "API_KEY",
    "CALLER_IAM_CREDENTIALS",
    "JWT_PASSTHROUGH",
];
const SCHEMA_TYPES: &[&str] = &["string", "number", "object", "array", "boolean", "integer"];
const LISTING_MODES: &[&str] = &["DEFAULT", "DYNAMIC"];
/// Nesting deeper than this in a tool's JSON schema is refused rather than recursed into.
const MAX_SCHEMA_DEPTH: usize = 32;

/// Which request is being validated: a create must name the target, an
/// update may leave the name as it is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Request {
    Create,
    Update,
}

pub(crate) fn validate(input: &Object, request: Request) -> Result<(), ApiError> {
    let mut v = Violations::new();
    let name = match request {
        Request::Create => v.required_str(input, "", "name"),
        Request::Update => v.optional_str(input, "", "name"),
    };
    if let Some(name) = name {
        v.pattern("name", name, is_resource_name(name), NAME_PATTERN);
    }
    v.optional_len(input, "", "description", 1, 200);
    validate_target_configuration(&mut v, input);
    if let Some(providers) = v.list(input, "", "credentialProviderConfigurations", false, 1, 1) {
        for (i, provider) in providers.iter().enumerate() {
            let at = format!("credentialProviderConfigurations.{i}");
            let Some(provider) = provider.as_object() else {
                v.add(&at, Some(provider), "Member must be a structure");
                continue;
            };
            let kind = v.enum_value(
                provider,
                &at,
                "credentialProviderType",
                CREDENTIAL_PROVIDER_TYPES,
                true,
            );
            let needs_provider = matches!(kind, Some("OAUTH" | "API_KEY"));
            v.union(provider, &at, "credentialProvider", needs_provider);
        }
    }
    v.object(input, "", "metadataConfiguration", false);
    v.union(input, "", "privateEndpoint", false);
    v.client_token(input);
    v.finish()
}

fn validate_target_configuration(v: &mut Violations, input: &Object) {
    let Some((family, _)) = v.union(input, "", "targetConfiguration", true) else {
        return;
    };
    let Some(configuration) = input.get("targetConfiguration").and_then(Value::as_object) else {
        return;
    };
    if family != "mcp" {
        // http / inference targets are stored as sent; they are not served locally yet.
        return;
    }
    let Some((variant, value)) = v.union(configuration, "targetConfiguration", "mcp", true) else {
        return;
    };
    let at = format!("targetConfiguration.mcp.{variant}");
    let Some(inner) = value.as_object() else {
        v.add(&at, Some(value), "Member must be a structure");
        return;
    };
    match variant {
        "lambda" => {
            if let Some(arn) = v.required_str(inner, &at, "lambdaArn") {
                v.pattern(
                    &format!("{at}.lambdaArn"),
                    arn,
                    is_lambda_arn(arn),
                    "arn:(aws[a-zA-Z-]*)?:lambda:<region>:<12-digit account>:function:<name>(:<qualifier>)?",
                );
            }
            match v.union(inner, &at, "toolSchema", true) {
                Some(("inlinePayload", tools)) => {
                    validate_tool_definitions(v, &format!("{at}.toolSchema.inlinePayload"), tools);
                }
                Some(("s3", s3)) => validate_s3(v, &format!("{at}.toolSchema.s3"), s3),
                _ => {}
            }
        }
        "openApiSchema" | "smithyModel" => {
            validate_api_schema(v, &at, inner, variant == "openApiSchema");
        }
        "mcpServer" => {
            if let Some(endpoint) = v.required_str(inner, &at, "endpoint") {
                // AWS requires https; locally, MCP servers on loopback speak plain http.
                let ok = endpoint.starts_with("https://") || endpoint.starts_with("http://");
                v.pattern(&format!("{at}.endpoint"), endpoint, ok, "https?://.*");
            }
            v.enum_value(inner, &at, "listingMode", LISTING_MODES, false);
            if let Some(priority) = inner.get("resourcePriority").filter(|p| !p.is_null())
                && !priority.as_i64().is_some_and(|p| (0..=1000).contains(&p))
            {
                v.add(
                    &format!("{at}.resourcePriority"),
                    Some(priority),
                    "Member must be an integer between 0 and 1000",
                );
            }
            v.union(inner, &at, "mcpToolSchema", false);
        }
        "apiGateway" => {
            v.required_str(inner, &at, "restApiId");
            v.required_str(inner, &at, "stage");
            v.object(inner, &at, "apiGatewayToolConfiguration", true);
        }
        // Variants from newer models are stored as sent.
        _ => {}
    }
}

fn validate_api_schema(v: &mut Violations, at: &str, schema: &Object, openapi: bool) {
    match v.union_members(at, schema) {
        Some(("inlinePayload", payload)) => {
            let path = format!("{at}.inlinePayload");
            match payload.as_str() {
                Some(text) if !text.trim().is_empty() => {
                    // JSON documents are checked here; YAML ones are taken as sent.
                    if openapi && text.trim_start().starts_with('{') {
                        match serde_json::from_str::<Value>(text) {
                            Ok(Value::Object(doc))
                                if doc.contains_key("openapi") || doc.contains_key("swagger") => {}
                            Ok(_) => v.add(
                                &path,
                                None,
                                "Member must be an OpenAPI document (no 'openapi' member found)",
                            ),
                            Err(e) => v.add(
                                &path,
                                None,
                                format!("Member must be a valid OpenAPI document: {e}"),
                            ),
                        }
                    }
                }
                _ => v.add(&path, Some(payload), "Member must be a non-empty string"),
            }
        }
        Some(("s3", s3)) => validate_s3(v, &format!("{at}.s3"), s3),
        _ => {}
    }
}

/// An `s3` schema location: an `s3://` URI, as AWS requires. The local
/// platform cannot read S3, and never reads a host path a request names
/// (`file://`), so the refusal says to send the schema inline.
fn validate_s3(v: &mut Violations, at: &str, s3: &Value) {
    match s3.as_object() {
        Some(s3) => {
            if let Some(uri) = v.optional_str(s3, at, "uri")
                && !(uri.len() > 5 && uri.starts_with("s3://"))
            {
                v.add(
                    &format!("{at}.uri"),
                    Some(&Value::String(uri.to_owned())),
                    "Member must satisfy regular expression pattern: s3://.{1,2043} \
                     (the local platform reads no files named by a request: send the schema \
                     itself as inlinePayload)",
                );
            }
        }
        None => v.add(at, Some(s3), "Member must be a structure"),
    }
}

fn validate_tool_definitions(v: &mut Violations, at: &str, tools: &Value) {
    let Some(tools) = tools.as_array() else {
        v.add(at, Some(tools), "Member must be a list of tool definitions");
        return;
    };
    let mut names = HashSet::new();
    for (i, tool) in tools.iter().enumerate() {
        let at = format!("{at}.{i}");
        let Some(tool) = tool.as_object() else {
            v.add(&at, Some(tool), "Member must be a structure");
            continue;
        };
        if let Some(name) = v.required_str(tool, &at, "name") {
            if name.is_empty() {
                v.add(&format!("{at}.name"), None, "Member must not be empty");
            } else if !names.insert(name) {
                v.add(
                    &format!("{at}.name"),
                    tool.get("name"),
                    "Tool names must be unique within a target",
                );
            }
        }
        v.required_str(tool, &at, "description");
        match tool.get("inputSchema") {
            None | Some(Value::Null) => v.add(
                &format!("{at}.inputSchema"),
                None,
                "Member must not be null",
            ),
            Some(schema) => validate_schema(v, &format!("{at}.inputSchema"), schema, 0),
        }
        if let Some(schema) = tool.get("outputSchema").filter(|s| !s.is_null()) {
            validate_schema(v, &format!("{at}.outputSchema"), schema, 0);
        }
    }
}

/// The model's SchemaDefinition: type, properties, required, items, description.
fn validate_schema(v: &mut Violations, at: &str, schema: &Value, depth: usize) {
    if depth > MAX_SCHEMA_DEPTH {
        v.add(
            at,
            None,
            format!("Schema must not nest deeper than {MAX_SCHEMA_DEPTH} levels"),
        );
        return;
    }
    let Some(schema) = schema.as_object() else {
        v.add(at, Some(schema), "Member must be a structure");
        return;
    };
    v.enum_value(schema, at, "type", SCHEMA_TYPES, true);
    v.optional_str(schema, at, "description");
    if let Some(properties) = v.object(schema, at, "properties", false) {
        for (name, property) in properties {
            validate_schema(v, &format!("{at}.properties.{name}"), property, depth + 1);
        }
    }
    if let Some(required) = v.list(schema, at, "required", false, 0, usize::MAX)
        && let Some(bad) = required.iter().find(|r| !r.is_string())
    {
        v.add(
            &format!("{at}.required"),
            Some(bad),
            "Member must be a list of strings",
        );
    }
    if let Some(items) = schema.get("items").filter(|i| !i.is_null()) {
        validate_schema(v, &format!("{at}.items"), items, depth + 1);
    }
}
