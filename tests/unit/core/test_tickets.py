"""Tests of deskchat.core.tickets: the ticket state machine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from deskchat.core.events import ConversationStatus
from deskchat.core.tickets import (
    DEFAULT_REOPEN_WINDOW,
    Action,
    InvalidTransition,
    Outcome,
    Ticket,
    Transition,
    accept,
    can,
    close,
    on_customer_message,
    reopen,
)

PENDING = ConversationStatus.PENDING
OPEN = ConversationStatus.OPEN
CLOSED = ConversationStatus.CLOSED

NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
CLOSED_AT = datetime(2024, 5, 10, 9, 0, tzinfo=UTC)

PENDING_TICKET = Ticket(PENDING)
OPEN_TICKET = Ticket(OPEN)
CLOSED_TICKET = Ticket(CLOSED, closed_at=CLOSED_AT)

ActionFn = Callable[[Ticket, datetime], Ticket]


def test_new_ticket_is_pending() -> None:
    assert Ticket() == Ticket(PENDING, None)


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        (accept, PENDING_TICKET, Ticket(OPEN)),
        (close, PENDING_TICKET, Ticket(CLOSED, closed_at=NOW)),  # dismissing spam
        (close, OPEN_TICKET, Ticket(CLOSED, closed_at=NOW)),
        (reopen, CLOSED_TICKET, Ticket(PENDING)),
    ],
)
def test_valid_transitions(action: ActionFn, before: Ticket, after: Ticket) -> None:
    assert action(before, NOW) == after


@pytest.mark.parametrize(
    ("action", "before", "message"),
    [
        (accept, OPEN_TICKET, "cannot accept a open ticket (allowed from: pending)"),
        (accept, CLOSED_TICKET, "cannot accept a closed ticket (allowed from: pending)"),
        (close, CLOSED_TICKET, "cannot close a closed ticket (allowed from: open, pending)"),
        (reopen, PENDING_TICKET, "cannot reopen a pending ticket (allowed from: closed)"),
        (reopen, OPEN_TICKET, "cannot reopen a open ticket (allowed from: closed)"),
    ],
)
def test_invalid_transitions(action: ActionFn, before: Ticket, message: str) -> None:
    with pytest.raises(InvalidTransition) as caught:
        action(before, NOW)
    assert str(caught.value) == message
    assert caught.value.status is before.status


@pytest.mark.parametrize(
    ("ticket", "allowed"),
    [
        (PENDING_TICKET, {Action.ACCEPT, Action.CLOSE}),
        (OPEN_TICKET, {Action.CLOSE}),
        (CLOSED_TICKET, {Action.REOPEN}),
    ],
)
def test_can(ticket: Ticket, allowed: set[Action]) -> None:
    assert {action for action in Action if can(ticket, action)} == allowed


def test_full_lifecycle() -> None:
    ticket = accept(Ticket(), NOW)
    ticket = close(ticket, NOW)
    assert ticket == Ticket(CLOSED, closed_at=NOW)
    assert accept(reopen(ticket, NOW), NOW) == Ticket(OPEN)


@pytest.mark.parametrize(
    ("ticket", "now", "window", "expected"),
    [
        (PENDING_TICKET, NOW, DEFAULT_REOPEN_WINDOW, Transition(PENDING_TICKET, Outcome.UNCHANGED)),
        (OPEN_TICKET, NOW, DEFAULT_REOPEN_WINDOW, Transition(OPEN_TICKET, Outcome.UNCHANGED)),
        (CLOSED_TICKET, CLOSED_AT, DEFAULT_REOPEN_WINDOW, Transition(Ticket(PENDING), Outcome.REOPENED)),
        (CLOSED_TICKET, NOW, DEFAULT_REOPEN_WINDOW, Transition(Ticket(PENDING), Outcome.REOPENED)),
        # boundary: exactly at the end of the window still reopens, one microsecond later does not
        (
            CLOSED_TICKET,
            CLOSED_AT + timedelta(hours=24),
            DEFAULT_REOPEN_WINDOW,
            Transition(Ticket(PENDING), Outcome.REOPENED),
        ),
        (
            CLOSED_TICKET,
            CLOSED_AT + timedelta(hours=24, microseconds=1),
            DEFAULT_REOPEN_WINDOW,
            Transition(Ticket(PENDING), Outcome.NEW_TICKET),
        ),
        (
            CLOSED_TICKET,
            CLOSED_AT + timedelta(days=30),
            DEFAULT_REOPEN_WINDOW,
            Transition(Ticket(PENDING), Outcome.NEW_TICKET),
        ),
        # a message stamped before the close (late delivery) reopens
        (
            CLOSED_TICKET,
            CLOSED_AT - timedelta(minutes=5),
            DEFAULT_REOPEN_WINDOW,
            Transition(Ticket(PENDING), Outcome.REOPENED),
        ),
        # configurable window
        (
            CLOSED_TICKET,
            CLOSED_AT + timedelta(hours=2),
            timedelta(hours=1),
            Transition(Ticket(PENDING), Outcome.NEW_TICKET),
        ),
        (
            CLOSED_TICKET,
            CLOSED_AT + timedelta(hours=47),
            timedelta(hours=48),
            Transition(Ticket(PENDING), Outcome.REOPENED),
        ),
        (CLOSED_TICKET, CLOSED_AT, timedelta(0), Transition(Ticket(PENDING), Outcome.REOPENED)),
        (
            CLOSED_TICKET,
            CLOSED_AT + timedelta(seconds=1),
            timedelta(0),
            Transition(Ticket(PENDING), Outcome.NEW_TICKET),
        ),
        # other time zones compare by instant: 09:30 in São Paulo is 12:30 UTC
        (
            CLOSED_TICKET,
            datetime(2024, 5, 11, 5, 59, tzinfo=timezone(timedelta(hours=-3))),
            DEFAULT_REOPEN_WINDOW,
            Transition(Ticket(PENDING), Outcome.REOPENED),
        ),
        (
            CLOSED_TICKET,
            datetime(2024, 5, 11, 6, 1, tzinfo=timezone(timedelta(hours=-3))),
            DEFAULT_REOPEN_WINDOW,
            Transition(Ticket(PENDING), Outcome.NEW_TICKET),
        ),
    ],
)
def test_on_customer_message(ticket: Ticket, now: datetime, window: timedelta, expected: Transition) -> None:
    assert on_customer_message(ticket, now, window) == expected


def test_on_customer_message_default_window_is_24_hours() -> None:
    assert DEFAULT_REOPEN_WINDOW / timedelta(hours=1) == 24
    edge = CLOSED_AT + timedelta(hours=24)
    assert on_customer_message(CLOSED_TICKET, edge).outcome is Outcome.REOPENED
    assert on_customer_message(CLOSED_TICKET, edge + timedelta(seconds=1)).outcome is Outcome.NEW_TICKET


def test_on_customer_message_rejects_negative_window() -> None:
    with pytest.raises(ValueError, match="reopen_window"):
        on_customer_message(CLOSED_TICKET, NOW, timedelta(hours=-1))


NAIVE = datetime(2024, 5, 10, 12, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: accept(PENDING_TICKET, NAIVE),
        lambda: close(OPEN_TICKET, NAIVE),
        lambda: reopen(CLOSED_TICKET, NAIVE),
        lambda: on_customer_message(CLOSED_TICKET, NAIVE),
        lambda: on_customer_message(OPEN_TICKET, NAIVE),
        lambda: Ticket(CLOSED, closed_at=NAIVE),
    ],
)
def test_naive_datetimes_are_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


@pytest.mark.parametrize(
    ("status", "closed_at"),
    [(CLOSED, None), (PENDING, CLOSED_AT), (OPEN, CLOSED_AT)],
)
def test_ticket_invariant(status: ConversationStatus, closed_at: datetime | None) -> None:
    with pytest.raises(ValueError, match="closed_at"):
        Ticket(status, closed_at)
