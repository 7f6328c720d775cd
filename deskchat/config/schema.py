"""Every setting DeskChat knows, declared once: key, type, default, description (for IT) and label (for the UI).

Labels are English source text; the Preferences dialog translates them in the Qt context ``"Settings"``.
Descriptions stay in English: they document the settings and policy files for IT.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Generic, Literal, TypeVar, cast

from deskchat.config.bounded import quoted

T = TypeVar("T")

GroupMode = Literal["separate", "ignore", "mixed"]
Language = Literal["pt_BR", "en"]


class InvalidValue(ValueError):
    """A value does not fit its setting (wrong type, not one of the choices, out of range)."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str  # English source text, translated in the UI


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One typed setting. ``value_type`` is ``bool``, ``int`` or ``str`` (a ``str`` setting lists its choices)."""

    key: str
    value_type: type[Any]
    default: T
    description: str
    label: str
    choices: tuple[Choice, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    applies_on_restart: bool = False
    in_preferences: bool = True  # False: edited elsewhere (the CRM address, on the connection screen)

    def __post_init__(self) -> None:
        self.check(self.default)  # a schema mistake fails at import, in every test

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    def check(self, value: object) -> T:
        """``value`` (as read from JSON) if it fits this setting.

        Raises:
            InvalidValue: saying what was expected, in English, for the log and the problems list.
        """
        if self.value_type is bool:
            if not isinstance(value, bool):
                raise InvalidValue(f"expected true or false, got {quoted(value)}")
        elif self.value_type is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidValue(f"expected a whole number, got {quoted(value)}")
            if self.minimum is not None and value < self.minimum:
                raise InvalidValue(f"expected at least {self.minimum}, got {value}")
            if self.maximum is not None and value > self.maximum:
                raise InvalidValue(f"expected at most {self.maximum}, got {value}")
        elif self.value_type is str:
            allowed = [choice.value for choice in self.choices]
            if not isinstance(value, str) or (allowed and value not in allowed):
                raise InvalidValue(f"expected one of {', '.join(map(repr, allowed))}, got {quoted(value)}")
        else:
            raise InvalidValue(f"unsupported setting type {self.value_type.__name__}")
        return cast(T, value)


SEND_READ_RECEIPTS: Final = Setting[bool](
    key="whatsapp.send_read_receipts",
    value_type=bool,
    default=True,
    description="Opening a conversation tells the customer's WhatsApp that their messages were read (blue ticks).",
    label="Send read receipts (blue ticks) when I open a conversation",
)

GROUPS: Final = Setting[GroupMode](
    key="whatsapp.groups",
    value_type=str,
    default="separate",
    description=(
        "Customer WhatsApp groups: 'separate' lists them in their own Groups tab, 'ignore' does not store their"
        " messages at all (and hides groups stored earlier), 'mixed' lists them with the customer conversations."
    ),
    label="WhatsApp groups",
    choices=(
        Choice("separate", "In their own tab (Groups)"),
        Choice("ignore", "Ignore (group messages are not stored)"),
        Choice("mixed", "Mixed with customer conversations"),
    ),
)

LANGUAGE: Final = Setting[Language](
    key="ui.language",
    value_type=str,
    default="pt_BR",
    description="Interface language; the --lang option overrides it. Takes effect on the next start.",
    label="Language",
    choices=(Choice("pt_BR", "Português (Brasil)"), Choice("en", "English")),
    applies_on_restart=True,
)

REOPEN_WINDOW_HOURS: Final = Setting[int](
    key="tickets.reopen_window_hours",
    value_type=int,
    default=24,
    description=(
        "A customer's message up to this many hours after a ticket was closed reopens it; a later one starts a new"
        " ticket (0: always a new ticket)."
    ),
    label="Reopen a closed ticket when the customer writes within (hours)",
    minimum=0,
    maximum=24 * 90,
)

NOTIFY_DESKTOP: Final = Setting[bool](
    key="notifications.desktop",
    value_type=bool,
    default=True,
    description=(
        "A customer's new message shows a desktop notification (contact, first line, channel) when DeskChat's window"
        " is not in front or another conversation is open. History and group messages under 'ignore' never notify."
    ),
    label="Show a desktop notification when a customer writes",
)

NOTIFY_SOUND: Final = Setting[bool](
    key="notifications.sound",
    value_type=bool,
    default=True,
    description="A customer's new message plays a short sound, under the same conditions as the desktop notification.",
    label="Play a sound when a customer writes",
)

CRM_AUTO_LEAD: Final = Setting[bool](
    key="crm.auto_lead",
    value_type=bool,
    default=True,
    description=(
        "A message from a number or sender the CRM does not know creates a lead (source whatsapp/email) and a"
        " pending case in the CRM by itself."
    ),
    label="Create a CRM lead and case when an unknown customer writes",
)

CRM_URL: Final = Setting[str](
    key="crm.url",
    value_type=str,
    default="",
    description=(
        "The CRM's address (https://crm.example.com, without /api/v1). Set by IT in the policy file, the connection"
        " screen shows it read-only; empty lets the attendant type it."
    ),
    label="CRM address",
    in_preferences=False,
)

#: The schema, in the order the Preferences dialog shows it.
SCHEMA: Final[tuple[Setting[Any], ...]] = (
    SEND_READ_RECEIPTS,
    GROUPS,
    REOPEN_WINDOW_HOURS,
    NOTIFY_DESKTOP,
    NOTIFY_SOUND,
    CRM_AUTO_LEAD,
    LANGUAGE,
    CRM_URL,
)
BY_KEY: Final[dict[str, Setting[Any]]] = {setting.key: setting for setting in SCHEMA}
