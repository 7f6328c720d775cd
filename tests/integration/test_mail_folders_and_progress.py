"""Against a real Dovecot: the first sync's progress reaches the window (on the loop, with the count stored), and the
attendant can pick more folders to sync besides INBOX and Sent; the choice is kept."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from imapclient import IMAPClient
from mail_app import MailApp, mail_account, raw_mail
from mailstack import DOMAIN, MailStack

from deskchat.core.events import HistorySyncProgressed
from deskchat.store.database import Store


def _direct(stack: MailStack, user: str) -> IMAPClient:
    client = IMAPClient("127.0.0.1", port=stack.imap_port, ssl=False, timeout=10)
    client.login(user, user.split("@")[0] + "-pw")
    return client


def _count(app: MailApp, sql: str, *params: Any) -> int:
    return int(app.query(sql, *params)[0][0])


def test_first_sync_progress_counts_the_mail_stored_and_reaches_100(mail_stack: MailStack, store: Store) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    for number in range(5):
        mail_stack.dovecot.deliver(raw_mail(f"c{number}@{DOMAIN}", user, f"P{number}", f"g{number}.{user}"), user)

    async def scenario() -> None:
        app = MailApp(store, channel_options={"header_batch": 2})
        account_id = await app.driver.add_mailbox(mail_account(mail_stack, user), password=user.split("@")[0] + "-pw")
        seen: list[tuple[int, int, bool]] = []
        app.bus.subscribe(
            HistorySyncProgressed,
            lambda e: seen.append((e.percent, e.messages, threading.current_thread() is threading.main_thread())),
        )
        await app.accounts.connect(account_id)
        await app.until(lambda: bool(seen) and seen[-1][1] == 5)
        assert [percent for percent, _count, _loop in seen] == [40, 80, 100]
        assert [stored for _percent, stored, _loop in seen] == [2, 4, 5]
        assert all(on_loop for _percent, _stored, on_loop in seen)  # the window's bus is told on the loop only
        await app.stop()

    asyncio.run(asyncio.wait_for(scenario(), 90))


def test_a_folder_chosen_by_the_attendant_is_synced_and_the_choice_is_kept(mail_stack: MailStack, store: Store) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    mail_stack.dovecot.deliver(raw_mail(f"a@{DOMAIN}", user, "Na entrada", f"i1.{user}"), user)
    with _direct(mail_stack, user) as other:
        other.create_folder("Clientes VIP")
        other.append("Clientes VIP", raw_mail(f"vip@{DOMAIN}", user, "Pedido VIP", f"v1.{user}"))

    async def scenario() -> None:
        app = MailApp(store)
        account_id = await app.driver.add_mailbox(mail_account(mail_stack, user), password=user.split("@")[0] + "-pw")
        await app.accounts.connect(account_id)
        await app.until(lambda: _count(app, "SELECT count(*) FROM sync_state WHERE account_id = ?", account_id) == 2)
        assert _count(app, "SELECT count(*) FROM messages WHERE channel_id = ?", f"v1.{user}") == 0
        [(sent,)] = app.query("SELECT folder FROM sync_state WHERE account_id = ? AND folder != 'INBOX'", account_id)
        offered = await app.driver.folders(account_id)
        assert "Clientes VIP" in offered and "INBOX" not in offered and sent not in offered  # those always sync

        await app.driver.set_synced_folders(account_id, ["Apagada", "Clientes VIP"])  # one was deleted meanwhile
        await app.until(lambda: _count(app, "SELECT count(*) FROM messages WHERE channel_id = ?", f"v1.{user}") == 1)
        await app.until(lambda: _count(app, "SELECT count(*) FROM messages WHERE body_state = 'headers'") == 0)
        assert app.state(account_id) == "online"  # a missing folder does not stop the others
        await app.driver.set_synced_folders(account_id, ["Clientes VIP"])
        assert app.driver.synced_folders(account_id) == ["Clientes VIP"]
        await app.stop()

        again = MailApp(store)  # a restart: the choice comes back from the settings
        assert again.driver.synced_folders(account_id) == ["Clientes VIP"]
        handle = again.driver.create(account_id)
        assert handle.channel.extra_folders == ("Clientes VIP",)

    asyncio.run(asyncio.wait_for(scenario(), 90))
