"""Error conformance of the acc local platform, as boto3 and the AWS CLI see it.

Usage: python3 tests/platform_conformance.py OPERATIONS_JSON RW_URL RO_URL

OPERATIONS_JSON lists every operation of the platform's operations table
(`[{"api": "ControlPlane", "name": "GetGateway", "access": "Read"}, ...]`);
RW_URL is a platform started with the demo workspace, RO_URL the same
started with `--readonly`. Every listed operation must have a case below:
a new operation without one fails this script.

For each operation of an AWS API (control plane and data plane restJson1,
CloudWatch Logs awsJson1.1) it goes down each error path that applies
(not found, validation, conflict, access denied in read-only mode) with
botocore, and checks that:
- `e.response["Error"]["Code"]` is the expected error,
- the exception is an instance of `client.exceptions.<Error>`,
- the error is one the operation's model lists, with the model's HTTP status,
- the wire carries the type where the protocol puts it (`x-amzn-errortype`
  for restJson1, the `__type` body member for awsJson1.1).
The platform's other APIs (OTLP, MCP, /local, the demo identity provider
and services) are checked over raw HTTP in their own error shapes. Then:
- operations the platform does not implement answer UnknownOperationException;
- an error answered before the request body arrived keeps the connection
  (botocore sends headers and body apart, and reuses connections);
- the AWS CLI, on a sample of operations per API: the error name on stderr
  and the exit code of a service error (254 for CLI v2, 255 for v1) or of a
  client-side failure.
Only AgentCore Memory throttles (ThrottledException, under a write load no
case here makes); the Rust tests cover it.
"""

import http.client
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Callable, Optional

import boto3
import botocore.config
import botocore.exceptions
from aws_cli_env import aws_cli_env

OPERATIONS = json.loads(sys.argv[1])
RW, RO = sys.argv[2], sys.argv[3]

ROLE_ARN = "arn:aws:iam::000000000000:role/ConformanceRole"
LAMBDA_ARN = "arn:aws:lambda:us-east-1:000000000000:function:conformance-tools"
MISSING_GATEWAY = "missing-gateway-abcde12345"
MISSING_TARGET = "ABCDE12345"
MISSING_ENGINE = "missing_engine-abcde12345"
MISSING_POLICY = "missing_policy-abcde12345"
MISSING_RUNTIME = "missing_runtime-abcde12345"
MISSING_RUNTIME_ARN = f"arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/{MISSING_RUNTIME}"
SESSION = "conformance-session-0000000000000000000"
INVALID = "not a valid identifier!"

SERVICES = {
    "ControlPlane": "bedrock-agentcore-control",
    "DataPlane": "bedrock-agentcore",
    "CloudWatchLogs": "logs",
}
FAILURES = []
CHECKS = 0


def check(condition, what):
    global CHECKS
    CHECKS += 1
    if not condition:
        FAILURES.append(what)


class Wire:
    """The raw HTTP response of a client's last call (for the error's wire form)."""

    def __init__(self):
        self.status = None
        self.headers = {}
        self.body = b""

    def capture(self, http_response, **_):
        self.status = http_response.status_code
        self.headers = {k.lower(): v for k, v in http_response.headers.items()}
        self.body = http_response.content


def client(service, endpoint):
    c = boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="acclocal",
        aws_secret_access_key="acclocalsecret",
        # The server, not botocore, must refuse bad input.
        config=botocore.config.Config(
            parameter_validation=False, retries={"total_max_attempts": 1}
        ),
    )
    c.wire = Wire()
    c.meta.events.register("after-call", lambda **kw: c.wire.capture(**kw) if "http_response" in kw else None)
    return c


CLIENTS = {
    (api, url): client(service, url) for api, service in SERVICES.items() for url in (RW, RO)
}


# --- the resources the error paths need, made through the API ---------------

control = CLIENTS["ControlPlane", RW]
tool_schema = {
    "inlinePayload": [
        {
            "name": "lookup",
            "description": "Look a record up",
            "inputSchema": {"type": "object", "properties": {"id": {"type": "string"}}},
        }
    ]
}
TARGET_CONFIG = {"mcp": {"lambda": {"lambdaArn": LAMBDA_ARN, "toolSchema": tool_schema}}}
GATEWAY = control.create_gateway(
    name="conformance-gw", roleArn=ROLE_ARN, protocolType="MCP", authorizerType="NONE"
)["gatewayId"]
TARGET = control.create_gateway_target(
    gatewayIdentifier=GATEWAY, name="conformance-target", targetConfiguration=TARGET_CONFIG
)["targetId"]
control.create_gateway_target(gatewayIdentifier=GATEWAY, name="conformance-other", targetConfiguration=TARGET_CONFIG)
ENGINE = control.create_policy_engine(name="conformance_engine")["policyEngineId"]
POLICY = control.create_policy(
    policyEngineId=ENGINE,
    name="conformance_policy",
    definition={"cedar": {"statement": "permit(principal, action, resource);"}},
    validationMode="IGNORE_ALL_FINDINGS",
)["policyId"]
DEMO_RUNTIMES = {r["agentRuntimeName"]: r for r in control.list_agent_runtimes()["agentRuntimes"]}
RUNTIME = DEMO_RUNTIMES["concierge_agent"]["agentRuntimeId"]
RUNTIME_ARN = DEMO_RUNTIMES["concierge_agent"]["agentRuntimeArn"]
# The demo's JWT-authorized runtime, which refuses SigV4 callers (boto3).
JWT_RUNTIME_ARN = DEMO_RUNTIMES["triage_agent"]["agentRuntimeArn"]
ENDPOINT_NAME = "conformance_endpoint"
control.create_agent_runtime_endpoint(agentRuntimeId=RUNTIME, name=ENDPOINT_NAME)
ARTIFACT = {"containerConfiguration": {"containerUri": "native:/bin/true"}}
NETWORK = {"networkMode": "PUBLIC"}
GATEWAY_ARGS = dict(roleArn=ROLE_ARN, protocolType="MCP", authorizerType="NONE")
MISSING_MEMORY = "missing_memory-abcde12345"
MISSING_MEMORY_ARN = f"arn:aws:bedrock-agentcore:us-east-1:000000000000:memory/{MISSING_MEMORY}"
MEMORY = control.create_memory(name="conformance_memory", eventExpiryDuration=7)["memory"]["id"]
MISSING_RECORD = "mem-00000000-0000-0000-0000-000000000000"
TURN = [{"conversational": {"role": "USER", "content": {"text": "hello"}}}]
EVENT_ARGS = dict(actorId="conformance-actor", sessionId="conformance-session", eventTimestamp=1_800_000_000, payload=TURN)
RECORD = {"requestIdentifier": "r1", "namespaces": ["/conformance/"], "content": {"text": "a fact"}, "timestamp": 1_800_000_000}
SEVEN_STRATEGIES = [{"semanticMemoryStrategy": {"name": f"s{i}"}} for i in range(7)]
CEDAR = {"cedar": {"statement": "permit(principal, action, resource);"}}


