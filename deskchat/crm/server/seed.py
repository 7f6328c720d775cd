"""Seed data for tests, the demo and the IT team's trials: attendants, queues, clients and cases.

Ids are fixed (UUID 5 of a name), so a test can name them. Every seeded attendant logs in with SEED_PASSWORD.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Engine, insert, select

from deskchat.crm.server.auth import hash_password
from deskchat.crm.server.database import CASE_NUMBER, CHANGE_SEQ, next_value, now_ms
from deskchat.crm.server.schema import attendants, cases, contacts, queues

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
