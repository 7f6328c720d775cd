"""The connection states every channel shares: where each trigger leads, and when reconnecting by itself is allowed."""

from __future__ import annotations

import pytest

from deskchat.core.connection_states import TERMINAL, ConnState, Trigger, may_reconnect, next_state

WaState = ConnState


@pytest.mark.parametrize(
    ("start", "triggers", "end"),
    [
        (WaState.NOT_CONNECTED, [Trigger.START, Trigger.QR_SHOWN], WaState.WAITING_QR),
        (
            WaState.NOT_CONNECTED,
            [Trigger.START, Trigger.QR_SHOWN, Trigger.PAIR_SUCCESS, Trigger.CONNECTED],
            WaState.ONLINE,
        ),
        (WaState.NOT_CONNECTED, [Trigger.START, Trigger.CONNECTED], WaState.ONLINE),
        (WaState.NOT_CONNECTED, [Trigger.START, Trigger.DIAL_FAILED, Trigger.RETRY], WaState.OFFLINE),
        (WaState.OFFLINE, [Trigger.CONNECTED], WaState.ONLINE),
        (WaState.ONLINE, [Trigger.DISCONNECTED], WaState.RECONNECTING),
        (WaState.ONLINE, [Trigger.KEEPALIVE_TIMEOUT, Trigger.KEEPALIVE_RESTORED], WaState.ONLINE),
        (WaState.ONLINE, [Trigger.CLIENT_DIED, Trigger.DIAL_FAILED], WaState.OFFLINE),
        (WaState.WAITING_QR, [Trigger.QR_EXPIRED], WaState.NOT_CONNECTED),
        (WaState.WAITING_QR, [Trigger.PAIR_FAILED], WaState.NOT_CONNECTED),
        (WaState.ONLINE, [Trigger.STOPPED], WaState.NOT_CONNECTED),
        # e-mail and CRM: the server answers but refuses service; retries keep the state (no flicker)
        (WaState.NOT_CONNECTED, [Trigger.START, Trigger.SERVER_FAILED], WaState.SERVER_UNAVAILABLE),
        (WaState.ONLINE, [Trigger.SERVER_FAILED, Trigger.RETRY, Trigger.CLIENT_DIED], WaState.SERVER_UNAVAILABLE),
        (WaState.SERVER_UNAVAILABLE, [Trigger.DIAL_FAILED], WaState.OFFLINE),
        (WaState.OFFLINE, [Trigger.SERVER_FAILED], WaState.SERVER_UNAVAILABLE),
        (WaState.SERVER_UNAVAILABLE, [Trigger.RETRY, Trigger.CONNECTED], WaState.ONLINE),
        (WaState.CONNECTING, [Trigger.AUTH_FAILED], WaState.AUTH_REQUIRED),
    ],
)
def test_transitions(start: WaState, triggers: list[Trigger], end: WaState) -> None:
    state = start
    for trigger in triggers:
        state = next_state(state, trigger)
    assert state is end


@pytest.mark.parametrize(
    ("trigger", "terminal"),
    [
        (Trigger.LOGGED_OUT, WaState.LOGGED_OUT),
        (Trigger.STREAM_REPLACED, WaState.REPLACED),
        (Trigger.TEMP_BANNED, WaState.BANNED),
        (Trigger.OUTDATED, WaState.OUTDATED),
        (Trigger.AUTH_FAILED, WaState.AUTH_REQUIRED),
    ],
)
def test_terminal_states_hold_until_the_attendant_starts_again(trigger: Trigger, terminal: WaState) -> None:
    for start in WaState:
        assert next_state(start, trigger) is terminal
    for later in (
        Trigger.CONNECTED,
        Trigger.RETRY,
        Trigger.DISCONNECTED,
        Trigger.CLIENT_DIED,
        Trigger.DIAL_FAILED,
        Trigger.SERVER_FAILED,
    ):
        assert next_state(terminal, later) is terminal
    assert not may_reconnect(terminal)
    assert next_state(terminal, Trigger.START) is WaState.CONNECTING


def test_automatic_reconnect_only_from_live_states() -> None:
    allowed = {state for state in WaState if may_reconnect(state)}
    assert allowed == {
        WaState.CONNECTING,
        WaState.ONLINE,
        WaState.RECONNECTING,
        WaState.OFFLINE,
        WaState.SERVER_UNAVAILABLE,
    }
    assert TERMINAL.isdisjoint(allowed)
    assert not may_reconnect(WaState.WAITING_QR)
    assert not may_reconnect(WaState.NOT_CONNECTED)


def test_the_whatsapp_names_stay_the_published_names() -> None:
    names = {state.value for state in ConnState}
    whatsapp = "not_connected waiting_qr connecting online reconnecting offline logged_out replaced banned outdated"
    assert set(whatsapp.split()) | {"auth_required", "server_unavailable"} == names
