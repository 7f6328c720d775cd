"""The demo's CRM account and directory: queues (sectors) and attendants, so the info pane's CRM actions work in
``--demo`` with no CRM connected (each action is kept locally and waits in the queue)."""

from __future__ import annotations

import uuid
from typing import Final

from sqlalchemy import Connection

from deskchat.demo.sample_data import ATTENDANTS
from deskchat.store import accounts, crm_records

CRM_ACCOUNT_NAME: Final = "CRM (demonstração)"
QUEUES: Final = ("Vendas", "Suporte", "Financeiro")
_NAMESPACE: Final = uuid.UUID("6f1c2d4e-8a3b-4c5d-9e7f-0a1b2c3d4e5f")


def directory_id(name: str) -> str:
    """A stable CRM id for a demo queue or attendant."""
    return str(uuid.uuid5(_NAMESPACE, name))


def write_crm_directory(conn: Connection, *, now: int) -> int:
    """Create the demo's CRM account with its queues and attendants; returns the account id."""
    account_id = accounts.create_account(conn, "crm", CRM_ACCOUNT_NAME, now=now)
    state = crm_records.CrmSyncState(
        {},
        {directory_id(name): name for name in QUEUES},
        {directory_id(name): name for name in ATTENDANTS},
    )
    crm_records.save_crm_sync_state(conn, account_id, state, now=now)
    return account_id
