"""DeskChat's neonize client: device name, history syncs handed over unparsed, login states reported.

Every client ever built is kept referenced in :data:`ALIVE` until the process exits: neonize's ctypes callbacks die
with the Python object while Go may still call them (neonize#202), and its finalizer would call ``Stop``.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import neonize.aioze.events as neonize_events
from neonize.aioze.client import NewAClient
from neonize.aioze.events import Event
from neonize.events import EVENT_TO_INT, INT_TO_EVENT
from neonize.proto import Neonize_pb2
from neonize.proto.waCompanionReg.WAWebProtobufsCompanionReg_pb2 import DeviceProps

from deskchat.channels.whatsapp.device import device_name
from deskchat.channels.whatsapp.wire import RawHistorySync

#: Every client built in this process (see the module docstring).
ALIVE: list[Any] = []

#: Events the adapter subscribes to (Go only delivers the codes registered before ``connect()``).
EVENT_TYPES: Final = tuple(
    getattr(Neonize_pb2, name)
    for name in (
        "Message",
        "Receipt",
        "HistorySync",
        "UndecryptableMessage",
        "Connected",
        "PairStatus",
        "KeepAliveTimeout",
        "KeepAliveRestored",
        "Disconnected",
        "LoggedOut",
        "StreamReplaced",
        "TemporaryBan",
        "ConnectFailure",
        "ClientOutdated",
        "StreamError",
        "OfflineSyncPreview",
        "OfflineSyncCompleted",
    )
)
_HISTORY_SYNC_CODE: Final = EVENT_TO_INT[Neonize_pb2.HistorySync]
_CONNECTED_CODE: Final = EVENT_TO_INT[Neonize_pb2.Connected]

log = logging.getLogger("deskchat.wa")

#: Events carrying customer data: their raw bytes go to the spool before the callback returns to Go.
SPOOLED_KINDS: Final = {
    EVENT_TO_INT[Neonize_pb2.Message]: "wa.message",
    EVENT_TO_INT[Neonize_pb2.UndecryptableMessage]: "wa.undecryptable",
    EVENT_TO_INT[Neonize_pb2.Receipt]: "wa.receipt",
    _HISTORY_SYNC_CODE: "wa.history",
}
_PARSERS: Final[dict[str, Callable[[bytes], Any]]] = {
    "wa.message": Neonize_pb2.Message.FromString,
    "wa.undecryptable": Neonize_pb2.UndecryptableMessage.FromString,
    "wa.receipt": Neonize_pb2.Receipt.FromString,
    "wa.history": RawHistorySync,
}
MESSAGE_KINDS: Final = frozenset({"wa.message", "wa.undecryptable"})


@dataclass(frozen=True, slots=True)
class RawEvent:
    """An event as Go delivered it (parsed by the consumer, so a malformed one fails alone there)."""

    kind: str  # one of :data:`SPOOLED_KINDS`' values
    payload: bytes
    spool_id: int | None  # None: the spool could not keep it (the app is closing)

    def parse(self) -> Any:
        """The neonize event (a history sync stays raw: :class:`RawHistorySync`); raises on malformed bytes."""
        return _PARSERS[self.kind](self.payload)


# When WhatsApp is told a message was received (neonize 0.5.2, whatsmeow v0.0.0-20260921121126 inside its .so):
# - whatsmeow acks in message.go: decryptMessages() sends the delivery receipt (sendMessageReceipt, the ack of a
#   decrypted message) via backgroundIfAsyncAck() right after dispatchEvent() returned; handleReceipt() and the
#   undecryptable paths ack via maybeDeferredAck(), which without SynchronousAck fires `go cli.sendAck` at once,
#   before the handlers even run. Client.SynchronousAck (client.go, since 2025-02) defers acks until the handlers
#   return, but neonize never sets it and 0.5.2's exported C API (Neonize, SendMessage, ...) offers no setter.
# - Even with it, neonize's handler (goneonize/main.go, Neonize(): eventHandler) only marshals the event into
#   `eventChan := make(chan *MessageEvent, 100)` and returns; another goroutine (CallbackFunction) takes it from
#   the channel and calls Python (call_c_func_callback_bytes -> DeskChatEvent.execute below).
# So the ack precedes this callback: a SIGKILL can lose what Go has acknowledged but not yet handed to Python — up
# to 100 events queued in eventChan plus the one being delivered; receipts and notifications the same. Closing it
# needs a rebuilt goneonize that sets SynchronousAck and calls Python inside eventHandler (not through the channel).
class DeskChatEvent(Event):  # type: ignore[misc]  # neonize ships no type information
    """neonize's event dispatcher, except that events carrying customer data are made durable first.

    For those (:data:`SPOOLED_KINDS`), :attr:`spool` keeps the raw bytes on this Go thread, *before* the callback
    returns to Go (the window before it, already acknowledged, is described above the class), and the handler
    gets a :class:`RawEvent`, parsed later by the account's consumer: a history sync is then never parsed on the Go
    thread (100 ms or more holding the GIL on big blobs). While the disk is full :attr:`spool` blocks: Go's buffer
    of 100 events fills and whatsmeow stops reading, so WhatsApp keeps the rest (back-pressure).

    With :attr:`deliver` set, every subscribed event goes to it on the loop, in arrival order, in batches: a burst
    costs the loop one wake-up and one call per event, instead of a task (and a wake-up) per event as neonize does.
    """

    spool: Callable[[str, bytes], int] | None = None
    #: Called on the loop with each event (in order) instead of the registered coroutine handler.
    deliver: Callable[[Any], None] | None = None

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self._handed: list[Any] = []
        self._handed_lock = threading.Lock()

    def execute(self, uuid: int, binary: int, size: int, code: int) -> None:
        kind = SPOOLED_KINDS.get(code)
        if kind is None:
            if self.deliver is None or code not in self.list_func or code not in INT_TO_EVENT:
                super().execute(uuid, binary, size, code)
                return
            # what neonize's own dispatch does for these (code 0, the device, has no handler)
            event = INT_TO_EVENT[code].FromString(ctypes.string_at(binary, size))
            if code == _CONNECTED_CODE:
                self.client.connected = True
            self._hand_over(event)
            return
        handler = self.list_func.get(code)
        payload = ctypes.string_at(binary, size)
        spool_id: int | None = None
        if self.spool is not None:
            try:
                spool_id = self.spool(kind, payload)
            except Exception:
                log.exception("an event could not be spooled; it is processed from memory")
        raw = RawEvent(kind, payload, spool_id)
        if self.deliver is not None:
            self._hand_over(raw)
        elif handler is not None:
            asyncio.run_coroutine_threadsafe(handler(self.client, raw), neonize_events.event_global_loop)

    def _hand_over(self, event: Any) -> None:
        """Queue ``event`` for the loop (any thread); the first of a batch wakes the loop."""
        with self._handed_lock:
            self._handed.append(event)
            first = len(self._handed) == 1
        if first:
            loop: asyncio.AbstractEventLoop = neonize_events.event_global_loop
            loop.call_soon_threadsafe(self._deliver_handed)

    def _deliver_handed(self) -> None:
        with self._handed_lock:
            events, self._handed = self._handed, []
        deliver = self.deliver
        if deliver is None:
            return
        for event in events:
            deliver(event)


class DeskChatClient(NewAClient):  # type: ignore[misc]  # neonize ships no type information
    """``NewAClient`` that reports whatsmeow's terminal login states (neonize 0.5.2 drops them: ``pass``) and spools
    events with customer data before Go is told they were handled (:class:`DeskChatEvent`)."""

    deskchat_generation: int = 0
    login_status: Callable[[str], None] | None = None

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self.event = DeskChatEvent(self)
        self.paircode = self.event.paircode
        self.qr = self.event.qr

    def _NewAClient__onLoginStatus(self, uuid: int, status: int) -> None:  # neonize's private name
        text = ctypes.string_at(status).decode("utf-8", "replace")
        loop, callback = self.loop, self.login_status
        if loop is not None and callback is not None and not loop.is_closed():
            loop.call_soon_threadsafe(callback, text)


def device_props(history_days: int | None = None) -> Any:
    """The device shown under "Linked devices": "DeskChat (<OS>)" on a desktop icon."""
    props = DeviceProps(
        os=device_name(),
        platformType=DeviceProps.DESKTOP,
        version=DeviceProps.AppVersion(primary=1, secondary=0, tertiary=0),
    )
    if history_days is not None:
        props.requireFullSync = True
        props.historySyncConfig.fullSyncDaysLimit = history_days
    return props
