"""One session of an agent runtime, driven the way users drive AgentCore
from Python: boto3 creates the runtime from `containerUri`, invokes it
streaming with a session id, reads the agent's stdout through the
CloudWatch Logs API, and stops the session.

Usage: python3 boto3_session.py ENDPOINT CONTAINER_URI SESSION_ID GATEWAY_URL

Prints one JSON object: the runtime's ARN, the frames with their arrival
times (seconds after the invocation was sent), the agent's log line and its
stream, and what StopRuntimeSession answered. Run by
tests/platform/runtime_arm64_python.rs, which asserts on it.
"""

import json
import sys
import time

import boto3
from botocore.config import Config

ENDPOINT, URI, SESSION, GATEWAY = sys.argv[1:5]
# An emulated CPython cold start takes seconds; the first tool call imports
# the MCP client under qemu too.
CONFIG = Config(read_timeout=300, retries={"max_attempts": 1})
KEYS = dict(
    endpoint_url=ENDPOINT,
    region_name="us-east-1",
    aws_access_key_id="acclocal",
    aws_secret_access_key="acclocalsecret",
    config=CONFIG,
)
control = boto3.client("bedrock-agentcore-control", **KEYS)
data = boto3.client("bedrock-agentcore", **KEYS)
logs = boto3.client("logs", **KEYS)


created = control.create_agent_runtime(
    agentRuntimeName="arm64_python_agent",
    agentRuntimeArtifact={"containerConfiguration": {"containerUri": URI}},
    roleArn="arn:aws:iam::000000000000:role/Arm64PythonAgent",
    networkConfiguration={"networkMode": "PUBLIC"},
)
arn, runtime_id = created["agentRuntimeArn"], created["agentRuntimeId"]
ready_by = time.monotonic() + 30
while control.get_agent_runtime(agentRuntimeId=runtime_id)["status"] != "READY":
    if time.monotonic() > ready_by:
        raise SystemExit(f"runtime {runtime_id} never became READY")
    time.sleep(0.05)

payload = {
    "prompt": "what is the weather in Lyon",
    "gateway": GATEWAY,
    "tool": "weather___get_forecast",
    "arguments": {"id": "Lyon"},
}
sent = time.monotonic()
answer = data.invoke_agent_runtime(
    agentRuntimeArn=arn,
    runtimeSessionId=SESSION,
    contentType="application/json",
    accept="text/event-stream",
    payload=json.dumps(payload).encode(),
)
frames = []
# Small reads, as AWS's examples stream them: iter_lines' default 1 KiB
# read waits for 1 KiB (or the end) before yielding anything.
for line in answer["response"].iter_lines(chunk_size=10):
    if line.startswith(b"data: "):
        frames.append({"at": time.monotonic() - sent, "frame": json.loads(line[len(b"data: ") :])})

# The agent's stdout, as CloudWatch Logs serves it.
group = f"/aws/bedrock-agentcore/runtimes/{runtime_id}-DEFAULT"
wanted = f"invoked in session {SESSION}"
deadline = time.monotonic() + 10
log = None
while log is None:
    try:
        events = logs.filter_log_events(logGroupName=group)["events"]
        log = next((e for e in events if wanted in e["message"]), None)
    except logs.exceptions.ResourceNotFoundException:
        pass
    if log is None:
        if time.monotonic() > deadline:
            raise SystemExit(f"no log event containing {wanted!r} in {group}")
        time.sleep(0.05)

stopped = data.stop_runtime_session(agentRuntimeArn=arn, runtimeSessionId=SESSION)
print(
    json.dumps(
        {
            "arn": arn,
            "contentType": answer["contentType"],
            "sessionHeader": answer.get("runtimeSessionId"),
            "frames": frames,
            "log": {"message": log["message"], "stream": log["logStreamName"]},
            "stopped": {"status": stopped["ResponseMetadata"]["HTTPStatusCode"]},
        }
    )
)
