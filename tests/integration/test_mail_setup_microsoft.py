"""Microsoft sign-in through MSAL against a local Entra-like server over HTTPS (MSAL accepts only https
authorities; the test CA is handed to MSAL's HTTP client through REQUESTS_CA_BUNDLE): the device-code flow, the
interactive browser flow with PKCE, refreshes from the stored refresh token, a revoked one becoming "sign in
again", and the whole path through the connection screen to a mailbox connected by XOAUTH2 on the real Dovecot.
The server issues its tokens through the mail stack's OAuth server, so Dovecot's oauth2 passdb accepts them."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import ssl
import subprocess
import threading
import urllib.request
import webbrowser
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from mail_setup_desk import Desk, desk_fixture, fill_servers, until  # noqa: F401  (the window fixture)
from mailstack import MailStack
from PySide6.QtCore import Qt

from deskchat.channels.email.auth import SignInRequired
from deskchat.channels.email.oauth_microsoft import (
    DeviceCode,
    MicrosoftTokens,
    finish_device_code,
    sign_in_interactive,
    start_device_code,
)
from deskchat.channels.email.providers import MICROSOFT, OAuthProvider, provider_table
from deskchat.config.policy import mail_provider_overrides

TENANT = "contoso-tenant"


@dataclass
class Entra:
    """What the fake Entra server saw and decided."""

    oauth: Any
    base: str = ""
    approved: threading.Event = field(default_factory=threading.Event)
    challenges: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (challenge, user)
    grants: list[str] = field(default_factory=list)
    user: str = ""

    def provider(self) -> OAuthProvider:
        return provider_table({"microsoft": {"client_id": "deskchat-test", "auth_uri": self.base, "tenant": TENANT}})[
            "microsoft"
        ]


def _handler(entra: Entra) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _tokens(self, user: str) -> None:
            access, refresh = entra.oauth.issue(user)
            self._json(
                200,
                {
                    "token_type": "Bearer",
                    "access_token": access,
                    "refresh_token": refresh,
                    "expires_in": 3600,
                    "scope": " ".join(MICROSOFT.scopes),
                },
            )

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            prefix = f"/{TENANT}"
            if url.path == f"{prefix}/v2.0/.well-known/openid-configuration":
                endpoints = f"{entra.base}{prefix}/oauth2/v2.0"
                self._json(
                    200,
                    {
                        "issuer": f"{entra.base}{prefix}/v2.0",
                        "authorization_endpoint": f"{endpoints}/authorize",
                        "token_endpoint": f"{endpoints}/token",
                        "device_authorization_endpoint": f"{endpoints}/devicecode",
                    },
                )
            elif url.path == f"{prefix}/oauth2/v2.0/authorize":  # the consent screen approves at once
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                assert query["code_challenge_method"] == "S256"
                code = "code-" + secrets.token_hex(6)
                entra.challenges[code] = (query["code_challenge"], query.get("login_hint", entra.user))
                # response_mode=form_post: the page posts the code to the redirect URI (a browser does it by script)
                fields = {"code": code, "state": query["state"]}
                form = json.dumps({"action": query["redirect_uri"], "fields": fields}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(form)))
                self.end_headers()
                self.wfile.write(form)
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            path = urlsplit(self.path).path
            if path.endswith("/devicecode"):
                self._json(
                    200,
                    {
                        "device_code": "dc-1",
                        "user_code": "FQK-77Z",
                        "verification_uri": f"{entra.base}/devicelogin",
                        "expires_in": 600,
                        "interval": 1,
                        "message": "Type FQK-77Z",
                    },
                )
                return
            grant = form.get("grant_type", "")
            entra.grants.append(grant)
            if grant == "urn:ietf:params:oauth:grant-type:device_code":
                if not entra.approved.is_set():
                    self._json(400, {"error": "authorization_pending"})
                else:
                    self._tokens(entra.user)
            elif grant == "authorization_code":
                challenge, user = entra.challenges.pop(form["code"])
                digest = hashlib.sha256(form["code_verifier"].encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != challenge:
                    self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                else:
                    self._tokens(user)
            elif grant == "refresh_token":
                with entra.oauth.state.lock:
                    user = entra.oauth.state.refresh.get(form["refresh_token"])
                if user is None:
                    self._json(400, {"error": "invalid_grant", "error_description": "revoked"})
                else:
                    self._tokens(user)
            else:
                self._json(400, {"error": "unsupported_grant_type"})

    return Handler


@pytest.fixture
def entra(mail_stack: MailStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Entra]:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # MSAL's requests session trusts the test CA
    state = Entra(mail_stack.oauth, user=mail_stack.dovecot.fresh_mailbox())
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    state.base = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def test_device_code_sign_in_then_refreshes_until_the_refresh_token_is_revoked(entra: Entra) -> None:
    app, flow, code = start_device_code(entra.provider())
    assert code == DeviceCode("FQK-77Z", f"{entra.base}/devicelogin", "Type FQK-77Z")
    entra.approved.set()  # the attendant typed the code on the phone
    grant = finish_device_code(app, flow)
    assert entra.oauth.valid(entra.user, grant.access_token)

    tokens = MicrosoftTokens(entra.provider(), grant.refresh_token, grant.access_token)
    assert tokens.access_token() == grant.access_token
    refreshed = tokens.access_token(refresh=True)
    assert refreshed != grant.access_token and entra.oauth.valid(entra.user, refreshed)
    assert entra.grants[-1] == "refresh_token"

    entra.oauth.revoke_refresh_tokens()
    with pytest.raises(SignInRequired):
        tokens.access_token(refresh=True)


def test_a_cancelled_device_code_wait_stops(entra: Entra) -> None:
    app, flow, _code = start_device_code(entra.provider())
    with pytest.raises(SignInRequired):
        finish_device_code(app, flow, should_stop=lambda: True)


def test_interactive_sign_in_goes_through_the_browser_with_pkce(entra: Entra, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    def browser(url: str, *_args: Any, **_kwargs: Any) -> bool:  # consent, then MSAL's loopback redirect
        opened.append(url)

        def consent_and_post() -> None:
            with urllib.request.urlopen(url, timeout=10, context=_trusting()) as page:
                form = json.load(page)
            posted = urlencode(form["fields"]).encode()
            urllib.request.urlopen(urllib.request.Request(form["action"], data=posted), timeout=10).read()

        threading.Thread(target=consent_and_post, daemon=True).start()
        return True

    monkeypatch.setattr(webbrowser, "open", browser)
    grant = sign_in_interactive(entra.provider(), entra.user, timeout=20)
    assert opened[0].startswith(f"{entra.base}/{TENANT}/oauth2/v2.0/authorize")
    assert "authorization_code" in entra.grants  # the code was exchanged with its PKCE verifier
    assert entra.oauth.valid(entra.user, grant.access_token)


def _trusting() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=os.environ["REQUESTS_CA_BUNDLE"])


def test_it_points_microsoft_sign_in_at_its_own_tenant_through_the_policy_file(tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"mail": {"providers": {"microsoft": {"client_id": "corp", "tenant": TENANT}}}}))
    provider = provider_table(mail_provider_overrides(policy))["microsoft"]
    assert (provider.client_id, provider.tenant, provider.auth_uri) == ("corp", TENANT, MICROSOFT.auth_uri)


@pytest.fixture(name="policy")
def microsoft_policy(entra: Entra, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """IT's policy file sends Microsoft sign-in to the local Entra-like server and its tenant."""
    path = tmp_path / "policy.json"
    microsoft = {"client_id": "deskchat-test", "auth_uri": entra.base, "tenant": TENANT}
    path.write_text(json.dumps({"mail": {"providers": {"microsoft": microsoft}}}))
    monkeypatch.setenv("DESKCHAT_POLICY", str(path))
    return path


def test_a_microsoft_mailbox_signed_in_with_a_device_code_connects(
    desk: Desk, entra: Entra, mail_stack: MailStack, qtbot: Any
) -> None:
    async def scenario() -> None:
        dialog = desk.connections()
        setup = dialog.open_mail_setup()
        assert setup is not None
        setup.provider_box.setCurrentIndex(setup.provider_box.findData("microsoft"))
        assert not setup.device_code_button.isHidden()
        fill_servers(setup, mail_stack, entra.user)  # Office 365's servers replaced by the local ones
        qtbot.mouseClick(setup.device_code_button, Qt.MouseButton.LeftButton)
        await until(lambda: "FQK-77Z" in setup.device_code_label.text(), "the code to type")
        assert f"{entra.base}/devicelogin" in setup.device_code_label.text()
        entra.approved.set()  # typed on the phone
        await until(lambda: len(dialog.mail_cards) == 1, "the mailbox's card")
        [card] = dialog.mail_cards.values()
        await until(lambda: card.status_label.text() == f"Connected ({entra.user})", "Connected by XOAUTH2")

    desk.run(scenario())
