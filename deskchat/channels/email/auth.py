"""Credentials for IMAP and SMTP: a password, or an OAuth access token that is refreshed once when refused.

A :class:`TokenSource` hands out access tokens; ``refresh=True`` forces a new one (after the server refused the
current one). When the refresh itself is refused (the refresh token was revoked or expired) it raises
:class:`SignInRequired`: the account shows "Entrada necessária" and nothing opens a browser from a background sync.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Protocol


class SignInRequired(Exception):
    """The stored sign-in no longer works: the attendant must sign in again."""


class TokenSource(Protocol):
    def access_token(self, *, refresh: bool = False) -> str:
        """A valid access token; ``refresh`` forces a new one. Raises :class:`SignInRequired`. Blocks."""
        ...


@dataclass(frozen=True)
class PasswordAuth:
    password: str


@dataclass(frozen=True)
class OAuthAuth:
    tokens: TokenSource


Auth = PasswordAuth | OAuthAuth


def xoauth2(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response (not base64-encoded: imaplib and smtplib encode it)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def xoauth2_base64(user: str, token: str) -> str:
    return base64.b64encode(xoauth2(user, token).encode()).decode()
