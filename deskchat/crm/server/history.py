"""A case's interaction history (appended in batches) and notes on contacts and cases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from deskchat.crm.server.problems import ProblemError
from deskchat.crm.server.rows import Outcome, WriteContext, already_exists, etag, iso, parse_iso, require
from deskchat.crm.server.schema import case_messages, cases, contacts, notes

MAX_BATCH = 500


def message_to_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "case_id": row.case_id,
        "direction": row.direction,
        "channel": row.channel,
        "sender": row.sender,
        "body": row.body,
        "sent_at": iso(row.sent_at),
        "external_id": row.external_id,
        "created_at": iso(row.created_at),
    }


def note_to_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "contact_id": row.contact_id,
        "case_id": row.case_id,
        "author_id": row.author_id,
        "body": row.body,
        "row_version": row.row_version,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def _insert_ignoring_duplicates(conn: Connection, table: Table) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=[table.c.id])


def append_messages(ctx: WriteContext) -> Outcome:
    case_id = ctx.path["case_id"]
    require(ctx.conn, cases, case_id, "case")
    batch: list[dict[str, Any]] = ctx.body["messages"]
    if len(batch) > MAX_BATCH:
        raise ProblemError(413, "batch-too-large", f"A batch holds at most {MAX_BATCH} messages.")
    unique: dict[str, dict[str, Any]] = {}
    for index, message in enumerate(batch):
        unique.setdefault(message["id"], {**message, "sent_at": parse_iso(message["sent_at"], f"/messages/{index}")})
    known = set(
        ctx.conn.execute(select(case_messages.c.id).where(case_messages.c.id.in_(list(unique)))).scalars().all()
    )
    rows = [
        {
            "id": message_id,
            "case_id": case_id,
            "direction": message["direction"],
            "channel": message["channel"],
            "sender": message.get("sender"),
            "body": message["body"],
            "sent_at": message["sent_at"],
            "external_id": message.get("external_id"),
            "row_version": 1,
            "change_seq": ctx.seq,
            "created_at": ctx.now,
            "updated_at": ctx.now,
        }
        for message_id, message in unique.items()
        if message_id not in known
    ]
    if rows:
        ctx.conn.execute(_insert_ignoring_duplicates(ctx.conn, case_messages), rows)
    return Outcome(200, {"created": len(rows), "duplicates": len(batch) - len(rows)})


def create_note(ctx: WriteContext) -> Outcome:
    body = ctx.body
    require(ctx.conn, contacts, body.get("contact_id"), "contact")
    require(ctx.conn, cases, body.get("case_id"), "case")
    try:
        ctx.conn.execute(
            insert(notes).values(
                id=body["id"],
                contact_id=body.get("contact_id"),
                case_id=body.get("case_id"),
                author_id=ctx.attendant_id,
                body=body["body"],
                row_version=1,
                change_seq=ctx.seq,
                created_at=ctx.now,
                updated_at=ctx.now,
            )
        )
    except IntegrityError as error:
        raise already_exists("note") from error
    row = ctx.conn.execute(select(notes).where(notes.c.id == body["id"])).one()
    return Outcome(201, note_to_json(row), {"ETag": etag(row.row_version), "Location": f"/api/v1/notes/{row.id}"})
