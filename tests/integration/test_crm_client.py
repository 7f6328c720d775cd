"""DeskChat's CRM client and sync over real HTTP against the reference server: sign-in, pull, and every kind of
push, ending with the server holding each record once; no token or payload ever reaches a log."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from crm_desk import Desk
from crm_stack import SEED_PASSWORD, SEED_USER, RunningServer, crm_server, free_port

from deskchat.crm.answers import CrmRetry, SignInRequired
from deskchat.crm.client import CrmClient, TokenPair
from deskchat.crm.server.seed import seed_id
from deskchat.services.crm_push import CaseChange, HistoryMessage, NewCase, NewLead
from deskchat.services.outbox.crm_handler import CrmCallHandler
from deskchat.store import crm_records
from deskchat.store.database import Store


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-client"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log", "--faults") as running:
        yield running


def test_the_full_cycle_pulls_the_crm_and_pushes_a_lead_a_case_its_changes_a_note_and_history(
    store: Store, server: RunningServer
) -> None:
    async def scenario() -> None:
        desk = Desk(store, server.url)
        try:
            await desk.sign_in()
            counts = await desk.pull.pull_once()
            assert (counts.queues, counts.attendants) == (3, 3)
            assert counts.contacts >= 3 and counts.cases >= 3
            again = await desk.pull.pull_once()
            assert (again.contacts, again.cases) == (0, 0), "a second pull brings only what changed"

            with store.read() as conn:
                bakery_case = crm_records.case_by_crm_id(conn, seed_id("caso-padaria"))
            assert bakery_case is not None
            assert (bakery_case.queue, bakery_case.assignee, bakery_case.status) == (
                "Comercial",
                "Ana Souza",
                "em_atendimento",
            )

            lead_id = await desk.push.create_lead(NewLead("Cliente novo", "whatsapp", phones=("+5511912345678",)))
            case_id = await desk.push.open_case(NewCase(lead_id, seed_id("comercial"), "Quer orçamento", "whatsapp"))
            await desk.push.change_case(case_id, CaseChange.accept(seed_id("ana")))
            await desk.push.change_case(case_id, CaseChange.transfer(seed_id("suporte"), seed_id("carla")))
            await desk.push.change_case(case_id, CaseChange.close())
            note_id = await desk.push.add_note("Cliente pediu retorno amanhã", case_crm_id=case_id)
            history = [
                HistoryMessage("in" if n % 2 else "out", "whatsapp", f"mensagem {n}", 1_763_800_000_000 + n)
                for n in range(150)
            ]
            assert await desk.push.push_history(case_id, history) == 2
            await desk.push.change_case(seed_id("caso-oficina"), CaseChange.close())
            await desk.drain_until_settled()

            assert [row["state"] for row in desk.rows()] == ["done"] * 9
            ledger = await desk.ledger()
            assert ledger["contacts"].count(lead_id) == 1
            assert ledger["cases"].count(case_id) == 1
            assert ledger["notes"].count(note_id) == 1
            held = await desk.client.get("cases", case_id)
            assert held is not None
            assert (held.body["status"], held.body["queue_id"], held.body["assignee_id"]) == (
                "encerrado",
                seed_id("suporte"),
                seed_id("carla"),
            )
            page = await desk.client.page(f"cases/{case_id}/messages", limit=500)
            assert sorted(item["body"] for item in page.items) == sorted(m.body for m in history)
            oficina = await desk.client.get("cases", seed_id("caso-oficina"))
            assert oficina is not None and oficina.body["status"] == "encerrado"

            await desk.pull.pull_once()
            with store.read() as conn:
                closed = crm_records.case_by_crm_id(conn, seed_id("caso-oficina"))
                new_lead = crm_records.client_by_crm_id(conn, lead_id)
            assert closed is not None and closed.status == "encerrado"
            assert new_lead is not None and new_lead.name == "Cliente novo"
        finally:
            await desk.close()

    asyncio.run(scenario())


def test_a_wrong_password_is_a_sign_in_required_not_a_crash(server: RunningServer) -> None:
    async def scenario() -> None:
        client = CrmClient(server.url)
        try:
            with pytest.raises(SignInRequired):
                await client.sign_in(SEED_USER, "errada")
            assert not client.signed_in
        finally:
            await client.aclose()

    asyncio.run(scenario())


def test_no_token_authorization_header_or_payload_reaches_a_log(
    store: Store, server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    canary_body = "CANARIO-DO-PAYLOAD-7731"

    async def scenario() -> tuple[str, str]:
        desk = Desk(store, server.url)
        try:
            pair = await desk.client.sign_in(SEED_USER, SEED_PASSWORD)
            desk.lane.signed_in()
            await desk.pull.pull_once()
            await desk.faults({"kind": "status", "status": 503, "retry_after": "2", "method": "POST"})
            await desk.push.add_note(canary_body, contact_crm_id=seed_id("padaria"))
            await desk.push.create_lead(NewLead(canary_body, "email", emails=("canario@example.com",)))
            await desk.drain_until_settled()
            return pair.access_token, pair.refresh_token
        finally:
            await desk.close()

    with caplog.at_level(logging.DEBUG):
        access, refresh = asyncio.run(scenario())
    logged = "\n".join(f"{record.getMessage()} {record.args!r} {record.exc_text or ''}" for record in caplog.records)
    assert caplog.records, "the drain logged something (the check below would be empty otherwise)"
    for secret in (access, refresh, "Bearer", SEED_PASSWORD, canary_body, "canario@example.com"):
        assert secret not in logged


def test_the_sign_in_survives_a_restart_and_a_dead_refresh_token_asks_for_a_new_one(
    store: Store, server: RunningServer
) -> None:
    async def first_run() -> int:
        desk = Desk(store, server.url)
        try:
            await desk.sign_in()
            return desk.account_id
        finally:
            await desk.close()

    async def after_restart(account_id: int) -> None:
        desk = Desk(store, server.url, account_id=account_id)
        try:
            assert desk.client.signed_in, "the token pair came back from the encrypted store"
            assert (await desk.pull.pull_once()).queues == 3
            saved = desk.vault.load()
            assert saved is not None
            revoked = await desk.admin.post("/api/v1/auth/revoke", json={"token": saved.refresh_token})
            assert revoked.status_code in (200, 204)
            with pytest.raises(SignInRequired):
                await desk.client.page("queues")
            assert desk.vault.load() is None, "dead tokens are forgotten"
        finally:
            await desk.close()

    account_id = asyncio.run(first_run())
    asyncio.run(after_restart(account_id))


def test_a_refused_access_token_is_refreshed_silently_and_the_write_goes_through(
    store: Store, server: RunningServer
) -> None:
    async def scenario() -> None:
        desk = Desk(store, server.url)
        try:
            await desk.sign_in()
            before = desk.vault.load()
            assert before is not None
            revoked = await desk.admin.post("/api/v1/auth/revoke", json={"token": before.access_token})
            assert revoked.status_code in (200, 204)
            lead_id = await desk.push.create_lead(NewLead("Depois do refresh", "manual"))
            await desk.drain_until_settled()
            [row] = desk.rows()
            assert (row["state"], row["attempts"]) == ("done", 1)
            assert desk.sign_in_requests == 0
            after = desk.vault.load()
            assert after is not None and after.refresh_token != before.refresh_token, "the rotated pair is kept"
            assert (await desk.ledger())["contacts"].count(lead_id) == 1
        finally:
            await desk.close()

    asyncio.run(scenario())


def test_a_pull_cut_short_keeps_what_it_stored_and_resumes_where_it_stopped(
    store: Store, server: RunningServer
) -> None:
    async def scenario() -> None:
        desk = Desk(store, server.url)
        try:
            await desk.sign_in()
            # the first three case pages are the attendant's own and their two queues' (fetched first)
            await desk.faults({"kind": "status", "status": 503, "method": "GET", "path": "/cases", "skip": 3})
            with pytest.raises(CrmRetry):
                await desk.pull.pull_once()
            with store.read() as conn:
                assert crm_records.client_by_crm_id(conn, seed_id("oficina")) is not None
                assert crm_records.case_by_crm_id(conn, seed_id("caso-oficina")) is None  # Bruno's, Financeiro
            resumed = await desk.pull.pull_once()
            assert (resumed.contacts, resumed.queues) == (0, 0), "what was stored is not pulled again"
            assert resumed.cases >= 3
        finally:
            await desk.close()

    asyncio.run(scenario())


def test_a_crm_that_cannot_be_reached_is_retried_later_with_the_reason_in_words(store: Store) -> None:
    async def scenario() -> None:
        desk = Desk(store, f"http://127.0.0.1:{free_port()}")
        await desk.client.aclose()
        desk.client = CrmClient(desk.url, tokens=TokenPair("a", "r", "id"))
        desk.drainer.register(CrmCallHandler(store, desk.client, desk.lane, clock=desk.clock))
        try:
            await desk.push.create_lead(NewLead("Sem rede", "manual"))
            await desk.drainer.drain_once()
            [row] = desk.rows()
            # a request that never reached the CRM is not an attempt: an outage never parks an item
            assert (row["state"], row["attempts"]) == ("queued", 0)
            assert "não foi possível conectar ao CRM" in row["last_error"]
            assert desk.lane.paused_until_ms == row["next_attempt_at"], "the whole lane waits for the CRM"
            assert row["next_attempt_at"] > desk.clock.ms
        finally:
            await desk.close()

    asyncio.run(scenario())
