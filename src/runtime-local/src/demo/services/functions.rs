//! The functions behind the demo's Lambda targets. Each answers its tools
//! with deterministic data built from the arguments, so calls are
//! repeatable and their results make sense on screen.

use serde_json::{Value, json};

/// The demo's function names (the last segment of their ARNs).
pub(crate) const FUNCTION_NAMES: &[&str] = &[
    "northwind-crm-tools",
    "northwind-servicedesk-tools",
    "northwind-messaging-tools",
    "acme-orders-tools",
    "acme-support-tools",
];

pub(super) fn run(name: &str, tool: &str, event_json: &str) -> Result<String, String> {
    if !FUNCTION_NAMES.contains(&name) {
        return Err(format!(
            "no demo function named {name}; known: {}",
            FUNCTION_NAMES.join(", ")
        ));
    }
    let event: Value = serde_json::from_str(if event_json.trim().is_empty() {
        "{}"
    } else {
        event_json
    })
    .map_err(|e| format!("the event is not JSON: {e}"))?;
    // The gateway passes `<target>___<tool>`; the function knows the tool.
    let tool = tool.rsplit("___").next().unwrap_or(tool);
    let text = |key: &str| event[key].as_str().unwrap_or_default().to_owned();
    let id = |prefix: &str| {
        format!(
            "{prefix}-{:05}",
            stable_number(&event.to_string()) % 100_000
        )
    };
    let answer = match tool {
        "get_account" => {
            json!({ "accountId": text("account_id"), "name": "Contoso Retail", "tier": "gold",
            "owner": "ana.silva@northwind.example", "openOpportunities": 3 })
        }
        "search_accounts" => json!({ "accounts": [
            { "accountId": "acc-0042", "name": format!("{} Holdings", capitalised(&text("query"))) },
            { "accountId": "acc-0107", "name": format!("{} Logistics", capitalised(&text("query"))) } ] }),
        "list_opportunities" => json!({ "opportunities": [
            { "id": "opp-311", "stage": "proposal", "amount": 48000 },
            { "id": "opp-312", "stage": "negotiation", "amount": 125000 } ] }),
        "update_opportunity_stage" | "set_ticket_status" | "escalate_ticket" => {
            json!({ "updated": true, "request": event })
        }
        "create_contact" => json!({ "contactId": id("con"), "created": true }),
        "log_activity" => json!({ "activityId": id("act"), "logged": true }),
        "create_ticket" | "open_case" => json!({ "ticketId": id("tkt"), "status": "open" }),
        "get_ticket" | "get_case_status" => {
            json!({ "id": event.as_object().and_then(|o| o.values().next()).cloned(),
            "status": "in_progress", "assignee": "support-tier-2" })
        }
        "search_tickets" => {
            json!({ "tickets": [{ "ticketId": "tkt-00017", "subject": "Portal login loop", "status": "open" }] })
        }
        "add_comment" => json!({ "commentId": id("cmt"), "added": true }),
        "list_channels" => json!({ "channels": ["#sales", "#support", "#incidents", "#ops"] }),
        "post_message" | "send_direct_message" | "schedule_announcement" => {
            json!({ "messageId": id("msg"), "delivered": true })
        }
        "lookup_order" => {
            json!({ "orderId": text("order_id"), "status": "shipped", "carrier": "DHL" })
        }
        "list_open_orders" => json!({ "orders": [{ "orderId": "ord-8812", "status": "packing" }] }),
        "request_return" => json!({ "returnId": id("rma"), "label": "sent by e-mail" }),
        other => return Err(format!("{name} has no tool {other}")),
    };
    Ok(answer.to_string())
}

/// FNV-1a: the same arguments give the same ids across runs.
fn stable_number(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_else(|| "Acme".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_answer_their_tools_deterministically() {
        let a = run(
            "northwind-crm-tools",
            "crm___create_contact",
            r#"{"email":"a@b.c"}"#,
        )
        .unwrap();
        assert_eq!(
            a,
            run(
                "northwind-crm-tools",
                "crm___create_contact",
                r#"{"email":"a@b.c"}"#
            )
            .unwrap()
        );
        assert!(
            run("nope", "x", "{}")
                .unwrap_err()
                .contains("no demo function")
        );
        assert!(
            run("northwind-crm-tools", "crm___nope", "{}")
                .unwrap_err()
                .contains("no tool nope")
        );
    }
}
