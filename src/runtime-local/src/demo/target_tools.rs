//! The tools the demo workspace's targets declare: the Lambda targets'
//! tool schemas and the inventory API's OpenAPI document.

use serde_json::{Value, json};

// JSON-schema builders for the tool catalogs below (the model's SchemaDefinition).

fn text(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn integer(description: &str) -> Value {
    json!({ "type": "integer", "description": description })
}

fn number(description: &str) -> Value {
    json!({ "type": "number", "description": description })
}

fn boolean(description: &str) -> Value {
    json!({ "type": "boolean", "description": description })
}

fn list_of(items: Value, description: &str) -> Value {
    json!({ "type": "array", "items": items, "description": description })
}

fn record(properties: Value, required: &[&str]) -> Value {
    json!({ "type": "object", "properties": properties, "required": required })
}

fn tool(name: &str, description: &str, input: Value) -> Value {
    json!({ "name": name, "description": description, "inputSchema": input })
}

pub(crate) fn crm_tools() -> Value {
    json!([
        tool(
            "search_accounts",
            "Find customer accounts by name, industry or region",
            record(
                json!({
                    "query": text("Free text matched against account names and domains"),
                    "filters": record(json!({
                        "industry": text("Industry, e.g. retail, manufacturing, healthcare"),
                        "region": text("Sales region: EMEA, AMER or APAC"),
                        "min_annual_revenue": number("Lower bound of annual revenue in USD")
                    }), &[]),
                    "limit": integer("Maximum number of accounts to return (1-100)")
                }),
                &["query"]
            )
        ),
        json!({
            "name": "get_account",
            "description": "Read one account with its contacts, open opportunities and recent activities",
            "inputSchema": record(json!({
                "account_id": text("CRM account id, e.g. ACC-104233"),
                "include": list_of(text("contacts, opportunities or activities"), "Related records to embed")
            }), &["account_id"]),
            "outputSchema": record(json!({
                "account_id": text("CRM account id"),
                "name": text("Legal name"),
                "owner_email": text("Account owner"),
                "tier": text("strategic, growth or standard")
            }), &["account_id", "name"])
        }),
        tool(
            "list_opportunities",
            "List an account's opportunities, optionally by stage and close date",
            record(
                json!({
                    "account_id": text("CRM account id"),
                    "stage": text("prospecting, qualification, proposal, negotiation, closed_won or closed_lost"),
                    "closing_before": text("ISO-8601 date; only opportunities expected to close before it")
                }),
                &["account_id"]
            )
        ),
        tool(
            "update_opportunity_stage",
            "Move an opportunity to another pipeline stage",
            record(
                json!({
                    "opportunity_id": text("CRM opportunity id, e.g. OPP-88412"),
                    "stage": text("The new stage"),
                    "probability": number("Win probability between 0 and 1"),
                    "note": text("Why the stage changed; stored on the opportunity's history")
                }),
                &["opportunity_id", "stage"]
            )
        ),
        tool(
            "create_contact",
            "Add a contact person to an account",
            record(
                json!({
                    "account_id": text("CRM account id"),
                    "contact": record(json!({
                        "first_name": text("Given name"),
                        "last_name": text("Family name"),
                        "email": text("Work email address"),
                        "phone": text("Phone number in E.164 format"),
                        "title": text("Job title"),
                        "consent": record(json!({
                            "email_opt_in": boolean("Agreed to receive marketing email"),
                            "recorded_at": text("ISO-8601 timestamp of the consent")
                        }), &["email_opt_in"])
                    }), &["first_name", "last_name", "email"])
                }),
                &["account_id", "contact"]
            )
        ),
        tool(
            "log_activity",
            "Record a call, meeting or email against an account",
            record(
                json!({
                    "account_id": text("CRM account id"),
                    "kind": text("call, meeting or email"),
                    "subject": text("One-line summary"),
                    "occurred_at": text("ISO-8601 timestamp"),
                    "attendees": list_of(record(json!({
                        "email": text("Attendee email"),
                        "role": text("customer or northwind")
                    }), &["email"]), "Who took part")
                }),
                &["account_id", "kind", "subject"]
            )
        )
    ])
}

pub(crate) fn ticketing_tools() -> Value {
    json!([
        tool(
            "create_ticket",
            "Open a support ticket for a customer",
            record(
                json!({
                    "account_id": text("CRM account id of the customer"),
                    "title": text("Short description of the problem"),
                    "description": text("Full description, steps to reproduce"),
                    "priority": text("p1, p2, p3 or p4"),
                    "product": text("Affected product line"),
                    "labels": list_of(text("A label"), "Free-form labels")
                }),
                &["account_id", "title", "priority"]
            )
        ),
        tool(
            "get_ticket",
            "Read a ticket with its comments and history",
            record(
                json!({ "ticket_id": text("Ticket id, e.g. SD-20931") }),
                &["ticket_id"]
            )
        ),
        tool(
            "search_tickets",
            "Search tickets by status, priority, assignee or text",
            record(
                json!({
                    "query": text("Free text matched against titles and comments"),
                    "status": list_of(text("new, open, pending, resolved or closed"), "Statuses to include"),
                    "assignee": text("Agent or engineer email"),
                    "updated_since": text("ISO-8601 timestamp"),
                    "limit": integer("Maximum number of tickets (1-200)")
                }),
                &[]
            )
        ),
        tool(
            "add_comment",
            "Add a public reply or an internal note to a ticket",
            record(
                json!({
                    "ticket_id": text("Ticket id"),
                    "body": text("Comment text (Markdown)"),
                    "internal": boolean("True for a note the customer cannot see")
                }),
                &["ticket_id", "body"]
            )
        ),
        tool(
            "escalate_ticket",
            "Escalate a ticket to an engineering team's on-call",
            record(
                json!({
                    "ticket_id": text("Ticket id"),
                    "team": text("Engineering team slug, e.g. payments-core"),
                    "reason": text("Why support cannot resolve it"),
                    "severity": integer("Incident severity from 1 (highest) to 4")
                }),
                &["ticket_id", "team", "reason"]
            )
        ),
        tool(
            "set_ticket_status",
            "Change a ticket's status",
            record(
                json!({
                    "ticket_id": text("Ticket id"),
                    "status": text("open, pending, resolved or closed"),
                    "resolution": record(json!({
                        "code": text("fixed, workaround, duplicate or wont_fix"),
                        "summary": text("What resolved it")
                    }), &["code"])
                }),
                &["ticket_id", "status"]
            )
        )
    ])
}

pub(crate) fn messaging_tools() -> Value {
    json!([
        tool(
            "list_channels",
            "List the chat channels the calling agent may post to",
            record(
                json!({ "prefix": text("Only channels whose name starts with this") }),
                &[]
            )
        ),
        tool(
            "post_message",
            "Post a message to a channel",
            record(
                json!({
                    "channel": text("Channel name, e.g. #sales-emea"),
                    "text": text("Message text (Markdown)"),
                    "thread_id": text("Reply in this thread instead of the channel"),
                    "mentions": list_of(text("User email"), "People to notify")
                }),
                &["channel", "text"]
            )
        ),
        tool(
            "send_direct_message",
            "Send a direct message to one person",
            record(
                json!({
                    "recipient_email": text("Recipient's email"),
                    "text": text("Message text")
                }),
                &["recipient_email", "text"]
            )
        ),
        tool(
            "schedule_announcement",
            "Schedule a message for later delivery to several channels",
            record(
                json!({
                    "channels": list_of(text("Channel name"), "Where to post"),
                    "text": text("Announcement text"),
                    "send_at": text("ISO-8601 timestamp")
                }),
                &["channels", "text", "send_at"]
            )
        )
    ])
}

pub(crate) fn inventory_openapi() -> Value {
    let sku = json!({ "name": "sku", "in": "path", "required": true,
        "description": "Stock keeping unit, e.g. NW-CHR-0042", "schema": { "type": "string" } });
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Northwind Inventory API", "version": "1.4.0",
                  "description": "Stock levels, warehouses and reservations across Northwind's distribution centres." },
        "servers": [{ "url": "http://127.0.0.1:8085/inventory/v1" }],
        "paths": {
            "/warehouses": { "get": {
                "operationId": "listWarehouses",
                "summary": "List warehouses, optionally in one region",
                "parameters": [{ "name": "region", "in": "query", "required": false,
                    "schema": { "type": "string", "enum": ["emea", "amer", "apac"] } }],
                "responses": { "200": { "description": "Warehouses",
                    "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Warehouse" } } } } } }
            }},
            "/items": { "get": {
                "operationId": "searchItems",
                "summary": "Search catalogue items with their stock levels",
                "parameters": [
                    { "name": "q", "in": "query", "required": true, "schema": { "type": "string" } },
                    { "name": "category", "in": "query", "schema": { "type": "string",
                        "enum": ["furniture", "lighting", "textiles", "outdoor"] } },
                    { "name": "inStock", "in": "query", "schema": { "type": "boolean" } },
                    { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100 } }
                ],
                "responses": { "200": { "description": "Matching items",
                    "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Item" } } } } } }
            }},
            "/items/{sku}": { "get": {
                "operationId": "getItem",
                "summary": "Read one item with stock per warehouse",
                "parameters": [sku.clone()],
                "responses": { "200": { "description": "The item",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Item" } } } },
                    "404": { "description": "No such item" } }
            }},
            "/items/{sku}/reorder-point": { "put": {
                "operationId": "setReorderPoint",
                "summary": "Set the stock level below which an item is reordered",
                "parameters": [sku],
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["warehouseId", "quantity"],
                    "properties": { "warehouseId": { "type": "string" }, "quantity": { "type": "integer", "minimum": 0 } } } } } },
                "responses": { "204": { "description": "Updated" } }
            }},
            "/reservations": { "post": {
                "operationId": "reserveStock",
                "summary": "Reserve stock for a customer order",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["sku", "warehouseId", "quantity"],
                    "properties": {
                        "sku": { "type": "string" },
                        "warehouseId": { "type": "string" },
                        "quantity": { "type": "integer", "minimum": 1 },
                        "priority": { "type": "string", "enum": ["standard", "expedited"], "default": "standard" },
                        "orderReference": { "type": "string" }
                    } } } } },
                "responses": { "201": { "description": "Reserved",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Reservation" } } } },
                    "409": { "description": "Not enough stock" } }
            }},
            "/reservations/{reservationId}": { "delete": {
                "operationId": "releaseReservation",
                "summary": "Release a reservation that will not be fulfilled",
                "parameters": [{ "name": "reservationId", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": { "204": { "description": "Released" } }
            }}
        },
        "components": { "schemas": {
            "Warehouse": { "type": "object", "properties": {
                "id": { "type": "string" }, "name": { "type": "string" },
                "region": { "type": "string", "enum": ["emea", "amer", "apac"] } } },
            "Item": { "type": "object", "properties": {
                "sku": { "type": "string" }, "name": { "type": "string" },
                "category": { "type": "string", "enum": ["furniture", "lighting", "textiles", "outdoor"] },
                "stock": { "type": "object", "additionalProperties": { "type": "integer" } } } },
            "Reservation": { "type": "object", "properties": {
                "id": { "type": "string" }, "sku": { "type": "string" }, "quantity": { "type": "integer" },
                "status": { "type": "string", "enum": ["held", "fulfilled", "released"] } } }
        }}
    })
}

