"""Signing in and sending against the real servers: the Google flow with PKCE against a local OAuth server, XOAUTH2
logins (IMAP and SMTP) with one forced refresh, a dead refresh token, sending read back over IMAP, a copy filed once in
Sent, and a send whose SMTP reply is cut off that is then found in Sent instead of being sent again."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import replace

import pytest
from imapclient import IMAPClient
from mailstack import DOMAIN, MailStack

from deskchat.channels.email.account import MailAccount, Security, Server, SignIn
from deskchat.channels.email.auth import OAuthAuth, PasswordAuth, SignInRequired
from deskchat.channels.email.compose import compose, message_id_for, recipients
from deskchat.channels.email.imap_session import LoginRefused, open_imap
from deskchat.channels.email.mime import parse
from deskchat.channels.email.oauth_google import GoogleTokens, sign_in
from deskchat.channels.email.providers import GOOGLE, OAuthProvider
from deskchat.channels.email.sent_folder import file_copy, is_in_sent
from deskchat.channels.email.smtp_send import ReplyLost, send_mail
from deskchat.core.messages import Address, OutboundMessage


@pytest.fixture
def insecure_oauth_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the local OAuth server speaks plain HTTP


def _account(stack: MailStack, user: str, sign_in_kind: SignIn = SignIn.PASSWORD) -> MailAccount:
    return MailAccount(
        address=user,
        display_name="Atendimento",
        imap=Server("127.0.0.1", stack.imap_port, Security.NONE),
        smtp=Server("127.0.0.1", stack.smtp.port, Security.NONE),
        sign_in=sign_in_kind,
    )


def _provider(stack: MailStack) -> OAuthProvider:
    return replace(
        GOOGLE,
        client_id="deskchat-test",
        auth_uri=f"{stack.oauth.base_url}/authorize",
        token_uri=f"{stack.oauth.base_url}/token",
    )


@pytest.fixture
def user(mail_stack: MailStack) -> str:
    return mail_stack.dovecot.fresh_mailbox()


@pytest.fixture
def customer(mail_stack: MailStack) -> Iterator[tuple[str, IMAPClient]]:
    address = mail_stack.dovecot.fresh_mailbox()
    client = IMAPClient("127.0.0.1", port=mail_stack.imap_port, ssl=False, timeout=10)
    client.login(address, address.split("@")[0] + "-pw")
    yield address, client
    client.logout()


def _outbound(to: str, key: str = "k1", subject: str = "Boleto") -> OutboundMessage:
    return OutboundMessage(
        account_id=1, chat_key=to, idempotency_key=key, text="Segue o boleto.", subject=subject, to=(Address(to),)
    )


def _inbox(client: IMAPClient) -> list[bytes]:
    client.select_folder("INBOX", readonly=True)
    uids = client.search()
    return [data[b"BODY[]"] for data in client.fetch(uids, ["BODY.PEEK[]"]).values()] if uids else []


def test_google_sign_in_uses_pkce_and_its_tokens_log_in_to_imap(
    mail_stack: MailStack, user: str, insecure_oauth_transport: None
) -> None:
    provider = _provider(mail_stack)

    def browser(url: str) -> None:  # the attendant's browser: consent, then the redirect to DeskChat's loopback
        threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=10).read(), daemon=True).start()

    checked = mail_stack.oauth.state.pkce_checked
    grant = sign_in(provider, user, open_browser=browser)
    assert mail_stack.oauth.state.pkce_checked == checked + 1  # the server verified the code verifier
    tokens = GoogleTokens(provider, grant.refresh_token, grant.access_token)
    client = open_imap(_account(mail_stack, user, SignIn.GOOGLE), OAuthAuth(tokens))
    assert client.select_folder("INBOX")[b"UIDVALIDITY"]
    client.logout()


def test_an_expired_token_is_refreshed_once_and_a_dead_refresh_token_asks_to_sign_in(
    mail_stack: MailStack, user: str
) -> None:
    access, refresh = mail_stack.oauth.issue(user)
    tokens = GoogleTokens(_provider(mail_stack), refresh, access)
    account = _account(mail_stack, user, SignIn.GOOGLE)

    mail_stack.oauth.expire_access_tokens()  # the server now refuses the token the client still thinks is valid
    refreshed = mail_stack.oauth.state.refreshed
    open_imap(account, OAuthAuth(tokens)).logout()
    assert mail_stack.oauth.state.refreshed == refreshed + 1

    mail_stack.oauth.expire_access_tokens()
    mail_stack.oauth.revoke_refresh_tokens()
    with pytest.raises(SignInRequired):
        open_imap(account, OAuthAuth(tokens))


def test_a_wrong_password_is_refused_in_words(mail_stack: MailStack, user: str) -> None:
    with pytest.raises(LoginRefused):
        open_imap(_account(mail_stack, user), PasswordAuth("wrong"))


@pytest.mark.parametrize("method", ["password", "xoauth2"])
def test_a_sent_mail_reaches_the_customer_and_sent_once(
    mail_stack: MailStack, user: str, customer: tuple[str, IMAPClient], method: str
) -> None:
    address, customer_inbox = customer
    account = _account(mail_stack, user)
    if method == "password":
        auth: PasswordAuth | OAuthAuth = PasswordAuth(user.split("@")[0] + "-pw")
    else:
        access, refresh = mail_stack.oauth.issue(user)
        auth = OAuthAuth(GoogleTokens(_provider(mail_stack), refresh, access))
    message = _outbound(address, key=f"send-{method}")
    mail = compose(message, account, case_id="123")
    send_mail(account, auth, mail, recipients(message))

    (received,) = _inbox(customer_inbox)
    parsed = parse(received)
    assert parsed.subject == "[Caso #123] Boleto"
    assert parsed.message_id == message_id_for(message.idempotency_key, DOMAIN)
    assert parsed.text.strip() == "Segue o boleto."

    own = open_imap(account, PasswordAuth(user.split("@")[0] + "-pw"))
    assert file_copy(own, mail, parsed.message_id) is True
    assert file_copy(own, mail, parsed.message_id) is False  # a second try files nothing more
    own.select_folder("Sent", readonly=True)
    assert len(own.search()) == 1
    own.logout()


def test_a_send_whose_reply_is_cut_off_is_found_in_sent_not_sent_twice(
    mail_stack: MailStack, user: str, customer: tuple[str, IMAPClient]
) -> None:
    address, customer_inbox = customer
    account = _account(mail_stack, user)
    auth = PasswordAuth(user.split("@")[0] + "-pw")
    message = _outbound(address, key="cut-1")
    mail = compose(message, account)
    message_id = message_id_for(message.idempotency_key, DOMAIN)

    mail_stack.smtp.cut_next_reply = True
    with pytest.raises(ReplyLost):
        send_mail(account, auth, mail, recipients(message))

    own = open_imap(account, auth)
    # This server does not file submitted mail in Sent by itself: the outbox handler files the copy of a mail whose
    # DATA was fully transmitted and then looks it up instead of sending again.
    assert not is_in_sent(own, message_id)
    file_copy(own, mail, message_id)
    assert is_in_sent(own, message_id)
    own.logout()
    assert len(_inbox(customer_inbox)) == 1  # the customer got it once