# --- the cases ----------------------------------------------------------------


@dataclass
class Case:
    """One error path: `call(client)` must fail with `error`."""

    path: str
    error: str
    call: Callable
    # False where AgentCore answers an error the operation's model omits.
    modelled: bool = True


def nf(call, modelled=True):
    return Case("not found", "ResourceNotFoundException", call, modelled)


def bad(call, error="ValidationException"):
    return Case("validation", error, call)


def dup(call, error="ConflictException"):
    return Case("conflict", error, call)


# Every operation of the AWS APIs: its error paths on the writable platform.
# In read-only mode each write must answer AccessDeniedException and each read
# must answer as it does on a writable platform (its first case is replayed).
AWS_CASES = {
    # bedrock-agentcore-control: gateways.
    "ListGateways": [bad(lambda c: c.list_gateways(maxResults=0))],
    "CreateGateway": [
        bad(lambda c: c.create_gateway(name=INVALID, **GATEWAY_ARGS)),
        dup(lambda c: c.create_gateway(name="conformance-gw", **GATEWAY_ARGS)),
    ],
    "GetGateway": [
        nf(lambda c: c.get_gateway(gatewayIdentifier=MISSING_GATEWAY)),
        bad(lambda c: c.get_gateway(gatewayIdentifier=INVALID)),
    ],
    "UpdateGateway": [
        nf(lambda c: c.update_gateway(gatewayIdentifier=MISSING_GATEWAY, name="x-gw", **GATEWAY_ARGS)),
        bad(lambda c: c.update_gateway(gatewayIdentifier=GATEWAY, name=INVALID, **GATEWAY_ARGS)),
        dup(lambda c: c.update_gateway(gatewayIdentifier=GATEWAY, name="tenant-acme", **GATEWAY_ARGS)),
    ],
    "DeleteGateway": [
        nf(lambda c: c.delete_gateway(gatewayIdentifier=MISSING_GATEWAY)),
        bad(lambda c: c.delete_gateway(gatewayIdentifier=INVALID)),
        # A gateway with targets: AgentCore's ValidationException, reason ResourceConflict.
        Case("in use", "ValidationException", lambda c: c.delete_gateway(gatewayIdentifier=GATEWAY)),
    ],
    "ListGatewayTargets": [
        # The model of ListGatewayTargets omits ResourceNotFoundException,
        # which the service-wide exception class still parses.
        nf(lambda c: c.list_gateway_targets(gatewayIdentifier=MISSING_GATEWAY), modelled=False),
        bad(lambda c: c.list_gateway_targets(gatewayIdentifier=GATEWAY, maxResults=0)),
    ],
    "CreateGatewayTarget": [
        nf(
            lambda c: c.create_gateway_target(
                gatewayIdentifier=MISSING_GATEWAY, name="t", targetConfiguration=TARGET_CONFIG
            )
        ),
        bad(
            lambda c: c.create_gateway_target(
                gatewayIdentifier=GATEWAY, name=INVALID, targetConfiguration=TARGET_CONFIG
            )
        ),
        dup(
            lambda c: c.create_gateway_target(
                gatewayIdentifier=GATEWAY, name="conformance-target", targetConfiguration=TARGET_CONFIG
            )
        ),
    ],
    "GetGatewayTarget": [
        nf(lambda c: c.get_gateway_target(gatewayIdentifier=GATEWAY, targetId=MISSING_TARGET)),
        bad(lambda c: c.get_gateway_target(gatewayIdentifier=GATEWAY, targetId=INVALID)),
    ],
    "UpdateGatewayTarget": [
        nf(
            lambda c: c.update_gateway_target(
                gatewayIdentifier=GATEWAY, targetId=MISSING_TARGET, name="t", targetConfiguration=TARGET_CONFIG
            )
        ),
        bad(
            lambda c: c.update_gateway_target(
                gatewayIdentifier=GATEWAY, targetId=TARGET, name=INVALID, targetConfiguration=TARGET_CONFIG
            )
        ),
        dup(
            lambda c: c.update_gateway_target(
                gatewayIdentifier=GATEWAY, targetId=TARGET, name="conformance-other", targetConfiguration=TARGET_CONFIG
            )
        ),
    ],
    "DeleteGatewayTarget": [
        nf(lambda c: c.delete_gateway_target(gatewayIdentifier=GATEWAY, targetId=MISSING_TARGET)),
        bad(lambda c: c.delete_gateway_target(gatewayIdentifier=GATEWAY, targetId=INVALID)),
    ],
    "SynchronizeGatewayTargets": [
        nf(lambda c: c.synchronize_gateway_targets(gatewayIdentifier=GATEWAY, targetIdList=[MISSING_TARGET])),
        bad(lambda c: c.synchronize_gateway_targets(gatewayIdentifier=GATEWAY, targetIdList=[])),
    ],
    # Policy engines and policies.
    "ListPolicyEngines": [bad(lambda c: c.list_policy_engines(maxResults=0))],
    "CreatePolicyEngine": [
        bad(lambda c: c.create_policy_engine(name=INVALID)),
        dup(lambda c: c.create_policy_engine(name="conformance_engine")),
    ],
    "GetPolicyEngine": [
        nf(lambda c: c.get_policy_engine(policyEngineId=MISSING_ENGINE)),
        bad(lambda c: c.get_policy_engine(policyEngineId=INVALID)),
    ],
    "UpdatePolicyEngine": [
        nf(lambda c: c.update_policy_engine(policyEngineId=MISSING_ENGINE, description={"optionalValue": "d"})),
        bad(lambda c: c.update_policy_engine(policyEngineId=ENGINE, description={"optionalValue": "d" * 5000})),
    ],
    "DeletePolicyEngine": [
        nf(lambda c: c.delete_policy_engine(policyEngineId=MISSING_ENGINE)),
        bad(lambda c: c.delete_policy_engine(policyEngineId=INVALID)),
        Case("in use", "ConflictException", lambda c: c.delete_policy_engine(policyEngineId=ENGINE)),
    ],
    "ListPolicies": [
        nf(lambda c: c.list_policies(policyEngineId=MISSING_ENGINE)),
        bad(lambda c: c.list_policies(policyEngineId=ENGINE, maxResults=0)),
    ],
    "CreatePolicy": [
        nf(lambda c: c.create_policy(policyEngineId=MISSING_ENGINE, name="p", definition=CEDAR)),
        bad(lambda c: c.create_policy(policyEngineId=ENGINE, name=INVALID, definition=CEDAR)),
        bad(lambda c: c.create_policy(policyEngineId=ENGINE, name="p", definition={"cedar": {"statement": "permit("}})),
        dup(
            lambda c: c.create_policy(
                policyEngineId=ENGINE,
                name="conformance_policy",
                definition=CEDAR,
                validationMode="IGNORE_ALL_FINDINGS",
            )
        ),
    ],
    "GetPolicy": [
        nf(lambda c: c.get_policy(policyEngineId=ENGINE, policyId=MISSING_POLICY)),
        bad(lambda c: c.get_policy(policyEngineId=ENGINE, policyId=INVALID)),
    ],
    "UpdatePolicy": [
        nf(lambda c: c.update_policy(policyEngineId=ENGINE, policyId=MISSING_POLICY, definition=CEDAR)),
        bad(
            lambda c: c.update_policy(
                policyEngineId=ENGINE, policyId=POLICY, definition={"cedar": {"statement": "permit("}}
            )
        ),
    ],
    "DeletePolicy": [
        nf(lambda c: c.delete_policy(policyEngineId=ENGINE, policyId=MISSING_POLICY)),
        bad(lambda c: c.delete_policy(policyEngineId=ENGINE, policyId=INVALID)),
    ],
    # Agent runtimes and their endpoints.
    "ListAgentRuntimes": [bad(lambda c: c.list_agent_runtimes(maxResults=0))],
    "CreateAgentRuntime": [
        bad(
            lambda c: c.create_agent_runtime(
                agentRuntimeName=INVALID, agentRuntimeArtifact=ARTIFACT, roleArn=ROLE_ARN, networkConfiguration=NETWORK
            )
        ),
        dup(
            lambda c: c.create_agent_runtime(
                agentRuntimeName="concierge_agent",
                agentRuntimeArtifact=ARTIFACT,
                roleArn=ROLE_ARN,
                networkConfiguration=NETWORK,
            )
        ),
    ],
    "GetAgentRuntime": [
        nf(lambda c: c.get_agent_runtime(agentRuntimeId=MISSING_RUNTIME)),
        bad(lambda c: c.get_agent_runtime(agentRuntimeId=INVALID)),
    ],
    "UpdateAgentRuntime": [
        nf(
            lambda c: c.update_agent_runtime(
                agentRuntimeId=MISSING_RUNTIME, agentRuntimeArtifact=ARTIFACT, roleArn=ROLE_ARN, networkConfiguration=NETWORK
            )
        ),
        bad(
            lambda c: c.update_agent_runtime(
                agentRuntimeId=RUNTIME, agentRuntimeArtifact=ARTIFACT, roleArn="not-an-arn", networkConfiguration=NETWORK
            )
        ),
    ],
    # DeleteAgentRuntime models no ValidationException.
    "DeleteAgentRuntime": [nf(lambda c: c.delete_agent_runtime(agentRuntimeId=MISSING_RUNTIME))],
    "ListAgentRuntimeVersions": [
        nf(lambda c: c.list_agent_runtime_versions(agentRuntimeId=MISSING_RUNTIME)),
        bad(lambda c: c.list_agent_runtime_versions(agentRuntimeId=RUNTIME, maxResults=0)),
    ],
    # ListAgentRuntimeEndpoints models no ResourceNotFoundException.
    "ListAgentRuntimeEndpoints": [
        bad(lambda c: c.list_agent_runtime_endpoints(agentRuntimeId=RUNTIME, maxResults=0)),
    ],
    "CreateAgentRuntimeEndpoint": [
        nf(lambda c: c.create_agent_runtime_endpoint(agentRuntimeId=MISSING_RUNTIME, name="ep")),
        bad(lambda c: c.create_agent_runtime_endpoint(agentRuntimeId=RUNTIME, name=INVALID)),
        dup(lambda c: c.create_agent_runtime_endpoint(agentRuntimeId=RUNTIME, name=ENDPOINT_NAME)),
    ],
    "GetAgentRuntimeEndpoint": [
        nf(lambda c: c.get_agent_runtime_endpoint(agentRuntimeId=RUNTIME, endpointName="missing_endpoint")),
        bad(lambda c: c.get_agent_runtime_endpoint(agentRuntimeId=RUNTIME, endpointName=INVALID)),
    ],
    # bedrock-agentcore (data plane).
    "InvokeAgentRuntime": [
        nf(lambda c: c.invoke_agent_runtime(agentRuntimeArn=MISSING_RUNTIME_ARN, payload=b"{}")),
        bad(lambda c: c.invoke_agent_runtime(agentRuntimeArn=RUNTIME_ARN, runtimeSessionId="short", payload=b"{}")),
        Case(
            "access denied (JWT runtime, SigV4 caller)",
            "AccessDeniedException",
            lambda c: c.invoke_agent_runtime(agentRuntimeArn=JWT_RUNTIME_ARN, runtimeSessionId=SESSION, payload=b"{}"),
        ),
    ],
    "StopRuntimeSession": [
        nf(lambda c: c.stop_runtime_session(agentRuntimeArn=RUNTIME_ARN, runtimeSessionId=SESSION)),
        bad(lambda c: c.stop_runtime_session(agentRuntimeArn=RUNTIME_ARN, runtimeSessionId="short")),
        Case(
            "access denied (JWT runtime, SigV4 caller)",
            "AccessDeniedException",
            lambda c: c.stop_runtime_session(agentRuntimeArn=JWT_RUNTIME_ARN, runtimeSessionId=SESSION),
        ),
    ],
    # AgentCore Memory: the control plane.
    "CreateMemory": [
        bad(lambda c: c.create_memory(name=INVALID, eventExpiryDuration=7)),
        # A duplicate name is a ValidationException that says "already exists" (the SDK matches it).
        Case("conflict", "ValidationException", lambda c: c.create_memory(name="conformance_memory", eventExpiryDuration=7)),
        Case(
            "quota",
            "ServiceQuotaExceededException",
            lambda c: c.create_memory(name="crowded", eventExpiryDuration=7, memoryStrategies=SEVEN_STRATEGIES),
        ),
    ],
    "GetMemory": [nf(lambda c: c.get_memory(memoryId=MISSING_MEMORY)), bad(lambda c: c.get_memory(memoryId=INVALID))],
    "ListMemories": [bad(lambda c: c.list_memories(maxResults=0))],
    "UpdateMemory": [
        nf(lambda c: c.update_memory(memoryId=MISSING_MEMORY, description="d")),
        bad(lambda c: c.update_memory(memoryId=MEMORY, eventExpiryDuration=1)),
    ],
    "DeleteMemory": [nf(lambda c: c.delete_memory(memoryId=MISSING_MEMORY)), bad(lambda c: c.delete_memory(memoryId=INVALID))],
    "ListTagsForResource": [
        nf(lambda c: c.list_tags_for_resource(resourceArn=MISSING_MEMORY_ARN)),
        bad(lambda c: c.list_tags_for_resource(resourceArn="not-an-arn")),
    ],
    "TagResource": [
        nf(lambda c: c.tag_resource(resourceArn=MISSING_MEMORY_ARN, tags={"k": "v"})),
        bad(lambda c: c.tag_resource(resourceArn="not-an-arn", tags={"k": "v"})),
    ],
    "UntagResource": [
        nf(lambda c: c.untag_resource(resourceArn=MISSING_MEMORY_ARN, tagKeys=["k"])),
        bad(lambda c: c.untag_resource(resourceArn="not-an-arn", tagKeys=["k"])),
    ],
    # AgentCore Memory: the data plane.
    "CreateEvent": [
        nf(lambda c: c.create_event(memoryId=MISSING_MEMORY, **EVENT_ARGS)),
        bad(lambda c: c.create_event(memoryId=MEMORY, **{**EVENT_ARGS, "actorId": ":bad"})),
    ],
    "GetEvent": [
        nf(lambda c: c.get_event(memoryId=MEMORY, actorId="a", sessionId="s", eventId="1#0a")),
        bad(lambda c: c.get_event(memoryId=MEMORY, actorId="a", sessionId="s", eventId="not-an-event")),
    ],
    "DeleteEvent": [
        nf(lambda c: c.delete_event(memoryId=MEMORY, actorId="a", sessionId="s", eventId="1#0a")),
        bad(lambda c: c.delete_event(memoryId=MEMORY, actorId="a", sessionId="s", eventId="not-an-event")),
    ],
    "ListEvents": [
        nf(lambda c: c.list_events(memoryId=MISSING_MEMORY, actorId="a", sessionId="s")),
        bad(lambda c: c.list_events(memoryId=MEMORY, actorId="a", sessionId="s", maxResults=101)),
    ],
    "ListActors": [nf(lambda c: c.list_actors(memoryId=MISSING_MEMORY)), bad(lambda c: c.list_actors(memoryId=MEMORY, maxResults=0))],
    "ListSessions": [
        nf(lambda c: c.list_sessions(memoryId=MISSING_MEMORY, actorId="a")),
        bad(lambda c: c.list_sessions(memoryId=MEMORY, actorId="a", maxResults=0)),
    ],
    "RetrieveMemoryRecords": [
        nf(lambda c: c.retrieve_memory_records(memoryId=MISSING_MEMORY, namespace="/x/", searchCriteria={"searchQuery": "q"})),
        bad(lambda c: c.retrieve_memory_records(memoryId=MEMORY, namespace="/x/", searchCriteria={"searchQuery": "q", "topK": 0})),
    ],
    "ListMemoryRecords": [
        nf(lambda c: c.list_memory_records(memoryId=MISSING_MEMORY, namespace="/x/")),
        bad(lambda c: c.list_memory_records(memoryId=MEMORY, namespace="/x/", maxResults=0)),
    ],
    "GetMemoryRecord": [
        nf(lambda c: c.get_memory_record(memoryId=MEMORY, memoryRecordId=MISSING_RECORD)),
        bad(lambda c: c.get_memory_record(memoryId=MEMORY, memoryRecordId="mem-short")),
    ],
    "DeleteMemoryRecord": [
        nf(lambda c: c.delete_memory_record(memoryId=MEMORY, memoryRecordId=MISSING_RECORD)),
        bad(lambda c: c.delete_memory_record(memoryId=MEMORY, memoryRecordId="mem-short")),
    ],
    "BatchCreateMemoryRecords": [
        nf(lambda c: c.batch_create_memory_records(memoryId=MISSING_MEMORY, records=[RECORD])),
        bad(lambda c: c.batch_create_memory_records(memoryId=MEMORY, records=[RECORD] * 101)),
    ],
    "BatchUpdateMemoryRecords": [
        nf(
            lambda c: c.batch_update_memory_records(
                memoryId=MISSING_MEMORY, records=[{"memoryRecordId": MISSING_RECORD, "timestamp": 1_800_000_000}]
            )
        ),
        bad(lambda c: c.batch_update_memory_records(memoryId=MEMORY, records=[{"memoryRecordId": "x", "timestamp": 1}])),
    ],
    "BatchDeleteMemoryRecords": [
        nf(lambda c: c.batch_delete_memory_records(memoryId=MISSING_MEMORY, records=[{"memoryRecordId": MISSING_RECORD}])),
        bad(lambda c: c.batch_delete_memory_records(memoryId=MEMORY, records=[{"memoryRecordId": "x"}])),
    ],
    "ListMemoryExtractionJobs": [
        nf(lambda c: c.list_memory_extraction_jobs(memoryId=MISSING_MEMORY)),
        bad(lambda c: c.list_memory_extraction_jobs(memoryId=MEMORY, maxResults=0)),
    ],
    "StartMemoryExtractionJob": [
        nf(lambda c: c.start_memory_extraction_job(memoryId=MEMORY, extractionJob={"jobId": "missing-job"})),
        bad(lambda c: c.start_memory_extraction_job(memoryId=MEMORY, extractionJob={})),
    ],
    # CloudWatch Logs (awsJson1.1): reads only, so never refused read-only.
    "DescribeLogGroups": [
        bad(lambda c: c.describe_log_groups(limit=0), "InvalidParameterException"),
        bad(lambda c: c.describe_log_groups(logGroupNamePrefix="bad name!"), "InvalidParameterException"),
    ],
    "DescribeLogStreams": [
        nf(lambda c: c.describe_log_streams(logGroupName="/conformance/missing")),
        bad(lambda c: c.describe_log_streams(logGroupName="bad name!"), "InvalidParameterException"),
    ],
    "FilterLogEvents": [
        nf(lambda c: c.filter_log_events(logGroupName="/conformance/missing")),
        bad(
            lambda c: c.filter_log_events(logGroupName="/conformance/missing", startTime=10, endTime=1),
            "InvalidParameterException",
        ),
    ],
    "GetLogEvents": [
        nf(lambda c: c.get_log_events(logGroupName="/conformance/missing", logStreamName="s")),
        bad(lambda c: c.get_log_events(logGroupName="/conformance/missing"), "InvalidParameterException"),
    ],
    # Logs Insights: the platform answers the trace-summary query on aws/spans.
    "StartQuery": [
        bad(
            lambda c: c.start_query(logGroupName="aws/spans", startTime=0, endTime=1, queryString="fields @message"),
            "MalformedQueryException",
        ),
        bad(
            lambda c: c.start_query(logGroupName="aws/spans", startTime=10, endTime=1, queryString="fields @message"),
            "InvalidParameterException",
        ),
    ],
    "GetQueryResults": [
        nf(lambda c: c.get_query_results(queryId="00000000-0000-0000-0000-000000000000")),
        bad(lambda c: c.get_query_results(queryId=""), "InvalidParameterException"),
    ],
    "StopQuery": [
        nf(lambda c: c.stop_query(queryId="00000000-0000-0000-0000-000000000000")),
        bad(lambda c: c.stop_query(queryId=""), "InvalidParameterException"),
    ],
}


