//! The local CloudWatch Logs: a store of log groups, streams and events, and
//! the awsJson1.1 API subset (`X-Amz-Target: Logs_20140328.*`) that reads it
//! back exactly as `aws-sdk-cloudwatchlogs` expects: DescribeLogGroups,
//! DescribeLogStreams, FilterLogEvents and GetLogEvents; and Logs Insights'
//! StartQuery, GetQueryResults and StopQuery for the trace list's query.

pub(crate) mod filter_pattern;
mod insights;
pub(crate) mod log_store;

use std::sync::Arc;

use acc_domain::SPANS_LOG_GROUP;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRef, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use crate::platform::account::Account;
use crate::platform::store::Store;
use crate::platform::validation::{
    IdPattern, LOG_GROUP_IDENTIFIER, LOG_GROUP_NAME, LOG_GROUP_NAME_PATTERN, LOG_STREAM_NAME,
    Violations,
};
use crate::platform::wire_errors::ApiError;
use filter_pattern::FilterPattern;
use log_store::{Position, StoredEvent};

const TARGET_PREFIX: &str = "Logs_20140328.";
/// The operations served (by [`dispatch`]).
const SERVED: &[&str] = &[
    "DescribeLogGroups",
    "DescribeLogStreams",
    "FilterLogEvents",
    "GetLogEvents",
    "StartQuery",
    "GetQueryResults",
    "StopQuery",
];
/// CloudWatch's own page caps.
const MAX_GROUPS: usize = 50;
const MAX_STREAMS: usize = 50;
const MAX_EVENTS: usize = 10_000;
/// FilterLogEvents scans at most this many events per call, answering a
/// partial page with a `nextToken` (as CloudWatch does) so a selective
/// pattern over a large group never stalls a request.
const SCAN_BUDGET: usize = 50_000;
/// Rows fetched from SQLite per scan step.
const SCAN_BATCH: usize = 2_000;

/// What the CloudWatch Logs API reads: the log groups in the store, and
/// the account and region their ARNs name.
pub(crate) struct LogsState {
    /// The database holding the log groups.
    pub(crate) store: Arc<Store>,
    /// Region and account in log group ARNs.
    pub(crate) account: Account,
    /// Logs Insights queries run, for `GetQueryResults`.
    pub(crate) queries: insights::QueryBook,
}

/// Routes of the CloudWatch Logs API (`POST /`).
pub(crate) fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<LogsState>: FromRef<S>,
{
    Router::new().route("/", post(dispatch))
}

async fn dispatch(
    State(state): State<Arc<LogsState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let Some(operation) = target.strip_prefix(TARGET_PREFIX) else {
        return unknown_target(&target).into_aws_json_response();
    };
    let input: Map<String, Value> = if body.is_empty() {
        Map::new()
    } else {
        match serde_json::from_slice(&body) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return invalid(format!(
                    "the {operation} request body must be a JSON object"
                ))
                .into_aws_json_response();
            }
            Err(e) => {
                return ApiError::serialization(format!(
                    "the {operation} request body is not JSON: {e}"
                ))
                .into_aws_json_response();
            }
        }
    };
    if let Err(e) = check_names(&input) {
        return e.into_aws_json_response();
    }
    let result = match operation {
        "DescribeLogGroups" => describe_log_groups(&state, input).await,
        "DescribeLogStreams" => describe_log_streams(&state, input).await,
        "FilterLogEvents" => filter_log_events(&state, input).await,
        "GetLogEvents" => get_log_events(&state, input).await,
        "StartQuery" => insights::start_query(&state, input).await,
        "GetQueryResults" => insights::get_query_results(&state, &input),
        "StopQuery" => insights::stop_query(&state, &input),
        _ => Err(unknown_target(&target)),
    };
    match result {
        Ok(output) => {
            let mut response = axum::Json(output).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-amz-json-1.1"),
            );
            response
        }
        Err(e) => e.into_aws_json_response(),
    }
}

