"""Seed data for tests, the demo and the IT team's trials: attendants, queues, clients and cases.

Ids are fixed (UUID 5 of a name), so a test can name them. Every seeded attendant logs in with SEED_PASSWORD.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, update

from deskchat.crm.server.auth import hash_password
from deskchat.crm.server.database import CASE_NUMBER, CHANGE_SEQ, next_value, now_ms
from deskchat.crm.server.schema import attendants, cases, contacts, counters, queues

SEED_PASSWORD = "deskchat"
_NAMESPACE = uuid.UUID("6f1c1a52-8f0e-4c59-9a55-3f1d2b7de001")


def seed_id(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name))


QUEUES = (
    ("comercial", "Comercial", "Vendas e propostas"),
    ("financeiro", "Financeiro", "Boletos, crédito e cobrança"),
    ("suporte", "Suporte", "Dúvidas e problemas técnicos"),
)
ATTENDANTS = (
    ("ana", "Ana Souza", ("comercial", "suporte")),
    ("bruno", "Bruno Lima", ("financeiro",)),
    ("carla", "Carla Mendes", ("comercial", "financeiro", "suporte")),
)
CLIENTS = (
    (
        "padaria",
        "Padaria Pão Dourado",
        "+5511987654321",
        "contato@paodourado.com.br",
        "12345678000195",
        "ME",
        "client",
        "ganho",
        500_000,
        0,
    ),
    (
        "oficina",
        "Oficina Dois Irmãos",
        "+5521998765432",
        "oficina@doisirmaos.com.br",
        "98765432000110",
        "EPP",
        "client",
        "negociacao",
        1_000_000,
        125_050,
    ),
    (
        "mercado",
        "Mercadinho Boa Vista",
        "+5531991234567",
        "compras@boavista.com.br",
        None,
        None,
        "lead",
        "qualificado",
        None,
        None,
    ),
)
CASES = (
    ("caso-padaria", "padaria", "comercial", "ana", "em_atendimento", "alta", "Pedido de orçamento"),
    ("caso-oficina", "oficina", "financeiro", "bruno", "pendente", "normal", "Segunda via de boleto"),
    ("caso-mercado", "mercado", "suporte", None, "pendente", "baixa", "Dúvida sobre cadastro"),
)


def seed(engine: Engine) -> bool:
    """Adds the seed records once; False when they were already there."""
    with engine.begin() as conn:
        if conn.execute(select(attendants.c.id).where(attendants.c.login == "ana")).first() is not None:
            return False
        seq, now = next_value(conn, CHANGE_SEQ), now_ms()
        stamp = {"row_version": 1, "change_seq": seq, "created_at": now, "updated_at": now}
        conn.execute(insert(queues), [{"id": seed_id(k), "name": n, "description": d, **stamp} for k, n, d in QUEUES])
        password = hash_password(SEED_PASSWORD)
        conn.execute(
            insert(attendants),
            [
                {
                    "id": seed_id(login),
                    "name": name,
                    "email": f"{login}@empresa.com.br",
                    "login": login,
                    "password_hash": password,
                    "active": True,
                    "queue_ids": [seed_id(q) for q in queue_keys],
                    **stamp,
                }
                for login, name, queue_keys in ATTENDANTS
            ],
        )
        conn.execute(
            insert(contacts),
            [
                {
                    "id": seed_id(key),
                    "name": name,
                    "phones": [phone],
                    "emails": [email],
                    "cnpj": cnpj,
                    "company_type": kind,
                    "credit_limit_cents": limit,
                    "debt_cents": debt,
                    "status": status,
                    "sales_stage": stage,
                    "responsible_id": seed_id("ana"),
                    "source": "manual",
                    "score": 50,
                    "search_text": " ".join(filter(None, (name, phone, email, cnpj))).lower(),
                    **stamp,
                }
                for key, name, phone, email, cnpj, kind, status, stage, limit, debt in CLIENTS
            ],
        )
        for key, contact, queue, assignee, status, priority, subject in CASES:
            conn.execute(
                insert(cases).values(
                    id=seed_id(key),
                    number=next_value(conn, CASE_NUMBER),
                    contact_id=seed_id(contact),
                    status=status,
                    queue_id=seed_id(queue),
                    priority=priority,
                    assignee_id=seed_id(assignee) if assignee else None,
                    subject=subject,
                    channel="whatsapp",
                    opened_at=now,
                    closed_at=None,
                    **stamp,
                )
            )
    return True


def seed_from_file(engine: Engine, path: Path) -> bool:
    """Adds the records of a JSON seed file once (``--seed-file``; the demo writes one); False when the database
    already holds attendants.

    The file holds ``queues``, ``attendants``, ``contacts`` and ``cases`` as the contract shows them, with their
    ids; a case keeps its ``number`` (later cases are numbered after the highest) and a record may name its
    ``row_version``. Attendants log in with their ``login`` and :data:`SEED_PASSWORD`.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    with engine.begin() as conn:
        if conn.execute(select(attendants.c.id).limit(1)).first() is not None:
            return False
        seq, now = next_value(conn, CHANGE_SEQ), now_ms()

        def stamp(record: dict[str, Any]) -> dict[str, Any]:
            return {
                "row_version": int(record.get("row_version", 1)),
                "change_seq": seq,
                "created_at": now,
                "updated_at": now,
            }

        if data.get("queues"):
            conn.execute(
                insert(queues),
                [
                    {"id": q["id"], "name": q["name"], "description": q.get("description", ""), **stamp(q)}
                    for q in data["queues"]
                ],
            )
        password = hash_password(SEED_PASSWORD)
        if data.get("attendants"):
            conn.execute(
                insert(attendants),
                [
                    {
                        "id": a["id"],
                        "name": a["name"],
                        "email": a.get("email"),
                        "login": a["login"],
                        "password_hash": password,
                        "active": True,
                        "queue_ids": list(a.get("queue_ids", [])),
                        **stamp(a),
                    }
                    for a in data["attendants"]
                ],
            )
        if data.get("contacts"):
            conn.execute(insert(contacts), [_contact_row(c, stamp(c)) for c in data["contacts"]])
        numbers = [int(case["number"]) for case in data.get("cases", [])]
        if data.get("cases"):
            conn.execute(insert(cases), [_case_row(case, stamp(case), now) for case in data["cases"]])
        if numbers:
            conn.execute(update(counters).where(counters.c.name == CASE_NUMBER).values(value=max(numbers)))
    return True


