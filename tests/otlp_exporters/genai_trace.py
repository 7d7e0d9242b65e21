"""Two GenAI-shaped traces sent with the OpenTelemetry Python SDK's own
OTLP/HTTP exporters (gzip), as an instrumented agent sends them:
invoke_agent → chat (model, tokens) → execute_tool (an error) → chat, with
the model's messages as GenAI log events (`gen_ai.system.message`,
`gen_ai.user.message` in Strands' `[{"text": …}]` shape, `gen_ai.choice`)
sent with ADOT's x-aws-log-group/x-aws-log-stream headers. The second trace
is the same prompt after a change: one more tool call and other token
counts. The tool span carries `aws.agentcore.gateway.capture_id` when a
capture id is given. Prints the two trace ids and the session as JSON.

Usage: python genai_trace.py ENDPOINT LOG_GROUP LOG_STREAM SESSION [CAPTURE_ID]
"""

import json
import sys

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

endpoint, log_group, log_stream, session = sys.argv[1:5]
capture_id = sys.argv[5] if len(sys.argv) > 5 else None
resource = Resource.create({"service.name": "genai_demo.DEFAULT", "aws.log.group.names": log_group})

span_exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces", compression=Compression.Gzip)
tracer_provider = TracerProvider(resource=resource)
tracer_provider.add_span_processor(SimpleSpanProcessor(span_exporter))
tracer = tracer_provider.get_tracer("genai-trace-test")

log_exporter = OTLPLogExporter(
    endpoint=f"{endpoint}/v1/logs",
    compression=Compression.Gzip,
    headers={"x-aws-log-group": log_group, "x-aws-log-stream": log_stream},
)
logger_provider = LoggerProvider(resource=resource)
logger_provider.add_log_record_processor(SimpleLogRecordProcessor(log_exporter))
events = logger_provider.get_logger("genai-trace-test")


def event(name, body):
    """A GenAI event inside the current span (so it carries its ids)."""
    events.emit(event_name=name, body=body, attributes={"session.id": session}, context=otel_context.get_current())


def chat(model, input_tokens, output_tokens, answer):
    attributes = {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": model,
        "gen_ai.usage.input_tokens": input_tokens,
        "gen_ai.usage.output_tokens": output_tokens,
        "session.id": session,
    }
    with tracer.start_as_current_span(f"chat {model}", kind=SpanKind.CLIENT, attributes=attributes):
        event("gen_ai.system.message", {"content": "You are a weather assistant."})
        event("gen_ai.user.message", {"content": json.dumps([{"text": "Weather in Paris? My api_key=sk_live_abcdefghijklmnopqrstuv"}])})
        event("gen_ai.choice", {"index": 0, "message": {"role": "assistant", "content": [{"text": answer}]}})


def tool(name, error):
    attributes = {"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name, "session.id": session}
    if capture_id:
        attributes["aws.agentcore.gateway.capture_id"] = capture_id
    with tracer.start_as_current_span(f"execute_tool {name}", attributes=attributes) as span:
        if error:
            span.set_status(Status(StatusCode.ERROR, "the tool failed: upstream 503"))


def agent(tools, tokens):
    attributes = {"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "weather", "session.id": session}
    with tracer.start_as_current_span("invoke_agent weather", kind=SpanKind.SERVER, attributes=attributes) as root:
        chat("us.anthropic.claude-sonnet-4", tokens, 40, "Let me look that up.")
        for name in tools:
            tool(name, error=(name == "get_weather"))
        chat("us.anthropic.claude-sonnet-4", tokens * 2, 30, "It is sunny in Paris.")
        return format(root.get_span_context().trace_id, "032x")


before = agent(["get_weather"], 120)
after = agent(["get_weather", "get_forecast"], 100)
ok = tracer_provider.force_flush() and logger_provider.force_flush()
tracer_provider.shutdown()
logger_provider.shutdown()
print(json.dumps({"ok": ok, "before": before, "after": after, "session": session}))
