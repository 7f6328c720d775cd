"""Responses the pipeline sends: JSON, stored replays, and the broken ones faults ask for."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from deskchat.crm.server.idempotency import StoredResponse
from deskchat.crm.server.problems import ProblemError
from deskchat.crm.server.rows import Outcome

HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Portal</title></head>"
    "<body><h1>Acesso restrito</h1><p>Faça login na rede para continuar.</p></body></html>"
).encode()


def dump(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def stored_from_outcome(outcome: Outcome) -> StoredResponse:
    if outcome.body is None:
        return StoredResponse(outcome.status, dict(outcome.headers), b"")
    return StoredResponse(outcome.status, {"Content-Type": outcome.media_type, **outcome.headers}, dump(outcome.body))


def stored_from_problem(problem: ProblemError) -> StoredResponse:
    headers = {"Content-Type": "application/problem+json", **problem.headers}
    return StoredResponse(problem.status, headers, dump(problem.body()))


def send_stored(stored: StoredResponse, extra: dict[str, str]) -> Response:
    headers = {name: value for name, value in stored.headers.items() if name.lower() != "content-type"}
    media_type = next((v for k, v in stored.headers.items() if k.lower() == "content-type"), None)
    return Response(stored.body, stored.status, headers={**headers, **extra}, media_type=media_type)


class CutResponse(Response):
    """Announces the whole body (Content-Length), sends ``keep`` bytes of it, then drops the connection."""

    def __init__(self, stored: StoredResponse, keep: int, extra: dict[str, str]) -> None:
        media_type = next((v for k, v in stored.headers.items() if k.lower() == "content-type"), None)
        headers = {k: v for k, v in stored.headers.items() if k.lower() != "content-type"}
        super().__init__(stored.body or b"{}", stored.status, headers={**headers, **extra}, media_type=media_type)
        self.keep = keep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        if self.keep:
            await send({"type": "http.response.body", "body": self.body[: self.keep], "more_body": True})
        raise ConnectionAbortedError("fault injection: the connection is cut on purpose")