def _contact_row(contact: dict[str, Any], stamp: dict[str, Any]) -> dict[str, Any]:
    phones, emails = list(contact.get("phones", [])), list(contact.get("emails", []))
    name, cnpj = contact["name"], contact.get("cnpj")
    return {
        "id": contact["id"],
        "name": name,
        "phones": phones,
        "emails": emails,
        "cnpj": cnpj,
        "company_type": contact.get("company_type"),
        "credit_limit_cents": contact.get("credit_limit_cents"),
        "debt_cents": contact.get("debt_cents"),
        "status": contact.get("status", "client"),
        "sales_stage": contact.get("sales_stage", "novo"),
        "responsible_id": contact.get("responsible_id"),
        "source": contact.get("source", "manual"),
        "score": int(contact.get("score", 50)),
        "search_text": " ".join(filter(None, (name, *phones, *emails, cnpj))).lower(),
        **stamp,
    }


def _case_row(case: dict[str, Any], stamp: dict[str, Any], now: int) -> dict[str, Any]:
    return {
        "id": case["id"],
        "number": int(case["number"]),
        "contact_id": case["contact_id"],
        "status": case.get("status", "pendente"),
        "queue_id": case["queue_id"],
        "priority": case.get("priority", "normal"),
        "assignee_id": case.get("assignee_id"),
        "subject": case["subject"],
        "channel": case.get("channel", "whatsapp"),
        "opened_at": int(case.get("opened_at", now)),
        "closed_at": case.get("closed_at"),
        **stamp,
    }