/// `UnknownOperationException` for an `X-Amz-Target` (possibly empty: no
/// header) naming no operation served here, in one sentence that names it
/// and the targets served.
fn unknown_target(target: &str) -> ApiError {
    let served = SERVED
        .iter()
        .map(|name| format!("{TARGET_PREFIX}{name}"))
        .collect::<Vec<_>>();
    let (last, rest) = served.split_last().expect("operations are served");
    let served = format!("{} and {last}", rest.join(", "));
    ApiError::unknown_operation_message(if target.is_empty() {
        format!(
            "The request has no X-Amz-Target header, which must name one of the CloudWatch Logs \
             operations the acc local platform serves: {served}."
        )
    } else {
        format!(
            "X-Amz-Target {target:?} is not an operation of the acc local platform's CloudWatch \
             Logs, which serves {served}."
        )
    })
}

/// The name members of the operations served, with the Logs model's patterns.
const NAME_MEMBERS: &[(&str, &IdPattern)] = &[
    ("logGroupName", &LOG_GROUP_NAME),
    ("logGroupIdentifier", &LOG_GROUP_IDENTIFIER),
    ("logGroupNamePrefix", &LOG_GROUP_NAME),
    ("logGroupNamePattern", &LOG_GROUP_NAME_PATTERN),
    ("logStreamName", &LOG_STREAM_NAME),
    ("logStreamNamePrefix", &LOG_STREAM_NAME),
];

/// Every log group and stream name a request carries, checked against its
/// pattern and answered as CloudWatch answers (InvalidParameterException).
/// Members of the wrong type are left to the operation, which names them.
fn check_names(input: &Map<String, Value>) -> Result<(), ApiError> {
    let mut v = Violations::new();
    for (member, kind) in NAME_MEMBERS {
        if let Some(Value::String(name)) = input.get(*member) {
            v.id(member, name, kind);
        }
    }
    if let Some(Value::Array(names)) = input.get("logStreamNames") {
        for (i, name) in names.iter().enumerate() {
            if let Value::String(name) = name {
                let member = format!("logStreamNames.{}.member", i + 1);
                v.id(&member, name, &LOG_STREAM_NAME);
            }
        }
    }
    v.finish_logs()
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid_parameter(message)
}

fn string<'a>(input: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, ApiError> {
    match input.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(format!("{key} must be a string"))),
    }
}

fn integer(input: &Map<String, Value>, key: &str) -> Result<Option<i64>, ApiError> {
    match input.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| invalid(format!("{key} must be an integer"))),
    }
}

fn boolean(input: &Map<String, Value>, key: &str) -> Result<bool, ApiError> {
    match input.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(invalid(format!("{key} must be a boolean"))),
    }
}

fn limit(input: &Map<String, Value>, max: usize) -> Result<usize, ApiError> {
    match integer(input, "limit")? {
        None => Ok(max),
        Some(n) if n >= 1 && n as usize <= max => Ok(n as usize),
        Some(n) => Err(invalid(format!(
            "1 validation error detected: Value '{n}' at 'limit' failed to satisfy constraint: \
             Member must have value between 1 and {max}"
        ))),
    }
}

/// `logGroupName`, or `logGroupIdentifier` (a name or an ARN).
fn group_name(input: &Map<String, Value>) -> Result<String, ApiError> {
    if let Some(name) = string(input, "logGroupName")? {
        return Ok(name.to_owned());
    }
    if let Some(identifier) = string(input, "logGroupIdentifier")? {
        let name = match identifier.split_once(":log-group:") {
            Some((_, rest)) => rest.trim_end_matches(":*"),
            None => identifier,
        };
        return Ok(name.to_owned());
    }
    Err(invalid(
        "Either logGroupName or logGroupIdentifier must be given",
    ))
}

