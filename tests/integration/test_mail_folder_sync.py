"""FolderSync against a real Dovecot: first and incremental sync, changes made behind the client's back through a
second connection, a UIDVALIDITY change forced with doveadm, and a sync interrupted between batches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from imapclient import IMAPClient
from mailstack import DOMAIN, MailStack

from deskchat.channels.email import folder_sync
from deskchat.channels.email.folder_sync import FetchedHeader, FlagChanges, FolderState, FolderSync, HeaderBatch
from deskchat.channels.email.mime import parse


@dataclass
class Stored:
    message_id: str
    subject: str
    flags: tuple[str, ...]
    uid: int | None
    gone: bool = False


@dataclass
class MemoryMailbox:
    """What the app's store keeps, committed batch by batch: messages by Message-ID, the UID map, the folder state."""

    messages: dict[str, Stored] = field(default_factory=dict)
    state: FolderState | None = None
    commits: int = 0
    fail_after: int | None = None  # a commit number at which the "process dies" before committing

    def local_uids(self) -> set[int]:
        return {m.uid for m in self.messages.values() if m.uid is not None and not m.gone}

    def commit(self, batch: HeaderBatch | FlagChanges) -> None:
        if self.fail_after is not None and self.commits >= self.fail_after:
            raise KeyboardInterrupt("killed")  # nothing of this batch is committed
        if isinstance(batch, HeaderBatch):
            if batch.uidvalidity_changed:
                for message in self.messages.values():
                    message.uid = None  # the old UID map is void; rows stay and are matched by Message-ID
            for header in batch.headers:
                self._add(header)
        else:
            by_uid = {m.uid: m for m in self.messages.values() if m.uid is not None}
            for uid, flags in batch.flags.items():
                if uid in by_uid:
                    by_uid[uid].flags = flags
            for uid in batch.vanished:
                if uid in by_uid:
                    by_uid[uid].gone = True
        self.state = batch.state
        self.commits += 1

    def _add(self, header: FetchedHeader) -> None:
        mail = parse(header.header)
        key = mail.message_id or f"uid-{header.uid}"
        existing = self.messages.get(key)
        if existing is not None:
            existing.uid = header.uid
            return
        self.messages[key] = Stored(key, mail.subject, header.flags, header.uid)


@pytest.fixture
def mailbox_user(mail_stack: MailStack) -> str:
    return mail_stack.dovecot.fresh_mailbox()


def _connect(stack: MailStack, user: str) -> IMAPClient:
    client = IMAPClient("127.0.0.1", port=stack.imap_port, ssl=False, timeout=10)
    client.login(user, user.split("@")[0] + "-pw")
    client.enable("CONDSTORE")
    return client


@pytest.fixture
def connection(mail_stack: MailStack, mailbox_user: str) -> Iterator[IMAPClient]:
    client = _connect(mail_stack, mailbox_user)
    yield client
    client.logout()


