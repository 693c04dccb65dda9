"""ASGI middleware: request id, access log and metrics; a bound on request bodies."""

import logging
import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.metrics import ApiMetrics
from api.uploads import too_large
from core.logging import request_context

REQUEST_ID_HEADER = "X-Request-ID"
# Multipart framing around the file: the body may exceed MAX_UPLOAD_BYTES by this much.
MULTIPART_OVERHEAD = 64 * 1024

logger = logging.getLogger("api.access")


class RequestContextMiddleware:
    """Accepts X-Request-ID (or makes one), echoes it, logs the request and measures it.

    The route label is the route template (/documents/{document_id}), never the raw path,
    so that the number of time series stays bounded.
    """

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        with request_context(Headers(scope=scope).get(REQUEST_ID_HEADER)) as request_id:

            async def send_with_id(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
                await send(message)

            try:
                await self.app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                route = getattr(scope.get("route"), "path", "unmatched")
                method = scope["method"]
                self.metrics.observe_request(method, route, status, elapsed)
                logger.info(
                    "%s %s %d",
                    method,
                    scope["path"],
                    status,
                    extra={"route": route, "status": status, "duration_ms": elapsed * 1000},
                )


class BodyLimitMiddleware:
    """Stops reading a request body once it exceeds the upload limit: 413, nothing stored.

    A declared Content-Length over the limit is refused before any byte is read. The limit is
    MAX_UPLOAD_BYTES (the app's settings) plus room for the multipart framing.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_upload_bytes = scope["app"].state.settings.max_upload_bytes
        max_body_bytes = max_upload_bytes + MULTIPART_OVERHEAD
        declared = Headers(scope=scope).get("content-length", "")
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if declared.isascii() and declared.isdigit() and int(declared) > max_body_bytes:
                raise too_large(max_upload_bytes)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body_bytes:
                    raise too_large(max_upload_bytes)
            return message

        await self.app(scope, limited_receive, send)