fn token_encode(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

fn token_decode(input: &Map<String, Value>, kind: &str) -> Result<Option<String>, ApiError> {
    let Some(token) = string(input, "nextToken")? else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| t.strip_prefix(kind).map(str::to_owned))
        .map(Some)
        .ok_or_else(|| {
            invalid(format!(
                "The given nextToken {token:?} is invalid; start again without it"
            ))
        })
}

fn group_arn(state: &LogsState, name: &str) -> String {
    format!(
        "arn:aws:logs:{}:{}:log-group:{name}",
        state.account.region, state.account.account_id
    )
}

async fn describe_log_groups(
    state: &LogsState,
    input: Map<String, Value>,
) -> Result<Value, ApiError> {
    let prefix = string(&input, "logGroupNamePrefix")?
        .unwrap_or("")
        .to_owned();
    let pattern = string(&input, "logGroupNamePattern")?.map(str::to_owned);
    if !prefix.is_empty() && pattern.is_some() {
        return Err(invalid(
            "logGroupNamePrefix and logGroupNamePattern are mutually exclusive",
        ));
    }
    let limit = limit(&input, MAX_GROUPS)?;
    let after = token_decode(&input, "g:")?;
    let mut groups = state
        .store
        .read(move |conn| {
            log_store::groups(
                conn,
                &prefix,
                pattern.as_deref(),
                after.as_deref(),
                limit + 1,
            )
        })
        .await?;
    let more = groups.len() > limit;
    groups.truncate(limit);
    let next = more.then(|| token_encode(&format!("g:{}", groups[groups.len() - 1].name)));
    let log_groups: Vec<Value> = groups
        .iter()
        .map(|g| {
            let arn = group_arn(state, &g.name);
            let mut out = json!({
                "logGroupName": g.name,
                "creationTime": g.created_at_ms,
                "metricFilterCount": 0,
                "arn": format!("{arn}:*"),
                "storedBytes": g.stored_bytes,
                "logGroupClass": "STANDARD",
                "logGroupArn": arn,
            });
            if let Some(days) = g.retention_days {
                out["retentionInDays"] = json!(days);
            }
            out
        })
        .collect();
    let mut output = json!({ "logGroups": log_groups });
    if let Some(next) = next {
        output["nextToken"] = json!(next);
    }
    Ok(output)
}

fn missing_group() -> ApiError {
    ApiError::not_found("The specified log group does not exist.")
}

async fn describe_log_streams(
    state: &LogsState,
    input: Map<String, Value>,
) -> Result<Value, ApiError> {
    let group = group_name(&input)?;
    let prefix = string(&input, "logStreamNamePrefix")?
        .unwrap_or("")
        .to_owned();
    let by_time = match string(&input, "orderBy")? {
        None | Some("LogStreamName") => false,
        Some("LastEventTime") => true,
        Some(other) => {
            return Err(invalid(format!(
                "orderBy must be LogStreamName or LastEventTime, not {other:?}"
            )));
        }
    };
    if by_time && !prefix.is_empty() {
        return Err(invalid(
            "Cannot order by LastEventTime with a logStreamNamePrefix.",
        ));
    }
    let descending = boolean(&input, "descending")?;
    let limit = limit(&input, MAX_STREAMS)?;
    let offset: usize = token_decode(&input, "s:")?
        .map(|t| {
            t.parse()
                .map_err(|_| invalid("The given nextToken is invalid"))
        })
        .transpose()?
        .unwrap_or(0);
    let lookup = group.clone();
    let streams = state
        .store
        .read(move |conn| {
            if !log_store::group_exists(conn, &lookup)? {
                return Err(missing_group());
            }
            log_store::streams(conn, &lookup)
        })
        .await?;
    let mut streams: Vec<_> = streams
        .into_iter()
        .filter(|s| s.name.starts_with(&prefix))
        .collect();
    if by_time {
        streams.sort_by_key(|s| (s.last_event_ms.unwrap_or(0), s.name.clone()));
    }
    if descending {
        streams.reverse();
    }
    let page: Vec<Value> = streams
        .iter()
        .skip(offset)
        .take(limit)
        .map(|s| {
            let mut out = json!({
                "logStreamName": s.name,
                "creationTime": s.created_at_ms,
                "arn": format!("{}:log-stream:{}", group_arn(state, &group), s.name),
                "storedBytes": s.stored_bytes,
            });
            for (key, value) in [
                ("firstEventTimestamp", s.first_event_ms),
                ("lastEventTimestamp", s.last_event_ms),
                ("lastIngestionTime", s.last_ingestion_ms),
            ] {
                if let Some(v) = value {
                    out[key] = json!(v);
                }
            }
            out
        })
        .collect();
    let mut output = json!({ "logStreams": page });
    if offset + limit < streams.len() {
        output["nextToken"] = json!(token_encode(&format!("s:{}", offset + limit)));
    }
    Ok(output)
}

