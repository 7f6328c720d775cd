"""The WhatsApp driver's half of the connection supervisor: neonize events → supervisor triggers, and QR timing.

The generic part (states, retries with jittered backoff, the watchdog, terminal states, ignoring older
*generations*) is :class:`deskchat.core.supervisor.ConnectionSupervisor`. What is WhatsApp's stays here: which
neonize event means what, which Go error text means "no internet", the QR codes' lifetimes and the one automatic
new round of codes, pairing by phone code, and deleting the session when the phone unlinked us. whatsmeow
reconnects by itself after a drop (``Disconnected``, keep-alive timeouts); DeskChat only builds a new client when
neonize's connect task ended, and never from a terminal state.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import TYPE_CHECKING, Any, Final

from neonize.proto.Neonize_pb2 import (
    ClientOutdated,
    Connected,
    ConnectFailure,
    ConnectFailureReason,
    Disconnected,
    KeepAliveRestored,
    KeepAliveTimeout,
    LoggedOut,
    OfflineSyncCompleted,
    OfflineSyncPreview,
    PairStatus,
    StreamError,
    StreamReplaced,
    TemporaryBan,
)

from deskchat.channels.whatsapp.device import own_number
from deskchat.channels.whatsapp.sinks import QrCode
from deskchat.core.connection_states import ConnState, Trigger
from deskchat.core.supervisor import ConnectionSupervisor

if TYPE_CHECKING:
    from deskchat.channels.whatsapp.client import WhatsAppChannel

log = logging.getLogger("deskchat.wa")

FIRST_QR_S: Final = 60.0
NEXT_QR_S: Final = 20.0
#: Margin after a QR's lifetime before DeskChat treats the pairing as timed out without word from whatsmeow.
QR_GRACE_S: Final = 10.0
#: New QR rounds started without the attendant asking (each round shows about 6 codes, ~160 s).
MAX_AUTO_QR_REFRESHES: Final = 1

_DIAL_ERROR: Final = re.compile(
    r"dial|no such host|network is unreachable|connection refused|no route to host|i/o timeout|"
    r"temporary failure in name resolution|handshake",
    re.IGNORECASE,
)
_LOGOUT_REASONS: Final = frozenset(
    {ConnectFailureReason.LOGGED_OUT, ConnectFailureReason.MAIN_DEVICE_GONE, ConnectFailureReason.UNKNOWN_LOGOUT}
)


def is_dial_error(error: BaseException | str) -> bool:
    """Whether a connect error means the server could not be reached (no internet, DNS, proxy)."""
    return bool(_DIAL_ERROR.search(str(error)))


def _enum_name(message: Any, field: str, enum: Any) -> str:
    if not message.HasField(field):
        return ""
    try:
        return str(enum.Name(getattr(message, field)))
    except ValueError:
        return str(getattr(message, field))


class WhatsAppConnectionEvents:
    """Translates one adapter's connection events into reports to its :class:`ConnectionSupervisor`."""

    def __init__(self, channel: WhatsAppChannel, supervisor: ConnectionSupervisor) -> None:
        self._channel = channel
        self._supervisor = supervisor
        self.pairing_by_code = False
        self._qr_index = 0
        self._qr_timer: asyncio.TimerHandle | None = None
        self._auto_qr_refreshes = 0

    def _log(self, event: str, detail: str) -> None:
        self._channel.sinks.on_log(self._channel.account_id, event, detail)

    def _current(self, generation: int) -> bool:
        return self._supervisor.is_current(generation)

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def starting(self) -> None:
        """The attendant (or the app) starts the account: a fresh allowance of automatic QR rounds."""
        self._auto_qr_refreshes = 0

    def stopping(self) -> None:
        self._cancel_qr_timer()

    def connecting(self, generation: int) -> None:
        self._qr_index = 0
        self.pairing_by_code = False

    def client_ended(self, generation: int, error: BaseException | None) -> None:
        """neonize's connect task ended (or ``connect()`` failed) without our stop: tell the watchdog how."""
        if not self._current(generation):
            return
        self._cancel_qr_timer()
        text = str(error) if error is not None else "connection ended"
        ending = Trigger.DIAL_FAILED if error is not None and is_dial_error(error) else Trigger.CLIENT_DIED
        self._supervisor.connection_ended(generation, ending, text)

    def _terminal(
        self, trigger: Trigger, detail: str, banned_until: int | None = None, *, forget: bool = False
    ) -> None:
        """Logged out, replaced, banned or outdated: the supervisor stops the client and does not come back."""
        self._cancel_qr_timer()
        self._supervisor.terminal(trigger, detail, banned_until, then=self._forget_session if forget else None)

    async def _forget_session(self) -> None:
        if not self._channel.files.delete():  # whatsmeow already removed the device from it
            self._log("session_delete_postponed", "")

    # -- pairing -----------------------------------------------------------------------------------------------

    def on_qr(self, generation: int, code: str) -> None:
        if not self._current(generation):
            return
        index = self._qr_index
        self._qr_index += 1
        expires_in = FIRST_QR_S if index == 0 else NEXT_QR_S
        channel = self._channel
        self._log("qr", f"code {index + 1}{' (pairing by phone code)' if self.pairing_by_code else ''}")
        if not self.pairing_by_code:
            channel.sinks.on_qr(channel.account_id, QrCode(code, index, expires_in))
        self._supervisor.trigger(Trigger.QR_SHOWN)
        self._cancel_qr_timer()
        loop = asyncio.get_running_loop()
        self._qr_timer = loop.call_later(expires_in + QR_GRACE_S, self._qr_timer_fired, generation)

    def _qr_timer_fired(self, generation: int) -> None:
        self._qr_timer = None
        if self._current(generation) and self._supervisor.status.state is ConnState.WAITING_QR:
            self._qr_expired()

    def _cancel_qr_timer(self) -> None:
        if self._qr_timer is not None:
            self._qr_timer.cancel()
            self._qr_timer = None

    def on_login_status(self, generation: int, text: str) -> None:
        """whatsmeow's terminal pairing states: success, timeout, err-… (see the note on neonize 0.5.2)."""
        if not self._current(generation):
            return
        self._log("login_status", text)
        self._cancel_qr_timer()
        if text == "success":
            self._supervisor.trigger(Trigger.PAIR_SUCCESS)
        elif text == "timeout":
            self._qr_expired()
        elif text == "err-client-outdated":
            self._terminal(Trigger.OUTDATED, text)
        else:
            self._supervisor.give_up(Trigger.PAIR_FAILED, text)

    def _qr_expired(self) -> None:
        self._cancel_qr_timer()
        if self._auto_qr_refreshes < MAX_AUTO_QR_REFRESHES:
            self._auto_qr_refreshes += 1
            self._supervisor.spawn(self._supervisor.start(), "qr-refresh")
        else:
            self._supervisor.give_up(Trigger.QR_EXPIRED, "qr_expired")

    # -- events ------------------------------------------------------------------------------------------------

    def _own_number(self) -> str:
        """The linked phone's number, as the "Conectado" line shows it ("" before whatsmeow reports the device)."""
        client = self._channel.client
        me = client.me if client is not None else None
        return own_number(str(me.JID.User)) if me is not None else ""

    def on_event(self, generation: int, event: Any) -> None:
        if not self._current(generation):
            log.debug("ignoring %s from an old client", type(event).__name__)
            return
        supervisor = self._supervisor
        if isinstance(event, Connected):
            self._cancel_qr_timer()
            self.pairing_by_code = False
            supervisor.connected_now(self._own_number())
        elif isinstance(event, PairStatus):
            if event.HasField("Status") and event.Status == PairStatus.SUCCESS:
                supervisor.trigger(Trigger.PAIR_SUCCESS, event.ID.User)
            else:
                supervisor.trigger(Trigger.PAIR_FAILED, event.Error or "pairing failed")
        elif isinstance(event, KeepAliveTimeout):
            supervisor.trigger(Trigger.KEEPALIVE_TIMEOUT, f"keep-alive failed {event.ErrorCount} time(s)")
        elif isinstance(event, KeepAliveRestored):
            supervisor.trigger(Trigger.KEEPALIVE_RESTORED)
        elif isinstance(event, Disconnected):
            supervisor.trigger(Trigger.DISCONNECTED)
        elif isinstance(event, LoggedOut):
            self._terminal(Trigger.LOGGED_OUT, _enum_name(event, "Reason", ConnectFailureReason), forget=True)
        elif isinstance(event, StreamReplaced):
            self._terminal(Trigger.STREAM_REPLACED, "")
        elif isinstance(event, TemporaryBan):
            expires = int(time.time() * 1000) + int(event.Expire) * 1000 if event.HasField("Expire") else None
            self._terminal(Trigger.TEMP_BANNED, _enum_name(event, "Code", TemporaryBan.TempBanReason), expires)
        elif isinstance(event, ClientOutdated):
            self._terminal(Trigger.OUTDATED, "")
        elif isinstance(event, ConnectFailure):
            self._connect_failure(event)
        elif isinstance(event, StreamError):
            self._log("stream_error", str(event.Code))
            supervisor.trigger(Trigger.DISCONNECTED, f"stream error {event.Code}")
        elif isinstance(event, OfflineSyncPreview):
            self._log("offline_sync", f"{event.Total} pending, {event.Message} messages")
        elif isinstance(event, OfflineSyncCompleted):
            self._log("offline_sync_done", f"{event.Count} events")

    def _connect_failure(self, event: ConnectFailure) -> None:
        reason = event.Reason if event.HasField("Reason") else None
        name = _enum_name(event, "Reason", ConnectFailureReason)
        if reason in _LOGOUT_REASONS:
            self._terminal(Trigger.LOGGED_OUT, name, forget=True)
        elif reason == ConnectFailureReason.TEMP_BANNED:
            self._terminal(Trigger.TEMP_BANNED, name)
        elif reason == ConnectFailureReason.CLIENT_OUTDATED:
            self._terminal(Trigger.OUTDATED, name)
        else:
            self._log("connect_failure", f"{name} {event.Message}".strip())
            self._supervisor.trigger(Trigger.DISCONNECTED, name)
