"""A mailbox's settings (servers, sign-in; no secrets) and its credentials in the encrypted store's ``secrets``."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, delete, select, update

from deskchat.store.schema import accounts, secrets


def save_settings(conn: Connection, account_id: int, address: str, settings: dict[str, Any]) -> None:
    conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id)
        .values(address=address, settings_json=json.dumps(settings, ensure_ascii=False))
    )


def settings_of(conn: Connection, account_id: int) -> dict[str, Any]:
    raw = conn.execute(select(accounts.c.settings_json).where(accounts.c.id == account_id)).scalar()
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def put_secret(conn: Connection, name: str, value: bytes, *, now: int) -> None:
    conn.exec_driver_sql(
        "INSERT INTO secrets (name, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (name, value, now),
    )


def secret(conn: Connection, name: str) -> bytes | None:
    value = conn.execute(select(secrets.c.value).where(secrets.c.name == name)).scalar()
    return bytes(value) if value is not None else None


def delete_secret(conn: Connection, name: str) -> None:
    conn.execute(delete(secrets).where(secrets.c.name == name))


def channel_key_of(conn: Connection, conversation_id: int) -> str:
    """The conversation's channel key (for a mailbox, the customer's address)."""
    return str(
        conn.exec_driver_sql("SELECT channel_key FROM conversations WHERE id = ?", (conversation_id,)).scalar_one()
    )
