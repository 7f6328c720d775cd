"""Where a mailbox's servers come from: presets by address domain, a domain's published autoconfiguration (read as
hostile input: huge, malformed, entity tricks, wrong types), the lookup over real HTTP with its bounds, and IT's
provider overrides from the policy file."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from deskchat.channels.email.account import Security, Server
from deskchat.channels.email.autoconfig import MAX_DOCUMENT_BYTES, look_up, parse_autoconfig, valid_domain
from deskchat.channels.email.providers import GOOGLE, MICROSOFT, MailServers, preset_for, provider_table
from deskchat.config.policy import mail_provider_overrides

GMAIL = MailServers(Server("imap.gmail.com", 993, Security.SSL), Server("smtp.gmail.com", 465, Security.SSL), "google")
OUTLOOK = MailServers(
    Server("outlook.office365.com", 993, Security.SSL),
    Server("smtp.office365.com", 587, Security.STARTTLS),
    "microsoft",
)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("fulano@gmail.com", GMAIL),
        ("Fulano@GoogleMail.com", GMAIL),
        ("a@outlook.com", OUTLOOK),
        ("a@hotmail.com", OUTLOOK),
        ("a@hotmail.com.br", OUTLOOK),
        ("a@live.com", OUTLOOK),
        ("a@outlook.com.br", OUTLOOK),
        ("a@empresa.onmicrosoft.com", OUTLOOK),
        ("a@office365.com", OUTLOOK),
        ("a@empresa.com.br", None),
        ("a@notgmail.com", None),
        ("a@gmail.com.evil.test", None),
        ("sem-arroba", None),
        ("", None),
    ],
)
def test_presets_by_domain(address: str, expected: MailServers | None) -> None:
    assert preset_for(address) == expected


def _document(incoming: str, outgoing: str, *, root: str = "clientConfig") -> bytes:
    return (
        f'<?xml version="1.0"?><{root} version="1.1"><emailProvider id="empresa.com.br">'
        f"<domain>empresa.com.br</domain>{incoming}{outgoing}</emailProvider></{root}>"
    ).encode()


def _server(kind: str, host: str, port: str, socket: str, tag: str = "") -> str:
    tag = tag or ("incomingServer" if kind == "imap" else "outgoingServer")
    return (
        f'<{tag} type="{kind}"><hostname>{host}</hostname><port>{port}</port>'
        f"<socketType>{socket}</socketType><username>%EMAILADDRESS%</username></{tag}>"
    )


IMAP_OK = _server("imap", "mail.empresa.com.br", "993", "SSL")
SMTP_OK = _server("smtp", "smtp.empresa.com.br", "587", "STARTTLS")
GOOD = MailServers(
    Server("mail.empresa.com.br", 993, Security.SSL), Server("smtp.empresa.com.br", 587, Security.STARTTLS)
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b"<clientConfig><emailProvider>&lol2;</emailProvider></clientConfig>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<clientConfig><emailProvider><incomingServer type='imap'><hostname>&x;</hostname></incomingServer>"
    b"</emailProvider></clientConfig>"
)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (_document(IMAP_OK, SMTP_OK), GOOD),
        (_document(_server("pop3", "pop.empresa.com.br", "995", "SSL") + IMAP_OK, SMTP_OK), GOOD),  # POP skipped
        (_document(_server("imap", "plain.empresa.com.br", "143", "plain") + IMAP_OK, SMTP_OK), GOOD),  # no TLS
        (_document(IMAP_OK, ""), None),  # no SMTP
        (_document("", SMTP_OK), None),  # no IMAP
        (_document(_server("imap", "mail.empresa.com.br", "99999", "SSL"), SMTP_OK), None),  # port out of range
        (_document(_server("imap", "mail.empresa.com.br", "0", "SSL"), SMTP_OK), None),
        (_document(_server("imap", "mail.empresa.com.br", "-993", "SSL"), SMTP_OK), None),
        (_document(_server("imap", "mail.empresa.com.br", "９９３", "SSL"), SMTP_OK), None),  # full-width digits
        (_document(_server("imap", "mail.empresa.com.br", "993.0", "SSL"), SMTP_OK), None),
        (_document(_server("imap", "mail.empresa.com.br", "1" * 400, "SSL"), SMTP_OK), None),
        (_document(_server("imap", "mail.empresa.com.br", "", "SSL"), SMTP_OK), None),
        (_document(_server("imap", "evil host/../x", "993", "SSL"), SMTP_OK), None),  # not a host name
        (_document(_server("imap", "a" * 300 + ".com", "993", "SSL"), SMTP_OK), None),
        (_document(_server("imap", "mail.empresa.com.br", "993", "<b>SSL</b>"), SMTP_OK), None),  # wrong type
        (_document(IMAP_OK, SMTP_OK, root="html"), None),  # not an autoconfig document
        (b"<clientConfig><emailProvider>", None),  # malformed (truncated)
        (b"\x00\xff\xfe garbage", None),
        (b"", None),
        (BILLION_LAUGHS, None),
        (EXTERNAL_ENTITY, None),
        (b"<a>" * 100_000 + b"</a>" * 100_000, None),  # deep nesting over the size bound
        (b"<clientConfig>" + b"<a>" * 5_000 + b"</a>" * 5_000 + b"</clientConfig>", None),  # within it
        (_document(IMAP_OK, SMTP_OK) + b" " * MAX_DOCUMENT_BYTES, None),  # huge
    ],
)
def test_autoconfig_documents(document: bytes, expected: MailServers | None) -> None:
    assert parse_autoconfig(document) == expected


def test_autoconfig_names_are_lower_cased_and_trailing_dots_dropped() -> None:
    imap = _server("imap", "Mail.Empresa.COM.br.", "993", "ssl")
    assert parse_autoconfig(_document(imap, SMTP_OK)) == GOOD


@pytest.mark.parametrize(
    ("domain", "valid"),
    [("empresa.com.br", True), ("localhost", False), ("a b.com", False), ("x.com/evil", False), ("", False)],
)
def test_only_host_names_are_looked_up(domain: str, valid: bool) -> None:
    assert valid_domain(domain) is valid


class _Autoconfig(BaseHTTPRequestHandler):
    body = b""
    status = 200
    stall = threading.Event()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/stall":
            self.stall.wait(10)
            return
        self.send_response(self.status)
        self.send_header("Content-Type", "text/xml")
        if self.path != "/endless":
            self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        if self.path == "/endless":  # never ends: the reader must stop at the bound
            chunk = b"<a>" * 4096
            try:
                for _ in range(10_000):
                    self.wfile.write(chunk)
            except OSError:
                return
            return
        self.wfile.write(self.body)


@pytest.fixture
def autoconfig_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Autoconfig)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _Autoconfig.stall.set()
    server.shutdown()
    server.server_close()
    _Autoconfig.stall.clear()


def test_the_lookup_reads_a_published_document(autoconfig_server: str) -> None:
    _Autoconfig.body, _Autoconfig.status = _document(IMAP_OK, SMTP_OK), 200
    assert look_up("empresa.com.br", url=f"{autoconfig_server}/mail/config-v1.1.xml") == GOOD


@pytest.mark.parametrize("path", ["/missing", "/endless", "/stall"])
def test_the_lookup_gives_nothing_for_errors_endless_bodies_and_silence(autoconfig_server: str, path: str) -> None:
    _Autoconfig.body, _Autoconfig.status = b"", 404 if path == "/missing" else 200
    assert look_up("empresa.com.br", url=f"{autoconfig_server}{path}", timeout=0.5) is None


def test_the_lookup_of_a_domain_that_does_not_exist_gives_nothing() -> None:
    assert look_up("nao-existe.invalid", timeout=2.0) is None


def test_it_overrides_the_providers_in_the_policy_file(tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps(
            {
                "mail": {
                    "providers": {
                        "microsoft": {"client_id": "corp-app", "tenant": "1234-tenant", "scopes": ["a", "b"]},
                        "google": {"token_uri": "https://idp.corp/token", "client_id": 42, "imap": "x"},
                        "yahoo": {"client_id": "ignored"},
                    }
                },
                "mail.providers.google.client_id": "corp-google",
            }
        )
    )
    table = provider_table(mail_provider_overrides(policy))
    assert table["microsoft"].client_id == "corp-app"
    assert table["microsoft"].tenant == "1234-tenant"
    assert table["microsoft"].scopes == ("a", "b")
    assert table["microsoft"].auth_uri == MICROSOFT.auth_uri
    assert table["google"].token_uri == "https://idp.corp/token"
    assert table["google"].client_id == "corp-google"  # 42 (not text) ignored; the dotted key applies
    assert table["google"].imap == GOOGLE.imap
    assert set(table) == {"google", "microsoft"}


@pytest.mark.parametrize("content", ["", "not json", "[1, 2]", '{"mail": {"providers": "x"}}', "{" * 5000])
def test_a_broken_policy_file_changes_no_provider(tmp_path: Path, content: str) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(content)
    assert provider_table(mail_provider_overrides(policy)) == {"google": GOOGLE, "microsoft": MICROSOFT}
