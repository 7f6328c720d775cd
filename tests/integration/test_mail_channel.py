"""The e-mail adapter on a real store against a real Dovecot: first sync (headers, then bodies), mail arriving
through IDLE, IDLE renewed, flags and expunges made behind the client's back, a UIDVALIDITY change, a dropped
connection, a server that is down, and case linking by subject and by sender."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from imapclient import IMAPClient
from mail_app import MailApp, mail_account, raw_mail
from mailstack import DOMAIN, MailStack, free_port

from deskchat.core.events import HistorySyncProgressed
from deskchat.store import crm_records
from deskchat.store.clock import now_ms
from deskchat.store.database import Store

T = TypeVar("T")


def run(work: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(work, 90))


def _direct(stack: MailStack, user: str) -> IMAPClient:
    client = IMAPClient("127.0.0.1", port=stack.imap_port, ssl=False, timeout=10)
    client.login(user, user.split("@")[0] + "-pw")
    return client


def _count(app: MailApp, sql: str, *params: Any) -> int:
    return int(app.query(sql, *params)[0][0])


async def _first_sync_done(app: MailApp, account_id: int) -> None:
    """Both folders hold a committed state (the first sync ended), so mail delivered from now on is live."""
    await app.until(lambda: _count(app, "SELECT count(*) FROM sync_state WHERE account_id = ?", account_id) == 2)


def test_first_sync_fills_the_list_then_bodies_follow_and_new_mail_arrives_by_idle(
    mail_stack: MailStack, store: Store
) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    for number in range(7):
        sender = f"cliente{number % 3}@{DOMAIN}"
        mail_stack.dovecot.deliver(raw_mail(sender, user, f"Pedido {number}", f"p{number}.{user}"), recipient=user)
    sent_copy = raw_mail(user, f"cliente0@{DOMAIN}", "Re: Pedido 0", f"r0.{user}").replace(
        b"From: Cliente", b"From: Suporte"
    )
    with _direct(mail_stack, user) as other:
        other.append("Sent", sent_copy, flags=[b"\\Seen"])

    async def scenario() -> None:
        app = MailApp(store)
        account_id = await app.driver.add_mailbox(mail_account(mail_stack, user), password=user.split("@")[0] + "-pw")
        progress: list[int] = []
        app.bus.subscribe(HistorySyncProgressed, lambda event: progress.append(event.percent))
        await app.accounts.connect(account_id)
        await app.until(lambda: _count(app, "SELECT count(*) FROM messages") == 8)
        assert app.state(account_id) == "online"
        # one conversation per customer; the Sent copy is the attendant's, in the customer's conversation
        assert _count(app, "SELECT count(*) FROM conversations") == 3
        assert app.query(
            "SELECT outgoing, c.channel_key FROM messages m JOIN conversations c "
            "ON c.id = m.conversation_id WHERE m.channel_id = ?",
            f"r0.{user}",
        ) == [(1, f"cliente0@{DOMAIN}")]
        assert progress and progress[-1] == 100
        await app.until(lambda: _count(app, "SELECT count(*) FROM messages WHERE body_state = 'headers'") == 0)
        assert app.query("SELECT text FROM messages WHERE channel_id = ?", f"p3.{user}") == [("Olá, segue o pedido.",)]
        assert _count(app, "SELECT count(*) FROM mail_uids") == 8

        arrived_at = time.monotonic()
        mail_stack.dovecot.deliver(raw_mail(f"nova@{DOMAIN}", user, "Urgente", f"n1.{user}"), recipient=user)
        await app.until(lambda: _count(app, "SELECT count(*) FROM messages WHERE channel_id = ?", f"n1.{user}") == 1)
        print(f"\nIDLE arrival: {1000 * (time.monotonic() - arrived_at):.0f} ms from delivery to the store")
        unread = app.query("SELECT unread_count FROM conversations WHERE channel_key = ?", f"nova@{DOMAIN}")
        assert unread == [(1,)]  # live mail is unread; the first sync's was history
        await app.stop()

    run(scenario())


def test_idle_is_renewed_and_mail_still_arrives(mail_stack: MailStack, store: Store) -> None:
    user = mail_stack.dovecot.fresh_mailbox()

    async def scenario() -> None:
        app = MailApp(store, idle_renew_s=0.3)
        account_id = await app.driver.add_mailbox(mail_account(mail_stack, user), password=user.split("@")[0] + "-pw")
        await app.accounts.connect(account_id)
        channel = app.handle(account_id).channel
        async with asyncio.timeout(20):
            while channel.idle.issued < 3:
                await asyncio.sleep(0.1)  # polling a counter of the IDLE thread, which publishes nothing
        mail_stack.dovecot.deliver(raw_mail(f"x@{DOMAIN}", user, "Depois", f"d1.{user}"), recipient=user)
        await app.until(lambda: _count(app, "SELECT count(*) FROM messages") == 1)
        await app.stop()

    run(scenario())


def test_flags_and_expunges_behind_the_clients_back_follow_the_server(mail_stack: MailStack, store: Store) -> None:
    user = mail_stack.dovecot.fresh_mailbox()

    async def scenario() -> None:
        app = MailApp(store)
        account_id = await app.driver.add_mailbox(mail_account(mail_stack, user), password=user.split("@")[0] + "-pw")
        await app.accounts.connect(account_id)
        await _first_sync_done(app, account_id)
        for number in range(3):
            mail_stack.dovecot.deliver(raw_mail(f"ana@{DOMAIN}", user, f"M{number}", f"f{number}.{user}"), user)
        await app.until(lambda: _count(app, "SELECT count(*) FROM mail_uids") == 3)
        await app.until(lambda: app.query("SELECT unread_count FROM conversations") == [(3,)])

        other = _direct(mail_stack, user)
        other.select_folder("INBOX")
        other.add_flags([1, 3], [b"\\Seen"])
        other.delete_messages([2])
        other.expunge()
        other.logout()

        await app.until(lambda: app.query("SELECT unread_count FROM conversations") == [(0,)])
        await app.until(lambda: _count(app, "SELECT count(*) FROM mail_uids WHERE expunged_at IS NOT NULL") == 1)
        assert app.query("SELECT uid FROM mail_uids WHERE expunged_at IS NOT NULL") == [(2,)]
        assert _count(app, "SELECT count(*) FROM messages") == 3  # the expunged mail stays
        assert "\\Seen" in app.query("SELECT flags FROM mail_uids WHERE uid = 1")[0][0]
        await app.stop()

    run(scenario())


def test_a_uidvalidity_change_loses_nothing_and_doubles_nothing(mail_stack: MailStack, store: Store) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    for number in range(3):
        mail_stack.dovecot.deliver(raw_mail(f"bia@{DOMAIN}", user, f"U{number}", f"u{number}.{user}"), user)

    async def scenario() -> None:
        app = MailApp(store)
        account_id = await app.driver.add_mailbox(mail_account(mail_stack, user), password=user.split("@")[0] + "-pw")
        await app.accounts.connect(account_id)
        await app.until(lambda: _count(app, "SELECT count(*) FROM mail_uids") == 3)
        [(old,)] = app.query("SELECT uidvalidity FROM sync_state WHERE folder = 'INBOX'")
        await app.handle(account_id).stop()
        mail_stack.dovecot.doveadm("mailbox", "update", "-u", user, "--uid-validity", str(old + 10), "INBOX")
        mail_stack.dovecot.deliver(raw_mail(f"bia@{DOMAIN}", user, "U3", f"u3.{user}"), user)
        await app.accounts.connect(account_id)
        await app.until(lambda: app.query("SELECT uidvalidity FROM sync_state WHERE folder = 'INBOX'") == [(old + 10,)])
        await app.until(lambda: _count(app, "SELECT count(*) FROM mail_uids WHERE folder = 'INBOX'") == 4)
        stored = app.query("SELECT channel_id FROM messages ORDER BY channel_id")
        assert stored == [(f"u{n}.{user}",) for n in range(4)]
        assert app.query("SELECT DISTINCT uidvalidity FROM mail_uids WHERE folder = 'INBOX'") == [(old + 10,)]
        await app.stop()

    run(scenario())


def test_a_dropped_connection_reconnects_and_keeps_syncing(mail_stack: MailStack, store: Store) -> None:
    user = mail_stack.dovecot.fresh_mailbox()

    async def scenario() -> None:
        app = MailApp(store)
        account_id = await app.driver.add_mailbox(mail_account(mail_stack, user), password=user.split("@")[0] + "-pw")
        await app.accounts.connect(account_id)
        await app.until(lambda: app.state(account_id) == "online")
        channel = app.handle(account_id).channel
        generation = channel.supervisor.generation
        mail_stack.dovecot.doveadm("kick", user)
        await app.until(lambda: channel.supervisor.generation > generation and app.state(account_id) == "online")
        mail_stack.dovecot.deliver(raw_mail(f"cai@{DOMAIN}", user, "Voltou", f"k1.{user}"), user)
        await app.until(lambda: _count(app, "SELECT count(*) FROM messages") == 1)
        await app.stop()

    run(scenario())


@pytest.mark.allow_error_logs
def test_a_server_that_is_down_shows_server_unavailable_and_is_retried(mail_stack: MailStack, store: Store) -> None:
    user = mail_stack.dovecot.fresh_mailbox()

    async def scenario() -> None:
        app = MailApp(store)
        account = mail_account(mail_stack, user, imap_port=free_port())  # nothing listens there
        account_id = await app.driver.add_mailbox(account, password="x")
        await app.accounts.connect(account_id)
        await app.until(lambda: app.state(account_id) == "server_unavailable")
        assert app.accounts.state(account_id).retry_in is not None
        await app.stop()

    run(scenario())


def test_case_linking_by_subject_and_by_sender_and_auto_replies_never_reopen(
    mail_stack: MailStack, store: Store
) -> None:
    user = mail_stack.dovecot.fresh_mailbox()

    async def scenario() -> None:
        app = MailApp(store)
        account_id = await app.driver.add_mailbox(mail_account(mail_stack, user), password=user.split("@")[0] + "-pw")
        await app.accounts.connect(account_id)
        await _first_sync_done(app, account_id)
        # a case known by its CRM number, and a customer with an open case
        mail_stack.dovecot.deliver(raw_mail(f"carla@{DOMAIN}", user, "Oi", f"c0.{user}"), user)
        await app.until(lambda: _count(app, "SELECT count(*) FROM messages") == 1)
        [(carla_contact,)] = app.query("SELECT contact_id FROM conversations WHERE channel_key = ?", f"carla@{DOMAIN}")

        def cases(conn: Any) -> None:
            crm_records.save_case(
                conn, carla_contact, None, now=now_ms(), crm_id="4410", title="Entrega", status="em_atendimento"
            )
            crm_records.save_case(
                conn, carla_contact, None, now=now_ms(), crm_id="777", title="Boleto", status="encerrado"
            )

        await store.write(cases)
        mail_stack.dovecot.deliver(raw_mail(f"davi@{DOMAIN}", user, "RE: [Caso #777] boleto", f"c1.{user}"), user)
        mail_stack.dovecot.deliver(raw_mail(f"carla@{DOMAIN}", user, "Mais uma coisa", f"c2.{user}"), user)
        await app.until(lambda: _count(app, "SELECT count(*) FROM conversation_cases") == 2)
        links = app.query(
            "SELECT c.channel_key, k.crm_id, l.linked_by FROM conversation_cases l JOIN conversations c "
            "ON c.id = l.conversation_id JOIN crm_cases k ON k.id = l.case_id ORDER BY k.crm_id"
        )
        assert links == [(f"carla@{DOMAIN}", "4410", "email"), (f"davi@{DOMAIN}", "777", "subject")]

        # an auto-reply to a closed ticket never reopens it
        await store.write(
            lambda conn: conn.exec_driver_sql(
                "UPDATE conversations SET status = 'closed', closed_at = ? WHERE channel_key = ?",
                (int(time.time() * 1000), f"davi@{DOMAIN}"),
            )
        )
        auto = raw_mail(
            f"davi@{DOMAIN}",
            user,
            "Ausente: [Caso #777]",
            f"c3.{user}",
            extra_headers=("Auto-Submitted: auto-replied\r\n"),
        )
        mail_stack.dovecot.deliver(auto, user)
        await app.until(lambda: _count(app, "SELECT count(*) FROM messages WHERE channel_id = ?", f"c3.{user}") == 1)
        assert app.query("SELECT status FROM conversations WHERE channel_key = ?", f"davi@{DOMAIN}") == [("closed",)]
        mail_stack.dovecot.deliver(raw_mail(f"davi@{DOMAIN}", user, "Ainda com problema", f"c4.{user}"), user)
        await app.until(lambda: _count(app, "SELECT count(*) FROM messages WHERE channel_id = ?", f"c4.{user}") == 1)
        assert app.query("SELECT status FROM conversations WHERE channel_key = ?", f"davi@{DOMAIN}") != [("closed",)]
        await app.stop()

    run(scenario())
