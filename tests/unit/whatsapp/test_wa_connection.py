"""Connection events through neonize's dispatch: states, no reconnect after terminal ones, watchdog, QR, stop."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from neonize.exc import NeonizeError
from neonize.proto import Neonize_pb2 as N
from neonize.utils.enum import ClientType
from wa_factory import NoDialClient, call_from_go, deliver

from deskchat.channels.whatsapp.client import WhatsAppChannel
from deskchat.channels.whatsapp.session import SessionLocked
from deskchat.channels.whatsapp.states import WaState
from deskchat.core.supervisor import Backoff


class HangingClient(NoDialClient):
    hang_on_stop = True


class PhoneCodeClient(NoDialClient):
    async def PairPhone(self, phone: str, show_push_notification: bool, **kwargs: Any) -> str:
        self.sent.append(("PairPhone", phone, kwargs))
        return "ABCD-EFGH"


def _channel(
    tmp_path: Path, recorder: Any, client_class: type[NoDialClient] = NoDialClient, **kwargs: Any
) -> WhatsAppChannel:
    kwargs.setdefault("first_retry_s", 3600)
    return WhatsAppChannel(1, tmp_path / "wa", recorder.sinks(), client_class=client_class, **kwargs)


def live(channel: WhatsAppChannel) -> Any:
    """The channel's current neonize client (there must be one)."""
    client = channel.client
    assert client is not None
    return client


def state_of(channel: WhatsAppChannel) -> WaState:
    return channel.status.state


async def _feed(channel: WhatsAppChannel, *events: Any) -> None:
    before = channel.pipeline.received
    for event in events:
        deliver(channel.client, event)
    await channel.pipeline.wait_received(before + len(events), timeout=5)
    assert await channel.pipeline.join(timeout=5)


@pytest.mark.parametrize(
    ("event", "state", "detail"),
    [
        (N.LoggedOut(OnConnect=True, Reason=N.MAIN_DEVICE_GONE), WaState.LOGGED_OUT, "MAIN_DEVICE_GONE"),
        (
            N.TemporaryBan(Code=N.TemporaryBan.SEND_TO_TOO_MANY_PEOPLE, Expire=3600),
            WaState.BANNED,
            "SEND_TO_TOO_MANY_PEOPLE",
        ),
        (N.StreamReplaced(), WaState.REPLACED, ""),
        (N.ClientOutdated(), WaState.OUTDATED, ""),
        (N.ConnectFailure(Reason=N.LOGGED_OUT, Message="401"), WaState.LOGGED_OUT, "LOGGED_OUT"),
    ],
)
def test_terminal_events_stop_the_client_and_never_reconnect(
    run: Any, recorder: Any, tmp_path: Path, event: Any, state: WaState, detail: str
) -> None:
    channel = _channel(tmp_path, recorder, first_retry_s=0.01)

    async def scenario() -> None:
        await channel.start()
        client = live(channel)
        await _feed(channel, N.Connected(status=True))
        assert state_of(channel) is WaState.ONLINE
        await _feed(channel, event)
        await channel.settle(timeout=5)
        assert client.connect_task.done()  # stopped by the adapter; the watchdog saw it end
        assert channel.client is None
        await channel.stop()

    started = time.time()
    run(scenario())
    terminal = [status for status in recorder.states if status.state is state]
    assert len(terminal) == 1 and terminal[0].detail == detail  # not overwritten when the client task ends
    assert recorder.log_events("retry_scheduled") == []
    assert len(recorder.log_events("connect_attempt")) == 1
    assert recorder.states[-1].state is WaState.NOT_CONNECTED  # after stop()
    if state is WaState.BANNED:
        until = terminal[0].banned_until
        # in whole milliseconds, as stored: an expiry computed in the millisecond the test started is not early
        assert until is not None and int(started * 1000) + 3_600_000 <= until <= time.time() * 1000 + 3_600_000
    if state is WaState.LOGGED_OUT:
        assert not channel.files.path.exists()  # the unlinked session is deleted


def test_dead_client_is_rebuilt_and_old_clients_are_ignored(run: Any, recorder: Any, tmp_path: Path) -> None:
    channel = _channel(tmp_path, recorder, backoff=Backoff(0.01, 1.0, random=lambda: 1.0))  # no jitter

    async def scenario() -> None:
        await channel.start()
        old = live(channel)
        await _feed(channel, N.Connected(status=True))
        old.die(NeonizeError("proto: required field Type not set"))  # Go's marshal failed: delivery stopped
        await recorder.wait_for(lambda: channel.generation == 2 and channel.client is not None)
        assert state_of(channel) is WaState.RECONNECTING
        deliver(old, N.LoggedOut(Reason=N.LOGGED_OUT))  # a late event of the dead client
        await _feed(channel, N.Connected(status=True))
        assert state_of(channel) is WaState.ONLINE
        await channel.stop()

    run(scenario())
    assert [status.state for status in recorder.states if status.state is WaState.LOGGED_OUT] == []
    assert recorder.log_events("retry_scheduled") == ["0.01s"]


