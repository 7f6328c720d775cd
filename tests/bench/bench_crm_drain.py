"""Draining queued CRM writes to the reference server on loopback (PostgreSQL, several worker processes).

Three runs, each with ``DESKCHAT_BENCH_CRM_ITEMS`` (10,000) new leads queued in real (SQLCipher) stores and drained
by the real drainer and CRM handler over real HTTP:

1. one DeskChat client: items/s (target ≥ 1,000/s with batching);
2. 20 DeskChat clients (20 independent stores, CRM sign-ins and drainers) draining at once: items/s in total;
3. one client with 10 % of the CRM's write requests failing by injection (500 before and after the commit, a
   lost response, 503): time to drain, losses and duplicates (both must be 0).

Usage: ``python tests/bench/bench_crm_drain.py`` (``DESKCHAT_BENCH_CRM_WORKERS`` server workers, default 4).
Prints figures; no timed assertions.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))

from crm_stack import SEED_PASSWORD, SEED_USER, crm_server, running_postgres

from deskchat.core.bus import EventBus
from deskchat.crm.client import CrmClient
from deskchat.paths import Profile
from deskchat.services.crm_lane import CrmLane
from deskchat.services.outbox import OutboxDrainer
from deskchat.services.outbox.crm_handler import CrmCallHandler
from deskchat.store import accounts, outbox
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxKind
from deskchat.store.schema import outbox as outbox_table

ITEMS = int(os.environ.get("DESKCHAT_BENCH_CRM_ITEMS", "10000"))
WORKERS = int(os.environ.get("DESKCHAT_BENCH_CRM_WORKERS", "4"))
CLIENTS = 20
PASSPHRASE = "bench-crm"
FAULTS = [  # 10 % of write requests in all (batches and single writes alike)
    {"kind": kind, "chance": 0.025, "times": 10**9, "method": "POST", "path": path, **extra}
    for path in ("/batch", "/contacts")
    for kind, extra in (
        ("error_before_commit", {}),
        ("error_after_commit", {}),
        ("lost_response", {}),
        ("status", {"status": 503}),
    )
]


class BenchDesk:
    """One DeskChat profile: its store, CRM sign-in, lane, handler and drainer (real clock)."""

    def __init__(self, folder: Path, url: str) -> None:
        self.store = Store.open(Profile(folder), passphrase=PASSPHRASE)
        self.account_id = self.store.write_now(lambda conn: accounts.create_account(conn, "crm", "CRM", now=now_ms()))
        self.client = CrmClient(url, timeout=httpx.Timeout(60.0))
        self.lane = CrmLane(self.account_id)
        handler = CrmCallHandler(self.store, self.client, self.lane)
        self.drainer = OutboxDrainer(self.store, EventBus(), {self.account_id: self.lane}.get, [handler])
        self.ids: list[str] = []

    def queue_leads(self, count: int, label: str) -> None:
        """``count`` new leads queued as the push service queues them (in one transaction, to set up fast)."""
        now = now_ms()
        rows = []
        for number in range(count):
            crm_id = str(uuid.uuid4())
            self.ids.append(crm_id)
            body = {"id": crm_id, "name": f"Lead {label} {number}", "status": "lead", "source": "whatsapp"}
            payload = {"op": "create", "collection": "contacts", "id": crm_id, "body": body}
            rows.append(({**payload, "records": [f"contacts:{crm_id}"]}, f"deskchat-{uuid.uuid4()}"))

        def write(conn: Any) -> None:
            for payload, key in rows:
                outbox.enqueue(conn, OutboxKind.CRM_CALL, key, payload, now=now, account_id=self.account_id)

        self.store.write_now(write)

    async def drain(self) -> None:
        while True:
            await self.drainer.drain_once()
            due = await self.store.read_later(lambda conn: outbox.next_due_at(conn, [OutboxKind.CRM_CALL]))
            if due is None:
                return
            await asyncio.sleep(min(5.0, max(0.0, max(due, self.lane.paused_until_ms) - now_ms()) / 1000))

    def extra_tries(self) -> int:
        """Tries beyond each item's first (retries after failures)."""
        with self.store.read() as conn:
            found = conn.execute(outbox_table.select().with_only_columns(outbox_table.c.attempts)).scalars()
            return sum(max(int(attempts) - 1, 0) for attempts in found)

    def states(self) -> Counter[str]:
        with self.store.read() as conn:
            found = conn.execute(outbox_table.select().with_only_columns(outbox_table.c.state)).scalars()
            return Counter(str(state) for state in found)

    async def close(self) -> None:
        await self.drainer.stop()
        await self.client.aclose()
        self.store.close()


async def _run(folder: Path, url: str, clients: int, items: int, label: str) -> tuple[float, list[BenchDesk]]:
    desks = [BenchDesk(folder / f"{label}-{n}", url) for n in range(clients)]
    for number, desk in enumerate(desks):
        await desk.client.sign_in(SEED_USER, SEED_PASSWORD)
        desk.queue_leads(items // clients, f"{label}-{number}")
    started = time.perf_counter()
    await asyncio.gather(*(desk.drain() for desk in desks))
    return time.perf_counter() - started, desks


def _losses_and_duplicates(url: str, desks: list[BenchDesk]) -> tuple[int, int, Counter[str]]:
    held = Counter(httpx.get(f"{url}/admin/ledger", timeout=60).json()["contacts"])
    ours = [crm_id for desk in desks for crm_id in desk.ids]
    lost = sum(1 for crm_id in ours if held[crm_id] == 0)
    doubled = sum(held[crm_id] - 1 for crm_id in ours if held[crm_id] > 1)
    states: Counter[str] = Counter()
    for desk in desks:
        states.update(desk.states())
    return lost, doubled, states


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-crm-") as temp, running_postgres() as postgres:
        folder = Path(temp)
        database = postgres.create_database("crm_bench")
        extra = ("--faults", "--workers", str(WORKERS), "--rate-limit", str(10**9))
        with crm_server(database, folder / "server.log", *extra) as server:
            print(f"CRM reference server: PostgreSQL, {WORKERS} workers, loopback; {ITEMS:,} items per run")
            for label, clients, faulty in (("one", 1, False), ("twenty", CLIENTS, False), ("faults", 1, True)):
                if faulty:
                    httpx.post(f"{server.url}/admin/faults", json=FAULTS, timeout=10).raise_for_status()
                seconds, desks = await _run(folder, server.url, clients, ITEMS, label)
                if faulty:
                    httpx.delete(f"{server.url}/admin/faults", timeout=10)
                lost, doubled, states = _losses_and_duplicates(server.url, desks)
                retried = sum(desk.extra_tries() for desk in desks)
                print(
                    f"[{label}] {clients} client(s), {ITEMS:,} items: {seconds:.1f} s, {ITEMS / seconds:,.0f} items/s; "
                    f"lost {lost}, duplicated {doubled}; outbox {dict(states)}; tries beyond the first {retried}"
                    + ("  (10 % of write requests failing)" if faulty else "")
                )
                for desk in desks:
                    await desk.close()


if __name__ == "__main__":
    asyncio.run(main())
