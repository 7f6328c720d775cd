"""Telling and asking the attendant without blocking: the one interface services and tasks report through.

Services never show anything themselves: they hold a :class:`Notices` and call ``info``, ``warning`` or ``error``
(which return at once) or ``await ask(...)`` (which suspends only the asking task). The UI implements it with
non-modal message boxes (``deskchat.ui.notices``); a nested event loop would stop every other task on the asyncio
loop (qasync#82, #59, #174), so no implementation may run one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

log = logging.getLogger("deskchat.notices")


class Notices(Protocol):
    """How a service tells the attendant something (texts are already in the attendant's language)."""

    def info(self, text: str) -> None:
        """Something the attendant may like to know; returns at once."""

    def warning(self, text: str) -> None:
        """Something went wrong that the attendant can correct (a mistyped number); returns at once."""

    def error(self, text: str) -> None:
        """Something failed that the attendant cannot correct here (a server refused); returns at once."""

    async def ask(self, question: str, choices: Sequence[str], *, cancel: str | None = None) -> str:
        """Ask ``question`` and return the chosen one of ``choices``.

        The first choice is the default button. Dismissing the question (Escape, closing it, its window going away)
        answers ``cancel``, which must be one of ``choices``; ``None`` means the last choice.
        """
        ...


def dismissal(choices: Sequence[str], cancel: str | None) -> str:
    """The answer a dismissed question gets (see :meth:`Notices.ask`)."""
    if not choices:
        raise ValueError("a question needs at least one choice")
    if cancel is None:
        return choices[-1]
    if cancel not in choices:
        raise ValueError("the cancel answer must be one of the choices")
    return cancel


class LoggedNotices:
    """Notices with nobody to show them to (a headless run): counted in the log, never with their text (it may name a
    customer); every question is answered as dismissed."""

    def info(self, text: str) -> None:
        log.info("notice (info) with nobody to show it to")

    def warning(self, text: str) -> None:
        log.warning("notice (warning) with nobody to show it to")

    def error(self, text: str) -> None:
        log.warning("notice (error) with nobody to show it to")

    async def ask(self, question: str, choices: Sequence[str], *, cancel: str | None = None) -> str:
        log.warning("question with nobody to answer it: dismissed")
        return dismissal(choices, cancel)
