"""Bodies in the background: the mail whose body is to fetch, cut into FETCH groups, then fetched, parsed and stored
in a pipeline.

A group is one folder (under one UIDVALIDITY), bounded in count and in bytes (``RFC822.SIZE``): one round trip and
one commit, yet a few large attachments stay small in memory, and one parse or one commit stays a short burst of work.
The three stages overlap: while the command thread fetches a group (mostly waiting for the server), the parser
process (:mod:`.parse_process`) parses the one before and the store's writer commits the one before that, with at most
one commit in flight and the commits in order (each body is stored idempotently: a group replayed after a crash
changes nothing)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from deskchat.channels.email.folder_sync import fetch_bodies
from deskchat.channels.email.sinks import BodyToFetch
from deskchat.channels.email.translate import translate_body
from deskchat.core.sync_steps import SyncStep

Raw = list[tuple[int, bytes]]  # (uid, the whole raw mail)

GROUP_MAX_MAILS: Final = 100
GROUP_MAX_BYTES: Final = 2 * 1024 * 1024


@dataclass
class BodyGroup:
    folder: str
    uidvalidity: int
    channel_ids: dict[int, str] = field(default_factory=dict)  # uid -> the stored message's channel id
    size: int = 0


def body_groups(
    wanted: Sequence[BodyToFetch], *, max_mails: int = GROUP_MAX_MAILS, max_bytes: int = GROUP_MAX_BYTES
) -> list[BodyGroup]:
    """``wanted`` in groups, keeping its order (newest first) within each folder."""
    groups: list[BodyGroup] = []
    open_groups: dict[tuple[str, int], BodyGroup] = {}
    for item in wanted:
        key = (item.folder, item.uidvalidity)
        group = open_groups.get(key)
        if group is not None and (len(group.channel_ids) >= max_mails or group.size + item.size > max_bytes):
            group = None
        if group is None:
            group = BodyGroup(item.folder, item.uidvalidity)
            open_groups[key] = group
            groups.append(group)
        group.channel_ids[item.uid] = item.channel_id
        group.size += max(item.size, 0)
    return groups


def raw_bodies(imap: Any, group: BodyGroup) -> Raw:
    """The raw mails of ``group``, in one FETCH (blocking: on the command thread)."""
    return list(fetch_bodies(imap, group.folder, list(group.channel_ids), batch=max(len(group.channel_ids), 1)))


def parse_bodies(account_id: int, group: BodyGroup, raw: Raw) -> list[SyncStep]:
    """Parse fetched mails (in the parser process, or on a thread: parsing a 1 MB mail must not stall the loop)."""
    return [
        translate_body(account_id, group.channel_ids[uid], group.folder, group.uidvalidity, uid, body)
        for uid, body in raw
        if uid in group.channel_ids
    ]


async def fetch_parse_store(
    groups: Sequence[BodyGroup],
    fetch: Callable[[BodyGroup], Awaitable[Raw]],
    parse: Callable[[BodyGroup, Raw], Awaitable[list[SyncStep]]],
    store: Callable[[list[SyncStep]], Awaitable[object]],
) -> int:
    """Run the pipeline over ``groups``; returns how many bodies were stored (0: none is on the server any more)."""
    stored = 0
    committing: asyncio.Future[object] | None = None
    fetching = asyncio.ensure_future(fetch(groups[0])) if groups else None
    try:
        for index, group in enumerate(groups):
            assert fetching is not None
            raw = await fetching
            fetching = asyncio.ensure_future(fetch(groups[index + 1])) if index + 1 < len(groups) else None
            steps = await parse(group, raw)  # while the group before is committed
            del raw
            if committing is not None:
                await committing
                committing = None
            if steps:
                committing = asyncio.ensure_future(store(steps))
                stored += len(steps)
        if committing is not None:
            await committing
    finally:
        for pending in (fetching, committing):
            if pending is not None and not pending.done():
                pending.cancel()
    return stored
