"""How the e-mail adapter talks to the app: small injected callables, no store or Qt imports.

The app (``deskchat.services.email_accounts``) wires them to its services: ``on_messages`` to
``IngestService.ingest`` (messages, their sync steps and the folder state in one transaction), the folder and
body look-ups to the store's e-mail reads, the state and the log to the accounts service.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from deskchat.core.connection_states import Status
from deskchat.core.messages import InboundMessage, SyncState
from deskchat.core.sync_steps import SyncStep

log = logging.getLogger("deskchat.mail")


@dataclass(frozen=True, slots=True)
class BodyToFetch:
    """A stored mail whose body is still on the server only."""

    channel_id: str
    folder: str
    uidvalidity: int
    uid: int
    size: int


@dataclass(frozen=True, slots=True)
class FolderMemory:
    """What the app holds of a folder: its committed state and the UIDs it maps under that state's UIDVALIDITY."""

    state: SyncState | None
    uids: Collection[int] = ()


class MailMessagesSink(Protocol):
    def __call__(
        self,
        batch: Sequence[InboundMessage],
        consumed: Sequence[int] = (),
        sync: SyncState | None = None,
        steps: Sequence[SyncStep] = (),
    ) -> Awaitable[object]: ...


async def _no_messages(
    batch: Sequence[InboundMessage],
    consumed: Sequence[int] = (),
    sync: SyncState | None = None,
    steps: Sequence[SyncStep] = (),
) -> object:
    log.warning("e-mail messages not wired: %d dropped", len(batch))
    return None


async def _no_memory(account_id: int, folder: str) -> FolderMemory:
    return FolderMemory(None)


async def _no_bodies(account_id: int, limit: int) -> Sequence[BodyToFetch]:
    return ()


def _ignore_state(account_id: int, status: Status) -> None:
    return None


def _ignore_log(account_id: int, event: str, detail: str) -> None:
    return None


def _ignore_progress(account_id: int, done: int, total: int, stored: int) -> None:
    return None


@dataclass(frozen=True)
class MailSinks:
    """Callbacks of one mailbox's adapter (every one optional)."""

    #: Store messages with their steps and the folder state, in one transaction; raises when nothing was stored.
    on_messages: MailMessagesSink = _no_messages
    #: The folder's committed state and mapped UIDs.
    folder_memory: Callable[[int, str], Awaitable[FolderMemory]] = _no_memory
    #: Mail whose body is still to fetch, newest first (at most ``limit``).
    pending_bodies: Callable[[int, int], Awaitable[Sequence[BodyToFetch]]] = _no_bodies
    on_state: Callable[[int, Status], None] = _ignore_state
    on_log: Callable[[int, str, str], None] = _ignore_log
    #: The first sync's progress (called on the event loop after each commit): headers stored so far in the folder,
    #: of how many, and how many this commit stored.
    on_first_sync_progress: Callable[[int, int, int, int], None] = _ignore_progress
