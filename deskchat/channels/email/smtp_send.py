"""Sending one mail over SMTP submission, telling apart "not sent" from "sent, but the reply never came".

Everything before the end of DATA can be retried: the server accepted nothing. Once the message's last byte was
sent, a lost reply (a dropped connection, a timeout) leaves the outcome unknown: :class:`ReplyLost` is raised and the
caller looks for the Message-ID in Sent before doing anything else — it never sends twice on its own.
A successful AUTH must answer 235 (``smtplib.auth`` also returns on 503); EHLO is sent before AUTH.
Blocking: call it from the account's own executor.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email import policy
from email.message import EmailMessage
from typing import Final

from deskchat.channels.email.account import MailAccount, Security
from deskchat.channels.email.auth import Auth, OAuthAuth, PasswordAuth, SignInRequired, xoauth2
from deskchat.channels.email.imap_session import LoginRefused

log = logging.getLogger("deskchat.mail")

SMTP_TIMEOUT_S: Final = 60.0


class ReplyLost(Exception):
    """The whole message was sent but the server's answer never came: it may or may not have been accepted."""


class Rejected(Exception):
    """The server refused the message for good (a 5xx answer): the reason is shown to the attendant."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason


def send_mail(
    account: MailAccount,
    auth: Auth,
    mail: EmailMessage,
    recipients: list[str],
    *,
    timeout: float = SMTP_TIMEOUT_S,
    context: ssl.SSLContext | None = None,
) -> None:
    """Send ``mail`` to ``recipients``. Raises :class:`ReplyLost`, :class:`Rejected`, :class:`LoginRefused`,
    :class:`SignInRequired`, or ``OSError``/``smtplib.SMTPException`` for transient failures (nothing was accepted)."""
    server = account.smtp
    tls = context or ssl.create_default_context()
    smtp: smtplib.SMTP
    if server.security == Security.SSL:
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=tls)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
    try:
        smtp.ehlo()
        if server.security == Security.STARTTLS:
            smtp.starttls(context=tls)
            smtp.ehlo()
        _authenticate(smtp, account, auth)
        _transmit(smtp, account.address, recipients, mail)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _authenticate(smtp: smtplib.SMTP, account: MailAccount, auth: Auth) -> None:
    if isinstance(auth, PasswordAuth):
        try:
            smtp.login(account.login, auth.password)
        except smtplib.SMTPAuthenticationError as error:
            raise LoginRefused(str(error)) from None
        return
    assert isinstance(auth, OAuthAuth)
    for refresh in (False, True):
        token = auth.tokens.access_token(refresh=refresh)
        initial = xoauth2(account.login, token)
        try:
            code, _ = smtp.auth("XOAUTH2", lambda challenge=None, first=initial: first if challenge is None else "")
        except smtplib.SMTPAuthenticationError:
            code = 535
        if code == 235:
            return
        log.info("SMTP refused the access token (%d)%s", code, "" if refresh else "; refreshing it once")
    raise SignInRequired("the SMTP server refused a fresh token")


def _transmit(smtp: smtplib.SMTP, sender: str, recipients: list[str], mail: EmailMessage) -> None:
    code, reply = smtp.mail(sender)
    _expect(code, reply, 250)
    accepted = 0
    for recipient in recipients:
        code, reply = smtp.rcpt(recipient)
        if code in (250, 251):
            accepted += 1
        elif code >= 500:
            raise Rejected(code, _text(reply))
    if accepted == 0:
        raise Rejected(550, "no recipient was accepted")
    code, reply = smtp.docmd("DATA")
    _expect(code, reply, 354)
    payload = smtplib.quotedata(mail.as_string(policy=policy.SMTP)).encode("utf-8")
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    smtp.send(payload + b".\r\n")  # from here on, the server may have the whole message
    try:
        code, reply = smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as error:
        raise ReplyLost(str(error)) from None
    _expect(code, reply, 250)


def _expect(code: int, reply: bytes, wanted: int) -> None:
    if code == wanted:
        return
    if code >= 500:
        raise Rejected(code, _text(reply))
    raise smtplib.SMTPResponseException(code, reply)


def _text(reply: bytes) -> str:
    return reply.decode("utf-8", "replace")[:300]
