"""An agent written with the AgentCore Python SDK (bedrock-agentcore from
PyPI), hosted by the acc tests as a native runtime: BedrockAgentCoreApp
with a streaming (async generator) entrypoint, exactly as users write
them for AgentCore."""

import asyncio

from bedrock_agentcore import BedrockAgentCoreApp

app = BedrockAgentCoreApp()


@app.entrypoint
async def invoke(payload, context):
    prompt = payload.get("prompt", "")
    yield {"type": "start", "session": getattr(context, "session_id", None)}
    for word in f"the python agent heard: {prompt}".split():
        await asyncio.sleep(0.05)
        yield {"text": word + " "}


if __name__ == "__main__":
    app.run()
