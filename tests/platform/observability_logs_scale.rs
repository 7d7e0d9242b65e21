//! FilterLogEvents over a large `aws/spans` group: one trace's records
//! come back in one call whatever the group's size (the trace pattern
//! reads an index, never every record), and paging over every record
//! answers each exactly once.

use std::collections::HashSet;
use std::time::Instant;

use crate::platform;

use serde_json::{Value, json};

/// Records stored before the trace looked for: more than one call's scan.
const OTHERS: usize = 60_000;
const PER_EXPORT: usize = 5_000;
const TRACE: &str = "feedfacefeedfacefeedfacefeedface";
const TRACE_SPANS: usize = 25;

/// `count` spans of `trace` (one trace each when `None`), numbered from `first`.
fn spans(first: usize, count: usize, trace: Option<&str>) -> Vec<u8> {
    let spans: Vec<Value> = (first..first + count)
        .map(|n| {
            let trace_id = trace.map_or_else(|| format!("{:032x}", n + 1), str::to_owned);
            json!({ "traceId": trace_id, "spanId": format!("{:016x}", n + 1),
                    "name": "load", "kind": 1, "startTimeUnixNano": n, "endTimeUnixNano": n + 1 })
        })
        .collect();
    serde_json::to_vec(&json!({ "resourceSpans": [{ "scopeSpans": [{ "spans": spans }] }] }))
        .unwrap()
}

async fn export(endpoint: &str, body: Vec<u8>) {
    let response = reqwest::Client::new()
        .post(format!("{endpoint}/v1/traces"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn a_trace_is_found_in_one_call_and_paging_answers_each_record_once() {
    let platform = platform::start_ephemeral(false).await;
    let endpoint = platform.endpoint_url();
    for first in (0..OTHERS).step_by(PER_EXPORT) {
        export(&endpoint, spans(first, PER_EXPORT, None)).await;
    }
    export(&endpoint, spans(OTHERS, TRACE_SPANS, Some(TRACE))).await;
    let logs = platform::logs_client(&endpoint);

    // Every record, paged: each exactly once.
    let started = Instant::now();
    let mut ids = HashSet::new();
    let (mut token, mut pages) = (None::<String>, 0);
    loop {
        let page = logs
            .filter_log_events()
            .log_group_name(acc_backend::SPANS_LOG_GROUP)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        for event in page.events() {
            assert!(ids.insert(event.event_id().unwrap().to_owned()), "twice");
        }
        token = page.next_token().map(str::to_owned);
        if token.is_none() || pages > 20 {
            break;
        }
    }
    eprintln!("{pages} pages of every record: {:?}", started.elapsed());
    assert_eq!(ids.len(), OTHERS + TRACE_SPANS);

    let started = Instant::now();
    let found = logs
        .filter_log_events()
        .log_group_name(acc_backend::SPANS_LOG_GROUP)
        .filter_pattern(format!("{{ $.traceId = \"{TRACE}\" }}"))
        .send()
        .await
        .unwrap();
    eprintln!(
        "trace pattern over {OTHERS} records: {:?}",
        started.elapsed()
    );
    assert_eq!(
        found.events().len(),
        TRACE_SPANS,
        "{:?}",
        found.next_token()
    );
    assert_eq!(found.next_token(), None);

    // The same pattern, paged 4 at a time: each record once, in order.
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..TRACE_SPANS {
        let page = logs
            .filter_log_events()
            .log_group_name(acc_backend::SPANS_LOG_GROUP)
            .filter_pattern(format!("{{ $.traceId = \"{TRACE}\" }}"))
            .limit(4)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        seen.extend(
            page.events()
                .iter()
                .map(|e| e.event_id().unwrap().to_owned()),
        );
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(token, None, "paging did not end");
    assert_eq!(seen.len(), TRACE_SPANS);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), TRACE_SPANS);

    platform.shutdown().await;
}
