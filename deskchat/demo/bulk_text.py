"""Pools of bulk message texts, combined from the Portuguese fragments of :mod:`deskchat.demo.sample_bulk`.

Each pool holds :data:`POOL_SIZE` texts; the bulk generator picks one with 12 random bits per message, which is
much cheaper than composing every text and still gives a realistic spread of words for the search index.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from deskchat.demo import brazil
from deskchat.demo.sample_bulk import (
    BULK_CLOSERS_IN,
    BULK_CLOSERS_OUT,
    BULK_CORES_IN,
    BULK_CORES_OUT,
    BULK_MAIL_CLOSING_OUT,
    BULK_MAIL_GREETINGS_IN,
    BULK_MAIL_GREETINGS_OUT,
    BULK_MAIL_SIGN_OFFS_IN,
    BULK_MAIL_SIGNATURE_OUT,
    BULK_OPENERS_IN,
    BULK_OPENERS_OUT,
)
from deskchat.demo.sample_data import CITIES, PRODUCTS

POOL_SIZE = 4096  # 12 bits


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    text = _capitalized(text)
    return text if text[-1:] in ".!?" else text + "."


class TextPools:
    """Texts for incoming and outgoing chat messages and e-mails."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self.chat_in = [self._chat(BULK_OPENERS_IN, BULK_CORES_IN, BULK_CLOSERS_IN) for _ in range(POOL_SIZE)]
        self.chat_out = [self._chat(BULK_OPENERS_OUT, BULK_CORES_OUT, BULK_CLOSERS_OUT) for _ in range(POOL_SIZE)]
        self.mail_in = [self._mail_in() for _ in range(POOL_SIZE)]
        self.mail_out = [self._mail_out() for _ in range(POOL_SIZE)]

    def _core(self, cores: Sequence[str]) -> str:
        rng = self._rng
        day, month = rng.randint(1, 28), rng.randint(1, 12)
        return rng.choice(cores).format(
            n=rng.randrange(5000, 99_999),
            p=rng.choice(PRODUCTS),
            q=rng.choice((2, 3, 5, 6, 10, 12, 20, 24, 50)),
            c=rng.choice(CITIES).name,
            v=brazil.money(rng.randrange(2_000, 900_000)),
            u=brazil.money(rng.randrange(450, 25_000)),
            d=f"{day:02d}/{month:02d}",
        )

    def _chat(self, openers: Sequence[str], cores: Sequence[str], closers: Sequence[str]) -> str:
        rng = self._rng
        opener, core, closer = rng.choice(openers), self._core(cores), rng.choice(closers)
        if not opener or opener.rstrip()[-1] in ".!?":
            core = _capitalized(core)
        if closer and core[-1] not in ".!?":
            core += "."
        return opener + core + closer

    def _mail_in(self) -> str:
        rng = self._rng
        paragraphs = [rng.choice(BULK_MAIL_GREETINGS_IN), _sentence(self._core(BULK_CORES_IN))]
        if rng.random() < 0.5:
            paragraphs.append(_sentence(self._core(BULK_CORES_IN)))
        paragraphs.append(rng.choice(BULK_MAIL_SIGN_OFFS_IN))
        return "\n\n".join(paragraphs)

    def _mail_out(self) -> str:
        rng = self._rng
        paragraphs = [rng.choice(BULK_MAIL_GREETINGS_OUT), _sentence(self._core(BULK_CORES_OUT))]
        if rng.random() < 0.4:
            paragraphs.append(_sentence(self._core(BULK_CORES_OUT)))
        paragraphs += [BULK_MAIL_CLOSING_OUT, BULK_MAIL_SIGNATURE_OUT]
        return "\n\n".join(paragraphs)
