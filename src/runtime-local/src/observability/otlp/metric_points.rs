//! Metric data points received over OTLP, kept in `metric_points` (the
//! newest [`super::limits::OtlpLimits::data_points`]): sums, gauges,
//! histograms, exponential histograms and summaries, each point with its
//! metric's name, kind, unit and description, its resource, scope and
//! attributes, and its values as OTLP/JSON writes them.

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::{
    Exemplar, ExponentialHistogramDataPoint, HistogramDataPoint, NumberDataPoint, SummaryDataPoint,
    metric::Data, number_data_point,
};
use serde_json::{Value, json};

use crate::observability::otlp::attributes;
use crate::observability::otlp::limits;
use crate::observability::otlp::spans::nanos;
use crate::platform::ids::hex;
use crate::platform::store::Store;
use crate::platform::timestamps::now_ms;
use crate::platform::wire_errors::ApiError;

/// One data point as kept.
#[derive(Debug, Clone)]
pub(crate) struct PointRow {
    pub(crate) name: String,
    /// gauge, sum, histogram, exponentialHistogram or summary.
    pub(crate) kind: &'static str,
    pub(crate) unit: String,
    pub(crate) description: String,
    pub(crate) service: String,
    pub(crate) resource: Arc<String>,
    pub(crate) scope: Arc<String>,
    pub(crate) attributes: String,
    pub(crate) start_unix_nano: i64,
    pub(crate) time_unix_nano: i64,
    /// The point's values (and, for sums, temporality and monotonicity).
    pub(crate) point: Value,
}

fn exemplars(list: &[Exemplar]) -> Value {
    use opentelemetry_proto::tonic::metrics::v1::exemplar::Value as E;
    list.iter()
        .map(|e| {
            json!({
                "timeUnixNano": nanos(e.time_unix_nano),
                "value": match e.value { Some(E::AsDouble(d)) => json!(d), Some(E::AsInt(i)) => json!(i), None => Value::Null },
                "traceId": hex(&e.trace_id),
                "spanId": hex(&e.span_id),
                "filteredAttributes": attributes::map(&e.filtered_attributes),
            })
        })
        .collect()
}

fn number(p: &NumberDataPoint) -> Value {
    let value = match p.value {
        Some(number_data_point::Value::AsDouble(d)) => json!(d),
        Some(number_data_point::Value::AsInt(i)) => json!(i),
        None => Value::Null,
    };
    json!({ "value": value, "flags": p.flags, "exemplars": exemplars(&p.exemplars) })
}

fn histogram(p: &HistogramDataPoint) -> Value {
    json!({
        "count": p.count, "sum": p.sum, "min": p.min, "max": p.max,
        "bucketCounts": p.bucket_counts, "explicitBounds": p.explicit_bounds,
        "flags": p.flags, "exemplars": exemplars(&p.exemplars),
    })
}

fn exponential(p: &ExponentialHistogramDataPoint) -> Value {
    let buckets = |b: &Option<_>| {
        let b: Option<
            &opentelemetry_proto::tonic::metrics::v1::exponential_histogram_data_point::Buckets,
        > = b.as_ref();
        b.map_or(
            Value::Null,
            |b| json!({ "offset": b.offset, "bucketCounts": b.bucket_counts }),
        )
    };
    json!({
        "count": p.count, "sum": p.sum, "min": p.min, "max": p.max, "scale": p.scale,
        "zeroCount": p.zero_count, "zeroThreshold": p.zero_threshold,
        "positive": buckets(&p.positive), "negative": buckets(&p.negative),
        "flags": p.flags, "exemplars": exemplars(&p.exemplars),
    })
}

fn summary(p: &SummaryDataPoint) -> Value {
    let quantiles: Vec<Value> = p
        .quantile_values
        .iter()
        .map(|q| json!({ "quantile": q.quantile, "value": q.value }))
        .collect();
    json!({ "count": p.count, "sum": p.sum, "quantileValues": quantiles, "flags": p.flags })
}

