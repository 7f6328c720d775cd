"""How to reach one mailbox: servers, security and the sign-in method (no secrets here; they live in the store)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Security(StrEnum):
    SSL = "ssl"  # TLS from the first byte (IMAP 993, SMTP 465)
    STARTTLS = "starttls"  # plain connection upgraded with STARTTLS (IMAP 143, SMTP 587)
    NONE = "none"  # no TLS: loopback test servers only; the connection screen never offers it


class SignIn(StrEnum):
    PASSWORD = "password"  # an app password or the mailbox password (generic IMAP)
    GOOGLE = "google"  # OAuth 2.0, loopback redirect with PKCE
    MICROSOFT = "microsoft"  # OAuth 2.0 through MSAL


@dataclass(frozen=True, slots=True)
class Server:
    host: str
    port: int
    security: Security


@dataclass(frozen=True, slots=True)
class MailAccount:
    address: str  # the mailbox's own address, lower case
    display_name: str
    imap: Server
    smtp: Server
    sign_in: SignIn
    username: str = ""  # login name when it differs from the address

    @property
    def login(self) -> str:
        return self.username or self.address

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]
