"""The reference server checks write bodies against the contract: what the contract accepts passes, anything else is
a 422 naming what is wrong (also through the quicker check the server uses for plain schemas)."""

from __future__ import annotations

import uuid

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from deskchat.crm.server.problems import ProblemError
from deskchat.crm.server.validation import contract, validate


def _contract_validator(schema: str) -> Draft202012Validator:
    """The contract's own schema, checked as written (references looked up, ``unevaluatedProperties`` and all)."""
    base = "urn:test-contract"
    registry: Registry[object] = Registry().with_resource(base, DRAFT202012.create_resource(contract()))
    return Draft202012Validator(
        {"$ref": f"{base}#/components/schemas/{schema}"}, registry=registry, format_checker=FormatChecker(["uuid"])
    )


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


MESSAGE = {
    "id": str(uuid.uuid4()),
    "direction": "in",
    "channel": "whatsapp",
    "body": "Oi",
    "sent_at": "2026-01-02T03:04:05Z",
}


def test_a_history_append_the_contract_accepts_passes() -> None:
    validate("MessageBatch", {"messages": [MESSAGE, {**MESSAGE, "id": str(uuid.uuid4()), "sender": None}]})


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"messages": [{**MESSAGE, "colour": "blue"}]}, "/messages/0"),
        ({"messages": [MESSAGE, {**MESSAGE, "sent_at": "yesterday"}]}, "/messages/1/sent_at"),
        ({"messages": [{**MESSAGE, "channel": "fax"}]}, "/messages/0/channel"),
        ({"messages": []}, "/messages"),
        ({"messages": [MESSAGE], "extra": 1}, "/"),
    ],
)
def test_a_history_append_the_contract_refuses_is_a_422_that_points_at_the_fault(
    body: dict[str, object], pointer: str
) -> None:
    with pytest.raises(ProblemError) as refused:
        validate("MessageBatch", body)
    assert refused.value.status == 422
    assert pointer in [error["pointer"] for error in refused.value.errors or []]


@pytest.mark.parametrize(
    ("schema", "body"),
    [
        ("ContactCreate", {**LEAD, "cnpj": "12345678000199", "emails": ["a@b.c"], "credit_limit_cents": 100}),
        ("ContactCreate", {**LEAD, "cnpj": "123"}),
        ("ContactCreate", {**LEAD, "phones": ["+5511987654321", "+5511987654321"]}),
        ("ContactCreate", {**LEAD, "name": ""}),
        ("ContactCreate", {**LEAD, "status": "client", "sales_stage": "ganho"}),
        ("ContactCreate", {**LEAD, "status": None}),
        ("ContactCreate", [LEAD]),
        ("MessageBatch", {"messages": [{**MESSAGE, "external_id": "x" * 501}]}),
        ("MessageBatch", {"messages": [{k: v for k, v in MESSAGE.items() if k != "body"}]}),
        ("MessageBatch", {"messages": "not a list"}),
    ],
)
def test_the_server_answers_every_body_exactly_as_the_contract_does(schema: str, body: object) -> None:
    contract_errors = list(_contract_validator(schema).iter_errors(body))
    try:
        validate(schema, body)
    except ProblemError as refused:
        assert refused.status == 422
        assert contract_errors, "the server refused a body the contract accepts"
        assert len(refused.errors or []) == min(len(contract_errors), 20)
    else:
        assert not contract_errors, "the server accepted a body the contract refuses"
