//! W3C Trace Context (`traceparent`), as the platform reads it from a
//! caller to continue its trace, and the ids of spans the platform starts
//! itself: lowercase hex, as spans are kept.

use crate::platform::ids::hex;

/// Where a span the platform writes sits: its trace, and the caller's span
/// it continues (none: it starts the trace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TraceParent {
    /// 32 lowercase hex digits, not all zero.
    pub(crate) trace_id: String,
    /// 16 lowercase hex digits, not all zero; empty for a root.
    pub(crate) parent_span_id: String,
}

impl TraceParent {
    /// A new trace, started here.
    pub(crate) fn new_trace() -> Self {
        Self {
            trace_id: new_id(16),
            parent_span_id: String::new(),
        }
    }

    /// The `traceparent` header's value (`version-traceid-parentid-flags`),
    /// when it is W3C's: ids in hex, neither all zero, version not `ff`,
    /// version `00` with exactly four fields. Anything else is ignored, as
    /// the specification asks (the span then starts a trace).
    pub(crate) fn parse(value: &str) -> Option<Self> {
        let fields: Vec<&str> = value.trim().split('-').collect();
        let [version, trace, parent, flags, ..] = fields.as_slice() else {
            return None;
        };
        let valid = |s: &str, len: usize| {
            s.len() == len
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        let nonzero = |s: &str| s.bytes().any(|b| b != b'0');
        let fits = valid(version, 2)
            && *version != "ff"
            && (*version != "00" || fields.len() == 4)
            && valid(trace, 32)
            && nonzero(trace)
            && valid(parent, 16)
            && nonzero(parent)
            && valid(flags, 2);
        fits.then(|| Self {
            trace_id: (*trace).to_owned(),
            parent_span_id: (*parent).to_owned(),
        })
    }

    /// The X-Ray form of the trace id (`1-<8 hex>-<24 hex>`): the same
    /// trace, as captures record it.
    pub(crate) fn xray_trace_id(&self) -> String {
        format!("1-{}-{}", &self.trace_id[..8], &self.trace_id[8..])
    }

    /// The trace and parent an X-Ray trace header names
    /// (`Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8`).
    pub(crate) fn from_xray(root: &str, parent: Option<&str>) -> Option<Self> {
        let mut parts = root.split('-');
        let (Some("1"), Some(time), Some(random), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let trace = format!("{time}{random}").to_ascii_lowercase();
        let mut context = Self::parse(&format!("00-{trace}-0000000000000001-01"))?;
        context.parent_span_id = parent
            .map(str::to_ascii_lowercase)
            .and_then(|p| Self::parse(&format!("00-{trace}-{p}-01")))
            .map(|c| c.parent_span_id)
            .unwrap_or_default();
        Some(context)
    }
}

/// A random id of `bytes` bytes in lowercase hex (16: a trace, 8: a span);
/// never all zero.
pub(crate) fn new_id(bytes: usize) -> String {
    loop {
        let random: Vec<u8> = (0..bytes).map(|_| rand::random::<u8>()).collect();
        if random.iter().any(|b| *b != 0) {
            return hex(&random);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_is_read_as_w3c_writes_it() {
        let ok =
            TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
        assert_eq!(ok.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(ok.parent_span_id, "00f067aa0ba902b7");
        assert_eq!(ok.xray_trace_id(), "1-4bf92f35-77b34da6a3ce929d0e0e4736");
        // A future version may carry more fields.
        assert!(
            TraceParent::parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x")
                .is_some()
        );
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
        ] {
            assert_eq!(TraceParent::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_xray_header_names_the_same_trace() {
        let context = TraceParent::from_xray(
            "1-5759e988-bd862e3fe1be46a994272793",
            Some("53995c3f42cd8ad8"),
        )
        .unwrap();
        assert_eq!(context.trace_id, "5759e988bd862e3fe1be46a994272793");
        assert_eq!(context.parent_span_id, "53995c3f42cd8ad8");
        assert_eq!(
            context.xray_trace_id(),
            "1-5759e988-bd862e3fe1be46a994272793"
        );
        let root = TraceParent::from_xray("1-5759e988-bd862e3fe1be46a994272793", None).unwrap();
        assert_eq!(root.parent_span_id, "");
        assert_eq!(TraceParent::from_xray("2-x-y", None), None);
        let fresh = TraceParent::new_trace();
        assert_eq!(fresh.trace_id.len(), 32);
        assert_eq!(new_id(8).len(), 16);
    }
}
