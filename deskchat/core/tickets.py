"""The ticket (conversation) state machine: Pendentes -> Em atendimento -> Encerrados.

::

    PENDING --accept--> OPEN --close--> CLOSED
       |                                  |
       +-------------close--------------->|   (dismissing spam without accepting it)
    PENDING <----reopen / customer message within the reopen window

* A new ticket is ``PENDING``: it waits for an attendant.
* ``accept`` is only allowed from ``PENDING``. Accepting an ``OPEN`` ticket is an error too (another click
  or another attendant got there first); a ``CLOSED`` ticket must be reopened first.
* ``close`` is allowed from ``PENDING`` and ``OPEN``, not from ``CLOSED``.
* ``reopen`` is only allowed from ``CLOSED`` and leads back to ``PENDING``. An attendant who reopens a
  ticket to work on it chains ``accept(reopen(t, now), now)``.
* A customer message on a ``PENDING`` or ``OPEN`` ticket changes nothing. On a ``CLOSED`` ticket it reopens
  it when ``now - closed_at <= reopen_window`` (the boundary is inclusive; a message time before the close,
  e.g. a late delivery, counts as within the window so the customer is never ignored); after the window
  the old ticket stays closed and a fresh ``PENDING`` ticket is reported as :attr:`Outcome.NEW_TICKET`, for
  the caller to create a new conversation/case.

All times must be timezone-aware (the application uses UTC); naive datetimes raise ``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from deskchat.core.events import ConversationStatus

DEFAULT_REOPEN_WINDOW: Final = timedelta(hours=24)


class Action(StrEnum):
    """What an attendant (or the system, for ``REOPEN``) does to a ticket."""

    ACCEPT = "accept"
    CLOSE = "close"
    REOPEN = "reopen"


class Outcome(StrEnum):
    """What an incoming customer message did to a ticket."""

    UNCHANGED = "unchanged"
    REOPENED = "reopened"
    NEW_TICKET = "new_ticket"


_ALLOWED_FROM: Final[dict[Action, frozenset[ConversationStatus]]] = {
    Action.ACCEPT: frozenset({ConversationStatus.PENDING}),
    Action.CLOSE: frozenset({ConversationStatus.PENDING, ConversationStatus.OPEN}),
    Action.REOPEN: frozenset({ConversationStatus.CLOSED}),
}


class InvalidTransition(Exception):
    """An action is not allowed in the ticket's current status."""

    def __init__(self, action: Action, status: ConversationStatus) -> None:
        self.action = action
        self.status = status
        allowed = ", ".join(sorted(s.value for s in _ALLOWED_FROM[action]))
        super().__init__(f"cannot {action.value} a {status.value} ticket (allowed from: {allowed})")


@dataclass(frozen=True, slots=True)
class Ticket:
    """State of one ticket; ``closed_at`` is set exactly when the ticket is ``CLOSED``.

    Raises:
        ValueError: ``closed_at`` does not match ``status`` or is a naive datetime.
    """

    status: ConversationStatus = ConversationStatus.PENDING
    closed_at: datetime | None = None

    def __post_init__(self) -> None:
        if (self.status is ConversationStatus.CLOSED) != (self.closed_at is not None):
            raise ValueError(f"closed_at must be set exactly when the ticket is closed: {self!r}")
        if self.closed_at is not None:
            _check_aware(self.closed_at, "closed_at")


@dataclass(frozen=True, slots=True)
class Transition:
    """Result of :func:`on_customer_message`: the ticket the message belongs to and what happened.

    For :attr:`Outcome.NEW_TICKET`, ``ticket`` is the new ``PENDING`` ticket; the old one stays closed.
    """

    ticket: Ticket
    outcome: Outcome


def can(ticket: Ticket, action: Action) -> bool:
    """Whether ``action`` is allowed on ``ticket`` (for enabling buttons)."""
    return ticket.status in _ALLOWED_FROM[action]


def accept(ticket: Ticket, now: datetime) -> Ticket:
    """An attendant takes a pending ticket: ``PENDING`` -> ``OPEN``.

    Raises:
        InvalidTransition: The ticket is not pending.
    """
    _check(ticket, Action.ACCEPT, now)
    return Ticket(ConversationStatus.OPEN)


def close(ticket: Ticket, now: datetime) -> Ticket:
    """An attendant closes (or dismisses) a ticket: ``PENDING``/``OPEN`` -> ``CLOSED`` at ``now``.

    Raises:
        InvalidTransition: The ticket is already closed.
    """
    _check(ticket, Action.CLOSE, now)
    return Ticket(ConversationStatus.CLOSED, closed_at=now)


def reopen(ticket: Ticket, now: datetime) -> Ticket:
    """A closed ticket waits for an attendant again: ``CLOSED`` -> ``PENDING``.

    Raises:
        InvalidTransition: The ticket is not closed.
    """
    _check(ticket, Action.REOPEN, now)
    return Ticket(ConversationStatus.PENDING)


def on_customer_message(ticket: Ticket, now: datetime, reopen_window: timedelta = DEFAULT_REOPEN_WINDOW) -> Transition:
    """Apply an incoming customer message received at ``now``.

    Args:
        ticket: The customer's latest ticket.
        now: When the message arrived (timezone-aware).
        reopen_window: How long after closing a message still reopens the ticket (must not be negative).

    Returns:
        ``UNCHANGED`` for a pending or open ticket, ``REOPENED`` for a closed one within the window,
        ``NEW_TICKET`` (with a fresh pending ticket) for a closed one after the window.

    Raises:
        ValueError: ``now`` is naive or ``reopen_window`` is negative.
    """
    _check_aware(now, "now")
    if reopen_window < timedelta(0):
        raise ValueError(f"reopen_window must not be negative: {reopen_window}")
    if ticket.status is not ConversationStatus.CLOSED or ticket.closed_at is None:
        return Transition(ticket, Outcome.UNCHANGED)
    if now - ticket.closed_at <= reopen_window:
        return Transition(reopen(ticket, now), Outcome.REOPENED)
    return Transition(Ticket(ConversationStatus.PENDING), Outcome.NEW_TICKET)


def _check(ticket: Ticket, action: Action, now: datetime) -> None:
    _check_aware(now, "now")
    if not can(ticket, action):
        raise InvalidTransition(action, ticket.status)


def _check_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}")
