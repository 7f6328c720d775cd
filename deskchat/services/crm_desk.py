"""The attendant's CRM actions from the info pane: edit a client, change a case, create a lead, link a conversation's
contact to a known client, open a case, add a note, move a conversation to another case.

Every action changes the local record at once and queues the CRM write through :class:`CrmPush` (the outbox), so it
works the same with the CRM unreachable or not configured (the demo): the items wait in the queue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from deskchat.core.messages import IdentityKind
from deskchat.crm.answers import CrmError, SignInRequired
from deskchat.crm.client import CrmClient
from deskchat.services.crm_push import CaseChange, Channel, CrmPush, NewCase, NewLead, Source
from deskchat.store import contacts, conversations, crm_records, merges
from deskchat.store.clock import now_ms
from deskchat.store.database import Store

#: The contract's sales stages, in the funnel's order.
SALES_STAGES: Final = ("novo", "qualificado", "proposta", "negociacao", "ganho", "perdido")
#: The contract's case priorities, lowest first.
PRIORITIES: Final = ("baixa", "normal", "alta", "urgente")
MAX_NAME: Final = 200
MAX_COMPANY_TYPE: Final = 100
MAX_SUBJECT: Final = 300
MAX_NOTE: Final = 10_000
MAX_CREDIT_CENTS: Final = 10**15


class InvalidValue(ValueError):
    """A value the attendant typed that the CRM would refuse; ``field`` names it (the pane says it in words)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def cnpj_digits(text: str) -> str | None:
    """The 14 digits of a valid CNPJ written with or without punctuation; None when the check digits are wrong."""
    if re.fullmatch(r"[0-9./\-\s]+", text) is None:
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) != 14 or digits == digits[0] * 14:
        return None
    numbers = [int(ch) for ch in digits]
    for length in (12, 13):
        weights = list(range(length - 7, 1, -1)) + list(range(9, 1, -1))
        remainder = sum(n * w for n, w in zip(numbers[:length], weights, strict=True)) % 11
        if numbers[length] != (0 if remainder < 2 else 11 - remainder):
            return None
    return digits


