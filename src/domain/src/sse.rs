//! Server-sent events, parsed incrementally as bytes arrive: frames may be
//! split anywhere (even inside a UTF-8 character), lines end in `\n`,
//! `\r\n` or `\r`, comments are skipped, and a frame is dispatched at its
//! blank line. Shared by `acc invoke` and the console's invoke view.

use serde_json::Value;

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field; None when the frame had none (the AgentCore Python SDK sends none).
    pub event: Option<String>,
    /// The `id:` field; None when the frame had none.
    pub id: Option<String>,
    /// `data:` lines joined with `\n`.
    pub data: String,
}

/// Bytes in, events out.
#[derive(Debug, Clone, Default)]
pub struct SseParser {
    buffer: Vec<u8>,
    data: Vec<String>,
    event: Option<String>,
    id: Option<String>,
    /// A `\r` ended the last chunk: a following `\n` belongs to it.
    pending_cr: bool,
    /// The start of `buffer` already searched for a line end (and holding
    /// none): a long line arriving in many chunks is scanned once, not
    /// once per chunk.
    scanned: usize,
}

impl SseParser {
    /// A parser with nothing buffered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed a chunk; returns the events it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut out = Vec::new();
        if chunk.is_empty() {
            // Nothing arrived: a `\r` that ended the last chunk still waits for its `\n`.
            return out;
        }
        let mut bytes = chunk;
        if self.pending_cr && bytes.first() == Some(&b'\n') {
            bytes = &bytes[1..];
        }
        self.pending_cr = false;
        self.buffer.extend_from_slice(bytes);
        let mut start = 0;
        let mut i = self.scanned;
        while i < self.buffer.len() {
            let b = self.buffer[i];
            if b == b'\n' || b == b'\r' {
                let line = String::from_utf8_lossy(&self.buffer[start..i]).into_owned();
                let mut next = i + 1;
                if b == b'\r' {
                    if next < self.buffer.len() {
                        if self.buffer[next] == b'\n' {
                            next += 1;
                        }
                    } else {
                        self.pending_cr = true;
                    }
                }
                if let Some(event) = self.line(&line) {
                    out.push(event);
                }
                start = next;
                i = next;
            } else {
                i += 1;
            }
        }
        self.buffer.drain(..start);
        self.scanned = self.buffer.len();
        out
    }

    /// Whatever a stream that ended without its final blank line left.
    pub fn finish(&mut self) -> Option<SseEvent> {
        if !self.buffer.is_empty() {
            self.scanned = 0;
            let line = String::from_utf8_lossy(&std::mem::take(&mut self.buffer)).into_owned();
            if let Some(event) = self.line(&line) {
                return Some(event);
            }
        }
        self.line("")
    }

    fn line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            if self.data.is_empty() && self.event.is_none() {
                return None;
            }
            return Some(SseEvent {
                event: self.event.take(),
                id: self.id.take(),
                data: std::mem::take(&mut self.data).join("\n"),
            });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "data" => self.data.push(value.to_owned()),
            "event" => self.event = Some(value.to_owned()),
            "id" => self.id = Some(value.to_owned()),
            _ => {}
        }
        None
    }
}

/// What a frame means to a reader.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameMeaning {
    /// A piece of the answer's text.
    Text(String),
    /// An error reported in the stream (after HTTP 200).
    Error(String),
    /// Any other JSON frame.
    Json(Value),
    /// Data that is not JSON.
    Raw(String),
}

/// Interpret a frame as the AgentCore SDKs write them: `{"error": …}` is a
/// mid-stream error; a string, or a JSON object with `text`/`delta`/
/// `content`/`data` as a string, is text; anything else is a JSON frame.
pub fn meaning(event: &SseEvent) -> FrameMeaning {
    let Ok(value) = serde_json::from_str::<Value>(&event.data) else {
        return FrameMeaning::Raw(event.data.clone());
    };
    if let Some(error) = value.get("error") {
        let text = match error {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        return FrameMeaning::Error(text);
    }
    if let Value::String(s) = &value {
        return FrameMeaning::Text(s.clone());
    }
    for key in ["text", "delta", "content", "data"] {
        if let Some(Value::String(s)) = value.get(key) {
            return FrameMeaning::Text(s.clone());
        }
    }
    FrameMeaning::Json(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_anywhere_still_parse() {
        let stream = "data: {\"text\":\"héllo \"}\n\n: comment\ndata: a\ndata: b\n\nevent: x\r\ndata: {\"error\":\"boom\"}\r\n\r\n";
        let bytes = stream.as_bytes();
        for split in 0..bytes.len() {
            let mut parser = SseParser::new();
            let mut events = parser.feed(&bytes[..split]);
            events.extend(parser.feed(&bytes[split..]));
            assert_eq!(events.len(), 3, "split at {split}");
            assert_eq!(meaning(&events[0]), FrameMeaning::Text("héllo ".into()));
            assert_eq!(events[1].data, "a\nb");
            assert_eq!(events[2].event.as_deref(), Some("x"));
            assert_eq!(meaning(&events[2]), FrameMeaning::Error("boom".into()));
        }
    }

    #[test]
    fn a_stream_cut_short_keeps_its_last_frame() {
        let mut parser = SseParser::new();
        assert!(parser.feed(b"data: {\"type\":\"done\"}").is_empty());
        let last = parser.finish().unwrap();
        assert!(matches!(meaning(&last), FrameMeaning::Json(_)));
        assert_eq!(parser.finish(), None);
    }

    #[test]
    fn a_long_line_in_many_chunks_is_scanned_once() {
        let mut parser = SseParser::new();
        let chunk = [b'x'; 64];
        let started = std::time::Instant::now();
        assert!(parser.feed(b"data: ").is_empty());
        // 32 MiB in 64-byte chunks: quadratic rescanning would take hours.
        for _ in 0..(32 << 20) / chunk.len() {
            assert!(parser.feed(&chunk).is_empty());
        }
        let events = parser.feed(b"\n\n");
        assert_eq!(events[0].data.len(), 32 << 20);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }
}
