"""Spans ingested per second through the OpenTelemetry Python SDK's own
OTLP exporters (HTTP protobuf, or gRPC), in batches of 512 as its
BatchSpanProcessor sends them. The spans are made first (agent-like: an
invoke_agent root, chat spans with GenAI attributes, tool spans), then
WORKERS processes each export their share of the batches through one
exporter, and the clock runs from the first export to the last
acknowledgement. Every export must be acknowledged (SUCCESS): the HTTP
exporter retries 503s itself. Prints one JSON line.

Usage: python otlp_ingest.py http|grpc ENDPOINT SPANS WORKERS
  ENDPOINT: http://HOST:PORT (the /v1/traces path is added) or, for
  grpc, http://HOST:PORT.
"""

import json
import multiprocessing
import sys
import time

BATCH = 512


def make_spans(count):
    """`count` finished spans: traces of one invoke_agent root with chat
    and execute_tool children."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "bench_agent.DEFAULT"}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("acc.bench")
    made = 0
    while made < count:
        with tracer.start_as_current_span("invoke_agent bench") as root:
            root.set_attribute("gen_ai.operation.name", "invoke_agent")
            root.set_attribute("session.id", f"bench-session-{made // 8:08d}")
            made += 1
            for step in range(7):
                if made >= count:
                    break
                if step % 2 == 0:
                    with tracer.start_as_current_span("chat bench-model") as chat:
                        chat.set_attribute("gen_ai.operation.name", "chat")
                        chat.set_attribute("gen_ai.request.model", "bench-model")
                        chat.set_attribute("gen_ai.usage.input_tokens", 812)
                        chat.set_attribute("gen_ai.usage.output_tokens", 96)
                else:
                    with tracer.start_as_current_span("execute_tool crm___search") as tool:
                        tool.set_attribute("gen_ai.operation.name", "execute_tool")
                        tool.set_attribute("gen_ai.tool.name", "crm___search")
                made += 1
    return memory.get_finished_spans()[:count]


def exporter(protocol, endpoint):
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(endpoint=endpoint, insecure=True)
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces", timeout=60)


def worker(protocol, endpoint, count, start, results):
    spans = make_spans(count)
    batches = [spans[i : i + BATCH] for i in range(0, len(spans), BATCH)]
    out = exporter(protocol, endpoint)
    start.wait()
    began = time.perf_counter()
    failed = sum(1 for batch in batches if out.export(batch).name != "SUCCESS")
    results.put((began, time.perf_counter(), len(spans), failed))


def main():
    protocol, endpoint, total, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    share = total // workers
    start = multiprocessing.Barrier(workers + 1)
    results = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=worker, args=(protocol, endpoint, share, start, results))
        for _ in range(workers)
    ]
    for p in procs:
        p.start()
    start.wait()
    done = [results.get() for _ in procs]
    for p in procs:
        p.join()
    began = min(d[0] for d in done)
    ended = max(d[1] for d in done)
    sent = sum(d[2] for d in done)
    failed = sum(d[3] for d in done)
    print(json.dumps({
        "protocol": protocol,
        "spans": sent,
        "failed_batches": failed,
        "seconds": round(ended - began, 3),
        "spans_per_second": round(sent / (ended - began)),
        "ended_at": time.time(),
    }))


if __name__ == "__main__":
    main()