def test_drops_are_left_to_whatsmeow(run: Any, recorder: Any, tmp_path: Path) -> None:
    channel = _channel(tmp_path, recorder)

    async def scenario() -> None:
        await channel.start()
        await _feed(channel, N.Connected(status=True), N.KeepAliveTimeout(ErrorCount=2, LastSuccess=1))
        assert channel.status.state is WaState.RECONNECTING
        await _feed(channel, N.KeepAliveRestored(), N.Disconnected(status=True))
        assert channel.status.state is WaState.RECONNECTING
        await _feed(channel, N.Connected(status=True))
        await channel.stop()

    run(scenario())
    assert [status.state for status in recorder.states][-3:] == [
        WaState.RECONNECTING,
        WaState.ONLINE,
        WaState.NOT_CONNECTED,
    ]
    assert len(recorder.log_events("connect_attempt")) == 1


def test_qr_codes_rotation_timeout_and_one_automatic_refresh(run: Any, recorder: Any, tmp_path: Path) -> None:
    channel = _channel(tmp_path, recorder)

    async def show_qr(code: bytes) -> None:
        count = len(recorder.qrs)
        call_from_go(live(channel)._NewAClient__onQr, code)
        await recorder.wait_for(lambda: len(recorder.qrs) == count + 1)

    async def login_status(text: bytes) -> None:
        count = len(recorder.log_events("login_status"))
        call_from_go(live(channel)._NewAClient__onLoginStatus, text)
        await recorder.wait_for(lambda: len(recorder.log_events("login_status")) == count + 1)

    async def scenario() -> None:
        await channel.start()
        await show_qr(b"2@first,noise,identity,adv")
        await show_qr(b"2@second,noise,identity,adv")
        assert channel.status.state is WaState.WAITING_QR
        await login_status(b"timeout")  # whatsmeow gave up after the 6 codes
        await recorder.wait_for(lambda: channel.generation == 2 and channel.client is not None)
        await show_qr(b"2@third,noise,identity,adv")
        await login_status(b"timeout")
        await channel.supervisor.wait_for(WaState.NOT_CONNECTED, timeout=5)
        await channel.settle(timeout=5)
        await channel.stop()

    run(scenario())
    assert [(qr.code, qr.index, qr.expires_in) for qr in recorder.qrs] == [
        ("2@first,noise,identity,adv", 0, 60.0),
        ("2@second,noise,identity,adv", 1, 20.0),
        ("2@third,noise,identity,adv", 0, 60.0),
    ]
    assert any(status.detail == "qr_expired" for status in recorder.states)
    assert len(recorder.log_events("connect_attempt")) == 2  # one automatic refresh, then the attendant decides


def test_pairing_success_then_connected(run: Any, recorder: Any, tmp_path: Path) -> None:
    channel = _channel(tmp_path, recorder)

    async def scenario() -> None:
        await channel.start()
        call_from_go(live(channel)._NewAClient__onQr, b"2@qr")
        await channel.supervisor.wait_for(WaState.WAITING_QR, timeout=5)
        call_from_go(live(channel)._NewAClient__onLoginStatus, b"success")
        await channel.supervisor.wait_for(WaState.CONNECTING, timeout=5)
        pair = N.PairStatus(ID=N.JID(User="5511900000000", Server="s.whatsapp.net"), Status=N.PairStatus.SUCCESS)
        await _feed(channel, pair, N.Connected(status=True))
        assert channel.status.state is WaState.ONLINE
        await channel.stop()

    run(scenario())


def test_pairing_by_phone_code(run: Any, recorder: Any, tmp_path: Path) -> None:
    channel = _channel(tmp_path, recorder, client_class=PhoneCodeClient)

    async def scenario() -> Any:
        await channel.start()
        with pytest.raises(RuntimeError, match="QR screen"):
            await channel.pair_with_phone("+55 11 98765-4321")
        call_from_go(live(channel)._NewAClient__onQr, b"2@qr")
        await channel.supervisor.wait_for(WaState.WAITING_QR, timeout=5)
        code = await channel.pair_with_phone("(11) 98765-4321")
        call_from_go(live(channel)._NewAClient__onQr, b"2@qr-rotated")  # ignored while the code is shown
        await recorder.wait_for(lambda: len(recorder.log_events("qr")) == 2)
        client = channel.client
        await channel.stop()
        return code, client

    code, client = run(scenario())
    assert code == "ABCD-EFGH"
    name, phone, kwargs = client.sent[0]
    assert (name, phone, kwargs["client_type"]) == ("PairPhone", "5511987654321", ClientType.CHROME)
    assert [qr.code for qr in recorder.qrs] == ["2@qr"]


def test_stop_returns_within_3_seconds_while_go_hangs_on_the_qr_screen(run: Any, recorder: Any, tmp_path: Path) -> None:
    channel = _channel(tmp_path, recorder, client_class=HangingClient)

    async def scenario() -> float:
        await channel.start()
        call_from_go(live(channel)._NewAClient__onQr, b"2@qr")
        await channel.supervisor.wait_for(WaState.WAITING_QR, timeout=5)
        loop = asyncio.get_running_loop()
        began = loop.time()
        await channel.stop()
        return loop.time() - began

    elapsed = run(scenario())
    assert elapsed < 3.0
    assert channel.stuck
    assert channel.status.state is WaState.NOT_CONNECTED
    assert not channel.files.locked


def test_second_adapter_on_the_same_session_is_refused(run: Any, recorder: Any, tmp_path: Path) -> None:
    first = _channel(tmp_path, recorder)
    second = _channel(tmp_path, recorder)

    async def scenario() -> None:
        await first.start()
        with pytest.raises(SessionLocked):
            await second.start()
        await first.stop()

    run(scenario())
