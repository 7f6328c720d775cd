"""The header pass's FETCH against a real Dovecot: the quick reading of the responses gives, for a mailbox of varied
mail, exactly what imapclient's own ``fetch`` gives (UID, flags, internal date, size, header bytes), and it is the
quick reading that answers (imapclient's parser is not called)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from imapclient import IMAPClient
from mailstack import DOMAIN, MailStack

from deskchat.channels.email import fetch_response
from deskchat.channels.email.fetch_response import HEADER_ITEMS, FetchedHeader, fetch_headers, header_from_items
from deskchat.channels.email.folder_sync import FlagChanges, FolderSync, HeaderBatch

REFERENCES = " ".join(f"<ref{n}.{'x' * 40}@{DOMAIN}>" for n in range(400))  # ~26 KB, folded below
SAO_PAULO = timezone(timedelta(hours=-3))
NEPAL = timezone(timedelta(hours=5, minutes=45))


def _mail(subject: bytes, *, message_id: bool = True, extra: bytes = b"", body: bytes = b"Corpo\r\n") -> bytes:
    head = b"From: Cliente <c@" + DOMAIN.encode() + b">\r\nTo: suporte@" + DOMAIN.encode() + b"\r\n"
    head += b"Subject: " + subject + b"\r\nDate: Tue, 10 Nov 2026 09:00:00 -0300\r\n"
    if message_id:
        head += b"Message-ID: <" + subject.replace(b" ", b"-") + b"@" + DOMAIN.encode() + b">\r\n"
    return head + extra + b"\r\n" + body


# (raw mail, flags, internal date): everything a header pass meets in a real mailbox
MAILBOX: list[tuple[bytes, list[bytes], datetime | None]] = [
    (_mail(b"lido e marcado"), [b"\\Seen", b"\\Flagged"], datetime(2026, 11, 10, 9, 0, tzinfo=SAO_PAULO)),
    (
        _mail(b"encaminhado"),
        [b"$Forwarded", b"cliente-vip", b"Prazo_2026"],
        datetime(2018, 1, 15, 23, 59, 59, tzinfo=UTC),
    ),
    (_mail(b"respondido"), [b"\\Answered", b"\\Draft", b"\\Deleted"], datetime(1999, 12, 31, 22, 0, tzinfo=SAO_PAULO)),
    (_mail(b"campos vazios", extra=b"Cc:\r\nReply-To: \r\nIn-Reply-To:\r\n"), [], None),
    (
        _mail(b"sem message id", message_id=False),
        [b"\\Seen"],
        datetime(2024, 2, 29, 12, 30, tzinfo=timezone(timedelta(hours=5, minutes=45))),
    ),
    (_mail("Ação — cotação".encode(), extra="Cc: João <joão@exemplo.com.br>\r\n".encode()), [], None),
    (_mail(b"referencias", extra=b"References: " + REFERENCES.replace(" ", "\r\n ").encode() + b"\r\n"), [], None),
    (_mail(b"sem corpo", body=b""), [b"\\Seen"], None),
]


@pytest.fixture
def client(mail_stack: MailStack) -> Iterator[IMAPClient]:
    user = mail_stack.dovecot.fresh_mailbox()
    connection = IMAPClient("127.0.0.1", port=mail_stack.imap_port, ssl=False, timeout=10)
    connection.login(user, user.split("@")[0] + "-pw")
    mail_stack.dovecot.deliver(_mail(b"entregue por lmtp"), recipient=user)
    for raw, flags, moment in MAILBOX:
        connection.append("INBOX", raw, flags=flags, msg_time=moment)
    connection.select_folder("INBOX", readonly=True)
    yield connection
    connection.logout()


def _imapclients_answer(client: IMAPClient, uids: list[int]) -> dict[int, FetchedHeader]:
    client.normalise_times = False  # an INTERNALDATE as the exact instant it names
    try:
        fetched = client.fetch(uids, list(HEADER_ITEMS))
    finally:
        client.normalise_times = True
    return {uid: header_from_items(uid, items) for uid, items in fetched.items()}


def _imapclients_parser_must_not_run(*args: object, **kwargs: object) -> None:
    raise AssertionError("the quick reading fell back to imapclient's parser")


def test_the_quick_reading_gives_what_imapclient_gives(client: IMAPClient, monkeypatch: pytest.MonkeyPatch) -> None:
    uids = client.search("ALL")
    assert len(uids) == len(MAILBOX) + 1
    expected = _imapclients_answer(client, uids)

    monkeypatch.setattr(fetch_response, "parse_fetch_response", _imapclients_parser_must_not_run)
    fetched = fetch_headers(client, uids)

    assert fetched == expected
    by_subject = {header.header.split(b"Subject: ")[1].split(b"\r\n")[0]: header for header in fetched.values()}
    assert {"$Forwarded", "Prazo_2026", "cliente-vip"} <= set(by_subject[b"encaminhado"].flags)
    assert by_subject[b"lido e marcado"].internal_date == int(MAILBOX[0][2].timestamp() * 1000)  # type: ignore[union-attr]
    assert len(by_subject[b"referencias"].header) > 26_000
    assert "Ação — cotação".encode() in by_subject["Ação — cotação".encode()].header
    assert b"Message-ID" not in by_subject[b"sem message id"].header


def test_unrequested_and_missing_uids_are_left_out(client: IMAPClient) -> None:
    uids = client.search("ALL")
    asked = [uids[1], uids[3], max(uids) + 100]  # the last one does not exist
    assert sorted(fetch_headers(client, asked)) == sorted(asked[:2])


def test_a_folder_sync_stores_the_same_headers_as_before(client: IMAPClient) -> None:
    """FolderSync over the real connection (quick reading) and over a wrapper that is not an IMAPClient (its
    ``fetch``, as test fakes and older code use) hands over the same batches."""
    batches: dict[str, list[FetchedHeader]] = {"quick": [], "fetch": []}

    def sink(into: str) -> Callable[[HeaderBatch | FlagChanges], None]:
        def commit(batch: HeaderBatch | FlagChanges) -> None:
            if isinstance(batch, HeaderBatch):
                batches[into].extend(batch.headers)

        return commit

    client.normalise_times = False
    FolderSync(client, "INBOX", batch_size=4).run(None, (), sink("quick"))
    FolderSync(_NotAnImapClient(client), "INBOX", batch_size=4).run(None, (), sink("fetch"))
    assert batches["quick"] == batches["fetch"]
    assert len(batches["quick"]) == len(MAILBOX) + 1


class _NotAnImapClient:
    def __init__(self, inner: IMAPClient) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
