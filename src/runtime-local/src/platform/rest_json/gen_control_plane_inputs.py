#!/usr/bin/env python3
"""Regenerate control_plane_inputs.json: the request-body members the
AgentCore control plane models, read from the input serializers of the
aws-sdk-bedrockagentcorecontrol crate (the wire ground truth).

Usage: python3 gen_control_plane_inputs.py [PATH/TO/aws-sdk-bedrockagentcorecontrol-X.Y.Z]
(default: the version Cargo.lock pins, in ~/.cargo/registry/src). The platform keeps
only these members of a request body (AWS ignores unknown ones too).

Output: {"operations": {Operation: shape}, "shapes": {shape: {member: type}}}
where a type is "s" (a scalar), "*" (a document, kept as sent), a shape name,
[type] (a list) or {"*": type} (a map).
"""
import glob
import json
import os
import re
import sys

OPERATIONS = [
    "CreateGateway", "UpdateGateway",
    "CreateGatewayTarget", "UpdateGatewayTarget", "SynchronizeGatewayTargets",
    "CreatePolicyEngine", "UpdatePolicyEngine",
    "CreatePolicy", "UpdatePolicy",
    "CreateAgentRuntime", "UpdateAgentRuntime",
    "CreateAgentRuntimeEndpoint",
    "CreateMemory", "UpdateMemory",
]

SIGNATURE = re.compile(r"^pub fn ser_(\w+)\(\s*(\w+): &mut")
LET = re.compile(r"let mut (\w+) = (\w+)\.(key\(\"(\w+)\"\)|key\(\w+\.as_str\(\)\)|value\(\))\.start_(object|array)\(\)")
WRITE = re.compile(r"(\w+)\.(key\(\"(\w+)\"\)|key\(\w+\.as_str\(\)\)|value\(\))\.(string|number|boolean|date_time|document)\(")
CALL = re.compile(r"crate::protocol_serde::shape_\w+::ser_(\w+)\(&mut (\w+),")


def snake_to_camel(name):
    return "".join(part.capitalize() for part in name.split("_"))


class Node:
    """A JSON value being written: its type is learnt from how it is written."""

    def __init__(self):
        self.shape = None      # written by ser_<shape>
        self.members = {}      # literal keys -> Node
        self.map_of = None     # dynamic keys -> Node
        self.items = None      # array elements -> Node
        self.scalar = None     # "s" or "*"
        self.is_array = False

    def child(self, how, key):
        node = Node()
        if how.startswith('key("'):
            self.members[key] = node
        elif how.startswith("key("):
            self.map_of = node
        else:
            self.items = node
        return node

    def encode(self):
        if self.scalar:
            return self.scalar
        if self.shape:
            return snake_to_camel(self.shape)
        if self.is_array:
            return [self.items.encode() if self.items else "s"]
        if self.map_of is not None:
            return {"*": self.map_of.encode()}
        return {k: v.encode() for k, v in sorted(self.members.items())}


def parse_function(lines):
    """The members one ser_ function writes, and the shapes it calls."""
    match = SIGNATURE.match(lines[0] + lines[1])
    root = Node()
    # One scope per block: union arms shadow the writer's name (`let mut object_1 = object_1…`).
    scopes = [{match.group(2): root}]

    def lookup(var):
        return next(scope[var] for scope in reversed(scopes) if var in scope)

    for line in lines[1:]:
        if m := LET.search(line):
            var, parent, how, key, kind = m.groups()
            node = lookup(parent).child(how, key)
            node.is_array = kind == "array"
            scopes[-1][var] = node
        elif m := WRITE.search(line):
            parent, how, key, kind = m.groups()
            lookup(parent).child(how, key).scalar = "*" if kind == "document" else "s"
        elif m := CALL.search(line):
            shape, var = m.groups()
            lookup(var).shape = shape
        for brace in re.findall(r"[{}]", line):
            if brace == "{":
                scopes.append({})
            else:
                scopes.pop()
    return root


def keys(node):
    """Every literal member name under `node` (for the self-check)."""
    found = set(node.members)
    for child in [*node.members.values(), node.map_of, node.items]:
        if child:
            found |= keys(child)
    return found


def functions(path):
    """Each top-level `pub fn ser_*` of a file, as its lines."""
    lines = open(path).read().splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("pub fn ser_"):
            j = i
            while lines[j] != "}":
                j += 1
            # One call per line: rustfmt splits long calls over several.
            text = "\n".join(lines[i : j + 1])
            text = re.sub(r"\(\s+", "(", text)
            text = re.sub(r",\s+", ", ", text)
            text = re.sub(r",?\s+\)", ")", text)
            text = re.sub(r"\s+\.", ".", text)
            yield text.splitlines()
            i = j
        i += 1


def locked_crate():
    """The crate's sources at the version Cargo.lock pins."""
    here = os.path.dirname(os.path.abspath(__file__))
    lock = open(os.path.join(here, "../../../../../Cargo.lock")).read()
    version = re.search(
        r'name = "aws-sdk-bedrockagentcorecontrol"\nversion = "([^"]+)"', lock).group(1)
    return glob.glob(os.path.expanduser(
        f"~/.cargo/registry/src/*/aws-sdk-bedrockagentcorecontrol-{version}"))[0]


def main():
    crate = sys.argv[1] if len(sys.argv) > 1 else locked_crate()
    serializers = {}
    for path in glob.glob(os.path.join(crate, "src/protocol_serde/shape_*.rs")):
        for lines in functions(path):
            # Operation-level `ser_*(input) -> SdkBody` wrappers write no object.
            if match := SIGNATURE.match(lines[0] + lines[1]):
                root = serializers[match.group(1)] = parse_function(lines)
                written = set(re.findall(r'\.key\("(\w+)"\)', "\n".join(lines)))
                assert written == keys(root), f"{path}: parsed {keys(root)}, wrote {written}"
    shapes, pending = {}, []
    operations = {}
    for op in OPERATIONS:
        snake = re.sub(r"(?<!^)([A-Z])", r"_\1", op).lower()
        name = f"{snake}_input_input"
        operations[op] = snake_to_camel(name)
        pending.append(name)
    while pending:
        name = pending.pop()
        camel = snake_to_camel(name)
        if camel in shapes:
            continue
        root = serializers[name]
        shapes[camel] = root.encode()
        stack = [root]
        while stack:
            node = stack.pop()
            if node.shape:
                pending.append(node.shape)
            stack.extend(node.members.values())
            stack.extend(n for n in (node.map_of, node.items) if n)
    version = os.path.basename(crate.rstrip("/"))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "control_plane_inputs.json")
    with open(out, "w") as f:
        json.dump({"generatedFrom": version, "operations": operations,
                   "shapes": dict(sorted(shapes.items()))}, f, indent=1, sort_keys=False)
        f.write("\n")
    print(f"{out}: {len(shapes)} shapes from {version}")


main()
