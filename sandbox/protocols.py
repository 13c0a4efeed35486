"""Recognise which AWS API a request calls, and write errors the way that API's protocol does.

The middleware needs both: call accounting and fault rules are keyed ``service:Action`` (the IAM prefix and the
API action), and an injected throttling or server error must parse in botocore exactly like the real service's.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs

import botocore.session

# SigV4 signing names that differ from the IAM prefix. Every service the collection uses signs with its IAM prefix.
_SIGNING_NAME_TO_IAM_PREFIX = {"monitoring": "cloudwatch", "email": "ses", "execute-api": "apigateway"}
# botocore model names that differ from the signing name, for the REST lookup.
_SIGNING_NAME_TO_MODEL = {"monitoring": "cloudwatch", "email": "ses", "elasticloadbalancing": "elbv2"}

_CREDENTIAL = re.compile(r"Credential=([^,\s]+)")
_CBOR_PATH = re.compile(r"^/service/[^/]+/operation/([^/?]+)")

JSON = "json"
QUERY = "query"
EC2 = "ec2"
REST_JSON = "rest-json"
REST_XML = "rest-xml"
CBOR = "smithy-rpc-v2-cbor"


@dataclass(frozen=True)
class ApiCall:
    """One AWS API request: ``service`` is the IAM prefix, ``protocol`` the wire protocol of its answer."""

    service: str
    action: str
    protocol: str

    @property
    def key(self) -> str:
        return f"{self.service}:{self.action}"


def signing_name(environ: dict) -> str | None:
    """The service name in the SigV4 credential scope (header or presigned query), if the request is signed."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    match = _CREDENTIAL.search(auth)
    if match is None:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        credential = (query.get("X-Amz-Credential") or [""])[0]
        scope = credential.split("/")
    else:
        scope = match.group(1).split("/")
    # access-key/date/region/service/aws4_request
    return scope[3] if len(scope) >= 5 else None


def identify(environ: dict, body: bytes) -> ApiCall | None:
    """Name the service and action of a request, or None when it is not a signed AWS API call."""
    name = signing_name(environ)
    if name is None:
        return None
    service = _SIGNING_NAME_TO_IAM_PREFIX.get(name, name)
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return ApiCall(service, target.rsplit(".", 1)[-1], JSON)
    path = environ.get("PATH_INFO", "/")
    cbor = _CBOR_PATH.match(path)
    if cbor:
        return ApiCall(service, cbor.group(1), CBOR)
    action = _query_action(environ, body)
    if action:
        return ApiCall(service, action, EC2 if service == "ec2" else QUERY)
    model_action, protocol = _rest_action(name, environ)
    return ApiCall(service, model_action, protocol)


def _query_action(environ: dict, body: bytes) -> str | None:
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    content_type = environ.get("CONTENT_TYPE", "")
    if body and "x-www-form-urlencoded" in content_type:
        form = parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return form["Action"][0]
    return None


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern
    literal: int
    headers: tuple[str, ...]
    query: tuple[str, ...]
    name: str

    def score(self, method: str, path: str, headers: set[str], query: set[str]) -> int | None:
        """How specifically this operation matches the request, or None when it cannot be it."""
        if method != self.method or not self.pattern.match(path):
            return None
        if not set(self.headers) <= headers or not set(self.query) <= query:
            return None
        return self.literal * 100 + len(self.headers) + len(self.query)


@functools.lru_cache(maxsize=64)
def _rest_routes(model_name: str) -> tuple[str, list[_Route]]:
    """Compile the requestUri templates of a REST service model (best effort: unknown services give no routes)."""
    try:
        model = botocore.session.get_session().get_service_model(model_name)
    except Exception:
        return REST_JSON, []
    routes = []
    for op_name in model.operation_names:
        operation = model.operation_model(op_name)
        uri, _, query_part = operation.http.get("requestUri", "/").partition("?")
        literal = len(re.sub(r"\{[^}]+\}", "", uri))
        pattern = re.sub(r"\\\{[^}]+?\\\+\\\}", ".+", re.escape(uri))
        pattern = re.sub(r"\\\{[^}]+?\\\}", "[^/]+", pattern)
        query = tuple(key.partition("=")[0] for key in query_part.split("&") if key and not key.startswith("x-id"))
        # Operations that share a URI (S3 PutObject and CopyObject) differ by the headers they require.
        shape = operation.input_shape
        headers = tuple(
            (shape.members[name].serialization.get("name") or name).lower()
            for name in (shape.required_members if shape else [])
            if shape.members[name].serialization.get("location") == "header"
        )
        routes.append(
            _Route(operation.http.get("method", "GET"), re.compile(f"^{pattern}/?$"), literal, headers, query, op_name)
        )
    protocol = model.metadata.get("protocol", REST_JSON)
    return protocol, routes


