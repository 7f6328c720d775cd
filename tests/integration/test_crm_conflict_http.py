"""A CRM update refused with 412 over real HTTP against the reference server: the record is fetched again; a field
changed on both sides is asked in the conflict dialog and the choice goes with the fresh ETag; fields changed on one
side each are merged without asking."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from crm_desk import Desk
from crm_stack import SEED_PASSWORD, RunningServer, crm_server
from pytestqt.qtbot import QtBot

from deskchat.crm.server.seed import seed_id
from deskchat.services.crm_conflicts import ConflictResolver
from deskchat.services.crm_push import CaseChange
from deskchat.store import crm_queue
from deskchat.store.crm_queue import SyncState
from deskchat.store.database import Store
from deskchat.ui.crm_conflict import CrmConflictDialog


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-conflicts"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log") as running:
        yield running


def run_desk(store: Store, server: RunningServer, scenario: Callable[[Desk], Awaitable[None]]) -> None:
    async def main() -> None:
        desk = Desk(store, server.url)
        try:
            await desk.sign_in()
            await scenario(desk)
        finally:
            await desk.close()

    asyncio.run(main())


async def someone_else_changes(desk: Desk, case_id: str, patch: dict[str, Any]) -> None:
    """Another attendant (Carla) changes the case in the CRM, through the API, meanwhile."""
    signed = await desk.admin.post("/api/v1/auth/token", json={"user": "carla", "password": SEED_PASSWORD})
    token = signed.json()["access_token"]
    current = await desk.admin.get(f"/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {token}"})
    headers = {
        "Authorization": f"Bearer {token}",
        "Idempotency-Key": f"carla-{uuid.uuid4()}",
        "If-Match": current.headers["etag"],
    }
    assert (await desk.admin.patch(f"/api/v1/cases/{case_id}", json=patch, headers=headers)).status_code == 200


def test_the_same_field_changed_on_both_sides_is_asked_and_keep_mine_reaches_the_crm(
    store: Store, server: RunningServer, qtbot: QtBot
) -> None:
    async def scenario(desk: Desk) -> None:
        await desk.pull.pull_once()
        case_id = seed_id("caso-mercado")
        await someone_else_changes(desk, case_id, {"status": "em_atendimento"})
        await desk.push.change_case(case_id, CaseChange.close())
        await desk.drain_until_settled()

        [row] = desk.rows()
        assert row["state"] == "failed"
        with store.read() as conn:
            assert crm_queue.record_sync_state(conn, f"cases:{case_id}", desk.clock.ms).state == SyncState.CONFLICT
            conflict = crm_queue.conflict_of(conn, row["id"])
        assert conflict is not None
        assert [(f.field, f.mine, f.theirs) for f in conflict.fields] == [("status", "encerrado", "em_atendimento")]

        dialog = CrmConflictDialog(conflict, "Mercado")
        qtbot.addWidget(dialog)
        assert dialog.field_names() == ["status"], "the dialog asks about the field both sides changed"
        dialog.choose("status", "mine")
        with qtbot.waitSignal(dialog.decided, timeout=2000) as decided:
            dialog.send_button.click()
        item_id, choices = decided.args
        assert await ConflictResolver(store, clock=desk.clock).resolve(item_id, choices)
        await desk.drain_until_settled()

        assert [r["state"] for r in desk.rows()] == ["done"]
        held = await desk.client.get("cases", case_id)
        assert held is not None and held.body["status"] == "encerrado", "the CRM holds my value"
        with store.read() as conn:
            assert crm_queue.record_sync_state(conn, f"cases:{case_id}", desk.clock.ms).state == SyncState.SYNCED

    run_desk(store, server, scenario)


def test_different_fields_changed_on_each_side_merge_without_asking(store: Store, server: RunningServer) -> None:
    async def scenario(desk: Desk) -> None:
        await desk.pull.pull_once()
        case_id = seed_id("caso-oficina")
        await someone_else_changes(desk, case_id, {"priority": "urgente"})
        await desk.push.change_case(case_id, CaseChange.close())
        await desk.drain_until_settled()

        assert [r["state"] for r in desk.rows()] == ["done"], "merged and sent again, nobody asked"
        with store.read() as conn:
            assert crm_queue.journal(conn, desk.clock.ms) == []
        held = await desk.client.get("cases", case_id)
        assert held is not None
        assert (held.body["status"], held.body["priority"]) == ("encerrado", "urgente"), "both changes kept"

    run_desk(store, server, scenario)
