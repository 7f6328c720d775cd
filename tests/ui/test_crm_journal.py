"""The CRM journal and banner as the attendant sees them: what waits (and until when), what failed and why, what
conflicts; "Try now" hands the item to the drainer at once; the banner says the CRM is unavailable with how many
items wait, offers "Reconnect" when a sign-in is needed, opens the journal, and goes away once the queue drains."""

from __future__ import annotations

import asyncio
from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import Connection
from ui_harness import App

from deskchat.channels.base import ChannelAccount, SendReceipt
from deskchat.services.crm_conflicts import ConflictResolver
from deskchat.services.crm_lane import CrmLane
from deskchat.services.crm_push import CrmPush, NewLead
from deskchat.services.crm_sync_status import CrmSyncMonitor
from deskchat.services.outbox import OutboxDrainer
from deskchat.services.outbox.ids import choose_message_id
from deskchat.store import accounts, crm_queue, outbox
from deskchat.store.clock import now_ms
from deskchat.store.crm_queue import FieldConflict
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxItem, OutboxKind
from deskchat.ui.crm_journal import REASON, STATE, CrmJournalDialog
from deskchat.ui.crm_sync_badge import CrmSyncBadge, clock_time
from deskchat.ui.tasks import settle

HOUR = 3_600_000


class RecordingCrmHandler:
    """Stands in for the CRM handler at the drainer's boundary: records what the drainer hands it."""

    kinds = (OutboxKind.CRM_CALL,)

    def __init__(self) -> None:
        self.delivered: list[int] = []

    async def before_resend(self, item: OutboxItem, account: ChannelAccount) -> SendReceipt | None:
        return None

    async def deliver(self, item: OutboxItem, account: ChannelAccount) -> SendReceipt:
        self.delivered.append(item.id)
        return SendReceipt("ok")

    def settle_done(self, conn: Connection, item: OutboxItem, receipt: SendReceipt, now: int) -> int | None:
        outbox.finish(conn, item.id, now)
        return None

    def settle_parked(self, conn: Connection, item: OutboxItem, reason: str, now: int) -> int | None:
        outbox.park(conn, item.id, reason, now)
        return None

    def settle_retry(self, conn: Connection, item: OutboxItem, next_at: int, reason: str, now: int) -> int | None:
        outbox.retry_later(conn, item.id, next_at, reason, now)
        return None


def _queue(store: Store, names: list[str]) -> tuple[int, list[str]]:
    account_id = store.write_now(lambda conn: accounts.create_account(conn, "crm", "CRM", now=now_ms()))
    push = CrmPush(store, account_id)
    loop = asyncio.get_event_loop()
    ids = [loop.run_until_complete(push.create_lead(NewLead(name, "whatsapp"))) for name in names]
    return account_id, ids


def _claim_all(store: Store, account_id: int, count: int) -> list[int]:
    claimed = []
    for _ in range(count):
        item = store.write_now(
            lambda conn: outbox.claim_next(conn, account_id, [OutboxKind.CRM_CALL], now_ms(), choose_message_id)
        )
        assert item is not None
        claimed.append(item.id)
    return claimed


def _waiting_failed_conflict(store: Store) -> tuple[int, list[int], int]:
    account_id, leads = _queue(store, ["Ana", "Bruno", "Carla"])
    waiting, failed, conflicting = _claim_all(store, account_id, 3)
    retry_at = now_ms() + 2 * HOUR

    def settle_rows(conn: Connection) -> None:
        outbox.retry_later(conn, waiting, retry_at, "o CRM não respondeu em 30 s", now_ms())
        outbox.park(conn, failed, "o CRM recusou: telefone inválido (422)", now_ms())
        key = f"contacts:{leads[2]}"
        crm_queue.save_conflict(conn, conflicting, key, '"3"', {"name": "Carla S."}, [], now=now_ms())
        outbox.park(conn, conflicting, "conflito: o registro mudou no CRM desde a última leitura (412)", now_ms())

    store.write_now(settle_rows)
    return account_id, [waiting, failed, conflicting], retry_at


