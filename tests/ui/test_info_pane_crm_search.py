"""The info pane's "Link to existing client" search with a CRM connected (the reference server over real HTTP): the
local clients show at once, the CRM's own join them, and one chosen from the CRM becomes the customer's client; with
the CRM unreachable the local clients stay listed and a line says the CRM did not answer."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loop_harness import until
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QListWidget

from deskchat.core.messages import Identity
from deskchat.crm.client import CrmClient, TokenPair
from deskchat.paths import Profile
from deskchat.services.crm_desk import CrmDesk
from deskchat.services.crm_push import CrmPush
from deskchat.store import accounts, contacts, conversations, crm_records
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.ui.panes.info import InfoPane
from deskchat.ui.tasks import settle

sys.path.insert(0, str(Path(__file__).parent.parent / "integration"))
from crm_stack import SEED_PASSWORD, SEED_USER, RunningServer, crm_server, free_port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-pane-search"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log") as running:
        yield running


def _profile_with_a_customer(store: Store) -> tuple[int, int]:
    def write(conn: Any) -> tuple[int, int]:
        account = accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms())
        crm = accounts.create_account(conn, "crm", "CRM", now=now_ms())
        contact = contacts.find_or_create_contact(conn, [Identity("phone", "+5511955554444")], "Joana", now=now_ms())
        other = contacts.find_or_create_contact(conn, [Identity("phone", "+5511944443333")], "Rui", now=now_ms())
        crm_records.save_client(conn, other, now=now_ms(), crm_id="local-1", name="Padaria Pão Quente")
        conversation = conversations.find_or_create_conversation(conn, account, "joana", contact, "Joana", now=now_ms())
        return crm, conversation

    return store.write_now(write)


def _pane(qtbot: Any, store: Store, desk: CrmDesk, conversation_id: int) -> InfoPane:
    pane = InfoPane(store, desk=desk)
    qtbot.addWidget(pane)
    pane.show()
    pane.show_conversation(conversation_id)
    return pane


def _results(pane: InfoPane) -> list[str]:
    results = pane.findChild(QListWidget, "clientSearchResults")
    assert results is not None
    return [results.item(row).text() for row in range(results.count())]


def test_the_crms_clients_join_the_local_ones_and_one_is_chosen(
    qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, server: RunningServer
) -> None:
    store = Store.open(profile)
    crm_account, conversation_id = _profile_with_a_customer(store)
    client = CrmClient(server.url)
    loop.run_until_complete(client.sign_in(SEED_USER, SEED_PASSWORD))
    desk = CrmDesk(store, CrmPush(store, crm_account), remote=lambda: client)
    pane = _pane(qtbot, store, desk, conversation_id)
    try:
        search = pane.findChild(QLineEdit, "clientSearch")
        assert search is not None
        qtbot.keyClicks(search, "padaria")
        assert _results(pane) == ["Padaria Pão Quente"]  # the local one at once
        crm_only = "Padaria Pão Dourado · 12345678000195 (in the CRM)"
        loop.run_until_complete(until(lambda: _results(pane) == ["Padaria Pão Quente", crm_only], "the CRM's"))
        notice = pane.findChild(QLabel, "clientSearchNotice")
        assert notice is not None and not notice.isVisible()

        results = pane.findChild(QListWidget, "clientSearchResults")
        assert results is not None
        results.setCurrentRow(1)
        link = pane.findChild(QAbstractButton, "linkClient")
        assert link is not None and link.isEnabled()
        qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
        loop.run_until_complete(until(lambda: pane.client_section is not None, "the client section"))
        name = pane.findChild(QLabel, "client_nameValue")
        assert name is not None and name.text() == "Padaria Pão Dourado"
        assert pane.client_section is not None
        assert pane.client_section.link_reason.text() == pane.client_section.link_reason_text("manual")
    finally:
        loop.run_until_complete(settle())
        loop.run_until_complete(client.aclose())
        store.close()
        pane.close()
        gc.collect()  # collect the replaced sections here, on the GUI thread, not later on some worker thread


def test_an_unreachable_crm_keeps_the_local_clients_and_says_so(
    qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile
) -> None:
    store = Store.open(profile)
    crm_account, conversation_id = _profile_with_a_customer(store)
    dead = CrmClient(f"http://127.0.0.1:{free_port()}", tokens=TokenPair("access", "refresh", "attendant"))
    desk = CrmDesk(store, CrmPush(store, crm_account), remote=lambda: dead)
    pane = _pane(qtbot, store, desk, conversation_id)
    try:
        search = pane.findChild(QLineEdit, "clientSearch")
        assert search is not None
        qtbot.keyClicks(search, "padaria")
        notice = pane.findChild(QLabel, "clientSearchNotice")
        assert notice is not None
        loop.run_until_complete(until(notice.isVisible, "the notice"))
        assert notice.text() == "The CRM did not answer: only the clients kept here are shown."
        assert _results(pane) == ["Padaria Pão Quente"]
    finally:
        loop.run_until_complete(settle())
        loop.run_until_complete(dead.aclose())
        store.close()
        pane.close()
        gc.collect()
