"""AgentCore Memory on the acc local platform through the AgentCore Python
SDK (`bedrock-agentcore`): `MemoryClient` and `MemorySessionManager`, pointed
at the platform only through boto3's standard environment variables
AWS_ENDPOINT_URL_BEDROCK_AGENTCORE and AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL.

Usage (with those variables and credentials set): python tests/memory_sdk.py
Prints one line per check and exits non-zero on the first failure.
"""

import os
import sys
import time

from bedrock_agentcore.memory import MemoryClient
from bedrock_agentcore.memory.constants import ConversationalMessage, MessageRole
from bedrock_agentcore.memory.session import MemorySessionManager

for name in ("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL"):
    assert os.environ.get(name, "").startswith("http://127.0.0.1"), f"{name} must name the local platform"

REGION = "us-east-1"
ACTOR, SESSION = "sdk-user-1", "sdk-session-1"
STRATEGIES = [
    {"semanticMemoryStrategy": {"name": "facts", "namespaces": ["/facts/{actorId}/"]}},
    {"userPreferenceMemoryStrategy": {"name": "prefs", "namespaces": ["/prefs/{actorId}/"]}},
    {"summaryMemoryStrategy": {"name": "summaries", "namespaces": ["/summaries/{actorId}/{sessionId}/"]}},
]


def ok(what):
    print(f"ok - {what}", flush=True)


def until(what, probe, within=15.0):
    """Poll `probe` until it returns something truthy (extraction is asynchronous)."""
    deadline = time.monotonic() + within
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: still {value!r} after {within}s"
        time.sleep(0.1)


client = MemoryClient(region_name=REGION)
memory = client.create_memory_and_wait(
    name="sdk_memory", strategies=STRATEGIES, description="made by the SDK", poll_interval=1, max_wait=30
)
assert memory["status"] == "ACTIVE", memory
memory_id = memory["id"]
assert memory_id.startswith("sdk_memory-"), memory_id
ok(f"create_memory_and_wait -> {memory_id} ACTIVE")

again = client.create_or_get_memory(name="sdk_memory", strategies=STRATEGIES)
assert again["id"] == memory_id, again
ok("create_or_get_memory finds the existing memory by its 'already exists' error")

first = client.create_event(
    memory_id=memory_id,
    actor_id=ACTOR,
    session_id=SESSION,
    messages=[("Hi, my order number is 35476.", "USER"), ("Thanks, I found order 35476.", "ASSISTANT")],
)
root = first["eventId"]
client.create_event(
    memory_id=memory_id,
    actor_id=ACTOR,
    session_id=SESSION,
    messages=[("I prefer email over phone calls.", "USER"), ("Email it is.", "ASSISTANT")],
)
turns = client.get_last_k_turns(memory_id=memory_id, actor_id=ACTOR, session_id=SESSION, k=2)
assert len(turns) == 2, turns
texts = [[m["content"]["text"] for m in turn] for turn in turns]
assert texts[0] == ["I prefer email over phone calls.", "Email it is."], texts
ok("create_event and get_last_k_turns (newest turn first)")

client.fork_conversation(
    memory_id=memory_id,
    actor_id=ACTOR,
    session_id=SESSION,
    root_event_id=root,
    branch_name="what_if",
    new_messages=[("What if I cancel it?", "USER"), ("Then you get a refund.", "ASSISTANT")],
)
branches = {b["name"]: b for b in client.list_branches(memory_id=memory_id, actor_id=ACTOR, session_id=SESSION)}
assert set(branches) == {"main", "what_if"}, branches
assert branches["what_if"]["rootEventId"] == root, branches
assert branches["main"]["eventCount"] == 2, branches
forked = client.get_last_k_turns(
    memory_id=memory_id, actor_id=ACTOR, session_id=SESSION, k=5, branch_name="what_if", include_branches=True
)
flat = [m["content"]["text"] for turn in forked for m in turn]
assert "What if I cancel it?" in flat and "Hi, my order number is 35476." in flat, flat
assert "I prefer email over phone calls." not in flat, f"the fork does not see main after its root: {flat}"
ok("fork_conversation, list_branches and the fork's lineage")

facts = until(
    "the extracted fact",
    lambda: client.retrieve_memories(memory_id=memory_id, namespace=f"/facts/{ACTOR}/", query="order number", top_k=3),
)
assert facts[0]["content"]["text"] == "The user's order number is 35476.", facts
assert facts[0]["score"] >= 0.2, facts
ok(f"retrieve_memories -> {facts[0]['content']['text']!r} (score {facts[0]['score']})")

manager = MemorySessionManager(memory_id=memory_id, region_name=REGION)
session = manager.create_memory_session(actor_id="sdk-user-2", session_id="sdk-session-2")
session.add_turns(
    messages=[
        ConversationalMessage("My favourite colour is teal.", MessageRole.USER),
        ConversationalMessage("Teal noted.", MessageRole.ASSISTANT),
    ]
)
last = session.get_last_k_turns(k=1)
assert [m["content"]["text"] for m in last[0]] == ["My favourite colour is teal.", "Teal noted."], last
ok("MemorySessionManager.add_turns (fractional timestamps) and get_last_k_turns")

records = until(
    "the extracted preference",
    lambda: session.search_long_term_memories(query="favourite colour", namespace_path="/prefs/", top_k=5),
)
assert "teal" in records[0]["content"]["text"], records
ok("MemorySessionManager.search_long_term_memories by namespace path")

events = session.list_events()
assert len(events) == 1 and len(events[0]["payload"]) == 2, events
ok("MemorySessionManager.list_events")

client.delete_memory_and_wait(memory_id=memory_id, max_wait=30, poll_interval=1)
ok("delete_memory_and_wait")
print("memory_sdk: all checks passed")