def test_the_journal_lists_what_waits_what_failed_and_why_and_what_conflicts(app: App, qtbot: QtBot) -> None:
    _account, (waiting, failed, conflicting), retry_at = _waiting_failed_conflict(app.store)
    app.window.crm_journal_action.trigger()
    journal = app.window.crm_journal_dialog
    assert journal is not None and journal.isVisible()

    assert [entry.item_id for entry in journal.entries] == [conflicting, failed, waiting]
    assert journal.text_at(conflicting, STATE) == "Conflict — choose which version stays"
    assert journal.text_at(failed, STATE) == "Failed — action needed"
    assert journal.text_at(failed, REASON) == "o CRM recusou: telefone inválido (422)"
    assert journal.text_at(waiting, STATE) == f"Waiting to retry at {clock_time(retry_at)}"
    assert journal.text_at(waiting, REASON) == "o CRM não respondeu em 30 s"
    assert journal.action_button(failed).text() == "Try now"
    assert journal.action_button(conflicting).text() == "Resolve…"
    assert journal.summary.text() == "1 waiting, 1 failed, 1 in conflict"


def test_try_now_hands_the_item_to_the_drainer_at_once(app: App, qtbot: QtBot) -> None:
    account_id, (waiting, failed, _conflicting), _retry_at = _waiting_failed_conflict(app.store)
    handler = RecordingCrmHandler()
    lane = CrmLane(account_id)
    drainer = OutboxDrainer(app.store, app.runtime.bus, {account_id: lane}.get, [handler])
    monitor = CrmSyncMonitor(app.store, app.runtime.bus, lane, wake=drainer.wake)
    journal = CrmJournalDialog(app.store, monitor, ConflictResolver(app.store), app.window.bridge)
    qtbot.addWidget(journal)

    app.run(drainer.drain_once())
    assert handler.delivered == [], "nothing is due: one waits two hours, one failed, one conflicts"

    journal.action_button(failed).click()
    app.run(settle())
    assert drainer.wake.is_set(), "the drainer is woken"
    app.run(drainer.drain_once())
    assert handler.delivered == [failed]
    app.run(monitor.refresh())  # what the monitor's poll does
    assert failed not in [entry.item_id for entry in journal.entries], "the journal follows"

    journal.retry_all_button.click()
    app.run(settle())
    app.run(drainer.drain_once())
    assert handler.delivered == [failed, waiting], "the conflict waits for the attendant's decision"
    app.run(drainer.stop())


def test_the_banner_shows_while_the_crm_is_unavailable_and_goes_away_when_the_queue_drains(
    app: App, qtbot: QtBot
) -> None:
    account_id, _leads = _queue(app.store, ["Ana", "Bruno", "Carla"])
    lane = CrmLane(account_id)
    monitor = CrmSyncMonitor(app.store, app.runtime.bus, lane)
    banner = app.window.crm_banner
    app.run(monitor.refresh())
    assert not banner.isVisible(), "queued and not tried yet: nothing to say"

    first, second, third = _claim_all(app.store, account_id, 3)
    for item_id in (first, second, third):
        app.store.write_now(
            lambda conn, item_id=item_id: outbox.retry_later(
                conn, item_id, now_ms() + HOUR, "ConnectError: connection refused", now_ms()
            )
        )
    app.run(monitor.refresh())
    qtbot.waitUntil(banner.isVisible, timeout=2000)
    assert banner.label.text() == "CRM unavailable — 3 item(s) in the queue"
    assert not banner.reconnect_button.isVisible()

    lane.require_sign_in()
    app.run(monitor.refresh())
    assert banner.reconnect_button.isVisible(), "Reconnect to the CRM"
    banner.journal_button.click()
    assert app.window.crm_journal_dialog is not None and app.window.crm_journal_dialog.isVisible()

    lane.signed_in()
    for item_id in (first, second, third):
        app.store.write_now(lambda conn, item_id=item_id: outbox.finish(conn, item_id, now_ms()))
    app.run(monitor.refresh())
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=2000)


