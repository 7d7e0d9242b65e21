//! JSON-RPC 2.0 framing for MCP servers: parsing a POSTed body into
//! messages, building responses, and writing them as JSON or as SSE frames.
//! The local gateway and the demo MCP server share it.

use serde_json::{Map, Value, json};

use crate::protocol::error_code;

/// One incoming message: a request (with an id) or a notification (without).
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// `None` for a notification, which gets no response.
    pub id: Option<Value>,
    /// The method name.
    pub method: String,
    /// `params`, or an empty object when absent.
    pub params: Value,
}

/// What a POSTed body held.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// One message.
    Single(Result<Message, Value>),
    /// A batch (allowed by 2025-03-26): each entry parsed, or the error
    /// response that entry gets.
    Batch(Vec<Result<Message, Value>>),
    /// Client responses to server requests (we send none): accepted, ignored.
    Responses,
}

/// Messages one batch may hold. Each is answered in turn (a tool call can
/// run a command), so one POST of 16 MB of `tools/call`s would otherwise
/// keep a gateway busy for hours; clients batch a handful at most.
pub const MAX_BATCH: usize = 100;

/// Parse a body. `Err` is the error response the whole body gets (a parse
/// error, an empty batch, or one over [`MAX_BATCH`]).
pub fn parse(body: &[u8]) -> Result<Incoming, Value> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        error(
            Value::Null,
            error_code::PARSE_ERROR,
            format!(
                "The request body is not valid JSON ({e}). Send one JSON-RPC 2.0 object, e.g. \
                 {{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}}."
            ),
            None,
        )
    })?;
    match value {
        Value::Array(items) if items.is_empty() => Err(error(
            Value::Null,
            error_code::INVALID_REQUEST,
            "The request is an empty JSON array; a batch needs at least one message.",
            None,
        )),
        Value::Array(items) if items.len() > MAX_BATCH && !items.iter().all(is_response) => {
            Err(error(
                Value::Null,
                error_code::INVALID_REQUEST,
                format!(
                    "The batch holds {} messages; at most {MAX_BATCH} are taken at once. Send \
                     them in several requests.",
                    items.len()
                ),
                None,
            ))
        }
        Value::Array(items) => {
            if items.iter().all(is_response) {
                return Ok(Incoming::Responses);
            }
            Ok(Incoming::Batch(items.into_iter().map(message).collect()))
        }
        value if is_response(&value) => Ok(Incoming::Responses),
        value => Ok(Incoming::Single(message(value))),
    }
}

fn is_response(value: &Value) -> bool {
    value.get("method").is_none() && (value.get("result").is_some() || value.get("error").is_some())
}

fn message(value: Value) -> Result<Message, Value> {
    let Value::Object(mut object) = value else {
        return Err(invalid_request(
            Value::Null,
            "a JSON-RPC message must be a JSON object",
        ));
    };
    let id = object.remove("id");
    let reply_id = id.clone().unwrap_or(Value::Null);
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(invalid_request(reply_id, "\"jsonrpc\" must be \"2.0\""));
    }
    if let Some(id) = &id
        && !(id.is_string() || id.is_i64() || id.is_u64())
    {
        return Err(invalid_request(
            Value::Null,
            "\"id\" must be a string or an integer",
        ));
    }
    let method = match object.remove("method") {
        Some(Value::String(method)) => method,
        Some(_) => return Err(invalid_request(reply_id, "\"method\" must be a string")),
        None => return Err(invalid_request(reply_id, "the message has no \"method\"")),
    };
    let params = match object.remove("params") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(params @ Value::Object(_)) => params,
        Some(_) => {
            return Err(invalid_request(
                reply_id,
                "\"params\" must be an object for MCP methods",
            ));
        }
    };
    Ok(Message { id, method, params })
}

fn invalid_request(id: Value, why: &str) -> Value {
    error(
        id,
        error_code::INVALID_REQUEST,
        format!("Invalid JSON-RPC request: {why}."),
        None,
    )
}

/// A success response.
pub fn success(id: Value, result: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": result })
}

/// An error response; `data` carries structured detail (e.g. schema violations).
pub fn error(id: Value, code: i64, message: impl Into<String>, data: Option<Value>) -> Value {
    let mut error = json!({ "code": code, "message": message.into() });
    if let Some(data) = data {
        error["data"] = data;
    }
    json!({ "jsonrpc": "2.0", "id": id, "error": error })
}

/// One response as a Server-Sent Events frame (`event: message`).
pub fn sse_frame(response: &Value) -> String {
    format!("event: message\ndata: {response}\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(response: &Value) -> i64 {
        response["error"]["code"].as_i64().unwrap()
    }

    #[test]
    fn requests_notifications_and_errors_are_told_apart() {
        let Incoming::Single(Ok(m)) =
            parse(br#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#).unwrap()
        else {
            panic!("a request")
        };
        assert_eq!((m.id, m.method.as_str()), (Some(json!(7)), "ping"));
        assert_eq!(m.params, json!({}));

        let Incoming::Single(Ok(n)) =
            parse(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).unwrap()
        else {
            panic!("a notification")
        };
        assert_eq!(n.id, None);

        assert_eq!(
            code(&parse(b"{not json").unwrap_err()),
            error_code::PARSE_ERROR
        );
        assert_eq!(
            code(&parse(b"[]").unwrap_err()),
            error_code::INVALID_REQUEST
        );
        let Incoming::Single(Err(e)) = parse(br#"{"jsonrpc":"1.0","id":1,"method":"x"}"#).unwrap()
        else {
            panic!("an invalid request")
        };
        assert_eq!(
            (code(&e), &e["id"]),
            (error_code::INVALID_REQUEST, &json!(1))
        );
        let Incoming::Single(Err(e)) =
            parse(br#"{"jsonrpc":"2.0","id":1,"method":"x","params":[1]}"#).unwrap()
        else {
            panic!("positional params are refused")
        };
        assert!(e["error"]["message"].as_str().unwrap().contains("params"));
    }

    #[test]
    fn batches_and_client_responses() {
        let Incoming::Batch(items) =
            parse(br#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2}]"#)
                .unwrap()
        else {
            panic!("a batch")
        };
        assert!(items[0].is_ok() && items[1].is_err());
        assert_eq!(
            parse(br#"{"jsonrpc":"2.0","id":1,"result":{}}"#).unwrap(),
            Incoming::Responses
        );
        let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
        let full = serde_json::to_vec(&vec![ping.clone(); MAX_BATCH]).unwrap();
        assert!(matches!(parse(&full), Ok(Incoming::Batch(items)) if items.len() == MAX_BATCH));
        let over = serde_json::to_vec(&vec![ping; MAX_BATCH + 1]).unwrap();
        let refused = parse(&over).unwrap_err();
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("at most 100")
        );
    }

    #[test]
    fn sse_frames_carry_one_json_line() {
        let frame = sse_frame(&success(json!(1), json!({})));
        assert!(frame.starts_with("event: message\ndata: {"));
        assert!(frame.ends_with("}\n\n"));
    }
}
