"""Planning the demo conversations: who talks about what, in which tab, and when.

The plan is pure data (no store): :func:`build_plan` composes each conversation from scripts, lays its messages
out in working time, derives the CRM cases, and hands everything to :mod:`deskchat.demo.render` for the final
texts. Every random choice comes from one ``random.Random(seed)``, so a seed and a "now" give the same plan.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from deskchat.core.events import ChannelKind, ConversationStatus
from deskchat.demo import brazil
from deskchat.demo.plan_crm import plan_cases, set_sales_stages
from deskchat.demo.plan_model import ConversationPlan, DemoPlan, Line, Session
from deskchat.demo.roster import Person, build_people
from deskchat.demo.sample_chats import CLOSINGS, LEAD_SCRIPTS, NEW_REQUESTS, SCRIPTS
from deskchat.demo.sample_data import (
    ATTENDANTS,
    CARRIERS,
    PRODUCTS,
    SHOP_CNPJ_BASE,
    SHOP_NAME,
    SHOP_PHONE,
    SHOP_WHATSAPP,
    STREETS,
    WEEKDAYS,
)
from deskchat.demo.sample_mail import THREADS
from deskchat.demo.script_types import ChatScript, MailThread, Turn
from deskchat.demo.timeline import DAY_MS, HOUR_MS, MINUTE_MS, WORKDAY_MS, WorkClock, local_datetime

PENDING, OPEN, CLOSED = ConversationStatus.PENDING, ConversationStatus.OPEN, ConversationStatus.CLOSED
WHATSAPP, EMAIL = ChannelKind.WHATSAPP, ChannelKind.EMAIL

#: Tabs of the WhatsApp conversations of known people, and of the e-mail threads (leads come on top).
_WHATSAPP_TABS = (PENDING,) * 5 + (OPEN,) * 11 + (CLOSED,) * 9
_MAIL_TABS = (PENDING,) * 4 + (OPEN,) * 7 + (CLOSED,) * 5
_MAIL_ALSO_WHATSAPP = 3  # WhatsApp clients who also have an e-mail thread
_CLOSED_TODAY = 3  # closed conversations that ended today; the others ended on earlier days
_MAX_MESSAGES = 40


def _texts_of(script: ChatScript | MailThread) -> list[str]:
    if isinstance(script, MailThread):
        texts = [script.subject, script.case_title]
        for mail in script.turns:
            texts += [mail.body, *mail.attachments]
        return texts
    return [script.case_title] + [turn.text + turn.file for turn in script.turns]


def needs_company(script: ChatScript | MailThread) -> bool:
    """Whether the script speaks of the customer's company (so it only suits company buyers)."""
    return any("{empresa}" in text or "{dominio}" in text for text in _texts_of(script))


class _Deck:
    """Scripts dealt in a shuffled rotation; a script that does not fit the person waits for the next deal."""

    def __init__(self, rng: random.Random, items: Sequence[ChatScript | MailThread]) -> None:
        self._items = list(items)
        rng.shuffle(self._items)

    def deal(self, person: Person, *, pending: bool = False) -> ChatScript | MailThread:
        for index, item in enumerate(self._items):
            if person.company is None and needs_company(item):
                continue
            if pending and isinstance(item, MailThread) and not item.pending_cut:
                continue
            self._items.append(self._items.pop(index))
            return item
        raise LookupError("no script fits")


