"""Queues (sectors) and attendants, as the client pulls them."""

from __future__ import annotations

from typing import Any

from deskchat.crm.server.rows import iso


def queue_to_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "row_version": row.row_version,
        "updated_at": iso(row.updated_at),
    }


def attendant_to_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "email": row.email,
        "user": row.login,
        "active": row.active,
        "queue_ids": list(row.queue_ids),
        "row_version": row.row_version,
        "updated_at": iso(row.updated_at),
    }
