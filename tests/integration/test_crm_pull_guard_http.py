"""Over real HTTP against the reference CRM: the attendant edits a client while the CRM is unreachable, the CRM comes
back (a colleague changed another field meanwhile) and is pulled before the edit drains; the edit reaches the CRM,
the local record agrees, and the info pane never shows the old value on the way."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from crm_desk import START_MS, Desk
from crm_stack import SEED_PASSWORD, crm_server, free_port

from deskchat.core.bus import EventBus
from deskchat.core.messages import Identity
from deskchat.crm.client import CrmClient
from deskchat.crm.server.seed import seed_id
from deskchat.services.crm_desk import CrmDesk
from deskchat.services.crm_pull import CrmPull
from deskchat.store import accounts, contacts, conversations, crm_records
from deskchat.store.database import Store
from deskchat.ui.bridge import BusBridge
from deskchat.ui.panes.info import InfoPane

PADARIA = seed_id("padaria")
NEW_LIMIT = "R$ 77.000,00"


def _conversation(store: Store) -> int:
    def write(conn: Any) -> int:
        account = accounts.create_account(conn, "whatsapp", "Comercial", now=START_MS)
        contact = contacts.find_or_create_contact(conn, [Identity("phone", "+5511987654321")], "Padaria", now=START_MS)
        conversation = conversations.find_or_create_conversation(conn, account, "p", contact, "Padaria", now=START_MS)
        client = crm_records.client_by_crm_id(conn, PADARIA)
        assert client is not None
        crm_records.set_client_link(conn, client.id, contact, "manual", now=START_MS)
        return conversation

    return store.write_now(write)


def test_an_edit_made_offline_survives_a_pull_and_reaches_the_crm(qtbot: Any, tmp_path: Path, store: Store) -> None:
    database, port = f"sqlite:///{tmp_path / 'crm.sqlite3'}", free_port()
    bus = EventBus()
    pane = InfoPane(store)
    qtbot.addWidget(pane)
    bridge = BusBridge(bus)
    shown: list[tuple[str, str]] = []  # what the pane showed at each step: credit limit, company type

    def look() -> None:
        assert pane.client_section is not None
        fields = pane.client_section.fields
        shown.append((fields["credit_limit"].value_label.text(), fields["company_type"].value_label.text()))

    def refreshed(contact_ids: list[int], case_ids: list[int]) -> None:
        if pane.conversation_id is not None:
            pane.refresh()  # as the main window does when a pull changed the shown record
            look()

    bridge.crm_records_pulled.connect(refreshed)

    async def scenario() -> None:
        with crm_server(database, tmp_path / "server-1.log", port=port) as running:
            desk = Desk(store, running.url, timeout=3)
            pull = CrmPull(store, desk.client, desk.account_id, clock=desk.clock, publish=bus.publish)
            await desk.sign_in()
            await pull.pull_once()
        try:
            conversation_id = _conversation(store)
            pane.show_conversation(conversation_id)
            look()
            old_limit, old_type = shown[-1]
            actions = CrmDesk(store, desk.push, clock=desk.clock)
            with store.read() as conn:
                client = crm_records.client_by_crm_id(conn, PADARIA)
            assert client is not None
            await actions.edit_client(client.id, "credit_limit", NEW_LIMIT)
            pane.refresh()
            look()
            await desk.drainer.drain_once()  # the CRM is unreachable: the edit waits
            assert {row["state"] for row in desk.rows()} == {"queued"}
            pane.refresh()
            look()

            with crm_server(database, tmp_path / "server-2.log", port=port) as running:
                colleague = CrmClient(running.url)
                try:
                    await colleague.sign_in("bruno", SEED_PASSWORD)
                    current = await colleague.get("contacts", PADARIA)
                    assert current is not None
                    patch = {"company_type": "Ltda (alterado)"}
                    await colleague.update("contacts", PADARIA, patch, current.etag, f"t-{uuid.uuid4()}")
                finally:
                    await colleague.aclose()

                await pull.pull_once()  # before the edit drained: it brings the old limit and the new type
                assert shown[-1] == (NEW_LIMIT, "Ltda (alterado)")

                await desk.drain_until_settled()
                assert {row["state"] for row in desk.rows()} == {"done"}
                held = await desk.client.get("contacts", PADARIA)
                assert held is not None
                assert (held.body["credit_limit_cents"], held.body["company_type"]) == (7_700_000, "Ltda (alterado)")
                await pull.pull_once()  # the CRM's truth, now with the edit
                pane.refresh()
                look()
                with store.read() as conn:
                    local = crm_records.client_by_crm_id(conn, PADARIA)
                assert local is not None
                assert (local.credit_limit_cents, local.company_type) == (7_700_000, "Ltda (alterado)")
        finally:
            await desk.close()
            bridge.detach()

        assert old_limit != NEW_LIMIT and old_type != "Ltda (alterado)"
        assert [limit for limit, _ in shown[1:]] == [NEW_LIMIT] * (len(shown) - 1)
        assert shown[-1] == (NEW_LIMIT, "Ltda (alterado)")

    asyncio.run(scenario())
