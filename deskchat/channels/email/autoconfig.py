"""Thunderbird-style autoconfiguration: ``https://autoconfig.<domain>/mail/config-v1.1.xml`` names a domain's servers.

The document comes from the network, so it is treated as hostile: only a bounded number of bytes is read, a DTD
(entity tricks) is refused, and every field is checked (host name, port range, socket type); anything odd gives
``None`` and the attendant types the servers. Blocking (httpx): run it off the GUI thread.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ElementTree
from typing import Final

import httpx

from deskchat.channels.email.account import Security, Server
from deskchat.channels.email.providers import MailServers

log = logging.getLogger("deskchat.mail")

MAX_DOCUMENT_BYTES: Final = 64 * 1024
LOOKUP_TIMEOUT_S: Final = 4.0
_HOST = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
_SOCKETS: Final = {"SSL": Security.SSL, "STARTTLS": Security.STARTTLS}


def valid_domain(domain: str) -> bool:
    return "." in domain and bool(_HOST.match(domain))


def autoconfig_url(domain: str) -> str:
    return f"https://autoconfig.{domain}/mail/config-v1.1.xml"


def parse_autoconfig(document: bytes) -> MailServers | None:
    """The first usable IMAP and SMTP servers of an autoconfig document, or None (never raises)."""
    if len(document) > MAX_DOCUMENT_BYTES or b"<!DOCTYPE" in document.upper() or b"<!ENTITY" in document.upper():
        return None
    try:
        root = ElementTree.fromstring(document)
    except (ElementTree.ParseError, ValueError, RecursionError):
        return None
    provider = root.find("emailProvider")
    if root.tag != "clientConfig" or provider is None:
        return None
    imap = _first_server(provider.findall("incomingServer"), "imap")
    smtp = _first_server(provider.findall("outgoingServer"), "smtp")
    if imap is None or smtp is None:
        return None
    return MailServers(imap, smtp)


def _first_server(elements: list[ElementTree.Element], kind: str) -> Server | None:
    for element in elements:
        if element.get("type") != kind:
            continue
        host = (element.findtext("hostname") or "").strip().rstrip(".")
        port_text = (element.findtext("port") or "").strip()
        security = _SOCKETS.get((element.findtext("socketType") or "").strip().upper())
        if not _HOST.match(host) or not port_text.isascii() or not port_text.isdigit() or len(port_text) > 5:
            continue
        port = int(port_text)
        if security is None or not 0 < port < 65536:
            continue  # plain-text servers are never offered
        return Server(host.lower(), port, security)
    return None


def look_up(domain: str, *, url: str | None = None, timeout: float = LOOKUP_TIMEOUT_S) -> MailServers | None:
    """Ask the domain's autoconfig server (blocking, bounded in time and size); None when it has nothing usable."""
    if url is None:
        if not valid_domain(domain):
            return None
        url = autoconfig_url(domain)
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False) as client,
            client.stream("GET", url, headers={"Accept": "application/xml, text/xml"}) as response,
        ):
            if response.status_code != 200:
                return None
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_DOCUMENT_BYTES:
                    return None
    except (httpx.HTTPError, OSError, ValueError) as error:
        log.info("no autoconfig document: %s", type(error).__name__)
        return None
    return parse_autoconfig(bytes(body))
