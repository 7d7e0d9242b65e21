"""An agent written with the AgentCore Python SDK (bedrock-agentcore from
PyPI), hosted by the acc tests as a native runtime: BedrockAgentCoreApp
with a streaming (async generator) entrypoint, exactly as users write
them for AgentCore. It traces each invocation with the OpenTelemetry SDK,
exporting OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, which the runtime
injects (AgentCore points it at its collector; acc at its own receiver).

Given {"gateway": URL, "tool": NAME, "arguments": {...}}, it also calls
that gateway tool over MCP (the official `mcp` client) and streams the
result. The same file runs natively and, in tests/arm64_python, as an
arm64 image under qemu; its first frame says which machine it saw."""

import asyncio
import os
import platform

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


async def call_gateway_tool(url, name, arguments):
    """One MCP tool call on the gateway at `url`: its text and whether it failed."""
    # Imported on first use: agents load their tools lazily, and the MCP
    # client's import would otherwise weigh on every cold start.
    from mcp import Client

    async with Client(url) as client:
        result = await client.call_tool(name, arguments)
    wire = result.model_dump(by_alias=True, mode="json", exclude_none=True)
    text = "".join(part.get("text", "") for part in wire.get("content", []))
    return {"tool": name, "result": text, "isError": bool(wire.get("isError"))}


@app.entrypoint
async def invoke(payload, context):
    prompt = payload.get("prompt", "")
    session = getattr(context, "session_id", None)
    # Its stdout is the runtime's log (the CloudWatch Logs API reads it).
    print(f"python agent on {platform.machine()} invoked in session {session}", flush=True)
    with tracer.start_as_current_span("python_agent.invoke") as span:
        span.set_attribute("session.id", session or "")
        span.set_attribute("prompt.words", len(prompt.split()))
        yield {"type": "start", "session": session, "machine": platform.machine(), "uid": os.getuid()}
        if payload.get("tool"):
            yield await call_gateway_tool(payload["gateway"], payload["tool"], payload.get("arguments", {}))
        # A word every 50 ms unless the payload says otherwise (benches: 0).
        delay_s = payload.get("delay_ms", 50) / 1000
        for word in f"the python agent heard: {prompt}".split():
            await asyncio.sleep(delay_s)
            yield {"text": word + " "}


if __name__ == "__main__":
    app.run()
