"""Real mail servers on loopback for the e-mail tests: Dovecot (IMAP with IDLE/CONDSTORE/QRESYNC, LMTP, an oauth2
passdb), an SMTP submission server with AUTH PLAIN/LOGIN/XOAUTH2 (aiosmtpd) that delivers through Dovecot's LMTP, and
a small OAuth 2.0 server (authorization code with PKCE, refresh, RFC 7662 introspection) both check tokens against.

Everything listens on 127.0.0.1 on free ports inside one temporary folder; nothing touches /etc/dovecot.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import smtplib
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

DOMAIN = "example.test"
MAIL_UID = 65534  # Dovecot refuses uid 0 for mail; "nobody" owns the mail folders when the tests run as root


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.05)  # polling a server's start-up, not synchronising with our own code
    raise TimeoutError(f"nothing listens on port {port}")


# -- OAuth --------------------------------------------------------------------------------------------------------


@dataclass
class OAuthState:
    codes: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # code -> (user, challenge, redirect_uri)
    access: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (user, expires_at)
    refresh: dict[str, str] = field(default_factory=dict)  # refresh token -> user
    pkce_checked: int = 0
    refreshed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class OAuthServer:
    """Authorization server for tests: the consent screen approves ``login_hint`` at once."""

    def __init__(self, access_lifetime: float = 3600.0) -> None:
        self.state = OAuthState()
        self.access_lifetime = access_lifetime
        self.port = free_port()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, name="oauth", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> OAuthServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def issue(self, user: str) -> tuple[str, str]:
        """Tokens for ``user`` as if they had signed in: (access token, refresh token)."""
        with self.state.lock:
            return self._issue(user)

    def _issue(self, user: str) -> tuple[str, str]:
        access, refresh = "at-" + secrets.token_hex(8), "rt-" + secrets.token_hex(8)
        self.state.access[access] = (user, time.time() + self.access_lifetime)
        self.state.refresh[refresh] = user
        return access, refresh

    def expire_access_tokens(self) -> None:
        with self.state.lock:
            self.state.access = {token: (user, 0.0) for token, (user, _) in self.state.access.items()}

    def revoke_refresh_tokens(self) -> None:
        with self.state.lock:
            self.state.refresh.clear()

    def valid(self, user: str, token: str) -> bool:
        with self.state.lock:
            found = self.state.access.get(token)
        return found is not None and found[0] == user and found[1] > time.time()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _reply(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                if url.path != "/authorize" or query.get("code_challenge_method") != "S256":
                    self._reply(400, {"error": "invalid_request"})
                    return
                code = "code-" + secrets.token_hex(8)
                user = query.get("login_hint", f"alice@{DOMAIN}")
                with owner.state.lock:
                    owner.state.codes[code] = (user, query["code_challenge"], query["redirect_uri"])
                target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query.get("state", "")})
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path == "/introspect":
                    self._introspect(form)
                elif self.path == "/token":
                    self._token(form)
                else:
                    self._reply(404, {"error": "not_found"})

            def _introspect(self, form: dict[str, str]) -> None:
                token = form.get("token", "")
                with owner.state.lock:
                    found = owner.state.access.get(token)
                if found is None or found[1] <= time.time():
                    self._reply(200, {"active": False})
                else:
                    self._reply(200, {"active": True, "username": found[0]})

            def _token(self, form: dict[str, str]) -> None:
                grant = form.get("grant_type")
                with owner.state.lock:
                    if grant == "authorization_code":
                        found = owner.state.codes.pop(form.get("code", ""), None)
                        verifier = form.get("code_verifier", "")
                        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
                        if found is None or digest.decode() != found[1]:
                            self._reply(400, {"error": "invalid_grant"})
                            return
                        owner.state.pkce_checked += 1
                        access, refresh = owner._issue(found[0])
                    elif grant == "refresh_token":
                        user = owner.state.refresh.get(form.get("refresh_token", ""))
                        if user is None:
                            self._reply(400, {"error": "invalid_grant", "error_description": "Token has been revoked"})
                            return
                        owner.state.refreshed += 1
                        access, refresh = owner._issue(user)
                    else:
                        self._reply(400, {"error": "unsupported_grant_type"})
                        return
                self._reply(
                    200,
                    {
                        "access_token": access,
                        "refresh_token": refresh,
                        "expires_in": int(owner.access_lifetime),
                        "token_type": "Bearer",
                        "scope": "https://mail.google.com/",
                    },
                )

        return Handler


# -- Dovecot ------------------------------------------------------------------------------------------------------


_DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = deskchat-test-{imap}
protocols = imap lmtp
listen = 127.0.0.1
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mail_uid = {uid}
mail_gid = {uid}
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {root}/users
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    auto = subscribe
    special_use = \\Sent
  }}
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp}
  }}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
hostname = mail.{domain}
protocol lmtp {{
  postmaster_address = postmaster@{domain}
}}
"""

_OAUTH2_EXT = """\
introspection_mode = post
introspection_url = {oauth}/introspect
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
"""


