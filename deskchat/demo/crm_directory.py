"""The demo's CRM account and directory: queues (sectors) and attendants, so the info pane's CRM actions work in
``--demo`` before the demo's CRM server answers (or with no server: each action is kept and waits in the queue).
The ids are those of the demo's CRM seed (:mod:`deskchat.demo.crm_seed`), so the first pull finds the same records.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection

from deskchat.demo.crm_seed import QUEUES, directory_id
from deskchat.demo.sample_data import ATTENDANTS
from deskchat.store import accounts, crm_records

CRM_ACCOUNT_NAME: Final = "CRM (demonstração)"

__all__ = ["CRM_ACCOUNT_NAME", "QUEUES", "directory_id", "write_crm_directory"]


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
