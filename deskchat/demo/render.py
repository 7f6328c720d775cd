"""Turning planned lines into the messages the demo stores: texts, subjects, attachments, ids, delivery states."""

from __future__ import annotations

import random
from dataclasses import dataclass

from deskchat.core.events import ChannelKind, DeliveryState
from deskchat.core.messages import Attachment
from deskchat.demo import brazil
from deskchat.demo.plan_model import ConversationPlan, DemoPlan, Line, Session
from deskchat.demo.sample_chats import STICKER_LABELS
from deskchat.demo.sample_data import ATTENDANTS, GREETINGS, SHOP_DOMAIN, SHOP_WHATSAPP
from deskchat.demo.sample_mail import ATTENDANT_SIGNATURE, CUSTOMER_SIGN_OFFS
from deskchat.demo.thumbnails import photo_thumbnail, sticker_thumbnail
from deskchat.demo.timeline import HOUR_MS, WorkClock

#: Kind of the messages of e-mail threads.
EMAIL_KIND = "email"
WHATSAPP_SERVER = "s.whatsapp.net"
ATTENDANT = ATTENDANTS[0]

_MIMES = {
    "jpg": "image/jpeg",
    "mp4": "video/mp4",
    "ogg": "audio/ogg",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "xml": "application/xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_SIZES = {
    "jpg": (90_000, 2_400_000),
    "mp4": (1_200_000, 14_000_000),
    "ogg": (6_000, 140_000),
    "webp": (12_000, 60_000),
    "pdf": (38_000, 420_000),
    "xml": (6_000, 14_000),
    "xlsx": (14_000, 90_000),
}
#: States of a recent outgoing message nobody has answered yet, dealt in turn so the demo shows each tick.
_UNANSWERED_STATES = (DeliveryState.DELIVERED, DeliveryState.SENT, DeliveryState.READ)


@dataclass(frozen=True)
class DemoReaction:
    sender: str
    emoji: str
    at: int


@dataclass(frozen=True)
class DemoMessage:
    channel_id: str
    outgoing: bool
    kind: str
    text: str
    subject: str
    sent_at: int
    delivery: DeliveryState
    sender_name: str
    reply_to: str | None
    attachments: tuple[Attachment, ...]
    reaction: DemoReaction | None

    @property
    def preview(self) -> str:
        """What the conversation list shows for it (as the ingest service does)."""
        if self.text:
            return self.text
        if self.subject:
            return self.subject
        if self.attachments:
            return self.attachments[0].file_name
        return self.kind


def whatsapp_jid(e164: str) -> str:
    return f"{e164[1:]}@{WHATSAPP_SERVER}"


