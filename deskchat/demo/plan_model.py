"""The data of a demo plan (see :mod:`deskchat.demo.plan`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from deskchat.core.events import ChannelKind, ConversationStatus
from deskchat.demo.roster import Person
from deskchat.demo.timeline import WorkClock


@dataclass
class Line:
    """One planned message, before its text is filled in."""

    who: str  # "c" | "a"
    text: str
    kind: str
    files: tuple[str, ...]
    reply: int
    react: str
    session: int
    at: int = 0


@dataclass
class CasePlan:
    person: Person
    title: str  # rendered
    queue: str
    priority: str
    opened_at: int
    updated_at: int
    status: str
    assignee: str
    conversation: int | None = None  # index in DemoPlan.conversations
    linked_by: str = ""
    number: str = ""


@dataclass
class Session:
    """One talk about one topic; a conversation may hold an older talk before the current one."""

    topic: str
    queue: str
    case_title: str
    priority: str
    subject: str  # e-mail subject template ("" on WhatsApp)
    tagged: bool
    values: dict[str, str]
    case: CasePlan | None = None


@dataclass
class ConversationPlan:
    person: Person
    channel: ChannelKind
    status: ConversationStatus
    sessions: list[Session] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    unread: int = 0
    show_unread: bool = False
    closed_at: int | None = None
    assignee: str = ""


@dataclass
class DemoPlan:
    seed: int
    clock: WorkClock
    people: list[Person]
    conversations: list[ConversationPlan]
    cases: list[CasePlan]