fn time_range(input: &Map<String, Value>) -> Result<(i64, i64), ApiError> {
    let start = integer(input, "startTime")?.unwrap_or(0);
    let end = integer(input, "endTime")?.unwrap_or(i64::MAX);
    if end < start {
        return Err(invalid("endTime must not be before startTime"));
    }
    Ok((start, end))
}

async fn filter_log_events(
    state: &LogsState,
    input: Map<String, Value>,
) -> Result<Value, ApiError> {
    let group = group_name(&input)?;
    let (start, end) = time_range(&input)?;
    let pattern = FilterPattern::parse(string(&input, "filterPattern")?.unwrap_or(""))
        .map_err(|e| invalid(format!("Invalid filter pattern: {e}")))?;
    let streams: Option<Vec<String>> = match input.get("logStreamNames") {
        None | Some(Value::Null) => None,
        Some(Value::Array(names)) => Some(
            names
                .iter()
                .map(|n| n.as_str().map(str::to_owned))
                .collect::<Option<_>>()
                .ok_or_else(|| invalid("logStreamNames must be strings"))?,
        ),
        Some(_) => return Err(invalid("logStreamNames must be a list")),
    };
    let stream_prefix = string(&input, "logStreamNamePrefix")?.map(str::to_owned);
    if streams.is_some() && stream_prefix.is_some() {
        return Err(invalid(
            "logStreamNames and logStreamNamePrefix are mutually exclusive",
        ));
    }
    let limit = limit(&input, MAX_EVENTS)?;
    let resume: Option<Position> = token_decode(&input, "f:")?
        .map(|t| {
            t.split_once(':')
                .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
                .ok_or_else(|| invalid("The given nextToken is invalid"))
        })
        .transpose()?;
    // One trace of `aws/spans` is sought by its index, not scanned for.
    let trace = (group == SPANS_LOG_GROUP)
        .then(|| pattern.trace_id().map(str::to_owned))
        .flatten();
    let lookup = group.clone();
    let (events, searched, next) = state
        .store
        .read(move |conn| {
            if !log_store::group_exists(conn, &lookup)? {
                return Err(missing_group());
            }
            let stream_names: Vec<String> = log_store::streams(conn, &lookup)?
                .into_iter()
                .map(|s| s.name)
                .filter(|name| {
                    streams.as_ref().is_none_or(|wanted| wanted.contains(name))
                        && stream_prefix.as_ref().is_none_or(|p| name.starts_with(p))
                })
                .collect();
            let mut matched: Vec<StoredEvent> = Vec::new();
            let mut position = resume;
            let mut scanned = 0;
            let mut exhausted = false;
            while matched.len() < limit && scanned < SCAN_BUDGET {
                let batch = match &trace {
                    Some(id) => log_store::trace_events(
                        conn,
                        &lookup,
                        id,
                        (start, end),
                        position,
                        SCAN_BATCH,
                    )?,
                    None => {
                        log_store::group_events(conn, &lookup, start, end, position, SCAN_BATCH)?
                    }
                };
                if batch.len() < SCAN_BATCH {
                    exhausted = true;
                }
                for event in batch {
                    scanned += 1;
                    position = Some((event.timestamp_ms, event.seq));
                    if stream_names.contains(&event.stream) && pattern.matches(&event.message) {
                        matched.push(event);
                        if matched.len() == limit {
                            break;
                        }
                    }
                }
                if exhausted {
                    break;
                }
            }
            let done = exhausted && matched.len() < limit;
            let next = (!done).then_some(position).flatten();
            Ok((matched, stream_names, next))
        })
        .await?;
    let events: Vec<Value> = events
        .iter()
        .map(|e| {
            json!({
                "logStreamName": e.stream,
                "timestamp": e.timestamp_ms,
                "message": e.message,
                "ingestionTime": e.ingestion_ms,
                "eventId": e.seq.to_string(),
            })
        })
        .collect();
    let searched: Vec<Value> = searched
        .iter()
        .map(|name| json!({ "logStreamName": name, "searchedCompletely": next.is_none() }))
        .collect();
    let mut output = json!({ "events": events, "searchedLogStreams": searched });
    if let Some((ts, seq)) = next {
        output["nextToken"] = json!(token_encode(&format!("f:{ts}:{seq}")));
    }
    Ok(output)
}

