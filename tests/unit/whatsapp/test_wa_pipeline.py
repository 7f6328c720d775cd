"""The per-account event queue: arrival order, batches, retries, nothing dropped."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from deskchat.channels.whatsapp.pipeline import EventPipeline


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
        pipeline = EventPipeline("t", process, _key, retry_delays=(0.0, 0.0, 0.0))
        for item in ["m1", "m2", "r1", "m3", "c1"]:
            pipeline.put(item)
        pipeline.start()
        assert await pipeline.join(timeout=5)
        await pipeline.stop()

    run(scenario())
    assert seen == [["m1", "m2"], ["r1"], ["m3"], ["c1"]]


@pytest.mark.allow_error_logs  # a failing group is logged at ERROR on each attempt
def test_a_poison_event_is_parked_not_lost_and_does_not_block_the_rest(run: Any) -> None:
    seen: list[str] = []
    parked: list[str] = []
    broken = {"bad"}

    async def process(group: list[str]) -> None:
        if group[0] in broken:
            raise ValueError("bug")
        seen.extend(group)

    async def scenario() -> EventPipeline[str]:
        pipeline = EventPipeline("t", process, lambda item: None, on_parked=parked.append, retry_delays=(0.0,))
        pipeline.start()
        for item in ["a", "bad", "b"]:
            pipeline.put(item)
        assert await pipeline.join(timeout=5)
        assert seen == ["a", "b"]
        assert pipeline.parked == [["bad"]]
        broken.clear()
        assert pipeline.retry_parked() == 1
        assert await pipeline.join(timeout=5)
        await pipeline.stop()
        return pipeline

    pipeline = run(scenario())
    assert seen == ["a", "b", "bad"]
    assert pipeline.parked == []
    assert len(parked) == 1


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
        pipeline = EventPipeline("t", process, lambda item: None)
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
