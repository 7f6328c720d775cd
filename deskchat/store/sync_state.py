"""A channel's own progress markers (IMAP UIDs, WhatsApp history chunks, the CRM cursor)."""

from __future__ import annotations

from sqlalchemy import Connection, insert, update

from deskchat.store.schema import sync_state


def save_sync_state(
    conn: Connection,
    account_id: int,
    folder: str,
    *,
    uidvalidity: int | None,
    highest_uid: int | None,
    highest_modseq: int | None,
    cursor: str,
    now: int,
) -> None:
    """Upsert a channel's progress marker (in the transaction that stores the messages it covers)."""
    values = {
        "uidvalidity": uidvalidity,
        "highest_uid": highest_uid,
        "highest_modseq": highest_modseq,
        "cursor": cursor,
        "updated_at": now,
    }
    changed = conn.execute(
        update(sync_state)
        .where(sync_state.c.account_id == account_id)
        .where(sync_state.c.folder == folder)
        .values(**values)
    ).rowcount
    if not changed:
        conn.execute(insert(sync_state).values(account_id=account_id, folder=folder, **values))
