"""SIGKILL of DeskChat during a CRM drain, and a CRM that is down for a while: the CRM ends with every item once.

A real DeskChat process (:mod:`crm_kill_child`: the real SQLCipher store, drainer and CRM handler) drains a queue of
CRM writes — for each customer a new lead, its case, the case's accept, a note, a batch of history and the close —
to the reference server over real HTTP, and is SIGKILLed at chosen points of the cycle (before a write goes out,
after the CRM committed a write but before its answer was read, while the store marks an item done) or at random
moments; it is started again each time until the queue is empty. The server's ledger is the oracle.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from crm_desk import Desk
from crm_stack import SEED_PASSWORD, SEED_USER, RunningServer, crm_server, free_port

from deskchat.crm.client import CrmClient
from deskchat.crm.server.seed import seed_id
from deskchat.paths import Profile
from deskchat.services.crm_push import CaseChange, CrmPush, HistoryMessage, NewCase, NewLead
from deskchat.services.crm_tokens import CrmTokenVault
from deskchat.store import accounts
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.schema import outbox as outbox_table

CHILD = Path(__file__).with_name("crm_kill_child.py")
PASSPHRASE = "crm-kill-test-passphrase"
CUSTOMERS = 12  # six writes each: 72 outbox items
HISTORY = 3


@dataclass
class Expected:
    """What the CRM must hold once the queue is drained."""

    contacts: list[str]
    cases: list[str]
    notes: list[str]
    messages: list[str]


async def queue_workload(push: CrmPush, customers: int, label: str) -> Expected:
    expected = Expected([], [], [], [])
    for number in range(customers):
        lead = await push.create_lead(NewLead(f"Cliente {label} {number}", "whatsapp"))
        case = await push.open_case(NewCase(lead, seed_id("comercial"), f"Pedido {number}", "whatsapp"))
        await push.change_case(case, CaseChange.accept(seed_id("ana")))
        expected.notes.append(await push.add_note(f"Retornar ao cliente {number}", case_crm_id=case))
        history = [
            HistoryMessage("in", "whatsapp", f"mensagem {number}-{n}", 1_763_800_000_000 + n) for n in range(HISTORY)
        ]
        await push.push_history(case, history)
        await push.change_case(case, CaseChange.close())
        expected.contacts.append(lead)
        expected.cases.append(case)
    return expected


def _prepare(profile: Profile, url: str) -> tuple[int, Expected]:
    """A profile signed in to the CRM with the whole workload queued; returns the CRM account and what to expect."""
    store = Store.open(profile, passphrase=PASSPHRASE)
    account_id = store.write_now(lambda conn: accounts.create_account(conn, "crm", "CRM", now=now_ms()))

    async def fill() -> Expected:
        vault = CrmTokenVault(store, account_id)
        client = CrmClient(url, on_tokens=vault.keep)
        try:
            await client.sign_in(SEED_USER, SEED_PASSWORD)
        finally:
            await client.aclose()
        return await queue_workload(CrmPush(store, account_id), CUSTOMERS, profile.root.name)

    expected = asyncio.run(fill())
    store.close()
    return account_id, expected


def _outbox_states(profile: Profile) -> list[tuple[str, str]]:
    store = Store.open(profile, passphrase=PASSPHRASE)
    with store.read() as conn:
        rows = conn.execute(outbox_table.select().with_only_columns(outbox_table.c.state, outbox_table.c.last_error))
        states = [(str(state), str(error)) for state, error in rows]
    store.close()
    return states


def _run_child(profile: Profile, url: str, account_id: int, point: str, at: int, kill_after_s: float | None) -> int:
    """One run of the child; returns its exit code (-9 when it was SIGKILLed, by itself or by us)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    errors = profile.root.parent / "child-errors.txt"
    command = [sys.executable, str(CHILD), str(profile.root), PASSPHRASE, url, str(account_id), point, str(at)]
    with errors.open("wb") as error_file:
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=error_file)
        try:
            child.wait(timeout=kill_after_s if kill_after_s is not None else 300)
        except subprocess.TimeoutExpired:
            if kill_after_s is None:
                raise AssertionError("the drain did not finish within 300 s") from None
        finally:
            if child.poll() is None:  # our SIGKILL from outside (or a drain that hung: never left running)
                child.send_signal(signal.SIGKILL)
                child.wait()
    if child.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(errors.read_text(errors="replace")[-3000:])
    return child.returncode


