//! What a protobuf export would decode to, counted on the wire before it is
//! decoded: an empty message is two bytes on the wire but a few hundred in
//! memory, so a 20 MiB body of them is refused before prost builds them.
//! The walk follows OTLP's message fields ([`Kind::fields`]) and no other,
//! to a bounded depth (prost's own recursion limit), whatever the input.

/// Which signal's export request a body is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Signal {
    Traces,
    Logs,
    Metrics,
}

/// What a protobuf export would decode to.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Counts {
    /// Spans, log records or data points.
    pub(crate) items: usize,
    /// Every message the decoder would build.
    pub(crate) messages: usize,
}

/// The messages of OTLP's three export requests (what prost decodes).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    TraceRequest,
    LogsRequest,
    MetricsRequest,
    ResourceSpans,
    ResourceLogs,
    ResourceMetrics,
    Resource,
    Scope,
    ScopeSpans,
    ScopeLogs,
    ScopeMetrics,
    Span,
    EventOrLink,
    LogRecord,
    Metric,
    Points,
    NumberPoint,
    HistogramPoint,
    ExponentialPoint,
    SummaryPoint,
    Exemplar,
    KeyValue,
    AnyValue,
    ArrayOrList,
    Leaf,
}

impl Kind {
    /// The message fields of this message: (field number, kind).
    fn fields(self) -> &'static [(u64, Kind)] {
        use Kind::*;
        match self {
            TraceRequest => &[(1, ResourceSpans)],
            LogsRequest => &[(1, ResourceLogs)],
            MetricsRequest => &[(1, ResourceMetrics)],
            ResourceSpans => &[(1, Resource), (2, ScopeSpans)],
            ResourceLogs => &[(1, Resource), (2, ScopeLogs)],
            ResourceMetrics => &[(1, Resource), (2, ScopeMetrics)],
            Resource => &[(1, KeyValue), (3, Leaf)],
            Scope => &[(3, KeyValue)],
            ScopeSpans => &[(1, Scope), (2, Span)],
            ScopeLogs => &[(1, Scope), (2, LogRecord)],
            ScopeMetrics => &[(1, Scope), (2, Metric)],
            Span => &[
                (9, KeyValue),
                (11, EventOrLink),
                (13, EventOrLink),
                (15, Leaf),
            ],
            // An event's attributes are field 3 and a link's 4.
            EventOrLink => &[(3, KeyValue), (4, KeyValue)],
            LogRecord => &[(5, AnyValue), (6, KeyValue)],
            Metric => &[
                (5, Points),
                (7, Points),
                (9, Points),
                (10, Points),
                (11, Points),
                (12, KeyValue),
            ],
            // Gauge, sum, histogram, exponential histogram and summary:
            // which point kind is told by the metric field, see `point_kind`.
            Points => &[],
            NumberPoint => &[(5, Exemplar), (7, KeyValue)],
            HistogramPoint => &[(8, Exemplar), (9, KeyValue)],
            ExponentialPoint => &[(1, KeyValue), (8, Leaf), (9, Leaf), (11, Exemplar)],
            SummaryPoint => &[(6, Leaf), (7, KeyValue)],
            Exemplar => &[(7, KeyValue)],
            KeyValue => &[(2, AnyValue)],
            AnyValue => &[(5, ArrayOrList), (6, ArrayOrList)],
            // An array's values are AnyValues, a list's are KeyValues; both field 1.
            ArrayOrList => &[(1, AnyValue)],
            Leaf => &[],
        }
    }

    /// Whether a message of this kind is one of the items counted.
    fn is_item(self) -> bool {
        matches!(
            self,
            Kind::Span
                | Kind::LogRecord
                | Kind::NumberPoint
                | Kind::HistogramPoint
                | Kind::ExponentialPoint
                | Kind::SummaryPoint
        )
    }
}

/// The data points of a metric's field `field` (gauge 5, sum 7,
/// histogram 9, exponential histogram 10, summary 11).
fn point_kind(field: u64) -> Kind {
    match field {
        9 => Kind::HistogramPoint,
        10 => Kind::ExponentialPoint,
        11 => Kind::SummaryPoint,
        _ => Kind::NumberPoint,
    }
}

/// As deep as prost decodes (its recursion limit).
const MAX_DEPTH: usize = 100;
const TRUNCATED: &str = "a field runs past the end of its message";

