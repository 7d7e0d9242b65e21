//! The OTLP/gRPC services over a codec that counts a message before it
//! decodes it, as OTLP/HTTP does ([`super::message_count`]): 4 MiB of empty
//! messages would otherwise decode to gigabytes. Tonic hands the codec the
//! whole message, already decompressed and within the size limit; one with
//! more than [`MAX_MESSAGES_PER_EXPORT`] messages is refused with
//! `RESOURCE_EXHAUSTED` before prost builds any of them. Each service
//! answers its one method (`…/Export`) as opentelemetry-proto's generated
//! servers do, and `UNIMPLEMENTED` to anything else.

use std::marker::PhantomData;
use std::task::{Context, Poll};

use prost::Message;
use prost::bytes::Buf;
use tonic::codec::{Codec, CompressionEncoding, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::{Body, BoxFuture, StdError, http};
use tonic::server::{Grpc, NamedService, UnaryService};
use tonic::{Request, Response, Status};

use crate::observability::otlp::encoding::{MAX_MESSAGES_PER_EXPORT, OtlpError, too_many};
use crate::observability::otlp::message_count::{self, Signal};

/// One OTLP collector service: its messages, its gRPC names, and how an
/// export is answered.
pub(crate) trait Export: Send + Sync + 'static {
    /// Who answers exports.
    type Handler: Clone + Send + Sync + 'static;
    /// The export request.
    type Request: Message + Default + Send + 'static;
    /// Its answer.
    type Response: Message + Send + 'static;
    /// `opentelemetry.proto.collector.<signal>.v1.<Signal>Service`.
    const SERVICE: &'static str;
    /// The service's one method's path.
    const PATH: &'static str;
    /// Which export the request is.
    const SIGNAL: Signal;
    /// Answer one export.
    fn export(
        handler: Self::Handler,
        request: Request<Self::Request>,
    ) -> BoxFuture<Response<Self::Response>, Status>;
}

/// Encodes answers with prost; decodes requests once they are counted.
pub(crate) struct CountingCodec<E>(PhantomData<fn() -> E>);

impl<E: Export> Codec for CountingCodec<E> {
    type Encode = E::Response;
    type Decode = E::Request;
    type Encoder = CountingCodec<E>;
    type Decoder = CountingCodec<E>;

    fn encoder(&mut self) -> Self::Encoder {
        CountingCodec(PhantomData)
    }

    fn decoder(&mut self) -> Self::Decoder {
        CountingCodec(PhantomData)
    }
}

impl<E: Export> Encoder for CountingCodec<E> {
    type Item = E::Response;
    type Error = Status;

    fn encode(&mut self, item: Self::Item, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        item.encode(dst)
            .map_err(|e| Status::internal(format!("cannot encode the OTLP answer: {e}")))
    }
}

impl<E: Export> Decoder for CountingCodec<E> {
    type Item = E::Request;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Self::Item>, Status> {
        let bad = |e: &dyn std::fmt::Display| {
            OtlpError::bad_data(format!("the message is not an OTLP export request: {e}"))
                .into_grpc()
        };
        // The message is one contiguous buffer; copied only if it is not.
        let owned;
        let bytes = if src.chunk().len() == src.remaining() {
            src.chunk()
        } else {
            owned = src.copy_to_bytes(src.remaining());
            &owned[..]
        };
        let counts = message_count::count(bytes, E::SIGNAL).map_err(|e| bad(&e))?;
        if counts.messages > MAX_MESSAGES_PER_EXPORT {
            return Err(
                too_many(E::SIGNAL, &counts.items.to_string(), counts.messages).into_grpc(),
            );
        }
        let decoded = E::Request::decode(bytes).map_err(|e| bad(&e))?;
        let consumed = src.remaining();
        src.advance(consumed);
        Ok(Some(decoded))
    }
}

/// A collector service (`E`) over the counting codec, gzip accepted and
/// messages up to `max_bytes`.
pub(crate) struct CountedService<E: Export> {
    handler: E::Handler,
    max_bytes: usize,
}

impl<E: Export> CountedService<E> {
    /// The service answering with `handler`.
    pub(crate) fn new(handler: E::Handler, max_bytes: usize) -> Self {
        Self { handler, max_bytes }
    }
}

impl<E: Export> Clone for CountedService<E> {
    fn clone(&self) -> Self {
        Self {
            handler: self.handler.clone(),
            max_bytes: self.max_bytes,
        }
    }
}

impl<E: Export> NamedService for CountedService<E> {
    const NAME: &'static str = E::SERVICE;
}

/// One export, handed to its handler.
struct ExportCall<E: Export>(E::Handler);

impl<E: Export> UnaryService<E::Request> for ExportCall<E> {
    type Response = E::Response;
    type Future = BoxFuture<Response<E::Response>, Status>;

    fn call(&mut self, request: Request<E::Request>) -> Self::Future {
        E::export(self.0.clone(), request)
    }
}

impl<E, B> tonic::codegen::Service<http::Request<B>> for CountedService<E>
where
    E: Export,
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = std::convert::Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        if request.uri().path() != E::PATH {
            return Box::pin(async { Ok(unimplemented()) });
        }
        let (handler, max_bytes) = (self.handler.clone(), self.max_bytes);
        Box::pin(async move {
            let mut grpc = Grpc::new(CountingCodec::<E>(PhantomData))
                .accept_compressed(CompressionEncoding::Gzip)
                .max_decoding_message_size(max_bytes);
            Ok(grpc.unary(ExportCall::<E>(handler), request).await)
        })
    }
}

/// gRPC's answer to a method the service does not have.
fn unimplemented() -> http::Response<tonic::body::Body> {
    let mut response = http::Response::new(tonic::body::Body::default());
    let headers = response.headers_mut();
    headers.insert(
        Status::GRPC_STATUS,
        (tonic::Code::Unimplemented as i32).into(),
    );
    headers.insert(
        http::header::CONTENT_TYPE,
        tonic::metadata::GRPC_CONTENT_TYPE,
    );
    response
}
