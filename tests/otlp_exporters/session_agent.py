"""An agent (AgentCore Python SDK) that exports one span per invocation
with the OpenTelemetry Python SDK's exporter configured only by the
`OTEL_EXPORTER_OTLP_*` variables its session was given: OTLP/gRPC when
they choose `grpc`, OTLP/HTTP otherwise. It answers with those variables
and the export's result, so a test sees what reached the sandbox.
"""

import os

from bedrock_agentcore import BedrockAgentCoreApp
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

app = BedrockAgentCoreApp()


def exporter():
    """The span exporter the standard variables choose."""
    protocol = os.environ.get(
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
    )
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    return protocol, OTLPSpanExporter()


@app.entrypoint
def invoke(payload, context):
    protocol, span_exporter = exporter()
    results = []
    original = span_exporter.export

    def export(spans):
        result = original(spans)
        results.append(result.name)
        return result

    span_exporter.export = export
    provider = TracerProvider(resource=Resource.create({"service.name": "session_agent"}))
    provider.add_span_processor(SimpleSpanProcessor(span_exporter))
    with provider.get_tracer("acc.tests.session_agent").start_as_current_span(
        "session_agent.invoke"
    ) as span:
        span.set_attribute("session.id", context.session_id or "")
        span.set_attribute("otlp.protocol", protocol)
    provider.shutdown()
    return {
        "protocol": protocol,
        "exported": results,
        "env": {k: v for k, v in os.environ.items() if k.startswith("OTEL_")},
    }


if __name__ == "__main__":
    app.run()