def expect_error(api, url, op, case):
    """Run `case` against the platform at `url` and check the error it gets."""
    c = CLIENTS[api, url]
    c.wire = Wire()
    mode = "read-only" if url == RO else "writable"
    label = f"{SERVICES[api]} {op} [{case.path}, {mode}]"
    try:
        case.call(c)
    except botocore.exceptions.ClientError as e:
        code = e.response["Error"]["Code"]
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        check(code == case.error, f"{label}: Error.Code {code!r}, expected {case.error} (HTTP {status}, body {c.wire.body[:300]!r})")
        modelled = getattr(c.exceptions, case.error, None)
        check(modelled is not None, f"{label}: botocore models no {case.error} for {SERVICES[api]}")
        if modelled is not None:
            check(isinstance(e, modelled), f"{label}: {type(e).__name__} is not client.exceptions.{case.error}")
        model = c.meta.service_model
        op_model = model.operation_model(op)
        check(
            not case.modelled or case.error in [s.name for s in op_model.error_shapes],
            f"{label}: {op} does not model {case.error} (it models {sorted(s.name for s in op_model.error_shapes)})",
        )
        shape = next((s for s in op_model.error_shapes if s.name == case.error), None)
        wanted_status = shape and shape.metadata.get("error", {}).get("httpStatusCode")
        if wanted_status:
            check(status == wanted_status, f"{label}: HTTP {status}, the model says {wanted_status} for {case.error}")
        check(c.wire.status == status, f"{label}: the wire status {c.wire.status} is not the parsed {status}")
        protocol = model.metadata["protocol"]
        if protocol == "rest-json":
            header = c.wire.headers.get("x-amzn-errortype", "")
            check(header.split(":")[0] == case.error, f"{label}: x-amzn-errortype {header!r}")
        else:
            try:
                wire_type = json.loads(c.wire.body).get("__type", "")
            except ValueError:
                wire_type = None
            check(
                wire_type is not None and wire_type.split("#")[-1] == case.error,
                f"{label}: the awsJson body has __type {wire_type!r}, expected {case.error}: {c.wire.body[:300]!r}",
            )
        return
    except botocore.exceptions.BotoCoreError as e:
        check(False, f"{label}: botocore could not parse the answer: {e!r}")
        return
    check(False, f"{label}: succeeded, expected {case.error}")


