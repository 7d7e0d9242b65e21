"""Raw OTLP/gRPC: one ExportTraceServiceRequest written byte by byte and
sent with grpcio (the transport the OpenTelemetry Python SDK's gRPC
exporter uses), for messages no SDK would build: a single span carrying
ATTRIBUTES empty attributes (two bytes each on the wire, a few hundred in
memory once decoded). Prints the call's status code and details as JSON.

Usage: python grpc_raw.py HOST:PORT ATTRIBUTES gzip|none
"""

import json
import sys

import grpc

target, attributes, compression = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number, payload):
    """A length-delimited field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


span = (
    field(1, bytes(range(1, 17)))  # trace_id
    + field(2, bytes(range(1, 9)))  # span_id
    + field(5, b"wide")  # name
    + field(9, b"") * attributes  # attributes: empty KeyValues
)
request = field(1, field(2, field(2, span)))  # resource_spans / scope_spans / spans

channel = grpc.insecure_channel(
    target,
    options=[("grpc.max_send_message_length", 64 * 1024 * 1024)],
    compression=grpc.Compression.Gzip if compression == "gzip" else grpc.Compression.NoCompression,
)
export = channel.unary_unary(
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    request_serializer=None,
    response_deserializer=None,
)
try:
    export(request, timeout=30)
    print(json.dumps({"code": "OK", "bytes": len(request)}))
except grpc.RpcError as e:
    print(json.dumps({"code": e.code().name, "details": e.details(), "bytes": len(request)}))
