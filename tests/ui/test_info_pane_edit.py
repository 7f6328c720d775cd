"""The info pane is where the attendant works on the CRM record: edits show at once and go to the CRM through the
outbox, an edit in progress survives new data, a customer the CRM does not know becomes a lead or is linked to a
known client, cases are created, changed, annotated and swapped, and nothing the CRM sends can break the pane."""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Iterator
from typing import Any

import pytest
from loop_harness import until
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QListWidget, QPushButton, QWidget
from sqlalchemy import select
from ui_harness import App, FakeChannel, customer_messages

from deskchat.core.events import ConversationStatus
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.services.crm_desk import CrmDesk
from deskchat.services.crm_push import CrmPush, NewCase
from deskchat.store import accounts, conversations, crm_records
from deskchat.store.clock import now_ms
from deskchat.store.crm_queue import SyncState
from deskchat.store.crm_records import CrmSyncState
from deskchat.store.database import Store
from deskchat.store.schema import outbox
from deskchat.ui.crm_sync_badge import CrmSyncBadge
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.models.conversation_list import ConversationIdRole
from deskchat.ui.panes.info import InfoPane
from deskchat.ui.panes.info_fields import MAX_SHOWN
from deskchat.ui.tasks import settle

QUEUES = {"11111111-1111-4111-8111-111111111111": "Financeiro", "22222222-2222-4222-8222-222222222222": "Suporte"}
ANA = "33333333-3333-4333-8333-333333333333"


class CrmApp(App):
    desk: CrmDesk
    push: CrmPush
    conversation_id: int


