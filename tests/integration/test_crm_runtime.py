"""The CRM as an account of the running app, against the reference server over real HTTP: sign-in from the card,
the pull filling the store, a wrong password, a dead refresh token, the CRM down and back, and auto-lead."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from crm_runtime_app import CrmApp
from crm_stack import SEED_PASSWORD, SEED_USER, RunningServer, crm_server, free_port

from deskchat.core.events import ChannelStateChanged
from deskchat.core.messages import Identity, InboundMessage
from deskchat.crm.server.seed import seed_id
from deskchat.runtime import Runtime
from deskchat.services.crm_accounts import QUEUE_PAUSED, SIGN_IN_NEEDED, Verdict, probe
from deskchat.store import accounts, contacts, conversations, crm_records
from deskchat.store.database import Store
from deskchat.store.schema import secrets


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-runtime"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log", "--faults") as running:
        yield running


async def _ledger(url: str) -> dict[str, list[str]]:
    async with httpx.AsyncClient(base_url=url, timeout=10) as admin:
        answer: dict[str, list[str]] = (await admin.get("/admin/ledger")).json()
        return answer


def _secret_names(store: Store) -> list[str]:
    with store.read() as conn:
        return [str(name) for name in conn.execute(secrets.select().with_only_columns(secrets.c.name)).scalars()]


def test_signing_in_from_the_card_connects_and_the_pull_fills_the_store(
    store: Store, server: RunningServer, tmp_path: Path
) -> None:
    async def scenario() -> None:
        app = CrmApp(store, tmp_path / "wa")
        try:
            assert app.runtime.crm is not None and app.runtime.crm_push is None
            assert await app.runtime.crm.connect(server.url, SEED_USER, SEED_PASSWORD) is Verdict.OK
            await app.until(lambda: app.state()[0] == "online")
            assert app.state() == ("online", "ana@127.0.0.1")
            assert app.runtime.crm_push is not None
            with store.read() as conn:
                case = crm_records.case_by_crm_id(conn, seed_id("caso-padaria"))
            assert case is not None and (case.queue, case.assignee) == ("Comercial", "Ana Souza")
            assert any(name.startswith("crm_tokens:") for name in _secret_names(store))
        finally:
            await app.close()

    asyncio.run(scenario())


def test_a_wrong_password_is_said_in_words_and_nothing_is_stored(
    store: Store, server: RunningServer, tmp_path: Path
) -> None:
    async def scenario() -> None:
        app = CrmApp(store, tmp_path / "wa")
        try:
            assert app.runtime.crm is not None
            assert await app.runtime.crm.connect(server.url, SEED_USER, "not-the-password") is Verdict.WRONG_PASSWORD
            with store.read() as conn:
                assert [row for row in accounts.list_accounts(conn) if row.kind == "crm"] == []
            assert _secret_names(store) == []
            assert app.runtime.crm_push is None
        finally:
            await app.close()

    asyncio.run(scenario())


def test_a_dead_refresh_token_asks_for_sign_in_and_reconnecting_drains_the_queue(
    store: Store, server: RunningServer, tmp_path: Path
) -> None:
    async def scenario() -> None:
        first = CrmApp(store, tmp_path / "wa")
        try:
            assert first.runtime.crm is not None
            assert await first.runtime.crm.connect(server.url, SEED_USER, SEED_PASSWORD) is Verdict.OK
            await first.until(lambda: first.state()[0] == "online")
            refresh_token = first.crm.vault.load()
            assert refresh_token is not None
        finally:
            await first.close()
        async with httpx.AsyncClient(base_url=server.url + "/api/v1", timeout=10) as http:
            revoked = await http.post("/auth/revoke", json={"token": refresh_token.refresh_token})
            assert revoked.status_code in (200, 204)

        # the next start: no password in memory, the refresh token is dead
        again = CrmApp(store, tmp_path / "wa")
        try:
            await again.runtime.connect_channels()
            await again.until(lambda: again.state()[0] == "auth_required")
            assert again.state()[1] in (SIGN_IN_NEEDED, QUEUE_PAUSED)
            assert again.runtime.crm_push is not None
            note_id = await again.runtime.crm_push.add_note("retorno amanhã", case_crm_id=seed_id("caso-padaria"))
            assert [row["state"] for row in again.crm_rows()] == ["queued"]
            assert note_id not in (await _ledger(server.url))["notes"]

            assert again.runtime.crm is not None
            assert await again.runtime.crm.connect(server.url, SEED_USER, SEED_PASSWORD) is Verdict.OK
            await again.until(lambda: [row["state"] for row in again.crm_rows()] == ["done"])
            assert again.state()[0] == "online"
            assert (await _ledger(server.url))["notes"].count(note_id) == 1
        finally:
            await again.close()

    asyncio.run(scenario())


def test_the_crm_down_says_so_keeps_writes_queued_and_drains_them_when_it_is_back(store: Store, tmp_path: Path) -> None:
    database, log, port = f"sqlite:///{tmp_path / 'crm.sqlite3'}", tmp_path / "server.log", free_port()

    async def scenario() -> None:
        app = CrmApp(store, tmp_path / "wa")
        try:
            assert app.runtime.crm is not None
            with crm_server(database, log, "--faults", port=port) as running:
                assert await app.runtime.crm.connect(running.url, SEED_USER, SEED_PASSWORD) is Verdict.OK
                await app.until(lambda: app.state()[0] == "online")
            await app.until(lambda: app.state()[0] in ("offline", "server_unavailable"))
            assert app.runtime.accounts is not None and app.runtime.crm.account_id() is not None
            assert app.runtime.accounts.state(app.runtime.crm.account_id() or 0).retry_in is not None
            push = app.runtime.crm_push
            assert push is not None
            note_id = await push.add_note("ligar de volta", case_crm_id=seed_id("caso-padaria"))
            assert [(row["state"], row["attempts"]) for row in app.crm_rows()] == [("queued", 0)]
            with crm_server(database, log, "--faults", port=port) as running:
                await app.until(lambda: [row["state"] for row in app.crm_rows()] == ["done"])
                assert app.state()[0] == "online"
                assert (await _ledger(running.url))["notes"].count(note_id) == 1
        finally:
            await app.close()

    asyncio.run(scenario())


def _message(account_id: int, number: str, channel_id: str) -> InboundMessage:
    return InboundMessage(
        account_id=account_id,
        chat_key=f"{number}@s.whatsapp.net",
        chat_title="Cliente Desconhecido",
        identities=[Identity("wa_pn", number)],
        channel_id=channel_id,
        text="Oi, quero um orçamento",
        sent_at=1_763_800_000_000,
        sender_name="Cliente Desconhecido",
        is_group=False,
    )


def test_an_unknown_sender_becomes_exactly_one_lead_and_one_pending_case(
    store: Store, server: RunningServer, tmp_path: Path
) -> None:
    async def scenario() -> None:
        app = CrmApp(store, tmp_path / "wa")
        try:
            assert app.runtime.crm is not None
            assert await app.runtime.crm.connect(server.url, SEED_USER, SEED_PASSWORD) is Verdict.OK
            await app.until(lambda: app.state()[0] == "online")
            before = await _ledger(server.url)
            wa = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Vendas", now=1))
            await app.runtime.ingest.ingest([_message(wa, "5511977776666", "m1")])
            await app.runtime.ingest.ingest([_message(wa, "5511977776666", "m2")])
            await app.until(lambda: app.runtime.auto_lead.idle.is_set() and len(app.crm_rows()) >= 2)
            await app.until(lambda: {row["state"] for row in app.crm_rows()} == {"done"})
            after = await _ledger(server.url)
            new_contacts = set(after["contacts"]) - set(before["contacts"])
            new_cases = set(after["cases"]) - set(before["cases"])
            assert len(new_contacts) == 1 and len(new_cases) == 1
            lead = await app.crm.client.get("contacts", new_contacts.pop())
            case = await app.crm.client.get("cases", new_cases.pop())
            assert lead is not None and case is not None
            assert (lead.body["status"], lead.body["source"], lead.body["phones"]) == (
                "lead",
                "whatsapp",
                ["+5511977776666"],
            )
            assert (case.body["status"], case.body["contact_id"]) == ("pendente", lead.body["id"])
            with store.read() as conn:
                conversation = conversations.by_channel_key(conn, wa, "5511977776666@s.whatsapp.net")
                assert conversation is not None
                row = conversations.get(conn, conversation)
                assert row is not None
                client = crm_records.client_of_contact(conn, row.contact_id)
                assert client is not None and client.crm_id == lead.body["id"]
                assert contacts.contact_name(conn, row.contact_id)
                # the conversation belongs to the new case, and the info pane can say why
                links = crm_records.case_links_of_conversation(conn, conversation)
                assert [(link.case.crm_id, link.linked_by) for link in links] == [(case.body["id"], "phone")]
        finally:
            await app.close()

    asyncio.run(scenario())


class _NotACrm(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html><body>Intranet</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def intranet() -> Iterator[str]:
    web = ThreadingHTTPServer(("127.0.0.1", 0), _NotACrm)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{web.server_address[1]}"
    finally:
        web.shutdown()
        web.server_close()


def test_testing_the_connection_tells_each_case_apart(server: RunningServer, intranet: str) -> None:
    async def scenario() -> None:
        assert (await probe(server.url, SEED_USER, SEED_PASSWORD))[0] is Verdict.OK
        assert (await probe(server.url, SEED_USER, "errada"))[0] is Verdict.WRONG_PASSWORD
        assert (await probe(f"http://{intranet}", SEED_USER, SEED_PASSWORD))[0] is Verdict.NOT_A_CRM
        assert (await probe(f"https://{intranet}", SEED_USER, SEED_PASSWORD))[0] is Verdict.TLS_ERROR
        closed = f"http://127.0.0.1:{free_port()}"
        assert (await probe(closed, SEED_USER, SEED_PASSWORD))[0] is Verdict.UNREACHABLE

    asyncio.run(scenario())


def test_the_demo_runs_the_reference_crm_in_process_and_shows_it_connected(store: Store) -> None:
    async def scenario() -> None:
        runtime = Runtime(store, demo=True)
        runtime.start()
        try:
            await runtime.connect_channels()
            assert runtime.demo_crm is not None and runtime.crm is not None and runtime.accounts is not None
            account_id = runtime.crm.account_id()
            assert account_id is not None
            changed = asyncio.Event()
            runtime.bus.subscribe(ChannelStateChanged, lambda _event: changed.set())
            async with asyncio.timeout(20):
                while runtime.accounts.state(account_id).state != "online":
                    changed.clear()
                    await changed.wait()
            assert runtime.accounts.state(account_id).detail == "ana@127.0.0.1"
            with store.read() as conn:
                assert crm_records.case_by_crm_id(conn, seed_id("caso-padaria")) is not None
            assert (store.profile.root / "crm-demo.sqlite3").exists()
        finally:
            await runtime.stop()

    asyncio.run(scenario())


def test_signing_in_as_another_user_after_disconnecting_uses_the_new_session(
    store: Store, server: RunningServer, tmp_path: Path
) -> None:
    async def scenario() -> None:
        app = CrmApp(store, tmp_path / "wa")
        try:
            crm, accounts_service = app.runtime.crm, app.runtime.accounts
            assert crm is not None and accounts_service is not None
            assert await crm.connect(server.url, SEED_USER, SEED_PASSWORD) is Verdict.OK
            await app.until(lambda: app.state()[0] == "online")
            await accounts_service.disconnect(crm.account_id() or 0)
            await app.until(lambda: app.state()[0] == "not_connected")
            assert await crm.connect(server.url, "bruno", SEED_PASSWORD) is Verdict.OK
            await app.until(lambda: app.state() == ("online", "bruno@127.0.0.1"))
            assert app.crm.client.attendant_id == seed_id("bruno")
        finally:
            await app.close()

    asyncio.run(scenario())
