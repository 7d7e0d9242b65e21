//! One invocation's stream as it arrives, parsed on the fly. Memory stays
//! bounded however long a stream runs: the raw bytes and the parsed lines
//! (frames and text, in the order they came) keep only their tails.

use std::collections::VecDeque;

use acc_domain::sse::{FrameMeaning, SseParser, meaning};

/// Raw bytes kept of a stream (its tail).
pub const RAW_KEPT: usize = 256 * 1024;
/// Parsed lines (frames and runs of text) kept.
pub const FRAMES_KEPT: usize = 2_000;
/// Bytes of text kept, over all the runs of text.
pub const TEXT_KEPT: usize = 256 * 1024;
/// Which half of the stream panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StreamView {
    /// JSON frames pretty-printed, text deltas concatenated.
    #[default]
    Parsed,
    /// The exact bytes.
    Raw,
}

/// A parsed line of the stream panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameLine {
    /// Text deltas in a row, concatenated.
    Text(String),
    /// A JSON frame, pretty-printed.
    Json(String),
    /// An error the stream reported.
    Error(String),
    /// Any other data.
    Raw(String),
}

/// Where an invocation stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    /// Sent; no answer yet.
    Starting,
    /// Bytes are arriving.
    Streaming,
    /// The answer ended.
    Done,
    /// The answer broke or never came, and why.
    Failed(String),
}

/// One invocation's stream, as it arrives.
#[derive(Debug, Clone)]
pub struct InvocationRun {
    /// Which invocation of the console.
    pub id: u64,
    /// The payload sent: the turn's prompt.
    pub payload: String,
    /// The session the runtime answered in.
    pub session_id: Option<String>,
    /// The answer's content type.
    pub content_type: String,
    /// Where it stands.
    pub state: RunState,
    /// When the first byte came, after sending.
    pub first_byte_ms: Option<f64>,
    /// How long it has run.
    pub elapsed_ms: f64,
    /// Server-sent events so far.
    pub events: u64,
    /// Bytes so far.
    pub bytes: u64,
    /// Parsed frames and text, in the order they came (tail).
    pub frames: VecDeque<FrameLine>,
    /// The exact bytes (tail).
    pub raw: VecDeque<u8>,
    /// Bytes of text in `frames`.
    text_len: usize,
    parser: SseParser,
}

impl InvocationRun {
    pub(crate) fn new(id: u64, payload: String) -> Self {
        InvocationRun {
            id,
            payload,
            session_id: None,
            content_type: String::new(),
            state: RunState::Starting,
            first_byte_ms: None,
            elapsed_ms: 0.0,
            events: 0,
            bytes: 0,
            frames: VecDeque::new(),
            raw: VecDeque::new(),
            text_len: 0,
            parser: SseParser::new(),
        }
    }

    /// Events per second so far.
    pub fn rate(&self) -> f64 {
        self.events as f64 / (self.elapsed_ms / 1e3).max(1e-3)
    }