def parse_money(text: str) -> int | None:
    """Cents from "R$ 12.345,67", "12345,67", "12345.67" or "12345"; None for anything else."""
    cleaned = text.strip().removeprefix("R$").strip().replace(" ", "")
    match = re.fullmatch(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?", cleaned)
    if match is not None:
        whole, fraction = match.group(1).replace(".", ""), match.group(2) or "0"
    else:
        match = re.fullmatch(r"(\d+)\.(\d{1,2})", cleaned)
        if match is None:
            return None
        whole, fraction = match.group(1), match.group(2)
    cents = int(whole) * 100 + int(fraction.ljust(2, "0"))
    return cents if cents <= MAX_CREDIT_CENTS else None


@dataclass(frozen=True)
class Directory:
    """The CRM's queues and attendants (id → name), as the last pull saw them."""

    queues: dict[str, str]
    attendants: dict[str, str]


def _id_of(names: dict[str, str], name: str) -> str | None:
    return next((key for key, value in names.items() if value == name), None)


@dataclass(frozen=True)
class FoundClient:
    """A client the attendant's search found: held locally (``local``) or, so far, only in the CRM (``remote``: the
    contact as the CRM sent it, stored locally when the attendant links to it)."""

    name: str
    cnpj: str
    local: crm_records.ClientMatch | None = None
    remote: Mapping[str, Any] | None = None


#: Why a search shows local clients only: the CRM did not answer, or it needs the attendant to sign in again.
CRM_UNREACHABLE: Final = "unreachable"
CRM_SIGN_IN: Final = "sign_in"


@dataclass(frozen=True)
class ClientSearch:
    found: list[FoundClient]
    crm_missing: str = ""  # "", CRM_UNREACHABLE or CRM_SIGN_IN: the CRM's own clients are not among ``found``


class CrmDesk:
    """The info pane's CRM actions; ``me`` says who the signed-in attendant is (their CRM id), when known; ``remote``
    gives the connected CRM's client (None while no CRM account is connected: the demo, a profile without one)."""

    def __init__(
        self,
        store: Store,
        push: CrmPush,
        *,
        me: Callable[[], str | None] = lambda: None,
        clock: Callable[[], int] = now_ms,
        remote: Callable[[], CrmClient | None] = lambda: None,
    ) -> None:
        self._store = store
        self._push = push
        self._me = me
        self._clock = clock
        self._remote = remote

    def directory(self) -> Directory:
        with self._store.read() as conn:
            state = crm_records.crm_sync_state(conn, self._push.account_id)
        return Directory(state.queues, state.attendants)

    # -- clients -------------------------------------------------------------------------------------------------

    async def edit_client(self, client_id: int, field: str, text: str) -> None:
        """Change one field of a lead or client; raises :class:`InvalidValue` for a value the CRM would refuse."""
        patch, shown = self._client_change(field, text)
        with self._store.read() as conn:
            client = crm_records.client_by_id(conn, client_id)
        if client is None or client.crm_id is None:
            raise LookupError("no such CRM client")
        await self._push.update_contact(client.crm_id, patch, client_id=client_id, shown=shown)

    def _client_change(self, field: str, text: str) -> tuple[dict[str, Any], dict[str, Any]]:
        value = text.strip()
        if field == "name":
            if not value or len(value) > MAX_NAME:
                raise InvalidValue(field)
            return {"name": value}, {"name": value}
        if field == "cnpj":
            digits = cnpj_digits(value) if value else ""
            if digits is None:
                raise InvalidValue(field)
            shown = f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}" if digits else ""
            return {"cnpj": digits or None}, {"cnpj": shown}
        if field == "company_type":
            if len(value) > MAX_COMPANY_TYPE:
                raise InvalidValue(field)
            return {"company_type": value or None}, {"company_type": value}
        if field == "credit_limit":
            cents = parse_money(value)
            if cents is None:
                raise InvalidValue(field)
            return {"credit_limit_cents": cents}, {"credit_limit_cents": cents}
        if field == "sales_stage":
            if value not in SALES_STAGES:
                raise InvalidValue(field)
            return {"sales_stage": value}, {"sales_stage": value}
        if field == "responsible":
            attendants = self.directory().attendants
            if value and value not in attendants:
                raise InvalidValue(field)
            return {"responsible_id": value or None}, {"responsible": attendants.get(value, "")}
        raise InvalidValue(field)

    async def create_lead(self, conversation_id: int) -> str:
        """A lead from the conversation's contact (name, phones, e-mails; source from the channel); its CRM id."""
        with self._store.read() as conn:
            row = conversations.get(conn, conversation_id)
            if row is None:
                raise LookupError("no such conversation")
            if crm_records.client_of_contact(conn, row.contact_id) is not None:
                raise InvalidValue("already_in_crm")
            name = (contacts.contact_name(conn, row.contact_id) or row.title).strip()[:MAX_NAME] or "?"
            identities = contacts.identities_of(conn, row.contact_id)
        phones = tuple(dict.fromkeys(i.value for i in identities if i.kind == IdentityKind.PHONE))
        emails = tuple(dict.fromkeys(i.value for i in identities if i.kind == IdentityKind.EMAIL))
        source: Source = "email" if emails and not phones else "whatsapp" if phones else "manual"
        lead = NewLead(name, source, phones[:20], emails[:20])
        crm_id = await self._push.create_lead(lead, contact_id=row.contact_id)
        now = self._clock()

        def mark(conn: Any) -> None:
            client = crm_records.client_by_crm_id(conn, crm_id)
            if client is not None:
                crm_records.set_client_link(conn, client.id, row.contact_id, "lead", now=now)

        await self._store.write(mark)
        return crm_id

    @property
    def searches_crm(self) -> bool:
        """A CRM account is connected: :meth:`search_clients` asks the CRM too."""
        return self._remote() is not None

    def search_local_clients(self, text: str) -> list[crm_records.ClientMatch]:
        """Local CRM clients by name, CNPJ, phone or e-mail (what the pull keeps)."""
        with self._store.read() as conn:
            return crm_records.search_clients(conn, text)

    async def search_clients(self, text: str) -> ClientSearch:
        """Local clients, then the connected CRM's own (``GET /contacts?q=``) not held locally; local ones only,
        saying why, when the CRM cannot answer."""
        local = self.search_local_clients(text)
        found = [FoundClient(match.client.name, match.client.cnpj, local=match) for match in local]
        client = self._remote()
        if client is None or not text.strip():
            return ClientSearch(found)
        try:
            items = await client.search_contacts(text)
        except SignInRequired:
            return ClientSearch(found, CRM_SIGN_IN)
        except CrmError:
            return ClientSearch(found, CRM_UNREACHABLE)
        shown = {match.client.crm_id for match in local}
        with self._store.read() as conn:
            for item in items:
                if item["id"] in shown:
                    continue
                shown.add(item["id"])
                held = crm_records.client_by_crm_id(conn, item["id"])
                if held is not None:  # held locally, found by what only the CRM knows (another phone, say)
                    owner = crm_records.contact_of_client(conn, held.id)
                    found.append(FoundClient(held.name, held.cnpj, local=crm_records.ClientMatch(held, owner)))
                else:
                    found.append(FoundClient(str(item.get("name") or ""), str(item.get("cnpj") or ""), remote=item))
        return ClientSearch(found)

    async def link_to_found_client(self, conversation_id: int, found: FoundClient) -> None:
        """Link to a client the search found; one only in the CRM is stored locally first (as a pull would)."""
        if found.local is not None:
            await self.link_to_client(conversation_id, found.local.client.id)
            return
        assert found.remote is not None
        item = dict(found.remote)
        attendants = self.directory().attendants
        now = self._clock()

        def write(conn: Any) -> None:
            crm_records.apply_pulled_contacts(conn, [item], attendants, now=now)
            client = crm_records.client_by_crm_id(conn, str(item["id"]))
            assert client is not None
            _link_client(conn, conversation_id, client.id, now)

        await self._store.write(write)

    async def link_to_client(self, conversation_id: int, client_id: int) -> None:
        """The attendant says this conversation's customer is that client: the contact takes the client record (or
        is joined to the contact that holds it, undoable from the pane); the link says "manual"."""
        now = self._clock()
        await self._store.write(lambda conn: _link_client(conn, conversation_id, client_id, now))

    # -- cases ---------------------------------------------------------------------------------------------------

    async def accept_case(self, case_id: int) -> None:
        me = self._me()
        change = CaseChange.accept(me) if me else CaseChange({"status": "em_atendimento"})
        shown = {"assignee": self.directory().attendants.get(me, "")} if me else {}
        await self._push.change_case(self._case_crm_id(case_id), change, shown=shown)

    async def close_case(self, case_id: int) -> None:
        await self._push.change_case(self._case_crm_id(case_id), CaseChange.close())

    async def reopen_case(self, case_id: int) -> None:
        await self._push.change_case(self._case_crm_id(case_id), CaseChange.reopen())

    async def set_priority(self, case_id: int, priority: str) -> None:
        if priority not in PRIORITIES:
            raise InvalidValue("priority")
        await self._push.change_case(self._case_crm_id(case_id), CaseChange({"priority": priority}))

    async def transfer_case(self, case_id: int, queue_id: str) -> None:
        """To another queue (sector), unassigned there."""
        queues = self.directory().queues
        if queue_id not in queues:
            raise InvalidValue("queue")
        shown = {"queue": queues[queue_id], "assignee": ""}
        await self._push.change_case(self._case_crm_id(case_id), CaseChange.transfer(queue_id), shown=shown)

    async def assign_case(self, case_id: int, attendant_id: str | None) -> None:
        attendants = self.directory().attendants
        if attendant_id is not None and attendant_id not in attendants:
            raise InvalidValue("assignee")
        shown = {"assignee": attendants.get(attendant_id, "") if attendant_id else ""}
        change = CaseChange({"assignee_id": attendant_id})
        await self._push.change_case(self._case_crm_id(case_id), change, shown=shown)

    async def create_case(self, conversation_id: int, subject: str, queue_id: str) -> int:
        """A new case for the conversation's client, linked to the conversation ("manual"); its local id."""
        subject = subject.strip()
        if not subject or len(subject) > MAX_SUBJECT:
            raise InvalidValue("subject")
        queues = self.directory().queues
        if queue_id not in queues:
            raise InvalidValue("queue")
        with self._store.read() as conn:
            row = conversations.get(conn, conversation_id)
            if row is None:
                raise LookupError("no such conversation")
            client = crm_records.client_of_contact(conn, row.contact_id)
            account_kind = _account_kind(conn, row.account_id)
        if client is None or client.crm_id is None:
            raise InvalidValue("not_in_crm")
        channel: Channel = "email" if account_kind == "email" else "whatsapp"
        crm_id = await self._push.open_case(
            NewCase(client.crm_id, queue_id, subject, channel), contact_id=row.contact_id
        )
        now = self._clock()

        def link(conn: Any) -> int:
            case = crm_records.case_by_crm_id(conn, crm_id)
            assert case is not None
            crm_records.update_case_locally(conn, crm_id, now=now, client_id=client.id, queue=queues[queue_id])
            crm_records.link_case(conn, conversation_id, case.id, "manual", now=now)
            return case.id

        return int(await self._store.write(link))

    async def add_note(self, case_id: int, body: str) -> str:
        body = body.strip()
        if not body or len(body) > MAX_NOTE:
            raise InvalidValue("note")
        return await self._push.add_note(body, case_crm_id=self._case_crm_id(case_id))

    async def move_conversation(self, conversation_id: int, to_case_id: int) -> None:
        """Move a conversation to another case by hand: it leaves its cases; the new link says "manual"."""
        now = self._clock()
        await self._store.write(
            lambda conn: crm_records.move_conversation_to_case(conn, conversation_id, to_case_id, now=now)
        )

    def _case_crm_id(self, case_id: int) -> str:
        with self._store.read() as conn:
            case = crm_records.case_by_id(conn, case_id)
        if case is None or case.crm_id is None:
            raise LookupError("no such CRM case")
        return case.crm_id


def _link_client(conn: Any, conversation_id: int, client_id: int, now: int) -> None:
    row = conversations.get(conn, conversation_id)
    if row is None:
        raise LookupError("no such conversation")
    if crm_records.client_of_contact(conn, row.contact_id) is not None:
        raise InvalidValue("already_in_crm")
    owner = crm_records.contact_of_client(conn, client_id)
    if owner is None:
        crm_records.set_client_link(conn, client_id, row.contact_id, "manual", now=now)
        return
    merges.merge_contacts(conn, owner, row.contact_id, "manual", now=now)
    crm_records.set_client_link(conn, client_id, owner, "manual", now=now)


def _account_kind(conn: Any, account_id: int) -> str:
    from deskchat.store import accounts

    return next((account.kind for account in accounts.list_accounts(conn) if account.id == account_id), "")


def local_crm_desk(store: Store) -> CrmDesk | None:
    """The desk over the store's CRM account when no CRM is connected (the demo): actions are kept and queued."""
    from deskchat.store import accounts

    with store.read() as conn:
        account_id = next((row.id for row in accounts.list_accounts(conn) if row.kind == "crm"), None)
    return None if account_id is None else CrmDesk(store, CrmPush(store, account_id))
