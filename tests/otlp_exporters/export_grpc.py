"""The OpenTelemetry Python SDK's OTLP/gRPC exporters against the acc local
platform's gRPC port: one trace, and one log record with ADOT's
x-aws-log-group/x-aws-log-stream as metadata. Prints each export's result.

Usage: python export_grpc.py GRPC_ENDPOINT LOG_GROUP LOG_STREAM
"""

import json
import sys

from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import LogRecordExportResult, SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult

endpoint, log_group, log_stream = sys.argv[1:4]
resource = Resource.create({"service.name": "grpc_exporter.DEFAULT"})
out = {}

exporter = OTLPSpanExporter(endpoint=endpoint, insecure=True)
provider = TracerProvider(resource=resource)
results = []
original = exporter.export
exporter.export = lambda spans: results.append(original(spans)) or results[-1]
provider.add_span_processor(SimpleSpanProcessor(exporter))
with provider.get_tracer("grpc-test").start_as_current_span("grpc.root") as span:
    out["traceId"] = format(span.get_span_context().trace_id, "032x")
provider.shutdown()
out["traces"] = results == [SpanExportResult.SUCCESS]

log_exporter = OTLPLogExporter(
    endpoint=endpoint,
    insecure=True,
    headers=(("x-aws-log-group", log_group), ("x-aws-log-stream", log_stream)),
)
logger_provider = LoggerProvider(resource=resource)
log_results = []
original_logs = log_exporter.export
log_exporter.export = lambda batch: log_results.append(original_logs(batch)) or log_results[-1]
logger_provider.add_log_record_processor(SimpleLogRecordProcessor(log_exporter))
logger_provider.get_logger("grpc-test").emit(body="over grpc", severity_text="WARN")
logger_provider.shutdown()
out["logs"] = [r.name for r in log_results]
print(json.dumps(out))
