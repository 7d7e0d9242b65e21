"""A generated policy engine and test file, for `acc policy test` beside
`cedar run-tests`.

    python3 policy_test_file.py ENDPOINT ENGINE TESTS POLICIES OUT.json [WRONG]

Creates the policy engine ENGINE with POLICIES Cedar policies through the
AgentCore control API (boto3) at ENDPOINT, and writes TESTS test cases in
the `cedar run-tests` JSON format to OUT.json. The expected answers are
worked out here, independently of either tool. A fraction WRONG (default
0) of the cases expect a wrong answer (decision, reason or error count),
so that agreement on failures is tested too. Deterministic (seeded).
"""

import json
import random
import sys

import boto3

GATEWAY = "arn:aws:bedrock-agentcore:us-east-1:000000000000:gateway/bench-gw"
USERS = 20


def policies(count):
    """(id, statement, evaluate) triples; evaluate(case) is None when the
    policy does not apply, "error" when its condition errors, else bool."""
    out = []
    permits = max(count - 5, 1)
    for k in range(permits):
        limit = 100 * (k % 5 + 1)
        stmt = (
            f'permit (principal == AgentCore::OAuthUser::"user{k % USERS}", '
            f'action == AgentCore::Action::"tool{k}", resource) '
            f"when {{ context.input.amount < {limit} }};"
        )

        def ev(c, k=k, limit=limit):
            if c["user"] != k % USERS or c["tool"] != k:
                return None
            return c["amount"] < limit

        out.append((f"p{k:02d}", "permit", stmt, ev))
    for j in range(min(4, count - permits)):
        floor = 100 * (j + 1)
        stmt = (
            "forbid (principal, action, resource) "
            f'when {{ principal.hasTag("blocked") && context.input.amount > {floor} }};'
        )

        def ev(c, floor=floor):
            return c["blocked"] and c["amount"] > floor

        out.append((f"f{j}", "forbid", stmt, ev))
    if count - permits > 4:
        # Errors when the call has no `limit` (missing attribute).
        tool = permits - 1
        stmt = (
            f'permit (principal, action == AgentCore::Action::"tool{tool}", resource) '
            "when { context.input.limit > 0 };"
        )

        def ev(c, tool=tool):
            if c["tool"] != tool:
                return None
            return "error" if c["limit"] is None else c["limit"] > 0

        out.append(("limit", "permit", stmt, ev))
    return out


def answer(case, rules):
    permits, forbids, errors = [], [], 0
    for pid, effect, _, ev in rules:
        got = ev(case)
        if got == "error":
            errors += 1
        elif got:
            (permits if effect == "permit" else forbids).append(pid)
    if forbids:
        return "deny", forbids, errors
    if permits:
        return "allow", permits, errors
    return "deny", [], errors


def test_case(i, rules, tools, rng, wrong):
    case = {
        "user": rng.randrange(USERS),
        "tool": rng.randrange(tools),
        "amount": rng.randrange(600),
        "blocked": rng.random() < 0.1,
        "limit": rng.choice([None, None, 0, 5]),
    }
    decision, reason, errors = answer(case, rules)
    if rng.random() < wrong:
        kind = rng.randrange(3)
        if kind == 0:
            decision = "deny" if decision == "allow" else "allow"
        elif kind == 1:
            reason = reason + ["p99"]
        else:
            errors += 1
    tags = {"department": "sales"}
    if case["blocked"]:
        tags["blocked"] = "yes"
    user = f"user{case['user']}"
    inputs = {"amount": case["amount"]}
    if case["limit"] is not None:
        inputs["limit"] = case["limit"]
    return {
        "name": f"t{i} {decision} tool{case['tool']} by {user}",
        "request": {
            "principal": f'AgentCore::OAuthUser::"{user}"',
            "action": f'AgentCore::Action::"tool{case["tool"]}"',
            "resource": f'AgentCore::Gateway::"{GATEWAY}"',
            "context": {"input": inputs},
        },
        "entities": [
            {"uid": {"type": "AgentCore::OAuthUser", "id": user}, "attrs": {}, "parents": [], "tags": tags},
            {"uid": {"type": "AgentCore::Gateway", "id": GATEWAY}, "attrs": {}, "parents": []},
        ],
        "decision": decision,
        "reason": reason,
        "num_errors": errors,
    }


def main():
    endpoint, engine, tests, count, out = sys.argv[1:6]
    wrong = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
    rules = policies(int(count))
    control = boto3.client(
        "bedrock-agentcore-control",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )
    engine_id = control.create_policy_engine(name=engine)["policyEngineId"]
    for pid, _, stmt, _ in rules:
        control.create_policy(
            policyEngineId=engine_id,
            name=pid,
            definition={"cedar": {"statement": stmt}},
            validationMode="IGNORE_ALL_FINDINGS",
        )
    rng = random.Random(15)
    tools = len(rules)
    with open(out, "w") as f:
        json.dump([test_case(i, rules, tools, rng, wrong) for i in range(int(tests))], f)


if __name__ == "__main__":
    main()
