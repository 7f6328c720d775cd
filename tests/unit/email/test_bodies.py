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


def test_parsing_never_runs_while_a_group_is_being_committed() -> None:
    """The two stages that keep a CPU busy take turns (the fetch, mostly waiting on the server, overlaps both): on a
    two-core machine one core stays for the window's loop."""
    groups = body_groups([_wanted("INBOX", uid) for uid in range(1, 10)], max_mails=2)
    committing = False
    overlaps = 0
    stored: list[int] = []

    async def fetch(group: BodyGroup) -> list[tuple[int, bytes]]:
        await asyncio.sleep(0)
        return [(uid, b"raw") for uid in group.channel_ids]

    async def parse(group: BodyGroup, raw: list[tuple[int, bytes]]) -> list[SyncStep]:
        nonlocal overlaps
        for _ in range(3):
            overlaps += committing
            await asyncio.sleep(0.001)
        return [MailBody(1, group.channel_ids[uid], "text") for uid, _raw in raw]

    async def store(steps: list[SyncStep]) -> object:
        nonlocal committing
        committing = True
        await asyncio.sleep(0.003)
        committing = False
        stored.append(len(steps))
        return None

    count = asyncio.run(fetch_parse_store(groups, fetch, parse, store))
    assert (count, sum(stored), overlaps) == (9, 9, 0)