/// Count the items and messages of a protobuf export of `signal`.
/// Malformed input is an error.
pub(crate) fn count(buf: &[u8], signal: Signal) -> Result<Counts, &'static str> {
    let kind = match signal {
        Signal::Traces => Kind::TraceRequest,
        Signal::Logs => Kind::LogsRequest,
        Signal::Metrics => Kind::MetricsRequest,
    };
    let mut counts = Counts::default();
    walk(buf, kind, None, 0, &mut counts)?;
    Ok(counts)
}

/// Walk one message of `kind`; `points` is the point kind when it is a
/// metric's data (gauge, sum, ...).
fn walk(
    mut buf: &[u8],
    kind: Kind,
    points: Option<Kind>,
    depth: usize,
    counts: &mut Counts,
) -> Result<(), &'static str> {
    if depth > MAX_DEPTH {
        return Err("it nests messages deeper than 100 levels");
    }
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        let skip = match key & 7 {
            0 => {
                varint(&mut buf)?;
                0
            }
            1 => 8,
            5 => 4,
            2 => {
                let len = usize::try_from(varint(&mut buf)?).map_err(|_| TRUNCATED)?;
                let inner = buf.get(..len).ok_or(TRUNCATED)?;
                let field = key >> 3;
                let child = match (kind, points) {
                    (Kind::Points, Some(point)) if field == 1 => Some((point, None)),
                    (Kind::Metric, _) if field != 12 => kind
                        .fields()
                        .iter()
                        .find(|(f, _)| *f == field)
                        .map(|&(_, k)| (k, Some(point_kind(field)))),
                    _ => kind
                        .fields()
                        .iter()
                        .find(|(f, _)| *f == field)
                        .map(|&(_, k)| (k, None)),
                };
                if let Some((child, child_points)) = child {
                    counts.messages += 1;
                    counts.items += usize::from(child.is_item());
                    walk(inner, child, child_points, depth + 1, counts)?;
                }
                len
            }
            _ => return Err("it holds a group or an unknown wire type, which OTLP does not use"),
        };
        buf = buf.get(skip..).ok_or(TRUNCATED)?;
    }
    Ok(())
}

/// A base-128 varint, taken off the front of `buf`.
fn varint(buf: &mut &[u8]) -> Result<u64, &'static str> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = buf.split_first().ok_or(TRUNCATED)?;
        *buf = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("a varint is longer than ten bytes")
}

/// The objects of an OTLP/JSON body (every message is one), counted
/// outside strings before the body is parsed.
pub(crate) fn json_objects(bytes: &[u8]) -> usize {
    let (mut objects, mut in_string, mut escaped) = (0, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'{' {
            objects += 1;
        }
    }
    objects
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A length-delimited field `key` holding `inner`.
    fn wrap(key: u8, inner: &[u8]) -> Vec<u8> {
        let mut out = vec![key];
        prost::encoding::encode_varint(inner.len() as u64, &mut out);
        out.extend_from_slice(inner);
        out
    }

    #[test]
    fn two_byte_messages_are_counted_before_decoding() {
        // One scope holding a million empty spans: 2 MB on the wire.
        let spans = [0x12u8, 0x00].repeat(1_000_000);
        assert_eq!(
            count(&spans, Signal::Traces).unwrap(),
            Counts::default(),
            "field 2 of a request is not read"
        );
        let counts = count(&wrap(0x0a, &wrap(0x12, &spans)), Signal::Traces).unwrap();
        assert_eq!(counts.items, 1_000_000);
        assert_eq!(counts.messages, 1_000_002);
    }

    #[test]
    fn metric_points_are_counted_by_their_kind() {
        // A metric (field 2 of a scope) whose histogram (9) holds two points (1).
        let histogram = wrap(0x4a, &[0x0a, 0x00, 0x0a, 0x00]);
        let body = wrap(0x0a, &wrap(0x12, &wrap(0x12, &histogram)));
        let counts = count(&body, Signal::Metrics).unwrap();
        assert_eq!(counts.items, 2);
        assert!(count(&body[..body.len() - 1], Signal::Metrics).is_err());
    }

    #[test]
    fn nesting_is_bounded() {
        // Arrays within arrays within one attribute value.
        let mut value = Vec::new();
        for _ in 0..200 {
            value = wrap(0x2a, &wrap(0x0a, &value));
        }
        let body = wrap(0x0a, &wrap(0x0a, &wrap(0x0a, &wrap(0x12, &value))));
        assert!(count(&body, Signal::Traces).is_err());
    }

    #[test]
    fn json_objects_inside_strings_are_not_counted() {
        assert_eq!(json_objects(br#"{"a":[{},{}],"b":"{{\"{"}"#), 3);
    }
}
