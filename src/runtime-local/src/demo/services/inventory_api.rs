//! The demo inventory REST API (`/demo/inventory/v1`), behind the demo's
//! OpenAPI target. Deterministic data; reservations are answered, not kept.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

const BASE: &str = "/demo/inventory/v1";

fn items() -> Value {
    json!([
        { "sku": "NW-CHR-0042", "name": "Ergonomic office chair", "category": "furniture",
          "stock": { "wh-lyon": 38, "wh-ohio": 12 } },
        { "sku": "NW-DSK-0107", "name": "Standing desk, oak", "category": "furniture",
          "stock": { "wh-lyon": 4, "wh-osaka": 9 } },
        { "sku": "NW-LMP-0311", "name": "Desk lamp, warm white", "category": "lighting",
          "stock": { "wh-ohio": 0, "wh-osaka": 57 } },
        { "sku": "NW-RUG-0520", "name": "Wool rug 160x230", "category": "textiles",
          "stock": { "wh-lyon": 15 } },
        { "sku": "NW-BEN-0777", "name": "Garden bench, teak", "category": "outdoor",
          "stock": { "wh-ohio": 6 } }
    ])
}

pub(super) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(&format!("{BASE}/warehouses"), get(warehouses))
        .route(&format!("{BASE}/items"), get(search))
        .route(&format!("{BASE}/items/{{sku}}"), get(item))
        .route(
            &format!("{BASE}/items/{{sku}}/reorder-point"),
            put(reorder_point),
        )
        .route(&format!("{BASE}/reservations"), post(reserve))
        .route(&format!("{BASE}/reservations/{{id}}"), delete(release))
}

#[derive(Deserialize)]
struct Region {
    region: Option<String>,
}

async fn warehouses(Query(q): Query<Region>) -> Json<Value> {
    let all = [
        ("wh-lyon", "Lyon DC", "emea"),
        ("wh-ohio", "Columbus DC", "amer"),
        ("wh-osaka", "Osaka DC", "apac"),
    ];
    Json(Value::Array(
        all.iter()
            .filter(|(_, _, r)| q.region.as_deref().is_none_or(|want| want == *r))
            .map(|(id, name, region)| json!({ "id": id, "name": name, "region": region }))
            .collect(),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Search {
    q: String,
    category: Option<String>,
    in_stock: Option<bool>,
    limit: Option<usize>,
}

async fn search(Query(s): Query<Search>) -> Json<Value> {
    let needle = s.q.to_lowercase();
    let found: Vec<Value> = items()
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| {
            i["name"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase()
                .contains(&needle)
                || i["sku"]
                    .as_str()
                    .unwrap_or_default()
                    .to_lowercase()
                    .contains(&needle)
        })
        .filter(|i| s.category.as_deref().is_none_or(|c| i["category"] == c))
        .filter(|i| {
            let total: i64 = i["stock"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(_, n)| n.as_i64())
                .sum();
            s.in_stock != Some(true) || total > 0
        })
        .take(s.limit.unwrap_or(20))
        .cloned()
        .collect();
    Json(Value::Array(found))
}

async fn item(Path(sku): Path<String>) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    items()
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["sku"] == sku.as_str())
        .cloned()
        .map(Json)
        .ok_or((
            StatusCode::NOT_FOUND,
            Json(json!({ "message": format!("no item {sku}") })),
        ))
}

async fn reorder_point(Path(_sku): Path<String>, Json(_body): Json<Value>) -> StatusCode {
    StatusCode::NO_CONTENT
}

async fn reserve(Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
    let sku = body["sku"].as_str().unwrap_or_default().to_owned();
    let quantity = body["quantity"].as_i64().unwrap_or(0);
    let warehouse = body["warehouseId"].as_str().unwrap_or_default();
    let available = items()
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["sku"] == sku.as_str())
        .and_then(|i| i["stock"][warehouse].as_i64())
        .unwrap_or(0);
    if quantity > available {
        return (
            StatusCode::CONFLICT,
            Json(json!({ "message": format!("only {available} of {sku} in {warehouse}") })),
        );
    }
    let id = format!("rsv-{:08x}", crate::platform::timestamps::now_ms() as u32);
    (
        StatusCode::CREATED,
        Json(json!({ "id": id, "sku": sku, "quantity": quantity, "status": "held" })),
    )
}

async fn release(Path(_id): Path<String>) -> StatusCode {
    StatusCode::NO_CONTENT
}
