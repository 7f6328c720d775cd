"""The connection supervisor on a fake clock with a fake driver: retries, jitter bounds, watchdog, terminal states."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest

from deskchat.core.connection_states import ConnState, Status, Trigger
from deskchat.core.supervisor import Backoff, ConnectionSupervisor

T = TypeVar("T")


class FakeDriver:
    def __init__(self) -> None:
        self.opened: list[int] = []
        self.closes = 0

    async def open_connection(self, generation: int) -> None:
        self.opened.append(generation)

    async def close_connection(self) -> None:
        self.closes += 1


class FakeClock:
    """``sleep`` that waits until the test lets time pass."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self._wakers: list[asyncio.Future[None]] = []

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        waker: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._wakers.append(waker)
        await waker

    @property
    def waiting(self) -> int:
        return sum(1 for waker in self._wakers if not waker.done())

    async def pass_time(self) -> None:
        """Let tasks just spawned reach their sleep, wake every sleeper, then let what follows run."""
        for _ in range(5):
            await asyncio.sleep(0)
        for waker in self._wakers:
            if not waker.done():
                waker.set_result(None)
        for _ in range(5):
            await asyncio.sleep(0)


class Harness:
    def __init__(self, jitter: float = 1.0) -> None:
        self.driver = FakeDriver()
        self.clock = FakeClock()
        self.statuses: list[Status] = []
        self.logs: list[tuple[str, str]] = []
        self.supervisor = ConnectionSupervisor(
            self.driver,
            on_status=self.statuses.append,
            on_log=lambda event, detail: self.logs.append((event, detail)),
            backoff=Backoff(5.0, 300.0, random=lambda: jitter),
            sleep=self.clock.sleep,
            name="test",
        )

    @property
    def state(self) -> ConnState:
        return self.supervisor.status.state

    async def online(self) -> None:
        await self.supervisor.start()
        self.supervisor.connected_now("+55 11 98765-4321")


def run(scenario: Callable[[Harness], Coroutine[Any, Any, T]], jitter: float = 1.0) -> tuple[Harness, T]:
    harness = Harness(jitter)

    async def body() -> T:
        result = await scenario(harness)
        await harness.supervisor.stopping()
        return result

    return harness, asyncio.run(asyncio.wait_for(body(), 10))


# -- backoff ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jitter", "delays"),
    [
        (1.0, [5, 10, 20, 40, 80, 160, 300, 300]),
        (0.0, [2.5, 5, 10, 20, 40, 80, 150, 150]),
        (0.5, [3.75, 7.5, 15, 30, 60, 120, 225, 225]),
    ],
)
def test_backoff_doubles_up_to_its_cap_with_the_jitter_applied(jitter: float, delays: list[float]) -> None:
    backoff = Backoff(5.0, 300.0, random=lambda: jitter)
    assert [backoff.next_delay() for _ in delays] == delays
    backoff.reset()
    assert backoff.next_delay() == delays[0]


def test_jittered_delays_stay_between_half_and_all_of_the_nominal_delay_and_vary() -> None:
    backoff = Backoff(5.0, 300.0, random=random.Random(7).random)
    nominal = [min(5.0 * 2 ** min(attempt, 10), 300.0) for attempt in range(2000)]
    delays = [backoff.next_delay() for _ in nominal]
    assert all(0.5 * limit <= delay <= limit for delay, limit in zip(delays, nominal, strict=True))
    assert len({round(delay, 6) for delay in delays[10:]}) > 100  # spread, so many accounts do not retry in step


# -- transitions -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reports", "state"),
    [
        ([], ConnState.ONLINE),
        ([("dropped", "")], ConnState.RECONNECTING),
        ([("end", Trigger.DIAL_FAILED)], ConnState.OFFLINE),
        ([("end", Trigger.SERVER_FAILED)], ConnState.SERVER_UNAVAILABLE),
        ([("end", Trigger.CLIENT_DIED)], ConnState.RECONNECTING),
        ([("dropped", ""), ("connected", "")], ConnState.ONLINE),
        ([("terminal", Trigger.AUTH_FAILED)], ConnState.AUTH_REQUIRED),
        ([("terminal", Trigger.LOGGED_OUT), ("end", Trigger.CLIENT_DIED)], ConnState.LOGGED_OUT),
    ],
)
def test_reports_move_the_state(reports: list[tuple[str, Any]], state: ConnState) -> None:
    async def scenario(harness: Harness) -> None:
        await harness.online()
        supervisor = harness.supervisor
        for kind, value in reports:
            if kind == "dropped":
                supervisor.trigger(Trigger.DISCONNECTED)
            elif kind == "connected":
                supervisor.connected_now()
            elif kind == "end":
                supervisor.connection_ended(supervisor.generation, value, "why")
            else:
                supervisor.terminal(value, "why")
        await asyncio.sleep(0)

    harness, _ = run(scenario)
    assert harness.state is state
    assert [status.state for status in harness.statuses][:2] == [ConnState.CONNECTING, ConnState.ONLINE]


def test_a_server_failure_says_when_the_next_attempt_is() -> None:
    async def scenario(harness: Harness) -> None:
        await harness.supervisor.start()
        harness.supervisor.connection_ended(1, Trigger.SERVER_FAILED, "503")

    harness, _ = run(scenario, jitter=1.0)
    assert harness.statuses[-1] == Status(ConnState.SERVER_UNAVAILABLE, "503", retry_in=5.0)
    assert ("retry_scheduled", "5s") in harness.logs


