"""The store queries behind "one customer, one timeline": the list pages one row per customer (every group its own
row), ordered by activity, unread counts summed, the customer in the tab of their most active ticket; the tab counts
agree with the pages; a timeline merges the customer's conversations in time order.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Connection

from deskchat.core.events import DeliveryState
from deskchat.core.messages import Identity
from deskchat.store import accounts, contacts, conversations, customer_list, messages
from deskchat.store.chat_page import timeline_page_before
from deskchat.store.conversations import ListScope
from deskchat.store.database import Store
from deskchat.store.messages import NewMessage


@dataclass(frozen=True)
class Conv:
    """One stored conversation: whose (a customer name, or a group), on which channel, its ticket and activity."""

    who: str
    channel: str  # "whatsapp" | "email"
    status: str = "pending"
    last_at: int = 1_000
    unread: int = 0
    group: bool = False


def _fill(conn: Connection, rows: list[Conv]) -> dict[int, Conv]:
    wa = accounts.create_account(conn, "whatsapp", "WA", now=1)
    mail = accounts.create_account(conn, "email", "Mail", "suporte@x.test", now=1)
    made: dict[int, Conv] = {}
    for n, row in enumerate(rows):
        contact = contacts.find_or_create_contact(conn, [Identity("email", f"{row.who}@x.test")], row.who, now=1)
        account = wa if row.channel == "whatsapp" else mail
        cid = conversations.find_or_create_conversation(
            conn, account, f"key-{n}", contact, row.who, is_group=row.group, now=1
        )
        conn.exec_driver_sql(
            "UPDATE conversations SET status = ?, last_message_at = ?, unread_count = ? WHERE id = ?",
            (row.status, row.last_at, row.unread, cid),
        )
        made[cid] = row
    return made


def _tab(conn: Connection, status: str | None, groups: bool | None = False) -> list[tuple[str, str, int, int]]:
    """(title, status, unread, last activity) of every row of one tab, in list order, paging 2 at a time."""
    found, after = [], None
    while True:
        page = customer_list.page(conn, ListScope(status, groups=groups), after, 2)
        found += [(row.title, row.status, row.unread_count, row.last_message_at) for row in page]
        if len(page) < 2:
            return found
        after = (page[-1].order[0], page[-1].order[1])


CASES = {
    "one channel each: one row each, newest first": (
        [Conv("ana", "whatsapp", last_at=10), Conv("bia", "email", last_at=30), Conv("caio", "whatsapp", last_at=20)],
        {"pending": [("bia", "pending", 0, 30), ("caio", "pending", 0, 20), ("ana", "pending", 0, 10)]},
    ),
    "two channels, one ticket: one row, unread summed, latest activity": (
        [Conv("ana", "whatsapp", last_at=10, unread=2), Conv("ana", "email", last_at=50, unread=3)],
        {"pending": [("ana", "pending", 5, 50)]},
    ),
    "the most active ticket decides the tab": (
        [Conv("ana", "whatsapp", "closed", last_at=90, unread=1), Conv("ana", "email", "open", last_at=10, unread=1)],
        {"open": [("ana", "open", 2, 90)], "closed": []},
    ),
    "pending beats open": (
        [Conv("ana", "whatsapp", "open", last_at=90), Conv("ana", "email", "pending", last_at=10)],
        {"pending": [("ana", "pending", 0, 90)], "open": []},
    ),
    "groups are never folded, in their own tab": (
        [
            Conv("grupo", "whatsapp", last_at=10, group=True),
            Conv("grupo", "whatsapp", last_at=20, group=True),
            Conv("grupo", "whatsapp", "closed", last_at=30, group=True),
        ],
        {
            "pending": [],
            "groups": [("grupo", "closed", 0, 30), ("grupo", "pending", 0, 20), ("grupo", "pending", 0, 10)],
        },
    ),
    "a customer sorts by their listed conversation across pages": (
        [
            Conv("ana", "whatsapp", last_at=40),
            Conv("bia", "whatsapp", last_at=30),
            Conv("bia", "email", last_at=35),
            Conv("caio", "email", last_at=20),
            Conv("dora", "whatsapp", last_at=10),
        ],
        {
            "pending": [
                ("ana", "pending", 0, 40),
                ("bia", "pending", 0, 35),
                ("caio", "pending", 0, 20),
                ("dora", "pending", 0, 10),
            ]
        },
    ),
}


@pytest.mark.parametrize("rows,tabs", CASES.values(), ids=CASES.keys())
def test_list_shows_one_row_per_customer(
    store: Store, rows: list[Conv], tabs: dict[str, list[tuple[str, str, int, int]]]
) -> None:
    store.write_now(lambda conn: _fill(conn, rows))
    with store.read() as conn:
        for tab, expected in tabs.items():
            shown = _tab(conn, None, groups=True) if tab == "groups" else _tab(conn, tab)
            assert shown == expected, tab


@pytest.mark.parametrize("rows,tabs", CASES.values(), ids=CASES.keys())
def test_tab_counts_count_the_rows_the_tabs_show(
    store: Store, rows: list[Conv], tabs: dict[str, list[tuple[str, str, int, int]]]
) -> None:
    store.write_now(lambda conn: _fill(conn, rows))
    with store.read() as conn:
        counted = customer_list.counts(conn)
        for status in ("pending", "open", "closed"):
            assert counted[(status, False)] == len(_tab(conn, status)), status
            assert counted[(status, True)] == len(_tab(conn, status, groups=True)), status
        keys = customer_list.tab_keys(conn)
    recounted: dict[tuple[str, bool], int] = {}
    for _cid, status, is_group in keys:
        recounted[(status, is_group)] = recounted.get((status, is_group), 0) + 1
    assert {key: n for key, n in counted.items() if n} == recounted


def test_tab_counts_read_only_indexes(store: Store) -> None:
    """The count runs on the GUI thread at start: it must not read the table (nor probe it per conversation)."""
    store.write_now(lambda conn: _fill(conn, [Conv("ana", "whatsapp"), Conv("ana", "email"), Conv("bia", "email")]))
    with store.read() as conn:
        conn.exec_driver_sql("ANALYZE")  # the planner with statistics, as a store in use has them
        statements: list[str] = []
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.set_trace_callback(statements.append)
        try:
            customer_list.counts(conn)
        finally:
            raw.set_trace_callback(None)
        plans = [
            str(step[-1])
            for statement in statements
            for step in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement.replace("?", "0"))
        ]
    reads = [step for step in plans if "conversations" in step and "subquery" not in step]
    assert len(statements) == 3 and reads, plans  # the customer with two conversations is corrected
    assert all("COVERING INDEX" in step or "USING INDEX" in step for step in reads), plans


def test_timeline_merges_the_customers_conversations_in_time_order(store: Store) -> None:
    made = store.write_now(lambda conn: _fill(conn, [Conv("ana", "whatsapp"), Conv("ana", "email")]))
    wa_id, mail_id = list(made)

    def add(conn: Connection) -> None:
        for n, (cid, at) in enumerate([(wa_id, 10), (mail_id, 20), (wa_id, 30), (mail_id, 40), (wa_id, 50)]):
            account = 1 if cid == wa_id else 2
            messages.add_message(
                conn, NewMessage(cid, account, f"m{n}", False, f"t{at}", at, DeliveryState.RECEIVED), now=at
            )

    store.write_now(add)
    with store.read() as conn:
        newest = timeline_page_before(conn, [wa_id, mail_id], None, 3)
        older = timeline_page_before(conn, [wa_id, mail_id], (newest[0].sent_at, newest[0].id), 3)
    assert [row.text for row in newest] == ["t30", "t40", "t50"]
    assert [row.text for row in older] == ["t10", "t20"]