# --- the platform's other APIs, in their own error shapes (raw HTTP) ----------


@dataclass
class Raw:
    """A raw request and the answer it must get: a status and a check of the body."""

    path: str
    method: str
    route: str
    status: int
    shape: Callable  # (headers, body) -> bool
    body: Optional[bytes] = None
    content_type: str = "application/json"
    url: str = RW


def raw(case):
    headers = {"content-type": case.content_type, "accept": "application/json, text/event-stream"}
    if case.route.startswith("/gateways/"):
        headers["authorization"] = f"Bearer {TOKENS[case.url]}"
    request = urllib.request.Request(case.url + case.route, data=case.body, method=case.method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def rest_error(kind):
    return lambda headers, body: headers.get("x-amzn-errortype") == kind and "message" in json.loads(body)


def jsonrpc_error(code):
    return lambda headers, body: json.loads(body)["error"]["code"] == code


def otlp_status(headers, body):
    # google.rpc.Status in JSON (the request's encoding): a message.
    return "message" in json.loads(body)


def json_message(headers, body):
    return "message" in json.loads(body) or "error" in json.loads(body)


def answers(headers, body):
    return True


def mcp(method, params=None, id=1):
    message = {"jsonrpc": "2.0", "method": method}
    if id is not None:
        message["id"] = id
    if params is not None:
        message["params"] = params
    return json.dumps(message).encode()


# The demo's CUSTOM_JWT gateway, called with a token of the demo identity provider.
DEMO_GATEWAY = "enterprise-hub"
DEMO_CLIENT = "ops-assistant"
OTLP_JSON = b"{not json"
SEARCH = {"name": "x_amz_bedrock_agentcore_search", "arguments": {"query": "ticket"}}
MISSING_SESSION = "missing-session-00000000000000000000000"

RAW_CASES = {
    # name -> cases; {gw} in a route is the demo gateway's id.
    "ExportTraces": [
        Raw("validation", "POST", "/v1/traces", 400, otlp_status, OTLP_JSON),
        Raw("access denied", "POST", "/v1/traces", 403, otlp_status, b"{}", url=RO),
    ],
    "ExportLogs": [
        Raw("validation", "POST", "/v1/logs", 400, otlp_status, OTLP_JSON),
        Raw("access denied", "POST", "/v1/logs", 403, otlp_status, b"{}", url=RO),
    ],
    "ExportMetrics": [
        Raw("validation", "POST", "/v1/metrics", 400, otlp_status, OTLP_JSON),
        Raw("access denied", "POST", "/v1/metrics", 403, otlp_status, b"{}", url=RO),
    ],
    "McpPost": [
        Raw("not found", "POST", f"/gateways/{MISSING_GATEWAY}/mcp", 404, jsonrpc_error(-32600), mcp("ping")),
        Raw("validation", "POST", "/gateways/{gw}/mcp", 400, jsonrpc_error(-32700), b"{not json"),
    ],
    "McpGetStream": [Raw("method", "GET", "/gateways/{gw}/mcp", 405, answers)],
    "McpEndSession": [Raw("read-only", "DELETE", "/gateways/{gw}/mcp", 200, answers, url=RO)],
    "initialize": [
        Raw("read-only", "POST", "/gateways/{gw}/mcp", 200, lambda h, b: "result" in json.loads(b),
            mcp("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                               "clientInfo": {"name": "conformance", "version": "1"}}), url=RO),
    ],
    "ping": [Raw("read-only", "POST", "/gateways/{gw}/mcp", 200, answers, mcp("ping"), url=RO)],
    "tools/list": [
        Raw("validation", "POST", "/gateways/{gw}/mcp", 200, jsonrpc_error(-32602), mcp("tools/list", {"cursor": 5})),
    ],
    "notifications/*": [
        Raw("read-only", "POST", "/gateways/{gw}/mcp", 202, answers, mcp("notifications/initialized", id=None), url=RO),
    ],
    "tools/call": [
        Raw("not found", "POST", "/gateways/{gw}/mcp", 200, jsonrpc_error(-32602), mcp("tools/call", {"name": "nope___nothing"})),
        # Refused per message, in JSON-RPC: the batch's other messages are served.
        Raw("access denied", "POST", "/gateways/{gw}/mcp", 200, jsonrpc_error(-32001), mcp("tools/call", {"name": "nope___nothing"}), url=RO),
    ],
    "tools/call x_amz_bedrock_agentcore_search": [
        Raw("read-only", "POST", "/gateways/{gw}/mcp", 200, lambda h, b: "result" in json.loads(b), mcp("tools/call", SEARCH), url=RO),
    ],
    "ListRuntimeSessions": [Raw("read-only", "GET", "/local/runtime-sessions", 200, answers, url=RO)],
    "GetRuntimeSession": [
        Raw("not found", "GET", f"/local/runtime-sessions/{MISSING_SESSION}", 404, rest_error("ResourceNotFoundException")),
        Raw("validation", "GET", "/local/runtime-sessions/short", 400, rest_error("ValidationException")),
    ],
    "ListSpans": [Raw("read-only", "GET", "/local/spans", 200, answers, url=RO)],
    "GetOtlpStats": [Raw("read-only", "GET", "/local/otlp", 200, answers, url=RO)],
    "ListMetricPoints": [Raw("read-only", "GET", "/local/metrics", 200, answers, url=RO)],
    "OpenIdConfiguration": [Raw("read-only", "GET", "/demo/idp/.well-known/openid-configuration", 200, answers, url=RO)],
    "Jwks": [Raw("read-only", "GET", "/demo/idp/jwks.json", 200, answers, url=RO)],
    "Token": [
        Raw(
            "bad client",
            "POST",
            "/demo/idp/token",
            401,
            lambda h, b: json.loads(b)["error"] == "invalid_client",
            b"grant_type=client_credentials&client_id=nobody&client_secret=wrong",
            "application/x-www-form-urlencoded",
        ),
    ],
    "ListWarehouses": [Raw("read-only", "GET", "/demo/inventory/v1/warehouses", 200, answers, url=RO)],
    "SearchItems": [Raw("read-only", "GET", "/demo/inventory/v1/items?q=chair", 200, answers, url=RO)],
    "GetItem": [Raw("not found", "GET", "/demo/inventory/v1/items/NW-NONE-0000", 404, json_message)],
    "SetReorderPoint": [
        Raw("access denied", "PUT", "/demo/inventory/v1/items/NW-CHR-0042/reorder-point", 403, rest_error("AccessDeniedException"), b'{"reorderPoint": 3}', url=RO),
    ],
    "ReserveStock": [
        Raw("access denied", "POST", "/demo/inventory/v1/reservations", 403, rest_error("AccessDeniedException"), b'{"sku": "NW-CHR-0042", "quantity": 1}', url=RO),
    ],
    "ReleaseReservation": [
        Raw("access denied", "DELETE", "/demo/inventory/v1/reservations/rsv-1", 403, rest_error("AccessDeniedException"), url=RO),
    ],
    "KnowledgeBaseMcp": [
        Raw("validation", "POST", "/demo/knowledge-base/mcp", 200, jsonrpc_error(-32600), b'{"jsonrpc": "1.0", "id": 1, "method": "ping"}'),
    ],
}


def demo_gateway_id(url):
    c = CLIENTS["ControlPlane", url]
    return next(g["gatewayId"] for g in c.list_gateways()["items"] if g["name"] == DEMO_GATEWAY)


def demo_token(url):
    form = f"grant_type=client_credentials&client_id={DEMO_CLIENT}&client_secret=acc-demo".encode()
    request = urllib.request.Request(
        url + "/demo/idp/token", data=form, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["access_token"]


GATEWAY_IDS = {RW: demo_gateway_id(RW), RO: demo_gateway_id(RO)}
TOKENS = {RW: demo_token(RW), RO: demo_token(RO)}


def expect_raw(api, op, case):
    mode = "read-only" if case.url == RO else "writable"
    label = f"{api} {op} [{case.path}, {mode}]"
    case = Raw(**{**case.__dict__, "route": case.route.replace("{gw}", GATEWAY_IDS[case.url])})
    status, headers, body = raw(case)
    check(status == case.status, f"{label}: HTTP {status}, expected {case.status}: {body[:300]!r}")
    try:
        ok = case.shape(headers, body)
    except (ValueError, KeyError, TypeError) as e:
        ok = False
        body = body + f" ({e!r})".encode()
    check(ok, f"{label}: the answer is not in the API's error shape: {headers.get('content-type')} {body[:300]!r}")


# --- run every operation's cases ------------------------------------------------

covered = {}
for operation in OPERATIONS:
    api, op, access = operation["api"], operation["name"], operation["access"]
    if api in SERVICES:
        cases = AWS_CASES.get(op)
        if not cases:
            check(False, f"{api} {op} is in the operations table but has no conformance case")
            continue
        for case in cases:
            expect_error(api, RW, op, case)
        if access == "Write":
            # Any well-formed request: the refusal comes before the handler.
            refused = Case("access denied", "AccessDeniedException", cases[0].call)
            expect_error(api, RO, op, refused)
        else:
            expect_error(api, RO, op, cases[0])
        covered.setdefault(api, []).append((op, len(cases) + 1))
    else:
        cases = RAW_CASES.get(op)
        if not cases:
            check(False, f"{api} {op} is in the operations table but has no conformance case")
            continue
        for case in cases:
            expect_raw(api, op, case)
        covered.setdefault(api, []).append((op, len(cases)))

known = {o["name"] for o in OPERATIONS}
for stale in (set(AWS_CASES) | set(RAW_CASES)) - known:
    check(False, f"a conformance case names {stale}, which the operations table does not list")


# --- operations the platform does not implement ------------------------------------
# They answer UnknownOperationException naming the operation, which botocore
# parses as the error's code (not a bare HTTP status), on each protocol.

UNIMPLEMENTED = [
    ("ControlPlane", "ListBrowsers", lambda c: c.list_browsers()),
    ("DataPlane", "ListBrowserSessions", lambda c: c.list_browser_sessions(browserIdentifier="aws.browser.v1")),
    ("CloudWatchLogs", "CreateLogGroup", lambda c: c.create_log_group(logGroupName="/conformance/new")),
]
for api, op, call in UNIMPLEMENTED:
    for url in (RW, RO):
        c = CLIENTS[api, url]
        label = f"{SERVICES[api]} {op} [unimplemented, {'read-only' if url == RO else 'writable'}]"
        if url == RO and api == "CloudWatchLogs":
            # The route is served; an X-Amz-Target the table does not know
            # counts as a write, refused read-only.
            expect_error(api, RO, op, Case("unimplemented", "AccessDeniedException", call, modelled=False))
            continue
        try:
            call(c)
            check(False, f"{label}: succeeded")
        except botocore.exceptions.ClientError as e:
            code, message = e.response["Error"]["Code"], e.response["Error"].get("Message", "")
            check(code == "UnknownOperationException", f"{label}: Error.Code {code!r}: {c.wire.body[:300]!r}")
            check("not an operation" in message, f"{label}: the message does not say so: {message!r}")


# --- an early error keeps the connection -------------------------------------------
# botocore writes a request's headers and its body in two sends, and reuses
# the connection for the next call. An error answered before the body has
# arrived must still leave the connection usable: the next request on it is
# answered, not met with a closed socket (ConnectionClosedError without
# retries). Each case sends its body a moment after the headers, as a
# slow network would, then a second request on the same connection.


def early_error_keeps_connection(url, method, route, headers, body, status):
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest(method, route)
    for k, v in {**headers, "content-type": "application/json", "content-length": str(len(body))}.items():
        conn.putheader(k, v)
    conn.endheaders()
    time.sleep(0.1)  # the stimulus: the body arrives late, not a wait for the server
    conn.send(body)
    first = conn.getresponse()
    first.read()
    label = f"{method} {route} with a late body ({'read-only' if url == RO else 'writable'})"
    check(first.status == status, f"{label}: HTTP {first.status}, expected {status}")
    try:
        conn.request("GET", "/gateways")
        second = conn.getresponse()
        second.read()
        check(second.status == 200, f"{label}: the next request on the connection got HTTP {second.status}")
    except (ConnectionError, http.client.HTTPException) as e:
        check(False, f"{label}: the platform closed the connection before the next request: {e!r}")
    conn.close()


ARN_PATH = urllib.parse.quote(RUNTIME_ARN, safe="")
GATEWAY_JSON = json.dumps({"name": "late-gw", **GATEWAY_ARGS}).encode()
for url, method, route, headers, body, status in [
    # StopRuntimeSession's id is in a header; its body holds the clientToken.
    (RW, "POST", f"/runtimes/{ARN_PATH}/stopruntimesession",
     {"x-amzn-bedrock-agentcore-runtime-session-id": "short"}, b'{"clientToken": "late-body"}', 400),
    (RW, "POST", f"/runtimes/{ARN_PATH}/stopruntimesession",
     {"x-amzn-bedrock-agentcore-runtime-session-id": SESSION}, b'{"clientToken": "late-body"}', 404),
    (RW, "PUT", f"/gateways/{urllib.parse.quote(INVALID)}/", {}, GATEWAY_JSON, 400),
    (RO, "POST", "/gateways/", {}, GATEWAY_JSON, 403),
]:
    early_error_keeps_connection(url, method, route, headers, body, status)


# --- the AWS CLI on a sample of operations per API --------------------------------

env = aws_cli_env(AWS_MAX_ATTEMPTS="1")

# AWS CLI v2 exits 254 on a service error and 252 on a usage error; v1
# exits 255 and 2 (argparse), respectively.
CLI_V2 = subprocess.run(["aws", "--version"], capture_output=True, text=True).stdout.startswith("aws-cli/2")
SERVICE_ERROR, USAGE_ERROR = (254, 252) if CLI_V2 else (255, 2)

CLI_CASES = [
    # (url, argv, exit code, error name in stderr)
    (RW, ["bedrock-agentcore-control", "get-gateway", "--gateway-identifier", MISSING_GATEWAY], SERVICE_ERROR, "ResourceNotFoundException"),
    (RW, ["bedrock-agentcore-control", "create-gateway", "--name", "conformance-gw", "--role-arn", ROLE_ARN,
          "--protocol-type", "MCP", "--authorizer-type", "NONE"], SERVICE_ERROR, "ConflictException"),
    (RW, ["bedrock-agentcore-control", "delete-policy-engine", "--policy-engine-id", ENGINE], SERVICE_ERROR, "ConflictException"),
    (RW, ["bedrock-agentcore-control", "get-policy-engine", "--policy-engine-id", INVALID], SERVICE_ERROR, "ValidationException"),
    (RO, ["bedrock-agentcore-control", "delete-gateway", "--gateway-identifier", GATEWAY_IDS[RO]], SERVICE_ERROR, "AccessDeniedException"),
    (RO, ["bedrock-agentcore-control", "create-policy-engine", "--name", "cli_engine"], SERVICE_ERROR, "AccessDeniedException"),
    (RW, ["bedrock-agentcore", "stop-runtime-session", "--agent-runtime-arn", RUNTIME_ARN,
          "--runtime-session-id", SESSION], SERVICE_ERROR, "ResourceNotFoundException"),
    (RO, ["bedrock-agentcore", "stop-runtime-session", "--agent-runtime-arn", RUNTIME_ARN,
          "--runtime-session-id", SESSION], SERVICE_ERROR, "AccessDeniedException"),
    (RW, ["logs", "describe-log-streams", "--log-group-name", "/conformance/missing"], SERVICE_ERROR, "ResourceNotFoundException"),
    (RW, ["logs", "get-log-events", "--log-group-name", "/conformance/missing", "--log-stream-name", "s"], SERVICE_ERROR,
     "ResourceNotFoundException"),
    (RW, ["logs", "describe-log-groups", "--log-group-name-prefix", "bad name!"], SERVICE_ERROR, "InvalidParameterException"),
    (RO, ["logs", "filter-log-events", "--log-group-name", "/conformance/missing"], SERVICE_ERROR, "ResourceNotFoundException"),
    # Client-side failures, before any request: a usage error, and a
    # parameter botocore refuses (255 on either CLI).
    (RW, ["bedrock-agentcore-control", "get-gateway"], USAGE_ERROR, "--gateway-identifier"),
    (RW, ["logs", "describe-log-groups", "--limit", "0"], 255, "limit"),
]

cli_runs = 0
for url, argv, wanted, name in CLI_CASES:
    out = subprocess.run(
        ["aws", *argv, "--endpoint-url", url, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    cli_runs += 1
    what = f"aws {' '.join(argv[:2])} ({'read-only' if url == RO else 'writable'})"
    check(out.returncode == wanted, f"{what}: exit {out.returncode}, expected {wanted}: {out.stderr.strip()}")
    check(name in out.stderr, f"{what}: {name} is not on stderr: {out.stderr.strip()}")


for api, ops in covered.items():
    print(f"{api}: {len(ops)} operations, {sum(n for _, n in ops)} error paths")
print(f"aws cli: {cli_runs} runs")
if FAILURES:
    print(f"platform_conformance: {len(FAILURES)} of {CHECKS} checks failed:")
    for failure in FAILURES:
        print(f"  FAIL {failure}")
    sys.exit(1)
print(f"platform_conformance: {CHECKS} checks passed")
