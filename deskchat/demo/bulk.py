"""Bulk demo data for benchmarks: tens of thousands of conversations and a million messages, fast.

:func:`generate_bulk` does it all. Its steps are public so a benchmark can time the ingest alone:

1. :func:`prepare_bulk` creates two accounts, one contact (with identities, a third with a CRM client) and one
   empty conversation per planned conversation, with ``executemany`` inserts, and returns a :class:`BulkResult`
   whose ``specs`` say how many messages each conversation gets and over which time span;
2. :func:`deskchat.demo.bulk_messages.batches_for` yields those messages as lists of
   :class:`~deskchat.store.messages.NewMessage` without writing anything
   (:func:`deskchat.demo.bulk_messages.message_batches` does the same for conversations the caller made);
3. :func:`write_batches` stores them with :func:`deskchat.store.messages.add_messages_bulk`, one transaction per
   batch;
4. :func:`finish_bulk` updates every conversation's list row (status, unread badge, last message time, preview).

The first conversation created (``BulkResult.big_conversation_id``) is the largest: exactly 50,000 messages when
there are at least 100,000 in all, half of them otherwise; the others get an uneven (heavy-tailed) share, at least
one each when there are enough. Messages of a conversation are in chronological order, and their texts combine
Portuguese fragments so everyday words ("pedido", "entrega", "boleto") occur in many of them.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from queue import Queue

from sqlalchemy import Connection, insert

from deskchat.core.events import ChannelKind, ConversationStatus
from deskchat.demo import brazil
from deskchat.demo.bulk_messages import ConversationSpec, batches_for, plan_specs, spread
from deskchat.demo.render import ATTENDANT, whatsapp_jid
from deskchat.demo.sample_bulk import BULK_SUBJECTS
from deskchat.demo.sample_data import (
    ALL_DDDS,
    ATTENDANTS,
    COMPANIES,
    EMAIL_ACCOUNT_ADDRESS,
    EMAIL_ACCOUNT_NAME,
    PEOPLE,
    SHOP_WHATSAPP,
    WHATSAPP_ACCOUNT_NAME,
)
from deskchat.demo.timeline import DAY_MS, MINUTE_MS
from deskchat.store import accounts, messages
from deskchat.store.clock import now_ms as wall_clock_ms
from deskchat.store.conversations import PREVIEW_CHARS
from deskchat.store.database import Store
from deskchat.store.messages import NewMessage
from deskchat.store.schema import contact_identities, contacts, conversations, crm_clients

#: Relative length of an e-mail thread to a chat.
_MAIL_SHARE = 0.3

ProgressCallback = Callable[[int, int], None]  # (messages stored so far, messages planned)


@dataclass(frozen=True)
class BulkResult:
    conversation_ids: tuple[int, ...]  # in creation order
    big_conversation_id: int  # the first one, the largest
    account_ids: tuple[int, int]  # (WhatsApp, e-mail)
    specs: tuple[ConversationSpec, ...]
    messages: int  # planned in all


# -- storing ------------------------------------------------------------------------------------------------


def _prefetched(source: Iterable[list[NewMessage]], depth: int = 3) -> Generator[list[NewMessage], None, None]:
    """``source`` produced on a helper thread, so generating the next batch overlaps storing this one."""
    queue: Queue[list[NewMessage] | BaseException | None] = Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in source:
                if stop.is_set():
                    return
                queue.put(item)
        except BaseException as exc:  # handed to the consumer
            queue.put(exc)
            return
        queue.put(None)

    worker = threading.Thread(target=produce, name="deskchat-bulk-generator", daemon=True)
    worker.start()
    try:
        while True:
            item = queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            while not queue.empty():
                queue.get_nowait()
            worker.join(timeout=0.05)


def write_batches(
    store: Store,
    batches: Iterable[Sequence[NewMessage]],
    *,
    now: int,
    total: int = 0,
    on_progress: ProgressCallback | None = None,
) -> int:
    """Store each batch in its own transaction (``add_messages_bulk``, stored at ``now``); returns how many rows
    were new."""
    stored = 0
    for rows in batches:
        stored += store.write_now(partial(messages.add_messages_bulk, batch=rows, now=now))
        if on_progress is not None:
            on_progress(stored, total)
    return stored


# -- contacts, conversations, list rows -----------------------------------------------------------------------


def _max_id(conn: Connection, table: str) -> int:
    return int(conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar_one())


def _prepare(conn: Connection, conversation_count: int, total: int, seed: int, now: int) -> BulkResult:
    rng = random.Random(f"{seed}-plan")
    whatsapp_id = accounts.create_account(
        conn, ChannelKind.WHATSAPP.value, WHATSAPP_ACCOUNT_NAME, brazil.display_phone(SHOP_WHATSAPP), now=now
    )
    email_id = accounts.create_account(
        conn, ChannelKind.EMAIL.value, EMAIL_ACCOUNT_NAME, EMAIL_ACCOUNT_ADDRESS, now=now
    )
    first_contact = _max_id(conn, "contacts") + 1
    first_conversation = _max_id(conn, "conversations") + 1
    first_names = sorted({name.split()[0] for name in PEOPLE})
    surnames = sorted({name.split()[-1] for name in PEOPLE})
    emails = [index > 0 and rng.random() < 1 / 3 for index in range(conversation_count)]
    counts = spread(total, conversation_count, rng, [_MAIL_SHARE if email else 1.0 for email in emails])
    ids = list(range(first_conversation, first_conversation + conversation_count))
    names = [f"{rng.choice(first_names)} {rng.choice(surnames)}" for _ in ids]
    subjects = [rng.choice(BULK_SUBJECTS).format(n=rng.randrange(5000, 99_999)) if email else "" for email in emails]
    specs = plan_specs(
        ids,
        [email_id if email else whatsapp_id for email in emails],
        emails,
        counts,
        names,
        subjects,
        now_ms=now,
        rng=rng,
    )
    offset = rng.randrange(40_000_000)
    contact_rows, identity_rows, client_rows, conversation_rows = [], [], [], []
    for index, spec in enumerate(specs):
        contact_id = first_contact + index
        name = names[index]
        contact_rows.append(
            {"id": contact_id, "display_name": name, "created_at": spec.first_at, "updated_at": spec.first_at}
        )
        company = COMPANIES[index % len(COMPANIES)]
        phone = brazil.mobile_e164(ALL_DDDS[index % len(ALL_DDDS)], (offset + index * 7_919) % 40_000_000)
        if spec.email:
            address = f"{brazil.ascii_name(name)}.{contact_id}@{company.domain}"
            identity_rows.append({"contact_id": contact_id, "kind": "email", "value": address})
            key = f"<BULK-{spec.conversation_id}@{company.domain}>"
        else:
            identity_rows.append({"contact_id": contact_id, "kind": "wa_pn", "value": phone[1:]})
            key = whatsapp_jid(phone)
        identity_rows.append({"contact_id": contact_id, "kind": "phone", "value": phone})
        if index % 3 == 0:
            crm_id = f"CLI-{contact_id}"
            identity_rows.append({"contact_id": contact_id, "kind": "crm", "value": crm_id})
            client_rows.append(
                {
                    "contact_id": contact_id,
                    "crm_id": crm_id,
                    "name": company.name,
                    "cnpj": brazil.random_cnpj(rng),
                    "company_type": company.company_type,
                    "credit_limit_cents": rng.randrange(500_000, 20_000_000, 50_000),
                    "debt_cents": 0 if rng.random() < 0.6 else rng.randrange(10_000, 500_000),
                    "sales_stage": rng.choice(("fechado", "fechado", "negociação", "proposta", "qualificado")),
                    "responsible": rng.choice(ATTENDANTS),
                    "updated_at": now - DAY_MS,
                }
            )
        conversation_rows.append(
            {
                "id": spec.conversation_id,
                "account_id": spec.account_id,
                "contact_id": contact_id,
                "channel_key": key,
                "title": name,
                "created_at": spec.first_at,
            }
        )
    conn.execute(insert(contacts), contact_rows)
    conn.execute(insert(contact_identities).prefix_with("OR IGNORE"), identity_rows)
    if client_rows:
        conn.execute(insert(crm_clients), client_rows)
    conn.execute(insert(conversations), conversation_rows)
    return BulkResult(tuple(ids), ids[0], (whatsapp_id, email_id), tuple(specs), total)


def prepare_bulk(
    store: Store, *, conversations: int, messages: int, seed: int = 1, now_ms: int | None = None
) -> BulkResult:
    """Create the accounts, contacts and (empty) conversations of a bulk data set, in one transaction."""
    now = wall_clock_ms() if now_ms is None else now_ms
    return store.write_now(lambda conn: _prepare(conn, conversations, messages, seed, now))


_LAST_MESSAGE_SQL = f"""
    UPDATE conversations
    SET last_message_at = m.sent_at,
        last_preview = substr(CASE WHEN m.text <> '' THEN m.text WHEN m.subject <> '' THEN m.subject
                                   ELSE m.kind END, 1, {PREVIEW_CHARS}),
        last_outgoing = m.outgoing
    FROM messages AS m
    WHERE conversations.id BETWEEN ? AND ?
      AND m.id = (SELECT id FROM messages WHERE conversation_id = conversations.id
                  ORDER BY sent_at DESC, id DESC LIMIT 1)
