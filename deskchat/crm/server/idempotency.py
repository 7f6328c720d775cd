"""Idempotency keys in the database: claimed in a transaction of their own, answered in the write's transaction.

The unique constraint on (user, key) decides which of several concurrent requests (in any worker process) runs;
the others get the stored response, 409 while it runs, or 422 when their request differs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from deskchat.crm.server.database import now_ms
from deskchat.crm.server.problems import ProblemError
from deskchat.crm.server.schema import idempotency_keys

IN_FLIGHT = "in_flight"
DONE = "done"
_REPLAYED = {"content-type", "etag", "location"}


def fingerprint(method: str, path: str, body: bytes, if_match: str | None) -> str:
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), (if_match or "").encode(), canonical):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Claim:
    """Either this request owns the key (``row_id``) or it must answer with ``replay``."""

    row_id: int | None
    replay: StoredResponse | None


def claim(engine: Engine, attendant_id: str, key: str, print_: str, in_flight_timeout_s: int) -> Claim:
    now = now_ms()
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(idempotency_keys)
        .values(attendant_id=attendant_id, key=key, fingerprint=print_, state=IN_FLIGHT, started_at=now)
        .on_conflict_do_nothing(index_elements=[idempotency_keys.c.attendant_id, idempotency_keys.c.key])
        .returning(idempotency_keys.c.id)
    )
    with engine.begin() as conn:
        new_id = conn.execute(statement).scalar()
        if new_id is not None:
            return Claim(int(new_id), None)
        row = conn.execute(
            select(idempotency_keys).where(
                idempotency_keys.c.attendant_id == attendant_id, idempotency_keys.c.key == key
            )
        ).one()
        if row.fingerprint != print_:
            raise ProblemError(
                422,
                "idempotency-key-reused",
                "This Idempotency-Key was used with another request.",
                "Use a new key for a new request.",
            )
        if row.state == DONE:
            return Claim(None, StoredResponse(int(row.status), dict(row.headers), bytes(row.body)))
        taken = conn.execute(
            update(idempotency_keys)
            .where(
                idempotency_keys.c.id == row.id,
                idempotency_keys.c.state == IN_FLIGHT,
                idempotency_keys.c.started_at < now - in_flight_timeout_s * 1000,
            )
            .values(started_at=now)
        ).rowcount
        if taken == 1:  # the first attempt died without an answer: this one runs it
            return Claim(int(row.id), None)
    raise ProblemError(
        409,
        "idempotency-in-flight",
        "A request with this Idempotency-Key is still being processed.",
        "Retry later with the same key.",
        headers={"Retry-After": "1"},
    )


def store(conn: Connection, row_id: int, response: StoredResponse) -> None:
    headers = {name: value for name, value in response.headers.items() if name.lower() in _REPLAYED}
    conn.execute(
        update(idempotency_keys)
        .where(idempotency_keys.c.id == row_id)
        .values(state=DONE, status=response.status, headers=headers, body=response.body)
    )


def store_alone(engine: Engine, row_id: int, response: StoredResponse) -> None:
    with engine.begin() as conn:
        store(conn, row_id, response)


def release(engine: Engine, row_id: int) -> None:
    """Forget a claim whose request did not run (a refusal or a fault before execution): a retry runs it."""
    with engine.begin() as conn:
        conn.execute(delete(idempotency_keys).where(idempotency_keys.c.id == row_id))


def claim_new(engine: Engine, attendant_id: str, prints: list[tuple[str, str]]) -> dict[str, int]:
    """Claim every (key, fingerprint) no request used yet, in one statement; returns key → claim row id. Keys
    already known are left out (their requests go through :func:`claim`: replay, 422 or 409)."""
    if not prints:
        return {}
    now = now_ms()
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    rows = [
        {"attendant_id": attendant_id, "key": key, "fingerprint": print_, "state": IN_FLIGHT, "started_at": now}
        for key, print_ in prints
    ]
    statement = (
        dialect.insert(idempotency_keys)
        .values(rows)
        .on_conflict_do_nothing(index_elements=[idempotency_keys.c.attendant_id, idempotency_keys.c.key])
        .returning(idempotency_keys.c.id, idempotency_keys.c.key)
    )
    with engine.begin() as conn:
        return {str(key): int(row_id) for row_id, key in conn.execute(statement)}


def store_many(conn: Connection, answers: list[tuple[int, StoredResponse]]) -> None:
    """:func:`store` for several claims at once (one statement, executed for each)."""
    if not answers:
        return
    conn.execute(
        update(idempotency_keys)
        .where(idempotency_keys.c.id == bindparam("row_id"))
        .values(
            state=DONE,
            status=bindparam("status", type_=idempotency_keys.c.status.type),
            headers=bindparam("headers", type_=idempotency_keys.c.headers.type),
            body=bindparam("body", type_=idempotency_keys.c.body.type),
        )
        .execution_options(synchronize_session=False),
        [
            {
                "row_id": row_id,
                "status": response.status,
                "headers": {name: value for name, value in response.headers.items() if name.lower() in _REPLAYED},
                "body": response.body,
            }
            for row_id, response in answers
        ],
    )