@pytest.fixture
def crm_app(qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Any) -> Iterator[CrmApp]:
    store = Store.open(profile)
    account_id = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms()))

    def crm_account(conn: Any) -> int:
        crm = accounts.create_account(conn, "crm", "CRM", now=now_ms())
        crm_records.save_crm_sync_state(conn, crm, CrmSyncState({}, QUEUES, {ANA: "Ana"}), now=now_ms())
        return crm

    crm_id = store.write_now(crm_account)
    runtime = Runtime(store)
    channel = FakeChannel()
    runtime.channels[account_id] = channel
    loop.run_until_complete(runtime.ingest.ingest(customer_messages(account_id, customers=2, per_customer=1)))
    push = CrmPush(store, crm_id)
    desk = CrmDesk(store, push, me=lambda: ANA)
    services = WindowServices(store, runtime.bus, runtime.messaging, runtime.tickets, crm_desk=desk)
    window = MainWindow(services, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    app = CrmApp(loop, store, runtime, window, channel, account_id)
    app.desk, app.push = desk, push
    view = window.conversation_pane.lists[ConversationStatus.PENDING]
    index = view.model().index(0, 0)
    app.conversation_id = int(index.data(ConversationIdRole))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    app.run(until(lambda: app.window.info_pane.conversation_id == app.conversation_id, "the info pane"))
    yield app
    window.close()
    loop.run_until_complete(settle())
    loop.run_until_complete(runtime.stop())
    store.close()
    del window
    gc.collect()


def _pane(app: App) -> InfoPane:
    return app.window.info_pane


def _child(app: App, kind: type[Any], name: str) -> Any:
    found = _pane(app).findChild(kind, name)
    assert found is not None, f"no {name} in the info pane"
    return found


def _shown(label: QLabel) -> str:
    return label.text()


def _queued(app: App) -> list[dict[str, Any]]:
    with app.store.read() as conn:
        rows = conn.execute(select(outbox.c.kind, outbox.c.payload_json).order_by(outbox.c.id)).all()
    assert {row.kind for row in rows} <= {"crm_call"}
    return [json.loads(row.payload_json) for row in rows]


def _click(app: App, qtbot: Any, name: str, within: QWidget | None = None) -> None:
    button = (within or _pane(app)).findChild(QAbstractButton, name)
    assert button is not None and button.isVisible(), f"{name} is not shown"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    app.run(settle())


def _contact_id(app: CrmApp) -> int:
    with app.store.read() as conn:
        row = conversations.get(conn, app.conversation_id)
    assert row is not None
    return row.contact_id


def _create_lead(app: CrmApp, qtbot: Any) -> crm_records.ClientRecord:
    _click(app, qtbot, "createLead")
    app.run(until(lambda: _pane(app).client_section is not None, "the client box"))
    with app.store.read() as conn:
        client = crm_records.client_of_contact(conn, _contact_id(app))
    assert client is not None
    return client


def _edit(app: App, qtbot: Any, field: str, text: str) -> None:
    _click(app, qtbot, f"client_{field}Edit")
    box = _child(app, QLineEdit, f"client_{field}Input")
    box.clear()
    qtbot.keyClicks(box, text)


def test_create_lead_makes_the_record_and_queues_one_create(crm_app: CrmApp, qtbot: Any) -> None:
    assert _pane(crm_app).lead_section is not None
    client = _create_lead(crm_app, qtbot)

    section = _pane(crm_app).client_section
    assert section is not None
    assert _shown(_child(crm_app, QLabel, "client_nameValue")) == client.name == "Cliente 1"
    assert _shown(section.link_reason) == section.link_reason_text("lead")
    [create] = _queued(crm_app)
    assert (create["op"], create["collection"], create["id"]) == ("create", "contacts", client.crm_id)
    assert create["body"]["source"] == "whatsapp" and create["body"]["phones"] == ["+5511987650001"]


def test_credit_limit_edit_shows_at_once_and_queues_the_change(crm_app: CrmApp, qtbot: Any) -> None:
    client = _create_lead(crm_app, qtbot)
    _edit(crm_app, qtbot, "credit_limit", "12.345,67")
    _click(crm_app, qtbot, "client_credit_limitSave")

    assert _shown(_child(crm_app, QLabel, "client_credit_limitValue")) == "R$ 12.345,67"
    assert not _child(crm_app, QLineEdit, "client_credit_limitInput").isVisible()
    updates = [call for call in _queued(crm_app) if call["op"] == "update"]
    assert updates == [
        {
            "op": "update",
            "collection": "contacts",
            "id": client.crm_id,
            "patch": {"credit_limit_cents": 1_234_567},
            "base": {"credit_limit_cents": 0},  # what the edit replaced: a 412 merges by it
            "records": [f"contacts:{client.crm_id}"],
        }
    ]


def test_an_invalid_cnpj_is_refused_in_words_and_the_edit_stays_open(crm_app: CrmApp, qtbot: Any) -> None:
    _create_lead(crm_app, qtbot)
    _edit(crm_app, qtbot, "cnpj", "11.222.333/0001-00")
    _click(crm_app, qtbot, "client_cnpjSave")

    assert _child(crm_app, QLabel, "client_cnpjError").isVisible()
    assert _child(crm_app, QLineEdit, "client_cnpjInput").text() == "11.222.333/0001-00"
    assert len(_queued(crm_app)) == 1  # only the lead's create


def test_an_edit_in_progress_survives_new_data_for_the_same_record(crm_app: CrmApp, qtbot: Any) -> None:
    client = _create_lead(crm_app, qtbot)
    _edit(crm_app, qtbot, "name", "Padaria da Maria")

    pulled = {"id": client.crm_id, "name": "Nome vindo do CRM", "company_type": "MEI", "credit_limit_cents": 500_00}
    crm_app.store.write_now(lambda conn: crm_records.apply_pulled_contacts(conn, [pulled], {}, now=now_ms()))
    _pane(crm_app).refresh()

    name_input = _child(crm_app, QLineEdit, "client_nameInput")
    assert name_input.isVisible() and name_input.text() == "Padaria da Maria"
    assert _shown(_child(crm_app, QLabel, "client_company_typeValue")) == "MEI"
    assert _shown(_child(crm_app, QLabel, "client_credit_limitValue")) == "R$ 500,00"
    _click(crm_app, qtbot, "client_nameSave")
    assert _shown(_child(crm_app, QLabel, "client_nameValue")) == "Padaria da Maria"
    assert _queued(crm_app)[-1]["patch"] == {"name": "Padaria da Maria"}


def test_link_to_an_existing_client_shows_by_hand(crm_app: CrmApp, qtbot: Any) -> None:
    pulled = {"id": "c0ffee00-0000-4000-8000-000000000001", "name": "Padaria Pão Quente", "cnpj": "11222333000181"}
    crm_app.store.write_now(lambda conn: crm_records.apply_pulled_contacts(conn, [pulled], {}, now=now_ms()))
    qtbot.keyClicks(_child(crm_app, QLineEdit, "clientSearch"), "quente")
    results = _child(crm_app, QListWidget, "clientSearchResults")
    assert results.count() == 1 and "Padaria Pão Quente" in results.item(0).text()
    results.setCurrentRow(0)
    _click(crm_app, qtbot, "linkClient")

    section = _pane(crm_app).client_section
    assert section is not None
    assert _shown(section.link_reason) == section.link_reason_text("manual")
    assert _shown(_child(crm_app, QLabel, "client_nameValue")) == "Padaria Pão Quente"
    assert _queued(crm_app) == []


def test_create_case_note_status_priority_and_move_the_conversation(crm_app: CrmApp, qtbot: Any) -> None:
    client = _create_lead(crm_app, qtbot)
    qtbot.keyClicks(_child(crm_app, QLineEdit, "newCaseSubject"), "Boleto vencido")
    _child(crm_app, QComboBox, "newCaseQueue").setCurrentIndex(0)
    _click(crm_app, qtbot, "newCaseCreate")
    crm_app.run(until(lambda: len(_pane(crm_app).case_cards) == 1, "the new case"))
    [(case_id, card)] = _pane(crm_app).case_cards.items()
    assert _shown(card.link_reason) == card.link_reason_text("manual")

    _click(crm_app, qtbot, "caseAccept", card)
    assert _shown(card.status) == card.status_text("em_atendimento")
    _click(crm_app, qtbot, "casePriorityEdit", card)
    combo = card.findChild(QComboBox, "casePriorityChoice")
    combo.setCurrentIndex(combo.findData("urgente"))
    _click(crm_app, qtbot, "casePrioritySave", card)
    assert _shown(card.priority.value_label) == card.priority_text("urgente")
    qtbot.keyClicks(card.findChild(QLineEdit, "caseNote"), "Cliente pediu prazo")
    _click(crm_app, qtbot, "caseAddNote", card)
    _click(crm_app, qtbot, "caseClose", card)
    assert card.findChild(QPushButton, "caseReopen").isVisible()

    other = crm_app.run(
        crm_app.push.open_case(
            NewCase(str(client.crm_id), next(iter(QUEUES)), "Troca de produto", "whatsapp"),
            contact_id=_contact_id(crm_app),
        )
    )
    _pane(crm_app).refresh()
    with crm_app.store.read() as conn:
        other_case = crm_records.case_by_crm_id(conn, other)
    assert other_case is not None
    other_card = _pane(crm_app).case_cards[other_case.id]
    _click(crm_app, qtbot, "caseMoveHere", other_card)

    with crm_app.store.read() as conn:
        links = crm_records.case_links_of_conversation(conn, crm_app.conversation_id)
    assert [(link.case.id, link.linked_by) for link in links] == [(other_case.id, "manual")]
    moved = _pane(crm_app).case_cards[other_case.id]
    assert moved.link_reason.isVisible() and _shown(moved.link_reason) == moved.link_reason_text("manual")
    assert not _pane(crm_app).case_cards[case_id].move_button.isHidden()  # the old case is among the others now
    calls = [(call["op"], call.get("collection"), call.get("patch")) for call in _queued(crm_app)]
    assert calls[:2] == [("create", "contacts", None), ("create", "cases", None)]
    assert ("update", "cases", {"status": "em_atendimento", "assignee_id": ANA}) in calls
    assert ("update", "cases", {"priority": "urgente"}) in calls
    assert ("create", "notes", None) in calls
    assert ("update", "cases", {"status": "encerrado"}) in calls


def test_each_linked_case_says_why_it_is_linked(crm_app: CrmApp, qtbot: Any) -> None:
    contact = _contact_id(crm_app)

    def linked_cases(conn: Any) -> dict[str, int]:
        ids = {}
        for number, status, reason in (
            ("#123", "em_atendimento", "subject"),
            ("#124", "pendente", "email"),
            ("#125", "encerrado", "phone"),
        ):
            ids[number] = crm_records.save_case(
                conn, contact, None, now=now_ms(), crm_id=f"c{number[1:]}", display_number=number, status=status
            )
            crm_records.link_case(conn, crm_app.conversation_id, ids[number], reason, now=now_ms())
        return ids

    ids = crm_app.store.write_now(linked_cases)
    _pane(crm_app).refresh()
    cards = _pane(crm_app).case_cards
    shown = {number: (_shown(cards[i].link_reason), _shown(cards[i].status)) for number, i in ids.items()}
    assert shown == {
        "#123": ("linked by the subject [Case #123]", "In progress"),
        "#124": ("linked by the sender", "Pending"),
        "#125": ("linked by the phone number", "Closed"),
    }
    assert cards[ids["#125"]].findChild(QPushButton, "caseReopen").isVisible()
    assert not cards[ids["#123"]].findChild(QPushButton, "caseAccept").isVisible()


HOSTILE = {
    "name": "W" * 100_000,
    "company_type": "<b>S.A.</b><img src='http://example.invalid/x.png'>",
    "sales_stage": "\u202egnahc\u202c",
    "cnpj": "12\x003",
}


def test_hostile_crm_values_are_plain_text_and_cannot_break_the_pane(crm_app: CrmApp, qtbot: Any) -> None:
    pulled = {"id": "c0ffee00-0000-4000-8000-000000000002", **HOSTILE}
    pulled_case = {"id": "c0ffee00-0000-4000-8000-000000000003", "contact_id": pulled["id"], "subject": "<h1>x</h1>"}

    contact_id = _contact_id(crm_app)

    def pull(conn: Any) -> None:
        crm_records.apply_pulled_contacts(conn, [pulled], {}, now=now_ms())
        found = crm_records.client_by_crm_id(conn, pulled["id"])
        assert found is not None
        crm_records.set_client_link(conn, found.id, contact_id, "", now=now_ms())
        crm_records.apply_pulled_cases(
            conn, [pulled_case], crm_records.crm_sync_state(conn, crm_app.push.account_id), now=now_ms()
        )

    crm_app.store.write_now(pull)
    _pane(crm_app).refresh()

    labels = [label for label in _pane(crm_app).findChildren(QLabel) if label.isVisible()]
    carrying_data = [label for label in labels if any(part in label.text() for part in ("<b>", "<h1>", "W" * 50))]
    assert len(carrying_data) >= 3
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in carrying_data)
    texts = [_shown(label) for label in labels]
    assert all("\x00" not in text and "\u202e" not in text and len(text) <= MAX_SHOWN + 1 for text in texts)
    assert HOSTILE["company_type"] in texts
    assert any(text.startswith("W" * 100) for text in texts)
    assert any("<h1>x</h1>" in text for text in texts)
    assert _pane(crm_app).widget().minimumSizeHint().width() < crm_app.window.width()
    _click(crm_app, qtbot, "client_nameEdit")  # the editor takes the value too, capped by the line edit
    assert len(_child(crm_app, QLineEdit, "client_nameInput").text()) <= 300


def test_the_client_and_each_case_show_their_crm_sync_state(crm_app: CrmApp, qtbot: Any) -> None:
    _create_lead(crm_app, qtbot)
    crm_app.run(crm_app.desk.create_case(crm_app.conversation_id, "Assunto", next(iter(QUEUES))))
    _pane(crm_app).refresh()

    def badges() -> list[CrmSyncBadge]:
        return [badge for badge in _pane(crm_app).findChildren(CrmSyncBadge) if badge.isVisible()]

    # the lead and the case are queued for the CRM, which this profile has not reached: both say "pendente"
    qtbot.waitUntil(lambda: len(badges()) >= 2)
    assert {badge.sync.state for badge in badges()} == {SyncState.PENDING}
