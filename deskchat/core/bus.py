"""A small typed publish/subscribe bus with priorities.

Subscribers register for an event class (and receive its subclasses). On publish they run synchronously, ordered by
priority: the store's own listeners first, then services, then the UI bridge, so the UI always sees a state the
services have already reacted to. A failing subscriber is logged and does not stop the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TypeVar

from deskchat.core.events import Event

log = logging.getLogger("deskchat.bus")

E = TypeVar("E", bound=Event)


class Priority(IntEnum):
    STORE = 0
    SERVICE = 10
    UI = 20


@dataclass(order=True)
class _Subscription:
    priority: int
    seq: int
    event_type: type[Event] = field(compare=False)
    handler: Callable[[Event], None] = field(compare=False)


class EventBus:
    def __init__(self) -> None:
        self._subs: list[_Subscription] = []
        self._seq = 0

    def subscribe(
        self, event_type: type[E], handler: Callable[[E], None], priority: Priority = Priority.SERVICE
    ) -> Callable[[], None]:
        """Call ``handler`` for every published ``event_type``; returns a function that unsubscribes."""
        self._seq += 1
        sub = _Subscription(int(priority), self._seq, event_type, handler)  # type: ignore[arg-type]
        self._subs.append(sub)
        self._subs.sort()

        def unsubscribe() -> None:
            if sub in self._subs:
                self._subs.remove(sub)

        return unsubscribe

    def publish(self, event: Event) -> None:
        for sub in list(self._subs):
            if isinstance(event, sub.event_type):
                try:
                    sub.handler(event)
                except Exception:
                    # the event's type only: its fields carry customer text and names
                    handler = getattr(sub.handler, "__qualname__", type(sub.handler).__name__)
                    log.exception("subscriber %s failed on %s", handler, type(event).__name__)
