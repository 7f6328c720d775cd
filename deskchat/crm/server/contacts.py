"""Leads and clients."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from deskchat.crm.server.problems import ProblemError
from deskchat.crm.server.rows import (
    Json,
    Outcome,
    WriteContext,
    already_exists,
    etag,
    if_match_allows,
    iso,
    not_found,
    require,
    stale,
)
from deskchat.crm.server.schema import attendants, contacts

DEFAULTS: Json = {
    "phones": [],
    "emails": [],
    "cnpj": None,
    "company_type": None,
    "credit_limit_cents": None,
    "debt_cents": None,
    "sales_stage": "novo",
    "responsible_id": None,
    "score": 0,
}
EDITABLE = (
    "name",
    "phones",
    "emails",
    "cnpj",
    "company_type",
    "credit_limit_cents",
    "debt_cents",
    "status",
    "sales_stage",
    "responsible_id",
    "score",
)


def to_json(row: Any) -> Json:
    return {
        "id": row.id,
        "name": row.name,
        "phones": list(row.phones),
        "emails": list(row.emails),
        "cnpj": row.cnpj,
        "company_type": row.company_type,
        "credit_limit_cents": row.credit_limit_cents,
        "debt_cents": row.debt_cents,
        "status": row.status,
        "sales_stage": row.sales_stage,
        "responsible_id": row.responsible_id,
        "source": row.source,
        "score": row.score,
        "row_version": row.row_version,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def _whole_numbers(fields: Json) -> Json:
    """JSON allows 15.0 for an integer: store it as 15."""
    for name in ("score", "credit_limit_cents", "debt_cents"):
        if isinstance(fields.get(name), float):
            fields[name] = int(fields[name])
    return fields


def _search_text(fields: Json) -> str:
    parts = [fields["name"], *fields["phones"], *fields["emails"], fields.get("cnpj") or ""]
    return " ".join(parts).lower()


def fetch(conn: Connection, contact_id: str) -> Any:
    row = conn.execute(select(contacts).where(contacts.c.id == contact_id)).first()
    if row is None:
        raise not_found("contact")
    return row


def _one(conn: Connection, contact_id: str, status: int) -> Outcome:
    row = fetch(conn, contact_id)
    return Outcome(status, to_json(row), {"ETag": etag(row.row_version)})


def create(ctx: WriteContext) -> Outcome:
    fields = _whole_numbers({**DEFAULTS, **ctx.body})
    require(ctx.conn, attendants, fields["responsible_id"], "responsible attendant")
    values = {**fields, "search_text": _search_text(fields)}
    try:
        ctx.conn.execute(
            insert(contacts).values(**values, row_version=1, change_seq=ctx.seq, created_at=ctx.now, updated_at=ctx.now)
        )
    except IntegrityError as error:
        raise already_exists("contact") from error
    return _created(_one(ctx.conn, fields["id"], 201), fields["id"])


def _created(outcome: Outcome, contact_id: str) -> Outcome:
    outcome.headers["Location"] = f"/api/v1/contacts/{contact_id}"
    return outcome


BULK_COLUMNS = ("id", "name", "status", "source", *DEFAULTS)


def bulk_ready(body: Json) -> bool:
    """Whether :func:`create_many` may create this body (every column named; anything else goes one by one)."""
    return set(body) <= set(BULK_COLUMNS) and {"id", "name", "status", "source"} <= set(body)


def create_many(
    conn: Connection, bodies: Sequence[Json], seqs: Sequence[int], now: int
) -> list[Outcome | ProblemError]:
    """:func:`create` for several contacts (each :func:`bulk_ready`) in two statements: one look-up of the
        responsible attendants and ``INSERT … VALUES … ON CONFLICT DO NOTHING RETURNING`` (SQLAlchemy's "insert many
    values": as few multi-row statements as the driver allows, compiled once). Each body gets the very
        answer :func:`create` would give it, in order: created, 404 for an unknown attendant, 409 for a known id (also a
        second create of one id in the same call, as it would find the first's row)."""
    fields = [_whole_numbers({**DEFAULTS, **body}) for body in bodies]
    wanted = {one["responsible_id"] for one in fields if one["responsible_id"] is not None}
    known: set[str] = set()
    if wanted:
        found = conn.execute(select(attendants.c.id).where(attendants.c.id.in_(sorted(wanted)))).scalars()
        known = {str(attendant_id) for attendant_id in found}
    rows = [
        {
            **{name: one[name] for name in BULK_COLUMNS},
            "search_text": _search_text(one),
            "row_version": 1,
            "change_seq": seq,
            "created_at": now,
            "updated_at": now,
        }
        for one, seq in zip(fields, seqs, strict=True)
        if one["responsible_id"] is None or one["responsible_id"] in known
    ]
    created: dict[str, Any] = {}
    if rows:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(contacts).on_conflict_do_nothing(index_elements=[contacts.c.id]).returning(*contacts.c)
        )
        created = {str(row.id): row for row in conn.execute(statement, rows)}  # as few multi-row INSERTs as fit
    outcomes: list[Outcome | ProblemError] = []
    for one in fields:
        if one["responsible_id"] is not None and one["responsible_id"] not in known:
            outcomes.append(not_found("responsible attendant"))
            continue
        row = created.pop(str(one["id"]), None)
        if row is None:
            outcomes.append(already_exists("contact"))
            continue
        outcome = Outcome(201, to_json(row), {"ETag": etag(row.row_version)})
        outcomes.append(_created(outcome, str(row.id)))
    return outcomes


def patch(ctx: WriteContext) -> Outcome:
    contact_id = ctx.path["contact_id"]
    current = fetch(ctx.conn, contact_id)
    changes = _whole_numbers({name: ctx.body[name] for name in EDITABLE if name in ctx.body})
    if "responsible_id" in changes:
        require(ctx.conn, attendants, changes["responsible_id"], "responsible attendant")
    merged = {**to_json(current), **changes}
    condition = [contacts.c.id == contact_id]
    if "etag" not in ctx.broken:
        assert ctx.if_match is not None
        if not if_match_allows(ctx.if_match, current.row_version):
            raise stale(current.row_version)
        condition.append(contacts.c.row_version == current.row_version)
    done = ctx.conn.execute(
        update(contacts)
        .where(*condition)
        .values(
            **changes,
            search_text=_search_text(merged),
            row_version=contacts.c.row_version + 1,
            change_seq=ctx.seq,
            updated_at=ctx.now,
        )
    ).rowcount
    if done != 1:
        raise stale(fetch(ctx.conn, contact_id).row_version)
    return _one(ctx.conn, contact_id, 200)