def _deliver(stack: MailStack, user: str, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        raw = (
            f"From: Cliente {number} <cliente{number}@{DOMAIN}>\r\nTo: {user}\r\n"
            f"Subject: Pedido {number}\r\nMessage-ID: <m{number}.{user}>\r\n"
            f"Date: Tue, 10 Nov 2026 09:{number % 60:02d}:00 -0300\r\n\r\nCorpo {number}\r\n"
        ).encode()
        stack.dovecot.deliver(raw, recipient=user)


def _sync(connection: IMAPClient, box: MemoryMailbox, batch: int = 200) -> FolderState:
    return FolderSync(connection, "INBOX", batch_size=batch).run(box.state, box.local_uids(), box.commit)


def test_first_then_incremental_sync(mail_stack: MailStack, mailbox_user: str, connection: IMAPClient) -> None:
    _deliver(mail_stack, mailbox_user, 5)
    box = MemoryMailbox()
    state = _sync(connection, box, batch=2)
    assert sorted(m.subject for m in box.messages.values()) == [f"Pedido {n}" for n in range(5)]
    assert state.highest_uid == 5 and state.highest_modseq > 0
    commits = box.commits

    _deliver(mail_stack, mailbox_user, 2, start=5)
    _sync(connection, box)
    assert len(box.messages) == 7
    assert box.state is not None and box.state.highest_uid == 7
    assert box.commits - commits <= 3  # only the new mail (and the state), not the whole folder again


@pytest.mark.parametrize("condstore", [True, False], ids=["condstore", "uid-listing"])
def test_flags_and_expunges_made_behind_the_clients_back(
    mail_stack: MailStack, mailbox_user: str, connection: IMAPClient, condstore: bool
) -> None:
    _deliver(mail_stack, mailbox_user, 4)
    box = MemoryMailbox()
    _sync(connection, box)

    other = _connect(mail_stack, mailbox_user)  # the attendant's phone, webmail, another client
    other.select_folder("INBOX")
    other.add_flags([1], [b"\\Seen", b"\\Flagged"])
    other.delete_messages([2])
    other.expunge()
    other.logout()

    probe: Any = connection if condstore else _WithoutCondstore(connection)
    FolderSync(probe, "INBOX").run(box.state, box.local_uids(), box.commit)
    by_uid = {m.uid: m for m in box.messages.values()}
    assert "\\Seen" in by_uid[1].flags and "\\Flagged" in by_uid[1].flags
    assert by_uid[2].gone
    assert not by_uid[3].gone and not by_uid[4].gone
    assert len(box.messages) == 4  # nothing deleted locally: the expunged mail is marked gone


def test_a_uidvalidity_change_loses_nothing_and_doubles_nothing(
    mail_stack: MailStack, mailbox_user: str, connection: IMAPClient
) -> None:
    _deliver(mail_stack, mailbox_user, 3)
    box = MemoryMailbox()
    _sync(connection, box)
    before = box.state
    assert before is not None
    connection.unselect_folder()
    mail_stack.dovecot.doveadm(
        "mailbox", "update", "-u", mailbox_user, "--uid-validity", str(before.uidvalidity + 10), "INBOX"
    )
    _deliver(mail_stack, mailbox_user, 1, start=3)

    state = _sync(connection, box)
    assert state.uidvalidity == before.uidvalidity + 10
    assert sorted(box.messages) == sorted(f"m{n}.{mailbox_user}" for n in range(4))
    assert all(m.uid is not None for m in box.messages.values())  # the UID map was rebuilt


def test_a_sync_killed_between_batches_resumes_without_loss_or_duplicate(
    mail_stack: MailStack, mailbox_user: str, connection: IMAPClient
) -> None:
    _deliver(mail_stack, mailbox_user, 9)
    for killed_at in (1, 2, 4):
        box = MemoryMailbox(fail_after=killed_at)
        with pytest.raises(KeyboardInterrupt):
            _sync(connection, box, batch=2)
        assert len(box.messages) == killed_at * 2
        box.fail_after = None
        _sync(connection, box, batch=2)
        assert sorted(box.messages) == sorted(f"m{n}.{mailbox_user}" for n in range(9))
        assert box.state is not None and box.state.highest_uid == 9


class _WithoutCondstore:
    """The same server, as a client sees one that offers no CONDSTORE/QRESYNC."""

    def __init__(self, inner: IMAPClient) -> None:
        self._inner = inner

    def capabilities(self) -> tuple[bytes, ...]:
        return tuple(c for c in self._inner.capabilities() if c not in (b"CONDSTORE", b"QRESYNC"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_the_first_batch_is_the_small_one(
    mail_stack: MailStack, mailbox_user: str, connection: IMAPClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list starts filling after a few headers, not after a thousand; each batch commits the state it reached."""
    monkeypatch.setattr(folder_sync, "FIRST_HEADER_BATCH", 2)
    _deliver(mail_stack, mailbox_user, 7)
    batches: list[HeaderBatch] = []
    FolderSync(connection, "INBOX", batch_size=3).run(
        None, (), lambda batch: batches.append(batch) if isinstance(batch, HeaderBatch) else None
    )
    assert [len(batch.headers) for batch in batches] == [2, 3, 2]
    assert [batch.state.highest_uid for batch in batches] == [2, 5, 7]
