"""One IMAP folder brought up to date: new mail, flag changes and expunges, with a state that survives any crash.

The state of a folder is ``(UIDVALIDITY, highest UID synced, HIGHESTMODSEQ)``. :meth:`FolderSync.run` hands the
caller batches (:class:`HeaderBatch`, :class:`FlagChanges`) each carrying the state that holds *after* it; the caller
commits the batch's messages and that state in one transaction before returning. A crash anywhere therefore resumes
from the last committed batch, and a batch replayed after a crash is a no-op (messages are keyed on their
Message-ID). The methods here block: run them in the account's own executor, never on the GUI thread.

Rules (from isync, OfflineIMAP and Delta Chat; see the README's e-mail section):

* UIDVALIDITY changed: nothing local is deleted. Headers are fetched again from UID 1; messages already stored are
  recognised by Message-ID, so there is no loss and no duplicate.
* ``UID SEARCH UID n:*`` also returns the highest UID when it is below ``n``: results are filtered.
* Flags and expunges follow the server: with CONDSTORE/QRESYNC, ``CHANGEDSINCE`` and ``VANISHED (EARLIER)``;
  without them, a full UID listing (only an explicit listing marks a message gone, never a missing reply).
* Only the header fields the list shows are fetched (``BODY.PEEK[HEADER.FIELDS (...)]``), in large chunks: one
  round trip and one commit per thousand mails.
* Bodies are not fetched here (headers first): :func:`fetch_bodies` fetches whole messages on demand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from deskchat.channels.email.fetch_response import HEADER_ITEMS as HEADER_ITEMS
from deskchat.channels.email.fetch_response import HEADER_SECTION as HEADER_SECTION
from deskchat.channels.email.fetch_response import FetchedHeader as FetchedHeader
from deskchat.channels.email.fetch_response import fetch_headers, flag_names

log = logging.getLogger("deskchat.mail")

HEADER_BATCH: Final = 1_000  # mails per header FETCH and per commit
#: The first FETCH of a folder is smaller: the list shows mail sooner, and the store starts on it while the command
#: thread fetches the next thousand (the first commit, which also creates the senders' contacts, is the slowest).
FIRST_HEADER_BATCH: Final = 200
BODY_BATCH: Final = 200
FLAG_BATCH: Final = 1_000


class ImapConnection(Protocol):
    """The part of ``imapclient.IMAPClient`` a folder sync uses (a logged-in connection)."""

    def capabilities(self) -> tuple[bytes, ...]: ...
    def select_folder(self, folder: str, readonly: bool = False) -> dict[bytes, Any]: ...
    def search(self, criteria: Any = "ALL", charset: str | None = None) -> list[int]: ...
    def fetch(self, messages: Any, data: Any, modifiers: Any = None) -> dict[int, dict[bytes, Any]]: ...


@dataclass(frozen=True, slots=True)
class FolderState:
    uidvalidity: int
    highest_uid: int = 0
    highest_modseq: int = 0


@dataclass(frozen=True, slots=True)
class HeaderBatch:
    folder: str
    headers: tuple[FetchedHeader, ...]
    state: FolderState
    uidvalidity_changed: bool = False  # the first batch after a UIDVALIDITY change


@dataclass(frozen=True, slots=True)
class FlagChanges:
    folder: str
    flags: dict[int, tuple[str, ...]]  # uid -> the server's flags now
    vanished: tuple[int, ...]  # uids expunged on the server
    state: FolderState
    complete_listing: bool = False  # ``vanished`` comes from a full UID listing (no CONDSTORE)


Sink = Callable[[HeaderBatch | FlagChanges], None]


class UidValidityBroken(RuntimeError):
    """UIDNEXT went down under the same UIDVALIDITY: the server is inconsistent; a full resync is needed."""


class FolderSync:
    """Synchronise ``folder`` over a logged-in connection."""

    def __init__(self, connection: ImapConnection, folder: str, *, batch_size: int = HEADER_BATCH) -> None:
        self.connection = connection
        self.folder = folder
        self.batch_size = batch_size

    @property
    def condstore(self) -> bool:
        capabilities = {c.upper() for c in self.connection.capabilities()}
        return b"CONDSTORE" in capabilities or b"QRESYNC" in capabilities

    def run(self, known: FolderState | None, local_uids: Collection[int], sink: Sink) -> FolderState:
        """Bring the folder up to date from ``known``; ``sink`` commits each batch. Returns the final state.

        ``local_uids`` are the UIDs (under ``known.uidvalidity``) the caller holds for this folder: those the server
        no longer lists are reported in :attr:`FlagChanges.vanished`.
        """
        selected = self.connection.select_folder(self.folder, readonly=True)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        server_modseq = int(selected.get(b"HIGHESTMODSEQ", 0) or 0)
        changed = known is not None and known.uidvalidity != uidvalidity
        if changed:
            log.warning("%s: UIDVALIDITY changed; headers are fetched again and matched by Message-ID", self.folder)
        if known is not None and not changed:
            known = self._flags_and_expunges(known, server_modseq, set(local_uids), sink)
        start = known if known is not None and not changed else FolderState(uidvalidity)
        state = self._new_mail(start, sink, changed)
        if state.highest_modseq < server_modseq:
            state = FolderState(state.uidvalidity, state.highest_uid, server_modseq)
            sink(FlagChanges(self.folder, {}, (), state))
        return state

    def _new_mail(self, state: FolderState, sink: Sink, uidvalidity_changed: bool) -> FolderState:
        found = self.connection.search(["UID", f"{state.highest_uid + 1}:*"])
        uids = sorted(uid for uid in found if uid > state.highest_uid)
        first = True
        first_size = min(FIRST_HEADER_BATCH, self.batch_size)
        chunks = [uids[:first_size], *_chunks(uids[first_size:], self.batch_size)] if uids else []
        for chunk in chunks:
            fetched = fetch_headers(self.connection, chunk)
            headers = tuple(fetched[uid] for uid in chunk if uid in fetched)
            # the modseq is advanced only after the flag pass: a batch of new mail says nothing of older messages
            state = FolderState(state.uidvalidity, max(chunk), state.highest_modseq)
            sink(HeaderBatch(self.folder, headers, state, uidvalidity_changed and first))
            first = False
        return state

    def _flags_and_expunges(
        self, state: FolderState, server_modseq: int, local_uids: set[int], sink: Sink
    ) -> FolderState:
        condstore = self.condstore and state.highest_modseq > 0
        if state.highest_uid == 0 or (condstore and 0 < server_modseq <= state.highest_modseq):
            return state  # nothing changed since the last sync (an expunge also raises HIGHESTMODSEQ)
        listed = self.connection.search(["UID", f"1:{state.highest_uid}"])
        alive = {uid for uid in listed if uid <= state.highest_uid}
        vanished = tuple(sorted(local_uids - alive))
        modifiers = [f"CHANGEDSINCE {state.highest_modseq}"] if condstore else None
        flags: dict[int, tuple[str, ...]] = {}
        for chunk in _chunks(sorted(alive), FLAG_BATCH):  # imapclient takes UID lists, not "1:n" ranges
            changed = self.connection.fetch(chunk, ["UID", "FLAGS"], modifiers=modifiers)
            flags.update((uid, flag_names(data)) for uid, data in changed.items() if uid in alive)
        new_state = FolderState(state.uidvalidity, state.highest_uid, max(server_modseq, state.highest_modseq))
        sink(FlagChanges(self.folder, flags, vanished, new_state, complete_listing=not condstore))
        return new_state


def fetch_bodies(
    connection: ImapConnection, folder: str, uids: Sequence[int], *, batch: int = BODY_BATCH
) -> Iterable[tuple[int, bytes]]:
    """The whole raw messages ``uids`` (``BODY.PEEK[]``: reading them does not mark them seen), ``batch`` at a time."""
    connection.select_folder(folder, readonly=True)
    for chunk in _chunks(sorted(uids), batch):
        fetched = connection.fetch(chunk, ["BODY.PEEK[]"])
        for uid in chunk:
            data = fetched.get(uid, {})
            body = data.get(b"BODY[]")
            if isinstance(body, bytes):
                yield uid, body


def _chunks(items: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _modseq(data: dict[bytes, Any]) -> int:
    value = data.get(b"MODSEQ")
    if isinstance(value, tuple | list) and value:
        return int(value[0])
    return int(value) if isinstance(value, int) else 0
