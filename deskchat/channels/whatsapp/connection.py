"""Connection events → the state machine of :mod:`.states`, plus the QR timing and the reconnect watchdog.

Events of a client that was already replaced (an older *generation*) are ignored. whatsmeow reconnects by itself
after a drop (``Disconnected``, keep-alive timeouts); DeskChat only builds a new client when neonize's connect task
ended, and never from a terminal state.
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
from deskchat.channels.whatsapp.states import TERMINAL, Status, Trigger, WaState, next_state

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


class ConnectionMachine:
    """The connection state of one adapter and what follows from it."""

    def __init__(self, channel: WhatsAppChannel, *, first_retry_s: float, max_retry_s: float) -> None:
        self._channel = channel
        self._first_retry_s = first_retry_s
        self._max_retry_s = max_retry_s
        self._next_retry_s = first_retry_s
        self.status = Status(WaState.NOT_CONNECTED)
        self.online = False
        self.pairing_by_code = False
        self.next_retry_in: float | None = None
        self._stopping = False
        self._retrying = False
        self.retry_task: asyncio.Task[Any] | None = None
        self._qr_index = 0
        self._qr_timer: asyncio.TimerHandle | None = None
        self._auto_qr_refreshes = 0
        self._waiters: list[tuple[frozenset[WaState], asyncio.Future[Status]]] = []

    # -- state -------------------------------------------------------------------------------------------------

    def trigger(self, trigger: Trigger, detail: str = "", banned_until: int | None = None) -> Status:
        current = self.status
        state = next_state(current.state, trigger)
        if state is not current.state:
            status = Status(state, detail, banned_until)
        elif state in TERMINAL and banned_until is None:
            return current  # nothing new about a terminal state (e.g. the stopped client's task ending)
        else:
            until = banned_until if banned_until is not None else current.banned_until
            status = Status(state, detail or current.detail, until)
        if status != current:
            self.status = status
            channel = self._channel
            channel.sinks.on_log(channel.account_id, "state", f"{state.value} {status.detail}".strip())
            channel.sinks.on_state(channel.account_id, status)
            for waiter in list(self._waiters):
                states, future = waiter
                if state in states and not future.done():
                    future.set_result(status)
                    self._waiters.remove(waiter)
        return self.status

    async def wait_for(self, *states: WaState, timeout: float) -> Status:
        """Wait until the state is one of ``states``.

        Raises:
            TimeoutError: not reached within ``timeout`` seconds.
        """
        if self.status.state in states:
            return self.status
        future: asyncio.Future[Status] = asyncio.get_running_loop().create_future()
        waiter = (frozenset(states), future)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def _current(self, generation: int) -> bool:
        return generation == self._channel.generation and not self._stopping

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def starting(self) -> None:
        self._stopping = False
        self._auto_qr_refreshes = 0
        self._next_retry_s = self._first_retry_s
        self.trigger(Trigger.START)

    def stopping(self) -> None:
        self._stopping = True
        self.online = False
        self.next_retry_in = None
        self._cancel_qr_timer()

    def connecting(self, generation: int) -> None:
        self._qr_index = 0
        self.pairing_by_code = False

    def client_ended(self, generation: int, error: BaseException | None) -> None:
        """The watchdog: neonize's connect task ended (or ``connect()`` failed) without our stop."""
        if not self._current(generation):
            return
        self.online = False
        self._cancel_qr_timer()
        text = str(error) if error is not None else "connection ended"
        channel = self._channel
        channel.sinks.on_log(channel.account_id, "client_ended", text)
        if error is not None and is_dial_error(error):
            self.trigger(Trigger.DIAL_FAILED, text)
        else:
            self.trigger(Trigger.CLIENT_DIED, text)
        if self.status.may_reconnect:
            self._schedule_retry()

    def _schedule_retry(self) -> None:
        if self._retrying:
            return
        delay = self._next_retry_s
        self._next_retry_s = min(delay * 2, self._max_retry_s)
        self.next_retry_in = delay
        self._retrying = True
        channel = self._channel
        channel.sinks.on_log(channel.account_id, "retry_scheduled", f"{delay:g}s")
        self.retry_task = channel.spawn(self._retry(delay), "retry")

    async def _retry(self, delay: float) -> None:
        try:
            await asyncio.sleep(delay)  # back-off before the next attempt
        finally:
            self._retrying = False
            self.next_retry_in = None
        if self._stopping or not self.status.may_reconnect:
            return
        await self._channel.discard_client()
        self.trigger(Trigger.RETRY)
        await self._channel.connect()

    def _terminal(
        self, trigger: Trigger, detail: str, banned_until: int | None = None, *, forget: bool = False
    ) -> None:
        """Logged out, replaced, banned or outdated: stop the client and do not come back by ourselves."""
        self.online = False
        self._cancel_qr_timer()
        self.trigger(trigger, detail, banned_until)
        self._channel.spawn(self._shut_down(forget), "terminal")

    async def _shut_down(self, forget: bool) -> None:
        await self._channel.discard_client()
        if forget and not self._channel.files.delete():  # whatsmeow already removed the device from it
            self._channel.sinks.on_log(self._channel.account_id, "session_delete_postponed", "")

    # -- pairing -----------------------------------------------------------------------------------------------

    def on_qr(self, generation: int, code: str) -> None:
        if not self._current(generation):
            return
        index = self._qr_index
        self._qr_index += 1
        expires_in = FIRST_QR_S if index == 0 else NEXT_QR_S
        channel = self._channel
        channel.sinks.on_log(
            channel.account_id, "qr", f"code {index + 1}{' (pairing by phone code)' if self.pairing_by_code else ''}"
        )
        if not self.pairing_by_code:
            channel.sinks.on_qr(channel.account_id, QrCode(code, index, expires_in))
        self.trigger(Trigger.QR_SHOWN)
        self._cancel_qr_timer()
        loop = asyncio.get_running_loop()
        self._qr_timer = loop.call_later(expires_in + QR_GRACE_S, self._qr_timer_fired, generation)

    def _qr_timer_fired(self, generation: int) -> None:
        self._qr_timer = None
        if self._current(generation) and self.status.state is WaState.WAITING_QR:
            self._qr_expired()

    def _cancel_qr_timer(self) -> None:
        if self._qr_timer is not None:
            self._qr_timer.cancel()
            self._qr_timer = None

    def on_login_status(self, generation: int, text: str) -> None:
        """whatsmeow's terminal pairing states: success, timeout, err-… (see the note on neonize 0.5.2)."""
        if not self._current(generation):
            return
        channel = self._channel
        channel.sinks.on_log(channel.account_id, "login_status", text)
        self._cancel_qr_timer()
        if text == "success":
            self.trigger(Trigger.PAIR_SUCCESS)
        elif text == "timeout":
            self._qr_expired()
        elif text == "err-client-outdated":
            self._terminal(Trigger.OUTDATED, text)
        else:
            self.trigger(Trigger.PAIR_FAILED, text)
            channel.spawn(channel.discard_client(), "pair-failed")

    def _qr_expired(self) -> None:
        self._cancel_qr_timer()
        channel = self._channel
        if self._auto_qr_refreshes < MAX_AUTO_QR_REFRESHES:
            self._auto_qr_refreshes += 1
            channel.spawn(self._new_qr_round(), "qr-refresh")
        else:
            self.trigger(Trigger.QR_EXPIRED, "qr_expired")
            channel.spawn(channel.discard_client(), "qr-expired")

    async def _new_qr_round(self) -> None:
        await self._channel.discard_client()
        self.trigger(Trigger.START)
        await self._channel.connect()

    # -- events ------------------------------------------------------------------------------------------------

    def _own_number(self) -> str:
        """The linked phone's number, as the "Conectado" line shows it ("" before whatsmeow reports the device)."""
        me = getattr(self._channel.client, "me", None)
        user = getattr(getattr(me, "JID", None), "User", "") if me is not None else ""
        return own_number(str(user)) if isinstance(user, str) else ""

    def on_event(self, generation: int, event: Any) -> None:
        if not self._current(generation):
            log.debug("ignoring %s from an old client", type(event).__name__)
            return
        channel = self._channel
        if isinstance(event, Connected):
            self.online = True
            self._next_retry_s = self._first_retry_s
            self._cancel_qr_timer()
            self.pairing_by_code = False
            self.trigger(Trigger.CONNECTED, self._own_number())
        elif isinstance(event, PairStatus):
            if event.HasField("Status") and event.Status == PairStatus.SUCCESS:
                self.trigger(Trigger.PAIR_SUCCESS, event.ID.User)
            else:
                self.trigger(Trigger.PAIR_FAILED, event.Error or "pairing failed")
        elif isinstance(event, KeepAliveTimeout):
            self.trigger(Trigger.KEEPALIVE_TIMEOUT, f"keep-alive failed {event.ErrorCount} time(s)")
        elif isinstance(event, KeepAliveRestored):
            self.trigger(Trigger.KEEPALIVE_RESTORED)
        elif isinstance(event, Disconnected):
            self.trigger(Trigger.DISCONNECTED)
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
            channel.sinks.on_log(channel.account_id, "stream_error", str(event.Code))
            self.trigger(Trigger.DISCONNECTED, f"stream error {event.Code}")
        elif isinstance(event, OfflineSyncPreview):
            channel.sinks.on_log(channel.account_id, "offline_sync", f"{event.Total} pending, {event.Message} messages")
        elif isinstance(event, OfflineSyncCompleted):
            channel.sinks.on_log(channel.account_id, "offline_sync_done", f"{event.Count} events")

    def _connect_failure(self, event: Any) -> None:
        reason = event.Reason if event.HasField("Reason") else None
        name = _enum_name(event, "Reason", ConnectFailureReason)
        if reason in _LOGOUT_REASONS:
            self._terminal(Trigger.LOGGED_OUT, name, forget=True)
        elif reason == ConnectFailureReason.TEMP_BANNED:
            self._terminal(Trigger.TEMP_BANNED, name)
        elif reason == ConnectFailureReason.CLIENT_OUTDATED:
            self._terminal(Trigger.OUTDATED, name)
        else:
            self._channel.sinks.on_log(self._channel.account_id, "connect_failure", f"{name} {event.Message}".strip())
            self.trigger(Trigger.DISCONNECTED, name)