    /// The text of the answer, concatenated (its kept tail).
    pub fn text(&self) -> String {
        self.frames
            .iter()
            .filter_map(|f| match f {
                FrameLine::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    fn push_frame(&mut self, line: FrameLine) {
        if self.frames.len() == FRAMES_KEPT
            && let Some(FrameLine::Text(t)) = self.frames.pop_front()
        {
            self.text_len -= t.len();
        }
        self.frames.push_back(line);
    }

    fn push_text(&mut self, text: &str) {
        match self.frames.back_mut() {
            Some(FrameLine::Text(last)) => last.push_str(text),
            _ => self.push_frame(FrameLine::Text(text.to_owned())),
        }
        self.text_len += text.len();
        // The oldest text goes first.
        while self.text_len > TEXT_KEPT {
            let excess = self.text_len - TEXT_KEPT;
            let Some(i) = self
                .frames
                .iter()
                .position(|f| matches!(f, FrameLine::Text(_)))
            else {
                break;
            };
            let Some(FrameLine::Text(t)) = self.frames.get_mut(i) else {
                break;
            };
            if t.len() <= excess {
                self.text_len -= t.len();
                self.frames.remove(i);
            } else {
                let cut = t.ceil_char_boundary(excess);
                t.drain(..cut);
                self.text_len -= cut;
            }
        }
    }

    /// Bytes arrived `at_ms` after the request started.
    /// Bytes after the end (they should not come) are kept too, and the
    /// end stands.
    pub fn on_chunk(&mut self, at_ms: f64, bytes: &[u8]) {
        if self.state == RunState::Starting {
            self.state = RunState::Streaming;
        }
        self.first_byte_ms.get_or_insert(at_ms);
        self.elapsed_ms = at_ms;
        self.bytes += bytes.len() as u64;
        self.raw.extend(bytes);
        if self.raw.len() > RAW_KEPT {
            let excess = self.raw.len() - RAW_KEPT;
            self.raw.drain(..excess);
        }
        if !self.content_type.starts_with("text/event-stream") {
            self.push_text(&String::from_utf8_lossy(bytes));
            return;
        }
        for event in self.parser.feed(bytes) {
            self.on_event(&event);
        }
    }

    fn on_event(&mut self, event: &acc_domain::sse::SseEvent) {
        self.events += 1;
        match meaning(event) {
            FrameMeaning::Text(text) => self.push_text(&text),
            FrameMeaning::Error(e) => self.push_frame(FrameLine::Error(e)),
            FrameMeaning::Json(value) => {
                let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
                self.push_frame(FrameLine::Json(pretty));
            }
            FrameMeaning::Raw(text) => self.push_frame(FrameLine::Raw(text)),
        }
    }

    /// The answer ended `at_ms` after the request started.
    pub fn on_finished(&mut self, at_ms: f64, result: Result<(), String>) {
        if let Some(event) = self.parser.finish() {
            self.on_event(&event);
        }
        self.elapsed_ms = at_ms;
        self.state = match result {
            Ok(()) => RunState::Done,
            Err(e) => RunState::Failed(e),
        };
    }

    /// The last mid-stream error, when the stream reported one: the turn
    /// ended in error even though the answer ended well.
    pub fn stream_error(&self) -> Option<&String> {
        self.frames.iter().rev().find_map(|f| match f {
            FrameLine::Error(e) => Some(e),
            _ => None,
        })
    }

    /// Lines of the turn in `view`, about (text lines wrap): to bound scrolling.
    pub fn line_count(&self, view: StreamView) -> usize {
        match view {
            StreamView::Raw => self.raw.iter().filter(|b| **b == b'\n').count() + 1,
            StreamView::Parsed => self
                .frames
                .iter()
                .map(|f| match f {
                    FrameLine::Text(t) | FrameLine::Json(t) | FrameLine::Raw(t) => {
                        t.lines().count().max(1)
                    }
                    FrameLine::Error(_) => 1,
                })
                .sum(),
        }
    }

    /// Mid-stream error frames.
    pub fn errors(&self) -> impl Iterator<Item = &String> {
        self.frames.iter().filter_map(|f| match f {
            FrameLine::Error(e) => Some(e),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_stream_is_counted_exactly_and_kept_bounded() {
        let mut run = InvocationRun::new(1, String::new());
        run.content_type = "text/event-stream".into();
        let frame = b"data: {\"text\":\"x\"}\n\ndata: {\"n\":1}\n\n";
        // 200 000 events in chunks that split frames anywhere.
        let stream: Vec<u8> = frame.repeat(100_000);
        for (i, chunk) in stream.chunks(997).enumerate() {
            run.on_chunk(i as f64, chunk);
        }
        run.on_finished(1000.0, Ok(()));
        assert_eq!(run.events, 200_000);
        assert_eq!(run.bytes, stream.len() as u64);
        assert!(run.raw.len() <= RAW_KEPT);
        assert!(run.frames.len() <= FRAMES_KEPT);
        assert!(run.text().len() <= TEXT_KEPT);
        assert_eq!(run.state, RunState::Done);
    }

    #[test]
    fn errors_mid_stream_are_frames_of_their_own() {
        let mut run = InvocationRun::new(1, String::new());
        run.content_type = "text/event-stream".into();
        run.on_chunk(
            5.0,
            b"data: {\"text\":\"partial \"}\n\ndata: {\"error\": \"model timed out\"}\n\n",
        );
        run.on_finished(9.0, Ok(()));
        assert_eq!(run.errors().collect::<Vec<_>>(), ["model timed out"]);
        assert_eq!(run.first_byte_ms, Some(5.0));
        assert_eq!(run.text(), "partial ");
    }

    #[test]
    fn text_is_kept_in_order_with_the_frames_and_bounded() {
        let mut run = InvocationRun::new(1, String::new());
        run.content_type = "text/event-stream".into();
        run.on_chunk(1.0, b"data: {\"text\":\"a\"}\n\ndata: {\"text\":\"b\"}\n\n");
        run.on_chunk(2.0, b"data: {\"type\":\"done\"}\n\n");
        run.on_finished(3.0, Ok(()));
        run.on_chunk(4.0, b"data: {\"text\":\"late\"}\n\n");
        assert_eq!(run.state, RunState::Done);
        assert!(matches!(&run.frames[0], FrameLine::Text(t) if t == "ab"));
        assert!(matches!(&run.frames[1], FrameLine::Json(_)));
        assert!(matches!(&run.frames[2], FrameLine::Text(t) if t == "late"));
        let big = "é".repeat(TEXT_KEPT);
        run.on_chunk(5.0, format!("data: {{\"text\":\"{big}\"}}\n\n").as_bytes());
        assert!(run.text().len() <= TEXT_KEPT);
        assert!(run.text().ends_with('é'));
        assert!(
            !run.frames
                .iter()
                .any(|f| matches!(f, FrameLine::Text(t) if t == "ab"))
        );
    }
}
