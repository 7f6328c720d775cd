"""The connection state machine of one WhatsApp account.

States are stable machine names (published as ``ChannelStateChanged.state``); the words the attendant reads are the
UI's business (pt_BR first), e.g. ``offline`` → "Sem internet", ``logged_out`` → "Desconectado pelo celular".

::

    not_connected ──start──▶ connecting ──qr_shown──▶ waiting_qr ──pair_success──▶ connecting
                                 │ ▲                       │ qr_expired / pair_failed ▼
                      dial_failed│ │retry              not_connected
                                 ▼ │
                              offline ──connected──▶ online ◀──connected / keepalive_restored── reconnecting
                                                       └──disconnected / keepalive_timeout / client_died──▶┘

    any state ──logged_out──▶ logged_out      ──stream_replaced──▶ replaced
              ──temp_banned──▶ banned (until) ──outdated──▶ outdated        ──stopped──▶ not_connected

The four *terminal* states (logged out, replaced, banned, outdated) are left only by an explicit ``start`` from the
attendant (a new pairing, "use here", after the ban, after an update); nothing reconnects by itself from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class WaState(StrEnum):
    NOT_CONNECTED = "not_connected"
    WAITING_QR = "waiting_qr"  # pairing: a QR code (or a phone code) is on screen
    CONNECTING = "connecting"
    ONLINE = "online"
    RECONNECTING = "reconnecting"  # was online; whatsmeow or our watchdog is reconnecting
    OFFLINE = "offline"  # no internet: the WhatsApp host cannot be reached; retries are scheduled
    LOGGED_OUT = "logged_out"  # unlinked on the phone (or the device was removed)
    REPLACED = "replaced"  # the same session was opened elsewhere
    BANNED = "banned"  # temporary ban, with an expiry
    OUTDATED = "outdated"  # WhatsApp refuses this version of the library


class Trigger(StrEnum):
    START = "start"  # the attendant (or app start-up) asks to connect
    RETRY = "retry"  # a scheduled automatic attempt
    QR_SHOWN = "qr_shown"
    QR_EXPIRED = "qr_expired"
    PAIR_SUCCESS = "pair_success"
    PAIR_FAILED = "pair_failed"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    KEEPALIVE_TIMEOUT = "keepalive_timeout"
    KEEPALIVE_RESTORED = "keepalive_restored"
    DIAL_FAILED = "dial_failed"  # the connection attempt could not reach the server (no internet)
    CLIENT_DIED = "client_died"  # the neonize connect task ended without our stop()
    LOGGED_OUT = "logged_out"
    STREAM_REPLACED = "stream_replaced"
    TEMP_BANNED = "temp_banned"
    OUTDATED = "outdated"
    STOPPED = "stopped"


TERMINAL: Final = frozenset({WaState.LOGGED_OUT, WaState.REPLACED, WaState.BANNED, WaState.OUTDATED})

#: States from which the adapter reconnects on its own (watchdog, offline retries).
AUTO_RECONNECT: Final = frozenset({WaState.CONNECTING, WaState.ONLINE, WaState.RECONNECTING, WaState.OFFLINE})

#: Triggers that lead to the same state from anywhere.
_GLOBAL: Final = {
    Trigger.LOGGED_OUT: WaState.LOGGED_OUT,
    Trigger.STREAM_REPLACED: WaState.REPLACED,
    Trigger.TEMP_BANNED: WaState.BANNED,
    Trigger.OUTDATED: WaState.OUTDATED,
    Trigger.STOPPED: WaState.NOT_CONNECTED,
}

_TRANSITIONS: Final = {
    WaState.NOT_CONNECTED: {Trigger.START: WaState.CONNECTING},
    WaState.CONNECTING: {
        Trigger.QR_SHOWN: WaState.WAITING_QR,
        Trigger.CONNECTED: WaState.ONLINE,
        Trigger.DIAL_FAILED: WaState.OFFLINE,
        Trigger.CLIENT_DIED: WaState.RECONNECTING,
        Trigger.DISCONNECTED: WaState.RECONNECTING,
        Trigger.PAIR_SUCCESS: WaState.CONNECTING,
    },
    WaState.WAITING_QR: {
        Trigger.QR_SHOWN: WaState.WAITING_QR,
        Trigger.PAIR_SUCCESS: WaState.CONNECTING,
        Trigger.CONNECTED: WaState.ONLINE,
        Trigger.QR_EXPIRED: WaState.NOT_CONNECTED,
        Trigger.PAIR_FAILED: WaState.NOT_CONNECTED,
        Trigger.DIAL_FAILED: WaState.OFFLINE,
        Trigger.CLIENT_DIED: WaState.NOT_CONNECTED,  # the attendant asks for a new QR
        Trigger.START: WaState.CONNECTING,  # "new QR"
    },
    WaState.ONLINE: {
        Trigger.DISCONNECTED: WaState.RECONNECTING,
        Trigger.KEEPALIVE_TIMEOUT: WaState.RECONNECTING,
        Trigger.CLIENT_DIED: WaState.RECONNECTING,
        Trigger.CONNECTED: WaState.ONLINE,
        Trigger.KEEPALIVE_RESTORED: WaState.ONLINE,
    },
    WaState.RECONNECTING: {
        Trigger.CONNECTED: WaState.ONLINE,
        Trigger.KEEPALIVE_RESTORED: WaState.ONLINE,
        Trigger.DIAL_FAILED: WaState.OFFLINE,
        Trigger.RETRY: WaState.RECONNECTING,
        Trigger.QR_SHOWN: WaState.WAITING_QR,  # the session vanished underneath us
        Trigger.CLIENT_DIED: WaState.RECONNECTING,
    },
    WaState.OFFLINE: {
        Trigger.CONNECTED: WaState.ONLINE,
        Trigger.RETRY: WaState.OFFLINE,  # stays "no internet" while retrying, no flicker
        Trigger.DIAL_FAILED: WaState.OFFLINE,
        Trigger.CLIENT_DIED: WaState.OFFLINE,
        Trigger.QR_SHOWN: WaState.WAITING_QR,
        Trigger.START: WaState.CONNECTING,
    },
}
_TERMINAL_TRANSITIONS: Final = {Trigger.START: WaState.CONNECTING}


def next_state(current: WaState, trigger: Trigger) -> WaState:
    """Where ``trigger`` leads from ``current``; unknown combinations keep ``current``."""
    if trigger in _GLOBAL:
        return _GLOBAL[trigger]
    if current in TERMINAL:
        return _TERMINAL_TRANSITIONS.get(trigger, current)
    return _TRANSITIONS.get(current, {}).get(trigger, current)


def may_reconnect(state: WaState) -> bool:
    """Whether the adapter may connect again without the attendant asking."""
    return state in AUTO_RECONNECT


@dataclass(frozen=True, slots=True)
class Status:
    """A state with its context: a machine-readable ``detail`` and, when banned, the end of the ban."""

    state: WaState
    detail: str = ""
    banned_until: int | None = None  # unix ms

    @property
    def may_reconnect(self) -> bool:
        return may_reconnect(self.state)