def _rest_action(name: str, environ: dict) -> tuple[str, str]:
    protocol, routes = _rest_routes(_SIGNING_NAME_TO_MODEL.get(name, name))
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/")
    headers = {key[5:].replace("_", "-").lower() for key in environ if key.startswith("HTTP_")}
    headers |= {key.replace("_", "-").lower() for key in ("CONTENT_TYPE", "CONTENT_LENGTH") if environ.get(key)}
    query = set(parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    best: tuple[int, str] | None = None
    for route in routes:
        score = route.score(method, path, headers, query)
        if score is not None and (best is None or score > best[0]):
            best = (score, route.name)
    return (best[1] if best else f"{method} {path}"), protocol


# --- error bodies -----------------------------------------------------------------------------------------------

# The code each service really answers with when it throttles a caller.
_THROTTLE_CODES = {
    "ec2": "RequestLimitExceeded",
    "iam": "Throttling",
    "sts": "Throttling",
    "elasticloadbalancing": "Throttling",
    "cloudformation": "Throttling",
    "autoscaling": "Throttling",
    "lambda": "TooManyRequestsException",
    "s3": "SlowDown",
}
# The code of an internal error per service; ECS documents ServerException.
_SERVER_ERROR_CODES = {
    "ecs": "ServerException",
    "ecr": "ServerException",
    "ssm": "InternalServerError",
    "secretsmanager": "InternalServiceError",
    "logs": "ServiceUnavailableException",
    "iam": "ServiceFailure",
    "ec2": "InternalError",
    "s3": "InternalError",
    "lambda": "ServiceException",
}

Response = tuple[str, list[tuple[str, str]], bytes]


def throttling_response(call: ApiCall) -> Response:
    code = _THROTTLE_CODES.get(call.service, "ThrottlingException")
    if call.protocol == EC2:
        return _error(call, 503, code, "Request limit exceeded.")
    if call.protocol == REST_JSON:
        return _error(call, 429, code, "Rate exceeded")
    if call.protocol == REST_XML:
        return _error(call, 503, code, "Please reduce your request rate.")
    return _error(call, 400, code, "Rate exceeded")


def server_error_response(call: ApiCall, message: str) -> Response:
    code = _SERVER_ERROR_CODES.get(call.service, "InternalFailure")
    return _error(call, 500, code, message)


def _error(call: ApiCall, status: int, code: str, message: str) -> Response:
    request_id = str(uuid.uuid4())
    status_line = f"{status} {_REASONS.get(status, 'Error')}"
    headers = [("x-amzn-RequestId", request_id)]
    if call.protocol == EC2:
        body = (
            f"<?xml version='1.0' encoding='UTF-8'?><Response><Errors><Error><Code>{code}</Code>"
            f"<Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
        )
        return status_line, [*headers, ("Content-Type", "text/xml")], body.encode()
    if call.protocol == QUERY:
        kind = "Receiver" if status >= 500 else "Sender"
        body = (
            f"<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return status_line, [*headers, ("Content-Type", "text/xml")], body.encode()
    if call.protocol == REST_XML:
        body = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{request_id}</RequestId></Error>"
        return status_line, [*headers, ("Content-Type", "application/xml")], body.encode()
    headers.append(("x-amzn-ErrorType", code))
    if call.protocol == CBOR:
        headers += [("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor")]
        return status_line, headers, _cbor_text_map({"__type": code, "message": message})
    content_type = "application/json" if call.protocol == REST_JSON else "application/x-amz-json-1.1"
    body_json = {"__type": code, "message": message}
    return status_line, [*headers, ("Content-Type", content_type)], json.dumps(body_json).encode()


_REASONS = {400: "Bad Request", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


def _cbor_head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    if length < 256:
        return bytes([major << 5 | 24, length])
    return bytes([major << 5 | 25]) + length.to_bytes(2, "big")


def _cbor_text_map(values: dict[str, str]) -> bytes:
    """Encode a map of short strings in CBOR, enough for an RPC v2 error body."""
    out = _cbor_head(5, len(values))
    for key, value in values.items():
        for text in (key, value):
            raw = text.encode()
            out += _cbor_head(3, len(raw)) + raw
    return out
