"""Finding the conversation an attendant starts with a customer: the one the customer already has on that account."""

from __future__ import annotations

from sqlalchemy import Connection

# A customer with several conversations on one account (a WhatsApp chat re-keyed, mail threads) gets the newest one.
_CUSTOMER_CONVERSATION = (
    "SELECT id FROM conversations WHERE account_id = ? AND contact_id = ? AND is_group = 0"
    " ORDER BY last_message_at DESC, id DESC LIMIT 1"
)


def customer_conversation(conn: Connection, account_id: int, contact_id: int) -> int | None:
    """The newest 1:1 conversation of ``contact_id`` on ``account_id``, if there is one."""
    found = conn.exec_driver_sql(_CUSTOMER_CONVERSATION, (account_id, contact_id)).scalar()
    return None if found is None else int(found)