"""


def _finish(conn: Connection, result: BulkResult) -> None:
    rows = []
    for spec in result.specs:
        closed = spec.status is ConversationStatus.CLOSED
        closed_at = spec.last_at + 10 * MINUTE_MS if closed else None
        assignee = "" if spec.status is ConversationStatus.PENDING else ATTENDANT
        rows.append((spec.status.value, spec.unread, closed_at, assignee, spec.first_at, spec.conversation_id))
    conn.exec_driver_sql(
        "UPDATE conversations SET status = ?, unread_count = ?, closed_at = ?, assignee = ?, last_message_at = ? "
        "WHERE id = ?",
        rows,
    )
    conn.exec_driver_sql(_LAST_MESSAGE_SQL, (min(result.conversation_ids), max(result.conversation_ids)))


def finish_bulk(store: Store, result: BulkResult) -> None:
    """Set every conversation's list row from its messages and plan, in one transaction."""
    store.write_now(lambda conn: _finish(conn, result))


def generate_bulk(
    store: Store,
    *,
    conversations: int,
    messages: int,
    seed: int = 1,
    batch: int = 5000,
    on_progress: ProgressCallback | None = None,
    now_ms: int | None = None,
) -> BulkResult:
    """Fill ``store`` with ``conversations`` conversations holding ``messages`` messages in all (see the module doc).

    ``on_progress(stored, planned)`` is called after each batch. The same seed and ``now_ms`` give the same data.
    """
    now = wall_clock_ms() if now_ms is None else now_ms
    result = prepare_bulk(store, conversations=conversations, messages=messages, seed=seed, now_ms=now)
    batches = _prefetched(batches_for(result.specs, batch=batch, seed=seed, now_ms=now))
    write_batches(store, batches, now=now, total=messages, on_progress=on_progress)
    finish_bulk(store, result)
    return result
