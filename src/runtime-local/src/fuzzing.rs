//! Entry points for the coverage-guided fuzz targets in `fuzz/` and for the
//! replay of their corpus on stable Rust (`tests/platform/platform_fuzz_corpus.rs`): one
//! function per target, taking the raw fuzz input. Each asserts what must
//! hold for any input (panicking when it breaks); beyond that, a crash, a
//! hang or an unbounded allocation is the fuzzer's finding. Not an API:
//! hidden from the docs, and shaped only for those two callers.

use acc_domain::cedar_model::checks::{
    PolicyDiagnostic, check_policies, check_text, parse_statement,
};
use acc_domain::cedar_model::schema::{GatewaySchema, cedar_type, gateway_schema};
use acc_domain::json_schema_validation::validate;
use acc_domain::openapi::{tools_from_openapi, tools_from_openapi_text};
use acc_domain::sse::{SseEvent, SseParser, meaning};
use acc_domain::{schema_tree, tools_from_list};
use acc_mcp::jsonrpc::{self, Incoming};
use serde_json::{Value, json};
use std::sync::OnceLock;

use crate::observability::cloudwatch_logs::filter_pattern::FilterPattern;

mod unpack;
mod wire;

pub use unpack::image_layers;
pub use wire::{jsonrpc_gateway, otlp, rest_json};

/// A target's entry point: the raw fuzz input in, a panic when an
/// invariant breaks.
pub type Exercise = fn(&[u8]);

/// Every target by name: the fuzz targets and the corpus replay walk this.
pub const TARGETS: &[(&str, Exercise)] = &[
    ("filter_pattern", filter_pattern),
    ("cedar_policy", cedar_policy),
    ("sse", sse),
    ("jsonrpc", jsonrpc),
    ("otlp", otlp),
    ("rest_json", rest_json),
    ("image_layers", image_layers),
    ("json_schema", json_schema),
];

/// A CloudWatch Logs filter pattern (first line) matched against log
/// messages (the other lines), as FilterLogEvents does. A pattern that
/// parses once parses again to the same matcher.
pub fn filter_pattern(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (pattern, messages) = text.split_once('\n').unwrap_or((text, ""));
    let parsed = match FilterPattern::parse(pattern) {
        Ok(parsed) => parsed,
        Err(why) => {
            assert!(!why.is_empty(), "a refused pattern says why: {pattern:?}");
            return;
        }
    };
    let again = FilterPattern::parse(pattern).expect("a pattern that parsed once parses again");
    for message in messages.split('\n') {
        assert_eq!(
            parsed.matches(message),
            again.matches(message),
            "pattern {pattern:?} decides {message:?} twice the same"
        );
    }
}

/// Tools whose Cedar schema the statements are validated against: one of
/// each input shape a gateway turns into Cedar types.
fn fuzz_schema() -> &'static GatewaySchema {
    static SCHEMA: OnceLock<GatewaySchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let tools = tools_from_list(
            "orders",
            &json!([
                { "name": "get_order", "description": "Read an order", "inputSchema": {
                    "type": "object", "required": ["order_id"], "properties": {
                        "order_id": { "type": "string" }, "limit": { "type": "integer" },
                        "express": { "type": "boolean" },
                        "tags": { "type": "array", "items": { "type": "string" } },
                        "address": { "type": "object", "properties": { "city": { "type": "string" } } } } } },
                { "name": "refund", "description": "Refund", "inputSchema": {
                    "type": "object", "properties": { "amount": { "type": "number" } } } }
            ]),
        );
        gateway_schema(&tools).expect("the fuzz gateway's Cedar schema is valid")
    })
}

/// A diagnostic points into the text it is about.
fn assert_located(text: &str, diagnostic: &PolicyDiagnostic) {
    let lines = text.split('\n').count();
    assert!(
        (1..=lines).contains(&diagnostic.line) && diagnostic.column >= 1,
        "diagnostic {diagnostic:?} is outside the {lines}-line text {text:?}"
    );
    assert!(!diagnostic.message.is_empty(), "diagnostic without message");
}

