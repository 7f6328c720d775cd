"""A logged-in IMAP connection: TLS as the account says, password or XOAUTH2 (one forced token refresh when the
server refuses a token), CONDSTORE enabled where offered. Blocking: call it from the account's own executor."""

from __future__ import annotations

import logging
import ssl
from typing import Final

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from deskchat.channels.email.account import MailAccount, Security
from deskchat.channels.email.auth import Auth, OAuthAuth, PasswordAuth, SignInRequired

log = logging.getLogger("deskchat.mail")

COMMAND_TIMEOUT_S: Final = 60.0


class LoginRefused(Exception):
    """The server refused the password (or the token after a refresh): the attendant must fix the sign-in."""


def open_imap(
    account: MailAccount, auth: Auth, *, timeout: float = COMMAND_TIMEOUT_S, context: ssl.SSLContext | None = None
) -> IMAPClient:
    """Connect and log in. Raises :class:`LoginRefused`, :class:`SignInRequired` or ``OSError`` (server down)."""
    client = _connect(account, timeout, context)
    try:
        _login(client, account, auth)
        if b"CONDSTORE" in {c.upper() for c in client.capabilities()}:
            client.enable("CONDSTORE")
    except BaseException:
        _close(client)
        raise
    return client


def _connect(account: MailAccount, timeout: float, context: ssl.SSLContext | None) -> IMAPClient:
    server = account.imap
    plain = server.security == Security.NONE  # loading the system's certificates costs tens of milliseconds
    tls = None if plain else context or ssl.create_default_context()
    client = IMAPClient(
        server.host, port=server.port, ssl=server.security == Security.SSL, ssl_context=tls, timeout=timeout
    )
    _quiet(client)
    if server.security == Security.STARTTLS:
        client.starttls(tls)
    return client


def _quiet(client: IMAPClient) -> None:
    """Turn off imaplib's protocol trace, which imapclient switches on (level 5) for its debug logger.

    Every line and every literal would be rendered with ``%r`` for a debug record: the password, and each fetched
    mail, whatever the log level (the text is built before the logger drops it). Rendering a 4 MB body group is one
    C call that holds the GIL throughout: on a loaded machine that stalled the window's event loop for 50-100 ms.
    imapclient has no public switch; ``_imap`` is its imaplib connection.
    """
    imap = getattr(client, "_imap", None)
    if imap is not None:
        imap.debug = 0


def _login(client: IMAPClient, account: MailAccount, auth: Auth) -> None:
    if isinstance(auth, PasswordAuth):
        try:
            client.login(account.login, auth.password)
        except LoginError as error:
            raise LoginRefused(str(error)) from None
        return
    assert isinstance(auth, OAuthAuth)
    try:
        client.oauth2_login(account.login, auth.tokens.access_token())
        return
    except LoginError:
        log.info("IMAP refused the access token; refreshing it once")
    try:
        client.oauth2_login(account.login, auth.tokens.access_token(refresh=True))
    except LoginError as error:
        raise SignInRequired(str(error)) from None


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:
        try:
            client.shutdown()
        except Exception:
            log.debug("closing a failed IMAP connection failed too", exc_info=True)
