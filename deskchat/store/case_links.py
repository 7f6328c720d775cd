"""Linking a customer's incoming message to a CRM case, and the case statuses that decide it.

The stored case statuses are the CRM contract's: ``pendente`` (not yet taken), ``em_atendimento`` (being handled)
and ``encerrado`` (closed). A mail whose subject carries "[Caso #123]" links to case #123 (linked by "subject");
otherwise a mail links to the sender's open case (by "email": the sender), a WhatsApp message to the open case of
the customer the phone number belongs to (by "phone"). The open case is the newest ``pendente`` or
``em_atendimento`` case of the customer. An auto-reply (``InboundMessage.automatic``) never brings a closed case back:
it links only to a case that is still open.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from sqlalchemy import Connection

from deskchat.store.crm_directory import case_id_by_tag
from deskchat.store.crm_records import link_case

PENDING: Final = "pendente"
IN_PROGRESS: Final = "em_atendimento"
CLOSED: Final = "encerrado"
OPEN_STATUSES: Final = (PENDING, IN_PROGRESS)
CASE_STATUSES: Final = (PENDING, IN_PROGRESS, CLOSED)

BY_SUBJECT: Final = "subject"
BY_SENDER: Final = "email"
BY_PHONE: Final = "phone"

_OPEN_CASE_OF_CONVERSATION = f"""SELECT k.id FROM crm_cases k JOIN conversations c ON c.contact_id = k.contact_id
    WHERE c.id = ? AND k.status IN ('{PENDING}', '{IN_PROGRESS}') ORDER BY k.opened_at DESC, k.id DESC LIMIT 1"""
_STATUS_OF_CASE = "SELECT status FROM crm_cases WHERE id = ?"


def open_case_of_conversation(conn: Connection, conversation_id: int) -> int | None:
    """The customer's newest open case (pendente or em_atendimento), or None."""
    found = conn.exec_driver_sql(_OPEN_CASE_OF_CONVERSATION, (conversation_id,)).scalar()
    return None if found is None else int(found)


def link_mail(conn: Connection, conversation_id: int, tags: Iterable[str], *, automatic: bool, now: int) -> bool:
    """Link a customer's mail: to the cases its subject names, else to the sender's open case; True if linked."""
    linked = False
    for tag in tags:
        case_id = case_id_by_tag(conn, tag)
        if case_id is None:
            continue
        if automatic and conn.exec_driver_sql(_STATUS_OF_CASE, (case_id,)).scalar() == CLOSED:
            continue  # an auto-reply never brings a closed case back
        link_case(conn, conversation_id, case_id, BY_SUBJECT, now=now)
        linked = True
    return linked or link_to_open_case(conn, conversation_id, BY_SENDER, now=now)


def link_to_open_case(conn: Connection, conversation_id: int, linked_by: str, *, now: int) -> bool:
    """Link the conversation to its customer's open case (if any) saying why; True if there is one."""
    case_id = open_case_of_conversation(conn, conversation_id)
    if case_id is None:
        return False
    link_case(conn, conversation_id, case_id, linked_by, now=now)
    return True
