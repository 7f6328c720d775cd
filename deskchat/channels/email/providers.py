"""Mail providers: OAuth endpoints, client ids and scopes, and the servers to use; IT may override every value.

DeskChat's defaults are registrations of DeskChat's own (Google "Desktop app" client, Microsoft Entra public client).
The policy file can replace any field (``mail.providers.<id>.<field>``), e.g. a company's own Entra app with its
tenant, or a Workspace "Internal" client; the tests point the endpoints at a local OAuth server this way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from deskchat.channels.email.account import Security, Server


@dataclass(frozen=True, slots=True)
class OAuthProvider:
    id: str
    name: str
    client_id: str
    auth_uri: str
    token_uri: str
    scopes: tuple[str, ...]
    client_secret: str = ""  # a desktop client's "secret" is not secret (RFC 8252); Google still asks for it
    tenant: str = "organizations"  # Microsoft only
    imap: Server | None = None
    smtp: Server | None = None


GOOGLE = OAuthProvider(
    id="google",
    name="Gmail / Google Workspace",
    client_id="",  # set by IT (policy) or by DeskChat's release build; the connection screen says when it is missing
    auth_uri="https://accounts.google.com/o/oauth2/auth",
    token_uri="https://oauth2.googleapis.com/token",
    scopes=("https://mail.google.com/",),
    imap=Server("imap.gmail.com", 993, Security.SSL),
    smtp=Server("smtp.gmail.com", 465, Security.SSL),
)

MICROSOFT = OAuthProvider(
    id="microsoft",
    name="Microsoft 365 / Outlook",
    client_id="",
    auth_uri="https://login.microsoftonline.com",
    token_uri="https://login.microsoftonline.com",
    scopes=("https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send"),
    imap=Server("outlook.office365.com", 993, Security.SSL),
    smtp=Server("smtp.office365.com", 587, Security.STARTTLS),
)

BUILT_IN: Mapping[str, OAuthProvider] = {GOOGLE.id: GOOGLE, MICROSOFT.id: MICROSOFT}
_TEXT_FIELDS = frozenset(f.name for f in fields(OAuthProvider)) - {"id", "scopes", "imap", "smtp"}


def with_overrides(provider: OAuthProvider, overrides: Mapping[str, Any]) -> OAuthProvider:
    """``provider`` with the text fields and scopes IT set; unknown keys and wrong types are ignored."""
    changes: dict[str, Any] = {k: v for k, v in overrides.items() if k in _TEXT_FIELDS and isinstance(v, str)}
    scopes = overrides.get("scopes")
    if isinstance(scopes, list) and all(isinstance(s, str) for s in scopes) and scopes:
        changes["scopes"] = tuple(scopes)
    return replace(provider, **changes)


def provider_table(overrides: Mapping[str, Any] | None = None) -> dict[str, OAuthProvider]:
    """The built-in providers with IT's overrides (``{"google": {"client_id": …}, …}``); junk is ignored."""
    table = dict(BUILT_IN)
    for provider_id, changes in (overrides or {}).items():
        if provider_id in table and isinstance(changes, Mapping):
            table[provider_id] = with_overrides(table[provider_id], changes)
    return table


def microsoft_authority(provider: OAuthProvider) -> str:
    """MSAL's authority: the provider's login host with its tenant (``organizations``, ``common`` or a tenant id)."""
    return f"{provider.auth_uri.rstrip('/')}/{provider.tenant}"


@dataclass(frozen=True, slots=True)
class MailServers:
    """Where a domain's mail is: IMAP and SMTP servers, and the OAuth provider that signs in to them (if any)."""

    imap: Server
    smtp: Server
    provider_id: str = ""  # "google", "microsoft" or "" (password sign-in)


_GOOGLE_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
_MICROSOFT_DOMAINS = frozenset({"outlook.com", "hotmail.com", "live.com", "msn.com", "office365.com"})
_MICROSOFT_PREFIXES = ("outlook.", "hotmail.", "live.")  # outlook.com.br, hotmail.com.br, live.co.uk …


def preset_for(address: str) -> MailServers | None:
    """The servers of a well-known mail domain (Gmail, Outlook/Hotmail/Live, Office 365), or None."""
    domain = address.rpartition("@")[2].strip().lower().rstrip(".")
    if domain in _GOOGLE_DOMAINS:
        return _servers_of(GOOGLE)
    if (
        domain in _MICROSOFT_DOMAINS
        or domain.endswith((".onmicrosoft.com", ".office365.com"))
        or domain.startswith(_MICROSOFT_PREFIXES)
    ):
        return _servers_of(MICROSOFT)
    return None


def _servers_of(provider: OAuthProvider) -> MailServers:
    assert provider.imap is not None and provider.smtp is not None
    return MailServers(provider.imap, provider.smtp, provider.id)
