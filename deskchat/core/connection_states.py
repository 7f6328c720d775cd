"""The connection states every channel account shares (WhatsApp, e-mail, CRM) and where each trigger leads.

States are stable machine names (published as ``ChannelStateChanged.state``); the words the attendant reads are the
UI's business (pt_BR first): ``offline`` → "Sem internet", ``logged_out`` → "Desconectado pelo celular",
``auth_required`` → "Entrada necessária", ``server_unavailable`` → "Servidor indisponível — nova tentativa em 30 s".

::

    not_connected ──start──▶ connecting ──qr_shown──▶ waiting_qr ──pair_success──▶ connecting
                                 │ ▲                       │ qr_expired / pair_failed ▼
           dial_failed / server_failed│retry           not_connected
                                 ▼ │
               offline / server_unavailable ──connected──▶ online ◀──connected / keepalive_restored── reconnecting
                                                       └──disconnected / keepalive_timeout / client_died──▶┘

    any state ──logged_out──▶ logged_out      ──stream_replaced──▶ replaced      ──auth_failed──▶ auth_required
              ──temp_banned──▶ banned (until) ──outdated──▶ outdated           ──stopped──▶ not_connected

The *terminal* states (logged out, replaced, banned, outdated, auth required) are left only by an explicit ``start``
from the attendant (a new pairing or sign-in, "use here", after the ban, after an update); nothing reconnects by
itself from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class ConnState(StrEnum):
    NOT_CONNECTED = "not_connected"
    WAITING_QR = "waiting_qr"  # pairing: a QR code (or a phone code) is on screen
    CONNECTING = "connecting"
    ONLINE = "online"
    RECONNECTING = "reconnecting"  # was online; the channel library or our watchdog is reconnecting
    OFFLINE = "offline"  # no internet: the host cannot be reached; retries are scheduled
    SERVER_UNAVAILABLE = "server_unavailable"  # the host answers but refuses service (5xx, BYE); retries scheduled
    LOGGED_OUT = "logged_out"  # unlinked on the phone (or the device was removed)
    REPLACED = "replaced"  # the same session was opened elsewhere
    BANNED = "banned"  # temporary ban, with an expiry
    OUTDATED = "outdated"  # the service refuses this version of the client
    AUTH_REQUIRED = "auth_required"  # password or token refused: the attendant must sign in again


class Trigger(StrEnum):
    START = "start"  # the attendant (or app start-up) asks to connect
    RETRY = "retry"  # a scheduled automatic attempt
    QR_SHOWN = "qr_shown"
    QR_EXPIRED = "qr_expired"
    PAIR_SUCCESS = "pair_success"
    PAIR_FAILED = "pair_failed"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"  # dropped; the library reconnects by itself
    KEEPALIVE_TIMEOUT = "keepalive_timeout"
    KEEPALIVE_RESTORED = "keepalive_restored"
    DIAL_FAILED = "dial_failed"  # the connection attempt could not reach the server (no internet)
    SERVER_FAILED = "server_failed"  # the server was reached but refused service for now
    CLIENT_DIED = "client_died"  # the driver's connection ended without our stop
    AUTH_FAILED = "auth_failed"
    LOGGED_OUT = "logged_out"
    STREAM_REPLACED = "stream_replaced"
    TEMP_BANNED = "temp_banned"
    OUTDATED = "outdated"
    STOPPED = "stopped"


TERMINAL: Final = frozenset(
    {ConnState.LOGGED_OUT, ConnState.REPLACED, ConnState.BANNED, ConnState.OUTDATED, ConnState.AUTH_REQUIRED}
)

#: States from which the supervisor reconnects on its own (watchdog, offline retries).
AUTO_RECONNECT: Final = frozenset(
    {
        ConnState.CONNECTING,
        ConnState.ONLINE,
        ConnState.RECONNECTING,
        ConnState.OFFLINE,
        ConnState.SERVER_UNAVAILABLE,
    }
)

#: Triggers that lead to the same state from anywhere.
_GLOBAL: Final = {
    Trigger.LOGGED_OUT: ConnState.LOGGED_OUT,
    Trigger.STREAM_REPLACED: ConnState.REPLACED,
    Trigger.TEMP_BANNED: ConnState.BANNED,
    Trigger.OUTDATED: ConnState.OUTDATED,
    Trigger.AUTH_FAILED: ConnState.AUTH_REQUIRED,
    Trigger.STOPPED: ConnState.NOT_CONNECTED,
}

#: While retrying after a failure the state stays put ("no internet" does not flicker to "connecting").
_WAITING_FOR_RETRY: Final = {
    Trigger.CONNECTED: ConnState.ONLINE,
    Trigger.DIAL_FAILED: ConnState.OFFLINE,
    Trigger.SERVER_FAILED: ConnState.SERVER_UNAVAILABLE,
    Trigger.QR_SHOWN: ConnState.WAITING_QR,
    Trigger.START: ConnState.CONNECTING,
}

_TRANSITIONS: Final = {
    ConnState.NOT_CONNECTED: {Trigger.START: ConnState.CONNECTING},
    ConnState.CONNECTING: {
        Trigger.QR_SHOWN: ConnState.WAITING_QR,
        Trigger.CONNECTED: ConnState.ONLINE,
        Trigger.DIAL_FAILED: ConnState.OFFLINE,
        Trigger.SERVER_FAILED: ConnState.SERVER_UNAVAILABLE,
        Trigger.CLIENT_DIED: ConnState.RECONNECTING,
        Trigger.DISCONNECTED: ConnState.RECONNECTING,
        Trigger.PAIR_SUCCESS: ConnState.CONNECTING,
    },
    ConnState.WAITING_QR: {
        Trigger.QR_SHOWN: ConnState.WAITING_QR,
        Trigger.PAIR_SUCCESS: ConnState.CONNECTING,
        Trigger.CONNECTED: ConnState.ONLINE,
        Trigger.QR_EXPIRED: ConnState.NOT_CONNECTED,
        Trigger.PAIR_FAILED: ConnState.NOT_CONNECTED,
        Trigger.DIAL_FAILED: ConnState.OFFLINE,
        Trigger.SERVER_FAILED: ConnState.SERVER_UNAVAILABLE,
        Trigger.CLIENT_DIED: ConnState.NOT_CONNECTED,  # the attendant asks for a new QR
        Trigger.START: ConnState.CONNECTING,  # "new QR"
    },
    ConnState.ONLINE: {
        Trigger.DISCONNECTED: ConnState.RECONNECTING,
        Trigger.KEEPALIVE_TIMEOUT: ConnState.RECONNECTING,
        Trigger.CLIENT_DIED: ConnState.RECONNECTING,
        Trigger.DIAL_FAILED: ConnState.OFFLINE,
        Trigger.SERVER_FAILED: ConnState.SERVER_UNAVAILABLE,
        Trigger.CONNECTED: ConnState.ONLINE,
        Trigger.KEEPALIVE_RESTORED: ConnState.ONLINE,
    },
    ConnState.RECONNECTING: {
        Trigger.CONNECTED: ConnState.ONLINE,
        Trigger.KEEPALIVE_RESTORED: ConnState.ONLINE,
        Trigger.DIAL_FAILED: ConnState.OFFLINE,
        Trigger.SERVER_FAILED: ConnState.SERVER_UNAVAILABLE,
        Trigger.RETRY: ConnState.RECONNECTING,
        Trigger.QR_SHOWN: ConnState.WAITING_QR,  # the session vanished underneath us
        Trigger.CLIENT_DIED: ConnState.RECONNECTING,
    },
    ConnState.OFFLINE: {**_WAITING_FOR_RETRY, Trigger.RETRY: ConnState.OFFLINE, Trigger.CLIENT_DIED: ConnState.OFFLINE},
    ConnState.SERVER_UNAVAILABLE: {
        **_WAITING_FOR_RETRY,
        Trigger.RETRY: ConnState.SERVER_UNAVAILABLE,
        Trigger.CLIENT_DIED: ConnState.SERVER_UNAVAILABLE,
    },
}
_TERMINAL_TRANSITIONS: Final = {Trigger.START: ConnState.CONNECTING}


def next_state(current: ConnState, trigger: Trigger) -> ConnState:
    """Where ``trigger`` leads from ``current``; unknown combinations keep ``current``."""
    if trigger in _GLOBAL:
        return _GLOBAL[trigger]
    if current in TERMINAL:
        return _TERMINAL_TRANSITIONS.get(trigger, current)
    return _TRANSITIONS.get(current, {}).get(trigger, current)


def may_reconnect(state: ConnState) -> bool:
    """Whether the supervisor may connect again without the attendant asking."""
    return state in AUTO_RECONNECT


@dataclass(frozen=True, slots=True)
class Status:
    """A state with its context.

    Attributes:
        state: the machine name.
        detail: machine-readable context (a reason code, the linked number when online), never customer text.
        banned_until: when banned, the end of the ban (unix ms).
        retry_in: when a retry is scheduled, its delay in seconds (for "nova tentativa em 30 s").
    """

    state: ConnState
    detail: str = ""
    banned_until: int | None = None
    retry_in: float | None = None

    @property
    def may_reconnect(self) -> bool:
        return may_reconnect(self.state)
