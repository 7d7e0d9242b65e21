"""boto3 and the AWS CLI against the acc local platform.

Usage: python3 tests/botocore_compat.py http://127.0.0.1:PORT

The platform must have the demo workspace seeded. Exits non-zero on the
first failed check. Run by tests/botocore_compat.rs.
"""

import datetime
import json
import os
import subprocess
import sys
import time

import boto3
import botocore.exceptions
from aws_cli_env import aws_cli_env

ENDPOINT = sys.argv[1]
ROLE_ARN = "arn:aws:iam::000000000000:role/BotoGatewayRole"
LAMBDA_ARN = "arn:aws:lambda:us-east-1:000000000000:function:boto-tools"
CHECKS = 0


def check(condition, what):
    global CHECKS
    if not condition:
        raise AssertionError(what)
    CHECKS += 1


def error_code(call, **kwargs):
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"].get("Message", "")
    raise AssertionError(f"{call.__name__} succeeded but should have failed")


def wait_ready(fetch, deadline_s=10.0):
    deadline = time.monotonic() + deadline_s
    while True:
        status = fetch()["status"]
        if status == "READY":
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"still {status}")
        time.sleep(0.025)


client = boto3.client(
    "bedrock-agentcore-control",
    endpoint_url=ENDPOINT,
    region_name="us-east-1",
    aws_access_key_id="acclocal",
    aws_secret_access_key="acclocalsecret",
)

# The demo workspace is visible.
names = [g["name"] for g in client.list_gateways()["items"]]
check("enterprise-hub" in names and "tenant-acme" in names, f"demo gateways in {names}")

# Create, then page through with a small page size.
created = []
for i in range(5):
    gw = client.create_gateway(
        name=f"boto-{i}",
        roleArn=ROLE_ARN,
        protocolType="MCP",
        authorizerType="NONE",
        description=f"created by boto3 #{i}",
    )
    check(gw["status"] == "CREATING", f"new gateway status {gw['status']}")
    check(gw["gatewayId"].startswith(f"boto-{i}-"), f"gateway id {gw['gatewayId']}")
    check(isinstance(gw["createdAt"], datetime.datetime), "createdAt parses as a timestamp")
    created.append(gw["gatewayId"])

pages = list(client.get_paginator("list_gateways").paginate(PaginationConfig={"PageSize": 2}))
check(len(pages) == 4, f"7 gateways in pages of 2 make 4 pages, got {len(pages)}")
paged_ids = [g["gatewayId"] for page in pages for g in page["items"]]
check(paged_ids[2:] == created, "pagination returns every gateway once, in creation order")

gateway_id = created[0]
wait_ready(lambda: client.get_gateway(gatewayIdentifier=gateway_id))
got = client.get_gateway(gatewayIdentifier=gateway_id)
check(got["gatewayArn"].endswith(f":gateway/{gateway_id}"), "gateway ARN")
check(got["gatewayUrl"] == f"{ENDPOINT}/gateways/{gateway_id}/mcp", f"gateway URL {got['gatewayUrl']}")

updated = client.update_gateway(
    gatewayIdentifier=gateway_id,
    name="boto-0",
    roleArn=ROLE_ARN,
    protocolType="MCP",
    authorizerType="AWS_IAM",
    description="updated by boto3",
)
check(updated["status"] == "UPDATING", "update answers UPDATING")
wait_ready(lambda: client.get_gateway(gatewayIdentifier=gateway_id))
got = client.get_gateway(gatewayIdentifier=gateway_id)
check(got["description"] == "updated by boto3" and got["authorizerType"] == "AWS_IAM", "update applied")

