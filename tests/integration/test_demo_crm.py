"""``--demo`` with the crm-server extra: the demo's own CRM server holds the demo's CRM records (clients, cases and
their "#N", queues, attendants), so an edit from the info pane reaches the CRM, the pull brings no stranger, and the
journal's examples behave as they say. The server child ends with DeskChat even when DeskChat is SIGKILLed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from deskchat.crm.client import CrmClient
from deskchat.crm.server.seed import seed_id
from deskchat.demo.generator import populate_demo
from deskchat.runtime import Runtime
from deskchat.services.crm_conflicts import KeepMine
from deskchat.services.crm_demo import DEMO_PASSWORD, DEMO_USER, crm_server_installed
from deskchat.services.crm_desk import CrmDesk
from deskchat.store.database import Store
from deskchat.store.schema import crm_cases, crm_clients, outbox

pytestmark = pytest.mark.skipif(not crm_server_installed(), reason="needs the crm-server extra")


async def _until(check: Callable[[], bool], timeout: float = 30) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.05)


def _items(store: Store) -> dict[str, int]:
    """Each CRM write of the demo's queue (by what it writes) and its outbox id."""
    with store.read() as conn:
        rows = conn.execute(select(outbox.c.payload_json, outbox.c.id).where(outbox.c.kind == "crm_call")).all()
    return {_what(payload): int(item_id) for payload, item_id in rows if _what(payload)}


def conflict_case_id(store: Store, item_id: int) -> str:
    with store.read() as conn:
        key = conn.execute(select(outbox.c.record_key).where(outbox.c.id == item_id)).scalar_one()
    return str(key).removeprefix("cases:")


def _what(payload: str) -> str:
    if '"notes"' in payload:
        return "note"
    if '"cnpj"' in payload:
        return "cnpj"
    if '"encerrado"' in payload:
        return "conflict"
    if '"priority": "alta"' in payload:
        return "priority"
    return ""


def _journal(store: Store) -> dict[str, str]:
    """Each CRM write of the demo's queue (by what it writes) and its state."""
    with store.read() as conn:
        rows = conn.execute(select(outbox.c.payload_json, outbox.c.state).where(outbox.c.kind == "crm_call")).all()
    journal = {}
    for payload, state in rows:
        if _what(payload):
            journal[_what(payload)] = state
    return journal


def test_the_demo_crm_server_holds_the_demo_records_and_takes_an_edit(store: Store) -> None:
    populate_demo(store)
    with store.read() as conn:
        clients = conn.execute(select(crm_clients.c.id, crm_clients.c.crm_id, crm_clients.c.name)).all()
        cases = conn.execute(select(crm_cases.c.crm_id, crm_cases.c.display_number)).all()
    assert _journal(store) == {"note": "queued", "cnpj": "failed", "conflict": "failed", "priority": "queued"}

    async def scenario() -> None:
        runtime = Runtime(store, demo=True)
        runtime.start()
        crm = None
        try:
            await runtime.connect_channels()
            assert runtime.demo_crm is not None and runtime.crm_push is not None
            await _until(lambda: _journal(store).get("priority") == "done")  # the pending change went through
            crm = CrmClient(runtime.demo_crm.url)
            await crm.sign_in(DEMO_USER, DEMO_PASSWORD)
            for _, crm_id, name in clients:
                record = await crm.get("contacts", crm_id)
                assert record is not None and record.body["name"] == name
            for crm_id, number in cases:
                record = await crm.get("cases", crm_id)
                assert record is not None and record.body["display_number"] == number
            assert await crm.get("contacts", seed_id("padaria")) is None  # not the server's own sample clients

            client_id, client_crm_id, _ = clients[5]
            desk = CrmDesk(store, runtime.crm_push, me=lambda: None)
            await desk.edit_client(client_id, "company_type", "Atacadista")

            async def edited() -> bool:
                record = await crm.get("contacts", client_crm_id)
                return record is not None and record.body["company_type"] == "Atacadista"

            async with asyncio.timeout(30):
                while not await edited():
                    await asyncio.sleep(0.05)
            journal = _journal(store)
            assert (journal["cnpj"], journal["conflict"], journal["note"]) == ("failed", "failed", "queued")

            # the journal's examples do what they say: "mine" wins the conflict on the server's newer version, the
            # waiting note goes on "Tentar agora", and the CNPJ is refused again
            items = _items(store)
            assert await runtime.crm_conflicts.resolve(
                items["conflict"], {"status": KeepMine(), "priority": KeepMine()}
            )
            await runtime.crm_sync.retry_now([items["note"], items["cnpj"]])
            await _until(lambda: _journal(store) == {**journal, "conflict": "done", "note": "done", "cnpj": "failed"})
            conflict_case = await crm.get("cases", conflict_case_id(store, items["conflict"]))
            assert conflict_case is not None
            assert (conflict_case.body["status"], conflict_case.body["priority"]) == ("encerrado", "alta")
        finally:
            if crm is not None:
                await crm.aclose()
            await runtime.stop()

    asyncio.run(scenario())


_PARENT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from deskchat.services.crm_demo import launch_demo_crm, wait_until_answering
    demo = launch_demo_crm(Path(sys.argv[1]))
    assert demo is not None and wait_until_answering(demo)
    print(demo.process.pid, flush=True)
    time.sleep(600)
    """
)


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # a zombie has ended
    except FileNotFoundError:
        return True


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_the_demo_crm_server_ends_when_deskchat_is_killed(tmp_path: Path) -> None:
    command = [sys.executable, "-c", _PARENT, str(tmp_path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as parent:
        assert parent.stdout is not None
        server_pid = int(parent.stdout.readline())
        try:
            assert not _gone(server_pid)
            os.kill(parent.pid, signal.SIGKILL)
            parent.wait(timeout=10)

            async def ended() -> None:
                await _until(lambda: _gone(server_pid), timeout=15)

            asyncio.run(ended())
        finally:
            if not _gone(server_pid):
                os.kill(server_pid, signal.SIGKILL)
