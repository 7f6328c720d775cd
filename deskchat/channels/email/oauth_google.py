"""Google sign-in: the system browser, a loopback redirect on a free port and PKCE (S256); then silent refreshes.

google-auth's ``Credentials.from_authorized_user_info`` always resets ``token_uri`` to Google's, so the credentials
are built by hand: IT's (or a test's) token endpoint is kept. Blocking: run in an executor.
"""

from __future__ import annotations

import logging
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass

from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import InstalledAppFlow

from deskchat.channels.email.auth import SignInRequired
from deskchat.channels.email.providers import OAuthProvider

log = logging.getLogger("deskchat.mail")

SIGN_IN_TIMEOUT_S = 300


class ServerUnreachable(Exception):
    """The token endpoint could not be reached: try again later (this is not a dead sign-in)."""


@dataclass(frozen=True)
class GoogleGrant:
    refresh_token: str
    access_token: str


def sign_in(
    provider: OAuthProvider, login_hint: str, *, open_browser: Callable[[str], object] = webbrowser.open
) -> GoogleGrant:
    """Run the consent flow in the system browser (``open_browser`` gets the URL) and return the tokens."""
    client = {
        "installed": {
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
            "auth_uri": provider.auth_uri,
            "token_uri": provider.token_uri,
            "redirect_uris": ["http://127.0.0.1"],
        }
    }
    flow = InstalledAppFlow.from_client_config(client, scopes=list(provider.scopes), autogenerate_code_verifier=True)

    class _Browser:
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            open_browser(url)
            return True

    name = f"deskchat-signin-{threading.get_ident()}"
    webbrowser.register(name, None, _Browser())  # type: ignore[arg-type]
    credentials = flow.run_local_server(
        host="127.0.0.1",
        port=0,
        open_browser=True,
        browser=name,
        timeout_seconds=SIGN_IN_TIMEOUT_S,
        authorization_prompt_message="",
        success_message="DeskChat: pronto, você já pode fechar esta janela.",
        login_hint=login_hint,
        access_type="offline",
        prompt="consent",
    )
    if not credentials.refresh_token:
        raise SignInRequired("Google did not grant offline access")
    return GoogleGrant(credentials.refresh_token, credentials.token)


class GoogleTokens:
    """Access tokens from a stored refresh token; :class:`~deskchat.channels.email.auth.TokenSource`."""

    def __init__(self, provider: OAuthProvider, refresh_token: str, access_token: str | None = None) -> None:
        self._lock = threading.Lock()
        self._credentials = Credentials(  # type: ignore[no-untyped-call]
            token=access_token,
            refresh_token=refresh_token,
            token_uri=provider.token_uri,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            scopes=list(provider.scopes),
        )

    def access_token(self, *, refresh: bool = False) -> str:
        with self._lock:
            credentials = self._credentials
            if refresh or not credentials.token or not credentials.valid:
                try:
                    credentials.refresh(Request())  # type: ignore[no-untyped-call]
                except RefreshError as error:
                    raise SignInRequired(str(error)) from None
                except TransportError as error:
                    raise ServerUnreachable(str(error)) from None
            return str(credentials.token)