class _Planner:
    def __init__(self, rng: random.Random, clock: WorkClock) -> None:
        self.rng = rng
        self.clock = clock
        self._orders = rng.sample(range(5100, 5999), 120)
        self._invoices = rng.sample(range(88_000, 89_999), 120)
        self._photos = rng.sample(range(400, 999), 240)
        self._scripts = _Deck(rng, SCRIPTS)
        self._threads = _Deck(rng, THREADS)

    # -- composing -------------------------------------------------------------------------------------------

    def values(self, person: Person) -> dict[str, str]:
        """Placeholder values of one talk that do not depend on when it happens."""
        rng = self.rng
        product, product2 = rng.sample(PRODUCTS, 2)
        qtd = rng.choice((6, 8, 10, 12, 15, 20, 24, 30))
        company = person.company
        return {
            "nome": person.first_name,
            "atendente": ATTENDANTS[0].split()[0],
            "atendente_completo": ATTENDANTS[0],
            "loja": SHOP_NAME,
            "cnpj_loja": brazil.format_cnpj(brazil.cnpj_digits(SHOP_CNPJ_BASE)),
            "telefone_loja": SHOP_PHONE,
            "whatsapp_loja": brazil.national_phone(SHOP_WHATSAPP),
            "empresa": company.name if company else person.full_name,
            "dominio": company.domain if company else person.domain,
            "email_financeiro": f"financeiro@{company.domain}" if company else person.email,
            "cidade": person.city.name,
            "endereco": rng.choice(STREETS),
            "cnpj_cliente": brazil.random_cnpj(rng),
            "pedido": str(self._orders.pop()),
            "nf": str(self._invoices.pop()),
            "valor": brazil.money(rng.randrange(32_000, 480_000)),
            "limite": brazil.money(person.client.credit_limit_cents if person.client else 300_000),
            "produto": product,
            "produto2": product2,
            "qtd": str(qtd),
            "qtd_menos": str(qtd - 2),
            "transportadora": rng.choice(CARRIERS),
            "foto": f"{self._photos.pop():04d}",
            "foto2": f"{self._photos.pop():04d}",
            "caso": "",
        }

    def add_script(
        self, conversation: ConversationPlan, script: ChatScript, turns: Sequence[Turn] | None = None
    ) -> None:
        session = len(conversation.sessions)
        values = self.values(conversation.person)
        conversation.sessions.append(
            Session(script.topic, script.queue, script.case_title, script.priority, "", False, values)
        )
        for turn in script.turns if turns is None else turns:
            files = (turn.file,) if turn.file else ()
            conversation.lines.append(Line(turn.who, turn.text, turn.kind, files, turn.reply, turn.react, session))

    def add_closing(self, conversation: ConversationPlan) -> None:
        session = len(conversation.sessions) - 1
        for turn in self.rng.choice(CLOSINGS):
            conversation.lines.append(Line(turn.who, turn.text, turn.kind, (), 0, "", session))

    def add_thread(self, conversation: ConversationPlan, thread: MailThread, keep: int) -> None:
        values = self.values(conversation.person)
        conversation.sessions.append(
            Session(
                thread.topic, thread.queue, thread.case_title, thread.priority, thread.subject, thread.tagged, values
            )
        )
        for mail in thread.turns[:keep]:
            conversation.lines.append(Line(mail.who, mail.body, "email", mail.attachments, 0, "", 0))

    def script_for(self, person: Person) -> ChatScript:
        script = self._scripts.deal(person)
        assert isinstance(script, ChatScript)
        return script

    def lead_conversations(self, leads: list[Person]) -> list[ConversationPlan]:
        scripts = list(LEAD_SCRIPTS)
        self.rng.shuffle(scripts)
        result = []
        for index, person in enumerate(leads):
            script = scripts[index % len(scripts)]
            first_answer = next(i for i, turn in enumerate(script.turns) if turn.who == "a")
            if index < 3:
                status, keep = PENDING, first_answer
            elif index < len(leads) - 1:
                status, keep = OPEN, self.rng.randint(first_answer + 2, len(script.turns))
            else:
                status, keep = CLOSED, len(script.turns)
            conversation = ConversationPlan(person, WHATSAPP, status)
            self.add_script(conversation, script, script.turns[:keep])
            result.append(conversation)
        return result

    def whatsapp_conversation(self, person: Person, status: ConversationStatus, index: int) -> ConversationPlan:
        rng = self.rng
        conversation = ConversationPlan(person, WHATSAPP, status)
        history = status is PENDING or rng.random() < (0.4 if status is OPEN else 0.3)
        if history:
            self.add_script(conversation, self.script_for(person))
            self.add_closing(conversation)
        if status is PENDING:
            request = NEW_REQUESTS[index % len(NEW_REQUESTS)]
            script = ChatScript("novo_pedido", "Vendas", "", "normal", request)
            self.add_script(conversation, script)
            return conversation
        script = self.script_for(person)
        if status is OPEN:
            keep = rng.randint(5, len(script.turns))
            self.add_script(conversation, script, script.turns[:keep])
        else:
            self.add_script(conversation, script)
            self.add_closing(conversation)
        return conversation

    def mail_conversation(self, person: Person, status: ConversationStatus) -> ConversationPlan:
        conversation = ConversationPlan(person, EMAIL, status)
        thread = self._threads.deal(person, pending=status is PENDING)
        assert isinstance(thread, MailThread)
        if status is PENDING:
            keep = thread.pending_cut
        elif status is OPEN:
            keep = self.rng.randint(5, len(thread.turns) - 1)
        else:
            keep = len(thread.turns)
        self.add_thread(conversation, thread, keep)
        return conversation

    def compose(self, people: list[Person]) -> list[ConversationPlan]:
        rng = self.rng
        leads = [p for p in people if p.kind == "lead"]
        known = [p for p in people if p.kind in ("individual", "client")]
        on_whatsapp = [p for p in known if p.on_whatsapp]
        by_mail = [p for p in known if not p.on_whatsapp]
        by_mail += rng.sample([p for p in on_whatsapp if p.client is not None], _MAIL_ALSO_WHATSAPP)
        rng.shuffle(on_whatsapp)
        rng.shuffle(by_mail)
        conversations = self.lead_conversations(leads)
        for index, (person, status) in enumerate(zip(on_whatsapp, _WHATSAPP_TABS, strict=True)):
            conversations.append(self.whatsapp_conversation(person, status, index))
        for person, status in zip(by_mail, _MAIL_TABS, strict=True):
            conversations.append(self.mail_conversation(person, status))
        for conversation in conversations:
            assert 5 <= len(conversation.lines) <= _MAX_MESSAGES, len(conversation.lines)
        return conversations

    # -- unread badges and timing ----------------------------------------------------------------------------

    def badges(self, conversations: list[ConversationPlan]) -> None:
        pending = 0
        for conversation in conversations:
            trailing = 0
            for line in reversed(conversation.lines):
                if line.who != "c":
                    break
                trailing += 1
            if conversation.status is PENDING:
                conversation.show_unread = pending % 3 != 2  # two in three pending rows have a badge
                pending += 1
            elif conversation.status is OPEN:
                conversation.show_unread = trailing > 0 and self.rng.random() < 0.5
            conversation.unread = trailing if conversation.show_unread else 0

    def _gap(self, channel: ChannelKind, before: Line, after: Line) -> int:
        rng = self.rng
        ranges: dict[str, tuple[float, float]]
        if before.session != after.session:  # an older talk: some working days earlier
            return rng.randint(1, 5) * WORKDAY_MS + int(rng.uniform(0, 5) * HOUR_MS)
        if channel is EMAIL:
            ranges = {"ca": (20, 150), "aa": (45, 240), "ac": (60, 480), "cc": (120, 600)}
        elif rng.random() < 0.12:  # busy: someone took a while
            ranges = {"ca": (12, 45), "aa": (2, 10), "ac": (30, 150), "cc": (5, 30)}
        else:
            ranges = {"ca": (0.7, 6), "aa": (0.15, 1.2), "ac": (1, 20), "cc": (0.1, 1.5)}
        low, high = ranges[before.who + after.who]
        return int(rng.uniform(low, high) * MINUTE_MS)

    def _end(self, conversation: ConversationPlan, closed_index: int) -> int:
        rng, clock = self.rng, self.clock
        today_minutes = (clock.now - clock.day_start) / MINUTE_MS
        if conversation.status is CLOSED and closed_index >= _CLOSED_TODAY:
            return clock.at(rng.randint(1, 8), rng.uniform(90, 570))
        if conversation.status is CLOSED:
            ago = rng.uniform(60, min(300, today_minutes - 1))
        elif conversation.status is PENDING:
            ago = rng.uniform(1, 45) if conversation.show_unread else rng.uniform(30, 110)
        else:
            ago = rng.uniform(2, min(240, today_minutes - 1))
        return max(clock.day_start + MINUTE_MS, clock.now - int(ago * MINUTE_MS))

    def place(self, conversations: list[ConversationPlan]) -> None:
        closed = 0
        for conversation in conversations:
            lines = conversation.lines
            lines[-1].at = self._end(conversation, closed)
            for index in range(len(lines) - 1, 0, -1):
                gap = self._gap(conversation.channel, lines[index - 1], lines[index])
                lines[index - 1].at = self.clock.back(lines[index].at, gap)
            if conversation.status is CLOSED:
                closed += 1
                later = lines[-1].at + int(self.rng.uniform(2, 25) * MINUTE_MS)
                conversation.closed_at = min(self.clock.now, later)
            if conversation.status is not PENDING:
                conversation.assignee = ATTENDANTS[0]

    def dates(self, conversations: list[ConversationPlan]) -> None:
        """Fill the placeholders that depend on when each talk happened."""
        for conversation in conversations:
            for number, session in enumerate(conversation.sessions):
                first = next(line.at for line in conversation.lines if line.session == number)
                delivery = self.clock.next_weekday(first, self.rng.randint(1, 2))
                session.values["data_entrega"] = f"{WEEKDAYS[delivery.weekday()]}, {delivery:%d/%m}"
                session.values["data_venc"] = f"{self.clock.next_weekday(first, 5):%d/%m}"
                session.values["data_vencida"] = f"{local_datetime(first - 12 * DAY_MS):%d/%m}"


def build_plan(seed: int, now_ms: int) -> DemoPlan:
    """Everything the demo will store, without the final texts (see :mod:`deskchat.demo.render`)."""
    rng = random.Random(seed)
    clock = WorkClock(now_ms)
    people = build_people(rng)
    planner = _Planner(rng, clock)
    conversations = planner.compose(people)
    planner.badges(conversations)
    planner.place(conversations)
    planner.dates(conversations)
    cases = plan_cases(rng, clock, conversations, people)
    set_sales_stages(people, conversations)
    return DemoPlan(seed, clock, people, conversations, cases)