def test_while_the_crm_answers_the_banner_counts_what_needs_the_attendant(app: App, qtbot: QtBot) -> None:
    account_id, _leads = _queue(app.store, ["Ana", "Bruno"])
    monitor = CrmSyncMonitor(app.store, app.runtime.bus, CrmLane(account_id))
    first, second = _claim_all(app.store, account_id, 2)
    app.store.write_now(lambda conn: outbox.park(conn, first, "o CRM recusou (422)", now_ms()))
    app.store.write_now(lambda conn: outbox.finish(conn, second, now_ms() + 1))
    app.run(monitor.refresh())
    banner = app.window.crm_banner
    qtbot.waitUntil(banner.isVisible, timeout=2000)
    assert banner.label.text() == "CRM: 1 item(s) need your attention"
    assert not banner.reconnect_button.isVisible()


def test_the_badge_shows_a_record_state_and_follows_the_queue(app: App, qtbot: QtBot) -> None:
    account_id, (lead,) = _queue(app.store, ["Ana"])
    monitor = CrmSyncMonitor(app.store, app.runtime.bus, CrmLane(account_id))
    badge = CrmSyncBadge(app.store, app.window.bridge)
    qtbot.addWidget(badge)
    badge.show_record(None)
    assert badge.isHidden()
    badge.show_record(f"contacts:{lead}")
    assert badge.text() == "Pending"

    (item_id,) = _claim_all(app.store, account_id, 1)
    app.store.write_now(lambda conn: outbox.park(conn, item_id, "o CRM recusou: nome vazio (422)", now_ms()))
    app.run(monitor.refresh())
    qtbot.waitUntil(lambda: badge.text() == "Failed — action needed", timeout=2000)
    assert badge.toolTip() == "o CRM recusou: nome vazio (422)"

    app.store.write_now(lambda conn: outbox.finish(conn, item_id, now_ms()))
    app.run(monitor.refresh())
    qtbot.waitUntil(lambda: badge.text() == "Synced", timeout=2000)


def test_a_conflict_opened_from_the_journal_is_resolved_with_the_crm_value(app: App, qtbot: QtBot) -> None:
    account_id, leads = _queue(app.store, ["Ana"])
    (item_id,) = _claim_all(app.store, account_id, 1)
    key = f"contacts:{leads[0]}"

    def conflict(conn: Connection) -> None:
        fields = [FieldConflict("name", "Ana Paula", "Ana P. Souza"), FieldConflict("sales_stage", "novo", "proposta")]
        crm_queue.save_conflict(conn, item_id, key, '"4"', {"name": "Ana P. Souza"}, fields, now=now_ms())
        outbox.park(conn, item_id, "conflito: 412", now_ms())

    app.store.write_now(conflict)
    app.store.write_now(
        lambda conn: conn.exec_driver_sql(
            "UPDATE outbox SET payload_json = json_set(payload_json, '$.op', 'update', '$.patch',"
            ' json(\'{"name": "Ana Paula", "sales_stage": "novo"}\')) WHERE id = ?',
            (item_id,),
        )
    )
    journal = app.window.open_crm_journal()
    journal.action_button(item_id).click()
    app.run(settle())
    dialog = journal.conflict_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.field_names() == ["name", "sales_stage"]
    dialog.choose("name", "theirs")
    dialog.choose("sales_stage", "edit", "negociação")
    dialog.send_button.click()
    app.run(settle())

    with app.store.read() as conn:
        row: Any = conn.exec_driver_sql(
            "SELECT state, json_extract(payload_json, '$.patch') FROM outbox WHERE id = ?", (item_id,)
        ).one()
        assert crm_queue.conflict_of(conn, item_id) is None
    assert row[0] == "queued", "goes again at once"
    assert row[1] == '{"sales_stage":"negociação"}', "the CRM's name stays; my edited stage goes"
    assert journal.text_at(item_id, STATE) == "Pending"