# -- the watchdog ----------------------------------------------------------------------------------------------------


def test_a_connection_that_ends_without_our_stop_is_rebuilt_after_the_backoff() -> None:
    async def scenario(harness: Harness) -> None:
        await harness.online()
        supervisor, driver, clock = harness.supervisor, harness.driver, harness.clock
        supervisor.connection_ended(1, Trigger.CLIENT_DIED, "marshal failed")
        await asyncio.sleep(0)
        assert driver.opened == [1] and clock.sleeps == [5.0]  # nothing before the delay
        await clock.pass_time()
        assert driver.opened == [1, 2]
        assert harness.state is ConnState.RECONNECTING
        # the new connection cannot dial: "no internet", and the next delay doubles
        supervisor.connection_ended(2, Trigger.DIAL_FAILED, "no such host")
        await clock.pass_time()
        supervisor.connection_ended(3, Trigger.DIAL_FAILED, "no such host")
        await asyncio.sleep(0)
        assert clock.sleeps == [5.0, 10.0, 20.0]
        assert harness.state is ConnState.OFFLINE
        await clock.pass_time()
        supervisor.connected_now()
        supervisor.connection_ended(4, Trigger.CLIENT_DIED, "again")
        await asyncio.sleep(0)
        assert clock.sleeps[-1] == 5.0  # being online resets the backoff

    harness, _ = run(scenario)
    assert harness.driver.opened == [1, 2, 3, 4]
    offline = [status for status in harness.statuses if status.state is ConnState.OFFLINE]
    assert [status.retry_in for status in offline] == [10.0, 20.0]  # "no internet" does not flicker, only its delay


def test_reports_about_an_older_connection_are_ignored() -> None:
    async def scenario(harness: Harness) -> None:
        await harness.online()
        await harness.supervisor.start()  # the attendant connects again: generation 2
        harness.supervisor.connection_ended(1, Trigger.CLIENT_DIED, "the old one ended")
        await asyncio.sleep(0)

    harness, _ = run(scenario)
    assert harness.clock.sleeps == []
    assert harness.driver.opened == [1, 2]


def test_one_retry_at_a_time() -> None:
    async def scenario(harness: Harness) -> None:
        await harness.online()
        harness.supervisor.connection_ended(1, Trigger.CLIENT_DIED, "ended")
        harness.supervisor.connection_ended(1, Trigger.DIAL_FAILED, "ended twice")
        await asyncio.sleep(0)

    harness, _ = run(scenario)
    assert harness.clock.sleeps == [5.0]


# -- terminal states and stop ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "state"),
    [
        (Trigger.LOGGED_OUT, ConnState.LOGGED_OUT),
        (Trigger.STREAM_REPLACED, ConnState.REPLACED),
        (Trigger.TEMP_BANNED, ConnState.BANNED),
        (Trigger.OUTDATED, ConnState.OUTDATED),
        (Trigger.AUTH_FAILED, ConnState.AUTH_REQUIRED),
    ],
)
def test_terminal_states_close_the_connection_clean_up_and_never_reconnect(trigger: Trigger, state: ConnState) -> None:
    cleaned: list[str] = []

    async def clean_up() -> None:
        cleaned.append("session deleted")

    async def scenario(harness: Harness) -> None:
        await harness.online()
        supervisor = harness.supervisor
        supervisor.terminal(trigger, "reason", 1_900_000_000_000 if state is ConnState.BANNED else None, then=clean_up)
        await supervisor.settle(timeout=5)
        supervisor.connection_ended(1, Trigger.CLIENT_DIED, "the closed client's task ended")
        supervisor.trigger(Trigger.CONNECTED)  # a late event
        await harness.clock.pass_time()
        assert harness.state is state
        await supervisor.start()  # only the attendant leaves it
        assert harness.state is ConnState.CONNECTING

    harness, _ = run(scenario)
    assert harness.clock.sleeps == []
    assert harness.driver.opened == [1, 2]
    assert cleaned == ["session deleted"]
    terminal = [status for status in harness.statuses if status.state is state]
    assert len(terminal) == 1 and terminal[0].detail == "reason"


def test_no_reconnect_after_stop() -> None:
    async def scenario(harness: Harness) -> None:
        await harness.online()
        supervisor = harness.supervisor
        supervisor.connection_ended(1, Trigger.DIAL_FAILED, "no such host")
        await asyncio.sleep(0)
        assert harness.clock.waiting == 1
        await supervisor.stopping()
        supervisor.stopped()
        await harness.clock.pass_time()
        supervisor.connection_ended(1, Trigger.CLIENT_DIED, "ended after stop")
        await asyncio.sleep(0)

    harness, _ = run(scenario)
    assert harness.driver.opened == [1]
    assert harness.clock.sleeps == [5.0]
    assert harness.state is ConnState.NOT_CONNECTED
    assert not harness.supervisor.connected


def test_a_report_that_is_not_an_ending_or_terminal_is_refused() -> None:
    async def scenario(harness: Harness) -> None:
        await harness.online()
        with pytest.raises(ValueError):
            harness.supervisor.connection_ended(1, Trigger.CONNECTED, "")
        with pytest.raises(ValueError):
            harness.supervisor.terminal(Trigger.DISCONNECTED)

    run(scenario)
