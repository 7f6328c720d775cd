"""The IMAP connection renders nothing of the conversation into log text, even with debug logging on: no password,
no fetched mail (imapclient turns imaplib's protocol trace on; formatting every fetched body for a discarded debug
line also held the GIL for milliseconds per group, stalling the window)."""

from __future__ import annotations

import logging

import pytest
from mailstack import DOMAIN, MailStack

from deskchat.channels.email.account import MailAccount, Security, Server, SignIn
from deskchat.channels.email.auth import PasswordAuth
from deskchat.channels.email.folder_sync import fetch_bodies
from deskchat.channels.email.imap_session import open_imap

SECRET_BODY = "Meu CPF e 123.456.789-00 e o cartao 4111 1111 1111 1111"


def test_a_fetched_mail_and_the_password_never_reach_the_log(
    mail_stack: MailStack, caplog: pytest.LogCaptureFixture
) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    password = user.split("@")[0] + "-pw"
    mail_stack.dovecot.deliver(
        (
            f"From: c@{DOMAIN}\r\nTo: {user}\r\nSubject: dados\r\nMessage-ID: <q1@{DOMAIN}>\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{SECRET_BODY}\r\n"
        ).encode(),
        recipient=user,
    )
    account = MailAccount(
        address=user,
        display_name="Suporte",
        imap=Server("127.0.0.1", mail_stack.imap_port, Security.NONE),
        smtp=Server("127.0.0.1", mail_stack.smtp.port, Security.NONE),
        sign_in=SignIn.PASSWORD,
    )
    caplog.set_level(logging.DEBUG)
    client = open_imap(account, PasswordAuth(password), timeout=10)
    try:
        client.select_folder("INBOX", readonly=True)
        ((_uid, raw),) = fetch_bodies(client, "INBOX", client.search("ALL"))
    finally:
        client.logout()
    assert SECRET_BODY.encode() in raw  # the mail was fetched…
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "CPF" not in logged and "4111" not in logged  # …and none of it was rendered into a log line
    assert password not in logged
