"""Bulk messages: how many each conversation gets, when, and their texts (see :mod:`deskchat.demo.bulk`).

Nothing here touches the store: :func:`batches_for` and :func:`message_batches` only yield lists of
:class:`~deskchat.store.messages.NewMessage`, so a benchmark can time the ingest separately from generation.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from deskchat.core.events import ConversationStatus, DeliveryState
from deskchat.demo.bulk_text import TextPools
from deskchat.demo.render import ATTENDANT, EMAIL_KIND
from deskchat.demo.timeline import DAY_MS, HOUR_MS, MINUTE_MS
from deskchat.store.clock import now_ms as wall_clock_ms
from deskchat.store.messages import NewMessage

#: Size of the big conversation of a large data set, and from how many messages it gets it.
BIG_CONVERSATION_MESSAGES = 50_000
BIG_FROM_TOTAL = 100_000
#: How far back bulk history goes.
HISTORY_MS = 365 * DAY_MS


@dataclass(frozen=True, slots=True)
class ConversationSpec:
    """How many messages one bulk conversation gets, when, and how its list row ends up."""

    conversation_id: int
    account_id: int
    email: bool
    count: int
    first_at: int  # unix ms of the first message
    last_at: int  # unix ms of the last message
    unread: int  # the last ``unread`` messages are incoming (and counted in the badge)
    status: ConversationStatus
    customer: str  # sender name of the incoming messages
    subject: str  # e-mail subject ("" on WhatsApp)


# -- planning -------------------------------------------------------------------------------------------------


def spread(total: int, conversations: int, rng: random.Random, scale: Sequence[float] | None = None) -> list[int]:
    """Message counts per conversation summing to ``total``; the first is the big one (see the module doc).

    ``scale[i]`` (default 1) multiplies conversation ``i``'s random share: e-mail threads are shorter than chats.
    """
    if conversations <= 0:
        raise ValueError("need at least one conversation")
    if total < 0:
        raise ValueError("negative message count")
    if conversations == 1:
        return [total]
    big = BIG_CONVERSATION_MESSAGES if total >= BIG_FROM_TOTAL else total // 2
    rest, others = total - big, conversations - 1
    floor = 1 if rest >= others else 0
    weights = [min(rng.paretovariate(1.2), 150.0) for _ in range(others)]
    if scale is not None:
        weights = [weight * factor for weight, factor in zip(weights, scale[1:], strict=True)]
    per_weight = (rest - floor * others) / sum(weights)
    counts = [floor + int(weight * per_weight) for weight in weights]
    for index in rng.choices(range(others), weights=weights, k=rest - sum(counts)):
        counts[index] += 1
    return [big, *counts]


def plan_specs(
    conversation_ids: Sequence[int],
    account_ids: Sequence[int],
    emails: Sequence[bool],
    counts: Sequence[int],
    customers: Sequence[str],
    subjects: Sequence[str],
    *,
    now_ms: int,
    rng: random.Random,
) -> list[ConversationSpec]:
    """Time span, tab and unread badge of each conversation (the first, big one stays open)."""
    specs = []
    for index, conversation_id in enumerate(conversation_ids):
        count = counts[index]
        if index == 0:
            last_at = now_ms - int(rng.uniform(1, 30) * MINUTE_MS)
            span = min(HISTORY_MS // 2, count * 5 * MINUTE_MS)
        else:
            age = min(rng.expovariate(1 / (5 * DAY_MS)), HISTORY_MS / 2)
            last_at = now_ms - int(age) - int(rng.uniform(0.5, 10) * MINUTE_MS)
            span = min(HISTORY_MS // 2, int(max(count - 1, 0) * rng.uniform(2, 90) * MINUTE_MS))
        age_ms = now_ms - last_at
        if index == 0:
            status = ConversationStatus.OPEN
        elif age_ms < DAY_MS:
            status = ConversationStatus.PENDING if rng.random() < 0.5 else ConversationStatus.OPEN
        elif age_ms < 7 * DAY_MS:
            status = ConversationStatus.OPEN if rng.random() < 0.4 else ConversationStatus.CLOSED
        else:
            status = ConversationStatus.CLOSED
        unread = 0  # pending: the customer is waiting; open: some have news
        if count and (
            status is ConversationStatus.PENDING or (status is ConversationStatus.OPEN and rng.random() < 0.5)
        ):
            unread = min(count, rng.randint(1, 5))
        specs.append(
            ConversationSpec(
                conversation_id=conversation_id,
                account_id=account_ids[index],
                email=emails[index],
                count=count,
                first_at=last_at - span,
                last_at=last_at,
                unread=unread,
                status=status,
                customer=customers[index],
                subject=subjects[index],
            )
        )
    return specs


# -- messages -------------------------------------------------------------------------------------------------


def batches_for(
    specs: Sequence[ConversationSpec],
    *,
    batch: int = 5000,
    seed: int = 1,
    now_ms: int | None = None,
    id_prefix: str | None = None,
) -> Iterator[list[NewMessage]]:
    """The messages of ``specs``, conversation after conversation, in lists of ``batch`` (nothing is written).

    Channel ids are ``id_prefix`` (default "BULK<first conversation id>-") plus a counter, unique per account
    as long as the prefix is.
    """
    if batch <= 0:
        raise ValueError("batch must be positive")
    rng = random.Random(f"{seed}-messages")
    pools = TextPools(rng)
    now = wall_clock_ms() if now_ms is None else now_ms
    read_before = now - 2 * HOUR_MS
    prefix = id_prefix if id_prefix is not None else f"BULK{specs[0].conversation_id if specs else 0:X}-"
    received, sent, delivered, read = (
        DeliveryState.RECEIVED,
        DeliveryState.SENT,
        DeliveryState.DELIVERED,
        DeliveryState.READ,
    )
    rand, bits = rng.random, rng.getrandbits
    rows: list[NewMessage] = []
    append = rows.append
    counter = 0
    for spec in specs:
        count = spec.count
        if count <= 0:
            continue
        incoming_from = count - spec.unread  # the trailing unread messages are incoming
        answer_at = incoming_from - 1 if spec.unread else -1  # ... after an answer
        step = (spec.last_at - spec.first_at) / max(count - 1, 1)
        first_at, conversation_id, account_id = spec.first_at, spec.conversation_id, spec.account_id
        customer, is_email = spec.customer, spec.email
        if is_email:
            kind, texts_in, texts_out = EMAIL_KIND, pools.mail_in, pools.mail_out
            subject, reply_subject = spec.subject, f"RE: {spec.subject}"
        else:
            kind, texts_in, texts_out = "text", pools.chat_in, pools.chat_out
            subject = reply_subject = ""
        previous: str | None = None
        for index in range(count):
            if index >= incoming_from:
                outgoing = False
            elif index == answer_at:
                outgoing = True
            else:
                outgoing = rand() < 0.45
            sent_at = spec.last_at if index == count - 1 else int(first_at + (index + 0.9 * rand()) * step)
            channel_id = f"{prefix}{counter:08X}"
            counter += 1
            if outgoing:
                text = texts_out[bits(12)]
                if is_email:
                    delivery = sent
                elif sent_at < read_before:
                    delivery = read
                else:
                    delivery = delivered if rand() < 0.6 else sent
                sender = ATTENDANT
            else:
                text, delivery, sender = texts_in[bits(12)], received, customer
            reply_to = previous if is_email or rand() < 0.03 else None  # e-mails answer the previous one
            append(
                NewMessage(
                    conversation_id,
                    account_id,
                    channel_id,
                    outgoing,
                    text,
                    sent_at,
                    delivery,
                    kind,
                    sender,
                    reply_subject if index else subject,
                    reply_to,
                )
            )
            previous = channel_id
            if len(rows) >= batch:
                yield rows
                rows = []
                append = rows.append
    if rows:
        yield rows


def message_batches(
    conversation_ids: Sequence[int],
    account_id: int,
    total: int,
    batch: int = 5000,
    seed: int = 1,
    *,
    now_ms: int | None = None,
    id_prefix: str | None = None,
) -> Iterator[list[NewMessage]]:
    """``total`` WhatsApp-style messages for existing conversations of one account, in lists of ``batch``.

    The first conversation is the big one (see the module doc); nothing is written. The conversations' list
    rows are left as they are.
    """
    rng = random.Random(f"{seed}-plan")
    now = wall_clock_ms() if now_ms is None else now_ms
    counts = spread(total, len(conversation_ids), rng)
    n = len(conversation_ids)
    specs = plan_specs(
        conversation_ids, [account_id] * n, [False] * n, counts, ["Cliente"] * n, [""] * n, now_ms=now, rng=rng
    )
    return batches_for(specs, batch=batch, seed=seed, now_ms=now, id_prefix=id_prefix)
