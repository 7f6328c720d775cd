"""The reference server checks write bodies against the contract: what the contract accepts passes, anything else is
a 422 naming what is wrong (also through the quicker check the server uses for plain schemas)."""

from __future__ import annotations

import uuid

import pytest

from deskchat.crm.server.problems import ProblemError
from deskchat.crm.server.validation import validate

LEAD = {"id": str(uuid.uuid4()), "name": "Lead", "status": "lead", "source": "whatsapp"}


@pytest.mark.parametrize(
    "body",
    [LEAD, {**LEAD, "phones": ["+5511987654321"], "score": 7, "cnpj": None, "responsible_id": str(uuid.uuid4())}],
)
def test_a_body_the_contract_accepts_passes(body: dict[str, object]) -> None:
    validate("ContactCreate", body)


@pytest.mark.parametrize(
    ("schema", "body", "pointer"),
    [
        ("ContactCreate", {**LEAD, "favourite_colour": "blue"}, "/"),
        ("ContactCreate", {**LEAD, "id": "not-a-uuid"}, "/id"),
        ("ContactCreate", {**LEAD, "score": 101}, "/score"),
        ("ContactCreate", {"id": LEAD["id"], "name": "Lead"}, "/"),
        ("ContactPatch", {"source": "manual"}, "/"),
        ("ContactPatch", {"name": "Novo", "unknown": 1}, "/"),
        ("ContactPatch", {}, "/"),
    ],
)
def test_a_body_the_contract_refuses_is_a_422_that_points_at_the_fault(
    schema: str, body: dict[str, object], pointer: str
) -> None:
    with pytest.raises(ProblemError) as refused:
        validate(schema, body)
    assert refused.value.status == 422
    assert pointer in [error["pointer"] for error in refused.value.errors or []]
