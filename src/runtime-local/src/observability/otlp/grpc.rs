//! OTLP over gRPC, on its own port (4317 beside the platform by default):
//! opentelemetry-proto's tonic collector services for traces, logs and
//! metrics, storing exactly as OTLP/HTTP does (the same queue, limits and
//! destinations; `x-aws-log-group`/`x-aws-log-stream` come as metadata).
//! Messages are limited to 4 MiB, gRPC's usual default, and counted before
//! they are decoded (`grpc_codec`); gzip is accepted.
//! A read-only platform refuses every export with `PERMISSION_DENIED`.

use std::net::SocketAddr;
use std::sync::Arc;

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{self, LogsService};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    self, MetricsService,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{self, TraceService};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tonic::codegen::BoxFuture;
use tonic::{Request, Response, Status};

use crate::observability::otlp::grpc_codec::{CountedService, Export};
use crate::observability::otlp::message_count::Signal;
use crate::observability::otlp::{OtlpState, logs, metrics, traces};

/// The largest message taken (gRPC's usual default).
pub(crate) const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// The three collector services over one receiver.
#[derive(Clone)]
struct Collector {
    otlp: Arc<OtlpState>,
    read_only: bool,
}

impl Collector {
    /// Refuse a read-only platform's exports; else a place in the queue.
    fn admit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, Status> {
        if self.read_only {
            return Err(Status::permission_denied(
                "The acc local platform was started read-only: OTLP exports would store data \
                 and are denied. Restart it without --readonly to receive telemetry.",
            ));
        }
        self.otlp.enqueue().map_err(|e| e.into_grpc())
    }
}

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        let _place = self.admit()?;
        let partial = traces(&self.otlp, request.into_inner())
            .await
            .map_err(|e| e.into_grpc())?;
        Ok(Response::new(ExportTraceServiceResponse {
            partial_success: partial,
        }))
    }
}

#[tonic::async_trait]
impl LogsService for Collector {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        let _place = self.admit()?;
        let headers = request.metadata().clone().into_headers();
        logs(&self.otlp, &headers, request.into_inner())
            .await
            .map_err(|e| e.into_grpc())?;
        Ok(Response::new(ExportLogsServiceResponse {
            partial_success: None,
        }))
    }
}

#[tonic::async_trait]
impl MetricsService for Collector {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        let _place = self.admit()?;
        let partial = metrics(&self.otlp, request.into_inner())
            .await
            .map_err(|e| e.into_grpc())?;
        Ok(Response::new(ExportMetricsServiceResponse {
            partial_success: partial,
        }))
    }
}

/// A collector service over the counting codec: its marker type, its
/// messages, its generated server module (for the service's name), its
/// method path, its signal and the trait whose `export` answers it.
macro_rules! collector_service {
    ($marker:ident, $request:ty, $response:ty, $server:ident, $path:literal, $signal:expr, $service:ident) => {
        #[doc = concat!("The `", $path, "` service.")]
        struct $marker;

        impl Export for $marker {
            type Handler = Collector;
            type Request = $request;
            type Response = $response;
            const SERVICE: &'static str = $server::SERVICE_NAME;
            const PATH: &'static str = $path;
            const SIGNAL: Signal = $signal;

            fn export(
                handler: Collector,
                request: Request<Self::Request>,
            ) -> BoxFuture<Response<Self::Response>, Status> {
                Box::pin(async move { $service::export(&handler, request).await })
            }
        }
    };
}

collector_service!(
    Traces,
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
    trace_service_server,
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    Signal::Traces,
    TraceService
);
collector_service!(
    Logs,
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
    logs_service_server,
    "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
    Signal::Logs,
    LogsService
);
collector_service!(
    Metrics,
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
    metrics_service_server,
    "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
    Signal::Metrics,
    MetricsService
);

/// Bind `addr` for OTLP/gRPC; the bound address (with the real port).
pub(crate) async fn bind(addr: SocketAddr) -> anyhow::Result<(TcpListener, SocketAddr)> {
    use anyhow::Context;
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen for OTLP/gRPC on {addr} (--otlp-grpc)"))?;
    let bound = listener.local_addr()?;
    Ok((listener, bound))
}

/// Serve OTLP/gRPC on `listener` until `stop` turns true.
pub(crate) async fn serve(
    listener: TcpListener,
    otlp: Arc<OtlpState>,
    read_only: bool,
    mut stop: watch::Receiver<bool>,
) -> Result<(), tonic::transport::Error> {
    let collector = Collector { otlp, read_only };
    let traces = CountedService::<Traces>::new(collector.clone(), MAX_MESSAGE_BYTES);
    let logs = CountedService::<Logs>::new(collector.clone(), MAX_MESSAGE_BYTES);
    let metrics = CountedService::<Metrics>::new(collector, MAX_MESSAGE_BYTES);
    tonic::transport::Server::builder()
        .add_service(traces)
        .add_service(logs)
        .add_service(metrics)
        .serve_with_incoming_shutdown(
            // Without TCP_NODELAY, a small answer's frames wait on Nagle's
            // algorithm for the exporter's delayed ACK.
            tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true)),
            async move {
                let _ = stop.wait_for(|stop| *stop).await;
            },
        )
        .await
}
