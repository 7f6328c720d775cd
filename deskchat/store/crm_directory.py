"""The CRM's directory kept locally: queues (sectors) and attendants, and which queues are the signed-in attendant's;
and a case found by the number the CRM shows ("#123")."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update

from deskchat.store.schema import crm_attendants, crm_cases, crm_queues


def save_queues(conn: Connection, items: Iterable[dict[str, Any]], *, now: int) -> int:
    count = 0
    for item in items:
        fields = {"name": str(item.get("name") or ""), "description": str(item.get("description") or "")}
        conn.execute(delete(crm_queues).where(crm_queues.c.crm_id == str(item["id"])))
        conn.execute(insert(crm_queues).values(crm_id=str(item["id"]), updated_at=now, **fields))
        count += 1
    return count


def save_attendants(conn: Connection, items: Iterable[dict[str, Any]], *, now: int) -> int:
    count = 0
    for item in items:
        fields = {
            "name": str(item.get("name") or ""),
            "login": str(item.get("user") or ""),
            "active": 1 if item.get("active", True) else 0,
            "queue_ids_json": json.dumps([str(queue) for queue in item.get("queue_ids") or []]),
        }
        conn.execute(delete(crm_attendants).where(crm_attendants.c.crm_id == str(item["id"])))
        conn.execute(insert(crm_attendants).values(crm_id=str(item["id"]), updated_at=now, **fields))
        count += 1
    return count


def mark_my_queues(conn: Connection, attendant_crm_id: str | None) -> list[str]:
    """Flag the queues the signed-in attendant works in (``mine``); returns their CRM ids."""
    raw = None
    if attendant_crm_id is not None:
        raw = conn.execute(
            select(crm_attendants.c.queue_ids_json).where(crm_attendants.c.crm_id == attendant_crm_id)
        ).scalar()
    mine = [str(queue) for queue in json.loads(raw)] if raw else []
    conn.execute(update(crm_queues).values(mine=0))
    if mine:
        conn.execute(update(crm_queues).where(crm_queues.c.crm_id.in_(mine)).values(mine=1))
    return mine


def my_queue_ids(conn: Connection) -> list[str]:
    found = conn.execute(select(crm_queues.c.crm_id).where(crm_queues.c.mine == 1).order_by(crm_queues.c.name))
    return [str(crm_id) for crm_id in found.scalars()]


def queue_names(conn: Connection) -> dict[str, str]:
    return {str(crm_id): str(name) for crm_id, name in conn.execute(select(crm_queues.c.crm_id, crm_queues.c.name))}


def attendant_names(conn: Connection) -> dict[str, str]:
    rows = conn.execute(select(crm_attendants.c.crm_id, crm_attendants.c.name))
    return {str(crm_id): str(name) for crm_id, name in rows}


def case_id_by_tag(conn: Connection, tag: str) -> int | None:
    """The local case a "[Caso #123]" tag names: by its CRM number ("#123") or, for cases DeskChat named itself,
    by its CRM id."""
    found = conn.execute(
        select(crm_cases.c.id)
        .where(or_(crm_cases.c.display_number == f"#{tag.lstrip('#')}", crm_cases.c.crm_id == tag))
        .order_by(crm_cases.c.id)
        .limit(1)
    ).scalar()
    return None if found is None else int(found)
