"""What an attendant reads in --demo: a case titled with the CRM's "#N" (its record id is a UUID), and the CRM
journal's state and record columns read whole, not cut to "Conflito — escolha a …"."""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from deskchat.demo import populate_demo
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.services.crm_desk import Directory
from deskchat.store.clock import now_ms
from deskchat.store.crm_records import CaseRecord
from deskchat.store.database import Store
from deskchat.ui.crm_journal import RECORD, STATE
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.panes.info_cases import CaseCard


def test_a_case_is_titled_with_the_crm_number_not_its_record_id(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    case = CaseRecord(
        1,
        "4b862146-4f1d-5341-8be3-6f3870790516",
        "Pedido 5123 não entregue",
        "pendente",
        "Suporte",
        "alta",
        "",
        0,
        display_number="#5267",
    )
    card = CaseCard(parent, case, None, Directory({}, {}), lambda: None)
    assert card.title.text() == "#5267 — Pedido 5123 não entregue"


@pytest.fixture
def demo_window(qtbot: QtBot, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Any) -> Iterator[MainWindow]:
    store = Store.open(profile)
    populate_demo(store, now_ms=now_ms())
    runtime = Runtime(store)
    window = MainWindow(
        WindowServices(store, runtime.bus, runtime.messaging, runtime.tickets, demo=True),
        QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    loop.run_until_complete(runtime.stop())
    store.close()
    del window
    gc.collect()


def test_the_journal_shows_each_state_and_record_whole(demo_window: MainWindow, qtbot: QtBot) -> None:
    journal = demo_window.open_crm_journal()
    qtbot.waitUntil(lambda: journal.table.rowCount() >= 3, timeout=3000)
    table = journal.table
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        for column in (STATE, RECORD):
            item = table.item(row, column)
            assert item is not None
            needed = metrics.horizontalAdvance(item.text())
            assert table.columnWidth(column) >= needed, item.text()
    journal.close()


def _pane_texts(window: MainWindow) -> list[str]:
    return [label.text() for label in window.info_pane.findChildren(QLabel) if label.isVisibleTo(window)]


def test_the_info_pane_writes_cnpj_and_whatsapp_as_people_do_and_hides_the_record_id(
    demo_window: MainWindow, qtbot: QtBot
) -> None:
    store = demo_window.services.store
    with store.read() as conn:
        conversation_id = conn.execute(
            text(
                "SELECT c.id FROM conversations c JOIN accounts a ON a.id = c.account_id "
                "JOIN crm_clients k ON k.contact_id = c.contact_id WHERE a.kind = 'whatsapp' AND k.cnpj != '' LIMIT 1"
            )
        ).scalar_one()
    demo_window.open_conversation(conversation_id)
    qtbot.waitUntil(lambda: demo_window.info_pane.conversation_id == conversation_id, timeout=3000)
    texts = _pane_texts(demo_window)
    assert any(re.fullmatch(r"\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}", value) for value in texts), texts
    assert not any(re.fullmatch(r"\d{14}", value) for value in texts)
    assert not any(re.fullmatch(r"55\d{10,11}", value) for value in texts)  # the WhatsApp number as a phone
    assert "CRM id" not in texts and not any(re.fullmatch(r"[0-9a-f-]{36}", value) for value in texts)
