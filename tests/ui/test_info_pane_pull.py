"""A CRM pull that brings new data for the shown customer shows in the info pane by itself (an edit in progress
stays as typed); the attendant's unconfirmed edit is not flipped back by the pull."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from loop_harness import until
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit
from ui_harness import App, FakeChannel, customer_messages

from deskchat.core.events import ConversationStatus
from deskchat.crm.client import CrmClient, Page
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.services.crm_desk import CrmDesk
from deskchat.services.crm_pull import CrmPull
from deskchat.services.crm_push import CrmPush
from deskchat.store import accounts, conversations, crm_records
from deskchat.store.clock import now_ms
from deskchat.store.crm_records import CrmSyncState
from deskchat.store.database import Store
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.models.conversation_list import ConversationIdRole
from deskchat.ui.tasks import settle


def _click(app: PullApp, qtbot: Any, name: str) -> None:
    qtbot.mouseClick(_child(app, QAbstractButton, name), Qt.MouseButton.LeftButton)
    app.run(settle())


QUEUE_ID = "11111111-1111-4111-8111-111111111111"
ANA = "33333333-3333-4333-8333-333333333333"
CLIENT = "44444444-4444-4444-8444-444444444444"
OTHER_CLIENT = "66666666-6666-4666-8666-666666666666"
CASE = "55555555-5555-4555-8555-555555555555"


@dataclass
class FakeCrm:
    """The CRM as a pull sees it: each collection's changes, served once."""

    waiting: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    attendant_id: str | None = ANA

    async def page(self, collection: str, cursor: str, limit: int, filters: Any = None) -> Page:
        return Page([] if filters else self.waiting.pop(collection, []), cursor or "c", False)

    async def get(self, collection: str, record_id: str) -> None:
        return None


def _client(crm_id: str = CLIENT, **fields: Any) -> dict[str, Any]:
    return {"id": crm_id, "name": "Padaria Pão Quente", "company_type": "MEI", "row_version": 1, **fields}


class PullApp(App):
    crm: FakeCrm
    pull: CrmPull
    desk: CrmDesk

    def pull_with(self, **waiting: list[dict[str, Any]]) -> None:
        self.crm.waiting.update(waiting)
        self.run(self.pull.pull_once())


@pytest.fixture
def pull_app(qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Any) -> Iterator[PullApp]:
    store = Store.open(profile)
    account_id = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms()))

    def crm_account(conn: Any) -> int:
        crm = accounts.create_account(conn, "crm", "CRM", now=now_ms())
        crm_records.save_crm_sync_state(conn, crm, CrmSyncState({}, {QUEUE_ID: "Financeiro"}, {ANA: "Ana"}), now=0)
        return crm

    crm_id = store.write_now(crm_account)
    runtime = Runtime(store)
    channel = FakeChannel()
    runtime.channels[account_id] = channel
    loop.run_until_complete(runtime.ingest.ingest(customer_messages(account_id, customers=2, per_customer=1)))
    desk = CrmDesk(store, CrmPush(store, crm_id), me=lambda: ANA)
    services = WindowServices(store, runtime.bus, runtime.messaging, runtime.tickets, crm_desk=desk)
    window = MainWindow(services, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    built = PullApp(loop, store, runtime, window, channel, account_id)
    built.crm = FakeCrm()
    built.pull = CrmPull(store, cast(CrmClient, built.crm), crm_id, publish=runtime.bus.publish)
    built.desk = desk
    built.pull_with(contacts=[_client(), _client(OTHER_CLIENT, name="Outro Cliente")])
    view = window.conversation_pane.lists[ConversationStatus.PENDING]
    index = view.model().index(0, 0)
    conversation_id = int(index.data(ConversationIdRole))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    built.run(until(lambda: built.window.info_pane.conversation_id == conversation_id, "the info pane"))

    def link(conn: Any) -> None:
        row = conversations.get(conn, conversation_id)
        client = crm_records.client_by_crm_id(conn, CLIENT)
        assert row is not None and client is not None
        crm_records.set_client_link(conn, client.id, row.contact_id, "manual", now=now_ms())

    store.write_now(link)
    window.info_pane.refresh()
    yield built
    window.close()
    loop.run_until_complete(settle())
    loop.run_until_complete(runtime.stop())
    store.close()
    del window
    gc.collect()


def _child(app: PullApp, kind: type[Any], name: str) -> Any:
    found = app.window.info_pane.findChild(kind, name)
    assert found is not None, f"no {name} in the info pane"
    return found


def _value(app: PullApp, field_name: str) -> str:
    return str(_child(app, QLabel, f"client_{field_name}Value").text())


def test_a_pull_that_changes_the_shown_client_shows_in_the_pane(pull_app: PullApp, qtbot: Any) -> None:
    app = pull_app
    assert _value(app, "name") == "Padaria Pão Quente"

    app.pull_with(contacts=[_client(name="Padaria Pão Quente Ltda", row_version=2)])

    qtbot.waitUntil(lambda: _value(app, "name") == "Padaria Pão Quente Ltda", timeout=5000)


def test_a_case_pulled_for_the_shown_customer_appears(pull_app: PullApp, qtbot: Any) -> None:
    app = pull_app
    case = {"id": CASE, "contact_id": CLIENT, "subject": "Boleto vencido", "status": "pendente", "row_version": 1}
    app.pull_with(cases=[case])

    qtbot.waitUntil(lambda: len(app.window.info_pane.case_cards) == 1, timeout=5000)


def test_an_edit_in_progress_stays_while_the_pull_refreshes_the_rest(pull_app: PullApp, qtbot: Any) -> None:
    app = pull_app
    _click(app, qtbot, "client_nameEdit")
    name_input = _child(app, QLineEdit, "client_nameInput")
    name_input.clear()
    qtbot.keyClicks(name_input, "Padaria da Maria")

    app.pull_with(contacts=[_client(company_type="Ltda", row_version=2)])

    qtbot.waitUntil(lambda: _value(app, "company_type") == "Ltda", timeout=5000)
    assert name_input.isVisible() and name_input.text() == "Padaria da Maria"


def test_the_attendants_unconfirmed_edit_is_not_flipped_back_by_a_pull(pull_app: PullApp, qtbot: Any) -> None:
    app = pull_app
    _click(app, qtbot, "client_credit_limitEdit")
    credit_input = _child(app, QLineEdit, "client_credit_limitInput")
    qtbot.keyClicks(credit_input, "2.500,00")
    _click(app, qtbot, "client_credit_limitSave")
    assert _value(app, "credit_limit") == "R$ 2.500,00"

    app.pull_with(contacts=[_client(credit_limit_cents=0, company_type="Ltda", row_version=2)])

    qtbot.waitUntil(lambda: _value(app, "company_type") == "Ltda", timeout=5000)
    assert _value(app, "credit_limit") == "R$ 2.500,00"
