"""The CRM push under the reference server's fault schedule: after every fault the server holds each item exactly
once (the ledger is the oracle), waits follow Retry-After or the backoff, and every parked item says why."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from crm_desk import Desk
from crm_stack import SEED_PASSWORD, RunningServer, crm_server

from deskchat.crm.server.seed import seed_id
from deskchat.services.crm_push import CaseChange, NewCase, NewLead
from deskchat.store.database import Store

HOUR_MS = 3_600_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-client-faults"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log", "--faults") as running:
        yield running


def run_desk(store: Store, server: RunningServer, scenario: Callable[[Desk], Awaitable[None]], **options: Any) -> None:
    async def main() -> None:
        desk = Desk(store, server.url, **options)
        try:
            await desk.sign_in()
            await scenario(desk)
        finally:
            await desk.admin.delete("/admin/faults")
            await desk.close()

    asyncio.run(main())


async def one_lead(desk: Desk, name: str = "Lead de teste") -> str:
    return await desk.push.create_lead(NewLead(name, "whatsapp", phones=("+5511912345678",)))


@pytest.mark.parametrize(
    ("kind", "committed"),
    [
        ("error_before_commit", False),
        ("html_200", False),
        ("error_after_commit", True),
        ("lost_response", True),
        ("reset_mid_body", True),
        ("malformed_json", True),
    ],
)
def test_a_create_that_failed_or_lost_its_answer_ends_on_the_server_exactly_once(
    store: Store, server: RunningServer, kind: str, committed: bool
) -> None:
    """A second POST meets a 503 set up behind the first fault: a record the server already holds is found by
    looking it up (two attempts, no second POST); one it does not hold is created after that 503 (three)."""

    async def scenario(desk: Desk) -> None:
        await desk.faults(
            {"kind": kind, "method": "POST", "path": "/contacts"},
            {"kind": "status", "status": 503, "method": "POST", "path": "/contacts"},
        )
        lead_id = await one_lead(desk)
        await desk.drain_until_settled()
        [row] = desk.rows()
        assert (row["state"], row["attempts"]) == ("done", 2 if committed else 3)
        assert (await desk.ledger())["contacts"].count(lead_id) == 1

    run_desk(store, server, scenario)


def test_a_replayed_500_gets_a_new_key_and_the_record_is_created_once(store: Store, server: RunningServer) -> None:
    async def scenario(desk: Desk) -> None:
        await desk.faults({"kind": "stored_error", "method": "POST", "path": "/contacts"})
        lead_id = await one_lead(desk)
        first_key = desk.rows()[0]["idempotency_key"]
        await desk.drain_until_settled()
        [row] = desk.rows()
        assert (row["state"], row["attempts"]) == ("done", 3)
        assert row["idempotency_key"] != first_key
        assert (await desk.ledger())["contacts"].count(lead_id) == 1

    run_desk(store, server, scenario)


def test_a_read_timeout_is_retried_and_reconciled_by_looking_the_record_up(store: Store, server: RunningServer) -> None:
    async def scenario(desk: Desk) -> None:
        await desk.faults({"kind": "delay", "delay_ms": 1500, "method": "POST", "path": "/contacts"})
        lead_id = await one_lead(desk)
        await desk.drainer.drain_once()
        [row] = desk.rows()
        assert (row["state"], row["attempts"]) == ("queued", 1)
        assert "não respondeu a tempo" in row["last_error"]
        deadline = time.monotonic() + 15
        while lead_id not in (await desk.ledger())["contacts"]:  # the slow first try commits on the server
            assert time.monotonic() < deadline, "the delayed create never committed"
            await asyncio.sleep(0.05)
        await desk.drain_until_settled()
        assert desk.rows()[0]["state"] == "done"
        assert (await desk.ledger())["contacts"].count(lead_id) == 1

    run_desk(store, server, scenario, timeout=0.5)


@pytest.mark.parametrize(
    ("retry_after", "expected_ms"),
    [
        ("7", 7_000),
        (format_datetime(datetime.now(UTC) - timedelta(days=1), usegmt=True), 1_000),
        (format_datetime(datetime.now(UTC) + timedelta(days=30), usegmt=True), HOUR_MS),
    ],
    ids=["seconds", "past-date", "far-future-date"],
)
def test_a_503_waits_as_long_as_retry_after_says_clamped_to_one_second_and_one_hour(
    store: Store, server: RunningServer, retry_after: str, expected_ms: int
) -> None:
    async def scenario(desk: Desk) -> None:
        await desk.faults({"kind": "status", "status": 503, "retry_after": retry_after, "method": "POST"})
        lead_id = await one_lead(desk)
        waits = await desk.drain_until_settled()
        assert waits == [expected_ms]
        assert (await desk.ledger())["contacts"].count(lead_id) == 1

    run_desk(store, server, scenario)


@pytest.mark.parametrize("retry_after", ["30", None])
def test_a_429_pauses_the_whole_crm_lane_until_it_may_send_again(
    store: Store, server: RunningServer, retry_after: str | None
) -> None:
    async def scenario(desk: Desk) -> None:
        fault: dict[str, Any] = {"kind": "status", "status": 429, "method": "POST"}
        if retry_after is not None:
            fault["retry_after"] = retry_after
        await desk.faults(fault)
        first, second = await one_lead(desk, "Primeiro"), await one_lead(desk, "Segundo")
        await desk.drainer.drain_once()
        assert [(row["state"], row["attempts"]) for row in desk.rows()] == [("queued", 1), ("queued", 0)]
        assert not desk.lane.available(), "the other record waits too: the whole lane is paused"
        pause_ms = desk.lane.paused_until_ms - desk.clock.ms
        if retry_after is None:
            assert 500 <= pause_ms <= 1_000  # the first backoff step, with jitter
        else:
            assert pause_ms == 30_000
        await desk.drain_until_settled()
        ledger = await desk.ledger()
        assert (ledger["contacts"].count(first), ledger["contacts"].count(second)) == (1, 1)

    run_desk(store, server, scenario)


def test_a_401_whose_refresh_token_is_dead_pauses_the_lane_until_the_attendant_signs_in_again(
    store: Store, server: RunningServer
) -> None:
    async def scenario(desk: Desk) -> None:
        pair = await desk.client.sign_in("ana", SEED_PASSWORD)
        revoked = await desk.admin.post("/api/v1/auth/revoke", json={"token": pair.refresh_token})
        assert revoked.status_code in (200, 204)
        lead_id = await one_lead(desk)
        await desk.drain_until_settled()
        assert desk.sign_in_requests == 1 and desk.lane.sign_in_required
        [row] = desk.rows()
        assert (row["state"], row["attempts"]) == ("queued", 0), "waiting for a sign-in is not an attempt"
        assert "Reconectar ao CRM" in row["last_error"]
        assert lead_id not in (await desk.ledger())["contacts"]

        await desk.sign_in()
        await desk.drain_until_settled()
        assert desk.rows()[0]["state"] == "done"
        assert (await desk.ledger())["contacts"].count(lead_id) == 1

    run_desk(store, server, scenario)


def test_a_case_changed_by_someone_else_meanwhile_is_a_conflict_for_the_attendant(
    store: Store, server: RunningServer
) -> None:
    async def scenario(desk: Desk) -> None:
        await desk.pull.pull_once()
        case_id = seed_id("caso-mercado")
        other = await desk.admin.post("/api/v1/auth/token", json={"user": "carla", "password": SEED_PASSWORD})
        token = other.json()["access_token"]
        current = await desk.admin.get(f"/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {token}"})
        headers = {
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": "outra-pessoa",
            "If-Match": current.headers["etag"],
        }
        assert (
            await desk.admin.patch(f"/api/v1/cases/{case_id}", json={"status": "em_atendimento"}, headers=headers)
        ).status_code == 200  # the same field the attendant changes (different fields merge by themselves)

        await desk.push.change_case(case_id, CaseChange.close())
        await desk.drain_until_settled()
        [row] = desk.rows()
        assert row["state"] == "failed"
        assert row["last_error"] == "conflito: o registro mudou no CRM desde a última leitura (412)"
        held = await desk.client.get("cases", case_id)
        assert held is not None and held.body["status"] == "em_atendimento"

    run_desk(store, server, scenario)


def test_refused_items_are_parked_with_the_reason_and_do_not_block_other_records(
    store: Store, server: RunningServer
) -> None:
    async def scenario(desk: Desk) -> None:
        bad_phone = await desk.push.create_lead(NewLead("Telefone inválido", "whatsapp", phones=("123",)))
        orphan_note = await desk.push.add_note("Nota sem caso", case_crm_id="00000000-0000-4000-8000-000000000000")
        good = await one_lead(desk, "Depois dos recusados")
        await desk.drain_until_settled()
        states = [(row["state"], row["last_error"]) for row in desk.rows()]
        assert states == [
            ("failed", "o CRM recusou os dados enviados (422)"),
            ("failed", "o registro não existe no CRM (404)"),
            ("done", ""),
        ]
        ledger = await desk.ledger()
        assert bad_phone not in ledger["contacts"] and orphan_note not in ledger["notes"]
        assert ledger["contacts"].count(good) == 1

    run_desk(store, server, scenario)


def test_writes_to_one_record_keep_their_order_when_an_earlier_one_must_be_retried(
    store: Store, server: RunningServer
) -> None:
    async def scenario(desk: Desk) -> None:
        await desk.faults(
            {"kind": "error_before_commit", "method": "POST", "path": "/cases", "times": 2},
            {"kind": "status", "status": 503, "retry_after": "60", "method": "PATCH", "path": "/cases"},
        )
        lead_id = await one_lead(desk)
        case_id = await desk.push.open_case(NewCase(lead_id, seed_id("suporte"), "Sem sinal", "whatsapp"))
        note_id = await desk.push.add_note("Retornar às 14h", case_crm_id=case_id)
        await desk.push.change_case(case_id, CaseChange.accept(seed_id("ana")))
        await desk.push.change_case(case_id, CaseChange.close())
        other = await one_lead(desk, "Outro registro")
        await desk.drainer.drain_once()
        states = [row["state"] for row in desk.rows()]
        assert states == ["done", "queued", "queued", "queued", "queued", "done"], "only the other record went on"
        assert [row["attempts"] for row in desk.rows()][2:5] == [0, 0, 0], "waiting behind is not an attempt"

        await desk.drain_until_settled()
        assert [row["state"] for row in desk.rows()] == ["done"] * 6
        held = await desk.client.get("cases", case_id)
        assert held is not None and held.body["status"] == "encerrado"
        ledger = await desk.ledger()
        assert [ledger["contacts"].count(lead_id), ledger["contacts"].count(other)] == [1, 1]
        assert [ledger["cases"].count(case_id), ledger["notes"].count(note_id)] == [1, 1]

    run_desk(store, server, scenario)


def test_a_crm_without_batches_gets_every_write_alone_and_nothing_is_parked(
    store: Store, server: RunningServer
) -> None:
    async def scenario(desk: Desk) -> None:
        await desk.faults({"kind": "status", "status": 404, "method": "POST", "path": "/batch", "times": 100})
        leads = [await one_lead(desk, f"Sem lote {n}") for n in range(4)]
        await desk.drain_until_settled()
        assert [(row["state"], row["attempts"]) for row in desk.rows()] == [("done", 1)] * 4
        held = (await desk.ledger())["contacts"]
        assert [held.count(lead) for lead in leads] == [1] * 4

    run_desk(store, server, scenario)
