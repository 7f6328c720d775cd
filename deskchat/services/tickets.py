"""The attendant's ticket actions (accept, close, reopen) and reopening on a customer's new message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection

from deskchat.core import tickets
from deskchat.core.bus import EventBus
from deskchat.core.events import ConversationChanged, ConversationStatus
from deskchat.store import conversations
from deskchat.store.clock import from_datetime, now_ms, to_datetime
from deskchat.store.database import Store


def load_ticket(conn: Connection, conversation_id: int) -> tickets.Ticket:
    status, closed_at = conversations.ticket_state(conn, conversation_id)
    state = ConversationStatus(status)
    closed = to_datetime(closed_at) if state is ConversationStatus.CLOSED and closed_at is not None else None
    if state is ConversationStatus.CLOSED and closed is None:
        closed = to_datetime(0)
    return tickets.Ticket(state, closed)


def save_ticket(conn: Connection, conversation_id: int, ticket: tickets.Ticket) -> None:
    closed_at = from_datetime(ticket.closed_at) if ticket.closed_at is not None else None
    # the ticket is the customer's: all their channel conversations move together (one row, one tab)
    conversations.set_customer_status(conn, conversation_id, ticket.status, closed_at)


def apply_customer_message(
    conn: Connection,
    conversation_id: int,
    at_ms: int,
    reopen_window: timedelta = tickets.DEFAULT_REOPEN_WINDOW,
) -> tickets.Outcome:
    """A customer wrote: a recently closed ticket goes back to Pending (a later one starts a new ticket)."""
    current = load_ticket(conn, conversation_id)
    transition = tickets.on_customer_message(current, to_datetime(at_ms), reopen_window)
    if transition.outcome is not tickets.Outcome.UNCHANGED:
        # Both outcomes put the conversation back in the Pending tab; NEW_TICKET is told apart by the CRM issue.
        save_ticket(conn, conversation_id, transition.ticket)
    return transition.outcome


class TicketService:
    def __init__(self, store: Store, bus: EventBus, *, clock: Callable[[], int] = now_ms) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock  # unix ms: when a ticket is closed (tests pass a fake one)

    async def _change(self, conversation_id: int, action: tickets.Action) -> None:
        def work(conn: Connection) -> None:
            now: datetime = to_datetime(self._clock())
            current = load_ticket(conn, conversation_id)
            if action is tickets.Action.ACCEPT:
                updated = tickets.accept(current, now)
            elif action is tickets.Action.CLOSE:
                updated = tickets.close(current, now)
            else:
                updated = tickets.reopen(current, now)
            save_ticket(conn, conversation_id, updated)

        await self._store.write(work)
        self._bus.publish(ConversationChanged(conversation_id))

    async def accept(self, conversation_id: int) -> None:
        await self._change(conversation_id, tickets.Action.ACCEPT)

    async def close(self, conversation_id: int) -> None:
        await self._change(conversation_id, tickets.Action.CLOSE)

    async def reopen(self, conversation_id: int) -> None:
        await self._change(conversation_id, tickets.Action.REOPEN)
