"""DeskChat's neonize client: device name, history syncs handed over unparsed, login states reported.

Every client ever built is kept referenced in :data:`ALIVE` until the process exits: neonize's ctypes callbacks die
with the Python object while Go may still call them (neonize#202), and its finalizer would call ``Stop``.
"""

from __future__ import annotations

import asyncio
import ctypes
from collections.abc import Callable
from typing import Any, Final

import neonize.aioze.events as neonize_events
from neonize.aioze.client import NewAClient
from neonize.aioze.events import Event
from neonize.events import EVENT_TO_INT
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


class DeskChatEvent(Event):  # type: ignore[misc]  # neonize ships no type information
    """neonize's event dispatcher, except that a history sync is handed over unparsed (:mod:`.wire`).

    neonize would parse it with ``FromString`` on the Go thread, holding the GIL for 100 ms or more on big blobs.
    """

    def execute(self, uuid: int, binary: int, size: int, code: int) -> None:
        handler = self.list_func.get(code) if code == _HISTORY_SYNC_CODE else None
        if handler is None:
            super().execute(uuid, binary, size, code)
            return
        payload = ctypes.string_at(binary, size)
        asyncio.run_coroutine_threadsafe(
            handler(self.client, RawHistorySync(payload)), neonize_events.event_global_loop
        )


class DeskChatClient(NewAClient):  # type: ignore[misc]  # neonize ships no type information
    """``NewAClient`` that reports whatsmeow's terminal login states (neonize 0.5.2 drops them: ``pass``) and hands
    history syncs over unparsed (:class:`DeskChatEvent`)."""

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
