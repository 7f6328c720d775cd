"""The per-account event queue: arrival order, batches, retries, a failing event alone to the dead letters."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from deskchat.channels.whatsapp.pipeline import EventPipeline
from deskchat.core.spool import is_storage_full


async def _nowhere(item: str, error: BaseException) -> None:
    raise AssertionError(f"{item} should not fail: {error!r}")


def _key(item: str) -> str | None:
    return "m" if item.startswith("m") else None


@pytest.mark.allow_error_logs  # a failing group is logged at ERROR on each attempt
def test_order_batches_and_retry_of_a_failing_group(run: Any) -> None:
    seen: list[list[str]] = []
    failures = {"r1": 2}

    async def process(group: list[str]) -> None:
        if failures.get(group[0], 0):
            failures[group[0]] -= 1
            raise RuntimeError("store busy")
        seen.append(group)

    async def scenario() -> None:
        pipeline = EventPipeline("t", process, _key, on_failed=_nowhere, retry_delays=(0.0, 0.0, 0.0))
        for item in ["m1", "m2", "r1", "m3", "c1"]:
            pipeline.put(item)
        pipeline.start()
        assert await pipeline.join(timeout=5)
        await pipeline.stop()

    run(scenario())
    assert seen == [["m1", "m2"], ["r1"], ["m3"], ["c1"]]


@pytest.mark.allow_error_logs  # an event that fails for good is logged at ERROR
def test_a_poison_event_goes_alone_to_the_dead_letters_and_its_batch_mates_are_stored(run: Any) -> None:
    stored: list[str] = []
    dead: list[tuple[str, str]] = []

    async def process(group: list[str]) -> None:
        if "m-bad" in group:
            raise ValueError("bug")
        stored.extend(group)

    async def dead_letter(item: str, error: BaseException) -> None:
        dead.append((item, type(error).__name__))

    async def scenario() -> EventPipeline[str]:
        pipeline = EventPipeline("t", process, _key, on_failed=dead_letter, retry_delays=(0.0,))
        for item in [f"m{i}" for i in range(100)] + ["m-bad"] + [f"m{i}" for i in range(100, 200)] + ["c1"]:
            pipeline.put(item)
        pipeline.start()
        assert await pipeline.join(timeout=5)
        await pipeline.stop()
        return pipeline

    pipeline = run(scenario())
    assert sorted(stored) == sorted([f"m{i}" for i in range(200)] + ["c1"])
    assert stored[-1] == "c1"
    assert dead == [("m-bad", "ValueError")]
    assert pipeline.failed == 1
    assert not hasattr(pipeline, "parked")


def test_a_full_disk_waits_without_dead_letters_until_space_returns(run: Any) -> None:
    stored: list[str] = []
    waiting: list[bool] = []
    space = {"left": 5}  # attempts that still find the disk full

    async def process(group: list[str]) -> None:
        if space["left"]:
            space["left"] -= 1
            raise OSError(28, "No space left on device")
        stored.extend(group)

    async def scenario() -> None:
        pipeline = EventPipeline(
            "t",
            process,
            _key,
            on_failed=_nowhere,
            is_waiting=is_storage_full,
            on_waiting=waiting.append,
            retry_delays=(0.0,),
            wait_delays=(0.0,),
        )
        for item in ["m1", "m2", "m3"]:
            pipeline.put(item)
        pipeline.start()
        assert await pipeline.join(timeout=5)
        await pipeline.stop()

    run(scenario())
    assert stored == ["m1", "m2", "m3"]
    assert waiting == [True, False]


def test_stopping_keeps_unprocessed_events_for_the_next_start(run: Any) -> None:
    seen: list[str] = []
    gate = asyncio.Event()
    busy = asyncio.Event()

    async def process(group: list[str]) -> None:
        if group[0] == "slow":
            busy.set()
            await gate.wait()
        seen.extend(group)

    async def scenario() -> None:
        pipeline = EventPipeline("t", process, lambda item: None, on_failed=_nowhere)
        pipeline.put("slow")
        pipeline.put("next")
        pipeline.start()
        await pipeline.wait_received(2, timeout=5)
        await asyncio.wait_for(busy.wait(), 5)
        await pipeline.stop()
        assert seen == []
        gate.set()
        pipeline.start()
        assert await pipeline.join(timeout=5)
        await pipeline.stop()

    run(scenario())
    assert seen == ["slow", "next"]
