"""Searching the CRM's clients over real HTTP against the reference server: ``GET /contacts?q=`` through the client,
and the info pane's search merging the CRM's clients with the local ones (a CRM-only client is stored locally when
chosen); with the CRM unreachable the local ones are still found, and the search says the CRM did not answer."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crm_desk import START_MS, Desk
from crm_stack import RunningServer, crm_server, free_port

from deskchat.core.messages import Identity
from deskchat.crm.client import CrmClient, TokenPair
from deskchat.crm.server.seed import seed_id
from deskchat.services.crm_desk import CRM_UNREACHABLE, CrmDesk
from deskchat.store import accounts, contacts, conversations, crm_records
from deskchat.store.database import Store


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-search"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log") as running:
        yield running


def _conversation_and_local_client(store: Store) -> int:
    def write(conn: Any) -> int:
        account = accounts.create_account(conn, "whatsapp", "Comercial", now=START_MS)
        contact = contacts.find_or_create_contact(conn, [Identity("phone", "+5511955554444")], "Joana", now=START_MS)
        other = contacts.find_or_create_contact(conn, [Identity("phone", "+5511944443333")], "Rui", now=START_MS)
        crm_records.save_client(conn, other, now=START_MS, crm_id="local-1", name="Padaria Pão Quente")
        return conversations.find_or_create_conversation(conn, account, "joana", contact, "Joana", now=START_MS)

    return store.write_now(write)


def test_the_client_searches_contacts_by_name_phone_and_cnpj(store: Store, server: RunningServer) -> None:
    async def main() -> None:
        desk = Desk(store, server.url)
        try:
            await desk.sign_in()
            by_name = await desk.client.search_contacts("dois irmãos")
            assert [item["name"] for item in by_name] == ["Oficina Dois Irmãos"]
            by_phone = await desk.client.search_contacts("987654321")
            assert [item["id"] for item in by_phone] == [seed_id("padaria")]
            by_cnpj = await desk.client.search_contacts("12345678000195")
            assert [item["id"] for item in by_cnpj] == [seed_id("padaria")]
            assert await desk.client.search_contacts("nada parecido") == []
            assert await desk.client.search_contacts("x" * 150) == []  # cut to the contract's 100, not refused
        finally:
            await desk.close()

    asyncio.run(main())


def test_the_pane_search_merges_the_crms_clients_and_stores_the_chosen_one(store: Store, server: RunningServer) -> None:
    conversation_id = _conversation_and_local_client(store)

    async def main() -> None:
        desk = Desk(store, server.url)
        try:
            await desk.sign_in()
            actions = CrmDesk(store, desk.push, clock=desk.clock, remote=lambda: desk.client)
            search = await actions.search_clients("padaria")
            assert search.crm_missing == ""
            shown = [(found.name, found.local is not None) for found in search.found]
            assert shown == [("Padaria Pão Quente", True), ("Padaria Pão Dourado", False)]

            await actions.link_to_found_client(conversation_id, search.found[1])
            with store.read() as conn:
                row = conversations.get(conn, conversation_id)
                assert row is not None
                client = crm_records.client_of_contact(conn, row.contact_id)
                assert client is not None
                assert (client.crm_id, client.name, client.cnpj) == (
                    seed_id("padaria"),
                    "Padaria Pão Dourado",
                    "12345678000195",
                )
                assert crm_records.client_link_reason(conn, client.id) == "manual"
                assert crm_records.etag_of_record(conn, "contacts", seed_id("padaria")) != ""

            again = await actions.search_clients("padaria")
            assert [(found.name, found.local is not None) for found in again.found] == [
                ("Padaria Pão Dourado", True),
                ("Padaria Pão Quente", True),
            ]
        finally:
            await desk.close()

    asyncio.run(main())


def test_an_unreachable_crm_leaves_the_local_clients_and_says_so(store: Store) -> None:
    _conversation_and_local_client(store)

    async def main() -> None:
        desk = Desk(store, f"http://127.0.0.1:{free_port()}", timeout=2.0)
        dead = CrmClient(desk.url, tokens=TokenPair("access", "refresh", "attendant"))
        try:
            actions = CrmDesk(store, desk.push, clock=desk.clock, remote=lambda: dead)
            search = await actions.search_clients("padaria")
            assert [found.name for found in search.found] == ["Padaria Pão Quente"]
            assert search.crm_missing == CRM_UNREACHABLE
        finally:
            await dead.aclose()
            await desk.close()

    asyncio.run(main())