/// The data points of an export.
pub(crate) fn points_of(request: ExportMetricsServiceRequest) -> Vec<PointRow> {
    let mut out = Vec::new();
    for resource_metrics in request.resource_metrics {
        let resource = resource_metrics
            .resource
            .map(|r| attributes::map(&r.attributes))
            .unwrap_or_default();
        let service = attributes::text(&resource, "service.name");
        let resource = Arc::new(Value::Object(resource).to_string());
        for scope_metrics in resource_metrics.scope_metrics {
            let scope = Arc::new(
                scope_metrics
                    .scope
                    .map_or(
                        json!({}),
                        |s| json!({ "name": s.name, "version": s.version }),
                    )
                    .to_string(),
            );
            for metric in scope_metrics.metrics {
                let mut push = |kind, attrs: &[_], start, time, point| {
                    out.push(PointRow {
                        name: metric.name.clone(),
                        kind,
                        unit: metric.unit.clone(),
                        description: metric.description.clone(),
                        service: service.clone(),
                        resource: Arc::clone(&resource),
                        scope: Arc::clone(&scope),
                        attributes: Value::Object(attributes::map(attrs)).to_string(),
                        start_unix_nano: nanos(start),
                        time_unix_nano: nanos(time),
                        point,
                    });
                };
                match &metric.data {
                    Some(Data::Gauge(g)) => {
                        for p in &g.data_points {
                            push(
                                "gauge",
                                &p.attributes,
                                p.start_time_unix_nano,
                                p.time_unix_nano,
                                number(p),
                            );
                        }
                    }
                    Some(Data::Sum(s)) => {
                        for p in &s.data_points {
                            let mut point = number(p);
                            point["aggregationTemporality"] = json!(s.aggregation_temporality);
                            point["isMonotonic"] = json!(s.is_monotonic);
                            push(
                                "sum",
                                &p.attributes,
                                p.start_time_unix_nano,
                                p.time_unix_nano,
                                point,
                            );
                        }
                    }
                    Some(Data::Histogram(h)) => {
                        for p in &h.data_points {
                            let mut point = histogram(p);
                            point["aggregationTemporality"] = json!(h.aggregation_temporality);
                            push(
                                "histogram",
                                &p.attributes,
                                p.start_time_unix_nano,
                                p.time_unix_nano,
                                point,
                            );
                        }
                    }
                    Some(Data::ExponentialHistogram(h)) => {
                        for p in &h.data_points {
                            let mut point = exponential(p);
                            point["aggregationTemporality"] = json!(h.aggregation_temporality);
                            push(
                                "exponentialHistogram",
                                &p.attributes,
                                p.start_time_unix_nano,
                                p.time_unix_nano,
                                point,
                            );
                        }
                    }
                    Some(Data::Summary(s)) => {
                        for p in &s.data_points {
                            push(
                                "summary",
                                &p.attributes,
                                p.start_time_unix_nano,
                                p.time_unix_nano,
                                summary(p),
                            );
                        }
                    }
                    None => {}
                }
            }
        }
    }
    out
}

/// Keep `points` (evicting the oldest beyond `kept`, counted).
pub(crate) async fn store(
    store: &Arc<Store>,
    points: Vec<PointRow>,
    kept: i64,
) -> Result<(), ApiError> {
    if points.is_empty() {
        return Ok(());
    }
    let received = now_ms();
    store
        .write(move |tx| {
            let mut insert = tx.prepare_cached(
                "INSERT INTO metric_points (name, kind, unit, description, service, resource, \
                 scope, attributes, start_unix_nano, time_unix_nano, point, received_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            for p in &points {
                insert.execute(rusqlite::params![
                    p.name,
                    p.kind,
                    p.unit,
                    p.description,
                    p.service,
                    p.resource.as_str(),
                    p.scope.as_str(),
                    p.attributes,
                    p.start_unix_nano,
                    p.time_unix_nano,
                    p.point.to_string(),
                    received,
                ])?;
            }
            let evicted = tx.execute(
                "DELETE FROM metric_points WHERE seq <= (SELECT MAX(seq) FROM metric_points) - ?1",
                [kept],
            )?;
            limits::count_evictions(tx, limits::DATA_POINTS, evicted)
        })
        .await
}

/// Which points a listing asks for: `?name=METRIC`, `?limit=N`.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct PointQuery {
    name: Option<String>,
    limit: Option<i64>,
}

/// The points `query` asks for, newest first (200 unless it says), as
/// JSON: the metric, its resource, scope and attributes, and the point.
pub(crate) async fn list(store: &Arc<Store>, query: PointQuery) -> Result<Vec<Value>, ApiError> {
    let limit = query.limit.unwrap_or(200).clamp(1, 10_000);
    store
        .read(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT name, kind, unit, description, service, resource, scope, attributes, \
                 start_unix_nano, time_unix_nano, point FROM metric_points \
                 WHERE (?1 IS NULL OR name = ?1) ORDER BY seq DESC LIMIT ?2",
            )?;
            let json = |text: String| serde_json::from_str::<Value>(&text).unwrap_or(Value::Null);
            let rows = statement.query_map(rusqlite::params![query.name, limit], |r| {
                Ok(json!({
                    "name": r.get::<_, String>(0)?,
                    "kind": r.get::<_, String>(1)?,
                    "unit": r.get::<_, String>(2)?,
                    "description": r.get::<_, String>(3)?,
                    "service": r.get::<_, String>(4)?,
                    "resource": json(r.get(5)?),
                    "scope": json(r.get(6)?),
                    "attributes": json(r.get(7)?),
                    "startUnixNano": r.get::<_, i64>(8)?,
                    "timeUnixNano": r.get::<_, i64>(9)?,
                    "point": json(r.get(10)?),
                }))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
}
