"""A CRM that answers a big batch with 413 still gets batches: smaller ones, and every write once, none parked."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from crm_desk import Desk
from crm_stack import SEED_PASSWORD, SEED_USER, RunningServer, crm_server

from deskchat.services.crm_push import NewLead
from deskchat.store.database import Store

LEADS = 120


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-batch-drain"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log", "--faults") as running:
        yield running


async def _requests_left(desk: Desk, token: str) -> int:
    """What the CRM's rate limit leaves this attendant (every request the desk makes counts)."""
    answer = await desk.admin.get("/api/v1/queues", headers={"Authorization": f"Bearer {token}"})
    return int(answer.headers["X-RateLimit-Remaining"])


def test_a_batch_refused_as_too_large_is_sent_again_in_smaller_batches(store: Store, server: RunningServer) -> None:
    async def scenario() -> None:
        desk = Desk(store, server.url)
        try:
            await desk.sign_in()
            leads = [await desk.push.create_lead(NewLead(f"Lead {n}", "whatsapp")) for n in range(LEADS)]
            await desk.faults({"kind": "status", "status": 413, "method": "POST", "path": "/batch", "times": 1})
            signed_in = await desk.admin.post("/api/v1/auth/token", json={"user": SEED_USER, "password": SEED_PASSWORD})
            token = str(signed_in.json()["access_token"])
            before = await _requests_left(desk, token)
            await desk.drain_until_settled()
            used = before - await _requests_left(desk, token) - 1  # less the look at the counter itself
            assert [(row["state"], row["attempts"]) for row in desk.rows()] == [("done", 1)] * LEADS
            held = (await desk.ledger())["contacts"]
            assert [held.count(lead) for lead in leads] == [1] * LEADS
            assert used <= 10, f"{used} requests for {LEADS} writes: the writes went one by one"
        finally:
            await desk.close()

    asyncio.run(scenario())
