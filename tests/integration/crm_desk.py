"""DeskChat's CRM side wired as the app wires it (client, lane, handler, drainer, push, pull) over a real store,
talking real HTTP to the reference server, with a fake clock so backoff waits cost no time."""

from __future__ import annotations

from typing import Any

import httpx
from crm_stack import SEED_PASSWORD, SEED_USER

from deskchat.core.bus import EventBus
from deskchat.crm.client import CrmClient
from deskchat.services.crm_lane import CrmLane
from deskchat.services.crm_pull import CrmPull
from deskchat.services.crm_push import CrmPush
from deskchat.services.crm_tokens import CrmTokenVault
from deskchat.services.outbox import OutboxDrainer
from deskchat.services.outbox.crm_handler import CrmCallHandler
from deskchat.store import accounts, outbox
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxKind
from deskchat.store.schema import outbox as outbox_table

START_MS = 1_763_800_000_000


class Clock:
    def __init__(self) -> None:
        self.ms = START_MS

    def __call__(self) -> int:
        return self.ms


class Desk:
    """One DeskChat profile's CRM machinery; build it inside the event loop that will use it."""

    def __init__(self, store: Store, url: str, *, timeout: float = 10.0, account_id: int | None = None) -> None:
        self.store, self.url = store, url
        self.clock = Clock()
        if account_id is None:
            account_id = store.write_now(lambda conn: accounts.create_account(conn, "crm", "CRM", now=START_MS))
        self.account_id = account_id
        self.vault = CrmTokenVault(store, account_id, clock=self.clock)
        self.client = CrmClient(
            url, tokens=self.vault.load(), on_tokens=self.vault.keep, timeout=httpx.Timeout(timeout)
        )
        self.sign_in_requests = 0
        self.lane = CrmLane(self.account_id, clock=self.clock, on_sign_in_required=self._signed_out)
        self.push = CrmPush(store, self.account_id, clock=self.clock)
        self.pull = CrmPull(store, self.client, self.account_id, clock=self.clock)
        self.slept: list[float] = []
        self.drainer = OutboxDrainer(
            store,
            EventBus(),
            {self.account_id: self.lane}.get,
            [CrmCallHandler(store, self.client, self.lane, clock=self.clock)],
            clock=self.clock,
            sleep=self._sleep,
        )
        self.admin = httpx.AsyncClient(base_url=url, timeout=10)

    def _signed_out(self) -> None:
        self.sign_in_requests += 1

    async def _sleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    async def sign_in(self) -> None:
        await self.client.sign_in(SEED_USER, SEED_PASSWORD)
        self.lane.signed_in()

    async def close(self) -> None:
        await self.drainer.stop()
        await self.client.aclose()
        await self.admin.aclose()

    async def faults(self, *specs: dict[str, Any]) -> None:
        assert (await self.admin.post("/admin/faults", json=list(specs))).status_code == 201

    async def ledger(self) -> dict[str, Any]:
        answer: dict[str, Any] = (await self.admin.get("/admin/ledger")).json()
        return answer

    async def drain_until_settled(self, max_rounds: int = 60) -> list[int]:
        """Drain, moving the fake clock to each next due time (and past a paused lane), until nothing is queued;
        returns every wait the clock skipped (ms)."""
        waits: list[int] = []
        for _ in range(max_rounds):
            await self.drainer.drain_once()
            if self.lane.sign_in_required:
                return waits
            due = self.store.write_now(lambda conn: outbox.next_due_at(conn, [OutboxKind.CRM_CALL]))
            if due is None:
                return waits
            target = max(due, self.lane.paused_until_ms)
            if target > self.clock.ms:
                waits.append(target - self.clock.ms)
                self.clock.ms = target
        raise AssertionError("the CRM outbox did not settle")

    def rows(self) -> list[dict[str, Any]]:
        """Every CRM outbox row: state, attempts, last error, payload."""
        from sqlalchemy import select

        with self.store.read() as conn:
            found = conn.execute(select(outbox_table).order_by(outbox_table.c.id)).mappings().all()
        return [dict(row) for row in found]
