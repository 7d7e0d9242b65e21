"""The OpenTelemetry Python SDK's own OTLP/HTTP exporters against the acc
local platform: traces (gzip, then deflate), logs with ADOT's
x-aws-log-group/x-aws-log-stream headers (gzip) and metrics of every kind
(gzip). Each export's result is printed as one JSON object, with what boto3's
CloudWatch Logs client reads back from `aws/spans` and the header-named group.

Usage: python export.py ENDPOINT LOG_GROUP LOG_STREAM
"""

import json
import logging
import sys

import boto3
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.metrics.view import ExponentialBucketHistogramAggregation, View
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export import SpanExportResult

endpoint, log_group, log_stream = sys.argv[1:4]
resource = Resource.create({"service.name": "otlp_exporters.DEFAULT"})
out = {}


class Recording(OTLPSpanExporter):
    """The exporter, remembering each export's result."""

    results = []

    def export(self, spans):
        result = super().export(spans)
        self.results.append(result == SpanExportResult.SUCCESS)
        return result


def traces(compression, name):
    exporter = Recording(endpoint=f"{endpoint}/v1/traces", compression=compression)
    Recording.results = []
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("otlp-exporters-test")
    with tracer.start_as_current_span(name, attributes={"gen_ai.operation.name": "invoke_agent"}) as root:
        with tracer.start_as_current_span(f"{name}.child", attributes={"tokens": 7}):
            pass
        trace_id = format(root.get_span_context().trace_id, "032x")
    provider.shutdown()
    return {"ok": all(Recording.results) and len(Recording.results) == 2, "traceId": trace_id}


out["gzip"] = traces(Compression.Gzip, "gzip.root")
out["deflate"] = traces(Compression.Deflate, "deflate.root")

# Logs, inside a span so each record carries its trace and span ids.
log_exporter = OTLPLogExporter(
    endpoint=f"{endpoint}/v1/logs",
    compression=Compression.Gzip,
    headers={"x-aws-log-group": log_group, "x-aws-log-stream": log_stream},
)
logger_provider = LoggerProvider(resource=resource)
logger_provider.add_log_record_processor(SimpleLogRecordProcessor(log_exporter))
logger = logging.getLogger("otlp-exporters-test")
logger.propagate = False
logger.addHandler(LoggingHandler(logger_provider=logger_provider))
logger.setLevel(logging.INFO)
tracer_provider = TracerProvider(resource=resource)
with tracer_provider.get_tracer("t").start_as_current_span("with.logs") as span:
    logger.info("the model said hello", extra={"session.id": "s-logs"})
    out["log"] = {
        "traceId": format(span.get_span_context().trace_id, "032x"),
        "spanId": format(span.get_span_context().span_id, "016x"),
    }
out["log"]["flushed"] = logger_provider.force_flush()
logger_provider.shutdown()

# Metrics: a sum, an up-down sum, a gauge, a histogram and an exponential
# histogram, exported once.
reader = InMemoryMetricReader()
meter_provider = MeterProvider(
    resource=resource,
    metric_readers=[reader],
    views=[View(instrument_name="latency.exp", aggregation=ExponentialBucketHistogramAggregation())],
)
meter = meter_provider.get_meter("otlp-exporters-test")
meter.create_counter("invocations").add(3, {"agent": "a"})
meter.create_up_down_counter("sessions.open").add(-1)
meter.create_gauge("queue.depth").set(5)
meter.create_histogram("latency", unit="ms").record(12.5)
meter.create_histogram("latency.exp", unit="ms").record(3.0)
data = reader.get_metrics_data()
metric_exporter = OTLPMetricExporter(endpoint=f"{endpoint}/v1/metrics", compression=Compression.Gzip)
out["metrics"] = {"ok": metric_exporter.export(data).name == "SUCCESS"}
meter_provider.shutdown()

logs = boto3.client(
    "logs",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="acclocal",
    aws_secret_access_key="acclocalsecret",
)
spans = logs.filter_log_events(logGroupName="aws/spans")["events"]
out["awsSpans"] = [json.loads(e["message"]) for e in spans]
records = logs.filter_log_events(logGroupName=log_group, logStreamNames=[log_stream])["events"]
out["logRecords"] = [json.loads(e["message"]) for e in records]
print(json.dumps(out))
