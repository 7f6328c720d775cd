"""Microsoft 365 / Outlook sign-in with MSAL: the system browser (loopback redirect, PKCE), or a device code.

Authority, client id, tenant and scopes come from the provider table (IT may override them in the policy file; the
tests point them at a local HTTPS server, which is why instance discovery and authority validation are off when the
authority is not Microsoft's). What DeskChat keeps is the refresh token; later access tokens come from it through
MSAL's ``acquire_token_by_refresh_token``. Every call here blocks: run it in an executor.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

import msal

from deskchat.channels.email.auth import SignInRequired
from deskchat.channels.email.oauth_google import ServerUnreachable
from deskchat.channels.email.providers import OAuthProvider, microsoft_authority

log = logging.getLogger("deskchat.mail")

SIGN_IN_TIMEOUT_S: Final = 300
MICROSOFT_LOGIN_HOST: Final = "login.microsoftonline.com"
_DEAD_GRANT: Final = frozenset({"invalid_grant", "interaction_required", "invalid_client", "unauthorized_client"})


@dataclass(frozen=True)
class MicrosoftGrant:
    refresh_token: str
    access_token: str


@dataclass(frozen=True)
class DeviceCode:
    """What the attendant types on another device: the code, where, and MSAL's own sentence about it."""

    user_code: str
    verification_uri: str
    message: str


def client_for(provider: OAuthProvider, cache: msal.TokenCache | None = None) -> msal.PublicClientApplication:
    """An MSAL public client for ``provider`` (discovery against Microsoft only when the authority is Microsoft's)."""
    authority = microsoft_authority(provider)
    own_host = urlsplit(authority).hostname == MICROSOFT_LOGIN_HOST
    try:
        return msal.PublicClientApplication(
            provider.client_id,
            authority=authority,
            validate_authority=own_host,
            instance_discovery=own_host,
            token_cache=cache or msal.TokenCache(),
        )
    except ValueError as error:  # the authority's discovery document could not be read
        raise ServerUnreachable(str(error)) from None
    except OSError as error:
        raise ServerUnreachable(str(error)) from None


def sign_in_interactive(
    provider: OAuthProvider, login_hint: str, *, timeout: float = SIGN_IN_TIMEOUT_S
) -> MicrosoftGrant:
    """Sign in in the system browser (MSAL's loopback redirect with PKCE); blocks until done or timed out."""
    app = client_for(provider)
    result = app.acquire_token_interactive(
        list(provider.scopes),
        login_hint=login_hint or None,
        prompt=msal.Prompt.SELECT_ACCOUNT,
        timeout=timeout,
    )
    return _grant(app, result)


def start_device_code(provider: OAuthProvider) -> tuple[msal.PublicClientApplication, dict[str, Any], DeviceCode]:
    """Ask for a device code (the fallback when no browser can be opened here)."""
    app = client_for(provider)
    flow = app.initiate_device_flow(scopes=list(provider.scopes))
    if "user_code" not in flow:
        raise SignInRequired(str(flow.get("error_description") or flow.get("error") or "no device code"))
    return app, flow, DeviceCode(str(flow["user_code"]), str(flow.get("verification_uri", "")), str(flow["message"]))


def finish_device_code(
    app: msal.PublicClientApplication, flow: dict[str, Any], *, should_stop: Callable[[], bool] = lambda: False
) -> MicrosoftGrant:
    """Wait (polling, blocking) until the attendant entered the code; ``should_stop`` cancels the wait."""
    result = app.acquire_token_by_device_flow(flow, exit_condition=lambda _flow: should_stop())
    return _grant(app, result)


def _grant(app: msal.PublicClientApplication, result: dict[str, Any] | None) -> MicrosoftGrant:
    if not result or "access_token" not in result:
        error = (result or {}).get("error", "no answer")
        raise SignInRequired(str((result or {}).get("error_description") or error))
    refresh = str(result.get("refresh_token") or _cached_refresh_token(app))
    if not refresh:
        raise SignInRequired("Microsoft did not grant offline access")
    return MicrosoftGrant(refresh, str(result["access_token"]))


def _cached_refresh_token(app: msal.PublicClientApplication) -> str:
    tokens = app.token_cache.search(msal.TokenCache.CredentialType.REFRESH_TOKEN)
    return next((str(entry["secret"]) for entry in tokens if entry.get("secret")), "")


class MicrosoftTokens:
    """Access tokens from a stored refresh token; :class:`~deskchat.channels.email.auth.TokenSource`."""

    def __init__(self, provider: OAuthProvider, refresh_token: str, access_token: str | None = None) -> None:
        self._lock = threading.Lock()
        self._provider = provider
        self._refresh_token = refresh_token
        self._access_token = access_token
        self._app: msal.PublicClientApplication | None = None

    @property
    def refresh_token(self) -> str:
        return self._refresh_token

    def access_token(self, *, refresh: bool = False) -> str:
        with self._lock:
            if refresh or not self._access_token:
                if self._app is None:
                    self._app = client_for(self._provider)
                try:
                    result = self._app.acquire_token_by_refresh_token(self._refresh_token, list(self._provider.scopes))
                except (OSError, ValueError) as error:
                    raise ServerUnreachable(str(error)) from None
                if "access_token" not in result:
                    if result.get("error") in _DEAD_GRANT:
                        raise SignInRequired(str(result.get("error_description") or result["error"]))
                    raise ServerUnreachable(str(result.get("error", "no answer")))
                self._access_token = str(result["access_token"])
                self._refresh_token = str(result.get("refresh_token") or self._refresh_token)
            return self._access_token