def _check_the_crm_holds_everything_once(url: str, expected: Expected, states: list[tuple[str, str]]) -> None:
    assert [state for state, _error in states if state != "done"] == [], states
    ledger: dict[str, Any] = httpx.get(f"{url}/admin/ledger", timeout=10).json()
    for collection in ("contacts", "cases", "notes"):
        held = ledger[collection]
        assert all(held.count(record) == 1 for record in getattr(expected, collection)), collection

    async def cases_and_history() -> None:
        client = CrmClient(url)
        try:
            await client.sign_in(SEED_USER, SEED_PASSWORD)
            for case in expected.cases:
                record = await client.get("cases", case)
                assert record is not None
                # the accept went before the close (the other order would leave the case "em_atendimento")
                assert (record.body["status"], record.body["assignee_id"]) == ("encerrado", seed_id("ana"))
                page = await client.page(f"cases/{case}/messages", limit=500)
                assert len(page.items) == HISTORY == len({item["id"] for item in page.items})
        finally:
            await client.aclose()

    asyncio.run(cases_and_history())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-kill"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log", "--faults") as running:
        yield running


# The N-th write (or settle) of each run at which the child kills itself; each restart counts from 1 again.
KILL_SCHEDULE = (1, 2, 5, 9, 14)


@pytest.mark.parametrize("point", ["request", "response", "done"])
def test_sigkill_at_a_point_of_the_cycle_then_restart_leaves_every_item_in_the_crm_once(
    tmp_path: Path, server: RunningServer, point: str
) -> None:
    profile = Profile(tmp_path / f"kill-{point}")
    account_id, expected = _prepare(profile, server.url)

    codes = [_run_child(profile, server.url, account_id, point, at, None) for at in KILL_SCHEDULE]
    final = _run_child(profile, server.url, account_id, "none", 0, None)

    print(f"\n[{point}] runs killed: {codes.count(-signal.SIGKILL)} of {len(codes)}; last run exit {final}")
    assert codes.count(-signal.SIGKILL) == len(KILL_SCHEDULE), "every scheduled kill happened"
    assert final == 0
    _check_the_crm_holds_everything_once(server.url, expected, _outbox_states(profile))


def test_sigkill_at_random_moments_then_restart_leaves_every_item_in_the_crm_once(
    tmp_path: Path, server: RunningServer
) -> None:
    profile = Profile(tmp_path / "kill-random")
    account_id, expected = _prepare(profile, server.url)
    chance = random.Random(8)
    kills = 0
    for _ in range(8):
        if _run_child(profile, server.url, account_id, "none", 0, chance.uniform(0.8, 2.5)) == 0:
            break
        kills += 1
    final = _run_child(profile, server.url, account_id, "none", 0, None)
    print(f"\n[random] SIGKILLs from outside: {kills}; last run exit {final}")
    assert kills >= 1
    _check_the_crm_holds_everything_once(server.url, expected, _outbox_states(profile))


def test_a_crm_down_for_a_while_then_up_gets_everything_in_order_per_record(tmp_path: Path, store: Store) -> None:
    """Down far longer than the retry budget of a failing item (8 attempts): nothing is parked, all drains."""
    database, port = f"sqlite:///{tmp_path / 'crm.sqlite3'}", free_port()

    async def scenario() -> None:
        with crm_server(database, tmp_path / "server-1.log", "--faults", port=port) as running:
            desk = Desk(store, running.url, timeout=3)
            await desk.sign_in()
            expected = await queue_workload(desk.push, 4, "down")
        try:
            outage_ms = 0
            for _ in range(30):  # the CRM is down: rounds of draining, the clock moving to each next due time
                await desk.drainer.drain_once()
                due = max(desk.lane.paused_until_ms, min(row["next_attempt_at"] for row in desk.rows()))
                step = max(due - desk.clock.ms, 1000)
                desk.clock.ms += step
                outage_ms += step
            states = {row["state"] for row in desk.rows()}
            assert states == {"queued"}, f"an outage of {outage_ms / 60_000:.0f} min parked items: {states}"
            with crm_server(database, tmp_path / "server-2.log", "--faults", port=port) as running:
                await desk.drain_until_settled()
                rows = desk.rows()
                print(f"\n[down {outage_ms / 60_000:.0f} min] attempts per item: {[row['attempts'] for row in rows]}")
                states_now = [(str(row["state"]), str(row["last_error"])) for row in rows]
                await asyncio.to_thread(_check_the_crm_holds_everything_once, running.url, expected, states_now)
        finally:
            await desk.close()

    asyncio.run(scenario())
