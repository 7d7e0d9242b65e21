//! Errors in the restJson1 wire shape: an HTTP status, the
//! `x-amzn-errortype` header naming the modelled error, and a JSON body with
//! `message` (plus `reason` and `fieldList` for `ValidationException`, whose
//! model carries them). The SDKs map the header to their typed errors.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The modelled error types of the AgentCore control plane we answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    Validation,
    ResourceNotFound,
    Conflict,
    AccessDenied,
    InternalServer,
    /// CloudWatch Logs' validation error.
    InvalidParameter,
    /// CloudWatch Logs Insights: a query it cannot run.
    MalformedQuery,
    /// awsJson: the body is not JSON.
    Serialization,
    /// Not an AgentCore error: the name smithy servers (and AWS front ends)
    /// give a request that matches no operation. The SDKs surface it as an
    /// unhandled error whose code and message say exactly that, which is what
    /// a caller of an operation we do not implement needs to see. A
    /// `ValidationException` would wrongly suggest the input was at fault.
    UnknownOperation,
    /// The agent's side of an invocation failed (cold start, crash): the
    /// AgentCore data plane's `RuntimeClientError` (424).
    RuntimeClient,
    /// A request body over the service's limit.
    PayloadTooLarge,
    /// Missing or invalid bearer token on a JWT-authorized resource (401).
    Unauthorized,
    /// AgentCore Memory's rate limit (429; not `ThrottlingException`).
    Throttled,
    /// AgentCore Memory's quota error (402, as its model says).
    ServiceQuotaExceeded,
    /// The database's write lock is held by another connection past the
    /// busy wait: answered as an internal failure unless a service's model
    /// names the case (CreateEvent's `RetryableConflictException`).
    Busy,
    /// AgentCore Memory's internal failure (`ServiceException`, 500): its
    /// models list it, not `InternalServerException`.
    Service,
    /// AgentCore Memory's temporary conflict (409, retryable).
    RetryableConflict,
}

impl ErrorKind {
    fn status(self) -> StatusCode {
        match self {
            Self::Validation
            | Self::InvalidParameter
            | Self::MalformedQuery
            | Self::Serialization => StatusCode::BAD_REQUEST,
            Self::ResourceNotFound | Self::UnknownOperation => StatusCode::NOT_FOUND,
            Self::Conflict => StatusCode::CONFLICT,
            Self::AccessDenied => StatusCode::FORBIDDEN,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::InternalServer | Self::Busy | Self::Service => StatusCode::INTERNAL_SERVER_ERROR,
            Self::RetryableConflict => StatusCode::CONFLICT,
            Self::RuntimeClient => StatusCode::FAILED_DEPENDENCY,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Throttled => StatusCode::TOO_MANY_REQUESTS,
            Self::ServiceQuotaExceeded => StatusCode::PAYMENT_REQUIRED,
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            Self::Validation => "ValidationException",
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::Conflict => "ConflictException",
            Self::AccessDenied | Self::Unauthorized => "AccessDeniedException",
            Self::InternalServer | Self::Busy => "InternalServerException",
            Self::Service => "ServiceException",
            Self::RetryableConflict => "RetryableConflictException",
            Self::InvalidParameter => "InvalidParameterException",
            Self::MalformedQuery => "MalformedQueryException",
            Self::Serialization => "SerializationException",
            Self::UnknownOperation => "UnknownOperationException",
            Self::RuntimeClient => "RuntimeClientError",
            Self::PayloadTooLarge => "ValidationException",
            Self::Throttled => "ThrottledException",
            Self::ServiceQuotaExceeded => "ServiceQuotaExceededException",
        }
    }
}

/// Why a `ValidationException` was raised (the model's `ValidationExceptionReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValidationReason {
    CannotParse,
    FieldValidationFailed,
    ResourceConflict,
}

impl ValidationReason {
    fn as_str(self) -> &'static str {
        match self {
            Self::CannotParse => "CannotParse",
            Self::FieldValidationFailed => "FieldValidationFailed",
            Self::ResourceConflict => "ResourceConflict",
        }
    }
}

/// An error answered to the caller in the AWS wire shape.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: {message}", kind.type_name())]
pub(crate) struct ApiError {
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
    reason: Option<ValidationReason>,
    /// `(member path, message)` pairs, reported as `fieldList`.
    fields: Vec<(String, String)>,
}