class Renderer:
    def __init__(self, plan: DemoPlan) -> None:
        self.plan = plan
        self.clock: WorkClock = plan.clock
        self.rng = random.Random(f"{plan.seed}-render")
        self._voice_number = 42
        self._sticker_number = 7
        self._colour = 0
        self._unanswered = 0
        self._dealt_state = False
        self._ids: set[str] = set()

    # -- pieces ----------------------------------------------------------------------------------------------

    def _channel_id(self, domain: str | None) -> str:
        while True:
            token = f"{self.rng.getrandbits(64):016X}"
            channel_id = f"DEMO-{token}" if domain is None else f"<DEMO-{token.lower()}@{domain}>"
            if channel_id not in self._ids:
                self._ids.add(channel_id)
                return channel_id

    def _attachment(self, file_name: str, sticker: bool = False) -> Attachment:
        extension = file_name.rpartition(".")[2]
        low, high = _SIZES[extension]
        thumbnail: bytes | None = None
        if sticker:
            thumbnail = sticker_thumbnail(self.rng.choice(STICKER_LABELS), self._colour)
        elif extension in ("jpg", "mp4"):
            thumbnail = photo_thumbnail(file_name.rpartition(".")[0], self._colour)
        if thumbnail is not None:
            self._colour += 1
        return Attachment(file_name, _MIMES[extension], self.rng.randrange(low, high), thumbnail)

    def _files(self, line: Line, values: dict[str, str]) -> tuple[Attachment, ...]:
        if line.kind == "voice":
            self._voice_number += self.rng.randint(1, 9)
            return (self._attachment(f"audio_{self._voice_number:04d}.ogg"),)
        if line.kind == "sticker":
            self._sticker_number += self.rng.randint(1, 5)
            return (self._attachment(f"sticker_{self._sticker_number:04d}.webp", sticker=True),)
        return tuple(self._attachment(name.format_map(values)) for name in line.files)

    def _text(self, line: Line, session: Session) -> str:
        values = dict(session.values, saudacao=GREETINGS[self.clock.greeting_index(line.at)])
        return line.text.format_map(values)

    def _delivery(self, conversation: ConversationPlan, index: int, answered: bool) -> DeliveryState:
        line = conversation.lines[index]
        if line.who == "c":
            return DeliveryState.RECEIVED
        if conversation.channel is ChannelKind.EMAIL:
            return DeliveryState.SENT
        if answered or line.react or self.clock.now - line.at > 3 * HOUR_MS:
            return DeliveryState.PLAYED if line.kind == "voice" else DeliveryState.READ
        self._dealt_state = True
        return _UNANSWERED_STATES[self._unanswered % len(_UNANSWERED_STATES)]

    # -- conversations ---------------------------------------------------------------------------------------

    def conversation(self, conversation: ConversationPlan) -> list[DemoMessage]:
        self._dealt_state = False
        if conversation.channel is ChannelKind.EMAIL:
            messages = self._mail(conversation)
        else:
            messages = self._whatsapp(conversation)
        if self._dealt_state:  # the next unanswered conversation shows the next state
            self._unanswered += 1
        return messages

    def _whatsapp(self, conversation: ConversationPlan) -> list[DemoMessage]:
        person = conversation.person
        customer, own = whatsapp_jid(person.phone), whatsapp_jid(SHOP_WHATSAPP)
        answered_from = max((i for i, line in enumerate(conversation.lines) if line.who == "c"), default=-1)
        messages: list[DemoMessage] = []
        for index, line in enumerate(conversation.lines):
            session = conversation.sessions[line.session]
            reaction = None
            if line.react:
                at = min(self.clock.now, line.at + int(self.rng.uniform(20, 360) * 1000))
                reaction = DemoReaction(customer if line.who == "a" else own, line.react, at)
            messages.append(
                DemoMessage(
                    channel_id=self._channel_id(None),
                    outgoing=line.who == "a",
                    kind=line.kind,
                    text=self._text(line, session),
                    subject="",
                    sent_at=line.at,
                    delivery=self._delivery(conversation, index, index < answered_from),
                    sender_name=ATTENDANT if line.who == "a" else person.display_name,
                    reply_to=messages[index - line.reply].channel_id if line.reply else None,
                    attachments=self._files(line, session.values),
                    reaction=reaction,
                )
            )
        return messages

    def _signature(self, conversation: ConversationPlan, line: Line, body: str, sign_off: str) -> str:
        person = conversation.person
        if line.who == "a":
            return ATTENDANT_SIGNATURE.format_map(conversation.sessions[0].values)
        if "\n" not in body:
            return person.first_name
        lines = [sign_off, person.full_name]
        if person.company is not None:
            lines += [f"{person.role} | {person.company.name}", brazil.national_phone(person.phone)]
        return "\n".join(lines)

    def _mail(self, conversation: ConversationPlan) -> list[DemoMessage]:
        person = conversation.person
        session = conversation.sessions[0]
        subject = session.subject.format_map(session.values)
        sign_off = self.rng.choice(CUSTOMER_SIGN_OFFS)
        tag = ""
        messages: list[DemoMessage] = []
        for index, line in enumerate(conversation.lines):
            outgoing = line.who == "a"
            if index and session.tagged and session.case is not None and (tag or outgoing):
                tag = f"[Caso #{session.case.number}] "
            body = self._text(line, session)
            messages.append(
                DemoMessage(
                    channel_id=self._channel_id(SHOP_DOMAIN if outgoing else person.domain),
                    outgoing=outgoing,
                    kind=EMAIL_KIND,
                    text=f"{body}\n\n{self._signature(conversation, line, body, sign_off)}",
                    subject=f"RE: {tag}{subject}" if index else subject,
                    sent_at=line.at,
                    delivery=self._delivery(conversation, index, answered=True),
                    sender_name=ATTENDANT if outgoing else person.full_name,
                    reply_to=messages[-1].channel_id if messages else None,
                    attachments=self._files(line, session.values),
                    reaction=None,
                )
            )
        return messages


def render(plan: DemoPlan) -> list[list[DemoMessage]]:
    """The messages of each conversation of ``plan``, oldest first."""
    renderer = Renderer(plan)
    return [renderer.conversation(conversation) for conversation in plan.conversations]
