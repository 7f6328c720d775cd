"""In --demo an e-mail conversation shows the mail composer, a mail sent goes through the demo channel, and a demo
mail opens with HTML whose remote image (the sender's logo) stays blocked until asked, then shows a local picture."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt

from deskchat.core.identity import normalize_email
from deskchat.demo.generator import populate_demo
from deskchat.demo.mail_html import demo_images
from deskchat.demo.render import ATTENDANT
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.store import messages
from deskchat.store.database import Store
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.tasks import settle


@pytest.fixture
def demo(qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Any) -> Iterator[Any]:
    store = Store.open(profile)
    populate_demo(store)
    runtime = Runtime(store, demo=True)
    for channel in runtime._demo_channels:
        channel._delivered_after, channel._read_after = 0.0, 0.0
    # demo=True is left out of the window: its DEMO badge makes QStatusBar warn (a window issue of its own)
    window = MainWindow(
        WindowServices(
            store,
            runtime.bus,
            runtime.messaging,
            runtime.tickets,
            reading=runtime.reading,
            email_sending=runtime.email_sending,
            image_fetcher=demo_images,
        ),
        QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield loop, store, runtime, window
    window.close()
    loop.run_until_complete(settle())
    loop.run_until_complete(runtime.stop())
    store.close()
    del window
    gc.collect()


def _a_mail_conversation(store: Store) -> tuple[int, int]:
    with store.read() as conn:
        conversation_id, message_id = conn.exec_driver_sql(
            "SELECT m.conversation_id, m.id FROM messages m JOIN accounts a ON a.id = m.account_id"
            " WHERE a.kind = 'email' AND m.outgoing = 0 ORDER BY m.sent_at DESC LIMIT 1"
        ).one()
    return int(conversation_id), int(message_id)


def test_the_demo_mail_composer_sends_through_the_demo_channel(demo: Any, qtbot: Any) -> None:
    loop, store, runtime, window = demo
    conversation_id, _ = _a_mail_conversation(store)
    window.open_conversation(conversation_id)
    loop.run_until_complete(settle())
    composer = window.chat_pane.mail_composer
    assert window.chat_pane.composer_stack.currentWidget() is composer
    assert composer.subject_edit.text().startswith("RE: ") and "RE: RE:" not in composer.subject_edit.text()
    to = composer.to_edit.text()
    assert normalize_email(to) == to and not to.startswith("demo-")  # the customer's address, not the thread key
    assert ATTENDANT in composer.signature_edit.toPlainText()
    assert composer.quote_view.toPlainText().startswith("On ")

    qtbot.keyClicks(composer.body, "Segue a proposta revisada.")
    qtbot.keyClick(composer.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    loop.run_until_complete(settle())
    model = window.chat_pane.model
    sent_id = model.item_at(model.rowCount() - 1).message.id

    async def delivered() -> str:
        runtime.worker.start()  # the outbox worker runs on the loop, and stops there
        try:
            while True:
                with store.read() as conn:
                    row = messages.get(conn, sent_id)
                if row is not None and row.delivery in ("sent", "delivered", "read"):
                    for channel in runtime._demo_channels:  # its ticks play out inside the loop
                        await asyncio.gather(*channel._pending)
                    return row.delivery
                await asyncio.sleep(0.02)
        finally:
            await runtime.worker.stop()

    assert loop.run_until_complete(asyncio.wait_for(delivered(), 15)) in ("sent", "delivered", "read")


def test_a_demo_mail_opens_with_its_remote_logo_blocked_until_asked(demo: Any) -> None:
    loop, store, _runtime, window = demo
    conversation_id, message_id = _a_mail_conversation(store)
    window.open_conversation(conversation_id)
    reader = window.chat_pane.open_mail(message_id)
    loop.run_until_complete(settle())
    assert reader.view.show_remote_button.isVisible()
    assert reader.view.browser.remote_images == {}
    assert "<DEMO-" not in reader.from_label.text() and "@" in reader.from_label.text()
    reader.view.show_remote_button.click()
    loop.run_until_complete(settle())
    assert len(reader.view.browser.remote_images) == 1  # the demo's local picture, not the network
