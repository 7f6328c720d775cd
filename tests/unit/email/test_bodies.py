"""Background bodies: FETCH groups bounded by folder, count and bytes; the fetch/parse/store pipeline stores every
group once, in order, with one commit in flight, and stops at a failed commit."""

from __future__ import annotations

import asyncio

import pytest

from deskchat.channels.email.bodies import BodyGroup, body_groups, fetch_parse_store
from deskchat.channels.email.sinks import BodyToFetch
from deskchat.core.sync_steps import MailBody, SyncStep


def _wanted(folder: str, uid: int, size: int = 1_000) -> BodyToFetch:
    return BodyToFetch(f"{folder}-{uid}", folder, 7, uid, size)


def test_groups_keep_one_folder_and_stay_within_count_and_bytes() -> None:
    wanted = [_wanted("INBOX", uid) for uid in range(1, 6)] + [_wanted("Sent", 9), _wanted("INBOX", 50, 3_000)]
    groups = body_groups(wanted, max_mails=2, max_bytes=3_500)
    assert [(g.folder, list(g.channel_ids)) for g in groups] == [
        ("INBOX", [1, 2]),
        ("INBOX", [3, 4]),
        ("INBOX", [5]),
        ("Sent", [9]),
        ("INBOX", [50]),
    ]


def _pipeline(groups: list[BodyGroup], fail_at: int | None = None) -> tuple[list[list[str]], int, int | None]:
    stored: list[list[str]] = []
    in_flight = 0
    most = 0

    async def fetch(group: BodyGroup) -> list[tuple[int, bytes]]:
        await asyncio.sleep(0)
        return [(uid, b"raw") for uid in group.channel_ids]

    async def parse(group: BodyGroup, raw: list[tuple[int, bytes]]) -> list[SyncStep]:
        return [MailBody(1, group.channel_ids[uid], "text") for uid, _raw in raw]

    async def store(steps: list[SyncStep]) -> object:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        if fail_at is not None and len(stored) == fail_at:
            raise OSError("the store failed")
        stored.append([step.channel_id for step in steps if isinstance(step, MailBody)])
        return None

    count = asyncio.run(fetch_parse_store(groups, fetch, parse, store))
    return stored, most, count


def test_the_pipeline_stores_every_group_once_in_order_with_one_commit_in_flight() -> None:
    groups = body_groups([_wanted("INBOX", uid) for uid in range(1, 8)], max_mails=3)
    stored, most, count = _pipeline(groups)
    assert stored == [["INBOX-1", "INBOX-2", "INBOX-3"], ["INBOX-4", "INBOX-5", "INBOX-6"], ["INBOX-7"]]
    assert (most, count) == (1, 7)


def test_a_failed_commit_stops_the_pipeline() -> None:
    groups = body_groups([_wanted("INBOX", uid) for uid in range(1, 8)], max_mails=2)
    with pytest.raises(OSError):
        _pipeline(groups, fail_at=1)


def test_the_next_group_is_parsed_while_the_one_before_is_committed() -> None:
    """Parsing runs in its own process and committing mostly in SQLite's C code: they overlap, one commit at a time."""
    groups = body_groups([_wanted("INBOX", uid) for uid in range(1, 10)], max_mails=2)
    committing = 0
    most_committing = 0
    parsed_during_a_commit = 0
    stored: list[int] = []

    async def fetch(group: BodyGroup) -> list[tuple[int, bytes]]:
        await asyncio.sleep(0)
        return [(uid, b"raw") for uid in group.channel_ids]

    async def parse(group: BodyGroup, raw: list[tuple[int, bytes]]) -> list[SyncStep]:
        nonlocal parsed_during_a_commit
        await asyncio.sleep(0)
        parsed_during_a_commit += committing > 0
        return [MailBody(1, group.channel_ids[uid], "text") for uid, _raw in raw]

    async def store(steps: list[SyncStep]) -> object:
        nonlocal committing, most_committing
        committing += 1
        most_committing = max(most_committing, committing)
        for _ in range(3):
            await asyncio.sleep(0)
        committing -= 1
        stored.append(len(steps))
        return None

    count = asyncio.run(fetch_parse_store(groups, fetch, parse, store))
    assert (count, stored, most_committing) == (9, [2, 2, 2, 2, 1], 1)
    assert parsed_during_a_commit == len(groups) - 1
