"""Sending through the outbox with the real adapter, SMTP server and Dovecot: the mail reaches the customer and is in
Sent once (and once in the store); a cut SMTP reply sends no second copy; XOAUTH2 with an expired token refreshes it
once; a dead refresh token shows "auth_required"."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from imapclient import IMAPClient
from mail_app import MailApp, mail_account, raw_mail
from mailstack import DOMAIN, MailStack

from deskchat.channels.email.account import SignIn
from deskchat.channels.email.mime import parse
from deskchat.channels.email.providers import GOOGLE
from deskchat.services.email_sending import EmailSending
from deskchat.services.outbox import OutboxDrainer
from deskchat.services.outbox.email_handler import MailSendHandler
from deskchat.store.database import Store

T = TypeVar("T")


def run(work: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(work, 90))


def _mails(stack: MailStack, user: str, folder: str) -> list[bytes]:
    client = IMAPClient("127.0.0.1", port=stack.imap_port, ssl=False, timeout=10)
    client.login(user, user.split("@")[0] + "-pw")
    client.select_folder(folder, readonly=True)
    uids = client.search()
    found = [data[b"BODY[]"] for data in client.fetch(uids, ["BODY.PEEK[]"]).values()] if uids else []
    client.logout()
    return found


async def _connected_with_a_customer(app: MailApp, stack: MailStack, user: str, customer: str) -> int:
    account_id = await app.driver.add_mailbox(mail_account(stack, user), password=user.split("@")[0] + "-pw")
    stack.dovecot.deliver(raw_mail(customer, user, "Boleto", f"q1.{user}"), user)
    await app.accounts.connect(account_id)
    await app.until(lambda: app.query("SELECT count(*) FROM conversations") == [(1,)])
    [(conversation_id,)] = app.query("SELECT id FROM conversations")
    return int(conversation_id)


def test_a_mail_sent_reaches_the_customer_and_is_in_sent_once(mail_stack: MailStack, store: Store) -> None:
    user, customer = mail_stack.dovecot.fresh_mailbox(), mail_stack.dovecot.fresh_mailbox()

    async def scenario() -> None:
        app = MailApp(store)
        conversation_id = await _connected_with_a_customer(app, mail_stack, user, customer)
        drainer = OutboxDrainer(store, app.bus, app.channels.get, [MailSendHandler(store, app.driver.sent_message_id)])
        sending = EmailSending(store, app.bus)
        message_id = await sending.send_mail(
            conversation_id, "Segue a segunda via.", "Re: Boleto", in_reply_to=f"q1.{user}", case_id="52"
        )
        assert await drainer.drain_once() == 1
        [(channel_id, delivery)] = app.query("SELECT channel_id, delivery FROM messages WHERE id = ?", message_id)
        assert delivery == "sent"

        received = [parse(raw) for raw in _mails(mail_stack, customer, "INBOX")]
        assert [(m.subject, m.message_id, m.in_reply_to) for m in received] == [
            ("[Caso #52] Re: Boleto", channel_id, f"q1.{user}")
        ]
        assert [parse(raw).message_id for raw in _mails(mail_stack, user, "Sent")] == [channel_id]
        # the Sent copy comes back through the sync as the same message, not a second one
        await app.until(lambda: app.query("SELECT count(*) FROM mail_uids WHERE folder = 'Sent'") == [(1,)])
        assert app.query("SELECT count(*) FROM messages WHERE outgoing = 1") == [(1,)]
        assert await drainer.drain_once() == 0
        await drainer.stop()
        await app.stop()

    run(scenario())


def test_a_cut_smtp_reply_sends_no_second_copy(mail_stack: MailStack, store: Store) -> None:
    user, customer = mail_stack.dovecot.fresh_mailbox(), mail_stack.dovecot.fresh_mailbox()

    async def scenario() -> None:
        app = MailApp(store)
        conversation_id = await _connected_with_a_customer(app, mail_stack, user, customer)
        drainer = OutboxDrainer(store, app.bus, app.channels.get, [MailSendHandler(store, app.driver.sent_message_id)])
        message_id = await EmailSending(store, app.bus).send_mail(conversation_id, "Texto", "Pedido")
        mail_stack.smtp.cut_next_reply = True
        await drainer.drain_once()
        [(delivery,)] = app.query("SELECT delivery FROM messages WHERE id = ?", message_id)
        assert delivery == "failed"
        [(state, reason)] = app.query("SELECT state, last_error FROM outbox WHERE message_id = ?", message_id)
        assert state == "failed" and "Enviados" in reason  # the attendant reads why, and checks before resending
        assert await drainer.drain_once() == 0
        assert len(_mails(mail_stack, customer, "INBOX")) == 1
        await drainer.stop()
        await app.stop()

    run(scenario())


@pytest.fixture
def insecure_oauth_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the local OAuth server speaks plain HTTP


def _provider(stack: MailStack) -> Any:
    from dataclasses import replace

    return replace(
        GOOGLE,
        client_id="deskchat-test",
        auth_uri=f"{stack.oauth.base_url}/authorize",
        token_uri=f"{stack.oauth.base_url}/token",
    )


@pytest.mark.usefixtures("insecure_oauth_transport")
def test_xoauth2_with_an_expired_token_refreshes_it_once(mail_stack: MailStack, store: Store) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    _access, refresh = mail_stack.oauth.issue(user)

    async def scenario() -> None:
        app = MailApp(store)
        account_id = await app.driver.add_mailbox(
            mail_account(mail_stack, user, SignIn.GOOGLE), refresh_token=refresh, provider=_provider(mail_stack)
        )
        mail_stack.oauth.expire_access_tokens()
        before = mail_stack.oauth.state.refreshed
        mail_stack.dovecot.deliver(raw_mail(f"e@{DOMAIN}", user, "Oi", f"o1.{user}"), user)
        await app.accounts.connect(account_id)
        await app.until(lambda: app.query("SELECT count(*) FROM messages") == [(1,)])
        assert app.state(account_id) == "online"
        assert mail_stack.oauth.state.refreshed - before == 1
        await app.stop()

    run(scenario())


@pytest.mark.usefixtures("insecure_oauth_transport")
def test_a_dead_refresh_token_shows_auth_required(mail_stack: MailStack, store: Store) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    _access, refresh = mail_stack.oauth.issue(user)

    async def scenario() -> None:
        app = MailApp(store)
        account_id = await app.driver.add_mailbox(
            mail_account(mail_stack, user, SignIn.GOOGLE), refresh_token=refresh, provider=_provider(mail_stack)
        )
        mail_stack.oauth.expire_access_tokens()
        mail_stack.oauth.revoke_refresh_tokens()
        await app.accounts.connect(account_id)
        await app.until(lambda: app.state(account_id) == "auth_required")
        channel = app.handle(account_id).channel
        assert not channel.supervisor.status.may_reconnect  # nothing retries until the attendant signs in again
        await app.stop()

    run(scenario())
