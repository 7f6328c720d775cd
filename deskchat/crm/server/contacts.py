"""Leads and clients."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

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
    outcome = _one(ctx.conn, fields["id"], 201)
    outcome.headers["Location"] = f"/api/v1/contacts/{fields['id']}"
    return outcome


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
