//! The `bulk-catalog` gateway: a large synthetic tool catalog (e.g. 10 000
//! tools over 100 targets) for benchmarking the console on big gateways.

use serde_json::{Value, json};

use crate::demo::seed::{gateway_id, object, seed_token};
use crate::gateway::state::GatewayState;
use crate::gateway::{gateways, targets};
use crate::platform::pagination::{DEFAULT_MAX_RESULTS, PageRequest};
use crate::platform::wire_errors::{ApiError, ErrorKind};

/// Tools are spread over at most this many targets.
const MAX_TARGETS: usize = 100;
const GATEWAY_NAME: &str = "bulk-catalog";

/// Make sure `bulk-catalog` exists with `tools` tools in total. A state that
/// already has a gateway of that name is left as it is.
pub(crate) async fn ensure(ctx: &GatewayState, tools: usize) -> Result<(), ApiError> {
    let created = gateways::create_gateway(
        ctx,
        object(json!({
            "name": GATEWAY_NAME,
            "description": format!("Synthetic catalog of {tools} tools for load and rendering benchmarks"),
            "clientToken": seed_token(&format!("bulk-catalog-{tools}")),
            "roleArn": format!("arn:aws:iam::{}:role/BulkCatalogGatewayRole", ctx.account.account_id),
            "protocolType": "MCP",
            "protocolConfiguration": { "mcp": { "searchType": "SEMANTIC" } },
            "authorizerType": "NONE"
        })),
    )
    .await;
    let gateway = match created {
        Ok(gateway) => gateway,
        // Someone (an earlier run with another size, or a user) made one already.
        Err(e) if e.kind == ErrorKind::Conflict => return Ok(()),
        Err(e) => return Err(e),
    };
    let gateway_id = gateway_id(&gateway)?;
    let page = PageRequest {
        limit: DEFAULT_MAX_RESULTS,
        after_seq: 0,
    };
    let existing = targets::list_gateway_targets(ctx, gateway_id.clone(), page).await?;
    if existing["items"]
        .as_array()
        .is_some_and(|items| !items.is_empty())
    {
        return Ok(());
    }
    let target_count = tools.min(MAX_TARGETS);
    let mut next_tool = 0;
    for t in 0..target_count {
        let in_target = tools / target_count + usize::from(t < tools % target_count);
        let definitions: Vec<Value> = (next_tool..next_tool + in_target).map(tool).collect();
        next_tool += in_target;
        targets::create_gateway_target(
            ctx,
            gateway_id.clone(),
            object(json!({
                "name": format!("records-{t:03}"),
                "description": format!("Synthetic record store #{t}"),
                "clientToken": seed_token(&format!("bulk-catalog-target-{t}")),
                "targetConfiguration": { "mcp": { "lambda": {
                    "lambdaArn": format!("arn:aws:lambda:{}:{}:function:bulk-records-{t:03}", ctx.account.region, ctx.account.account_id),
                    "toolSchema": { "inlinePayload": definitions }
                }}}
            })),
        )
        .await?;
    }
    tracing::info!(
        tools,
        targets = target_count,
        "seeded the bulk-catalog gateway"
    );
    Ok(())
}

fn tool(n: usize) -> Value {
    json!({
        "name": format!("lookup_record_{n:05}"),
        "description": format!("Look up records of synthetic collection {n}"),
        "inputSchema": {
            "type": "object",
            "properties": {
                "record_id": { "type": "string", "description": "Record identifier" },
                "limit": { "type": "integer", "description": "Maximum number of records" },
                "include_archived": { "type": "boolean", "description": "Also search archived records" }
            },
            "required": ["record_id"]
        }
    })
}