/// Cedar policy text through CreatePolicy's path: parsed as exactly one
/// statement, then validated (strict) against a gateway's schema; also as
/// a whole file, as the console's editor checks it. Every diagnostic is
/// located inside the text.
pub fn cedar_policy(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let schema = fuzz_schema();
    match parse_statement("fuzz", text) {
        Err(errors) => {
            assert!(!errors.is_empty(), "a refused statement says why");
            errors.iter().for_each(|e| assert_located(text, e));
        }
        Ok(_) => {
            let statement = [("fuzz".to_owned(), text.to_owned())];
            for diagnostic in check_policies(&statement, Some(&schema.schema)) {
                assert_located(text, &diagnostic);
            }
        }
    }
    for diagnostic in check_text("fuzz.cedar", text, Some(&schema.schema)) {
        assert_located(text, &diagnostic);
    }
}

/// Every event of `stream` fed in pieces cut at `cuts` (sizes may be 0),
/// then the end of the stream.
fn sse_events(stream: &[u8], cuts: &[u8]) -> Vec<SseEvent> {
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    let mut rest = stream;
    for &cut in cuts.iter().cycle().take(stream.len() + 1) {
        let (piece, tail) = rest.split_at(usize::from(cut).min(rest.len()));
        events.extend(parser.feed(piece));
        rest = tail;
        if rest.is_empty() {
            break;
        }
    }
    events.extend(parser.feed(rest));
    events.extend(parser.finish());
    events
}

/// The SSE parser the console reads invocation streams with: the first
/// byte counts the chunk sizes that follow it; the rest is the stream.
/// However the stream is cut into chunks, the same events come out, and
/// they hold no more than the stream did.
pub fn sse(data: &[u8]) {
    let Some((&count, rest)) = data.split_first() else {
        return;
    };
    let (cuts, stream) = rest.split_at(usize::from(count % 8).min(rest.len()));
    let whole = sse_events(stream, &[]);
    let pieces = sse_events(stream, if cuts.is_empty() { &[1] } else { cuts });
    assert_eq!(whole, pieces, "events depend on how the stream was cut");
    // Invalid UTF-8 becomes U+FFFD (3 bytes): the only growth allowed.
    let size: usize = whole.iter().map(|e| e.data.len()).sum();
    assert!(
        size <= 3 * stream.len(),
        "{size} bytes of data from {}",
        stream.len()
    );
    for event in &whole {
        let _ = meaning(event);
    }
}

/// A JSON-RPC error response, as the parser hands it back.
fn assert_error_response(response: &Value) {
    assert_eq!(response["jsonrpc"], "2.0", "{response}");
    assert!(response["error"]["code"].is_i64(), "{response}");
    assert!(response["error"]["message"].is_string(), "{response}");
}

/// JSON-RPC and MCP messages: the framing parser's promises (a batch is
/// never empty, every refusal is a well-formed error response), then the
/// same body through a gateway's MCP endpoint.
pub fn jsonrpc(data: &[u8]) {
    match jsonrpc::parse(data) {
        Err(response) => assert_error_response(&response),
        Ok(Incoming::Responses) => {}
        Ok(Incoming::Single(message)) => {
            if let Err(response) = message {
                assert_error_response(&response);
            }
        }
        Ok(Incoming::Batch(messages)) => {
            assert!(!messages.is_empty(), "an empty batch was accepted");
            for response in messages.iter().filter_map(|m| m.as_ref().err()) {
                assert_error_response(response);
            }
        }
    }
    jsonrpc_gateway(data);
}

/// JSON Schema and OpenAPI documents: a tool input schema checked against
/// a value (`[schema, value]`, or the document against itself), flattened
/// for display, turned into Cedar types; a tool list or an OpenAPI document
/// turned into tools, whose gateway Cedar schema must always be valid.
pub fn json_schema(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        let _ = tools_from_openapi_text("fuzz", text);
        return;
    };
    let (schema, value) = match &doc {
        Value::Array(pair) if pair.len() == 2 => (&pair[0], &pair[1]),
        _ => (&doc, &doc),
    };
    let violations = validate(schema, value);
    assert_eq!(
        violations,
        validate(schema, value),
        "validation is deterministic"
    );
    for violation in &violations {
        assert!(
            violation.path.is_empty() || violation.path.starts_with('/'),
            "violation path {:?} is not a JSON pointer",
            violation.path
        );
    }
    let _ = schema_tree(schema);
    let _ = cedar_type(schema);
    let mut tools = tools_from_list("fuzz", &doc);
    if let Ok(more) = tools_from_openapi("fuzz", &doc) {
        tools.extend(more);
    }
    if let Err(e) = gateway_schema(&tools) {
        panic!("tools from a user's document give an invalid Cedar schema: {e}");
    }
}
