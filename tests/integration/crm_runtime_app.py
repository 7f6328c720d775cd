"""The running app's runtime with the CRM as one of its accounts, for the integration tests: short pull intervals and
retry delays, and a way to wait for "the app now shows X" without sleeping (every bus event re-checks)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from deskchat.core.events import Event
from deskchat.core.supervisor import Backoff
from deskchat.runtime import Runtime
from deskchat.services.crm_accounts import CrmAccount
from deskchat.store.database import Store
from deskchat.store.schema import outbox as outbox_table

RECHECK_S = 0.05  # conditions on the server side change without a bus event here: look again this often


class CrmApp:
    """Build inside a running loop; ``await close()`` at the end."""

    def __init__(self, store: Store, sessions: Path) -> None:
        options: dict[str, Any] = {"backoff": Backoff(0.2, 0.5, random=lambda: 1.0), "pull_every_s": 0.3}
        self.runtime = Runtime(store, whatsapp_sessions=sessions, crm_options=options)
        self.store = store
        self.changed = asyncio.Event()
        self.states: list[tuple[str, str]] = []
        self._unfollow = self.runtime.bus.subscribe(Event, self._on_event)
        self.runtime.start()

    def _on_event(self, event: Event) -> None:
        state = getattr(event, "state", None)
        if state is not None:
            self.states.append((str(state), str(getattr(event, "detail", ""))))
        self.changed.set()

    @property
    def crm(self) -> CrmAccount:
        assert self.runtime.crm_account is not None
        return self.runtime.crm_account

    def state(self) -> tuple[str, str]:
        assert self.runtime.accounts is not None and self.runtime.crm is not None
        account_id = self.runtime.crm.account_id()
        assert account_id is not None
        found = self.runtime.accounts.state(account_id)
        return found.state, found.detail

    async def until(self, condition: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                self.changed.clear()
                try:
                    async with asyncio.timeout(RECHECK_S):
                        await self.changed.wait()
                except TimeoutError:
                    pass

    def crm_rows(self) -> list[dict[str, Any]]:
        with self.store.read() as conn:
            found = conn.execute(
                select(outbox_table).where(outbox_table.c.kind == "crm_call").order_by(outbox_table.c.id)
            )
            return [dict(row) for row in found.mappings().all()]

    async def close(self) -> None:
        self._unfollow()
        await self.runtime.stop()
