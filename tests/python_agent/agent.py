"""An agent written with the AgentCore Python SDK (bedrock-agentcore from
PyPI), hosted by the acc tests as a native runtime: BedrockAgentCoreApp
with a streaming (async generator) entrypoint, exactly as users write
them for AgentCore. It traces each invocation with the OpenTelemetry SDK,
exporting OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, which the runtime
injects (AgentCore points it at its collector; acc at its own receiver)."""

import asyncio

from bedrock_agentcore import BedrockAgentCoreApp
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

provider = TracerProvider(resource=Resource.create({"service.name": "python_sdk_agent"}))
provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter()))
tracer = provider.get_tracer("acc.tests.python_agent")

app = BedrockAgentCoreApp()


@app.entrypoint
async def invoke(payload, context):
    prompt = payload.get("prompt", "")
    session = getattr(context, "session_id", None)
    with tracer.start_as_current_span("python_agent.invoke") as span:
        span.set_attribute("session.id", session or "")
        span.set_attribute("prompt.words", len(prompt.split()))
        yield {"type": "start", "session": session}
        for word in f"the python agent heard: {prompt}".split():
            await asyncio.sleep(0.05)
            yield {"text": word + " "}


if __name__ == "__main__":
    app.run()
