"""The people of the demo: customers with their phones, e-mail addresses, companies and CRM records."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from deskchat.demo import brazil
from deskchat.demo.sample_data import (
    ATTENDANTS,
    BUYER_ROLES,
    CITIES,
    COMPANIES,
    PEOPLE,
    PERSONAL_MAIL_DOMAINS,
    UNKNOWN_PUSH_NAMES,
    City,
    Company,
)

#: How many of each kind of contact the demo has.
LEADS = 6  # WhatsApp numbers not in the CRM; they write first
WHATSAPP_INDIVIDUALS = 4  # known people buying for themselves, no CRM record
MAIL_INDIVIDUALS = 2
WHATSAPP_CLIENTS = 21  # company buyers in the CRM who use WhatsApp (and have an e-mail address)
MAIL_CLIENTS = 11  # company buyers in the CRM who only write e-mails
CRM_ONLY = 4  # CRM clients without a conversation in the demo

#: Credit limit range in reais per company type.
_CLIENT_NAMESPACE = uuid.UUID("6f1c2d4e-8a3b-4c5d-9e7f-0a1b2c3d4e60")
_CREDIT_RANGES = {
    "MEI": (1_500, 5_000),
    "ME": (5_000, 20_000),
    "EPP": (15_000, 60_000),
    "LTDA": (30_000, 150_000),
    "S.A.": (100_000, 500_000),
}


@dataclass
class ClientPlan:
    """A CRM client record."""

    crm_id: str
    cnpj: str
    credit_limit_cents: int
    debt_cents: int
    responsible: str
    sales_stage: str = "ganho"  # the CRM contract's stages: novo, qualificado, proposta, negociacao, ganho, perdido


@dataclass
class Person:
    """A contact of the demo."""

    kind: str  # lead | individual | client | crm_only
    display_name: str  # push name for leads, the CRM name otherwise ("" shows the number)
    full_name: str
    first_name: str  # what the attendant calls them ("" when unknown)
    phone: str  # E.164
    email: str  # "" when none
    city: City
    company: Company | None
    role: str  # shown in e-mail signatures
    on_whatsapp: bool
    client: ClientPlan | None = None

    @property
    def whatsapp_user(self) -> str:
        return self.phone[1:]

    @property
    def domain(self) -> str:
        return self.email.partition("@")[2]


def _city(rng: random.Random) -> City:
    # The distributor is in São Paulo: its metropolitan area (the first cities) is most of the business.
    weights = [6 if index < 4 else 2 if city.state == "SP" else 1 for index, city in enumerate(CITIES)]
    return rng.choices(CITIES, weights=weights)[0]


def _push_first_name(push_name: str) -> str:
    words = [word for word in push_name.split() if word.isalpha()]
    return words[0] if words and words[0] not in ("Dona", "Seu") else " ".join(words[:2])


def _client(rng: random.Random, company: Company, crm_number: int) -> ClientPlan:
    low, high = _CREDIT_RANGES[company.company_type]
    limit = rng.randrange(low, high + 1, 500) * 100
    debt = 0 if rng.random() < 0.55 else rng.randrange(limit // 20, limit * 3 // 5)
    crm_id = str(uuid.uuid5(_CLIENT_NAMESPACE, f"CLI-{crm_number}"))  # the CRM contract names records by UUID
    return ClientPlan(crm_id, brazil.random_cnpj(rng), limit, debt, rng.choice(ATTENDANTS))


def build_people(rng: random.Random) -> list[Person]:
    """Every contact of the demo, in this order: leads, individuals (WhatsApp, e-mail), clients (WhatsApp,
    e-mail), CRM-only clients."""
    named = WHATSAPP_INDIVIDUALS + MAIL_INDIVIDUALS + WHATSAPP_CLIENTS + MAIL_CLIENTS + CRM_ONLY
    names = rng.sample(PEOPLE, named)
    companies = rng.sample(COMPANIES, WHATSAPP_CLIENTS + MAIL_CLIENTS + CRM_ONLY)
    crm_numbers = sorted(rng.sample(range(10_200, 19_999), len(companies)))
    phones: set[str] = set()

    def unique(make: str, ddd: str) -> str:
        while True:
            phone = brazil.random_mobile(rng, ddd) if make == "mobile" else brazil.random_landline(rng, ddd)
            if phone not in phones:
                phones.add(phone)
                return phone

    people: list[Person] = []
    for push_name in rng.sample(UNKNOWN_PUSH_NAMES, LEADS):
        city = _city(rng)
        people.append(
            Person(
                kind="lead",
                display_name=push_name,
                full_name=push_name,
                first_name=_push_first_name(push_name),
                phone=unique("mobile", city.ddd),
                email="",
                city=city,
                company=None,
                role="",
                on_whatsapp=True,
            )
        )
    name_iter = iter(names)
    for index in range(WHATSAPP_INDIVIDUALS + MAIL_INDIVIDUALS):
        full_name = next(name_iter)
        city = _city(rng)
        on_whatsapp = index < WHATSAPP_INDIVIDUALS
        email = ""
        if not on_whatsapp:
            email = f"{brazil.ascii_name(full_name)}{rng.randrange(10, 99)}@{rng.choice(PERSONAL_MAIL_DOMAINS)}"
        people.append(
            Person(
                kind="individual",
                display_name=full_name,
                full_name=full_name,
                first_name=full_name.split()[0],
                phone=unique("mobile", city.ddd),
                email=email,
                city=city,
                company=None,
                role="",
                on_whatsapp=on_whatsapp,
            )
        )
    for index, company in enumerate(companies):
        full_name = next(name_iter)
        city = _city(rng)
        on_whatsapp = index < WHATSAPP_CLIENTS
        crm_only = index >= WHATSAPP_CLIENTS + MAIL_CLIENTS
        words = full_name.split()
        local = rng.choice(
            (brazil.ascii_name(f"{words[0]} {words[-1]}"), brazil.ascii_name(words[0]), "compras", "suprimentos")
        )
        phone = unique("mobile" if on_whatsapp else "landline", city.ddd)
        people.append(
            Person(
                kind="crm_only" if crm_only else "client",
                display_name=full_name,
                full_name=full_name,
                first_name=words[0],
                phone=phone,
                email=f"{local}@{company.domain}",
                city=city,
                company=company,
                role=rng.choice(BUYER_ROLES),
                on_whatsapp=on_whatsapp,
                client=_client(rng, company, crm_numbers[index]),
            )
        )
    return people
