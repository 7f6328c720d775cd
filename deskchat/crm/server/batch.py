"""``POST /batch``: several writes in one request, each idempotent under its own key and answered on its own.

An operation is the very request its single form would be (same fingerprint of method, path, body and If-Match),
so a client may retry one operation of a lost batch alone or in another batch and gets the stored answer replayed.
The new keys are claimed together in one statement; the operations then run in order in one transaction (inside a
savepoint each when one of them fails, so a refused operation is undone alone); every answer is stored for its key
in that same transaction. A run of contact creates (the bulk of a drain of new leads) is made in one multi-row
INSERT, each still answered on its own.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from deskchat.crm.server import cases, contacts, history, idempotency
from deskchat.crm.server.database import CHANGE_SEQ, next_values, now_ms
from deskchat.crm.server.faults import Fault
from deskchat.crm.server.idempotency import StoredResponse
from deskchat.crm.server.problems import ProblemError
from deskchat.crm.server.responses import stored_from_outcome, stored_from_problem
from deskchat.crm.server.rows import WriteContext
from deskchat.crm.server.validation import validate

log = logging.getLogger(__name__)

MAX_OPERATIONS = 500
_UUID = r"[0-9A-Fa-f-]{1,64}"


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Any
    schema: str
    needs_if_match: bool = False


ROUTES = (
    _Route("POST", re.compile(r"^/contacts$"), contacts.create, "ContactCreate"),
    _Route("POST", re.compile(r"^/cases$"), cases.create, "CaseCreate"),
    _Route("POST", re.compile(r"^/notes$"), history.create_note, "NoteCreate"),
    _Route("PATCH", re.compile(rf"^/contacts/(?P<contact_id>{_UUID})$"), contacts.patch, "ContactPatch", True),
    _Route("PATCH", re.compile(rf"^/cases/(?P<case_id>{_UUID})$"), cases.patch, "CasePatch", True),
    _Route("POST", re.compile(rf"^/cases/(?P<case_id>{_UUID})/messages$"), history.append_messages, "MessageBatch"),
)


@dataclass
class _Operation:
    """One operation of the batch: ready to run (``route``), or already answered (``answer``)."""

    key: str
    method: str
    path: str
    body: dict[str, Any]
    if_match: str | None
    route: _Route | None = None
    params: dict[str, str] | None = None
    row_id: int | None = None
    answer: StoredResponse | None = None
    replayed: bool = False


def _problem(status: int, slug: str, title: str) -> StoredResponse:
    return stored_from_problem(ProblemError(status, slug, title))


def parse(body: dict[str, Any]) -> list[_Operation]:
    """The operations of a body checked against ``BatchRequest``, each matched to its route and checked against its
    schema (a refusal is that operation's answer, stored for nothing: it never ran)."""
    raw: list[dict[str, Any]] = body["operations"]
    if len(raw) > MAX_OPERATIONS:
        raise ProblemError(413, "batch-too-large", f"A batch holds at most {MAX_OPERATIONS} operations.")
    operations = []
    for item in raw:
        key, method, path = item["idempotency_key"], item["method"], item["path"]
        operation = _Operation(key, method, path, item["body"], item.get("if_match"))
        route = next((r for r in ROUTES if r.method == operation.method and r.pattern.match(operation.path)), None)
        if route is None:
            operation.answer = _problem(404, "not-found", "No write of the contract has this method and path.")
        elif route.needs_if_match and operation.if_match is None:
            operation.answer = _problem(428, "if-match-required", "An update needs if_match with the record's ETag.")
        else:
            try:
                validate(route.schema, operation.body)
            except ProblemError as problem:
                operation.answer = stored_from_problem(problem)
            else:
                match = route.pattern.match(operation.path)
                assert match is not None
                operation.route, operation.params = route, match.groupdict()
        operations.append(operation)
    return operations


def claim_all(engine: Any, attendant_id: str, operations: list[_Operation], in_flight_timeout_s: int) -> None:
    """Claim every runnable operation's key: new keys all at once; a known key as its single request would be
    (replayed, 409 while in flight, 422 when reused for another request)."""
    prints: dict[int, str] = {}
    for index, operation in enumerate(operations):
        if operation.route is not None:
            canonical = json.dumps(operation.body, sort_keys=True, separators=(",", ":")).encode()
            path = f"/api/v1{operation.path}"
            prints[index] = idempotency.fingerprint(operation.method, path, canonical, operation.if_match)
    claimed = idempotency.claim_new(engine, attendant_id, [(operations[i].key, p) for i, p in prints.items()])
    for index, printed in prints.items():
        operation = operations[index]
        row_id = claimed.pop(operation.key, None)
        if row_id is not None:
            operation.row_id = row_id
            continue
        try:
            claim = idempotency.claim(engine, attendant_id, operation.key, printed, in_flight_timeout_s)
        except ProblemError as problem:
            operation.route, operation.answer = None, stored_from_problem(problem)
            continue
        if claim.replay is not None:
            operation.route, operation.answer, operation.replayed = None, claim.replay, True
        else:
            operation.row_id = claim.row_id


class _NeedsSavepoints(Exception):
    """An operation failed in the fast pass: the batch runs again with a savepoint around each operation."""


def run_all(
    engine: Any, attendant_id: str, operations: list[_Operation], fault: Fault | None, broken: tuple[str, ...]
) -> None:
    """Run the claimed operations in order in one transaction and store each answer. A first pass runs them
    straight; when one fails, that pass is rolled back and a second runs each inside a savepoint, so a failed
    operation is undone alone."""
    runnable = [operation for operation in operations if operation.route is not None]
    if not runnable:
        return
    kind = fault.kind if fault is not None else None
    failed = _problem(500, "server-error", "The server failed to process the request.")
    try:
        try:
            _run_pass(engine, attendant_id, runnable, kind, broken, isolated=False)
        except _NeedsSavepoints:
            _run_pass(engine, attendant_id, runnable, kind, broken, isolated=True)
    except Exception:
        if kind not in ("error_before_commit", "stored_error"):
            log.exception("batch failed")
        for operation in runnable:
            operation.answer = failed
            if operation.row_id is None:
                continue
            if kind == "error_before_commit":
                idempotency.release(engine, operation.row_id)
            else:
                idempotency.store_alone(engine, operation.row_id, failed)


def _run_pass(
    engine: Any,
    attendant_id: str,
    runnable: list[_Operation],
    kind: str | None,
    broken: tuple[str, ...],
    *,
    isolated: bool,
) -> None:
    with engine.begin() as conn:
        first_seq = next_values(conn, CHANGE_SEQ, len(runnable))
        offset = 0
        while offset < len(runnable):
            run = [] if isolated else _contact_creates_from(runnable, offset)
            if run:
                _create_contacts(conn, run, first_seq + offset)
                offset += len(run)
                continue
            operation = runnable[offset]
            operation.answer = _run_one(conn, attendant_id, operation, first_seq + offset, broken, isolated)
            offset += 1
        stored = [(op.row_id, op.answer) for op in runnable if op.row_id is not None and op.answer is not None]
        idempotency.store_many(conn, stored)
        if kind in ("error_before_commit", "stored_error"):
            raise RuntimeError(f"fault injection: {kind}")


def _contact_creates_from(runnable: list[_Operation], start: int) -> list[_Operation]:
    """The run of contact creates that starts at ``start`` (those :func:`contacts.create_many` can make at once)."""
    run = []
    for operation in runnable[start:]:
        if operation.route is None or operation.route.handler is not contacts.create:
            break
        if not contacts.bulk_ready(operation.body):
            break
        run.append(operation)
    return run


def _create_contacts(conn: Connection, run: list[_Operation], first_seq: int) -> None:
    """A run of contact creates in a few statements, each answered as its own create would be (a statement that
    fails for another reason sends the batch to the pass with a savepoint around each operation)."""
    seqs = range(first_seq, first_seq + len(run))
    try:
        outcomes = contacts.create_many(conn, [operation.body for operation in run], seqs, now_ms())
    except Exception as error:
        raise _NeedsSavepoints from error
    for operation, outcome in zip(run, outcomes, strict=True):
        operation.answer = (
            stored_from_problem(outcome) if isinstance(outcome, ProblemError) else stored_from_outcome(outcome)
        )


def _run_one(
    conn: Connection, attendant_id: str, operation: _Operation, seq: int, broken: tuple[str, ...], isolated: bool
) -> StoredResponse:
    assert operation.route is not None and operation.params is not None
    body, params, if_match = operation.body, operation.params, operation.if_match
    ctx = WriteContext(conn, attendant_id, body, params, if_match, now_ms(), seq, broken)
    if not isolated:
        try:
            return stored_from_outcome(operation.route.handler(ctx))
        except Exception as error:
            raise _NeedsSavepoints from error
    savepoint = conn.begin_nested()
    try:
        answer = stored_from_outcome(operation.route.handler(ctx))
    except ProblemError as problem:
        savepoint.rollback()
        return stored_from_problem(problem)
    except Exception:
        savepoint.rollback()
        log.exception("batch operation failed")
        return _problem(500, "server-error", "The server failed to process the request.")
    savepoint.commit()
    return answer


def result(operations: list[_Operation]) -> dict[str, Any]:
    answers = []
    for operation in operations:
        answer = operation.answer
        assert answer is not None
        headers = {name.lower(): value for name, value in answer.headers.items()}
        answers.append(
            {
                "status": answer.status,
                "etag": headers.get("etag"),
                "body": json.loads(answer.body) if answer.body else None,
                "replayed": operation.replayed,
            }
        )
    return {"results": answers}
