"""The demo's CRM records as the CRM holds them, so the demo's own CRM server (``--demo`` with the ``crm-server``
extra) knows every client, case, queue and attendant the demo profile shows, under the same ids and "#N" numbers.

:func:`crm_seed` turns a demo plan into the JSON the reference server loads with ``--seed-file``; the generator
writes it next to the throwaway store. The same helpers give the local copies their CRM ids, so an edit from the
info pane reaches a record the server has.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any, Final

from deskchat.core.events import ChannelKind
from deskchat.demo import brazil
from deskchat.demo.plan_model import CasePlan, DemoPlan
from deskchat.demo.sample_data import ATTENDANTS
from deskchat.services.crm_demo import SEED_FILE_NAME

QUEUES: Final = ("Vendas", "Suporte", "Financeiro")
QUEUE_DESCRIPTIONS: Final = {
    "Vendas": "Pedidos, orçamentos e propostas",
    "Suporte": "Entregas, trocas e dúvidas",
    "Financeiro": "Boletos, crédito e cobrança",
}
#: The demo's plan speaks of priorities in English; the CRM contract in Portuguese.
PRIORITY: Final = {"low": "baixa", "normal": "normal", "high": "alta", "urgent": "urgente"}
#: The case of the journal's conflict: the CRM moved it on to this version while the attendant's change waited.
CONFLICT_VERSION: Final = 9
CONFLICT_THEIRS: Final = {"status": "em_atendimento", "priority": "urgente"}
_NAMESPACE: Final = uuid.UUID("6f1c2d4e-8a3b-4c5d-9e7f-0a1b2c3d4e5f")


def directory_id(name: str) -> str:
    """A stable CRM id for a demo queue, attendant, client ("CLI-…") or case ("case-…")."""
    return str(uuid.uuid5(_NAMESPACE, name))


def case_id(number: str) -> str:
    return directory_id(f"case-{number}")


def attendant_login(name: str) -> str:
    """The demo attendant's CRM login: the first name, plain ("Camila Rocha" → "camila")."""
    return brazil.ascii_name(name.split()[0]).lower()


def cnpj_digits(formatted: str) -> str:
    return re.sub(r"\D", "", formatted)


def crm_seed(plan: DemoPlan, conflict_case: CasePlan | None = None) -> dict[str, Any]:
    """The queues, attendants, clients and cases of the demo, in the contract's words; ``conflict_case`` is held by
    the CRM in a newer version than the demo's copy (the journal's conflict)."""
    queue_ids = [directory_id(name) for name in QUEUES]
    attendants = [
        {
            "id": directory_id(name),
            "name": name,
            "login": attendant_login(name),
            "email": f"{attendant_login(name)}@distribuidoraexemplo.com.br",
            "queue_ids": queue_ids,
        }
        for name in ATTENDANTS
    ]
    contacts = []
    for person in plan.people:
        if person.client is None:
            continue
        client, company = person.client, person.company
        contacts.append(
            {
                "id": client.crm_id,
                "name": company.name if company is not None else person.full_name,
                "phones": [person.phone],
                "emails": [person.email] if person.email else [],
                "cnpj": cnpj_digits(client.cnpj) or None,
                "company_type": company.company_type if company is not None else None,
                "credit_limit_cents": client.credit_limit_cents,
                "debt_cents": client.debt_cents,
                "status": "client",
                "sales_stage": client.sales_stage,
                "responsible_id": directory_id(client.responsible),
                "source": "manual",
            }
        )
    cases = []
    for case in plan.cases:
        if case.person.client is None:
            continue  # every case's person is a CRM contact (plan_crm.plan_cases)
        record: dict[str, Any] = {
            "id": case_id(case.number),
            "number": int(case.number),
            "contact_id": case.person.client.crm_id,
            "status": case.status,
            "queue_id": directory_id(case.queue),
            "priority": PRIORITY.get(case.priority, "normal"),
            "assignee_id": directory_id(case.assignee) if case.assignee else None,
            "subject": case.title,
            "channel": _channel_of(plan, case),
            "opened_at": case.opened_at,
            "closed_at": case.updated_at if case.status == "encerrado" else None,
        }
        if case is conflict_case:
            record.update(CONFLICT_THEIRS, row_version=CONFLICT_VERSION)
        cases.append(record)
    queues = [{"id": directory_id(name), "name": name, "description": QUEUE_DESCRIPTIONS[name]} for name in QUEUES]
    return {"queues": queues, "attendants": attendants, "contacts": contacts, "cases": cases}


def _channel_of(plan: DemoPlan, case: CasePlan) -> str:
    if case.conversation is None:
        return "telefone"
    return "email" if plan.conversations[case.conversation].channel is ChannelKind.EMAIL else "whatsapp"


def write_crm_seed(folder: Path, seed: dict[str, Any]) -> Path:
    path = folder / SEED_FILE_NAME
    path.write_text(json.dumps(seed, ensure_ascii=False), encoding="utf-8")
    return path