class Dovecot:
    """One Dovecot instance with users ``alice`` and ``bob`` (passwords ``<name>-pw``)."""

    USERS = ("alice", "bob")
    SPARE_USERS = 60  # Dovecot notices a changed users file by its mtime (1 s): tests take mailboxes made at start

    def __init__(self, root: Path, oauth: OAuthServer) -> None:
        self.root = root
        self.oauth = oauth
        self.imap_port = free_port()
        self.lmtp_port = free_port()
        self.config = root / "dovecot.conf"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> Dovecot:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)  # the auth worker runs as "dovecot" and must read the users file
        system_temp = Path(tempfile.gettempdir()).resolve()
        for parent in self.root.resolve().parents:  # pytest's and mkdtemp's folders are 0700: let "dovecot" pass
            if parent == system_temp or system_temp not in parent.parents:
                break
            parent.chmod(parent.stat().st_mode | 0o011)
        mail = self.root / "mail"
        mail.mkdir(exist_ok=True)
        self._own(mail)
        (self.root / "users").write_text("")
        for user in self.USERS:
            self.add_user(user)
        for number in range(1, self.SPARE_USERS + 1):
            self.add_user(f"user{number}")
        self._spare = iter(range(1, self.SPARE_USERS + 1))
        (self.root / "oauth2.conf.ext").write_text(_OAUTH2_EXT.format(oauth=self.oauth.base_url))
        self.config.write_text(
            _DOVECOT_CONF.format(root=self.root, imap=self.imap_port, lmtp=self.lmtp_port, uid=MAIL_UID, domain=DOMAIN)
        )
        self._process = subprocess.Popen(
            [shutil.which("dovecot") or "/usr/sbin/dovecot", "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.imap_port)
        wait_for_port(self.lmtp_port)
        return self

    def add_user(self, name: str) -> str:
        """A new mailbox ``name@example.test`` with password ``name-pw`` (Dovecot re-reads the users file)."""
        home = self.root / "mail" / name
        home.mkdir(exist_ok=True)
        self._own(home)
        with (self.root / "users").open("a") as users:
            users.write(f"{name}@{DOMAIN}:{{PLAIN}}{name}-pw:{MAIL_UID}:{MAIL_UID}::{home}::\n")
        return f"{name}@{DOMAIN}"

    def fresh_mailbox(self) -> str:
        """An empty mailbox no other test used (password ``<name>-pw``)."""
        return f"user{next(self._spare)}@{DOMAIN}"

    @staticmethod
    def _own(path: Path) -> None:
        if os.geteuid() == 0:
            os.chown(path, MAIL_UID, MAIL_UID)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def doveadm(self, *args: str) -> str:
        result = subprocess.run(
            [shutil.which("doveadm") or "/usr/bin/doveadm", "-c", str(self.config), *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def deliver(self, raw: bytes, recipient: str = f"alice@{DOMAIN}", sender: str = f"cliente@{DOMAIN}") -> None:
        """Put a mail in ``recipient``'s INBOX through LMTP, as the company's mail server would."""
        with smtplib.LMTP("127.0.0.1", self.lmtp_port) as lmtp:
            lmtp.sendmail(sender, [recipient], raw)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


# -- SMTP submission ----------------------------------------------------------------------------------------------


def xoauth2_user_token(raw: bytes) -> tuple[str, str]:
    fields = dict(part.split("=", 1) for part in raw.decode(errors="replace").split("\x01") if "=" in part)
    return fields.get("user", ""), fields.get("auth", "").removeprefix("Bearer ")


class _SubmissionHandler:
    def __init__(self, owner: SubmissionServer) -> None:
        self.owner = owner

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        for recipient in envelope.rcpt_tos:
            with smtplib.LMTP("127.0.0.1", self.owner.dovecot.lmtp_port) as lmtp:
                lmtp.sendmail(envelope.mail_from, [recipient], content)
        self.owner.accepted.append(content)
        if self.owner.cut_next_reply:
            self.owner.cut_next_reply = False
            transport = server.transport
            if transport is not None:
                transport.abort()  # the mail is delivered, but the client never hears "250"
        return "250 2.0.0 delivered"

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        raw = base64.b64decode(args[1]) if len(args) > 1 else base64.b64decode(await server.challenge_auth("") or b"")
        user, token = xoauth2_user_token(raw)
        if self.owner.dovecot.oauth.valid(user, token):
            return AuthResult(success=True, auth_data=LoginPassword(user.encode(), b""))
        await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer", "scope": "mail"}))
        await server.push("535 5.7.8 Username and Password not accepted")
        return AuthResult(success=False, handled=True)


class SubmissionServer:
    """SMTP with AUTH (PLAIN, LOGIN: Dovecot's passwords; XOAUTH2: the OAuth server's tokens), delivering over LMTP."""

    def __init__(self, dovecot: Dovecot) -> None:
        self.dovecot = dovecot
        self.port = free_port()
        self.accepted: list[bytes] = []
        self.cut_next_reply = False
        self._controller = Controller(
            _SubmissionHandler(self),
            hostname="127.0.0.1",
            port=self.port,
            server_hostname=f"smtp.{DOMAIN}",  # else every connection asks DNS for this host's name first
            authenticator=self._check_password,
            auth_require_tls=False,
            auth_required=True,
        )

    def _check_password(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        user = login.split("@")[0]
        return AuthResult(success=login == f"{user}@{DOMAIN}" and password == f"{user}-pw", handled=False)

    def start(self) -> SubmissionServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


@dataclass
class MailStack:
    oauth: OAuthServer
    dovecot: Dovecot
    smtp: SubmissionServer

    @property
    def imap_port(self) -> int:
        return self.dovecot.imap_port


@contextlib.contextmanager
def running_mail_stack(root: Path) -> Iterator[MailStack]:
    oauth = OAuthServer().start()
    dovecot = Dovecot(root / "dovecot", oauth)
    smtp: SubmissionServer | None = None
    try:
        dovecot.start()
        smtp = SubmissionServer(dovecot).start()
        yield MailStack(oauth, dovecot, smtp)
    finally:
        if smtp is not None:
            smtp.stop()
        dovecot.stop()
        oauth.stop()