# Targets.
tool_schema = {
    "inlinePayload": [
        {
            "name": "lookup_invoice",
            "description": "Find an invoice",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "invoice_id": {"type": "string"},
                    "lines": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}},
                },
                "required": ["invoice_id"],
            },
        }
    ]
}
target_config = {"mcp": {"lambda": {"lambdaArn": LAMBDA_ARN, "toolSchema": tool_schema}}}
target = client.create_gateway_target(
    gatewayIdentifier=gateway_id, name="billing", targetConfiguration=target_config
)
target_id = target["targetId"]
check(len(target_id) == 10 and target["status"] == "CREATING", f"target {target_id}")
check(target["targetConfiguration"] == target_config, "target configuration round-trips")
wait_ready(lambda: client.get_gateway_target(gatewayIdentifier=gateway_id, targetId=target_id))
got_target = client.get_gateway_target(gatewayIdentifier=gateway_id, targetId=target_id)
check(got_target["targetConfiguration"] == target_config, "GetGatewayTarget returns it unchanged")

for i in range(3):
    client.create_gateway_target(
        gatewayIdentifier=gateway_id, name=f"extra-{i}", targetConfiguration=target_config
    )
target_pages = list(
    client.get_paginator("list_gateway_targets").paginate(
        gatewayIdentifier=gateway_id, PaginationConfig={"PageSize": 3}
    )
)
target_names = [t["name"] for page in target_pages for t in page["items"]]
check(target_names == ["billing", "extra-0", "extra-1", "extra-2"], f"targets {target_names}")
check(len(target_pages) == 2, "4 targets in pages of 3")

updated_target = client.update_gateway_target(
    gatewayIdentifier=gateway_id,
    targetId=target_id,
    name="billing-v2",
    description="renamed",
    targetConfiguration=target_config,
)
check(updated_target["name"] == "billing-v2" and updated_target["status"] == "UPDATING", "target update")
synced = client.synchronize_gateway_targets(gatewayIdentifier=gateway_id, targetIdList=[target_id])
check(synced["targets"][0]["targetId"] == target_id, "synchronize returns the target")

# Errors arrive as modelled exceptions.
code, _ = error_code(client.get_gateway, gatewayIdentifier="nothing-here-abcde12345")
check(code == "ResourceNotFoundException", f"unknown gateway: {code}")
try:
    client.get_gateway(gatewayIdentifier="nothing-here-abcde12345")
except client.exceptions.ResourceNotFoundException:
    check(True, "typed exception class")
code, _ = error_code(
    client.create_gateway, name="boto-1", roleArn=ROLE_ARN, authorizerType="NONE"
)
check(code == "ConflictException", f"duplicate name: {code}")
code, message = error_code(
    client.create_gateway, name="jwt-without-config", roleArn=ROLE_ARN, authorizerType="CUSTOM_JWT"
)
check(code == "ValidationException" and "authorizerConfiguration" in message, f"CUSTOM_JWT: {code} {message}")
code, message = error_code(client.delete_gateway, gatewayIdentifier=gateway_id)
check(code == "ValidationException" and "targets" in message, f"delete with targets: {code} {message}")

# Clean up through the API.
for page in client.get_paginator("list_gateway_targets").paginate(gatewayIdentifier=gateway_id):
    for t in page["items"]:
        deleted = client.delete_gateway_target(gatewayIdentifier=gateway_id, targetId=t["targetId"])
        check(deleted["status"] == "DELETING", "target delete answers DELETING")
for gid in created[1:]:
    deleted = client.delete_gateway(gatewayIdentifier=gid)
    check(deleted["status"] == "DELETING" and deleted["gatewayId"] == gid, "gateway delete")

# The AWS CLI.
env = aws_cli_env()


def aws(*args):
    out = subprocess.run(
        ["aws", "bedrock-agentcore-control", *args, "--endpoint-url", ENDPOINT, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if out.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed ({out.returncode}): {out.stderr}")
    return json.loads(out.stdout)


listed = aws("list-gateways", "--page-size", "1")
cli_names = sorted(g["name"] for g in listed["items"])
check(cli_names == ["boto-0", "enterprise-hub", "tenant-acme"], f"aws list-gateways: {cli_names}")
shown = aws("get-gateway", "--gateway-identifier", gateway_id)
check(shown["name"] == "boto-0" and shown["status"] == "READY", f"aws get-gateway: {shown['status']}")

print(f"botocore_compat: {CHECKS} checks passed")