async fn get_log_events(state: &LogsState, input: Map<String, Value>) -> Result<Value, ApiError> {
    let group = group_name(&input)?;
    let stream = string(&input, "logStreamName")?
        .ok_or_else(|| invalid("logStreamName is required"))?
        .to_owned();
    let (start, end) = time_range(&input)?;
    let limit = limit(&input, MAX_EVENTS)?;
    // Tokens: `f/<seq>` reads forwards after seq, `b/<seq>` backwards before it.
    let (forward, from) = match string(&input, "nextToken")? {
        Some(token) => {
            let (direction, seq) = token
                .split_once('/')
                .and_then(|(d, s)| Some((d, s.parse::<i64>().ok()?)))
                .filter(|(d, _)| *d == "f" || *d == "b")
                .ok_or_else(|| invalid(format!("The given nextToken {token:?} is invalid")))?;
            (direction == "f", seq)
        }
        None if boolean(&input, "startFromHead")? => (true, i64::MIN),
        None => (false, i64::MAX),
    };
    let (lookup_group, lookup_stream) = (group.clone(), stream.clone());
    let events = state
        .store
        .read(move |conn| {
            if !log_store::group_exists(conn, &lookup_group)? {
                return Err(missing_group());
            }
            if !log_store::streams(conn, &lookup_group)?
                .iter()
                .any(|s| s.name == lookup_stream)
            {
                return Err(ApiError::not_found(
                    "The specified log stream does not exist.",
                ));
            }
            log_store::stream_events(
                conn,
                &log_store::StreamRead {
                    group: &lookup_group,
                    stream: &lookup_stream,
                    start_ms: start,
                    end_ms: end,
                    from_seq: from,
                    forward,
                    limit,
                },
            )
        })
        .await?;
    // At either end, the token stays where it was (as CloudWatch does), so
    // a caller polling forwards sees new events when they arrive.
    let (first, last) = match (events.first(), events.last()) {
        (Some(first), Some(last)) => (first.seq, last.seq),
        _ if forward => (from.saturating_add(1), from),
        _ => (from, from.saturating_sub(1)),
    };
    let out: Vec<Value> = events
        .iter()
        .map(|e| {
            json!({
                "timestamp": e.timestamp_ms,
                "message": e.message,
                "ingestionTime": e.ingestion_ms,
            })
        })
        .collect();
    Ok(json!({
        "events": out,
        "nextForwardToken": format!("f/{last}"),
        "nextBackwardToken": format!("b/{first}"),
    }))
}
