"""One path for every request: rate limit, authentication, faults, body checks, idempotency, one transaction."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from deskchat.crm.server import auth, batch, faults, idempotency
from deskchat.crm.server.config import ServerConfig
from deskchat.crm.server.database import CHANGE_SEQ, next_value, now_ms, read_transaction
from deskchat.crm.server.faults import Fault
from deskchat.crm.server.idempotency import StoredResponse
from deskchat.crm.server.problems import ProblemError
from deskchat.crm.server.ratelimit import count_request
from deskchat.crm.server.responses import (
    HTML_PAGE,
    CutResponse,
    dump,
    send_stored,
    stored_from_outcome,
    stored_from_problem,
)
from deskchat.crm.server.rows import Outcome, WriteContext
from deskchat.crm.server.validation import validate

log = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
READ, WRITE, AUTH, BATCH = "read", "write", "auth", "batch"

# read(conn, request, attendant_id) -> Outcome ; write(ctx) -> Outcome ; auth(conn, body) -> Outcome
ReadHandler = Callable[[Connection, Request, str | None], Outcome]
WriteHandler = Callable[[WriteContext], Outcome]
AuthHandler = Callable[[Connection, dict[str, Any]], Outcome]


@dataclass(frozen=True)
class Operation:
    kind: str
    handler: Callable[..., Outcome]
    schema: str | None = None
    needs_if_match: bool = False


class _RolledBack(Exception):
    """The fault error_before_commit: undo everything, release the key."""


def _server_error() -> ProblemError:
    return ProblemError(500, "server-error", "The server failed to process the request.")


class Pipeline:
    def __init__(self, config: ServerConfig, engine: Engine) -> None:
        self.config = config
        self.engine = engine

    def endpoint(self, operation: Operation) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            return await self.run(request, operation)

        return handle

    async def run(self, request: Request, operation: Operation) -> Response:
        rate_headers: dict[str, str] = {}
        try:
            attendant_id = await self._attendant(request)
            rate_headers = await self._count(request, attendant_id)
            if operation.kind != AUTH and attendant_id is None:
                raise ProblemError(
                    401,
                    "unauthorized",
                    "A valid access token is required.",
                    headers={"WWW-Authenticate": 'Bearer realm="deskchat-crm"'},
                )
            fault = None
            if self.config.faults:
                fault = await run_in_threadpool(faults.take, self.engine, request.method, _api_path(request))
            early = _early_fault(fault, rate_headers) if fault is not None else None
            if early is not None:
                return early
            if operation.kind == WRITE:
                assert attendant_id is not None
                return await self._write(request, operation, attendant_id, fault, rate_headers)
            if operation.kind == BATCH:
                assert attendant_id is not None
                return await self._batch(request, attendant_id, fault, rate_headers)
            stored = await self._read_or_auth(request, operation, attendant_id, fault)
            return _deliver(stored, fault, rate_headers)
        except ProblemError as problem:
            problem.headers.update(rate_headers)
            return problem.response(plain="problem-json" in self.config.broken)

    async def _attendant(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None

        def lookup() -> str | None:
            with read_transaction(self.engine) as conn:
                return auth.attendant_for_access(conn, token.strip())

        return await run_in_threadpool(lookup)

    async def _count(self, request: Request, attendant_id: str | None) -> dict[str, str]:
        if "rate-limit" in self.config.broken:
            return {}
        subject = attendant_id or f"addr:{request.client.host if request.client else '?'}"
        state = await run_in_threadpool(
            count_request, self.engine, subject, self.config.rate_limit, self.config.rate_window_s
        )
        if state.exceeded:
            raise ProblemError(
                429,
                "rate-limited",
                "Too many requests.",
                f"At most {state.limit} requests per {self.config.rate_window_s} s.",
                headers={**state.headers(), "Retry-After": str(state.reset_s)},
            )
        return state.headers()

    async def _json_body(self, request: Request, schema: str | None) -> dict[str, Any]:
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError as error:
            raise ProblemError(400, "not-json", "The body is not JSON.") from error
        if schema is not None:
            validate(schema, body)
        assert isinstance(body, dict)
        return body

    async def _read_or_auth(
        self, request: Request, operation: Operation, attendant_id: str | None, fault: Fault | None
    ) -> StoredResponse:
        body = await self._json_body(request, operation.schema) if operation.kind == AUTH else {}
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(int(fault.params.get("delay_ms", 1000)) / 1000)

        def work() -> StoredResponse:
            try:
                if operation.kind == AUTH:
                    with self.engine.begin() as conn:
                        return stored_from_outcome(operation.handler(conn, body))
                with read_transaction(self.engine) as conn:
                    return stored_from_outcome(operation.handler(conn, request, attendant_id))
            except ProblemError as problem:
                return stored_from_problem(problem)

        return await run_in_threadpool(work)

    async def _write(
        self, request: Request, operation: Operation, attendant_id: str, fault: Fault | None, rate: dict[str, str]
    ) -> Response:
        key = request.headers.get("idempotency-key")
        if key is None:
            raise ProblemError(400, "idempotency-key-required", "Every write needs an Idempotency-Key header.")
        if not KEY_PATTERN.match(key):
            raise ProblemError(400, "bad-idempotency-key", "The Idempotency-Key must be 1–255 printable characters.")
        if_match = request.headers.get("if-match")
        if operation.needs_if_match and if_match is None and "etag" not in self.config.broken:
            raise ProblemError(428, "if-match-required", "An update needs the If-Match header with the record's ETag.")
        if if_match is not None and not 1 <= len(if_match) <= 64:
            raise ProblemError(400, "bad-if-match", "If-Match must hold 1 to 64 characters.")
        body = await self._json_body(request, operation.schema)
        row_id: int | None = None
        if "idempotency" not in self.config.broken:
            fingerprint = idempotency.fingerprint(request.method, request.url.path, await request.body(), if_match)
            claim = await run_in_threadpool(
                idempotency.claim, self.engine, attendant_id, key, fingerprint, self.config.in_flight_timeout_s
            )
            if claim.replay is not None:
                return send_stored(claim.replay, {**rate, "Idempotent-Replayed": "true"})
            row_id = claim.row_id
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(int(fault.params.get("delay_ms", 1000)) / 1000)
        context = (attendant_id, body, dict(request.path_params), if_match)
        stored = await run_in_threadpool(self._execute, operation, context, row_id, fault)
        return _deliver(stored, fault, rate)

    async def _batch(self, request: Request, attendant_id: str, fault: Fault | None, rate: dict[str, str]) -> Response:
        body = await self._json_body(request, "BatchRequest")
        operations = await run_in_threadpool(batch.parse, body)  # checks every body: off the event loop
        if "idempotency" not in self.config.broken:
            timeout_s = self.config.in_flight_timeout_s
            await run_in_threadpool(batch.claim_all, self.engine, attendant_id, operations, timeout_s)
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(int(fault.params.get("delay_ms", 1000)) / 1000)
        await run_in_threadpool(batch.run_all, self.engine, attendant_id, operations, fault, self.config.broken)
        return _deliver(stored_from_outcome(Outcome(200, batch.result(operations))), fault, rate)

    def _execute(
        self,
        operation: Operation,
        context: tuple[str, dict[str, Any], dict[str, str], str | None],
        row_id: int | None,
        fault: Fault | None,
    ) -> StoredResponse:
        attendant_id, body, path, if_match = context
        kind = fault.kind if fault is not None else None
        try:
            with self.engine.begin() as conn:
                seq = next_value(conn, CHANGE_SEQ)
                ctx = WriteContext(conn, attendant_id, body, path, if_match, now_ms(), seq, self.config.broken)
                stored = stored_from_outcome(operation.handler(ctx))
                if kind == "error_before_commit":
                    raise _RolledBack
                if kind == "stored_error":
                    raise RuntimeError("fault injection: stored_error")
                if row_id is not None:
                    idempotency.store(conn, row_id, stored)
            return stored
        except _RolledBack:
            if row_id is not None:
                idempotency.release(self.engine, row_id)
            return stored_from_problem(_server_error())
        except ProblemError as problem:
            stored = stored_from_problem(problem)
        except Exception:
            if kind != "stored_error":
                log.exception("write failed")
            stored = stored_from_problem(_server_error())
        if row_id is not None:
            idempotency.store_alone(self.engine, row_id, stored)
        return stored


def _api_path(request: Request) -> str:
    path = request.url.path
    return path[len("/api/v1") :] if path.startswith("/api/v1") else path


def _early_fault(fault: Fault, rate: dict[str, str]) -> Response | None:
    if fault.kind == "status":
        status = int(fault.params.get("status", 503))
        headers = dict(rate)
        if fault.params.get("retry_after") is not None:
            headers["Retry-After"] = str(fault.params["retry_after"])
        problem = ProblemError(status, "injected", "Injected failure.", headers=headers)
        return problem.response()
    if fault.kind == "html_200":
        return Response(HTML_PAGE, 200, headers=rate, media_type="text/html; charset=utf-8")
    return None


def _deliver(stored: StoredResponse, fault: Fault | None, rate: dict[str, str]) -> Response:
    kind = fault.kind if fault is not None else None
    if kind == "error_after_commit":
        return stored_from_problem_response(rate)
    if kind == "malformed_json":
        truncated = stored.body[: max(1, len(stored.body) // 2)] or b"{"
        return Response(truncated, stored.status, headers=rate, media_type="application/json")
    if kind == "reset_mid_body":
        return CutResponse(stored, max(1, len(stored.body) // 2), rate)
    if kind == "lost_response":
        return CutResponse(stored, 0, rate)
    return send_stored(stored, rate)


def stored_from_problem_response(rate: dict[str, str]) -> Response:
    problem = _server_error()
    problem.headers.update(rate)
    return Response(dump(problem.body()), 500, headers=problem.headers, media_type="application/problem+json")