impl ApiError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            reason: None,
            fields: Vec::new(),
        }
    }

    /// A request body or parameter that cannot be parsed at all.
    pub(crate) fn cannot_parse(message: impl Into<String>) -> Self {
        Self {
            reason: Some(ValidationReason::CannotParse),
            ..Self::new(ErrorKind::Validation, message)
        }
    }

    /// One or more members failed their constraints.
    pub(crate) fn invalid_fields(
        message: impl Into<String>,
        fields: Vec<(String, String)>,
    ) -> Self {
        Self {
            reason: Some(ValidationReason::FieldValidationFailed),
            fields,
            ..Self::new(ErrorKind::Validation, message)
        }
    }

    /// The request is well formed but the resource's state forbids it.
    pub(crate) fn state_conflict(message: impl Into<String>) -> Self {
        Self {
            reason: Some(ValidationReason::ResourceConflict),
            ..Self::new(ErrorKind::Validation, message)
        }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ResourceNotFound, message)
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }

    /// The agent failed: it did not start, or broke the contract.
    pub(crate) fn runtime_client_error(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::RuntimeClient, message)
    }

    /// A payload over the limit (413, reported as a ValidationException).
    pub(crate) fn payload_too_large(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::PayloadTooLarge, message)
    }

    /// Too many requests in flight (AgentCore Memory's `ThrottledException`).
    pub(crate) fn throttled(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Throttled, message)
    }

    /// A quota would be exceeded (`ServiceQuotaExceededException`, 402).
    pub(crate) fn quota_exceeded(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ServiceQuotaExceeded, message)
    }

    /// A write that met the database locked (CreateEvent's
    /// `RetryableConflictException`); others unchanged.
    pub(crate) fn busy_as_retryable_conflict(self) -> Self {
        match self.kind {
            ErrorKind::Busy => Self {
                kind: ErrorKind::RetryableConflict,
                ..self
            },
            _ => self,
        }
    }

    /// CloudWatch Logs' `InvalidParameterException`.
    pub(crate) fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidParameter, message)
    }

    /// CloudWatch Logs Insights' `MalformedQueryException`.
    pub(crate) fn malformed_query(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::MalformedQuery, message)
    }

    /// An awsJson request body that is not JSON.
    pub(crate) fn serialization(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Serialization, message)
    }

    pub(crate) fn access_denied(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::AccessDenied, message)
    }

    /// No or a bad bearer token (401, an `AccessDeniedException` to the SDKs).
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthorized, message)
    }

    /// An unexpected failure. The cause is logged and also returned: this is
    /// a local development platform, and the caller is its operator.
    pub(crate) fn internal(cause: impl std::fmt::Display) -> Self {
        let cause = cause.to_string();
        // A cause can quote a stored or requested value: never log a secret.
        let logged = acc_domain::secret_masking::mask_text(&cause);
        tracing::error!(cause = %logged, "request failed inside the local platform");
        Self::new(
            ErrorKind::InternalServer,
            format!("The local platform failed to process the request: {cause}"),
        )
    }

    pub(crate) fn unknown_operation(method: &str, path: &str) -> Self {
        Self::new(
            ErrorKind::UnknownOperation,
            format!(
                "{method} {path} is not an operation implemented by the acc local platform. \
                 It serves the AgentCore control-plane gateway, gateway-target, policy-engine, policy, runtime and memory operations, the runtime and memory data planes, the gateways' MCP endpoints and the CloudWatch Logs reads."
            ),
        )
    }

    /// `UnknownOperationException` with a message of its own (an API that
    /// names operations otherwise than by method and path).
    pub(crate) fn unknown_operation_message(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::UnknownOperation, message)
    }

    /// This error in the awsJson1.1 shape (CloudWatch Logs).
    pub(crate) fn into_aws_json_response(self) -> Response {
        self.log_answer();
        aws_json_error(self.kind.status(), self.kind.type_name(), &self.message)
    }

    /// Log the error being answered (debug). Messages can quote the
    /// request's values, so secrets in them are masked.
    fn log_answer(&self) {
        let message = acc_domain::secret_masking::mask_text(&self.message);
        tracing::debug!(kind = self.kind.type_name(), %message, "answering with an error");
    }

    fn body(&self) -> Value {
        let mut body = json!({ "message": self.message });
        if let Some(reason) = self.reason {
            body["reason"] = json!(reason.as_str());
            if !self.fields.is_empty() {
                body["fieldList"] = self
                    .fields
                    .iter()
                    .map(|(name, message)| json!({ "name": name, "message": message }))
                    .collect();
            }
        }
        body
    }
}

/// An awsJson1.1 error: the type in the `__type` body member as well as in
/// `x-amzn-errortype`, and the awsJson content type.
pub(crate) fn aws_json_error(status: StatusCode, type_name: &str, message: &str) -> Response {
    let mut response = (
        status,
        axum::Json(json!({ "__type": type_name, "message": message })),
    )
        .into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(type_name) {
        headers.insert("x-amzn-errortype", value);
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    response
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        if let Some(DatabaseBusy | DatabaseLocked) = err.sqlite_error_code() {
            tracing::warn!(error = %err, "the platform's database stayed locked by another connection");
            return Self::new(
                ErrorKind::Busy,
                format!(
                    "The local platform's database is locked by another connection ({err}); \
                     another process holds its state file. Retry, or stop that process."
                ),
            );
        }
        Self::internal(format_args!("database error: {err}"))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(err: serde_json::Error) -> Self {
        Self::internal(format_args!("stored document is corrupt: {err}"))
    }
}

/// Answers internal failures as `ServiceException`, for a service whose
/// models list it rather than `InternalServerException` (AgentCore Memory):
/// a response layer over its routes.
pub(crate) async fn internal_as_service_exception(mut response: Response) -> Response {
    if let Some(ErrorKind::InternalServer | ErrorKind::Busy) = response.extensions().get() {
        response.headers_mut().insert(
            "x-amzn-errortype",
            HeaderValue::from_static(ErrorKind::Service.type_name()),
        );
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log_answer();
        let mut response = (self.kind.status(), axum::Json(self.body())).into_response();
        // The kind rides along for response layers (see above).
        response.extensions_mut().insert(self.kind);
        response.headers_mut().insert(
            "x-amzn-errortype",
            HeaderValue::from_static(self.kind.type_name()),
        );
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_body_carries_reason_and_fields() {
        let err = ApiError::invalid_fields("bad", vec![("name".into(), "too long".into())]);
        assert_eq!(
            err.body(),
            json!({"message": "bad", "reason": "FieldValidationFailed",
                   "fieldList": [{"name": "name", "message": "too long"}]})
        );
        assert_eq!(
            ApiError::not_found("gone").body(),
            json!({"message": "gone"})
        );
    }

    #[test]
    fn response_has_status_and_error_type_header() {
        let response = ApiError::conflict("dup").into_response();
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(response.headers()["x-amzn-errortype"], "ConflictException");
    }
}
