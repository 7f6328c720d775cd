"""Cases: numbered by the server ("#123"), opened for a contact, routed to a queue, closed and reopened."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from deskchat.crm.server.database import CASE_NUMBER, next_value
from deskchat.crm.server.rows import (
    Outcome,
    WriteContext,
    already_exists,
    etag,
    if_match_allows,
    iso,
    not_found,
    parse_iso,
    require,
    stale,
)
from deskchat.crm.server.schema import attendants, cases, contacts, queues

CLOSED = "encerrado"
EDITABLE = ("status", "queue_id", "priority", "assignee_id", "subject")


def to_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "number": row.number,
        "display_number": f"#{row.number}",
        "contact_id": row.contact_id,
        "status": row.status,
        "queue_id": row.queue_id,
        "priority": row.priority,
        "assignee_id": row.assignee_id,
        "subject": row.subject,
        "channel": row.channel,
        "opened_at": iso(row.opened_at),
        "closed_at": iso(row.closed_at),
        "row_version": row.row_version,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def fetch(conn: Connection, case_id: str) -> Any:
    row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
    if row is None:
        raise not_found("case")
    return row


def _one(conn: Connection, case_id: str, status: int) -> Outcome:
    row = fetch(conn, case_id)
    return Outcome(status, to_json(row), {"ETag": etag(row.row_version)})


def _check_references(ctx: WriteContext, fields: dict[str, Any]) -> None:
    require(ctx.conn, queues, fields.get("queue_id"), "queue")
    require(ctx.conn, attendants, fields.get("assignee_id"), "assignee")


def create(ctx: WriteContext) -> Outcome:
    body = ctx.body
    require(ctx.conn, contacts, body["contact_id"], "contact")
    _check_references(ctx, body)
    if ctx.conn.execute(select(cases.c.id).where(cases.c.id == body["id"])).first() is not None:
        raise already_exists("case")
    status = body.get("status", "pendente")
    opened_at = parse_iso(body["opened_at"], "/opened_at") if "opened_at" in body else ctx.now
    try:
        ctx.conn.execute(
            insert(cases).values(
                id=body["id"],
                number=next_value(ctx.conn, CASE_NUMBER),
                contact_id=body["contact_id"],
                status=status,
                queue_id=body["queue_id"],
                priority=body.get("priority", "normal"),
                assignee_id=body.get("assignee_id"),
                subject=body["subject"],
                channel=body["channel"],
                opened_at=opened_at,
                closed_at=ctx.now if status == CLOSED else None,
                row_version=1,
                change_seq=ctx.seq,
                created_at=ctx.now,
                updated_at=ctx.now,
            )
        )
    except IntegrityError as error:
        raise already_exists("case") from error
    outcome = _one(ctx.conn, body["id"], 201)
    outcome.headers["Location"] = f"/api/v1/cases/{body['id']}"
    return outcome


def patch(ctx: WriteContext) -> Outcome:
    case_id = ctx.path["case_id"]
    current = fetch(ctx.conn, case_id)
    changes: dict[str, Any] = {name: ctx.body[name] for name in EDITABLE if name in ctx.body}
    _check_references(ctx, changes)
    if "status" in changes and changes["status"] != current.status:
        changes["closed_at"] = ctx.now if changes["status"] == CLOSED else None
    condition = [cases.c.id == case_id]
    if "etag" not in ctx.broken:
        assert ctx.if_match is not None
        if not if_match_allows(ctx.if_match, current.row_version):
            raise stale(current.row_version)
        condition.append(cases.c.row_version == current.row_version)
    done = ctx.conn.execute(
        update(cases)
        .where(*condition)
        .values(**changes, row_version=cases.c.row_version + 1, change_seq=ctx.seq, updated_at=ctx.now)
    ).rowcount
    if done != 1:
        raise stale(fetch(ctx.conn, case_id).row_version)
    return _one(ctx.conn, case_id, 200)
