"""The CRM side of a demo plan: cases opened by the talks (and some older ones), clients' sales stages."""

from __future__ import annotations

import random
import uuid

from deskchat.core.events import ChannelKind, ConversationStatus
from deskchat.demo.plan_model import CasePlan, ConversationPlan
from deskchat.demo.roster import ClientPlan, Person
from deskchat.demo.sample_data import ATTENDANTS, PAST_CASES, PRODUCTS
from deskchat.demo.timeline import DAY_MS, HOUR_MS, WorkClock

#: Sales stage of a client whose current talk is still about this topic.
_STAGE_OF_TOPIC = {
    "orcamento": "negociacao",
    "dispenser": "negociacao",
    "frete": "proposta",
    "tabela": "proposta",
    "cadastro": "qualificado",
}
_PERSON_NAMESPACE = uuid.UUID("6f1c2d4e-8a3b-4c5d-9e7f-0a1b2c3d4e61")
_CRM_ONLY_STAGES = ("novo", "perdido", "qualificado", "proposta")


def _case_status(conversation: ConversationPlan, current: bool) -> str:
    """In the CRM contract's words: a pending talk's case waits for an attendant; an open one is being handled."""
    if not current:
        return "encerrado"
    if conversation.status is ConversationStatus.PENDING:
        return "pendente"
    if conversation.status is ConversationStatus.OPEN:
        return "em_atendimento"
    return "encerrado"


def _linked_by(conversation: ConversationPlan, tagged: bool) -> str:
    if conversation.channel is ChannelKind.WHATSAPP:
        return "phone"
    return "subject" if tagged else "email"


def plan_cases(
    rng: random.Random, clock: WorkClock, conversations: list[ConversationPlan], people: list[Person]
) -> list[CasePlan]:
    """A case for every talk that opens one and has been answered, plus older unlinked cases of some clients.

    Case numbers grow with the opening time; each talk's {caso} placeholder gets its case's number.
    """
    cases: list[CasePlan] = []
    for index, conversation in enumerate(conversations):
        last = len(conversation.sessions) - 1
        for number, session in enumerate(conversation.sessions):
            lines = [line for line in conversation.lines if line.session == number]
            answers = [line for line in lines if line.who == "a"]
            if not session.case_title or not answers:
                continue
            session.case = CasePlan(
                person=conversation.person,
                title=session.case_title.format_map(session.values),
                queue=session.queue,
                priority=session.priority,
                opened_at=answers[0].at,
                updated_at=lines[-1].at,
                status=_case_status(conversation, number == last),
                assignee=ATTENDANTS[0],
                conversation=index,
                linked_by=_linked_by(conversation, session.tagged),
            )
            cases.append(session.case)
    clients = [person for person in people if person.client is not None]
    for past, person in zip(PAST_CASES, rng.sample(clients, len(PAST_CASES)), strict=True):
        opened = clock.day_start - rng.randint(12, 120) * DAY_MS - rng.randint(0, 9) * HOUR_MS
        title = past.title.format(
            pedido=rng.randrange(4000, 5100), cidade=person.city.name, produto=rng.choice(PRODUCTS)
        )
        updated = opened + rng.randint(1, 6) * DAY_MS
        rng.choice((0, 1, 2))  # the draw that once chose "closed" or "resolved": the rest of the plan stays the same
        cases.append(
            CasePlan(person, title, past.queue, past.priority, opened, updated, "encerrado", rng.choice(ATTENDANTS))
        )
    cases.sort(key=lambda case: case.opened_at)
    case_number = rng.randint(4700, 4799)
    for case in cases:
        case.number = str(case_number)
        case_number += rng.randint(3, 41)
    for conversation in conversations:
        for session in conversation.sessions:
            session.values["caso"] = session.case.number if session.case else ""
    for case in cases:  # every case belongs to a CRM contact: a person with no company becomes one (no CNPJ)
        if case.person.client is None:
            case.person.client = ClientPlan(person_crm_id(case.person.phone), "", 0, 0, case.assignee, "novo")
    return cases


def person_crm_id(phone: str) -> str:
    """The CRM id of a demo customer who is a person, not a company."""
    return str(uuid.uuid5(_PERSON_NAMESPACE, phone))


def set_sales_stages(people: list[Person], conversations: list[ConversationPlan]) -> None:
    """Clients still talking about a quote or a sign-up are in that stage; those being charged owe the amount."""
    for conversation in conversations:
        client = conversation.person.client
        if client is None or conversation.status is ConversationStatus.CLOSED:
            continue
        session = conversation.sessions[-1]
        if session.topic in _STAGE_OF_TOPIC:
            client.sales_stage = _STAGE_OF_TOPIC[session.topic]
        if session.topic == "cobranca":
            client.debt_cents = int(session.values["valor"].replace(".", "").replace(",", ""))
    crm_only = [person.client for person in people if person.kind == "crm_only" and person.client is not None]
    for client, stage in zip(crm_only, _CRM_ONLY_STAGES, strict=False):
        client.sales_stage = stage
