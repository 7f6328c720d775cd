"""How one try of an outbox item ended, classified from what the handler returned or raised."""

from __future__ import annotations

import random
from dataclasses import dataclass

from deskchat.channels.base import ChannelUnavailable, PermanentSendError, RetryAfter, SendReceipt

MAX_BACKOFF_MS = 5 * 60_000
MAX_TRANSIENT_ATTEMPTS = 8  # then the item is parked and the bubble says "falhou — tentar novamente"


class SendConflict(Exception):
    """The receiver holds a different version of what we send (a CRM ETag mismatch): the attendant decides."""


@dataclass(frozen=True)
class Done:
    receipt: SendReceipt


@dataclass(frozen=True)
class RetryLater:
    delay_ms: int
    reason: str


@dataclass(frozen=True)
class Unavailable:
    """The channel is offline or pairing: not an attempt; the lane waits until the account is available."""

    reason: str


@dataclass(frozen=True)
class Parked:
    """Refused for good: ``reason`` is shown to the attendant."""

    reason: str


@dataclass(frozen=True)
class Conflict:
    reason: str


Outcome = Done | RetryLater | Unavailable | Parked | Conflict


def backoff_ms(attempts: int) -> int:
    """Capped exponential backoff with 50–100 % jitter: 1 s, 2 s, 4 s … 5 min."""
    base = min(1000 * 2 ** max(attempts - 1, 0), MAX_BACKOFF_MS)
    return int(base * random.uniform(0.5, 1.0))


def classify(problem: BaseException, attempts: int, send_timeout_s: float) -> Outcome:
    """What an exception from a handler means; ``attempts`` counts this try."""
    if isinstance(problem, ChannelUnavailable):
        return Unavailable(str(problem) or "channel unavailable")
    if isinstance(problem, PermanentSendError):
        return Parked(str(problem) or "refused by the channel")
    if isinstance(problem, SendConflict):
        return Conflict(str(problem) or "conflict")
    if isinstance(problem, TimeoutError):
        reason = f"no answer within {send_timeout_s:g} s"
    else:
        reason = f"{type(problem).__name__}: {problem}"
    if attempts >= MAX_TRANSIENT_ATTEMPTS:
        return Parked(f"failed {attempts} times; last: {reason}")
    if isinstance(problem, RetryAfter):
        return RetryLater(max(0, int(problem.delay_s * 1000)), reason)
    return RetryLater(backoff_ms(attempts), reason)
