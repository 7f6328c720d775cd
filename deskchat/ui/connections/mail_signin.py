"""Signing a new mailbox in, off the GUI thread: a trial IMAP login, the Google and Microsoft browser flows, the
Microsoft device code, and the autoconfig lookup. Each runs on a daemon thread of its own (never on the GUI thread
nor on the loop's default executor, which neonize uses); each failure comes back as one :class:`SignInProblem`."""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import ssl
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Final, TypeVar

from deskchat.channels.email import autoconfig, oauth_google, oauth_microsoft
from deskchat.channels.email.account import MailAccount
from deskchat.channels.email.auth import Auth, OAuthAuth, PasswordAuth, SignInRequired, TokenSource
from deskchat.channels.email.imap_session import LoginRefused, open_imap
from deskchat.channels.email.providers import MailServers, OAuthProvider

TRIAL_TIMEOUT_S: Final = 20.0
T = TypeVar("T")


class Problem(StrEnum):
    REFUSED = "refused"  # user name or password (or token) refused
    UNREACHABLE = "unreachable"  # server name, port or security wrong, or no network
    NOT_SET_UP = "not_set_up"  # no OAuth client id for this provider on this computer
    SIGN_IN_FAILED = "sign_in_failed"  # the browser sign-in was cancelled, refused or timed out


class SignInProblem(Exception):
    def __init__(self, problem: Problem, detail: str = "") -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.detail = detail  # technical words for the integration log; never shown as the main message


@dataclass(frozen=True)
class Grant:
    refresh_token: str
    tokens: TokenSource


async def _off_thread(work: Callable[[], T]) -> T:
    """Run ``work`` on a daemon thread of its own: a browser sign-in may wait minutes for the attendant, and an
    abandoned one must neither hold a pool's worker nor keep the app from quitting."""
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if outcome.done():
            return
        if error is not None:
            outcome.set_exception(error)
        else:
            outcome.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        try:
            result, error = work(), None
        except BaseException as failure:
            result, error = None, failure
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile (the app quit)
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name="mail-setup", daemon=True).start()
    return await outcome


def _trial_login(account: MailAccount, auth: Auth) -> None:
    client = open_imap(account, auth, timeout=TRIAL_TIMEOUT_S)
    with contextlib.suppress(imaplib.IMAP4.error, OSError):
        client.logout()


async def check_login(account: MailAccount, auth: Auth) -> None:
    """Log in once to the IMAP server (then out); raises :class:`SignInProblem` in the attendant's terms."""
    try:
        await _off_thread(partial(_trial_login, account, auth))
    except (LoginRefused, SignInRequired) as error:
        raise SignInProblem(Problem.REFUSED, type(error).__name__) from None
    except oauth_google.ServerUnreachable as error:
        raise SignInProblem(Problem.UNREACHABLE, type(error).__name__) from None
    except (OSError, ssl.SSLError, imaplib.IMAP4.error) as error:
        raise SignInProblem(Problem.UNREACHABLE, type(error).__name__) from None


async def check_password(account: MailAccount, password: str) -> None:
    await check_login(account, PasswordAuth(password))


async def google_sign_in(
    provider: OAuthProvider, address: str, open_browser: Callable[[str], object] = webbrowser.open
) -> Grant:
    """The Google consent in the system browser (loopback redirect, PKCE)."""
    if not provider.client_id:
        raise SignInProblem(Problem.NOT_SET_UP)
    try:
        grant = await _off_thread(partial(oauth_google.sign_in, provider, address, open_browser=open_browser))
    except SignInRequired as error:
        raise SignInProblem(Problem.SIGN_IN_FAILED, type(error).__name__) from None
    except Exception as error:  # oauthlib, the loopback server or the timeout: the sign-in did not complete
        raise SignInProblem(Problem.SIGN_IN_FAILED, type(error).__name__) from None
    return Grant(grant.refresh_token, oauth_google.GoogleTokens(provider, grant.refresh_token, grant.access_token))


async def microsoft_sign_in(provider: OAuthProvider, address: str) -> Grant:
    """MSAL's interactive sign-in in the system browser."""
    if not provider.client_id:
        raise SignInProblem(Problem.NOT_SET_UP)
    try:
        grant = await _off_thread(partial(oauth_microsoft.sign_in_interactive, provider, address))
    except oauth_google.ServerUnreachable as error:
        raise SignInProblem(Problem.UNREACHABLE, type(error).__name__) from None
    except Exception as error:  # no browser, cancelled, refused, timed out
        raise SignInProblem(Problem.SIGN_IN_FAILED, type(error).__name__) from None
    return _microsoft_grant(provider, grant)


async def microsoft_device_code(
    provider: OAuthProvider, show_code: Callable[[oauth_microsoft.DeviceCode], None], cancelled: threading.Event
) -> Grant:
    """The device-code fallback: ``show_code`` gets the code to type elsewhere; returns once it was entered."""
    if not provider.client_id:
        raise SignInProblem(Problem.NOT_SET_UP)
    try:
        app, flow, code = await _off_thread(partial(oauth_microsoft.start_device_code, provider))
        show_code(code)
        grant = await _off_thread(partial(oauth_microsoft.finish_device_code, app, flow, should_stop=cancelled.is_set))
    except oauth_google.ServerUnreachable as error:
        raise SignInProblem(Problem.UNREACHABLE, type(error).__name__) from None
    except SignInRequired as error:
        raise SignInProblem(Problem.SIGN_IN_FAILED, type(error).__name__) from None
    except (OSError, ValueError) as error:
        raise SignInProblem(Problem.UNREACHABLE, type(error).__name__) from None
    return _microsoft_grant(provider, grant)


def _microsoft_grant(provider: OAuthProvider, grant: oauth_microsoft.MicrosoftGrant) -> Grant:
    tokens = oauth_microsoft.MicrosoftTokens(provider, grant.refresh_token, grant.access_token)
    return Grant(grant.refresh_token, tokens)


async def check_grant(account: MailAccount, grant: Grant) -> None:
    await check_login(account, OAuthAuth(grant.tokens))


async def look_up_servers(
    domain: str, lookup: Callable[[str], MailServers | None] = autoconfig.look_up
) -> MailServers | None:
    """The domain's published autoconfiguration, or None (never raises)."""
    try:
        return await _off_thread(partial(lookup, domain))
    except Exception:
        return None