pub(crate) fn acme_order_tools() -> Value {
    json!([
        tool(
            "lookup_order",
            "Read one of Acme's orders with its shipments",
            record(
                json!({ "order_number": text("Acme order number, e.g. AC-2024-11873") }),
                &["order_number"]
            )
        ),
        tool(
            "list_open_orders",
            "List Acme's orders that are not yet delivered",
            record(
                json!({
                    "placed_after": text("ISO-8601 date"),
                    "limit": integer("Maximum number of orders")
                }),
                &[]
            )
        ),
        tool(
            "request_return",
            "Open a return for items of a delivered order",
            record(
                json!({
                    "order_number": text("Acme order number"),
                    "lines": list_of(record(json!({
                        "sku": text("Item SKU"),
                        "quantity": integer("Units to return")
                    }), &["sku", "quantity"]), "Items to return"),
                    "reason": text("damaged, wrong_item or no_longer_needed")
                }),
                &["order_number", "lines", "reason"]
            )
        )
    ])
}

pub(crate) fn acme_support_tools() -> Value {
    json!([
        tool(
            "open_case",
            "Open a support case for Acme",
            record(
                json!({
                    "subject": text("Short description"),
                    "details": text("What happened"),
                    "urgent": boolean("Needs an answer within the hour")
                }),
                &["subject"]
            )
        ),
        tool(
            "get_case_status",
            "Read the status of an Acme support case",
            record(
                json!({ "case_id": text("Case id, e.g. ACME-5521") }),
                &["case_id"]
            )
        )
    ])
}
